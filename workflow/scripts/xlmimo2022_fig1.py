"""xlmimo2022 Fig. 1: PEB and AEB of CRB-FF, CRB-NF and the LB vs transmit power.

Inputs: bounds. Outputs: pdf, png.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.xlmimo2022.figures import fig1
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake.log[0], "xlmimo2022_fig1")
save_figure(fig1(read_dataset(snakemake.input.bounds)), snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
