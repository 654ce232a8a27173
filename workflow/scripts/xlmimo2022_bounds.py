"""xlmimo2022: CRB of the far- and near-field models and LB of the far-field estimator vs power.

Params: cfg (config section xlmimo2022). Outputs: bounds (NetCDF), csv (bounds.csv:
power_dbm, aeb_crb_ff_deg, peb_crb_ff_m, peb_crb_nf_m, peb_lb_m).
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.atomic import atomic_path
from hwiloc.io.netcdf import write_dataset
from hwiloc.papers.xlmimo2022.stages import bounds_dataset, bounds_table
from hwiloc.papers.xlmimo2022.system import Scenario, power_grid
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "xlmimo2022_bounds")
cfg = snakemake.params.cfg
scenario = Scenario.from_config(cfg)
ds = bounds_dataset(scenario, power_grid(cfg["power_dbm"]), cfg)
write_dataset(ds, snakemake.output.bounds)
with atomic_path(snakemake.output.csv) as tmp:
    bounds_table(ds).to_csv(tmp, index=False, float_format="%.12g")
converged, ratio = int(ds["converged"].sum()), float(ds["gradient_term_ratio"].max())
log.info("pseudo-true search converged at %d of %d powers; largest gradient-term ratio %.2g",
         converged, ds.sizes["power_dbm"], ratio)  # fmt: skip
log.info("wrote %s and %s", snakemake.output.bounds, snakemake.output.csv)
