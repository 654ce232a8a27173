"""xlmimo2022: the value of each claim by id (``config/claims/xlmimo2022.yaml``).

Each claim compares one curve of Fig. 1 with the authors' saved Fig. 1 data
(``config/claims/xlmimo2022_fig1.tsv``, from their Fig-1.mat) at every power
of theirs that the configured sweep holds. This module imports neither
:mod:`~hwiloc.papers.xlmimo2022.system` nor the models (they need JAX), so that
checking the claims file before any job, and the claims job itself, run on the
base install: each claim reads the datasets. Hence its own ``STUDY`` key, the
same as the system's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.claims import Measured, bootstrap_picks, register

STUDY = "xlmimo2022"


def read_reference(path: str | Path) -> pd.DataFrame:
    """The authors' Fig. 1 data: one row per power of theirs (columns in the file's header)."""
    table = pd.read_csv(path, sep="\t", comment="#")
    if "power_dbm" not in table.columns:
        raise ValueError(f"{path}: no power_dbm column; expected the authors' Fig. 1 table")
    return table


@dataclass(frozen=True)
class ClaimInputs:
    """What the xlmimo2022 claims are computed from.

    bounds : the bounds vs power (``bounds.nc``); reference : the authors' data
    (:func:`read_reference`); montecarlo : the gathered MMLE and MLE trials, or None;
    predicted : the estimators' RMSE by interval errors
    (:mod:`hwiloc.papers.xlmimo2022.global_accuracy`), or None.
    """

    bounds: xr.Dataset
    reference: pd.DataFrame
    montecarlo: xr.Dataset | None = None
    predicted: xr.Dataset | None = None


def _shared_powers(ours: np.ndarray, theirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices (ours, theirs) of the powers both grids hold (to 1e-6 dBm)."""
    match = np.isclose(ours[:, None], theirs[None, :], atol=1e-6)
    i, j = np.nonzero(match)
    return i, j


def _farthest_from_one(ratio: np.ndarray) -> int:
    return int(np.nanargmax(np.abs(np.log(ratio))))


@register(STUDY, "peb_crb_ff_curve", var="peb_crb_ff", column="peb_crb_ff_m")
@register(STUDY, "peb_crb_nf_curve", var="peb_crb_nf", column="peb_crb_nf_m")
@register(STUDY, "aeb_crb_ff_curve", var="aeb_crb_ff", column="aeb_crb_ff_deg")
@register(STUDY, "peb_lb_curve", var="peb_lb", column="peb_lb_corrected_m")
@register(STUDY, "aeb_lb_curve", var="aeb_lb", column="aeb_lb_corrected_deg")
def _claim_bound_curve(inputs: ClaimInputs, var: str, column: str) -> Measured:
    """Our bound over theirs, the ratio farthest from 1 over every shared power. [-]"""
    ours, ref = inputs.bounds, inputs.reference
    i, j = _shared_powers(ours["power_dbm"].values, ref["power_dbm"].values)
    if i.size == 0:
        return Measured(float("nan"), "no power of the authors' data is on the configured grid")
    ratio = ours[var].values[i] / ref[column].values[j]
    k = _farthest_from_one(ratio)
    note = (f"farthest from 1 at {ref['power_dbm'].values[j[k]]:.4g} dBm, over {i.size} of the "
            f"authors' {len(ref)} powers")  # fmt: skip
    return Measured(float(ratio[k]), note)


@register(STUDY, "mmle_curve", estimator="mmle")
@register(STUDY, "mle_curve", estimator="mle")
def _claim_estimator_curve(inputs: ClaimInputs, estimator: str) -> Measured:
    """Worst |z| over the shared powers: z = ln(our RMSE / theirs) over the standard error of
    that log ratio, sqrt(se_theirs^2 + se_ours^2), both from bootstraps of the trials.

    Graded on the bootstrap of our trials (each resample's worst |z|); a power where their
    data is NaN (a diverged trial of theirs) is left out and named. [sigma]
    """
    mc, ref = inputs.montecarlo, inputs.reference
    if mc is None:
        return Measured(float("nan"), "no Monte Carlo given")
    i, j = _shared_powers(mc["power_dbm"].values, ref["power_dbm"].values)
    errors = mc["position_error"].sel(estimator=estimator).values[i]  # [powers, trials]
    rmse = np.sqrt(np.mean(errors[:, bootstrap_picks(errors.shape[-1])] ** 2, axis=-1))
    theirs = ref[f"{estimator}_rmse_m"].values[j]
    se = np.sqrt(ref[f"{estimator}_log_se"].values[j] ** 2 + np.var(np.log(rmse[:, 1:]), axis=1))
    kept = np.isfinite(theirs) & np.isfinite(se)
    z = np.log(rmse[kept] / theirs[kept, None]) / se[kept, None]  # [powers, 1 + resamples]
    worst = np.max(np.abs(z), axis=0)
    k = int(np.argmax(np.abs(z[:, 0])))
    left = ", ".join(f"{p:.4g}" for p in ref["power_dbm"].values[j][~kept])
    note = (f"worst at {ref['power_dbm'].values[j][kept][k]:.4g} dBm (ours / theirs "
            f"{np.exp(z[k, 0] * se[kept][k]):.3f}), over {int(kept.sum())} powers; "
            f"{mc.sizes['trial']} trials of ours, 500 of theirs; band: bootstrap of our "
            "trials" + (f"; left out (NaN in their data): {left} dBm" if left else ""))  # fmt: skip
    return Measured(float(worst[0]), note, draws=tuple(worst[1:].tolist()),
                    independent_draws=int(errors.shape[-1]))  # the trials, not the resamples


