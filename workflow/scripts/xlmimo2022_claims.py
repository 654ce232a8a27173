"""xlmimo2022 claims: every claim of config/claims/xlmimo2022.yaml (the authors' Fig. 1 data)
computed by id and graded.

Inputs: claims (the claims file), bounds. Outputs: csv, md.
"""

from hwiloc.claims import evaluate, headline, load_claims, write_claims_table
from hwiloc.io.netcdf import read_dataset
from hwiloc.runlog import job_logger

log = job_logger(snakemake.log[0], "xlmimo2022_claims")
table = evaluate(load_claims(snakemake.input.claims), read_dataset(snakemake.input.bounds))
title = "xlmimo2022: the authors' Fig. 1 data beside the reproduced values, graded"
write_claims_table(table, snakemake.output.csv, snakemake.output.md, "xlmimo2022", title)
log.info("%s", headline(table, "xlmimo2022"))
