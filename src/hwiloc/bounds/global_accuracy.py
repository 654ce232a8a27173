"""Global accuracy: where an estimator leaves its local bound, by interval errors and by
the Ziv-Zakai bound, also when the estimator's model is not the data's.

The CRB and the MCRB are local: they describe the errors of an estimator that has found
the main lobe of its likelihood. Below a threshold SNR the estimator picks a sidelobe
now and then, and its MSE leaves the local bound by orders of magnitude. This module
predicts that threshold for any model of the engine:

- :func:`interval_errors`, the method of interval errors (MIE): the local maxima of the
  noise-free likelihood surface (the ambiguity function, :func:`local_maxima`), the
  probability that each one beats the main lobe (:func:`pairwise_error`, closed form),
  and MSE = (1 - sum_k P_k) x local bound + sum_k P_k |q_k - q|^2;
- :func:`ziv_zakai`, the extended Ziv-Zakai bound (ZZB) of a scalar quantity with a
  uniform prior over an interval, with valley filling;
- :func:`threshold`: the lowest power (or SNR) from which a predicted MSE stays within a
  factor of the local bound.

**The observation.** y = alpha s(theta) + n with an unknown complex gain alpha, the rest
of the parameters theta (position, angle, delay) on a grid, and Gaussian noise n of any
proper covariance (white or coloured), whitened by :meth:`hwiloc.bounds.noise.GaussianNoise.whiten`
so that the noise is CN(0, I). The gain concentrated out, the ML estimator maximizes
|u(theta)^H y|^2 with u = s / ||s|| (whitened): the surface is the ambiguity function.

**The pairwise probability** (:func:`pairwise_error`): with z_0 = u_0^H y and z_k =
u_k^H y, jointly complex Gaussian of unit variances, correlation rho = u_0^H u_k and
means m_0, m_k, P(|z_k| > |z_0|) is a Hermitian quadratic form whose two eigenvalues
are +-sqrt(1 - |rho|^2); in its eigenbasis the two variables are independent with
means ``nu_p`` and ``nu_m`` (of the eigenvalues +c and -c), and::

    P = Q_1(|nu_p|, |nu_m|) - 1/2 exp(-(|nu_p|^2 + |nu_m|^2) / 2) I_0(|nu_p| |nu_m|)

(the probability that one Rician variable exceeds another: M. Schwartz, W. R. Bennett and
S. Stein, *Communication Systems and Techniques*, 1966, App. A; J. G. Proakis, *Digital
Communications*, App. B). For a matched model (m = alpha s_0) it is the classic
P = Q_1(a, b) - 1/2 exp(-(a^2 + b^2)/2) I_0(a b), a, b = sqrt(SNR/2 (1 -+ sqrt(1 -
|rho|^2))), with SNR = |alpha|^2 ||s_0||^2 (C. D. Richmond, IEEE TIT 52(5), 2006).

**What is established and what is ours.**

- Established: the MIE with the union of pairwise probabilities (F. Athley, IEEE TSP
  53(4), 2005) and its independence correction P_k (1 - P_1) ... (1 - P_{k-1}) over the
  sidelobes taken in decreasing level (as in ``athleyunion.m`` of
  ldavis84/AoA-Athley-CRB-Bound-Codes); the pairwise probability above; the extended ZZB
  with valley filling (K. L. Bell, Y. Steinberg, Y. Ephraim and H. L. Van Trees, IEEE
  TIT 43(2), 1997), whose binary test between two points with an unknown phase and equal
  energies is the comparison |u_a^H y| against |u_b^H y| above.
- Ours: the same on any model of the engine (a position-domain OFDM x array ambiguity
  function, hardware impairments in the data), and the **mismatched** form: the
  estimator maximizes the assumed model's surface on data from the true model, so the
  main lobe is centred on the pseudo-true point, its local error is the LB of
  :func:`hwiloc.bounds.generic.mcrb` (bias included), and every pairwise probability is
  taken with the true data's mean m (not alpha s_0). It reduces to the matched MIE when
  the models agree. A ZZB under misspecification exists only on paper (Gusi-Amigo,
  Closas and Vandendorpe, arXiv 1511.03982); :func:`ziv_zakai` is the matched bound.

**What it does not promise.** The MIE is an approximation, not a bound: it can be
below or above the Monte Carlo MSE in the threshold region (the union of pairwise
events counts overlaps twice; the correction treats them as independent). The ZZB is a
bound when each binary test is the optimal one (equal energies, as a ULA's or a far-field
array's); with unequal energies the comparison test is suboptimal and the value is an
approximation. Only maxima on the given grid are found: the grid must resolve the
sidelobes (a step well below a mainlobe width). Improper noise is refused: after a
real-linear whitening the gain is no longer a complex factor.

Example (an 8-element half-wavelength ULA; see the docs' example for a full model)::

    import numpy as np
    from hwiloc.bounds import global_accuracy as ga
    u = np.linspace(-1, 1, 4001)                        # sin(angle) [-]
    s = np.exp(1j * np.pi * np.outer(u, np.arange(8)))  # unit-gain signals [G, M]
    main = np.argmin(abs(u - 0.3))
    surface = np.abs(s.conj() @ s[main]) ** 2
    peaks = ga.local_maxima(surface)
    side = peaks[peaks != main]
    snr = 10 ** (np.arange(-15, 11) / 10)               # per element [-]
    crb = 1 / (2 * snr * np.pi**2 * 42)                 # [-^2]
    mie = ga.interval_errors(s[np.r_[main, side]], s[main], u[np.r_[main, side], None],
                             u[main, None], crb, np.sqrt(snr))
    ga.threshold(10 * np.log10(snr), mie.mse, crb)      # [dB]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hwiloc.bounds.noise import GaussianNoise

THRESHOLD_FACTOR = 10**0.1
"""Default factor of :func:`threshold`: the MSE within 1 dB of the local bound, the
criterion of Chen's ``alg_threshold_region.m`` (``diff_snr > 1``). [-]"""


