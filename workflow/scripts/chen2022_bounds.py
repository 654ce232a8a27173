"""chen2022: CRB-M1, CRB-M2 and LB vs transmit power (Fig. 2), eqs. (14)-(25).

Inputs: realization. Params: cfg. Outputs: bounds (aeb, deb, peb [bound, power]).
"""

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.runlog import job_logger
from hwiloc.studies import chen2022

log = job_logger(snakemake.log[0], "chen2022_bounds")
cfg = snakemake.params.cfg
hardware = chen2022.hardware_from_dataset(read_dataset(snakemake.input.realization))
ds = chen2022.bounds_vs_power_dataset(
    chen2022.System.from_config(cfg), hardware, cfg["power_dbm"], cfg
)
write_dataset(ds, snakemake.output.bounds)
log.info("wrote %s", snakemake.output.bounds)
