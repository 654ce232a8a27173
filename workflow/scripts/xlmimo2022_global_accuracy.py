"""xlmimo2022: the MMLE's and the MLE's position RMSE predicted by interval errors at every
power of Fig. 1 (hwiloc.papers.xlmimo2022.global_accuracy).

Inputs: bounds. Params: cfg (system, true_model, power_dbm; coarse: the estimators' window).
Outputs: predicted (rmse, local_bound, sidelobe_probability [estimator, power_dbm],
threshold [estimator]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.xlmimo2022.global_accuracy import predicted_dataset
from hwiloc.papers.xlmimo2022.system import Scenario
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "xlmimo2022_global_accuracy")
cfg = snakemake.params.cfg
ds = predicted_dataset(Scenario.from_config(cfg), read_dataset(snakemake.input.bounds),
                       cfg["coarse"], cfg)  # fmt: skip
write_dataset(ds, snakemake.output.predicted)
log.info("predicted thresholds %s dBm; wrote %s", ds["threshold"].values.tolist(),
         snakemake.output.predicted)  # fmt: skip
