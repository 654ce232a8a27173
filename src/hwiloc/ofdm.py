"""OFDM grids: carrier, subcarrier spacing, subcarrier frequencies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.validation import require_positive, require_positive_int


@dataclass(frozen=True, kw_only=True)
class OfdmGrid:
    """An OFDM subcarrier grid.

    Parameters
    ----------
    carrier_frequency : float
        Carrier frequency f_c. [Hz]
    subcarrier_spacing : float
        Subcarrier spacing Delta f. [Hz]
    num_subcarriers : int
        Number of subcarriers K. [-]
    first_subcarrier_index : int
        Index of the first subcarrier; Zhang et al. (2025) use k = 1..K in
        eq. (1), Chen et al. (2022) use k = 0..K-1. [-]
    """

    carrier_frequency: float
    subcarrier_spacing: float
    num_subcarriers: int
    first_subcarrier_index: int = 1

    def __post_init__(self):
        require_positive("carrier_frequency", self.carrier_frequency)
        require_positive("subcarrier_spacing", self.subcarrier_spacing)
        require_positive_int("num_subcarriers", self.num_subcarriers)

    @property
    def subcarrier_indices(self) -> np.ndarray:
        """Subcarrier indices k. [-]"""
        return self.first_subcarrier_index + np.arange(self.num_subcarriers)

    @property
    def frequencies(self) -> np.ndarray:
        """Subcarrier frequencies f_k = f_c + k Delta f, as in eq. (1) of Zhang et al. [Hz]"""
        return self.carrier_frequency + self.subcarrier_spacing * self.subcarrier_indices

    @property
    def wavenumbers(self) -> np.ndarray:
        """Angular wavenumbers 2 pi f_k / c. [rad/m]"""
        return 2.0 * np.pi * self.frequencies / SPEED_OF_LIGHT

    @property
    def bandwidth(self) -> float:
        """Occupied bandwidth K Delta f. [Hz]"""
        return self.num_subcarriers * self.subcarrier_spacing

    @property
    def wavelength(self) -> float:
        """Carrier wavelength c / f_c. [m]"""
        return SPEED_OF_LIGHT / self.carrier_frequency

    @property
    def range_resolution(self) -> float:
        """Range resolution c / (K Delta f). [m]"""
        return SPEED_OF_LIGHT / self.bandwidth

    @property
    def unambiguous_range(self) -> float:
        """Unambiguous range of the subcarrier grid, c / Delta f. [m]"""
        return SPEED_OF_LIGHT / self.subcarrier_spacing
