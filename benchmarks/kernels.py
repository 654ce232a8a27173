"""Benchmark the heavy zhang2025 kernels on the paper's grid; prints times and ratios.

    python benchmarks/kernels.py            # full: the direct SAF takes about a minute
    python benchmarks/kernels.py --quick    # direct SAF on every 8th grid row, extrapolated
    python benchmarks/kernels.py --small    # the quick profile's grid (the tests' mode)

Kernels: the SAF of eq. (14) by range profiles (``ambiguity.saf``), by the
closed-form Dirichlet kernel (``ambiguity.saf_los``) and by the direct sum
(``ambiguity.saf_direct``); the EFIM of eq. (5) with the structured diagonal
nuisance block (``bounds.phase_offsets.position_efim``) against the dense
Schur complement of the full (2 + N K) x (2 + N K) FIM.
"""

from __future__ import annotations

import argparse
import resource

import numpy as np
from timing import best_of, config, set_small

from hwiloc.ambiguity import saf, saf_direct, saf_los
from hwiloc.bounds.fisher import fisher_information, schur_efim
from hwiloc.bounds.phase_offsets import position_efim
from hwiloc.impairments.phase_offsets import draw_phase_offsets
from hwiloc.models.phase_offset import los_mean, los_mean_phase_jacobian, los_mean_position_jacobian
from hwiloc.papers.zhang2025.system import Scenario, grid_axes


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="time the direct SAF on 1/8 of the rows"
    )
    parser.add_argument("--skip-dense", action="store_true", help="skip the dense 6402 x 6402 EFIM")
    parser.add_argument("--small", action="store_true",
                        help="quick profile, 1/8 of the direct rows, no dense EFIM (the tests')")
    args = parser.parse_args()
    set_small(args.small)
    args.quick, args.skip_dense = args.quick or args.small, args.skip_dense or args.small

    cfg = config()["zhang2025"]
    sc = Scenario.from_config(cfg)
    x, y = grid_axes(cfg["saf"]["region"])
    ant, grid = sc.antenna_positions, sc.grid
    phi = draw_phase_offsets(0, "frequency", sc.num_antennas, grid.num_subcarriers, np.pi / 4)
    csi = los_mean(sc.position, ant, grid, frequency_offsets=phi)
    points = x.size * y.size
    print(
        f"paper grid: {x.size} x {y.size} = {points} points, "
        f"N = {sc.num_antennas}, K = {grid.num_subcarriers}"
    )
    print()
    print(f"{'kernel':44s} {'time per image [s]':>18s} {'speed-up':>9s}")

    t_fast, fast = best_of(
        lambda: saf(csi, ant, grid, x, y, oversampling=cfg["saf"]["oversampling"]), 3
    )
    t_los, _ = best_of(lambda: saf_los(sc.position, ant, grid, x, y), 3)
    rows = slice(None, None, 8) if args.quick else slice(None)
    t_direct, direct = best_of(lambda: saf_direct(csi, ant, grid, x, y[rows]), 1)
    scale = y.size / y[rows].size
    t_direct *= scale
    label = "direct eq. (14)" + (" (1/8 of rows, extrapolated)" if args.quick else "")
    print(f"{label:44s} {t_direct:18.3f} {1.0:9.1f}")
    print(f"{'range profile, any CSI (ambiguity.saf)':44s} {t_fast:18.3f} {t_direct / t_fast:9.1f}")
    print(
        f"{'closed form, per-antenna phases (saf_los)':44s} {t_los:18.3f} {t_direct / t_los:9.1f}"
    )
    err = np.max(np.abs(fast[rows] - direct)) / direct.max()
    print(f"max |fast - direct| / peak = {err:.2e}")
    print(
        f"time per grid point and antenna (fast): {t_fast / points / sc.num_antennas * 1e9:.1f} ns"
    )
    print()

    t_struct, efim = best_of(
        lambda: position_efim(sc.position, ant, grid, sc.amplitudes, "frequency", np.pi / 4), 5
    )
    print(
        f"{'EFIM, frequency offsets (N K = 6400 nuisance)':44s} {'time [s]':>18s} {'speed-up':>9s}"
    )
    if not args.skip_dense:

        def dense():
            mean = los_mean(sc.position, ant, grid, sc.amplitudes)
            n_obs = mean.size
            d = np.concatenate(
                [
                    los_mean_position_jacobian(sc.position, ant, grid, mean).reshape(n_obs, 2),
                    np.diag(los_mean_phase_jacobian(mean).reshape(n_obs)),
                ],
                axis=1,
            )
            fim = fisher_information(d, 1.0)
            fim[2:, 2:] += np.eye(n_obs) / (np.pi / 4) ** 2  # Eq. (11)
            return schur_efim(fim, 2)

        t_dense, efim_dense = best_of(dense, 1)
        print(f"{'dense Schur complement of the full FIM':44s} {t_dense:18.3f} {1.0:9.1f}")
        print(f"{'structured, diagonal J_phi,phi':44s} {t_struct:18.5f} {t_dense / t_struct:9.0f}")
        print(
            "max relative difference: "
            f"{np.max(np.abs(efim - efim_dense) / np.abs(efim_dense).max()):.1e}"
        )
    else:
        print(f"{'structured, diagonal J_phi,phi':44s} {t_struct:18.5f}")
    print()
    print(f"peak resident memory of this process: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
