"""hwi_catalogue: the journal version's finding (config/claims/hwi_catalogue.yaml), graded.

Inputs: claims (the claims file), one sweep per impairment, named by it. Params:
impairments. Outputs: csv, md.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.claims import evaluate, headline, load_claims, write_claims_table
from hwiloc.io.netcdf import read_dataset
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "hwi_catalogue_claims")
sweeps = [read_dataset(snakemake.input[name]) for name in snakemake.params.impairments]
table = evaluate(load_claims(snakemake.input.claims), sweeps)
write_claims_table(table, snakemake.output.csv, snakemake.output.md, "hwi_catalogue",
                   "hwi_catalogue: the journal version's findings, graded")  # fmt: skip
log.info("%s", headline(table, "hwi_catalogue"))
