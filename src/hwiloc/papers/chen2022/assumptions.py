"""chen2022: G, the CFO spread and the PA's beta_3 and V_clip, fitted to the claims.

The CFO model is the paper's eq. (5) (the inter-symbol rotation and the intra-symbol
ramp), the model its text describes: it is shipped, never fitted. The intra-symbol
ramp alone is reported beside the fit as a sensitivity (the claims at the fitted
values under it). The unknowns: G, the residual CFO spread (the text's 0.71 ppm is
0.0036-0.043 of Delta f over plausible carriers and spacings), the real part of
beta_3 and the clipping voltage (the load impedance is not separate from them). The
targets are Fig. 2's bound claims, each the median over hardware draws, Fig. 3's CFO
and PN claims, and Fig. 3(d)'s "the PA degrades both", which the clip decides. The
machinery is :mod:`hwiloc.claims.assumptions`.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import xarray as xr

from hwiloc.claims import ClaimsFile
from hwiloc.claims.assumptions import Unknowns, attach, claim_values, fit
from hwiloc.papers.chen2022.claims import ClaimInputs
from hwiloc.papers.chen2022.stages import hardware_draws_shard_dataset, individual_shard_dataset
from hwiloc.papers.chen2022.system import System, provenance

CLAIMS = (
    "lb_coincides_low_power", "lb_departure_power", "crb_m1_levels_off",
    "cfo_angle_more_than_delay", "pn_degrades_angle_and_delay", "pa_degrades_angle_and_delay",
)  # fmt: skip
"""The rows the unknowns are fitted to (their claims rows say ``fitted``). crb_m2_keeps_falling
is sqrt(10) at every point (structural): no target."""

AXES = ("num_transmissions", "cfo_std", "pa_beta3", "clip_voltage")
"""The grid's dimensions, in order: the unknowns."""

PPM = 0.71
"""The text's residual CFO [ppm]; as a share of Delta f it is PPM 1e-6 f_c / Delta f."""


def cfo_std_range(carriers=(100e9, 300e9), spacings=(5e6, 20e6)) -> tuple[float, float]:
    """The CFO spread [Delta f] that the text's 0.71 ppm gives over plausible sub-THz carriers
    (100-300 GHz) and subcarrier spacings (5-20 MHz): 0.0036 .. 0.043. [-]"""
    return PPM * 1e-6 * carriers[0] / spacings[1], PPM * 1e-6 * carriers[1] / spacings[0]


def output_cap_dbm(clip_voltage: float, load_impedance: float) -> float:
    """The output power the PA's clip caps: V_clip^2 / R, in dBm (4 V into 50 Ohm: 25 dBm)."""
    return 10 * math.log10(clip_voltage**2 / load_impedance / 1e-3)


def pa_with_beta3(coefficients: dict, beta3: float) -> dict:
    """A config's ``pa_coefficients`` with the real part of beta_3 replaced (its imaginary
    part kept). [V^(1-p)]"""
    pa = {int(p): c for p, c in coefficients.items()}
    pa[3] = [float(beta3), float(pa.get(3, (0.0, 0.0))[1])]
    return pa


def point_config(cfg: dict, g: int, cfo_std: float, beta3: float, clip: float, model=None):
    """The ``chen2022`` config section at one point: G, the CFO spread, the real part of
    beta_3 (its imaginary part kept), V_clip, and the CFO model (default: the config's)."""
    imp = cfg["impairments"]
    return {
        **cfg,
        "system": {**cfg["system"], "num_transmissions": int(g)},
        "impairments": {**imp, "cfo_std": float(cfo_std), "cfo_model": model or imp["cfo_model"],
                        "pa_coefficients": pa_with_beta3(imp["pa_coefficients"], beta3),
                        "clip_voltage": float(clip)},
    }  # fmt: skip


