"""Every speed goal beside its measured value, with the speed-up over the numpy form, in one run.

    python benchmarks/all.py                  # kernels, then both pipeline profiles (~8 min)
    python benchmarks/all.py --skip-pipeline  # kernels only (~3 min)
    python benchmarks/all.py --small          # quick profile, one repeat, a few quick jobs (tests)

Each kernel runs in a fresh process on the paper profile of config/config.yaml
(its peak resident memory is the process's own), and in the same process its
reference: the numpy implementation it replaced (kept in the library as the
tests' reference), the direct sum of the paper's equation, the same work on the
code of f4fd032 (main when the performance issue was filed; ``git archive``) or the
compute floor (the kernel's arithmetic at this machine's measured dgemm rate). The
pipeline rows run ``snakemake --cores all`` from nothing in a temporary copy of the
repository (benchmarks/pipeline.py). Numbers vary by about 20 % between runs on a
2-core machine; a goal is judged on the printed value.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from timing import (
    BASELINE,
    ROOT,
    best_of,
    config,
    fastest_run,
    profile,
    repository_copy,
    set_small,
    small,
)


def peak_mib() -> float:
    """Peak resident memory of this process so far. [MiB]"""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- zhang2025 SAF --------------------------------------------------------------------------
def _zhang():
    from hwiloc.papers.zhang2025.system import Scenario, grid_axes

    cfg = config()["zhang2025"]
    sc = Scenario.from_config(cfg)
    x, y = grid_axes(cfg["saf"]["region"])
    return cfg, sc, x, y


def _csi(sc, seed=0):
    from hwiloc.impairments.phase_offsets import draw_phase_offsets
    from hwiloc.models.phase_offset import los_mean

    phi = draw_phase_offsets(seed, "frequency", sc.num_antennas, 100, np.pi / 4)
    return los_mean(sc.position, sc.antenna_positions, sc.grid, frequency_offsets=phi)


def _direct_error(image, csi, sc, x, y):
    """max |image - direct eq. (14)| / peak on every 8th row, and the direct time per image."""
    from hwiloc.ambiguity import saf_direct

    start = time.perf_counter()
    direct = saf_direct(csi, sc.antenna_positions, sc.grid, x, y[::8])
    seconds = (time.perf_counter() - start) * y.size / y[::8].size
    return float(np.abs(image[::8] - direct).max() / direct.max()), seconds


def saf_range_profile():
    from hwiloc.ambiguity import saf, saf_numpy

    cfg, sc, x, y = _zhang()
    csi = _csi(sc)
    saf(csi, sc.antenna_positions, sc.grid, x, y)  # load the cached kernel
    fast, image = best_of(lambda: saf(csi, sc.antenna_positions, sc.grid, x, y), 7)
    peak = peak_mib()
    ref, _ = best_of(lambda: saf_numpy(csi, sc.antenna_positions, sc.grid, x, y), 2)
    error, direct = _direct_error(image, csi, sc, x, y)
    return {"seconds": fast, "reference": ref, "peak_mib": peak,
            "note": f"max error {error:.1e} of the peak vs direct eq. (14) "
                    f"({direct:.0f} s/image)", "error": error}  # fmt: skip


def saf_batched():
    from hwiloc.ambiguity import saf, saf_numpy

    cfg, sc, x, y = _zhang()
    csi = np.stack([_csi(sc, seed) for seed in range(20)])
    saf(csi[:1], sc.antenna_positions, sc.grid, x, y)
    fast, _ = best_of(lambda: saf(csi, sc.antenna_positions, sc.grid, x, y), 2)
    peak = peak_mib()
    ref, _ = best_of(lambda: [saf_numpy(c, sc.antenna_positions, sc.grid, x, y) for c in csi], 1)
    return {"seconds": fast / 20, "reference": ref / 20, "peak_mib": peak,
            "note": "20 realizations in one call, per image"}  # fmt: skip


SAF_CHILD = r"""
import inspect, json, sys, time
import numpy as np
from hwiloc.ambiguity import saf
from hwiloc.ofdm import OfdmGrid
data = np.load(sys.argv[1])
g = data["grid"]
grid = OfdmGrid(carrier_frequency=float(g[0]), subcarrier_spacing=float(g[1]),
               num_subcarriers=int(g[2]))
