"""xlmimo2022's hooks: what the shared layers take from this paper (:mod:`hwiloc.plugins`).

- :data:`ATTRIBUTES`: the units and long names of the variables its files hold (near-field
  truth, far-field model);
- :func:`resource_estimates`: the memory of one Monte Carlo shard;
- :data:`SLURM_GROUP_COMPONENTS`: how many of its grouped jobs one cluster job runs.

This module is light (no numerics): the workflow imports it when it builds the DAG.
"""

from __future__ import annotations

import math

from hwiloc.resources import COMPLEX, WORKING, Estimate

ATTRIBUTES: dict[str, dict[str, str]] = {
    "power_dbm": {"units": "dBm", "long_name": "transmit power P"},
    "ff_parameter": {"units": "1", "long_name": "far-field model parameter"},
    "aeb_crb_ff": {"units": "degree", "long_name": "angle error bound, CRB of the far-field model"},
    "deb_crb_ff": {"units": "m", "long_name": "distance error bound, CRB of the far-field model"},
    "peb_crb_ff": {"units": "m", "long_name": "position error bound, CRB of the far-field model"},
    "aeb_crb_nf": {"units": "degree", "long_name": "angle error bound, CRB of the near-field"},
    "peb_crb_nf": {"units": "m", "long_name": "position error bound, CRB of the near-field model"},
    "aeb_lb": {"units": "degree", "long_name": "angle LB of the far-field estimator (MCRB + bias)"},
    "peb_lb": {"units": "m", "long_name": "position LB of the far-field estimator (MCRB + bias)"},
    "peb_mcrb": {"units": "m", "long_name": "position MCRB of the far-field estimator"},
    "pseudo_true_ff": {
        "units": "mixed: rad, m, 1, rad",
        "long_name": "pseudo-true far-field parameter [theta, d, |alpha|, angle(alpha)]",
    },
    "true_parameter_ff": {
        "units": "mixed: rad, m, 1, rad",
        "long_name": "true position as far-field parameter [theta, d, |alpha|, angle(alpha)]",
    },
    "position_bias": {"units": "m", "long_name": "||p(pseudo-true) - p(true)||"},
    "converged": {"units": "1", "long_name": "pseudo-true search converged (1) or not (0)"},
    "gradient_term_ratio": {
        "units": "1",
        "long_name": "gradient term of B over its FIM term at the pseudo-true point (0 exact)",
    },
}

SLURM_GROUP_COMPONENTS = {
    "xlmimo2022": 3,  # the bounds and the Monte Carlo shards (2 in the paper profile)
}


def resource_estimates(config: dict) -> list[Estimate]:
    """The estimate of its Monte Carlo shards (a validated config)."""
    return [_estimate(config["xlmimo2022"])] if "xlmimo2022" in config else []


def _estimate(x: dict) -> Estimate:
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
                    f"x K {k})", ("xlmimo2022_montecarlo_shard",))  # fmt: skip
