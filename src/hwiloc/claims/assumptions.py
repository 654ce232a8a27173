"""Values the papers leave out, inferred from the claims they do state.

For each paper a grid of plausible values of its unknowns (config
``<paper>.assumptions``) is scanned; at every point the claims that depend on
them are computed by id (:mod:`hwiloc.claims.registry`) and graded. The fit is
the point that reproduces the most claims, ties broken by the smallest misfit
(RMS over the claims of their distance in decades, :meth:`ClaimSpec.misfit`);
the fit region is every point that reproduces as many. The same claims are
evaluated at the shipped defaults, so a reader sees what the fit changes.

This module is the machinery no paper owns. A paper that fits unknowns has
``hwiloc.papers.<paper>.assumptions``: its :class:`Unknowns` (``UNKNOWNS``) and
a ``dataset(cfg, claims, inputs)`` that builds the graded grid with
:func:`attach`; its ``figures.sensitivity_map`` draws the map.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.claims.registry import ClaimsFile, measure

VERDICT_CODES = {"not reproduced": 0, "trend": 1, "reproduced": 2}


@dataclass(frozen=True)
class Unknowns:
    """What a paper's assumption fit scans, and how its report names it.

    Parameters
    ----------
    paper : str
        The paper's key, e.g. ``"zhang2025"``.
    names : tuple of str
        The unknowns: the grid dimensions of the fit dataset.
    config_keys : dict
        Unknown -> the config key it is shipped in (dotted).
    fitted_to : str
        Which of the paper's claims the unknowns are fitted to (one phrase).
    notes : callable (dataset, fitted point) -> list of str, optional
        More lines of the report after its summary.
    held : tuple of str
        Unknowns scanned as a sensitivity only: the fit holds them at their shipped
        value (a value the paper states), and their region says which values would
        do as well.
    """

    paper: str
    names: tuple[str, ...]
    config_keys: dict
    fitted_to: str
    notes: Callable | None = None
    held: tuple[str, ...] = ()


def claim_values(
    claims: ClaimsFile, ids, inputs, over_draws: bool = False, shares: dict | None = None
) -> dict[str, float]:
    """{row id (claim id plus variant): value} of the claims ``ids``.

    ``over_draws``: a claim measured over independent draws gives their median
    (nearest-rank, as :meth:`ClaimSpec.grade_draws`, so that an infinite draw stays one)
    instead of its shipped realization's value, and ``shares`` (a dict, filled in) the
    share of its draws within the precision (NaN for a value that is not random): the
    fit grades by the same rule as the claims table (:meth:`ClaimSpec.grade_median`).
    """
    out = {}
    for claim_id in ids:
        spec = claims.by_id(claim_id)
        for m in measure(claims.paper, claim_id, inputs):
            row = claim_id + (f"[{m.variant}]" if m.variant else "")
            if over_draws and m.draws:
                _, band = spec.grade_draws(m.draws)
                out[row] = band["median"]
                share = band["within_precision"]
            else:
                out[row], share = m.value, np.nan
            if shares is not None:
                shares[row] = share
    return out


def grade(
    claims: ClaimsFile, values: xr.DataArray, shares: xr.DataArray | None = None
) -> tuple[xr.DataArray, xr.DataArray]:
    """Verdict codes (0 not reproduced, 1 trend, 2 reproduced) and misfits [decades] of a grid.

    ``values`` has a ``row`` dimension of claim ids (with variant) and any others;
    ``shares`` (the same shape; NaN for a value that is not random) the share of each
    random value's draws within the precision: graded by :meth:`ClaimSpec.grade_median`,
    the claims table's rule.
    """
    codes = xr.zeros_like(values, dtype=np.int8)
    misfit = xr.zeros_like(values, dtype=float)
    shares = xr.full_like(values, np.nan, dtype=float) if shares is None else shares
    for row in values["row"].values:
        spec = claims.by_id(str(row).split("[")[0])
        v = values.sel(row=row)
        flat, share = v.values.ravel(), shares.sel(row=row).values.ravel()
        codes.loc[{"row": row}] = np.array(
            [VERDICT_CODES[spec.grade_median(x, f)] for x, f in zip(flat, share, strict=True)],
            dtype=np.int8,
        ).reshape(v.shape)
        misfit.loc[{"row": row}] = np.array([spec.misfit(x) for x in flat]).reshape(v.shape)
    return codes, misfit


TIE_DECADE = 0.005
"""A point no worse than the fit by more than this on any target claim ties with it (0.005
decade, about 1 % in a ratio or 0.05 dB: the misfit's resolution): the fit region. [decade]"""


def fit(ds: xr.Dataset, unknowns: tuple[str, ...], held: tuple[str, ...] = ()) -> dict:
    """The fitted point, the fit region and how decisive the fit is, from a graded grid.

    The point minimizes the RMS misfit of the claims the scan is sensitive to
    (:func:`attach`: each claim's distance from its stated band in decades, 0
    inside it; a claim that varies by less than its tolerance over the scan is
    no target), ties broken by the point nearest the shipped defaults. The
    region is every point no worse than the best on any target claim by more than
    :data:`TIE_DECADE`. ``held``
    unknowns stay at their shipped value in the fit; their region is over the
    whole scan (a sensitivity).

    Returns {"point": {unknown: value}, "region": {unknown: "min .. max" or "a, b"},
    "decisive_for": {unknown: bool}, "at_edge": [unknown], "num_reproduced": int,
    "num_trend": int, "misfit": float, "ties": int, "num_points": int,
    "insensitive": [row], "default_in_region": bool}: ``decisive_for`` an
    unknown when the region narrows its scanned range; ``at_edge`` the numeric
    unknowns whose fitted value is an end of their scan (the optimum may lie
    beyond it); ``ties`` the scanned points in the region.
    """
    misfit = ds["misfit"].round(9)
    at_default = {h: ds.attrs[f"default_{h}"] for h in held}
    free = misfit.sel(at_default)
    best_index = np.unravel_index(int(np.nanargmin(free.values)), free.shape)
    best_point = {**{d: free[d].values[i] for d, i in zip(free.dims, best_index, strict=True)},
                  **at_default}  # fmt: skip
    # a tie is no worse than the best point on any target claim by more than TIE_DECADE
    # (an RMS over all claims would let the claims of one unknown swamp another's)
    targets = ds["claim_misfit"].where(ds["sensitive"] == 1)
    worse = (targets - targets.sel(best_point)).max("row")
    ties = worse <= TIE_DECADE  # over the whole scan: the held unknowns' sensitivity
    region = ties
    for h, v in at_default.items():
        region = region & (ds[h] == v)
    distance = sum(
        (ds[d] != ds.attrs[f"default_{d}"]).astype(float)
        if ds[d].dtype.kind not in "fi"
        else np.abs(np.log(ds[d] / ds.attrs[f"default_{d}"]))
        for d in unknowns
    )
    key = misfit.where(region) + 1e-12 * distance / (1 + float(distance.max()))
    key = key.transpose(*misfit.dims)
    index = np.unravel_index(int(np.nanargmin(key.values)), key.shape)
    point = {d: ds[d].values[i].item() for d, i in zip(key.dims, index, strict=True)}
    bounds, narrows, edge = {}, {}, []
    for d in unknowns:
        mask = ties if d in held else region
        held_values = mask.any([o for o in mask.dims if o != d]).values
        values = ds[d].values[held_values]
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
        scanned = ds[d].values
        at_end = numeric and point[d] in (scanned.min(), scanned.max())
        if at_end and d not in held and ds.sizes[d] > 1:
            edge.append(d)
    insensitive = [str(r) for r, s in zip(ds["row"].values, ds["sensitive"].values, strict=True)
                   if not s]  # fmt: skip
    return {
        "point": point,
        "region": bounds,
        "decisive_for": narrows,
        "at_edge": edge,
        "num_reproduced": int(ds["num_reproduced"].sel(point).item()),
        "num_trend": int(ds["num_trend"].sel(point).item()),
        "misfit": float(ds["misfit"].sel(point)),
        "ties": int(region.sum()),
        "num_points": int(region.size),
        "insensitive": insensitive,
        "default_in_region": bool(
            (ds["default_claim_misfit"] - targets.sel(best_point)).max("row") <= TIE_DECADE
        ),
        "held": list(held),
    }


def attach(
    ds: xr.Dataset, claims: ClaimsFile, values: xr.DataArray, default: xr.DataArray,
    shares: xr.DataArray | None = None, default_shares: xr.DataArray | None = None,
):  # fmt: skip
    """Grade the grid ``values`` and the shipped defaults ``default``; their counts and misfits.

    A row is a target of the fit (``sensitive``) when its value varies over the
    scan by more than its claim's tolerance; ``misfit`` is the RMS over those
    rows of each claim's misfit (in decades, 0 inside the stated band). ``shares``
    and ``default_shares``: the share of each random value's draws within the
    precision (:func:`grade`).
    """
    codes, misfit = grade(claims, values, shares)
    dcodes, dmisfit = grade(claims, default, default_shares)
    if shares is not None:
        ds["share_within"] = shares
        ds["share_within"].attrs.update(units="1", long_name="share of the draws within the "
                                        "precision (NaN: not random)")  # fmt: skip
    grid_dims = [d for d in values.dims if d != "row"]
    finite = values.where(np.isfinite(values))
    spread = (finite.max(grid_dims) - finite.min(grid_dims)).fillna(0.0)
    tolerance = [claims.by_id(str(r).split("[")[0]).tolerance for r in values["row"].values]
    sensitive = spread > xr.DataArray(tolerance, dims=("row",), coords={"row": values["row"]})
    if not bool(sensitive.any()):
        sensitive = xr.ones_like(sensitive)  # nothing moves: every row counts (a flat fit)
    ds["value"] = values
    ds["verdict"] = codes
    ds["claim_misfit"] = misfit
    ds["sensitive"] = sensitive.astype(np.int8)
    ds["num_reproduced"] = (codes == 2).sum("row")
    ds["num_trend"] = (codes == 1).sum("row")
    ds["misfit"] = np.sqrt((misfit.where(sensitive) ** 2).mean("row"))
    ds["default_value"] = default
    ds["default_verdict"] = dcodes
    ds["default_claim_misfit"] = dmisfit
    ds["default_misfit"] = float(np.sqrt((dmisfit.where(sensitive) ** 2).mean()))
    ds["default_num_reproduced"] = int((dcodes == 2).sum())
    ds["default_num_trend"] = int((dcodes == 1).sum())
    return ds


def _scanned(axis: xr.DataArray) -> str:
    if axis.dtype.kind in "fi":
        return f"{axis.values.min():g} .. {axis.values.max():g} ({axis.size} values)"
    return ", ".join(map(str, axis.values))


def tables(ds: xr.Dataset, unknowns: Unknowns) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(fitted values, misfit of every claim at the defaults and at the fit, fit summary)."""
    result = fit(ds, unknowns.names, unknowns.held)
    names = {0: "not reproduced", 1: "trend", 2: "reproduced"}
    fitted = pd.DataFrame(
        [
            {
                "unknown": u,
                "config key": unknowns.config_keys[u],
                "shipped default": ds.attrs[f"default_{u}"],
                "fitted": result["point"][u],
                "fit region": result["region"][u],
                "identified": "held (sensitivity)"
                if u in unknowns.held
                else ("yes" if result["decisive_for"][u]
                      else "not identified (the fit region spans its scan)"),
                "scanned": _scanned(ds[u]),
                "units": ds[u].attrs["units"],
            }
            for u in unknowns.names
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


def report_markdown(ds: xr.Dataset, unknowns: Unknowns) -> str:
    """The assumptions report: fitted values with their region, misfit of every claim."""
    from hwiloc.reporting import to_markdown

    fitted, claims_table, result = tables(ds, unknowns)
    lines = [
        f"# {unknowns.paper}: unknown values inferred from the claims",
        "",
        f"Fitted to {unknowns.fitted_to}. The fit reproduces {result['num_reproduced']} of "
        f"{ds.sizes['row']} claims ({result['num_trend']} more as trend; RMS misfit "
        f"{result['misfit']:.3f} decade); the shipped defaults reproduce "
        f"{int(ds['default_num_reproduced'])} ({int(ds['default_num_trend'])} trend; RMS misfit "
        f"{float(ds['default_misfit']):.3f} decade). The fit minimizes the RMS misfit of the "
        "claims the scan moves; the fit region holds every scanned point no worse than the "
        f"fit on any of them by more than {TIE_DECADE:g} decade; an unknown is identified when "
        "the region narrows its scanned range, and not identified when the region spans it (the "
        "paper profile ships the fitted values; a fit target missed at them counts as failed "
        "in the claims headline). The shipped defaults are "
        f"{'inside' if result['default_in_region'] else 'OUTSIDE'} the fit region.",
        "",
        f"Ties: {result['ties']} of {result['num_points']} scanned points "
        f"({100 * result['ties'] / result['num_points']:.0f} %) tie with the fit (within "
        f"{TIE_DECADE:g} decade on every target claim).",
        "Insensitive over the scan (vary by less than their tolerance; not targets): "
        f"{', '.join(result['insensitive']) or 'none'}.",
        "At the edge of its scan (the optimum may lie beyond it): "
        f"{', '.join(result['at_edge']) or 'none'}.",
        "",
    ]
    if unknowns.notes is not None:
        lines += [*unknowns.notes(ds, result["point"]), ""]
    lines += [to_markdown(fitted), "", to_markdown(claims_table)]
    return "\n".join(lines)
