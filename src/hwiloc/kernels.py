"""Compiled (numba) kernels behind the public functions of ambiguity and calibration.

One small module of ``@njit(parallel=True, cache=True)`` kernels taking plain
arrays, as in Acoular's beamformers: the physics modules keep the
public function, its docstring, validation and units, and call a kernel here;
their numpy and direct forms stay as the tests' references. Kernels are cached
on disk (``cache=True``): a Snakemake job, a new process, loads them instead of
compiling. Where the package directory is read-only, numba falls back to a
per-user cache; ``NUMBA_CACHE_DIR`` overrides both. numba is imported only
where a kernel is called, so jobs that need none do not pay its import.

No Python loop runs per antenna, subcarrier, grid point or symbol: each loop
below is compiled, the outermost one split across threads (``prange``).

Phasors exp(j x) come from :func:`cis`: a table of exp(j 2 pi m / M), M =
1024, times exp(j r) for the remainder 0 <= r < 2 pi / M by its Taylor series
(the way a libm computes sin and cos): absolute error below 4e-16 (|x| + 2),
the rounding of x itself (a carrier phase of 1500 rad: 6e-13), and several
times cheaper than a call to sin and one to cos.
"""

from __future__ import annotations

import math
import os

# A Snakemake job (and any OpenMP-aware launcher) states its thread budget in
# OMP_NUM_THREADS, which BLAS honours; numba's kernels follow it unless
# NUMBA_NUM_THREADS is set, so that parallel jobs do not oversubscribe cores.
if os.environ.get("OMP_NUM_THREADS", "").isdigit() and int(os.environ["OMP_NUM_THREADS"]) > 0:
    os.environ.setdefault("NUMBA_NUM_THREADS", os.environ["OMP_NUM_THREADS"])

import numba
import numpy as np

try:  # numba imported before this module (the job server preloads it) read its settings then
    numba.core.config.reload_config()
except RuntimeError:  # its threads were launched already, by other code of this process: they stay
    pass

CIS_TABLE_SIZE = 1024  # M: entries of the phasor table over one turn [-]
_TWO_PI = 2.0 * math.pi


def cis_table() -> np.ndarray:
    """exp(j 2 pi m / M) for m = 0 .. M - 1 as [M, 2] float (cos, sin), for :func:`cis`."""
    angle = _TWO_PI * np.arange(CIS_TABLE_SIZE) / CIS_TABLE_SIZE
    return np.stack([np.cos(angle), np.sin(angle)], axis=1)


def columns(positions) -> tuple[np.ndarray, np.ndarray]:
    """x and y columns of positions [num, 2], contiguous float arrays as the kernels take them."""
    positions = np.asarray(positions, dtype=float)
    return np.ascontiguousarray(positions[:, 0]), np.ascontiguousarray(positions[:, 1])


@numba.njit(inline="always", cache=True)
def cis(x, table):
    """(cos x, sin x) from the phasor table and a 4th-order Taylor remainder. [-]"""
    t = x * (CIS_TABLE_SIZE / _TWO_PI)
    j = math.floor(t)
    r = (t - j) * (_TWO_PI / CIS_TABLE_SIZE)  # 0 <= r < 2 pi / M
    m = np.int64(j) & (CIS_TABLE_SIZE - 1)  # two's complement: also right for x < 0
    r2 = r * r
    cr = 1.0 - r2 * (0.5 - r2 * (1.0 / 24.0))
    sr = r * (1.0 - r2 * (1.0 / 6.0 - r2 * (1.0 / 120.0)))
    c0 = table[m, 0]
    s0 = table[m, 1]
    return c0 * cr - s0 * sr, s0 * cr + c0 * sr


# Polynomials of fdlibm's __kernel_sin and __kernel_cos (|r| <= pi / 4, error < 1 ulp) and
# pi / 2 in three parts of 33 bits (fdlibm's __ieee754_rem_pio2: q pi / 2 exact for |q| < 2^20)
_S = (-1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04,
      2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10)
_C = (4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05,
      -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11)
_SIN_TAYLOR = tuple((-1.0) ** k / math.factorial(2 * k + 1) for k in range(11))  # sin r / r
_PIO2 = (1.57079632673412561417e00, 6.07710050630396597660e-11, 2.02226624871116645580e-21)


