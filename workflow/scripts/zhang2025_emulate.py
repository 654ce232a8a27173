"""Measured stage (zhang2025): emulate one testbed capture, Sec. V-A.

Inputs: none. Wildcards: capture. Params: cfg.
Outputs: capture (NetCDF: csi [antenna, subcarrier, symbol] complex64, ue_position, ...).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.papers.zhang2025.measured import emulate_capture
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_emulate")
path = emulate_capture(snakemake.params.cfg, snakemake.wildcards.capture, snakemake.output.capture)
log.info("wrote %s", path)