csi, ant, x, y = data["csi"], data["antennas"], data["x"], data["y"]
saf(csi[:1], ant, grid, x, y)  # load the compiled kernel
batch = csi if len(csi) > 1 else csi[0]
# as the Fig. 7 shards call it: one output array for every batch (where the code has out=)
reuse = {"out": np.empty((*batch.shape[:-2], len(y), len(x)))} if "out" in inspect.signature(
    saf).parameters else {}
times = {}
for name, kwargs in (("fresh", {}), ("reused", reuse)):
    best = float("inf")
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        saf(batch, ant, grid, x, y, **kwargs)
        best = min(best, time.perf_counter() - start)
    times[name] = best / len(csi)
print(json.dumps(times))
"""
SAF_FLOPS_PER_POINT_ANTENNA = 42  # the backprojection's arithmetic (kernels.saf_backprojection):
# distance 6 (sqrt as one), index and fraction 2, two linear interpolations 6, the carrier
# phasor (cis) 20, the complex multiply-add 8 [FLOP]


def flop_rate() -> float:
    """This machine's measured floating-point rate: float64 matrix product, every core. [FLOP/s]"""
    n = 512 if small() else 2048
    a, b = np.random.default_rng(0).random((2, n, n))
    seconds, _ = best_of(lambda: a @ b, 3)
    return 2 * n**3 / seconds


def _saf_fig7(batch: int):
    """One SAF image on Fig. 7's grid (the fitted R at its coarser step), alone or per image
    of a batch of ``batch`` realizations, against its compute floor and f4fd032's code."""
    from hwiloc.ambiguity import _range_profiles
    from hwiloc.papers.zhang2025.system import Scenario, grid_axes

    cfg = config()["zhang2025"]
    sc = Scenario.from_config(cfg)
    x, y = grid_axes(cfg["pmsr_sweep"]["region"])
    csi = np.stack([_csi(sc, seed) for seed in range(batch)])
    samples = _range_profiles(csi[0], sc.antenna_positions, sc.grid, x, y, 256)[0].shape[-1]
    n, k, points = sc.num_antennas, sc.grid.num_subcarriers, x.size * y.size
    flops = points * n * SAF_FLOPS_PER_POINT_ANTENNA + 8 * n * k * samples  # + the profiles
    floor = flops / flop_rate()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "saf.npz"  # the same inputs for both codes
        g = sc.grid
        np.savez(data, csi=csi, antennas=sc.antenna_positions, x=x, y=y,
                 grid=[g.carrier_frequency, g.subcarrier_spacing, g.num_subcarriers])  # fmt: skip

        def child(src: Path) -> dict:
            env = {**os.environ, "PYTHONPATH": str(src)}
            out = subprocess.run([sys.executable, "-c", SAF_CHILD, str(data), "1" if small()
                                  else "5"], capture_output=True, text=True, check=True,
                                 env=env, cwd=ROOT)  # fmt: skip
            return json.loads(out.stdout.strip().splitlines()[-1])

        ours = child(ROOT / "src")
        baseline = child(repository_copy(Path(tmp) / "base", BASELINE) / "src")["fresh"]
    seconds = ours["reused"]
    how = ("one output array reused, as the Fig. 7 shards do; a fresh one: "
           f"{_time(ours['fresh'])}, " if batch > 1 else "")
    return {"seconds": seconds, "reference": floor, "peak_mib": None, "baseline": baseline,
            "note": f"{points} points x N {n}, {flops / 1e9:.2f} GFLOP; {how}reference: the "
                    f"floor at {flops / floor / 1e9:.0f} GFLOP/s (dgemm); {BASELINE}: "
                    f"{_time(baseline)}; {seconds / floor:.1f}x the floor"}  # fmt: skip


