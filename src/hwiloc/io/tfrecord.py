"""TFRecord files of ``tf.train.Example`` records, read and written without TensorFlow.

The framing (TensorFlow's ``tensorflow/core/lib/io/record_writer.cc`` format):
every record is

- ``uint64`` length, little-endian,
- ``uint32`` masked CRC-32C of those 8 bytes,
- the record's ``length`` bytes,
- ``uint32`` masked CRC-32C of the record,

with mask(c) = ((c >> 15) | (c << 17)) + 0xA282EAD8 (mod 2^32). A record is
a serialized ``tf.train.Example``: protobuf messages ``Example {Features
features = 1}``, ``Features {map<string, Feature> feature = 1}`` (each map
entry a message of key = 1, value = 2) and ``Feature {oneof: BytesList = 1,
FloatList = 2, Int64List = 3}``, each list of ``repeated value = 1``. A
tensor in a bytes feature (``tf.io.serialize_tensor``) is a ``TensorProto``:
dtype = 1 (1: float32, 2: float64, 9: int64), tensor_shape = 2
(``TensorShapeProto {repeated Dim dim = 2}``, ``Dim {int64 size = 1}``),
tensor_content = 4 (the values, little-endian, C order); float_val = 5 and
double_val = 6 (packed) are read too.

Only what these messages use is decoded: varints (wire type 0), 64-bit (1),
length-delimited (2) and 32-bit (5) fields. Every error is a
:class:`TFRecordError` naming the file and the record.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterable
from pathlib import Path

import numpy as np

MASK_DELTA = 0xA282EAD8
TENSOR_DTYPES = {1: np.dtype("<f4"), 2: np.dtype("<f8"), 9: np.dtype("<i8")}
"""TensorFlow's DataType enum values read here -> numpy dtype."""


class TFRecordError(ValueError):
    """A TFRecord file, or a record in it, is malformed."""


@functools.cache
def _crc_table() -> np.ndarray:
    from hwiloc import kernels  # numba only where a file is read or written

    return kernels.crc32c_table()


def _crc(data: bytes) -> int:
    from hwiloc import kernels

    return int(kernels.crc32c(np.frombuffer(data, dtype=np.uint8), _crc_table()))


def masked_crc(data: bytes) -> int:
    """TFRecord's masked CRC-32C of ``data``. [-]"""
    crc = _crc(data)
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + MASK_DELTA) & 0xFFFFFFFF


# --- framing ----------------------------------------------------------------------------------


def record_index(path: str | Path) -> list[tuple[int, int]]:
    """(offset, length) of every record of ``path``: one pass over the 12-byte headers.

    Each header's CRC is checked; the records' own CRCs are checked when they
    are read (:func:`read_record`). Raises TFRecordError on a truncated file.
    """
    path = Path(path)
    index = []
    size = path.stat().st_size
    with path.open("rb") as f:
        offset = 0
        while offset < size:
            header = f.read(12)
            if len(header) < 12:
                raise TFRecordError(
                    f"{path}: truncated after record {len(index) - 1} (a {len(header)}-byte "
                    "header at the end); expected 12 bytes of length and CRC"
                )
            (length,), (crc,) = struct.unpack("<Q", header[:8]), struct.unpack("<I", header[8:])
            if masked_crc(header[:8]) != crc:
                raise TFRecordError(
                    f"{path}: record {len(index)} at byte {offset} has a bad length CRC "
                    "(not a TFRecord file, or corrupt)"
                )
            if offset + 12 + length + 4 > size:
                raise TFRecordError(
                    f"{path}: record {len(index)} at byte {offset} is truncated "
                    f"({length} bytes declared, {size - offset - 16} present)"
                )
            index.append((offset + 12, int(length)))
            offset += 12 + length + 4
            f.seek(offset)
    return index


