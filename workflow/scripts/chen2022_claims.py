"""chen2022 claims: each claim of the spec (Figs. 2-4) beside the measured value.

Inputs: bounds, montecarlo, sweep, pn, cfo, mc, pa. Outputs: csv, md.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.reporting import claims_frame, write_table
from hwiloc.runlog import job_logger
from hwiloc.studies import chen2022

log = job_logger(snakemake.log[0], "chen2022_claims")
i = snakemake.input
table = claims_frame(
    chen2022.claims(
        read_dataset(i.bounds),
        read_dataset(i.montecarlo),
        {k: read_dataset(i[k]) for k in ("pn", "cfo", "mc", "pa")},
        read_dataset(i.sweep),
    )
)
write_table(table, snakemake.output.csv, snakemake.output.md,
            title="chen2022: claims beside the reproduced values")  # fmt: skip
log.info("%d of %d claims hold", int(table["holds"].sum()), len(table))