@numba.njit(inline="always", cache=True)
def sin_cos(x):
    """(cos x, sin x) without a table: x = q pi / 2 + r, |r| <= pi / 4, then fdlibm's
    polynomials. Absolute error below 3e-16 for |x| < 1e6 (the reduction is exact there),
    with full relative precision near every multiple of pi / 2 (to 1e-31 |x|: pi / 2 beyond
    its three parts); branch-free, so that loops vectorise with no gather. [-]"""
    q = math.floor(x * (2.0 / math.pi) + 0.5)
    r = ((x - q * _PIO2[0]) - q * _PIO2[1]) - q * _PIO2[2]
    z = r * r
    s = r + r * z * (_S[0] + z * (_S[1] + z * (_S[2] + z * (_S[3] + z * (_S[4] + z * _S[5])))))
    c = 1.0 - 0.5 * z + z * z * (_C[0] + z * (_C[1] + z * (_C[2] + z * (_C[3] + z * (
        _C[4] + z * _C[5])))))  # fmt: skip
    k = np.int64(q) & 3  # the quadrant: (cos, sin) turned by k quarter turns
    odd = (k & 1) == 1
    sin_x = c if odd else s
    cos_x = s if odd else c
    return (-cos_x if (k == 1 or k == 2) else cos_x), (-sin_x if k >= 2 else sin_x)


@numba.njit(inline="always", cache=True)
def sin_half_turn(x):
    """(sin x, (-1)^q) where x = q pi + r, |r| <= pi / 2 (the sign of cos x): one polynomial,
    Taylor's to r^21 (error below 3e-16 |sin x| + 1e-31 |x|), full relative precision near
    every multiple of pi. [-]"""
    q = math.floor(x * (1.0 / math.pi) + 0.5)
    r = ((x - q * (2.0 * _PIO2[0])) - q * (2.0 * _PIO2[1])) - q * (2.0 * _PIO2[2])
    z = r * r
    p = _SIN_TAYLOR[10]
    for k in range(9, -1, -1):  # Horner, one multiply-add a term (unrolled by the compiler)
        p = _SIN_TAYLOR[k] + z * p
    sign = 1.0 - 2.0 * (np.int64(q) & 1)
    return sign * r * p, sign


@numba.njit(inline="always", cache=True)
def range_sample(x, y, inv_step, wavenumber, table):
    """Where a grid point at (x, y) from an antenna reads its range profile: the sample i and
    fraction f of the distance d = hypot(x, y) on the range axis (d inv_step = i + f), and
    the carrier phasor (cos, sin) of wavenumber d (:func:`cis`). [-]"""
    d = math.sqrt(x * x + y * y)
    p = d * inv_step
    i = np.int64(p)  # d >= 0: truncation is floor
    c, s = cis(wavenumber * d, table)
    return i, p - i, c, s


@numba.njit(parallel=True, cache=True, fastmath=True)
def range_profiles(csi, phasor, out_re, out_im):
    """Range profiles g_r(d_q) = sum_k csi_rk phasor_kq of R CSI rows (csi [R, K] complex,
    phasor [K, Q] complex), their real and imaginary parts written into ``out_re`` and
    ``out_im`` [R, Q]. [-]

    The product numpy's BLAS would compute, here for a reason of speed: a multi-threaded
    BLAS call leaves its threads spinning for a while after it returns (OpenBLAS: 2^28
    cycles by default), and a parallel kernel started in that time shares the cores with
    them (the SAF of one image on Fig. 7's grid: 49 against 30 ms). Threads over rows.
    """
    num_r, num_k = csi.shape
    num_q = phasor.shape[1]
    for r in numba.prange(num_r):
        for q in range(num_q):
            out_re[r, q] = 0.0
            out_im[r, q] = 0.0
        for k in range(num_k):
            c_re = csi[r, k].real
            c_im = csi[r, k].imag
            for q in range(num_q):
                p_re = phasor[k, q].real
                p_im = phasor[k, q].imag
                out_re[r, q] += c_re * p_re - c_im * p_im
                out_im[r, q] += c_re * p_im + c_im * p_re
    return out_re, out_im


@numba.njit(parallel=True, cache=True, fastmath=True)
def saf_backprojection(profile_re, profile_im, inv_step, wavenumber, ant_x, ant_y, x, y, table,
                       out):  # fmt: skip
    """Backprojected SAF images from range profiles, written into ``out`` [B, num_y, num_x]
    and returned. [-]

    A_b(x, y) = |sum_n g_bn(d_n) exp(j wavenumber d_n)|^2 with g_bn linearly
    interpolated from its samples at d = q / inv_step (profile [B, N, Q]).
    The caller guarantees d_n * inv_step < Q - 1 for every grid point.
    """
    num_b, num_n, _ = profile_re.shape
    num_y, num_x = y.size, x.size
    for row in numba.prange(num_b * num_y):
        b = row // num_y
        iy = row - b * num_y
        for ix in range(num_x):
            acc_re = 0.0
            acc_im = 0.0
            for n in range(num_n):
                i, f, c, s = range_sample(x[ix] - ant_x[n], y[iy] - ant_y[n], inv_step,
                                          wavenumber, table)  # fmt: skip
                g_re = profile_re[b, n, i] + f * (profile_re[b, n, i + 1] - profile_re[b, n, i])
                g_im = profile_im[b, n, i] + f * (profile_im[b, n, i + 1] - profile_im[b, n, i])
                acc_re += g_re * c - g_im * s
                acc_im += g_re * s + g_im * c
            out[b, iy, ix] = acc_re * acc_re + acc_im * acc_im
    return out