def whiten_signals(signals, noise: GaussianNoise | None) -> np.ndarray:
    """Signals [..., M] whitened by ``noise`` (:meth:`GaussianNoise.whiten`: the noise
    becomes CN(0, I)); ``None``: unit-variance white noise, unchanged. [-]"""
    signals = np.asarray(signals, dtype=complex)
    if noise is None:
        return signals
    if not noise.is_proper:
        raise ValueError(
            "global accuracy needs proper noise (white or coloured): after the real-linear "
            "whitening of improper noise the unknown gain is no longer a complex factor"
        )
    flat = signals.reshape(-1, signals.shape[-1])
    return noise.whiten(flat.T).T.reshape(signals.shape)


NEGLIGIBLE = 1e-20
"""Default probability below which :func:`within_reach` leaves a competitor out. [-]"""


def within_reach(main_amplitude, negligible: float = NEGLIGIBLE) -> float:
    """The lowest amplitude |m_k| of a competitor that can beat a main lobe of amplitude
    |m_0| with a probability of at least ``negligible`` (whitened, unit-variance
    statistics): below it P(|z_k| > |z_0|) <= 2 exp(-(|m_0| - |m_k|)^2 / 4) < ``negligible``
    (each of z_0 - m_0 and z_k - m_k, CN(0, 1), moves at most half the gap, or one of them
    exceeds it: P(|w| > g / 2) = exp(-g^2 / 4) each). 0 when every competitor can. [-]

    Parameters
    ----------
    main_amplitude : float
        |m_0| = |u_0^H m|, whitened (noise CN(0, 1)). [-]
    negligible : float
        The probability left out per competitor. [-]

    Returns
    -------
    float
        [-]
    """
    if not 0 < negligible < 1:
        raise ValueError(f"negligible must be in (0, 1), got {negligible!r}")
    return max(0.0, float(main_amplitude) - 2.0 * np.sqrt(np.log(2.0 / negligible)))


