"""Stage 4 gather (zhang2025): merge the PMSR shards of one offset type.

Inputs: shards (list). Params: cfg.
Outputs: pmsr (pmsr_db, pmsr_amplitude_db [offset_std, realization]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.zhang2025.stages import gather_shards
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_pmsr_gather")
ds = gather_shards([read_dataset(p) for p in snakemake.input.shards], snakemake.params.cfg)
write_dataset(ds, snakemake.output.pmsr)
log.info(
    "gathered %d shards into %s (%d realizations)",
    len(snakemake.input.shards),
    snakemake.output.pmsr,
    ds.sizes["realization"],
)
