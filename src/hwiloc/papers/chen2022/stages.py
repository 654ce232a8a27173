"""chen2022: the datasets the rules build (realization, bounds, Monte Carlo shards, gather).

Bounds through the generic engine (:mod:`hwiloc.bounds.generic`), estimators
from :mod:`hwiloc.estimators`; every dataset carries its provenance
(:data:`~hwiloc.papers.chen2022.system.provenance`) and the seeds of its draws.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import xarray as xr

from hwiloc.bounds import batch, generic
from hwiloc.bounds.localization import position_from_channel, quantity_errors
from hwiloc.constants import ANGLE_GRID_MARGIN
from hwiloc.estimators import ofdm_los_ml
from hwiloc.impairments.hardware import HARDWARE_STREAMS, HardwareRealization
from hwiloc.io.netcdf import concat_shards
from hwiloc.papers.chen2022.system import (
    IMPAIRMENTS,
    STUDY_CODES,
    SWEEP_LEVELS,
    System,
    base_entropy,
    base_hardware,
    individual_hardware,
    provenance,
)
from hwiloc.streams import STREAM_ATTRS, stream, stream_attrs

BOUNDS = ("crb_m1", "crb_m2", "lb")
NOISE_STREAM = "noise"
"""The stream of a Monte Carlo trial's receiver noise, of the entropy [seed, 1, trial]."""


def bound_errors(
    system: System, hardware: HardwareRealization, power_dbm: float, impairments=IMPAIRMENTS
):
    """AEB [deg], DEB [m], PEB [m] of CRB-M1, CRB-M2 and the LB (MCRB + bias), and eta_bar.

    Through the generic engine (:mod:`hwiloc.bounds.generic`): eta_bar by its
    solver (eq. (23)), each bound mapped to angle, distance and position by
    the models' own maps (eqs. (17)-(19)).
    """
    ((errors, eta_bar),) = bound_errors_vs_power(system, hardware, [power_dbm], impairments)
    return errors, eta_bar


def bound_errors_vs_power(
    system: System, hardware: HardwareRealization, powers_dbm, impairments=IMPAIRMENTS
) -> list[tuple[dict, np.ndarray]]:
    """:func:`bound_errors` at each power of ``powers_dbm``: [(errors, eta_bar)].

    Without the PA, M1 and M2 are linear in the pilot amplitude sqrt(E)
    (eq. (1); PN, CFO and coupling act on the waveform linearly), so every
    mean and derivative scales by sqrt(E): J, A and B by E / sigma^2, eta_bar
    and the bias not at all (eqs. (14), (23)-(25)). One evaluation at the
    highest power (where the gradient check of B is strictest) then serves
    every power through :meth:`~hwiloc.bounds.generic.CramerRao.scaled`: an
    exact identity, not an approximation. The PA is not linear in E: with it,
    CRB-M1 and the LB are evaluated at each power, and CRB-M2 (M2 has no PA)
    still scales.
    """
    powers = np.asarray(powers_dbm, dtype=float).ravel()
    reference = float(np.max(powers))
    at_reference = _bounds(system, hardware, reference, impairments)

    def at(bound, p):
        return bound if p == reference else bound.scaled(10 ** ((p - reference) / 10))  # E ratio

    out = []
    for p in powers:
        if "pa" not in impairments or p == reference:
            crb_m1, lb = at(at_reference[0], p), at(at_reference[2], p)
        else:
            crb_m1, _, lb = _bounds(system, hardware, p, impairments, with_crb_m2=False)
        out.append(_errors(crb_m1, at(at_reference[1], p), lb))
    return out


def _bounds(system: System, hardware: HardwareRealization, power_dbm: float, impairments,
            with_crb_m2: bool = True):  # fmt: skip
    """CRB-M1, CRB-M2 (generic.CramerRao; None if not ``with_crb_m2``) and the LB
    (generic.Misspecified) at one power."""
    m1, m2 = system.models(hardware, power_dbm, impairments)
    eta, var = system.eta, system.noise_variance
    cache = generic.PointCache()
    # eta_bar (eq. (23)) started at the MMLE on noise-free data, which the concentrated
    # Newton search finds in about a millisecond; the generic solver then only confirms it.
    start = ofdm_los_ml(cache.mean(m1, eta), m2, initial=eta)
    lb = generic.mcrb(m1, eta, m2, var, start=start, assumed_true_parameter=eta, cache=cache)
    crb_m2 = generic.crb(m2, eta, var, cache=cache) if with_crb_m2 else None
    return generic.crb(m1, eta, var, cache=cache), crb_m2, lb


