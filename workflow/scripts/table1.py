"""Table I of a paper: its system parameters as used, CSV and Markdown.

Inputs: none. Params: paper, cfg (the paper's config section). Outputs: csv, md.
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

import importlib

from hwiloc.reporting import write_table
from hwiloc.runlog import job_logger

paper = snakemake.params.paper
log = job_logger(snakemake, f"{paper}_table1")
module = importlib.import_module(f"hwiloc.papers.{paper}.table1")
write_table(module.table1(snakemake.params.cfg), snakemake.output.csv, snakemake.output.md,
            title=module.TITLE)  # fmt: skip
log.info("wrote %s", snakemake.output.csv)
