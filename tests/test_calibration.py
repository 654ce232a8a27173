"""Calibration of measured CSI, eqs. (19)-(23): round trips on emulated captures."""

import numpy as np
import pytest

from hwiloc.calibration import (
    apply_calibration,
    calibrate,
    ideal_csi,
    lse_statistic,
    offsets_from_statistic,
    spatial_offsets_matched_filter,
)
from hwiloc.estimators import saf_peak
from hwiloc.geometry import ula_positions
from hwiloc.io.csi import open_netcdf_capture
from hwiloc.io.testbed import emulate_hardware, write_capture
from hwiloc.ofdm import OfdmGrid

GRID = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
ANTENNAS = ula_positions(64, 0.07)
SNR_DB = 10.0
NUM_SYMBOLS = 400


def _hardware(num_scatterers=0, seed=1):
    return emulate_hardware(
        seed, 64, 100, spatial_offset_std=np.pi / np.sqrt(3),
        frequency_offset_mean=0.2, frequency_offset_std=0.3, num_scatterers=num_scatterers,
        scatterer_power_db=-15.0, room={"x_min": -5, "x_max": 5, "y_min": 2, "y_max": 8},
    )  # fmt: skip


def _capture(path, hardware, position=(-2.0, 1.0), drift=0.0, mocap=0.0, seed=3):
    write_capture(
        path, name=path.stem, position=np.array(position), antenna_positions=ANTENNAS, grid=GRID,
        hardware=hardware, num_symbols=NUM_SYMBOLS, sampling_rate=2000.0, snr_db=SNR_DB,
        phase_drift_std=drift, mocap_noise_std=mocap, entropy=seed,
        chunk_symbols=128,
    )  # fmt: skip
    return open_netcdf_capture(path)


def _wrap(phase):
    return np.angle(np.exp(1j * phase))


@pytest.fixture(scope="module")
def clean_case(tmp_path_factory):
    hw = _hardware()
    return hw, _capture(tmp_path_factory.mktemp("cal") / "cap.nc", hw)


def test_injected_offsets_are_recovered_to_the_noise_limit(clean_case):
    hardware, capture = clean_case
    cal = calibrate(capture, NUM_SYMBOLS, chunk_symbols=100)
    total_true = hardware.frequency_offsets + hardware.spatial_offsets[:, None]
    total_est = cal.frequency_offsets + cal.spatial_offsets[:, None]
    error = _wrap(total_est - total_true)
    # LSE phase of L symbols at per-sample SNR s: std 1 / sqrt(2 s L) (0.0112 rad here)
    limit = 1 / np.sqrt(2 * 10 ** (SNR_DB / 10) * NUM_SYMBOLS)
    assert abs(np.mean(error)) < 4 * limit / np.sqrt(error.size)
    assert error.std() == pytest.approx(limit, rel=0.1)
    # The split (identifiability): phi^a_n absorbs the circular mean of phi^f_n over k.
    circular_mean = np.angle(np.exp(1j * hardware.frequency_offsets).sum(axis=1))
    np.testing.assert_allclose(
        _wrap(cal.spatial_offsets - hardware.spatial_offsets - circular_mean), 0, atol=5 * limit
    )
    # ... so the frequency offsets have zero |S|-weighted circular mean per antenna
    weighted = np.sum(np.abs(cal.statistic) * np.exp(1j * cal.frequency_offsets), axis=1)
    np.testing.assert_allclose(np.angle(weighted), 0, atol=1e-9)


def test_chunked_and_in_memory_calibration_agree(clean_case):
    _, capture = clean_case
    chunked = calibrate(capture, NUM_SYMBOLS, chunk_symbols=37)
    whole = calibrate(capture, NUM_SYMBOLS, chunk_symbols=NUM_SYMBOLS)
    np.testing.assert_allclose(chunked.statistic, whole.statistic, rtol=1e-12)
    np.testing.assert_allclose(chunked.frequency_offsets, whole.frequency_offsets, atol=1e-12)
    np.testing.assert_allclose(chunked.spatial_offsets, whole.spatial_offsets, atol=1e-12)


def test_spatial_stage_equals_the_literal_matched_filter_of_eq_22(clean_case):
    _, capture = clean_case
    csi = next(capture.chunks(NUM_SYMBOLS))[1]
    cal = offsets_from_statistic(lse_statistic(capture, NUM_SYMBOLS), NUM_SYMBOLS)
    compensated = apply_calibration(csi, cal, "frequency")  # eq. (21)
    literal = spatial_offsets_matched_filter(compensated, capture.positions, ANTENNAS, GRID)
    np.testing.assert_allclose(_wrap(literal - cal.spatial_offsets), 0, atol=1e-9)


def test_matched_filter_of_the_ideal_signal_is_k_times_the_los_phase():
    from hwiloc.calibration import los_matched_filter

    positions = np.array([[-2.0, 1.0], [0.5, 2.0]])
    los = los_matched_filter(ideal_csi(positions, ANTENNAS, GRID), positions, ANTENNAS, GRID)
    d = np.linalg.norm(positions[:, None, :] - ANTENNAS, axis=-1)
    expected = GRID.num_subcarriers * np.exp(-2j * np.pi * GRID.carrier_frequency * d / 299792458.0)
    np.testing.assert_allclose(los, expected, rtol=1e-9)


def test_calibration_transfers_to_a_held_out_capture(tmp_path):
    hardware = _hardware(num_scatterers=3)
    cal = calibrate(_capture(tmp_path / "a.nc", hardware, drift=0.05, mocap=1e-3), NUM_SYMBOLS)
    other = _capture(tmp_path / "b.nc", hardware, position=(-1.0, 1.6), mocap=1e-3, seed=9)
    x, y = np.arange(-3.0, 0.01, 0.02), np.arange(0.4, 2.41, 0.02)
    snapshot = other.symbols(np.array([5]))[0]
    errors = {}
    for stage in ("raw", "both"):
        estimate, _ = saf_peak(apply_calibration(snapshot, cal, stage), ANTENNAS, GRID, x, y,
                               refine_step=0.001)  # fmt: skip
        errors[stage] = np.linalg.norm(estimate - np.array([-1.0, 1.6]))
    assert errors["both"] < 0.02
    assert errors["raw"] > 0.2


def test_apply_refuses_a_mismatched_calibration(clean_case):
    _, capture = clean_case
    cal = calibrate(capture, 50)
    with pytest.raises(ValueError, match="num_antennas, num_subcarriers"):
        apply_calibration(np.ones((32, 100), complex), cal, "both")
    with pytest.raises(ValueError, match="stage"):
        apply_calibration(np.ones((64, 100), complex), cal, "spatial-only")


def test_fig2_says_where_its_capture_came_from():
    import matplotlib.pyplot as plt
    import xarray as xr

    from hwiloc.papers.zhang2025.figures import fig2

    rng = np.random.default_rng(3)
    calibration = xr.Dataset(
        {"frequency_offset": (("antenna", "subcarrier"), rng.normal(0, 0.3, (8, 10))),
         "spatial_offset": ("antenna", rng.uniform(-1, 1, 8))},
        attrs={"capture": "calib", "num_symbols": 5},
    )  # fmt: skip
    fit = {"frequency_mean": 0.0, "frequency_std": 0.3, "spatial_centre": 0.0,
           "spatial_half_width": 1.0}  # fmt: skip
    for source, word in (("emulator", "emulated"), ("kuleuven", "measured")):
        figure = fig2(calibration, fit, source)
        assert f"from {word} capture 'calib'" in figure._suptitle.get_text()
        plt.close(figure)
