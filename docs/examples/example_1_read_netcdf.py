"""
Read a NetCDF result
====================

Every intermediate of the pipeline is a self-describing NetCDF file: named
dimensions with coordinates, ``units`` and ``long_name`` on every variable, and
the config values that produced it. This example computes the zhang2025 CRLB
under frequency offsets (what the rule ``zhang2025_crlb`` writes to
``results/zhang2025/crlb/.../crlb.nc``), writes it with the pipeline's writer and
reads it back as a user would. The config is the one the package ships
(:func:`hwiloc.config.default_config`), so the example runs from any install.
"""

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from hwiloc.config import default_config
from hwiloc.io.netcdf import config_of, read_dataset, write_dataset
from hwiloc.papers.zhang2025.stages import crlb_dataset
from hwiloc.papers.zhang2025.system import Scenario

cfg = default_config(profile="paper")["zhang2025"]  # the paper profile's zhang2025 section
path = Path(tempfile.mkdtemp()) / "crlb.nc"
ds = crlb_dataset(Scenario.from_config(cfg), "frequency", cfg["crlb"], {"crlb": cfg["crlb"]})
write_dataset(ds, path)

ds = read_dataset(path)  # every array read and its checksum verified
print(ds)
print("computed with snr_db =", ds.attrs["snr_db"], "dB; config recorded:", config_of(ds))

# %%
# The CRLB RMSE against the offset standard deviation, in metres:
rmse = ds["crlb_rmse"]
fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
for n in rmse["num_antennas"].values:
    ax.semilogy(rmse["offset_std"], rmse.sel(num_antennas=n), label=f"N = {n}")
ax.set_xlabel(f"offset std [{rmse['offset_std'].attrs.get('units', 'rad')}]")
ax.set_ylabel(f"CRLB RMSE [{rmse.attrs.get('units', 'm')}]")
ax.legend()
largest = rmse["num_antennas"].values[-1]
print(f"N = {largest} at the largest offset:", float(rmse.sel(num_antennas=largest)[-1]), "m")
