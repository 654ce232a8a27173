"""chen2022: the CFO model, G, the CFO spread and the PA's beta_3 and V_clip, fitted to the claims.

The CFO model is eq. (5) as written or the intra-symbol ramp alone; the PA's
operating point is the real part of beta_3 and the clipping voltage (the load
impedance is not separate from them). The claims are Fig. 2's bound claims,
each the median over hardware draws, and Fig. 3's CFO and PN claims. The machinery
is :mod:`hwiloc.claims.assumptions`.
"""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr

from hwiloc.claims import ClaimsFile
from hwiloc.claims.assumptions import Unknowns, attach, claim_values
from hwiloc.papers.chen2022.claims import ClaimInputs
from hwiloc.papers.chen2022.stages import hardware_draws_shard_dataset, individual_shard_dataset
from hwiloc.papers.chen2022.system import System, provenance

CLAIMS = (
    "lb_coincides_low_power", "lb_departure_power", "crb_m1_levels_off",
    "cfo_angle_more_than_delay", "pn_degrades_angle_and_delay",
)  # fmt: skip
"""The rows the unknowns are fitted to (their claims rows say ``fitted``). crb_m2_keeps_falling
is sqrt(10) at every point (structural): no target."""

AXES = ("cfo_model", "num_transmissions", "cfo_std", "pa_beta3", "clip_voltage")
"""The grid's dimensions, in order: the unknowns."""


def point_config(cfg: dict, model: str, g: int, cfo_std: float, beta3: float, clip: float):
    """The ``chen2022`` config section at one point: the CFO model, G, the CFO spread, the
    real part of beta_3 (its imaginary part kept) and V_clip."""
    imp = cfg["impairments"]
    pa = {int(p): c for p, c in imp["pa_coefficients"].items()}
    pa[3] = [float(beta3), float(pa.get(3, (0.0, 0.0))[1])]
    return {
        **cfg,
        "system": {**cfg["system"], "num_transmissions": int(g)},
        "impairments": {**imp, "cfo_std": float(cfo_std), "cfo_model": model,
                        "pa_coefficients": pa, "clip_voltage": float(clip)},
    }  # fmt: skip


def point_values(cfg: dict, claims: ClaimsFile, point: tuple, ids, cache: dict | None = None):
    """Fig. 2's bound claims (median over the fit's hardware draws) and Fig. 3's CFO and PN
    claims (median over their realizations) at one ``point`` of :data:`AXES`: {row: (median,
    share of the draws within the precision)}.

    ``cache`` keeps Fig. 3's CFO- and PN-alone bounds by (CFO model, G, CFO spread):
    they have no PA, so the PA's axes do not change them.
    """
    c = point_config(cfg, *point)
    system = System.from_config(c)
    a = cfg["assumptions"]
    seed = int(cfg["seed"])
    draws = hardware_draws_shard_dataset(
        system, {"num_realizations": int(a["num_hardware_draws"]), "num_shards": 1},
        cfg["power_dbm"], 0, seed, c,
    )  # fmt: skip
    top = float(np.max(cfg["power_dbm"]))
    ind = {"num_realizations": int(a["num_realizations"]), "num_shards": 1, "power_dbm": [top]}
    cache = {} if cache is None else cache
    key = tuple(point[:3])
    if key not in cache:
        cache[key] = {
            k: individual_shard_dataset(system, k, ind, 0, seed, c) for k in ("cfo", "pn")
        }
    individual = cache[key]
    # the first draw stands for the shipped realization, whose value the fit does not use
    inputs = ClaimInputs(bounds=draws.isel(realization=0), individual=individual, draws=draws)
    shares: dict = {}
    values = claim_values(claims, ids, inputs, over_draws=True, shares=shares)
    return {row: (value, shares[row]) for row, value in values.items()}


def _shipped(cfg: dict) -> tuple:
    imp, system = cfg["impairments"], cfg["system"]
    return (imp["cfo_model"], int(system["num_transmissions"]), float(imp["cfo_std"]),
            real_beta3(imp["pa_coefficients"]), float(imp["clip_voltage"]))  # fmt: skip


def real_beta3(coefficients: dict) -> float:
    """Real part of beta_3 of a config's ``pa_coefficients`` (0 without a cubic). [V^-2]"""
    by_order = {int(p): c for p, c in coefficients.items()}
    return float(by_order.get(3, (0.0, 0.0))[0])


