"""chen2022: impairments, derivatives, CRB/MCRB identities, estimators (Chen et al. 2022)."""

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from peak_memory import peak as measured_peak
from quick_workflow import QUICK_RESULTS

from hwiloc.bounds.fisher import fisher_information
from hwiloc.bounds.localization import (
    channel_from_position,
    error_bounds,
    lower_bound_errors,
    position_from_channel,
    position_jacobian,
)
from hwiloc.bounds.misspecified import crb, mcrb
from hwiloc.estimators import ofdm_los_ml
from hwiloc.impairments.hardware import (
    HARDWARE_STREAMS,
    am_am_peak,
    coupling_matrix,
    pn_cfo_diagonal,
    power_amplifier,
)
from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.chen2022.hooks import resource_estimates
from hwiloc.papers.chen2022.stages import (
    BOUNDS,
    _bounds,
    _errors,
    bound_errors,
    bound_errors_vs_power,
    coarse_grid,
    gather,
    individual_shard_dataset,
    level_sweep_shard_dataset,
    montecarlo_shard_dataset,
    realization_dataset,
)
from hwiloc.papers.chen2022.system import System, base_hardware, individual_hardware
from hwiloc.streams import stream, stream_key


@pytest.fixture(scope="module")
def system(paper_config):
    return System.from_config(paper_config["chen2022"])


@pytest.fixture(scope="module")
def hardware(system, paper_config):
    return base_hardware(system, paper_config["chen2022"]["seed"])


# --- values the spec states ------------------------------------------------------
def test_spec_values(system, paper_config):
    # the text's 0.71 ppm is 0.01 of Delta f at 140 GHz and 10 MHz; over 100-300 GHz carriers
    # and 5-20 MHz spacings it is 0.0036-0.043 of Delta f, the range the fit scans
    from hwiloc.papers.chen2022.assumptions import cfo_std_range

    assert 0.71e-6 * system.carrier_frequency / system.subcarrier_spacing == pytest.approx(
        0.00994, abs=1e-5)  # fmt: skip
    lo, hi = cfo_std_range()
    assert (lo, hi) == (pytest.approx(0.00355), pytest.approx(0.0426))
    scanned = paper_config["chen2022"]["assumptions"]["cfo_std"]
    assert lo <= min(scanned) and max(scanned) <= hi + 1e-3
    assert scanned[0] <= paper_config["chen2022"]["impairments"]["cfo_std"] <= scanned[-1]
    # PA: 1-dB compression near 30 dBm into 50 Ohm (spec): |x|^2 = P R = 50 V^2
    x = np.sqrt(1.0 * 50.0)
    gain_db = 20 * np.log10(abs(power_amplifier(np.array([x]), system.pa_coefficients, 1e9)[0]) / x)
    assert gain_db == pytest.approx(-1.0, abs=0.1)
    # noise: kT at 298.15 K times NF times W into 50 Ohm
    assert system.noise_variance == pytest.approx(50 * 1.380649e-23 * 298.15 * 10 * 1e9, rel=1e-3)


def test_pa_is_linear_for_small_signals_and_clips(system):
    small = 1e-3 * np.exp(1j * np.linspace(0, 6, 7))
    np.testing.assert_allclose(
        power_amplifier(small, system.pa_coefficients, 8.0), small, rtol=1e-6
    )
    big = 30 * np.exp(1j * np.linspace(0, 6, 7))
    out = power_amplifier(big, {1: 1.0}, 8.0)
    np.testing.assert_allclose(np.abs(out), 8.0)
    np.testing.assert_allclose(np.angle(out), np.angle(big))


def test_am_am_peak_of_a_cubic_is_where_its_slope_vanishes(system):
    # f(r) = r + b r^3 with real b < 0: f'(r) = 1 + 3 b r^2 = 0 at r = 1 / sqrt(-3 b)
    assert am_am_peak({1: 1.0, 3: -0.0022}) == pytest.approx(1 / np.sqrt(0.0066), rel=1e-12)
    assert am_am_peak({1: 1.0}) == np.inf and am_am_peak({1: 1.0, 3: 0.001}) == np.inf
    # complex beta_3: the peak is the first maximum of |f| on a fine grid (|f| falls to
    # near zero at 21 V and grows again beyond: the fold-over)
    r = np.linspace(0, 20, 200001)
    f = np.abs(r + system.pa_coefficients[3] * r**3)
    assert am_am_peak(system.pa_coefficients) == pytest.approx(r[np.argmax(f)], abs=2e-4)


