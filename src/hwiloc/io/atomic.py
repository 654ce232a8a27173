"""Atomic file output: write to a temporary name beside the target, then rename.

A failed or interrupted run never leaves a half-written file under the
target's name; the finished file gets the usual permissions (0666 less umask).
A run killed outright (SIGKILL, power loss) cannot remove its hidden
temporary file ``.<name>.<random>.tmp``; the next write of the same target
removes it (Snakemake runs one job per target at a time, so no live writer
owns it).
"""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    Leftover temporary files of an earlier, killed write of ``path`` are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_temporaries(path):
        os.remove(stale)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def stale_temporaries(path: str | os.PathLike) -> list[str]:
    """Hidden temporary files that an interrupted write of ``path`` left beside it."""
    path = Path(path)
    random = "[a-z0-9_]" * 8  # tempfile.mkstemp's random part: 8 of these characters
    pattern = os.path.join(glob.escape(str(path.parent)), f".{glob.escape(path.name)}.{random}.tmp")
    return sorted(glob.glob(pattern))
