"""Fig. 1 of Chen et al. (GLOBECOM 2022): bounds and estimators vs transmit power."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.claims import bootstrap_picks
from hwiloc.plotting import new_figure


def fig1(bounds: xr.Dataset, montecarlo: xr.Dataset | None = None,
         reference: pd.DataFrame | None = None, predicted: xr.Dataset | None = None):  # fmt: skip
    """(a) PEB of CRB-FF, CRB-NF, the LB, and the RMSE of the MMLE and MLE; (b) AEB.

    Lines are our bounds, filled markers our Monte Carlo (``montecarlo``), with the
    5-95 % band of the bootstrap of its trials; black x the authors' saved Fig. 1
    data (``reference``: their bounds and their 500-trial RMSE); thin dashed and dotted
    lines each estimator's RMSE predicted by interval errors (``predicted``), a triangle
    on the power axis its predicted threshold.
    """
    fig, (left, right) = new_figure(1, 2, figsize=(10.0, 4.2))
    p = bounds["power_dbm"]
    left.semilogy(p, bounds["peb_lb"], "k-", label="LB (far-field model, near-field data)")
    left.semilogy(p, bounds["peb_crb_ff"], "b--", label="CRB-FF")
    left.semilogy(p, bounds["peb_crb_nf"], "r:", lw=2, label="CRB-NF")
    if montecarlo is not None:
        n = montecarlo.sizes["trial"]
        picks = bootstrap_picks(n, 200)[1:]  # 200 resamples of the trials
        for est, style, label in (("mmle", "bs", "MMLE"), ("mle", "ro", "MLE")):
            err = montecarlo["position_error"].sel(estimator=est).transpose("power_dbm", "trial")
            rmse = np.sqrt(np.mean(err.values**2, axis=1))
            boot = np.sqrt(np.mean(err.values[:, picks] ** 2, axis=2))
            lo, hi = np.quantile(boot, [0.05, 0.95], axis=1)
            left.errorbar(montecarlo["power_dbm"], rmse, yerr=[rmse - lo, hi - rmse], fmt=style,
                          ms=5, mfc="none", capsize=2, label=f"{label} ({n} trials)")  # fmt: skip
    if predicted is not None:
        for e, (est, color, dashes) in enumerate((("mmle", "b", (0, (5, 3))),
                                                  ("mle", "r", (0, (1, 1.5))))):  # fmt: skip
            left.semilogy(predicted["power_dbm"], predicted["rmse"].sel(estimator=est), ls=dashes,
                          lw=1.4, color=color, label=f"{est.upper()} predicted (interval errors)")
            at = float(predicted["threshold"].sel(estimator=est))
            if np.isfinite(at):
                left.plot([at], [0.012 + 0.04 * e], marker="^", ms=6, ls="none", color=color,
                          transform=left.get_xaxis_transform(), clip_on=False,
                          label=f"{est.upper()} predicted threshold {at:.3g} dBm")  # fmt: skip
    if reference is not None:
        r = reference
        theirs = "authors' Fig. 1 data"
        for i, col in enumerate(("peb_crb_ff_m", "peb_crb_nf_m", "peb_lb_m", "mmle_rmse_m",
                                 "mle_rmse_m")):  # fmt: skip
            left.semilogy(r["power_dbm"], r[col], "kx", ms=4, label=None if i else theirs)
        for i, col in enumerate(("aeb_crb_ff_deg", "aeb_lb_deg")):
            right.semilogy(r["power_dbm"], r[col], "kx", ms=4, label=None if i else theirs)
    left.set_ylabel("position RMSE / error bound [m]")
    left.set_title("(a) position")
    right.semilogy(p, bounds["aeb_lb"], "k-", label="LB")
    right.semilogy(p, bounds["aeb_crb_ff"], "b--", label="CRB-FF")
    right.semilogy(p, bounds["aeb_crb_nf"], "r:", lw=2, label="CRB-NF")
    right.set_ylabel("angle error bound [deg]")
    right.set_title("(b) angle")
    for ax in (left, right):
        ax.set_xlabel("transmit power P [dBm]")
    # the empty corners: errors fall with power (the predicted thresholds sit at the lower left)
    left.legend(loc="upper right", fontsize=7)
    right.legend(loc="lower left", fontsize=7)
    return fig
