"""
Run a parameter study and load it
=================================

A parameter study is a table of cases, one row each, that the pipeline runs as
one job per row and gathers into one table (guide "Run a study and load it in a
notebook"). One case is a function call, so a notebook can run a few rows
itself: here the ``zhang2025_wideband`` kind, the CRLB penalty and PMSR loss of
frequency offsets at three bandwidths, K fixed. The table is written inline
(the pipeline reads it from a TSV file); each case is written and read back as
the pipeline's ``case.nc`` files are, then gathered as its ``wideband.csv``.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from hwiloc.config import default_config
from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.studies.parameter_studies import case_dataset, gather_cases

cfg = default_config(profile="quick")  # the shipped config: the study reads its zhang2025 section
entry = {"kind": "zhang2025_wideband", "num_realizations": 2, "seed": 11}  # the study's entry
table = pd.DataFrame({"bandwidth_hz": [18e6, 100e6, 400e6], "offset_std": np.pi / 4})

folder = Path(tempfile.mkdtemp())
for i, row in enumerate(table.to_dict("records")):  # what the pipeline runs as one job per row
    write_dataset(case_dataset("wideband", entry["kind"], row, entry, cfg), folder / f"{i}.nc")

# %%
# Load the cases as a notebook loads ``results/studies/wideband/.../case.nc``, and
# gather them into one table:
cases = [read_dataset(path) for path in sorted(folder.glob("*.nc"))]
results = gather_cases(cases).sort_values("bandwidth_hz")
print(results[["bandwidth_hz", "offset_std", "crlb_ratio", "pmsr_loss_db"]])

fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
ax.semilogx(results["bandwidth_hz"] / 1e6, results["pmsr_loss_db"], "s-", color="C1")
ax.set_xlabel("bandwidth [MHz] (K fixed)")
ax.set_ylabel("PMSR loss [dB]")
