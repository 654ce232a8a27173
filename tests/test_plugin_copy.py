"""A paper is a plugin: a copy of the smallest paper under a new name is new files only.

In a temporary copy of the repository (its tracked files, as they are in the work tree),
every file of the smallest paper (each tracked file whose path names it, docs aside) is
copied under a new name, with the name replaced in its text. No other file is touched.
Then the copy's own Snakefile builds the quick DAG (``snakemake -n``) and its own layout
test runs, each with the copy's library first on the path: the new paper's jobs appear,
one for each of the old paper's, and every other rule keeps its job count.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from repository import tracked_files

from hwiloc.papers import paper_names

pytestmark = pytest.mark.integration

NEW = "newpaper2030"


def own_files(name: str, files: list[str]) -> list[str]:
    """A plugin's files: every tracked file whose path names it, docs and history aside."""
    return [f for f in files if name in f and not f.startswith("docs/")]


def smallest_paper(files: list[str]) -> str:
    """The paper whose own files are the fewest lines (found by discovery)."""
    size = {p: sum(len((ROOT / f).read_bytes().splitlines()) for f in own_files(p, files))
            for p in paper_names()}  # fmt: skip
    return min(size, key=size.get)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def job_counts(text: str) -> dict[str, int]:
    table = text.split("Job stats:")[-1].split("\n\n")[0]
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)\s*$", table, flags=re.M)}


def dry_run(repo: Path, workdir: Path) -> dict[str, int]:
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}  # the copy's library first
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(repo / "Snakefile"),
         "--directory", str(workdir), "--cores", "2", "-n",
         "--configfile", str(repo / "config" / "quick.yaml")],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return job_counts(result.stdout + result.stderr)


@pytest.fixture(scope="module")
def copied(tmp_path_factory):
    """(old paper, the original copy's dry run, the copy with the new paper, its dry run)."""
    files = tracked_files()
    old = smallest_paper(files)
    base = tmp_path_factory.mktemp("plugin")
    before, after = base / "before", base / "after"
    for repo in (before, after):
        for f in files:
            (repo / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, repo / f)
    untouched = {f: digest(after / f) for f in files}
    added = []
    for f in own_files(old, files):
        target = after / f.replace(old, NEW)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = (ROOT / f).read_bytes()
        for a, b in ((old, NEW), (old.upper(), NEW.upper())):
            text = text.replace(a.encode(), b.encode())
        target.write_bytes(text)
        added.append(target.relative_to(after).as_posix())
    assert {f: digest(after / f) for f in files} == untouched  # no existing file edited
    runs = dry_run(before, base / "run_before"), dry_run(after, base / "run_after")
    return old, runs[0], after, runs[1], added


def test_the_copy_adds_files_only_and_found_a_paper(copied):
    old, _, after, _, added = copied
    assert old in paper_names() and added
    assert all(NEW in f for f in added)
    assert f"src/hwiloc/papers/{NEW}/config.yaml" in added
    assert f"workflow/rules/{NEW}.smk" in added


def test_the_new_papers_jobs_appear_and_nothing_else_changes(copied):
    old, before, _, after, _ = copied
    own = {rule: n for rule, n in before.items() if rule.startswith(f"{old}_")}
    assert own, f"no {old} rule in the quick DAG"
    new = {rule.replace(old, NEW): n for rule, n in own.items()}
    for rule, n in before.items():
        if rule != "total":
            assert after[rule] == n, rule  # every existing rule keeps its jobs
    for rule, n in new.items():
        assert after[rule] == n, rule  # one new job for each of the old paper's
    assert set(after) == set(before) | set(new)
    assert after["total"] == before["total"] + sum(new.values())


def test_the_copys_layout_test_lint_and_config_command_see_the_new_paper(copied):
    _, _, after, _, _ = copied
    env = {**os.environ, "PYTHONPATH": str(after / "src")}
    layout = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
         str(after / "tests" / "test_layout.py")],
        capture_output=True, text=True, timeout=600, env=env, cwd=after,
    )  # fmt: skip
    assert layout.returncode == 0, layout.stdout[-4000:]
    assert f"[{NEW}] PASSED" in layout.stdout  # its parts, claims, config and rules checked
    lint = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], capture_output=True,
                          text=True, timeout=300, env=env, cwd=after)  # fmt: skip
    assert "Congratulations" in lint.stdout + lint.stderr, (lint.stdout + lint.stderr)[-3000:]
    shown = subprocess.run([sys.executable, "-m", "hwiloc", "config"], capture_output=True,
                           text=True, timeout=120, env=env, cwd=after)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert f"\n{NEW}:" in shown.stdout
