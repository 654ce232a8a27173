"""xlmimo2022: bounds vs transmit power (their Fig. 1), built only from the generic engine.

The CRB of the far-field (FF) model (angle and position), the CRB of the
near-field (NF) model (position) and the LB of the FF estimator on NF data
(MCRB at the pseudo-true point plus the squared bias), all from
:mod:`hwiloc.bounds.generic`: the proof that a user's own model fits. The mean
scales as sqrt(P) and nothing else depends on P, so one pair of models at
P = 1 mW serves every power with the noise variance sigma^2 / P (identical
bounds; the derivatives compile once).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.bounds import generic
from hwiloc.io.netcdf import concat_shards
from hwiloc.papers.xlmimo2022.system import Scenario, provenance
from hwiloc.streams import STREAM_ATTRS, stream_attrs

BOUNDS_COLUMNS = ("power_dbm", "aeb_crb_ff_deg", "peb_crb_ff_m", "peb_crb_nf_m", "peb_lb_m")


def bounds_at(scenario: Scenario, models, power_dbm: float) -> dict:
    """Every bound at one power: FF CRB (angle, distance, position), NF CRB, LB and its parts."""
    true, assumed = models
    variance = scenario.noise_variance / 10 ** (power_dbm / 10)  # sigma^2 / P at P = 1 mW
    eta_ff, eta_nf = scenario.eta_far_field, scenario.eta_near_field
    crb_ff = generic.crb(assumed, eta_ff, variance)
    crb_nf = generic.crb(true, eta_nf, variance)
    lb = generic.mcrb(true, eta_nf, assumed, variance, assumed_true_parameter=eta_ff)
    return {
        "aeb_crb_ff": float(np.sqrt(crb_ff.quantity_covariance("angle")[0, 0])),
        "deb_crb_ff": float(np.sqrt(crb_ff.quantity_covariance("distance")[0, 0])),
        "peb_crb_ff": crb_ff.rmse("position"),
        "aeb_crb_nf": float(np.sqrt(crb_nf.quantity_covariance("angle")[0, 0])),
        "peb_crb_nf": crb_nf.rmse("position"),
        "aeb_lb": float(np.sqrt(lb.quantity_covariance("angle", "lb")[0, 0])),
        "peb_lb": lb.rmse("position", "lb"),
        "peb_mcrb": lb.rmse("position", "mcrb"),
        "position_bias": float(np.linalg.norm(lb.bias("position"))),
        "pseudo_true": lb.pseudo_true,
        "converged": lb.solution.converged,
        "gradient_term_ratio": lb.gradient_term_ratio,
    }


def bounds_dataset(scenario: Scenario, powers, cfg: dict) -> xr.Dataset:
    """Bounds vs transmit power (Fig. 1 of [3]) with the pseudo-true point and its report."""
    models = scenario.models()
    rows = [bounds_at(scenario, models, float(p)) for p in powers]
    dims = ("power_dbm",)
    data = {k: (dims, np.array([r[k] for r in rows])) for k in rows[0] if k not in ("pseudo_true",)}
    data["pseudo_true_ff"] = (
        ("power_dbm", "ff_parameter"), np.array([r["pseudo_true"] for r in rows])
    )  # fmt: skip
    data["true_parameter_ff"] = ("ff_parameter", scenario.eta_far_field)
    ds = xr.Dataset(
        data,
        coords={"power_dbm": np.asarray(powers, float),
                "ff_parameter": ["theta", "distance", "gain_magnitude", "gain_phase"]},
    )  # fmt: skip
    ds["converged"] = ds["converged"].astype("int8")
    ds.attrs.update({f"constant_{k}": v for k, v in scenario.array.constants().items()})
    ds.attrs["noise_variance_mw"] = scenario.noise_variance
    return provenance(
        ds,
        "xlmimo2022 CRB (far and near field) and LB vs transmit power",
        "xlmimo2022_bounds",
        "bounds: hwiloc.bounds.generic",
        cfg,
    )


def bounds_table(ds: xr.Dataset) -> pd.DataFrame:
    """bounds.csv: power_dbm, aeb_crb_ff_deg, peb_crb_ff_m, peb_crb_nf_m, peb_lb_m."""
    return pd.DataFrame(
        {
            "power_dbm": ds["power_dbm"].values,
            "aeb_crb_ff_deg": ds["aeb_crb_ff"].values,
            "peb_crb_ff_m": ds["peb_crb_ff"].values,
            "peb_crb_nf_m": ds["peb_crb_nf"].values,
            "peb_lb_m": ds["peb_lb"].values,
        },
        columns=list(BOUNDS_COLUMNS),
    )


MC_STREAMS = {"noise": "noise", "coarse_jitter": "coarse_jitter"}
"""The streams of trial t (entropy [seed, t]): its receiver noise (the same standard draw at
every power, scaled) and the jitter of its coarse grids (Fig_1_Estimator.m's randn)."""

ESTIMATORS = ("mmle", "mle")
"""MMLE: far-field model on near-field data; MLE: near-field model (Fig_1_Estimator.m)."""


def coarse_offsets(coarse: dict) -> tuple[np.ndarray, np.ndarray]:
    """The coarse grid's offsets about its centre (get_pos_coarse.m): angles
    -halfwidth:step:halfwidth [deg] and distances likewise [m] (config ``montecarlo.coarse``)."""
    angles = np.arange(-coarse["angle_halfwidth"], coarse["angle_halfwidth"] + 1e-9,
                       coarse["angle_step"])  # fmt: skip
    distances = np.arange(-coarse["distance_halfwidth"], coarse["distance_halfwidth"] + 1e-9,
                          coarse["distance_step"])  # fmt: skip
    return angles, distances


def coarse_initial(scenario: Scenario, observations: np.ndarray, jitter: np.ndarray, mc: dict):
    """Coarse angle, then distance, of the far-field model (get_pos_coarse.m). ([T] rad, [T] m)

    Angle: theta_0 + 0.2 z_1 + (-10:0.2:10) deg, each scored with a free gain per
    subcarrier, sum_k |a(theta)^H y_k|^2 (get_cost_angle_coarse.m); distance:
    d_0 + 0.02 z_2 + (-1:0.02:1) m, scored with a free gain per antenna,
    sum_n |b(d)^H y_n|^2 (get_cost_delay_coarse.m); the half-widths, steps and
    jitters are config ``montecarlo.coarse``. ``observations`` [T, N, K]; ``jitter``
    [T, 2] standard normal.
    """
    c, arr = mc["coarse"], scenario.array
    theta0 = np.degrees(scenario.eta_far_field[0])
    offsets, steps = coarse_offsets(c)
    angles = np.radians(theta0 + c["angle_jitter"] * jitter[:, :1] + offsets[None])  # [T, A]
    y_n = arr.element_positions[:, 1]
    speed = arr.speed_of_light
    steering = np.exp(2j * np.pi * arr.carrier_frequency * np.sin(angles)[..., None] * y_n / speed)
    score = np.sum(np.abs(np.einsum("tan,tnk->tak", steering.conj(), observations)) ** 2, axis=-1)
    theta = angles[np.arange(len(angles)), np.argmax(score, axis=1)]
    dists = scenario.distance + c["distance_jitter"] * jitter[:, 1:] + steps[None]  # [T, D]
    k = np.arange(arr.num_subcarriers)
    spacing = arr.bandwidth / arr.num_subcarriers
    delay = np.exp(-2j * np.pi * k * spacing * dists[..., None] / speed)  # [T, D, K]
    score = np.sum(np.abs(np.einsum("tdk,tnk->tdn", delay.conj(), observations)) ** 2, axis=-1)
    return theta, dists[np.arange(len(dists)), np.argmax(score, axis=1)]


def montecarlo_shard_dataset(scenario: Scenario, powers, mc: dict, shard: int, seed: int,
                             cfg: dict) -> xr.Dataset:  # fmt: skip
    """Fig. 1's MMLE and MLE over the trials of one shard, every power.

    Trial t: y = mu_NF(eta) + n at each power, n ~ CN(0, sigma^2 / P) (the bounds'
    noise), from the streams of [seed, t] (:data:`MC_STREAMS`); the coarse grid of
    :func:`coarse_initial`, then Gauss-Newton on the gain-concentrated likelihood
    (:func:`hwiloc.autodiff.gain_concentrated_ml`): the MMLE in the far-field
    parameters (theta, d), the MLE in the near-field ones (x, y), both from the
    coarse point, as the authors' code starts both from it, each step at most
    ``montecarlo.max_step`` in position (the first step of their alg_mle_toy_POS.m):
    below the threshold SNR the estimates stay near the coarse point, as theirs do.
    """
    import jax.numpy as jnp

    from hwiloc.autodiff import gain_concentrated_ml
    from hwiloc.streams import stream

    trials = np.array_split(np.arange(int(mc["num_trials"])), int(mc["num_shards"]))[shard]
    powers = np.asarray(powers, float)
    true, assumed = scenario.models()
    mu = np.asarray(true.mean(np.asarray(scenario.eta_near_field)))  # [N, K] at P = 1 mW
    z = np.empty((len(trials), *mu.shape), complex)
    jitter = np.empty((len(trials), 2))
    for j, t in enumerate(trials):  # one generator per trial: values independent of sharding
        pairs = stream([seed, int(t)], MC_STREAMS["noise"]).standard_normal((*mu.shape, 2))
        z[j] = (pairs[..., 0] + 1j * pairs[..., 1]) / np.sqrt(2)
        jitter[j] = stream([seed, int(t)], MC_STREAMS["coarse_jitter"]).standard_normal(2)
    std = np.sqrt(scenario.noise_variance / 10 ** (powers / 10))  # [P]
    y = (mu[None, None] + std[:, None, None, None] * z[None]).reshape(-1, *mu.shape)  # [P T]
    theta, dist = coarse_initial(scenario, y, np.tile(jitter, (len(powers), 1)), mc)
    unit = np.array([1.0, 0.0])  # the gain, concentrated out
    iters, reach = int(mc["num_iterations"]), float(mc["max_step"])  # [-], [m]
    ff = gain_concentrated_ml(lambda q: assumed.mean(jnp.concatenate([q, unit])), y,
                              np.stack([theta, dist], axis=1), num_iterations=iters,
                              max_step=[reach / scenario.distance, reach])  # fmt: skip
    start = np.stack([dist * np.cos(theta), dist * np.sin(theta)], axis=1)
    nf = gain_concentrated_ml(lambda q: true.mean(jnp.concatenate([q, unit])), y, start,
                              num_iterations=iters, max_step=[reach, reach])  # fmt: skip
    positions = np.stack([np.stack([ff[:, 1] * np.cos(ff[:, 0]), ff[:, 1] * np.sin(ff[:, 0])], 1),
                          nf]).reshape(2, len(powers), len(trials), 2)  # fmt: skip
    truth = np.asarray(scenario.ue_position)
    angle = np.degrees(np.arctan2(positions[..., 1], positions[..., 0]))
    ds = xr.Dataset(
        {
            "estimate": (("estimator", "power_dbm", "trial", "axis"), positions),
            "position_error": (("estimator", "power_dbm", "trial"),
                               np.linalg.norm(positions - truth, axis=-1)),
            "angle_error": (("estimator", "power_dbm", "trial"),
                            angle - np.degrees(scenario.eta_far_field[0])),
            "seed_entropy": (("trial", "entropy"), np.array([[seed, int(t)] for t in trials])),
        },
        coords={"estimator": list(ESTIMATORS), "power_dbm": powers, "trial": trials,
                "axis": ["x", "y"]},
    )  # fmt: skip
    streams = {
        "noise of each trial (its seed_entropy, the same standard draw at every power)":
            MC_STREAMS["noise"],
        "coarse-grid jitter of each trial": MC_STREAMS["coarse_jitter"],
    }  # fmt: skip
    ds.attrs.update(shard=int(shard), seed=int(seed), **stream_attrs(streams))
    return provenance(ds, f"xlmimo2022 MMLE and MLE, shard {shard} (Fig. 1)",
                      "xlmimo2022_montecarlo", "Fig_1_Estimator.m", cfg)  # fmt: skip


def gather_montecarlo(shards: list[xr.Dataset], cfg: dict) -> xr.Dataset:
    """The Monte Carlo shards along ``trial``; their RMSE per estimator and power."""
    ds = concat_shards(shards, "trial")
    ds["position_rmse"] = np.sqrt((ds["position_error"] ** 2).mean("trial"))
    first = shards[0].attrs
    ds.attrs.update(seed=first["seed"], **{k: first[k] for k in STREAM_ATTRS if k in first})
    return provenance(ds, "xlmimo2022 MMLE and MLE (Fig. 1)", "xlmimo2022_montecarlo_gather",
                      "Fig_1_Estimator.m", cfg)  # fmt: skip
