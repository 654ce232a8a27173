"""Zhang et al. (2025), Secs. II-IV: CRLB, SAF and PMSR datasets from config.

Reference [1]: Q. Zhang, A. Sakhnini, R. Beerten, H. Xiong, Z. Cui, Y. Miao,
S. Pollin, "Robust Localization in OFDM-Based Massive MIMO through Phase Offset
Calibration", KU Leuven, 2025 (arXiv 2601.14244).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from hwiloc.ambiguity import pmsr_db, saf, sensed_location
from hwiloc.bounds.phase_offsets import position_crlb_rmse
from hwiloc.claims import Measured, register
from hwiloc.geometry import ula_positions
from hwiloc.impairments.phase_offsets import OFFSET_TYPES, draw_phase_offsets
from hwiloc.io.netcdf import concat_shards, finalize
from hwiloc.models.phase_offset import antenna_amplitudes, los_mean
from hwiloc.ofdm import OfdmGrid

STUDY = "zhang2025"
REFERENCE = (
    "Q. Zhang et al., Robust Localization in OFDM-Based Massive MIMO through Phase "
    "Offset Calibration, 2025 (arXiv 2601.14244)"
)
OFFSET_CODES = {"none": 0, "frequency": 1, "spatial": 2}


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
            grid=OfdmGrid(
                carrier_frequency=float(system["carrier_frequency"]),
                subcarrier_spacing=float(system["subcarrier_spacing"]),
                num_subcarriers=int(system["num_subcarriers"]),
                first_subcarrier_index=1,
            ),
            num_antennas=int(system["num_antennas"]),
            antenna_spacing=float(system["antenna_spacing"]),
            ue_position=tuple(float(v) for v in cfg["ue_position"]),
            snr_db=float(cfg["snr_db"]),
            amplitude_model=cfg["amplitude_model"],
            frequency_offset_mean=float(cfg["frequency_offset_mean"]),
        )

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


def _provenance(ds: xr.Dataset, title: str, rule: str, equations: str, cfg: dict) -> xr.Dataset:
    return finalize(
        ds,
        title=title,
        study=STUDY,
        rule=rule,
        references=f"{REFERENCE}, {equations}",
        config=cfg,
    )


def scenario_dataset(cfg: dict) -> xr.Dataset:
    """Stage 1: geometry and OFDM grid of Table I of [1]."""
    sc = Scenario.from_config(cfg)
    ds = xr.Dataset(
        {
            "antenna_position": (("antenna", "axis"), sc.antenna_positions),
            "subcarrier_frequency": ("subcarrier", sc.grid.frequencies),
            "ue_position": ("axis", sc.position),
            "amplitude": ("antenna", sc.amplitudes),
        },
        coords={
            "antenna": np.arange(sc.num_antennas),
            "subcarrier": sc.grid.subcarrier_indices,
            "axis": ["x", "y"],
        },
    )
    ds.attrs.update(
        carrier_frequency_hz=sc.grid.carrier_frequency,
        subcarrier_spacing_hz=sc.grid.subcarrier_spacing,
        bandwidth_hz=sc.grid.bandwidth,
        antenna_spacing_m=sc.antenna_spacing,
        snr_db=sc.snr_db,
        amplitude_model=sc.amplitude_model,
        frequency_offset_mean_rad=sc.frequency_offset_mean,
    )
    return _provenance(ds, "zhang2025 scenario (Table I)", "scenario", "Table I, eq. (1)", cfg)


def scenario_from_dataset(ds: xr.Dataset) -> Scenario:
    """Rebuild the :class:`Scenario` stored by :func:`scenario_dataset`."""
    return Scenario(
        grid=OfdmGrid(
            carrier_frequency=float(ds.attrs["carrier_frequency_hz"]),
            subcarrier_spacing=float(ds.attrs["subcarrier_spacing_hz"]),
            num_subcarriers=int(ds.sizes["subcarrier"]),
            first_subcarrier_index=int(ds["subcarrier"].values[0]),
        ),
        num_antennas=int(ds.sizes["antenna"]),
        antenna_spacing=float(ds.attrs["antenna_spacing_m"]),
        ue_position=tuple(float(v) for v in ds["ue_position"].values),
        snr_db=float(ds.attrs["snr_db"]),
        amplitude_model=str(ds.attrs["amplitude_model"]),
        frequency_offset_mean=float(ds.attrs["frequency_offset_mean_rad"]),
    )


def phase_offsets_for(
    scenario: Scenario, offset_type: str, offset_std: float, seed_entropy
) -> np.ndarray:
    """One seeded realization of eq. (2)'s offsets, [num_antennas, num_subcarriers]. [rad]

    The generator is ``numpy.random.default_rng(seed_entropy)``; the same entropy
    at another sigma reuses the same standard draws, scaled (common random numbers).
    """
    rng = np.random.default_rng(seed_entropy)
    return draw_phase_offsets(
        rng,
        offset_type,
        scenario.num_antennas,
        scenario.grid.num_subcarriers,
        offset_std,
        scenario.frequency_offset_mean,
    )


def offsets_dataset(
    scenario: Scenario, offset_type: str, offset_std: float, seed: int, cfg: dict
) -> xr.Dataset:
    """Stage 2: one seeded phase-offset realization (eq. (2))."""
    if offset_type not in OFFSET_TYPES:
        raise ValueError(f"offset_type must be one of {OFFSET_TYPES}, got {offset_type!r}")
    entropy = [int(seed), OFFSET_CODES[offset_type]]
    phi = phase_offsets_for(scenario, offset_type, offset_std, entropy)
    ds = xr.Dataset(
        {
            "phase_offset": (("antenna", "subcarrier"), phi),
            "seed_entropy": ("seed_index", np.asarray(entropy, dtype=np.int64)),
        },
        coords={
            "antenna": np.arange(scenario.num_antennas),
            "subcarrier": scenario.grid.subcarrier_indices,
        },
    )
    ds["seed_entropy"].attrs["units"] = "1"
    ds.attrs.update(offset_type=offset_type, offset_std_rad=float(offset_std), seed=int(seed))
    return _provenance(
        ds, f"zhang2025 {offset_type} phase offsets", "impairments", "eq. (2), Sec. II-A", cfg
    )


def crlb_dataset(scenario: Scenario, offset_type: str, crlb_cfg: dict, cfg: dict) -> xr.Dataset:
    """Stage 3: CRLB RMSE vs sigma and N (Fig. 3), eqs. (4)-(13)."""
    std = np.linspace(
        crlb_cfg["offset_std"]["start"],
        crlb_cfg["offset_std"]["stop"],
        crlb_cfg["offset_std"]["num"],
    )
    sizes = np.asarray(crlb_cfg["num_antennas"], dtype=int)
    rmse = np.stack([scenario.with_antennas(n).crlb_rmse(offset_type, std) for n in sizes])
    ideal = np.array([scenario.with_antennas(n).crlb_rmse("none", 0.0) for n in sizes])
    ds = xr.Dataset(
        {
            "crlb_rmse": (("num_antennas", "offset_std"), rmse),
            "crlb_rmse_ideal": ("num_antennas", ideal),
        },
        coords={"num_antennas": sizes, "offset_std": std},
    )
    ds.attrs.update(offset_type=offset_type, snr_db=scenario.snr_db)
    return _provenance(
        ds,
        f"zhang2025 CRLB under {offset_type} phase offsets (Fig. 3)",
        "crlb",
        "eqs. (4)-(13)",
        cfg,
    )


def grid_axes(region: dict) -> tuple[np.ndarray, np.ndarray]:
    """Evaluation grid axes of a region config (inclusive of both ends). [m]"""
    step = float(region["step"])
    nx = int(np.floor((region["x_max"] - region["x_min"]) / step + 1e-9)) + 1
    ny = int(np.floor((region["y_max"] - region["y_min"]) / step + 1e-9)) + 1
    return region["x_min"] + step * np.arange(nx), region["y_min"] + step * np.arange(ny)


def unit_csi(scenario: Scenario, phase_offsets: np.ndarray) -> np.ndarray:
    """Noise-free unit-amplitude CSI of eqs. (15)-(17), [num_antennas, num_subcarriers]."""
    return los_mean(
        scenario.position,
        scenario.antenna_positions,
        scenario.grid,
        1.0,
        frequency_offsets=phase_offsets,
    )


def saf_dataset(
    scenario: Scenario, offsets: xr.Dataset, saf_cfg: dict, case: str, cfg: dict
) -> xr.Dataset:
    """Stage 3: SAF image (eq. (14)) of one case, its PMSR (eq. (18)) and peak."""
    x, y = grid_axes(saf_cfg["region"])
    image = saf(
        unit_csi(scenario, offsets["phase_offset"].values),
        scenario.antenna_positions,
        scenario.grid,
        x,
        y,
        oversampling=int(saf_cfg["oversampling"]),
    )
    radius = float(saf_cfg["main_lobe_radius"])
    ds = xr.Dataset(
        {
            "saf": (("y", "x"), image),
            "pmsr_db": pmsr_db(image, x, y, radius, form="literal"),
            "pmsr_amplitude_db": pmsr_db(image, x, y, radius, form="amplitude"),
            "sensed_position": ("axis", np.asarray(sensed_location(image, x, y))),
            "ue_position": ("axis", scenario.position),
        },
        coords={"x": x, "y": y, "axis": ["x", "y"]},
    )
    ds.attrs.update(
        case=case,
        offset_type=offsets.attrs["offset_type"],
        offset_std_rad=float(offsets.attrs["offset_std_rad"]),
        seed=int(offsets.attrs["seed"]),
        main_lobe_radius_m=radius,
    )
    return _provenance(ds, f"zhang2025 SAF, case {case}", "saf", "eqs. (14)-(18)", cfg)


def shard_realizations(num_realizations: int, num_shards: int, shard: int) -> np.ndarray:
    """Realization indices of one shard (contiguous blocks)."""
    if not 0 <= shard < num_shards:
        raise ValueError(f"shard must be in [0, {num_shards}), got {shard}")
    return np.array_split(np.arange(num_realizations), num_shards)[shard]


def pmsr_shard_dataset(
    scenario: Scenario, offset_type: str, sweep_cfg: dict, shard: int, cfg: dict, progress=None
) -> xr.Dataset:
    """Stage 4: PMSR (eq. (18)) of one shard of offset realizations, all sigma (Fig. 7).

    Realization r draws from SeedSequence([seed, type code, r]), so the values
    do not depend on how the realizations are split into shards. ``progress``,
    if given, is called once per SAF image with a short description.
    """
    if offset_type not in ("frequency", "spatial"):
        raise ValueError(f"offset_type must be 'frequency' or 'spatial', got {offset_type!r}")
    std = np.asarray(sweep_cfg["offset_std"], dtype=float)
    realizations = shard_realizations(
        int(sweep_cfg["num_realizations"]), int(sweep_cfg["num_shards"]), shard
    )
    x, y = grid_axes(sweep_cfg["region"])
    radius = float(cfg["saf"]["main_lobe_radius"])
    oversampling = int(cfg["saf"]["oversampling"])
    literal = np.empty((len(std), len(realizations)))
    amplitude = np.empty_like(literal)
    entropy = [int(sweep_cfg["seed"]), OFFSET_CODES[offset_type]]
    for j, r in enumerate(realizations):
        csi = np.stack([
            unit_csi(scenario, phase_offsets_for(scenario, offset_type, s, [*entropy, int(r)]))
            for s in std
        ])  # fmt: skip
        images = saf(  # every sigma of realization r in one batched kernel call
            csi, scenario.antenna_positions, scenario.grid, x, y, oversampling=oversampling
        )
        for i, image in enumerate(images):
            literal[i, j] = pmsr_db(image, x, y, radius, form="literal")
            amplitude[i, j] = pmsr_db(image, x, y, radius, form="amplitude")
        if progress is not None:
            progress(f"realization {r}, {len(std)} sigma")
    ds = xr.Dataset(
        {
            "pmsr_db": (("offset_std", "realization"), literal),
            "pmsr_amplitude_db": (("offset_std", "realization"), amplitude),
        },
        coords={"offset_std": std, "realization": realizations},
    )
    ds.attrs.update(offset_type=offset_type, seed=int(sweep_cfg["seed"]), shard=int(shard))
    return _provenance(
        ds,
        f"zhang2025 PMSR vs sigma, {offset_type} offsets, shard {shard}",
        "pmsr_shard",
        "eqs. (14)-(18), Fig. 7",
        cfg,
    )


def gather_shards(shards: list[xr.Dataset], cfg: dict) -> xr.Dataset:
    """Stage 4 gather: concatenate shard datasets along ``realization``."""
    types = {ds.attrs["offset_type"] for ds in shards}
    if len(types) != 1:
        raise ValueError(f"shards mix offset types {sorted(types)}")
    ds = concat_shards(shards, "realization")
    ds.attrs.update(offset_type=types.pop(), seed=shards[0].attrs["seed"])
    return _provenance(
        ds,
        f"zhang2025 PMSR vs sigma, {ds.attrs['offset_type']} offsets (Fig. 7)",
        "pmsr_gather",
        "eqs. (14)-(18), Fig. 7",
        cfg,
    )


def min_antennas_for_accuracy(
    scenario: Scenario, offset_type: str, offset_std: float, accuracy: float, max_antennas: int
) -> float:
    """Smallest N (2..max_antennas) whose CRLB RMSE is <= accuracy; ``inf`` if none. [-]"""
    for n in range(2, max_antennas + 1):
        if float(scenario.with_antennas(n).crlb_rmse(offset_type, offset_std)) <= accuracy:
            return float(n)
    return float("inf")


def crlb_ratio(scenario: Scenario, offset_type: str, offset_std: float) -> float:
    """CRLB RMSE under offsets over the ideal one, eq. (13), at the scenario's N. [-]

    For frequency offsets every observation (n, k) carries its own nuisance
    phase, so the EFIM is the ideal FIM over 1 + 2 SNR sigma^2 and the ratio is
    sqrt(1 + 2 SNR sigma^2) whatever N and geometry (constant amplitudes).
    """
    return float(scenario.crlb_rmse(offset_type, offset_std)) / float(
        scenario.crlb_rmse("none", 0.0)
    )


@dataclass(frozen=True)
class ClaimInputs:
    """What the zhang2025 claims are computed from (one field per pipeline output).

    Attributes
    ----------
    scenario : Scenario
        Sec. III's CRLB claims are evaluated on it at its N (the testbed's 64).
    saf_cases : {"fig4" | "fig5" | "fig6": SAF dataset}
    pmsr_frequency, pmsr_spatial : gathered PMSR sweeps (Fig. 7), or None
    max_antennas : int
        Largest N searched for the 1 cm claims. [-]
    evaluations : list of evaluation datasets (Sec. V)
    calibration : calibration dataset (Sec. V, Fig. 2), or None
    source : str
        Config ``measured.source``: where the Sec. V captures come from.
    """

    scenario: Scenario
    saf_cases: dict = field(default_factory=dict)
    pmsr_frequency: xr.Dataset | None = None
    pmsr_spatial: xr.Dataset | None = None
    max_antennas: int = 128
    evaluations: tuple = ()
    calibration: xr.Dataset | None = None
    source: str = "emulator"


def _sec3_note(inputs: ClaimInputs) -> str:
    sc = inputs.scenario
    return f"N = {sc.num_antennas}, SNR {sc.snr_db:g} dB, {sc.amplitude_model} amplitudes"


@register(STUDY, "crlb_ratio_frequency_pi4", offset_type="frequency", offset_std=np.pi / 4)
@register(STUDY, "crlb_ratio_frequency_pi", offset_type="frequency", offset_std=np.pi)
@register(STUDY, "crlb_ratio_spatial_pi4", offset_type="spatial", offset_std=np.pi / 4)
@register(STUDY, "crlb_ratio_spatial_pi", offset_type="spatial", offset_std=np.pi)
def _claim_crlb_ratio(inputs: ClaimInputs, offset_type: str, offset_std: float) -> Measured:
    sc = inputs.scenario
    note = f"N = {sc.num_antennas}, SNR {sc.snr_db:g} dB, {sc.amplitude_model} amplitudes"
    return Measured(crlb_ratio(sc, offset_type, offset_std), note)


@register(STUDY, "min_antennas_frequency_1cm", offset_type="frequency")
@register(STUDY, "min_antennas_spatial_1cm", offset_type="spatial")
def _claim_min_antennas(inputs: ClaimInputs, offset_type: str) -> Measured:
    """Fewest N for a 1 cm CRLB RMSE at sigma = pi (inf: none up to max_antennas)."""
    n = min_antennas_for_accuracy(inputs.scenario, offset_type, np.pi, 0.01, inputs.max_antennas)
    return Measured(
        n, f"sigma = pi, SNR {inputs.scenario.snr_db:g} dB; searched N = 2..{inputs.max_antennas}"
    )


PMSR_FORMS = {"literal": "pmsr_db", "amplitude": "pmsr_amplitude_db"}


def _realization_band(sweep: xr.Dataset | None, var: str, std: float) -> str:
    """10-90 % band of the PMSR over the sweep's realizations at sigma, if swept."""
    if sweep is None:
        return ""
    hit = np.isclose(sweep["offset_std"].values, std)
    if not hit.any():
        return ""
    values = sweep[var].isel(offset_std=int(np.argmax(hit)))
    lo, hi = values.quantile([0.1, 0.9], dim="realization").values
    return f"; 10-90 % over {sweep.sizes['realization']} realizations: {lo:.2f} to {hi:.2f} dB"