@register(STUDY, "lb_saturates_30dbm")
def _claim_lb_saturates(inputs: ClaimInputs) -> Measured:
    ds = inputs.bounds
    at = np.flatnonzero(np.isclose(ds["power_dbm"].values, 30.0, atol=1e-6))
    if at.size == 0:
        return Measured(float("nan"), "30 dBm is not on the configured power grid")
    value = float(ds["peb_lb"].values[at[0]] / ds["peb_crb_ff"].values[at[0]])
    return Measured(value, "PEB ratio at 30 dBm")


def _authors_threshold(inputs: ClaimInputs, estimator: str):
    """(powers, the authors' RMSE, our local bound at their powers, their threshold power):
    the lowest power from which their RMSE stays within the prediction's factor of the local
    bound (a NaN of theirs is not within). [dBm]"""
    from hwiloc.bounds import global_accuracy as ga
    from hwiloc.papers.xlmimo2022.global_accuracy import ESTIMATORS, THRESHOLD_FACTOR

    ours, ref = inputs.bounds, inputs.reference
    i, j = _shared_powers(ours["power_dbm"].values, ref["power_dbm"].values)
    powers = ref["power_dbm"].values[j]
    theirs = ref[f"{estimator}_rmse_m"].values[j]
    local = ours[ESTIMATORS[estimator]].values[i]
    within = np.where(np.isfinite(theirs), theirs, np.inf)
    return powers, theirs, local, ga.threshold(powers, within**2, local**2, THRESHOLD_FACTOR**2)


@register(STUDY, "mie_mmle_threshold", estimator="mmle")
@register(STUDY, "mie_mle_threshold", estimator="mle")
def _claim_predicted_threshold(inputs: ClaimInputs, estimator: str) -> Measured:
    """The threshold power predicted by interval errors minus the authors' Monte Carlo's
    (their saved 500-trial RMSE). [dB]"""
    if inputs.predicted is None:
        return Measured(float("nan"), "no prediction given")
    *_, theirs = _authors_threshold(inputs, estimator)
    predicted = float(inputs.predicted["threshold"].sel(estimator=estimator))
    note = f"predicted {predicted:.4g} dBm, the authors' Monte Carlo {theirs:.4g} dBm"
    return Measured(predicted - theirs, note)


@register(STUDY, "mie_mmle_below_threshold", estimator="mmle")
@register(STUDY, "mie_mle_below_threshold", estimator="mle")
def _claim_predicted_rmse(inputs: ClaimInputs, estimator: str) -> Measured:
    """Below the authors' threshold, the predicted RMSE over their saved RMSE, farthest from 1
    over those powers (a NaN of theirs left out). [-]"""
    if inputs.predicted is None:
        return Measured(float("nan"), "no prediction given")
    powers, theirs, _, start = _authors_threshold(inputs, estimator)
    pred = inputs.predicted["rmse"].sel(estimator=estimator)
    below = (powers < start) & np.isfinite(theirs)
    if not below.any():
        return Measured(float("nan"), f"no power below the authors' threshold, {start:.4g} dBm")
    ratio = np.array([float(pred.sel(power_dbm=p, method="nearest")) for p in powers[below]])
    ratio = ratio / theirs[below]
    k = _farthest_from_one(ratio)
    note = (f"{below.sum()} powers below the authors' threshold, {start:.4g} dBm; farthest at "
            f"{powers[below][k]:.4g} dBm; predicted / theirs "
            f"{', '.join(f'{r:.3g}' for r in ratio)}")  # fmt: skip
    return Measured(float(ratio[k]), note)
