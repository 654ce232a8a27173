"""Testbed emulator: each random quantity from its own named stream, recorded in the file."""

import h5netcdf
import numpy as np

from hwiloc.geometry import ula_positions
from hwiloc.impairments.phase_offsets import uniform_half_width
from hwiloc.io.testbed import CAPTURE_STREAMS, HARDWARE_STREAMS, emulate_hardware, write_capture
from hwiloc.ofdm import OfdmGrid
from hwiloc.streams import stream

GRID = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=10)
ANTENNAS = ula_positions(8, 0.07)
ROOM = {"x_min": -5, "x_max": 5, "y_min": 2, "y_max": 8}


def _hardware(num_scatterers, entropy=(7,)):
    return emulate_hardware(
        entropy, 8, 10, spatial_offset_std=1.0, frequency_offset_mean=0.1,
        frequency_offset_std=0.3, num_scatterers=num_scatterers, scatterer_power_db=-15.0,
        room=ROOM,
    )  # fmt: skip


def _write(path, hardware, num_symbols, chunk_symbols, entropy=(7, 1), snr_db=10.0, **residual):
    write_capture(
        path, name=path.stem, position=np.array([-2.0, 1.0]), antenna_positions=ANTENNAS,
        grid=GRID, hardware=hardware, num_symbols=num_symbols, sampling_rate=2000.0,
        snr_db=snr_db, phase_drift_std=0.05, mocap_noise_std=1e-3, entropy=entropy,
        chunk_symbols=chunk_symbols, **residual,
    )  # fmt: skip
    with h5netcdf.File(path, "r") as f:  # the variables the file holds (not the residuals')
        values = {v: np.asarray(f.variables[v][...]) for v in CAPTURE_STREAMS if v in f.variables}
        return values, dict(f.attrs)


def test_residual_mechanisms_add_only_themselves(tmp_path):
    """A registration offset shifts every MoCap reading by the testbed's offset; diffuse
    multipath adds the same CN(0, P) term to every symbol; an antenna drift rotates each
    antenna's CSI by its own phase; all else is drawn as without them (own streams)."""
    plain = _hardware(2)
    shifted = emulate_hardware(
        (7,), 8, 10, spatial_offset_std=1.0, frequency_offset_mean=0.1,
        frequency_offset_std=0.3, num_scatterers=2, scatterer_power_db=-15.0, room=ROOM,
        registration_offset_std=0.002,
    )  # fmt: skip
    np.testing.assert_array_equal(shifted.spatial_offsets, plain.spatial_offsets)
    offset = 0.002 * stream(7, "registration_offset").standard_normal(2)
    np.testing.assert_allclose(shifted.registration_offset, offset, rtol=1e-15)
    base, _ = _write(tmp_path / "base.nc", plain, 6, 4, snr_db=300.0)
    moved, _ = _write(tmp_path / "moved.nc", shifted, 6, 4, snr_db=300.0)
    np.testing.assert_allclose(moved["ue_position"] - base["ue_position"], [offset] * 6, atol=1e-15)
    np.testing.assert_array_equal(moved["csi"], base["csi"])
    diffuse, _ = _write(tmp_path / "diffuse.nc", plain, 6, 4, snr_db=300.0, diffuse_power=0.01)
    z = stream([7, 1], "diffuse_multipath").standard_normal((8, 10, 2))
    term = np.sqrt(0.01 / 2) * (z[..., 0] + 1j * z[..., 1])
    drift = np.exp(1j * base["common_phase_drift"])  # the common drift multiplies it too
    np.testing.assert_allclose(diffuse["csi"] - base["csi"], term[..., None] * drift, atol=2e-6)
    rotated, _ = _write(tmp_path / "rot.nc", plain, 6, 4, snr_db=300.0, antenna_drift_std=0.1)
    phase = 0.1 * stream([7, 1], "antenna_phase_drift").standard_normal(8)
    ratio = rotated["csi"] / base["csi"]
    np.testing.assert_allclose(ratio, np.exp(1j * phase)[:, None, None] * np.ones((1, 10, 6)),
                               atol=2e-6)  # fmt: skip


def test_hardware_quantities_do_not_depend_on_each_other():
    """The offsets are the same whatever the number of scatterers, and scatterer m is the
    same for every larger M; the spatial offsets are the stream "spatial_offset" itself."""
    few, more = _hardware(3), _hardware(5)
    np.testing.assert_array_equal(few.spatial_offsets, _hardware(0).spatial_offsets)
    np.testing.assert_array_equal(few.frequency_offsets, more.frequency_offsets)
    np.testing.assert_array_equal(few.scatterers, more.scatterers[:3])
    np.testing.assert_array_equal(few.scatterer_gains, more.scatterer_gains[:3])
    delta = uniform_half_width(1.0)
    reference = stream(7, HARDWARE_STREAMS["spatial_offsets"]).uniform(-delta, delta, 8)
    np.testing.assert_array_equal(few.spatial_offsets, reference)
    assert few.seed_entropy == (7,)
    assert np.all((few.scatterers >= [-5, 2]) & (few.scatterers <= [5, 8]))


def test_a_symbols_draws_do_not_depend_on_the_capture_length_or_chunking(tmp_path):
    hardware = _hardware(2)
    short, _ = _write(tmp_path / "short.nc", hardware, 20, 7)
    long, _ = _write(tmp_path / "long.nc", hardware, 50, 500)
    np.testing.assert_array_equal(short["ue_position"], long["ue_position"][:20])
    np.testing.assert_array_equal(short["common_phase_drift"], long["common_phase_drift"][:20])
    np.testing.assert_array_equal(short["csi"], long["csi"][..., :20])  # complex64, chunks 7 vs 50
    # the MoCap readings are the true position plus the stream "mocap_noise"
    z = stream([7, 1], "mocap_noise").standard_normal((50, 2))
    np.testing.assert_allclose(long["ue_position"], [-2.0, 1.0] + 1e-3 * z, rtol=1e-14)
    # another capture of the same testbed: new noise, new MoCap readings
    other, _ = _write(tmp_path / "other.nc", hardware, 20, 7, entropy=(7, 2))
    assert not np.allclose(other["ue_position"], short["ue_position"])


def test_the_file_records_both_entropies_and_every_stream(tmp_path):
    _, attrs = _write(tmp_path / "cap.nc", _hardware(1), 5, 5)
    assert attrs["seed_entropy"].tolist() == [7, 1]
    assert np.atleast_1d(attrs["hardware_seed_entropy"]).tolist() == [7]  # 1 entry: a scalar
    for name in (*CAPTURE_STREAMS.values(), *HARDWARE_STREAMS.values()):
        assert f": {name} (" in attrs["random_streams"], name
    assert "SHA-256" in attrs["random_stream_scheme"]
