"""The impairment catalogue's models: IQ imbalance, ADC (AQNM), array errors, oscillators.

Analytic identities (no imbalance is the identity, nu = 0 is a gain, the
widely linear form is the branch form, the noise statistics are the real
covariance of the map), a published table against a slow direct reference (the
Lloyd-Max quantizer of a Gaussian, iterated), seeded draws (zero level gives no
error, common random numbers scale), and the PLL recursion against a loop.
"""

import numpy as np
import pytest
from lloyd_max import lloyd_max

from hwiloc.bounds.noise import GaussianNoise
from hwiloc.impairments import array_errors, iq_imbalance, oscillator, quantization
from hwiloc.impairments.phase_offsets import spatial_phase_offsets
from hwiloc.streams import stream


def _signal(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n) + 1j * rng.standard_normal(n)


# --- IQ imbalance ---------------------------------------------------------------
def test_no_imbalance_is_the_identity_and_nu_zero_is_a_gain():
    x = _signal()
    mu, nu = iq_imbalance.coefficients(0.0, 0.0)
    assert (mu, nu) == (1.0, 0.0)
    np.testing.assert_array_equal(iq_imbalance.apply(x, mu, nu), x)
    assert iq_imbalance.image_ratio_db(mu, nu) == -np.inf
    gain = 0.8 * np.exp(0.3j)
    np.testing.assert_array_equal(iq_imbalance.apply(x, gain, 0.0), gain * x)


@pytest.mark.parametrize("amplitude_db, phase", [(-0.446, 0.05), (1.0, -0.2), (3.0, 0.5)])
def test_widely_linear_form_is_the_branch_form(amplitude_db, phase):
    """mu x + nu x* = Re{x} + j g e^{j phi} Im{x}: the quadrature branch's gain and phase."""
    x = _signal()
    mu, nu = iq_imbalance.coefficients(amplitude_db, phase)
    g = 10 ** (amplitude_db / 20)
    branch = x.real + 1j * g * np.exp(1j * phase) * x.imag
    np.testing.assert_allclose(iq_imbalance.apply(x, mu, nu), branch, rtol=1e-14)
    isr = abs(nu) ** 2 / abs(mu) ** 2
    expected = (1 - 2 * g * np.cos(phase) + g**2) / (1 + 2 * g * np.cos(phase) + g**2)
    assert iq_imbalance.image_ratio_db(mu, nu) == pytest.approx(10 * np.log10(expected), 1e-12)
    assert isr < 1


def test_receiver_noise_statistics_are_the_real_covariance_of_the_map():
    """mu n + nu n* as a 2 x 2 real matrix A acting on (Re n, Im n): Cov = A (sigma^2 / 2 I) A^T."""
    mu, nu = iq_imbalance.coefficients(1.5, 0.3)
    sigma2 = 0.7
    c, p = iq_imbalance.noise_statistics(sigma2, mu, nu)
    a = np.array([[(mu + nu).real, (nu - mu).imag], [(mu + nu).imag, (mu - nu).real]])
    expected = a @ (sigma2 / 2 * np.eye(2)) @ a.T
    np.testing.assert_allclose(GaussianNoise.improper(np.array([c]), np.array([p]))
                               .real_covariance(1), expected, rtol=1e-13)  # fmt: skip
    assert (c, p) == (sigma2, 0) or p != 0


# --- ADC quantization -------------------------------------------------------------
@pytest.mark.parametrize("bits, rel", [(1, 5e-4), (2, 5e-4), (3, 5e-4), (4, 5e-4), (5, 3e-3)])
def test_distortion_table_is_the_lloyd_max_quantizer_of_a_gaussian(bits, rel):
    """Fan et al. (2015), Table I, to its 4 significant digits for b <= 4. Its 5-bit entry,
    0.002499, lies 0.22 % below the converged iteration's 0.0025047 (Jayant and Noll's
    table gives 26.01 dB, 0.002506): the library keeps the published value, within 0.3 %."""
    assert quantization.distortion_factor(bits) == pytest.approx(lloyd_max(bits)[2],
                                                                 rel=rel)  # fmt: skip


def test_one_bit_distortion_is_one_minus_two_over_pi_and_beyond_five_bits_it_is_high_resolution():
    assert quantization.distortion_factor(1) == pytest.approx(1 - 2 / np.pi, rel=1e-4)
    for b in (6, 8, 12):
        assert quantization.distortion_factor(b) == np.pi * np.sqrt(3) / 2 * 4.0**-b
    rho = [quantization.distortion_factor(b) for b in range(1, 17)]
    assert np.all(np.diff(rho) < 0)
    # the high-resolution formula is within 7 % of Lloyd-Max at 5 bits: the switch is seamless
    assert np.pi * np.sqrt(3) / 2 * 4.0**-5 == pytest.approx(quantization.DISTORTION[5], rel=0.07)


