"""Stage 1 (zhang2025): scenario NetCDF.

Inputs: none. Params: cfg (the zhang2025 config section).
Outputs: scenario (antenna positions, subcarrier frequencies, UE, amplitudes).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import write_dataset
from hwiloc.papers.zhang2025.stages import scenario_dataset
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_scenario")
ds = scenario_dataset(snakemake.params.cfg)
write_dataset(ds, snakemake.output.scenario)
log.info(
    "wrote %s (%d antennas, %d subcarriers)",
    snakemake.output.scenario,
    ds.sizes["antenna"],
    ds.sizes["subcarrier"],
)
