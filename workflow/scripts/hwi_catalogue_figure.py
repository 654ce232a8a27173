"""hwi_catalogue: one impairment's figure (LB and CRB-M1 over CRB-M2 vs its level).

Inputs: sweep. Outputs: pdf, png.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger
from hwiloc.studies.figures import hwi_catalogue

log = job_logger(snakemake.log[0], "hwi_catalogue_figure")
save_figure(hwi_catalogue(read_dataset(snakemake.input.sweep)), snakemake.output.pdf,
            snakemake.output.png)  # fmt: skip
log.info("wrote %s", snakemake.output.png)