def test_saturated_pa_is_monotone_and_never_inverts(system):
    """Issue 18: AM/AM non-decreasing and no output phase-inverted up to 10x the 40 dBm peak."""
    energy = 10.0 * system.load_impedance  # 40 dBm into R: |x|^2 = P R [V^2]
    hardware = base_hardware(system, 2022)
    time = np.fft.ifft(np.sqrt(energy) * np.exp(1j * hardware.pilot_phase), axis=-1)
    peak_40dbm = np.abs(time * np.sqrt(system.num_subcarriers)).max()
    r = np.linspace(0, 10 * peak_40dbm, 200001)
    x = r * np.exp(1j * 0.7)
    for clip in (system.clip_voltage, 1e9):  # with the shipped clip and without any
        out = power_amplifier(x, system.pa_coefficients, clip, "saturated")
        assert np.all(np.diff(np.abs(out)) >= -1e-12)
        assert np.all((out[1:] * np.conj(x[1:])).real > 0)
        # below the peak it is eq. (7) as written
        below = r < am_am_peak(system.pa_coefficients)
        np.testing.assert_allclose(  # to rounding (SIMD paths differ by array length)
            out[below],
            power_amplifier(x[below], system.pa_coefficients, clip, "polynomial"),
            rtol=1e-15,
        )
    # eq. (7) as written folds over: past the peak the amplitude falls, far out the phase inverts
    literal = power_amplifier(x, system.pa_coefficients, 1e9, "polynomial")
    assert np.any(np.diff(np.abs(literal)) < 0)
    assert np.any((literal * np.conj(x)).real < 0)
    with pytest.raises(ValueError, match="PA model"):
        power_amplifier(x, system.pa_coefficients, clip, "rapp")


def test_load_impedance_is_not_an_unknown_of_its_own(system, hardware):
    """R scales signal and noise amplitudes by sqrt(R): R -> a R equals beta_p -> beta_p
    a^((p - 1) / 2) with V_clip -> V_clip / sqrt(a), bound for bound."""
    a = 4.0
    by_load = system.with_levels(load_impedance=a * system.load_impedance)
    by_pa = system.with_levels(
        pa_coefficients={p: b * a ** ((p - 1) / 2) for p, b in system.pa_coefficients.items()},
        clip_voltage=system.clip_voltage / np.sqrt(a),
    )
    for (one, _), (other, _) in zip(
        bound_errors_vs_power(by_load, hardware, [30.0, 40.0]),
        bound_errors_vs_power(by_pa, hardware, [30.0, 40.0]),
        strict=True,
    ):
        for bound in BOUNDS:
            for quantity, value in one[bound].items():
                assert other[bound][quantity] == pytest.approx(value, rel=1e-7), (bound, quantity)


def test_coupling_is_banded_toeplitz():
    c = coupling_matrix(5, 0.1 + 0.1j, np.full(13, 0.01))
    assert np.count_nonzero(np.triu(c, 2)) == 0 and np.count_nonzero(np.tril(c, -2)) == 0
    np.testing.assert_allclose(np.diag(c), 1.01)
    np.testing.assert_allclose(np.diag(c, 1), 0.11 + 0.1j)


def test_pn_cfo_distortion_is_unitary(system, hardware):
    m1, _ = system.models(hardware, 20.0)
    shape = (system.num_transmissions, system.num_subcarriers)
    u = np.random.default_rng(0).standard_normal(shape) + 0j
    np.testing.assert_allclose(np.linalg.norm(m1._distort(u), axis=1), np.linalg.norm(u, axis=1))
    # eps = 1, K = 4, K_cp = 0: 2 pi eps k / K = pi/2 per sample, 2 pi eps (K + K_cp) / K per symbol
    d = pn_cfo_diagonal(np.zeros((2, 4)), 1.0, 4, 0)
    np.testing.assert_allclose(d[0], [1, 1j, -1, -1j], atol=1e-12)
    np.testing.assert_allclose(d[1], d[0], atol=1e-12)


