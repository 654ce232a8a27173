"""Stage 3 (zhang2025): CRLB RMSE vs sigma and N, eqs. (4)-(13), Fig. 3.

Inputs: scenario. Wildcards: offset_type. Params: cfg.
Outputs: crlb (crlb_rmse [num_antennas, offset_std], crlb_rmse_ideal [num_antennas]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.zhang2025.stages import crlb_dataset, scenario_from_dataset
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_crlb")
cfg = snakemake.params.cfg
scenario = scenario_from_dataset(read_dataset(snakemake.input.scenario))
ds = crlb_dataset(scenario, snakemake.wildcards.offset_type, cfg["crlb"], cfg)
write_dataset(ds, snakemake.output.crlb)
log.info("wrote %s", snakemake.output.crlb)
