"""Phase-offset calibration of measured CSI, Zhang et al. (2025), Sec. V-B.

Extrinsic calibration with the ground-truth (MoCap) position p(l) of every symbol:

1. Frequency offsets, least squares, eqs. (19)-(20): with the ideal signal
   r_nk(l) = exp(-j 2 pi f_k d_n(p(l)) / c) of eq. (1),
   exp(j phi^f_nk) = r_nk^H r~_nk / r_nk^H r_nk; only its phase is used, and the
   compensation is eq. (21): r^_nk(l) = r~_nk(l) exp(-j phi^f_nk).
2. Spatial offsets after range processing, eqs. (22)-(23): the matched filter
   across subcarriers at the LoS range, m_n(l) = sum_k r^_nk(l)
   exp(j 2 pi k Delta f d_n / c), is the LoS signal r~^LoS_n; compared with the
   ideal r^LoS_n = exp(-j 2 pi f_c d_n / c) it gives exp(j phi^a_n) (eq. (22),
   averaged over symbols), compensated by eq. (23).

Identifiability: a phase common to all subcarriers of antenna n cannot be told
apart from phi^a_n. By default the frequency stage therefore keeps the part of
the LSE phase that varies across subcarriers (zero weighted circular mean per
antenna), and the per-antenna part is left to the spatial stage, as the
paper's results imply (frequency compensation alone changes little, Fig. 9(b));
the rule is a config choice (:data:`FREQUENCY_RULES`): eq. (20) read literally
takes the whole phase, and its frequency stage alone then does what both do.

Both stages need only the statistic S_nk = sum_l conj(r_nk(l)) r~_nk(l), so a
capture is read once, in chunks of symbols.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.geometry import distances
from hwiloc.io.csi import Capture, CaptureError
from hwiloc.ofdm import OfdmGrid
from hwiloc.validation import require_positive_int

STAGES = ("raw", "frequency", "both")


@dataclass(frozen=True)
class PhaseCalibration:
    """Estimated offsets of one testbed, applicable to any of its captures.

    Attributes
    ----------
    frequency_offsets : [num_antennas, num_subcarriers], float
        phi^f_nk. [rad]
    spatial_offsets : [num_antennas], float
        phi^a_n. [rad]
    statistic : [num_antennas, num_subcarriers], complex
        S_nk = sum_l conj(r_nk(l)) r~_nk(l) (eq. (20) numerator).
    num_symbols : int
        Symbols used. [-]
    """

    frequency_offsets: np.ndarray
    spatial_offsets: np.ndarray
    statistic: np.ndarray
    num_symbols: int


def ideal_csi(positions: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid) -> np.ndarray:
    """Ideal unit-amplitude CSI of eq. (1), [..., num_antennas, num_subcarriers]."""
    d = distances(positions, antenna_positions)  # [..., N]
    return np.exp(-1j * d[..., None] * grid.wavenumbers)  # Eq. (1)


def lse_statistic(capture: Capture, num_symbols: int, chunk_symbols: int = 500) -> np.ndarray:
    """S_nk = sum_l conj(r_nk(l)) r~_nk(l) over the first num_symbols, streamed (eq. (20)).

    One pass over the capture in chunks of symbols, each used in the dtype it
    is stored in (no complex128 copy), by the compiled kernel
    :func:`hwiloc.kernels.lse_accumulate`; :func:`lse_statistic_numpy` is the
    same sum in numpy. A NaN or infinite sample raises CaptureError naming the
    file, symbol, antenna and subcarrier.
    """
    from hwiloc import kernels

    require_positive_int("chunk_symbols", chunk_symbols)
    grid = capture.grid
    ant_x, ant_y = kernels.columns(capture.antenna_positions)
    wavenumbers = grid.wavenumbers
    step = 2.0 * np.pi * grid.subcarrier_spacing / SPEED_OF_LIGHT
    table = kernels.cis_table()
    total = np.zeros((capture.num_antennas, grid.num_subcarriers), complex)
    for sl, csi in capture.chunks(chunk_symbols, num_symbols, dtype=None, reuse=True):
        positions = np.ascontiguousarray(capture.positions[sl], dtype=float)
        if kernels.lse_accumulate(csi, positions, ant_x, ant_y, wavenumbers[0], step, total, table):
            raise _non_finite_error(capture, sl, csi)
    return total


def _non_finite_error(capture: Capture, sl: slice, csi: np.ndarray) -> CaptureError:
    """CaptureError naming the first NaN or infinite sample of a chunk [L, N, K]."""
    bad = np.argwhere(~np.isfinite(csi))[0]
    return CaptureError(
        f"{capture.source}: NaN or infinite CSI sample at symbol {sl.start + bad[0]}, "
        f"antenna {bad[1]}, subcarrier {bad[2]}"
    )


def lse_statistic_numpy(capture: Capture, num_symbols: int, chunk_symbols: int = 500):
    """:func:`lse_statistic` in numpy (the compiled kernel's reference), [N, K] complex."""
    require_positive_int("chunk_symbols", chunk_symbols)
    total = np.zeros((capture.num_antennas, capture.grid.num_subcarriers), complex)
    for sl, csi in capture.chunks(chunk_symbols, num_symbols):
        ideal = ideal_csi(capture.positions[sl], capture.antenna_positions, capture.grid)
        total += np.einsum("lnk,lnk->nk", np.conj(ideal), csi)  # Eq. (20), numerator
    return total


FREQUENCY_RULES = ("zero_mean_per_antenna", "literal")
"""How the frequency stage reads eq. (20)'s phase (config ``measured.frequency_stage``):
``"zero_mean_per_antenna"`` keeps the part that varies across subcarriers and leaves each
antenna's common phase to the spatial stage; ``"literal"`` takes the whole phase of eq. (20),
per antenna and subcarrier, which already holds the spatial offset."""


def offsets_from_statistic(
    statistic: np.ndarray, num_symbols: int, rule: str = "zero_mean_per_antenna"
) -> PhaseCalibration:
    """Frequency (eqs. (19)-(20)) and spatial (eq. (22)) offsets from S_nk.

    ``rule`` (:data:`FREQUENCY_RULES`): ``"zero_mean_per_antenna"``, phi^f_nk =
    angle(S_nk) - angle(sum_k S_nk) (wrapped); ``"literal"``, phi^f_nk = angle(S_nk),
    eq. (20) as written. Then eq. (22) on the frequency-compensated statistic:
    phi^a_n = angle(sum_k S_nk exp(-j phi^f_nk)) (0 under the literal rule: its
    frequency stage has taken each antenna's common phase already).
    """
    if rule not in FREQUENCY_RULES:
        raise ValueError(f"frequency rule must be one of {FREQUENCY_RULES}, got {rule!r}")
    lse_phase = np.angle(statistic)  # Eq. (20): phase of r^H r~ / r^H r
    if rule == "literal":
        frequency = lse_phase
    else:
        per_antenna = np.angle(np.sum(statistic, axis=-1))
        frequency = np.angle(np.exp(1j * (lse_phase - per_antenna[:, None])))
    spatial = np.angle(np.sum(statistic * np.exp(-1j * frequency), axis=-1))  # Eq. (22)
    return PhaseCalibration(frequency, spatial, statistic, int(num_symbols))


def calibrate(
    capture: Capture,
    num_symbols: int,
    chunk_symbols: int = 500,
    rule: str = "zero_mean_per_antenna",
) -> PhaseCalibration:
    """Estimate both offsets from a capture with ground truth, reading it once in chunks."""
    statistic = lse_statistic(capture, num_symbols, chunk_symbols)
    return offsets_from_statistic(statistic, num_symbols, rule)


def apply_calibration(csi: np.ndarray, calibration: PhaseCalibration, stage: str) -> np.ndarray:
    """Compensate CSI [..., N, K]: "raw", "frequency" (eq. (21)) or "both" (eqs. (21), (23))."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, got {stage!r}")
    if csi.shape[-2:] != calibration.frequency_offsets.shape:
        raise ValueError(
            f"csi has [num_antennas, num_subcarriers] = {csi.shape[-2:]}, the calibration "
            f"{calibration.frequency_offsets.shape}"
        )
    if stage == "raw":
        return csi
    phase = calibration.frequency_offsets  # Eq. (21)
    if stage == "both":
        phase = phase + calibration.spatial_offsets[:, None]  # Eq. (23)
    return csi * np.exp(-1j * phase)


def los_matched_filter(
    csi: np.ndarray, positions: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid
) -> np.ndarray:
    """Range matched filter across subcarriers at the LoS range: r~^LoS_n(l) of eq. (22).

    m_n(l) = sum_k r_nk(l) exp(j 2 pi k Delta f d_n(l) / c); for the ideal signal
    of eq. (1) it equals K exp(-j 2 pi f_c d_n / c).

    Parameters
    ----------
    csi : [num_symbols, num_antennas, num_subcarriers], complex
    positions : [num_symbols, 2], float
        Ground truth. [m]

    Returns
    -------
    los : [num_symbols, num_antennas], complex
    """
    d = distances(positions, antenna_positions)  # [L, N]
    k_beta = 2.0 * np.pi * grid.subcarrier_indices * grid.subcarrier_spacing / SPEED_OF_LIGHT
    return np.einsum("lnk,lnk->ln", csi, np.exp(1j * d[..., None] * k_beta))


def spatial_offsets_matched_filter(
    csi: np.ndarray, positions: np.ndarray, antenna_positions: np.ndarray, grid: OfdmGrid
) -> np.ndarray:
    """Eq. (22) literally: phase of sum_l r~^LoS_n(l) / r^LoS_n(l), [num_antennas]. [rad]"""
    los = los_matched_filter(csi, positions, antenna_positions, grid)
    two_pi_fc_over_c = 2.0 * np.pi * grid.carrier_frequency / SPEED_OF_LIGHT
    ideal = np.exp(-1j * two_pi_fc_over_c * distances(positions, antenna_positions))
    return np.angle(np.sum(los / ideal, axis=0))  # Eq. (22)
