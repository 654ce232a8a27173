"""hwi_catalogue's hooks: what the shared layers take from this study (:mod:`hwiloc.plugins`).

- :func:`config_problems`: its levels ascending, the typical level inside them, a PLL slower
  than the sample rate of chen2022's system, an IQ imbalance short of |phase| = pi / 2 and
  within +-20 dB of amplitude mismatch at its largest level.

This module is light (no numerics): the workflow imports it when it builds the DAG.
"""

from __future__ import annotations

import math

AMPLITUDE_DB_MAX = 20.0  # largest IQ amplitude mismatch swept [dB]: the reference's schema range
PHASE_STD_MAX = math.pi / math.sqrt(3)  # array_phase: U(+-sqrt(3) s) fills (-pi, pi) [rad]
POSITION_STD_MAX = 0.25  # element_position: half of chen2022's lambda / 2 spacing [wavelengths]


def config_problems(config: dict) -> list[str]:
    """Every relation of ``config["hwi_catalogue"]`` that fails (none: [])."""
    return _relations(config) if "hwi_catalogue" in config else []


def _relations(config: dict) -> list[str]:
    """hwi_catalogue: levels ascending, the typical level inside them, a PLL slower than the
    sample rate of chen2022's system, an IQ imbalance short of |phase| = pi / 2 and within
    +-20 dB of amplitude mismatch at every level (level times the reference mismatch), an
    array phase std whose uniform law stays within (-pi, pi), an element position std within
    half the spacing, and oscillator linewidths that keep a phase from sample to sample."""
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
        if name == "array_phase" and levels[-1] > PHASE_STD_MAX:
            problems.append(
                f"{key}.levels': the largest std {levels[-1]!r} rad exceeds pi / sqrt(3) = "
                f"{PHASE_STD_MAX:.6g} rad, where the uniform phase U(-sqrt(3) s, sqrt(3) s) "
                "already fills (-pi, pi) and wraps; expected levels within [0, pi / sqrt(3)]"
            )
        if name == "element_position" and levels[-1] > POSITION_STD_MAX:
            problems.append(
                f"{key}.levels': the largest std {levels[-1]!r} wavelengths exceeds "
                f"{POSITION_STD_MAX:g}, half the array's lambda / 2 spacing, where neighbours "
                "trade places and the error is no calibration residual; expected levels within "
                f"[0, {POSITION_STD_MAX:g}]"
            )
        if name in ("wiener_pn", "pll_pn") and "chen2022" in config:
            bandwidth = config["chen2022"]["system"]["bandwidth"]
            variance = 2 * math.pi * levels[-1] / bandwidth  # per-sample increment, 2 pi beta T_s
            if variance > 1:
                problems.append(
                    f"{key}.levels': the largest linewidth {levels[-1]!r} Hz gives a per-sample "
                    f"phase increment variance 2 pi beta T_s = {variance:.3g} rad^2 > 1 at "
                    f"chen2022's sample rate {bandwidth:.6g} Hz: the oscillator keeps no phase "
                    f"from one sample to the next; expected beta <= "
                    f"{bandwidth / (2 * math.pi):.6g} Hz"
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

