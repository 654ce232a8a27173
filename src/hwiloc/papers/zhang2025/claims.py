"""zhang2025: the value of each claim by id (``config/claims/zhang2025.yaml``).

Sec. III (CRLB), Sec. IV (SAF, PMSR) and Sec. V (calibration of measured CSI):
each function is registered under its claim id (:func:`hwiloc.claims.register`)
and computes the value from the pipeline's outputs (:class:`ClaimInputs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import xarray as xr

from hwiloc.calibration import STAGES
from hwiloc.claims import Measured, bootstrap_picks, register
from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.papers.zhang2025 import floor_rows  # noqa: F401 (registers the error-floor rows)
from hwiloc.papers.zhang2025.measured import offsets_goodness_of_fit
from hwiloc.papers.zhang2025.stages import IDEAL, PMSR_FORMS, alternative_cases
from hwiloc.papers.zhang2025.system import STUDY, Scenario, crlb_ratio, min_antennas_for_accuracy


@dataclass(frozen=True)
class ClaimInputs:
    """What the zhang2025 claims are computed from (one field per pipeline output).

    Attributes
    ----------
    scenario : Scenario
        Sec. III's CRLB claims are evaluated on it at its N (the testbed's 64).
    saf_cases : {"fig4" | "fig5" | "fig6": SAF dataset}
    pmsr_frequency, pmsr_spatial : gathered PMSR sweeps (Fig. 7), or None
    max_antennas : int
        Largest N searched for the 1 cm claims. [-]
    evaluations : list of evaluation datasets (Sec. V)
    calibration : calibration dataset (Sec. V, Fig. 2), or None
    source : str
        Config ``measured.source``: where the Sec. V captures come from.
    pmsr_form : {"literal", "amplitude"}
        Config ``pmsr_form``: the form of eq. (18) that is graded (the one the
        assumptions fit selects); the other is reported beside it, ungraded.
    assumptions : the assumption fit's graded scan (its ``value`` per row), or None
    """

    scenario: Scenario
    saf_cases: dict = field(default_factory=dict)
    pmsr_frequency: xr.Dataset | None = None
    pmsr_spatial: xr.Dataset | None = None
    max_antennas: int = 128
    evaluations: tuple = ()
    calibration: xr.Dataset | None = None
    source: str = "emulator"
    pmsr_form: str = "literal"
    assumptions: xr.Dataset | None = None


def _sec3_note(inputs: ClaimInputs) -> str:
    sc = inputs.scenario
    return f"N = {sc.num_antennas}, SNR {sc.snr_db:g} dB, {sc.amplitude_model} amplitudes"


@register(STUDY, "crlb_ratio_frequency_pi4", offset_type="frequency", offset_std=np.pi / 4)
@register(STUDY, "crlb_ratio_frequency_pi", offset_type="frequency", offset_std=np.pi)
@register(STUDY, "crlb_ratio_spatial_pi4", offset_type="spatial", offset_std=np.pi / 4)
@register(STUDY, "crlb_ratio_spatial_pi", offset_type="spatial", offset_std=np.pi)
def _claim_crlb_ratio(inputs: ClaimInputs, offset_type: str, offset_std: float) -> Measured:
    return Measured(crlb_ratio(inputs.scenario, offset_type, offset_std), _sec3_note(inputs))


@register(STUDY, "crlb_ratio_frequency_pair")
def _claim_crlb_pair(inputs: ClaimInputs) -> Measured:
    """(r(pi)^2 - 1) / (r(pi/4)^2 - 1) of the frequency-offset CRLB ratios, eq. (11). [-]"""
    sc = inputs.scenario
    r4, r1 = (crlb_ratio(sc, "frequency", s) for s in (np.pi / 4, np.pi))
    return Measured(
        (r1**2 - 1) / (r4**2 - 1), f"r(pi/4) = {r4:.4g}, r(pi) = {r1:.4g}; {_sec3_note(inputs)}"
    )


@register(STUDY, "frequency_penalty_averaged_over_subcarriers")
def _claim_averaged_out(inputs: ClaimInputs) -> Measured:
    """The eq. (11) CRLB ratio at sigma^f = pi with twice the subcarriers and with twice the
    spacing, each over the scenario's: the larger of the two. [-]"""
    sc = inputs.scenario
    base = crlb_ratio(sc, "frequency", np.pi)
    more = {
        "2K": replace(sc, grid=replace(sc.grid, num_subcarriers=2 * sc.grid.num_subcarriers)),
        "2 Delta f": replace(sc, grid=replace(sc.grid,
                                              subcarrier_spacing=2 * sc.grid.subcarrier_spacing)),
    }  # fmt: skip
    ratios = {k: crlb_ratio(v, "frequency", np.pi) / base for k, v in more.items()}
    note = ", ".join(f"{k}: {v:.6f}" for k, v in ratios.items())
    return Measured(max(ratios.values()), f"r(pi) = {base:.4g} at K = {sc.grid.num_subcarriers}; "
                    f"{note}; {_sec3_note(inputs)}")  # fmt: skip


