"""zhang2025: the per-sample SNR, the SAF region R and Omega's radius, fitted to the claims.

The SNR from Sec. III's CRLB claims; R (the config region scaled about the
UE) and the main-lobe radius of Omega from Sec. IV's PMSR claims. Both forms of
eq. (18) are rows of their own, so the fit also says which form the paper's
numbers follow. The machinery is :mod:`hwiloc.claims.assumptions`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hwiloc.ambiguity import pmsr_db
from hwiloc.claims import ClaimsFile
from hwiloc.claims.assumptions import Unknowns, attach, claim_values
from hwiloc.papers.zhang2025.claims import ClaimInputs
from hwiloc.papers.zhang2025.system import Scenario, provenance

CLAIMS = (
    "crlb_ratio_spatial_pi4", "crlb_ratio_spatial_pi",
    "pmsr_fig4", "pmsr_fig5", "pmsr_fig6", "pmsr_loss_fig5", "pmsr_loss_fig6",
)  # fmt: skip
"""The rows the unknowns are fitted to (their claims rows say ``fitted``): the SNR to the two
spatial CRLB ratios, R, Omega and the form of eq. (18) to Sec. IV's PMSR rows. The frequency
ratios and the antenna counts are then independent checks at the fitted SNR."""


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
    return claim_values(claims, ids, ClaimInputs(scenario=None, saf_cases=cases))


def dataset(cfg: dict, claims: ClaimsFile, saf_cases: dict | None) -> xr.Dataset:
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
    base = Scenario.from_config(cfg)
    max_n = int(cfg["crlb"]["max_antennas_for_claim"])
    sec3_ids = [i for i in CLAIMS if not i.startswith("pmsr")]
    sec4_ids = [i for i in CLAIMS if i.startswith("pmsr")] if saf_cases else []

    def sec3(s):
        sc = Scenario(**{**base.__dict__, "snr_db": float(s)})
        return claim_values(claims, sec3_ids, ClaimInputs(scenario=sc, max_antennas=max_n))

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
    ds = attach(xr.Dataset(coords=coords), claims, grid, default)
    ds["snr_db"].attrs.update(units="dB", long_name="per-sample SNR |alpha|^2 / sigma_n^2")
    ds["region_scale"].attrs.update(
        units="1", long_name="SAF region R: config region scaled about the UE"
    )
    ds["main_lobe_radius"].attrs.update(units="m", long_name="radius of the main lobe Omega")
    ds.attrs.update(
        default_snr_db=float(cfg["snr_db"]), default_region_scale=1.0,
        default_main_lobe_radius=radius0, map_axes="snr_db,main_lobe_radius",
    )  # fmt: skip
    return provenance(
        ds,
        "zhang2025 assumptions: SNR, R and Omega fitted to the claims",
        "assumptions",
        "eqs. (13), (18)",
        {"assumptions": a, "snr_db": cfg["snr_db"], "saf": cfg["saf"]},
    )


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


UNKNOWNS = Unknowns(
    paper="zhang2025",
    names=("snr_db", "region_scale", "main_lobe_radius"),
    config_keys={
        "snr_db": "zhang2025.snr_db",
        "region_scale": "zhang2025.saf.region (scaled about the UE)",
        "main_lobe_radius": "zhang2025.saf.main_lobe_radius",
    },
    fitted_to="Sec. III's spatial CRLB ratios (SNR) and Sec. IV's PMSR claims (R, Omega, form of "
    "eq. (18))",
    notes=lambda ds, point: [
        f"Form of eq. (18) at the fit: {_form_misfit(ds, point)}.",
        "R is scanned only by shrinking the config region (the SAF images are computed on "
        "it), so the R x Omega optimum is not trusted and the paper profile keeps R and "
        "Omega at their defaults: a fit needs R scanned to at least 5x and Omega beyond 1 m.",
    ],
)
"""The unknowns of zhang2025's fit, their config keys and what they are fitted to."""
