"""IQ imbalance at the transmitter and at the receiver: a widely linear distortion.

An IQ (de)modulator whose quadrature branch has gain g and phase error phi
relative to the in-phase branch turns a complex baseband signal x into

    x_IQ = Re{x} + j g e^{j phi} Im{x} = mu x + nu x*,
    mu = (1 + g e^{j phi}) / 2,   nu = (1 - g e^{j phi}) / 2,

(the widely linear model of T. Schenk, "RF Imperfections for High-Rate Wireless
Systems", Springer 2008, Sec. 3.3; this form is the one of the chen2022 authors'
public MATLAB, update_parameters_SWM.m of their Radio_Localization repository,
with its default g = 0.95, phi = 0.05 rad). g = 10^(amplitude_db / 20). The
same map acts at the UE's modulator (on the transmitted samples) and at the
BS's demodulator (on the received samples, noise included).

At the receiver the noise passes through it too: white proper noise n of
variance sigma^2 becomes mu n + nu n*, of covariance sigma^2 (|mu|^2 + |nu|^2)
and pseudo-covariance 2 sigma^2 mu nu: improper (:func:`noise_statistics`).
"""

from __future__ import annotations

import numpy as np

from hwiloc.autodiff import array_namespace
from hwiloc.validation import require_finite


def coefficients(amplitude_db: float, phase: float) -> tuple[complex, complex]:
    """(mu, nu) of the widely linear model from the amplitude and phase mismatch.

    Parameters
    ----------
    amplitude_db : float
        Gain of the quadrature branch relative to the in-phase one, 20 log10 g. [dB]
    phase : float
        Phase error phi of the quadrature branch. [rad]

    Returns
    -------
    mu, nu : complex
        (1 + g e^{j phi}) / 2 and (1 - g e^{j phi}) / 2: (1, 0) without imbalance. [-]
        JAX scalars when either input is a JAX value (a parameter of a user's model).
    """
    xp = array_namespace(amplitude_db, phase)
    if xp is not np:
        branch = 10 ** (amplitude_db / 20) * xp.exp(1j * phase)
        return (1 + branch) / 2, (1 - branch) / 2
    require_finite("amplitude_db", amplitude_db)
    require_finite("phase", phase)
    branch = 10 ** (float(amplitude_db) / 20) * np.exp(1j * float(phase))
    return complex((1 + branch) / 2), complex((1 - branch) / 2)


def apply(x: np.ndarray, mu: complex, nu: complex) -> np.ndarray:
    """mu x + nu x*, elementwise; JAX-traceable in x, mu and nu. [the unit of x]"""
    xp = array_namespace(x, mu, nu)
    x = xp.asarray(x)
    return mu * x + nu * xp.conj(x)


def image_ratio_db(mu: complex, nu: complex) -> float:
    """Image-to-signal power ratio 10 log10(|nu|^2 / |mu|^2) (minus the image rejection
    ratio): -inf without imbalance. [dB]"""
    with np.errstate(divide="ignore"):
        return float(10 * np.log10(abs(nu) ** 2 / abs(mu) ** 2))


def noise_statistics(noise_variance: float, mu: complex, nu: complex) -> tuple[float, complex]:
    """Covariance and pseudo-covariance of mu n + nu n* for n ~ CN(0, sigma^2). [V^2]

    E|mu n + nu n*|^2 = sigma^2 (|mu|^2 + |nu|^2);
    E[(mu n + nu n*)^2] = 2 sigma^2 mu nu. JAX values in, JAX values out.
    """
    xp = array_namespace(noise_variance, mu, nu)
    if xp is not np:
        return noise_variance * (xp.abs(mu) ** 2 + xp.abs(nu) ** 2), 2 * noise_variance * mu * nu
    return (float(noise_variance * (abs(mu) ** 2 + abs(nu) ** 2)),
            complex(2 * noise_variance * mu * nu))  # fmt: skip
