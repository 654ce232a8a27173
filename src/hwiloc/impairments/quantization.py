"""ADC quantization by the additive quantization-noise model (AQNM, Bussgang).

A b-bit quantizer of each real dimension, with its levels optimal for a
Gaussian input of the received power (an ideal AGC), gives, by Bussgang's
decomposition with a Gaussian input,

    y_q = (1 - rho_b) y + d,   Cov(d) = rho_b (1 - rho_b) diag(C_y),

with d uncorrelated with y and taken Gaussian [1]_. rho_b is the normalized
mean-squared error of the Lloyd-Max quantizer of a unit Gaussian: the values
of :data:`DISTORTION` for b <= 5 ([1]_, Table I, after J. Max, "Quantizing for
minimum distortion", IRE Trans. Inf. Theory 6(1), 1960), and the
high-resolution approximation rho_b = (pi sqrt(3) / 2) 2^(-2 b) beyond [1]_.
tests/test_impairments_catalogue.py checks the table against a Lloyd-Max
iteration run on the Gaussian: b <= 4 agree to the table's 4 significant
digits (and b = 1 is 1 - 2 / pi); the 5-bit entry, 0.002499, is 0.22 % below
the converged 0.0025047, and is kept as published.

References
----------
.. [1] L. Fan, S. Jin, C.-K. Wen, H. Zhang, "Uplink Achievable Rate for Massive
   MIMO Systems With Low-Resolution ADC", IEEE Commun. Lett. 19(12), 2015,
   eqs. (4)-(6) and Table I.
"""

from __future__ import annotations

import numpy as np

from hwiloc.autodiff import array_namespace
from hwiloc.validation import require_nonnegative, require_positive, require_positive_int

DISTORTION = {1: 0.3634, 2: 0.1175, 3: 0.03454, 4: 0.009497, 5: 0.002499}
"""rho_b for b = 1..5 bits (Fan et al. 2015, Table I). [-]"""


def distortion_factor(bits: int) -> float:
    """rho_b: :data:`DISTORTION` for b <= 5, (pi sqrt(3) / 2) 2^(-2 b) beyond. [-]"""
    b = require_positive_int("bits", bits)
    if b in DISTORTION:
        return DISTORTION[b]
    return float(np.pi * np.sqrt(3) / 2 * 2.0 ** (-2 * b))


def aqnm(signal_power, noise_variance: float, bits: int) -> tuple[float, np.ndarray]:
    """Gain and output noise variance of a b-bit ADC in the AQNM.

    y_q = (1 - rho) (s + n) + d: the signal is scaled by 1 - rho, and the noise
    (1 - rho) n + d has variance (1 - rho)^2 sigma^2 + rho (1 - rho) (P_s + sigma^2),
    with P_s + sigma^2 the input's power, diag(C_y).

    Parameters
    ----------
    signal_power : float or array
        P_s, the power of the noise-free input at each sample (or group). [V^2]
    noise_variance : float
        sigma^2 of the input noise. [V^2]
    bits : int
        b, per real dimension. [-]

    Returns
    -------
    gain : float
        1 - rho_b. [-]
    variance : float or array, as ``signal_power``
        The output noise variance (JAX-traceable in ``signal_power`` and
        ``noise_variance``). [V^2]
    """
    rho = distortion_factor(bits)
    if array_namespace(signal_power, noise_variance) is not np:
        power = signal_power
    else:
        require_positive("noise_variance", noise_variance)
        power = require_nonnegative("signal_power", signal_power)
    return 1 - rho, (1 - rho) ** 2 * noise_variance + rho * (1 - rho) * (power + noise_variance)
