"""Figures: one function per paper figure, datasets in, Figure out."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from hwiloc.io.atomic import atomic_path

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 200,
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 9,
    "legend.fontsize": 8,
}


def new_figure(*args, **kwargs):
    """``plt.subplots`` under the house style, constrained layout."""
    with plt.rc_context(STYLE):
        return plt.subplots(*args, layout="constrained", **kwargs)


def image(ax, x, y, values, **kwargs):
    """A raster image of values [len(y), len(x)] on a uniform grid, cells centred on x, y. [m]

    ``imshow`` draws one raster however many cells (a ``pcolormesh`` of the
    paper's 123k-point SAF grid costs tens of seconds and megabytes in a PDF).
    """
    import numpy as np

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dx = (x[-1] - x[0]) / (len(x) - 1) if len(x) > 1 else 1.0
    dy = (y[-1] - y[0]) / (len(y) - 1) if len(y) > 1 else 1.0
    if not (np.allclose(np.diff(x), dx, rtol=1e-6) and np.allclose(np.diff(y), dy, rtol=1e-6)):
        raise ValueError("image() needs uniformly spaced x and y")
    extent = (x[0] - dx / 2, x[-1] + dx / 2, y[0] - dy / 2, y[-1] + dy / 2)
    return ax.imshow(values, origin="lower", extent=extent, interpolation="nearest", **kwargs)


RASTER_FORMATS = ("png", "jpg", "jpeg", "tif", "tiff", "webp")


def save_figure(fig, *paths: str | os.PathLike) -> None:
    """Save ``fig`` to each path (format from the suffix), atomically, then close it.

    The layout (constrained) is computed once, by the first save, and kept for the
    others: it costs as much as drawing (0.19 of 0.55 s for a figure of three panels).
    Rasters are saved first, so that they are laid out at their own resolution, as if
    saved alone; a vector format (PDF) takes that layout, which differs from its own by
    less than a pixel of the raster.
    """
    paths = sorted(map(Path, paths), key=lambda p: p.suffix.lstrip(".").lower()
                   not in RASTER_FORMATS)  # fmt: skip
    for i, path in enumerate(paths):
        with atomic_path(path) as tmp, plt.rc_context(STYLE):
            fig.savefig(tmp, format=path.suffix.lstrip("."))
        if i == 0:
            fig.set_layout_engine("none")  # the positions stay where the layout put them
    plt.close(fig)
