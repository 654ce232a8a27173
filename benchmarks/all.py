"""One table: every heavy kernel's time per unit, speed-up over its direct reference, peak memory.

    python benchmarks/all.py

Each kernel runs in a fresh process and its peak resident memory is read
before its direct reference runs (so the peak is the fast kernel's own)
on the paper profile of config/config.yaml. Direct references that take
minutes are timed on a slice and extrapolated (said in the table). The
detailed scripts beside this one (kernels.py, calibration.py, chen2022.py)
print more for each study.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from timing import best_of

ROOT = Path(__file__).resolve().parents[1]


def peak_mib() -> float:
    """Peak resident memory of this process so far. [MiB]"""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _zhang():
    from hwiloc.config import load_config
    from hwiloc.studies.zhang2025 import Scenario, grid_axes

    cfg = load_config(ROOT / "config" / "config.yaml")["zhang2025"]
    sc = Scenario.from_config(cfg)
    x, y = grid_axes(cfg["saf"]["region"])
    return cfg, sc, x, y


def _csi(sc):
    from hwiloc.impairments.phase_offsets import draw_phase_offsets
    from hwiloc.models.phase_offset import los_mean

    phi = draw_phase_offsets(np.random.default_rng(0), "frequency", sc.num_antennas, 100, np.pi / 4)
    return los_mean(sc.position, sc.antenna_positions, sc.grid, frequency_offsets=phi)


def saf_range_profile():
    from hwiloc.ambiguity import saf, saf_direct

    cfg, sc, x, y = _zhang()
    csi = _csi(sc)
    fast, _ = best_of(lambda: saf(csi, sc.antenna_positions, sc.grid, x, y), 3)
    peak = peak_mib()
    direct, _ = best_of(lambda: saf_direct(csi, sc.antenna_positions, sc.grid, x, y[::8]), 1)
    return (
        fast,
        peak,
        direct * y.size / y[::8].size,
        "image (123k points)",
        "direct eq. (14), 1/8 rows, extrapolated",
    )


def saf_closed_form():
    from hwiloc.ambiguity import saf_direct, saf_los
    from hwiloc.models.phase_offset import los_mean

    cfg, sc, x, y = _zhang()
    fast, _ = best_of(lambda: saf_los(sc.position, sc.antenna_positions, sc.grid, x, y), 3)
    peak = peak_mib()
    csi = los_mean(sc.position, sc.antenna_positions, sc.grid)
    direct, _ = best_of(lambda: saf_direct(csi, sc.antenna_positions, sc.grid, x, y[::8]), 1)
    return (
        fast,
        peak,
        direct * y.size / y[::8].size,
        "image (123k points)",
        "direct eq. (14), 1/8 rows, extrapolated",
    )


def efim_structured():
    from hwiloc.bounds.fisher import fisher_information, schur_efim
    from hwiloc.bounds.phase_offsets import position_efim
    from hwiloc.models.phase_offset import (
        los_mean,
        los_mean_phase_jacobian,
        los_mean_position_jacobian,
    )

    cfg, sc, _, _ = _zhang()
    ant, grid, p = sc.antenna_positions, sc.grid, sc.position
    fast, _ = best_of(lambda: position_efim(p, ant, grid, sc.amplitudes, "frequency", np.pi / 4), 5)
    peak = peak_mib()

    def dense():
        mean = los_mean(p, ant, grid, sc.amplitudes)
        n = mean.size
        d = np.concatenate([los_mean_position_jacobian(p, ant, grid, mean).reshape(n, 2),
                            np.diag(los_mean_phase_jacobian(mean).reshape(n))], axis=1)  # fmt: skip
        fim = fisher_information(d, 1.0)
        fim[2:, 2:] += np.eye(n) / (np.pi / 4) ** 2
        return schur_efim(fim, 2)

    direct, _ = best_of(dense, 1)
    return fast, peak, direct, "EFIM (6400 nuisance phases)", "dense Schur complement"


def calibration_stream():
    from hwiloc.calibration import calibrate
    from hwiloc.geometry import ula_positions
    from hwiloc.io.csi import open_netcdf_capture
    from hwiloc.io.testbed import emulate_hardware, write_capture
    from hwiloc.ofdm import OfdmGrid

    grid = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
    rng = np.random.default_rng(0)
    hw = emulate_hardware(rng, 64, 100, spatial_offset_std=1.8, frequency_offset_mean=0.0,
                          frequency_offset_std=0.3, num_scatterers=4, scatterer_power_db=-15.0,
                          room={"x_min": -5, "x_max": 5, "y_min": 2, "y_max": 8})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.nc"
        write_capture(
            path, name="c", position=np.array([-2.0, 1.0]),
            antenna_positions=ula_positions(64, 0.07),
            grid=grid, hardware=hw, num_symbols=10000, sampling_rate=2000.0, snr_db=10.0,
            phase_drift_std=0.05, mocap_noise_std=1e-3, rng=rng,
        )  # fmt: skip
        seconds, _ = best_of(lambda: calibrate(open_netcdf_capture(path), 10000, 500), 1)
    return seconds / 10000, peak_mib(), None, "symbol (64 x 100 x 10000 streamed)", "-"


def _chen():
    from hwiloc.config import load_config
    from hwiloc.studies import chen2022

    cfg = load_config(ROOT / "config" / "config.yaml")["chen2022"]
    system = chen2022.System.from_config(cfg)
    hw = chen2022.base_hardware(system, cfg["seed"])
    m1, m2 = system.models(hw, 30.0)
    rng = np.random.default_rng(0)
    noise = np.sqrt(system.noise_variance / 2) * (
        rng.standard_normal(2000) + 1j * rng.standard_normal(2000)
    )
    return cfg, system, m1, m2, m1.mean(system.eta) + noise


def chen_grid():
    from hwiloc.studies import chen2022

    cfg, system, m1, m2, y = _chen()
    thetas, taus = chen2022.coarse_grid(system, cfg["montecarlo"])
    fast, _ = best_of(lambda: m2.correlation_grid(y, thetas, taus), 5)
    peak = peak_mib()
    a, d = thetas[::25], taus[::25]
    direct, _ = best_of(lambda: [[m2.gain_plug_in(y, t, u)[1] for u in d] for t in a], 1)
    return (
        fast,
        peak,
        direct * thetas.size * taus.size / (a.size * d.size),
        "grid (625 x 200)",
        "objective per point, extrapolated",
    )


def chen_estimate():
    from hwiloc.estimators import ofdm_los_ml
    from hwiloc.studies import chen2022

    cfg, system, m1, m2, y = _chen()
    thetas, taus = chen2022.coarse_grid(system, cfg["montecarlo"])
    seconds, _ = best_of(lambda: ofdm_los_ml(y, m1, thetas, taus), 3)
    return seconds, peak_mib(), None, "MLE estimate (grid + refine, M1)", "-"


def chen_mcrb():
    from hwiloc.bounds.misspecified import mcrb
    from hwiloc.estimators import ofdm_los_ml

    cfg, system, m1, m2, _ = _chen()
    eta, var = system.eta, system.noise_variance

    def full():
        pseudo = ofdm_los_ml(m1.mean(eta), m2, initial=eta)
        return mcrb(m1.mean(eta), m2, pseudo, eta, var)

    seconds, _ = best_of(full, 3)
    return seconds, peak_mib(), None, "MCRB with its pseudo-true point", "-"


KERNELS = {
    "zhang2025 SAF, range profile (ambiguity.saf)": saf_range_profile,
    "zhang2025 SAF, closed form (ambiguity.saf_los)": saf_closed_form,
    "zhang2025 EFIM, diagonal nuisance block": efim_structured,
    "zhang2025 calibration, streamed (eqs. 19-23)": calibration_stream,
    "chen2022 coarse grid, vectorised": chen_grid,
    "chen2022 MLE, one estimate": chen_estimate,
    "chen2022 MCRB, one evaluation": chen_mcrb,
}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--kernel":
        seconds, peak, reference, unit, ref_label = KERNELS[sys.argv[2]]()
        print(json.dumps({"seconds": seconds, "reference": reference, "unit": unit,
                          "ref_label": ref_label, "peak_mib": peak}))  # fmt: skip
        return
    header = f"{'kernel':46s} {'time per unit':>14s}  {'unit':34s} {'speed-up':>9s}"
    print(f"{header} {'peak [MiB]':>10s}  reference")
    for name in KERNELS:
        out = subprocess.run(
            [sys.executable, __file__, "--kernel", name], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        t = r["seconds"]
        time_text = (
            f"{t:.3g} s" if t >= 1 else (f"{t * 1e3:.3g} ms" if t >= 1e-3 else f"{t * 1e6:.3g} us")
        )
        speedup = f"{r['reference'] / t:9.0f}" if r["reference"] else f"{'-':>9s}"
        row = f"{name:46s} {time_text:>14s}  {r['unit']:34s} {speedup}"
        print(f"{row} {r['peak_mib']:10.0f}  {r['ref_label']}")


if __name__ == "__main__":
    main()
