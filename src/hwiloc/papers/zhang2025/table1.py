"""zhang2025: Table I of [1] as used (values from config), assumed values marked."""

from __future__ import annotations

TITLE = "Table I: massive MIMO system parameters (as used)"
"""Title of the table's Markdown file."""


def table1(cfg: dict):
    """Table I of [1] as used (values from config)."""
    import pandas as pd

    s, r = cfg["system"], cfg["saf"]["region"]
    rows = [
        ("Center frequency", "f_c", s["carrier_frequency"] / 1e9, "GHz", "Table I"),
        (
            "Bandwidth",
            "BW",
            s["subcarrier_spacing"] * s["num_subcarriers"] / 1e6,
            "MHz",
            "Table I (K x Delta f)",
        ),
        ("Sampling rate", "f_s", s["sampling_rate"] / 1e3, "kHz", "Table I"),
        ("Number of subcarriers", "K", s["num_subcarriers"], "-", "Table I"),
        ("Subcarrier spacing", "Delta f", s["subcarrier_spacing"] / 1e3, "kHz", "Table I"),
        ("Number of UE", "M", 1, "-", "Table I"),
        ("Number of receiver antennas", "N", s["num_antennas"], "-", "Table I"),
        ("Antenna spacing", "Delta a", s["antenna_spacing"], "m", "Table I"),
        (
            "UE position",
            "(x, y)",
            f"({cfg['ue_position'][0]:g}, {cfg['ue_position'][1]:g})",
            "m",
            "Sec. IV (Fig. 4)",
        ),
        (
            "SNR per antenna and subcarrier",
            "|alpha|^2/sigma_n^2",
            cfg["snr_db"],
            "dB",
            "FITTED to Sec. III's spatial ratios (assumptions/; neither met to its last digit)",
        ),
        ("Amplitude model", "alpha_n", cfg["amplitude_model"], "-", "assumed"),
        (
            "SAF region",
            "R",
            f"x {r['x_min']:g}..{r['x_max']:g}, y {r['y_min']:g}..{r['y_max']:g} (step "
            f"{r['step']:g})",
            "m",
            "FITTED (assumptions/: 3x the first guess about the UE; Figs. 4-7 drawn on it)",
        ),
        (
            "Main-lobe radius",
            "Omega",
            cfg["saf"]["main_lobe_radius"],
            "m",
            "FITTED (assumptions/; its region 0.05-0.6 m)",
        ),
        ("Form of eq. (18)", "PMSR", cfg["pmsr_form"], "-", "FITTED (assumptions/, identified)"),
    ]
    return pd.DataFrame(rows, columns=["parameter", "symbol", "value", "unit", "source"])