def pairwise_error(mean_main, mean_other, correlation) -> np.ndarray:
    """P(|z_1| > |z_0|): the probability that a competing point beats the main lobe. [-]

    (z_0, z_1) jointly complex Gaussian with unit variances, E z_0 = ``mean_main``,
    E z_1 = ``mean_other`` and E (z_0 - E z_0)(z_1 - E z_1)^* = ``correlation`` (the
    module docstring's closed form). Broadcasts; where |correlation| = 1 the two
    statistics are equal and the probability is 1/2 (taken where 1 - |rho|^2 < 1e-12).

    Parameters
    ----------
    mean_main, mean_other : array_like, complex
        u_0^H m and u_k^H m: the data mean seen by each unit-norm whitened signal. [-]
    correlation : array_like, complex
        rho = u_0^H u_k. [-]

    Returns
    -------
    probability : ndarray, float
        In [0, 1]. [-]
    """
    from scipy.special import i0e
    from scipy.stats import ncx2

    m0, m1, rho = np.broadcast_arrays(*(np.asarray(v, dtype=complex)
                                        for v in (mean_main, mean_other, correlation)))  # fmt: skip
    c = np.sqrt(np.maximum(1.0 - np.abs(rho) ** 2, 0.0))  # the eigenvalues are +-c
    tied = c < 1e-6
    # R = [[1, rho], [rho*, 1]] = L L^H, L = [[1, 0], [rho*, c]]; B = L^H diag(-1, 1) L =
    # c [[-c, rho], [rho*, c]], eigenvectors [c + 1, -rho*] (-c) and [rho, 1 + c] (+c); the
    # means of the whitened pair L^-1 (z_0, z_1) in that basis:
    scale = np.where(tied, 1.0, c) * np.sqrt(2.0 * (1.0 + c))
    nu_minus = ((1.0 + c) * m0 - rho * m1) / scale
    nu_plus = ((1.0 + c) * m1 - np.conj(rho) * m0) / scale
    a, b = np.abs(nu_plus), np.abs(nu_minus)
    # Q_1(a, b) <= exp(-(b - a)^2 / 2) for b > a and 1 - Q_1(a, b) <= exp(-(a - b)^2 / 2) for
    # a > b: beyond a gap of 40 both terms are below 1e-347, zero or one in double precision,
    # and ncx2.sf, whose series grows with the noncentrality a^2, is spared there
    near = np.abs(a - b) < 40.0
    marcum = np.where(a > b, 1.0, 0.0)
    marcum[near] = ncx2.sf(b[near] ** 2, 2, a[near] ** 2)  # Q_1(a, b)
    p = marcum - 0.5 * np.exp(-0.5 * (a - b) ** 2) * i0e(a * b)
    return np.where(tied, 0.5, np.clip(p, 0.0, 1.0))


def _not_below_neighbours(surface: np.ndarray, wrap: tuple) -> np.ndarray:
    """Where ``surface`` is >= each of its 3^d - 1 neighbours (outside the grid -inf, or the
    opposite edge along a wrapped axis): what scipy's 3^d maximum filter finds, by 3^d - 1
    whole-grid comparisons against a padded copy (3x faster on a 625 x 200 grid). [bool]"""
    pad = np.pad(surface, 1, mode="constant", constant_values=-np.inf)
    for axis, wrapped in enumerate(wrap):  # in turn: the corners wrap along both axes
        if wrapped:
            edge = [slice(None)] * surface.ndim
            for to, source in ((0, -2), (-1, 1)):
                edge[axis] = to
                target = tuple(edge)
                edge[axis] = source
                pad[target] = pad[tuple(edge)]
    out = np.ones(surface.shape, bool)
    for offset in np.ndindex(*(3,) * surface.ndim):
        if offset != (1,) * surface.ndim:
            window = tuple(slice(o, o + n) for o, n in zip(offset, surface.shape, strict=True))
            np.logical_and(out, surface >= pad[window], out=out)
    return out


