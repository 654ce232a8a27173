"""Fig. 9 (zhang2025): localization images raw / after frequency / after both, RMSE, PMSR.

Inputs: evaluations (one per capture). Params: calibration_capture, source
(measured.source: panel (a) says 'emulated' for the emulator), pmsr_form (the graded form of
eq. (18), the one the panels state). Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.zhang2025.figures import fig9
from hwiloc.papers.zhang2025.measured import summary
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_fig9")
evaluations = [read_dataset(p) for p in snakemake.input.evaluations]
own = next(ev for ev in evaluations if ev.attrs["capture"] == snakemake.params.calibration_capture)
figure = fig9(own, summary(evaluations), snakemake.params.source,
              pmsr_form=snakemake.params.pmsr_form)  # fmt: skip
save_figure(figure, snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
