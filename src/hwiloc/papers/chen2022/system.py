"""chen2022: the system of Table I, its impairment draws and the models M1, M2.

Reference [2]: H. Chen, M. F. Keskin, S. R. Aghdam, H. Kim, S. Lindberg,
A. Wolfgang, T. E. Abrudan, T. Eriksson, H. Wymeersch, "MCRB-based Performance
Analysis of 6G Localization under Hardware Impairments", IEEE ICC Workshops
2022 (arXiv 2204.12788); model restored in docs/chen2022_model.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from hwiloc.bounds.localization import channel_from_position
from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.impairments.hardware import (
    HardwareRealization,
    coupling_matrix,
    draw_hardware,
    pa_frequency_domain,
    pn_cfo_diagonal,
)
from hwiloc.io.netcdf import Provenance
from hwiloc.models.ofdm_los import OfdmLosBatch, OfdmLosModel
from hwiloc.papers.chen2022.hooks import ATTRIBUTES

STUDY = "chen2022"
REFERENCE = (
    "H. Chen et al., MCRB-based Performance Analysis of 6G Localization under Hardware "
    "Impairments, IEEE ICC Workshops 2022 (arXiv 2204.12788)"
)
IMPAIRMENTS = ("pn", "cfo", "mc", "pa")
STUDY_CODES = {
    "figure2": 0,
    "montecarlo": 1,
    "pn": 2,
    "cfo": 3,
    "mc": 4,
    "pa": 5,
    "pn_sweep": 10,
    "hardware_draws": 11,
    "cfo_sweep": 12,
    "mc_sweep": 13,
}
"""Second entry of every seed entropy [seed, code, ...]: which draw of the study it serves.