def saf_fig7_image():
    return _saf_fig7(1)


def saf_fig7_batch():
    return _saf_fig7(4 if small() else 20)


# A typical job, a NetCDF in and a NetCDF out, as Snakemake's script directive starts it:
# its preamble (snakemake.script), then the script: hwiloc.job (the job server's hand-over,
# absent at f4fd032), the NetCDF reader and writer and the job logger; it then reads and
# writes a small NetCDF.
JOB_SCRIPT = """
from snakemake import script
try:
    import hwiloc.job
except ImportError:  # f4fd032: no job server
    pass
import sys
from hwiloc.io.netcdf import read_dataset, write_dataset
from hwiloc.runlog import job_logger
write_dataset(read_dataset(sys.argv[1]), sys.argv[2])
"""


def _job_seconds(script: Path, data: Path, env: dict, repeat: int = 7) -> float:
    """Fastest wall time of the job ``script`` started as Snakemake starts it. [s]"""
    command = [sys.executable, str(script), str(data), str(data.with_suffix(".out.nc"))]
    return fastest_run(command, repeat, env=env, cwd=ROOT)


def job_startup():
    """Start-up of a typical job (NetCDF in, NetCDF out): through the run's job server, as
    a fresh process, on f4fd032's code, and ``python -c pass``. [s]"""
    import xarray as xr

    from hwiloc import jobserver
    from hwiloc.io.netcdf import finalize, write_dataset

    one = dict.fromkeys(jobserver.THREAD_VARS, "1")  # as Snakemake sets them for a job
    with tempfile.TemporaryDirectory() as tmp:
        script, data = Path(tmp) / "job.py", Path(tmp) / "in.nc"
        script.write_text(JOB_SCRIPT)
        ds = xr.Dataset({"v": ("x", np.arange(3.0), {"units": "m", "long_name": "v"})})
        ds = ds.assign_coords(x=("x", np.arange(3), {"units": "1", "long_name": "x"}))
        write_dataset(finalize(ds, title="start-up benchmark", study="benchmark",
                               rule="job_startup", references="-"), data)  # fmt: skip
        bare = _start("pass")
        fresh = _job_seconds(script, data, {**os.environ, **one, jobserver.ENV: "0"})
        base = repository_copy(Path(tmp) / "base", BASELINE) / "src"
        baseline = _job_seconds(script, data, {**os.environ, **one, "PYTHONPATH": str(base)})
        server = jobserver.start(str(Path(tmp) / "server"))
        try:
            warm = _job_seconds(script, data, {**os.environ, **one})
        finally:
            jobserver.stop(server)
    return {"seconds": warm, "reference": fresh, "peak_mib": None, "baseline": baseline,
            "note": f"through the job server; reference: a fresh process; python -c pass "
                    f"{_time(bare)}; {BASELINE} (fresh) {_time(baseline)}"}  # fmt: skip


def _start(code: str, repeat: int = 7) -> float:
    """Fastest wall time of a fresh Python process running ``code``. [s]"""
    return fastest_run([sys.executable, "-c", code], repeat, cwd=ROOT)


def saf_closed_form():
    from hwiloc.ambiguity import saf_los, saf_los_numpy
    from hwiloc.models.phase_offset import los_mean

    cfg, sc, x, y = _zhang()
    args = (sc.position, sc.antenna_positions, sc.grid, x, y)
    saf_los(*args)
    fast, image = best_of(lambda: saf_los(*args), 7)
    peak = peak_mib()
    ref, _ = best_of(lambda: saf_los_numpy(*args), 2)
    csi = los_mean(sc.position, sc.antenna_positions, sc.grid)
    error, _ = _direct_error(image, csi, sc, x, y)
    return {"seconds": fast, "reference": ref, "peak_mib": peak,
            "note": f"max error {error:.1e} of the peak vs direct eq. (14)",
            "error": error}  # fmt: skip


