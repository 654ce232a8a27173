"""
Run a parameter study case
==========================

A parameter study is a table of cases (one TSV row each) that the pipeline runs
as one job per row (README "Parameter studies"). One case is a function call:
here the ``zhang2025_wideband`` kind, the CRLB penalty and PMSR loss of
frequency offsets at three bandwidths, K fixed, as
``results/studies/wideband/`` holds them for the shipped table.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import hwiloc
from hwiloc.config import load_config
from hwiloc.studies.parameter_studies import case_dataset

root = Path(hwiloc.__file__).resolve().parents[2]
cfg = load_config(root / "config" / "config.yaml", root / "config" / "quick.yaml")
entry = {**cfg["studies"]["wideband"], "num_realizations": 2}
rows = [{"bandwidth_hz": b, "offset_std": np.pi / 4} for b in (18e6, 100e6, 400e6)]
cases = [case_dataset("wideband", "zhang2025_wideband", row, entry, cfg) for row in rows]
for row, ds in zip(rows, cases, strict=True):
    print(f"{row['bandwidth_hz'] / 1e6:>5.0f} MHz: CRLB ratio {float(ds['crlb_ratio']):.4g}, "
          f"PMSR loss {float(ds['pmsr_loss_db']):.2f} dB")

fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
ax.semilogx([r["bandwidth_hz"] / 1e6 for r in rows], [float(d["pmsr_loss_db"]) for d in cases],
            "s-", color="C1")
ax.set_xlabel("bandwidth [MHz] (K fixed)")
ax.set_ylabel("PMSR loss [dB]")
