"""Fig. 3 (zhang2025): CRLB RMSE vs phase-offset std, (a) frequency, (b) spatial.

Inputs: frequency, spatial (CRLB NetCDF). Outputs: fig3a_pdf/png, fig3b_pdf/png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.zhang2025.figures import fig3
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_fig3")
out = snakemake.output
save_figure(fig3(read_dataset(snakemake.input.frequency)), out.fig3a_pdf, out.fig3a_png)
save_figure(fig3(read_dataset(snakemake.input.spatial)), out.fig3b_pdf, out.fig3b_png)
log.info("wrote Fig. 3(a) and 3(b)")
