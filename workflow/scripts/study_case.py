"""Parameter study: one case (one TSV row).

Params: name, row (typed values), entry (the study's config), cfg (paper config).
Outputs: case (NetCDF of the case's results, row values in attrs).
"""

from hwiloc.io.netcdf import write_dataset
from hwiloc.runlog import job_logger
from hwiloc.studies.parameter_studies import case_dataset

log = job_logger(snakemake, "study_case")
p = snakemake.params
ds = case_dataset(p.name, p.entry["kind"], dict(p.row), p.entry, p.cfg)
write_dataset(ds, snakemake.output.case)
log.info("%s %s: %s", p.name, dict(p.row), {k: ds[k].values.item() for k in ds.data_vars})
