"""Benchmark the measured-CSI stage at the paper's size; prints throughput and peak memory.

    python benchmarks/calibration.py                 # 64 x 100 x 10000 (Sec. V-A), ~1 GB of disk
    python benchmarks/calibration.py --symbols 2000  # smaller
    python benchmarks/calibration.py --small         # 500 symbols (the tests' mode)

Emulates one capture (complex64 on disk, 512 MB at the paper size), then, in a
fresh process each so that peak memory is the stage's own, calibrates it
streamed over symbols (eqs. (19)-(23)) and localizes one snapshot. One
complex128 copy of the capture is 1 GB: the calibration must stay well below.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
import numpy as np
from hwiloc.calibration import apply_calibration, calibrate
from hwiloc.estimators import saf_peak
from hwiloc.io.csi import open_netcdf_capture
path, num_symbols, chunk, task = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
capture = open_netcdf_capture(path)
start = time.perf_counter()
if task == "check":
    capture.check(num_symbols, chunk)
elif task == "calibrate":
    cal = calibrate(capture, num_symbols, chunk)
else:
    cal = calibrate(capture, 200, 200)
    start = time.perf_counter()
    x, y = np.arange(-4, 2.0001, 0.02), np.arange(0.2, 3.0001, 0.02)
    saf_peak(apply_calibration(capture.symbols(np.array([0]))[0], cal, "both"),
             capture.antenna_positions, capture.grid, x, y, refine_step=0.001)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(path: Path, num_symbols: int, chunk: int, task: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(num_symbols), str(chunk), task],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=10000, help="L (paper: 10000)")
    parser.add_argument("--chunk", type=int, default=500, help="symbols per chunk")
    parser.add_argument("--small", action="store_true", help="500 symbols (the tests' mode)")
    args = parser.parse_args()
    if args.small:
        args.symbols, args.chunk = 500, 100

    import numpy as np

    from hwiloc.geometry import ula_positions
    from hwiloc.io.testbed import emulate_hardware, write_capture
    from hwiloc.ofdm import OfdmGrid

    grid = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
    antennas = ula_positions(64, 0.07)
    hardware = emulate_hardware(
        [0], 64, 100, spatial_offset_std=1.81, frequency_offset_mean=0.0, frequency_offset_std=0.3,
        num_scatterers=4, scatterer_power_db=-15.0,
        room={"x_min": -5, "x_max": 5, "y_min": 2, "y_max": 8},
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "capture.nc"
        start = time.perf_counter()
        write_capture(
            path, name="bench", position=np.array([-2.0, 1.0]), antenna_positions=antennas,
            grid=grid, hardware=hardware, num_symbols=args.symbols, sampling_rate=2000.0,
            snr_db=10.0, phase_drift_std=0.05, mocap_noise_std=1e-3, entropy=[0, 1],
            chunk_symbols=args.chunk,
        )  # fmt: skip
        t_emulate = time.perf_counter() - start
        size_mib = path.stat().st_size / 2**20
        full_copy_mib = 64 * 100 * args.symbols * 16 / 2**20
        print(
            f"capture: 64 antennas x 100 subcarriers x {args.symbols} symbols, "
            f"{size_mib:.0f} MiB on disk (complex64); one complex128 copy = {full_copy_mib:.0f} MiB"
        )
        print(f"chunk: {args.chunk} symbols")
        print()
        print(f"{'step':42s} {'time [s]':>9s} {'symbols/s':>10s} {'peak RSS [MiB]':>15s}")
        row("emulate and write (this process)", t_emulate, args.symbols / t_emulate, None)
        for task, label in (
            ("check", "input check (NaN scan)"),
            ("calibrate", "calibrate, eqs. (19)-(23), streamed"),
        ):
            r = child(path, args.symbols, args.chunk, task)
            row(label, r["seconds"], args.symbols / r["seconds"], r["peak_mib"])
        r = child(path, args.symbols, args.chunk, "localize")
        row("localize one snapshot (SAF peak + refine)", r["seconds"], None, r["peak_mib"])


def row(label: str, seconds: float, rate: float | None, peak: float | None) -> None:
    rate_text = f"{rate:10.0f}" if rate is not None else " " * 10
    peak_text = f"{peak:15.0f}" if peak is not None else ""
    print(f"{label:42s} {seconds:9.2f} {rate_text} {peak_text}")


if __name__ == "__main__":
    main()