def test_cfo_models_eq5_rotates_between_transmissions_intra_symbol_does_not():
    # eps = 0.25, K = 4, K_cp = 1: eq. (5) adds 2 pi eps (K + K_cp) / K = 5 pi / 8 per transmission
    eq5 = pn_cfo_diagonal(np.zeros((2, 4)), 0.25, 4, 1, "eq5")
    np.testing.assert_allclose(eq5[1], eq5[0] * np.exp(1j * 5 * np.pi / 8), atol=1e-12)
    np.testing.assert_allclose(eq5[0], np.exp(1j * np.pi / 8 * np.arange(4)), atol=1e-12)
    # the intra-symbol ramp alone, centred on (K - 1) / 2, the same for every transmission
    intra = pn_cfo_diagonal(np.zeros((2, 4)), 0.25, 4, 1, "intra_symbol")
    np.testing.assert_allclose(intra[0], np.exp(1j * np.pi / 8 * (np.arange(4) - 1.5)), atol=1e-12)
    np.testing.assert_allclose(intra[1], intra[0], atol=1e-12)
    with pytest.raises(ValueError, match="cfo_model must be one of"):
        pn_cfo_diagonal(np.zeros((2, 4)), 0.25, 4, 1, "centred")


# --- derivatives against finite differences --------------------------------------------
STEPS = np.array([1e-7, 1e-15, 1e-10, 1e-7])


@pytest.mark.parametrize("which", ["M1", "M2"])
def test_first_and_second_derivatives_match_finite_differences(system, hardware, which):
    m1, m2 = system.models(hardware, 30.0)
    model = m1 if which == "M1" else m2
    eta = system.eta
    jac, hes = model.jacobian(eta), model.hessian(eta)
    for i, h in enumerate(STEPS):
        e = np.zeros(4)
        e[i] = h
        fd = (model.mean(eta + e) - model.mean(eta - e)) / (2 * h)
        np.testing.assert_allclose(jac[:, i], fd, rtol=0, atol=1e-6 * np.abs(jac[:, i]).max())
        fd2 = (model.jacobian(eta + e) - model.jacobian(eta - e)) / (2 * h)
        np.testing.assert_allclose(
            hes[:, i, :], fd2, rtol=0, atol=1e-6 * np.abs(hes[:, i, :]).max()
        )
    np.testing.assert_allclose(hes, np.swapaxes(hes, 1, 2))


def test_position_mapping_round_trip():
    eta = channel_from_position(np.array([5.0, 2.0]), 0.01 * np.exp(0.3j))
    np.testing.assert_allclose(position_from_channel(eta), [5.0, 2.0])
    columns = []
    for i, h in ((0, 1e-8), (1, 1e-17)):
        e = np.zeros(4)
        e[i] = h
        columns.append((position_from_channel(eta + e) - position_from_channel(eta - e)) / (2 * h))
    fd = np.column_stack(columns)
    np.testing.assert_allclose(position_jacobian(eta), fd, rtol=1e-5)


# --- bound identities -----------------------------------------------------------------
def test_mcrb_equals_crb_when_models_coincide(system, hardware):
    _, m2 = system.models(hardware, 20.0)
    eta, var = system.eta, system.noise_variance
    pseudo = ofdm_los_ml(m2.mean(eta), m2, initial=eta)
    np.testing.assert_allclose(pseudo, eta, rtol=1e-6)
    bound = mcrb(m2.mean(eta), m2, pseudo, eta, var)
    reference = crb(m2, eta, var)
    scale = np.sqrt(np.outer(np.diag(reference), np.diag(reference)))  # compare as correlations
    np.testing.assert_allclose(bound.lower_bound / scale, reference / scale, atol=1e-5)


class LinearModel:
    """mu(eta) = H eta (complex H, real eta): the misspecified linear-Gaussian case."""

    def __init__(self, h):
        self.h = h

    def mean(self, eta):
        return self.h @ eta

    def jacobian(self, eta):
        return self.h

    def hessian(self, eta):
        return np.zeros((*self.h.shape, self.h.shape[1]), complex)


def test_linear_gaussian_mismatch_has_closed_forms():
    rng = np.random.default_rng(4)
    h1 = rng.standard_normal((30, 3)) + 1j * rng.standard_normal((30, 3))
    h2 = h1 + 0.2 * (rng.standard_normal((30, 3)) + 1j * rng.standard_normal((30, 3)))
    eta, var = np.array([1.0, -0.5, 2.0]), 0.3
    true_mean = h1 @ eta
    gram = np.real(h2.conj().T @ h2)
    pseudo = np.linalg.solve(gram, np.real(h2.conj().T @ true_mean))  # argmin ||H1 eta - H2 x||^2
    bound = mcrb(true_mean, LinearModel(h2), pseudo, eta, var)
    fim2 = (2 / var) * gram
    np.testing.assert_allclose(bound.a, -fim2, rtol=1e-10)
    np.testing.assert_allclose(bound.mcrb, np.linalg.inv(fim2), rtol=1e-10)
    np.testing.assert_allclose(
        bound.lower_bound, np.linalg.inv(fim2) + np.outer(eta - pseudo, eta - pseudo), rtol=1e-10
    )


