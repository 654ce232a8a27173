"""hwi_catalogue's hooks: what the shared layers take from this study (:mod:`hwiloc.plugins`).

- :func:`config_problems`: its levels ascending, the typical level inside them, a PLL slower
  than the sample rate of chen2022's system, an IQ imbalance short of |phase| = pi / 2.

This module is light (no numerics): the workflow imports it when it builds the DAG.
"""

from __future__ import annotations

import math


def config_problems(config: dict) -> list[str]:
    """Every relation of ``config["hwi_catalogue"]`` that fails (none: [])."""
    return _relations(config) if "hwi_catalogue" in config else []


def _relations(config: dict) -> list[str]:
    """hwi_catalogue: levels ascending, the typical level inside them, a PLL slower than the
    sample rate of chen2022's system, an IQ imbalance short of |phase| = pi / 2."""
    problems = []
    h = config["hwi_catalogue"]
    for name, entry in h["impairments"].items():
        key = f"config key 'hwi_catalogue.impairments.{name}"
        levels = entry["levels"]
        if list(levels) != sorted(levels):
            problems.append(f"{key}.levels': got {levels!r}; expected ascending levels")
            continue
        positive = [v for v in levels if v > 0]
        if not positive or not positive[0] <= entry["typical"] <= levels[-1]:
            problems.append(
                f"{key}.typical': got {entry['typical']!r}; expected a level within the swept "
                f"ones' positive range [{positive[0] if positive else None!r}, {levels[-1]!r}] "
                "(the ranking reads the cost there)"
            )
        if "phase" in entry and abs(entry["phase"]) * levels[-1] >= math.pi / 2:
            problems.append(
                f"{key}.levels': the largest level {levels[-1]!r} times the phase "
                f"{entry['phase']!r} rad reaches pi / 2, where the quadrature branch is lost "
                "(|mu| = |nu|); expected a smaller level or phase"
            )
        if "loop_bandwidth" in entry and "chen2022" in config:
            bandwidth = config["chen2022"]["system"]["bandwidth"]
            kappa = 2 * math.pi * entry["loop_bandwidth"] / bandwidth
            if kappa > 1:
                problems.append(
                    f"{key}.loop_bandwidth': got {entry['loop_bandwidth']!r} Hz; 2 pi f_L T_s = "
                    f"{kappa:.3g} > 1 at chen2022's sample rate {bandwidth:.6g} Hz; expected "
                    f"f_L <= {bandwidth / (2 * math.pi):.6g} Hz"
                )
    return problems

