"""The error floor of the uncalibrated SAF localizer (zhang2025, Fig. 7's sweep): the SAF's
exact derivatives against the direct SAF and finite differences (kind b), its peak's MCRB
and pseudo-true point against the generic engine (kind d: the slow reference), the matched
limit (kind b), the prediction against a seeded Monte Carlo of the localizer itself where
grating lobes compete (kind c), and the claims that read it on a small sweep.
"""

import copy

import numpy as np
import pytest

from hwiloc.ambiguity import saf, saf_derivatives, saf_direct, saf_peak_mcrb, saf_refine
from hwiloc.bounds import generic
from hwiloc.claims.registry import measure
from hwiloc.geometry import ula_positions
from hwiloc.models.phase_offset import LosPositionModel, los_mean
from hwiloc.ofdm import OfdmGrid
from hwiloc.papers.zhang2025.claims import ClaimInputs
from hwiloc.papers.zhang2025.global_accuracy import error_floor, floor_threshold, monte_carlo_error
from hwiloc.papers.zhang2025.stages import gather_shards, pmsr_shard_dataset
from hwiloc.papers.zhang2025.system import Scenario, grid_axes, phase_offsets_for, unit_csi

GRID = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=10,
                first_subcarrier_index=1)  # fmt: skip
ANTENNAS = ula_positions(16, 0.07)  # 0.82 wavelengths apart: grating lobes
UE = np.array([-0.3, 1.0])


def _offsets(std, seed=0):
    return np.random.default_rng(seed).normal(0.0, std, (len(ANTENNAS), 1)) * np.ones((1, 10))


def test_saf_derivatives_are_the_direct_saf_and_its_finite_differences():
    csi = los_mean(UE, ANTENNAS, GRID, 1.0, frequency_offsets=_offsets(0.8))
    points = np.array([[-0.3, 1.0], [-0.25, 1.1], [0.4, 0.7]])
    value, gradient, hessian = saf_derivatives(csi, ANTENNAS, GRID, points)
    direct = [saf_direct(csi, ANTENNAS, GRID, p[:1], p[1:])[0, 0] for p in points]
    np.testing.assert_allclose(value, direct, rtol=1e-12)
    h = 1e-6
    for i in range(2):
        step = np.eye(2)[i] * h
        up, down = (saf_derivatives(csi, ANTENNAS, GRID, points + s) for s in (step, -step))
        np.testing.assert_allclose((up[0] - down[0]) / (2 * h), gradient[:, i], rtol=1e-6)
        np.testing.assert_allclose((up[1] - down[1]) / (2 * h), hessian[:, :, i], rtol=1e-5,
                                   atol=1e-6 * np.abs(hessian).max())  # fmt: skip


@pytest.mark.parametrize("std", [0.3, 0.6])
def test_the_peaks_mcrb_and_pseudo_true_point_are_the_generic_engines(std):
    """The sandwich of the concentrated SAF criterion equals the engine's MCRB of the
    position (gain as two nuisance parameters), and Newton on the SAF finds its pseudo-true
    point."""
    phi = _offsets(std, seed=3)
    gain = 10 ** (-5 / 20)
    true_model = LosPositionModel(ANTENNAS, GRID, phi)
    eta = np.array([*UE, gain, 0.0])
    bound = generic.mcrb(true_model, eta, LosPositionModel(ANTENNAS, GRID), 1.0, start=eta)
    data = true_model.mean(eta).reshape(len(ANTENNAS), -1)
    (point,), _ = saf_refine(data, ANTENNAS, GRID, UE[None], 0.01)
    np.testing.assert_allclose(point, bound.pseudo_true[:2], atol=1e-7)
    np.testing.assert_allclose(saf_peak_mcrb(data, ANTENNAS, GRID, point), bound.mcrb[:2, :2],
                               rtol=1e-6)  # fmt: skip


def test_without_offsets_the_floor_is_the_crb_and_no_maximum_takes_the_localizer():
    """Matched (no offsets) at a high SNR: the pseudo-true point is the UE, the LB the CRB,
    and no grating lobe takes the localizer."""
    x, y = np.arange(-1.5, 0.91, 0.02), np.arange(0.5, 1.51, 0.02)
    csi = los_mean(UE, ANTENNAS, GRID, 1.0)
    amplitudes = np.full(len(ANTENNAS), 10 ** (20 / 20))
    floor = error_floor(saf(csi, ANTENNAS, GRID, x, y), x, y, csi, amplitudes, ANTENNAS, GRID, UE)
    crb = generic.crb(LosPositionModel(ANTENNAS, GRID), np.array([*UE, 10.0, 0.0]), 1.0)
    assert floor["bias"] < 1e-9
    np.testing.assert_allclose(floor["local_mse"], crb.rmse("position") ** 2, rtol=1e-6)
    assert floor["sidelobe_probability"] < 1e-9
    np.testing.assert_allclose(floor["mie_mse"], floor["local_mse"], rtol=1e-9)