def test_at_the_pseudo_true_point_b_is_the_assumed_fim(system, hardware):
    m1, m2 = system.models(hardware, 30.0)
    eta, var = system.eta, system.noise_variance
    pseudo = ofdm_los_ml(m1.mean(eta), m2, initial=eta)
    bound = mcrb(m1.mean(eta), m2, pseudo, eta, var)
    fim = fisher_information(m2.jacobian(pseudo), var)
    np.testing.assert_allclose(bound.b, fim, rtol=1e-4, atol=1e-4 * np.abs(fim).max())


def test_lb_position_includes_the_bias(system, hardware):
    m1, m2 = system.models(hardware, 40.0)
    eta, var = system.eta, system.noise_variance
    pseudo = ofdm_los_ml(m1.mean(eta), m2, initial=eta)
    bound = mcrb(m1.mean(eta), m2, pseudo, eta, var)
    lb = lower_bound_errors(bound, eta)
    bias = np.linalg.norm(position_from_channel(pseudo) - position_from_channel(eta))
    assert lb["peb_m"] >= bias
    assert lb["peb_m"] >= error_bounds(bound.mcrb, pseudo)["peb_m"]


# --- estimators ---------------------------------------------------------------------------
def test_grid_correlation_equals_the_direct_objective(system, hardware):
    m1, m2 = system.models(hardware, 20.0)
    y = m1.mean(system.eta) + 1e-6
    thetas, taus = np.array([0.2, 0.38, 0.5]), np.array([1.0e-8, 1.8e-8])
    for model in (m1, m2):
        fast = model.correlation_grid(y, thetas, taus)
        direct = np.array([[model.gain_plug_in(y, t, d)[1] for d in taus] for t in thetas])
        np.testing.assert_allclose(fast, direct, rtol=1e-9)
        # the peak found in the grid's kept work arrays is the surface's, call after call
        for data in (y, np.conj(y), y[::-1].copy()):
            i, j = np.unravel_index(np.argmax(model.correlation_grid(data, thetas, taus)), (3, 2))
            assert model.grid_peak(data, thetas, taus) == (thetas[i], taus[j])
        np.testing.assert_array_equal(model.correlation_grid(y, thetas, taus), fast)


@pytest.mark.parametrize("power", [0.0, 30.0])
def test_concentrated_objective_derivatives_match_finite_differences(system, hardware, power):
    m1, m2 = system.models(hardware, power)
    rng = np.random.default_rng(2)
    size = system.num_transmissions * system.num_subcarriers
    y = m1.mean(system.eta) + np.sqrt(system.noise_variance / 2) * (
        rng.standard_normal(size) + 1j * rng.standard_normal(size)
    )
    p = system.eta[:2] + np.array([3e-3, 2e-11])
    step = np.array([1e-6, 1e-15])
    for model in (m1, m2):
        f, grad, hess = model.concentrated_objective(y, *p)
        assert f == pytest.approx(model.gain_plug_in(y, *p)[1], rel=1e-12)
        for i in range(2):
            d = np.zeros(2)
            d[i] = step[i]
            fp, gp, _ = model.concentrated_objective(y, *(p + d))
            fm, gm, _ = model.concentrated_objective(y, *(p - d))
            assert grad[i] == pytest.approx(
                (fp - fm) / (2 * step[i]), rel=1e-5, abs=1e-9 * f / step[i]
            )
            np.testing.assert_allclose(hess[:, i], (gp - gm) / (2 * step[i]), rtol=1e-5,
                                       atol=1e-6 * np.abs(hess[:, i]).max())  # fmt: skip


