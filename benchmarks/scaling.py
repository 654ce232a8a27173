"""How the costs scale: against study rows, SAF grid points and antennas, each measured, with
the slope of log(cost) against log(size) fitted over the sizes (1: linear), and over the
two largest sizes (the marginal cost, once fixed costs are paid).

    python benchmarks/scaling.py           # about 3 minutes
    python benchmarks/scaling.py --small   # small sizes (what the tests run)

- study rows: the dry run of a saf_mcrb study (``snakemake -n``, the DAG of its chunks) and a
  zhang2025_crlb study run end to end on one core (quick profile values), as
  benchmarks/studies.py runs them;
- SAF grid points: one image of ``ambiguity.saf`` on square grids about the UE (paper
  profile's system, N = 64, K = 100);
- antennas: one SAF image on Fig. 7's grid (243k points) and one CRLB of eq. (13) (the
  structured EFIM) against the array size N at the paper's 0.07 m spacing.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

import numpy as np
from studies import dry_run, end_to_end
from timing import best_of, config, set_small, small


def slope(sizes, costs) -> float:
    """Least-squares slope of log(cost) against log(size). [-]"""
    return float(np.polyfit(np.log(sizes), np.log(costs), 1)[0])


def _print(title: str, unit: str, sizes, costs) -> None:
    print(f"{title} (slope {slope(sizes, costs):.2f}; over the two largest sizes "
          f"{slope(sizes[-2:], costs[-2:]):.2f})")
    for size, cost in zip(sizes, costs, strict=True):
        print(f"  {size:>10d} {unit:8s} {cost:10.4g} s")


def _scenario():
    from hwiloc.papers.zhang2025.system import Scenario, grid_axes

    cfg = config()["zhang2025"]
    return cfg, Scenario.from_config(cfg), grid_axes


def saf_time(scenario, x, y) -> float:
    """Fastest time of one SAF image of the scenario's LOS CSI on the grid x, y. [s]"""
    from hwiloc.ambiguity import saf
    from hwiloc.models.phase_offset import los_mean

    csi = los_mean(scenario.position, scenario.antenna_positions, scenario.grid)
    saf(csi, scenario.antenna_positions, scenario.grid, x[:2], y[:2])  # load the kernel
    seconds, _ = best_of(lambda: saf(csi, scenario.antenna_positions, scenario.grid, x, y), 3)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="small sizes (the tests' mode)")
    args = parser.parse_args()
    set_small(args.small)

    dry_rows = [500, 2000] if small() else [1_000, 10_000, 100_000]
    dry = [dry_run(n)["seconds"] for n in dry_rows]
    _print("study dry run (snakemake -n) against rows", "rows", dry_rows, dry)
    run_rows = [100, 400] if small() else [1_000, 3_000, 10_000]
    run = [end_to_end(n, 1000 if n >= 1000 else 50)["seconds"] for n in run_rows]
    _print("study end to end (zhang2025_crlb, --cores 1) against rows", "rows", run_rows, run)

    cfg, scenario, grid_axes = _scenario()
    ux, uy = scenario.position
    sides = [2.0, 4.0] if small() else [2.0, 4.0, 8.0, 16.0, 24.0]
    step = 0.04  # Fig. 7's step [m]
    points, costs = [], []
    for side in sides:
        x = ux + np.arange(-side / 2, side / 2, step)
        y = np.maximum(uy + np.arange(-side / 2, side / 2, step), 0.1)
        points.append(x.size * y.size)
        costs.append(saf_time(scenario, x, y))
    _print("SAF, one image, against grid points (N = 64)", "points", points, costs)

    from hwiloc.bounds.phase_offsets import position_crlb_rmse

    x, y = grid_axes(cfg["pmsr_sweep"]["region"])
    if small():
        x, y = x[::8], y[::8]
    counts = [16, 32, 64] if small() else [16, 32, 64, 128, 256]
    saf_costs, crlb_costs = [], []
    for n in counts:
        at = replace(scenario, num_antennas=n)
        saf_costs.append(saf_time(at, x, y))
        args_ = (at.position, at.antenna_positions, at.grid, at.amplitudes, "frequency", 0.785)
        position_crlb_rmse(*args_)
        crlb_costs.append(best_of(lambda a=args_: position_crlb_rmse(*a), 5)[0])
    _print(f"SAF, one image on {x.size * y.size} points, against antennas", "antennas",
           counts, saf_costs)  # fmt: skip
    _print("CRLB of eq. (13), frequency offsets (N K nuisances), against antennas", "antennas",
           counts, crlb_costs)  # fmt: skip


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
