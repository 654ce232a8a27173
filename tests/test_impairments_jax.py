"""Every impairment model runs inside a JAX model: the same values traced and compiled as on
numpy, and exact derivatives through it (against central differences of the numpy path)."""

import numpy as np
import pytest

from hwiloc.autodiff import _jax, array_namespace
from hwiloc.bounds.generic import crb
from hwiloc.bounds.noise import GaussianNoise
from hwiloc.impairments import array_errors, hardware, iq_imbalance, oscillator, quantization
from hwiloc.models.parametric import Model

jax = _jax()
jnp = jax.numpy
RNG = np.random.default_rng(11)
X = RNG.standard_normal((3, 16)) + 1j * RNG.standard_normal((3, 16))
Z = RNG.standard_normal(60)
RESIDUAL = 0.01 * (RNG.standard_normal(10) + 1j * RNG.standard_normal(10))
PA = {1: 1.0, 3: -0.0022 + 0.0002j}

# name -> (the impairment as a function of one real parameter t, the value of t)
CASES = {
    "iq coefficients and apply": (
        lambda t, xp: iq_imbalance.apply(xp.asarray(X), *iq_imbalance.coefficients(0.5, t)),
        0.05),
    "iq noise statistics": (
        lambda t, xp: xp.stack([xp.asarray(v) for v in
                                iq_imbalance.noise_statistics(t, 0.98 + 0.02j, 0.02 - 0.02j)]),
        0.3),
    "aqnm": (lambda t, xp: xp.stack(quantization.aqnm(t, 0.1, 3)), 2.0),
    "array response": (
        lambda t, xp: array_errors.ArrayErrors(xp.ones(4) * (1 + t), xp.arange(4.0) * t,
                                               xp.zeros(4)).response,
        0.2),
    "pa": (lambda t, xp: hardware.power_amplifier(8 * t * xp.asarray(X), PA, 10.0), 0.9),
    "pa clip": (lambda t, xp: hardware.power_amplifier(8 * xp.asarray(X), PA, t), 6.0),
    "pa frequency domain": (
        lambda t, xp: hardware.pa_frequency_domain(6 * t * xp.asarray(X), PA, 9.0), 1.0),
    "coupling": (lambda t, xp: hardware.coupling_matrix(4, t * (0.2 + 0.1j), xp.asarray(RESIDUAL)),
                 1.0),
    "pn and cfo, eq. (5)": (
        lambda t, xp: hardware.pn_cfo_diagonal(xp.asarray(X.real), t, 16, 4), 0.01),
    "pn and cfo, intra-symbol": (
        lambda t, xp: hardware.pn_cfo_diagonal(xp.asarray(X.real), t, 16, 4, "intra_symbol"),
        0.01),
    "wiener": (lambda t, xp: oscillator.wiener_phase(xp.asarray(Z), t, 1e-6), 100.0),
    "pll": (lambda t, xp: oscillator.pll_phase(xp.asarray(Z), t, 1e-6, 2e4), 100.0),
    "symbol phases": (
        lambda t, xp: oscillator.symbol_phases(t * xp.asarray(Z), 3, 16, 4), 1.0),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_an_impairment_traced_and_compiled_gives_its_numpy_values(name):
    f, t = CASES[name]
    expected = np.asarray(f(t, np))
    traced = jax.jit(lambda s: jnp.asarray(f(s, jnp)))(jnp.asarray(t))
    assert isinstance(traced, jax.Array)
    np.testing.assert_allclose(np.asarray(traced), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", CASES)
def test_the_derivative_through_an_impairment_is_its_central_difference(name):
    f, t = CASES[name]
    exact = np.asarray(jax.jacfwd(lambda s: jnp.asarray(f(s, jnp), dtype=complex))(t))
    h = 1e-6 * max(abs(t), 1.0)
    numeric = (np.asarray(f(t + h, np), dtype=complex)
               - np.asarray(f(t - h, np), dtype=complex)) / (2 * h)  # fmt: skip
    scale = max(np.max(np.abs(numeric)), 1e-12)
    np.testing.assert_allclose(exact, numeric, rtol=0, atol=1e-6 * scale)
    assert np.max(np.abs(exact)) > 0  # the parameter moves the output: the check can fail


def test_numpy_in_numpy_out_and_no_jax_import_is_needed_to_choose():
    assert array_namespace(np.ones(2), 1.0) is np and array_namespace() is np
    assert array_namespace(np.ones(2), jnp.ones(2)) is jnp
    out = hardware.pn_cfo_diagonal(X.real, 0.01, 16, 4)
    assert type(out) is np.ndarray


def test_a_user_model_carries_the_pa_and_the_cfo_as_an_unknown_into_the_bound():
    """A toy OFDM model: delay tau and the CFO eps unknown, the PA and eq. (5)'s CFO written
    through the catalogue's own functions. The engine differentiates it (no Tracer error),
    and with the CFO known the delay bound is the one of the CFO-free model."""
    k = np.arange(16)
    spacing = 1e6  # [Hz]
    pilots = np.exp(1j * 2 * np.pi * RNG.uniform(size=(2, 16)))

    def mean_of(with_cfo):
        def mean(eta):
            tau = eta[0]
            x = pilots * jnp.exp(-2j * np.pi * k * spacing * tau)
            x = hardware.pa_frequency_domain(x, PA, 5.0)
            if with_cfo:
                x = jnp.fft.fft(jnp.fft.ifft(x, axis=-1) * hardware.pn_cfo_diagonal(
                    jnp.zeros((2, 16)), eta[1], 16, 4), axis=-1)  # fmt: skip
            return x

        return mean

    truth = np.array([30e-9, 0.02])
    noise = GaussianNoise.white(0.01)
    full = crb(Model(mean=mean_of(True), parameters={"tau": "s", "eps": "1"}), truth,
               noise=noise)  # fmt: skip
    assert np.all(np.isfinite(full.covariance)) and full.covariance[0, 0] > 0
    known = crb(Model(mean=mean_of(False), parameters={"tau": "s"}), truth[:1], noise=noise)
    own = 1 / full.fim[0, 0]  # the CFO known: the delay's own information
    assert own == pytest.approx(known.covariance[0, 0], rel=1e-9)
    assert full.covariance[0, 0] > own  # an unknown CFO costs delay accuracy
