"""Spatial ambiguity function (SAF) and PMSR, Zhang et al. (2025), Sec. II-C.

The SAF of eq. (14) is the matched-filter (backprojection) output

    A(x, y) = | sum_n sum_k r_nk exp(j 2 pi (f_c + k Delta f) d_n(x, y) / c) |^2

for CSI r_nk. With r_nk = exp(-j 2 pi f_k d_n / c) exp(j phi) this is eqs.
(15)-(17). Three implementations:

- :func:`saf_direct`, eq. (14) term by term: the tests' reference, N K work
  per grid point;
- :func:`saf_los`, the subcarrier sum in closed form (a Dirichlet kernel),
  exact when r_nk carries only per-antenna phases (ideal and spatial offsets);
- :func:`saf`, any CSI: each antenna's range profile g_n(d) = sum_k r_nk
  exp(j k beta d) is sampled once on a fine range axis (a matrix product) and
  interpolated to every grid distance, as in backprojection: N work per grid
  point.

:func:`saf` and :func:`saf_los` run compiled kernels (:mod:`hwiloc.kernels`);
:func:`saf_numpy` and :func:`saf_los_numpy` are the same methods in numpy,
kept with :func:`saf_direct` as the tests' references.
"""

from __future__ import annotations

import numpy as np

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.geometry import distances
from hwiloc.ofdm import OfdmGrid
from hwiloc.validation import require_finite, require_positive, require_positive_int

_CHUNK_POINTS = 1 << 15  # grid points per chunk: bounds memory to ~N * 32k complex values


def _grid_points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Grid of points [len(y), len(x), 2] from 1-D axes. [m]"""
    x = require_finite("x", np.asarray(x, dtype=float))
    y = require_finite("y", np.asarray(y, dtype=float))
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError("x and y must be 1-D grid axes")
    xx, yy = np.meshgrid(x, y)
    return np.stack([xx, yy], axis=-1)


def _check_csi(csi: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid) -> np.ndarray:
    csi = np.asarray(csi)
    expected = (len(antenna_positions), grid.num_subcarriers)
    if csi.shape[-2:] != expected:
        raise ValueError(
            f"csi must have shape [..., num_antennas, num_subcarriers] = [..., {expected[0]}, "
            f"{expected[1]}], got {csi.shape}"
        )
    return require_finite("csi", csi)


def _chunks(num_points: int, size: int = _CHUNK_POINTS):
    for start in range(0, num_points, size):
        yield slice(start, min(start + size, num_points))


def saf_direct(
    csi: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """SAF by eq. (14) term by term (reference implementation).

    Parameters
    ----------
    csi : [num_antennas, num_subcarriers], complex
        r_nk (for eqs. (15)-(17): exp(-j 2 pi f_k d_n / c) exp(j phi)).
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]
    grid : OfdmGrid
        Subcarrier grid.
    x, y : [num_x], [num_y], float
        Evaluation grid axes. [m]

    Returns
    -------
    saf : [num_y, num_x], float
        A(x, y), a power (|.|^2). [-]
    """
    csi = _check_csi(csi, antenna_positions, grid)
    points = _grid_points(x, y).reshape(-1, 2)
    out = np.empty(len(points))
    wavenumbers = grid.wavenumbers
    # N K complex terms per point: smaller chunks keep the reference near 0.5 GB.
    for sl in _chunks(len(points), size=_CHUNK_POINTS // (1 + grid.num_subcarriers // 16)):
        d = distances(points[sl], antenna_positions)  # [G, N]
        terms = csi[None, :, :] * np.exp(1j * d[:, :, None] * wavenumbers)  # Eqs. (14)-(17)
        out[sl] = np.abs(terms.sum(axis=(1, 2))) ** 2  # Eq. (14)
    return out.reshape(len(y), len(x))


def _axes(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid axes as finite, non-empty 1-D float arrays. [m]"""
    x = require_finite("x", np.asarray(x, dtype=float))
    y = require_finite("y", np.asarray(y, dtype=float))
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError("x and y must be 1-D grid axes")
    if not (x.size and y.size):
        raise ValueError(
            f"the grid is empty: x has {x.size} and y {y.size} point(s); expected at least one "
            "each (check the region's bounds and step)"
        )
    return x, y


