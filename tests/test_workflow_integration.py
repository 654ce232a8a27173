"""The real Snakemake DAG, quick profile, end to end in a temporary directory."""

import re
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT
from quick_workflow import QUICK, QUICK_RESULTS, planned_jobs, reruns, snakemake

from hwiloc.io.netcdf import read_dataset
from hwiloc.plugins import plugins, slurm_group_components

pytestmark = pytest.mark.integration

# Every paper's and study's own workflow tests (its outputs, the reruns of its keys, its
# path keys) are in its test file, tests/test_<name>.py, on the same quick run (the session
# fixture `run`). Here: what holds for every plugin, found by discovery.


def test_every_netcdf_output_describes_every_variable(run):
    # docs/guides/trust.md: units and long_name on every variable, equations in `references`
    missing = []
    for path in sorted((run / QUICK_RESULTS).rglob("*.nc")):
        if "captures" in path.parts:  # the emulated captures: raw input, written by h5netcdf
            continue
        ds = read_dataset(path)
        missing += [f"{path.relative_to(run)}: {name}" for name in ds.variables
                    if not {"units", "long_name"} <= set(ds[name].attrs)]  # fmt: skip
        if not ds.attrs.get("references"):
            missing.append(f"{path.relative_to(run)}: references")
    assert not missing, missing


def test_compiled_kernels_are_cached_in_the_working_directory(run):
    # the jobs that ran a kernel (SAF, calibration) wrote its index to the workflow's cache
    cache = run / ".snakemake" / "numba_cache"
    names = {p.name.split("-")[0] for p in cache.rglob("*.nbi")}
    assert {"kernels.saf_backprojection", "kernels.lse_accumulate"} <= names, names


def test_nothing_reruns_after_a_run(run):
    again = snakemake(run, "--configfile", str(QUICK), "--dry-run")
    assert "Nothing to be done" in again.stdout + again.stderr


def _plugin_tables(attribute: str) -> list:
    """The rows of table ``attribute`` (RERUNS, PATH_KEY_TARGETS) of every plugin's test
    module tests/test_<name>.py that has one, found by discovery."""
    import importlib

    rows = []
    for plugin in plugins():
        if (ROOT / "tests" / f"test_{plugin.name}.py").exists():
            table = getattr(importlib.import_module(f"test_{plugin.name}"), attribute, {})
            rows += list(table.items()) if isinstance(table, dict) else list(table)
    return rows


RERUNS = _plugin_tables("RERUNS")


@pytest.mark.parametrize("key, change", RERUNS, ids=[key for key, _ in RERUNS])
def test_a_single_key_change_reruns_the_jobs_of_its_table(run, tmp_path, key, change):
    """Each rule's params are the config keys it uses and nothing more: a value reruns what
    depends on it, and only that (quick profile, after its run)."""
    overlay, expected = change
    assert reruns(run, tmp_path, overlay) == expected, key


@pytest.mark.parametrize("target, message", _plugin_tables("PATH_KEY_TARGETS"))
def test_a_target_whose_path_keys_contradict_the_config_is_refused(tmp_path, target, message):
    result = snakemake(tmp_path, "-n", target, "--configfile", str(QUICK), check=False)
    text = result.stdout + result.stderr
    assert result.returncode != 0 and message in text and "Job stats" not in text