@pytest.mark.parametrize("power", [-10.0, 20.0, 40.0])
def test_newton_refinement_equals_a_direct_nelder_mead_search(system, hardware, power):
    """Kind (d): the Newton refinement against scipy's derivative-free Nelder-Mead on f."""
    m1, m2 = system.models(hardware, power)
    scale = np.array([2.0 / system.num_antennas,
                      1.0 / (system.subcarrier_spacing * system.num_subcarriers)])  # fmt: skip
    for y, model in ((m1.mean(system.eta), m2), (m1.mean(system.eta) + 1e-5, m1)):
        fast = ofdm_los_ml(y, model, initial=system.eta)
        direct = ofdm_los_ml(y, model, initial=system.eta, tolerance=1e-10, refine="nelder-mead")
        np.testing.assert_allclose((fast[:2] - direct[:2]) / scale, 0.0, atol=1e-7)
        f_fast = model.gain_plug_in(y, *fast[:2])[1]
        assert f_fast >= model.gain_plug_in(y, *direct[:2])[1] * (1 - 1e-14)


def _rmse(system, hardware, power, estimator, trials, seed=11):
    m1, m2 = system.models(hardware, power)
    thetas, taus = coarse_grid(system, {"grid_theta_step": 0.005, "grid_tau_step": 2.5e-10,
                                                 "grid_tau_max": 5e-8})  # fmt: skip
    model = m1 if estimator == "mle" else m2
    rng = np.random.default_rng(seed)
    errors = []
    size = system.num_transmissions * system.num_subcarriers
    for _ in range(trials):
        noise = np.sqrt(system.noise_variance / 2) * (
            rng.standard_normal(size) + 1j * rng.standard_normal(size)
        )
        est = ofdm_los_ml(m1.mean(system.eta) + noise, model, thetas, taus)
        errors.append(np.sum((position_from_channel(est) - np.array(system.ue_position)) ** 2))
    return np.sqrt(np.mean(errors))


def test_mle_attains_crb_m1_at_moderate_power(system, hardware):
    # 40 seeded trials: the RMSE estimate has about 11 % standard error; tolerance 35 %.
    power = 20.0
    m1, _ = system.models(hardware, power)
    bound = error_bounds(crb(m1, system.eta, system.noise_variance), system.eta)["peb_m"]
    assert _rmse(system, hardware, power, "mle", 40) / bound == pytest.approx(1.0, abs=0.35)


def test_mmle_follows_the_lb_not_crb_m2_at_high_power(system, hardware):
    power = 40.0
    errors, _ = bound_errors(system, hardware, power)
    rmse = _rmse(system, hardware, power, "mmle", 20)
    assert rmse / errors["lb"]["peb_m"] == pytest.approx(1.0, abs=0.35)
    assert rmse > 3 * errors["crb_m2"]["peb_m"]


@pytest.mark.parametrize("impairments", [("pn",), ("cfo",), ("mc",), ("pa",), ("pn", "pa")])
def test_a_power_sweep_equals_each_power_evaluated_alone(system, hardware, impairments):
    # without the PA one evaluation serves every power (the means are linear in sqrt(E)):
    # an identity, so the sweep must equal the direct evaluation at each power
    powers = [-10.0, 5.0, 40.0]
    sweep = bound_errors_vs_power(system, hardware, powers, impairments)
    for p, (errors, eta_bar) in zip(powers, sweep, strict=True):
        direct, direct_bar = _errors(*_bounds(system, hardware, p, impairments))
        np.testing.assert_allclose(eta_bar, direct_bar, rtol=1e-12, atol=1e-20)
        for bound in BOUNDS:
            for metric, value in direct[bound].items():
                assert errors[bound][metric] == pytest.approx(value, rel=1e-10), (p, bound, metric)
    if "pa" not in impairments:  # the LB's variance part falls as 1/E, its bias does not
        lb = [errors["lb"]["peb_m"] for errors, _ in sweep]
        crb = [errors["crb_m2"]["peb_m"] for errors, _ in sweep]
        assert crb[0] / crb[2] == pytest.approx(10 ** (50 / 20), rel=1e-10)
        assert lb[0] / lb[2] < crb[0] / crb[2]


def test_montecarlo_does_not_depend_on_the_shard_count(system, hardware):
    cfg = {
        "num_trials": 3,
        "num_shards": 1,
        "grid_theta_step": 0.01,
        "grid_tau_step": 5e-10,
        "grid_tau_max": 4e-8,
    }
    one = montecarlo_shard_dataset(system, hardware, [20.0], cfg, 0, 1, {})
    two = {**cfg, "num_shards": 2}
    parts = [montecarlo_shard_dataset(system, hardware, [20.0], two, s, 1, {}) for s in (0, 1)]
    both = gather(parts, "trial", "t", "r", "e", {})
    np.testing.assert_allclose(both["estimate"].values, one["estimate"].values, rtol=1e-12)


