"""Global accuracy (hwiloc.bounds.global_accuracy): the pairwise probability against a seeded
Monte Carlo (kind c) and its closed-form limits (kind b); on an 8-element half-wavelength
ULA with one snapshot, an unknown complex gain and white noise, the MIE, the ZZB, a seeded
Monte Carlo of the grid MLE and the formula of Chen's public ``alg_threshold_region.m``
(chenhui07c8/Radio_Localization, 2-Antenna_Selection_for_Switched_MIMO; its pairwise
probability 1/2 exp(-S/2) I0(g S/2) re-implemented here from the file, not run) agree on
the threshold; at high SNR each tends to the CRB (to the LB under a mismatched model);
a prior holding an exact ambiguity keeps the ZZB away from the CRB.
"""

import numpy as np
import pytest
from scipy.special import i0e

from hwiloc.bounds import global_accuracy as ga
from hwiloc.bounds.generic import mcrb
from hwiloc.bounds.noise import GaussianNoise
from hwiloc.models.parametric import Model, Quantity

N = 8
POSITIONS = np.arange(N) - (N - 1) / 2  # element positions [half wavelengths], centred
SNR_DB = np.arange(0.0, 10.01, 0.5)  # per element [dB]
SNR = 10 ** (SNR_DB / 10)
CRB = 1 / (2 * SNR * np.pi**2 * np.sum(POSITIONS**2))  # var of u = sin(angle), unit gain [-]


def steer(u, spacing=1.0):
    """ULA signals at u = sin(angle), element spacing in half wavelengths: [len(u), N]."""
    return np.exp(1j * np.pi * spacing * np.outer(np.atleast_1d(u), POSITIONS))


U = np.linspace(-1, 1, 8001)[:-1]  # the estimator's grid over one period of u [-]
MAIN = int(np.argmin(np.abs(U - 0.3)))
U0 = U[MAIN]


def _mie(data_mean=None, main=MAIN, local=CRB, independent=True):
    s = steer(U)
    surface = np.abs(s.conj() @ (s[MAIN] if data_mean is None else data_mean)) ** 2
    peaks = ga.local_maxima(surface, periodic=True)
    rows = np.r_[main, peaks[peaks != main]]
    return ga.interval_errors(s[rows], s[MAIN] if data_mean is None else data_mean,
                              U[rows, None], [U0], local, np.sqrt(SNR),
                              independent=independent)  # fmt: skip


def _monte_carlo(trials=40_000, seed=0, data_mean=None):
    """MSE of u by the grid MLE (coarse grid, then a fine one around its peak)."""
    rng = np.random.default_rng(seed)
    coarse = np.linspace(-1, 1, 513)[:-1]
    offsets = np.linspace(-1, 1, 81) * (coarse[1] - coarse[0])
    mean = steer(U0)[0] if data_mean is None else data_mean
    out = []
    for snr in SNR:
        phase = np.exp(2j * np.pi * rng.random(trials))
        noise = (rng.standard_normal((trials, N)) + 1j * rng.standard_normal((trials, N)))
        y = np.sqrt(snr) * phase[:, None] * mean + noise / np.sqrt(2)
        peak = coarse[np.argmax(np.abs(y @ steer(coarse).conj().T), axis=1)]
        candidates = peak[:, None] + offsets
        values = np.abs(np.einsum("tfn,tn->tf", np.exp(-1j * np.pi * candidates[..., None]
                                                        * POSITIONS), y))  # fmt: skip
        u = candidates[np.arange(trials), np.argmax(values, axis=1)]
        error = (u - U0 + 1) % 2 - 1  # u is periodic with period 2
        out.append(np.mean(error**2))
    return np.array(out)


@pytest.mark.parametrize("m0, m1, rho", [(3.0, 1 + 1j, 0.5 + 0.3j), (2.0, 0.0, 0.0),
                                         (1.0, 0.9, 0.95), (4.0, 2j, 0.2j)])  # fmt: skip
def test_pairwise_probability_matches_a_seeded_monte_carlo(m0, m1, rho):
    rng = np.random.default_rng(7)
    trials = 400_000
    factor = np.linalg.cholesky(np.array([[1, rho], [np.conj(rho), 1]]))
    white = (rng.standard_normal((2, trials)) + 1j * rng.standard_normal((2, trials))) / np.sqrt(2)
    z = factor @ white + np.array([[m0], [m1]])
    observed = np.mean(np.abs(z[1]) > np.abs(z[0]))
    p = ga.pairwise_error(m0, m1, rho)
    assert abs(observed - p) < 4 * np.sqrt(p * (1 - p) / trials) + 1e-4


