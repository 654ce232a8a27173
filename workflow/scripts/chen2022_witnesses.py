"""Witnesses (chen2022): each independent qualitative row under admissible alternatives.

Inputs: none (the alternatives draw the shipped seed's hardware). Params: cfg (the chen2022
section: system, impairments, seed, power_dbm, individual, witnesses, assumptions,
montecarlo). Outputs: witnesses.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import write_dataset
from hwiloc.papers.chen2022.witnesses import witness_dataset
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_witnesses")
ds = witness_dataset(dict(snakemake.params.cfg), log.info)
write_dataset(ds, snakemake.output.witnesses)
log.info("wrote %s: %d alternatives", snakemake.output.witnesses, ds.sizes["case"])
