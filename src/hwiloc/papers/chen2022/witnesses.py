"""chen2022: the admissible alternatives under which each independent qualitative row is computed.

A qualitative row that passes must show that it could have failed
(:mod:`hwiloc.claims.registry`). For each of chen2022's independent qualitative rows
this module computes the row's value under admissible alternatives: an assumed value
moved within its documented range (Fig. 4's sweep of the same impairment, the
assumption fit's scan, the range the text's 0.71 ppm gives), everything else as
shipped. The claims table grades every alternative and reports, as the row's witness,
the one it fails worst under (``could_fail_under``, ``value_there``).
"""

from __future__ import annotations

import copy

import numpy as np
import xarray as xr

from hwiloc.claims import measure
from hwiloc.papers.chen2022.assumptions import pa_with_beta3
from hwiloc.papers.chen2022.claims import ClaimInputs
from hwiloc.papers.chen2022.stages import (
    base_hardware,
    bounds_vs_power_dataset,
    individual_shard_dataset,
    level_sweep_shard_dataset,
    montecarlo_shard_dataset,
)
from hwiloc.papers.chen2022.system import STUDY, System, provenance


def _merged(cfg: dict, overrides: dict) -> dict:
    """``cfg`` with ``overrides`` ({section: {key: value}}) on top."""
    out = copy.deepcopy(cfg)
    for section, values in overrides.items():
        out[section] = {**out[section], **values}
    return out


def _pa(cfg: dict, clip: float, beta3: float) -> dict:
    """The impairments section with V_clip and the real part of beta_3 replaced."""
    pa = pa_with_beta3(cfg["impairments"]["pa_coefficients"], beta3)
    return {"impairments": {"clip_voltage": float(clip), "pa_coefficients": pa}}


def alternatives(cfg: dict) -> dict[str, list[tuple[str, dict]]]:
    """Row id -> [(what is changed, and to what; config overrides)] of the ``chen2022``
    section ``cfg``: each an assumed value within its documented range."""
    mc = sorted({float(v) for v in cfg["witnesses"]["coupling_residual_std"]})
    a = cfg["assumptions"]
    coupling = [(f"coupling_residual_std = {v:g} (within Fig. 4's swept range; shipped "
                 f"{cfg['impairments']['coupling_residual_std']:g})",
                 {"impairments": {"coupling_residual_std": v}}) for v in mc]  # fmt: skip
    pa = [(f"V_clip = {c:g} V, Re beta_3 = {b:g} V^-2 (the assumption fit's scan)", _pa(cfg, c, b))
          for c in a["clip_voltage"] for b in a["pa_beta3"]]  # fmt: skip
    estimator = [
        (f"cfo_std = {max(a['cfo_std']):g} Delta f (the top of the range 0.71 ppm gives)",
         {"impairments": {"cfo_std": float(max(a["cfo_std"]))}}),
        (f"G = {max(a['num_transmissions'])} (the top of the fit's scan)",
         {"system": {"num_transmissions": int(max(a["num_transmissions"]))}}),
    ]  # fmt: skip
    top = float(max(cfg["cfo_sweep"]["cfo_std"]))
    low_snr = [(f"G = {max(a['num_transmissions'])} (the top of the fit's scan) and cfo_std = "
                f"{top:g} Delta f (the top of Fig. 4's sweep)",
                {"system": {"num_transmissions": int(max(a["num_transmissions"]))},
                 "impairments": {"cfo_std": top}})]  # fmt: skip
    return {
        "low_snr_impairments_harmless[cfo]": low_snr,
        "mc_angle_more_than_delay": coupling,
        "crb_m1_close_to_crb_m2": coupling,
        "pa_effect_from_pilot_distortion": pa,
        "mmle_follows_lb": estimator,
    }


CFO_LOW = "low_snr_impairments_harmless[cfo]"
"""The CFO variant of low_snr_impairments_harmless: over the fitted G no swept spread fails it
on the shipped draw, so its witness moves G and the spread to the tops of their ranges."""


def _value(row: str, inputs: ClaimInputs) -> float:
    """The row's value (its median over draws) from ``inputs``, by the claim's own function
    (``row`` may name a variant: ``id[variant]``)."""
    (m,) = measure(STUDY, row.split("[")[0], inputs)
    return float(np.median(m.draws)) if m.draws else float(m.value)


def witness_dataset(cfg: dict, progress=None) -> xr.Dataset:
    """Every row's value under each of its :func:`alternatives`: variables ``row``,
    ``alternative`` (strings) and ``value`` [the row's unit] over dimension ``case``."""
    seed = int(cfg["seed"])
    ind = cfg["individual"]
    cache: dict = {}
    records = []
    for row, cases in alternatives(cfg).items():
        for label, overrides in cases:
            c = _merged(cfg, overrides)
            system = System.from_config(c)
            key = (row if row in ("mmle_follows_lb", CFO_LOW) else "individual", repr(overrides))
            if key not in cache:
                if row == CFO_LOW:  # Fig. 4's CFO sweep at its lowest power, at the level given
                    sweep = {"cfo_std": [c["impairments"]["cfo_std"]], "num_shards": 1,
                             "power_dbm": [min(c["cfo_sweep"]["power_dbm"])],
                             "num_realizations": c["cfo_sweep"]["num_realizations"]}  # fmt: skip
                    cache[key] = ClaimInputs(
                        bounds=None, levels={"cfo_std": c["impairments"]["cfo_std"]},
                        sweeps={"cfo": level_sweep_shard_dataset(system, "cfo", sweep, 0, seed, c)})
                elif row == "mmle_follows_lb":
                    hardware = base_hardware(system, seed)
                    mc = {**c["montecarlo"], "num_shards": 1}
                    cache[key] = ClaimInputs(
                        bounds=bounds_vs_power_dataset(system, hardware, c["power_dbm"], c),
                        montecarlo=montecarlo_shard_dataset(system, hardware, c["power_dbm"], mc,
                                                            0, seed, c),
                    )  # fmt: skip
                else:
                    kind = "pa" if row.startswith("pa_") else "mc"
                    powers = ind["power_dbm"] if kind == "mc" else [max(ind["power_dbm"])]
                    section = {**ind, "num_shards": 1, "power_dbm": powers}
                    cache[key] = ClaimInputs(bounds=None, individual={
                        kind: individual_shard_dataset(system, kind, section, 0, seed, c)})
            records.append((row, label, _value(row, cache[key])))
            if progress is not None:
                progress(f"{row}: {label}")
    rows, labels, values = zip(*records, strict=True)
    ds = xr.Dataset(
        {
            "row": ("case", np.array(rows, dtype=object)),
            "alternative": ("case", np.array(labels, dtype=object)),
            "value": ("case", np.array(values, dtype=float)),
        },
        coords={"case": np.arange(len(records))},
    )
    ds["value"].attrs.update(units="1", long_name="the row's value under the alternative (its "
                             "median over draws), in the row's unit")  # fmt: skip
    ds["case"].attrs.update(units="1", long_name="alternative")
    ds["row"].attrs.update(units="1", long_name="claim row (config/claims/chen2022.yaml)")
    ds["alternative"].attrs.update(units="1", long_name="what was changed, and to what")
    return provenance(ds, "chen2022 witnesses: each qualitative row under admissible "
                      "alternatives", "witnesses", "eqs. (19)-(25)", cfg)  # fmt: skip