@pytest.mark.parametrize("snr_db", [-14.0, -12.0, -10.0])
def test_the_predicted_mse_is_within_2x_of_the_localizers_monte_carlo(snr_db):
    """Where the grating lobes compete (P of a competitor 0.5 to 1), interval errors on the
    grid maxima predict the localizer's MSE (its grid search on noisy CSI, then Newton
    steps; 300 seeded trials) within a factor of 2 (the global-accuracy issue's criterion)."""
    x, y = np.arange(-1.5, 0.91, 0.02), np.arange(0.5, 1.51, 0.02)
    csi = los_mean(UE, ANTENNAS, GRID, 1.0)
    amplitudes = np.full(len(ANTENNAS), 10 ** (snr_db / 20))
    floor = error_floor(saf(csi, ANTENNAS, GRID, x, y), x, y, csi, amplitudes, ANTENNAS, GRID, UE)
    rng = np.random.default_rng(1)
    noise = (rng.standard_normal((300, *csi.shape)) + 1j * rng.standard_normal((300, *csi.shape)))
    noisy = amplitudes[:, None] * csi + noise / np.sqrt(2)
    images = saf(noisy, ANTENNAS, GRID, x, y)
    errors = [monte_carlo_error(im, x, y, r, ANTENNAS, GRID, UE)
              for im, r in zip(images, noisy, strict=True)]
    ratio = floor["mie_mse"] / np.mean(np.square(errors))
    assert floor["sidelobe_probability"] > 0.5 and floor["mie_mse"] > 1.5 * floor["local_mse"]
    assert 0.5 < ratio < 2.0, ratio


def test_floor_threshold_is_the_last_sigma_within_the_factor():
    std = np.array([0.4, 0.2, 0.8, 0.6])  # unsorted on purpose
    local = np.ones(4)
    assert floor_threshold(std, np.array([3.0, 1.0, 50.0, 10.0]), local) == 0.4  # 2x: MSE 4x
    assert floor_threshold(std, np.ones(4), local) == 0.8  # never leaves
    assert np.isnan(floor_threshold(std, np.full(4, 5.0), local))  # not within at the smallest


@pytest.fixture(scope="module")
def sweeps(quick_config):
    """Both offset types over a small sweep of the quick grid at a low SNR (the spatial one
    leaves its bound within it), every realization also run by the localizer on noisy CSI."""
    cfg = copy.deepcopy(quick_config["zhang2025"])
    cfg["snr_db"] = -12.0
    cfg["pmsr_sweep"].update(num_realizations=4, monte_carlo_realizations=4,
                             offset_std=[0.2, 0.8, 1.4])  # fmt: skip
    scenario = Scenario.from_config(cfg)
    sweep = {**cfg["pmsr_sweep"], "num_shards": 2}
    data = {kind: gather_shards([pmsr_shard_dataset(scenario, kind, sweep, i, cfg)
                                 for i in range(2)], cfg) for kind in ("frequency", "spatial")}
    return data, scenario, cfg


def test_each_sweep_image_carries_its_prediction_and_the_rows_read_it(sweeps):
    data, scenario, cfg = sweeps
    spatial = data["spatial"]
    for name in ("mie_mse", "local_mse", "bias", "sidelobe_probability", "monte_carlo_error"):
        assert spatial[name].dims == ("offset_std", "realization")
        assert np.isfinite(spatial[name].values).all() and spatial[name].attrs["units"]
    assert (spatial["mie_mse"] >= spatial["local_mse"] * (1 - 1e-12)).all()
    # one image again by hand: the shard's numbers are error_floor's on its own SAF image
    phi = phase_offsets_for(scenario, "spatial", 1.4, [int(spatial.attrs["seed"]), 2, 3])
    csi = unit_csi(scenario, phi)
    x, y = grid_axes(cfg["pmsr_sweep"]["region"])
    image = saf(csi, scenario.antenna_positions, scenario.grid, x, y)
    floor = error_floor(image, x, y, csi, scenario.amplitudes, scenario.antenna_positions,
                        scenario.grid, scenario.position)  # fmt: skip
    at = spatial.sel(offset_std=1.4, realization=3)
    for name in ("mie_mse", "local_mse", "sidelobe_probability"):
        np.testing.assert_allclose(float(at[name]), floor[name], rtol=1e-9)
    inputs = ClaimInputs(scenario=scenario, pmsr_frequency=data["frequency"],
                         pmsr_spatial=spatial, pmsr_form="amplitude")  # fmt: skip
    for row in ("mie_floor_threshold_frequency", "mie_floor_threshold_spatial",
                "pmsr_marks_floor_onset", "pmsr_marks_gross_realizations"):
        (m,) = measure("zhang2025", row, inputs)
        assert m.note
    (threshold,) = measure("zhang2025", "mie_floor_threshold_spatial", inputs)
    assert np.isfinite(threshold.value) and len(threshold.draws) > 100
    without = ClaimInputs(scenario=scenario, pmsr_spatial=spatial.drop_vars("mie_mse"))
    assert np.isnan(measure("zhang2025", "pmsr_marks_floor_onset", without)[0].value)
