"""chen2022 Fig. 4: PEB (LB) vs phase-noise standard deviation for several powers.

Inputs: sweep. Outputs: pdf, png.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.chen2022.figures import fig4
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake.log[0], "chen2022_fig4")
save_figure(fig4(read_dataset(snakemake.input.sweep)), snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
