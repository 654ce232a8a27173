"""Measured stage (zhang2025): emulate one testbed capture, Sec. V-A.

Inputs: none. Wildcards: capture. Params: cfg.
Outputs: capture (NetCDF: csi [antenna, subcarrier, symbol] complex64, ue_position, ...).
"""

from hwiloc.runlog import job_logger
from hwiloc.studies import zhang2025_measured

log = job_logger(snakemake.log[0], "zhang2025_emulate")
path = zhang2025_measured.emulate_capture(
    snakemake.params.cfg, snakemake.wildcards.capture, snakemake.output.capture
)
log.info("wrote %s", path)
