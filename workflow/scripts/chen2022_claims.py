"""Claims (chen2022): every claim of config/claims/chen2022.yaml computed by id and graded.

Inputs: claims (the claims file), bounds, montecarlo, sweep, pn, cfo, mc, pa.
Outputs: csv, md.
"""

from hwiloc.claims import evaluate, load_claims, verdict_counts
from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.chen2022.claims import ClaimInputs
from hwiloc.reporting import write_table
from hwiloc.runlog import job_logger

log = job_logger(snakemake.log[0], "chen2022_claims")
i = snakemake.input
inputs = ClaimInputs(
    bounds=read_dataset(i.bounds),
    montecarlo=read_dataset(i.montecarlo),
    individual={k: read_dataset(i[k]) for k in ("pn", "cfo", "mc", "pa")},
    sweep=read_dataset(i.sweep),
)
table = evaluate(load_claims(i.claims), inputs)
write_table(table, snakemake.output.csv, snakemake.output.md,
            title="chen2022: claims of the paper, graded")  # fmt: skip
log.info("verdicts: %s", verdict_counts(table))
