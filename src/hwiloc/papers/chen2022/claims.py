"""chen2022: the value of each claim by id (``config/claims/chen2022.yaml``).

Each function is registered under its claim id (:func:`hwiloc.claims.register`)
and computes the value from the pipeline's outputs (:class:`ClaimInputs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from hwiloc.claims import Measured, register
from hwiloc.papers.chen2022.system import STUDY


@dataclass(frozen=True)
class ClaimInputs:
    """What the chen2022 claims are computed from (any may be None if not needed).

    bounds : Fig. 2 bounds vs power; montecarlo : Fig. 2 MLE/MMLE errors;
    individual : {"pn" | "cfo" | "mc" | "pa": Fig. 3 bounds}; sweep : Fig. 4 PN sweep.
    """

    bounds: xr.Dataset
    montecarlo: xr.Dataset | None = None
    individual: dict = field(default_factory=dict)
    sweep: xr.Dataset | None = None


DEPARTURE = 10**0.05  # LB / CRB-M2 taken as "departed": beyond a line width (0.05 decade) [-]


def departure_power(bounds: xr.Dataset, threshold: float = DEPARTURE) -> float:
    """First power where PEB LB / CRB-M2 crosses ``threshold``, interpolated in log ratio. [dBm]

    ``-inf`` if already above at the lowest power, ``inf`` if never within the sweep.
    """
    powers = bounds["power"].values
    ratio = (bounds["peb"].sel(bound="lb") / bounds["peb"].sel(bound="crb_m2")).values
    above = np.flatnonzero(ratio > threshold)
    if above.size == 0:
        return float("inf")
    i = int(above[0])
    if i == 0:
        return float("-inf")
    lo, hi = np.log(ratio[i - 1]), np.log(ratio[i])
    return float(powers[i - 1] + (np.log(threshold) - lo) / (hi - lo) * (powers[i] - powers[i - 1]))


@register(STUDY, "lb_coincides_low_power")
def _claim_lb_low(inputs: ClaimInputs) -> Measured:
    peb = inputs.bounds["peb"]
    low = float(inputs.bounds["power"].min())
    ratio = float(peb.sel(bound="lb", power=low) / peb.sel(bound="crb_m2", power=low))
    return Measured(ratio, f"at {low:g} dBm")


@register(STUDY, "lb_departure_power")
def _claim_lb_departure(inputs: ClaimInputs) -> Measured:
    return Measured(departure_power(inputs.bounds),
                    f"LB > {DEPARTURE:.3g} CRB-M2; one seeded realization")  # fmt: skip


def _rmse_ratio(inputs: ClaimInputs, estimator: str, bound: str, power: float) -> Measured:
    mc, peb = inputs.montecarlo, inputs.bounds["peb"]
    powers = mc["power"].values
    p = float(powers[np.argmin(np.abs(powers - power))])
    rmse = float(np.sqrt((mc["error"].sel(estimator=estimator, power=p) ** 2).mean("trial")))
    return Measured(rmse / float(peb.sel(bound=bound, power=p)),
                    f"at {p:g} dBm, {mc.sizes['trial']} trials")  # fmt: skip


@register(STUDY, "mmle_follows_lb")
def _claim_mmle(inputs: ClaimInputs) -> Measured:
    return _rmse_ratio(inputs, "mmle", "lb", float(inputs.montecarlo["power"].max()))


@register(STUDY, "mle_attains_crb_m1")
def _claim_mle(inputs: ClaimInputs) -> Measured:
    return _rmse_ratio(inputs, "mle", "crb_m1", 10.0)


@register(STUDY, "crb_m1_levels_off", bound="crb_m1")
@register(STUDY, "crb_m2_keeps_falling", bound="crb_m2")
def _claim_decade_ratio(inputs: ClaimInputs, bound: str) -> Measured:
    """PEB of ``bound`` 10 dB below the top power over its PEB at the top power."""
    peb, powers = inputs.bounds["peb"], inputs.bounds["power"].values
    top = float(powers.max())
    upper = float(powers[np.argmin(np.abs(powers - (top - 10.0)))])
    value = float(peb.sel(bound=bound, power=upper) / peb.sel(bound=bound, power=top))
    return Measured(value, f"PEB at {upper:g} dBm over PEB at {top:g} dBm")


def _degradation(inputs: ClaimInputs, key: str, var: str) -> tuple[float, float]:
    ds = inputs.individual[key]
    p = float(ds["power"].values.max())
    lb = ds[var].sel(bound="lb", power=p).mean("realization")
    return float(lb / ds[var].sel(bound="crb_m2", power=p).mean("realization")), p


@register(STUDY, "pn_degrades_angle_and_delay", key="pn", measure="both")
@register(STUDY, "pa_degrades_angle_and_delay", key="pa", measure="both")
@register(STUDY, "cfo_angle_more_than_delay", key="cfo", measure="angle_over_delay")
@register(STUDY, "mc_angle_more_than_delay", key="mc", measure="angle_over_delay")
def _claim_one_impairment(inputs: ClaimInputs, key: str, measure: str) -> Measured:
    """Fig. 3: LB / CRB-M2 of AEB and DEB at the top power; their minimum or their ratio."""
    a, p = _degradation(inputs, key, "aeb")
    d, _ = _degradation(inputs, key, "deb")
    value = min(a, d) if measure == "both" else a / d
    return Measured(value, f"at {p:g} dBm; AEB x{a:.3g}, DEB x{d:.3g}")


@register(STUDY, "crb_m1_close_to_crb_m2")
def _claim_crb_close(inputs: ClaimInputs) -> Measured:
    closeness = [
        float((ds[var].sel(bound="crb_m1") / ds[var].sel(bound="crb_m2")).max())
        for key, ds in inputs.individual.items() if key in ("pn", "cfo", "mc")
        for var in ("aeb", "deb")
    ]  # fmt: skip
    return Measured(max(closeness), "over every realization and power")


@register(STUDY, "impairments_matter_more_at_high_snr")
def _claim_high_snr(inputs: ClaimInputs) -> Measured:
    sweep = inputs.sweep
    lb = sweep["peb"].sel(bound="lb").mean("realization")
    ref = sweep["peb"].sel(bound="crb_m2").mean("realization")
    worst = (lb / ref).isel(phase_noise_std=-1)
    hi, lo = float(worst.isel(power=-1)), float(worst.isel(power=0))
    powers = sweep["power"].values
    return Measured(hi / lo, f"LB/CRB-M2 {hi:.3g} at {powers[-1]:g} dBm vs {lo:.3g} at "
                             f"{powers[0]:g} dBm")  # fmt: skip
