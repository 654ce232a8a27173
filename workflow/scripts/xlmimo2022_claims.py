"""xlmimo2022 claims: the authors' published Fig. 1 data beside our bounds.

Inputs: bounds. Outputs: csv, md.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.reporting import claims_frame, write_table
from hwiloc.runlog import job_logger
from hwiloc.studies import xlmimo2022

log = job_logger(snakemake.log[0], "xlmimo2022_claims")
table = claims_frame(xlmimo2022.claims(read_dataset(snakemake.input.bounds)))
write_table(table, snakemake.output.csv, snakemake.output.md,
            title="xlmimo2022: the authors' Fig. 1 data beside the reproduced values")  # fmt: skip
log.info("%d of %d claims hold", int(table["holds"].sum()), len(table))
