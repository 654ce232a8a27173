"""Measured stage (zhang2025): localize a capture raw, after frequency and after both.

Inputs: capture, calibration. Wildcards: capture. Params: cfg.
Outputs: evaluation (estimate, error, pmsr_db [stage, snapshot], saf images).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.zhang2025.measured import (
    evaluation_dataset,
    num_symbols_used,
    open_capture,
    snapshot_indices,
)
from hwiloc.runlog import Progress, job_logger

log = job_logger(snakemake, "zhang2025_evaluate")
cfg = snakemake.params.cfg
path = snakemake.input.capture
capture = open_capture(cfg, snakemake.wildcards.capture, path, log.info)
snapshots = snapshot_indices(num_symbols_used(cfg, capture), cfg["measured"]["num_snapshots"])
progress = Progress(log, 3 * len(snapshots), "image")
ds = evaluation_dataset(
    capture, read_dataset(snakemake.input.calibration), cfg, progress=progress.step
)
write_dataset(ds, snakemake.output.evaluation)
log.info("wrote %s", snakemake.output.evaluation)
