"""The batched bounds engine (hwiloc.bounds.batch) against the generic engine, case by case.

Kind: slow direct reference against a fast kernel (the generic engine evaluates each
case on its own, through the scalar model's full Hessian).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from hwiloc.bounds import batch, generic
from hwiloc.config import default_config
from hwiloc.models.ofdm_los import OfdmLosBatch
from hwiloc.papers.chen2022.assumptions import point_config
from hwiloc.papers.chen2022.stages import (
    BOUNDS,
    METRICS,
    bound_errors_over_draws,
    bound_errors_vs_power,
)
from hwiloc.papers.chen2022.system import System

POWERS = [-10.0, 10.0, 40.0]


def _system(point=None) -> System:
    cfg = default_config("paper")["chen2022"]
    return System.from_config(cfg if point is None else point_config(cfg, *point))


def _cases(system: System, draws: int = 3):
    """The scalar (M1, M2) of every case, power-major as ``batch_models`` orders them."""
    hardwares = [system.draw([7, 11, r]) for r in range(draws)]
    scalar = [system.models(hw, p) for p in POWERS for hw in hardwares]
    return hardwares, scalar


def test_batch_models_are_the_scalar_models_stacked():
    system = _system()
    hardwares, scalar = _cases(system)
    m1, m2 = system.batch_models(hardwares, POWERS)
    for batched, index in ((m1, 0), (m2, 1)):
        stacked = OfdmLosBatch.stack([pair[index] for pair in scalar])
        np.testing.assert_array_equal(batched.pilots, stacked.pilots)
        np.testing.assert_allclose(batched.combined_coupling, stacked.combined_coupling,
                                   rtol=1e-14, atol=0)  # fmt: skip
        if stacked.time_diagonal is None:
            assert batched.time_diagonal is None
        else:
            np.testing.assert_array_equal(batched.time_diagonal, stacked.time_diagonal)


def test_means_grams_and_sums_equal_the_generic_engines():
    """mu, Re{D^H D} and the sums of the Newton step and A, B (eqs. (24), (25)) from the
    factors equal the generic engine's, made from the scalar model's full Hessian."""
    system = _system()
    _, scalar = _cases(system)
    m1 = OfdmLosBatch.stack([pair[0] for pair in scalar])
    rng = np.random.default_rng(3)
    eta = system.eta * (1 + 1e-3 * rng.standard_normal((len(scalar), 4)))
    y = np.stack([pair[1].mean(system.eta) for pair in scalar])  # data from M2 at the truth
    mu, gram, got = m1.mean(eta), m1.gram(eta), batch.sums(m1, y, eta)
    for i, (model, _) in enumerate(scalar):
        want = generic._sums(generic.PointCache(), model, y[i], eta[i])
        np.testing.assert_allclose(mu[i], model.mean(eta[i]), rtol=1e-12, atol=0)
        unit = np.sqrt(np.outer(np.diag(want.gram), np.diag(want.gram)))  # scale-free entries
        np.testing.assert_allclose(gram[i] / unit, want.gram / unit, rtol=0, atol=1e-12)
        np.testing.assert_allclose(got.gram[i] / unit, want.gram / unit, rtol=0, atol=1e-12)
        scale = unit * np.sqrt(want.cost)
        term = want.hessian_term / scale
        np.testing.assert_allclose(got.hessian_term[i] / scale, term, rtol=0,
                                   atol=1e-12 * np.max(np.abs(term)))  # fmt: skip
        np.testing.assert_allclose(got.r[i], want.r, rtol=1e-9,
                                   atol=1e-12 * np.sqrt(want.cost * np.max(np.diag(want.gram))))
        np.testing.assert_allclose(got.cost[i], want.cost, rtol=1e-12)
        np.testing.assert_allclose(got.mean_norm[i], want.mean_norm, rtol=1e-12)


@pytest.mark.parametrize(
    ("point", "impairments"),
    [
        (None, ("pn", "cfo", "mc", "pa")),
        (None, ("pa",)),
        (None, ("cfo",)),
        ((40, 0.043, -0.0044, 3.0), ("pn", "cfo", "mc", "pa")),  # far mismatch: fallbacks
    ],
)
def test_bound_errors_over_draws_equal_the_generic_engine_case_by_case(point, impairments):
    """AEB, DEB, PEB of CRB-M1, CRB-M2 and the LB of every draw and power equal those of
    bound_errors_vs_power (the generic engine), to 1e-6: the pseudo-true point is found to
    STATIONARY (1e-10 of ||mu_2||) by either, and the LB's bias is a difference of two
    nearby points, which leaves it about 1e-7 relative at the highest powers."""
    system = _system(point)
    hardwares = [system.draw([7, 11, r]) for r in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # doubtful residuals, both engines
        got = bound_errors_over_draws(system, hardwares, POWERS, impairments)
        for r, hw in enumerate(hardwares):
            for p, (errors, _) in enumerate(bound_errors_vs_power(system, hw, POWERS,
                                                                  impairments)):  # fmt: skip
                for metric in METRICS:
                    want = [errors[b][metric] for b in BOUNDS]
                    np.testing.assert_allclose(got[metric][:, p, r], want, rtol=1e-6,
                                               err_msg=f"{metric} power {POWERS[p]} draw {r}")


def test_a_case_the_batch_cannot_vouch_for_is_marked():
    """A search stopped before the minimiser (no Newton step allowed) is not ok and its bounds
    are NaN; the same search with its steps is ok. An indefinite or ill-conditioned matrix
    is not positive definite."""
    system = _system()
    hardwares, _ = _cases(system, draws=1)
    m1, m2 = system.batch_models(hardwares, POWERS)
    at = np.broadcast_to(system.eta, (len(m1), 4))
    y = m1.mean(at)
    start = batch.gain_start(m2, y, at[:, 0], at[:, 1])
    _, _, stopped = batch.pseudo_true(y, m2, start, max_iterations=0)
    _, _, searched = batch.pseudo_true(y, m2, start)
    assert not stopped.any() and searched.all()
    mis = batch.mcrb(y, m2, start, system.noise_variance, system.eta)
    assert mis.ok.all() and np.isfinite(mis.lower_bound).all()
    assert not batch.positive_definite(np.array([[[1.0, 2.0], [2.0, 1.0]],
                                                 [[1.0, 1 - 1e-12], [1 - 1e-12, 1.0]]])).any()
    assert batch.positive_definite(np.array([[[2.0, 1.0], [1.0, 2.0]]])).all()


def test_the_vectorized_channel_maps_are_the_scalar_ones():
    """channel_maps (a batch of eta) equals channel_quantities (one eta), values and
    Jacobians of eqs. (16)-(19), at points over every quadrant of the angle."""
    from hwiloc.models.ofdm_los import channel_maps, channel_quantities

    rng = np.random.default_rng(11)
    eta = np.column_stack([rng.uniform(-np.pi, np.pi, 9), rng.uniform(1e-9, 1e-7, 9),
                           rng.uniform(0.1, 2, 9), rng.uniform(-np.pi, np.pi, 9)])  # fmt: skip
    maps, scalar = channel_maps(eta), channel_quantities(4)
    assert set(maps) == set(scalar)
    for name, (values, jacobians) in maps.items():
        for i, point in enumerate(eta):
            np.testing.assert_allclose(values[i], np.atleast_1d(scalar[name].function(point)),
                                       rtol=1e-15)  # fmt: skip
            np.testing.assert_allclose(jacobians[i], scalar[name].jacobian(point), rtol=1e-15)
