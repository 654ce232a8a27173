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
