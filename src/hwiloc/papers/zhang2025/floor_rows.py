"""zhang2025: the rows of the error floor that interval errors predict over Fig. 7's sweep
(our check, not the paper's; :mod:`hwiloc.papers.zhang2025.global_accuracy`), each
registered under its claim id (``config/claims/zhang2025.yaml``) and computed from the
gathered sweeps of :class:`~hwiloc.papers.zhang2025.claims.ClaimInputs`. Imported by the
claims module, which registers them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from hwiloc.claims import Measured, bootstrap_picks, register
from hwiloc.papers.zhang2025.global_accuracy import FLOOR_FACTOR, floor_threshold
from hwiloc.papers.zhang2025.stages import PMSR_FORMS, alternative_cases
from hwiloc.papers.zhang2025.system import STUDY

if TYPE_CHECKING:
    from hwiloc.papers.zhang2025.claims import ClaimInputs


def _floor_curves(ds: xr.Dataset):
    """Over the realizations the localizer ran on (Monte Carlo), as drawn and bootstrapped
    (:func:`~hwiloc.claims.bootstrap_picks`): sigma [S] (increasing) and the MSE predicted
    by interval errors, the Monte Carlo's and the LB's, each [1 + resamples, S]. [rad], [m^2]"""
    ds = ds.sortby("offset_std")
    error = ds["monte_carlo_error"].values  # [S, R]
    ran = np.flatnonzero(np.all(np.isfinite(error), axis=0))
    picks = ran[bootstrap_picks(ran.size)]  # [1 + resamples, R']
    mean = {name: ds[name].values[:, picks].mean(axis=-1).T
            for name in ("mie_mse", "local_mse")}  # fmt: skip
    return (ds["offset_std"].values, mean["mie_mse"], np.mean(error[:, picks] ** 2, axis=-1).T,
            mean["local_mse"], ran.size)  # fmt: skip


def _floor_unavailable(ds) -> Measured | None:
    if ds is None or "monte_carlo_error" not in ds:
        return Measured(float("nan"), "no sweep with the error-floor prediction given")
    if not np.isfinite(ds["monte_carlo_error"].values).all(axis=0).any():
        return Measured(float("nan"), "no realization ran the Monte Carlo "
                        "(pmsr_sweep.monte_carlo_realizations = 0)")  # fmt: skip
    return None


@register(STUDY, "mie_floor_threshold_frequency", sweep="pmsr_frequency")
@register(STUDY, "mie_floor_threshold_spatial", sweep="pmsr_spatial")
def _claim_floor_threshold(inputs: ClaimInputs, sweep: str) -> Measured:
    """The sigma where the uncalibrated localizer's RMSE leaves FLOOR_FACTOR x its LB,
    predicted by interval errors minus the Monte Carlo's, on the same realizations, graded on
    their bootstrap. [rad]"""
    ds = getattr(inputs, sweep)
    if (missing := _floor_unavailable(ds)) is not None:
        return missing
    std, predicted, observed, local, count = _floor_curves(ds)
    pairs = [(floor_threshold(std, p, b), floor_threshold(std, o, b))
             for p, o, b in zip(predicted, observed, local, strict=True)]  # fmt: skip
    difference = np.array([p - o for p, o in pairs])
    shown = ["none" if np.isnan(v) else f"{v / np.pi:.3g}pi" for v in pairs[0]]
    note = (f"predicted {shown[0]}, Monte Carlo {shown[1]} (the largest sigma up to which the "
            f"RMSE stays within {FLOOR_FACTOR:g}x the LB; {std.max() / np.pi:.3g}pi: it never "
            f"leaves); {count} realizations, band: their bootstrap")  # fmt: skip
    return Measured(float(difference[0]), note, draws=tuple(difference[1:].tolist()),
                    independent_draws=count)


@register(STUDY, "mie_floor_rmse_spatial", sweep="pmsr_spatial")
def _claim_floor_rmse(inputs: ClaimInputs, sweep: str) -> Measured:
    """Beyond the Monte Carlo's threshold sigma, the RMSE predicted by interval errors over the
    Monte Carlo's, farthest from 1, graded on the bootstrap of the realizations. [-]"""
    ds = getattr(inputs, sweep)
    if (missing := _floor_unavailable(ds)) is not None:
        return missing
    std, predicted, observed, local, count = _floor_curves(ds)
    start = floor_threshold(std, observed[0], local[0])
    beyond = std > start if np.isfinite(start) else np.ones(std.size, bool)
    if not beyond.any():
        return Measured(float("nan"), f"no sigma beyond the Monte Carlo's threshold "
                        f"({start / np.pi:.3g}pi): no floor to predict")  # fmt: skip
    ratio = np.sqrt(predicted[:, beyond] / observed[:, beyond])  # [1 + resamples, S']
    farthest = ratio[np.arange(len(ratio)), np.argmax(np.abs(np.log(ratio)), axis=1)]
    note = (f"sigma {', '.join(f'{v / np.pi:.3g}pi' for v in std[beyond])}: predicted / Monte "
            f"Carlo RMSE {', '.join(f'{r:.3g}' for r in ratio[0])}; {count} realizations, band: "
            "their bootstrap")  # fmt: skip
    return Measured(float(farthest[0]), note, draws=tuple(farthest[1:].tolist()),
                    independent_draws=count)