def _centre_wavenumber(grid: OfdmGrid) -> float:
    """2 pi f_ref / c at the band's centre subcarrier k_mid = k_0 + (K - 1) / 2. [rad/m]"""
    k_mid = grid.first_subcarrier_index + (grid.num_subcarriers - 1) / 2.0
    return 2.0 * np.pi / SPEED_OF_LIGHT * (grid.carrier_frequency + k_mid * grid.subcarrier_spacing)


def _dirichlet_setup(position, antenna_positions, grid, spatial_offsets):
    """d_n of the UE, exp(j phi^a_n), beta / 2 and the carrier wavenumber of eqs. (15)-(17)."""
    d_true = distances(position, antenna_positions)  # [N]
    phi = np.zeros(len(antenna_positions)) if spatial_offsets is None else spatial_offsets
    antenna_phase = np.exp(1j * require_finite("spatial_offsets", np.asarray(phi, dtype=float)))
    half_beta = 2.0 * np.pi / SPEED_OF_LIGHT * grid.subcarrier_spacing / 2.0
    return d_true, antenna_phase, half_beta, _centre_wavenumber(grid)


def saf_los(
    position: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    x: np.ndarray,
    y: np.ndarray,
    spatial_offsets: np.ndarray | None = None,
) -> np.ndarray:
    """SAF of the LoS signal with per-antenna phases, subcarrier sum in closed form.

    With D_n = d_n(x, y) - d_n and beta = 2 pi Delta f / c, eqs. (15) and (17)
    give sum_k exp(j (2 pi f_c / c + k beta) D_n) = exp(j 2 pi f_c D_n / c)
    exp(j (k_0 + (K - 1) / 2) beta D_n) sin(K beta D_n / 2) / sin(beta D_n / 2).
    Compiled (:func:`hwiloc.kernels.saf_dirichlet`); :func:`saf_los_numpy` is
    the same formula in numpy.

    Parameters
    ----------
    position : [2], float
        True UE position. [m]
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]
    grid : OfdmGrid
        Subcarrier grid.
    x, y : [num_x], [num_y], float
        Evaluation grid axes. [m]
    spatial_offsets : [num_antennas], float, optional
        phi^a_n of eq. (17). [rad]

    Returns
    -------
    saf : [num_y, num_x], float
        A(x, y), eq. (14). [-]
    """
    from hwiloc import kernels

    x, y = _axes(x, y)
    antenna_positions = np.asarray(antenna_positions, dtype=float)
    d_true, antenna_phase, half_beta, carrier = _dirichlet_setup(
        position, antenna_positions, grid, spatial_offsets
    )
    return kernels.saf_dirichlet(  # Eqs. (14), (15), (17)
        d_true, antenna_phase.real.copy(), antenna_phase.imag.copy(), half_beta,
        grid.num_subcarriers, carrier, *kernels.columns(antenna_positions), x, y,
    )  # fmt: skip