# --- config -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "key, value, fragment",
    [
        ("cfo_std", -0.01, "chen2022.impairments.cfo_std': got -0.01; expected a number >= 0"),
        ("phase_noise_std", "abc", "chen2022.impairments.phase_noise_std': got 'abc'"),
        (
            "coupling_residual_std",
            float("nan"),
            "chen2022.impairments.coupling_residual_std': got nan",
        ),
    ],
)
def test_bad_impairment_levels_are_refused(paper_config, key, value, fragment):
    from conftest import SCHEMA

    from hwiloc.config import ConfigError, validate_config

    config = copy.deepcopy(paper_config)
    config["chen2022"]["impairments"][key] = value
    with pytest.raises(ConfigError, match=None) as info:
        validate_config(config, SCHEMA)
    assert fragment in str(info.value)


def test_unknown_impairment_is_refused(system, hardware):
    with pytest.raises(ValueError, match="impairments must be among"):
        system.models(hardware, 0.0, ("iq_imbalance",))


def test_m0_is_m2_without_coupling(system, hardware):
    no_coupling = system.with_levels(coupling_coefficient=0.0)
    _, m2 = no_coupling.models(hardware, 10.0)
    m0 = system.model_m0(hardware, 10.0)
    np.testing.assert_allclose(m0.mean(system.eta), m2.mean(system.eta), rtol=1e-12)


def test_shards_save_the_realizations_they_used(system, paper_config):
    seed = paper_config["chen2022"]["seed"]
    cfg = {"num_realizations": 2, "num_shards": 1, "power_dbm": [20.0]}
    ds = individual_shard_dataset(system, "cfo", cfg, 0, seed, {})
    for r in range(2):
        hw = individual_hardware(system, "cfo", seed, r)
        assert float(ds["cfo"].sel(realization=r)) == hw.cfo
        np.testing.assert_array_equal(ds["phase_noise"].sel(realization=r), hw.phase_noise)
    assert ds["seed_entropy"].sel(realization=1).values.tolist() == [seed, 3, 1]
    # the stream of each field, and which entropy: the CFO its own, the pilot Fig. 2's
    streams = ds.attrs["random_streams"]
    assert "cfo (seed_entropy): cfo (" in streams
    assert "pilot_phase (entropy [seed, 0] of Fig. 2): pilot (" in streams
    cfo = system.cfo_std * stream([seed, 3, 1], "cfo").standard_normal()
    assert float(ds["cfo"].sel(realization=1)) == cfo


def test_the_realization_records_its_entropy_and_streams(system, paper_config):
    seed = paper_config["chen2022"]["seed"]
    ds = realization_dataset(system, seed, {})
    assert ds["seed_entropy"].values.tolist() == [seed, 0]
    for field, name in HARDWARE_STREAMS.items():
        assert f"{field}: {name} ({stream_key(name)})" in ds.attrs["random_streams"]
    np.testing.assert_array_equal(ds["pilot_phase"], base_hardware(system, seed).pilot_phase)


@pytest.mark.parametrize(
    ("impairment", "level", "field", "code"),
    [("pn", "phase_noise_std", "phase_noise", 10), ("cfo", "cfo_std", "cfo", 12),
     ("mc", "coupling_residual_std", "coupling_residual", 13)],
)  # fmt: skip
def test_level_sweeps_save_the_unit_draw_that_scales_to_every_level(
    system, paper_config, impairment, level, field, code
):
    seed = paper_config["chen2022"]["seed"]
    cfg = {level: [0.0, 0.05], "power_dbm": [20.0], "num_realizations": 1, "num_shards": 1}
    ds = level_sweep_shard_dataset(system, impairment, cfg, 0, seed, {})
    drawn = system.with_levels(**{level: 0.05}).draw([seed, code, 0])
    np.testing.assert_allclose(0.05 * ds[field].isel(realization=0), getattr(drawn, field),
                               rtol=1e-12)  # fmt: skip
    # at level 0 the impairment is absent: LB = CRB-M2 (M1 = M2 up to the known coupling)
    peb = ds["peb"].isel({level: 0, "power": 0, "realization": 0})
    assert float(peb.sel(bound="lb")) == pytest.approx(float(peb.sel(bound="crb_m2")), rel=1e-6)
    with pytest.raises(ValueError, match="impairment must be one of"):
        level_sweep_shard_dataset(system, "pa", cfg, 0, seed, {})




