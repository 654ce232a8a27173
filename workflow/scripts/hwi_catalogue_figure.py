"""hwi_catalogue: one impairment's figure (LB and CRB-M1 over CRB-M2 vs its level).

Inputs: sweep. Wildcards: impairment. Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger
from hwiloc.studies.hwi_catalogue.figures import figure

log = job_logger(snakemake, "hwi_catalogue_figure")
save_figure(figure(read_dataset(snakemake.input.sweep)), snakemake.output.pdf,
            snakemake.output.png)  # fmt: skip
log.info("wrote %s", snakemake.output.png)
