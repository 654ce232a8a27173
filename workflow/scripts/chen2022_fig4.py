"""chen2022 Fig. 4: PEB (LB) vs the level of PN, CFO and MC, each alone, for several powers.

Inputs: sweep_pn, sweep_cfo, sweep_mc. Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.chen2022.figures import fig4
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "chen2022_fig4")
i = snakemake.input
sweeps = {k: read_dataset(i[f"sweep_{k}"]) for k in ("pn", "cfo", "mc")}
save_figure(fig4(sweeps), snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