def test_pairwise_probability_limits():
    snr = np.array([0.1, 1.0, 10.0])
    # orthogonal signals: noncoherent binary FSK, 1/2 exp(-SNR/2)
    np.testing.assert_allclose(ga.pairwise_error(np.sqrt(snr), 0.0, 0.0), 0.5 * np.exp(-snr / 2),
                               rtol=1e-10)  # fmt: skip
    # identical up to a phase: a tie
    np.testing.assert_allclose(ga.pairwise_error(np.sqrt(snr), np.sqrt(snr), np.exp(0.3j)), 0.5)
    # Richmond's matched form with a, b = sqrt(SNR/2 (1 -+ sqrt(1 - |rho|^2)))
    rho = 0.6
    a = np.sqrt(snr / 2 * (1 - np.sqrt(1 - rho**2)))
    b = np.sqrt(snr / 2 * (1 + np.sqrt(1 - rho**2)))
    from scipy.stats import ncx2

    expected = ncx2.sf(b**2, 2, a**2) - 0.5 * np.exp(-0.5 * (a - b) ** 2) * i0e(a * b)
    np.testing.assert_allclose(ga.pairwise_error(np.sqrt(snr), rho * np.sqrt(snr), rho),
                               expected, rtol=1e-9)  # fmt: skip


def test_local_maxima_finds_each_peak_once_highest_first():
    y, x = np.mgrid[0:40, 0:50]
    surface = (3 * np.exp(-((x - 10) ** 2 + (y - 30) ** 2) / 8)
               + 2 * np.exp(-((x - 40) ** 2 + (y - 5) ** 2) / 8))  # fmt: skip
    surface[20, 0] = 1.0  # on the edge
    peaks = ga.local_maxima(surface)
    assert [np.unravel_index(p, surface.shape) for p in peaks] == [(30, 10), (5, 40), (20, 0)]
    flat = np.zeros(12)
    flat[[0, 11]] = [1.0, 2.0]
    assert list(ga.local_maxima(flat, periodic=True)) == [11]  # 0 and 11 are neighbours
    assert list(ga.local_maxima(flat)) == [11, 0]
    plateau = np.array([0.0, 1.0, 1.0, 0.0])
    assert len(ga.local_maxima(plateau)) == 1
    with pytest.raises(ValueError, match="finite"):
        ga.local_maxima(np.array([1.0, np.nan]))


@pytest.mark.parametrize("periodic", [False, True, (True, False), (False, True)])
def test_the_neighbour_comparison_is_scipys_maximum_filter(periodic):
    """The shifted-grid comparison of :func:`local_maxima` against the 3^d maximum filter
    (the slow reference), on plateaus, edges and wrapped axes, in 1, 2 and 3 dimensions."""
    from scipy import ndimage

    rng = np.random.default_rng(5)
    for shape in ((17,), (12, 9), (5, 6, 7)):
        surface = np.round(rng.random(shape) * 4) / 4
        wrap = (periodic,) * len(shape) if isinstance(periodic, bool) else \
            (periodic * len(shape))[:len(shape)]  # fmt: skip
        mode = ["wrap" if w else "constant" for w in wrap]
        expected = surface >= ndimage.maximum_filter(surface, size=3, mode=mode, cval=-np.inf)
        np.testing.assert_array_equal(ga._not_below_neighbours(surface, wrap), expected)
        if surface.ndim == 2:  # the compiled pass of local_maxima on 2-D grids
            from hwiloc import kernels

            out = np.empty(shape, bool)
            kernels.not_below_neighbours_2d(surface, *wrap, out)
            np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("periodic", [False, True, (True, False)])
def test_local_maxima_above_a_level_are_the_full_searchs_filtered(periodic):
    """``above`` compares neighbours at the points above the level alone: the same maxima
    (plateaus of quantized values, edges, wrapped axes) as the filter over the whole grid."""
    rng = np.random.default_rng(3)
    surface = np.round(rng.random((30, 41)) * 6) / 6  # many plateaus
    full = ga.local_maxima(surface, periodic=periodic)
    for level in (0.0, 0.5, 5 / 6, 1.0):
        np.testing.assert_array_equal(ga.local_maxima(surface, periodic=periodic, above=level),
                                      full[surface.ravel()[full] >= level])  # fmt: skip


