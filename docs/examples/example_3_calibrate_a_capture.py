"""
Calibrate a capture
===================

The measured-CSI stage (zhang2025, Sec. V) on a capture: here one the testbed
emulator writes (64 antennas x 100 subcarriers, per-antenna and per-subcarrier
phase offsets, multipath, a MoCap ground truth), in this project's NetCDF
capture format, the format your own captures can take (guide "Calibrate your own
captures").
The phase offsets are estimated (eqs. (19)-(23)), compared with the emulator's
injected ones, and the capture is localized by the SAF peak raw, after
frequency compensation and after both.
"""

import copy
import tempfile
from pathlib import Path

import numpy as np

from hwiloc.config import default_config
from hwiloc.papers.zhang2025.measured import (
    calibration_dataset,
    emulate_capture,
    evaluation_dataset,
    open_capture,
)

cfg = copy.deepcopy(default_config(profile="quick"))  # the shipped quick profile
z = cfg["zhang2025"]
z["measured"]["emulator"]["num_symbols"] = 200  # a short capture: the example runs in seconds
z["measured"]["num_symbols"] = 200
path = Path(tempfile.mkdtemp()) / "cap0.nc"
emulate_capture(z, "cap0", path)

capture = open_capture(z, "cap0", path)  # header, ground truth and content checked
calibration = calibration_dataset(capture, z)
print("offsets vs the injected ones: rms", calibration.attrs["reference_residual_rms_rad"], "rad")

# %%
# Localize two snapshots of the same capture at each stage (the SAF peak, refined):
evaluation = evaluation_dataset(capture, calibration, z)
errors = evaluation["error"]
for stage in errors["stage"].values:
    print(f"{stage:>9}: error {1e3 * float(np.mean(errors.sel(stage=stage))):.1f} mm")