def local_maxima(surface, *, periodic: bool | tuple = False,
                 above: float | None = None) -> np.ndarray:  # fmt: skip
    """Flat indices of the local maxima of a surface on a grid, highest first.

    A point is a local maximum when no neighbour (the 3^d - 1 around it) is higher;
    outside the grid counts as lower unless ``periodic`` wraps an axis. Of a plateau of
    equal maxima, the first point in raster order is kept.

    Parameters
    ----------
    surface : [n_1, ..., n_d], float
        The noise-free likelihood (ambiguity function) on the grid. [any]
    periodic : bool or tuple of bool
        Which axes wrap (e.g. the sine of an angle of a half-wavelength ULA). [-]
    above : float, optional
        Only the maxima of at least this value: the neighbours are then compared at
        those points alone (no pass of a filter over the whole grid), the same maxima as
        without it, filtered. [surface unit]

    Returns
    -------
    indices : [K], int
        Into ``surface.ravel()``, sorted by decreasing value.
    """
    surface = np.asarray(surface, dtype=float)
    if surface.ndim == 0 or surface.size == 0 or not np.all(np.isfinite(surface)):
        raise ValueError(f"surface must be a finite, non-empty grid; got shape {surface.shape}")
    wrap = (periodic,) * surface.ndim if isinstance(periodic, bool) else tuple(periodic)
    if above is None and surface.ndim == 2:  # not lower than any neighbour: one compiled pass
        from hwiloc import kernels

        mask = np.empty(surface.shape, bool)
        kernels.not_below_neighbours_2d(np.ascontiguousarray(surface), *wrap, mask)
        flat = np.flatnonzero(mask)
    elif above is None:  # a comparison with each shifted grid
        flat = np.flatnonzero(_not_below_neighbours(surface, wrap))
    else:
        flat = np.flatnonzero(surface >= above)  # compared with each neighbour below
    candidates = np.stack(np.unravel_index(flat, surface.shape), axis=1)  # [C, d]
    shape = np.array(surface.shape)
    value = surface[tuple(candidates.T)]
    keep = np.ones(len(candidates), bool)
    for offset in np.ndindex(*(3,) * surface.ndim):  # the 3^d - 1 neighbours, not the grid
        step = np.array(offset) - 1
        if not step.any():
            continue
        neighbour = candidates + step
        inside = np.all(((neighbour >= 0) & (neighbour < shape)) | np.array(wrap), axis=1)
        before = tuple(step) < (0,) * surface.ndim
        if above is None and not before:
            continue  # the filter has compared it
        other = np.where(inside, surface[tuple((neighbour % shape).T)], -np.inf)
        keep &= value >= other  # not lower than any neighbour
        if before:  # of a plateau, no equal neighbour before it
            keep &= ~(other == value)
    flat = np.ravel_multi_index(tuple(candidates[keep].T), surface.shape)
    return flat[np.argsort(-surface.ravel()[flat], kind="stable")]


def grid_maximum_near(surface, axes, point, reach: float = 1.5) -> int:
    """The flat index of the highest grid point within ``reach`` grid steps of ``point`` along
    every axis: the main lobe's grid maximum, where a grid search lands when it finds the main
    lobe (the main lobe itself, ``point``, lies off the grid).

    Parameters
    ----------
    surface : [n_1, ..., n_d], float
        The surface on the grid. [any]
    axes : sequence of d [n_i] arrays
        The grid's axes, each increasing. [unit]
    point : [d], float
        Where the main lobe peaks. [unit]
    reach : float
        Half-width of the window, in steps of each axis. [-]

    Returns
    -------
    int
        Into ``surface.ravel()``.
    """
    surface = np.asarray(surface, dtype=float)
    window = []
    for axis, at in zip(axes, np.ravel(point), strict=True):
        axis = np.asarray(axis, dtype=float)
        step = np.diff(axis).min() if axis.size > 1 else 1.0
        window.append(np.flatnonzero(np.abs(axis - at) <= reach * step))
    if any(w.size == 0 for w in window):
        raise ValueError(f"point {np.ravel(point).tolist()} lies outside the grid")
    values = surface[np.ix_(*window)]
    local = np.unravel_index(int(np.argmax(values)), values.shape)
    return int(np.ravel_multi_index(tuple(w[i] for w, i in zip(window, local, strict=True)),
                                    surface.shape))


