"""A synthetic DICHASUS dataset folder, written byte-exact in that format (tests only).

One array of 2 rows x 8 channels, facing +y rotated by 30 degrees about z, at
1.2 m height; the UE at 0.5 m height, so that its height enters every
distance. The CSI of each record is the LoS channel of the 3-D geometry with
injected per-channel offsets exp(-j (sto_n 2 pi k / K + cpo_n)) (the phase the
dataset's reference offsets remove) and receiver noise, stored in FFT order
(the reader fftshifts it), as float32 [channels, K, 2].
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.io.tfrecord import example_bytes, tensor_bytes, write_tfrecord

CARRIER = 1.272e9  # [Hz], the dataset pages' carrier
BANDWIDTH = 50e6  # [Hz]
SPACING = 0.118  # [m]
ASSIGNMENTS = [[5, 2, 11, 0, 14, 7, 9, 3], [1, 12, 4, 15, 6, 10, 13, 8]]
LOCATION = np.array([1.0, -2.0, 1.2])
_ANGLE = np.deg2rad(30.0)
RIGHT = np.array([np.cos(_ANGLE), np.sin(_ANGLE), 0.0])
UP = np.array([0.0, 0.0, 1.0])
NORMAL = np.cross(RIGHT, UP)


def element_positions(spacing: float = SPACING) -> np.ndarray:
    """3-D position of every channel, [16, 3], as spec.json's geometry places it. [m]"""
    out = np.zeros((16, 3))
    for r, row in enumerate(ASSIGNMENTS):
        for c, channel in enumerate(row):
            out[channel] = LOCATION + (c - 3.5) * spacing * RIGHT + (0.5 - r) * spacing * UP
    return out


def ue_point(x: float, front: float, height: float = 0.5) -> np.ndarray:
    """A 3-D UE position: x along the array, front metres before it, at ``height``. [m]"""
    return LOCATION + x * RIGHT + front * NORMAL + (height - LOCATION[2]) * UP


def write_dataset(
    folder: Path,
    captures: dict[str, list[np.ndarray]],
    num_subcarriers: int = 1024,
    snr_db: float = 20.0,
    seed: int = 3,
    transposed: bool = False,
    writer: str = "ours",
    spacing: float = SPACING,
    spacing_in_spec: bool = True,
) -> dict:
    """Write spec.json, <name>.tfrecords and reftx-offsets-<name>.json per capture.

    ``captures``: name -> the UE's 3-D position of each record. ``transposed``: the CSI
    stored [K, channels, 2], as a wrong writer would (the reader must refuse it).
    ``writer``: ``ours`` (:func:`hwiloc.io.tfrecord.write_tfrecord`) or ``tfrecord`` (the
    independent ``tfrecord`` package's writer: its own Example encoding, framing and CRC;
    the tensors are TensorProto bytes either way). ``spacing``: the array's true element
    spacing [m], written to spec.json as ``spacingX``/``spacingY`` when ``spacing_in_spec``
    (as dichasus-dcxx's spec.json gives it). Returns {"sto", "cpo": [16] the
    injected offsets}.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    sto, cpo = rng.uniform(-3, 3, 16), rng.uniform(-np.pi, np.pi, 16)
    array = {"assignments": ASSIGNMENTS, "location": LOCATION.tolist(),
             "rightvector": RIGHT.tolist(), "upvector": UP.tolist()}  # fmt: skip
    if spacing_in_spec:
        array |= {"spacingX": spacing, "spacingY": spacing}
    spec = {"frequency": CARRIER, "bandwidth": BANDWIDTH, "antennas": [array]}
    (folder / "spec.json").write_text(json.dumps(spec))
    k = np.arange(num_subcarriers)
    freqs = CARRIER + (k - num_subcarriers // 2) * BANDWIDTH / num_subcarriers
    offset = sto[:, None] * 2 * np.pi * k / num_subcarriers + cpo[:, None]
    noise_std = np.sqrt(10 ** (-snr_db / 10) / 2)
    elements = element_positions(spacing)
    for name, points in captures.items():
        records = []
        for point in points:
            d = np.linalg.norm(elements - point, axis=1)
            h = np.exp(-2j * np.pi * freqs * d[:, None] / SPEED_OF_LIGHT - 1j * offset)
            h = h + noise_std * (rng.standard_normal(h.shape) + 1j * rng.standard_normal(h.shape))
            stored = np.fft.ifftshift(h, axes=1)  # FFT order, as the dataset stores it
            csi = np.stack([stored.real, stored.imag], axis=-1).astype(np.float32)
            csi = csi.transpose(1, 0, 2).copy() if transposed else csi
            records.append({
                "csi": tensor_bytes(csi),
                "pos-tachy": tensor_bytes(np.asarray(point, dtype=np.float64)),
                "time": 0.0,
            })  # fmt: skip
        if writer == "tfrecord":
            import tfrecord

            out = tfrecord.TFRecordWriter(str(folder / f"{name}.tfrecords"))
            for r in records:
                out.write({"csi": (r["csi"], "byte"), "pos-tachy": (r["pos-tachy"], "byte"),
                           "time": (r["time"], "float")})  # fmt: skip
            out.close()
        else:
            write_tfrecord(folder / f"{name}.tfrecords", [example_bytes(r) for r in records])
        (folder / f"reftx-offsets-{name}.json").write_text(
            json.dumps({"sto": sto.tolist(), "cpo": cpo.tolist()})
        )
    return {"sto": sto, "cpo": cpo}