@register(STUDY, "pmsr_fig4", case="fig4", sweep=None)
@register(STUDY, "pmsr_fig5", case="fig5", sweep="pmsr_frequency")
@register(STUDY, "pmsr_fig6", case="fig6", sweep="pmsr_spatial")
def _claim_pmsr(inputs: ClaimInputs, case: str, sweep: str | None) -> list[Measured]:
    """PMSR of one SAF case in both forms; the note gives the spread over the sweep's draws."""
    ds = inputs.saf_cases[case]
    out = []
    for form, var in PMSR_FORMS.items():
        swept = getattr(inputs, sweep) if sweep else None
        band = _realization_band(swept, var, float(ds.attrs["offset_std_rad"]))
        note = f"seed {ds.attrs['seed']}, Omega radius {ds.attrs['main_lobe_radius_m']:g} m{band}"
        out.append(Measured(float(ds[var]), note, form))
    return out


@register(STUDY, "pmsr_loss_fig5", case="fig5")
@register(STUDY, "pmsr_loss_fig6", case="fig6")
def _claim_pmsr_loss(inputs: ClaimInputs, case: str) -> list[Measured]:
    ideal, impaired = inputs.saf_cases["fig4"], inputs.saf_cases[case]
    note = f"one realization (seed {impaired.attrs['seed']})"
    return [
        Measured(float(ideal[var]) - float(impaired[var]), note, form)
        for form, var in PMSR_FORMS.items()
    ]


