"""Stage 3 (zhang2025): SAF image of one offset realization, eqs. (14)-(18).

Inputs: scenario, offsets. Params: cfg.
Outputs: saf (saf [y, x], pmsr_db, pmsr_amplitude_db, sensed_position).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.zhang2025.stages import saf_dataset, scenario_from_dataset
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_saf")
cfg = snakemake.params.cfg
scenario = scenario_from_dataset(read_dataset(snakemake.input.scenario))
offsets = read_dataset(snakemake.input.offsets)
case = "/".join(f"{k}~{v}" for k, v in snakemake.wildcards.items() if k != "key")
ds = saf_dataset(scenario, offsets, cfg["saf"], case, cfg)
write_dataset(ds, snakemake.output.saf)
log.info(
    "wrote %s: PMSR %.2f dB (eq. 18), %.2f dB (amplitude form)",
    snakemake.output.saf,
    float(ds["pmsr_db"]),
    float(ds["pmsr_amplitude_db"]),
)
