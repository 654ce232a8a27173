"""Testbed emulator: captures like the KU Leuven massive MIMO testbed's (Sec. V-A).

The emulated hardware (one seed) has per-antenna phase offsets
phi^a_n ~ U(-Delta, Delta) and per antenna-and-subcarrier offsets
phi^f_nk ~ N(mu, sigma^2), the same in every capture of that testbed, and a
room with a few point scatterers. A capture at UE position p is

    r~_nk(l) = e^{j theta(l)} [ e^{-j w_k d_n(p)} + sum_m b_m e^{-j w_k (|p - s_m| + |s_m - a_n|)} ]
               e^{j phi^f_nk} e^{j phi^a_n} + w_nk(l)          (eqs. (1)-(2) plus multipath)

with w_k = 2 pi f_k / c, theta(l) an optional slow common phase drift (a random
walk), w_nk(l) ~ CN(0, 10^(-snr_db/10)) and the MoCap ground truth p + N(0,
sigma_mocap^2 I) recorded for every symbol. Three residual mechanisms of a real
testbed, each off at zero: a MoCap-to-array registration offset (the testbed's),
a per-antenna phase drift between captures, and diffuse multipath of
independent zero-mean phases (each capture's).

Every random quantity draws from its own named stream (:mod:`hwiloc.streams`):
the hardware's (:data:`HARDWARE_STREAMS`) from the testbed's seed entropy, a
capture's (:data:`CAPTURE_STREAMS`) from the capture's; the file records both
entropies and the stream names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import h5netcdf
import numpy as np
import xarray as xr

from hwiloc.geometry import distances
from hwiloc.impairments.phase_offsets import (
    OFFSET_STREAMS,
    frequency_phase_offsets,
    spatial_phase_offsets,
)
from hwiloc.io.atomic import atomic_path
from hwiloc.io.csi import CSI_DIMS
from hwiloc.io.netcdf import ATTRIBUTES, finalize
from hwiloc.ofdm import OfdmGrid
from hwiloc.streams import as_entropy, stream, stream_attrs
from hwiloc.validation import require_positive_int

HARDWARE_STREAMS = {
    "spatial_offsets": OFFSET_STREAMS["spatial"],
    "frequency_offsets": OFFSET_STREAMS["frequency"],
    "scatterers": "scatterer_position",
    "scatterer_gains": "scatterer_phase",
    "registration_offset": "registration_offset",
}
"""Each random field of :class:`Hardware` -> the name of the stream it draws from."""
CAPTURE_STREAMS = {
    "common_phase_drift": "phase_drift",
    "ue_position": "mocap_noise",
    "csi": "receiver_noise",
    "antenna_phase_drift": "antenna_phase_drift",
    "diffuse_multipath": "diffuse_multipath",
}
"""Each random variable of a capture file -> the name of the stream it draws from."""


@dataclass(frozen=True)
class Hardware:
    """One emulated testbed: its phase offsets, its room's scatterers and its seed."""

    spatial_offsets: np.ndarray  # [N], rad
    frequency_offsets: np.ndarray  # [N, K], rad
    scatterers: np.ndarray  # [M, 2], m
    scatterer_gains: np.ndarray  # [M], complex, relative to the LoS
    seed_entropy: tuple[int, ...] = ()  # what it was drawn from (empty: not drawn)
    registration_offset: tuple[float, float] = (0.0, 0.0)  # MoCap frame minus array frame, m


def emulate_hardware(
    entropy,
    num_antennas: int,
    num_subcarriers: int,
    *,
    spatial_offset_std: float,
    frequency_offset_mean: float,
    frequency_offset_std: float,
    num_scatterers: int,
    scatterer_power_db: float,
    room: dict,
    registration_offset_std: float = 0.0,
) -> Hardware:
    """Draw a testbed's hardware offsets and room (fixed for all its captures).

    Each field draws from its own stream of ``entropy`` (an int or a sequence of
    int; names in :data:`HARDWARE_STREAMS`): the offsets do not change with the
    number of scatterers, and scatterer m is the same for every larger M. The
    MoCap-to-array registration offset, N(0, registration_offset_std^2 I) [m], is
    the testbed's too: every capture's ground truth is off by it.
    """
    entropy = as_entropy(entropy)
    rng = {field: stream(entropy, name) for field, name in HARDWARE_STREAMS.items()}
    spatial = spatial_phase_offsets(rng["spatial_offsets"], num_antennas, spatial_offset_std)
    freq = frequency_phase_offsets(
        rng["frequency_offsets"], num_antennas, num_subcarriers, frequency_offset_std,
        frequency_offset_mean,
    )  # fmt: skip
    low, high = [room["x_min"], room["y_min"]], [room["x_max"], room["y_max"]]
    scatterers = rng["scatterers"].uniform(low, high, (num_scatterers, 2))  # (x, y) per scatterer
    phase = 2 * np.pi * rng["scatterer_gains"].uniform(size=num_scatterers)
    gains = 10 ** (scatterer_power_db / 20) * np.exp(1j * phase)
    offset = registration_offset_std * rng["registration_offset"].standard_normal(2)
    return Hardware(spatial, freq, scatterers, gains, entropy, tuple(float(v) for v in offset))


