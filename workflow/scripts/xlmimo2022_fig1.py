"""xlmimo2022 Fig. 1: bounds, MMLE and MLE vs transmit power, with the authors' data.

Inputs: bounds, montecarlo, reference (the authors' Fig. 1 data), predicted (the estimators'
RMSE by interval errors). Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.xlmimo2022.claims import read_reference
from hwiloc.papers.xlmimo2022.figures import fig1
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "xlmimo2022_fig1")
figure = fig1(read_dataset(snakemake.input.bounds), read_dataset(snakemake.input.montecarlo),
              read_reference(snakemake.input.reference),
              read_dataset(snakemake.input.predicted))  # fmt: skip
save_figure(figure, snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
