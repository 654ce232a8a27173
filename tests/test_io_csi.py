"""Readers of measured CSI: every malformed input is refused, naming file and problem."""

import h5netcdf
import numpy as np
import pytest

from hwiloc.geometry import ula_positions
from hwiloc.io.csi import CaptureError, open_kuleuven_capture, open_netcdf_capture
from hwiloc.ofdm import OfdmGrid

GRID = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=6)


def _write(path, *, csi=None, dims=("antenna", "subcarrier", "symbol"), positions=None, drop=()):
    """A small capture file; ``positions`` may have 2 or 3 columns (a UE height)."""
    n, k, num_symbols = 4, 6, 10
    csi = (np.ones((n, k, num_symbols)) * (1 + 1j)) if csi is None else csi
    positions = np.tile([-2.0, 1.0], (num_symbols, 1)) if positions is None else positions
    with h5netcdf.File(path, "w", invalid_netcdf=True) as f:
        f.dimensions = {
            "antenna": n,
            "subcarrier": k,
            "symbol": num_symbols,
            "axis": 2,
            "sample": positions.shape[0],
            "ue_axis": positions.shape[1],
        }
        variables = {
            "csi": (dims, csi),
            "antenna_position": (("antenna", "axis"), ula_positions(n, 0.07)),
            "subcarrier_frequency": (("subcarrier",), GRID.frequencies),
            "ue_position": (("sample", "ue_axis"), positions),
        }
        for name, (var_dims, data) in variables.items():
            if name not in drop:
                f.create_variable(name, var_dims, data=data)
    return path


def test_a_good_file_reads_back(tmp_path):
    capture = open_netcdf_capture(_write(tmp_path / "ok.nc"))
    assert (capture.num_antennas, capture.grid.num_subcarriers, capture.num_symbols) == (4, 6, 10)
    assert capture.grid.carrier_frequency == pytest.approx(3.5e9)
    chunks = list(capture.chunks(4))
    assert [c[1].shape for c in chunks] == [(4, 4, 6), (4, 4, 6), (2, 4, 6)]
    capture.check(10)


def test_chunks_read_into_one_buffer_hold_the_values_of_fresh_reads(tmp_path):
    rng = np.random.default_rng(3)
    csi = (rng.standard_normal((4, 6, 10)) + 1j * rng.standard_normal((4, 6, 10))).astype(
        np.complex64)  # fmt: skip
    capture = open_netcdf_capture(_write(tmp_path / "reuse.nc", csi=csi))
    seen = []
    pairs = zip(capture.chunks(4, dtype=None), capture.chunks(4, dtype=None, reuse=True),
                strict=True)  # fmt: skip
    for (sl, fresh), (same, reused) in pairs:
        assert sl == same and reused.dtype == np.complex64
        np.testing.assert_array_equal(reused, fresh)
        np.testing.assert_array_equal(reused, np.moveaxis(csi[:, :, sl], -1, 0))
        seen.append(reused)
    assert len(seen) == 3 and np.shares_memory(seen[0], seen[1])  # each read over the last


def test_wrong_dims_order(tmp_path):
    path = _write(
        tmp_path / "dims.nc",
        csi=np.ones((10, 4, 6), complex),
        dims=("symbol", "antenna", "subcarrier"),
    )
    with pytest.raises(
        CaptureError, match=r"dims.nc: csi must have dims \('antenna', 'subcarrier', 'symbol'\)"
    ):
        open_netcdf_capture(path)


def test_real_valued_csi(tmp_path):
    with pytest.raises(CaptureError, match="real.nc: csi must be complex, got dtype float64"):
        open_netcdf_capture(_write(tmp_path / "real.nc", csi=np.ones((4, 6, 10))))


def test_nan_sample(tmp_path):
    csi = np.ones((4, 6, 10), complex)
    csi[2, 3, 7] = np.nan
    capture = open_netcdf_capture(_write(tmp_path / "nan.nc", csi=csi))
    with pytest.raises(
        CaptureError,
        match="nan.nc: NaN or infinite CSI sample at symbol 7, antenna 2, subcarrier 3",
    ):
        capture.check(10, chunk_symbols=3)


def test_missing_positions(tmp_path):
    with pytest.raises(CaptureError, match=r"nopos.nc: missing variable\(s\) \['ue_position'\]"):
        open_netcdf_capture(_write(tmp_path / "nopos.nc", drop=("ue_position",)))


