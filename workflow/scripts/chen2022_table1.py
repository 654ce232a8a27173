"""chen2022 Table I as used (ASSUMED values marked), CSV and Markdown.

Params: cfg. Outputs: csv, md.
"""

from hwiloc.reporting import write_table
from hwiloc.runlog import job_logger
from hwiloc.studies import chen2022

log = job_logger(snakemake.log[0], "chen2022_table1")
write_table(chen2022.table1(snakemake.params.cfg), snakemake.output.csv, snakemake.output.md,
            title="chen2022 Table I: simulation parameters (as used)")  # fmt: skip
log.info("wrote %s", snakemake.output.csv)
