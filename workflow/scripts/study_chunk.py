"""Parameter study: one chunk of table rows.

Params: name, rows (typed records, each with its table index under '_row'), entry (the
study's config, without table and chunk_rows), cfg (the paper config values its kind
reads), key (the study key). Outputs: chunk (NetCDF,
the rows along dimension 'row').
"""

import hwiloc.job  # noqa: F401 (first: a local run's job server runs this job warm)

import time

import pandas as pd

from hwiloc.io.netcdf import write_dataset
from hwiloc.runlog import job_logger
from hwiloc.studies.parameter_studies import chunk_dataset

log = job_logger(snakemake, "study_chunk")
p = snakemake.params
rows = pd.DataFrame(p.rows).set_index("_row").rename_axis(None)
start = time.perf_counter()
ds = chunk_dataset(p.name, p.entry["kind"], rows, p.entry, p.cfg, snakemake.wildcards.chunk,
                   p.key)  # fmt: skip
physics = time.perf_counter() - start
write_dataset(ds, snakemake.output.chunk)
log.info("%s: %d row(s) in %.3f s (%.2f ms per row)", p.name, len(rows), physics,
         1e3 * physics / len(rows))  # fmt: skip
