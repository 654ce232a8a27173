"""Memory and disk each heavy job will need, estimated from the config before any job runs.

Each estimate is the size of the arrays a job holds at once, from the code that
allocates them, times a working factor for the temporaries numpy makes beside
them (checked against measured peaks in ``tests/test_resources.py``: every
estimate is at least the measured peak and within 20 times it):

The estimates are the plugins' (:mod:`hwiloc.plugins`): each paper's
``hooks.resource_estimates(config)`` returns an :class:`Estimate` per heavy job
family of its own, saying in its docstring what it counts.

:func:`check` refuses a config whose largest job needs more memory than the
machine has, or whose files need more disk than is free, naming the estimate
and the config key that drives it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

COMPLEX = 16  # complex128 [B]
WORKING = 3  # temporaries numpy holds beside the arrays an estimate counts [-]
MEMORY_FRACTION = 0.8  # a job may use this fraction of the machine's memory [-]


@dataclass(frozen=True)
class Estimate:
    """One job family's needs: peak memory of one job, and disk of all its files. [B]

    ``rules``: the prefixes of the rule names whose jobs it sizes (empty: every job), so
    that a run is judged on the jobs it will run (:func:`applies`).
    """

    job: str
    memory: float
    disk: float
    key: str  # the config key that drives it
    how: str  # the sizes it is made of
    rules: tuple[str, ...] = ()

    def applies(self, rules) -> bool:
        """Whether a run of jobs of ``rules`` (rule names) holds a job of this family."""
        return not self.rules or any(r.startswith(self.rules) for r in rules)



def estimates(config: dict, estimators=None) -> list[Estimate]:
    """The estimates of every heavy job family of ``config`` (a validated config).

    ``estimators``: callables ``estimate(config) -> list[Estimate]``, each a plugin's
    ``resource_estimates`` hook; default every plugin's (:func:`hwiloc.plugins.hook`).
    """
    if estimators is None:
        from hwiloc.plugins import hook

        estimators = [estimate for _, estimate in hook("resource_estimates")]
    return [e for estimate in estimators for e in estimate(config)]

def machine_memory() -> float:
    """Physical memory of this machine. [B]"""
    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def free_disk(path: str = ".") -> float:
    """Free space on the file system of ``path``. [B]"""
    return float(shutil.disk_usage(path).free)


def size(value: float) -> str:
    """Bytes as B, kB, MB, GB or TB (decimal)."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.0f} B"


def check(
    config: dict,
    memory: float | None = None,
    disk: float | None = None,
    estimators=None,
    rules=None,
) -> list[str]:
    """Why ``config`` does not fit this machine (empty if it does).

    ``memory`` and ``disk`` default to the machine's memory and the free disk of
    the working directory [B]; ``estimators`` as :func:`estimates`'. ``rules``: the
    rule names of the jobs that will run (the DAG's); only the estimates of those jobs
    count (default: every estimate, as for the whole workflow).
    """
    memory = machine_memory() if memory is None else memory
    disk = free_disk() if disk is None else disk
    found = [e for e in estimates(config, estimators) if rules is None or e.applies(rules)]
    problems = []
    for e in found:
        if e.memory > MEMORY_FRACTION * memory:
            problems.append(
                f"config key '{e.key}': one {e.job} job needs about {size(e.memory)} of memory "
                f"({e.how}); this machine has {size(memory)}. Lower it"
            )
    total = sum(e.disk for e in found)
    if found and total > disk:
        worst = max(found, key=lambda e: e.disk)
        problems.append(
            f"config key '{worst.key}': the results need about {size(total)} of disk "
            f"({worst.job}: {worst.how}, {size(worst.disk)}); {size(disk)} are free. Lower it"
        )
    return problems


def table(config: dict, estimators=None) -> str:
    """The estimates as lines for the dry run (``estimators`` as :func:`estimates`')."""
    lines = ["resource estimates (hwiloc.resources; peak memory of one job, disk of its files):"]
    for e in estimates(config, estimators):
        disk = f", disk {size(e.disk)}" if e.disk else ""
        lines.append(f"  {e.job}: memory {size(e.memory)}{disk} ({e.how})")
    return "\n".join(lines)
