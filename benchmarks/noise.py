"""Benchmark the engine's non-white noise: the whitening map against the augmented FIM formed
directly, and one impairment-catalogue point.

    python benchmarks/noise.py
    python benchmarks/noise.py --small    # the quick profile, one repeat (the tests' mode)

chen2022's paper system (N = 20, K = 100, G as configured, 40 dBm) seen in the time
domain, with the BS's IQ imbalance at 8 times the reference mismatch: its noise is
improper and diagonal (one 2 x 2 real block per sample). The reference forms
D_a^H C_a^-1 D_a with the 2 M x 2 M augmented covariance (M = G K), the definition
tests/test_bounds_noise.py checks the engine against; the engine whitens each sample.
"""

from __future__ import annotations

import sys

import numpy as np
from timing import best_of, config, set_small

from hwiloc.bounds import generic
from hwiloc.papers.chen2022.system import System, base_hardware
from hwiloc.studies import hwi_catalogue


def main() -> None:
    set_small("--small" in sys.argv[1:])  # the quick profile, one repeat (the tests' mode)
    cfg = config()
    system = System.from_config(cfg["chen2022"])
    hardware = base_hardware(system, cfg["chen2022"]["seed"])
    entry = cfg["hwi_catalogue"]["impairments"]["rx_iqi"]
    case = hwi_catalogue.impaired_case(system, hardware, "rx_iqi", 8.0, entry, 40.0)
    eta, noise = system.eta, case.true_noise
    d = generic.jacobian_of(case.true_model, eta)
    m = d.shape[0]

    def direct():
        d_aug = np.vstack([d, d.conj()])
        return np.real(d_aug.conj().T @ np.linalg.solve(noise.augmented_covariance(m), d_aug))

    t_direct, reference = best_of(direct, 2)
    t_white, fim = best_of(lambda: noise.fisher_information(d), 20)
    error = float(np.max(np.abs(fim - reference)) / np.max(np.abs(reference)))
    t_point, _ = best_of(lambda: hwi_catalogue.case_errors(system, case), 5)
    t_sweep, _ = best_of(lambda: hwi_catalogue.catalogue_errors(
        system, hardware, "rx_iqi", 8.0, entry, cfg["hwi_catalogue"]["power_dbm"]), 3)
    print(f"M = {m} observations (G = {system.num_transmissions}, K = {system.num_subcarriers}), "
          "improper noise (BS IQ imbalance, s = 8)")
    print(f"{'kernel':58s} {'time [ms]':>10s} {'speed-up':>9s}")
    print(f"{'augmented FIM, formed directly (2M x 2M solve)':58s} {1e3 * t_direct:10.1f} "
          f"{1.0:8.1f}x")
    print(f"{'augmented FIM, whitened per sample (GaussianNoise)':58s} {1e3 * t_white:10.3f} "
          f"{t_direct / t_white:8.0f}x   max rel. difference {error:.1e}")
    print(f"{'catalogue point: CRB-M1, CRB-M2, LB at one power':58s} {1e3 * t_point:10.1f}")
    print(f"{'catalogue point at the study powers (what a sweep repeats)':58s} "
          f"{1e3 * t_sweep:10.1f}")


if __name__ == "__main__":
    main()
