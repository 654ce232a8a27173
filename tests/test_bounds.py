"""CRLB under phase offsets, eqs. (4)-(13) of Zhang et al. (2025)."""

import numpy as np
import pytest

from hwiloc.bounds.fisher import crlb_rmse, efim_diagonal_nuisance, fisher_information, schur_efim
from hwiloc.bounds.phase_offsets import position_crlb_rmse, position_efim, prior_information
from hwiloc.geometry import unit_vectors
from hwiloc.models.phase_offset import los_mean, los_mean_phase_jacobian, los_mean_position_jacobian


def _dense_efim(grid, ant, p, alpha, offset_type, std, noise_variance=1.0):
    """Eq. (5) with the full (2 + M) x (2 + M) FIM formed and solved: the reference."""
    mean = los_mean(p, ant, grid, alpha)
    n, k = mean.shape
    d_p = los_mean_position_jacobian(p, ant, grid, mean).reshape(n * k, 2)
    d_phi_diag = los_mean_phase_jacobian(mean).reshape(n * k)
    if offset_type == "frequency":
        d_phi = np.diag(d_phi_diag)  # obs (n, k) depends on phi_nk only
    else:
        d_phi = np.zeros((n * k, n), complex)
        d_phi[np.arange(n * k), np.repeat(np.arange(n), k)] = d_phi_diag  # phi_n
    fim = fisher_information(np.concatenate([d_p, d_phi], axis=1), noise_variance)
    m = d_phi.shape[1]
    fim[2:, 2:] += prior_information(offset_type, std) * np.eye(m)  # Eqs. (11)-(12)
    return schur_efim(fim, 2)


@pytest.mark.parametrize("offset_type", ["frequency", "spatial"])
@pytest.mark.parametrize("std", [0.05, 0.7, 3.0])
def test_structured_efim_equals_dense_schur_complement(small_system, offset_type, std):
    grid, ant, p = small_system
    alpha = np.linspace(0.8, 2.0, len(ant))
    fast = position_efim(p, ant, grid, alpha, offset_type, std, noise_variance=0.3)
    dense = _dense_efim(grid, ant, p, alpha, offset_type, std, noise_variance=0.3)
    np.testing.assert_allclose(fast, dense, rtol=1e-9)


def test_batched_sigma_matches_one_at_a_time(small_system):
    grid, ant, p = small_system
    std = np.array([0.1, 0.5, 2.0])
    batch = position_efim(p, ant, grid, 1.0, "frequency", std)
    single = np.stack([position_efim(p, ant, grid, 1.0, "frequency", s) for s in std])
    np.testing.assert_allclose(batch, single, rtol=1e-12)


def _closed_form(grid, ant, p, snr, offset_type, std):
    """J_eff in closed form for constant alpha (derived from eqs. (5)-(12)).

    With a = 2 |alpha|^2 / sigma_n^2, w_k = 2 pi f_k / c and u_n the unit vector:
    frequency: J_eff = sum_n u_n u_n^T sum_k w_k^2 a / (1 + a sigma^2);
    spatial:   J_eff = sum_n u_n u_n^T a (sum_k w_k^2 - a (sum_k w_k)^2 / (a K + 1/sigma^2)).
    """
    a = 2 * snr
    w = grid.wavenumbers
    uu = np.einsum("ni,nj->ij", unit_vectors(p, ant), unit_vectors(p, ant))
    if offset_type == "frequency":
        return uu * np.sum(w**2) * a / (1 + a * std**2)
    return uu * a * (np.sum(w**2) - a * np.sum(w) ** 2 / (a * len(w) + 1 / std**2))


@pytest.mark.parametrize("offset_type", ["frequency", "spatial"])
def test_efim_closed_form(small_system, offset_type):
    grid, ant, p = small_system
    snr = 10.0
    fast = position_efim(p, ant, grid, np.sqrt(snr), offset_type, 0.8)
    np.testing.assert_allclose(fast, _closed_form(grid, ant, p, snr, offset_type, 0.8), rtol=1e-9)