@dataclass(frozen=True)
class IntervalErrors:
    """The MIE's prediction over a set of amplitudes (powers): see :func:`interval_errors`.

    Attributes
    ----------
    probabilities : [S, K], float
        P_k: the probability that sidelobe k is taken, at each amplitude. [-]
    sidelobe_errors : [K], float
        |q_k - q|^2: the squared error of the quantity when sidelobe k is taken. [unit^2]
    local : [S], float
        The local bound's MSE (CRB, or LB with its bias) at each amplitude. [unit^2]
    mse : [S], float
        (1 - sum_k P_k) local + sum_k P_k |q_k - q|^2. [unit^2]
    """

    probabilities: np.ndarray
    sidelobe_errors: np.ndarray
    local: np.ndarray
    mse: np.ndarray

    @property
    def rmse(self) -> np.ndarray:
        """sqrt(mse). [unit]"""
        return np.sqrt(self.mse)


def interval_errors(signals, data_mean, quantity, truth, local_mse, amplitudes, *,
                    noise: GaussianNoise | None = None,
                    independent: bool = True) -> IntervalErrors:  # fmt: skip
    """The method of interval errors: the MSE of the estimator that maximizes
    |u(theta)^H y|^2 over a grid, main lobe and sidelobes together.

    Parameters
    ----------
    signals : [1 + K, M], complex
        The estimator's (assumed) model at unit gain: row 0 at the main lobe (the truth,
        or the pseudo-true point under a mismatched model), rows 1.. at the K sidelobe
        maxima of its surface (:func:`local_maxima`). [V]
    data_mean : [M], complex
        The noise-free data at unit amplitude (the true model's mean). [V]
    quantity : [1 + K, D], float
        The quantity (position, angle) at each of the rows of ``signals``. [unit]
    truth : [D], float
        The quantity's true value. [unit]
    local_mse : [S], float
        The local bound at each amplitude: trace of the CRB, or of the LB (bias
        included) under a mismatched model. [unit^2]
    amplitudes : [S], float
        Factors on ``data_mean`` (square roots of the power ratios). [-]
    noise : GaussianNoise, optional
        The noise at unit amplitude (proper); default CN(0, I).
    independent : bool
        Athley's independence correction: sidelobes in decreasing level, each P_k times
        the probability that no higher one was taken. Without it the union of the P_k,
        scaled to sum to 1 where it exceeds 1 (as Chen's ``alg_threshold_region.m``).

    Returns
    -------
    IntervalErrors
    """
    s = whiten_signals(signals, noise)
    m = whiten_signals(data_mean, noise)
    if s.ndim != 2 or m.shape != s.shape[1:]:
        raise ValueError(f"signals must be [1 + K, M] and data_mean [M]; got {s.shape} and "
                         f"{m.shape}")  # fmt: skip
    quantity = np.asarray(quantity, dtype=float).reshape(len(s), -1)
    u = s / np.linalg.norm(s, axis=1, keepdims=True)
    seen = u.conj() @ m  # [1 + K]: u_k^H m
    errors = np.sum((quantity[1:] - np.asarray(truth, dtype=float)) ** 2, axis=1)
    return interval_errors_from_products(
        seen[0], seen[1:], u[1:] @ u[0].conj(), errors, local_mse, amplitudes,
        independent=independent)


def interval_errors_from_products(seen_main, seen_sidelobes, correlation, sidelobe_errors,
                                  local_mse, amplitudes, *,
                                  independent: bool = True) -> IntervalErrors:  # fmt: skip
    """:func:`interval_errors` from the inner products it needs, for a model that computes
    them on its whole grid at once (e.g. two FFT-based correlations instead of a signal per
    maximum). Everything whitened (noise CN(0, I)), signals of unit norm.

    Parameters
    ----------
    seen_main : complex
        u_0^H m: the main lobe's unit signal against the data mean at unit amplitude. [-]
    seen_sidelobes : [K], complex
        u_k^H m of each sidelobe. [-]
    correlation : [K], complex
        u_0^H u_k. [-]
    sidelobe_errors : [K], float
        |q_k - q|^2. [unit^2]
    local_mse, amplitudes, independent
        As :func:`interval_errors`.

    Returns
    -------
    IntervalErrors
    """
    seen_side = np.asarray(seen_sidelobes, dtype=complex)
    rho = np.asarray(correlation, dtype=complex)
    errors = np.asarray(sidelobe_errors, dtype=float)
    local = np.asarray(local_mse, dtype=float)
    amplitudes = np.asarray(amplitudes, dtype=float)
    if local.shape != amplitudes.shape:
        raise ValueError(f"local_mse {local.shape} and amplitudes {amplitudes.shape} must match")
    order = np.argsort(-np.abs(seen_side), kind="stable")  # sidelobes by decreasing level
    p = pairwise_error(amplitudes[:, None] * complex(seen_main),
                       amplitudes[:, None] * seen_side[order], rho[order])  # fmt: skip
    if independent:
        p = p * np.cumprod(np.concatenate([np.ones((len(p), 1)), 1.0 - p[:, :-1]], axis=1), axis=1)
    else:
        total = p.sum(axis=1, keepdims=True)
        p = np.where(total > 1.0, p / np.where(total > 0, total, 1.0), p)
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    p = p[:, back]
    mse = (1.0 - p.sum(axis=1)) * local + p @ errors
    return IntervalErrors(probabilities=p, sidelobe_errors=errors, local=local, mse=mse)


