"""Figures of the parameter studies (one per kind), from the gathered case table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hwiloc.plotting import new_figure


def _log_ticks_at(ax, values, fmt="{:g}") -> None:
    """Label a log x axis at the data's own values only (no overlapping minor labels)."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    values = sorted(set(float(v) for v in values))
    ax.xaxis.set_major_locator(FixedLocator(values))
    ax.set_xticklabels([fmt.format(v) for v in values], rotation=45 if len(values) > 5 else 0)
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def _plain_y(ax, values) -> None:
    """No offset notation on the y axis ('1e-12+3.556'); a flat curve gets a +-5 % window
    and says that it is flat."""
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    values = np.asarray(values, dtype=float)
    centre = float(np.mean(values))
    if np.ptp(values) <= 1e-6 * abs(centre):
        ax.set_ylim(0.95 * centre, 1.05 * centre)
        ax.text(0.5, 0.9, f"{centre:.4g} at every point", transform=ax.transAxes,
                ha="center", fontsize=8)  # fmt: skip


def _plain_log_y(ax) -> None:
    """A log y axis labelled in plain numbers (0.5, 1, 2, 10), not 2 x 10^0."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    plain = FuncFormatter(lambda v, _: f"{v:g}")
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
    ax.yaxis.set_minor_formatter(plain)


def wideband(table: pd.DataFrame, name: str):
    t = table.sort_values("bandwidth_hz")
    bw = t["bandwidth_hz"] / 1e6
    fig, (a, b) = new_figure(1, 2, figsize=(8.6, 3.3))
    a.semilogx(bw, t["crlb_ratio"], "o-")
    _plain_y(a, t["crlb_ratio"])
    a.set_xlabel("bandwidth [MHz] (K fixed)")
    a.set_ylabel("CRLB RMSE / ideal CRLB")
    a.set_title("CRLB penalty of frequency offsets")
    b.semilogx(bw, t["pmsr_loss_db"], "s-", color="C1")
    b.set_xlabel("bandwidth [MHz] (K fixed)")
    b.set_ylabel("PMSR loss re ideal [dB]")
    b.set_title("PMSR loss (eq. 18) of frequency offsets")
    for ax in (a, b):
        _log_ticks_at(ax, bw)
    std = t["offset_std"].iloc[0]
    fig.suptitle(f"Study '{name}': wideband, $\\sigma^f_\\phi$ = {std / np.pi:.3g}π rad")
    return fig


def array_design(table: pd.DataFrame, name: str):
    fig, (a, b) = new_figure(1, 2, figsize=(8.6, 3.3))
    for i, (spacing, t) in enumerate(table.groupby("antenna_spacing")):
        t = t.sort_values("num_antennas")
        label = f"spacing {spacing * 100:.2f} cm"
        a.loglog(t["num_antennas"], t["crlb_rmse"], "o-", color=f"C{i}", label=label)
        a.loglog(t["num_antennas"], t["crlb_rmse_ideal"], "--", color=f"C{i}", lw=0.8)
        b.semilogx(t["num_antennas"], t["pmsr_db"], "o-", color=f"C{i}", label=label)
        b.semilogx(t["num_antennas"], t["pmsr_ideal_db"], "--", color=f"C{i}", lw=0.8)
    a.set_xlabel("number of antennas N")
    a.set_ylabel("CRLB RMSE [m] (dashed: ideal)")
    b.set_xlabel("number of antennas N")
    b.set_ylabel("PMSR [dB] (dashed: ideal)")
    for ax in (a, b):
        _log_ticks_at(ax, table["num_antennas"], "{:.0f}")
    a.legend()
    std = table["offset_std"].iloc[0]
    fig.suptitle(
        f"Study '{name}': array design under spatial offsets, "
        f"$\\sigma^a_\\phi$ = {std / np.pi:.3g}π rad"
    )
    return fig


def tolerance(table: pd.DataFrame, name: str):
    labels = {"pn": r"PN $\sigma_{\mathrm{PN}}$ [rad]", "cfo": r"CFO std [$\Delta f$]",
              "mc": r"MC $\sigma_{\mathrm{MC}}$ [-]",
              "pa": "PA nonlinearity x default [-]"}  # fmt: skip
    kinds = [k for k in labels if k in set(table["impairment"])]
    fig, axes = new_figure(1, len(kinds), figsize=(3.2 * len(kinds), 3.2), squeeze=False)
    for ax, kind in zip(axes[0], kinds, strict=True):
        t = table[table["impairment"] == kind].sort_values("power_dbm")
        found = t["status"] == "found"
        ax.semilogy(t["power_dbm"][found], t["tolerance"][found], "o-")
        for status, marker in (("below_range", "v"), ("above_range", "^")):
            at = t["status"] == status
            ax.semilogy(t["power_dbm"][at], t["tolerance"][at], marker, color="C3")
        ax.set_xlabel("P [dBm]")
        ax.set_title(labels[kind])
    axes[0][0].set_ylabel("tolerated level")
    markers = [  # one legend for all panels, below them: no panel's data under it
        axes[0][0].plot([], [], "o-", color="C0", label="level where LB / CRB-M2 = sqrt(2)")[0],
        axes[0][0].plot([], [], "v", color="C3",
                        label="over 3 dB already at the scanned range's low end")[0],
        axes[0][0].plot([], [], "^", color="C3",
                        label="under 3 dB up to the scanned range's high end")[0],
    ]  # fmt: skip
    fig.legend(handles=markers, loc="outside lower center", ncol=3, fontsize=8)
    fig.suptitle(
        f"Study '{name}': impairment tolerance (above the line, the LB exceeds CRB-M2 by 3 dB)"
    )
    return fig


def saf_mcrb(table: pd.DataFrame, name: str):
    t = table.sort_values("offset_std")
    fig, ax = new_figure(figsize=(5.4, 3.8))
    ax.semilogy(t["offset_std"], t["lb_peb"], "-", color="C3", label="LB (MCRB + bias)")
    ax.semilogy(
        t["offset_std"], t["mc_rmse"], "s", color="C3", mfc="none", label="SAF-peak localizer (MC)"
    )
    ax.semilogy(
        t["offset_std"], t["crb_peb_true_model"], "--", color="k", label="CRB, offsets known"
    )
    ax.set_xlabel(r"spatial phase-offset std $\sigma^a_\phi$ [rad]")
    ax.set_ylabel("position RMSE / bound [m]")
    ax.set_title(f"Study '{name}': uncalibrated SAF localizer")
    ax.legend()
    return fig


FIGURES = {
    "zhang2025_wideband": wideband,
    "zhang2025_array": array_design,
    "chen2022_tolerance": tolerance,
    "saf_mcrb": saf_mcrb,
}
