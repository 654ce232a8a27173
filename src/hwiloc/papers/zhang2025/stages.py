"""zhang2025, Secs. II-IV: the datasets the rules build (scenario, offsets, CRLB, SAF, PMSR)."""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

from hwiloc.ambiguity import pmsr_db, pmsr_db_regions, saf, sensed_location
from hwiloc.impairments.phase_offsets import OFFSET_STREAMS, OFFSET_TYPES
from hwiloc.io.netcdf import concat_shards
from hwiloc.ofdm import OfdmGrid
from hwiloc.papers.zhang2025.global_accuracy import FLOOR_VARIABLES, error_floor, monte_carlo_error
from hwiloc.papers.zhang2025.system import (
    OFFSET_CODES,
    Scenario,
    grid_axes,
    phase_offsets_for,
    provenance,
    scaled_region,
    unit_csi,
)
from hwiloc.streams import STREAM_ATTRS, complex_normal, stream, stream_attrs


def offset_stream_attrs(offset_type: str, quantity: str = "phase_offset") -> dict:
    """The ``random_streams`` attributes of offsets of ``offset_type`` (none for "none")."""
    if offset_type not in OFFSET_STREAMS:
        return {}
    return stream_attrs({quantity: OFFSET_STREAMS[offset_type]})


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
    return provenance(ds, "zhang2025 scenario (Table I)", "scenario", "Table I, eq. (1)", cfg)


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
    ds.attrs.update(offset_type=offset_type, offset_std_rad=float(offset_std), seed=int(seed),
                    **offset_stream_attrs(offset_type))  # fmt: skip
    return provenance(
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
    return provenance(
        ds,
        f"zhang2025 CRLB under {offset_type} phase offsets (Fig. 3)",
        "crlb",
        "eqs. (4)-(13)",
        cfg,
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
        **{k: offsets.attrs[k] for k in STREAM_ATTRS if k in offsets.attrs},
    )
    return provenance(ds, f"zhang2025 SAF, case {case}", "saf", "eqs. (14)-(18)", cfg)


def shard_realizations(num_realizations: int, num_shards: int, shard: int) -> np.ndarray:
    """Realization indices of one shard (contiguous blocks)."""
    if not 0 <= shard < num_shards:
        raise ValueError(f"shard must be in [0, {num_shards}), got {shard}")
    return np.array_split(np.arange(num_realizations), num_shards)[shard]


SAF_IMAGES = 24
"""SAF images per kernel call of :func:`pmsr_shard_dataset` (whole realizations, every sigma):
the batched kernel's cost per image falls with the batch (:data:`hwiloc.ambiguity.SAF_BATCH`),
and 24 images of Fig. 7's grid hold 46 MB. [-]"""


def pmsr_shard_dataset(
    scenario: Scenario, offset_type: str, sweep_cfg: dict, shard: int, cfg: dict, progress=None
) -> xr.Dataset:
    """Stage 4: PMSR (eq. (18)) of one shard of offset realizations, all sigma (Fig. 7).

    Realization r draws from the offset type's stream of the entropy [seed, type
    code, r] (:func:`~hwiloc.papers.zhang2025.system.phase_offsets_for`), so the
    values do not depend on how the realizations are split into shards. ``progress``,
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
    floor = {name: np.empty_like(literal) for name in FLOOR_VARIABLES}
    monte_carlo = np.full_like(literal, np.nan)
    num_mc = int(sweep_cfg["monte_carlo_realizations"])
    scales, radii = sweep_alternatives(sweep_cfg)
    boxes = [scaled_region(sweep_cfg["region"], scenario.position, f) for f in scales]
    alternative = np.empty((len(scales), len(radii), len(std), len(realizations)))
    entropy = [int(sweep_cfg["seed"]), OFFSET_CODES[offset_type]]
    group = max(1, -(-SAF_IMAGES // len(std)))  # realizations per kernel call
    buffer = np.empty((group, len(std), len(y), len(x)))  # reused: its pages touched once
    geometry = (scenario.antenna_positions, scenario.grid)
    for first in range(0, len(realizations), group):
        chunk = realizations[first:first + group]
        csi = np.stack([[
            unit_csi(scenario, phase_offsets_for(scenario, offset_type, s, [*entropy, int(r)]))
            for s in std] for r in chunk
        ])  # fmt: skip
        images = saf(  # every sigma of these realizations in one batched kernel call
            csi, *geometry, x, y, oversampling=oversampling, out=buffer[:len(chunk)],
        )  # fmt: skip
        for j, i in itertools.product(range(len(chunk)), range(len(std))):
            image, at = images[j, i], (i, first + j)
            amplitude[at] = pmsr_db(image, x, y, radius, form="amplitude")
            literal[at] = 2.0 * amplitude[at]  # eq. (18) as written: |A|^2, twice in dB
            # (exactly pmsr_db(..., form="literal"): a power of 2 scales without rounding)
            if scales:  # the same image under the alternatives: the witnesses of the sweep rows
                alternative[:, :, i, first + j] = pmsr_db_regions(
                    image, x, y, boxes, radii, form=cfg["pmsr_form"])  # fmt: skip
            predicted = error_floor(image, x, y, csi[j, i], scenario.amplitudes, *geometry,
                                    scenario.position)  # fmt: skip
            for name in FLOOR_VARIABLES:
                floor[name][at] = predicted[name]
        noisy_rows = [j for j, r in enumerate(chunk) if r < num_mc]
        if noisy_rows:  # the localizer on noisy CSI: one noise draw per realization, every sigma
            noise = np.stack([_noise(sweep_cfg, offset_type, int(chunk[j]), csi.shape[-2:])
                              for j in noisy_rows])  # fmt: skip
            noisy = scenario.amplitudes[:, None] * csi[noisy_rows] + noise[:, None]
            noisy_images = saf(noisy, *geometry, x, y, oversampling=oversampling,
                               out=buffer[:len(noisy_rows)])  # fmt: skip
            for (k, j), i in itertools.product(enumerate(noisy_rows), range(len(std))):
                monte_carlo[i, first + j] = monte_carlo_error(
                    noisy_images[k, i], x, y, noisy[k, i], *geometry, scenario.position)
        if progress is not None:
            for r in chunk:
                progress(f"realization {r}, {len(std)} sigma")
    # the offset-free image on the same grid: each realization's PMSR loss is this minus its own
    none = np.zeros((scenario.num_antennas, scenario.grid.num_subcarriers))
    ideal = saf(unit_csi(scenario, none), scenario.antenna_positions, scenario.grid, x, y,
                oversampling=oversampling)  # fmt: skip
    ds = xr.Dataset(
        {
            "pmsr_db": (("offset_std", "realization"), literal),
            "pmsr_amplitude_db": (("offset_std", "realization"), amplitude),
            "pmsr_alternative_db": (("region_scale", "main_lobe_radius", "offset_std",
                                     "realization"), alternative),
            **{name: (("offset_std", "realization"), floor[name], attrs)
               for name, attrs in FLOOR_VARIABLES.items()},
            "monte_carlo_error": (("offset_std", "realization"), monte_carlo, {
                "units": "m", "long_name": "the uncalibrated SAF localizer's error on noisy CSI "
                "at the scenario's SNR (NaN beyond pmsr_sweep.monte_carlo_realizations)"}),
            **_ideal_variables(ideal, x, y, radius),
        },
        coords={"offset_std": std, "realization": realizations,
                "region_scale": scales, "main_lobe_radius": radii},
    )  # fmt: skip
    ds.attrs.update(offset_type=offset_type, seed=int(sweep_cfg["seed"]), shard=int(shard),
                    main_lobe_radius_m=radius,
                    **stream_attrs({"offsets of realization r ([seed, type code, r])":
                                    OFFSET_STREAMS[offset_type],
                                    "Monte Carlo noise of realization r": "noise"}))  # fmt: skip
    return provenance(
        ds,
        f"zhang2025 PMSR vs sigma, {offset_type} offsets, shard {shard}",
        "pmsr_shard",
        "eqs. (14)-(18), Fig. 7",
        cfg,
    )


def _noise(sweep_cfg: dict, offset_type: str, realization: int, shape) -> np.ndarray:
    """CN(0, 1) noise of one realization's Monte Carlo, [N, K], from the stream ``noise`` of
    [seed, type code, r]: the same at every sigma (common random numbers). [V]"""
    return complex_normal(stream([int(sweep_cfg["seed"]), OFFSET_CODES[offset_type],
                                  int(realization)], "noise"), shape)  # fmt: skip


def sweep_alternatives(sweep_cfg: dict) -> tuple[list[float], list[float]]:
    """The region scales (about the UE, of the sweep's own region) and radii of Omega under
    which every image of Fig. 7's sweep is graded again (``pmsr_sweep.alternatives``, values
    of the assumption fit's scan): the witnesses of the sweep rows. [-], [m]"""
    alt = sweep_cfg.get("alternatives") or {}
    return ([float(v) for v in alt.get("region_scale", [])],
            [float(v) for v in sorted(alt.get("main_lobe_radius", []))])  # fmt: skip


def alternative_cases(ds: xr.Dataset) -> list[tuple[float, float, str]]:
    """(region scale, radius of Omega, label) of every alternative a gathered sweep was graded
    under (``pmsr_alternative_db``), the shipped R and Omega left out; [] without any. [-], [m]"""
    if "pmsr_alternative_db" not in ds:
        return []
    alt, shipped = ds["pmsr_alternative_db"], float(ds.attrs.get("main_lobe_radius_m", np.nan))
    return [(float(scale), float(radius), f"R = {scale:g} x the fitted, Omega = {radius:g} m "
             "(the fit's scan)")
            for scale in alt["region_scale"].values for radius in alt["main_lobe_radius"].values
            if not (scale == 1.0 and np.isclose(radius, shipped))]  # fmt: skip


PMSR_FORMS = {"literal": "pmsr_db", "amplitude": "pmsr_amplitude_db"}
"""A sweep's PMSR variable of each form of eq. (18). [dB]"""

IDEAL = {"pmsr_db": "pmsr_ideal_db", "pmsr_amplitude_db": "pmsr_ideal_amplitude_db"}
"""A sweep's PMSR variable -> its offset-free PMSR on the sweep's grid, in every shard (the
same value). [dB]"""


def _ideal_variables(image: np.ndarray, x, y, radius: float) -> dict:
    forms = {"pmsr_db": "literal", "pmsr_amplitude_db": "amplitude"}
    return {IDEAL[v]: pmsr_db(image, x, y, radius, form=f) for v, f in forms.items()}


def gather_shards(shards: list[xr.Dataset], cfg: dict) -> xr.Dataset:
    """Stage 4 gather: concatenate shard datasets along ``realization``."""
    types = {ds.attrs["offset_type"] for ds in shards}
    if len(types) != 1:
        raise ValueError(f"shards mix offset types {sorted(types)}")
    ideal = {v: shards[0][v] for v in IDEAL.values()}
    if any(float(sh[v]) != float(ideal[v]) for sh in shards for v in ideal):
        raise ValueError("shards disagree on the offset-free PMSR: not one sweep's grid")
    ds = concat_shards([sh.drop_vars(list(ideal)) for sh in shards], "realization")
    ds = ds.assign(ideal)
    streams = {k: shards[0].attrs[k] for k in STREAM_ATTRS if k in shards[0].attrs}
    ds.attrs.update(offset_type=types.pop(), seed=shards[0].attrs["seed"], **streams,
                    main_lobe_radius_m=shards[0].attrs.get("main_lobe_radius_m", np.nan))
    return provenance(
        ds,
        f"zhang2025 PMSR vs sigma, {ds.attrs['offset_type']} offsets (Fig. 7)",
        "pmsr_gather",
        "eqs. (14)-(18), Fig. 7",
        cfg,
    )