def dataset(cfg: dict, claims: ClaimsFile, inputs: dict | None = None) -> xr.Dataset:
    """Graded grid over the CFO model, G, the CFO spread and the PA, and the shipped defaults.

    ``cfg`` is the ``chen2022`` config section; ``inputs`` is unused (the fit
    builds its own bounds), accepted as every paper's ``dataset`` does. Each point's
    Fig. 2 rows are the median over ``assumptions.num_hardware_draws`` hardware
    realizations, the first of ``hardware_draws`` (the same draws at every point:
    common random numbers, so the scan moves with the unknowns, not with the draws).
    """
    a = cfg["assumptions"]
    scans = {
        "cfo_model": list(a["cfo_model"]),
        "num_transmissions": np.asarray(a["num_transmissions"], dtype=int),
        "cfo_std": np.asarray(a["cfo_std"], dtype=float),
        "pa_beta3": np.asarray(a["pa_beta3"], dtype=float),
        "clip_voltage": np.asarray(a["clip_voltage"], dtype=float),
    }
    grid_points = list(itertools.product(*scans.values()))
    cache: dict = {}
    points = {p: point_values(cfg, claims, p, CLAIMS, cache) for p in grid_points}
    rows = list(next(iter(points.values())))
    shape = tuple(len(v) for v in scans.values())
    coords = {"row": rows, **scans}
    grid, shares = (
        xr.DataArray(np.array([[points[p][r][i] for p in grid_points] for r in rows]).reshape(
            (len(rows), *shape)), dims=tuple(coords), coords=coords)
        for i in (0, 1)
    )  # fmt: skip
    shipped = _shipped(cfg)
    default_rows = point_values(cfg, claims, shipped, CLAIMS)
    default, default_shares = (
        xr.DataArray([default_rows[r][i] for r in rows], dims=("row",), coords={"row": rows})
        for i in (0, 1)
    )
    ds = attach(xr.Dataset(coords=coords), claims, grid, default, shares, default_shares)
    ds["cfo_model"].attrs.update(units="1", long_name="CFO phase model (eq5 or intra_symbol)")
    ds["num_transmissions"].attrs.update(units="1", long_name="number of transmissions G")
    ds["cfo_std"].attrs.update(units="1", long_name="residual CFO std, normalised to Delta f")
    ds["pa_beta3"].attrs.update(units="V-2", long_name="real part of the PA's beta_3")
    ds["clip_voltage"].attrs.update(units="V", long_name="PA clipping voltage V_clip")
    ds.attrs.update({f"default_{n}": v for n, v in zip(AXES, shipped, strict=True)})
    ds.attrs.update(map_axes="num_transmissions,cfo_std;pa_beta3,clip_voltage",
                    num_hardware_draws=int(a["num_hardware_draws"]))  # fmt: skip
    config = {"assumptions": a, "system": cfg["system"], "impairments": cfg["impairments"],
              "power_dbm": cfg["power_dbm"], "seed": cfg["seed"]}  # fmt: skip
    return provenance(
        ds,
        "chen2022 assumptions: CFO model, G, CFO spread and PA fitted to claims",
        "assumptions",
        "eqs. (3)-(7), (14)-(25)",
        config,
    )


def _notes(ds: xr.Dataset, point: dict) -> list[str]:
    """The load impedance, and what the Fig. 2 rows are the median of."""
    return [
        f"Fig. 2's rows at each point are the median over {ds.attrs['num_hardware_draws']} "
        "hardware realizations (the first of `hardware_draws`, the same at every point); "
        "Fig. 3's over `assumptions.num_realizations` realizations.",
        "The load impedance R is not an unknown of its own: signal and noise amplitudes both "
        "scale by sqrt(R), so R -> a R is beta_p -> beta_p a^((p - 1) / 2) with V_clip -> "
        "V_clip / sqrt(a), bound for bound (tests/test_chen2022.py); R stays at 50 Ohm and "
        "beta_3 and V_clip carry the PA's operating point.",
    ]


UNKNOWNS = Unknowns(
    paper="chen2022",
    names=AXES,
    config_keys={
        "cfo_model": "chen2022.impairments.cfo_model",
        "num_transmissions": "chen2022.system.num_transmissions",
        "cfo_std": "chen2022.impairments.cfo_std",
        "pa_beta3": "chen2022.impairments.pa_coefficients.3 (real part)",
        "clip_voltage": "chen2022.impairments.clip_voltage",
    },
    fitted_to="Fig. 2's bound claims (median over hardware draws) and Fig. 3's CFO and PN claims",
    notes=_notes,
    held=("cfo_std",),  # the text's 0.71 ppm: scanned as a sensitivity, not fitted
)
"""The unknowns of chen2022's fit, their config keys and what they are fitted to."""
