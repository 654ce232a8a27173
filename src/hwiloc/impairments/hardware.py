"""Transceiver impairments of Chen et al. (2022), Sec. II-B (docs/chen2022_model.md).

Power-amplifier nonlinearity at the UE (memoryless polynomial with clipping,
time domain, saturated beyond its AM/AM peak by default), mutual coupling at
the BS array (banded Toeplitz, nominal plus residual), and residual phase
noise and residual CFO of the BS receiver (time domain, with inter-carrier
interference).

Each random quantity draws from its own named stream of the seed
(:mod:`hwiloc.streams`, names in :data:`HARDWARE_STREAMS`); the PA is
deterministic (its coefficients are given) and draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwiloc.autodiff import array_namespace
from hwiloc.streams import stream
from hwiloc.validation import require_nonnegative, require_positive, require_positive_int

PA_MODELS = ("saturated", "polynomial")
"""PA models: ``"saturated"`` holds the polynomial at its AM/AM peak beyond it (monotone);
``"polynomial"`` is eq. (7) as written (a polynomial with a negative odd term folds over
past its peak: the output amplitude falls and, far enough out, its phase inverts)."""


def _polynomial(amplitude: np.ndarray, coefficients: dict[int, complex]) -> np.ndarray:
    """The complex gain times amplitude, sum_p beta_p r^p, at real amplitudes r >= 0. [V]"""
    return sum(beta * amplitude**p for p, beta in coefficients.items())  # Eq. (7) at x = r


def am_am_peak(coefficients: dict[int, complex]) -> float:
    """Input amplitude of the first maximum of the AM/AM curve |sum_p beta_p r^p|, or inf. [V]

    The stationary points of |f(r)|^2 = sum_{p, q} Re(beta_p conj(beta_q)) r^(p + q) are
    the roots of its derivative, a real polynomial in r; the peak is the smallest
    positive real root where |f|^2 turns down. A polynomial whose AM/AM never turns
    down (e.g. beta_1 alone) has no peak: inf.
    """
    degree = 2 * max(coefficients)
    power = np.zeros(degree + 1)  # |f|^2 by ascending order of r
    for p, bp in coefficients.items():
        for q, bq in coefficients.items():
            power[p + q] += (bp * np.conj(bq)).real
    slope = np.polynomial.Polynomial(power).deriv()
    roots = slope.roots()
    real = np.sort(roots[(np.abs(roots.imag) < 1e-9 * np.abs(roots)) & (roots.real > 0)].real)
    curvature = slope.deriv()
    peaks = [r for r in real if curvature(r) < 0]
    return float(peaks[0]) if peaks else float("inf")


def power_amplifier(
    x: np.ndarray,
    coefficients: dict[int, complex],
    clip_voltage: float,
    model: str = "saturated",
) -> np.ndarray:
    """Memoryless polynomial PA with amplitude clipping, eq. (7).

    f(x) = sum_p beta_p x |x|^(p - 1), then |f| limited to ``clip_voltage`` with
    its phase kept. ``model`` (:data:`PA_MODELS`):

    - ``"saturated"`` (default): f as above up to the AM/AM peak r_pk
      (:func:`am_am_peak`) and f(r_pk x / |x|) beyond it: the output amplitude is
      non-decreasing in the input's and its AM/PM stays at the peak's, as a
      transmitter PA driven into saturation. Below the peak it is eq. (7) exactly.
    - ``"polynomial"``: eq. (7) as written, over every input amplitude.

    Parameters
    ----------
    x : [...], complex
        Time-domain samples at the PA input (numpy, or JAX: traceable in ``x``
        and ``clip_voltage``). [V]
    coefficients : {order p: beta_p}
        Complex coefficients, e.g. {1: 1, 3: -0.0022 + 0.0002j}. [V^(1-p)]
    clip_voltage : float
        Clipping amplitude V_clip. [V]
    model : str
        ``"saturated"`` or ``"polynomial"``.

    Returns
    -------
    [...], complex
        The PA output. [V]
    """
    xp = array_namespace(x, clip_voltage)
    if xp is np:
        require_positive("clip_voltage", clip_voltage)
    if model not in PA_MODELS:
        raise ValueError(f"PA model must be one of {PA_MODELS}, got {model!r}")
    magnitude = xp.abs(x)
    if model == "saturated":
        magnitude = xp.minimum(magnitude, am_am_peak(coefficients))
    unit = xp.where(xp.abs(x) > 0, x / xp.maximum(xp.abs(x), 1e-300), 0.0)
    out = unit * _polynomial(magnitude, coefficients)  # Eq. (7): beta_p x |x|^(p-1) = beta_p u r^p
    out_mag = xp.abs(out)
    return xp.where(out_mag > clip_voltage, out * clip_voltage / xp.maximum(out_mag, 1e-300), out)


def pa_frequency_domain(
    pilots: np.ndarray, coefficients: dict, clip_voltage: float, model: str = "saturated"
) -> np.ndarray:
    """x~_g = F f_PA(F^H x_g) with the unitary DFT F over subcarriers, [..., K] complex. [V]

    ``model`` as :func:`power_amplifier`; JAX-traceable as it.
    """
    xp = array_namespace(pilots, clip_voltage)
    k = pilots.shape[-1]
    time = xp.fft.ifft(pilots, axis=-1) * np.sqrt(k)  # F^H x
    out = power_amplifier(time, coefficients, clip_voltage, model)
    return xp.fft.fft(out, axis=-1) / np.sqrt(k)


def coupling_matrix(
    num_antennas: int, coefficient: complex, residual: np.ndarray | None = None
) -> np.ndarray:
    """Banded Toeplitz mutual coupling C = C_0 + Delta_C, eq. (6).

    C_0 has 1 on the diagonal and ``coefficient`` on the first off-diagonals;
    ``residual`` ([3 N - 2] values for the band: main, upper, lower) adds to the band.
    JAX-traceable in ``coefficient`` and ``residual``.
    """
    xp = array_namespace(coefficient, residual)
    n = num_antennas
    band = xp.eye(n, k=1) + xp.eye(n, k=-1)
    c = xp.eye(n) + coefficient * band
    if residual is not None:
        c = (c + xp.diag(residual[:n]) + xp.diag(residual[n : 2 * n - 1], 1)
             + xp.diag(residual[2 * n - 1 :], -1))  # fmt: skip
    return c.astype(complex)


CFO_MODELS = ("eq5", "intra_symbol")


def pn_cfo_diagonal(
    phase_noise: np.ndarray,
    cfo: float,
    num_subcarriers: int,
    cyclic_prefix: int,
    cfo_model: str = "eq5",
) -> np.ndarray:
    """Diagonal of E_g Xi_g in the time domain, eqs. (3)-(5), [G, K] complex.

    Xi_g = diag(exp(j phi_{g,k})). ``cfo_model`` chooses E_g:

    - ``"eq5"``, the paper's eq. (5) as written: the inter-symbol rotation
      exp(j 2 pi eps g (K + K_cp) / K) times the intra-symbol ramp
      diag(exp(j 2 pi eps k / K)), k = 0..K-1;
    - ``"intra_symbol"``: the centred ramp exp(j 2 pi eps (k - (K - 1) / 2) / K)
      alone, the same for every transmission g: a sensitivity, not the paper's
      model (the authors' public MATLAB, update_parameters_SWM.m, ramps too, but
      divides by the antenna count, not by K).

    JAX-traceable in ``phase_noise`` and ``cfo`` (e.g. the CFO as a nuisance
    parameter of a user's model).
    """
    if cfo_model not in CFO_MODELS:
        raise ValueError(f"cfo_model must be one of {CFO_MODELS}, got {cfo_model!r}")
    xp = array_namespace(phase_noise, cfo)
    g = np.arange(phase_noise.shape[0])[:, None]
    k = np.arange(num_subcarriers)[None, :]
    if cfo_model == "eq5":
        samples = g * (num_subcarriers + cyclic_prefix) + k  # Eq. (5)
    else:
        samples = np.broadcast_to(k - (num_subcarriers - 1) / 2, (g.size, num_subcarriers))
    cfo_phase = 2 * np.pi * cfo * samples / num_subcarriers
    return xp.exp(1j * (cfo_phase + phase_noise))  # Eq. (4)


@dataclass(frozen=True)
class HardwareRealization:
    """One seeded draw of every random quantity of the chen2022 study.

    Attributes
    ----------
    pilot_phase : [G, K], float  psi_{g,k}. [rad]
    combiner_phase : [G, N], float  vartheta_{g,n}. [rad]
    phase_noise : [G, K], float  phi_{g,k} ~ N(0, sigma_PN^2). [rad]
    cfo : float  eps, normalised to Delta f. [-]
    coupling_residual : [3 N - 2], complex  Delta_C on the band. [-]
    """

    pilot_phase: np.ndarray
    combiner_phase: np.ndarray
    phase_noise: np.ndarray
    cfo: float
    coupling_residual: np.ndarray


HARDWARE_STREAMS = {
    "pilot_phase": "pilot",
    "combiner_phase": "combiner",
    "phase_noise": "phase_noise",
    "cfo": "cfo",
    "coupling_residual": "coupling",
}
"""Each field of :class:`HardwareRealization` -> the name of the stream it draws from."""


def draw_hardware(
    entropy,
    *,
    num_transmissions: int,
    num_subcarriers: int,
    num_antennas: int,
    phase_noise_std: float,
    cfo_std: float,
    coupling_residual_std: float,
) -> HardwareRealization:
    """Draw pilots, combiners and residual impairments (spec: Transmission and Impairments).

    Each quantity draws from its own stream :func:`hwiloc.streams.stream` (entropy,
    name), the names of :data:`HARDWARE_STREAMS`, so that a quantity's values depend
    on the entropy, its name and its own shape only: the CFO is the same for every
    G, K and N; the coupling residual for every G and K; the pilots for every N, and
    their first G rows for every larger G (likewise the combiners for every K, the
    phase noise for every N). A standard draw times the std: the same entropy at
    another level gives the same draws, scaled (common random numbers).

    Parameters
    ----------
    entropy : int or sequence of int
        Seed entropy, e.g. ``[seed, study code, realization]``. [-]
    num_transmissions, num_subcarriers, num_antennas : int
        G, K and N. [-]
    phase_noise_std : float
        sigma_PN of phi_{g,k} ~ N(0, sigma_PN^2). [rad]
    cfo_std : float
        Std of the residual CFO eps, normalised to Delta f. [-]
    coupling_residual_std : float
        sigma_MC: each band entry of Delta_C ~ CN(0, sigma_MC^2). [-]

    Returns
    -------
    HardwareRealization
        pilot_phase, combiner_phase ~ U(0, 2 pi) [G, K], [G, N]; phase_noise [G, K];
        cfo; coupling_residual [3 N - 2].
    """
    require_nonnegative("phase_noise_std", phase_noise_std)
    require_nonnegative("cfo_std", cfo_std)
    require_nonnegative("coupling_residual_std", coupling_residual_std)
    g = require_positive_int("num_transmissions", num_transmissions)
    k = require_positive_int("num_subcarriers", num_subcarriers)
    n = require_positive_int("num_antennas", num_antennas)
    name = HARDWARE_STREAMS
    pilot = stream(entropy, name["pilot_phase"]).uniform(0, 2 * np.pi, (g, k))
    combiner = stream(entropy, name["combiner_phase"]).uniform(0, 2 * np.pi, (g, n))
    pn = phase_noise_std * stream(entropy, name["phase_noise"]).standard_normal((g, k))
    cfo = float(cfo_std * stream(entropy, name["cfo"]).standard_normal())
    # (re, im) pairs in band order: entry i does not depend on how many follow it
    z = stream(entropy, name["coupling_residual"]).standard_normal((3 * n - 2, 2))
    residual = coupling_residual_std * (z[:, 0] + 1j * z[:, 1]) / np.sqrt(2)
    return HardwareRealization(pilot, combiner, pn, cfo, residual)