Within one entropy each quantity has its own named stream (:mod:`hwiloc.streams`):
:data:`~hwiloc.impairments.hardware.HARDWARE_STREAMS` for the hardware, ``"noise"``
for the receiver noise of a Monte Carlo trial.
"""

SWEEP_LEVELS = {"pn": "phase_noise_std", "cfo": "cfo_std", "mc": "coupling_residual_std"}
"""Fig. 4's sweeps: impairment -> the :class:`System` level it sweeps, which is also the
sweep's dimension and the Table I config key under ``impairments``; its experiment (and
config section) is ``<impairment>_sweep``."""

provenance = Provenance(study=STUDY, reference=REFERENCE, attributes=(ATTRIBUTES,))
"""Finishes every chen2022 dataset: study, reference, conventions (:class:`~.Provenance`)."""


def dbm_to_watt(p_dbm):
    """Power in dBm to W."""
    return 10 ** ((np.asarray(p_dbm, dtype=float) - 30) / 10)


@dataclass(frozen=True, kw_only=True)
class System:
    """Table I of [2] (values from config; ASSUMED ones documented there)."""

    num_antennas: int
    carrier_frequency: float
    bandwidth: float
    num_subcarriers: int
    num_transmissions: int
    cyclic_prefix: int
    load_impedance: float
    noise_psd_dbm_hz: float
    noise_figure_db: float
    ue_position: tuple[float, float]
    gain_phase: float
    phase_noise_std: float
    cfo_std: float
    coupling_coefficient: complex
    coupling_residual_std: float
    pa_coefficients: dict = field(default_factory=dict)
    clip_voltage: float = 8.0
    cfo_model: str = "eq5"
    pa_model: str = "saturated"

    @classmethod
    def from_config(cls, cfg: dict) -> System:
        s = cfg["system"]
        return cls(
            num_antennas=int(s["num_antennas"]),
            carrier_frequency=float(s["carrier_frequency"]),
            bandwidth=float(s["bandwidth"]),
            num_subcarriers=int(s["num_subcarriers"]),
            num_transmissions=int(s["num_transmissions"]),
            cyclic_prefix=int(s["cyclic_prefix"]),
            load_impedance=float(s["load_impedance"]),
            noise_psd_dbm_hz=float(s["noise_psd_dbm_hz"]),
            noise_figure_db=float(s["noise_figure_db"]),
            ue_position=tuple(float(v) for v in s["ue_position"]),
            gain_phase=float(s["gain_phase"]),
            phase_noise_std=float(cfg["impairments"]["phase_noise_std"]),
            cfo_std=float(cfg["impairments"]["cfo_std"]),
            coupling_coefficient=complex(*cfg["impairments"]["coupling_coefficient"]),
            coupling_residual_std=float(cfg["impairments"]["coupling_residual_std"]),
            pa_coefficients={
                int(p): complex(*c) for p, c in cfg["impairments"]["pa_coefficients"].items()
            },
            clip_voltage=float(cfg["impairments"]["clip_voltage"]),
            cfo_model=str(cfg["impairments"]["cfo_model"]),
            pa_model=str(cfg["impairments"]["pa_model"]),
        )

    def with_levels(self, **levels) -> System:
        """The same system with other impairment levels (phase_noise_std, cfo_std, ...)."""
        return System(**{**self.__dict__, **levels})

    @property
    def wavelength(self) -> float:
        """[m]"""
        return SPEED_OF_LIGHT / self.carrier_frequency

    @property
    def subcarrier_spacing(self) -> float:
        """Delta f = W / K. [Hz]"""
        return self.bandwidth / self.num_subcarriers

    @property
    def element_positions(self) -> np.ndarray:
        """d_n = (n - (N - 1) / 2) lambda / 2 along the y axis. [m]"""
        return (np.arange(self.num_antennas) - (self.num_antennas - 1) / 2) * self.wavelength / 2

    @property
    def noise_variance(self) -> float:
        """sigma^2 = R N0 NF W. [V^2]"""
        n0 = dbm_to_watt(self.noise_psd_dbm_hz)
        return float(self.load_impedance * n0 * 10 ** (self.noise_figure_db / 10) * self.bandwidth)

    @property
    def gain(self) -> complex:
        """alpha: |alpha| = lambda / (4 pi ||p||) (free space), phase from config. [-]"""
        distance = np.hypot(*self.ue_position)
        return self.wavelength / (4 * np.pi * distance) * np.exp(1j * self.gain_phase)

    @property
    def eta(self) -> np.ndarray:
        """True channel parameters [theta, tau, |alpha|, angle(alpha)]. [rad, s, -, rad]"""
        return channel_from_position(np.asarray(self.ue_position), self.gain)

    def draw(self, entropy) -> HardwareRealization:
        """One hardware/pilot realization at this system's impairment levels.

        ``entropy`` (an int or a sequence of int) seeds one stream per quantity
        (:func:`~hwiloc.impairments.hardware.draw_hardware`).
        """
        return draw_hardware(
            entropy,
            num_transmissions=self.num_transmissions,
            num_subcarriers=self.num_subcarriers,
            num_antennas=self.num_antennas,
            phase_noise_std=self.phase_noise_std,
            cfo_std=self.cfo_std,
            coupling_residual_std=self.coupling_residual_std,
        )

    def model_m0(self, hardware: HardwareRealization, power_dbm: float) -> OfdmLosModel:
        """M0: the hardware-impairment-free model of eq. (1) (no coupling, PA, PN or CFO)."""
        energy = float(dbm_to_watt(power_dbm)) * self.load_impedance
        return OfdmLosModel(
            combiners=np.exp(1j * hardware.combiner_phase) / np.sqrt(self.num_antennas),
            coupling=np.eye(self.num_antennas, dtype=complex),
            pilots=np.sqrt(energy) * np.exp(1j * hardware.pilot_phase),
            time_diagonal=None,
            element_positions=self.element_positions,
            wavelength=self.wavelength,
            subcarrier_spacing=self.subcarrier_spacing,
        )

    def _impaired(self, hardware: HardwareRealization, impairments) -> tuple:
        """(C_0, M1's coupling C, M1's diagonal of E_g Xi_g or None) of one realization with
        the impairments listed in ``impairments`` (eqs. (3)-(6))."""
        unknown = set(impairments) - set(IMPAIRMENTS)
        if unknown:
            raise ValueError(f"impairments must be among {IMPAIRMENTS}, got {sorted(unknown)}")
        c0 = coupling_matrix(self.num_antennas, self.coupling_coefficient)
        c1 = (
            coupling_matrix(
                self.num_antennas, self.coupling_coefficient, hardware.coupling_residual
            )
            if "mc" in impairments
            else c0
        )
        diagonal = None
        if "pn" in impairments or "cfo" in impairments:
            diagonal = pn_cfo_diagonal(
                hardware.phase_noise
                if "pn" in impairments
                else np.zeros_like(hardware.phase_noise),
                hardware.cfo if "cfo" in impairments else 0.0,
                self.num_subcarriers,
                self.cyclic_prefix,
                self.cfo_model,
            )
        return c0, c1, diagonal

    def _pilots(self, pilot_phase: np.ndarray, power_dbm, impairments) -> tuple:
        """(M1's pilots (PA output when the PA is listed), M2's) at average transmit power
        ``power_dbm`` before the PA (a scalar, or [P] against a leading axis of
        ``pilot_phase``). [V]"""
        energy = dbm_to_watt(power_dbm) * self.load_impedance  # P = E / R
        scale = np.sqrt(energy).reshape(np.shape(energy) + (1,) * pilot_phase.ndim)
        pilots = scale * np.exp(1j * pilot_phase)
        if "pa" not in impairments:
            return pilots, pilots
        return pa_frequency_domain(pilots, self.pa_coefficients, self.clip_voltage,
                                   self.pa_model), pilots  # fmt: skip

    def models(
        self, hardware: HardwareRealization, power_dbm: float, impairments=IMPAIRMENTS
    ) -> tuple[OfdmLosModel, OfdmLosModel]:
        """(M1, M2) at average transmit power ``power_dbm`` (before the PA).

        M1 carries the impairments listed in ``impairments`` with their
        realizations; M2 knows the nominal coupling C_0 only.
        """
        c0, c1, diagonal = self._impaired(hardware, impairments)
        pilots1, pilots = self._pilots(hardware.pilot_phase, float(power_dbm), impairments)
        common = dict(
            combiners=np.exp(1j * hardware.combiner_phase) / np.sqrt(self.num_antennas),
            element_positions=self.element_positions,
            wavelength=self.wavelength,
            subcarrier_spacing=self.subcarrier_spacing,
        )
        m2 = OfdmLosModel(coupling=c0, pilots=pilots, time_diagonal=None, **common)
        m1 = OfdmLosModel(coupling=c1, pilots=pilots1, time_diagonal=diagonal, **common)
        return m1, m2

    def batch_models(
        self, hardwares, powers_dbm, impairments=IMPAIRMENTS
    ) -> tuple[OfdmLosBatch, OfdmLosBatch]:
        """(M1, M2) of every realization of ``hardwares`` [R] at every power of
        ``powers_dbm`` [P], as :class:`~hwiloc.models.ofdm_los.OfdmLosBatch` of P R cases,
        power-major (case p R + r): the models of :meth:`models`, stacked."""
        powers = np.asarray(powers_dbm, dtype=float).ravel()
        parts = [self._impaired(hw, impairments) for hw in hardwares]
        combiners = np.stack([np.exp(1j * hw.combiner_phase) for hw in hardwares])
        combiners = combiners / np.sqrt(self.num_antennas)  # [R, G, N]
        pilots1, pilots = self._pilots(np.stack([hw.pilot_phase for hw in hardwares]), powers,
                                       impairments)  # [P, R, G, K]  # fmt: skip
        cases = len(powers) * len(hardwares)

        def tiled(per_realization):  # [R, ...] -> [P R, ...]
            return np.broadcast_to(per_realization, (len(powers), *per_realization.shape)
                                   ).reshape(cases, *per_realization.shape[1:])  # fmt: skip

        common = dict(element_positions=self.element_positions, wavelength=self.wavelength,
                      subcarrier_spacing=self.subcarrier_spacing)  # fmt: skip
        diagonals = None if parts[0][2] is None else tiled(np.stack([p[2] for p in parts]))
        m1 = OfdmLosBatch(combined_coupling=tiled(combiners @ np.stack([p[1] for p in parts])),
                          pilots=pilots1.reshape(cases, *pilots1.shape[2:]),
                          time_diagonal=diagonals, **common)
        m2 = OfdmLosBatch(combined_coupling=tiled(combiners @ parts[0][0]),
                          pilots=pilots.reshape(cases, *pilots.shape[2:]), time_diagonal=None,
                          **common)
        return m1, m2  # fmt: skip


def base_hardware(system: System, seed: int) -> HardwareRealization:
    """The realization of Fig. 2 (pilots, combiners and impairments): entropy [seed, 0]."""
    return system.draw(base_entropy(seed))


def base_entropy(seed: int) -> list[int]:
    """The seed entropy of :func:`base_hardware`: [seed, 0]."""
    return [int(seed), STUDY_CODES["figure2"]]


def individual_hardware(system: System, impairment: str, seed: int, realization: int):
    """Realization r of Fig. 3: new hardware with the Fig. 2 pilot (PN, CFO, MC), new pilot (PA)."""
    base = base_hardware(system, seed)
    drawn = system.draw([int(seed), STUDY_CODES[impairment], int(realization)])
    if impairment == "pa":
        return replace(base, pilot_phase=drawn.pilot_phase)
    return replace(drawn, pilot_phase=base.pilot_phase, combiner_phase=base.combiner_phase)