def noise_free_csi(
    position: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid, hardware: Hardware
) -> np.ndarray:
    """LoS plus single-bounce multipath with the hardware offsets, [N, K] complex."""
    w = grid.wavenumbers
    csi = np.exp(-1j * np.outer(distances(position, antenna_positions), w))  # Eq. (1)
    if len(hardware.scatterers):
        to_scatterer = distances(position, hardware.scatterers)  # [M]
        from_scatterer = distances(hardware.scatterers, antenna_positions)  # [M, N]
        path = to_scatterer[:, None] + from_scatterer  # [M, N]
        csi = csi + np.einsum(
            "m,mnk->nk", hardware.scatterer_gains, np.exp(-1j * path[..., None] * w)
        )
    return csi * np.exp(
        1j * (hardware.frequency_offsets + hardware.spatial_offsets[:, None])
    )  # Eq. (2)


def write_capture(
    path: str | Path,
    *,
    name: str,
    position: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    hardware: Hardware,
    num_symbols: int,
    sampling_rate: float,
    snr_db: float,
    phase_drift_std: float,
    mocap_noise_std: float,
    entropy,
    chunk_symbols: int = 500,
    config: dict | None = None,
    antenna_drift_std: float = 0.0,
    diffuse_power: float = 0.0,
) -> Path:
    """Emulate one capture and write it as NetCDF, streaming over symbols (complex64).

    The drift, the MoCap readings and the receiver noise draw from their own
    streams of ``entropy`` (:data:`CAPTURE_STREAMS`), symbol after symbol: symbol
    l's values are the same for any L and any ``chunk_symbols``. The file's
    attributes ``seed_entropy``, ``hardware_seed_entropy`` and ``random_streams``
    say where each value came from.

    Parameters
    ----------
    position : [2], float
        True UE position. [m]
    num_symbols : int
        L. [-]
    sampling_rate : float
        CSI rate f_s (Table I: 2 kHz). [Hz]
    snr_db : float
        Per-sample SNR of the LoS component. [dB]
    phase_drift_std : float
        Std of the common phase random walk per sqrt(second); 0 for none. [rad/sqrt(s)]
    mocap_noise_std : float
        Std of each MoCap coordinate. [m]
    entropy : int or sequence of int
        Seed entropy of the capture, e.g. [testbed seed, capture index + 1]. [-]
    antenna_drift_std : float
        Std of each antenna's phase drift since the hardware was drawn, N(0, std^2) per
        antenna and capture (a slow per-antenna drift: captures taken at other times see
        other phases, which a calibration on one capture does not remove). [rad]
    diffuse_power : float
        Power of diffuse multipath relative to the LoS: CN(0, diffuse_power) per antenna
        and subcarrier, independent, static over the capture. [-]

    The MoCap readings are the true position plus the hardware's registration offset
    plus their own noise. With the three mechanisms at zero the capture is that of the
    emulator without them, value for value (each draws from its own stream).
    """
    require_positive_int("num_symbols", num_symbols)
    entropy = as_entropy(entropy)
    rng = {var: stream(entropy, name) for var, name in CAPTURE_STREAMS.items()}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    num_antennas, num_subcarriers = len(antenna_positions), grid.num_subcarriers
    clean = noise_free_csi(position, antenna_positions, grid, hardware)
    if antenna_drift_std:
        drift_n = antenna_drift_std * rng["antenna_phase_drift"].standard_normal(num_antennas)
        clean = clean * np.exp(1j * drift_n)[:, None]
    if diffuse_power:
        pairs = rng["diffuse_multipath"].standard_normal((num_antennas, num_subcarriers, 2))
        clean = clean + np.sqrt(diffuse_power / 2) * (pairs[..., 0] + 1j * pairs[..., 1])
    steps = rng["common_phase_drift"].standard_normal(num_symbols) * phase_drift_std
    drift = np.cumsum(steps / np.sqrt(sampling_rate))
    registered = np.asarray(position, dtype=float) + np.asarray(hardware.registration_offset)
    mocap = registered + mocap_noise_std * rng["ue_position"].standard_normal((num_symbols, 2))
    noise_std = np.sqrt(10 ** (-snr_db / 10) / 2)
    meta = finalize(
        xr.Dataset(),
        title=f"emulated testbed capture '{name}'",
        study="zhang2025",
        rule="emulate_capture",
        references="Zhang et al. (2025), eqs. (1)-(2), Sec. V-A (testbed emulation)",
        config=config,
    )
    with atomic_path(path) as tmp, h5netcdf.File(tmp, "w", invalid_netcdf=True) as f:
        f.dimensions = {"antenna": num_antennas, "subcarrier": num_subcarriers,
                        "symbol": num_symbols, "axis": 2}  # fmt: skip
        f.attrs.update(meta.attrs)
        f.attrs.update(capture=name, sampling_rate_hz=float(sampling_rate), snr_db=float(snr_db))
        f.attrs["seed_entropy"] = np.array(entropy, dtype=np.int64)
        f.attrs["registration_offset_m"] = np.asarray(hardware.registration_offset, dtype=float)
        f.attrs.update(antenna_drift_std_rad=float(antenna_drift_std),
                       diffuse_power=float(diffuse_power))  # fmt: skip
        if hardware.seed_entropy:  # a Hardware not from emulate_hardware has none
            f.attrs["hardware_seed_entropy"] = np.array(hardware.seed_entropy, dtype=np.int64)
        f.attrs.update(
            **stream_attrs({
                **{f"{v} (seed_entropy)": s for v, s in CAPTURE_STREAMS.items()},
                **{f"{v} (hardware_seed_entropy)": s for v, s in HARDWARE_STREAMS.items()},
            }),
        )  # fmt: skip
        coords = {
            "antenna": np.arange(num_antennas),
            "subcarrier": grid.subcarrier_indices,
            "symbol": np.arange(num_symbols),
        }
        for dim, values in coords.items():
            var = f.create_variable(dim, (dim,), data=values, fletcher32=True)
            var.attrs.update(ATTRIBUTES.get(dim, {"units": "1", "long_name": dim}))
        f.create_variable("axis", ("axis",), data=np.array([0, 1])).attrs.update(
            units="1", long_name="position axis (0: x, 1: y)"
        )
        for var_name, dims, data in (
            ("antenna_position", ("antenna", "axis"), antenna_positions),
            ("subcarrier_frequency", ("subcarrier",), grid.frequencies),
            ("ue_position", ("symbol", "axis"), mocap),
            ("true_position", ("axis",), np.asarray(position, dtype=float)),
            ("common_phase_drift", ("symbol",), drift),
            ("reference_offset", ("antenna", "subcarrier"),
             hardware.frequency_offsets + hardware.spatial_offsets[:, None]),
        ):
            f.create_variable(var_name, dims, data=data, fletcher32=True).attrs.update(
                ATTRIBUTES[var_name]
            )
        csi = f.create_variable(
            "csi", CSI_DIMS, dtype=np.complex64, fletcher32=True,
            chunks=(num_antennas, num_subcarriers, min(chunk_symbols, num_symbols)),
        )  # fmt: skip
        csi.attrs.update(ATTRIBUTES["csi"])
        for start in range(0, num_symbols, chunk_symbols):
            stop = min(start + chunk_symbols, num_symbols)
            n = stop - start
            z = rng["csi"].standard_normal((n, num_antennas, num_subcarriers, 2))  # symbol major
            noise = noise_std * np.moveaxis(z[..., 0] + 1j * z[..., 1], 0, -1)
            block = clean[..., None] * np.exp(1j * drift[start:stop]) + noise
            csi[:, :, start:stop] = block.astype(np.complex64)
    return path
