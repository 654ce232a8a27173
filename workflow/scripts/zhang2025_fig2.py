"""Fig. 2 (zhang2025): histograms of the estimated offsets, fitted Gaussian and uniform.

Inputs: calibration. Params: source (measured.source: the title says 'emulated' for the
emulator). Outputs: pdf, png.
"""

from hwiloc.io.netcdf import read_dataset
from hwiloc.plotting import save_figure
from hwiloc.plotting.zhang2025 import fig2
from hwiloc.runlog import job_logger
from hwiloc.studies import zhang2025_measured

log = job_logger(snakemake.log[0], "zhang2025_fig2")
calibration = read_dataset(snakemake.input.calibration)
fit = zhang2025_measured.offsets_fit(calibration)
save_figure(fig2(calibration, fit, snakemake.params.source), snakemake.output.pdf,
            snakemake.output.png)  # fmt: skip
log.info("fitted %s; wrote %s", fit, snakemake.output.pdf)
