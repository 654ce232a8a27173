"""chen2022 Fig. 2: position RMSE of MLE and MMLE vs power, with LB, CRB-M1, CRB-M2.

Inputs: bounds, montecarlo, draws (Fig. 2's bounds over hardware draws), predicted (the
estimators' RMSE by interval errors). Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.chen2022.figures import fig2
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_fig2")
i = snakemake.input
fig = fig2(read_dataset(i.bounds), read_dataset(i.montecarlo), read_dataset(i.draws),
           read_dataset(i.predicted))  # fmt: skip
save_figure(fig, snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
