"""Figs. 4-6 (zhang2025): SAF image with x- and y-cuts at the sensed location.

Inputs: saf (NetCDF); sweep (Fig. 7's sweep of the case's offset type), for a case with
offsets. Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.zhang2025.figures import fig_saf
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_saf_figure")
sweep = read_dataset(snakemake.input.sweep) if "sweep" in snakemake.input.keys() else None
save_figure(fig_saf(read_dataset(snakemake.input.saf), sweep=sweep), snakemake.output.pdf,
            snakemake.output.png)  # fmt: skip
log.info("wrote %s", snakemake.output.pdf)
