"""chen2022: the seeded hardware and pilot realization behind Fig. 2.

Params: cfg (system, impairments, seed). Outputs: realization (NetCDF).
"""

from hwiloc.io.netcdf import write_dataset
from hwiloc.runlog import job_logger
from hwiloc.studies import chen2022

log = job_logger(snakemake.log[0], "chen2022_realization")
cfg = snakemake.params.cfg
ds = chen2022.realization_dataset(chen2022.System.from_config(cfg), cfg["seed"], cfg)
write_dataset(ds, snakemake.output.realization)
log.info("wrote %s (residual CFO %.4g of Delta f)", snakemake.output.realization, float(ds["cfo"]))
