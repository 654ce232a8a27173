"""zhang2025: the error floor that grating lobes and phase offsets cause, over Fig. 7's sweep.

The uncalibrated SAF localizer takes the grid maximum of A (eq. (14)) and refines it by
Newton steps (:func:`hwiloc.ambiguity.saf_refine`); its model has no phase offsets, the
data have them (eq. (2)). Per image of Fig. 7's sweep (an offset realization at a sigma),
:func:`error_floor` predicts its MSE at the scenario's SNR by the mismatched method of
interval errors (:func:`hwiloc.bounds.global_accuracy.interval_errors_from_products`):

- the main lobe: the maximum the localizer climbs to from the UE (the pseudo-true point
  p*), its local error the LB = tr(MCRB) + |p* - p|^2 (:func:`hwiloc.ambiguity.saf_peak_mcrb`);
- the competitors: the grid maxima (:func:`~hwiloc.bounds.global_accuracy.local_maxima`)
  that the grid search could prefer, each at its grid level (the search compares grid
  values): every one whose amplitude |u^H m| is within reach of the highest
  (:func:`~hwiloc.bounds.global_accuracy.within_reach`), the others having a probability
  below EPSILON of beating it;
- each pairwise probability from the exact inner products at those grid points, with the
  data's mean (offsets included), as the mismatched MIE prescribes.

:func:`monte_carlo_error` is the localizer itself on noisy CSI, seeded: the check.
"""

from __future__ import annotations

import numpy as np

from hwiloc.ambiguity import saf_peak_mcrb, saf_refine
from hwiloc.bounds.global_accuracy import (
    grid_maximum_near,
    interval_errors_from_products,
    local_maxima,
    threshold,
    within_reach,
)

EPSILON = 1e-12
"""A grid maximum is left out of the MIE when its probability of beating the highest one is
below this (its bound, above); times the largest squared error of Fig. 7's region (about
1e3 m^2), a contribution below 1e-9 m^2 each. [-]"""

FLOOR_FACTOR = 2.0
"""The error floor's onset: the RMSE leaves this many times its local bound (the LB), as
chen2022's threshold rows read the Monte Carlo. [-]"""


def floor_threshold(std, mse, local, factor: float = FLOOR_FACTOR) -> float:
    """The largest sigma up to which (from the smallest on) the RMSE sqrt(``mse``) stays
    within ``factor`` of sqrt(``local``); NaN when it is not within at the smallest. [rad]"""
    std = np.asarray(std, float)
    order = np.argsort(-std)  # -sigma increasing: the threshold of global_accuracy.threshold
    return -threshold(-std[order], np.asarray(mse)[order], np.asarray(local)[order], factor**2)


IMAGE_TOLERANCE = 1e-3
"""Relative error allowed for the fast SAF's image (its range-profile interpolation is
within 6e-5 of the peak) when it selects the competitors; their levels are then computed
exactly. [-]"""


FLOOR_VARIABLES = {name: {"units": units, "long_name": long_name} for name, units, long_name in (
    ("mie_mse", "m^2", "position MSE of the uncalibrated SAF localizer predicted by interval "
     "errors at the scenario's SNR"),
    ("local_mse", "m^2", "its local bound: the LB (MCRB and squared bias at the main lobe's "
     "pseudo-true point)"),
    ("bias", "m", "distance of the main lobe's pseudo-true point from the UE"),
    ("sidelobe_probability", "1", "predicted probability that the localizer takes a "
     "competing maximum"),
    ("num_competitors", "1", "grid maxima within reach of the highest (probability of "
     "winning above EPSILON)"),
    ("noise_free_error", "m", "the localizer's error without noise (its choice of grid "
     "maximum, refined): the high-SNR limit"),
)}
"""What :func:`error_floor` returns for an image, with the attributes of the sweep's
variables [offset_std, realization]."""


def _grid_step(x: np.ndarray, y: np.ndarray) -> float:
    """The grid's smaller step (1 m for a single point): twice the first trust radius of the
    Newton refinement. [m]"""
    step = min(np.diff(x).min(initial=np.inf), np.diff(y).min(initial=np.inf))
    return float(step) if np.isfinite(step) else 1.0


def _steering(points: np.ndarray, antenna_positions: np.ndarray, grid) -> np.ndarray:
    """v_nk(p) = exp(j w_k d_n(p)) at each point, [P, N, K]: A(p) = |v(p)^T r|^2 (eq. (14))."""
    d = np.linalg.norm(points[:, None, :] - antenna_positions[None], axis=-1)  # [P, N]
    return np.exp(1j * d[..., None] * grid.wavenumbers)


