"""This repository's files, for the tests that build, deploy or copy it: what a git clone
of the work tree would hold (tracked and new, not ignored), without network."""

import shutil
import subprocess

from conftest import ROOT


def tracked_files() -> list[str]:
    """The work tree's files a clone would hold (tracked and new, not ignored), relative."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    return [name for name in files if name and (ROOT / name).is_file()]


def source_copy(dest):
    """Copy :func:`tracked_files` into ``dest``; ``dest``."""
    for name in tracked_files():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    return dest
