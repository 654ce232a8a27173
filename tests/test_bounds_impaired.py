"""Impairments composed with a user's model (hwiloc.bounds.impaired): the helper gives
what composing by hand gives, and each stage its analytic effect."""

import jax.numpy as jnp
import numpy as np
import pytest

from hwiloc.bounds.generic import crb, mcrb
from hwiloc.bounds.impaired import impaired
from hwiloc.bounds.noise import GaussianNoise
from hwiloc.impairments import array_errors, iq_imbalance, quantization
from hwiloc.models.parametric import Model, Quantity

C = 3e8
F = 28e9 + 1e6 * jnp.arange(16)
Y = (jnp.arange(8) - 3.5) * C / 28e9 / 2
NAMES = {"x": "m", "y": "m", "gain": "V", "phase": "rad"}
POSITION = {"position": Quantity(lambda e: e[:2], "m")}
TRUTH = np.array([0.5, 0.3, 1.0, 0.2])


def received(eta, response=1.0, mu=1.0, nu=0.0, adc_gain=1.0):
    d = jnp.sqrt(eta[0] ** 2 + (eta[1] - Y) ** 2)
    x = eta[2] * jnp.exp(1j * eta[3] - 2j * jnp.pi * jnp.outer(d, F) / C)
    x = jnp.reshape(response, (-1, 1)) * x
    return adc_gain * (mu * x + nu * jnp.conj(x))


CLEAN = Model(received, NAMES, quantities=POSITION, name="clean")


def test_the_helper_gives_the_hand_composition():
    errors = array_errors.draw_array_errors(7, 8, gain_std_db=0.5, phase_std=0.05)
    mu, nu = iq_imbalance.coefficients(-0.446, 0.05)
    s2, bits = 1e-2, 4
    cov, pseudo = iq_imbalance.noise_statistics(s2, mu, nu)
    gain, variance = quantization.aqnm(1.0, cov, bits)
    by_hand = Model(lambda e: received(e, jnp.asarray(errors.response), mu, nu, gain), NAMES,
                    quantities=POSITION)  # fmt: skip
    hand_noise = GaussianNoise.improper(variance, gain**2 * pseudo)
    model, noise = impaired(CLEAN, s2, response=errors.response, iq=(mu, nu), adc_bits=bits,
                            signal_power=1.0)  # fmt: skip
    assert model.name == "clean + array errors, IQ imbalance, 4-bit ADC"
    np.testing.assert_allclose(crb(model, TRUTH, noise=noise).covariance,
                               crb(by_hand, TRUTH, noise=hand_noise).covariance, rtol=1e-10)
    ours = mcrb(model, TRUTH, CLEAN, s2, true_noise=noise, start=TRUTH)
    theirs = mcrb(by_hand, TRUTH, CLEAN, s2, true_noise=hand_noise, start=TRUTH)
    np.testing.assert_allclose(ours.mcrb, theirs.mcrb, rtol=1e-8)


def test_each_stage_has_its_analytic_effect():
    same, white = impaired(CLEAN, 0.5)  # nothing applied: the clean model and white noise
    np.testing.assert_allclose(crb(same, TRUTH, noise=white).covariance,
                               crb(CLEAN, TRUTH, 0.5).covariance, rtol=1e-12)  # fmt: skip
    mu, nu = iq_imbalance.coefficients(1.0, 0.1)
    _, noise = impaired(CLEAN, 0.5, iq=(mu, nu))  # improper: P = 2 sigma^2 mu nu
    assert noise.pseudo_covariance == pytest.approx(2 * 0.5 * mu * nu)
    rotated, _ = impaired(CLEAN, 0.5, phase=np.full((8, 16), 0.7))  # a common phase: the
    np.testing.assert_allclose(crb(rotated, TRUTH, 0.5).covariance,  # gain's phase absorbs it
                               crb(CLEAN, TRUTH, 0.5).covariance, rtol=1e-6,
                               atol=1e-12)  # fmt: skip
    with pytest.raises(ValueError, match="adc_bits needs signal_power"):
        impaired(CLEAN, 0.5, adc_bits=3)