@register(STUDY, "crlb_falls_with_antennas")
def _claim_antennas(inputs: ClaimInputs) -> Measured:
    """CRLB RMSE at sigma^f = pi with 8 antennas over that with 64 (Fig. 3(a)'s ends). [-]"""
    sc = inputs.scenario
    few, many = (float(sc.with_antennas(n).crlb_rmse("frequency", np.pi)) for n in (8, 64))
    return Measured(few / many, f"{few * 100:.3g} cm with N = 8, {many * 100:.3g} cm with N = 64")


PAPER_SPEED_OF_LIGHT = 3e8
"""The speed of light the paper rounds with (16.67 m = 3e8 / 18 MHz; 299 792 458 m/s gives
16.655 m): its own constant grades its own number. [m/s]"""


@register(STUDY, "range_resolution")
def _claim_range_resolution(inputs: ClaimInputs) -> Measured:
    """c / (K Delta f) of the scenario's grid, with the paper's c = 3e8 m/s. [m]"""
    grid = inputs.scenario.grid
    exact = SPEED_OF_LIGHT / grid.bandwidth
    return Measured(PAPER_SPEED_OF_LIGHT / grid.bandwidth,
                    f"K Delta f = {grid.bandwidth / 1e6:g} MHz, c = 3e8 m/s as the paper rounds "
                    f"(299 792 458 m/s: {exact:.4f} m)")  # fmt: skip


SPATIAL_STDS = {"sigma = pi/4": np.pi / 4, "sigma = pi/2": np.pi / 2, "sigma = pi": np.pi}
PAPER_SIGMA = "sigma = pi"
"""The sigma of the paper's reading of "1 cm is hard to achieve" (Sec. III-A's sigma = pi); the
other sigmas are our reading of it at other levels (``extra``)."""


@register(STUDY, "min_antennas_frequency_1cm", offset_type="frequency", stds={"": np.pi})
@register(STUDY, "min_antennas_spatial_1cm", offset_type="spatial", stds=SPATIAL_STDS)
def _claim_min_antennas(inputs: ClaimInputs, offset_type: str, stds: dict) -> list[Measured]:
    """Fewest N for a 1 cm CRLB RMSE at each sigma (inf: none up to max_antennas)."""
    out = []
    for variant, std in stds.items():
        n = min_antennas_for_accuracy(inputs.scenario, offset_type, std, 0.01, inputs.max_antennas)
        note = f"SNR {inputs.scenario.snr_db:g} dB; searched N = 2..{inputs.max_antennas}"
        ours = ("extra", f"our reading at {variant}: the paper's is at {PAPER_SIGMA}, as Sec. "
                "III-A's") if variant and variant != PAPER_SIGMA else None  # fmt: skip
        out.append(Measured(n, note, variant, evidence=ours))
    return out


def _sweep_draws(sweep: xr.Dataset | None, var: str, std: float):
    """The PMSR of every realization of Fig. 7's sweep at sigma, or None if not swept. [dB]"""
    if sweep is None:
        return None
    hit = np.isclose(sweep["offset_std"].values, std)
    if not hit.any():
        return None
    return tuple(sweep[var].isel(offset_std=int(np.argmax(hit))).values.tolist())


