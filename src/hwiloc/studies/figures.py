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


def _label(fmt, value) -> str:
    return fmt(value) if callable(fmt) else fmt.format(value)


def _lines(table: pd.DataFrame, columns: dict):
    """The table's curves: one per combination of the ``columns`` that vary in it.

    ``columns`` maps a column to its label: a format (``"{:g} rad"``) or a function of the
    value. Yields (index, label,
    rows) for each combination, and returns nothing more: a column that holds one value
    goes in the title instead (:func:`_constants`). A study whose table varies a column
    the figure would otherwise take as constant gets one line per value, never a zigzag.
    """
    varying = [c for c in columns if table[c].nunique() > 1]
    if not varying:
        yield 0, None, table
        return
    for i, (values, rows) in enumerate(table.groupby(varying, sort=True)):
        values = values if isinstance(values, tuple) else (values,)
        label = ", ".join(_label(columns[c], v) for c, v in zip(varying, values, strict=True))
        yield i, label, rows


def _constants(table: pd.DataFrame, columns: dict) -> str:
    """The ``columns`` that hold one value in the table, labelled for a title."""
    same = [_label(columns[c], table[c].iloc[0]) for c in columns if table[c].nunique() == 1]
    return ", ".join(same)


def OFFSET_STD(value) -> str:
    return rf"$\sigma_\phi$ = {value / np.pi:.3g}π rad"


def wideband(table: pd.DataFrame, name: str):
    fig, (a, b) = new_figure(1, 2, figsize=(8.6, 3.3))
    for i, label, rows in _lines(table, {"offset_std": OFFSET_STD}):
        t = rows.sort_values("bandwidth_hz")
        bw = t["bandwidth_hz"] / 1e6
        a.semilogx(bw, t["crlb_ratio"], "o-", color=f"C{i}", label=label)
        b.semilogx(bw, t["pmsr_loss_db"], "s-", color=f"C{i}", label=label)
    if table["offset_std"].nunique() == 1:
        _plain_y(a, table["crlb_ratio"])
    else:
        a.legend(fontsize=8)
    a.set_xlabel("bandwidth [MHz] (K fixed)")
    a.set_ylabel("CRLB RMSE / ideal CRLB")
    a.set_title("CRLB penalty of frequency offsets")
    b.set_xlabel("bandwidth [MHz] (K fixed)")
    b.set_ylabel("PMSR loss re ideal [dB]")
    b.set_title("PMSR loss (eq. 18) of frequency offsets")
    for ax in (a, b):
        _log_ticks_at(ax, table["bandwidth_hz"] / 1e6)
    same = _constants(table, {"offset_std": OFFSET_STD})
    fig.suptitle(f"Study '{name}': wideband" + (f", {same}" if same else ""))
    return fig


def array_design(table: pd.DataFrame, name: str):
    fig, (a, b) = new_figure(1, 2, figsize=(8.6, 3.3))
    columns = {"antenna_spacing": lambda v: f"spacing {v * 100:.2f} cm", "offset_std": OFFSET_STD}
    for i, label, rows in _lines(table, columns):
        t = rows.sort_values("num_antennas")
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
    if len(list(_lines(table, columns))) > 1:
        a.legend(fontsize=8)
    same = _constants(table, columns)
    title = f"Study '{name}': array design under spatial offsets"
    fig.suptitle(title + (f", {same}" if same else ""))
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
    fig, ax = new_figure(figsize=(5.4, 3.8))
    lines = list(_lines(table, {"snr_db": "SNR {:g} dB"}))
    for i, label, rows in lines:
        t = rows.sort_values("offset_std")
        at = f", {label}" if label else ""
        color = "C3" if label is None else f"C{i}"
        ax.semilogy(t["offset_std"], t["lb_peb"], "-", color=color, label=f"LB (MCRB + bias){at}")
        ax.semilogy(t["offset_std"], t["mc_rmse"], "s", color=color, mfc="none",
                    label=f"SAF-peak localizer (MC){at}")  # fmt: skip
        ax.semilogy(t["offset_std"], t["crb_peb_true_model"], "--", color="k" if label is None
                    else color, label=f"CRB, offsets known{at}")  # fmt: skip
    ax.set_xlabel(r"spatial phase-offset std $\sigma^a_\phi$ [rad]")
    ax.set_ylabel("position RMSE / bound [m]")
    same = _constants(table, {"snr_db": "SNR {:g} dB"})
    ax.set_title(f"Study '{name}': uncalibrated SAF localizer" + (f", {same}" if same else ""))
    ax.legend(fontsize=8 if len(lines) > 1 else None)
    return fig


MAX_MAP_PANELS = 6  # a CRLB map draws at most this many offset settings, the first in the table


def crlb_map(table: pd.DataFrame, name: str):
    """One panel per offset setting (type, std): the CRLB RMSE over the UE positions, on a
    shared log colour scale, the array marked on y = 0."""
    from matplotlib.colors import LogNorm

    settings = list(table.groupby(["offset_type", "offset_std"], sort=False))[:MAX_MAP_PANELS]
    fig, axes = new_figure(1, len(settings), figsize=(3.2 * len(settings) + 1.0, 3.4),
                           squeeze=False)  # fmt: skip
    finite = table["crlb_rmse"][np.isfinite(table["crlb_rmse"])]
    norm = LogNorm(vmin=float(finite.min()), vmax=float(finite.max()))
    for ax, ((kind, std), rows) in zip(axes[0], settings, strict=True):
        dots = ax.scatter(rows["ue_x"], rows["ue_y"], c=rows["crlb_rmse"], norm=norm,
                          cmap="viridis", s=max(4.0, 4000.0 / len(rows)), marker="s")  # fmt: skip
        ax.axhline(0.0, color="k", lw=2, label="array axis (y = 0)")
        ax.set_title("offsets known" if kind == "none" else f"{kind}, {OFFSET_STD(std)}",
                     fontsize=9)  # fmt: skip
        ax.set_xlabel("UE x [m]")
    axes[0][0].set_ylabel("UE y [m]")
    axes[0][0].legend(loc="upper left", fontsize=7)
    fig.colorbar(dots, ax=list(axes[0]), label="CRLB RMSE, eq. (13) [m]")
    fig.suptitle(f"Study '{name}': CRLB over UE positions")
    return fig


FIGURES = {
    "zhang2025_wideband": wideband,
    "zhang2025_array": array_design,
    "chen2022_tolerance": tolerance,
    "saf_mcrb": saf_mcrb,
    "zhang2025_crlb": crlb_map,
}
