"""Stage 4 (zhang2025): PMSR of one shard of seeded offset realizations, Fig. 7.

Inputs: scenario. Wildcards: offset_type, shard. Params: cfg.
Outputs: shard (pmsr_db, pmsr_amplitude_db [offset_std, realization]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.zhang2025.stages import (
    pmsr_shard_dataset,
    scenario_from_dataset,
    shard_realizations,
)
from hwiloc.runlog import Progress, job_logger

log = job_logger(snakemake, "zhang2025_pmsr_shard")
cfg = snakemake.params.cfg
scenario = scenario_from_dataset(read_dataset(snakemake.input.scenario))
shard = int(snakemake.wildcards.shard)
sweep = cfg["pmsr_sweep"]
count = len(shard_realizations(sweep["num_realizations"], sweep["num_shards"], shard))
progress = Progress(log, count, "realization")
ds = pmsr_shard_dataset(
    scenario, snakemake.wildcards.offset_type, sweep, shard, cfg, progress=progress.step
)
write_dataset(ds, snakemake.output.shard)
log.info("wrote %s", snakemake.output.shard)
