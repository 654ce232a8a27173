"""Parameter study: gather the cases into one table (CSV) and one figure.

Inputs: cases. Params: name, kind. Outputs: pdf, png, csv, md.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.plotting import save_figure
from hwiloc.reporting import write_table
from hwiloc.runlog import job_logger
from hwiloc.studies.figures import FIGURES
from hwiloc.studies.parameter_studies import gather_cases

log = job_logger(snakemake, "study_figure")
table = gather_cases([read_dataset(p) for p in snakemake.input.cases])
write_table(table, snakemake.output.csv, snakemake.output.md,
            title=f"parameter study {snakemake.params.name}")  # fmt: skip
save_figure(FIGURES[snakemake.params.kind](table, snakemake.params.name), snakemake.output.pdf,
            snakemake.output.png)  # fmt: skip
log.info("%d cases: wrote %s", len(table), snakemake.output.png)
