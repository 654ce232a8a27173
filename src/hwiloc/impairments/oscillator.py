"""Correlated oscillator phase noise: a free-running oscillator and a PLL-locked one.

chen2022's residual phase noise is i.i.d. per sample (what is left after
tracking). Before tracking, a free-running oscillator's phase is a Wiener
process over the samples n (period T_s):

    phi[n] = phi[n - 1] + w[n],   w[n] ~ N(0, 2 pi beta T_s),

with beta its 3-dB (full) linewidth (a Lorentzian spectrum) [1]_. A
phase-locked loop of bandwidth f_L tracks the slow part of it; with a
first-order loop the phase is an Ornstein-Uhlenbeck process [1]_,

    phi[n] = (1 - kappa) phi[n - 1] + w[n],   kappa = 2 pi f_L T_s,

stationary, of variance 2 pi beta T_s / (kappa (2 - kappa)) (about
beta / (2 f_L)); as f_L -> 0 it becomes the Wiener process. The loop's own
reference noise is neglected (an ideal reference). The Wiener phase starts at
phi[0] = w[0]; the PLL's is drawn from its stationary law.

Both processes are JAX-traceable in their increments and linewidth (the
Ornstein-Uhlenbeck recursion as a ``jax.lax.scan``), so that a user's JAX model
can carry them (:mod:`hwiloc.bounds.impaired`).

The samples run through the G OFDM symbols back to back, each K + K_cp long;
:func:`symbol_phases` keeps the K samples of each symbol after its cyclic
prefix, the [G, K] phases of chen2022's time-domain diagonal
(:func:`hwiloc.impairments.hardware.pn_cfo_diagonal`).

References
----------
.. [1] D. Petrovic, W. Rave, G. Fettweis, "Effects of Phase Noise on OFDM Systems
   With and Without PLL: Characterization and Compensation", IEEE Trans.
   Commun. 55(8), 2007, Sec. II.
"""

from __future__ import annotations

import numpy as np

from hwiloc.autodiff import array_namespace
from hwiloc.streams import stream
from hwiloc.validation import require_nonnegative, require_positive, require_positive_int

OSCILLATOR_STREAM = "oscillator"
"""The stream of the standard increments of both processes."""


def wiener_phase(increments: np.ndarray, linewidth: float, sample_period: float) -> np.ndarray:
    """phi[n] = sum_{i <= n} w[i], w = sqrt(2 pi beta T_s) z: a free-running oscillator. [rad]

    Parameters
    ----------
    increments : [S], float
        Standard normal z[n]. [-]
    linewidth : float
        beta, the 3-dB linewidth. [Hz]
    sample_period : float
        T_s. [s]
    """
    xp = array_namespace(increments, linewidth)
    if xp is not np:  # traced: a JAX linewidth or increments
        return xp.cumsum(xp.sqrt(2 * np.pi * linewidth * sample_period) * increments)
    step = np.sqrt(2 * np.pi * float(require_nonnegative("linewidth", linewidth))
                   * require_positive("sample_period", sample_period))  # fmt: skip
    return np.cumsum(step * np.asarray(increments, dtype=float))


def pll_phase(
    increments: np.ndarray, linewidth: float, sample_period: float, loop_bandwidth: float
) -> np.ndarray:
    """phi[n] = (1 - kappa) phi[n - 1] + w[n], stationary from n = 0: a PLL-locked oscillator.

    Parameters
    ----------
    increments : [S], float
        Standard normal z[n]; z[0] draws the stationary start. [-]
    linewidth : float
        beta of the free-running oscillator. [Hz]
    sample_period : float
        T_s. [s]
    loop_bandwidth : float
        f_L; kappa = 2 pi f_L T_s must lie in (0, 1]. [Hz]
    """
    kappa = 2 * np.pi * require_positive("loop_bandwidth", loop_bandwidth) * require_positive(
        "sample_period", sample_period)  # fmt: skip
    if kappa > 1:
        raise ValueError(
            f"loop_bandwidth {loop_bandwidth} Hz gives kappa = 2 pi f_L T_s = {kappa:.3g} > 1; "
            f"expected a loop slower than the sample rate "
            f"(f_L <= {1 / (2 * np.pi * sample_period):.4g} Hz)"
        )
    xp = array_namespace(increments, linewidth)
    if xp is not np:  # traced: the same recursion as a JAX scan
        import jax

        w = xp.sqrt(2 * np.pi * linewidth * sample_period) * increments
        w = w.at[0].divide(np.sqrt(kappa * (2 - kappa)))  # the stationary start

        def step_once(previous, w_n):
            phi = (1 - kappa) * previous + w_n
            return phi, phi

        return jax.lax.scan(step_once, xp.zeros((), w.dtype), w)[1]
    z = np.asarray(increments, dtype=float)
    step = np.sqrt(2 * np.pi * float(require_nonnegative("linewidth", linewidth)) * sample_period)
    w = step * z
    w[0] = step * z[0] / np.sqrt(kappa * (2 - kappa))  # the stationary start
    import scipy.signal  # here: its import costs 0.4 s, and the DAG imports this module

    return scipy.signal.lfilter([1.0], [1.0, -(1 - kappa)], w)  # the first-order recursion


def symbol_phases(phase: np.ndarray, num_transmissions: int, num_subcarriers: int,
                  cyclic_prefix: int) -> np.ndarray:  # fmt: skip
    """The [G, K] phases of the G symbols' samples after their cyclic prefixes. [rad]"""
    g = require_positive_int("num_transmissions", num_transmissions)
    k = require_positive_int("num_subcarriers", num_subcarriers)
    cp = int(require_nonnegative("cyclic_prefix", cyclic_prefix))
    return array_namespace(phase).asarray(phase).reshape(g, k + cp)[:, cp:]


def draw_phase_noise(
    entropy, model: str, *, num_transmissions: int, num_subcarriers: int, cyclic_prefix: int,
    linewidth: float, sample_period: float, loop_bandwidth: float | None = None,
) -> np.ndarray:  # fmt: skip
    """[G, K] phases of a ``"wiener"`` or ``"pll"`` oscillator over G symbols. [rad]

    The standard increments come from the stream :data:`OSCILLATOR_STREAM` of
    ``entropy``, one per sample of the G (K + K_cp) samples: the same draws at
    every linewidth, scaled (common random numbers).
    """
    if model not in ("wiener", "pll"):
        raise ValueError(f"oscillator model must be 'wiener' or 'pll', got {model!r}")
    g = require_positive_int("num_transmissions", num_transmissions)
    length = g * (require_positive_int("num_subcarriers", num_subcarriers) + int(cyclic_prefix))
    z = stream(entropy, OSCILLATOR_STREAM).standard_normal(length)
    if model == "wiener":
        phase = wiener_phase(z, linewidth, sample_period)
    else:
        phase = pll_phase(z, linewidth, sample_period, loop_bandwidth)
    return symbol_phases(phase, g, num_subcarriers, cyclic_prefix)
