"""Fig. 7 (zhang2025): PMSR vs phase-offset std for both offset types, with the paper's values.

Inputs: frequency, spatial (gathered PMSR NetCDF), claims (the claims file: the paper's Figs.
4-6 values). Params: pmsr_form (the graded form of eq. (18)). Outputs: pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

from hwiloc.claims import load_claims
from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.zhang2025.figures import fig7
from hwiloc.plotting import save_figure
from hwiloc.runlog import job_logger

log = job_logger(snakemake, "zhang2025_fig7")
claims = load_claims(snakemake.input.claims)
stated = {c: claims.by_id(f"pmsr_{c}").stated for c in ("fig4", "fig5", "fig6")}
fig = fig7(read_dataset(snakemake.input.frequency), read_dataset(snakemake.input.spatial),
           stated, snakemake.params.pmsr_form)  # fmt: skip
save_figure(fig, snakemake.output.pdf, snakemake.output.png)
log.info("wrote %s", snakemake.output.pdf)
