"""hwi_catalogue: one impairment's sweep of CRB-M1, CRB-M2 and the LB.

Inputs: realization (chen2022's Fig. 2 draw). Params: cfg. Outputs: sweep
(peb, aeb, deb [bound, level, realization, power]).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.papers.chen2022.stages import hardware_from_dataset
from hwiloc.papers.chen2022.system import System
from hwiloc.runlog import job_logger
from hwiloc.studies.hwi_catalogue import sweep_dataset

log = job_logger(snakemake, "hwi_catalogue_sweep")
cfg = snakemake.params.cfg
study = cfg["hwi_catalogue"]
hardware = hardware_from_dataset(read_dataset(snakemake.input.realization))
ds = sweep_dataset(System.from_config(cfg["chen2022"]), hardware, study["impairment"],
                   study["entry"], study, cfg)  # fmt: skip
write_dataset(ds, snakemake.output.sweep)
log.info("wrote %s", snakemake.output.sweep)
