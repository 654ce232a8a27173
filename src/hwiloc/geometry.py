"""Array and user positions, distances and directions (2-D, metres)."""

from __future__ import annotations

import numpy as np

from hwiloc.validation import require_finite, require_positive, require_positive_int


def ula_positions(num_antennas: int, spacing: float, axis: str = "x") -> np.ndarray:
    """Element positions of a uniform linear array centred at the origin.

    Parameters
    ----------
    num_antennas : int
        Number of elements N. [-]
    spacing : float
        Inter-element spacing. [m]
    axis : {"x", "y"}
        Axis along which the array lies.

    Returns
    -------
    positions : [num_antennas, 2], float
        Element n at ``(n - (N - 1) / 2) * spacing`` along ``axis``. [m]
    """
    require_positive_int("num_antennas", num_antennas)
    require_positive("spacing", spacing)
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', got {axis!r}")
    offsets = (np.arange(num_antennas) - (num_antennas - 1) / 2.0) * spacing
    positions = np.zeros((num_antennas, 2))
    positions[:, 0 if axis == "x" else 1] = offsets
    return positions


def distances(points: np.ndarray, antenna_positions: np.ndarray) -> np.ndarray:
    """Euclidean distances d_n(p) from points to antennas.

    Parameters
    ----------
    points : [..., 2], float
        Points p = (x, y). [m]
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]

    Returns
    -------
    d : [..., num_antennas], float
        ``||p - p_n||``. [m]
    """
    points = np.asarray(points, dtype=float)
    antenna_positions = np.asarray(antenna_positions, dtype=float)
    require_finite("points", points)
    dx = points[..., None, 0] - antenna_positions[:, 0]
    dy = points[..., None, 1] - antenna_positions[:, 1]
    return np.hypot(dx, dy)


def unit_vectors(point: np.ndarray, antenna_positions: np.ndarray) -> np.ndarray:
    """Unit vectors from each antenna towards a point.

    The gradient of d_n(p) with respect to p; it appears in eqs. (8)-(9) of
    Zhang et al. (2025) as ((x - x_n) / d_n, (y - y_n) / d_n).

    Parameters
    ----------
    point : [..., 2], float
        The point p. [m]
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]

    Returns
    -------
    u : [..., num_antennas, 2], float
        ``(p - p_n) / ||p - p_n||``. [-]
    """
    point = np.asarray(point, dtype=float)
    diff = point[..., None, :] - np.asarray(antenna_positions, dtype=float)
    d = np.linalg.norm(diff, axis=-1, keepdims=True)
    if np.any(d == 0):
        raise ValueError("point coincides with an antenna: the direction is undefined")
    return diff / d
