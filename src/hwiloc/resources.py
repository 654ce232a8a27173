"""Memory and disk each heavy job will need, estimated from the config before any job runs.

Each estimate is the size of the arrays a job holds at once, from the code that
allocates them, times a working factor for the temporaries numpy makes beside
them (checked against measured peaks in ``tests/test_resources.py``: every
estimate is at least the measured peak and within 20 times it):

- ``zhang2025 emulated capture`` (one per capture): on disk its CSI, complex64
  N K L (8 B a value), plus the positions; in memory one chunk of symbols at a
  time, the noise drawn as float64 pairs and the block in complex128.
- ``zhang2025 measured CSI`` (calibrate, evaluate): a chunk of symbols in
  complex128 and the SAF kernel's range profiles and grid chunks.
- ``chen2022`` (every job): the observation model on G (K + K_cp) samples
  with its derivatives and the pilots, the N x N coupling and combiner
  matrices, per-antenna responses over the subcarriers (N x K, the hardware
  draws), and the MLE's coarse grid (K x T delay phasors, A x T scores).
- ``xlmimo2022 Monte Carlo`` (per shard): the coarse search's steering [T, A, N],
  delay [T, D, K] and score arrays, and the observations [T, N, K].

:func:`check` refuses a config whose largest job needs more memory than the
machine has, or whose files need more disk than is free, naming the estimate
and the config key that drives it.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass

COMPLEX = 16  # complex128 [B]
WORKING = 3  # temporaries numpy holds beside the arrays an estimate counts [-]
MEMORY_FRACTION = 0.8  # a job may use this fraction of the machine's memory [-]


@dataclass(frozen=True)
class Estimate:
    """One job family's needs: peak memory of one job, and disk of all its files. [B]"""

    job: str
    memory: float
    disk: float
    key: str  # the config key that drives it
    how: str  # the sizes it is made of


def _chen2022(c: dict) -> Estimate:
    s = c["system"]
    n, k, g = int(s["num_antennas"]), int(s["num_subcarriers"]), int(s["num_transmissions"])
    samples = g * (k + int(s["cyclic_prefix"]))
    mc = c["montecarlo"]
    angles = math.pi / float(mc["grid_theta_step"])
    taus = float(mc["grid_tau_max"]) / float(mc["grid_tau_step"])
    model = 32 * samples * COMPLEX  # mean, D, H (4 parameters: 21 arrays), pilots, FFT buffers
    matrices = 4 * n * n * COMPLEX  # coupling C, its residual, combiners W C
    array = 4 * n * k * COMPLEX  # per-antenna responses over the subcarriers (hardware draws)
    grid = (k * taus + g * angles + angles * taus) * COMPLEX  # delay, steering, scores
    return Estimate(
        "chen2022", WORKING * (model + matrices + array + grid), 0.0,
        "chen2022.system.num_antennas / num_subcarriers / num_transmissions",
        f"G (K + K_cp) = {samples} samples, N = {n}, MLE grid {angles:.0f} x {taus:.0f}",
    )  # fmt: skip


def _emulated_captures(z: dict) -> Estimate | None:
    m = z["measured"]
    if m["source"] != "emulator":
        return None
    s, emu = z["system"], m["emulator"]
    n, k, symbols = int(s["num_antennas"]), int(s["num_subcarriers"]), int(emu["num_symbols"])
    chunk = min(int(m["chunk_symbols"]), symbols)
    captures = len(emu["captures"])
    # csi complex64 (+1 % chunk index and checksums), positions and drift, 1 MB of metadata
    disk = captures * (1.01 * 8 * n * k * symbols + 40 * symbols + 1e6)
    memory = COMPLEX * n * k * (6 + 5 * chunk)  # z pairs (2), noise, block; clean, offsets
    return Estimate(
        "zhang2025 emulated capture", WORKING * memory, disk,
        "zhang2025.measured.emulator.num_symbols",
        f"{captures} captures x N {n} x K {k} x L {symbols} symbols",
    )  # fmt: skip


def _measured(z: dict) -> Estimate:
    s, m = z["system"], z["measured"]
    n, k = int(s["num_antennas"]), int(s["num_subcarriers"])
    chunk = int(m["chunk_symbols"])
    grid_chunk = 1 << 15  # hwiloc.ambiguity's points per chunk
    memory = COMPLEX * (n * k * (4 + 3 * chunk) + 4 * n * grid_chunk)
    return Estimate("zhang2025 measured-CSI (calibrate, evaluate)", WORKING * memory, 0.0,
                    "zhang2025.measured.chunk_symbols",
                    f"chunks of {chunk} symbols x N {n} x K {k}")  # fmt: skip


def _xlmimo2022(x: dict) -> Estimate:
    s, mc = x["system"], x["montecarlo"]
    n, k = int(s["num_antennas"]), int(s["num_subcarriers"])
    c = mc["coarse"]
    a = 2 * float(c["angle_halfwidth"]) / float(c["angle_step"]) + 1
    d = 2 * float(c["distance_halfwidth"]) / float(c["distance_step"]) + 1
    trials = math.ceil(int(mc["num_trials"]) / int(mc["num_shards"]))
    memory = COMPLEX * trials * (a * n + a * k + 2 * d * k + 4 * n * k)
    return Estimate("xlmimo2022 Monte Carlo shard", WORKING * memory, 0.0,
                    "xlmimo2022.system.num_antennas / num_subcarriers, montecarlo.num_trials",
                    f"{trials} trials x (coarse {a:.0f} angles x N {n} + {d:.0f} distances "
                    f"x K {k})")  # fmt: skip


def estimates(config: dict) -> list[Estimate]:
    """The estimates of every heavy job family of ``config`` (a validated config)."""
    out = []
    if "zhang2025" in config:
        z = config["zhang2025"]
        emulated = _emulated_captures(z)
        out += [e for e in (emulated, _measured(z)) if e is not None]
    if "chen2022" in config:
        out.append(_chen2022(config["chen2022"]))
    if "xlmimo2022" in config:
        out.append(_xlmimo2022(config["xlmimo2022"]))
    return out


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


def check(config: dict, memory: float | None = None, disk: float | None = None) -> list[str]:
    """Why ``config`` does not fit this machine (empty if it does).

    ``memory`` and ``disk`` default to the machine's memory and the free disk of
    the working directory. [B]
    """
    memory = machine_memory() if memory is None else memory
    disk = free_disk() if disk is None else disk
    found = estimates(config)
    problems = []
    for e in found:
        if e.memory > MEMORY_FRACTION * memory:
            problems.append(
                f"config key '{e.key}': one {e.job} job needs about {size(e.memory)} of memory "
                f"({e.how}); this machine has {size(memory)}. Lower it"
            )
    total = sum(e.disk for e in found)
    if total > disk:
        worst = max(found, key=lambda e: e.disk)
        problems.append(
            f"config key '{worst.key}': the results need about {size(total)} of disk "
            f"({worst.job}: {worst.how}, {size(worst.disk)}); {size(disk)} are free. Lower it"
        )
    return problems


def table(config: dict) -> str:
    """The estimates as lines for the dry run."""
    lines = ["resource estimates (hwiloc.resources; peak memory of one job, disk of its files):"]
    for e in estimates(config):
        disk = f", disk {size(e.disk)}" if e.disk else ""
        lines.append(f"  {e.job}: memory {size(e.memory)}{disk} ({e.how})")
    return "\n".join(lines)
