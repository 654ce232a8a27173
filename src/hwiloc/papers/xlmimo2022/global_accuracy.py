"""xlmimo2022 Fig. 1 beyond the local bounds: the MMLE's and the MLE's position RMSE predicted at
every power by the method of interval errors (:mod:`hwiloc.bounds.global_accuracy`).

Our check, not the paper's. The estimators search the window of the authors' coarse grid
(get_pos_coarse.m: theta_0 +- ``angle_halfwidth``, d_0 +- ``distance_halfwidth``, config
``montecarlo.coarse``); the prediction takes them as the grid maximum of their concentrated
likelihood over that window (their separable coarse search and the Gauss-Newton steps that
follow it are not modelled):

- the MMLE (far-field model on near-field data): the far-field surface on the window's
  (theta, d) grid, the main lobe at the pseudo-true point, its local error the LB;
- the MLE (near-field model): the near-field surface on the same points in (x, y), the main
  lobe at the truth, its local error CRB-NF.

Nothing here depends on the power but the SNR (the mean scales as sqrt(P), the noise is
sigma^2 at every power), so one surface per estimator serves every power.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hwiloc.bounds import global_accuracy as ga
from hwiloc.papers.xlmimo2022.stages import coarse_offsets
from hwiloc.papers.xlmimo2022.system import Scenario, provenance

THRESHOLD_FACTOR = 2.0
"""Threshold: the lowest power from which the RMSE stays within 2x its local bound (as
chen2022's ML threshold). [-]"""
INDEPENDENT = False
"""The union of sidelobe probabilities, scaled to sum to 1 (Chen's alg_threshold_region.m),
as for chen2022 (:data:`hwiloc.papers.chen2022.global_accuracy.INDEPENDENT`). [-]"""
ESTIMATORS = {"mmle": "peb_lb", "mle": "peb_crb_nf"}  # the local bound of each


def window(scenario: Scenario, coarse: dict) -> tuple[np.ndarray, np.ndarray]:
    """The coarse grid's window without its jitter: angles [rad] and distances [m]."""
    angles, distances = coarse_offsets(coarse)
    angles = np.radians(np.degrees(scenario.eta_far_field[0]) + angles)
    distances = scenario.distance + distances
    return angles, distances


def _signals(model, points: np.ndarray) -> np.ndarray:
    """The model's unit-gain means at the (first two) parameters of each point, [L, N K]."""
    import jax

    eta = np.concatenate([np.asarray(points, float), np.tile([1.0, 0.0], (len(points), 1))], axis=1)
    return np.asarray(jax.jit(jax.vmap(model.mean))(eta)).reshape(len(points), -1)


def _predict(model, points, positions, anchor, data, truth, local_mse, amplitudes, shape):
    """The MIE of one estimator at every power: its surface on the window's points (``shape``
    as a grid), the main lobe at ``anchor``. One vectorized call gives every signal (one
    compilation per model)."""
    s = _signals(model, np.concatenate([np.asarray(anchor, float)[None, :2], points]))
    main, s = s[:1], s[1:]
    surface = (np.abs(s.conj() @ data) ** 2 / np.sum(np.abs(s) ** 2, axis=1)).reshape(shape)
    peaks = ga.local_maxima(surface)
    offset = np.linalg.norm(positions[peaks] - anchor_position(model, anchor), axis=1)
    side = np.delete(peaks, np.argmin(offset))  # the lobe of the anchor is the main one
    quantity = np.concatenate([[anchor_position(model, anchor)], positions[side]])
    return ga.interval_errors(np.concatenate([main, s[side]]), data, quantity, truth, local_mse,
                              amplitudes, independent=INDEPENDENT)  # fmt: skip


def anchor_position(model, eta) -> np.ndarray:
    """The position [2] of a parameter vector of ``model`` (its ``position`` quantity). [m]"""
    return np.asarray(model.quantities["position"].function(np.asarray(eta, float)))


def predicted_dataset(scenario: Scenario, bounds: xr.Dataset, coarse: dict, cfg: dict):
    """Predicted position RMSE of the MMLE and the MLE at each power of ``bounds``, the
    sidelobes' total probability and each estimator's predicted threshold power."""
    true, assumed = scenario.models()
    sigma = np.sqrt(scenario.noise_variance)  # white, at every power [sqrt(mW)]
    data = np.asarray(true.mean(np.asarray(scenario.eta_near_field))).ravel() / sigma
    powers = bounds["power_dbm"].values
    amplitudes = np.sqrt(10 ** (powers / 10))  # sqrt(P / 1 mW)
    angles, distances = window(scenario, coarse)
    a, d = np.meshgrid(angles, distances, indexing="ij")
    polar = np.stack([a.ravel(), d.ravel()], axis=1)  # the far-field grid (theta, d)
    xy = np.stack([polar[:, 1] * np.cos(polar[:, 0]), polar[:, 1] * np.sin(polar[:, 0])], 1)
    truth = np.asarray(scenario.ue_position)
    rmse, probability = {}, {}
    for est, bound in ESTIMATORS.items():
        model, points, anchor = ((assumed, polar, bounds["pseudo_true_ff"].values[-1])
                                 if est == "mmle" else (true, xy, scenario.eta_near_field))
        local = bounds[bound].values ** 2
        mie = _predict(model, points, xy, anchor, data, truth, local, amplitudes, a.shape)
        rmse[est], probability[est] = mie.rmse, mie.probabilities.sum(axis=1)
    names = list(ESTIMATORS)
    ds = ga.prediction_dataset([rmse[e] for e in names], [bounds[b].values for b in
                                                          ESTIMATORS.values()],
                               [probability[e] for e in names], "power_dbm", powers, names,
                               THRESHOLD_FACTOR, "the local bound: PEB of the LB (MMLE), of "
                               "CRB-NF (MLE)")  # fmt: skip
    ds.attrs.update(independence_correction=int(INDEPENDENT), num_window_points=len(polar))
    return provenance(ds, "xlmimo2022 MMLE and MLE RMSE predicted by interval errors (Fig. 1)",
                      "xlmimo2022_global_accuracy", "hwiloc.bounds.global_accuracy", cfg)