@register(STUDY, "pmsr_fig4", case="fig4", sweep=None)
@register(STUDY, "pmsr_fig5", case="fig5", sweep="pmsr_frequency")
@register(STUDY, "pmsr_fig6", case="fig6", sweep="pmsr_spatial")
def _claim_pmsr(inputs: ClaimInputs, case: str, sweep: str | None) -> list[Measured]:
    """PMSR of one SAF case in both forms. With offsets it is random: graded on the
    realizations of Fig. 7's sweep at the case's sigma (its grid), the figure's own
    realization in the note. [dB]"""
    ds = inputs.saf_cases[case]
    out = []
    for form, var in PMSR_FORMS.items():
        swept = getattr(inputs, sweep) if sweep else None
        draws = _sweep_draws(swept, var, float(ds.attrs["offset_std_rad"]))
        note = f"seed {ds.attrs['seed']}, Omega radius {ds.attrs['main_lobe_radius_m']:g} m"
        if draws is not None:
            note = (f"band: {len(draws)} realizations of Fig. 7's sweep at this sigma (its grid); "
                    f"the figure's own, {note}: {float(ds[var]):.2f} dB")  # fmt: skip
        out.append(Measured(float(ds[var]), note, form, form == inputs.pmsr_form, draws))
    return out


@register(STUDY, "pmsr_loss_fig5", case="fig5")
@register(STUDY, "pmsr_loss_fig6", case="fig6")
def _claim_pmsr_loss(inputs: ClaimInputs, case: str) -> list[Measured]:
    """PMSR of Fig. 4 minus that of Fig. 5 or 6, both forms: graded on the losses of Fig. 7's
    realizations at the case's sigma (each the offset-free PMSR on the sweep's grid minus
    its own), the figures' own loss in the note. [dB]"""
    ideal, impaired = inputs.saf_cases["fig4"], inputs.saf_cases[case]
    swept = getattr(inputs, SWEEP_OF_CASE[case])
    out = []
    for form, var in PMSR_FORMS.items():
        loss = float(ideal[var]) - float(impaired[var])
        note = f"one realization (seed {impaired.attrs['seed']})"
        draws = _sweep_draws(swept, var, float(impaired.attrs["offset_std_rad"]))
        if draws is not None:
            offset_free = float(swept[IDEAL[var]])
            draws = tuple(offset_free - d for d in draws)
            note = (f"band: {len(draws)} realizations of Fig. 7's sweep at this sigma (its grid, "
                    f"offset-free {offset_free:.2f} dB); the figures' own (seed "
                    f"{impaired.attrs['seed']}): {loss:.2f} dB")  # fmt: skip
        out.append(Measured(loss, note, form, form == inputs.pmsr_form, draws))
    return out


@register(STUDY, "pmsr_loss_fig6_best_over_scan")
def _claim_best_spatial_loss(inputs: ClaimInputs) -> Measured:
    """The largest Fig. 6 loss (Fig. 4 minus Fig. 6, the graded form, each point the median
    of its offset draws) over the assumption fit's scan of SNR, R and Omega. [dB]"""
    ds = inputs.assumptions
    if ds is None:
        return Measured(float("nan"), "no assumption scan given")
    loss = ds["value"].sel(row="pmsr_loss_fig6", pmsr_form=inputs.pmsr_form)
    if not np.isfinite(loss.values).any():
        return Measured(float("nan"), "no admissible point on the scan")
    at = {k: float(loss[k].values[int(i)]) for k, i in loss.argmax(...).items()}
    return Measured(float(loss.max()), f"the largest over {int(np.isfinite(loss.values).sum())} "
                    f"admissible points, at SNR {at['snr_db']:g} dB, R {at['region_scale']:g}x, "
                    f"Omega {at['main_lobe_radius']:g} m")  # fmt: skip


SWEEP_OF_CASE = {"fig5": "pmsr_frequency", "fig6": "pmsr_spatial"}
"""The Fig. 7 sweep whose realizations a random SAF case is graded on."""


