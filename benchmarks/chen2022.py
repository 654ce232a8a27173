"""Benchmark the chen2022 kernels: one estimate, one CRB, one MCRB evaluation.

    python benchmarks/chen2022.py
    python benchmarks/chen2022.py --small    # the quick profile, one repeat (the tests' mode)

Paper system of config/config.yaml (N = 20, K = 100, G as configured, all
impairments, 30 dBm). Also times the coarse grid search (vectorised) against
the direct objective evaluated point by point, the tests' reference; the CRB
and MCRB rows time hwiloc.bounds.misspecified (the generic engine's analytic
reference), the last row what a bound job runs per power.
"""

from __future__ import annotations

import sys

import numpy as np
from timing import best_of, config, set_small

from hwiloc.bounds.misspecified import crb, mcrb
from hwiloc.estimators import ofdm_los_ml
from hwiloc.papers.chen2022.stages import bound_errors, coarse_grid
from hwiloc.papers.chen2022.system import System, base_hardware


def main() -> None:
    set_small("--small" in sys.argv[1:])  # the quick profile, one repeat (the tests' mode)
    cfg = config()["chen2022"]
    system = System.from_config(cfg)
    hardware = base_hardware(system, cfg["seed"])
    m1, m2 = system.models(hardware, 30.0)
    eta, var = system.eta, system.noise_variance
    rng = np.random.default_rng(0)
    size = system.num_transmissions * system.num_subcarriers
    noise = np.sqrt(var / 2) * (rng.standard_normal(size) + 1j * rng.standard_normal(size))
    y = m1.mean(eta) + noise
    thetas, taus = coarse_grid(system, cfg["montecarlo"])
    print(
        f"system: N = {system.num_antennas}, K = {system.num_subcarriers}, "
        f"G = {system.num_transmissions}, 30 dBm; coarse grid {thetas.size} x {taus.size}"
    )
    print()
    print(f"{'kernel':52s} {'time [ms]':>10s} {'speed-up':>9s}")
    rows = []
    t_grid, _ = best_of(lambda: m2.correlation_grid(y, thetas, taus), 5)
    sub_t, sub_d = thetas[::20], taus[::20]
    t_direct, _ = best_of(lambda: [[m2.gain_plug_in(y, a, d)[1] for d in sub_d] for a in sub_t], 1)
    t_direct *= thetas.size * taus.size / (sub_t.size * sub_d.size)
    rows.append(("coarse grid, direct objective per point (extrapolated)", t_direct, 1.0))
    rows.append(("coarse grid, vectorised (correlation_grid)", t_grid, t_direct / t_grid))
    rows.append(("MLE, one estimate (grid + refinement, model M1)",
                 best_of(lambda: ofdm_los_ml(y, m1, thetas, taus), 3)[0], None))  # fmt: skip
    rows.append(("MMLE, one estimate (grid + refinement, model M2)",
                 best_of(lambda: ofdm_los_ml(y, m2, thetas, taus), 3)[0], None))  # fmt: skip
    rows.append(("CRB, one evaluation (FIM of M1)", best_of(lambda: crb(m1, eta, var), 5)[0], None))
    t_pseudo, pseudo = best_of(lambda: ofdm_los_ml(m1.mean(eta), m2, initial=eta), 3)
    rows.append(("pseudo-true parameter (eq. 23)", t_pseudo, None))
    t_mcrb, _ = best_of(lambda: mcrb(m1.mean(eta), m2, pseudo, eta, var), 5)
    rows.append(("MCRB, one evaluation at eta_bar (A, B, LB)", t_mcrb, None))
    # what a bound job runs per power: CRB-M1, CRB-M2 and the LB through the generic engine
    t_bounds, _ = best_of(lambda: bound_errors(system, hardware, 30.0), 5)
    rows.append(("CRBs and LB of one power, as a job runs them", t_bounds, None))
    for label, seconds, speedup in rows:
        ratio = f"{speedup:9.1f}" if speedup is not None else ""
        print(f"{label:52s} {seconds * 1e3:10.2f} {ratio}")


if __name__ == "__main__":
    main()