def ziv_zakai(signal: Callable, lower: float, upper: float, amplitudes, *,
              noise: GaussianNoise | None = None, num_points: int = 129,
              num_lags: int = 160, num_uniform: int = 257,
              num_peaks: int = 16) -> np.ndarray:  # fmt: skip
    """The extended Ziv-Zakai bound of a scalar parameter with a uniform prior, valley
    filled (Bell, Steinberg, Ephraim and Van Trees, 1997, eq. (11) with a uniform prior):

        E[e^2] >= 1/2 int_0^T h V{A(h)} dh,  A(h) = (2 / T) int_lower^(upper - h) P(t, t + h) dt,

    T = upper - lower, V{A}(h) = max_{h' >= h} A(h'), and P(t, t + h) the error
    probability of the binary test between t and t + h with equal priors, an unknown
    phase and the same gain: 1/2 (P(t + h beats t) + P(t beats t + h)) by
    :func:`pairwise_error`.

    The lags h: geometric ones for the bound's high-SNR integrand (a few CRB standard
    deviations), uniform ones over (0, T], and around each of the ``num_peaks`` highest
    local maxima of A on the uniform lags a dense set (an ambiguity, A(h) = 1/2 at one
    lag, is a spike that valley filling must not miss).

    Parameters
    ----------
    signal : callable t [L] -> [L, M] complex
        The noise-free data at the parameter values t and unit amplitude (vectorized). [V]
    lower, upper : float
        The prior's interval. [unit]
    amplitudes : [S], float
        Factors on the signal (square roots of the power ratios). [-]
    noise : GaussianNoise, optional
        The noise at unit amplitude (proper); default CN(0, I).
    num_points : int
        Points of the integral over t (trapezoid). [-]
    num_lags, num_uniform, num_peaks : int
        Geometric lags (T 1e-6 to T), uniform lags, peaks refined (32 lags each). [-]

    Returns
    -------
    zzb : [S], float
        The bound on the MSE. [unit^2]
    """
    span = float(upper) - float(lower)
    if not span > 0:
        raise ValueError(f"the prior's interval must have upper > lower; got [{lower}, {upper}]")
    amplitudes = np.asarray(amplitudes, dtype=float)
    frac = np.linspace(0.0, 1.0, num_points)

    def inner(lags):  # A(h) [S, L]
        start = lower + frac[None, :] * (span - lags[:, None])  # t in [lower, upper - h]
        s = whiten_signals(signal(np.concatenate([start.ravel(), (start + lags[:, None]).ravel()])),
                           noise)  # fmt: skip
        s_a, s_b = s[: start.size], s[start.size :]
        norm_a, norm_b = np.linalg.norm(s_a, axis=1), np.linalg.norm(s_b, axis=1)
        cross = np.sum(s_a.conj() * s_b, axis=1)  # s_a^H s_b
        rho = cross / (norm_a * norm_b)  # u_a^H u_b
        a = amplitudes[:, None]
        # t true: z_a = u_a^H y has mean a ||s_a||, z_b mean a u_b^H s_a; and t + h true
        p_ab = pairwise_error(a * norm_a, a * np.conj(cross) / norm_b, rho)
        p_ba = pairwise_error(a * norm_b, a * cross / norm_a, np.conj(rho))
        p = (0.5 * (p_ab + p_ba)).reshape(len(amplitudes), *start.shape)
        return (2.0 / span) * (span - lags) * np.trapezoid(p, frac, axis=-1)

    uniform = np.linspace(0.0, span, num_uniform)
    coarse = inner(uniform)
    step = uniform[1] - uniform[0]
    peaks = np.unique(np.concatenate(
        [local_maxima(row)[:num_peaks] for row in coarse]))  # fmt: skip
    dense = (uniform[peaks, None] + np.linspace(-step, step, 33)[None, :]).ravel()
    lags = np.unique(np.concatenate([span * np.geomspace(1e-6, 1.0, num_lags),
                                     dense[(dense > 0) & (dense < span)]]))  # fmt: skip
    lags = np.concatenate([uniform, lags])
    values = np.concatenate([coarse, inner(lags[num_uniform:])], axis=1)
    order = np.argsort(lags, kind="stable")
    lags, values = lags[order], values[:, order]
    valley = np.maximum.accumulate(values[:, ::-1], axis=1)[:, ::-1]  # V{A}(h)
    return 0.5 * np.trapezoid(lags * valley, lags, axis=1)


