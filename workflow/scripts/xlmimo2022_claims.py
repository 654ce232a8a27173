"""xlmimo2022 claims: every claim of config/claims/xlmimo2022.yaml (the curves of Fig. 1
against the authors' data) computed by id and graded.

Inputs: claims (the claims file), bounds, montecarlo, reference (the authors' Fig. 1 data),
predicted (the estimators' RMSE by interval errors).
Outputs: csv, md.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.claims import evaluate, headline, load_claims, write_claims_table
from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.xlmimo2022.claims import ClaimInputs, read_reference
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "xlmimo2022_claims")
inputs = ClaimInputs(
    bounds=read_dataset(snakemake.input.bounds),
    reference=read_reference(snakemake.input.reference),
    montecarlo=read_dataset(snakemake.input.montecarlo),
    predicted=read_dataset(snakemake.input.predicted),
)
table = evaluate(load_claims(snakemake.input.claims), inputs)
title = "xlmimo2022: Fig. 1's curves against the authors' data, graded"
write_claims_table(table, snakemake.output.csv, snakemake.output.md, "xlmimo2022", title)
log.info("%s", headline(table, "xlmimo2022"))
