"""Figs. 4-6 (zhang2025): SAF image with x- and y-cuts at the sensed location.

Inputs: saf (NetCDF). Outputs: pdf, png.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.zhang2025.figures import fig_saf
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake.log[0], "zhang2025_saf_figure")
save_figure(fig_saf(read_dataset(snakemake.input.saf)), snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
