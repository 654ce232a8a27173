"""chen2022: the CFO model, the number of transmissions G and the CFO spread, fitted to the claims.

The CFO model is eq. (5) as written or the intra-symbol ramp alone; the
claims are Fig. 2's bound claims and Fig. 3's CFO and PN claims. The machinery
is :mod:`hwiloc.claims.assumptions`.
"""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

from hwiloc.claims import ClaimsFile
from hwiloc.claims.assumptions import Unknowns, attach, claim_values
from hwiloc.papers.chen2022.claims import ClaimInputs
from hwiloc.papers.chen2022.stages import bounds_vs_power_dataset, individual_shard_dataset
from hwiloc.papers.chen2022.system import System, base_hardware, provenance

CLAIMS = (
    "lb_coincides_low_power", "lb_departure_power",
    "cfo_angle_more_than_delay", "pn_degrades_angle_and_delay",
)  # fmt: skip
"""The rows the unknowns are fitted to (their claims rows say ``fitted``). crb_m2_keeps_falling
is sqrt(10) at every point (structural) and crb_m1_levels_off is set by the PA, not by the
CFO model, G or the CFO spread (it varies by less than its tolerance over the scan): no
targets."""


def point_values(cfg: dict, claims: ClaimsFile, model: str, g: int, cfo_std: float, ids):
    """Fig. 2 bound claims and Fig. 3's CFO and PN claims at one point of the grid."""
    c = {
        **cfg,
        "system": {**cfg["system"], "num_transmissions": int(g)},
        "impairments": {**cfg["impairments"], "cfo_std": float(cfo_std), "cfo_model": model},
    }
    system = System.from_config(c)
    hardware = base_hardware(system, int(cfg["seed"]))
    bounds = bounds_vs_power_dataset(system, hardware, cfg["power_dbm"], c)
    top = float(np.max(cfg["power_dbm"]))
    ind = {"num_realizations": int(cfg["assumptions"]["num_realizations"]), "num_shards": 1,
           "power_dbm": [top]}  # fmt: skip
    individual = {
        key: individual_shard_dataset(system, key, ind, 0, int(cfg["seed"]), c)
        for key in ("cfo", "pn")
    }
    inputs = ClaimInputs(bounds=bounds, individual=individual)
    return claim_values(claims, ids, inputs)


def dataset(cfg: dict, claims: ClaimsFile, inputs: dict | None = None) -> xr.Dataset:
    """Graded grid over the CFO model, G and the CFO spread, and the shipped defaults.

    ``cfg`` is the ``chen2022`` config section; ``inputs`` is unused (the fit
    builds its own bounds), accepted as every paper's ``dataset`` does.
    """
    a = cfg["assumptions"]
    models = list(a["cfo_model"])
    gs = np.asarray(a["num_transmissions"], dtype=int)
    stds = np.asarray(a["cfo_std"], dtype=float)
    points = {p: point_values(cfg, claims, *p, CLAIMS) for p in itertools.product(models, gs, stds)}
    rows = list(next(iter(points.values())))
    values = np.array([[[[points[(m, g, s)][r] for s in stds] for g in gs] for m in models]
                       for r in rows])  # fmt: skip
    coords = {"row": rows, "cfo_model": models, "num_transmissions": gs, "cfo_std": stds}
    grid = xr.DataArray(values, dims=tuple(coords), coords=coords)
    imp, system = cfg["impairments"], cfg["system"]
    shipped = (imp["cfo_model"], int(system["num_transmissions"]), float(imp["cfo_std"]))
    default_rows = point_values(cfg, claims, *shipped, CLAIMS)
    default = xr.DataArray([default_rows[r] for r in rows], dims=("row",), coords={"row": rows})
    ds = attach(xr.Dataset(coords=coords), claims, grid, default)
    ds["cfo_model"].attrs.update(units="1", long_name="CFO phase model (eq5 or intra_symbol)")
    ds["num_transmissions"].attrs.update(units="1", long_name="number of transmissions G")
    ds["cfo_std"].attrs.update(units="1", long_name="residual CFO std, normalised to Delta f")
    ds.attrs.update(
        default_cfo_model=shipped[0], default_num_transmissions=shipped[1],
        default_cfo_std=shipped[2], map_axes="num_transmissions,cfo_std",
    )  # fmt: skip
    config = {"assumptions": a, "system": system, "impairments": imp,
              "power_dbm": cfg["power_dbm"], "seed": cfg["seed"]}  # fmt: skip
    return provenance(
        ds,
        "chen2022 assumptions: CFO model, G, CFO spread fitted to claims",
        "assumptions",
        "eqs. (3)-(5), (14)-(25)",
        config,
    )


UNKNOWNS = Unknowns(
    paper="chen2022",
    names=("cfo_model", "num_transmissions", "cfo_std"),
    config_keys={
        "cfo_model": "chen2022.impairments.cfo_model",
        "num_transmissions": "chen2022.system.num_transmissions",
        "cfo_std": "chen2022.impairments.cfo_std",
    },
    fitted_to="Fig. 2's bound claims and Fig. 3's CFO and PN claims",
    held=("cfo_std",),  # the text's 0.71 ppm: scanned as a sensitivity, not fitted
)
"""The unknowns of chen2022's fit, their config keys and what they are fitted to."""
