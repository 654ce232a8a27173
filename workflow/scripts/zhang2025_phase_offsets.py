"""Stage 2 (zhang2025): one seeded phase-offset realization, eq. (2).

Inputs: scenario. Wildcards: offset_type, offset_std [rad], seed. Params: cfg.
Outputs: offsets (phase_offset [antenna, subcarrier]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.zhang2025.stages import offsets_dataset, scenario_from_dataset
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_phase_offsets")
scenario = scenario_from_dataset(read_dataset(snakemake.input.scenario))
w = snakemake.wildcards
ds = offsets_dataset(
    scenario, w.offset_type, float(w.offset_std), int(w.seed), snakemake.params.cfg
)
write_dataset(ds, snakemake.output.offsets)
log.info("wrote %s", snakemake.output.offsets)
