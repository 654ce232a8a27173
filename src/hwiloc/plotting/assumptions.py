"""Sensitivity maps of the assumptions stage: claims reproduced over two unknowns.

The panels and their marks; each paper's ``figures.sensitivity_map`` lays them
out over its own unknowns.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from matplotlib.colors import BoundaryNorm

LABELS = {
    "snr_db": "per-sample SNR [dB]",
    "main_lobe_radius": r"main-lobe radius of $\Omega$ [m]",
    "region_scale": r"region $\mathcal{R}$ scale about the UE [-]",
    "num_transmissions": "transmissions $G$ [-]",
    "cfo_std": r"residual CFO std $\sigma_\epsilon$ [$\Delta f$]",
    "pa_beta3": r"PA cubic coefficient Re $\beta_3$ [V$^{-2}$]",
    "clip_voltage": r"PA clipping voltage $V_\mathrm{clip}$ [V]",
}


def panel(ax, counts: xr.DataArray, misfit: xr.DataArray, xdim, ydim, marks, top, fig):
    """One map: claims reproduced (colour, 0..top) and RMS misfit (contours)."""
    x, y = counts[xdim].values, counts[ydim].values
    c = counts.transpose(ydim, xdim).values.astype(float)
    norm = BoundaryNorm(np.arange(-0.5, top + 1.5), 256)
    cmap = plt.get_cmap("viridis").with_extremes(bad="0.8")  # NaN: a point the fit does not admit
    mesh = ax.pcolormesh(x, y, np.ma.masked_invalid(c), shading="nearest", cmap=cmap, norm=norm)
    m = np.ma.masked_invalid(misfit.transpose(ydim, xdim).values)
    if m.count() and np.ptp(m.compressed()) > 0 and min(m.shape) > 1:
        lines = ax.contour(x, y, m, levels=4, colors="w", linewidths=0.6)
        ax.clabel(lines, fontsize=6, fmt="%.2f")
    for (px, py), style, label in marks:
        ax.plot(px, py, style, ms=9, mew=1.5, label=label)
    ax.set_xlabel(LABELS.get(xdim, xdim))
    ax.set_ylabel(LABELS.get(ydim, ydim))
    if xdim in ("num_transmissions", "region_scale"):
        ax.set_xscale("log")
        # every scanned value when few, else the 1-2-5 ones among them (labels that do not collide)
        mantissa = x / 10.0 ** np.floor(np.log10(x))
        ticks = x if x.size <= 8 else x[np.isclose(mantissa[:, None], [1, 2, 5]).any(axis=1)]
        ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
        ax.minorticks_off()
    fig.colorbar(mesh, ax=ax, label="claims reproduced", ticks=range(0, top + 1))


def map_extent(ds: xr.Dataset) -> tuple[int, dict]:
    """(colour-scale top: most claims reproduced plus one, {unknown: shipped default})."""
    top = int(max(int(ds["num_reproduced"].max()), int(ds["default_num_reproduced"]))) + 1
    default = {k[len("default_") :]: v for k, v in ds.attrs.items() if k.startswith("default_")}
    return top, default


def map_title(fig, ds: xr.Dataset, result: dict, paper: str) -> None:
    """The map's title: claims reproduced at the fit and at the shipped defaults."""
    fig.suptitle(
        f"{paper}: claims reproduced (of {ds.sizes['row']}) over the unknowns; "
        f"fit {result['num_reproduced']}, shipped defaults {int(ds['default_num_reproduced'])}"
    )
