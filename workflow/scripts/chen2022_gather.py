"""chen2022: merge the shards of one experiment.

Inputs: shards. Wildcards: experiment. Params: cfg. Outputs: gathered (NetCDF).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.chen2022.stages import gather
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_gather")
experiment = snakemake.wildcards.experiment
dim = "trial" if experiment == "montecarlo" else "realization"
ds = gather(
    [read_dataset(p) for p in snakemake.input.shards], dim,
    f"chen2022 {experiment} ({snakemake.wildcards.ckey})", "gather", "Figs. 2-4",
    snakemake.params.cfg,
)  # fmt: skip
write_dataset(ds, snakemake.output.gathered)
log.info("gathered %d shards into %s", len(snakemake.input.shards), snakemake.output.gathered)
