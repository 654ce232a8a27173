"""hwi_catalogue's figure: one per impairment, from its sweep."""

from __future__ import annotations

from hwiloc.plotting import new_figure
from hwiloc.studies.figures import _log_ticks_at, _plain_log_y
from hwiloc.studies.hwi_catalogue import CATALOGUE, THREE_DB, bound_ratio, crossing


def figure(ds):
    """One impairment of the catalogue: PEB, AEB and DEB of the LB over CRB-M2 versus its level.

    Median over the draws (line) and their 5-95 % band (shaded) at each power;
    CRB-M1 / CRB-M2 dotted; 3 dB (sqrt(2)) dashed; each power's tolerance a
    triangle on the PEB panel; the typical level the ranking reads a grey line.
    """
    impairment = ds.attrs["impairment"]
    spec = CATALOGUE[impairment]
    keep = ds["level"].values > 0
    levels = ds["level"].values[keep]
    draws = ds.sizes["realization"]
    fig, axes = new_figure(1, 3, figsize=(10.5, 3.9))
    panels = {"peb": "position (PEB)", "aeb": "angle (AEB)", "deb": "delay (DEB)"}
    for ax, (metric, what) in zip(axes, panels.items(), strict=True):
        ratio, known = bound_ratio(ds, metric), bound_ratio(ds, metric, "crb_m1")
        for i, power in enumerate(ds["power"].values):
            at = ratio.sel(power=power).isel(level=keep)
            median = at.median("realization")
            ax.plot(levels, median, "o-", ms=3, color=f"C{i}", label=f"LB, {power:g} dBm")
            if draws > 1:
                ax.fill_between(levels, at.quantile(0.05, "realization"),
                                at.quantile(0.95, "realization"), color=f"C{i}", alpha=0.15,
                                lw=0)  # fmt: skip
            ax.plot(levels, known.sel(power=power).isel(level=keep).median("realization"), ":",
                    color=f"C{i}", lw=1, label=f"CRB-M1, {power:g} dBm")  # fmt: skip
            if metric == "peb":
                level, status = crossing(ds["level"].values, ratio.sel(power=power)
                                         .median("realization").values, spec.fewer_is_worse)
                if status == "found":
                    ax.plot(level, THREE_DB, "v", color=f"C{i}", ms=8, mec="k", mew=0.5)
        ax.axhline(THREE_DB, color="k", ls="--", lw=0.8, label="3 dB (sqrt 2)")
        ax.axvline(float(ds.attrs["typical"]), color="0.6", lw=1.5, alpha=0.6,
                   label="typical level")  # fmt: skip
        ax.set_yscale("log")
        if not spec.fewer_is_worse:
            ax.set_xscale("log")
            _log_ticks_at(ax, levels)
        else:
            ax.set_xticks(levels)
        ax.set_xlabel(spec.label, fontsize=8)
        ax.set_ylabel("bound / CRB-M2", fontsize=8)
        _plain_log_y(ax)
        ax.set_title(what, fontsize=9)
    if "image_ratio_db" in ds:  # what s means: the reference mismatch and its image ratio
        from hwiloc.impairments.iq_imbalance import coefficients, image_ratio_db

        a, p = ds.attrs["amplitude_db"], ds.attrs["phase"]
        axes[0].text(0.02, 0.97, f"s = 1: {a:g} dB, {p:g} rad\n(image-to-signal ratio "
                     f"{image_ratio_db(*coefficients(a, p)):.1f} dB)", transform=axes[0].transAxes,
                     va="top", fontsize=7)  # fmt: skip
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 5),
               fontsize=7, frameon=False)  # fmt: skip
    drawn = f"{draws} draws; band: 5-95 %" if draws > 1 else "deterministic"
    fig.suptitle(f"hwi_catalogue: {impairment} alone on chen2022's scenario ({drawn})",
                 fontsize=10)  # fmt: skip
    return fig