def test_table1_says_what_the_mismatched_model_assumes(paper_config):
    from hwiloc.papers.chen2022.table1 import table1

    table = table1(paper_config["chen2022"]).set_index("symbol")
    m2 = table["mismatched model (M2)"]
    assert m2["sigma_PN"] == "0 (no PN)" and m2["eps"] == "0 (no CFO)"
    assert m2["sigma_MC"] == "0 (C_0 only)" and m2["f_PA"] == "none (no PA)"
    assert m2["c_MC"] == "as M1" and m2["N_B"] == "as M1"  # M2 knows the nominal coupling
    assert list(table.columns)[2] == "mismatched model (M2)"


# --- the quick profile's run (the session's fixture `run`, tests/conftest.py) -----------------

@pytest.mark.integration
def test_chen2022_outputs(run, quick_config):
    c = run / QUICK_RESULTS / "chen2022"
    for name in ("fig2", "fig3", "fig4"):
        assert (c / "figures" / f"{name}.png").stat().st_size > 10_000
        assert (c / "figures" / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
    realization = read_dataset(c / "impairments" / "seed~2022" / "realization.nc")
    assert realization["phase_noise"].attrs["units"] == "rad"
    system = quick_config["chen2022"]["system"]  # G fitted
    assert realization["pilot_phase"].shape == (system["num_transmissions"], 100)
    bounds = read_dataset(c / "bounds" / "seed~2022" / "bounds.nc")
    assert list(bounds["bound"].values) == ["crb_m1", "crb_m2", "lb"]
    assert bounds["peb"].attrs["units"] == "m" and bounds["aeb"].attrs["units"] == "degree"
    peb = bounds["peb"]
    assert np.all(peb.sel(bound="lb") >= 0.99 * peb.sel(bound="crb_m2"))  # the LB is never below
    mc = read_dataset(c / "montecarlo" / "seed~2022" / "all.nc")
    assert dict(mc.sizes) == {"estimator": 2, "power": 4, "trial": 4, "axis": 2, "entropy": 3}
    assert mc["seed_entropy"].sel(trial=3).values.tolist() == [2022, 1, 3]  # [seed, study, trial]
    for imp in ("pn", "cfo", "mc", "pa"):
        ind = read_dataset(c / "individual" / "seed~2022" / f"impairment~{imp}" / "all.nc")
        assert ind.attrs["impairment"] == imp and ind.sizes["realization"] == 3
    for imp, level in (("cfo", "cfo_std"), ("mc", "coupling_residual_std")):
        sweep = read_dataset(c / f"{imp}_sweep" / "seed~2022" / "all.nc")
        assert sweep[level].values.tolist() == [0.0, 0.02] and sweep.sizes["realization"] == 2
    predicted = read_dataset(c / "global_accuracy" / "seed~2022" / "predicted.nc")
    assert predicted["rmse"].attrs["units"] == "m"
    assert predicted["threshold"].attrs["units"] == "dBm"
    assert list(predicted["power"].values) == list(mc["power"].values)
    assert np.all(predicted["rmse"] >= 0.999 * predicted["local_bound"])  # never below its bound
    claims = pd.read_csv(c / "claims.csv")
    assert len(claims) == 25  # Fig. 4's two rows for each of PN, CFO and MC; 4 interval-error rows
    row = claims.set_index("id")
    assert {"cfo", "mc"} <= {i.split("[")[1][:-1] for i in row.index
                             if i.startswith("impairments_matter_more_at_high_snr[")}  # fmt: skip
    assert row.loc["crb_m2_keeps_falling", "verdict"] == "reproduced"
    assert row.loc["crb_m2_keeps_falling", "evidence"] == "structural"
    assert row.loc["crb_m1_floor_from_pa", "reproduced"] == pytest.approx(np.sqrt(10), rel=1e-9)
    table = pd.read_csv(c / "figures" / "table1.csv").set_index("symbol")
    assert table.loc["N_B", "value"] == "20" and "ASSUMED" in set(table["source"])


# A single-key change -> the jobs that rerun (quick profile); and targets whose path keys
# contradict the config. tests/test_workflow_integration.py runs both tables of every plugin.
RERUNS = {
    "chen2022.montecarlo.num_trials": (
        {"chen2022": {"montecarlo": {"num_trials": 6}}},
        {"chen2022_shard": 2, "chen2022_gather": 1, "chen2022_fig2": 1, "chen2022_claims": 1,
         "chen2022_witnesses": 1, "all": 1},  # the MMLE's witnesses run the Monte Carlo too
    ),
}  # fmt: skip
PATH_KEY_TARGETS = [("results/quick/chen2022/bounds/seed~7/bounds.nc", "'chen2022.seed' is 2022")]




@pytest.mark.integration
def test_the_fitted_g_keeps_the_lb_on_the_crbs_at_low_power(run):
    """Fig. 2 with the fitted G: the LB on the CRBs at low power, departing at high power."""
    bounds = read_dataset(run / QUICK_RESULTS / "chen2022" / "bounds" / "seed~2022" / "bounds.nc")
    ratio = (bounds["peb"].sel(bound="lb") / bounds["peb"].sel(bound="crb_m2")).values
    assert ratio[0] < 1.12 and ratio[-1] > 3


@pytest.mark.parametrize("n, k", [(20, 100), (256, 1600)])
def test_the_chen2022_estimate_bounds_its_jobs_measured_peaks(paper_config, n, k):
    from hwiloc.papers.chen2022.stages import (
        base_hardware,
        hardware_draws_shard_dataset,
        individual_shard_dataset,
        montecarlo_shard_dataset,
    )
    from hwiloc.papers.chen2022.system import System

    c = copy.deepcopy(paper_config["chen2022"])
    c["system"].update(num_antennas=n, num_subcarriers=k)
    seed, two = c["seed"], {"num_realizations": 2}

    def fresh():  # what a job builds from its config: no model or grid cached from a test
        return System.from_config(c)

    peaks = {
        "montecarlo": measured_peak(lambda: montecarlo_shard_dataset(
            (s := fresh()), base_hardware(s, seed), [10.0],
            {**c["montecarlo"], "num_trials": 2, "num_shards": 1}, 0, seed, c)),
        "pa": measured_peak(lambda: individual_shard_dataset(
            fresh(), "pa", {**c["individual"], **two}, 0, seed, c, None)),
        "draws": measured_peak(lambda: hardware_draws_shard_dataset(
            fresh(), {**c["hardware_draws"], **two}, [10.0], 0, seed, c, None)),
    }  # fmt: skip
    estimate = resource_estimates({"chen2022": c})[0].memory
    for job, peak in peaks.items():
        assert peak <= estimate <= 50 * peak, (job, peak, estimate)  # G = 5: MC at 40x




def test_a_chen2022_system_too_big_for_the_machine_is_refused_with_its_key(paper_config):
    from hwiloc import resources

    big = copy.deepcopy(paper_config)
    big["chen2022"]["system"].update(num_antennas=4096, num_subcarriers=100000)
    problems = resources.check(big, memory=24e9, disk=50e9, estimators=[resource_estimates])
    assert len(problems) == 1
    assert "'chen2022.system.num_antennas / num_subcarriers / num_transmissions': one " \
           "chen2022 job needs about" in problems[0]  # fmt: skip


def test_grid_products_are_the_complex_values_behind_the_correlation_grid():
    from hwiloc.config import default_config
    from hwiloc.papers.chen2022.stages import coarse_grid
    from hwiloc.papers.chen2022.system import System, base_hardware

    cfg = default_config("quick", Path(__file__).resolve().parents[1] / "config")["chen2022"]
    system = System.from_config(cfg)
    m1, _ = system.models(base_hardware(system, cfg["seed"]), 40.0)
    thetas, taus = coarse_grid(system, cfg["montecarlo"])
    y = m1.mean(system.eta)
    seen, energy = m1.grid_products(y, thetas, taus)
    np.testing.assert_allclose(np.abs(seen) ** 2 / energy[:, None],
                               m1.correlation_grid(y, thetas, taus), rtol=1e-12)  # fmt: skip
    i, j = np.array([0, 7, len(thetas) - 1]), np.array([3, 0, len(taus) - 1])
    np.testing.assert_allclose(m1.grid_products(y, thetas, taus, at=(i, j)), seen[i, j],
                               rtol=1e-12)  # fmt: skip
    direct = np.array([np.vdot(m1.unit_gain_mean(thetas[a], taus[b]), y)
                       for a, b in zip(i, j, strict=True)])  # fmt: skip
    np.testing.assert_allclose(seen[i, j], direct, rtol=1e-10)  # the definition, point by point