def test_mismatched_positions(tmp_path):
    with pytest.raises(
        CaptureError, match=r"short.nc: ue_position \[symbol, axis\] must have shape \[10, 2 or 3\]"
    ):
        open_netcdf_capture(_write(tmp_path / "short.nc", positions=np.zeros((7, 2))))
    bad = np.tile([-2.0, 1.0], (10, 1))
    bad[4, 1] = np.inf
    with pytest.raises(CaptureError, match="inf.nc: .*NaN, infinite"):
        open_netcdf_capture(_write(tmp_path / "inf.nc", positions=bad))


def test_fewer_symbols_than_asked(tmp_path):
    capture = open_netcdf_capture(_write(tmp_path / "few.nc"))
    with pytest.raises(
        CaptureError, match="few.nc: capture 'few' has 10 symbols; 20 were asked for"
    ):
        capture.check(20)


def test_not_a_file_or_not_netcdf(tmp_path):
    with pytest.raises(CaptureError, match="no such capture file"):
        open_netcdf_capture(tmp_path / "absent.nc")
    (tmp_path / "text.nc").write_text("not hdf5")
    with pytest.raises(CaptureError, match="text.nc: not a readable NetCDF"):
        open_netcdf_capture(tmp_path / "text.nc")


@pytest.fixture
def kuleuven(tmp_path):
    """A small folder in the KU Leuven layout: 5 samples of 4 x 6, positions in mm."""
    (tmp_path / "samples").mkdir()
    rng = np.random.default_rng(0)
    data = rng.standard_normal((5, 4, 6)) + 1j * rng.standard_normal((5, 4, 6))
    for i, sample in enumerate(data):
        np.save(tmp_path / "samples" / f"channel_measurement_{i:06d}.npy", sample)
    np.save(
        tmp_path / "user_positions.npy",
        np.column_stack([np.full(5, -2000.0), np.full(5, 1000.0), np.zeros(5)]),
    )
    np.save(
        tmp_path / "antenna_positions.npy",
        np.column_stack([ula_positions(4, 0.07) * 1000, np.zeros(4)]),
    )
    return tmp_path, data


def test_kuleuven_layout_reads_back(kuleuven):
    folder, data = kuleuven
    capture = open_kuleuven_capture(folder, 1, 3, GRID, name="k")
    np.testing.assert_allclose(capture.positions, np.tile([-2.0, 1.0], (3, 1)))
    np.testing.assert_allclose(capture.antenna_positions, ula_positions(4, 0.07))
    np.testing.assert_array_equal(next(capture.chunks(3))[1], data[1:4])


def test_kuleuven_errors(kuleuven):
    folder, _ = kuleuven
    with pytest.raises(
        CaptureError, match=r"user_positions.npy: has positions for 5 samples; samples 3..7"
    ):
        open_kuleuven_capture(folder, 3, 5, GRID)
    np.save(folder / "samples" / "channel_measurement_000002.npy", np.ones((4, 5), complex))
    with pytest.raises(
        CaptureError,
        match=r"channel_measurement_000002.npy: expected a complex matrix of shape \(4, 6\)",
    ):
        open_kuleuven_capture(folder, 0, 5, GRID)
    (folder / "samples" / "channel_measurement_000004.npy").unlink()
    with pytest.raises(CaptureError, match="missing 1 sample file"):
        open_kuleuven_capture(folder, 3, 2, GRID)
    (folder / "user_positions.npy").unlink()
    with pytest.raises(CaptureError, match="user_positions.npy: missing"):
        open_kuleuven_capture(folder, 0, 2, GRID)


@pytest.mark.parametrize(
    "position, message",
    [
        ([0.105, 0.0], r"on or behind the array's line y = 0"),  # at an antenna, on the line
        ([0.0, 0.0], r"\[0.0, 0.0\] m, on or behind the array's line"),  # the origin
        ([1.0, -1.0], r"\[1.0, -1.0\] m, on or behind"),
        ([0.105, 0.02], r"0.02 m from antenna 3, closer than half a wavelength"),
    ],
    ids=["at an antenna", "origin", "behind", "beside an antenna"],
)
def test_an_impossible_ground_truth_is_refused_naming_capture_and_position(
    tmp_path, position, message
):
    from hwiloc.io.csi import check_ground_truth

    capture = open_netcdf_capture(
        _write(tmp_path / "gt.nc", positions=np.tile(position, (10, 1))), name="spot"
    )
    with pytest.raises(CaptureError, match=rf"gt.nc: capture 'spot': symbol 0 .*{message}"):
        check_ground_truth(capture)


