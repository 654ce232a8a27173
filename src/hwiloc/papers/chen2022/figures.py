"""Figures 2-4 of Chen et al. (2022)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from hwiloc.papers.chen2022.claims import THRESHOLD_FACTOR, threshold_power
from hwiloc.papers.chen2022.system import SWEEP_LEVELS
from hwiloc.plotting import new_figure
from hwiloc.plotting.assumptions import map_extent, map_title, panel

STYLE = {
    "crb_m1": dict(color="C0", label="CRB-M1"),
    "crb_m2": dict(color="k", ls="--", label="CRB-M2"),
    "lb": dict(color="C3", label="LB (MCRB + bias)"),
}


def fig2(bounds: xr.Dataset, montecarlo: xr.Dataset, draws: xr.Dataset | None = None,
         predicted: xr.Dataset | None = None):
    """Fig. 2: position RMSE of MLE and MMLE vs transmit power, with LB, CRB-M1, CRB-M2.

    The lines are the shipped hardware realization; ``draws`` (Fig. 2's bounds over
    independent hardware realizations), if given, shades the 5-95 % band of the LB and of
    CRB-M1 behind them: the band the random claims are graded on. ``predicted``
    (:func:`hwiloc.papers.chen2022.global_accuracy.predicted_dataset`), if given, draws each
    estimator's RMSE predicted by interval errors, and its predicted threshold.
    """
    fig, ax = new_figure(figsize=(5.4, 4.0))
    for b in ("lb", "crb_m1", "crb_m2"):
        ax.semilogy(bounds["power"], bounds["peb"].sel(bound=b), **STYLE[b])
    if draws is not None:
        n = draws.sizes["realization"]
        for b in ("lb", "crb_m1"):
            peb = draws["peb"].sel(bound=b)
            ax.fill_between(draws["power"], peb.quantile(0.05, "realization"),
                            peb.quantile(0.95, "realization"), color=STYLE[b]["color"],
                            alpha=0.15, lw=0, label=f"{STYLE[b]['label']}: 5-95 % of {n} "
                            "hardware draws")  # fmt: skip
    rmse = np.sqrt((montecarlo["error"] ** 2).mean("trial"))
    ax.semilogy(montecarlo["power"], rmse.sel(estimator="mle"), "o", color="C0", mfc="none",
                label="MLE (data M1, model M1)")  # fmt: skip
    ax.semilogy(montecarlo["power"], rmse.sel(estimator="mmle"), "s", color="C3", mfc="none",
                label="MMLE (data M1, model M2)")  # fmt: skip
    if predicted is not None:  # interval errors: dashed (MLE) and dotted (MMLE), both visible
        for e, (est, dashes) in enumerate((("mle", (0, (5, 3))), ("mmle", (0, (1, 1.5))))):
            color = STYLE["crb_m1" if est == "mle" else "lb"]["color"]
            ax.semilogy(predicted["power"], predicted["rmse"].sel(estimator=est), ls=dashes,
                        lw=1.6, color=color, label=f"{est.upper()} predicted (interval errors)")
            at = float(predicted["threshold"].sel(estimator=est))
            if np.isfinite(at):  # a tick on the power axis
                ax.plot([at], [0.012 + 0.04 * e], marker="^", ms=6, ls="none", color=color,
                        transform=ax.get_xaxis_transform(), clip_on=False,
                        label=f"{est.upper()} predicted threshold {at:g} dBm")  # fmt: skip
    start = threshold_power(montecarlo, bounds)
    if np.isfinite(start) and start > float(montecarlo["power"].min()):
        ax.axvline(start, color="0.4", ls=":", lw=1)
        ax.text(start, 0.02, f" ML threshold {start:g} dBm: below it the MLE's\n RMSE exceeds "
                f"{THRESHOLD_FACTOR:g}x CRB-M1 (outliers)", transform=ax.get_xaxis_transform(),
                fontsize=6, color="0.3", va="bottom")  # fmt: skip
    ax.set_xlabel("average transmit power P [dBm]")
    ax.set_ylabel("position RMSE / PEB [m]")
    n = montecarlo.sizes["trial"]
    ax.set_title(f"Fig. 2: all impairments ({n} trials per power; lines: shipped draw)",
                 fontsize=8)  # fmt: skip
    ax.legend(loc="upper right", fontsize=7)  # the top right is empty: bounds fall with power
    return fig


def fig3(individual: dict[str, xr.Dataset]):
    """Fig. 3 (a)-(d): AEB and DEB with PN, CFO, MC, PA alone; mean and 5-95 % band (the band
    its claims are graded on)."""
    names = {"pn": "(a) PN", "cfo": "(b) CFO", "mc": "(c) MC", "pa": "(d) PA"}
    fig, axes = new_figure(2, 4, figsize=(13.0, 5.6), sharex=True)
    for col, key in enumerate(("pn", "cfo", "mc", "pa")):
        ds = individual[key]
        for row, (var, unit) in enumerate((("aeb", "AEB [deg]"), ("deb", "DEB [m]"))):
            ax = axes[row, col]
            for b in ("lb", "crb_m1", "crb_m2"):
                values = ds[var].sel(bound=b)
                ax.semilogy(ds["power"], values.mean("realization"), **STYLE[b])
                ax.fill_between(ds["power"], values.quantile(0.05, "realization"),
                                values.quantile(0.95, "realization"), color=STYLE[b]["color"],
                                alpha=0.2, lw=0)  # fmt: skip
            if row == 0:
                ax.set_title(f"{names[key]} alone ({ds.sizes['realization']} realizations)")
            if col == 0:
                ax.set_ylabel(unit)
            if row == 1:
                ax.set_xlabel("P [dBm]")
    axes[0, 0].legend(loc="lower left")
    fig.suptitle("Fig. 3: angle and delay error bounds under each impairment alone "
                 "(lines: mean; shaded: 5-95 % over the realizations)")  # fmt: skip
    return fig


SWEEP_AXES = {
    "pn": (r"residual phase-noise std $\sigma_{\mathrm{PN}}$ [rad]", "(a) PN"),
    "cfo": (r"residual CFO std $\sigma_\epsilon$ [$\Delta f$]", "(b) CFO"),
    "mc": (r"coupling residual std $\sigma_{\mathrm{MC}}$ [-]", "(c) MC"),
}
"""Fig. 4's panels: impairment -> (axis label, panel title); its level is
:data:`~hwiloc.papers.chen2022.system.SWEEP_LEVELS`."""


def fig4(sweeps: dict):
    """Fig. 4: PEB of the LB vs each impairment's level (PN; the "similar patterns" of CFO and
    MC), several powers; CRB-M2 dashed, the 5-95 % band of the realizations shaded."""
    fig, axes = new_figure(1, len(sweeps), figsize=(4.6 * len(sweeps), 4.0), squeeze=False)
    for ax, (key, sweep) in zip(axes[0], sweeps.items(), strict=True):
        level, (label, title) = SWEEP_LEVELS[key], SWEEP_AXES[key]
        for i, p in enumerate(sweep["power"].values):
            lb = sweep["peb"].sel(bound="lb", power=p)
            color = f"C{i}"
            ax.semilogy(sweep[level], lb.mean("realization"), "o-", ms=3, color=color,
                        label=f"LB, {p:g} dBm")  # fmt: skip
            band = lb.quantile([0.05, 0.95], "realization")
            ax.fill_between(sweep[level], band.isel(quantile=0), band.isel(quantile=1),
                            color=color, alpha=0.2, lw=0)  # fmt: skip
            crb2 = sweep["peb"].sel(bound="crb_m2", power=p).mean("realization")
            # drawn over the LB and thicker, so that where the two coincide CRB-M2 shows
            ax.semilogy(sweep[level], crb2, "--", color="k", lw=1.2, dashes=(3, 3), zorder=3)
        ax.plot([], [], "k--", lw=1.2, label="CRB-M2 (each power)")
        ax.fill_between(
            [], [], [], color="0.5", alpha=0.2, lw=0, label="LB, 5-95 % of realizations"
        )
        ax.set_xlabel(label)
        ax.set_ylabel("PEB [m]")
        ax.set_title(f"{title} ({sweep.sizes['realization']} realizations)", fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()  # below the panels: no data under it
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=8)
    fig.suptitle("Fig. 4: PEB vs the level of each impairment alone")
    return fig


def sensitivity_map(ds: xr.Dataset, result: dict):
    """How many claims are reproduced over the unknowns (the CFO model: eq. (5), shipped).

    Left: G x CFO spread at the fitted PA; right: beta_3 x V_clip at the fitted G and
    CFO spread. Shipped defaults (red +) and the fit (white x) marked where they lie
    in a panel's plane; white contours give the RMS misfit of the claims [decades].
    """
    point = result["point"]
    top, default = map_extent(ds)
    planes = (("num_transmissions", "cfo_std"), ("pa_beta3", "clip_voltage"))
    fig, axes = new_figure(1, len(planes), figsize=(10.0, 4.2), squeeze=False)
    for ax, (xdim, ydim) in zip(axes[0], planes, strict=True):
        rest = [d for d in ds["num_reproduced"].dims if d not in (xdim, ydim)]
        sel = {d: point[d] for d in rest}
        marks = []
        for where, style, label in ((default, "r+", "shipped default"), (point, "wx", "fit")):
            if all(np.isclose(float(where[d]), float(point[d])) for d in rest):
                marks.append(((where[xdim], where[ydim]), style, label))
        panel(ax, ds["num_reproduced"].sel(sel), ds["misfit"].sel(sel), xdim, ydim, marks,
              top, fig)  # fmt: skip
        fixed = ", ".join(f"{d} = {point[d]:g}" for d in rest)
        ax.set_title(f"CFO model: {ds.attrs.get('cfo_model', 'eq5')}; {fixed}", fontsize=8)
        if marks:
            ax.legend(loc="upper right", fontsize=7)
    map_title(fig, ds, result, "chen2022")
    return fig