KERNEL_CACHE_CHILD = r"""
import time, numpy as np
t0 = time.perf_counter()
from hwiloc.ambiguity import saf
from hwiloc.geometry import ula_positions
from hwiloc.models.phase_offset import los_mean
from hwiloc.ofdm import OfdmGrid
g = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
ant = ula_positions(64, 0.07)
csi = los_mean(np.array([-2.0, 1.0]), ant, g)
x, y = np.linspace(-5, 5, 501), np.linspace(0.1, 5, 246)
t1 = time.perf_counter(); saf(csi, ant, g, x, y); t2 = time.perf_counter()
print(t2 - t1)
"""


def kernel_cache():
    """First SAF call of a new process: with an empty kernel cache (compiles) and a warm one."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        times = [
            float(subprocess.run([sys.executable, "-c", KERNEL_CACHE_CHILD], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()[-1])
            for _ in range(2)
        ]  # fmt: skip
    return {"seconds": times[1], "reference": times[0], "peak_mib": None,
            "note": f"first call {times[0]:.2f} s compiling, {times[1]:.2f} s from the disk cache "
                    "(numba import and load included)"}  # fmt: skip


# --- chen2022 -------------------------------------------------------------------------------
def _chen():
    from hwiloc.papers.chen2022.system import System, base_hardware

    cfg = config()["chen2022"]
    system = System.from_config(cfg)
    hw = base_hardware(system, cfg["seed"])
    m1, m2 = system.models(hw, 30.0)
    rng = np.random.default_rng(0)
    size = system.num_transmissions * system.num_subcarriers
    noise = np.sqrt(system.noise_variance / 2) * (
        rng.standard_normal(size) + 1j * rng.standard_normal(size)
    )
    return cfg, system, hw, m1, m2, m1.mean(system.eta) + noise


def _estimate(which: str):
    from hwiloc.estimators import ofdm_los_ml
    from hwiloc.papers.chen2022.stages import coarse_grid

    cfg, system, _, m1, m2, y = _chen()
    model = m1 if which == "mle" else m2
    thetas, taus = coarse_grid(system, cfg["montecarlo"])
    fast, _ = best_of(lambda: ofdm_los_ml(y, model, thetas, taus), 20)
    peak = peak_mib()
    ref, _ = best_of(lambda: ofdm_los_ml(y, model, thetas, taus, refine="nelder-mead"), 5)
    return {"seconds": fast, "reference": ref, "peak_mib": peak,
            "note": "coarse grid 625 x 200 + Newton; reference: + Nelder-Mead"}  # fmt: skip


def chen_mle():
    return _estimate("mle")


def chen_mmle():
    return _estimate("mmle")


def chen_pseudo_true():
    from hwiloc.estimators import ofdm_los_ml

    cfg, system, _, m1, m2, _ = _chen()
    mean = m1.mean(system.eta)
    fast, _ = best_of(lambda: ofdm_los_ml(mean, m2, initial=system.eta), 20)
    peak = peak_mib()
    ref, _ = best_of(lambda: ofdm_los_ml(mean, m2, initial=system.eta, refine="nelder-mead"), 5)
    return {"seconds": fast, "reference": ref, "peak_mib": peak,
            "note": "eq. (23) from eta_true"}  # fmt: skip


ISSUE_COMMIT = "f16fbcc"  # main when issue 11 was filed: the shards' reference code
SHARD_CHILD = r"""
import copy, json, sys, time
from pathlib import Path
from hwiloc.config import load_config
try:  # one package per paper
    from hwiloc.papers.chen2022 import stages, system as setup
except ImportError:  # the issue's code: one study module
    from hwiloc.studies import chen2022 as stages
    setup = stages