def _errors(crb_m1, crb_m2, lb) -> tuple[dict, np.ndarray]:
    """({bound: AEB, DEB, PEB}, eta_bar) of the three bounds."""
    errors = {
        "crb_m1": quantity_errors(crb_m1),
        "crb_m2": quantity_errors(crb_m2),
        "lb": quantity_errors(lb, "lb"),  # Eqs. (20)-(25)
    }
    return errors, lb.pseudo_true


def _errors_to_arrays(results: list[dict]) -> dict:
    """[{bound: {metric: v}}] over a sweep -> {metric: [bound, sweep]}."""
    return {
        metric: np.array([[r[b][metric] for r in results] for b in BOUNDS])
        for metric in ("aeb_deg", "deb_m", "peb_m")
    }


def realization_dataset(system: System, seed: int, cfg: dict):
    """The seeded realization behind Fig. 2, saved so a figure traces to it."""

    hw = base_hardware(system, seed)
    ds = xr.Dataset(
        {
            "pilot_phase": (("transmission", "subcarrier"), hw.pilot_phase),
            "combiner_phase": (("transmission", "antenna"), hw.combiner_phase),
            "phase_noise": (("transmission", "subcarrier"), hw.phase_noise),
            "cfo": hw.cfo,
            "coupling_residual": ("band", hw.coupling_residual),
            "seed_entropy": ("entropy", np.array(base_entropy(seed))),
        },
        coords={
            "transmission": np.arange(system.num_transmissions),
            "subcarrier": np.arange(system.num_subcarriers),
            "antenna": np.arange(system.num_antennas),
        },
    )
    ds.attrs.update(seed=int(seed), **stream_attrs(HARDWARE_STREAMS))
    return provenance(ds, "chen2022 hardware and pilot realization (Fig. 2)", "realization",
                       "Sec. II-B, eqs. (3)-(7)", cfg)  # fmt: skip


def hardware_from_dataset(ds) -> HardwareRealization:
    return HardwareRealization(
        ds["pilot_phase"].values,
        ds["combiner_phase"].values,
        ds["phase_noise"].values,
        float(ds["cfo"]),
        ds["coupling_residual"].values,
    )


def bounds_vs_power_dataset(system: System, hardware: HardwareRealization, powers, cfg: dict):
    """Fig. 2 bounds: CRB-M1, CRB-M2 and LB vs transmit power, all impairments."""

    results, pseudo = zip(*bound_errors_vs_power(system, hardware, powers), strict=True)
    arrays = _errors_to_arrays(results)
    ds = xr.Dataset(
        {
            "aeb": (("bound", "power"), arrays["aeb_deg"]),
            "deb": (("bound", "power"), arrays["deb_m"]),
            "peb": (("bound", "power"), arrays["peb_m"]),
            "pseudo_true": (("power", "parameter"), np.array(pseudo)),
            "true_parameter": ("parameter", system.eta),
        },
        coords={"bound": list(BOUNDS), "power": np.asarray(powers, float),
                "parameter": ["theta", "tau", "gain_magnitude", "gain_phase"]},
    )  # fmt: skip
    return provenance(ds, "chen2022 CRB-M1, CRB-M2 and LB vs transmit power (Fig. 2)", "bounds",
                       "eqs. (14)-(25)", cfg)  # fmt: skip


