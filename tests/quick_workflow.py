"""Running the real workflow from a test: the Snakemake command line, its dry-run job table,
and the reruns a config change plans. The quick profile's run itself is the session fixture
``run`` of tests/conftest.py, shared by the workflow tests of every paper."""

import re
import subprocess
import sys

import yaml
from conftest import ROOT

QUICK = ROOT / "config" / "quick.yaml"
QUICK_RESULTS = "results/quick"  # config/quick.yaml's results root


def snakemake(workdir, *args, check=True):
    """Run this repository's workflow in ``workdir`` on 2 cores; the completed process."""
    cmd = [
        sys.executable, "-m", "snakemake",
        "--snakefile", str(ROOT / "Snakefile"),
        "--directory", str(workdir),
        "--cores", "2",
        *args,
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result


def planned_jobs(result) -> dict[str, int]:
    """Rule name -> job count in the 'Job stats' table of a dry run ({} if nothing to do)."""
    text = result.stdout + result.stderr
    if "Job stats:" not in text:
        return {}
    table = text.split("Job stats:")[-1].split("\n\n")[0]
    rows = re.findall(r"^(\w+)\s+(\d+)\s*$", table, flags=re.M)
    return {rule: int(n) for rule, n in rows if rule != "total"}


def reruns(run, tmp_path, overlay: dict) -> dict[str, int]:
    """The jobs a dry run of the quick profile plans after ``run`` with ``overlay`` on top
    (one --configfile with both files: a second --configfile flag replaces the first)."""
    path = tmp_path / "change.yaml"
    path.write_text(yaml.safe_dump(overlay))
    return planned_jobs(snakemake(run, "--configfile", str(QUICK), str(path), "--dry-run"))
