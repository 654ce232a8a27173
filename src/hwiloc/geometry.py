"""Array and user positions, distances and directions (2-D, metres; a planar array in 3-D)."""

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


PLANES = {"xy": (0, 1), "xz": (0, 2), "yz": (1, 2)}


def upa_positions(
    num_rows: int, num_columns: int, spacing: float | tuple[float, float], plane: str = "xz"
) -> np.ndarray:
    """Element positions of a uniform planar (rectangular) array centred at the origin, in 3-D.

    Parameters
    ----------
    num_rows, num_columns : int
        Elements along the plane's second and first axes. [-]
    spacing : float or (float, float)
        Inter-element spacing, or (along the first axis, along the second). [m]
    plane : {"xz", "xy", "yz"}
        The plane the array lies in (default ``xz``: a vertical array facing +y, the
        broadside of :func:`ula_positions` along x).

    Returns
    -------
    positions : [num_rows * num_columns, 3], float
        Row-major (the first axis fastest): element (r, c) at row r, column c,
        ``((c - (C - 1) / 2) d_1, (r - (R - 1) / 2) d_2)`` in the plane's axes. [m]
    """
    require_positive_int("num_rows", num_rows)
    require_positive_int("num_columns", num_columns)
    d1, d2 = (spacing, spacing) if np.ndim(spacing) == 0 else spacing
    require_positive("spacing", d1)
    require_positive("spacing", d2)
    if plane not in PLANES:
        raise ValueError(f"plane must be one of {sorted(PLANES)}, got {plane!r}")
    first = (np.arange(num_columns) - (num_columns - 1) / 2.0) * d1
    second = (np.arange(num_rows) - (num_rows - 1) / 2.0) * d2
    a, b = np.meshgrid(first, second)  # [R, C]: the first axis fastest when flattened
    positions = np.zeros((num_rows * num_columns, 3))
    i, j = PLANES[plane]
    positions[:, i], positions[:, j] = a.ravel(), b.ravel()
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
