"""Shared timing helper for the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import time


def best_of(fn, repeat: int):
    """(fastest wall time of ``repeat`` calls [s], the last result)."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out
