"""xlmimo2022: bounds vs transmit power (their Fig. 1), built only from the generic engine.

The CRB of the far-field (FF) model (angle and position), the CRB of the
near-field (NF) model (position) and the LB of the FF estimator on NF data
(MCRB at the pseudo-true point plus the squared bias), all from
:mod:`hwiloc.bounds.generic`: the proof that a user's own model fits. The mean
scales as sqrt(P) and nothing else depends on P, so one pair of models at
P = 1 mW serves every power with the noise variance sigma^2 / P (identical
bounds; the derivatives compile once).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.bounds import generic
from hwiloc.papers.xlmimo2022.system import Scenario, provenance

BOUNDS_COLUMNS = ("power_dbm", "aeb_crb_ff_deg", "peb_crb_ff_m", "peb_crb_nf_m", "peb_lb_m")


def bounds_at(scenario: Scenario, models, power_dbm: float) -> dict:
    """Every bound at one power: FF CRB (angle, distance, position), NF CRB, LB and its parts."""
    true, assumed = models
    variance = scenario.noise_variance / 10 ** (power_dbm / 10)  # sigma^2 / P at P = 1 mW
    eta_ff, eta_nf = scenario.eta_far_field, scenario.eta_near_field
    crb_ff = generic.crb(assumed, eta_ff, variance)
    crb_nf = generic.crb(true, eta_nf, variance)
    lb = generic.mcrb(true, eta_nf, assumed, variance, assumed_true_parameter=eta_ff)
    return {
        "aeb_crb_ff": float(np.sqrt(crb_ff.quantity_covariance("angle")[0, 0])),
        "deb_crb_ff": float(np.sqrt(crb_ff.quantity_covariance("distance")[0, 0])),
        "peb_crb_ff": crb_ff.rmse("position"),
        "aeb_crb_nf": float(np.sqrt(crb_nf.quantity_covariance("angle")[0, 0])),
        "peb_crb_nf": crb_nf.rmse("position"),
        "aeb_lb": float(np.sqrt(lb.quantity_covariance("angle", "lb")[0, 0])),
        "peb_lb": lb.rmse("position", "lb"),
        "peb_mcrb": lb.rmse("position", "mcrb"),
        "position_bias": float(np.linalg.norm(lb.bias("position"))),
        "pseudo_true": lb.pseudo_true,
        "converged": lb.solution.converged,
        "gradient_term_ratio": lb.gradient_term_ratio,
    }


def bounds_dataset(scenario: Scenario, powers, cfg: dict) -> xr.Dataset:
    """Bounds vs transmit power (Fig. 1 of [3]) with the pseudo-true point and its report."""
    models = scenario.models()
    rows = [bounds_at(scenario, models, float(p)) for p in powers]
    dims = ("power_dbm",)
    data = {k: (dims, np.array([r[k] for r in rows])) for k in rows[0] if k not in ("pseudo_true",)}
    data["pseudo_true_ff"] = (
        ("power_dbm", "ff_parameter"), np.array([r["pseudo_true"] for r in rows])
    )  # fmt: skip
    data["true_parameter_ff"] = ("ff_parameter", scenario.eta_far_field)
    ds = xr.Dataset(
        data,
        coords={"power_dbm": np.asarray(powers, float),
                "ff_parameter": ["theta", "distance", "gain_magnitude", "gain_phase"]},
    )  # fmt: skip
    ds["converged"] = ds["converged"].astype("int8")
    ds.attrs.update({f"constant_{k}": v for k, v in scenario.array.constants().items()})
    ds.attrs["noise_variance_mw"] = scenario.noise_variance
    return provenance(
        ds,
        "xlmimo2022 CRB (far and near field) and LB vs transmit power",
        "xlmimo2022_bounds",
        "bounds: hwiloc.bounds.generic",
        cfg,
    )


def bounds_table(ds: xr.Dataset) -> pd.DataFrame:
    """bounds.csv: power_dbm, aeb_crb_ff_deg, peb_crb_ff_m, peb_crb_nf_m, peb_lb_m."""
    return pd.DataFrame(
        {
            "power_dbm": ds["power_dbm"].values,
            "aeb_crb_ff_deg": ds["aeb_crb_ff"].values,
            "peb_crb_ff_m": ds["peb_crb_ff"].values,
            "peb_crb_nf_m": ds["peb_crb_nf"].values,
            "peb_lb_m": ds["peb_lb"].values,
        },
        columns=list(BOUNDS_COLUMNS),
    )
