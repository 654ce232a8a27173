"""Table I (zhang2025): system parameters as used, CSV and Markdown.

Inputs: none. Params: cfg. Outputs: csv, md.
"""

from hwiloc.reporting import write_table
from hwiloc.runlog import job_logger
from hwiloc.studies import zhang2025

log = job_logger(snakemake.log[0], "zhang2025_table1")
table = zhang2025.table1(snakemake.params.cfg)
write_table(
    table,
    snakemake.output.csv,
    snakemake.output.md,
    title="Table I: massive MIMO system parameters (as used)",
)
log.info("wrote %s", snakemake.output.csv)
