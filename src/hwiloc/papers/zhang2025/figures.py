"""Figures 3-7 of Zhang et al. (2025)."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.ticker import FuncFormatter, MultipleLocator

from hwiloc.plotting import image, new_figure
from hwiloc.plotting.assumptions import map_extent, map_title, panel


def _pi_label(value: float) -> str:
    """Tick label of an angle as a fraction of pi (0, π/8, π/4, 3π/8, ...)."""
    from fractions import Fraction

    frac = Fraction(value / np.pi).limit_denominator(16)
    if frac == 0:
        return "0"
    num = "" if frac.numerator == 1 else str(frac.numerator)
    return f"{num}π" if frac.denominator == 1 else f"{num}π/{frac.denominator}"


def _pi_axis(ax, step=np.pi / 4):
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _pi_label(v)))


def fig3(crlb: xr.Dataset, accuracy_m: float | None = 0.01):
    """Fig. 3(a)/(b): CRLB RMSE (eq. (13)) vs sigma for several N, ideal CRLB dashed."""
    offset_type = crlb.attrs["offset_type"]
    fig, ax = new_figure(figsize=(5.0, 3.8))
    colors = [f"C{i}" for i in range(crlb.sizes["num_antennas"])]
    for color, n in zip(colors, crlb["num_antennas"].values, strict=True):
        sel = crlb.sel(num_antennas=n)
        ax.semilogy(crlb["offset_std"], sel["crlb_rmse"], color=color, label=f"N = {n}")
        ax.axhline(float(sel["crlb_rmse_ideal"]), color=color, ls="--", lw=0.8)
    if accuracy_m is not None:
        ax.axhline(accuracy_m, color="k", lw=0.8, ls=":", label=f"{accuracy_m * 100:g} cm")
    symbol = r"$\sigma^f_\phi$" if offset_type == "frequency" else r"$\sigma^a_\phi$"
    ax.set_xlabel(f"{offset_type} phase-offset std {symbol} [rad]")
    ax.set_ylabel("CRLB RMSE, eq. (13) [m]")
    _pi_axis(ax)
    panel = "(a)" if offset_type == "frequency" else "(b)"
    ax.set_title(f"Fig. 3{panel}: {offset_type} phase offsets")
    ax.legend(ncol=2, loc="lower right", title=f"SNR {crlb.attrs['snr_db']:g} dB; dashed: ideal")
    return fig


def fig_saf(ds: xr.Dataset, floor_db: float = -40.0, sweep: xr.Dataset | None = None):
    """Figs. 4-6: SAF image (dB re peak) and its x- and y-cuts at the sensed location.

    ``sweep`` (Fig. 7's sweep of the case's offset type), if given, puts in the title the
    5-95 % band of the PMSR over its realizations at the case's sigma: the band the
    figure's random PMSR is graded on, beside this one realization's value.
    """
    saf_image = ds["saf"].values
    norm_db = 10.0 * np.log10(np.maximum(saf_image / saf_image.max(), 10 ** (floor_db / 10)))
    x, y = ds["x"].values, ds["y"].values
    x_sen, y_sen = ds["sensed_position"].values
    fig, (ax_img, ax_cut) = new_figure(1, 2, figsize=(9.0, 3.4), width_ratios=[1.5, 1])
    mesh = image(ax_img, x, y, norm_db, cmap="viridis", vmin=floor_db, vmax=0)
    fig.colorbar(mesh, ax=ax_img, label="A(x, y) re peak [dB]")
    true = ds["ue_position"].values
    ax_img.plot(*true, "r+", ms=10, label="true UE")
    ax_img.plot(x_sen, y_sen, "wx", ms=7, label="sensed peak")
    ax_img.set_xlabel("x [m]")
    ax_img.set_ylabel("y [m]")
    ax_img.set_aspect("equal")
    ax_img.grid(False)
    ax_img.legend(loc="upper right", framealpha=0.7)
    ix, iy = np.argmin(np.abs(x - x_sen)), np.argmin(np.abs(y - y_sen))
    ax_cut.plot(x, norm_db[iy, :], label=f"x-cut at y = {y_sen:.2f} m")
    ax_cut.plot(y, norm_db[:, ix], label=f"y-cut at x = {x_sen:.2f} m")
    ax_cut.set_xlabel("x or y [m]")
    ax_cut.set_ylabel("A re peak [dB]")
    ax_cut.set_ylim(floor_db, 3)
    ax_cut.legend(loc="lower right")
    kind = ds.attrs["offset_type"]
    what = (
        "ideal signal"
        if kind == "none"
        else (f"{kind} offsets, $\\sigma$ = {ds.attrs['offset_std_rad'] / np.pi:.3g}π rad")
    )
    title = (f"SAF, {what}: PMSR = {float(ds['pmsr_db']):.2f} dB (eq. (18) as written), "
             f"{float(ds['pmsr_amplitude_db']):.2f} dB (amplitude form)")  # fmt: skip
    if sweep is not None:  # one realization: the band it is graded on, from Fig. 7's sweep
        at = np.isclose(sweep["offset_std"].values, ds.attrs["offset_std_rad"])
        if at.any():
            band = sweep["pmsr_amplitude_db"].isel(offset_std=int(np.argmax(at)))
            lo, hi = np.quantile(band.values, [0.05, 0.95], method="nearest")
            title += (f"\nthis image: one realization (seed {ds.attrs['seed']}); over Fig. 7's "
                      f"{band.size} realizations at this sigma the amplitude-form PMSR's "
                      f"5-95 % band is {lo:.2f} to {hi:.2f} dB")  # fmt: skip
    fig.suptitle(title, fontsize=9)
    return fig


def fig7(frequency: xr.Dataset, spatial: xr.Dataset, stated: dict | None = None,
         graded_form: str = "amplitude"):  # fmt: skip
    """Fig. 7: PMSR vs sigma, mean and 5-95 % band over realizations (the band the random
    claims are graded on), both offset types.

    ``stated``: the paper's PMSR of Figs. 4, 5 and 6 ({"fig4", "fig5", "fig6": dB}),
    marked on the panel of the graded form of eq. (18) (``graded_form``): Fig. 4 as a
    line (no offsets), Figs. 5 and 6 at their sigma = pi/4, and the paper's spatial loss
    there (Fig. 4 minus Fig. 6, 10.97 dB) as a bracket.
    """
    floor = "mie_mse" in frequency and "mie_mse" in spatial
    fig, axes = new_figure(1, 3 if floor else 2, figsize=(12.6 if floor else 8.4, 3.2))
    forms = (("pmsr_db", "eq. (18) as written"), ("pmsr_amplitude_db", "amplitude form"))
    for ax, (var, label) in zip(axes[:2], forms, strict=True):
        if stated and (var == "pmsr_amplitude_db") == (graded_form == "amplitude"):
            quarter = np.pi / 4
            ax.axhline(stated["fig4"], color="k", ls=":", lw=0.8,
                       label="paper, Fig. 4 (no offsets)")
            ax.plot([quarter], [stated["fig5"]], "s", mfc="none", color="C0", ms=6,
                    label="paper, Fig. 5 (frequency, $\\pi/4$)")
            ax.plot([quarter], [stated["fig6"]], "s", mfc="none", color="C1", ms=6,
                    label="paper, Fig. 6 (spatial, $\\pi/4$)")
            loss = stated["fig4"] - stated["fig6"]
            ax.annotate("", xy=(quarter, stated["fig6"]), xytext=(quarter, stated["fig4"]),
                        arrowprops={"arrowstyle": "<->", "color": "k", "lw": 0.8})
            ax.text(quarter * 1.06, (stated["fig4"] + stated["fig6"]) / 2,
                    f"paper: {loss:.2f} dB\nspatial loss", fontsize=7, va="center")
            ax.set_title(f"PMSR, {label} (graded)")
        for ds, color in ((frequency, "C0"), (spatial, "C1")):
            values = ds[var]
            std = ds["offset_std"].values
            ax.plot(
                std,
                values.mean("realization"),
                "o-",
                color=color,
                ms=3,
                label=f"{ds.attrs['offset_type']} offsets (mean)",
            )
            ax.fill_between(
                std,
                values.quantile(0.05, dim="realization"),
                values.quantile(0.95, dim="realization"),
                color=color,
                alpha=0.25,
                lw=0,
                label=f"5-95 % of {ds.sizes['realization']} realizations",
            )
        ax.set_xlabel(r"phase-offset std $\sigma_\phi$ [rad]")
        ax.set_ylabel("PMSR [dB]")
        if not ax.get_title():
            ax.set_title(f"PMSR, {label}")
        _pi_axis(ax, np.pi / 8 if std.max() <= np.pi / 2 + 1e-9 else np.pi / 4)
    axes[0].legend(loc="lower left", fontsize=7)
    axes[1].legend(loc="lower left", fontsize=6)
    if floor:
        _error_floor_panel(axes[2], frequency, spatial)
    n = frequency.sizes["realization"]
    fig.suptitle(f"Fig. 7: PMSR degradation with phase offsets ({n} realizations per $\\sigma$)")
    return fig


def _error_floor_panel(ax, frequency: xr.Dataset, spatial: xr.Dataset) -> None:
    """Fig. 7 (c), ours: the uncalibrated SAF localizer's RMSE predicted by interval errors
    (all realizations), its LB, and its Monte Carlo (the realizations it ran on), with the
    sigma where each leaves 2x the LB."""
    from hwiloc.papers.zhang2025.global_accuracy import FLOOR_FACTOR, floor_threshold

    for ds, color in ((frequency, "C0"), (spatial, "C1")):
        ds = ds.sortby("offset_std")
        std = ds["offset_std"].values
        kind = ds.attrs["offset_type"]
        mie, local = ds["mie_mse"].values, ds["local_mse"].mean("realization").values
        ax.semilogy(std, np.sqrt(mie.mean(axis=1)), "-", color=color,
                    label=f"{kind}: interval errors ({mie.shape[1]} realizations)")
        ax.semilogy(std, np.sqrt(local), "--", color=color, lw=0.9, label=f"{kind}: LB")
        error = ds["monte_carlo_error"].values
        ran = np.all(np.isfinite(error), axis=0)
        if ran.any():
            mc = np.sqrt(np.mean(error[:, ran] ** 2, axis=1))
            ax.semilogy(std, np.sqrt(mie[:, ran].mean(axis=1)), "x", color=color, ms=5,
                        label=f"{kind}: interval errors, the Monte Carlo's realizations")
            ax.semilogy(std, mc, "o", mfc="none", color=color, ms=6,
                        label=f"{kind}: Monte Carlo ({int(ran.sum())} realizations)")
            onset = floor_threshold(std, mc**2, local)
            if np.isfinite(onset) and onset < std.max():
                ax.axvline(onset, color=color, ls=":", lw=0.8)
    ax.set_xlabel(r"phase-offset std $\sigma_\phi$ [rad]")
    ax.set_ylabel("position RMSE [m]")
    ax.set_title(f"(ours) error floor at the scenario's SNR; dotted: last $\\sigma$ within "
                 f"{FLOOR_FACTOR:g}x LB", fontsize=8)
    _pi_axis(ax, np.pi / 8)
    ax.legend(loc="upper left", fontsize=6)


def fig9(evaluation: xr.Dataset, summary: dict, source: str, floor_db: float = -30.0,
         pmsr_form: str = "amplitude"):  # fmt: skip
    """Fig. 9: localization images of the calibration capture, raw, after frequency, after both.

    ``source`` is config ``measured.source``: panel (a) says "emulated data"
    when the captures come from the emulator, "measured data" otherwise. Each panel
    states the PMSR in ``pmsr_form``, the graded form of eq. (18), and names it.
    """
    titles = {
        "raw": f"(a) {'emulated' if source == 'emulator' else 'measured'} data",
        "frequency": "(b) after frequency compensation",
        "both": "(c) after frequency and spatial compensation",
    }
    x, y = evaluation["x"].values, evaluation["y"].values
    fig, axes = new_figure(1, 3, figsize=(13.0, 4.0), sharey=True)
    same = summary.get("same_capture")
    held = summary.get("held_out")
    for i, (ax, stage) in enumerate(zip(axes, evaluation["stage"].values, strict=True)):
        saf_image = evaluation["saf"].sel(stage=stage).values
        norm_db = 10 * np.log10(np.maximum(saf_image / saf_image.max(), 10 ** (floor_db / 10)))
        mesh = image(ax, x, y, norm_db, cmap="viridis", vmin=floor_db, vmax=0)
        truth = evaluation["ground_truth"].isel(snapshot=0).values
        est = evaluation["estimate"].sel(stage=stage).isel(snapshot=0).values
        ax.plot(*truth, "r+", ms=10, label="MoCap ground truth")
        ax.plot(*est, "wx", ms=7, label="SAF peak")
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xlabel("x [m]")
        var = {"literal": "pmsr_db", "amplitude": "pmsr_amplitude_db"}[pmsr_form]
        pmsr = float(evaluation[var].sel(stage=stage).isel(snapshot=0))
        lines = [titles[str(stage)], f"PMSR {pmsr:.2f} dB (first snapshot)"]
        rmse = []
        if same is not None:
            rmse.append(f"RMSE {_length(same[0][i])}")
        if held is not None:
            rmse.append(f"held-out {_length(held[0][i])}")
        ax.set_title("\n".join(lines + ([", ".join(rmse)] if rmse else [])))
    axes[0].set_ylabel("y [m]")
    axes[0].legend(loc="upper right", framealpha=0.7)
    fig.colorbar(mesh, ax=axes, label="SAF re peak [dB]", shrink=0.85)
    fig.suptitle(
        f"Fig. 9: localization of capture '{evaluation.attrs['capture']}' "
        f"(calibrated on '{evaluation.attrs['calibration_capture']}'); RMSE over snapshots; "
        f"PMSR of eq. (18) in its {pmsr_form} form"
    )
    return fig


def _length(meters: float) -> str:
    return f"{meters * 100:.2f} cm" if meters < 1 else f"{meters:.2f} m"


def fig2(calibration: xr.Dataset, fit: dict, source: str):
    """Fig. 2: histograms of the estimated offsets with fitted Gaussian and uniform densities.

    ``source`` is config ``measured.source``: the title says "emulated capture"
    when the captures come from the emulator, "measured capture" otherwise.
    """
    fig, (ax_f, ax_a) = new_figure(1, 2, figsize=(8.4, 3.2))
    freq = calibration["frequency_offset"].values.ravel()
    ax_f.hist(freq, bins=60, density=True, color="C0", alpha=0.6, label=r"estimated $\phi^f_{nk}$")
    grid = np.linspace(freq.min(), freq.max(), 300)
    mu, sd = fit["frequency_mean"], fit["frequency_std"]
    ax_f.plot(grid, np.exp(-0.5 * ((grid - mu) / sd) ** 2) / (sd * np.sqrt(2 * np.pi)), "k",
              label=rf"$\mathcal{{N}}({mu:.2f}, {sd:.2f}^2)$")  # fmt: skip
    ax_f.set_xlabel("frequency phase offset [rad]")
    ax_f.set_ylabel("density [1/rad]")
    ax_f.set_title("(a) frequency phase offset: Gaussian")
    ax_f.legend()
    spatial = np.angle(np.exp(1j * (calibration["spatial_offset"].values - fit["spatial_centre"])))
    half = fit["spatial_half_width"]
    ax_a.hist(spatial, bins=16, density=True, color="C1", alpha=0.6, label=r"estimated $\phi^a_n$")
    ax_a.plot([-half, -half, half, half], [0, 1 / (2 * half), 1 / (2 * half), 0], "k",
              label=rf"$\mathcal{{U}}(-{half:.2f}, {half:.2f})$")  # fmt: skip
    ax_a.set_xlabel("spatial phase offset (re the fitted arc's centre) [rad]")
    ax_a.set_xlim(-np.pi, np.pi)
    ax_a.set_title("(b) spatial phase offset: uniform on the circle")
    ax_a.legend()
    fig.suptitle(
        f"Fig. 2: offsets estimated from {'emulated' if source == 'emulator' else 'measured'} "
        f"capture '{calibration.attrs['capture']}' "
        f"({calibration.attrs['num_symbols']} symbols)"
    )
    return fig


def sensitivity_map(ds: xr.Dataset, result: dict):
    """How many claims are reproduced over the unknowns: (a) SNR x Omega at the fitted R,
    (b) R x Omega at the fitted SNR, both at the fitted form of eq. (18).

    Shipped defaults (red +) and the fit (white x) marked; white contours give
    the RMS misfit of the claims [decades]; grey cells are an Omega the fit does not admit
    in that R (half R's smaller side or more).
    """
    point = result["point"]
    top, default = map_extent(ds)
    fig, axes = new_figure(1, 2, figsize=(10.0, 3.8))
    pairs = (("snr_db", "main_lobe_radius", "region_scale"),
             ("region_scale", "main_lobe_radius", "snr_db"))  # fmt: skip
    # grey: an Omega the fit does not admit in that R (no Fig. 4 PMSR: half R's side or more)
    admitted = np.isfinite(ds["value"].sel(row="pmsr_fig4"))
    for ax, (xd, yd, fixed) in zip(axes, pairs, strict=True):
        sel = {fixed: point[fixed], "pmsr_form": point["pmsr_form"]}
        marks = [((default[xd], default[yd]), "r+", "shipped default"),
                 ((point[xd], point[yd]), "wx", "fit")]  # fmt: skip
        keep = admitted.sel(sel)
        panel(ax, ds["num_reproduced"].sel(sel).where(keep), ds["misfit"].sel(sel).where(keep),
              xd, yd, marks, top, fig)  # fmt: skip
        ax.set_title(f"{fixed} = {point[fixed]:g} (fitted), {point['pmsr_form']} form of eq. (18)",
                     fontsize=8)  # fmt: skip
    axes[0].legend(loc="upper right", fontsize=7)
    map_title(fig, ds, result, "zhang2025")
    return fig
