"""Wall time of the whole pipeline from nothing, and the time of every job in it.

    python benchmarks/pipeline.py                      # paper and quick profiles
    python benchmarks/pipeline.py --profile quick      # one of them

Each profile runs as the quickstart says (``snakemake --cores all``, plus
``--configfile config/quick.yaml`` for the quick one) in a fresh copy of the
repository's tracked files (no results, no .snakemake), so nothing is reused.
Job times come from Snakemake's own log: the time stamps of a job's start and
of its "Finished jobid" line (one-second resolution). Also printed: the
start-up of one job's process (Python, the stack it imports, nothing else).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILES = {"paper": [], "quick": ["--configfile", "config/quick.yaml"]}
STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
START = re.compile(r"^(?:local)?rule (\w+):$")
JOBID = re.compile(r"^\s+jobid: (\d+)$")
FINISHED = re.compile(r"^Finished jobid: (\d+) \(Rule: (\w+)\)$")
# The imports of a typical workflow script (read NetCDF, compute, plot).
STACK = "import hwiloc.io.netcdf, hwiloc.papers.zhang2025.stages, hwiloc.papers.zhang2025.figures"


def job_times(log: str) -> list[tuple[str, float]]:
    """(rule, seconds) of every finished job in a Snakemake log."""
    stamp, pending, started, out = None, None, {}, []
    for line in log.splitlines():
        if m := STAMP.match(line):
            stamp = datetime.strptime(m.group(1), "%a %b %d %H:%M:%S %Y")
        elif m := START.match(line):
            pending = stamp
        elif (m := JOBID.match(line)) and pending is not None:
            started[m.group(1)] = pending
            pending = None
        elif m := FINISHED.match(line):
            begin = started.get(m.group(1))
            if begin is not None:
                out.append((m.group(2), (stamp - begin).total_seconds()))
    return out


def run_profile(name: str) -> dict:
    """Run one profile from nothing in a temporary copy; wall time and job times."""
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            target = Path(tmp) / f
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, target)
        start = time.perf_counter()
        done = subprocess.run(
            ["snakemake", "--cores", "all", *PROFILES[name]], cwd=tmp, capture_output=True,
            text=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"{name} profile failed:\n{done.stderr[-3000:]}")
        jobs = job_times(done.stderr + done.stdout)
    return {"wall": wall, "jobs": jobs}


def startup_seconds(repeat: int = 3) -> float:
    """Fastest start-up of a Python process importing the stack a workflow script uses. [s]"""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", STACK], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def summary(result: dict) -> str:
    """Per-rule job count, total and longest job time, longest first."""
    per_rule = defaultdict(list)
    for rule, seconds in result["jobs"]:
        per_rule[rule].append(seconds)
    lines = [f"  {'rule':34s} {'jobs':>5s} {'sum [s]':>8s} {'max [s]':>8s}"]
    for rule, times in sorted(per_rule.items(), key=lambda kv: -sum(kv[1])):
        lines.append(f"  {rule:34s} {len(times):5d} {sum(times):8.0f} {max(times):8.0f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), action="append")
    args = parser.parse_args()
    print(f"job start-up (python -c '{STACK}'): {startup_seconds():.2f} s")
    for name in args.profile or ["paper", "quick"]:
        result = run_profile(name)
        print(f"\n{name} profile: {len(result['jobs'])} jobs, {result['wall']:.0f} s wall")
        print(summary(result))


if __name__ == "__main__":
    main()
