"""xlmimo2022: the system parameters as used, each with the authors' file that states it.

The paper has no table of parameters; the authors' public MATLAB (their
``3-XLMIMO_Model_Mismatch_Analysis`` folder) states the scenario, and the
config (``xlmimo2022.system``) carries each value with the file it comes from.
"""

from __future__ import annotations

import math

import pandas as pd

TITLE = "xlmimo2022: system parameters (as used; the authors' code states them)"
"""Title of the table's Markdown file."""


def table1(cfg: dict) -> pd.DataFrame:
    """The parameters of Fig. 1 of [3] as used (``cfg`` is the ``xlmimo2022`` section).

    Columns: parameter, symbol, value, unit, source (the authors' file, or
    derived). The array is a ULA along y at half the carrier wavelength,
    centred at the origin; the gain magnitude is free space, lambda_c / (4 pi d).
    """
    s, effects, powers = cfg["system"], cfg["true_model"], cfg["power_dbm"]
    wavelength = s["speed_of_light"] / s["carrier_frequency"]  # [m]
    distance = math.hypot(*s["ue_position"])  # [m]
    on = ", ".join(e.replace("_", " ") for e, v in effects.items() if v) or "none"
    rows = [
        ("Carrier frequency", "f_c", s["carrier_frequency"] / 1e9, "GHz",
         "default_THz_2D_SWM_parameters.m"),
        ("Bandwidth", "W", s["bandwidth"] / 1e6, "MHz", "default_THz_2D_SWM_parameters.m"),
        ("Subcarriers", "K", s["num_subcarriers"], "-", "Fig_1_Estimator.m"),
        ("Subcarrier spacing", "W / K", s["bandwidth"] / s["num_subcarriers"] / 1e6, "MHz",
         "derived"),
        ("BS antennas (ULA along y)", "N", s["num_antennas"], "-", "Fig_1_Estimator.m"),
        ("Antenna spacing", "lambda_c / 2", wavelength / 2 * 1e3, "mm", "derived"),
        ("Array aperture", "(N - 1) lambda_c / 2", (s["num_antennas"] - 1) * wavelength / 2,
         "m", "derived"),
        ("UE position", "(x, y)", f"({s['ue_position'][0]:g}, {s['ue_position'][1]:g})", "m",
         "Fig_1_Estimator.m"),
        ("UE distance", "d", distance, "m", "derived"),
        ("Gain magnitude", "rho", f"{wavelength / (4 * math.pi * distance):.4g}", "-",
         "update_parameters.m (free space)"),
        ("Gain phase", "xi", s["gain_phase"], "rad", "update_parameters.m"),
        ("Speed of light", "c", s["speed_of_light"], "m/s", "the authors' value"),
        ("Boltzmann constant", "k_B", f"{s['boltzmann_constant']:.5g}", "J/K",
         "update_parameters.m"),
        ("Temperature", "T", s["temperature"], "K", "update_parameters.m"),
        ("Noise figure", "NF", s["noise_figure_db"], "dB", "update_parameters.m"),
        ("Near-field effects of the true model", "-", on, "-", "get_Rx_symbol.m"),
        ("Transmit power sweep", "P", f"{powers['start']:g} .. {powers['stop']:g} "
         f"({powers['num']} points)", "dBm", "Fig_1_Estimator.m"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["parameter", "symbol", "value", "unit", "source"])
