"""Fig. 7 (zhang2025): PMSR vs phase-offset std for both offset types.

Inputs: frequency, spatial (gathered PMSR NetCDF). Outputs: pdf, png.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.zhang2025.figures import fig7
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_fig7")
fig = fig7(read_dataset(snakemake.input.frequency), read_dataset(snakemake.input.spatial))
save_figure(fig, snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