def threshold(axis, mse, local, factor: float = THRESHOLD_FACTOR) -> float:
    """The lowest value of ``axis`` (power, SNR) from which ``mse`` stays within ``factor``
    of ``local`` at every higher value; NaN when it is not within at the highest.

    Parameters
    ----------
    axis : [S], float
        Increasing powers or SNRs. [dBm, dB]
    mse, local : [S], float
        The predicted (or Monte Carlo) MSE and the local bound. [unit^2]
    factor : float
        Allowed ratio mse / local. [-]

    Returns
    -------
    float
        [axis unit]
    """
    axis, mse, local = (np.asarray(v, dtype=float) for v in (axis, mse, local))
    if axis.ndim != 1 or np.any(np.diff(axis) <= 0):
        raise ValueError("axis must be 1-D and increasing")
    within = mse <= factor * local
    if not within[-1]:
        return float("nan")
    failing = np.flatnonzero(~within)
    return float(axis[failing[-1] + 1] if failing.size else axis[0])


def prediction_dataset(rmse, local, probability, axis_name: str, axis, estimators, factor: float,
                       local_name: str):  # fmt: skip
    """Predicted RMSE of several estimators along a power (or SNR) axis as a dataset, with
    each one's :func:`threshold` at ``factor``: variables ``rmse``, ``local_bound``,
    ``sidelobe_probability`` [estimator, axis] and ``threshold`` [estimator].

    Parameters
    ----------
    rmse, local, probability : [E, S], float
        The MIE's RMSE, the local bound's, and the sidelobes' total probability. [m], [m], [-]
    axis_name : str
        The axis' name (e.g. ``power``); its values ``axis`` [S] are in dBm (or dB).
    axis : [S], float
        Increasing. [dBm]
    estimators : sequence of str
        The E estimators' names.
    factor : float
        The threshold's ratio RMSE / local bound. [-]
    local_name : str
        What the local bound is, for its ``long_name``.

    Returns
    -------
    xarray.Dataset
    """
    import xarray as xr

    rmse, local = np.asarray(rmse, float), np.asarray(local, float)
    thresholds = [threshold(axis, r**2, b**2, factor**2) for r, b in zip(rmse, local, strict=True)]
    dims = ("estimator", axis_name)
    return xr.Dataset(
        {
            "rmse": (dims, rmse, {"units": "m", "long_name":
                                  "position RMSE predicted by the method of interval errors"}),
            "local_bound": (dims, local, {"units": "m", "long_name": local_name}),
            "sidelobe_probability": (dims, np.asarray(probability, float), {"units": "1",
                                     "long_name": "total probability of the sidelobes"}),
            "threshold": ("estimator", np.array(thresholds), {"units": "dBm", "long_name":
                          f"lowest power from which rmse <= {factor:g} local_bound"}),
        },
        coords={"estimator": list(estimators), axis_name: np.asarray(axis, float)},
    )  # fmt: skip