def coarse_grid(system: System, mc_cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    """Coarse (theta, tau) grid of the estimators. [rad], [s]"""
    margin = ANGLE_GRID_MARGIN
    thetas = np.arange(-np.pi / 2 + margin, np.pi / 2 - margin, float(mc_cfg["grid_theta_step"]))
    taus = np.arange(0.0, float(mc_cfg["grid_tau_max"]), float(mc_cfg["grid_tau_step"]))
    return thetas, taus


def montecarlo_shard_dataset(system, hardware, powers, mc_cfg, shard, seed, cfg, progress=None):
    """Fig. 2 estimators: MLE (data M1, model M1) and MMLE (data M1, model M2), one shard.

    Trial t draws its noise from the stream ``"noise"`` of [seed, 1, t] (the same
    standard draw at every power), so the values do not depend on the number of
    shards.
    """

    trials = np.array_split(np.arange(int(mc_cfg["num_trials"])), int(mc_cfg["num_shards"]))[shard]
    thetas, taus = coarse_grid(system, mc_cfg)
    models = [system.models(hardware, p) for p in powers]
    eta = system.eta
    means = [m1.mean(eta) for m1, _ in models]  # noise-free data at each power
    truth = position_from_channel(eta)
    shape = (2, len(powers), len(trials))
    estimate = np.empty((*shape, 2))
    for j, t in enumerate(trials):
        rng = stream([seed, STUDY_CODES["montecarlo"], int(t)], NOISE_STREAM)
        # (re, im) pairs, observation by observation (g major, then k)
        z = rng.standard_normal((system.num_transmissions * system.num_subcarriers, 2))
        noise = np.sqrt(system.noise_variance / 2) * (z[:, 0] + 1j * z[:, 1])
        for i, (m1, m2) in enumerate(models):
            y = means[i] + noise
            for e, model in enumerate((m1, m2)):
                estimate[e, i, j] = position_from_channel(ofdm_los_ml(y, model, thetas, taus))
            if progress is not None:
                progress(f"trial {t}, {powers[i]:g} dBm")
    ds = xr.Dataset(
        {
            "estimate": (("estimator", "power", "trial", "axis"), estimate),
            "error": (("estimator", "power", "trial"), np.linalg.norm(estimate - truth, axis=-1)),
            "seed_entropy": (
                ("trial", "entropy"),
                np.array([[seed, STUDY_CODES["montecarlo"], int(t)] for t in trials]),
            ),
        },
        coords={"estimator": ["mle", "mmle"], "power": np.asarray(powers, float), "trial": trials,
                "axis": ["x", "y"]},
    )  # fmt: skip
    streams = stream_attrs({"noise of each trial (its seed_entropy)": NOISE_STREAM})
    ds.attrs.update(shard=int(shard), seed=int(seed), **streams)
    return provenance(ds, f"chen2022 MLE and MMLE, shard {shard} (Fig. 2)", "montecarlo_shard",
                       "eqs. (10)-(13)", cfg)  # fmt: skip


def _realization_variables(drawn, seed: int, code: int, realizations) -> dict:
    """The drawn realizations of a shard, so that every value traces to its hardware."""
    return {
        "pilot_phase": (
            ("realization", "transmission", "subcarrier"),
            np.array([h.pilot_phase for h in drawn]),
        ),
        "phase_noise": (
            ("realization", "transmission", "subcarrier"),
            np.array([h.phase_noise for h in drawn]),
        ),
        "cfo": ("realization", np.array([h.cfo for h in drawn])),
        "coupling_residual": (
            ("realization", "band"),
            np.array([h.coupling_residual for h in drawn]),
        ),
        "seed_entropy": (
            ("realization", "entropy"),
            np.array([[seed, code, int(r)] for r in realizations]),
        ),
    }


def _hardware_streams(own: tuple[str, ...]) -> dict:
    """{quantity (which entropy): stream}: ``own`` from the row's seed_entropy, the
    other fields from Fig. 2's [seed, 0]."""
    return {
        f"{q} ({'seed_entropy' if q in own else 'entropy [seed, 0] of Fig. 2'})": name
        for q, name in HARDWARE_STREAMS.items()
    }


def individual_streams(impairment: str) -> dict:
    """Where each field of :func:`individual_hardware` comes from: a new pilot for the PA,
    new impairments with Fig. 2's pilot and combiner for PN, CFO and MC."""
    own = ("pilot_phase",) if impairment == "pa" else ("phase_noise", "cfo", "coupling_residual")
    return _hardware_streams(own)


def _bounds_over_draws(system, hardware_of, section, shard, powers, impairments, progress):
    """AEB, DEB, PEB of the three bounds for each realization of one shard, and the draws.

    ``hardware_of(r)`` gives realization r's hardware; the shard holds a contiguous block
    of ``section["num_realizations"]`` (split in ``section["num_shards"]``).
    Returns (realizations, {metric: [bound, power, realization]}, drawn hardware).
    """
    realizations = np.array_split(
        np.arange(int(section["num_realizations"])), int(section["num_shards"])
    )[shard]
    drawn = [hardware_of(int(r)) for r in realizations]
    values = bound_errors_over_draws(system, drawn, powers, impairments)
    if progress is not None and len(realizations):
        progress(f"realizations {realizations[0]}-{realizations[-1]}")
    return realizations, values, drawn


BATCH_ENTRIES = 2**18
"""Cases x observations of one batch of :func:`bound_errors_over_draws`: its largest arrays,
the delay vectors and their two derivatives, hold 3 times as many complex numbers (12 MiB)."""


def bound_errors_over_draws(system: System, hardwares, powers_dbm, impairments=IMPAIRMENTS
                            ) -> dict:  # fmt: skip
    """AEB [deg], DEB [m] and PEB [m] of CRB-M1, CRB-M2 and the LB of every realization of
    ``hardwares`` at every power: {metric: [bound, power, realization]}.

    The values of :func:`bound_errors_vs_power`, computed for all realizations and
    powers at once by :mod:`hwiloc.bounds.batch` (eqs. (14)-(25)): the pseudo-true
    search starts at the truth's (theta, tau) with the gain that fits the data there.
    A case the batch does not vouch for (``ok``) is computed by
    :func:`bound_errors_vs_power`, warnings included.
    """
    powers = np.asarray(powers_dbm, dtype=float).ravel()
    m1, m2 = system.batch_models(hardwares, powers, impairments)
    eta, var = system.eta, system.noise_variance
    cases = len(powers) * len(hardwares)
    out = np.full((3, len(BOUNDS), cases), np.nan)  # [metric, bound, case]
    size = max(1, BATCH_ENTRIES // m1.pilots[0].size)
    for block in np.array_split(np.arange(cases), -(-cases // size)):
        one, two = m1.take(block), m2.take(block)
        at = np.broadcast_to(eta, (len(block), eta.size))
        y = one.mean(at)
        mis = batch.mcrb(y, two, batch.gain_start(two, y, at[:, 0], at[:, 1]), var, eta)
        out[:, 0, block], ok1 = _batch_errors(one, at, var)
        out[:, 1, block], ok2 = _batch_errors(two, at, var)
        out[:, 2, block] = [batch.quantity_rmse(two, name, mis.pseudo_true, mis.mcrb, at)
                            for name in QUANTITIES]  # fmt: skip
        for i in block[~(ok1 & ok2 & mis.ok)]:  # the generic engine, with its warnings
            p, r = divmod(int(i), len(hardwares))
            ((errors, _),) = bound_errors_vs_power(system, hardwares[r], [powers[p]], impairments)
            out[:, :, i] = [[errors[b][m] for b in BOUNDS] for m in METRICS]
    shape = (3, len(BOUNDS), len(powers), len(hardwares))
    return dict(zip(METRICS, out.reshape(shape), strict=True))


QUANTITIES = ("angle", "distance", "position")
METRICS = ("aeb_deg", "deb_m", "peb_m")
"""The quantities of the error bounds and their names: AEB (eq. (17)), DEB (eq. (18)), PEB
(eq. (19))."""


def _batch_errors(model, eta, variance) -> tuple[np.ndarray, np.ndarray]:
    """([AEB, DEB, PEB] [3, B], ok [B]) of the CRB of a batch at its eta [B, P]."""
    _, cov, ok = batch.crb(model, eta, variance)
    return np.array([batch.quantity_rmse(model, q, eta, cov) for q in QUANTITIES]), ok


def _draws_variables(values: dict) -> dict:
    return {
        "aeb": (("bound", "power", "realization"), values["aeb_deg"]),
        "deb": (("bound", "power", "realization"), values["deb_m"]),
        "peb": (("bound", "power", "realization"), values["peb_m"]),
    }


def individual_shard_dataset(system, impairment, ind_cfg, shard, seed, cfg, progress=None):
    """Fig. 3: AEB and DEB of CRB-M1, CRB-M2, LB with one impairment alone, one shard."""

    if impairment not in IMPAIRMENTS:
        raise ValueError(f"impairment must be one of {IMPAIRMENTS}, got {impairment!r}")
    powers = np.asarray(ind_cfg["power_dbm"], float)
    realizations, values, drawn = _bounds_over_draws(
        system, lambda r: individual_hardware(system, impairment, seed, r), ind_cfg, shard,
        powers, (impairment,), progress,
    )  # fmt: skip
    ds = xr.Dataset(
        {
            **_draws_variables(values),
            **_realization_variables(drawn, seed, STUDY_CODES[impairment], realizations),
        },
        coords={"bound": list(BOUNDS), "power": powers, "realization": realizations},
    )
    ds.attrs.update(impairment=impairment, shard=int(shard), seed=int(seed),
                    **stream_attrs(individual_streams(impairment)))  # fmt: skip
    return provenance(ds, f"chen2022 bounds with {impairment} alone, shard {shard} (Fig. 3)",
                       "individual_shard", "eqs. (14)-(25)", cfg)  # fmt: skip


def hardware_draws_shard_dataset(system, draws_cfg, powers, shard, seed, cfg, progress=None):
    """Fig. 2's bounds vs power (all impairments) over independent hardware realizations,
    one shard: the distribution its random claims are graded on.

    Realization r draws every quantity (pilots, combiners, PN, CFO, MC) from entropy
    [seed, STUDY_CODES["hardware_draws"], r], one named stream each; the shipped Fig. 2
    realization ([seed, 0]) is not among them.
    """
    powers = np.asarray(powers, float)
    code = STUDY_CODES["hardware_draws"]
    realizations, values, drawn = _bounds_over_draws(
        system, lambda r: system.draw([int(seed), code, r]), draws_cfg, shard, powers,
        IMPAIRMENTS, progress,
    )  # fmt: skip
    ds = xr.Dataset(
        {**_draws_variables(values), **_realization_variables(drawn, seed, code, realizations)},
        coords={"bound": list(BOUNDS), "power": powers, "realization": realizations},
    )
    ds.attrs.update(shard=int(shard), seed=int(seed),
                    **stream_attrs(_hardware_streams(tuple(HARDWARE_STREAMS))))  # fmt: skip
    return provenance(ds, f"chen2022 Fig. 2 bounds over hardware draws, shard {shard}",
                       "hardware_draws_shard", "eqs. (14)-(25)", cfg)  # fmt: skip


SWEPT_QUANTITIES = {
    "pn": ("phase_noise", ("transmission", "subcarrier")),
    "cfo": ("cfo", ()),
    "mc": ("coupling_residual", ("band",)),
}
"""Fig. 4's sweeps (:data:`~hwiloc.papers.chen2022.system.SWEEP_LEVELS`): impairment -> the
:class:`HardwareRealization` field its level scales, and that field's dimensions after
``realization``."""


def level_sweep_shard_dataset(system, impairment, sweep_cfg, shard, seed, cfg, progress=None):
    """Fig. 4: PEB of the LB (and CRB-M2) vs one impairment's level, it alone, one shard.

    ``impairment`` is a key of :data:`SWEPT_QUANTITIES`. Realization r draws the impairment's
    quantity from entropy [seed, STUDY_CODES[experiment], r] (its own stream) on the
    Fig. 2 pilots and combiners; at level s it is s times the unit draw (common random
    numbers across levels), which the dataset holds.
    """
    if impairment not in SWEPT_QUANTITIES:
        raise ValueError(
            f"impairment must be one of {sorted(SWEPT_QUANTITIES)}, got {impairment!r}"
        )
    experiment, level = f"{impairment}_sweep", SWEEP_LEVELS[impairment]
    quantity, quantity_dims = SWEPT_QUANTITIES[impairment]
    realizations = np.array_split(
        np.arange(int(sweep_cfg["num_realizations"])), int(sweep_cfg["num_shards"])
    )[shard]
    levels = np.asarray(sweep_cfg[level], float)
    powers = np.asarray(sweep_cfg["power_dbm"], float)
    base = base_hardware(system, seed)
    code = STUDY_CODES[experiment]
    peb = np.empty((len(BOUNDS), len(levels), len(powers), len(realizations)))
    unit_draws = []
    for j, r in enumerate(realizations):
        entropy = [int(seed), code, int(r)]
        unit_draws.append(getattr(system.with_levels(**{level: 1.0}).draw(entropy), quantity))
        for i, s in enumerate(levels):
            sys_s = system.with_levels(**{level: float(s)})
            hw = replace(base, **{quantity: getattr(sys_s.draw(entropy), quantity)})  # s x unit
            sweep = bound_errors_vs_power(sys_s, hw, powers, (impairment,))
            for q, (errors, _) in enumerate(sweep):
                peb[:, i, q, j] = [errors[b]["peb_m"] for b in BOUNDS]
        if progress is not None:
            progress(f"realization {r}")
    ds = xr.Dataset(
        {
            "peb": (("bound", level, "power", "realization"), peb),
            # the quantity at unit level: realization r at level s is s times this draw
            quantity: (("realization", *quantity_dims), np.array(unit_draws)),
            "seed_entropy": (
                ("realization", "entropy"),
                np.array([[seed, code, int(r)] for r in realizations]),
            ),
        },
        coords={"bound": list(BOUNDS), level: levels, "power": powers,
                "realization": realizations},
    )  # fmt: skip
    ds.attrs.update(shard=int(shard), seed=int(seed), impairment=impairment,
                    **stream_attrs(_hardware_streams((quantity,))))  # fmt: skip
    title = f"chen2022 PEB vs {level}, shard {shard} (Fig. 4)"
    return provenance(ds, title, f"{experiment}_shard", "eqs. (19)-(25)", cfg)


def gather(shards, dim: str, title: str, rule: str, equations: str, cfg: dict):
    """Merge shards along ``dim`` with provenance (keeps the first shard's study attrs)."""

    ds = concat_shards(shards, dim)
    keep = {k: v for k, v in shards[0].attrs.items() if k in ("impairment", "seed", *STREAM_ATTRS)}
    ds.attrs.update(keep)
    return provenance(ds, title, rule, equations, cfg)
