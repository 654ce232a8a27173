"""chen2022: CRB-M1, CRB-M2 and LB vs transmit power (Fig. 2), eqs. (14)-(25).

Inputs: realization. Params: cfg. Outputs: bounds (aeb, deb, peb [bound, power]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.chen2022.stages import bounds_vs_power_dataset, hardware_from_dataset
from hwiloc.papers.chen2022.system import System
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_bounds")
cfg = snakemake.params.cfg
hardware = hardware_from_dataset(read_dataset(snakemake.input.realization))
ds = bounds_vs_power_dataset(System.from_config(cfg), hardware, cfg["power_dbm"], cfg)
write_dataset(ds, snakemake.output.bounds)
log.info("wrote %s", snakemake.output.bounds)
