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


def save_figure(fig, *paths: str | os.PathLike) -> None:
    """Save ``fig`` to each path (format from the suffix), atomically, then close it."""
    for path in map(Path, paths):
        with atomic_path(path) as tmp, plt.rc_context(STYLE):
            fig.savefig(tmp, format=path.suffix.lstrip("."))
    plt.close(fig)
