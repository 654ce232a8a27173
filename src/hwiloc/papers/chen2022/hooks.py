"""chen2022's hooks: what the shared layers take from this paper (:mod:`hwiloc.plugins`).

- :data:`ATTRIBUTES`: the units and long names of the variables its files hold;
- :func:`config_problems`: the relations between its config values that a schema cannot
  state (ULA on the y axis at the origin, UE in front of it, Sec. II; the estimators' grids);
- :func:`resource_estimates`: the memory of one of its jobs;
- :data:`SLURM_GROUP_COMPONENTS`: how many of its grouped jobs one cluster job runs.

This module is light (no numerics): the workflow imports it when it builds the DAG.
"""

from __future__ import annotations

import math

from hwiloc.constants import ANGLE_GRID_MARGIN, SPEED_OF_LIGHT
from hwiloc.resources import COMPLEX, WORKING, Estimate

ATTRIBUTES: dict[str, dict[str, str]] = {
    "transmission": {"units": "1", "long_name": "OFDM transmission index g"},
    "band": {"units": "1", "long_name": "coupling band entry (main, upper, lower diagonals)"},
    "pilot_phase": {"units": "rad", "long_name": "pilot phase psi_{g,k}"},
    "combiner_phase": {"units": "rad", "long_name": "analog combiner phase vartheta_{g,n}"},
    "phase_noise": {"units": "rad", "long_name": "residual phase noise phi_{g,k}"},
    "cfo": {"units": "1", "long_name": "residual CFO normalised to the subcarrier spacing"},
    "coupling_residual": {"units": "1", "long_name": "residual mutual coupling Delta_C (band)"},
    "bound": {"units": "1", "long_name": "bound: CRB-M1, CRB-M2 or LB (MCRB + bias)"},
    "power": {"units": "dBm", "long_name": "average transmit power (before the PA)"},
    "parameter": {"units": "1", "long_name": "channel parameter"},
    "aeb": {"units": "degree", "long_name": "angle error bound, eq. (17)"},
    "deb": {"units": "m", "long_name": "delay error bound (times c), eq. (18)"},
    "peb": {"units": "m", "long_name": "position error bound, eq. (19)"},
    "pseudo_true": {
        "units": "mixed: rad, s, 1, rad",
        "long_name": "pseudo-true parameter, eq. (23)",
    },
    "true_parameter": {"units": "mixed: rad, s, 1, rad", "long_name": "true channel parameter"},
    "phase_noise_std": {"units": "rad", "long_name": "residual phase-noise std sigma_PN"},
    "cfo_std": {"units": "1", "long_name": "residual CFO std, normalised to Delta f"},
    "coupling_residual_std": {"units": "1", "long_name": "std of the coupling residual Delta_C"},
}

SLURM_GROUP_COMPONENTS = {
    "chen2022": 12,  # bounds and Monte Carlo shards (with the hardware draws, Fig. 4's three
    # sweeps and the witnesses: 12 in the quick DAG)
}


def config_problems(config: dict) -> list[str]:
    """Every relation between the values of ``config["chen2022"]`` that fails (none: [])."""
    return _relations(config["chen2022"]) if "chen2022" in config else []


def _relations(c: dict) -> list[str]:
    """chen2022: ULA on the y axis at the origin, UE in front of it (x > 0), Sec. II."""
    problems = []
    key = "config key 'chen2022"
    s = c["system"]
    x, y = s["ue_position"]
    theta = math.atan2(y, x)
    delay = math.hypot(x, y) / SPEED_OF_LIGHT
    if x <= 0:
        problems.append(
            f"{key}.system.ue_position': got {s['ue_position']!r}; expected x > 0 (the UE in "
            "front of the array on the y axis; x = 0 is on the array axis or at the origin)"
        )
    elif abs(theta) >= math.pi / 2 - ANGLE_GRID_MARGIN:
        problems.append(
            f"{key}.system.ue_position': got {s['ue_position']!r}; its angle {theta:.6g} rad "
            f"is outside the estimators' angle grid |theta| < pi/2 - {ANGLE_GRID_MARGIN}"
        )
    if s["bandwidth"] >= s["carrier_frequency"]:
        problems.append(
            f"{key}.system.bandwidth': got {s['bandwidth']!r}; expected < carrier_frequency = "
            f"{s['carrier_frequency']!r} Hz"
        )
    spacing = s["bandwidth"] / s["num_subcarriers"]
    if x > 0 and delay >= 1 / spacing:
        problems.append(
            f"{key}.system.ue_position': got {s['ue_position']!r}; its delay {delay:.6g} s "
            f"must be < 1 / subcarrier spacing = {1 / spacing:.6g} s (else it aliases)"
        )
    mc = c["montecarlo"]
    if x > 0 and not delay <= mc["grid_tau_max"] - mc["grid_tau_step"]:
        problems.append(
            f"{key}.montecarlo.grid_tau_max': got {mc['grid_tau_max']!r}; the estimators' "
            f"delay grid must contain the UE's delay {delay:.6g} s: expected >= "
            f"{delay + mc['grid_tau_step']:.6g} s (delay + grid_tau_step)"
        )
    if mc["grid_tau_step"] >= mc["grid_tau_max"]:
        problems.append(
            f"{key}.montecarlo.grid_tau_step': got {mc['grid_tau_step']!r}; expected < "
            f"grid_tau_max = {mc['grid_tau_max']!r}"
        )
    pa = c["impairments"]["pa_coefficients"]
    linear = pa.get("1")
    if linear is None or (linear[0] == 0 and linear[1] == 0):
        problems.append(
            f"{key}.impairments.pa_coefficients': got {pa!r}; expected a non-zero linear "
            "term '1' (the PA gain beta_1; without it the signal vanishes at low power)"
        )
    return problems



def resource_estimates(config: dict) -> list[Estimate]:
    """The estimate of its jobs (every one holds the observation model; a validated config)."""
    return [_estimate(config["chen2022"])] if "chen2022" in config else []


def _estimate(c: dict) -> Estimate:
    s = c["system"]
    n, k, g = int(s["num_antennas"]), int(s["num_subcarriers"]), int(s["num_transmissions"])
    samples = g * (k + int(s["cyclic_prefix"]))
    mc = c["montecarlo"]
    angles = math.pi / float(mc["grid_theta_step"])
    taus = float(mc["grid_tau_max"]) / float(mc["grid_tau_step"])
    model = 32 * samples * COMPLEX  # mean, D, H (4 parameters: 21 arrays), pilots, FFT buffers
    matrices = 4 * n * n * COMPLEX  # coupling C, its residual, combiners W C
    array = 4 * n * k * COMPLEX  # per-antenna responses over the subcarriers (hardware draws)
    grid = (k * taus + g * angles + angles * taus) * COMPLEX  # delay, steering, scores
    return Estimate(
        "chen2022", WORKING * (model + matrices + array + grid), 0.0,
        "chen2022.system.num_antennas / num_subcarriers / num_transmissions",
        f"G (K + K_cp) = {samples} samples, N = {n}, MLE grid {angles:.0f} x {taus:.0f}",
        ("chen2022_", "hwi_catalogue_sweep", "study_"),  # every job on chen2022's system
    )  # fmt: skip
