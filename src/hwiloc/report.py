"""``python -m hwiloc report OUT.html``: Snakemake's report of what a run has made so far.

``snakemake --report`` refuses a partial run: every file marked for the report
must exist. This command asks Snakemake which files of the workflow exist
(``snakemake --summary``), builds the report of those alone (they are its
targets, so each brings what it was made from), and lists the files the
workflow has not made yet, with the command that makes them.

Arguments after ``--`` go to both Snakemake calls (e.g. ``--configfile
config/quick.yaml``, ``--snakefile``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys


def summary(snakemake_args: list[str]) -> tuple[list[str], list[str]]:
    """(existing, missing) files of the workflow's DAG, from ``snakemake --summary``."""
    cmd = [sys.executable, "-m", "snakemake", "--summary", "--nolock", *snakemake_args]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
    existing, missing = [], []
    for line in result.stdout.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) >= 5:
            (missing if fields[4] == "missing" else existing).append(fields[0])
    return existing, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hwiloc report", description=__doc__.split(
        "\n")[0])  # fmt: skip
    parser.add_argument("out", help="the report file to write (.html or .zip)")
    parser.epilog = "after --: arguments for snakemake, e.g. -- --configfile config/quick.yaml"
    argv = sys.argv[1:] if argv is None else list(argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    existing, missing = summary(extra)
    if not existing:
        print("report: the workflow has made no file yet; run it first "
              "(snakemake --cores all)", file=sys.stderr)  # fmt: skip
        return 1
    # the targets first: --configfile (in extra) takes every word that follows it
    cmd = [sys.executable, "-m", "snakemake", "--report", args.out, *existing, *extra]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        return result.returncode
    print(f"report: {args.out} holds what exists: {len(existing)} file(s) of the workflow; "
          f"{len(missing)} not made yet" + (":" if missing else ""))  # fmt: skip
    for path in missing[:20]:
        print(f"  missing: {path}")
    if len(missing) > 20:
        print(f"  ... and {len(missing) - 20} more")
    if missing:
        print("  make them with: snakemake --cores all" + (f" {' '.join(extra)}" if extra else ""))
    return 0
