"""The SLURM profile against a real one-node SLURM: the README's cluster command
runs the quick DAG through snakemake-executor-plugin-slurm, and its results equal
a local run's.

.ci/run starts the cluster (.ci/slurm_up.sh: munge, MariaDB, slurmdbd, slurmctld,
slurmd; root on Debian), sets HWILOC_SLURM_CLUSTER=1 and stops it afterwards
(.ci/slurm_down.sh). Elsewhere this module skips.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr
from conftest import ROOT

from hwiloc.io.netcdf import read_dataset

pytestmark = [pytest.mark.integration, pytest.mark.slurm]

if os.environ.get("HWILOC_SLURM_CLUSTER") != "1" or shutil.which("sbatch") is None:
    pytest.skip(
        "no SLURM cluster to test against: .ci/run starts a one-node SLURM with "
        ".ci/slurm_up.sh (needs root and apt-get; its output says why it did not) "
        "and sets HWILOC_SLURM_CLUSTER=1",
        allow_module_level=True,
    )

TIMEOUT = 900  # [s] for one run of the quick DAG; the run is killed after it
QUICK = ROOT / "config" / "quick.yaml"


def readme_cluster_command() -> tuple[dict[str, str], list[str]]:
    """The first code block of the cluster guide (docs/guides/cluster.md, once README's
    "Running on a cluster") that runs snakemake: (exported variables, command)."""
    guide = ROOT / "docs" / "guides" / "cluster.md"
    blocks = guide.read_text().split("```")[1::2]
    for block in blocks:
        exports, command = {}, None
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            if line.startswith("export "):
                exports.update(kv.split("=", 1) for kv in shlex.split(line)[1:])
            elif line.startswith("snakemake ") and command is None:
                command = shlex.split(line)
        if command is not None:
            return exports, command
    raise AssertionError(f"{guide}: no code block with a snakemake command")


def default_account_and_partition() -> tuple[str, str]:
    """The submitting user's default account (slurmdbd) and the default partition."""
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout
    account = subprocess.run(
        ["sacctmgr", "-nP", "show", "user", user.strip(), "format=DefaultAccount"],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout.split()[0]  # fmt: skip
    partitions = subprocess.run(
        ["sinfo", "-h", "-o", "%P"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.split()
    return account, next(p.rstrip("*") for p in partitions if p.endswith("*"))


def run_snakemake(workdir: Path, args: list[str], env: dict[str, str]) -> tuple[str, float]:
    """Run Snakemake in workdir under a hard timeout; return its output and wall time [s].

    On timeout the whole process group is killed and every job left in the queue is
    cancelled (the cluster is this test's own), so that nothing hangs.
    """
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "snakemake", *args], cwd=workdir, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        jobs = subprocess.run(["squeue", "-h", "-o", "%i"], capture_output=True, text=True)
        if jobs.stdout.split():
            subprocess.run(["scancel", *jobs.stdout.split()], timeout=30)
        pytest.fail(f"snakemake did not finish in {TIMEOUT} s:\n{output[-5000:]}")
    wall = time.monotonic() - start
    assert process.returncode == 0, f"snakemake failed:\n{output[-5000:]}"
    return output, wall


def readme_cluster_run() -> tuple[dict[str, str], list[str], str, str]:
    """(environment, snakemake arguments, account, partition) of the README's cluster command
    on this cluster."""
    exports, command = readme_cluster_command()
    account, partition = default_account_and_partition()
    env = dict(os.environ)
    for name, placeholder in exports.items():  # e.g. SBATCH_ACCOUNT=ACCOUNT
        env[name] = {"ACCOUNT": account, "PARTITION": partition}[placeholder]
    args = command[1:]
    profile = args.index("--profile") + 1
    args[profile] = str(ROOT / args[profile])  # the README runs from the repository root
    return env, args, account, partition


@pytest.fixture(scope="module")
def runs(tmp_path_factory, request):
    """The quick DAG by the README's cluster command, then locally: (slurm, local) dirs."""
    env, args, account, partition = readme_cluster_run()
    slurm = tmp_path_factory.mktemp("slurm")
    output, slurm_wall = run_snakemake(
        slurm, [*args, "--snakefile", str(ROOT / "Snakefile"), "--configfile", str(QUICK)], env
    )
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+)", output)
    local = tmp_path_factory.mktemp("local")
    _, local_wall = run_snakemake(
        local,
        ["--snakefile", str(ROOT / "Snakefile"), "--cores", "2", "--configfile", str(QUICK)],
        dict(os.environ),
    )
    summary = (
        f"quick DAG: SLURM {slurm_wall:.0f} s ({len(submitted)} cluster jobs, "
        f"account {account}, partition {partition}); local {local_wall:.0f} s (--cores 2)"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:  # in the test log, also when passing
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\n{summary}")
    return {"slurm": slurm, "local": local, "output": output, "jobs": submitted}


def test_every_cluster_job_completed_in_the_accounting(runs):
    jobs = runs["jobs"]
    # light rules run beside Snakemake and small shards are grouped: few cluster jobs
    assert 1 <= len(jobs) <= 8, runs["output"][-3000:]
    states = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-o", "JobID,State,Account", "-j", ",".join(jobs)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()  # fmt: skip
    assert len(states) == len(jobs)
    assert all(s.split("|")[1] == "COMPLETED" for s in states), states
    account, _ = default_account_and_partition()
    assert all(s.split("|")[2] == account for s in states), states  # SBATCH_ACCOUNT reached sbatch


def test_cluster_jobs_get_the_profile_resources(runs):
    """The README's variables add the account and partition; the profile's resources stay."""
    jobs = runs["jobs"]
    rows = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-o", "JobID,Partition,ReqMem,Timelimit,ReqCPUS",
         "-j", ",".join(jobs)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()  # fmt: skip
    _, partition = default_account_and_partition()
    for row in rows:
        _, part, mem, limit, _ = row.split("|")
        assert part == partition
        assert mem != "0" and limit not in ("", "UNLIMITED", "Partition_Limit"), row


def test_a_chunked_study_runs_its_chunks_as_cluster_jobs(runs):
    """Every quick study is cut into two chunks (chunk_rows 1): each chunk, not a local rule,
    ran inside a submitted cluster job (group 'studies') and wrote its rows; the gathering
    job ran beside Snakemake and joined them."""
    output = runs["output"]
    for study in ("wideband", "array_design", "tolerance", "saf_mcrb", "crlb_map"):
        assert re.search(rf"study_{study}_chunk", output), study
        (folder,) = (runs["slurm"] / "results" / "quick" / "studies" / study).glob("study_key~*")
        chunks = sorted((folder / "chunks").glob("chunk~*.nc"))
        assert len(chunks) == 2, (study, chunks)
        gathered = read_dataset(folder / f"{study}.nc")
        assert gathered.sizes["row"] == sum(read_dataset(c).sizes["row"] for c in chunks)


def result_files(workdir: Path) -> set[Path]:
    root = workdir / "results" / "quick"  # config/quick.yaml's results root
    files = {p.relative_to(root) for p in root.rglob("*") if p.is_file()}
    # logs hold times; the run manifest (.manifest) holds each file's SHA-256, a PDF's with
    # its creation date: the manifests are compared below through the files they record
    return {f for f in files if f.parts[0] not in ("logs", ".manifest")}


def test_results_equal_a_local_run_bit_for_bit(runs):
    slurm, local = runs["slurm"], runs["local"]
    files = result_files(local)
    assert result_files(slurm) == files
    for name in sorted(files):
        a, b = slurm / "results" / "quick" / name, local / "results" / "quick" / name
        if name.suffix == ".nc":
            x, y = read_dataset(a), read_dataset(b)
            # exact values, dims, coordinates and attributes; history holds the time of writing
            x.attrs.pop("history", None), y.attrs.pop("history", None)
            xr.testing.assert_identical(x, y)
        elif name.suffix in (".csv", ".md", ".png"):
            assert a.read_bytes() == b.read_bytes(), name
        else:  # PDF: the creation date differs
            assert a.read_bytes()[:5] == b.read_bytes()[:5] == b"%PDF-", name
    # every job recorded what it wrote, on the cluster as locally
    from hwiloc.runlog import read_manifests

    recorded = [set(read_manifests(w / "results" / "quick")) for w in (slurm, local)]
    assert recorded[0] == recorded[1] and {str(f) for f in files if f.suffix != ".html"} <= \
        recorded[0]  # fmt: skip


def test_the_readmes_squeue_escape_completes_cluster_jobs(tmp_path):
    """The cluster guide's escape for clusters without accounting: job states from squeue."""
    guide = ROOT / "docs" / "guides" / "cluster.md"
    escape = re.search(r"Add `(--slurm-status-command squeue)`", guide.read_text())
    assert escape, f"{guide}: the squeue escape is no longer documented as a flag"
    env, args, _, _ = readme_cluster_run()
    target = "results/quick/xlmimo2022/bounds.nc"  # one cluster job
    output, _ = run_snakemake(
        tmp_path,
        [target, *args, *shlex.split(escape.group(1)), "--snakefile", str(ROOT / "Snakefile"),
         "--configfile", str(QUICK)],  # the target first: --configfile takes every word after it
        env,
    )  # fmt: skip
    jobs = re.findall(r"has been submitted with SLURM jobid (\d+)", output)
    assert len(jobs) == 1 and (tmp_path / target).stat().st_size > 0, output[-3000:]
    state = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-o", "State", "-j", jobs[0]],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()  # fmt: skip
    assert state == ["COMPLETED"]