@register(STUDY, "pmsr_sweep_frequency_mild", sweep="pmsr_frequency")
@register(STUDY, "pmsr_sweep_spatial_significant", sweep="pmsr_spatial")
def _claim_sweep_loss(inputs: ClaimInputs, sweep: str) -> list[Measured]:
    """PMSR loss from the first to the last sigma of Fig. 7's sweep, both forms: graded on the
    losses of its realizations. [dB]"""
    ds = getattr(inputs, sweep)
    lo, hi = ds["offset_std"].values[[0, -1]] / np.pi
    out = []
    for form, var in PMSR_FORMS.items():
        # each realization's loss (common random numbers across sigma), and their mean
        losses = (ds[var].isel(offset_std=0) - ds[var].isel(offset_std=-1)).values
        span = (f"band: {losses.size} realizations, sigma {lo:.3g}pi to {hi:.3g}pi; "
                f"mean {losses.mean():.2f} dB")  # fmt: skip
        graded = form == inputs.pmsr_form
        out.append(Measured(float(losses.mean()), span, form, graded, tuple(losses.tolist()),
                            witness=_sweep_witnesses(ds) if graded else None))  # fmt: skip
    return out


def _sweep_witnesses(ds: xr.Dataset) -> list[tuple[str, float]]:
    """The sweep's loss (median over its realizations) under each alternative R and Omega
    of ``pmsr_sweep.alternatives`` other than the shipped ones (the graded form). [dB]"""
    out = []
    for scale, radius, label in alternative_cases(ds):
        alt = ds["pmsr_alternative_db"].sel(region_scale=scale, main_lobe_radius=radius)
        value = float((alt.isel(offset_std=0) - alt.isel(offset_std=-1)).median("realization"))
        if np.isfinite(value):
            out.append((label, value))
    return out


GROUPS = {"same_capture": "same capture", "held_out": "held-out captures"}


def _grouped(evaluations) -> dict:
    """{group: (errors [stage, all snapshots], {form: pmsr [stage, all]}, number of captures)}."""
    out = {}
    for group, held in (("same_capture", 0), ("held_out", 1)):
        chosen = [ev for ev in evaluations if ev.attrs["held_out"] == held]
        if chosen:
            err = np.concatenate([ev["error"].values for ev in chosen], axis=1)
            pmsr = {f: np.concatenate([ev[v].values for ev in chosen], axis=1)
                    for f, v in PMSR_FORMS.items()}  # fmt: skip
            out[group] = (err, pmsr, len(chosen))
    return out


def _source_note(inputs, group: str, count: int, num_snapshots: int | None = None) -> str:
    """Which captures, whether they are emulated or measured, and what the band is over."""
    what = "emulated testbed" if inputs.source == "emulator" else f"measured ({inputs.source})"
    note = f"{GROUPS[group]} ({count} capture(s)), {what}"
    if num_snapshots is None:
        return note
    one = "; the testbed's offsets and room are one draw" if inputs.source == "emulator" else ""
    return f"{note}; band: bootstrap of its {num_snapshots} snapshots (their noise){one}"


def _over_snapshots(statistic, values: np.ndarray, note: str, variant: str, graded=True):
    """``statistic`` (over the last axis, snapshots) of ``values`` as drawn, graded on its
    bootstrap over the snapshots (:func:`~hwiloc.claims.bootstrap_picks`)."""
    out = statistic(values[..., bootstrap_picks(values.shape[-1])])  # [..., 1 + resamples]
    return Measured(float(out[0]), note, variant, graded, tuple(out[1:].tolist()),
                    independent_draws=int(values.shape[-1]))  # the snapshots, not the resamples


@register(STUDY, "pmsr_raw", stage="raw")
@register(STUDY, "pmsr_calibrated", stage="both")
def _claim_pmsr_stage(inputs, stage: str) -> list[Measured]:
    """Mean PMSR of a stage, per capture group and form of eq. (18). [dB]"""
    i = STAGES.index(stage)
    return [
        _over_snapshots(lambda v: v.mean(axis=-1), pmsr[form][i],
                        _source_note(inputs, g, n, pmsr[form].shape[1]), f"{g}, {form}",
                        form == inputs.pmsr_form)
        for g, (_, pmsr, n) in _grouped(inputs.evaluations).items()
        for form in PMSR_FORMS
    ]  # fmt: skip


@register(STUDY, "pmsr_gain_calibration")
def _claim_pmsr_gain(inputs) -> list[Measured]:
    """Mean PMSR after both compensations minus raw, per snapshot pair. [dB]"""
    raw, both = STAGES.index("raw"), STAGES.index("both")
    return [
        _over_snapshots(lambda v: v.mean(axis=-1), pmsr[form][both] - pmsr[form][raw],
                        _source_note(inputs, g, n, pmsr[form].shape[1]), f"{g}, {form}",
                        form == inputs.pmsr_form)
        for g, (_, pmsr, n) in _grouped(inputs.evaluations).items() for form in PMSR_FORMS
    ]  # fmt: skip