def point_values(cfg: dict, claims: ClaimsFile, point: tuple, ids, cache: dict | None = None,
                 model: str | None = None):  # fmt: skip
    """Fig. 2's bound claims (median over the fit's hardware draws) and Fig. 3's CFO, PN and
    PA claims (median over their realizations) at one ``point`` of :data:`AXES`: {row:
    (median, share of the draws within the precision)}. ``model``: the CFO model (default:
    the config's).

    ``cache`` keeps Fig. 3's CFO- and PN-alone bounds by (G, CFO spread, model) and the
    PA-alone ones by (beta_3, V_clip): the other axes do not change them.
    """
    c = point_config(cfg, *point, model=model)
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
    keys = {("cfo", "pn"): (*point[:2], model), ("pa",): point[2:]}
    individual = {}
    for kinds, key in keys.items():
        if (kinds, key) not in cache:
            cache[kinds, key] = {k: individual_shard_dataset(system, k, ind, 0, seed, c)
                                 for k in kinds}  # fmt: skip
        individual |= cache[kinds, key]
    # the first draw stands for the shipped realization, whose value the fit does not use
    inputs = ClaimInputs(bounds=draws.isel(realization=0), individual=individual, draws=draws)
    shares: dict = {}
    values = claim_values(claims, ids, inputs, over_draws=True, shares=shares)
    return {row: (value, shares[row]) for row, value in values.items()}


def _shipped(cfg: dict) -> tuple:
    imp, system = cfg["impairments"], cfg["system"]
    return (int(system["num_transmissions"]), float(imp["cfo_std"]),
            real_beta3(imp["pa_coefficients"]), float(imp["clip_voltage"]))  # fmt: skip


def real_beta3(coefficients: dict) -> float:
    """Real part of beta_3 of a config's ``pa_coefficients`` (0 without a cubic). [V^-2]"""
    by_order = {int(p): c for p, c in coefficients.items()}
    return float(by_order.get(3, (0.0, 0.0))[0])


def _grid(rows, points: dict, coords: dict, index: int) -> xr.DataArray:
    """Values (index 0) or shares (1) of ``points`` {grid point: {row: (value, share)}}."""
    shape = tuple(len(v) for k, v in coords.items() if k != "row")
    flat = [[points[p][r][index] for p in itertools.product(*list(coords.values())[1:])]
            for r in rows]  # fmt: skip
    return xr.DataArray(np.array(flat).reshape((len(rows), *shape)), dims=tuple(coords),
                        coords=coords)  # fmt: skip


def dataset(cfg: dict, claims: ClaimsFile, inputs: dict | None = None) -> xr.Dataset:
    """Graded grid over G, the CFO spread and the PA, the shipped defaults, and the claims
    at the fit under each sensitivity CFO model (``assumptions.sensitivity_cfo_models``).

    ``cfg`` is the ``chen2022`` config section; ``inputs`` is unused (the fit
    builds its own bounds), accepted as every paper's ``dataset`` does. Each point's
    Fig. 2 rows are the median over ``assumptions.num_hardware_draws`` hardware
    realizations, the first of ``hardware_draws`` (the same draws at every point:
    common random numbers, so the scan moves with the unknowns, not with the draws).
    """
    a = cfg["assumptions"]
    scans = {
        "num_transmissions": np.asarray(a["num_transmissions"], dtype=int),
        "cfo_std": np.asarray(a["cfo_std"], dtype=float),
        "pa_beta3": np.asarray(a["pa_beta3"], dtype=float),
        "clip_voltage": np.asarray(a["clip_voltage"], dtype=float),
    }
    cache: dict = {}
    points = {p: point_values(cfg, claims, p, CLAIMS, cache)
              for p in itertools.product(*scans.values())}  # fmt: skip
    rows = list(next(iter(points.values())))
    coords = {"row": rows, **scans}
    grid, shares = (_grid(rows, points, coords, i) for i in (0, 1))
    shipped = _shipped(cfg)
    default_rows = point_values(cfg, claims, shipped, CLAIMS)
    default, default_shares = (
        xr.DataArray([default_rows[r][i] for r in rows], dims=("row",), coords={"row": rows})
        for i in (0, 1)
    )
    ds = attach(xr.Dataset(coords=coords), claims, grid, default, shares, default_shares)
    ds["num_transmissions"].attrs.update(units="1", long_name="number of transmissions G")
    ds["cfo_std"].attrs.update(units="1", long_name="residual CFO std, normalised to Delta f")
    ds["pa_beta3"].attrs.update(units="V-2", long_name="real part of the PA's beta_3")
    ds["clip_voltage"].attrs.update(units="V", long_name="PA clipping voltage V_clip")
    ds.attrs.update({f"default_{n}": v for n, v in zip(AXES, shipped, strict=True)})
    ds.attrs.update(map_axes="num_transmissions,cfo_std;pa_beta3,clip_voltage",
                    num_hardware_draws=int(a["num_hardware_draws"]),
                    cfo_model=cfg["impairments"]["cfo_model"],
                    load_impedance=float(cfg["system"]["load_impedance"]))  # fmt: skip
    # the sensitivity: the claims at the fitted point under each other CFO model
    models = list(a.get("sensitivity_cfo_models", []))
    if models:
        point = fit(ds, AXES)["point"]
        at = tuple(point[n] for n in AXES)
        other = {m: point_values(cfg, claims, at, CLAIMS, model=m) for m in models}
        ds["sensitivity_value"] = xr.DataArray(
            [[other[m][r][0] for m in models] for r in rows], dims=("row", "cfo_model"),
            coords={"row": rows, "cfo_model": models})  # fmt: skip
        ds["sensitivity_value"].attrs.update(
            units="1", long_name="claim value at the fitted point under another CFO model")
        ds["cfo_model"].attrs.update(units="1", long_name="CFO phase model of the sensitivity")
    config = {"assumptions": a, "system": cfg["system"], "impairments": cfg["impairments"],
              "power_dbm": cfg["power_dbm"], "seed": cfg["seed"]}  # fmt: skip
    return provenance(
        ds,
        "chen2022 assumptions: G, CFO spread and PA fitted to claims (eq. (5) shipped)",
        "assumptions",
        "eqs. (3)-(7), (14)-(25)",
        config,
    )