def test_ula_thresholds_of_mie_zzb_monte_carlo_and_chens_formula_agree_within_1_db():
    mie = _mie()
    # a prior short of the ends of the period (u = +-1 are an exact ambiguity: the next test)
    zzb = ga.ziv_zakai(steer, -0.9, 0.9, np.sqrt(SNR))
    mc = _monte_carlo()
    # alg_threshold_region.m: P_n = 1/2 exp(-S/2) I0(g_n S/2), S = N snr, g_n = |a0^H w_n| / N,
    # scaled to sum to 1 where the sum exceeds 1; MSE = P_0 CRB + sum_n P_n (u0 - u_n)^2
    s = steer(U)
    peaks = ga.local_maxima(np.abs(s.conj() @ s[MAIN]) ** 2, periodic=True)
    side = peaks[peaks != MAIN]
    g = np.abs(s[side].conj() @ s[MAIN]) / N
    big_s = N * SNR[:, None]
    p = 0.5 * np.exp(-big_s / 2 + g * big_s / 2) * i0e(g * big_s / 2)
    p = np.where(p.sum(1, keepdims=True) > 1, p / p.sum(1, keepdims=True), p)
    chen = (1 - p.sum(1)) * CRB + p @ (U[side] - U0) ** 2
    found = {name: ga.threshold(SNR_DB, mse, CRB) for name, mse in
             (("mie", mie.mse), ("zzb", zzb), ("monte carlo", mc), ("chen", chen))}  # fmt: skip
    assert all(np.isfinite(list(found.values()))), found
    assert 2.0 <= found["monte carlo"] <= 7.0, found  # where an 8-element ULA's threshold lies
    for name in ("mie", "zzb", "chen"):
        assert abs(found[name] - found["monte carlo"]) <= 1.0, found
    # below the threshold the MIE follows the Monte Carlo within a factor of 2
    below = SNR_DB < found["monte carlo"] - 1
    assert np.all(np.abs(np.log2(mie.mse[below] / mc[below])) <= 1.0)


def test_every_global_bound_tends_to_the_crb_at_high_snr():
    snr = 10 ** (np.array([25.0, 30.0]) / 10)
    crb = 1 / (2 * snr * np.pi**2 * np.sum(POSITIONS**2))
    zzb = ga.ziv_zakai(steer, -0.9, 0.9, np.sqrt(snr))
    np.testing.assert_allclose(zzb / crb, 1.0, rtol=0.01)
    s = steer(U)
    peaks = ga.local_maxima(np.abs(s.conj() @ s[MAIN]) ** 2, periodic=True)
    rows = np.r_[MAIN, peaks[peaks != MAIN]]
    mie = ga.interval_errors(s[rows], s[MAIN], U[rows, None], [U0], crb, np.sqrt(snr))
    np.testing.assert_allclose(mie.mse / crb, 1.0, rtol=0.01)


def test_the_zzb_sees_an_exact_ambiguity_in_its_prior():
    # with centred elements, s(-1) = -s(1): a complex gain absorbs the sign, so the ends of a
    # prior over the whole period [-1, 1] are one point to the estimator, which no SNR
    # resolves; the Bayesian MSE (prior-averaged) then falls as sqrt(CRB), not as the CRB
    np.testing.assert_allclose(steer(-1.0), -steer(1.0), atol=1e-12)
    snr = 10 ** (np.array([20.0, 30.0]) / 10)
    crb = 1 / (2 * snr * np.pi**2 * np.sum(POSITIONS**2))
    whole = ga.ziv_zakai(steer, -1.0, 1.0, np.sqrt(snr))
    short = ga.ziv_zakai(steer, -0.9, 0.9, np.sqrt(snr))
    np.testing.assert_allclose(short / crb, 1.0, rtol=0.01)  # no ambiguity: the CRB
    assert np.all(whole > 10 * crb)
    assert whole[0] / whole[1] < 10**0.6  # 10 dB more SNR: less than 6 dB lower


def _ula_model(phases=None):
    """ULA with complex gain [u, Re alpha, Im alpha]; ``phases``: per-element errors [rad]."""
    error = np.exp(1j * np.zeros(N) if phases is None else 1j * phases)

    def mean(eta):
        return (eta[1] + 1j * eta[2]) * error * steer(eta[0])[0]

    def jacobian(eta):
        a = error * steer(eta[0])[0]
        return np.stack([(eta[1] + 1j * eta[2]) * 1j * np.pi * POSITIONS * a, a, 1j * a], axis=1)

    def hessian(eta):
        d = 1j * np.pi * POSITIONS * error * steer(eta[0])[0]  # d a / d u
        h = np.zeros((N, 3, 3), dtype=complex)
        h[:, 0, 0] = (eta[1] + 1j * eta[2]) * 1j * np.pi * POSITIONS * d
        h[:, 0, 1] = h[:, 1, 0] = d
        h[:, 0, 2] = h[:, 2, 0] = 1j * d
        return h

    return Model(mean, {"u": "-", "gain_re": "V", "gain_im": "V"}, jacobian=jacobian,
                 hessian=hessian, quantities={"u": Quantity(lambda eta: eta[:1], "-",
                                           jacobian=lambda eta: np.eye(3)[:1])})  # fmt: skip


