"""chen2022 Fig. 3 (a)-(d): AEB and DEB with PN, CFO, MC, PA alone.

Inputs: pn, cfo, mc, pa (gathered NetCDF). Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.chen2022.figures import fig3
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_fig3")
fig = fig3({k: read_dataset(snakemake.input[k]) for k in ("pn", "cfo", "mc", "pa")})
save_figure(fig, snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
