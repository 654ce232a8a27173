"""chen2022: the seeded hardware and pilot realization behind Fig. 2.

Params: cfg (system, impairments, seed). Outputs: realization (NetCDF).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import write_dataset
from hwiloc.papers.chen2022.stages import realization_dataset
from hwiloc.papers.chen2022.system import System
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_realization")
cfg = snakemake.params.cfg
ds = realization_dataset(System.from_config(cfg), cfg["seed"], cfg)
write_dataset(ds, snakemake.output.realization)
log.info("wrote %s (residual CFO %.4g of Delta f)", snakemake.output.realization, float(ds["cfo"]))
