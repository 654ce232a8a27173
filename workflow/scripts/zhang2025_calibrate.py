"""Measured stage (zhang2025): estimate the phase offsets, eqs. (19)-(23).

Inputs: capture (the calibration capture). Params: cfg, name.
Outputs: calibration (frequency_offset [antenna, subcarrier], spatial_offset [antenna]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import write_dataset
from hwiloc.papers.zhang2025.measured import calibration_dataset, open_capture
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_calibrate")
cfg = snakemake.params.cfg
path = snakemake.input.capture
capture = open_capture(cfg, snakemake.params.name, path, log.info)
ds = calibration_dataset(capture, cfg)
write_dataset(ds, snakemake.output.calibration)
log.info(
    "calibrated on %s (%d symbols): wrote %s",
    capture.source,
    ds.attrs["num_symbols"],
    snakemake.output.calibration,
)
