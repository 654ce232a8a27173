"""The peak memory of a job's work, for the resource-estimate tests of each paper."""

import tracemalloc


def peak(function) -> float:
    """Peak of numpy's allocations while ``function`` runs (tracemalloc sees them). [B]

    After one run that is not measured: numba compiles a kernel once (a fresh clone's
    cache is empty; later jobs load it from disk) and modules import once. ``function``
    builds its models from the config itself, as a job does, so nothing it allocates is
    cached from the first run.
    """
    function()
    tracemalloc.start()
    try:
        function()
        return float(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()
