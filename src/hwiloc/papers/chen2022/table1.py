"""chen2022: Table I of [2] as used, with each value's status (text, ASSUMED, FITTED)."""

from __future__ import annotations

import pandas as pd

TITLE = "chen2022 Table I: simulation parameters (as used)"
"""Title of the table's Markdown file."""


def table1(cfg: dict):
    """Table I of [2] as used, with each value's status."""

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
    return pd.DataFrame(rows, columns=["parameter", "symbol", "value", "unit", "source"])