def _notes(ds: xr.Dataset, point: dict) -> list[str]:
    """The CFO model, the clip as an output cap, the sensitivity, the load impedance, and
    what the Fig. 2 rows are the median of."""
    lo, hi = cfo_std_range()
    cap = output_cap_dbm(float(point["clip_voltage"]), float(ds.attrs.get("load_impedance", 50.0)))
    lines = [
        f"The CFO model is `{ds.attrs['cfo_model']}` (eq5: the paper's eq. (5), as its text "
        "describes it), shipped, never fitted. The CFO spread is an unknown: "
        f"the text's {PPM} ppm is {lo:.2g} to {hi:.2g} of Delta f over carriers of 100-300 GHz "
        "and subcarrier spacings of 5-20 MHz.",
        f"The fitted clip, V_clip = {point['clip_voltage']:g} V, is an output-power cap of "
        f"{cap:.1f} dBm (V_clip^2 / R): it decides `crb_m1_levels_off` and "
        "`pa_degrades_angle_and_delay` (fitted rows).",
        f"Fig. 2's rows at each point are the median over {ds.attrs['num_hardware_draws']} "
        "hardware realizations (the first of `hardware_draws`, the same at every point); "
        "Fig. 3's over `assumptions.num_realizations` realizations.",
        "The load impedance R is not an unknown of its own: signal and noise amplitudes both "
        "scale by sqrt(R), so R -> a R is beta_p -> beta_p a^((p - 1) / 2) with V_clip -> "
        "V_clip / sqrt(a), bound for bound (tests/test_chen2022.py); R stays at 50 Ohm and "
        "beta_3 and V_clip carry the PA's operating point.",
    ]
    if "sensitivity_value" in ds:
        for model in ds["cfo_model"].values:
            there = ds["sensitivity_value"].sel(cfo_model=model)
            values = ", ".join(f"{r} {float(there.sel(row=r)):.4g}" for r in ds["row"].values)
            lines.append(f"Sensitivity: at the fitted values under the CFO model `{model}` "
                         f"(not the paper's): {values}.")  # fmt: skip
    return lines


UNKNOWNS = Unknowns(
    paper="chen2022",
    names=AXES,
    config_keys={
        "num_transmissions": "chen2022.system.num_transmissions",
        "cfo_std": "chen2022.impairments.cfo_std",
        "pa_beta3": "chen2022.impairments.pa_coefficients.3 (real part)",
        "clip_voltage": "chen2022.impairments.clip_voltage",
    },
    fitted_to="Fig. 2's bound claims (median over hardware draws) and Fig. 3's CFO, PN and PA "
    "claims",
    notes=_notes,
)
"""The unknowns of chen2022's fit, their config keys and what they are fitted to."""
