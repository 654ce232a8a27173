"""xlmimo2022: Fig. 1's MMLE and MLE over one shard of the noise trials, every power.

Wildcards: shard. Params: cfg (config section xlmimo2022). Outputs: shard (NetCDF).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import write_dataset
from hwiloc.papers.xlmimo2022.stages import montecarlo_shard_dataset
from hwiloc.papers.xlmimo2022.system import Scenario, power_grid
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "xlmimo2022_montecarlo")
cfg = snakemake.params.cfg
mc, shard = cfg["montecarlo"], int(snakemake.wildcards.shard)
ds = montecarlo_shard_dataset(Scenario.from_config(cfg), power_grid(cfg["power_dbm"]), mc, shard,
                              int(mc["seed"]), cfg)  # fmt: skip
write_dataset(ds, snakemake.output.shard)
log.info("wrote %s (%d trials x %d powers)", snakemake.output.shard, ds.sizes["trial"],
         ds.sizes["power_dbm"])  # fmt: skip
