"""Parameter studies beyond the papers: one TSV row = one case.

Each study in config ``studies`` names a ``kind`` (what a row means) and a
``table`` (``config/studies/*.tsv``, read by Snakemake's Paramspace). A kind is a
function from one row (a dict of typed values) and the study entry to a
self-describing dataset; a study's figure gathers its cases.

Kinds:

- ``zhang2025_wideband``: bandwidth_hz, offset_std -> CRLB ratio and PMSR loss
  under frequency offsets at a fixed subcarrier count (the paper's future work);
- ``zhang2025_array``: num_antennas, antenna_spacing, offset_std -> CRLB and
  PMSR under spatial offsets (array size and spacing, grating lobes);
- ``chen2022_tolerance``: impairment, power_dbm -> the impairment level at which
  the LB exceeds CRB-M2 by 3 dB (PEB ratio sqrt(2));
- ``saf_mcrb``: offset_std, snr_db -> the MCRB (chen2022 engine) of the
  uncalibrated SAF localizer of zhang2025 against its Monte Carlo error;
- ``zhang2025_crlb``: ue_x, ue_y, offset_type, offset_std -> the CRLB of eq. (13)
  at each UE position (a map), vectorized over the rows at one position.

A study's rows are computed in chunks (:mod:`hwiloc.studies.table`), one job per chunk
(:func:`chunk_dataset`); a gathering job joins them (:func:`gather_chunks`).
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.ambiguity import pmsr_db, saf
from hwiloc.bounds.localization import THREE_DB
from hwiloc.impairments.hardware import HARDWARE_STREAMS
from hwiloc.impairments.phase_offsets import OFFSET_STREAMS
from hwiloc.io.netcdf import attribute_table, finalize
from hwiloc.ofdm import OfdmGrid
from hwiloc.papers.chen2022 import stages as chen2022_stages
from hwiloc.papers.chen2022 import system as chen2022
from hwiloc.papers.chen2022.hooks import ATTRIBUTES as CHEN2022_ATTRIBUTES
from hwiloc.papers.zhang2025 import system as zhang2025
from hwiloc.papers.zhang2025.hooks import ATTRIBUTES as ZHANG2025_ATTRIBUTES
from hwiloc.streams import complex_normal, stream, stream_attrs

TOLERANCE_RANGES = {  # searched level range per impairment (log scale)
    "pn": (1e-4, 1.0),  # sigma_PN [rad]
    "cfo": (1e-5, 0.1),  # eps std [Delta f]
    "mc": (1e-4, 1.0),  # sigma_MC [-]
    "pa": (1e-3, 100.0),  # multiplier of the default nonlinear PA coefficients [-]
}


def _pmsr_and_crlb(scenario, offset_type: str, std: float, entry: dict, z: dict) -> dict:
    """CRLB ratio, CRLB RMSE and the mean PMSR loss of one scenario (zhang2025 kernels).

    The SAF uses the Fig. 7 region and the paper profile's main lobe and kernel
    settings; realization r draws from [seed, r].
    """
    num_realizations, seed = int(entry["num_realizations"]), int(entry["seed"])
    region, radius = z["pmsr_sweep"]["region"], z["saf"]["main_lobe_radius"]
    oversampling = z["saf"]["oversampling"]
    ideal = float(scenario.crlb_rmse("none", 0.0))
    rmse = float(scenario.crlb_rmse(offset_type, std))
    x, y = zhang2025.grid_axes(region)
    ant, grid = scenario.antenna_positions, scenario.grid
    zero = np.zeros((scenario.num_antennas, grid.num_subcarriers))
    ideal_image = saf(
        zhang2025.unit_csi(scenario, zero), ant, grid, x, y, oversampling=oversampling
    )
    pmsr_ideal = pmsr_db(ideal_image, x, y, radius)
    csi = np.stack([
        zhang2025.unit_csi(scenario, zhang2025.phase_offsets_for(scenario, offset_type, std,
                                                                 [seed, r]))
        for r in range(num_realizations)
    ])  # fmt: skip
    images = saf(csi, ant, grid, x, y, oversampling=oversampling)  # one batched kernel call
    pmsr = [pmsr_db(image, x, y, radius) for image in images]
    return {
        "crlb_rmse": rmse,
        "crlb_rmse_ideal": ideal,
        "crlb_ratio": rmse / ideal,
        "pmsr_ideal_db": pmsr_ideal,
        "pmsr_db": float(np.mean(pmsr)),
        "pmsr_loss_db": pmsr_ideal - float(np.mean(pmsr)),
    }


def zhang2025_wideband(row: dict, entry: dict, cfg: dict) -> dict:
    z = cfg["zhang2025"]
    base = zhang2025.Scenario.from_config(z)
    k = base.grid.num_subcarriers
    grid = OfdmGrid(
        carrier_frequency=base.grid.carrier_frequency,
        subcarrier_spacing=float(row["bandwidth_hz"]) / k,
        num_subcarriers=k,
    )
    scenario = replace(base, grid=grid)
    return _pmsr_and_crlb(scenario, "frequency", float(row["offset_std"]), entry, z)


def zhang2025_array(row: dict, entry: dict, cfg: dict) -> dict:
    z = cfg["zhang2025"]
    scenario = replace(
        zhang2025.Scenario.from_config(z),
        num_antennas=int(row["num_antennas"]),
        antenna_spacing=float(row["antenna_spacing"]),
    )
    return _pmsr_and_crlb(scenario, "spatial", float(row["offset_std"]), entry, z)


def _at_level(system, impairment: str, level: float):
    if impairment == "pn":
        return system.with_levels(phase_noise_std=level)
    if impairment == "cfo":
        return system.with_levels(cfo_std=level)
    if impairment == "mc":
        return system.with_levels(coupling_residual_std=level)
    scaled = {p: (b if p == 1 else level * b) for p, b in system.pa_coefficients.items()}
    return system.with_levels(pa_coefficients=scaled)


def lb_ratio(system, impairment, level, power, num_realizations, seed) -> float:
    """Mean over realizations of PEB(LB) / PEB(CRB-M2), that impairment alone at ``level``."""
    at = _at_level(system, impairment, level)
    base = chen2022.base_hardware(system, seed)
    ratios = []
    for r in range(num_realizations):
        drawn = at.draw([seed, 20, r])  # one stream per quantity: the same draws at every level
        hw = replace(drawn, pilot_phase=base.pilot_phase, combiner_phase=base.combiner_phase)
        if impairment == "pa":
            hw = replace(base, pilot_phase=drawn.pilot_phase)
        errors, _ = chen2022_stages.bound_errors(at, hw, power, (impairment,))
        ratios.append(errors["lb"]["peb_m"] / errors["crb_m2"]["peb_m"])
    return float(np.mean(ratios))


def chen2022_tolerance(row: dict, entry: dict, cfg: dict, iterations: int = 14) -> dict:
    """Level at which LB/CRB-M2 (PEB) reaches sqrt(2), by bisection in log(level)."""
    system = chen2022.System.from_config(cfg["chen2022"])
    impairment, power = str(row["impairment"]), float(row["power_dbm"])
    if impairment not in TOLERANCE_RANGES:
        raise ValueError(
            f"impairment must be one of {sorted(TOLERANCE_RANGES)}, got {impairment!r}"
        )
    lo, hi = np.log10(TOLERANCE_RANGES[impairment])
    n, seed = int(entry["num_realizations"]), int(entry["seed"])

    def f(log_level):
        return lb_ratio(system, impairment, 10**log_level, power, n, seed)

    if f(lo) >= THREE_DB:
        level, status = 10**lo, "below_range"
    elif f(hi) < THREE_DB:
        level, status = 10**hi, "above_range"
    else:
        for _ in range(iterations):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) < THREE_DB else (lo, mid)
        level, status = 10 ** ((lo + hi) / 2), "found"
    return {"tolerance": float(level), "status": status}


def saf_mcrb(row: dict, entry: dict, cfg: dict) -> dict:
    """MCRB of the uncalibrated SAF localizer (assumed: no offsets) vs its Monte Carlo RMSE.

    Bounds through the generic engine (:mod:`hwiloc.bounds.generic`): the
    pseudo-true point by its least-squares solver from the truth, the position
    LB = tr(MCRB of p) + ||bias||^2.
    """
    from hwiloc.bounds import generic
    from hwiloc.estimators import saf_peak
    from hwiloc.models.phase_offset import LosPositionModel

    z = cfg["zhang2025"]
    scenario = zhang2025.Scenario.from_config(z)
    seed, std = int(entry["seed"]), float(row["offset_std"])
    phi = zhang2025.phase_offsets_for(scenario, "spatial", std, [seed, 0])
    true_model = LosPositionModel(scenario.antenna_positions, scenario.grid, phi)
    assumed = LosPositionModel(scenario.antenna_positions, scenario.grid)
    gain = np.sqrt(10 ** (float(row["snr_db"]) / 10))  # noise variance 1
    eta = np.array([*scenario.position, gain, 0.0])
    data = true_model.mean(eta)
    bound = generic.mcrb(true_model, eta, assumed, 1.0, start=eta)  # same parameters
    half, step = float(entry["search_halfwidth"]), float(entry["search_step"])
    x = scenario.position[0] + np.arange(-half, half + step / 2, step)
    y = scenario.position[1] + np.arange(-half, half + step / 2, step)
    rng = stream([seed, 1], "noise")  # trial after trial: trial t's noise is the same for any count
    errors = []
    for _ in range(int(entry["num_trials"])):
        r = (data + complex_normal(rng, data.shape)).reshape(scenario.num_antennas, -1)
        est, _ = saf_peak(r, scenario.antenna_positions, scenario.grid, x, y, refine_step=step / 50)
        errors.append(float(np.sum((est - eta[:2]) ** 2)))
    return {
        "lb_peb": bound.rmse("position", "lb"),
        "mcrb_peb": bound.rmse("position", "mcrb"),
        "bias": float(np.linalg.norm(bound.bias("position"))),
        "crb_peb_true_model": generic.crb(true_model, eta, 1.0).rmse("position"),
        "mc_rmse": float(np.sqrt(np.mean(errors))),
    }


def zhang2025_crlb(rows: pd.DataFrame, entry: dict, cfg: dict) -> dict[str, np.ndarray]:
    """CRLB RMSE of eq. (13) at each row's UE position, offset type and std, and without
    offsets (eq. (13) with the offsets known); every row of one position and offset type in
    one call (the FIM is evaluated once, the stds broadcast). [m]"""
    base = zhang2025.Scenario.from_config(cfg["zhang2025"])
    types = rows["offset_type"].to_numpy(dtype=str)
    stds = rows["offset_std"].to_numpy(dtype=float)
    out = {"crlb_rmse": np.empty(len(rows)), "crlb_rmse_ideal": np.empty(len(rows))}
    for (x, y), at in rows.groupby(["ue_x", "ue_y"], sort=False).indices.items():
        scenario = replace(base, ue_position=(float(x), float(y)))
        out["crlb_rmse_ideal"][at] = scenario.crlb_rmse("none", 0.0)
        for kind in np.unique(types[at]):
            same = at[types[at] == kind]
            out["crlb_rmse"][same] = scenario.crlb_rmse(kind, stds[same])
    out["crlb_ratio"] = out["crlb_rmse"] / out["crlb_rmse_ideal"]
    return out


KINDS = {
    "zhang2025_wideband": zhang2025_wideband,
    "zhang2025_array": zhang2025_array,
    "chen2022_tolerance": chen2022_tolerance,
    "saf_mcrb": saf_mcrb,
}
BATCH_KINDS = {  # kinds computed on a chunk's rows at once (rows -> {result: [row]})
    "zhang2025_crlb": zhang2025_crlb,
}
STREAMS = {  # what each kind draws: {quantity (its entropy): stream name}
    "zhang2025_wideband": {"offsets of realization r ([seed, r])": OFFSET_STREAMS["frequency"]},
    "zhang2025_array": {"offsets of realization r ([seed, r])": OFFSET_STREAMS["spatial"]},
    "chen2022_tolerance": {  # lb_ratio: new impairments with Fig. 2's pilot, or a new pilot (PA)
        **{f"{q} of realization r ([seed, 20, r])": HARDWARE_STREAMS[q]
           for q in ("phase_noise", "cfo", "coupling_residual")},
        "pilot_phase of realization r ([seed, 20, r]; PA)": HARDWARE_STREAMS["pilot_phase"],
        "pilot_phase ([seed, 0]; PN, CFO, MC)": HARDWARE_STREAMS["pilot_phase"],
        "combiner_phase ([seed, 0])": HARDWARE_STREAMS["combiner_phase"],
    },
    "saf_mcrb": {"offsets ([seed, 0])": OFFSET_STREAMS["spatial"],
                 "noise of the trials ([seed, 1])": "noise"},
    "zhang2025_crlb": {},  # a bound: nothing random
}  # fmt: skip
UNITS = {
    "crlb_rmse": "m",
    "crlb_rmse_ideal": "m",
    "crlb_ratio": "1",
    "pmsr_ideal_db": "dB",
    "pmsr_db": "dB",
    "pmsr_loss_db": "dB",
    "tolerance": "impairment level (see study)",
    "status": "1",
    "lb_peb": "m",
    "mcrb_peb": "m",
    "bias": "m",
    "crb_peb_true_model": "m",
    "mc_rmse": "m",
}

STUDY_ATTRIBUTES = attribute_table(ZHANG2025_ATTRIBUTES, CHEN2022_ATTRIBUTES)  # the papers' names


COLUMN_UNITS = {  # the table columns of every kind (the row schemas' descriptions)
    "bandwidth_hz": "Hz",
    "offset_std": "rad",
    "num_antennas": "1",
    "antenna_spacing": "m",
    "impairment": "1",
    "power_dbm": "dBm",
    "snr_db": "dB",
    "ue_x": "m",
    "ue_y": "m",
    "offset_type": "1",
}


def chunk_dataset(
    study: str, kind: str, rows: pd.DataFrame, entry: dict, cfg: dict, chunk: str = "",
    key: str = "",
) -> xr.Dataset:
    """Run the rows of one chunk of a study; one dataset with the rows as dimension ``row``.

    Each table column is a coordinate along ``row`` with its type (integer, float or
    string) and unit; each result a variable with its unit. ``row`` itself holds the
    rows' line numbers in the study table, less 2 (their index in the table). A row's
    result depends on that row alone (its draws come from the study's seed and the
    realization index), so a chunk gives the same numbers as its rows one by one.
    ``chunk`` and ``key`` (the chunk's name and the study key of its path) are recorded.
    """
    if kind in BATCH_KINDS:
        data = {k: ("row", v) for k, v in BATCH_KINDS[kind](rows, entry, cfg).items()}
    else:
        results = [KINDS[kind](row, entry, cfg) for row in rows.to_dict("records")]
        data = {k: ("row", np.array([r[k] for r in results])) for k in results[0]}
    coords = {"row": ("row", rows.index.to_numpy(dtype=np.int64))}
    coords.update({c: ("row", rows[c].to_numpy()) for c in rows.columns})
    ds = xr.Dataset(data, coords=coords)
    ds["row"].attrs.update(units="1", long_name="index of the row in the study table")
    for c in rows.columns:
        ds[c].attrs.update(units=COLUMN_UNITS[c], long_name=f"study table column {c}")
    for k in ds.data_vars:
        ds[k].attrs.update(units=UNITS[k], long_name=k.replace("_", " "))
    ds.attrs.update(seed=int(entry["seed"]), chunk=chunk, study_key=key,
                    **stream_attrs(STREAMS[kind]))  # fmt: skip
    return _finalize(ds, study, kind, "study_chunk", {"study": entry, "reads": cfg})


REFERENCES = {
    "zhang2025_wideband": "zhang2025 eqs. (13) (CRLB under phase offsets), (14) (SAF) and (18) "
                          "(PMSR)",
    "zhang2025_array": "zhang2025 eqs. (13) (CRLB under phase offsets), (14) (SAF) and (18) (PMSR)",
    "chen2022_tolerance": "chen2022 eqs. (14)-(25) (CRB-M2 and the LB): the level where PEB(LB) / "
                          "PEB(CRB-M2) = sqrt(2)",
    "saf_mcrb": "zhang2025 eq. (14) (the SAF localizer); chen2022 eqs. (20), (23)-(25) (its MCRB "
                "and LB, through hwiloc.bounds.generic)",
    "zhang2025_crlb": "zhang2025 eq. (13) (CRLB under phase offsets, and without them)",
}  # fmt: skip
"""What each kind computes, by the equations of its paper: the ``references`` attribute of its
datasets."""


def _finalize(ds: xr.Dataset, study: str, kind: str, rule: str, config: dict) -> xr.Dataset:
    """A study's dataset with the conventions' global attributes (its rows in the title)."""
    return finalize(
        ds,
        title=f"parameter study {study} ({kind}), {ds.sizes['row']} row(s)",
        study=kind.split("_")[0],
        rule=rule,
        references=REFERENCES[kind],
        config=config,
        attributes=STUDY_ATTRIBUTES,
    )


def gather_chunks(chunks: list[xr.Dataset], study: str, kind: str, key: str) -> xr.Dataset:
    """Every row of a study in one dataset (chunks in table order, rows along ``row``).

    The chunks' variables and coordinates keep their units; the global attributes are
    the gathering job's, with ``study_key`` (of the results' folder) and ``num_chunks``.
    """
    config = json.loads(chunks[0].attrs["config"])
    ds = xr.concat([c.drop_attrs(deep=False) for c in chunks], dim="row")
    ds.attrs.update(seed=chunks[0].attrs["seed"], study_key=key, num_chunks=len(chunks))
    ds.attrs.update({k: chunks[0].attrs[k] for k in ("random_streams", "random_stream_scheme")})
    return _finalize(ds, study, kind, "study_gather", config)


def study_table(ds: xr.Dataset) -> pd.DataFrame:
    """A gathered study as a table: the columns, then the results, one line per row."""
    columns = [c for c in ds.coords if c != "row"]
    return pd.DataFrame({c: ds[c].values for c in [*columns, *ds.data_vars]})