@pytest.mark.parametrize("snr_db", np.linspace(-100.0, 200.0, 16))
def test_frequency_offset_crlb_keeps_full_precision_over_the_allowed_snr_range(
    small_system, snr_db
):
    # Closed form (eq. (13) with eq. (11)): CRLB = sqrt(1 + s sigma^2) x ideal,
    # s = 2 |alpha|^2 / sigma_n^2. The direct Schur complement lost every digit
    # by 140 dB (28 % off, not monotone in sigma) and raised LinAlgError at 180 dB.
    grid, ant, p = small_system
    amplitude = np.sqrt(10 ** (snr_db / 10))
    std = np.concatenate([[0.0], np.geomspace(1e-6, 2 * np.pi, 25)])
    ideal = position_crlb_rmse(p, ant, grid, amplitude, "none", 0.0)
    rmse = position_crlb_rmse(p, ant, grid, amplitude, "frequency", std)
    expected = ideal * np.sqrt(1 + 2 * amplitude**2 * std**2)
    np.testing.assert_allclose(rmse, expected, rtol=1e-8)  # 1e-8: rounding of D_m at 200 dB
    assert np.all(np.diff(rmse) >= -1e-12 * rmse[1:])  # monotone in sigma, to rounding


@pytest.mark.parametrize("offset_type", ["frequency", "spatial"])
def test_crlb_tends_to_ideal_as_sigma_tends_to_zero(paper_scenario, offset_type):
    ideal = paper_scenario.crlb_rmse("none", 0.0)
    std = np.array([1e-1, 1e-3, 1e-5, 1e-7])
    rmse = paper_scenario.crlb_rmse(offset_type, std)
    rel = rmse / ideal - 1
    assert np.all(rel >= -1e-12)  # never below the ideal bound
    assert np.all(np.diff(rel) <= 0)  # monotone approach
    assert rel[-1] < 1e-6
    assert float(paper_scenario.crlb_rmse(offset_type, 0.0)) == pytest.approx(
        float(ideal), rel=1e-12
    )


@pytest.mark.parametrize("offset_type", ["frequency", "spatial"])
def test_crlb_grows_with_sigma(paper_scenario, offset_type):
    rmse = paper_scenario.crlb_rmse(offset_type, np.linspace(0, np.pi, 17))
    assert np.all(np.diff(rmse) > 0)


def test_uniform_prior_information_is_as_written():
    # Eq. (12): 3 / Delta^2 with Delta = sqrt(3) sigma, i.e. 1 / sigma^2
    assert prior_information("spatial", 0.5) == pytest.approx(4.0)
    assert prior_information("frequency", 0.5) == pytest.approx(4.0)
    assert np.isinf(prior_information("frequency", 0.0))
    with pytest.raises(ValueError, match="offset_std"):
        prior_information("frequency", -1.0)


# (a) published values: Sec. III of Zhang et al. (2025), with the fitted SNR of config. The
# frequency ratios are eq. (11)'s closed form (they miss the stated 5x and 15x: claims.csv
# grades them); the spatial ones, to which the SNR is fitted, lie near the stated 30x, 130x.
@pytest.mark.parametrize("std", [np.pi / 4, np.pi])
def test_frequency_crlb_ratio_is_the_closed_form_of_eq_11(paper_scenario, std):
    ratio = float(paper_scenario.crlb_rmse("frequency", std) / paper_scenario.crlb_rmse("none", 0))
    snr = 10 ** (paper_scenario.snr_db / 10)
    assert ratio == pytest.approx(np.sqrt(1 + 2 * snr * std**2), rel=1e-9)


@pytest.mark.parametrize("std, stated", [(np.pi / 4, 30.0), (np.pi, 130.0)])
def test_published_spatial_crlb_ratios(paper_scenario, std, stated):
    ratio = float(paper_scenario.crlb_rmse("spatial", std) / paper_scenario.crlb_rmse("none", 0))
    assert stated / 1.1 <= ratio <= stated * 1.1


def test_published_antenna_count_for_one_centimetre(paper_scenario):
    # Sec. III-A: at sigma^f = pi, 1 cm needs "more than 23 antennas".
    rmse = {
        n: float(paper_scenario.with_antennas(n).crlb_rmse("frequency", np.pi))
        for n in range(16, 33)
    }
    needed = min(n for n, r in rmse.items() if r <= 0.01)
    assert 20 <= needed <= 28


def test_crlb_rmse_of_a_diagonal_fim():
    fim = np.diag([4.0, 16.0])
    assert crlb_rmse(fim) == pytest.approx(np.sqrt(1 / 4 + 1 / 16))


def test_known_nuisance_removes_nothing(small_system):
    grid, ant, p = small_system
    mean = los_mean(p, ant, grid)
    jp = los_mean_position_jacobian(p, ant, grid, mean)
    efim = efim_diagonal_nuisance(jp, los_mean_phase_jacobian(mean), 1.0, np.inf)
    np.testing.assert_allclose(efim, fisher_information(jp.reshape(-1, 2), 1.0))
    assert position_crlb_rmse(p, ant, grid, 1.0, "none") == pytest.approx(crlb_rmse(efim))