def saf_los_numpy(
    position: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    x: np.ndarray,
    y: np.ndarray,
    spatial_offsets: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`saf_los` in numpy (the compiled kernel's reference), [num_y, num_x]. [-]"""
    points = _grid_points(x, y).reshape(-1, 2)
    d_true, antenna_phase, half_beta, carrier = _dirichlet_setup(
        position, antenna_positions, grid, spatial_offsets
    )
    k = grid.num_subcarriers
    out = np.empty(len(points))
    for sl in _chunks(len(points)):
        delta = distances(points[sl], antenna_positions) - d_true  # [G, N]
        half = half_beta * delta
        sin_half = np.sin(half)
        small = np.abs(sin_half) < 1e-12
        # sin(K u) / sin(u), whose limit at u = m pi is K (-1)^{m (K - 1)} = K cos(u)^{K - 1}
        dirichlet = np.where(
            small, k * np.cos(half) ** (k - 1), np.sin(k * half) / np.where(small, 1.0, sin_half)
        )
        terms = antenna_phase * dirichlet * np.exp(1j * carrier * delta)  # Eqs. (15), (17)
        out[sl] = np.abs(terms.sum(axis=1)) ** 2  # Eq. (14)
    return out.reshape(len(y), len(x))


def _range_profiles(csi, antenna_positions, grid, x, y, oversampling):
    """Range profiles g_n(d) of every CSI on a range axis covering the grid (numpy).

    Returns (profile [..., N, Q] complex, range step [m], reference wavenumber
    2 pi f_ref / c [rad/m]). The axis runs from 0 to the farthest
    grid-to-antenna distance (a grid corner) plus two samples, so that the
    interpolation stencil [i, i + 1] of any grid distance lies inside it.
    """
    csi, phasor, step, wavenumber = _range_phasor(csi, antenna_positions, grid, x, y, oversampling)
    return csi @ phasor, step, wavenumber  # g_n(d) on the range axis: [..., N, Q]


def _range_phasor(csi, antenna_positions, grid, x, y, oversampling):
    """(checked csi, phasor [K, Q] complex, range step [m], reference wavenumber [rad/m]) of
    :func:`_range_profiles`, whose profile is csi @ phasor."""
    csi = _check_csi(csi, antenna_positions, grid)
    require_positive_int("oversampling", oversampling)
    two_pi_over_c = 2.0 * np.pi / SPEED_OF_LIGHT
    k_mid = grid.first_subcarrier_index + (grid.num_subcarriers - 1) / 2.0
    corners = _grid_points(np.array([x.min(), x.max()]), np.array([y.min(), y.max()]))
    d_far = distances(corners.reshape(-1, 2), antenna_positions).max()
    step = 2.0 * np.pi / (two_pi_over_c * grid.bandwidth / 2.0) / oversampling
    num_samples = int(np.ceil(d_far / step)) + 2
    range_axis = step * np.arange(num_samples)
    k_rel = grid.subcarrier_indices - k_mid
    phasor = np.exp(1j * two_pi_over_c * grid.subcarrier_spacing * np.outer(k_rel, range_axis))
    return csi, phasor, step, _centre_wavenumber(grid)


SAF_BATCH = 4
"""From this many CSI on, :func:`saf` computes each point's geometry once for the whole batch.
On Fig. 7's grid (2 cores): 25 ms an image for 4 images, 9 ms for 8, 10 ms for 20, against
32, 31 and 31 ms image by image (break-even at 3); a single image keeps the image-by-image
kernel (31 ms, against 65 ms through the batch kernel). [-]"""


def saf(
    csi: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    x: np.ndarray,
    y: np.ndarray,
    *,
    oversampling: int = 256,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """SAF of eq. (14) for any CSI, by range profiles (backprojection).

    Writing f_k = f_ref + (k - k_mid) Delta f with k_mid the centre index,
    sum_k r_nk exp(j 2 pi f_k d / c) = exp(j 2 pi f_ref d / c) g_n(d) with the
    range profile g_n(d) = sum_k r_nk exp(j 2 pi (k - k_mid) Delta f d / c),
    band-limited to d-frequencies of at most B / (2 c). g_n is computed exactly
    on a range axis with ``oversampling`` samples per its shortest period
    (2 c / B) by one matrix product, then linearly interpolated to each grid
    distance; the carrier phase exp(j 2 pi f_ref d / c) is applied to within
    1e-13 (:func:`hwiloc.kernels.cis`). The backprojection is compiled
    (:func:`hwiloc.kernels.saf_backprojection`, threads over grid rows and
    images; from :data:`SAF_BATCH` images on,
    :func:`hwiloc.kernels.saf_backprojection_batch`, the geometry of each point and
    antenna computed once for all of them); :func:`saf_numpy` is the same method in
    numpy.

    Parameters
    ----------
    csi : [..., num_antennas, num_subcarriers], complex
        r_nk; leading axes are a batch of CSI (e.g. realizations), one image each.
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]
    grid : OfdmGrid
        Subcarrier grid.
    x, y : [num_x], [num_y], float
        Evaluation grid axes. [m]
    oversampling : int
        Range samples per shortest period of the profile. The interpolation
        error relative to the profile's peak is at most (2 pi / oversampling)^2 / 8
        (6e-5 at the default). [-]
    out : [..., num_y, num_x], float, optional
        Written in place and returned: a loop over batches that reuses one array spares
        the first touch of a new one's pages (a batch of 20 images on Fig. 7's grid is
        39 MB, about 2 ms an image of page faults).

    Returns
    -------
    saf : [..., num_y, num_x], float
        A(x, y). [-]
    """
    from hwiloc import kernels

    x, y = _axes(x, y)
    antenna_positions = np.asarray(antenna_positions, dtype=float)
    csi, phasor, step, wavenumber = _range_phasor(csi, antenna_positions, grid, x, y,
                                                  oversampling)  # fmt: skip
    batch = csi.shape[:-2]
    num_n, num_q = csi.shape[-2], phasor.shape[1]
    rows = csi.reshape((-1, csi.shape[-1]))
    profile_re, profile_im = kernels.range_profiles(  # g_n(d) on the range axis, [B N, Q]
        np.ascontiguousarray(rows, dtype=complex), phasor, *np.empty((2, len(rows), num_q)))
    profile_re = profile_re.reshape((-1, num_n, num_q))  # [B, N, Q]
    profile_im = profile_im.reshape((-1, num_n, num_q))
    kernel = kernels.saf_backprojection
    if len(profile_re) >= SAF_BATCH:  # the images side by side: [N, Q, B]
        profile_re = np.ascontiguousarray(np.moveaxis(profile_re, 0, -1))
        profile_im = np.ascontiguousarray(np.moveaxis(profile_im, 0, -1))
        kernel = kernels.saf_backprojection_batch
    shape = (*batch, len(y), len(x))
    if out is None:
        out = np.empty(shape)
    elif out.shape != shape or out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError(f"out must be a C-contiguous float64 array of shape {shape}, got "
                         f"{out.dtype} {out.shape}")  # fmt: skip
    kernel(  # Eq. (14)
        profile_re, profile_im, 1.0 / step, wavenumber, *kernels.columns(antenna_positions), x,
        y, kernels.cis_table(), out.reshape((-1, len(y), len(x))),
    )  # fmt: skip
    return out


def saf_numpy(
    csi: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    x: np.ndarray,
    y: np.ndarray,
    *,
    oversampling: int = 256,
) -> np.ndarray:
    """:func:`saf` in numpy for one CSI [num_antennas, num_subcarriers] (the kernel's reference)."""
    x, y = _axes(x, y)
    profile, step, reference_wavenumber = _range_profiles(
        csi, antenna_positions, grid, x, y, oversampling
    )
    if profile.ndim != 2:
        raise ValueError(
            f"saf_numpy takes one CSI [num_antennas, num_subcarriers], got {csi.shape}"
        )
    points = _grid_points(x, y).reshape(-1, 2)
    num_antennas, num_samples = profile.shape
    value = profile.ravel()
    slope = np.diff(profile, axis=1, append=profile[:, -1:]).ravel()
    row_offset = num_samples * np.arange(num_antennas)
    out = np.empty(len(points))
    for sl in _chunks(len(points)):
        d = distances(points[sl], antenna_positions)  # [G, N]
        position = d / step
        index = position.astype(np.intp)  # d >= 0: truncation is floor
        flat = index + row_offset
        g = np.take(value, flat) + (position - index) * np.take(slope, flat)
        out[sl] = np.abs(np.sum(g * np.exp(1j * reference_wavenumber * d), axis=1)) ** 2  # Eq. (14)
    return out.reshape(len(y), len(x))


def _saf_terms(csi, antenna_positions, grid: OfdmGrid, points):
    """c(p), grad c [P, 2] and Hess c [P, 2, 2] of :func:`saf_derivatives` at each point, and
    the unit vectors u_n(p) [P, N, 2] from the antennas."""
    csi = _check_csi(csi, antenna_positions, grid)
    points = require_finite("points", np.asarray(points, dtype=float)).reshape(-1, 2)
    w = grid.wavenumbers  # [K]
    delta = points[:, None, :] - np.asarray(antenna_positions, dtype=float)[None]  # [P, N, 2]
    d = np.linalg.norm(delta, axis=-1)  # [P, N]
    u = delta / d[..., None]
    e = csi[None] * np.exp(1j * d[..., None] * w)  # [P, N, K]: eq. (14)'s summands
    sums = e @ np.stack([np.ones_like(w), w, w**2], axis=1)  # [P, N, 3]: sum_k w_k^i e_nk
    c = sums[..., 0].sum(axis=1)  # [P]
    grad_c = 1j * np.einsum("pn,pni->pi", sums[..., 1], u)
    uu = u[..., :, None] * u[..., None, :]  # [P, N, 2, 2]
    hess_c = (np.einsum("pn,pnij->pij", -sums[..., 2], uu)
              + 1j * np.einsum("pn,pnij->pij", sums[..., 1] / d, np.eye(2) - uu))  # fmt: skip
    return c, grad_c, hess_c, u


def saf_derivatives(csi: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid,
                    points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The SAF of eq. (14), exactly, with its gradient and Hessian at scattered points.

    A(p) = |c(p)|^2, c(p) = sum_n sum_k r_nk exp(j w_k d_n(p)), w_k = 2 pi f_k / c; with
    u_n = (p - p_n) / d_n (eqs. (8)-(9)),
    grad c = j sum_nk w_k u_n e_nk, Hess c = sum_nk (-w_k^2 u_n u_n^T + j w_k (I - u_n
    u_n^T) / d_n) e_nk (e_nk the summand), and grad A = 2 Re(c^* grad c), Hess A = 2
    Re(grad c^* grad c^T + c^* Hess c). N K exponentials per point, vectorized over points.

    Parameters
    ----------
    csi : [num_antennas, num_subcarriers], complex
        r_nk.
    antenna_positions : [num_antennas, 2], float
        [m]
    grid : OfdmGrid
    points : [P, 2], float
        [m]

    Returns
    -------
    value : [P], float
        A. [-]
    gradient : [P, 2], float
        [1/m]
    hessian : [P, 2, 2], float
        [1/m^2]
    """
    return _value_gradient_hessian(*_saf_terms(csi, antenna_positions, grid, points)[:3])


def _value_gradient_hessian(c, grad_c, hess_c):
    """A = |c|^2, grad A = 2 Re(c^* grad c), Hess A = 2 Re(grad c^* grad c^T + c^* Hess c),
    from c [P], grad c [P, 2] and Hess c [P, 2, 2] (:func:`_saf_terms`)."""
    value = np.abs(c) ** 2
    gradient = 2.0 * np.real(np.conj(c)[:, None] * grad_c)
    hessian = 2.0 * np.real(np.conj(grad_c)[:, :, None] * grad_c[:, None, :]
                            + np.conj(c)[:, None, None] * hess_c)  # fmt: skip
    return value, gradient, hessian


def saf_refine(csi: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid,
               points: np.ndarray, max_step: float, *, iterations: int = 8,
               tolerance: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """Local maxima of the SAF (eq. (14)) from grid points near them, all at once.

    Newton steps on A (:func:`saf_derivatives`) within a trust radius, first ``max_step``
    (half the grid step: the maximum lies within it of a grid maximum), halved where a
    step does not raise A; a gradient step where the Hessian is not negative definite.

    Parameters
    ----------
    csi : [num_antennas, num_subcarriers], complex
    antenna_positions : [num_antennas, 2], float
        [m]
    grid : OfdmGrid
    points : [P, 2], float
        Starting points (grid maxima). [m]
    max_step : float
        First trust radius. [m]
    iterations : int
        Newton steps at most. [-]
    tolerance : float
        Stop when every accepted step is below this. [m]

    Returns
    -------
    points : [P, 2], float
        The refined maxima. [m]
    value : [P], float
        A at them. [-]
    """
    require_positive("max_step", max_step)
    p = np.array(points, dtype=float).reshape(-1, 2)
    radius = np.full(len(p), float(max_step))
    value, gradient, hessian = saf_derivatives(csi, antenna_positions, grid, p)
    for _ in range(int(iterations)):
        concave = (hessian[:, 0, 0] < 0) & (np.linalg.det(hessian) > 0)
        newton = -np.linalg.solve(np.where(concave[:, None, None], hessian, -np.eye(2)),
                                  gradient[..., None])[..., 0]  # fmt: skip
        step = np.where(concave[:, None], newton, gradient * max_step
                        / np.maximum(np.linalg.norm(gradient, axis=1, keepdims=True), 1e-300))
        length = np.linalg.norm(step, axis=1)
        step *= np.minimum(1.0, radius / np.maximum(length, 1e-300))[:, None]
        trial = saf_derivatives(csi, antenna_positions, grid, p + step)
        better = trial[0] > value
        p = np.where(better[:, None], p + step, p)
        value = np.where(better, trial[0], value)
        gradient = np.where(better[:, None], trial[1], gradient)
        hessian = np.where(better[:, None, None], trial[2], hessian)
        radius = np.where(better, radius, radius / 2)
        if np.all(np.where(better, np.linalg.norm(step, axis=1), radius) < tolerance):
            break
    return p, value


def saf_peak_mcrb(data_mean: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid,
                  point) -> np.ndarray:
    """Covariance of the SAF localizer (the maximizer of A, eq. (14)) about a maximum of its
    noise-free surface, on data ``data_mean`` + CN(0, I) noise: the MCRB of the position
    when the localizer's model is not the data's (phase offsets it ignores), with the gain
    concentrated out.

    The sandwich of an M-estimator (Richmond and Horowitz, IEEE TSP 63(9), 2015; Fortunati
    et al. 2017): H^-1 cov(grad A) H^-1, with H = Hess A at ``point`` on the noise-free
    data and grad A linear in the noise, grad A = 2 Re(G w), G = c^* V'^T + grad c^* v^T
    (v_nk = exp(j w_k d_n), V' its derivative, c = v^T m): cov = 2 Re(G G^H), where
    V'^T V'^* = sum_k w_k^2 sum_n u_n u_n^T, V'^T v^* = j sum_k w_k sum_n u_n and
    v^T v^* = N K need no exponential. The noise terms of E[Hess A] are left out: they are
    1 / (|alpha|^2 N K) of H (1e-5 at zhang2025's 9 dB on 64 x 100).

    Parameters
    ----------
    data_mean : [num_antennas, num_subcarriers], complex
        The noise-free data m (amplitudes included), noise variance 1. [V]
    antenna_positions : [num_antennas, 2], float
        [m]
    grid : OfdmGrid
    point : [2], float
        A maximum of A on ``data_mean`` (:func:`saf_refine`): the pseudo-true point. [m]

    Returns
    -------
    covariance : [2, 2], float
        [m^2]
    """
    terms = _saf_terms(data_mean, antenna_positions, grid, point)  # at one point
    (hessian,) = _value_gradient_hessian(*terms[:3])[2]  # Hess A
    (c,), (grad_c,), (u,) = terms[0], terms[1], terms[3]
    w = grid.wavenumbers
    outer = np.sum(w**2) * (u.T @ u)  # V'^T V'^*
    q = np.sum(w) * u.sum(axis=0)  # V'^T v^* = j q
    gg = (abs(c) ** 2 * outer + np.conj(c) * 1j * np.outer(q, grad_c)
          - 1j * c * np.outer(np.conj(grad_c), q)
          + data_mean.size * np.outer(np.conj(grad_c), grad_c))  # G G^H
    inverse = np.linalg.inv(hessian)
    return inverse @ (2.0 * np.real(gg)) @ inverse


def sensed_location(image: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Grid location (x_sen, y_sen) of the SAF peak. [m]"""
    iy, ix = np.unravel_index(np.argmax(image), image.shape)
    return float(x[ix]), float(y[iy])


def pmsr_db(
    image: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    main_lobe_radius: float,
    *,
    form: str = "literal",
) -> float:
    """Peak-to-median sidelobe ratio, eq. (18). [dB]

    PMSR = |A(x_sen, y_sen)|^2 / median_{(x, y) in R \\ Omega} |A(x, y)|^2 with
    R the evaluated grid and Omega the disc of ``main_lobe_radius`` around the
    sensed location. ``form="literal"`` squares A as eq. (18) is written,
    although A of eq. (14) is already a power; ``form="amplitude"`` applies
    eq. (18) to the amplitude sqrt(A), i.e. the power ratio A_peak / median A.
    The literal value in dB is twice the amplitude-form value.

    Parameters
    ----------
    image : [num_y, num_x], float
        SAF A(x, y), a power. [-]
    x, y : [num_x], [num_y], float
        Grid axes. [m]
    main_lobe_radius : float
        Radius of Omega around the peak. [m]
    form : {"literal", "amplitude"}

    Returns
    -------
    pmsr : float
        10 log10 of the ratio. [dB]
    """
    require_positive("main_lobe_radius", main_lobe_radius)
    if form not in ("literal", "amplitude"):
        raise ValueError(f"form must be 'literal' or 'amplitude', got {form!r}")
    image = _normalized_power(image)
    iy, ix = np.unravel_index(np.argmax(image), image.shape)  # the sensed location
    rows, cols, d = _near(x, y, ix, iy, main_lobe_radius)
    sidelobes = np.ones(image.shape, bool)  # beyond the window every point is a sidelobe
    sidelobes[np.ix_(rows, cols)] = d > main_lobe_radius
    if not np.any(sidelobes):
        raise ValueError(
            f"main_lobe_radius={main_lobe_radius} m covers the whole grid: no sidelobe region left"
        )
    median = np.median(image[sidelobes])
    if median == 0:
        raise ValueError(
            "the median sidelobe level is zero (more than half of R \\ Omega is exactly 0): "
            "the PMSR of eq. (18) is infinite; expected a SAF image with sidelobes"
        )
    exponent = 2.0 if form == "literal" else 1.0  # Eq. (18): |A|^2 with A a power
    return float(10.0 * exponent * np.log10(1.0 / median))  # the peak is 1 (normalized)


def _near(x: np.ndarray, y: np.ndarray, ix: int, iy: int, radius: float):
    """The grid points within ``radius`` of (x[ix], y[iy]) along each axis: (rows, columns,
    their distances [rows, columns]). A window that holds the disc of ``radius``: a point
    outside it is farther in one coordinate alone (hypot(a, b) >= |a|). [m]"""
    cols = np.flatnonzero(np.abs(x - x[ix]) <= radius)
    rows = np.flatnonzero(np.abs(y - y[iy]) <= radius)
    return rows, cols, np.hypot(x[cols][None, :] - x[ix], y[rows][:, None] - y[iy])


def _normalized_power(image) -> np.ndarray:
    """The SAF over its peak: the PMSR is scale-free, so a tiny image (1e-300) keeps its value.

    Refuses NaN, negative values and an all-zero image (no peak: no PMSR).
    """
    image = require_finite("image", np.asarray(image, dtype=float))
    if image.size == 0:
        raise ValueError("image is empty: expected a SAF on a grid of at least one point")
    if np.any(image < 0):
        raise ValueError("image must be a power (>= 0 everywhere)")
    peak = float(image.max())
    if peak == 0:
        raise ValueError("image is zero everywhere: it has no peak, and eq. (18) no PMSR")
    return image / peak


def _rank_bin(cumulative: np.ndarray, inside: np.ndarray, rank: int) -> int:
    """The first histogram bin where the count of the points outside Omega reaches ``rank``:
    ``cumulative`` counts every point of the box up to each bin, ``inside`` (sorted) the bins
    of the points within Omega. Between the bins where ``cumulative`` reaches ``rank`` and
    ``rank`` plus the points within, the count is made exactly; no cumulative sum per radius."""
    lo = int(np.searchsorted(cumulative, rank, side="left"))
    hi = min(int(np.searchsorted(cumulative, rank + inside.size, side="left")), cumulative.size - 1)
    candidates = np.arange(lo, hi + 1)
    outside = cumulative[candidates] - np.searchsorted(inside, candidates, side="right")
    return int(candidates[np.argmax(outside >= rank)])


def pmsr_db_regions(
    image: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    boxes: list[dict],
    radii,
    *,
    form: str = "literal",
    resolution_db: float = 0.002,
) -> np.ndarray:
    """PMSR of eq. (18) for every region R (a box of the grid) and radius of Omega. [dB]

    What :func:`pmsr_db` gives for ``image`` cropped to each box (its own peak,
    Omega the disc about it) and each radius, from one histogram of the image's
    level 10 log10 A per box: the sidelobe median is read from the histogram's
    cumulative counts, to within ``resolution_db`` / 2 of the exact median's
    level (the PMSR to within that, twice it in the literal form). The cost is
    one pass over each box's points for all radii together, and one over the points
    near the peak per radius.

    Parameters
    ----------
    image, x, y
        As :func:`pmsr_db`: the SAF (a power) [-] and its grid axes [m].
    boxes : list of {"x_min", "x_max", "y_min", "y_max"}
        The regions R. [m]
    radii : [num_radii], float
        Radii of Omega, increasing. [m]
    form : {"literal", "amplitude"}
        As :func:`pmsr_db`.
    resolution_db : float
        Histogram bin width of the level. [dB]

    Returns
    -------
    pmsr : [num_boxes, num_radii], float
        NaN where Omega covers the whole box (no sidelobe left). [dB]
    """
    if form not in ("literal", "amplitude"):
        raise ValueError(f"form must be 'literal' or 'amplitude', got {form!r}")
    require_positive("resolution_db", resolution_db)
    radii = np.asarray(radii, dtype=float)
    if radii.ndim != 1 or np.any(radii <= 0) or np.any(np.diff(radii) <= 0):
        raise ValueError(f"radii must be positive and increasing, got {radii.tolist()}")
    image = _normalized_power(image)
    level = 10.0 * np.log10(np.maximum(image, np.finfo(float).tiny))  # [dB]
    floor = float(level.min())
    num_bins = int(np.ceil((float(level.max()) - floor) / resolution_db)) + 1
    bins = np.minimum(((level - floor) / resolution_db).astype(np.int64), num_bins - 1)
    centre = floor + resolution_db * (np.arange(num_bins) + 0.5)  # [dB]
    out = np.full((len(boxes), radii.size), np.nan)
    for b, box in enumerate(boxes):  # a handful of regions; each step is over all its points
        kx = (x >= box["x_min"] - 1e-9) & (x <= box["x_max"] + 1e-9)
        ky = (y >= box["y_min"] - 1e-9) & (y <= box["y_max"] + 1e-9)
        if not (kx.any() and ky.any()):
            continue
        crop, xs, ys = image[np.ix_(ky, kx)], x[kx], y[ky]
        iy, ix = np.unravel_index(int(np.argmax(crop)), crop.shape)
        box_bins = bins[np.ix_(ky, kx)]
        cumulative = np.cumsum(np.bincount(box_bins.ravel(), minlength=num_bins))  # the box's
        rows, cols, d = _near(xs, ys, ix, iy, radii[-1])  # the window holding every Omega
        ring = np.searchsorted(radii, d.ravel(), side="left")  # inside Omega(r_j) iff ring <= j
        near = box_bins[np.ix_(rows, cols)].ravel()
        lower, upper = np.zeros((2, radii.size), dtype=np.int64)
        has = np.zeros(radii.size, bool)
        for j in range(radii.size):  # a handful of radii
            inside = np.sort(near[ring <= j])
            n = int(cumulative[-1]) - inside.size  # the sidelobe points, d > r_j
            has[j] = n > 0
            if has[j]:  # np.median's two middle ranks
                lower[j] = _rank_bin(cumulative, inside, (n - 1) // 2 + 1)
                upper[j] = _rank_bin(cumulative, inside, n // 2 + 1)
        median = 0.5 * (10 ** (centre[lower] / 10) + 10 ** (centre[upper] / 10))
        ratio_db = 10.0 * np.log10(crop[iy, ix] / median)
        out[b, has] = ratio_db[has]
    return out * (2.0 if form == "literal" else 1.0)  # Eq. (18): |A|^2 with A a power
