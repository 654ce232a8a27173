"""Sensitivity maps of the assumptions stage: claims reproduced over two unknowns."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.colors import BoundaryNorm

from hwiloc.plotting import new_figure

LABELS = {
    "snr_db": "per-sample SNR [dB]",
    "main_lobe_radius": r"main-lobe radius of $\Omega$ [m]",
    "region_scale": r"region $\mathcal{R}$ scale about the UE [-]",
    "num_transmissions": "transmissions $G$ [-]",
    "cfo_std": r"residual CFO std $\sigma_\epsilon$ [$\Delta f$]",
}


def _panel(ax, counts: xr.DataArray, misfit: xr.DataArray, xdim, ydim, marks, top, fig):
    """One map: claims reproduced (colour, 0..top) and RMS misfit (contours)."""
    x, y = counts[xdim].values, counts[ydim].values
    c = counts.transpose(ydim, xdim).values
    norm = BoundaryNorm(np.arange(-0.5, top + 1.5), 256)
    mesh = ax.pcolormesh(x, y, c, shading="nearest", cmap="viridis", norm=norm)
    m = misfit.transpose(ydim, xdim).values
    if np.ptp(m[np.isfinite(m)]) > 0 and min(m.shape) > 1:
        lines = ax.contour(x, y, m, levels=4, colors="w", linewidths=0.6)
        ax.clabel(lines, fontsize=6, fmt="%.2f")
    for (px, py), style, label in marks:
        ax.plot(px, py, style, ms=9, mew=1.5, label=label)
    ax.set_xlabel(LABELS.get(xdim, xdim))
    ax.set_ylabel(LABELS.get(ydim, ydim))
    if xdim == "num_transmissions":
        ax.set_xscale("log")
        ax.set_xticks(x, [f"{v:g}" for v in x])
        ax.minorticks_off()
    fig.colorbar(mesh, ax=ax, label="claims reproduced", ticks=range(0, top + 1))


def sensitivity_map(ds: xr.Dataset, result: dict, paper: str):
    """How many claims are reproduced over the two most influential unknowns.

    Shipped defaults (red +) and the fit (white x) marked; white contours give
    the RMS misfit of the claims [decades]. zhang2025: (a) SNR x Omega at the
    fitted R, (b) R x Omega at the fitted SNR. chen2022: G x CFO spread, one
    panel per CFO model.
    """
    point = result["point"]
    num_rows = ds.sizes["row"]
    top = int(max(int(ds["num_reproduced"].max()), int(ds["default_num_reproduced"]))) + 1
    default = {k[len("default_") :]: v for k, v in ds.attrs.items() if k.startswith("default_")}
    if paper == "zhang2025":
        fig, axes = new_figure(1, 2, figsize=(10.0, 3.8))
        pairs = (("snr_db", "main_lobe_radius", "region_scale"),
                 ("region_scale", "main_lobe_radius", "snr_db"))  # fmt: skip
        for ax, (xd, yd, fixed) in zip(axes, pairs, strict=True):
            sel = {fixed: point[fixed]}
            marks = [((default[xd], default[yd]), "r+", "shipped default"),
                     ((point[xd], point[yd]), "wx", "fit")]  # fmt: skip
            _panel(ax, ds["num_reproduced"].sel(sel), ds["misfit"].sel(sel), xd, yd, marks,
                   top, fig)  # fmt: skip
            ax.set_title(f"{fixed} = {point[fixed]:g} (fitted)")
        axes[0].legend(loc="upper right", fontsize=7)
    else:
        models = list(ds["cfo_model"].values)
        fig, axes = new_figure(1, len(models), figsize=(5.0 * len(models), 3.8), squeeze=False)
        for ax, model in zip(axes[0], models, strict=True):
            sel = {"cfo_model": model}
            marks = []
            if default["cfo_model"] == model:
                marks.append(((default["num_transmissions"], default["cfo_std"]), "r+",
                              "shipped default"))  # fmt: skip
            if point["cfo_model"] == model:
                marks.append(((point["num_transmissions"], point["cfo_std"]), "wx", "fit"))
            _panel(ax, ds["num_reproduced"].sel(sel), ds["misfit"].sel(sel), "num_transmissions",
                   "cfo_std", marks, top, fig)  # fmt: skip
            ax.set_title(f"CFO model: {model}")
            if marks:
                ax.legend(loc="upper right", fontsize=7)
    fig.suptitle(
        f"{paper}: claims reproduced (of {num_rows}) over the unknowns; "
        f"fit {result['num_reproduced']}, shipped defaults {int(ds['default_num_reproduced'])}"
    )
    return fig
