"""Measured stage (zhang2025): localize a capture raw, after frequency and after both.

Inputs: capture, calibration. Wildcards: capture. Params: cfg.
Outputs: evaluation (estimate, error, pmsr_db [stage, snapshot], saf images).
"""

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.runlog import Progress, job_logger
from hwiloc.studies import zhang2025_measured

log = job_logger(snakemake.log[0], "zhang2025_evaluate")
cfg = snakemake.params.cfg
path = snakemake.input.capture
capture = zhang2025_measured.open_capture(cfg, snakemake.wildcards.capture, path, log.info)
snapshots = zhang2025_measured.snapshot_indices(
    zhang2025_measured.num_symbols_used(cfg, capture), cfg["measured"]["num_snapshots"]
)
progress = Progress(log, 3 * len(snapshots), "image")
ds = zhang2025_measured.evaluation_dataset(
    capture, read_dataset(snakemake.input.calibration), cfg, progress=progress.step
)
write_dataset(ds, snakemake.output.evaluation)
log.info("wrote %s", snakemake.output.evaluation)
