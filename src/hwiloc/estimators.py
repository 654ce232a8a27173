"""Position estimators. SAF-peak localizer (Zhang et al. 2025, Secs. IV-V)."""

from __future__ import annotations

import numpy as np

from hwiloc.ambiguity import saf, sensed_location
from hwiloc.ofdm import OfdmGrid
from hwiloc.validation import require_positive


def saf_peak(
    csi: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    x: np.ndarray,
    y: np.ndarray,
    *,
    refine_step: float,
    oversampling: int = 256,
) -> tuple[np.ndarray, np.ndarray]:
    """Localize by the SAF peak (eq. (14)): a coarse grid, then a fine local grid.

    The fine grid spans two coarse steps either side of the coarse peak at
    ``refine_step``; both grids are evaluated by the vectorised SAF kernel.

    Parameters
    ----------
    csi : [num_antennas, num_subcarriers], complex
        One snapshot.
    x, y : [num_x], [num_y], float
        Coarse grid axes. [m]
    refine_step : float
        Step of the fine grid. [m]

    Returns
    -------
    position : [2], float
        Estimate. [m]
    image : [num_y, num_x], float
        Coarse SAF image.
    """
    require_positive("refine_step", refine_step)
    image = saf(csi, antenna_positions, grid, x, y, oversampling=oversampling)
    x0, y0 = sensed_location(image, x, y)
    dx = 2 * (x[1] - x[0]) if len(x) > 1 else refine_step
    dy = 2 * (y[1] - y[0]) if len(y) > 1 else refine_step
    fx = np.arange(x0 - dx, x0 + dx + refine_step / 2, refine_step)
    fy = np.arange(max(y0 - dy, y[0]), y0 + dy + refine_step / 2, refine_step)
    fine = saf(csi, antenna_positions, grid, fx, fy, oversampling=oversampling)
    return np.asarray(sensed_location(fine, fx, fy)), image


def ofdm_los_ml(
    y: np.ndarray,
    model,
    thetas: np.ndarray | None = None,
    taus: np.ndarray | None = None,
    *,
    initial: np.ndarray | None = None,
    tolerance: float = 1e-9,
    max_iterations: int = 100,
    refine: str = "newton",
) -> np.ndarray:
    """(Mismatched) ML estimate of eta = [theta, tau, |alpha|, angle(alpha)], Chen et al. Sec. III.

    The gain enters linearly and is a closed-form plug-in (eqs. (11), (13)); the
    concentrated objective f = |mu~^H y|^2 / ||mu~||^2 is maximised by a coarse
    (theta, tau) grid (vectorised: one matrix product per axis), or from
    ``initial``, then refined by Newton's method on f with its analytic
    gradient and Hessian (:meth:`OfdmLosModel.concentrated_objective`), in
    variables scaled to the angular and delay resolution, with a backtracking
    line search that never lets f decrease (a gradient step where the Hessian
    is not negative definite). The model used decides MLE (data model) or MMLE
    (another model); the pseudo-true parameter of eq. (23) is this estimator
    run on noise-free data from ``initial`` = eta_true.

    Parameters
    ----------
    y : [G K], complex
        Observation. [V]
    model : OfdmLosModel
        The model the estimator assumes.
    thetas, taus : 1-D, float
        Coarse grid. [rad], [s]
    initial : [4], float, optional
        Start of the refinement instead of the grid (theta, tau used). [rad, s]
    tolerance : float
        Stop when a step is below this many resolution cells. [-]
    max_iterations : int
        Newton iterations at most. [-]
    refine : {"newton", "nelder-mead"}
        The local refinement: Newton (default), or scipy's derivative-free
        Nelder-Mead on f, kept as the slow reference of tests and benchmarks.
    """
    if refine not in ("newton", "nelder-mead"):
        raise ValueError(f"refine must be 'newton' or 'nelder-mead', got {refine!r}")
    if initial is None:
        if thetas is None or taus is None:
            raise ValueError("give either a coarse grid (thetas, taus) or an initial point")
        point = np.array(model.grid_peak(y, thetas, taus))
    else:
        point = np.asarray(initial, dtype=float)[:2].copy()
    num_antennas = model.combiners.shape[1]
    scale = np.array([2.0 / num_antennas, 1.0 / (model.subcarrier_spacing * model.num_subcarriers)])
    if refine == "newton":
        point = _newton_maximise(
            lambda p: model.concentrated_objective(y, p[0], p[1]),
            point, scale, tolerance, max_iterations,
        )  # fmt: skip
    else:
        point = _nelder_mead_maximise(
            lambda p: model.gain_plug_in(y, p[0], p[1])[1], point, scale, tolerance
        )
    gain, _ = model.gain_plug_in(y, point[0], point[1])
    return np.array([point[0], point[1], abs(gain), np.angle(gain)])


def _newton_maximise(objective, point, scale, tolerance, max_iterations):
    """Maximise objective(p) -> (f, gradient, Hessian) from ``point`` by damped Newton steps.

    In scaled variables u = p / scale. A step is the Newton step where the
    Hessian is negative definite, else the gradient direction with length of a
    tenth of a resolution cell; it is halved until f does not decrease. The
    search stops once a Newton step, or a step still decreasing f after the
    halvings, is shorter than ``tolerance``: f is then at its maximum to
    rounding.
    """
    f, grad, hess = objective(point)
    for _ in range(max_iterations):
        g = grad * scale
        h = hess * np.outer(scale, scale)
        newton = bool(np.all(np.linalg.eigvalsh(h) < 0.0))
        if newton:
            step = -np.linalg.solve(h, g)
            if np.linalg.norm(step) < tolerance:
                return point + step * scale
        else:
            norm = np.linalg.norm(g)
            if norm == 0.0:
                return point
            step = 0.1 * g / norm
        while True:
            trial = point + step * scale
            f_trial, grad_trial, hess_trial = objective(trial)
            if f_trial >= f:
                break
            step = step / 2.0
            if np.linalg.norm(step) < tolerance:
                return point
        point, f, grad, hess = trial, f_trial, grad_trial, hess_trial
    return point


def _nelder_mead_maximise(objective, point, scale, tolerance):
    """Maximise objective(p) -> f from ``point`` by Nelder-Mead in scaled variables (reference)."""
    from scipy.optimize import minimize

    f0 = abs(objective(point)) or 1.0
    result = minimize(
        lambda u: -objective(point + u * scale) / f0,
        np.zeros(2),
        method="Nelder-Mead",
        options={"xatol": tolerance, "fatol": 1e-15,
                 "initial_simplex": [[0, 0], [0.02, 0], [0, 0.02]]},
    )  # fmt: skip
    return point + result.x * scale