@register(STUDY, "pmsr_sweep_frequency_mild", sweep="pmsr_frequency")
@register(STUDY, "pmsr_sweep_spatial_significant", sweep="pmsr_spatial")
def _claim_sweep_loss(inputs: ClaimInputs, sweep: str) -> list[Measured]:
    """Mean PMSR loss from the first to the last sigma of Fig. 7's sweep, both forms."""
    ds = getattr(inputs, sweep)
    lo, hi = ds["offset_std"].values[[0, -1]] / np.pi
    span = f"mean of {ds.sizes['realization']} realizations, sigma {lo:.3g}pi to {hi:.3g}pi"
    out = []
    for form, var in PMSR_FORMS.items():
        mean = ds[var].mean("realization")
        out.append(Measured(float(mean.isel(offset_std=0) - mean.isel(offset_std=-1)), span, form))
    return out


def table1(cfg: dict):
    """Table I of [1] as used (values from config)."""
    import pandas as pd

    s = cfg["system"]
    rows = [
        ("Center frequency", "f_c", s["carrier_frequency"] / 1e9, "GHz", "Table I"),
        (
            "Bandwidth",
            "BW",
            s["subcarrier_spacing"] * s["num_subcarriers"] / 1e6,
            "MHz",
            "Table I (K x Delta f)",
        ),
        ("Sampling rate", "f_s", s["sampling_rate"] / 1e3, "kHz", "Table I"),
        ("Number of subcarriers", "K", s["num_subcarriers"], "-", "Table I"),
        ("Subcarrier spacing", "Delta f", s["subcarrier_spacing"] / 1e3, "kHz", "Table I"),
        ("Number of UE", "M", 1, "-", "Table I"),
        ("Number of receiver antennas", "N", s["num_antennas"], "-", "Table I"),
        ("Antenna spacing", "Delta a", s["antenna_spacing"], "m", "Table I"),
        (
            "UE position",
            "(x, y)",
            f"({cfg['ue_position'][0]:g}, {cfg['ue_position'][1]:g})",
            "m",
            "Sec. IV (Fig. 4)",
        ),
        (
            "SNR per antenna and subcarrier",
            "|alpha|^2/sigma_n^2",
            cfg["snr_db"],
            "dB",
            "fitted to Sec. III's claims (assumptions/)",
        ),
        ("Amplitude model", "alpha_n", cfg["amplitude_model"], "-", "assumed"),
    ]
    return pd.DataFrame(rows, columns=["parameter", "symbol", "value", "unit", "source"])
