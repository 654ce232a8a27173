"""xlmimo2022: merge the Monte Carlo shards; the RMSE per estimator and power.

Inputs: shards. Params: cfg. Outputs: gathered (NetCDF).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.xlmimo2022.stages import gather_montecarlo
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "xlmimo2022_montecarlo_gather")
ds = gather_montecarlo([read_dataset(p) for p in snakemake.input.shards], snakemake.params.cfg)
write_dataset(ds, snakemake.output.gathered)
log.info("gathered %d shards into %s", len(snakemake.input.shards), snakemake.output.gathered)
