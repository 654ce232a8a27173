"""Shared helpers for the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "f4fd032"  # main when the performance issue was filed: its numbers print beside ours


SMALL = "HWILOC_BENCHMARK_SMALL"  # set (by --small): quick profile, one repeat (the tests' mode)


def small() -> bool:
    """Whether the benchmarks run in their small mode (``--small``; inherited by children)."""
    return bool(os.environ.get(SMALL))


def set_small(on: bool) -> None:
    """Enter the small mode for this process and the processes it starts."""
    if on:
        os.environ[SMALL] = "1"


def profile() -> str:
    """The config profile the kernels run on: ``paper``, or ``quick`` in the small mode."""
    return "quick" if small() else "paper"


def config() -> dict:
    """The merged config the kernels run on: :func:`profile`'s, from the repository's root."""
    from hwiloc.config import default_config

    return default_config(profile(), ROOT / "config")


def best_of(fn, repeat: int):
    """(fastest wall time of ``repeat`` calls [s], the last result); one call when small."""
    times, out = [], None
    for _ in range(1 if small() else repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def repository_copy(dest: Path, commit: str | None = None) -> Path:
    """The repository's tracked files in ``dest`` (no results, no .snakemake): the working
    tree's (``commit`` None) or those of a commit (``git archive``). Returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    if commit is not None:
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True,
                                 check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        return dest
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()  # fmt: skip
    for f in files:
        if (ROOT / f).is_file():
            target = dest / f
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, target)
    return dest


def fastest_run(command: list[str], repeat: int, **kwargs) -> float:
    """Fastest wall time of ``repeat`` runs of ``command`` (one when small). [s]"""
    best = float("inf")
    for _ in range(1 if small() else repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best
