"""chen2022: Table I of [2] as used, with each value's status (text, ASSUMED, FITTED)."""

from __future__ import annotations

import math

import pandas as pd

TITLE = "chen2022 Table I: simulation parameters (as used)"
"""Title of the table's Markdown file."""


def table1(cfg: dict):
    """Table I of [2] as used, with each value's status and what the mismatched model M2
    assumes of it."""

    s, imp = cfg["system"], cfg["impairments"]
    ppm = imp["cfo_std"] * s["bandwidth"] / s["num_subcarriers"] / s["carrier_frequency"] * 1e6
    pa = ", ".join(f"beta_{p} = {complex(*c):.4g}" for p, c in imp["pa_coefficients"].items())
    cap = 10 * math.log10(imp["clip_voltage"] ** 2 / s["load_impedance"] / 1e-3)  # [dBm]
    rows = [
        ("BS antennas", "N_B", s["num_antennas"], "-", "text"),
        ("UE antennas / RF chains", "-", "1 / 1", "-", "text"),
        ("Carrier frequency", "f_c", s["carrier_frequency"] / 1e9, "GHz", "ASSUMED"),
        ("Bandwidth", "W", s["bandwidth"] / 1e9, "GHz", "ASSUMED"),
        ("Subcarriers", "K", s["num_subcarriers"], "-", "ASSUMED"),
        ("Transmissions", "G", s["num_transmissions"], "-", "FITTED (assumptions/)"),
        ("CFO phase model", "E_g", imp["cfo_model"], "-",
         "text: eq. (5), inter-symbol rotation and intra-symbol ramp (never fitted)"
         if imp["cfo_model"] == "eq5" else "a sensitivity, not the paper's eq. (5)"),
        ("Cyclic prefix", "K_cp", s["cyclic_prefix"], "samples", "ASSUMED"),
        ("Load impedance", "R", s["load_impedance"], "Ohm",
         "ASSUMED (not separate from beta_3 and V_clip: it scales both)"),
        ("Noise PSD", "N0", s["noise_psd_dbm_hz"], "dBm/Hz", "ASSUMED"),
        ("Noise figure", "NF", s["noise_figure_db"], "dB", "ASSUMED"),
        ("Residual PN std", "sigma_PN", imp["phase_noise_std"], "rad", "ASSUMED"),
        ("Residual CFO std", "eps", imp["cfo_std"], "Delta f",
         f"FITTED ({ppm:.2f} ppm at this carrier and spacing; the text's 0.71 ppm is "
         "0.0036-0.043 of Delta f over 100-300 GHz and 5-20 MHz)"),
        ("MC coefficient", "c_MC", str(complex(*imp["coupling_coefficient"])), "-", "ASSUMED"),
        ("MC residual std", "sigma_MC", imp["coupling_residual_std"], "-", "ASSUMED"),
        ("PA parameters", "beta_p", pa, "V^(1-p)",
         "ASSUMED (Re beta_3 scanned by the fit: not identified)"),
        ("PA clipping voltage", "V_clip", imp["clip_voltage"], "V",
         f"FITTED (assumptions/): an output-power cap of {cap:.1f} dBm (V_clip^2 / R), which "
         "decides 'CRB-M1 levels off' and 'the PA degrades both'"),
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
