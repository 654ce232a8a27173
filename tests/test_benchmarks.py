"""Every benchmark script runs in its small mode, so that none can rot.

Each script under benchmarks/ runs with ``--small`` (the quick profile, one repeat, small
sizes) in a fresh process, as a user runs it, and must print its goal lines. Speed is
judged by the benchmarks' full runs, never here: these tests check that they run.
"""

import subprocess
import sys

import pytest
from conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"
# script -> what its output must hold (the goal lines, the f4fd032 values beside them)
EXPECTED = {
    "all.py": ["SAF, Fig. 7 grid (243k points), one image", "x the floor", "job start-up",
               "through the job server",
               "f4fd032", "pipeline, quick profile"],
    "pipeline.py": ["job start-up, a fresh process", "quick profile:"],
    "scaling.py": ["study dry run (snakemake -n) against rows", "SAF, one image, against grid",
                   "CRLB of eq. (13)"],
    "studies.py": ["study dry run, 2000 rows", "f4fd032, 200 rows", "overhead",
                   "physics per row, zhang2025_crlb"],
    "kernels.py": ["range profile, any CSI"],
    "chen2022.py": ["MLE, one estimate", "CRBs and LB of one power"],
    "noise.py": ["augmented FIM, whitened per sample"],
    "calibration.py": ["calibrate, eqs. (19)-(23), streamed"],
}  # fmt: skip


def test_every_benchmark_script_is_listed():
    scripts = {p.name for p in BENCHMARKS.glob("*.py")} - {"timing.py"}
    assert scripts == set(EXPECTED)


@pytest.mark.integration
@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_a_benchmark_runs_in_its_small_mode(script):
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--small"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    for fragment in EXPECTED[script]:
        assert fragment in done.stdout, (fragment, done.stdout[-3000:])
    assert "Traceback" not in done.stderr
