"""Chen et al. (2022): MCRB-based localization under hardware impairments.

Reference [2]: H. Chen, M. F. Keskin, S. R. Aghdam, H. Kim, S. Lindberg,
A. Wolfgang, T. E. Abrudan, T. Eriksson, H. Wymeersch, "MCRB-based Performance
Analysis of 6G Localization under Hardware Impairments", IEEE ICC Workshops
2022 (arXiv 2204.12788); model restored in shared/papers/chen2022_model_spec.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.bounds import generic
from hwiloc.bounds.localization import (
    channel_from_position,
    position_from_channel,
    quantity_errors,
)
from hwiloc.claims import Measured, register
from hwiloc.constants import ANGLE_GRID_MARGIN, SPEED_OF_LIGHT
from hwiloc.estimators import ofdm_los_ml
from hwiloc.impairments.hardware import (
    HardwareRealization,
    coupling_matrix,
    draw_hardware,
    pa_frequency_domain,
    pn_cfo_diagonal,
)
from hwiloc.io.netcdf import concat_shards, finalize
from hwiloc.models.ofdm_los import OfdmLosModel

STUDY = "chen2022"
REFERENCE = (
    "H. Chen et al., MCRB-based Performance Analysis of 6G Localization under Hardware "
    "Impairments, IEEE ICC Workshops 2022 (arXiv 2204.12788)"
)
IMPAIRMENTS = ("pn", "cfo", "mc", "pa")


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

    def draw(self, rng: np.random.Generator) -> HardwareRealization:
        """One hardware/pilot realization at this system's impairment levels."""
        return draw_hardware(
            rng,
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

    def models(
        self, hardware: HardwareRealization, power_dbm: float, impairments=IMPAIRMENTS
    ) -> tuple[OfdmLosModel, OfdmLosModel]:
        """(M1, M2) at average transmit power ``power_dbm`` (before the PA).

        M1 carries the impairments listed in ``impairments`` with their
        realizations; M2 knows the nominal coupling C_0 only.
        """
        unknown = set(impairments) - set(IMPAIRMENTS)
        if unknown:
            raise ValueError(f"impairments must be among {IMPAIRMENTS}, got {sorted(unknown)}")
        energy = float(dbm_to_watt(power_dbm)) * self.load_impedance  # P = E / R
        pilots = np.sqrt(energy) * np.exp(1j * hardware.pilot_phase)
        combiners = np.exp(1j * hardware.combiner_phase) / np.sqrt(self.num_antennas)
        c0 = coupling_matrix(self.num_antennas, self.coupling_coefficient)
        common = dict(
            combiners=combiners,
            element_positions=self.element_positions,
            wavelength=self.wavelength,
            subcarrier_spacing=self.subcarrier_spacing,
        )
        m2 = OfdmLosModel(coupling=c0, pilots=pilots, time_diagonal=None, **common)
        c1 = (
            coupling_matrix(
                self.num_antennas, self.coupling_coefficient, hardware.coupling_residual
            )
            if "mc" in impairments
            else c0
        )
        pilots1 = (
            pa_frequency_domain(pilots, self.pa_coefficients, self.clip_voltage)
            if "pa" in impairments
            else pilots
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
        m1 = OfdmLosModel(coupling=c1, pilots=pilots1, time_diagonal=diagonal, **common)
        return m1, m2


# --- datasets -----------------------------------------------------------------
BOUNDS = ("crb_m1", "crb_m2", "lb")
STUDY_CODES = {"figure2": 0, "montecarlo": 1, "pn": 2, "cfo": 3, "mc": 4, "pa": 5, "pn_sweep": 10}


def _provenance(ds, title, rule, equations, cfg):

    return finalize(
        ds, title=title, study=STUDY, rule=rule, references=f"{REFERENCE}, {equations}", config=cfg
    )


def bound_errors(
    system: System, hardware: HardwareRealization, power_dbm: float, impairments=IMPAIRMENTS
):
    """AEB [deg], DEB [m], PEB [m] of CRB-M1, CRB-M2 and the LB (MCRB + bias), and eta_bar.

    Through the generic engine (:mod:`hwiloc.bounds.generic`): eta_bar by its
    solver (eq. (23)), each bound mapped to angle, distance and position by
    the models' own maps (eqs. (17)-(19)).
    """
    ((errors, eta_bar),) = bound_errors_vs_power(system, hardware, [power_dbm], impairments)
    return errors, eta_bar


def bound_errors_vs_power(
    system: System, hardware: HardwareRealization, powers_dbm, impairments=IMPAIRMENTS
) -> list[tuple[dict, np.ndarray]]:
    """:func:`bound_errors` at each power of ``powers_dbm``: [(errors, eta_bar)].

    Without the PA, M1 and M2 are linear in the pilot amplitude sqrt(E)
    (eq. (1); PN, CFO and coupling act on the waveform linearly), so every
    mean and derivative scales by sqrt(E): J, A and B by E / sigma^2, eta_bar
    and the bias not at all (eqs. (14), (23)-(25)). One evaluation at the
    highest power (where the gradient check of B is strictest) then serves
    every power through :meth:`~hwiloc.bounds.generic.CramerRao.scaled`: an
    exact identity, not an approximation. The PA is not linear in E: with it,
    CRB-M1 and the LB are evaluated at each power, and CRB-M2 (M2 has no PA)
    still scales.
    """
    powers = np.asarray(powers_dbm, dtype=float).ravel()
    reference = float(np.max(powers))
    at_reference = _bounds(system, hardware, reference, impairments)

    def at(bound, p):
        return bound if p == reference else bound.scaled(10 ** ((p - reference) / 10))  # E ratio

    out = []
    for p in powers:
        if "pa" not in impairments or p == reference:
            crb_m1, lb = at(at_reference[0], p), at(at_reference[2], p)
        else:
            crb_m1, _, lb = _bounds(system, hardware, p, impairments, with_crb_m2=False)
        out.append(_errors(crb_m1, at(at_reference[1], p), lb))
    return out


def _bounds(system: System, hardware: HardwareRealization, power_dbm: float, impairments,
            with_crb_m2: bool = True):  # fmt: skip
    """CRB-M1, CRB-M2 (generic.CramerRao; None if not ``with_crb_m2``) and the LB
    (generic.Misspecified) at one power."""
    m1, m2 = system.models(hardware, power_dbm, impairments)
    eta, var = system.eta, system.noise_variance
    cache = generic.PointCache()
    # eta_bar (eq. (23)) started at the MMLE on noise-free data, which the concentrated
    # Newton search finds in about a millisecond; the generic solver then only confirms it.
    start = ofdm_los_ml(cache.mean(m1, eta), m2, initial=eta)
    lb = generic.mcrb(m1, eta, m2, var, start=start, assumed_true_parameter=eta, cache=cache)
    crb_m2 = generic.crb(m2, eta, var, cache=cache) if with_crb_m2 else None
    return generic.crb(m1, eta, var, cache=cache), crb_m2, lb


def _errors(crb_m1, crb_m2, lb) -> tuple[dict, np.ndarray]:
    """({bound: AEB, DEB, PEB}, eta_bar) of the three bounds."""
    errors = {
        "crb_m1": quantity_errors(crb_m1),
        "crb_m2": quantity_errors(crb_m2),
        "lb": quantity_errors(lb, "lb"),  # Eqs. (20)-(25)
    }
    return errors, lb.pseudo_true


def _errors_to_arrays(results: list[dict]) -> dict:
    """[{bound: {metric: v}}] over a sweep -> {metric: [bound, sweep]}."""
    return {
        metric: np.array([[r[b][metric] for r in results] for b in BOUNDS])
        for metric in ("aeb_deg", "deb_m", "peb_m")
    }


def base_hardware(system: System, seed: int) -> HardwareRealization:
    """The realization of Fig. 2 (pilots, combiners and impairments): [seed, 0]."""
    return system.draw(np.random.default_rng([seed, STUDY_CODES["figure2"]]))


def realization_dataset(system: System, seed: int, cfg: dict):
    """The seeded realization behind Fig. 2, saved so a figure traces to it."""

    hw = base_hardware(system, seed)
    ds = xr.Dataset(
        {
            "pilot_phase": (("transmission", "subcarrier"), hw.pilot_phase),
            "combiner_phase": (("transmission", "antenna"), hw.combiner_phase),
            "phase_noise": (("transmission", "subcarrier"), hw.phase_noise),
            "cfo": hw.cfo,
            "coupling_residual": ("band", hw.coupling_residual),
        },
        coords={
            "transmission": np.arange(system.num_transmissions),
            "subcarrier": np.arange(system.num_subcarriers),
            "antenna": np.arange(system.num_antennas),
        },
    )
    ds.attrs.update(seed=int(seed))
    return _provenance(ds, "chen2022 hardware and pilot realization (Fig. 2)", "realization",
                       "Sec. II-B, eqs. (3)-(7)", cfg)  # fmt: skip


def hardware_from_dataset(ds) -> HardwareRealization:
    return HardwareRealization(
        ds["pilot_phase"].values,
        ds["combiner_phase"].values,
        ds["phase_noise"].values,
        float(ds["cfo"]),
        ds["coupling_residual"].values,
    )


def bounds_vs_power_dataset(system: System, hardware: HardwareRealization, powers, cfg: dict):
    """Fig. 2 bounds: CRB-M1, CRB-M2 and LB vs transmit power, all impairments."""

    results, pseudo = zip(*bound_errors_vs_power(system, hardware, powers), strict=True)
    arrays = _errors_to_arrays(results)
    ds = xr.Dataset(
        {
            "aeb": (("bound", "power"), arrays["aeb_deg"]),
            "deb": (("bound", "power"), arrays["deb_m"]),
            "peb": (("bound", "power"), arrays["peb_m"]),
            "pseudo_true": (("power", "parameter"), np.array(pseudo)),
            "true_parameter": ("parameter", system.eta),
        },
        coords={"bound": list(BOUNDS), "power": np.asarray(powers, float),
                "parameter": ["theta", "tau", "gain_magnitude", "gain_phase"]},
    )  # fmt: skip
    return _provenance(ds, "chen2022 CRB-M1, CRB-M2 and LB vs transmit power (Fig. 2)", "bounds",
                       "eqs. (14)-(25)", cfg)  # fmt: skip


def coarse_grid(system: System, mc_cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    """Coarse (theta, tau) grid of the estimators. [rad], [s]"""
    margin = ANGLE_GRID_MARGIN
    thetas = np.arange(-np.pi / 2 + margin, np.pi / 2 - margin, float(mc_cfg["grid_theta_step"]))
    taus = np.arange(0.0, float(mc_cfg["grid_tau_max"]), float(mc_cfg["grid_tau_step"]))
    return thetas, taus


def montecarlo_shard_dataset(system, hardware, powers, mc_cfg, shard, seed, cfg, progress=None):
    """Fig. 2 estimators: MLE (data M1, model M1) and MMLE (data M1, model M2), one shard.

    Trial t draws its noise from [seed, 1, t] (the same standard draw at every
    power), so the values do not depend on the number of shards.
    """

    trials = np.array_split(np.arange(int(mc_cfg["num_trials"])), int(mc_cfg["num_shards"]))[shard]
    thetas, taus = coarse_grid(system, mc_cfg)
    models = [system.models(hardware, p) for p in powers]
    eta = system.eta
    means = [m1.mean(eta) for m1, _ in models]  # noise-free data at each power
    truth = position_from_channel(eta)
    shape = (2, len(powers), len(trials))
    estimate = np.empty((*shape, 2))
    for j, t in enumerate(trials):
        rng = np.random.default_rng([seed, STUDY_CODES["montecarlo"], int(t)])
        size = system.num_transmissions * system.num_subcarriers
        noise = np.sqrt(system.noise_variance / 2) * (
            rng.standard_normal(size) + 1j * rng.standard_normal(size)
        )
        for i, (m1, m2) in enumerate(models):
            y = means[i] + noise
            for e, model in enumerate((m1, m2)):
                estimate[e, i, j] = position_from_channel(ofdm_los_ml(y, model, thetas, taus))
            if progress is not None:
                progress(f"trial {t}, {powers[i]:g} dBm")
    ds = xr.Dataset(
        {
            "estimate": (("estimator", "power", "trial", "axis"), estimate),
            "error": (("estimator", "power", "trial"), np.linalg.norm(estimate - truth, axis=-1)),
            "seed_entropy": (
                ("trial", "entropy"),
                np.array([[seed, STUDY_CODES["montecarlo"], int(t)] for t in trials]),
            ),
        },
        coords={"estimator": ["mle", "mmle"], "power": np.asarray(powers, float), "trial": trials,
                "axis": ["x", "y"]},
    )  # fmt: skip
    ds.attrs.update(shard=int(shard), seed=int(seed))
    return _provenance(ds, f"chen2022 MLE and MMLE, shard {shard} (Fig. 2)", "montecarlo_shard",
                       "eqs. (10)-(13)", cfg)  # fmt: skip


def _realization_variables(drawn, seed: int, code: int, realizations) -> dict:
    """The drawn realizations of a shard, so that every value traces to its hardware."""
    return {
        "pilot_phase": (
            ("realization", "transmission", "subcarrier"),
            np.array([h.pilot_phase for h in drawn]),
        ),
        "phase_noise": (
            ("realization", "transmission", "subcarrier"),
            np.array([h.phase_noise for h in drawn]),
        ),
        "cfo": ("realization", np.array([h.cfo for h in drawn])),
        "coupling_residual": (
            ("realization", "band"),
            np.array([h.coupling_residual for h in drawn]),
        ),
        "seed_entropy": (
            ("realization", "entropy"),
            np.array([[seed, code, int(r)] for r in realizations]),
        ),
    }


def individual_hardware(system: System, impairment: str, seed: int, realization: int):
    """Realization r of Fig. 3: new hardware with the Fig. 2 pilot (PN, CFO, MC), new pilot (PA)."""
    base = base_hardware(system, seed)
    drawn = system.draw(np.random.default_rng([seed, STUDY_CODES[impairment], realization]))
    if impairment == "pa":
        return replace(base, pilot_phase=drawn.pilot_phase)
    return replace(drawn, pilot_phase=base.pilot_phase, combiner_phase=base.combiner_phase)


def individual_shard_dataset(system, impairment, ind_cfg, shard, seed, cfg, progress=None):
    """Fig. 3: AEB and DEB of CRB-M1, CRB-M2, LB with one impairment alone, one shard."""

    if impairment not in IMPAIRMENTS:
        raise ValueError(f"impairment must be one of {IMPAIRMENTS}, got {impairment!r}")
    realizations = np.array_split(
        np.arange(int(ind_cfg["num_realizations"])), int(ind_cfg["num_shards"])
    )[shard]
    powers = np.asarray(ind_cfg["power_dbm"], float)
    values = {
        m: np.empty((len(BOUNDS), len(powers), len(realizations)))
        for m in ("aeb_deg", "deb_m", "peb_m")
    }
    drawn = []
    for j, r in enumerate(realizations):
        hw = individual_hardware(system, impairment, seed, int(r))
        drawn.append(hw)
        sweep = bound_errors_vs_power(system, hw, powers, (impairment,))
        arrays = _errors_to_arrays([errors for errors, _ in sweep])
        for m in values:
            values[m][:, :, j] = arrays[m]
        if progress is not None:
            progress(f"realization {r}")
    ds = xr.Dataset(
        {
            "aeb": (("bound", "power", "realization"), values["aeb_deg"]),
            "deb": (("bound", "power", "realization"), values["deb_m"]),
            "peb": (("bound", "power", "realization"), values["peb_m"]),
            **_realization_variables(drawn, seed, STUDY_CODES[impairment], realizations),
        },
        coords={"bound": list(BOUNDS), "power": powers, "realization": realizations},
    )
    ds.attrs.update(impairment=impairment, shard=int(shard), seed=int(seed))
    return _provenance(ds, f"chen2022 bounds with {impairment} alone, shard {shard} (Fig. 3)",
                       "individual_shard", "eqs. (14)-(25)", cfg)  # fmt: skip


def pn_sweep_shard_dataset(system, sweep_cfg, shard, seed, cfg, progress=None):
    """Fig. 4: PEB of the LB (and CRB-M2) vs phase-noise std, PN alone, one shard."""

    realizations = np.array_split(
        np.arange(int(sweep_cfg["num_realizations"])), int(sweep_cfg["num_shards"])
    )[shard]
    stds = np.asarray(sweep_cfg["phase_noise_std"], float)
    powers = np.asarray(sweep_cfg["power_dbm"], float)
    base = base_hardware(system, seed)
    peb = np.empty((len(BOUNDS), len(stds), len(powers), len(realizations)))
    unit_draws = []
    for j, r in enumerate(realizations):
        unit = system.with_levels(phase_noise_std=1.0).draw(
            np.random.default_rng([seed, STUDY_CODES["pn_sweep"], int(r)])
        )
        unit_draws.append(replace(base, phase_noise=unit.phase_noise))
        for i, s in enumerate(stds):
            sys_s = system.with_levels(phase_noise_std=float(s))
            drawn = sys_s.draw(np.random.default_rng([seed, STUDY_CODES["pn_sweep"], int(r)]))
            hw = replace(base, phase_noise=drawn.phase_noise)
            for q, (errors, _) in enumerate(bound_errors_vs_power(sys_s, hw, powers, ("pn",))):
                peb[:, i, q, j] = [errors[b]["peb_m"] for b in BOUNDS]
        if progress is not None:
            progress(f"realization {r}")
    ds = xr.Dataset(
        {
            "peb": (("bound", "phase_noise_std", "power", "realization"), peb),
            # phase noise at unit std: realization r at sigma_PN is sigma_PN times this draw
            "phase_noise": (
                ("realization", "transmission", "subcarrier"),
                np.array([h.phase_noise for h in unit_draws]),
            ),
            "seed_entropy": (
                ("realization", "entropy"),
                np.array([[seed, STUDY_CODES["pn_sweep"], int(r)] for r in realizations]),
            ),
        },
        coords={
            "bound": list(BOUNDS),
            "phase_noise_std": stds,
            "power": powers,
            "realization": realizations,
        },
    )
    ds.attrs.update(shard=int(shard), seed=int(seed))
    title = f"chen2022 PEB vs phase-noise std, shard {shard} (Fig. 4)"
    return _provenance(ds, title, "pn_sweep_shard", "eqs. (19)-(25)", cfg)


def gather(shards, dim: str, title: str, rule: str, equations: str, cfg: dict):
    """Merge shards along ``dim`` with provenance (keeps the first shard's study attrs)."""

    ds = concat_shards(shards, dim)
    keep = {k: v for k, v in shards[0].attrs.items() if k in ("impairment", "seed")}
    ds.attrs.update(keep)
    return _provenance(ds, title, rule, equations, cfg)


def table1(cfg: dict):
    """Table I of [2] as used, with each value's status."""

    s, imp = cfg["system"], cfg["impairments"]
    ppm = imp["cfo_std"] * s["bandwidth"] / s["num_subcarriers"] / s["carrier_frequency"] * 1e6
    pa = ", ".join(f"beta_{p} = {complex(*c):.4g}" for p, c in imp["pa_coefficients"].items())
    rows = [
        ("BS antennas", "N_B", s["num_antennas"], "-", "text"),
        ("UE antennas / RF chains", "-", "1 / 1", "-", "text"),
        ("Carrier frequency", "f_c", s["carrier_frequency"] / 1e9, "GHz", "ASSUMED"),
        ("Bandwidth", "W", s["bandwidth"] / 1e9, "GHz", "ASSUMED"),
        ("Subcarriers", "K", s["num_subcarriers"], "-", "ASSUMED"),
        ("Transmissions", "G", s["num_transmissions"], "-", "FITTED (assumptions/)"),
        ("CFO phase model", "E_g", imp["cfo_model"], "-", "ASSUMED, fit decides (assumptions/)"),
        ("Cyclic prefix", "K_cp", s["cyclic_prefix"], "samples", "ASSUMED"),
        ("Load impedance", "R", s["load_impedance"], "Ohm", "ASSUMED"),
        ("Noise PSD", "N0", s["noise_psd_dbm_hz"], "dBm/Hz", "ASSUMED"),
        ("Noise figure", "NF", s["noise_figure_db"], "dB", "ASSUMED"),
        ("Residual PN std", "sigma_PN", imp["phase_noise_std"], "rad", "ASSUMED"),
        ("Residual CFO std", "eps", imp["cfo_std"], "Delta f",
         f"text ({ppm:.2f} ppm)"),
        ("MC coefficient", "c_MC", str(complex(*imp["coupling_coefficient"])), "-", "ASSUMED"),
        ("MC residual std", "sigma_MC", imp["coupling_residual_std"], "-", "ASSUMED"),
        ("PA parameters", "beta_p", pa, "V^(1-p)", "ASSUMED"),
        ("PA clipping voltage", "V_clip", imp["clip_voltage"], "V", "ASSUMED"),
        ("UE position", "p", f"({s['ue_position'][0]:g}, {s['ue_position'][1]:g})", "m", "ASSUMED"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["parameter", "symbol", "value", "unit", "source"])


@dataclass(frozen=True)
class ClaimInputs:
    """What the chen2022 claims are computed from (any may be None if not needed).

    bounds : Fig. 2 bounds vs power; montecarlo : Fig. 2 MLE/MMLE errors;
    individual : {"pn" | "cfo" | "mc" | "pa": Fig. 3 bounds}; sweep : Fig. 4 PN sweep.
    """

    bounds: xr.Dataset
    montecarlo: xr.Dataset | None = None
    individual: dict = field(default_factory=dict)
    sweep: xr.Dataset | None = None


DEPARTURE = 10**0.05  # LB / CRB-M2 taken as "departed": beyond a line width (0.05 decade) [-]


def departure_power(bounds: xr.Dataset, threshold: float = DEPARTURE) -> float:
    """First power where PEB LB / CRB-M2 crosses ``threshold``, interpolated in log ratio. [dBm]

    ``-inf`` if already above at the lowest power, ``inf`` if never within the sweep.
    """
    powers = bounds["power"].values
    ratio = (bounds["peb"].sel(bound="lb") / bounds["peb"].sel(bound="crb_m2")).values
    above = np.flatnonzero(ratio > threshold)
    if above.size == 0:
        return float("inf")
    i = int(above[0])
    if i == 0:
        return float("-inf")
    lo, hi = np.log(ratio[i - 1]), np.log(ratio[i])
    return float(powers[i - 1] + (np.log(threshold) - lo) / (hi - lo) * (powers[i] - powers[i - 1]))


@register(STUDY, "lb_coincides_low_power")
def _claim_lb_low(inputs: ClaimInputs) -> Measured:
    peb = inputs.bounds["peb"]
    low = float(inputs.bounds["power"].min())
    ratio = float(peb.sel(bound="lb", power=low) / peb.sel(bound="crb_m2", power=low))
    return Measured(ratio, f"at {low:g} dBm")


@register(STUDY, "lb_departure_power")
def _claim_lb_departure(inputs: ClaimInputs) -> Measured:
    return Measured(departure_power(inputs.bounds),
                    f"LB > {DEPARTURE:.3g} CRB-M2; one seeded realization")  # fmt: skip


def _rmse_ratio(inputs: ClaimInputs, estimator: str, bound: str, power: float) -> Measured:
    mc, peb = inputs.montecarlo, inputs.bounds["peb"]
    powers = mc["power"].values
    p = float(powers[np.argmin(np.abs(powers - power))])
    rmse = float(np.sqrt((mc["error"].sel(estimator=estimator, power=p) ** 2).mean("trial")))
    return Measured(rmse / float(peb.sel(bound=bound, power=p)),
                    f"at {p:g} dBm, {mc.sizes['trial']} trials")  # fmt: skip


@register(STUDY, "mmle_follows_lb")
def _claim_mmle(inputs: ClaimInputs) -> Measured:
    return _rmse_ratio(inputs, "mmle", "lb", float(inputs.montecarlo["power"].max()))


@register(STUDY, "mle_attains_crb_m1")
def _claim_mle(inputs: ClaimInputs) -> Measured:
    return _rmse_ratio(inputs, "mle", "crb_m1", 10.0)


@register(STUDY, "crb_m1_levels_off", bound="crb_m1")
@register(STUDY, "crb_m2_keeps_falling", bound="crb_m2")
def _claim_decade_ratio(inputs: ClaimInputs, bound: str) -> Measured:
    """PEB of ``bound`` 10 dB below the top power over its PEB at the top power."""
    peb, powers = inputs.bounds["peb"], inputs.bounds["power"].values
    top = float(powers.max())
    upper = float(powers[np.argmin(np.abs(powers - (top - 10.0)))])
    value = float(peb.sel(bound=bound, power=upper) / peb.sel(bound=bound, power=top))
    return Measured(value, f"PEB at {upper:g} dBm over PEB at {top:g} dBm")


def _degradation(inputs: ClaimInputs, key: str, var: str) -> tuple[float, float]:
    ds = inputs.individual[key]
    p = float(ds["power"].values.max())
    lb = ds[var].sel(bound="lb", power=p).mean("realization")
    return float(lb / ds[var].sel(bound="crb_m2", power=p).mean("realization")), p


@register(STUDY, "pn_degrades_angle_and_delay", key="pn", measure="both")
@register(STUDY, "pa_degrades_angle_and_delay", key="pa", measure="both")
@register(STUDY, "cfo_angle_more_than_delay", key="cfo", measure="angle_over_delay")
@register(STUDY, "mc_angle_more_than_delay", key="mc", measure="angle_over_delay")
def _claim_one_impairment(inputs: ClaimInputs, key: str, measure: str) -> Measured:
    """Fig. 3: LB / CRB-M2 of AEB and DEB at the top power; their minimum or their ratio."""
    a, p = _degradation(inputs, key, "aeb")
    d, _ = _degradation(inputs, key, "deb")
    value = min(a, d) if measure == "both" else a / d
    return Measured(value, f"at {p:g} dBm; AEB x{a:.3g}, DEB x{d:.3g}")


@register(STUDY, "crb_m1_close_to_crb_m2")
def _claim_crb_close(inputs: ClaimInputs) -> Measured:
    closeness = [
        float((ds[var].sel(bound="crb_m1") / ds[var].sel(bound="crb_m2")).max())
        for key, ds in inputs.individual.items() if key in ("pn", "cfo", "mc")
        for var in ("aeb", "deb")
    ]  # fmt: skip
    return Measured(max(closeness), "over every realization and power")


@register(STUDY, "impairments_matter_more_at_high_snr")
def _claim_high_snr(inputs: ClaimInputs) -> Measured:
    sweep = inputs.sweep
    lb = sweep["peb"].sel(bound="lb").mean("realization")
    ref = sweep["peb"].sel(bound="crb_m2").mean("realization")
    worst = (lb / ref).isel(phase_noise_std=-1)
    hi, lo = float(worst.isel(power=-1)), float(worst.isel(power=0))
    powers = sweep["power"].values
    return Measured(hi / lo, f"LB/CRB-M2 {hi:.3g} at {powers[-1]:g} dBm vs {lo:.3g} at "
                             f"{powers[0]:g} dBm")  # fmt: skip
