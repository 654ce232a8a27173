"""Wall time of the whole pipeline from nothing, and the time of every job in it.

    python benchmarks/pipeline.py                      # paper and quick profiles, and f4fd032's
    python benchmarks/pipeline.py --profile quick      # one of them
    python benchmarks/pipeline.py --small              # two quick jobs (the tests' mode)

Each profile runs as the quickstart says (``snakemake --cores all``, plus
``--configfile config/quick.yaml`` for the quick one) in a fresh copy of the
repository's tracked files (no results, no .snakemake), so nothing is reused.
Job times come from Snakemake's own log: the time stamps of a job's start and
of its "Finished jobid" line (one-second resolution). Also printed: the
start-up of one job's process (Python, the stack it imports, nothing else). Each
profile runs again on the code of f4fd032 (main when the performance issue was filed,
``git archive``), in the same run, and its wall time prints beside ours.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from timing import BASELINE, fastest_run, repository_copy, set_small

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


SMALL_TARGETS = {"quick": ["results/quick/xlmimo2022/bounds.csv"]}  # the small mode's jobs


def run_profile(name: str, small: bool = False, commit: str | None = None) -> dict:
    """Run one profile from nothing in a temporary copy (of ``commit``'s files and library,
    default the working tree's); wall time and job times. ``small``: its small targets."""
    targets = SMALL_TARGETS[name] if small else []
    with tempfile.TemporaryDirectory() as tmp:
        repository_copy(Path(tmp), commit)
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src")}  # that copy's library
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "snakemake", *targets, "--cores", "all", *PROFILES[name]],
            cwd=tmp, capture_output=True, text=True, env=env,
        )  # fmt: skip
        wall = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(f"{name} profile failed:\n{done.stderr[-3000:]}")
        jobs = job_times(done.stderr + done.stdout)
    return {"wall": wall, "jobs": jobs}


def startup_seconds(repeat: int = 3) -> float:
    """Fastest start-up of a fresh Python process importing the stack a workflow script
    uses. [s]"""
    return fastest_run([sys.executable, "-c", STACK], repeat)


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
    parser.add_argument("--small", action="store_true", help="two quick jobs, no f4fd032 run")
    args = parser.parse_args()
    set_small(args.small)
    print(f"job start-up, a fresh process (python -c '{STACK}'): {startup_seconds():.2f} s")
    limits = {"paper": 180.0, "quick": 45.0}  # the performance issue's goals [s]
    for name in (["quick"] if args.small else args.profile or ["paper", "quick"]):
        result = run_profile(name, small=args.small)
        goal = "small mode" if args.small else (
            f"goal <= {limits[name]:.0f} s: {'yes' if result['wall'] <= limits[name] else 'NO'}")
        if not args.small:
            base = run_profile(name, commit=BASELINE)
            goal += f"; {BASELINE}: {len(base['jobs'])} jobs, {base['wall']:.0f} s wall"
        print(f"\n{name} profile: {len(result['jobs'])} jobs, {result['wall']:.0f} s wall ({goal})")
        print(summary(result))


if __name__ == "__main__":
    main()
