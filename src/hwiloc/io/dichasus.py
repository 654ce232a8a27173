"""Captures from a DICHASUS dataset (University of Stuttgart), read without TensorFlow.

What a DICHASUS dataset folder holds (the dataset pages and tutorials of the
DICHASUS channel sounder, Institute of Telecommunications, University of
Stuttgart, https://dichasus.inue.uni-stuttgart.de: the pages of
dichasus-000x, -015x and -cf0x, and the tutorial "Compensating for the
Reference Transmitter Channel", read 2026-12-02):

- ``*.tfrecords``: one ``tf.train.Example`` per measurement (read by
  :mod:`hwiloc.io.tfrecord`). Feature ``csi`` is a serialized float32 tensor
  [channels, 1024, 2] (real, imaginary) in FFT order; the position feature
  (``pos-tachy``: the tachymeter's, float64 [3], in metres, in the dataset's
  Cartesian frame) is the ground truth.
- ``spec.json``: ``frequency`` (carrier) [Hz], ``bandwidth`` [Hz] and
  ``antennas``, one entry per array with ``assignments`` (rows of channel
  indices, top row first, as the pages' "Antenna Channel Assignments"
  tables), ``location`` (the array's centre) [m] and its orientation:
  ``rightvector`` and ``upvector`` (the pages: "points to the right when
  looking at the array from the front", "points upwards"), or, in the older
  datasets, ``direction`` (the way the array faces; its up is then +z).
- ``reftx-offsets-<name>.json``: per channel ``sto`` and ``cpo``, the
  reference transmitter's sampling-time and carrier-phase offsets, which the
  tutorials remove by multiplying the fftshifted CSI of channel n by
  exp(j (sto_n 2 pi k / 1024 + cpo_n)), k = 0 .. 1023.

The mapping used here:

- **Subcarriers.** After ``fftshift`` the index k = 0 .. K-1 (K = 1024) is the
  frequency f_c + (k - K/2) W / K, W the bandwidth: subcarrier indices
  -K/2 .. K/2 - 1 of spacing W / K (48.83 kHz at 50 MHz) about
  ``frequency``.
- **Elements.** One row ``row`` of array ``array`` is used: a uniform linear
  array. Element c of row r sits at location + (c - (C-1)/2) s_h right +
  ((R-1)/2 - r) s_v up, for R rows of at most C channels and spacings
  (s_h, s_v): the array's ``spacingX`` and ``spacingY`` in ``spec.json``
  (dichasus-dcxx: 0.04364 m, half a wavelength at 3.438 GHz), or
  ``element_spacing`` where the file gives none. A spacing given both ways
  must agree (to 0.1 %). An empty cell (a negative index) keeps its column
  free.
- **Planar arrays.** The calibration's model is a linear array. An array
  with channels in more than one row is refused unless ``row`` names the row
  to use; the channels of its other rows are then left out, and the capture's
  notes say so.
- **Frame.** The capture's frame is the row's: x along ``right`` from the
  row's centre, and y the UE's distance from the row's axis,
  sqrt(((p - o).n)^2 + ((p - o).up)^2) with n = right x up (the way the
  array faces). For elements on one line this is exact: every element-to-UE
  distance is that of the 3-D geometry, so the UE height enters it and is not
  dropped. A UE behind the array's plane ((p - o).n <= 0) is refused.
- **Reference offsets.** The phase each channel adds, -(sto_n 2 pi k / K +
  cpo_n), becomes the capture's ``reference_offsets``: the calibration's
  estimates are compared with them (up to a common phase). The CSI is read
  raw: the reference offsets are not applied.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from hwiloc.io.csi import Capture, CaptureError
from hwiloc.io.tfrecord import (
    TFRecordError,
    example_features,
    parse_example,
    parse_feature,
    parse_tensor,
    read_record,
    record_index,
)
from hwiloc.ofdm import OfdmGrid

CSI_FEATURE = "csi"


def _load_json(path: Path, what: str) -> dict:
    if not path.is_file():
        raise CaptureError(f"{path}: missing ({what})")
    try:
        content = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CaptureError(f"{path}: not a readable JSON file ({error})") from None
    if not isinstance(content, dict):
        raise CaptureError(f"{path}: a JSON {type(content).__name__}; expected an object "
                           f"({what})")  # fmt: skip
    return content


def _numbers(path: Path, table: dict, key: str, count: int) -> np.ndarray:
    """``table[key]`` as ``count`` finite numbers, or a CaptureError naming the file and key."""
    value = table.get(key)
    if not isinstance(value, list) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        raise CaptureError(f"{path}: '{key}' must be a list of {count} numbers (one per "
                           f"channel), got {str(value)[:80]!r}")  # fmt: skip
    array = np.asarray(value, dtype=float)
    if array.shape != (count,) or not np.all(np.isfinite(array)):
        raise CaptureError(f"{path}: 'sto' and 'cpo' must be {count} finite numbers each (one "
                           f"per channel), got {array.shape} in '{key}'")  # fmt: skip
    return array


def channel_map(spec_file: Path, rows: list, where: str) -> None:
    """Refuse an assignment that is not a channel map: every entry an integer (a negative
    one an empty place), no channel twice in the array."""
    seen = {}
    for r, entries in enumerate(rows):
        for c, v in enumerate(entries):
            if isinstance(v, bool) or not isinstance(v, int):
                raise CaptureError(
                    f"{spec_file}: {where}.assignments[{r}][{c}] is {v!r} "
                    f"({type(v).__name__}); expected a channel index, an integer (negative: "
                    "no antenna there)"
                )
            if v >= 0 and v in seen:
                raise CaptureError(
                    f"{spec_file}: {where}.assignments lists channel {v} twice, at "
                    f"[{seen[v][0]}][{seen[v][1]}] and [{r}][{c}]; expected each channel once"
                )
            seen.setdefault(v, (r, c))


def _vector(spec_file: Path, entry: dict, key: str, where: str) -> np.ndarray:
    value = np.asarray(entry[key], dtype=float) if key in entry else None
    if value is None or value.shape != (3,) or not np.all(np.isfinite(value)):
        raise CaptureError(f"{spec_file}: {where}.{key} must be 3 finite numbers, got "
                           f"{entry.get(key)!r}")  # fmt: skip
    return value


SPACING_TOLERANCE = 1e-3  # relative disagreement of a configured and a spec.json spacing [-]


def element_spacing_of(spec_file: Path, entry: dict, where: str, configured) -> np.ndarray:
    """(s_h, s_v) [m]: the array's ``spacingX``/``spacingY``, checked against ``configured``.

    ``configured`` (a number, a pair or None) fills in what the file does not
    give; where both give a spacing they must agree to ``SPACING_TOLERANCE``.
    """
    given = np.full(2, np.nan) if configured is None else np.broadcast_to(
        np.asarray(configured, dtype=float), (2,)).copy()  # fmt: skip
    spacing = given.copy()
    for i, key in enumerate(("spacingX", "spacingY")):
        if key not in entry:
            continue
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            np.isfinite(value) and 0 < value <= 10
        ):
            raise CaptureError(f"{spec_file}: {where}.{key} must be a positive spacing [m] "
                               f"(at most 10), got {value!r}")  # fmt: skip
        if np.isfinite(given[i]) and abs(given[i] - value) > SPACING_TOLERANCE * value:
            raise CaptureError(
                f"{spec_file}: {where}.{key} is {value} m, but the config's element_spacing "
                f"gives {given[i]} m; expected them to agree (set element_spacing: null to "
                "take the file's)"
            )
        spacing[i] = float(value)
    if not np.all(np.isfinite(spacing)):
        raise CaptureError(
            f"{spec_file}: {where} gives no spacingX/spacingY and the config's "
            "element_spacing is null; expected one of them: [horizontal, vertical] [m]"
        )
    return spacing


def array_geometry(
    spec_file: Path, spec: dict, array: int, row: int | None, element_spacing
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """Channels, 2-D element positions and the frame of row ``row`` of array ``array``.

    ``row`` None takes the array's only row of channels and refuses a planar
    array. ``element_spacing`` (None: from ``spec.json``) as in
    :func:`element_spacing_of`.

    Returns (channels [N] int, antenna_positions [N, 2] m, origin [3] m,
    axes {"right", "normal", "up": [3] unit vectors}).
    """
    arrays = spec.get("antennas")
    if not isinstance(arrays, list) or not arrays:
        raise CaptureError(f"{spec_file}: 'antennas' must be a non-empty list of arrays")
    if not 0 <= array < len(arrays):
        raise CaptureError(
            f"{spec_file}: array {array} was asked for; the file has {len(arrays)} "
            f"(0 .. {len(arrays) - 1})"
        )
    entry, where = arrays[array], f"antennas[{array}]"
    rows = entry.get("assignments")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise CaptureError(f"{spec_file}: {where}.assignments must be a list of rows")
    channel_map(spec_file, rows, where)
    if row is None:
        used = [r for r, entries in enumerate(rows) if any(v >= 0 for v in entries)]
        if len(used) != 1:
            raise CaptureError(
                f"{spec_file}: {where} is a planar array ({len(used)} rows of channels, "
                f"{sum(v >= 0 for r in rows for v in r)} channels); planar arrays are not "
                "supported (the calibration's model is a linear array): set "
                f"measured.dichasus.row to one row, 0 .. {len(rows) - 1}, to use its channels "
                "alone"
            )
        row = used[0]
    if not 0 <= row < len(rows):
        raise CaptureError(
            f"{spec_file}: row {row} was asked for; {where} has {len(rows)} row(s)"
        )
    cells = [(c, v) for c, v in enumerate(rows[row]) if v >= 0]
    if len(cells) < 2:
        raise CaptureError(f"{spec_file}: {where}.assignments[{row}] has {len(cells)} "
                           "channel(s); expected >= 2 (a linear array)")  # fmt: skip
    location = _vector(spec_file, entry, "location", where)
    if "rightvector" in entry or "upvector" in entry:
        right = _vector(spec_file, entry, "rightvector", where)
        up = _vector(spec_file, entry, "upvector", where)
    elif "direction" in entry:
        normal = _vector(spec_file, entry, "direction", where)
        up = np.array([0.0, 0.0, 1.0])
        right = np.cross(up, normal)
    else:
        raise CaptureError(
            f"{spec_file}: {where} has neither rightvector/upvector nor direction: "
            "the array's orientation is unknown"
        )
    norms = np.linalg.norm(right), np.linalg.norm(up)
    if min(norms) == 0 or abs(float(np.dot(right, up))) > 1e-3 * norms[0] * norms[1]:
        raise CaptureError(f"{spec_file}: {where}'s right and up vectors must be nonzero and "
                           "orthogonal")  # fmt: skip
    right, up = right / norms[0], up / norms[1]
    normal = np.cross(right, up)
    spacing = element_spacing_of(spec_file, entry, where, element_spacing)
    num_rows, num_cols = len(rows), max(len(r) for r in rows)
    origin = location + ((num_rows - 1) / 2 - row) * spacing[1] * up
    columns = np.array([c for c, _ in cells], dtype=float)
    positions = np.stack([(columns - (num_cols - 1) / 2) * spacing[0], np.zeros(len(cells))], 1)
    channels = np.array([v for _, v in cells], dtype=int)
    return channels, positions, origin, {"right": right, "normal": normal, "up": up}


def ue_positions(source: str, points: np.ndarray, origin, axes, first_record: int) -> np.ndarray:
    """3-D ground truth [num, 3] -> the row's 2-D frame (x, distance from the row's axis). [m]

    Refuses a UE behind or in the array's plane, naming the record.
    """
    rel = np.asarray(points, dtype=float) - origin
    x, front, height = rel @ axes["right"], rel @ axes["normal"], rel @ axes["up"]
    behind = np.flatnonzero(front <= 0)
    if len(behind):
        i = int(behind[0])
        raise CaptureError(
            f"{source}: record {first_record + i} has its UE at {points[i].tolist()} m, "
            f"{-front[i]:.3g} m behind the array's plane (or in it); expected a UE in front "
            "of the array (its facing direction right x up)"
        )
    return np.stack([x, np.hypot(front, height)], axis=1)


def _tensor(feature: tuple[str, object], name: str) -> np.ndarray:
    """The array of a parsed feature: a serialized tensor (one bytes value) or a FloatList."""
    kind, values = feature
    if kind == "bytes" and len(values) == 1:
        return parse_tensor(values[0])
    if kind == "float":
        return np.asarray(values, dtype=float)
    raise ValueError(f"feature '{name}' is {kind} with {len(values)} value(s), not a tensor")


def open_dichasus_capture(
    folder: str | Path,
    tfrecords: str,
    *,
    offsets: str = "",
    first_record: int = 0,
    num_records: int = 0,
    array: int = 0,
    row: int | None = None,
    element_spacing=None,
    position_feature: str = "pos-tachy",
    name: str = "dichasus",
) -> Capture:
    """A capture: records ``first_record`` .. of ``folder/tfrecords``, row ``row`` of ``array``.

    Parameters
    ----------
    folder : path
        The dataset folder: ``spec.json``, the ``.tfrecords`` and offset files.
    tfrecords : str
        The TFRecord file of the capture, relative to ``folder``.
    offsets : str
        Its ``reftx-offsets-*.json`` (relative to ``folder``), or "" for none:
        the capture then has no reference offsets.
    first_record, num_records : int
        The records that make up the capture (0 records = to the end). [-]
    array : int
        Which array of ``spec.json``. [-]
    row : int or None
        Which row of its assignments; None takes its only row of channels
        and refuses a planar array. [-]
    element_spacing : None, float or (float, float)
        Horizontal and vertical element spacing (s_h, s_v), or None to take
        the array's ``spacingX``/``spacingY`` from ``spec.json``; where both
        are given they must agree. [m]
    position_feature : str
        The ground-truth feature: a 3-D position [m].
    name : str
        Capture name (from config).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CaptureError(f"{folder}: no such folder (the DICHASUS dataset)")
    spec_file = folder / "spec.json"
    spec = _load_json(spec_file, "the dataset's spec.json: frequency, bandwidth, antennas")
    for key in ("frequency", "bandwidth"):
        value = spec.get(key)
        if not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
            raise CaptureError(f"{spec_file}: '{key}' must be a positive number [Hz], "
                               f"got {value!r}")  # fmt: skip
    channels, antennas, origin, axes = array_geometry(spec_file, spec, array, row, element_spacing)
    path = folder / tfrecords
    source = str(path)
    if not path.is_file():
        raise CaptureError(f"{source}: no such TFRecord file")
    try:
        index = record_index(path)
    except TFRecordError as error:
        raise CaptureError(str(error)) from None
    last = len(index) if num_records == 0 else first_record + num_records
    if first_record < 0 or last > len(index) or last <= first_record:
        raise CaptureError(
            f"{source}: has {len(index)} records; records {first_record} .. {last - 1} "
            "were asked for"
        )
    index = index[first_record:last]
    points = []
    try:
        with path.open("rb") as f:
            for i, (offset, length) in enumerate(index):
                record = read_record(f, source, first_record + i, offset, length)  # CRC checked
                found = example_features(io.BytesIO(record), 0, length, {position_feature})
                if position_feature not in found:
                    raise CaptureError(
                        f"{source}: record {first_record + i} has no feature "
                        f"'{position_feature}' (the ground truth)"
                    )
                point = _tensor(parse_feature(found[position_feature]), position_feature)
                if point.shape != (3,):
                    raise CaptureError(
                        f"{source}: record {first_record + i}: '{position_feature}' must be a "
                        f"3-D position [m], got shape {point.shape}"
                        + ("; a 2-D feature has no UE height, which the distances need"
                           if point.shape == (2,) else "")
                    )  # fmt: skip
                if not np.all(np.isfinite(point)):
                    raise CaptureError(
                        f"{source}: record {first_record + i} has a NaN or infinite UE "
                        f"position {point.tolist()} ('{position_feature}'); expected 3 finite "
                        "numbers [m]"
                    )
                points.append(point)
            first = parse_example(read_record(f, source, first_record, *index[0]))
            if CSI_FEATURE not in first:
                raise CaptureError(f"{source}: record {first_record} has no feature 'csi'; "
                                   f"it has {sorted(first)}")  # fmt: skip
            shape = _tensor(first[CSI_FEATURE], CSI_FEATURE).shape
    except CaptureError:
        raise
    except TFRecordError as error:  # names the file and the record: truncated, a bad CRC
        raise CaptureError(str(error)) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise CaptureError(f"{source}: not a DICHASUS TFRecord file ({error})") from None
    if len(shape) != 3 or shape[2] != 2 or shape[0] <= channels.max():
        raise CaptureError(
            f"{source}: csi has shape {shape}; expected [channels > {channels.max()}, "
            "subcarriers, 2] (real, imaginary)"
        )
    placed = 1 + max(v for entry in spec["antennas"] for r in entry.get("assignments", [])
                     for v in r if isinstance(v, int) and not isinstance(v, bool))  # fmt: skip
    declared = None  # the channel count the offsets file gives, when there is one
    if offsets and (folder / offsets).is_file():
        try:
            declared = len(json.loads((folder / offsets).read_text()).get("sto", []))
        except (ValueError, AttributeError, TypeError):
            declared = None  # its own check below names what is wrong
    transposed = shape[1] == declared != shape[0] if declared else (
        shape[0] > shape[1] >= placed)  # fmt: skip
    if transposed:
        raise CaptureError(
            f"{source}: csi has shape {shape}: it reads as stored transposed, [subcarriers "
            f"{shape[0]}, channels {shape[1]}, 2]"
            + (f" (the offsets give {declared} channels)" if declared else
               f" (more rows than columns, and spec.json places {placed} channels)")
            + "; expected [channels, subcarriers, 2], as DICHASUS writes it"
        )  # fmt: skip
    num_subcarriers = shape[1]
    grid = OfdmGrid(
        carrier_frequency=float(spec["frequency"]),
        subcarrier_spacing=float(spec["bandwidth"]) / num_subcarriers,
        num_subcarriers=num_subcarriers,
        first_subcarrier_index=-(num_subcarriers // 2),
    )
    positions = ue_positions(source, np.array(points), origin, axes, first_record)
    reference = None
    if offsets:
        table = _load_json(folder / offsets, "the reference transmitter's offsets sto and cpo")
        sto, cpo = (_numbers(folder / offsets, table, k, shape[0]) for k in ("sto", "cpo"))
        k = np.arange(num_subcarriers)
        reference = -(sto[channels, None] * 2 * np.pi * k / num_subcarriers + cpo[channels, None])

    def read(start: int, stop: int) -> np.ndarray:
        out = np.empty((stop - start, len(channels), num_subcarriers), dtype=np.complex64)
        i = start
        try:
            with path.open("rb") as f:
                for i in range(start, stop):  # one protobuf per record: I/O bound
                    record = parse_example(read_record(f, source, first_record + i, *index[i]))
                    if CSI_FEATURE not in record:
                        raise ValueError("no feature 'csi'")
                    csi = _tensor(record[CSI_FEATURE], CSI_FEATURE)
                    if csi.shape != shape:
                        raise ValueError(f"csi has shape {csi.shape}; record "
                                         f"{first_record} has {shape}")  # fmt: skip
                    out[i - start] = np.fft.fftshift(
                        csi[channels, :, 0] + 1j * csi[channels, :, 1], axes=1
                    )
        except (TFRecordError, ValueError, OSError) as error:
            raise CaptureError(
                f"{source}: record {first_record + i} is unreadable ({error})"
            ) from None
        return out

    rows = spec["antennas"][array]["assignments"]
    used_rows = [r for r, entries in enumerate(rows) if any(v >= 0 for v in entries)]
    unused = sum(1 for entries in rows for v in entries if v >= 0) - len(channels)
    notes = (
        (f"array {array} of {spec_file} has {len(used_rows)} rows of channels: one row "
         f"({len(channels)} channels, measured.dichasus.row) is used, the model being a linear "
         f"array; the {unused} channels of its other rows are not",) if unused else ()
    )  # fmt: skip
    return Capture(name, source, antennas, grid, positions, read, reference_offsets=reference,
                   notes=notes)  # fmt: skip
