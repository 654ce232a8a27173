"""Fig. 2 (zhang2025): histograms of the estimated offsets, fitted Gaussian and uniform.

Inputs: calibration. Params: source (measured.source: the title says 'emulated' for the
emulator). Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.zhang2025.figures import fig2
from hwiloc.papers.zhang2025.measured import offsets_fit
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_fig2")
calibration = read_dataset(snakemake.input.calibration)
fit = offsets_fit(calibration)
save_figure(fig2(calibration, fit, snakemake.params.source), snakemake.output.pdf,
            snakemake.output.png)  # fmt: skip
log.info("fitted %s; wrote %s", fit, snakemake.output.pdf)
