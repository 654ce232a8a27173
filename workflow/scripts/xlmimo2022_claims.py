"""xlmimo2022 claims: every claim of config/claims/xlmimo2022.yaml (the authors' Fig. 1 data)
computed by id and graded.

Inputs: claims (the claims file), bounds. Outputs: csv, md.
"""

from hwiloc.claims import evaluate, load_claims, verdict_counts
from hwiloc.io.netcdf import read_dataset
from hwiloc.reporting import write_table
from hwiloc.runlog import job_logger

log = job_logger(snakemake.log[0], "xlmimo2022_claims")
table = evaluate(load_claims(snakemake.input.claims), read_dataset(snakemake.input.bounds))
write_table(
    table,
    snakemake.output.csv,
    snakemake.output.md,
    title="xlmimo2022: the authors' Fig. 1 data beside the reproduced values, graded",
)
# fmt: skip
log.info("verdicts: %s", verdict_counts(table))