def read_record(f, path, number: int, offset: int, length: int) -> bytes:
    """The bytes of record ``number`` at ``offset`` of the open file ``f``, CRC checked."""
    f.seek(offset)
    data = f.read(length + 4)
    if len(data) != length + 4:
        raise TFRecordError(f"{path}: record {number} is truncated")
    (crc,) = struct.unpack("<I", data[length:])
    if masked_crc(data[:length]) != crc:
        raise TFRecordError(f"{path}: record {number} fails its CRC (corrupt data)")
    return data[:length]


def frame(record: bytes) -> bytes:
    """One record in TFRecord framing."""
    header = struct.pack("<Q", len(record))
    return (
        header
        + struct.pack("<I", masked_crc(header))
        + record
        + struct.pack("<I", masked_crc(record))
    )


def write_tfrecord(path: str | Path, records: Iterable[bytes]) -> Path:
    """Write serialized records (e.g. :func:`example_bytes`) as a TFRecord file, atomically."""
    from hwiloc.io.atomic import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        for record in records:
            f.write(frame(record))
    return path


# --- protobuf ---------------------------------------------------------------------------------


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("truncated or overlong varint")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def fields(buf: bytes) -> list[tuple[int, int, object]]:
    """(field number, wire type, value) of a protobuf message; value is int or bytes."""
    out, pos = [], 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos : pos + 8], pos + 8
        elif wire == 2:
            size, pos = _varint(buf, pos)
            value, pos = buf[pos : pos + size], pos + size
        elif wire == 5:
            value, pos = buf[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire} (field {number})")
        if pos > len(buf):
            raise ValueError(f"field {number} runs past the end of its message")
        out.append((number, wire, value))
    return out


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (wire type 2)."""
    return _encode_varint(number << 3 | 2) + _encode_varint(len(payload)) + payload


_MESSAGE_1, _MESSAGE_2 = 1 << 3 | 2, 2 << 3 | 2  # keys of length-delimited fields 1 and 2


def example_features(f, offset: int, length: int, wanted: set) -> dict[str, bytes]:
    """The serialized Feature of each key in ``wanted``, skipping the others by seeking.

    Walks the Example's map entries of the record at ``offset`` of the open file
    ``f`` (a DICHASUS ``csi`` entry, 99 % of a record, is skipped unread); the
    values are serialized Features (:func:`parse_feature`). No CRC check (that
    is :func:`read_record`'s).
    """

    def varint() -> int:
        value = shift = 0
        while True:
            byte = f.read(1)
            if not byte:
                raise TFRecordError("record ends inside a varint")
            value |= (byte[0] & 0x7F) << shift
            if byte[0] < 0x80:
                return value
            shift += 7

    f.seek(offset)
    end, out = offset + length, {}
    while f.tell() < end:
        key = varint()
        if key != _MESSAGE_1:  # Example.features
            raise TFRecordError(f"unexpected field key {key} in an Example")
        features_end = varint() + f.tell()
        while f.tell() < features_end:
            if varint() != _MESSAGE_1:
                raise TFRecordError("a Features entry is not a map entry")
            size = varint()
            entry_end = f.tell() + size
            if varint() != _MESSAGE_1:  # the entry's key
                f.seek(entry_end)
                continue
            name = f.read(varint()).decode("utf-8", "replace")
            if name in wanted:
                if varint() != _MESSAGE_2:  # the entry's value
                    raise TFRecordError(f"feature '{name}' has no value")
                out[name] = f.read(varint())
            f.seek(entry_end)
    return out


def parse_example(record: bytes) -> dict[str, tuple[str, object]]:
    """A ``tf.train.Example`` as {name: (kind, values)}.

    kind is ``bytes`` (values: list of bytes), ``float`` (float32 array) or
    ``int64`` (int64 array).
    """
    features = {}
    for number, wire, value in fields(record):
        if number != 1 or wire != 2:
            continue
        for n, w, entry in fields(value):
            if n != 1 or w != 2:
                continue
            key, feature = "", b""
            for en, ew, ev in fields(entry):
                if en == 1 and ew == 2:
                    key = ev.decode("utf-8")
                elif en == 2 and ew == 2:
                    feature = ev
            features[key] = parse_feature(feature)
    return features


def parse_feature(feature: bytes) -> tuple[str, object]:
    """A serialized ``tf.train.Feature`` as (kind, values), as in :func:`parse_example`."""
    for number, wire, value in fields(feature):
        if wire != 2:
            continue
        items = fields(value)
        if number == 1:
            return "bytes", [v for n, w, v in items if n == 1 and w == 2]
        if number == 2:
            packed = b"".join(v for n, w, v in items if n == 1 and w == 2)
            single = b"".join(v for n, w, v in items if n == 1 and w == 5)
            return "float", np.frombuffer(packed + single, dtype="<f4")
        if number == 3:
            values = []
            for n, w, v in items:
                if n == 1 and w == 0:
                    values.append(v)
                elif n == 1 and w == 2:
                    pos = 0
                    while pos < len(v):
                        x, pos = _varint(v, pos)
                        values.append(x)
            return "int64", np.array(values, dtype=np.uint64).astype(np.int64)
    return "bytes", []


def example_bytes(features: dict[str, bytes | float | int | np.ndarray]) -> bytes:
    """Serialize a ``tf.train.Example``: bytes -> BytesList, float -> FloatList, int -> Int64List.

    Entries in key order, as TensorFlow writes a map.
    """
    entries = b""
    for key in sorted(features):
        value = features[key]
        if isinstance(value, bytes):
            feature = _field(1, _field(1, value))
        elif isinstance(value, (int, np.integer)):
            feature = _field(3, _field(1, _encode_varint(int(value) & (2**64 - 1))))
        else:
            packed = np.atleast_1d(np.asarray(value, dtype="<f4")).tobytes()
            feature = _field(2, _field(1, packed))
        entries += _field(1, _field(1, key.encode("utf-8")) + _field(2, feature))
    return _field(1, entries)


def parse_tensor(data: bytes) -> np.ndarray:
    """A serialized ``TensorProto`` (``tf.io.serialize_tensor``) as a numpy array."""
    dtype, shape, content, vals = None, [], None, {5: b"", 6: b""}
    for number, wire, value in fields(data):
        if number == 1 and wire == 0:
            dtype = value
        elif number == 2 and wire == 2:
            for n, w, dim in fields(value):
                if n == 2 and w == 2:
                    size = [v for dn, dw, v in fields(dim) if dn == 1 and dw == 0]
                    shape.append(size[0] if size else 0)
        elif number == 4 and wire == 2:
            content = value
        elif number in vals and wire == 2:
            vals[number] += value
    if dtype not in TENSOR_DTYPES:
        raise ValueError(f"tensor dtype {dtype} is not one of {sorted(TENSOR_DTYPES)}")
    np_dtype = TENSOR_DTYPES[dtype]
    if content is None:
        content = vals[5] if dtype == 1 else vals[6]
    count = int(np.prod(shape)) if shape else 1
    if len(content) != count * np_dtype.itemsize:
        raise ValueError(
            f"tensor of shape {tuple(shape)} holds {len(content)} bytes; expected "
            f"{count * np_dtype.itemsize}"
        )
    return np.frombuffer(content, dtype=np_dtype).reshape(shape)


def tensor_bytes(array: np.ndarray) -> bytes:
    """Serialize a float32, float64 or int64 array as ``tf.io.serialize_tensor`` does."""
    array = np.asarray(array)
    codes = {v.str: k for k, v in TENSOR_DTYPES.items()}
    code = codes.get(array.dtype.newbyteorder("<").str)
    if code is None:
        raise ValueError(f"dtype {array.dtype} is not float32, float64 or int64")
    shape = b"".join(_field(2, _encode_varint(1 << 3) + _encode_varint(n)) for n in array.shape)
    return (
        _encode_varint(1 << 3)
        + _encode_varint(code)
        + _field(2, shape)
        + _field(4, np.ascontiguousarray(array, dtype=TENSOR_DTYPES[code]).tobytes())
    )
