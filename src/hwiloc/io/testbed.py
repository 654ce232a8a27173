"""Testbed emulator: captures like the KU Leuven massive MIMO testbed's (Sec. V-A).

The emulated hardware (one seed) has per-antenna phase offsets
phi^a_n ~ U(-Delta, Delta) and per antenna-and-subcarrier offsets
phi^f_nk ~ N(mu, sigma^2), the same in every capture of that testbed, and a
room with a few point scatterers. A capture at UE position p is

    r~_nk(l) = e^{j theta(l)} [ e^{-j w_k d_n(p)} + sum_m b_m e^{-j w_k (|p - s_m| + |s_m - a_n|)} ]
               e^{j phi^f_nk} e^{j phi^a_n} + w_nk(l)          (eqs. (1)-(2) plus multipath)

with w_k = 2 pi f_k / c, theta(l) an optional slow common phase drift (a random
walk), w_nk(l) ~ CN(0, 10^(-snr_db/10)) and the MoCap ground truth p + N(0,
sigma_mocap^2 I) recorded for every symbol.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import h5netcdf
import numpy as np
import xarray as xr

from hwiloc.geometry import distances
from hwiloc.impairments.phase_offsets import frequency_phase_offsets, spatial_phase_offsets
from hwiloc.io.atomic import atomic_path
from hwiloc.io.csi import CSI_DIMS
from hwiloc.io.netcdf import ATTRIBUTES, finalize
from hwiloc.ofdm import OfdmGrid
from hwiloc.validation import require_positive_int


@dataclass(frozen=True)
class Hardware:
    """One emulated testbed: its phase offsets and its room's scatterers."""

    spatial_offsets: np.ndarray  # [N], rad
    frequency_offsets: np.ndarray  # [N, K], rad
    scatterers: np.ndarray  # [M, 2], m
    scatterer_gains: np.ndarray  # [M], complex, relative to the LoS


def emulate_hardware(
    rng: np.random.Generator,
    num_antennas: int,
    num_subcarriers: int,
    *,
    spatial_offset_std: float,
    frequency_offset_mean: float,
    frequency_offset_std: float,
    num_scatterers: int,
    scatterer_power_db: float,
    room: dict,
) -> Hardware:
    """Draw a testbed's hardware offsets and room (fixed for all its captures)."""
    spatial = spatial_phase_offsets(rng, num_antennas, spatial_offset_std)
    freq = frequency_phase_offsets(
        rng, num_antennas, num_subcarriers, frequency_offset_std, frequency_offset_mean
    )
    scatterers = np.column_stack(
        [
            rng.uniform(room["x_min"], room["x_max"], num_scatterers),
            rng.uniform(room["y_min"], room["y_max"], num_scatterers),
        ]
    )
    gains = 10 ** (scatterer_power_db / 20) * np.exp(2j * np.pi * rng.uniform(size=num_scatterers))
    return Hardware(spatial, freq, scatterers, gains)


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
    rng: np.random.Generator,
    chunk_symbols: int = 500,
    config: dict | None = None,
) -> Path:
    """Emulate one capture and write it as NetCDF, streaming over symbols (complex64).

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
    """
    require_positive_int("num_symbols", num_symbols)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    num_antennas, num_subcarriers = len(antenna_positions), grid.num_subcarriers
    clean = noise_free_csi(position, antenna_positions, grid, hardware)
    steps = rng.standard_normal(num_symbols) * phase_drift_std / np.sqrt(sampling_rate)
    drift = np.cumsum(steps)
    mocap = position + mocap_noise_std * rng.standard_normal((num_symbols, 2))
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
        coords = {
            "antenna": np.arange(num_antennas),
            "subcarrier": grid.subcarrier_indices,
            "symbol": np.arange(num_symbols),
        }
        for dim, values in coords.items():
            var = f.create_variable(dim, (dim,), data=values)
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
        ):
            f.create_variable(var_name, dims, data=data).attrs.update(ATTRIBUTES[var_name])
        csi = f.create_variable(
            "csi", CSI_DIMS, dtype=np.complex64,
            chunks=(num_antennas, num_subcarriers, min(chunk_symbols, num_symbols)),
        )  # fmt: skip
        csi.attrs.update(ATTRIBUTES["csi"])
        for start in range(0, num_symbols, chunk_symbols):
            stop = min(start + chunk_symbols, num_symbols)
            n = stop - start
            noise = noise_std * (
                rng.standard_normal((num_antennas, num_subcarriers, n))
                + 1j * rng.standard_normal((num_antennas, num_subcarriers, n))
            )
            block = clean[..., None] * np.exp(1j * drift[start:stop]) + noise
            csi[:, :, start:stop] = block.astype(np.complex64)
    return path
