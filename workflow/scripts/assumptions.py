"""Assumptions stage (both papers): unknown values fitted to the claims, sensitivity map.

Inputs: claims (the paper's claims file); zhang2025 also fig4, fig5, fig6 (SAF
datasets). Params: paper, cfg (the paper's config section).
Outputs: nc, md, pdf, png.
"""

from hwiloc.claims import load_claims
from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.plotting import save_figure
from hwiloc.plotting.assumptions import sensitivity_map
from hwiloc.reporting import write_text
from hwiloc.runlog import job_logger
from hwiloc.studies import assumptions

paper = snakemake.params.paper
log = job_logger(snakemake.log[0], f"{paper}_assumptions")
claims = load_claims(snakemake.input.claims)
cfg = snakemake.params.cfg
if paper == "zhang2025":
    cases = {case: read_dataset(snakemake.input[case]) for case in ("fig4", "fig5", "fig6")}
    ds = assumptions.zhang2025_dataset(cfg, claims, cases)
else:
    ds = assumptions.chen2022_dataset(cfg, claims)
_, _, result = assumptions.tables(ds, paper)
write_dataset(ds, snakemake.output.nc)
write_text(snakemake.output.md, assumptions.report_markdown(ds, paper))
save_figure(sensitivity_map(ds, result, paper), snakemake.output.pdf, snakemake.output.png)
log.info("fit %s: %d reproduced (defaults %d)", result["point"], result["num_reproduced"],
         int(ds["default_num_reproduced"]))  # fmt: skip
