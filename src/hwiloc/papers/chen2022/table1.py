"""chen2022: Table I of [2] as used, with each value's status (text, ASSUMED, FITTED)."""

from __future__ import annotations

import pandas as pd

TITLE = "chen2022 Table I: simulation parameters (as used)"
"""Title of the table's Markdown file."""


def table1(cfg: dict):
    """Table I of [2] as used, with each value's status and what the mismatched model M2
    assumes of it."""

    s, imp = cfg["system"], cfg["impairments"]
    ppm = imp["cfo_std"] * s["bandwidth"] / s["num_subcarriers"] / s["carrier_frequency"] * 1e6
    pa = ", ".join(f"beta_{p} = {complex(*c):.4g}" for p, c in imp["pa_coefficients"].items())
    rows = [
        ("BS antennas", "N_B", s["num_antennas"], "-", "text"),
        ("UE antennas / RF chains", "-", "1 / 1", "-", "text"),
        ("Carrier frequency", "f_c", s["carrier_frequency"] / 1e9, "GHz", "ASSUMED"),
        ("Bandwidth", "W", s["bandwidth"] / 1e9, "GHz", "ASSUMED"),
        ("Subcarriers", "K", s["num_subcarriers"], "-", "ASSUMED"),
        ("Transmissions", "G", s["num_transmissions"], "-", "FITTED (assumptions/, decisive)"),
        ("CFO phase model", "E_g", imp["cfo_model"], "-", "FITTED (assumptions/, decisive)"),
        ("Cyclic prefix", "K_cp", s["cyclic_prefix"], "samples", "ASSUMED"),
        ("Load impedance", "R", s["load_impedance"], "Ohm",
         "ASSUMED (not separate from beta_3 and V_clip: it scales both)"),
        ("Noise PSD", "N0", s["noise_psd_dbm_hz"], "dBm/Hz", "ASSUMED"),
        ("Noise figure", "NF", s["noise_figure_db"], "dB", "ASSUMED"),
        ("Residual PN std", "sigma_PN", imp["phase_noise_std"], "rad", "ASSUMED"),
        ("Residual CFO std", "eps", imp["cfo_std"], "Delta f",
         f"text ({ppm:.2f} ppm; assumptions/ scans it as a sensitivity)"),
        ("MC coefficient", "c_MC", str(complex(*imp["coupling_coefficient"])), "-", "ASSUMED"),
        ("MC residual std", "sigma_MC", imp["coupling_residual_std"], "-", "ASSUMED"),
        ("PA parameters", "beta_p", pa, "V^(1-p)",
         "ASSUMED (Re beta_3 scanned: not decisive)"),
        ("PA clipping voltage", "V_clip", imp["clip_voltage"], "V",
         "FITTED (assumptions/, decisive)"),
        ("PA model", "f_PA", imp["pa_model"], "-",
         "ASSUMED (saturated: eq. (7) held at its AM/AM peak, which it would fold over)"),
        ("UE position", "p", f"({s['ue_position'][0]:g}, {s['ue_position'][1]:g})", "m", "ASSUMED"),
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=["parameter", "symbol", "value", "unit", "source"])
    # Table I's "Mismatched model" column: what M2, the estimator's model, assumes (spec: M2
    # knows the nominal coupling C_0 only; no PA, no PN, no CFO); "as M1" where it is the same
    m2 = {"E_g": "none (no CFO)", "sigma_PN": "0 (no PN)", "eps": "0 (no CFO)",
          "sigma_MC": "0 (C_0 only)", "beta_p": "beta_1 = 1 (linear)", "V_clip": "none",
          "f_PA": "none (no PA)"}  # fmt: skip
    table.insert(3, "mismatched model (M2)", [m2.get(sym, "as M1") for sym in table["symbol"]])
    return table