def test_verify_finds_a_deleted_intermediate_and_passes_a_clean_run(run, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(run / QUICK_RESULTS, copy / QUICK_RESULTS)
    args = ["--", "--snakefile", str(ROOT / "Snakefile"), "--configfile",
            str(QUICK)]  # fmt: skip
    verify = [sys.executable, "-m", "hwiloc", "verify", QUICK_RESULTS, *args]
    clean = subprocess.run(verify, cwd=copy, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout[-2000:]
    assert " 0 problem(s)" in clean.stdout
    intermediate = sorted((copy / QUICK_RESULTS).rglob("*.nc"))[0]  # whichever comes first
    intermediate.unlink()
    found = subprocess.run(verify, cwd=copy, capture_output=True, text=True)
    rel = intermediate.relative_to(copy)
    assert found.returncode == 1 and f"missing: {rel}: absent" in found.stdout
    assert f"regenerate: snakemake --cores all '{rel}'" in found.stdout


def test_every_job_records_what_it_wrote_and_verify_finds_a_hand_edit(run, tmp_path):
    """The run manifest (hwiloc.runlog): every output of every script job is recorded with
    its SHA-256, and a self-consistent hand edit of a table is found."""
    import shutil

    from hwiloc.runlog import read_manifests

    recorded = read_manifests(run / QUICK_RESULTS)
    outputs = [p for p in (run / QUICK_RESULTS).rglob("*")
               if p.is_file() and p.suffix in (".nc", ".csv", ".md", ".png", ".pdf")
               and ".manifest" not in p.parts and "logs" not in p.parts
               and p.name != "report.html"]  # fmt: skip
    unrecorded = [p for p in outputs if str(p.relative_to(run / QUICK_RESULTS)) not in recorded]
    assert outputs and not unrecorded, unrecorded[:5]
    copy = tmp_path / "copy"
    shutil.copytree(run / QUICK_RESULTS, copy / QUICK_RESULTS)
    table = sorted((copy / QUICK_RESULTS).rglob("claims.csv"))[0]
    table.write_text(table.read_text().replace("reproduced", "reproduced ", 1))
    verify = [sys.executable, "-m", "hwiloc", "verify", QUICK_RESULTS, "--ignore-missing"]
    found = subprocess.run(verify, cwd=copy, capture_output=True, text=True)
    assert found.returncode == 1 and "1 problem(s): 1 edited" in found.stdout, found.stdout
    assert f"edited: {table.relative_to(copy)}" in found.stdout


def test_the_paper_profile_writes_nothing_of_the_quick_profiles(run):
    """Each profile under its own results root (config results): after a quick run, the paper
    profile's DAG plans files under results/ only, none under results/quick/, and the quick
    profile has nothing left to do."""
    summary = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
         "--directory", str(run), "--summary", "--nolock"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    paths = [line.split("\t")[0] for line in summary.stdout.splitlines()[1:] if "\t" in line]
    assert len(paths) > 100 and all(p.startswith("results/") for p in paths)
    assert not [p for p in paths if p.startswith(QUICK_RESULTS + "/")]
    quick = snakemake(run, "--configfile", str(QUICK), "--dry-run")
    assert "Nothing to be done" in quick.stdout + quick.stderr


def test_assumptions_stage_outputs(run):
    """Every paper with unknowns (an assumptions module) has its fit's table and figure."""
    fitted = [p.name for p in plugins() if (p.folder / "assumptions.py").exists()]
    assert fitted
    for name in fitted:
        a = run / QUICK_RESULTS / name / "assumptions"
        ds = read_dataset(a / "assumptions.nc")
        assert {"value", "verdict", "num_reproduced", "default_verdict"} <= set(ds.data_vars)
        assert ds["claim_misfit"].attrs["units"] == "decade"
        text = (a / "assumptions.md").read_text()
        assert "| unknown | config key | shipped default | fitted | fit region |" in text
        assert "The shipped defaults are " in text  # inside or OUTSIDE: the quick grids are coarse
        assert (a / "assumptions.png").stat().st_size > 10_000


def test_report_renders_every_figure_with_its_caption_and_the_claims(run):
    report = run / QUICK_RESULTS / "report.html"
    snakemake(run, "--configfile", str(QUICK), "--report", str(report))
    html = report.read_text()
    assert report.stat().st_size > 100_000
    papers = [p.name for p in plugins() if p.package.startswith("hwiloc.papers.")]
    for name in papers:  # the first page: each paper's claims headline (workflow.rst)
        assert re.search(rf"{name}: independent rows \d+ of \d+ reproduced", html), name
    for plugin in plugins():  # every figure of every plugin, and its claims
        figures = sorted((run / QUICK_RESULTS / plugin.name).rglob("figures/*.png"))
        assert figures, plugin.name
        for png in figures:
            assert png.relative_to(run / QUICK_RESULTS).as_posix() in html, png
        assert f"{plugin.name}/claims." in html, plugin.name
    for study in yaml.safe_load(QUICK.read_text())["studies"]:
        assert re.search(rf"studies/{study}/study_key~[0-9a-f]{{12}}/{study}.png", html), study
    assert "Each claim of" in html  # a caption


def _rule_resources() -> dict[str, dict[str, int]]:
    """Rule -> the resources its rules file states (workflow/rules/*.smk)."""
    out = {}
    for path in (ROOT / "workflow" / "rules").glob("*.smk"):
        for name, body in re.findall(r"^rule (\w+):\n((?:    .*\n|\n)*)", path.read_text(), re.M):
            stated = dict(re.findall(r"^\s+(mem_mb|runtime)=(\d+)", body, re.M))
            if stated:
                out[name] = {k: int(v) for k, v in stated.items()}
    return out


def test_slurm_profile_dry_run_groups_shards_and_keeps_light_rules_local(tmp_path):
    local = planned_jobs(snakemake(tmp_path, "--dry-run", "--configfile", str(QUICK)))
    result = snakemake(
        tmp_path, "--profile", str(ROOT / "profiles" / "slurm"), "--dry-run",
        "--configfile", str(QUICK),
    )  # fmt: skip
    text = result.stdout + result.stderr
    counts = planned_jobs(result)
    assert counts == local  # the profile groups jobs: it adds none and drops none
    # the groups are the plugins' (their rules' `group:`), sized by their hooks
    sizes = slurm_group_components()
    blocks = re.findall(r"Group job (\w+) \(jobs in lexicogr. order\):\n((?:\n|    .*\n)*)", text)
    assert blocks and {group for group, _ in blocks} <= set(sizes)
    grouped = sum(len(re.findall(r"^    rule \w+:", body, re.M)) for _, body in blocks)
    assert grouped > len(blocks)  # fewer cluster jobs than grouped jobs
    # outside a group, only light localrules and single jobs
    outside = re.sub(r"Group job .*?\n((?:\n|    .*\n)*)", "", text)
    ungrouped = set(re.findall(r"^(?:\[.*?\]\n)?rule (\w+):", outside, flags=re.M))
    light = re.compile(r"all|.*_(fig\d\w*|figures?|gather|table1?|claims|scenario|realization)$")
    local_rules = set()
    for path in (ROOT / "workflow" / "rules").glob("*.smk"):
        local_rules |= set(re.findall(r"^rule (\w+):\n    localrule: True", path.read_text(), re.M))
    heavy = [r for r in ungrouped if not (light.match(r) or r in local_rules or counts[r] == 1)]
    assert ungrouped and not heavy, heavy
    # each rule's stated memory and runtime reach its jobs
    for rule, stated in _rule_resources().items():
        if rule in counts:
            job = text.split(f"rule {rule}:")[1].split("\n\n")[0]
            for key, value in stated.items():
                assert f"{key}={value}" in job, (rule, key)
    assert not (tmp_path / "results").exists()  # a dry run writes nothing
