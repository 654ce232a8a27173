"""hwi_catalogue: each impairment's figure (LB and CRB-M1 over CRB-M2 vs its level).

Inputs: one sweep per impairment, named by it. Params: impairments. Outputs: pdf, png
(one each per impairment, in that order).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger
from hwiloc.studies.hwi_catalogue.figures import figure

log = job_logger(snakemake, "hwi_catalogue_figures")
for i, name in enumerate(snakemake.params.impairments):
    save_figure(figure(read_dataset(snakemake.input[name])), snakemake.output.pdf[i],
                snakemake.output.png[i])  # fmt: skip
    log.info("wrote %s", snakemake.output.png[i])