def _floor_sigmas(ds: xr.Dataset) -> np.ndarray:
    """Which sigma of a sweep has an error floor: the RMSE predicted by interval errors (all
    realizations) beyond FLOOR_FACTOR x the LB. [S] bool"""
    return (ds["mie_mse"].mean("realization")
            > FLOOR_FACTOR**2 * ds["local_mse"].mean("realization")).values


def _onset_margin(sweeps, pmsr) -> float:
    """The lowest median PMSR of a sigma without a floor minus the highest of a sigma with
    one, over both sweeps (``pmsr(ds)``: [S, R] in dB); NaN without both kinds. [dB]"""
    clean, floored = [], []
    for ds in sweeps:
        median = np.median(pmsr(ds), axis=-1)
        floor = _floor_sigmas(ds)
        clean += median[~floor].tolist()
        floored += median[floor].tolist()
    return float(min(clean) - max(floored)) if clean and floored else float("nan")


@register(STUDY, "pmsr_marks_floor_onset")
def _claim_pmsr_onset(inputs: ClaimInputs) -> Measured:
    """One PMSR level separates Fig. 7's sigmas with an error floor from those without, over
    both offset types: the margin between the median PMSRs (graded form). [dB]"""
    sweeps = [inputs.pmsr_frequency, inputs.pmsr_spatial]
    if any(ds is None or "mie_mse" not in ds for ds in sweeps):
        return Measured(float("nan"), "no sweep with the error-floor prediction given")
    var = PMSR_FORMS[inputs.pmsr_form]
    margin = _onset_margin(sweeps, lambda ds: ds[var].values)
    floored = []
    for ds in sweeps:
        sigmas = ds["offset_std"].values[_floor_sigmas(ds)]
        floored.append(f"{ds.attrs['offset_type']} "
                       f"{', '.join(f'{v / np.pi:.3g}pi' for v in sigmas) or 'none'}")
    witnesses = []
    if all("pmsr_alternative_db" in ds for ds in sweeps):
        for scale, radius, label in alternative_cases(sweeps[0]):
            value = _onset_margin(sweeps, lambda ds, sc=scale, r=radius: ds[
                "pmsr_alternative_db"].sel(region_scale=sc, main_lobe_radius=r).values)
            if np.isfinite(value):
                witnesses.append((label, value))
    note = (f"sigmas with a floor (predicted RMSE > {FLOOR_FACTOR:g}x the LB): "
            f"{'; '.join(floored)}; {inputs.pmsr_form} form")  # fmt: skip
    return Measured(margin, note, witness=witnesses or None)


@register(STUDY, "pmsr_marks_gross_realizations")
def _claim_pmsr_gross(inputs: ClaimInputs) -> Measured:
    """At a sigma where some realizations take a competing maximum and some do not (predicted
    probability above 1/2 or not), the share of (gross, local) pairs in which the gross one
    has the lower PMSR (graded form), pooled over such sigmas: an AUC; graded on the
    bootstrap of the realizations. [-]"""
    ds = inputs.pmsr_spatial
    if ds is None or "sidelobe_probability" not in ds:
        return Measured(float("nan"), "no sweep with the error-floor prediction given")
    gross = ds["sidelobe_probability"].values > 0.5  # [S, R]
    pmsr = ds[PMSR_FORMS[inputs.pmsr_form]].values
    picks = bootstrap_picks(gross.shape[1])
    values = []
    for pick in picks:
        g, p = gross[:, pick], pmsr[:, pick]
        lower = p[:, :, None] < p[:, None, :]  # [S, R, R]: i's PMSR below j's
        tie = p[:, :, None] == p[:, None, :]
        pair = g[:, :, None] & ~g[:, None, :]  # i gross, j not
        count = pair.sum()
        score = np.where(lower, 1.0, np.where(tie, 0.5, 0.0))  # a tie counts half
        values.append(float(score[pair].sum() / count) if count else np.nan)
    mixed = [f"{v / np.pi:.3g}pi ({int(n)} of {gross.shape[1]})" for v, n
             in zip(ds["offset_std"].values, gross.sum(axis=1), strict=True)
             if 0 < n < gross.shape[1]]  # fmt: skip
    if not mixed:
        return Measured(float("nan"), "no sigma where some realizations take a competing "
                        "maximum and others not")  # fmt: skip
    note = (f"spatial offsets, sigmas with both (gross realizations): {', '.join(mixed)}; "
            f"{inputs.pmsr_form} form; band: bootstrap of the realizations")
    draws = np.array(values[1:])
    return Measured(values[0], note, draws=tuple(draws[np.isfinite(draws)].tolist()),
                    independent_draws=int(gross.shape[1]))
