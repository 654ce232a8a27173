"""chen2022: the MLE's and the MMLE's RMSE predicted by interval errors at every power of
Fig. 2 (hwiloc.papers.chen2022.global_accuracy).

Inputs: realization, bounds. Params: cfg. Outputs: predicted (rmse, local_bound,
sidelobe_probability [estimator, power], threshold [estimator]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.chen2022.global_accuracy import predicted_dataset
from hwiloc.papers.chen2022.stages import hardware_from_dataset
from hwiloc.papers.chen2022.system import System
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_global_accuracy")
cfg = snakemake.params.cfg
hardware = hardware_from_dataset(read_dataset(snakemake.input.realization))
ds = predicted_dataset(System.from_config(cfg), hardware, read_dataset(snakemake.input.bounds),
                       cfg["montecarlo"], cfg)  # fmt: skip
write_dataset(ds, snakemake.output.predicted)
log.info("predicted thresholds %s dBm; wrote %s", ds["threshold"].values.tolist(),
         snakemake.output.predicted)  # fmt: skip