@numba.njit(parallel=True, cache=True, fastmath=True)
def saf_backprojection_batch(profile_re, profile_im, inv_step, wavenumber, ant_x, ant_y, x, y,
                             table, out):  # fmt: skip
    """Backprojected SAF images from range profiles, a batch at once, written into ``out``
    [B, num_y, num_x] and returned. [-]

    A_b(x, y) = |sum_n g_bn(d_n) exp(j wavenumber d_n)|^2 with g_bn linearly
    interpolated from its samples at d = q / inv_step (profile [N, Q, B]: the B images'
    samples side by side). The geometry of a point and an antenna (the distance, its
    sample and fraction, the carrier phasor) is computed once for all B images, which
    then cost an interpolation and a complex multiply-add each. Threads over grid rows;
    the caller guarantees d_n * inv_step < Q - 1 for every grid point.
    """
    num_n, _, num_b = profile_re.shape
    num_y, num_x = y.size, x.size
    for iy in numba.prange(num_y):
        acc_re = np.zeros((num_x, num_b))
        acc_im = np.zeros((num_x, num_b))
        for n in range(num_n):
            dy = y[iy] - ant_y[n]
            for ix in range(num_x):
                i, f, c, s = range_sample(x[ix] - ant_x[n], dy, inv_step, wavenumber, table)
                for b in range(num_b):
                    lo_re = profile_re[n, i, b]
                    lo_im = profile_im[n, i, b]
                    g_re = lo_re + f * (profile_re[n, i + 1, b] - lo_re)
                    g_im = lo_im + f * (profile_im[n, i + 1, b] - lo_im)
                    acc_re[ix, b] += g_re * c - g_im * s
                    acc_im[ix, b] += g_re * s + g_im * c
        for b in range(num_b):
            for ix in range(num_x):
                out[b, iy, ix] = acc_re[ix, b] * acc_re[ix, b] + acc_im[ix, b] * acc_im[ix, b]
    return out


@numba.njit(parallel=True, cache=True, fastmath=True)
def saf_dirichlet(d_true, phase_re, phase_im, half_beta, num_k, carrier, ant_x, ant_y, x, y):
    """Closed-form SAF of per-antenna-phase CSI, [num_y, num_x]. [-]

    With D_n = d_n(x, y) - d_true_n and u = half_beta D_n:
    A = |sum_n c_n exp(j carrier D_n) sin(K u) / sin(u)|^2, and the 0/0 limit
    sin(K u) / sin(u) -> K cos(u)^(K - 1) = +-K where |sin u| < 1e-12. The sines and the
    carrier phasor by :func:`sin_half_turn` and :func:`sin_cos` (no table: a loop with
    three phasors a point and antenna was bound by the table's gathers, 162 against 123 ms
    on Figs. 4-6's grid).
    """
    num_n = d_true.size
    num_y, num_x = y.size, x.size
    out = np.empty((num_y, num_x))
    odd = (num_k - 1) % 2 == 1
    for iy in numba.prange(num_y):
        for ix in range(num_x):
            acc_re = 0.0
            acc_im = 0.0
            for n in range(num_n):
                dx = x[ix] - ant_x[n]
                dy = y[iy] - ant_y[n]
                delta = math.sqrt(dx * dx + dy * dy) - d_true[n]
                u = half_beta * delta
                su, cos_sign = sin_half_turn(u)
                skn, _ = sin_half_turn(num_k * u)
                # sin(K u) / sin(u); at u = m pi its limit K cos(u)^(K - 1) = +-K
                small = abs(su) < 1e-12
                limit = -num_k if (odd and cos_sign < 0.0) else num_k
                dirichlet = limit if small else skn / (1.0 if small else su)
                c, s = sin_cos(carrier * delta)
                t_re = dirichlet * c
                t_im = dirichlet * s
                acc_re += phase_re[n] * t_re - phase_im[n] * t_im
                acc_im += phase_re[n] * t_im + phase_im[n] * t_re
            out[iy, ix] = acc_re * acc_re + acc_im * acc_im
    return out


