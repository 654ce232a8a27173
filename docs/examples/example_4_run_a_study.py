"""
Run a parameter study and load it
=================================

A parameter study is a table of cases, one row each, that the pipeline runs in
chunks of rows, one job per chunk, and gathers into one NetCDF and one table
(guide "Run a study and load it in a notebook"). A chunk is a function call, so a
notebook can run a few rows itself: here the ``zhang2025_wideband`` kind, the CRLB
penalty and PMSR loss of frequency offsets at three bandwidths, K fixed. The table
is written inline (the pipeline reads it from a TSV file) and cut into chunks as
the pipeline cuts it; each chunk is written and read back as the pipeline's
``chunk~<name>.nc`` files are, then gathered as its ``wideband.nc`` and ``.csv``.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from hwiloc.config import default_config
from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.studies.parameter_studies import chunk_dataset, gather_chunks, study_table
from hwiloc.studies.table import chunk_table

cfg = default_config(profile="quick")  # the shipped config: the study reads its zhang2025 section
entry = {"kind": "zhang2025_wideband", "num_realizations": 2, "seed": 11}  # the study's entry
table = pd.DataFrame({"bandwidth_hz": [18e6, 100e6, 400e6], "offset_std": np.pi / 4})

folder = Path(tempfile.mkdtemp())
chunks = chunk_table(table, chunk_rows=2)  # name -> rows: what the pipeline runs as one job each
for name, rows in chunks.items():
    ds = chunk_dataset("wideband", entry["kind"], rows, entry, cfg, name)
    write_dataset(ds, folder / f"chunk~{name}.nc")

# %%
# Load the chunks as a notebook loads ``results/studies/wideband/study_key~<key>/chunks/``,
# and gather them into one dataset (rows along ``row``, the table's columns as typed
# coordinates) and one table:
gathered = gather_chunks([read_dataset(folder / f"chunk~{n}.nc") for n in chunks],
                         "wideband", entry["kind"], key="notebook")  # fmt: skip
print(gathered["crlb_ratio"])
results = study_table(gathered).sort_values("bandwidth_hz")
print(results[["bandwidth_hz", "offset_std", "crlb_ratio", "pmsr_loss_db"]])

fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
ax.semilogx(results["bandwidth_hz"] / 1e6, results["pmsr_loss_db"], "s-", color="C1")
ax.set_xlabel("bandwidth [MHz] (K fixed)")
ax.set_ylabel("PMSR loss [dB]")
