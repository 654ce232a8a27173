"""xlmimo2022: the authors' default scenario, the near-field truth and the far-field model.

Reference [3]: H. Chen et al., "Channel Model Mismatch Analysis for XL-MIMO
Systems from a Localization Perspective", IEEE GLOBECOM 2022. The authors'
code (``chenhui07c8/Radio_Localization``, ``3-XLMIMO_Model_Mismatch_Analysis/
matlab_code``, ``Fig_1_Estimator.m`` and the ``default_*``/``update_*`` files)
states the scenario; the models are :mod:`hwiloc.models.xlmimo` (JAX).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwiloc.io.netcdf import Provenance
from hwiloc.models.xlmimo import XlMimoArray, far_field_model, near_field_model
from hwiloc.papers.xlmimo2022.hooks import ATTRIBUTES

STUDY = "xlmimo2022"
REFERENCE = (
    "H. Chen et al., Channel Model Mismatch Analysis for XL-MIMO Systems from a Localization "
    "Perspective, IEEE GLOBECOM 2022; authors' code chenhui07c8/Radio_Localization "
    "(3-XLMIMO_Model_Mismatch_Analysis)"
)
EFFECTS = ("spatial_non_stationarity", "spherical_wavefront", "beam_squint")
"""The near-field effects of the true model, each switched in config ``true_model``."""

provenance = Provenance(study=STUDY, reference=REFERENCE, attributes=(ATTRIBUTES,))
"""Finishes every xlmimo2022 dataset: study, reference, conventions (:class:`~.Provenance`)."""


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """The authors' default scenario (values from config, each documented there)."""

    array: XlMimoArray
    ue_position: tuple[float, float]
    gain_phase: float
    boltzmann_constant: float
    temperature: float
    noise_figure_db: float
    effects: tuple[tuple[str, bool], ...]

    @classmethod
    def from_config(cls, cfg: dict) -> Scenario:
        s = cfg["system"]
        return cls(
            array=XlMimoArray(
                carrier_frequency=float(s["carrier_frequency"]),
                bandwidth=float(s["bandwidth"]),
                num_subcarriers=int(s["num_subcarriers"]),
                num_antennas=int(s["num_antennas"]),
                speed_of_light=float(s["speed_of_light"]),
            ),
            ue_position=tuple(float(v) for v in s["ue_position"]),
            gain_phase=float(s["gain_phase"]),
            boltzmann_constant=float(s["boltzmann_constant"]),
            temperature=float(s["temperature"]),
            noise_figure_db=float(s["noise_figure_db"]),
            effects=tuple((e, bool(cfg["true_model"][e])) for e in EFFECTS),
        )

    @property
    def noise_variance(self) -> float:
        """sigma^2 = k_B T W 10^(NF/10), in mW (the unit of P): update_parameters.m. [mW]"""
        thermal = self.boltzmann_constant * self.temperature * self.array.bandwidth * 1e3
        return float(thermal * 10 ** (self.noise_figure_db / 10))

    @property
    def distance(self) -> float:
        """||p||. [m]"""
        return float(np.hypot(*self.ue_position))

    @property
    def gain_magnitude(self) -> float:
        """rho = lambda_c / (4 pi ||p||), free space (update_parameters.m). [-]"""
        return self.array.wavelength / (4 * np.pi * self.distance)

    @property
    def eta_near_field(self) -> np.ndarray:
        """[x, y, rho, xi] at the truth. [m, m, -, rad]"""
        return np.array([*self.ue_position, self.gain_magnitude, self.gain_phase])

    @property
    def eta_far_field(self) -> np.ndarray:
        """[theta, d, rho, xi] at the truth. [rad, m, -, rad]"""
        x, y = self.ue_position
        return np.array([np.arctan2(y, x), self.distance, self.gain_magnitude, self.gain_phase])

    def models(self):
        """(true near-field model, assumed far-field model) at P = 1 mW."""
        return near_field_model(self.array, 1.0, **dict(self.effects)), far_field_model(self.array)


def power_grid(spec: dict) -> np.ndarray:
    """The transmit powers: numpy linspace(start, stop, num). [dBm]"""
    return np.linspace(float(spec["start"]), float(spec["stop"]), int(spec["num"]))
