"""DICHASUS captures: TFRecord framing and protobuf bytes, geometry, offsets, errors."""

import json
import struct

import numpy as np
import pytest
from dichasus_data import ASSIGNMENTS, ue_point, write_dataset
from dichasus_data import element_positions as elements_3d

from hwiloc import kernels
from hwiloc.calibration import calibrate
from hwiloc.geometry import distances
from hwiloc.io.csi import CaptureError
from hwiloc.io.dichasus import open_dichasus_capture
from hwiloc.io.tfrecord import (
    example_bytes,
    frame,
    parse_example,
    parse_tensor,
    record_index,
    tensor_bytes,
)
from hwiloc.papers.zhang2025.measured import reference_residual


def crc32c_direct(data: bytes) -> int:
    """Bitwise CRC-32C, the slow reference of the kernel (RFC 3720, App. B.4)."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def test_crc32c_kernel_gives_the_rfc_3720_check_values_and_the_direct_reference():
    table = kernels.crc32c_table()
    assert kernels.crc32c(np.frombuffer(b"123456789", np.uint8), table) == 0xE3069283
    assert kernels.crc32c(np.zeros(32, np.uint8), table) == 0x8A9136AA  # RFC 3720 B.4
    assert kernels.crc32c(np.full(32, 0xFF, np.uint8), table) == 0x62A8AB43
    data = np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8)
    assert kernels.crc32c(data, table) == crc32c_direct(data.tobytes())


def test_example_and_tensor_bytes_are_the_protobuf_encoding_written_by_hand():
    # Example{features{feature{key "a" value{bytes_list{value "x"}}}}}
    entry = "0a0161" "1205" "0a03" "0a0178"  # key "a"; value: Feature{BytesList{"x"}}
    assert example_bytes({"a": b"x"}) == bytes.fromhex("0a0c" "0a0a" + entry)
    # TensorProto{dtype: DT_FLOAT, tensor_shape{dim{size 2}}, tensor_content: 8 zero bytes}
    expected = bytes.fromhex("0801" "1204" "12020802" "2208") + bytes(8)
    assert tensor_bytes(np.zeros(2, np.float32)) == expected
    np.testing.assert_array_equal(parse_tensor(expected), np.zeros(2, np.float32))
    record = example_bytes({"a": b"x"})
    framed = frame(record)
    header = struct.pack("<Q", len(record))

    def masked(data):
        c = crc32c_direct(data)
        return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF

    assert framed == header + struct.pack("<I", masked(header)) + record + struct.pack(
        "<I", masked(record)
    )


def test_examples_round_trip_every_feature_kind():
    tensor = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    parsed = parse_example(example_bytes({"t": tensor_bytes(tensor), "f": 1.5, "i": -3}))
    np.testing.assert_array_equal(parse_tensor(parsed["t"][1][0]), tensor)
    assert parsed["f"][0] == "float" and parsed["f"][1].tolist() == [1.5]
    assert parsed["i"][0] == "int64" and parsed["i"][1].tolist() == [-3]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dichasus")
    points = [ue_point(-0.5 + 0.01 * i, 2.0 + 0.02 * i) for i in range(30)]
    truth = write_dataset(folder, {"run": points}, num_subcarriers=256, snr_db=10.0)
    return folder, points, truth


def test_the_geometry_keeps_every_3d_distance_and_the_grid_is_fftshifted(dataset):
    folder, points, _ = dataset
    capture = open_dichasus_capture(folder, "run.tfrecords", row=0,
                                    offsets="reftx-offsets-run.json")
    assert capture.num_antennas == 8 and capture.num_symbols == 30
    d3 = np.linalg.norm(elements_3d()[ASSIGNMENTS[0]][None] - np.array(points)[:, None], axis=2)
    d2 = np.stack([distances(p, capture.antenna_positions) for p in capture.positions])
    np.testing.assert_allclose(d2, d3, rtol=0, atol=1e-12)  # the UE height is in y, exactly
    f = capture.grid.frequencies
    assert f[128] == 1.272e9 and f[0] == 1.272e9 - 25e6
    np.testing.assert_allclose(np.diff(f), 50e6 / 256)


def test_the_calibration_recovers_the_injected_sto_and_cpo(dataset):
    folder, _, truth = dataset
    capture = open_dichasus_capture(folder, "run.tfrecords", row=0,
                                    offsets="reftx-offsets-run.json")
    k = np.arange(256)
    injected = -(truth["sto"][ASSIGNMENTS[0], None] * 2 * np.pi * k / 256
                 + truth["cpo"][ASSIGNMENTS[0], None])  # fmt: skip
    np.testing.assert_allclose(capture.reference_offsets, injected, atol=1e-12)
    for rule in ("zero_mean_per_antenna", "literal"):
        cal = calibrate(capture, 30, 7, rule)
        residual = reference_residual(cal, capture.reference_offsets)
        # 10 dB per sample over 30 records: the LSE phase error is about 0.06 rad rms
        assert np.sqrt(np.mean(residual**2)) < 0.1
    wrong = reference_residual(cal, np.zeros_like(injected))
    assert np.sqrt(np.mean(wrong**2)) > 1.0  # the check can fail: raw offsets are far off


def _assign(folder, row, column, value):
    """spec.json with one entry of the channel map replaced."""
    spec = json.loads((folder / "spec.json").read_text())
    spec["antennas"][0]["assignments"][row][column] = value
    (folder / "spec.json").write_text(json.dumps(spec))


def _spoil(folder, tmp_path, edit):
    import shutil

    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    edit(target)
    return target


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda f: (f / "spec.json").unlink(), "spec.json: missing"),
        (lambda f: (f / "spec.json").write_text("{"), "not a readable JSON file"),
        (lambda f: (f / "spec.json").write_text(json.dumps({"frequency": 1e9, "bandwidth": 0})),
         "'bandwidth' must be a positive number"),
        (lambda f: f.joinpath("run.tfrecords").write_bytes(f.joinpath("run.tfrecords")
                                                          .read_bytes()[:-100]),
         "is truncated"),
        (lambda f: f.joinpath("run.tfrecords").write_bytes(b"x" * 40), "bad length CRC"),
        (lambda f: f.joinpath("reftx-offsets-run.json").write_text(json.dumps({"sto": [0.0]})),
         "'sto' and 'cpo' must be 16 finite numbers"),
        (lambda f: _assign(f, 0, 1, 5), r"lists channel 5 twice, at \[0\]\[0\] and \[0\]\[1\]"),
        (lambda f: _assign(f, 0, 1, True), r"assignments\[0\]\[1\] is True \(bool\)"),
        (lambda f: _assign(f, 1, 3, 15.0), r"assignments\[1\]\[3\] is 15.0 \(float\)"),
        (lambda f: (f / "spec.json").write_text("[1, 2]"), "a JSON list; expected an object"),
        (lambda f: f.joinpath("reftx-offsets-run.json").write_text(
            json.dumps({"sto": ["0"] * 16, "cpo": [0.0] * 16})),
         "'sto' must be a list of 16 numbers"),
    ],
    ids=["no spec", "spec not JSON", "zero bandwidth", "truncated", "not a tfrecord",
         "short offsets", "a channel twice", "JSON true", "a float channel", "spec a list",
         "string offsets"],
)  # fmt: skip
def test_a_bad_dataset_is_refused_naming_its_file(dataset, tmp_path, edit, message):
    folder = _spoil(dataset[0], tmp_path, edit)
    with pytest.raises(CaptureError, match=message):
        open_dichasus_capture(folder, "run.tfrecords", row=0, offsets="reftx-offsets-run.json")


def test_a_corrupt_record_fails_its_crc_when_the_capture_opens(dataset, tmp_path):
    def flip(f):
        data = bytearray(f.joinpath("run.tfrecords").read_bytes())
        offset, length = record_index(f / "run.tfrecords")[3]
        data[offset + length // 2] ^= 0xFF  # inside the csi of record 3
        f.joinpath("run.tfrecords").write_bytes(bytes(data))

    folder = _spoil(dataset[0], tmp_path, flip)
    with pytest.raises(CaptureError, match=r"run.tfrecords: record 3 fails its CRC"):
        open_dichasus_capture(folder, "run.tfrecords", row=0)
    capture = open_dichasus_capture(folder, "run.tfrecords", row=0, num_records=3)
    capture.read(0, 3)  # records 0 .. 2 are whole


def test_impossible_requests_and_a_ue_behind_the_array_are_refused(tmp_path):
    write_dataset(tmp_path, {"back": [ue_point(0.0, 2.0), ue_point(0.0, -1.0)]}, 64)
    with pytest.raises(CaptureError, match=r"record 1 has its UE .* behind the array"):
        open_dichasus_capture(tmp_path, "back.tfrecords", row=0)
    with pytest.raises(CaptureError, match="has 2 records; records 1 .. 5"):
        open_dichasus_capture(tmp_path, "back.tfrecords", row=0, first_record=1, num_records=5)
    with pytest.raises(CaptureError, match="row 2 was asked for"):
        open_dichasus_capture(tmp_path, "back.tfrecords", row=2, num_records=1)
    with pytest.raises(CaptureError, match="no feature 'pos-lidar'"):
        open_dichasus_capture(tmp_path, "back.tfrecords", row=0, position_feature="pos-lidar")


def test_a_csi_tensor_stored_transposed_is_refused_in_both_readings(tmp_path):
    """[K, channels, 2] read as [channels, K, 2] is garbage whenever K exceeds the largest
    channel index (real files: K = 1024): refused, by the offsets' channel count when the
    dataset has them, else because it has more rows than columns and spec.json places fewer
    channels than its columns."""
    write_dataset(tmp_path, {"run": [ue_point(0.0, 2.0)] * 2}, 64, transposed=True)
    with pytest.raises(CaptureError, match=r"stored transposed, \[subcarriers 64, channels 16, "
                                           r"2\] \(the offsets give 16 channels\)"):  # fmt: skip
        open_dichasus_capture(tmp_path, "run.tfrecords", row=0, offsets="reftx-offsets-run.json")
    with pytest.raises(CaptureError, match=r"stored transposed.*spec.json places 16 channels"):
        open_dichasus_capture(tmp_path, "run.tfrecords", row=0)


def test_a_nan_position_is_refused_naming_its_record(tmp_path):
    point = ue_point(0.0, 2.0)
    write_dataset(tmp_path, {"run": [point, np.array([np.nan, point[1], point[2]]), point]}, 64)
    with pytest.raises(CaptureError, match=r"record 1 has a NaN or infinite UE position"):
        open_dichasus_capture(tmp_path, "run.tfrecords", row=0)


def test_a_dataset_written_by_the_independent_tfrecord_package_reads_the_same(tmp_path):
    """The same records written by the tfrecord package (its own Example encoding, framing
    and masked CRC-32C) and by ours: our reader gives the same positions and CSI."""
    points = [ue_point(-0.3, 2.0), ue_point(0.2, 1.5), ue_point(0.5, 2.5)]
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    write_dataset(ours, {"run": points}, 64)
    write_dataset(theirs, {"run": points}, 64, writer="tfrecord")
    a, b = (open_dichasus_capture(f, "run.tfrecords", row=0, offsets="reftx-offsets-run.json")
            for f in (ours, theirs))  # fmt: skip
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.read(0, 3), b.read(0, 3))
    np.testing.assert_array_equal(a.reference_offsets, b.reference_offsets)


def test_the_rows_a_linear_model_leaves_out_are_said(dataset):
    """The synthetic array has 2 rows of 8 channels: row 0 is used and the capture says the
    other 8 channels are not (they were ignored without a word)."""
    capture = open_dichasus_capture(dataset[0], "run.tfrecords", row=0)
    assert capture.num_antennas == 8
    (note,) = capture.notes
    assert "2 rows of channels: one row (8 channels" in note and "the 8 channels" in note


def test_a_planar_array_is_refused_unless_a_row_is_named(dataset, tmp_path):
    """row None (the config's default) takes an array's only row of channels; the 2 x 8
    synthetic array is planar, which the linear model does not support."""
    with pytest.raises(CaptureError, match=r"antennas\[0\] is a planar array \(2 rows of "
                                           r"channels, 16 channels\); planar arrays are not "
                                           r"supported.*set measured.dichasus.row"):  # fmt: skip
        open_dichasus_capture(dataset[0], "run.tfrecords")

    def one_row(f):  # the second row's cells emptied: a linear array
        spec = json.loads((f / "spec.json").read_text())
        spec["antennas"][0]["assignments"][1] = [-1] * 8
        (f / "spec.json").write_text(json.dumps(spec))

    capture = open_dichasus_capture(_spoil(dataset[0], tmp_path, one_row), "run.tfrecords")
    assert capture.num_antennas == 8 and capture.notes == ()


def test_the_element_spacing_is_spec_jsons_and_a_disagreeing_config_is_refused(tmp_path):
    """A dataset whose true spacing is 0.10 m (spec.json's spacingX/spacingY): read with no
    configured spacing, every element-to-UE distance is the 3-D geometry's; the pages'
    0.118 m configured against it is refused (it made a 22 cm held-out error)."""
    points = [ue_point(-0.3, 2.0), ue_point(0.4, 1.6)]
    write_dataset(tmp_path, {"run": points}, 64, spacing=0.10)
    capture = open_dichasus_capture(tmp_path, "run.tfrecords", row=1)
    d3 = np.linalg.norm(elements_3d(0.10)[ASSIGNMENTS[1]][None] - np.array(points)[:, None],
                        axis=2)  # fmt: skip
    d2 = np.stack([distances(p, capture.antenna_positions) for p in capture.positions])
    np.testing.assert_allclose(d2, d3, rtol=0, atol=1e-12)
    same = open_dichasus_capture(tmp_path, "run.tfrecords", row=1, element_spacing=[0.10, 0.10])
    np.testing.assert_array_equal(same.antenna_positions, capture.antenna_positions)
    with pytest.raises(CaptureError, match=r"spacingX is 0.1 m, but the config's "
                                           r"element_spacing gives 0.118 m"):  # fmt: skip
        open_dichasus_capture(tmp_path, "run.tfrecords", row=1, element_spacing=[0.118, 0.118])
    bare = tmp_path / "bare"
    write_dataset(bare, {"run": points}, 64, spacing=0.10, spacing_in_spec=False)
    with pytest.raises(CaptureError, match="gives no spacingX/spacingY and the config's "
                                           "element_spacing is null"):  # fmt: skip
        open_dichasus_capture(bare, "run.tfrecords", row=1)
    given = open_dichasus_capture(bare, "run.tfrecords", row=1, element_spacing=0.10)
    np.testing.assert_array_equal(given.antenna_positions, capture.antenna_positions)
    spec = json.loads((bare / "spec.json").read_text())
    spec["antennas"][0]["spacingY"] = "0.1"
    (bare / "spec.json").write_text(json.dumps(spec))
    with pytest.raises(CaptureError, match=r"antennas\[0\].spacingY must be a positive "
                                           r"spacing \[m\].*got '0.1'"):  # fmt: skip
        open_dichasus_capture(bare, "run.tfrecords", row=1, element_spacing=0.10)


def test_a_corrupt_position_fails_its_crc_before_any_csi_is_read(dataset, tmp_path):
    """The ground truth is read CRC-checked too: a flipped byte in record 2's position
    (it would have been a plausible wrong ground truth) is refused when the capture opens."""

    def flip(f):
        data = bytearray(f.joinpath("run.tfrecords").read_bytes())
        offset, length = record_index(f / "run.tfrecords")[2]
        position = bytes(data[offset:offset + length]).find(b"pos-tachy")
        data[offset + position + 40] ^= 0x01  # inside the float64 position that follows
        f.joinpath("run.tfrecords").write_bytes(bytes(data))

    with pytest.raises(CaptureError, match="record 2 fails its CRC"):
        open_dichasus_capture(_spoil(dataset[0], tmp_path, flip), "run.tfrecords", row=0)
