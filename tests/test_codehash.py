"""A result knows the code that made it: a changed library function reruns exactly the jobs
whose code changed, and verify calls the files it made stale."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from repository import source_copy

from hwiloc.codehash import (
    closure,
    code_hash,
    dynamic_imports,
    imported_modules,
    script_code_hash,
)


def test_the_closure_follows_imports_at_any_depth_and_the_packages_above():
    source = "def f():\n    from hwiloc.papers.xlmimo2022 import stages\n"
    direct = imported_modules(source)
    assert {"hwiloc", "hwiloc.papers", "hwiloc.papers.xlmimo2022",
            "hwiloc.papers.xlmimo2022.stages"} <= direct  # fmt: skip
    found = closure(direct)
    assert "hwiloc.bounds.generic" in found  # stages -> the generic engine
    assert "hwiloc.papers.zhang2025.stages" not in found  # another paper: never
    relative = imported_modules("from .system import Scenario\n", "hwiloc.papers.x.stages")
    assert relative == {"hwiloc", "hwiloc.papers"}  # no such paper: only the packages above
    assert imported_modules("from . import system\n", "hwiloc.papers.xlmimo2022", True) >= {
        "hwiloc.papers.xlmimo2022.system"}  # fmt: skip


def test_imports_are_found_in_every_kind_of_statement_body():
    source = textwrap.dedent("""
        class A:
            def f(self):
                with open("x"):
                    import hwiloc.geometry
        try:
            pass
        except ImportError:
            from hwiloc import constants
        else:
            import hwiloc.streams
        finally:
            from hwiloc.io import atomic
        for _ in ():
            pass
        else:
            import hwiloc.ofdm
        match 1:
            case 1:
                import hwiloc.validation
        x = [__import__("os") for _ in ()]  # an expression: not an import statement
    """)
    found = imported_modules(source)
    assert {"hwiloc.geometry", "hwiloc.constants", "hwiloc.streams", "hwiloc.io.atomic",
            "hwiloc.ofdm", "hwiloc.validation"} <= found  # fmt: skip


def test_the_hash_follows_the_sources_only():
    modules = ("hwiloc.geometry", "hwiloc.constants")
    assert code_hash(modules) == code_hash(reversed(modules)) and len(code_hash(modules)) == 16
    assert code_hash(modules) != code_hash(modules[:1])
    assert script_code_hash("import numpy\n") == code_hash(())


def test_a_module_a_script_imports_by_its_rules_paper_is_in_its_hash():
    """workflow/scripts/assumptions.py imports the paper's fit by the rule's ``paper`` param:
    the fit's modules (chen2022's batched bounds among them) are in its code hash, so a change
    to them reruns the fit; a name the params do not give is refused, not left out."""
    source = (Path(__file__).resolve().parents[1] / "workflow/scripts/assumptions.py").read_text()
    static = closure(imported_modules(source))
    named = closure(imported_modules(source) | dynamic_imports(source, {"paper": "chen2022"}))
    assert "hwiloc.bounds.batch" not in static and "hwiloc.bounds.batch" in named
    assert {"hwiloc.papers.chen2022.assumptions", "hwiloc.papers.chen2022.figures"} <= set(named)
    assert script_code_hash(source, {"paper": "chen2022"}) == code_hash(named)
    assert script_code_hash(source, {"paper": "zhang2025"}) != code_hash(named)
    with pytest.raises(ValueError, match="params do not give"):
        script_code_hash(source, {})
    assert dynamic_imports('importlib.import_module("hwiloc.geometry")\n', {}) == {
        "hwiloc", "hwiloc.geometry"}  # fmt: skip


def _run(repo, work, *args):
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}  # the copy's library first
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(repo / "Snakefile"),
         "--directory", str(work), "--cores", "2", *args,
         "--configfile", str(repo / "config" / "quick.yaml")],
        capture_output=True, text=True, timeout=900, env=env,
    )  # fmt: skip


@pytest.mark.integration
def test_a_changed_library_function_reruns_its_jobs_only_and_verify_finds_them(tmp_path):
    repo = source_copy(tmp_path / "repo")
    work = tmp_path / "work"
    targets = ["results/quick/xlmimo2022/bounds.nc",
               "results/quick/chen2022/bounds/seed~2022/bounds.nc"]  # fmt: skip
    done = _run(repo, work, *targets)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Nothing to be done" in (again := _run(repo, work, "-n", *targets)).stdout + again.stderr
    stages = repo / "src" / "hwiloc" / "papers" / "xlmimo2022" / "stages.py"
    stages.write_text(stages.read_text().replace(
        "def bounds_dataset(", "def _unused():\n    return 1\n\n\ndef bounds_dataset(", 1))
    planned = _run(repo, work, "-n", *targets)
    text = planned.stdout + planned.stderr
    assert planned.returncode == 0, text[-3000:]
    jobs = text.split("Job stats:")[-1].split("\n\n")[0]
    assert "xlmimo2022_bounds" in jobs and "chen2022" not in jobs, jobs
    assert "params" in text  # the reason Snakemake gives: the rule's code param changed
    env = {**os.environ, "PYTHONPATH": str(repo / "src")}
    verify = subprocess.run([sys.executable, "-m", "hwiloc", "verify", "results/quick",
                             "--ignore-missing"], cwd=work, capture_output=True, text=True,
                            env=env, timeout=300)  # fmt: skip
    assert verify.returncode == 1, verify.stdout
    assert "stale: results/quick/xlmimo2022/bounds.nc" in verify.stdout
    # the rule's CSV says nothing of its code: the run manifest's record of the job does
    assert "stale: results/quick/xlmimo2022/bounds.csv" in verify.stdout
    assert "stale: results/quick/chen2022" not in verify.stdout