@register(STUDY, "pmsr_frequency_compensated_minimal")
def _claim_frequency_minimal(inputs) -> list[Measured]:
    """The frequency stage's share of the full calibration's PMSR gain. [-]"""
    raw, freq, both = (STAGES.index(s) for s in ("raw", "frequency", "both"))

    def share(v):  # v [stage, ..., snapshots]
        m = v.mean(axis=-1)
        return (m[freq] - m[raw]) / (m[both] - m[raw])

    cal = inputs.calibration
    rule = cal.attrs.get("frequency_stage", "zero_mean_per_antenna") if cal is not None else "?"
    return [
        _over_snapshots(share, pmsr["amplitude"],
                        f"{_source_note(inputs, g, n, pmsr['amplitude'].shape[1])}; the same in "
                        f"both forms; frequency stage: {rule}", g)
        for g, (_, pmsr, n) in _grouped(inputs.evaluations).items()
    ]  # fmt: skip


@register(STUDY, "rmse_raw", stage="raw")
@register(STUDY, "rmse_calibrated", stage="both")
def _claim_rmse(inputs, stage: str) -> list[Measured]:
    """Localization RMSE of a stage over the snapshots of each capture group. [m]"""
    i = STAGES.index(stage)
    return [
        _over_snapshots(lambda v: np.sqrt(np.mean(v**2, axis=-1)), err[i],
                        _source_note(inputs, g, n, err.shape[1]), g)
        for g, (err, _, n) in _grouped(inputs.evaluations).items()
    ]  # fmt: skip


@register(STUDY, "rmse_calibrated_vs_crlb")
def _claim_rmse_over_crlb(inputs) -> list[Measured]:
    """Calibrated RMSE over the CRLB of one snapshot (each capture's, RMS over the group's
    captures), per capture group. [-]"""
    i = STAGES.index("both")
    out = []
    for group, held in (("same_capture", 0), ("held_out", 1)):
        chosen = [ev for ev in inputs.evaluations if ev.attrs["held_out"] == held]
        if not chosen or "crlb_rmse" not in chosen[0]:
            continue
        err = np.concatenate([ev["error"].values[i] for ev in chosen])
        crlb = float(np.sqrt(np.mean([float(ev["crlb_rmse"]) ** 2 for ev in chosen])))
        rmse = float(np.sqrt(np.mean(err**2)))
        snr = ", ".join(f"{float(ev.attrs['snr_estimate_db']):.1f}" for ev in chosen)
        out.append(Measured(rmse / crlb, f"{_source_note(inputs, group, len(chosen))}; RMSE "
                            f"{1e3 * rmse:.3g} mm, CRLB {1e3 * crlb:.3g} mm at the estimated "
                            f"SNR [dB] {snr}", group))  # fmt: skip
    return out


@register(STUDY, "offsets_match_reference")
def _claim_reference_offsets(inputs) -> list[Measured]:
    """RMS of the estimated minus the reference offsets, common phase removed. [rad]

    No row when the calibration capture carries no reference offsets.
    """
    cal = inputs.calibration
    if cal is None or "reference_residual" not in cal:
        return []
    residual = cal["reference_residual"].values
    return [Measured(
        float(np.sqrt(np.mean(residual**2))),
        f"capture '{cal.attrs['capture']}': {residual.size} offsets, 95 % of |difference| "
        f"below {np.quantile(np.abs(residual), 0.95):.3g} rad",
    )]  # fmt: skip


@register(STUDY, "offsets_frequency_gaussian", kind="frequency")
@register(STUDY, "offsets_spatial_uniform", kind="spatial")
def _claim_offset_law(inputs, kind: str) -> Measured:
    """Fig. 2: KS p-value of the estimated offsets against their fitted law."""
    stat, p = offsets_goodness_of_fit(inputs.calibration)[kind]
    cap = inputs.calibration.attrs["capture"]
    return Measured(p, f"KS statistic {stat:.3g} on capture '{cap}' (parameters fitted on it)")