def test_a_singular_geometry_of_a_non_linear_array_is_refused():
    from hwiloc.io.csi import Capture, check_ground_truth

    antennas = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]])  # a line, not along x
    capture = Capture("diag", "d.nc", antennas, GRID, np.tile([3.0, 3.0], (4, 1)), lambda a, b: 0)
    with pytest.raises(CaptureError, match="position Fisher information is singular"):
        check_ground_truth(capture)
    check_ground_truth(Capture("ok", "d.nc", antennas, GRID, np.tile([3.0, 1.0], (4, 1)),
                               lambda a, b: 0))  # fmt: skip


def test_a_ue_height_is_used_exactly_or_refused(tmp_path, kuleuven):
    folder, _ = kuleuven
    heights = np.column_stack([np.full(5, -2000.0), np.full(5, 1000.0), np.full(5, -750.0)])
    np.save(folder / "user_positions.npy", heights)  # 0.75 m below the array
    capture = open_kuleuven_capture(folder, 0, 5, GRID, name="k")
    ue3 = heights[0] / 1000
    antennas3 = np.column_stack([ula_positions(4, 0.07), np.zeros(4)])
    d3 = np.linalg.norm(antennas3 - ue3, axis=1)
    d2 = np.linalg.norm(capture.antenna_positions - capture.positions[0], axis=1)
    np.testing.assert_allclose(d2, d3, rtol=0, atol=1e-12)  # every distance kept
    assert capture.positions[0, 1] == pytest.approx(np.hypot(1.0, 0.75))
    (folder / "antenna_positions.npy").unlink()  # heights of the UE, none of the antennas
    with pytest.raises(CaptureError, match="user_positions.npy: the UE positions have a third"):
        open_kuleuven_capture(folder, 0, 5, GRID, antenna_positions=ula_positions(4, 0.07))
    positions = np.column_stack([np.tile([-2.0, 1.0], (10, 1)), np.full(10, 0.5)])
    with pytest.raises(CaptureError, match=r"\(ue_position\): the UE positions have a third"):
        open_netcdf_capture(_write(tmp_path / "h.nc", positions=positions))


def test_a_zero_height_column_beside_planar_antennas_is_the_plane(tmp_path, kuleuven):
    """KU Leuven ships user_positions.npy with a third column of zeros: the UE is in the
    array's plane, read as it is (a non-zero height there is still refused, above)."""
    folder, _ = kuleuven
    flat = np.column_stack([np.full(5, -2000.0), np.full(5, 1000.0), np.zeros(5)])
    np.save(folder / "user_positions.npy", flat)
    (folder / "antenna_positions.npy").unlink()  # the antennas with no height column
    capture = open_kuleuven_capture(folder, 0, 5, GRID, antenna_positions=ula_positions(4, 0.07))
    np.testing.assert_array_equal(capture.positions, np.tile([-2.0, 1.0], (5, 1)))
    flat[2, 2] = 10.0  # one UE 1 cm off the plane: refused as before
    np.save(folder / "user_positions.npy", flat)
    with pytest.raises(CaptureError, match="user_positions.npy: the UE positions have a third"):
        open_kuleuven_capture(folder, 0, 5, GRID, antenna_positions=ula_positions(4, 0.07))


def test_errors_name_the_file_that_is_wrong(kuleuven):
    folder, _ = kuleuven
    np.save(folder / "antenna_positions.npy", np.zeros((32, 3)))
    blamed = r"antenna_positions.npy: 32 antenna rows, but the samples \(channel_measurement_0"
    with pytest.raises(CaptureError, match=blamed):
        open_kuleuven_capture(folder, 0, 5, GRID)
    np.save(folder / "antenna_positions.npy", np.column_stack([ula_positions(4, 0.07) * 1000,
                                                               np.zeros(4)]))  # fmt: skip
    bad = np.ones((4, 6), complex)
    bad[1, 2] = np.nan
    np.save(folder / "samples" / "channel_measurement_000003.npy", bad)
    capture = open_kuleuven_capture(folder, 0, 5, GRID, name="k")
    with pytest.raises(CaptureError, match=r"channel_measurement_000003.npy: NaN or infinite "
                                           r"CSI sample at symbol 3"):  # fmt: skip
        capture.check(5)
