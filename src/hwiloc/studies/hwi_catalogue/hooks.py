"""hwi_catalogue's hooks: what the shared layers take from this study (:mod:`hwiloc.plugins`).

- :func:`config_problems`: its levels ascending, the typical level inside them, a PLL slower
  than the sample rate of chen2022's system, an IQ imbalance short of |phase| = pi / 2 and
  within +-20 dB of amplitude mismatch at its largest level.

This module is light (no numerics): the workflow imports it when it builds the DAG.
"""

from __future__ import annotations

import math

AMPLITUDE_DB_MAX = 20.0  # largest IQ amplitude mismatch swept [dB]: the reference's schema range


def config_problems(config: dict) -> list[str]:
    """Every relation of ``config["hwi_catalogue"]`` that fails (none: [])."""
    return _relations(config) if "hwi_catalogue" in config else []


def _relations(config: dict) -> list[str]:
    """hwi_catalogue: levels ascending, the typical level inside them, a PLL slower than the
    sample rate of chen2022's system, an IQ imbalance short of |phase| = pi / 2 and within
    +-20 dB of amplitude mismatch at every level (level times the reference mismatch)."""
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
        if "amplitude_db" in entry and abs(entry["amplitude_db"]) * levels[-1] > AMPLITUDE_DB_MAX:
            problems.append(
                f"{key}.levels': the largest level {levels[-1]!r} times the amplitude mismatch "
                f"{entry['amplitude_db']!r} dB is {abs(entry['amplitude_db']) * levels[-1]:.4g} "
                f"dB; expected at most {AMPLITUDE_DB_MAX:g} dB (the schema's range of the "
                "reference mismatch: beyond it the I and Q gains differ by more than 10x and "
                "the image comes within 1.7 dB of the signal)"
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

