"""Values the papers leave out, inferred from the claims they do state.

For each paper a grid of plausible values of its unknowns (config
``<paper>.assumptions``) is scanned; at every point the claims that depend on
them are computed by id (:mod:`hwiloc.claims`) and graded. The fit is the point
that reproduces the most claims, ties broken by the smallest misfit (RMS over
the claims of their distance in decades, :meth:`ClaimSpec.misfit`); the fit
region is every point that reproduces as many. The same claims are evaluated at
the shipped defaults, so a reader sees what the fit changes.

- zhang2025: the per-sample SNR (Sec. III's CRLB claims), the SAF region R
  (the config region scaled about the UE) and the main-lobe radius of Omega
  (Sec. IV's PMSR claims; both forms of eq. (18) are rows of their own, so the
  fit also says which form the paper's numbers follow).
- chen2022: the CFO model (eq. (5) as written, or the intra-symbol ramp alone),
  the number of transmissions G and the residual CFO spread (Fig. 2's bound
  claims and Fig. 3's CFO and PN claims).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.ambiguity import pmsr_db
from hwiloc.claims import ClaimsFile, measure
from hwiloc.io.netcdf import finalize
from hwiloc.studies import chen2022, zhang2025

VERDICT_CODES = {"not reproduced": 0, "trend": 1, "reproduced": 2}

ZHANG2025_CLAIMS = (
    "crlb_ratio_frequency_pi4", "crlb_ratio_frequency_pi", "min_antennas_frequency_1cm",
    "crlb_ratio_spatial_pi4", "crlb_ratio_spatial_pi", "min_antennas_spatial_1cm",
    "pmsr_fig4", "pmsr_fig5", "pmsr_fig6", "pmsr_loss_fig5", "pmsr_loss_fig6",
)  # fmt: skip
CHEN2022_CLAIMS = (
    "lb_coincides_low_power", "lb_departure_power", "crb_m1_levels_off", "crb_m2_keeps_falling",
    "cfo_angle_more_than_delay", "pn_degrades_angle_and_delay",
)  # fmt: skip


def _rows(claims: ClaimsFile, ids, inputs) -> dict[str, float]:
    """{row id (claim id plus variant): value} of the claims ``ids``."""
    out = {}
    for claim_id in ids:
        for m in measure(claims.paper, claim_id, inputs):
            out[claim_id + (f"[{m.variant}]" if m.variant else "")] = m.value
    return out


def grade(claims: ClaimsFile, values: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    """Verdict codes (0 not reproduced, 1 trend, 2 reproduced) and misfits [decades] of a grid.

    ``values`` has a ``row`` dimension of claim ids (with variant) and any others.
    """
    codes = xr.zeros_like(values, dtype=np.int8)
    misfit = xr.zeros_like(values, dtype=float)
    for row in values["row"].values:
        spec = claims.by_id(str(row).split("[")[0])
        v = values.sel(row=row)
        flat = v.values.ravel()
        codes.loc[{"row": row}] = np.array(
            [VERDICT_CODES[spec.grade(x)] for x in flat], dtype=np.int8
        ).reshape(v.shape)
        misfit.loc[{"row": row}] = np.array([spec.misfit(x) for x in flat]).reshape(v.shape)
    return codes, misfit


def fit(ds: xr.Dataset, unknowns: tuple[str, ...]) -> dict:
    """The fitted point, the fit region and the counts, from a graded grid dataset.

    Returns {"point": {unknown: value}, "region": {unknown: "min .. max" or "a, b"},
    "decisive_for": {unknown: bool}, "num_reproduced": int, "num_trend": int,
    "misfit": float, "default_in_region": bool}: ``decisive_for`` an unknown
    when the region narrows its scanned range; ``default_in_region`` when the
    shipped defaults reproduce as many claims as the fit.
    """
    count = ds["num_reproduced"]
    best = int(count.max())
    region = count == best
    # most claims reproduced, then the smallest misfit, then the point nearest the defaults
    misfit = ds["misfit"].where(region).round(6)
    distance = sum(
        (ds[d] != ds.attrs[f"default_{d}"]).astype(float)
        if ds[d].dtype.kind not in "fi"
        else np.abs(np.log(ds[d] / ds.attrs[f"default_{d}"]))
        for d in unknowns
    )
    key = (misfit + 1e-9 * distance / (1 + float(distance.max()))).transpose(*misfit.dims)
    index = np.unravel_index(int(np.nanargmin(key.values)), key.shape)
    point = {d: ds[d].values[i].item() for d, i in zip(key.dims, index, strict=True)}
    bounds, narrows = {}, {}
    for d in unknowns:
        held = region.any([o for o in region.dims if o != d]).values
        values = ds[d].values[held]
        numeric = values.dtype.kind in "fi"
        bounds[d] = (
            f"{values.min().item():g} .. {values.max().item():g}"
            if numeric
            else ", ".join(sorted({str(v) for v in values}))
        )
        narrows[d] = bool(
            (values.min(), values.max()) != (ds[d].values.min(), ds[d].values.max())
            if numeric
            else len(set(values)) < ds.sizes[d]
        )
    default = int(ds["default_num_reproduced"])
    return {
        "point": point,
        "region": bounds,
        "decisive_for": narrows,
        "num_reproduced": best,
        "num_trend": int(ds["num_trend"].sel(point).item()),
        "misfit": float(ds["misfit"].sel(point)),
        "default_in_region": default == best,
    }


def _attach(ds: xr.Dataset, claims: ClaimsFile, values: xr.DataArray, default: xr.DataArray):
    codes, misfit = grade(claims, values)
    dcodes, dmisfit = grade(claims, default)
    ds["value"] = values
    ds["verdict"] = codes
    ds["claim_misfit"] = misfit
    ds["num_reproduced"] = (codes == 2).sum("row")
    ds["num_trend"] = (codes == 1).sum("row")
    ds["misfit"] = np.sqrt((misfit**2).mean("row"))
    ds["default_value"] = default
    ds["default_verdict"] = dcodes
    ds["default_misfit"] = float(np.sqrt((dmisfit**2).mean()))
    ds["default_num_reproduced"] = int((dcodes == 2).sum())
    ds["default_num_trend"] = int((dcodes == 1).sum())
    return ds


# --- zhang2025 ---------------------------------------------------------------------------------
def _pmsr_or_nan(image, x, y, radius: float, form: str) -> float:
    """PMSR of eq. (18), NaN where Omega covers the whole region R (no sidelobe left). [dB]"""
    xx, yy = np.meshgrid(x, y)
    iy, ix = np.unravel_index(int(np.argmax(image)), image.shape)
    if not np.any(np.hypot(xx - x[ix], yy - y[iy]) > radius):
        return float("nan")
    return pmsr_db(image, x, y, radius, form=form)


def _sec4_values(claims, saf_cases, scale: float, radius: float, ids) -> dict[str, float]:
    """PMSR claims with R = the SAF region scaled by ``scale`` about the UE, Omega of ``radius``."""
    if not ids:
        return {}
    cases = {}
    for case, ds in saf_cases.items():
        x, y = ds["x"].values, ds["y"].values
        ue = ds["ue_position"].values
        keep_x = np.abs(x - ue[0]) <= scale * np.abs(x - ue[0]).max() + 1e-9
        keep_y = np.abs(y - ue[1]) <= scale * np.abs(y - ue[1]).max() + 1e-9
        image = ds["saf"].values[np.ix_(keep_y, keep_x)]
        xs, ys = x[keep_x], y[keep_y]
        sub = xr.Dataset(
            {
                "pmsr_db": _pmsr_or_nan(image, xs, ys, radius, "literal"),
                "pmsr_amplitude_db": _pmsr_or_nan(image, xs, ys, radius, "amplitude"),
            }
        )
        sub.attrs.update({**ds.attrs, "main_lobe_radius_m": radius})
        cases[case] = sub
    return _rows(claims, ids, zhang2025.ClaimInputs(scenario=None, saf_cases=cases))


def zhang2025_dataset(cfg: dict, claims: ClaimsFile, saf_cases: dict | None) -> xr.Dataset:
    """Graded grid over SNR, region scale and main-lobe radius, and the shipped defaults.

    ``cfg`` is the ``zhang2025`` config section; ``saf_cases`` the SAF datasets
    of Figs. 4-6 (their images are cropped to each R), or None for Sec. III's
    claims alone (R and Omega then held at the config's).
    """
    a = cfg["assumptions"]
    snr = np.round(
        np.arange(a["snr_db"]["start"], a["snr_db"]["stop"] + 1e-9, a["snr_db"]["step"]), 6
    )
    radius0 = float(cfg["saf"]["main_lobe_radius"])
    scales = np.asarray(a["region_scale"] if saf_cases else [1.0], dtype=float)
    radii = np.asarray(a["main_lobe_radius"] if saf_cases else [radius0], dtype=float)
    base = zhang2025.Scenario.from_config(cfg)
    max_n = int(cfg["crlb"]["max_antennas_for_claim"])
    sec3_ids = [i for i in ZHANG2025_CLAIMS if not i.startswith("pmsr")]
    sec4_ids = [i for i in ZHANG2025_CLAIMS if i.startswith("pmsr")] if saf_cases else []

    def sec3(s):
        sc = zhang2025.Scenario(**{**base.__dict__, "snr_db": float(s)})
        return _rows(claims, sec3_ids, zhang2025.ClaimInputs(scenario=sc, max_antennas=max_n))

    s3 = [sec3(s) for s in snr]
    s4 = [[_sec4_values(claims, saf_cases, f, r, sec4_ids) for r in radii] for f in scales]
    rows = list(s3[0]) + list(s4[0][0])
    values = np.empty((len(rows), len(snr), len(scales), len(radii)))
    for k, row in enumerate(rows):
        if row in s3[0]:
            values[k] = np.array([d[row] for d in s3])[:, None, None]
        else:
            values[k] = np.array([[d[row] for d in line] for line in s4])[None, :, :]
    dims = ("row", "snr_db", "region_scale", "main_lobe_radius")
    coords = {"row": rows, "snr_db": snr, "region_scale": scales, "main_lobe_radius": radii}
    grid = xr.DataArray(values, dims=dims, coords=coords)
    default_rows = {
        **sec3(cfg["snr_db"]),
        **_sec4_values(claims, saf_cases, 1.0, radius0, sec4_ids),
    }
    default = xr.DataArray([default_rows[r] for r in rows], dims=("row",), coords={"row": rows})
    ds = _attach(xr.Dataset(coords=coords), claims, grid, default)
    ds["snr_db"].attrs.update(units="dB", long_name="per-sample SNR |alpha|^2 / sigma_n^2")
    ds["region_scale"].attrs.update(
        units="1", long_name="SAF region R: config region scaled about the UE"
    )
    ds["main_lobe_radius"].attrs.update(units="m", long_name="radius of the main lobe Omega")
    ds.attrs.update(
        default_snr_db=float(cfg["snr_db"]), default_region_scale=1.0,
        default_main_lobe_radius=radius0, map_axes="snr_db,main_lobe_radius",
    )  # fmt: skip
    return finalize(ds, title="zhang2025 assumptions: SNR, R and Omega fitted to the claims",
                    study="zhang2025", rule="assumptions",
                    references=f"{zhang2025.REFERENCE}, eqs. (13), (18)",
                    config={"assumptions": a, "snr_db": cfg["snr_db"],
                            "saf": cfg["saf"]})  # fmt: skip


# --- chen2022 ----------------------------------------------------------------------------------
def _chen_values(cfg: dict, claims: ClaimsFile, model: str, g: int, cfo_std: float, ids):
    """Fig. 2 bound claims and Fig. 3's CFO and PN claims at one point of the grid."""
    c = {
        **cfg,
        "system": {**cfg["system"], "num_transmissions": int(g)},
        "impairments": {**cfg["impairments"], "cfo_std": float(cfo_std), "cfo_model": model},
    }
    system = chen2022.System.from_config(c)
    hardware = chen2022.base_hardware(system, int(cfg["seed"]))
    bounds = chen2022.bounds_vs_power_dataset(system, hardware, cfg["power_dbm"], c)
    top = float(np.max(cfg["power_dbm"]))
    ind = {"num_realizations": int(cfg["assumptions"]["num_realizations"]), "num_shards": 1,
           "power_dbm": [top]}  # fmt: skip
    individual = {
        key: chen2022.individual_shard_dataset(system, key, ind, 0, int(cfg["seed"]), c)
        for key in ("cfo", "pn")
    }
    inputs = chen2022.ClaimInputs(bounds=bounds, individual=individual)
    return _rows(claims, ids, inputs)


def chen2022_dataset(cfg: dict, claims: ClaimsFile) -> xr.Dataset:
    """Graded grid over the CFO model, G and the CFO spread, and the shipped defaults.

    ``cfg`` is the ``chen2022`` config section.
    """
    a = cfg["assumptions"]
    models = list(a["cfo_model"])
    gs = np.asarray(a["num_transmissions"], dtype=int)
    stds = np.asarray(a["cfo_std"], dtype=float)
    points = {
        p: _chen_values(cfg, claims, *p, CHEN2022_CLAIMS)
        for p in itertools.product(models, gs, stds)
    }
    rows = list(next(iter(points.values())))
    values = np.array([[[[points[(m, g, s)][r] for s in stds] for g in gs] for m in models]
                       for r in rows])  # fmt: skip
    coords = {"row": rows, "cfo_model": models, "num_transmissions": gs, "cfo_std": stds}
    grid = xr.DataArray(values, dims=tuple(coords), coords=coords)
    imp, system = cfg["impairments"], cfg["system"]
    shipped = (imp["cfo_model"], int(system["num_transmissions"]), float(imp["cfo_std"]))
    default_rows = _chen_values(cfg, claims, *shipped, CHEN2022_CLAIMS)
    default = xr.DataArray([default_rows[r] for r in rows], dims=("row",), coords={"row": rows})
    ds = _attach(xr.Dataset(coords=coords), claims, grid, default)
    ds["cfo_model"].attrs.update(units="1", long_name="CFO phase model (eq5 or intra_symbol)")
    ds["num_transmissions"].attrs.update(units="1", long_name="number of transmissions G")
    ds["cfo_std"].attrs.update(units="1", long_name="residual CFO std, normalised to Delta f")
    ds.attrs.update(
        default_cfo_model=shipped[0], default_num_transmissions=shipped[1],
        default_cfo_std=shipped[2], map_axes="num_transmissions,cfo_std",
    )  # fmt: skip
    return finalize(ds, title="chen2022 assumptions: CFO model, G, CFO spread fitted to claims",
                    study="chen2022", rule="assumptions",
                    references=f"{chen2022.REFERENCE}, eqs. (3)-(5), (14)-(25)",
                    config={"assumptions": a, "system": system, "impairments": imp,
                            "power_dbm": cfg["power_dbm"], "seed": cfg["seed"]})  # fmt: skip


UNKNOWNS = {
    "zhang2025": ("snr_db", "region_scale", "main_lobe_radius"),
    "chen2022": ("cfo_model", "num_transmissions", "cfo_std"),
}
DEFAULT_KEYS = {
    paper: {u: f"default_{u}" for u in unknowns} for paper, unknowns in UNKNOWNS.items()
}  # fmt: skip
CONFIG_KEYS = {
    "snr_db": "zhang2025.snr_db", "region_scale": "zhang2025.saf.region (scaled about the UE)",
    "main_lobe_radius": "zhang2025.saf.main_lobe_radius",
    "cfo_model": "chen2022.impairments.cfo_model",
    "num_transmissions": "chen2022.system.num_transmissions",
    "cfo_std": "chen2022.impairments.cfo_std",
}  # fmt: skip


def _scanned(axis: xr.DataArray) -> str:
    if axis.dtype.kind in "fi":
        return f"{axis.values.min():g} .. {axis.values.max():g} ({axis.size} values)"
    return ", ".join(map(str, axis.values))


def tables(ds: xr.Dataset, paper: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(fitted values, misfit of every claim at the defaults and at the fit, fit summary)."""
    unknowns = UNKNOWNS[paper]
    result = fit(ds, unknowns)
    names = {0: "not reproduced", 1: "trend", 2: "reproduced"}
    fitted = pd.DataFrame(
        [
            {
                "unknown": u,
                "config key": CONFIG_KEYS[u],
                "shipped default": ds.attrs[DEFAULT_KEYS[paper][u]],
                "fitted": result["point"][u],
                "fit region": result["region"][u],
                "decisive": "yes" if result["decisive_for"][u] else "no",
                "scanned": _scanned(ds[u]),
                "units": ds[u].attrs["units"],
            }
            for u in unknowns
        ]
    )
    at_fit = ds.sel(result["point"])
    rows = []
    for row in ds["row"].values:
        rows.append(
            {
                "claim": str(row),
                "value at defaults": float(ds["default_value"].sel(row=row)),
                "verdict at defaults": names[int(ds["default_verdict"].sel(row=row))],
                "value at fit": float(at_fit["value"].sel(row=row)),
                "verdict at fit": names[int(at_fit["verdict"].sel(row=row))],
                "misfit at fit [decade]": float(at_fit["claim_misfit"].sel(row=row)),
            }
        )
    return fitted, pd.DataFrame(rows), result


FITTED_TO = {
    "zhang2025": "Sec. III's CRLB claims (SNR) and Sec. IV's PMSR claims (R, Omega, form of "
    "eq. (18))",
    "chen2022": "Fig. 2's bound claims and Fig. 3's CFO and PN claims",
}


def _form_misfit(ds: xr.Dataset, point: dict) -> str:
    """Which form of eq. (18) the paper's PMSR numbers follow, at the fit (zhang2025)."""
    at = ds["claim_misfit"].sel(point)
    out = []
    for form in ("literal", "amplitude"):
        rows = [r for r in ds["row"].values if str(r).endswith(f"[{form}]")]
        if rows:
            rms = float(np.sqrt((at.sel(row=rows) ** 2).mean()))
            out.append(f"{form} form: RMS misfit {rms:.3f} decade over {len(rows)} PMSR claims")
    return "; ".join(out)


def report_markdown(ds: xr.Dataset, paper: str) -> str:
    """The assumptions report: fitted values with their region, misfit of every claim."""
    from hwiloc.reporting import to_markdown

    fitted, claims_table, result = tables(ds, paper)
    lines = [
        f"# {paper}: unknown values inferred from the claims",
        "",
        f"Fitted to {FITTED_TO[paper]}. The fit reproduces {result['num_reproduced']} of "
        f"{ds.sizes['row']} claims ({result['num_trend']} more as trend; RMS misfit "
        f"{result['misfit']:.3f} decade); the shipped defaults reproduce "
        f"{int(ds['default_num_reproduced'])} ({int(ds['default_num_trend'])} trend; RMS misfit "
        f"{float(ds['default_misfit']):.3f} decade). The fit region holds every scanned point "
        "that reproduces as many claims as the fit; an unknown is decisive when the region "
        "narrows its scanned range (the paper profile ships the fitted value of a decisive "
        "unknown whose default fell outside). The shipped defaults are "
        f"{'inside' if result['default_in_region'] else 'OUTSIDE'} the fit region.",
        "",
    ]
    if paper == "zhang2025":
        lines += [f"Form of eq. (18) at the fit: {_form_misfit(ds, result['point'])}.", ""]
    lines += [to_markdown(fitted), "", to_markdown(claims_table)]
    return "\n".join(lines)