cfg = load_config(Path(sys.argv[1]))["chen2022"]
kind, n = sys.argv[2], 4
system = setup.System.from_config(cfg)
hw = setup.base_hardware(system, cfg["seed"])
if kind == "montecarlo":
    mc = {**copy.deepcopy(cfg["montecarlo"]), "num_trials": n, "num_shards": 1}
    run = lambda: stages.montecarlo_shard_dataset(system, hw, cfg["power_dbm"], mc, 0, 1, cfg)
elif kind == "pn_sweep":
    sweep = {**copy.deepcopy(cfg["pn_sweep"]), "num_realizations": n, "num_shards": 1}
    if hasattr(stages, "level_sweep_shard_dataset"):  # Fig. 4 sweeps of any impairment
        run = lambda: stages.level_sweep_shard_dataset(system, "pn", sweep, 0, 1, cfg)
    else:  # the issue's code: the phase-noise sweep alone
        run = lambda: stages.pn_sweep_shard_dataset(system, sweep, 0, 1, cfg)
else:
    ind = {**copy.deepcopy(cfg["individual"]), "num_realizations": n, "num_shards": 1}
    run = lambda: stages.individual_shard_dataset(system, "pa", ind, 0, 1, cfg)
run()
times = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    run()
    times.append(time.perf_counter() - start)
print(json.dumps(min(times)))
"""
SHARD_NOTES = {
    "montecarlo": "Fig. 2: 4 trials x 11 powers, MLE and MMLE",
    "pn_sweep": "Fig. 4: 4 PN realizations x 9 stds x 4 powers, CRB-M1, CRB-M2, LB",
    "pa": "Fig. 3, PA alone: 4 pilots x 6 powers (the PA is nonlinear: no power scaling)",
}


def _shard(kind: str):
    """One Monte Carlo shard of the paper profile, cut to 4 realizations, against the same
    shard on the code of the issue's time (git ``ISSUE_COMMIT``, unpacked by ``git archive``
    into a temporary directory): the same config file, each in a child process of its own."""
    import tempfile

    import yaml

    merged = Path(tempfile.mkdtemp()) / "config.yaml"  # the merged paper profile, one file
    merged.write_text(yaml.safe_dump(config()))

    def child(src: Path, repeat: int) -> float:
        env = {**os.environ, "PYTHONPATH": str(src)}
        out = subprocess.run([sys.executable, "-c", SHARD_CHILD, str(merged), kind, str(repeat)],
                             capture_output=True, text=True, check=True, env=env)  # fmt: skip
        return float(out.stdout.strip().splitlines()[-1])

    fast = child(ROOT / "src", 3)
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", ISSUE_COMMIT, "src"], cwd=ROOT,
                                 capture_output=True, check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        ref = child(Path(tmp) / "src", 2)
    note = f"{SHARD_NOTES[kind]}; reference: git {ISSUE_COMMIT}"
    return {"seconds": fast, "reference": ref, "peak_mib": None, "note": note}


def chen_montecarlo_shard():
    return _shard("montecarlo")


def chen_bound_shard():
    return _shard("pn_sweep")


def chen_pa_shard():
    return _shard("pa")


def chen_fit_point():
    """One point of chen2022's fit: the three bounds over its hardware draws at every power,
    batched (hwiloc.bounds.batch) against the generic engine draw by draw."""
    import warnings

    from hwiloc.papers.chen2022.assumptions import _shipped, point_config
    from hwiloc.papers.chen2022.stages import bound_errors_over_draws, bound_errors_vs_power
    from hwiloc.papers.chen2022.system import STUDY_CODES, System

    cfg = config()["chen2022"]
    a = cfg["assumptions"]
    draws = int(a["num_hardware_draws"])
    system = System.from_config(point_config(cfg, *_shipped(cfg)))
    hardware = [system.draw([int(cfg["seed"]), STUDY_CODES["hardware_draws"], r])
                for r in range(draws)]  # fmt: skip
    powers = cfg["power_dbm"]
    points = int(np.prod([len(a[k]) for k in ("num_transmissions", "cfo_std", "pa_beta3",
                                              "clip_voltage")]))  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # doubtful residuals, both engines
        fast, _ = best_of(lambda: bound_errors_over_draws(system, hardware, powers), 3)
        ref, _ = best_of(lambda: [bound_errors_vs_power(system, hw, powers) for hw in hardware],
                         1)  # fmt: skip
    return {"seconds": fast, "reference": ref, "peak_mib": None, "draws": draws,
            "note": f"{draws} hardware draws x {len(powers)} powers at the shipped point, "
                    f"G = {system.num_transmissions} (the fit scans {points} points); "
                    "reference: the generic engine draw by draw"}  # fmt: skip


# --- zhang2025 calibration ------------------------------------------------------------------
CALIBRATION_CHILD = r"""
import json, resource, sys, time
import numpy as np
path, how = sys.argv[1], sys.argv[2]
start = time.perf_counter()
from hwiloc.calibration import apply_calibration, calibrate, offsets_from_statistic
from hwiloc.calibration import lse_statistic_numpy
from hwiloc.estimators import saf_peak
from hwiloc.io.csi import open_netcdf_capture
imported = time.perf_counter()
capture = open_netcdf_capture(path)
if how == "compiled":
    capture.check(capture.num_symbols, 500)
    cal = calibrate(capture, capture.num_symbols, 500)