def test_mismatched_mie_tends_to_the_lb_at_high_snr_and_follows_the_mismatched_mle():
    phases = np.random.default_rng(3).normal(0.0, 0.3, N)  # uncalibrated elements [rad]
    truth = np.array([U0, 1.0, 0.0])
    true_mean = _ula_model(phases).mean(truth)
    snr = np.concatenate([SNR, [10**2.5, 10**3]])
    lb = np.array([mcrb(_ula_model(phases), truth, _ula_model(), 1 / s).rmse("u") ** 2
                   for s in snr])  # fmt: skip
    s = steer(U)
    surface = np.abs(s.conj() @ true_mean) ** 2  # the assumed model's surface on true data
    peaks = ga.local_maxima(surface, periodic=True)
    main = peaks[0]  # the pseudo-true point's lobe
    rows = np.r_[main, peaks[1:]]
    mie = ga.interval_errors(s[rows], true_mean, U[rows, None], [U0], lb, np.sqrt(snr))
    np.testing.assert_allclose(mie.mse[-2:] / lb[-2:], 1.0, rtol=0.01)
    assert lb[-1] > 1.5 / (2 * snr[-1] * np.pi**2 * np.sum(POSITIONS**2))  # the bias shows
    mc = _monte_carlo(trials=10_000, data_mean=true_mean)
    found = [ga.threshold(SNR_DB, mse, lb[: len(SNR)]) for mse in (mie.mse[: len(SNR)], mc)]
    assert abs(found[0] - found[1]) <= 1.0, found


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="proper"):
        ga.whiten_signals(np.ones((2, 3)), GaussianNoise.improper(np.ones(3), 0.5 * np.ones(3)))
    with pytest.raises(ValueError, match="upper > lower"):
        ga.ziv_zakai(steer, 1.0, 1.0, [1.0])
    with pytest.raises(ValueError, match="increasing"):
        ga.threshold([1.0, 0.0], [1.0, 1.0], [1.0, 1.0])
    assert np.isnan(ga.threshold([0.0, 1.0], [1.0, 5.0], [1.0, 1.0]))
    assert ga.threshold([0.0, 1.0, 2.0], [9.0, 1.0, 1.0], [1.0, 1.0, 1.0]) == 1.0


@pytest.mark.parametrize("negligible", [1e-3, 1e-6, 1e-12])
def test_a_competitor_out_of_reach_wins_with_a_negligible_probability(negligible):
    """Below :func:`within_reach` of the main lobe's amplitude, the exact pairwise probability
    is below the bound, whatever the correlation and the phases; just above it, it need not
    be small for every correlation, but is for none above the main lobe."""
    main = 60.0
    level = ga.within_reach(main, negligible)
    assert 0 < level < main and ga.within_reach(1.0, negligible) == 0.0
    rho = np.array([0.0, 0.3, 0.7j, -0.9, 0.99 * np.exp(0.4j)])
    for phase in np.linspace(0, 2 * np.pi, 7):
        p = ga.pairwise_error(main, (level - 1e-9) * np.exp(1j * phase), rho)
        assert np.all(p < negligible), p
    with pytest.raises(ValueError, match="negligible"):
        ga.within_reach(main, 1.5)


def test_pairwise_error_far_from_a_tie_is_zero_or_one_as_the_series_gives():
    """Beyond a gap of 40 between the eigen-means the closed form skips scipy's series: the
    values it would give there are 0 and 1 to double precision."""
    from scipy.special import i0e
    from scipy.stats import ncx2

    for a, b in ((1.0, 45.0), (45.0, 1.0), (300.0, 250.0), (250.0, 300.0)):
        series = ncx2.sf(b**2, 2, a**2) - 0.5 * np.exp(-0.5 * (a - b) ** 2) * i0e(a * b)
        fast = ga.pairwise_error(b, a, 0.0)  # rho = 0: nu_plus = m_1, nu_minus = m_0
        assert fast == pytest.approx(np.clip(series, 0, 1), abs=1e-300) and fast in (0.0, 1.0)


def test_grid_maximum_near_is_the_highest_point_of_the_window_about_the_main_lobe():
    """The window's highest grid point, not the grid's: a higher sidelobe elsewhere and a
    lower grid neighbour inside the window leave it where the main lobe is; outside the grid
    refused."""
    x, y = np.linspace(0, 1, 11), np.linspace(-1, 1, 21)
    surface = np.zeros((11, 21))
    surface[3, 4], surface[4, 5], surface[9, 18] = 1.0, 2.0, 5.0  # the sidelobe is the highest
    index = ga.grid_maximum_near(surface, (x, y), [0.32, -0.55])
    assert np.unravel_index(index, surface.shape) == (4, 5)
    with pytest.raises(ValueError, match="outside the grid"):
        ga.grid_maximum_near(surface, (x, y), [3.0, 0.0])
