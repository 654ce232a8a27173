"""hwi_catalogue: the tolerance of every impairment at every power, ranked.

Inputs: one sweep per impairment. Outputs: csv, md.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.reporting import write_table
from hwiloc.runlog import job_logger
from hwiloc.studies.hwi_catalogue import TABLE_PREAMBLE, ranking_table

log = job_logger(snakemake, "hwi_catalogue_table")
table = ranking_table([read_dataset(p) for p in snakemake.input])
write_table(table, snakemake.output.csv, snakemake.output.md,
            title="hwi_catalogue: tolerances (3 dB of PEB) and ranking",
            preamble=TABLE_PREAMBLE)  # fmt: skip
log.info("%d rows: wrote %s", len(table), snakemake.output.md)