else:
    for sl, chunk in capture.chunks(500):  # the former check: complex128 chunks
        assert np.all(np.isfinite(chunk))
    cal = offsets_from_statistic(lse_statistic_numpy(capture, capture.num_symbols, 500),
                                 capture.num_symbols)
x, y = np.arange(-4, 2.0001, 0.02), np.arange(0.2, 3.0001, 0.02)
saf_peak(apply_calibration(capture.symbols(np.array([0]))[0], cal, "both"),
         capture.antenna_positions, capture.grid, x, y, refine_step=0.001)
done = time.perf_counter()
print(json.dumps({"seconds": done - imported, "imports": imported - start,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def calibration():
    from hwiloc.geometry import ula_positions
    from hwiloc.io.testbed import emulate_hardware, write_capture
    from hwiloc.ofdm import OfdmGrid

    symbols = 500 if small() else 10000  # the paper's L; 500 in the small mode
    grid = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
    hw = emulate_hardware([0], 64, 100, spatial_offset_std=1.8, frequency_offset_mean=0.0,
                          frequency_offset_std=0.3, num_scatterers=4, scatterer_power_db=-15.0,
                          room={"x_min": -5, "x_max": 5, "y_min": 2, "y_max": 8})  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.nc"
        write_capture(
            path, name="c", position=np.array([-2.0, 1.0]),
            antenna_positions=ula_positions(64, 0.07),
            grid=grid, hardware=hw, num_symbols=symbols, sampling_rate=2000.0, snr_db=10.0,
            phase_drift_std=0.05, mocap_noise_std=1e-3, entropy=[0, 1],
        )  # fmt: skip
        runs = {}
        for how in ("compiled", "numpy", "compiled"):  # the last run: file in the page cache
            out = subprocess.run(
                [sys.executable, "-c", CALIBRATION_CHILD, str(path), how],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs[how] = json.loads(out.strip().splitlines()[-1])
    copy_mib = 64 * 100 * symbols * 8 / 2**20
    c = runs["compiled"]
    return {
        "seconds": c["seconds"],
        "reference": runs["numpy"]["seconds"],
        "peak_mib": c["peak_mib"],
        "limit_mib": 1.5 * copy_mib,
        "note": f"64 x 100 x {symbols} complex64 ({copy_mib:.0f} MiB): open, NaN check, "
        f"calibrate, localize one snapshot; imports {c['imports']:.2f} s apart",
    }
    # fmt: skip



THRESHOLD_CHILD = r"""
import json, sys, time
import numpy as np
from hwiloc.config import default_config
from hwiloc.papers.chen2022.global_accuracy import predicted_dataset
from hwiloc.papers.chen2022.stages import bounds_vs_power_dataset
from hwiloc.papers.chen2022.system import System, base_hardware
cfg = default_config(sys.argv[1], sys.argv[2])["chen2022"]
system = System.from_config(cfg)
hw = base_hardware(system, cfg["seed"])
powers = np.linspace(-10.0, 40.0, 15)  # [dBm]
times = {"bounds": [], "mie": []}
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    bounds = bounds_vs_power_dataset(system, hw, powers, cfg)
    middle = time.perf_counter()
    predicted = predicted_dataset(system, hw, bounds, cfg["montecarlo"], cfg)
    times["bounds"].append(middle - start)
    times["mie"].append(time.perf_counter() - middle)
print(json.dumps({k: min(v) for k, v in times.items()}
                 | {"thresholds": predicted["threshold"].values.tolist()}))
"""


def threshold_curve():
    """chen2022: the MLE's and the MMLE's RMSE by interval errors over 15 powers against the
    bounds it accompanies (CRB-M1, CRB-M2, LB at the same powers), in one process with one
    BLAS thread, as a pipeline job runs both."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", THRESHOLD_CHILD, profile(), str(ROOT / "config"),
                          "1" if small() else "5"], capture_output=True, text=True, check=True,
                         env=env, cwd=ROOT)  # fmt: skip
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return {"seconds": r["mie"], "reference": r["bounds"], "peak_mib": None,
            "note": f"15 powers, MLE and MMLE, Fig. 2's 625 x 200 grid; reference: the bounds "
                    f"at the same powers; {r['mie'] / r['bounds']:.2f}x them; predicted "
                    f"thresholds {r['thresholds']} dBm"}  # fmt: skip

KERNELS = {
    "saf": saf_range_profile,
    "saf_batched": saf_batched,
    "saf_closed_form": saf_closed_form,
    "kernel_cache": kernel_cache,
    "mle": chen_mle,
    "mmle": chen_mmle,
    "pseudo_true": chen_pseudo_true,
    "montecarlo_shard": chen_montecarlo_shard,
    "bound_shard": chen_bound_shard,
    "pa_shard": chen_pa_shard,
    "fit_point": chen_fit_point,
    "calibration": calibration,
    "saf_fig7": saf_fig7_image,
    "saf_fig7_batch": saf_fig7_batch,
    "startup": job_startup,
    "threshold_curve": threshold_curve,
}

# (key, goal text, limit [s] or a rule on the measured rows)
GOALS = [
    ("saf", "SAF, Figs. 4-6 grid (970k points)", "<= 200 ms, error <= 1e-4"),
    ("saf_batched", "SAF batched over realizations", "per image"),
    ("saf_closed_form", "SAF closed form, ambiguity.saf_los", "<= SAF time"),
    ("kernel_cache", "compiled kernels: cached first call", "no recompile per job"),
    ("mle", "chen2022 MLE, one estimate", "<= 10 ms"),
    ("mmle", "chen2022 MMLE, one estimate", "<= 10 ms"),
    ("pseudo_true", "chen2022 pseudo-true point", "<= 5 ms"),
    ("montecarlo_shard", "chen2022 Monte Carlo shard, estimators", ">= 4x faster"),
    ("bound_shard", "chen2022 Monte Carlo shard, bounds", ">= 4x faster"),
    ("pa_shard", "chen2022 Monte Carlo shard, bounds with PA", ">= 4x faster"),
    ("fit_point", "chen2022 fit, one point's bounds", ">= 30 hardware draws"),
    ("calibration", "calibration, paper-size capture", "<= 1.5 s, peak <= 1.5x copy"),
    ("saf_fig7", "SAF, Fig. 7 grid (243k points), one image", "<= 2x the floor"),
    ("saf_fig7_batch", "SAF, Fig. 7 grid, per image of a batch", "<= 2x the floor"),
    ("startup", "job start-up (NetCDF in, NetCDF out)", "<= 0.25 s"),
    ("threshold_curve", "chen2022 threshold curve, 15 powers", "<= 3x its bounds"),
]


def _met(key: str, r: dict, rows: dict) -> str:
    s, ref = r["seconds"], r["reference"]
    checks = {
        "saf": lambda: s <= 0.2 and r["error"] <= 1e-4,
        "saf_closed_form": lambda: s <= rows["saf"]["seconds"] and r["error"] <= 1e-4,
        "kernel_cache": lambda: s < ref,
        "mle": lambda: s <= 0.01,
        "mmle": lambda: s <= 0.01,
        "pseudo_true": lambda: s <= 0.005,
        "montecarlo_shard": lambda: ref / s >= 4,
        "bound_shard": lambda: ref / s >= 4,
        "pa_shard": lambda: ref / s >= 4,
        "fit_point": lambda: r["draws"] >= 30,
        "calibration": lambda: s <= 1.5 and r["peak_mib"] <= r["limit_mib"],
        "saf_fig7": lambda: s <= 2 * ref,
        "saf_fig7_batch": lambda: s <= 2 * ref,
        "startup": lambda: s <= 0.25,
        "threshold_curve": lambda: s <= 3 * ref,
    }
    return ("yes" if checks[key]() else "NO") if key in checks else "-"


def _time(t: float) -> str:
    return f"{t:.3g} s" if t >= 1 else (f"{t * 1e3:.3g} ms" if t >= 1e-3 else f"{t * 1e6:.3g} us")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--kernel":
        print(json.dumps(KERNELS[sys.argv[2]]()))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-pipeline", action="store_true", help="kernels only")
    parser.add_argument("--small", action="store_true",
                        help="quick profile, one repeat, a few quick jobs (the tests' mode)")
    args = parser.parse_args()
    set_small(args.small)  # the kernels' processes inherit it
    rows = {}
    print(f"{'goal':44s} {'target':28s} {'measured':>10s} {'numpy/ref':>10s} {'speed-up':>8s} "
          f"{'peak MiB':>8s} {'met':>4s}  notes")  # fmt: skip
    for key, label, target in GOALS:
        out = subprocess.run([sys.executable, __file__, "--kernel", key], capture_output=True,
                             text=True)  # fmt: skip
        if out.returncode != 0:
            sys.exit(f"benchmark {key} failed:\n{out.stderr[-3000:]}")
        r = rows[key] = json.loads(out.stdout.strip().splitlines()[-1])
        peak = f"{r['peak_mib']:8.0f}" if r["peak_mib"] else f"{'-':>8s}"
        print(f"{label:44s} {target:28s} {_time(r['seconds']):>10s} {_time(r['reference']):>10s} "
              f"{r['reference'] / r['seconds']:7.1f}x {peak} {_met(key, r, rows):>4s}  {r['note']}",
              flush=True)  # fmt: skip
    if args.skip_pipeline:
        return
    from pipeline import run_profile, startup_seconds

    print(f"\njob process start-up (Python + the stack a script imports): "
          f"{startup_seconds():.2f} s")  # fmt: skip
    profiles = (("quick", None),) if args.small else (("paper", 180.0), ("quick", 45.0))
    for name, limit in profiles:
        result = run_profile(name, small=args.small)
        if limit:  # the same profile on f4fd032's code, in the same run
            base = run_profile(name, commit=BASELINE)
        figures = [(rule, s) for rule, s in result["jobs"] if "fig" in rule]
        slowest = max(figures, key=lambda rs: rs[1]) if figures else ("-", 0.0)
        goal = (f"goal <= {limit:.0f} s: {'yes' if result['wall'] <= limit else 'NO'}; "
                f"{BASELINE}: {base['wall']:.0f} s") if limit else "small mode"  # fmt: skip
        print(f"pipeline, {name} profile: {len(result['jobs'])} jobs, wall {result['wall']:.0f} s "
              f"({goal}); slowest figure job {slowest[0]} {slowest[1]:.0f} s (goal <= 5 s: "
              f"{'yes' if slowest[1] <= 5 else 'NO'})", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
