"""Impairments applied to a user's model: the true model (M1) and the noise it sees.

:func:`impaired` takes any :class:`~hwiloc.models.parametric.Model` whose mean is
written with ``jax.numpy`` and returns the model of the impaired receiver and its
noise, in the order a receiver applies them to the clean observation x (the
mean, with its antennas on the first axis):

1. array errors: x_n -> g_n x_n, a complex response per antenna
   (:mod:`hwiloc.impairments.array_errors`, ``ArrayErrors.response``);
2. oscillator phase noise: x -> exp(j phi) x, a phase per observation sample,
   broadcast to the mean (:mod:`hwiloc.impairments.oscillator`);
3. receiver IQ imbalance: x -> mu x + nu x*, which leaves the white noise
   improper, C = sigma^2 (|mu|^2 + |nu|^2), P = 2 sigma^2 mu nu
   (:mod:`hwiloc.impairments.iq_imbalance`);
4. a b-bit ADC by the additive quantization noise model: x -> (1 - rho_b) x,
   and the noise variance of :func:`hwiloc.impairments.quantization.aqnm` at
   the input power per sample.

The mean stays traceable by JAX (the engine differentiates it), and the noise is a
:class:`~hwiloc.bounds.noise.GaussianNoise` for :func:`hwiloc.bounds.generic.crb`
(CRB-M1) and the ``true_noise`` of :func:`hwiloc.bounds.generic.mcrb` (the LB of
the estimator that assumes the clean model and white noise). Each stage is the
same model the impairment catalogue uses (:mod:`hwiloc.studies.hwi_catalogue`);
the order (array, oscillator, IQ, ADC) is the signal path's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hwiloc.bounds.noise import GaussianNoise
from hwiloc.impairments import iq_imbalance, quantization
from hwiloc.validation import require_positive


def impaired(
    model,
    noise_variance: float,
    *,
    response=None,
    phase=None,
    iq: tuple[complex, complex] | None = None,
    adc_bits: int | None = None,
    signal_power: float | None = None,
    name: str | None = None,
):
    """The true model and its noise for ``model`` with the given impairments applied.

    Parameters
    ----------
    model : Model
        The clean model (its mean written with ``jax.numpy``; its antennas on the
        first axis of the mean when ``response`` is given).
    noise_variance : float
        sigma^2 of the white receiver noise before the IQ mixer and the ADC. [V^2]
    response : [N], complex, optional
        Per-antenna gain and phase, e.g. ``ArrayErrors.response``. [-]
    phase : array, optional
        Oscillator phase per observation sample, broadcast against the mean. [rad]
    iq : (mu, nu), optional
        Receiver IQ imbalance coefficients (:func:`~hwiloc.impairments.iq_imbalance.coefficients`).
    adc_bits : int, optional
        Resolution b of the ADC per real dimension (AQNM). [bits]
    signal_power : float, optional
        Power of the noise-free ADC input per sample; needed with ``adc_bits``. [V^2]
    name : str, optional
        The impaired model's name (default: the clean one's, with the impairments).

    Returns
    -------
    model : Model
        The impaired mean, the same parameters and quantities.
    noise : GaussianNoise
        White, or improper after an IQ imbalance.
    """
    import jax.numpy as jnp

    require_positive("noise_variance", noise_variance)
    if adc_bits is not None and signal_power is None:
        raise ValueError("adc_bits needs signal_power, the ADC input's power per sample [V^2]")
    mu, nu = iq if iq is not None else (1.0, 0.0)
    gain = 1.0
    covariance, pseudo = iq_imbalance.noise_statistics(noise_variance, mu, nu)
    if adc_bits is not None:
        gain, covariance = quantization.aqnm(signal_power, covariance, adc_bits)
        pseudo = gain**2 * pseudo
    clean, stages = model.mean, []
    r = None if response is None else jnp.asarray(response)
    p = None if phase is None else jnp.asarray(phase)
    stages += ["array errors"] if r is not None else []
    stages += ["phase noise"] if p is not None else []
    stages += ["IQ imbalance"] if iq is not None else []
    stages += [f"{adc_bits}-bit ADC"] if adc_bits is not None else []

    def mean(eta):
        x = jnp.asarray(clean(eta))
        if r is not None:
            x = jnp.reshape(r, (-1,) + (1,) * (x.ndim - 1)) * x
        if p is not None:
            x = jnp.exp(1j * p) * x
        if iq is not None:
            x = mu * x + nu * jnp.conj(x)
        return gain * x

    label = name or f"{model.name or 'model'} + {', '.join(stages) or 'no impairment'}"
    true_model = replace(model, mean=mean, jacobian=None, hessian=None, name=label)
    noise = (GaussianNoise.improper(np.real(covariance), pseudo) if abs(pseudo) > 0
             else GaussianNoise.white(float(np.real(covariance))))  # fmt: skip
    return true_model, noise
