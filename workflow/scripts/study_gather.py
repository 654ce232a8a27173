"""Parameter study: gather the chunks into one NetCDF, one table (CSV, Markdown) and a figure.

Inputs: chunks (in table order). Params: name, kind, key. Outputs: nc, pdf, png, csv, md.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.plotting import save_figure
from hwiloc.reporting import write_table
from hwiloc.runlog import job_logger
from hwiloc.studies.figures import FIGURES
from hwiloc.studies.parameter_studies import gather_chunks, study_table

log = job_logger(snakemake, "study_gather")
p = snakemake.params
ds = gather_chunks([read_dataset(c) for c in snakemake.input.chunks], p.name, p.kind, p.key)
write_dataset(ds, snakemake.output.nc)
table = study_table(ds)
write_table(table, snakemake.output.csv, snakemake.output.md,
            title=f"parameter study {p.name} ({p.key})")  # fmt: skip
save_figure(FIGURES[p.kind](table, p.name), snakemake.output.pdf, snakemake.output.png)
log.info("%d rows from %d chunk(s): wrote %s", len(table), len(snakemake.input.chunks),
         snakemake.output.png)  # fmt: skip
