"""Assumptions stage (zhang2025, chen2022): unknown values fitted to the claims, sensitivity map.

Inputs: claims (the paper's claims file), and the datasets the paper's fit reads
(zhang2025: fig4, fig5, fig6, the phase offsets of the SAF cases). Params: paper, cfg (the
paper's config section). Outputs: nc, md, pdf, png.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

import importlib

from hwiloc.claims import load_claims
from hwiloc.claims.assumptions import report_markdown, tables
from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.plotting import save_figure
from hwiloc.reporting import write_text
from hwiloc.runlog import job_logger

paper = snakemake.params.paper
log = job_logger(snakemake, f"{paper}_assumptions")
fits = importlib.import_module(f"hwiloc.papers.{paper}.assumptions")
figures = importlib.import_module(f"hwiloc.papers.{paper}.figures")
claims = load_claims(snakemake.input.claims)
inputs = {k: read_dataset(v) for k, v in snakemake.input.items() if k != "claims"}
ds = fits.dataset(snakemake.params.cfg, claims, inputs or None)
_, _, result = tables(ds, fits.UNKNOWNS)
write_dataset(ds, snakemake.output.nc)
write_text(snakemake.output.md, report_markdown(ds, fits.UNKNOWNS))
save_figure(figures.sensitivity_map(ds, result), snakemake.output.pdf, snakemake.output.png)
log.info("fit %s: %d reproduced (defaults %d)", result["point"], result["num_reproduced"],
         int(ds["default_num_reproduced"]))  # fmt: skip