def error_floor(image: np.ndarray, x: np.ndarray, y: np.ndarray, csi: np.ndarray,
                amplitudes: np.ndarray, antenna_positions: np.ndarray, grid,
                position: np.ndarray) -> dict:  # fmt: skip
    """The uncalibrated SAF localizer's predicted MSE on one image (module docstring).

    Parameters
    ----------
    image : [num_y, num_x], float
        A of eq. (14) on the grid for ``csi`` (unit amplitudes). [-]
    x, y : [num_x], [num_y], float
        The grid axes. [m]
    csi : [N, K], complex
        The noise-free unit-amplitude CSI, offsets included (eqs. (15)-(17)).
    amplitudes : [N], float
        alpha_n for noise variance 1 (the scenario's SNR). [V]
    antenna_positions : [N, 2], float
        [m]
    grid : OfdmGrid
    position : [2], float
        The UE. [m]

    Returns
    -------
    dict
        ``mie_mse`` [m^2] (the MIE), ``local_mse`` [m^2] (the LB), ``bias`` [m] (|p* - p|),
        ``sidelobe_probability`` [-] (the competitors' total), ``num_competitors`` [-],
        ``noise_free_error`` [m] (the grid search's choice without noise, refined: the
        high-SNR limit).
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    position = np.asarray(position, float)
    amplitudes = np.asarray(amplitudes, float)
    data = amplitudes[:, None] * csi  # m: the data's mean, noise CN(0, 1)
    step = _grid_step(x, y)
    # the main lobe: where the localizer's Newton steps climb from the UE (the pseudo-true point)
    (main,), _ = saf_refine(data, antenna_positions, grid, position[None], step / 2)
    covariance = saf_peak_mcrb(data, antenna_positions, grid, main)
    bias = main - position
    local = float(np.trace(covariance) + bias @ bias)  # the LB of the position [m^2]
    main_index = grid_maximum_near(image, (y, x), main[::-1])  # the main lobe's grid maximum
    # the competitors: grid maxima within reach of the highest (amplitudes |u^H m| ~ sqrt(A))
    size = data.size
    top = float(image.max())
    spread = (amplitudes.max() / amplitudes.min()) ** 2  # the image is of unit amplitudes
    top_amplitude = np.sqrt(top * np.mean(amplitudes**2) / size)  # |u^H m| of the top
    ratio = (within_reach(top_amplitude, EPSILON) / top_amplitude) ** 2 / spread * (
        1.0 - IMAGE_TOLERANCE)  # below it, P(beating the top) < EPSILON
    peaks = local_maxima(image, above=top * ratio)
    peaks = peaks[peaks != main_index]
    points = np.stack([x[peaks % len(x)], y[peaks // len(x)]], axis=1)
    on_grid = np.array([x[main_index % len(x)], y[main_index // len(x)]])
    v = _steering(np.vstack([on_grid, points]), antenna_positions, grid)  # [1 + C, N, K]
    seen = np.einsum("pnk,nk->p", v, data) / np.sqrt(size)  # u^H m (u = v^* / sqrt(N K))
    if len(points):  # exact levels: keep those within reach of the highest
        keep = np.abs(seen[1:]) >= within_reach(np.abs(seen).max(), EPSILON)
        points, v, seen = points[keep], v[np.r_[True, keep]], seen[np.r_[True, keep]]
    correlation = np.einsum("nk,pnk->p", v[0], np.conj(v[1:])) / size  # u_0^H u_k
    errors = np.sum((points - position) ** 2, axis=1)
    mie = interval_errors_from_products(seen[0], seen[1:], correlation, errors, [local], [1.0])
    chosen = int(np.argmax(np.abs(seen)))  # the grid search without noise
    if chosen == 0:
        noise_free = float(np.linalg.norm(bias))
    else:
        (refined,), _ = saf_refine(data, antenna_positions, grid, points[chosen - 1][None],
                                   step / 2)
        noise_free = float(np.linalg.norm(refined - position))
    return {
        "mie_mse": float(mie.mse[0]),
        "local_mse": local,
        "bias": float(np.linalg.norm(bias)),
        "sidelobe_probability": float(mie.probabilities.sum()),
        "num_competitors": float(len(points)),
        "noise_free_error": noise_free,
    }


def monte_carlo_error(image: np.ndarray, x: np.ndarray, y: np.ndarray, csi: np.ndarray,
                      antenna_positions: np.ndarray, grid,
                      position: np.ndarray) -> float:  # fmt: skip
    """The SAF localizer on one noisy CSI: the grid maximum of its image, refined by Newton
    steps on the same CSI; the error |p_hat - p|. [m]

    Parameters
    ----------
    image : [num_y, num_x], float
        A of eq. (14) of ``csi`` on the grid. [-]
    x, y : [num_x], [num_y], float
        [m]
    csi : [N, K], complex
        The noisy CSI (amplitudes included).
    antenna_positions, grid, position
        As :func:`error_floor`.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    iy, ix = np.unravel_index(int(np.argmax(image)), image.shape)
    step = _grid_step(x, y)
    (estimate,), _ = saf_refine(csi, antenna_positions, grid, np.array([[x[ix], y[iy]]]), step / 2)
    return float(np.linalg.norm(estimate - np.asarray(position, float)))
