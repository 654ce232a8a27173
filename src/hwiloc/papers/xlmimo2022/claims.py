"""xlmimo2022: the value of each claim by id (``config/claims/xlmimo2022.yaml``).

This module imports neither :mod:`~hwiloc.papers.xlmimo2022.system` nor the
models (they need JAX), so that checking the claims file before any job, and
the claims job itself, run on the base install: each claim reads the bounds
dataset. Hence its own ``STUDY`` key, the same as the system's.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hwiloc.claims import Measured, register

STUDY = "xlmimo2022"

# --- claims (config/claims/xlmimo2022.yaml): the authors' published Fig. 1 data ------------
# Each claim is a bound at one power, in um or mdeg so that the table shows the agreement.
UNIT_SCALE = {"um": 1e6, "mdeg": 1e3}


def _at(ds: xr.Dataset, var: str, power: float) -> float:
    """ds[var] at ``power`` [dBm], NaN when the power grid does not have it."""
    hits = np.flatnonzero(np.isclose(ds["power_dbm"].values, power, atol=1e-6))
    return float(ds[var].values[hits[0]]) if hits.size else float("nan")


def _claim_bound(ds: xr.Dataset, var: str, power: float, unit: str) -> Measured:
    value = _at(ds, var, power)
    note = "" if np.isfinite(value) else f"{power:.4g} dBm is not on the configured power grid"
    return Measured(value * UNIT_SCALE[unit], note)


for _var, _unit in (("peb_crb_ff", "um"), ("peb_crb_nf", "um"), ("aeb_crb_ff", "mdeg"),
                    ("peb_lb", "um"), ("aeb_lb", "mdeg")):  # fmt: skip
    for _power, _tag in ((30.0, "30dbm"), (10 / 7, "1p43dbm")):
        register(STUDY, f"{_var}_{_tag}", var=_var, power=_power, unit=_unit)(_claim_bound)


@register(STUDY, "lb_saturates_30dbm")
def _claim_lb_saturates(ds: xr.Dataset) -> Measured:
    return Measured(_at(ds, "peb_lb", 30.0) / _at(ds, "peb_crb_ff", 30.0), "PEB ratio at 30 dBm")