def test_aqnm_tends_to_no_quantization_as_bits_grow():
    gain, var = quantization.aqnm(np.array([2.0, 5.0]), 0.1, 20)
    assert gain == pytest.approx(1, abs=1e-11)
    np.testing.assert_allclose(var, 0.1, rtol=1e-9)  # rho_20 = 2.6e-12
    gain, var = quantization.aqnm(np.array([2.0]), 0.1, 1)
    rho = 1 - 2 / np.pi
    assert gain == pytest.approx(1 - rho, rel=1e-3)
    np.testing.assert_allclose(var, (1 - rho) ** 2 * 0.1 + rho * (1 - rho) * 2.1, rtol=1e-3)


# --- array errors -----------------------------------------------------------------
def test_array_errors_at_zero_level_are_none_and_scale_with_their_std():
    none = array_errors.draw_array_errors([1, 2], 16)
    np.testing.assert_array_equal(none.response, np.ones(16))
    np.testing.assert_array_equal(none.position, np.zeros(16))
    one = array_errors.draw_array_errors([1, 2], 16, gain_std_db=1.0, phase_std=0.1,
                                         position_std=1e-4)  # fmt: skip
    two = array_errors.draw_array_errors([1, 2], 16, gain_std_db=2.0, phase_std=0.2,
                                         position_std=2e-4)  # fmt: skip
    np.testing.assert_allclose(20 * np.log10(two.gain), 2 * 20 * np.log10(one.gain), rtol=1e-12)
    np.testing.assert_allclose(two.phase, 2 * one.phase, rtol=1e-12)
    np.testing.assert_allclose(two.position, 2 * one.position, rtol=1e-12)
    # the phase part is zhang2025's spatial offset, from its own stream
    np.testing.assert_array_equal(
        one.phase, spatial_phase_offsets(stream([1, 2], array_errors.ARRAY_STREAMS["phase"]),
                                         16, 0.1))  # fmt: skip


# --- oscillators -------------------------------------------------------------------
def test_zero_linewidth_gives_no_phase_noise():
    for model in ("wiener", "pll"):
        phase = oscillator.draw_phase_noise([3], model, num_transmissions=4, num_subcarriers=8,
                                            cyclic_prefix=2, linewidth=0.0, sample_period=1e-9,
                                            loop_bandwidth=1e6)  # fmt: skip
        assert phase.shape == (4, 8)
        np.testing.assert_array_equal(phase, 0.0)


def test_pll_recursion_matches_a_direct_loop_and_is_stationary():
    z = np.random.default_rng(1).standard_normal(5000)
    beta, ts, fl = 1e5, 1e-9, 1e6
    phase = oscillator.pll_phase(z, beta, ts, fl)
    kappa, step = 2 * np.pi * fl * ts, np.sqrt(2 * np.pi * beta * ts)
    direct = np.empty_like(z)
    direct[0] = step * z[0] / np.sqrt(kappa * (2 - kappa))
    for n in range(1, z.size):  # the slow reference: the recursion, sample by sample
        direct[n] = (1 - kappa) * direct[n - 1] + step * z[n]
    np.testing.assert_allclose(phase, direct, rtol=1e-10, atol=1e-14)
    # stationary variance 2 pi beta T_s / (kappa (2 - kappa)), about beta / (2 f_L), over 4000 draws
    ends = np.array([oscillator.pll_phase(np.random.default_rng(s).standard_normal(50), beta, ts,
                                          fl)[[0, -1]] for s in range(4000)])  # fmt: skip
    variance = step**2 / (kappa * (2 - kappa))
    assert variance == pytest.approx(beta / (2 * fl), rel=0.01)
    se = variance * np.sqrt(2 / 4000)
    assert np.all(np.abs(ends.var(axis=0) - variance) < 4 * se)


def test_wiener_phase_is_the_running_sum_and_its_variance_grows_linearly():
    beta, ts = 1e4, 1e-9
    z = np.random.default_rng(2).standard_normal((3000, 200))
    phase = np.array([oscillator.wiener_phase(row, beta, ts) for row in z])
    np.testing.assert_allclose(phase[0], np.cumsum(np.sqrt(2 * np.pi * beta * ts) * z[0]),
                               rtol=1e-12)  # fmt: skip
    expected = 2 * np.pi * beta * ts * np.arange(1, 201)
    se = expected * np.sqrt(2 / 3000)
    assert np.all(np.abs(phase.var(axis=0) - expected)[[49, 199]] < 4 * se[[49, 199]])


def test_symbol_phases_drop_each_cyclic_prefix():
    phase = np.arange(3 * 7.0)
    np.testing.assert_array_equal(oscillator.symbol_phases(phase, 3, 5, 2),
                                  [[2, 3, 4, 5, 6], [9, 10, 11, 12, 13], [16, 17, 18, 19, 20]])


def test_bad_levels_are_refused():
    with pytest.raises(ValueError, match="kappa"):
        oscillator.pll_phase(np.zeros(4), 1e3, 1e-9, 1e9)
    with pytest.raises(ValueError, match="bits must be an integer >= 1"):
        quantization.distortion_factor(0)
    with pytest.raises(ValueError, match="phase_std must be finite and >= 0"):
        array_errors.draw_array_errors(1, 4, phase_std=-1.0)