@numba.njit(parallel=True, cache=True)
def lse_accumulate(csi, positions, ant_x, ant_y, first_wavenumber, wavenumber_step, statistic,
                   table):  # fmt: skip
    """S_nk += sum_l exp(j w_k d_n(l)) r~_nk(l) over one chunk of symbols l (eq. (20)).

    ``csi`` is [L, N, K] complex of any layout (complex64 as read from disk is
    used as is); w_k = first_wavenumber + k wavenumber_step. exp(j w_k d) runs
    over k by the recurrence exp(j w_{k+1} d) = exp(j w_k d) exp(j step d)
    (rounding grows by ~1e-16 per subcarrier). Returns the number of (n, k)
    whose sum is not finite: a NaN or infinite sample (the caller locates it).
    """
    num_l, num_n, num_k = csi.shape
    bad = np.zeros(num_n, dtype=np.int64)
    for n in numba.prange(num_n):
        cur_re = np.empty(num_l)
        cur_im = np.empty(num_l)
        step_re = np.empty(num_l)
        step_im = np.empty(num_l)
        for sym in range(num_l):
            dx = positions[sym, 0] - ant_x[n]
            dy = positions[sym, 1] - ant_y[n]
            d = math.sqrt(dx * dx + dy * dy)
            cur_re[sym], cur_im[sym] = cis(first_wavenumber * d, table)
            step_re[sym], step_im[sym] = cis(wavenumber_step * d, table)
        for k in range(num_k):
            acc_re = 0.0
            acc_im = 0.0
            for sym in range(num_l):
                v = csi[sym, n, k]
                v_re = np.float64(v.real)
                v_im = np.float64(v.imag)
                acc_re += cur_re[sym] * v_re - cur_im[sym] * v_im
                acc_im += cur_re[sym] * v_im + cur_im[sym] * v_re
                c = cur_re[sym] * step_re[sym] - cur_im[sym] * step_im[sym]
                cur_im[sym] = cur_re[sym] * step_im[sym] + cur_im[sym] * step_re[sym]
                cur_re[sym] = c
            if not (math.isfinite(acc_re) and math.isfinite(acc_im)):
                bad[n] += 1
            statistic[n, k] += complex(acc_re, acc_im)
    return bad.sum()


@numba.njit(inline="always", cache=True)
def _neighbour(index, step, size, wrapped):
    """The index ``index + step`` on an axis of ``size`` points: wrapped, or -1 outside."""
    k = index + step
    if 0 <= k < size:
        return k
    return k % size if wrapped else -1


@numba.njit(cache=True)
def not_below_neighbours_2d(surface, wrap_rows, wrap_cols, out):
    """out[i, j] = surface[i, j] >= each of its 8 neighbours (outside the grid: none, or the
    opposite edge along a wrapped axis): the local-maximum test of
    :func:`hwiloc.bounds.global_accuracy.local_maxima` on a 2-D grid, in one pass that stops
    at a point's first higher neighbour (serial: the grids are small)."""
    n, m = surface.shape
    for i in range(n):
        for j in range(m):
            ok = True
            for di in range(-1, 2):
                ii = _neighbour(i, di, n, wrap_rows)
                for dj in range(-1, 2):
                    jj = _neighbour(j, dj, m, wrap_cols)
                    if ii >= 0 and jj >= 0 and surface[ii, jj] > surface[i, j]:
                        ok = False
                        break
                if not ok:
                    break
            out[i, j] = ok


def crc32c_table() -> np.ndarray:
    """The 256-entry table of CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), uint32."""
    crc = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        crc = np.where(crc & 1, (crc >> 1) ^ np.uint32(0x82F63B78), crc >> 1).astype(np.uint32)
    return crc


@numba.njit(cache=True)
def crc32c(data, table):
    """CRC-32C of a uint8 array (RFC 3720, App. B.4; the checksum of TFRecord framing). [-]

    ``table`` is :func:`crc32c_table`. One table step per byte (compiled): about
    1 GB/s, where a Python loop over the bytes of one DICHASUS record (256 kB)
    would take a tenth of a second.
    """
    crc = np.uint32(0xFFFFFFFF)
    for i in range(data.shape[0]):
        crc = table[(crc ^ np.uint32(data[i])) & np.uint32(0xFF)] ^ (crc >> np.uint32(8))
    return crc ^ np.uint32(0xFFFFFFFF)
