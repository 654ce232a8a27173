"""zhang2025: the system of Table I, the UE and SNR, the phase-offset draws (eq. (2)).

Reference [1]: Q. Zhang, A. Sakhnini, R. Beerten, H. Xiong, Z. Cui, Y. Miao,
S. Pollin, "Robust Localization in OFDM-Based Massive MIMO through Phase Offset
Calibration", KU Leuven, 2025 (arXiv 2601.14244).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwiloc.bounds.phase_offsets import position_crlb_rmse
from hwiloc.geometry import ula_positions
from hwiloc.impairments.phase_offsets import draw_phase_offsets
from hwiloc.io.netcdf import Provenance
from hwiloc.models.phase_offset import antenna_amplitudes, los_mean
from hwiloc.ofdm import OfdmGrid
from hwiloc.papers.zhang2025.hooks import ATTRIBUTES

STUDY = "zhang2025"
REFERENCE = (
    "Q. Zhang et al., Robust Localization in OFDM-Based Massive MIMO through Phase "
    "Offset Calibration, 2025 (arXiv 2601.14244)"
)
OFFSET_CODES = {"none": 0, "frequency": 1, "spatial": 2}
"""Second entry of every offset seed entropy [seed, code, ...]: which offset type it serves.

Each type also has its own stream name
(:data:`~hwiloc.impairments.phase_offsets.OFFSET_STREAMS`).
"""

provenance = Provenance(study=STUDY, reference=REFERENCE, attributes=(ATTRIBUTES,))
"""Finishes every zhang2025 dataset: study, reference, conventions (:class:`~.Provenance`)."""


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """System of Table I of [1], the UE and the SNR.

    Parameters
    ----------
    grid : OfdmGrid
        Subcarriers k = 1..K.
    num_antennas : int
        N. [-]
    antenna_spacing : float
        ULA spacing, array centred at the origin on the x axis. [m]
    ue_position : tuple of float
        (x, y). [m]
    snr_db : float
        |alpha|^2 / sigma_n^2 per antenna and subcarrier. [dB]
    amplitude_model : str
        "constant" or "free_space".
    frequency_offset_mean : float
        mu_phi. [rad]
    """

    grid: OfdmGrid
    num_antennas: int
    antenna_spacing: float
    ue_position: tuple[float, float]
    snr_db: float
    amplitude_model: str = "constant"
    frequency_offset_mean: float = 0.0

    @classmethod
    def from_config(cls, cfg: dict) -> Scenario:
        """From the ``zhang2025`` section of the config."""
        system = cfg["system"]
        return cls(
            grid=cls.testbed(system)[1],
            num_antennas=int(system["num_antennas"]),
            antenna_spacing=float(system["antenna_spacing"]),
            ue_position=tuple(float(v) for v in cfg["ue_position"]),
            snr_db=float(cfg["snr_db"]),
            amplitude_model=cfg["amplitude_model"],
            frequency_offset_mean=float(cfg["frequency_offset_mean"]),
        )

    @staticmethod
    def testbed(system: dict) -> tuple[np.ndarray, OfdmGrid]:
        """The array [num_antennas, 2] [m] and subcarrier grid of config ``system`` alone.

        What the measured-CSI stage needs of the scenario: its rules then depend
        on ``system`` and not on the UE position, SNR or amplitude model of Secs.
        III-IV (a change of those reruns no capture).
        """
        grid = OfdmGrid(
            carrier_frequency=float(system["carrier_frequency"]),
            subcarrier_spacing=float(system["subcarrier_spacing"]),
            num_subcarriers=int(system["num_subcarriers"]),
            first_subcarrier_index=1,
        )
        antennas = ula_positions(int(system["num_antennas"]), float(system["antenna_spacing"]))
        return antennas, grid

    def with_antennas(self, num_antennas: int) -> Scenario:
        """The same scenario with another array size."""
        return Scenario(**{**self.__dict__, "num_antennas": int(num_antennas)})

    @property
    def antenna_positions(self) -> np.ndarray:
        """[num_antennas, 2]. [m]"""
        return ula_positions(self.num_antennas, self.antenna_spacing, axis="x")

    @property
    def position(self) -> np.ndarray:
        """UE position. [m]"""
        return np.asarray(self.ue_position, dtype=float)

    @property
    def amplitudes(self) -> np.ndarray:
        """alpha_n for noise variance 1. [V]"""
        return antenna_amplitudes(
            self.position,
            self.antenna_positions,
            self.snr_db,
            amplitude_model=self.amplitude_model,
        )

    def crlb_rmse(self, offset_type: str, offset_std) -> np.ndarray:
        """CRLB RMSE of eq. (13) at the given sigma (array). [m]"""
        return position_crlb_rmse(
            self.position,
            self.antenna_positions,
            self.grid,
            self.amplitudes,
            offset_type,
            offset_std,
        )


def phase_offsets_for(
    scenario: Scenario, offset_type: str, offset_std: float, seed_entropy
) -> np.ndarray:
    """One seeded realization of eq. (2)'s offsets, [num_antennas, num_subcarriers]. [rad]

    The offsets draw from the stream ``"frequency_offset"`` or ``"spatial_offset"``
    of ``seed_entropy`` (:func:`~hwiloc.impairments.phase_offsets.draw_phase_offsets`,
    :mod:`hwiloc.streams`); the same entropy at another sigma reuses the same
    standard draws, scaled (common random numbers), and the spatial offsets do not
    depend on the number of subcarriers.
    """
    return draw_phase_offsets(
        seed_entropy,
        offset_type,
        scenario.num_antennas,
        scenario.grid.num_subcarriers,
        offset_std,
        scenario.frequency_offset_mean,
    )


def unit_csi(scenario: Scenario, phase_offsets: np.ndarray) -> np.ndarray:
    """Noise-free unit-amplitude CSI of eqs. (15)-(17), [num_antennas, num_subcarriers]."""
    return los_mean(
        scenario.position,
        scenario.antenna_positions,
        scenario.grid,
        1.0,
        frequency_offsets=phase_offsets,
    )


def grid_axes(region: dict) -> tuple[np.ndarray, np.ndarray]:
    """Evaluation grid axes of a region config (inclusive of both ends). [m]"""
    step = float(region["step"])
    nx = int(np.floor((region["x_max"] - region["x_min"]) / step + 1e-9)) + 1
    ny = int(np.floor((region["y_max"] - region["y_min"]) / step + 1e-9)) + 1
    return region["x_min"] + step * np.arange(nx), region["y_min"] + step * np.arange(ny)


def crlb_ratio(scenario: Scenario, offset_type: str, offset_std: float) -> float:
    """CRLB RMSE under offsets over the ideal one, eq. (13), at the scenario's N. [-]

    For frequency offsets every observation (n, k) carries its own nuisance
    phase, so the EFIM is the ideal FIM over 1 + 2 SNR sigma^2 and the ratio is
    sqrt(1 + 2 SNR sigma^2) whatever N and geometry (constant amplitudes).
    """
    return float(scenario.crlb_rmse(offset_type, offset_std)) / float(
        scenario.crlb_rmse("none", 0.0)
    )


def min_antennas_for_accuracy(
    scenario: Scenario, offset_type: str, offset_std: float, accuracy: float, max_antennas: int
) -> float:
    """Smallest N (2..max_antennas) whose CRLB RMSE is <= accuracy; ``inf`` if none. [-]"""
    for n in range(2, max_antennas + 1):
        if float(scenario.with_antennas(n).crlb_rmse(offset_type, offset_std)) <= accuracy:
            return float(n)
    return float("inf")


def scaled_region(region: dict, ue, scale: float) -> dict:
    """The SAF region R scaled by ``scale`` about the UE, its near edge kept in front of the
    array (y >= the config's y_min): x' = x_ue + scale (x - x_ue). [m]"""
    ux, uy = (float(v) for v in ue)
    return {
        "x_min": ux + scale * (region["x_min"] - ux),
        "x_max": ux + scale * (region["x_max"] - ux),
        "y_min": max(region["y_min"], uy + scale * (region["y_min"] - uy)),
        "y_max": uy + scale * (region["y_max"] - uy),
    }
