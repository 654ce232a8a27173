"""CRB, MCRB and LB of many cases at once: the engine of :mod:`hwiloc.bounds.generic`,
vectorized over a batch of models of one family.

A sweep over hardware draws and transmit powers asks the same questions of hundreds
of models that differ only in their arrays (pilots, combiners, distortions). The
generic engine answers one at a time, and at a few thousand observations most of
its time is Python's; here every step runs on the whole batch in NumPy:

- :func:`crb`: J = (2 / sigma^2) Re{D^H D} and J^-1 of every case (eqs. (14)-(15)
  of [1]_);
- :func:`pseudo_true`: eta_bar = argmin ||mu_1 - mu_2(eta)||^2 (eq. (23)) by Newton
  steps with the exact Hessian from a start per case, a step kept only where it
  lowers the cost, as :func:`hwiloc.bounds.generic.pseudo_true` polishes;
- :func:`mcrb`: A, B, MCRB = A^-1 B A^-1 and the LB (eqs. (20), (24), (25)).

What it does not do, the generic engine does: Levenberg-Marquardt from a far start,
coloured or improper noise, and the warnings. A case the batch cannot vouch for
(a Newton search that did not reach :data:`~hwiloc.bounds.generic.POLISHED`, a
gradient term of B above the tolerance, an ill-conditioned or indefinite matrix) is
marked in ``ok``: the caller computes it with the generic engine, which warns as it
always does. Cases whose pseudo-true residual exceeds
:data:`~hwiloc.bounds.generic.RESIDUAL_WARNING` of the data are kept and warned about
once per batch. Tests hold every case of a chen2022 sweep
to the generic engine's values (``tests/test_bounds_batch.py``).

A batch model (e.g. :class:`hwiloc.models.ofdm_los.OfdmLosBatch`) has ``mean(eta [B, P])
-> [B, M]``, ``gram(eta) -> Re{D^H D} [B, P, P]``, ``sums(y, eta)`` (the fields of
:class:`Sums`, in order, computed however the model's structure allows), ``take(index)``,
``quantity_maps(name, eta) -> (values [B, Q], Jacobians [B, Q, P])``, and optionally
``unit_gain_mean(theta, tau)`` (for :func:`gain_start`) and ``canonical(eta)``.

References
----------
.. [1] H. Chen et al., "MCRB-based Performance Analysis of 6G Localization under
   Hardware Impairments", IEEE ICC Workshops 2022, Sec. IV.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from hwiloc.bounds.fisher import CONDITION_WARNING
from hwiloc.bounds.generic import POLISHED, RESIDUAL_WARNING, STATIONARY


@dataclass(frozen=True)
class Sums:
    """eps = y - mu(eta), ||eps||^2, Re{D^H D}, Re{H^H eps}, r = Re{D^H eps} and ||mu|| of
    every case: [B, M], [B], [B, P, P], [B, P, P], [B, P], [B] (as the generic engine's)."""

    eps: np.ndarray
    cost: np.ndarray
    gram: np.ndarray
    hessian_term: np.ndarray
    r: np.ndarray
    mean_norm: np.ndarray

    def take(self, index) -> Sums:
        """The sums of the cases ``index`` (indices or a boolean mask)."""
        return Sums(*(a[index] for a in self._fields()))

    def put(self, index: np.ndarray, other: Sums) -> Sums:
        """These sums with the cases ``index`` replaced by ``other``'s (in place)."""
        for a, b in zip(self._fields(), other._fields(), strict=True):
            a[index] = b
        return self

    def _fields(self):
        return self.eps, self.cost, self.gram, self.hessian_term, self.r, self.mean_norm


def sums(model, y: np.ndarray, eta: np.ndarray) -> Sums:
    """:class:`Sums` of the batch ``model`` at eta [B, P] for data y [B, M] (the model's
    ``sums``)."""
    return Sums(*model.sums(y, eta))


def _scaled(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(D^-1/2 M D^-1/2, D^-1/2) of each [P, P] matrix, D = |diag M| (the scale-free form)."""
    scale = 1.0 / np.sqrt(np.abs(np.diagonal(matrix, axis1=1, axis2=2)) + np.finfo(float).tiny)
    return matrix * scale[:, :, None] * scale[:, None, :], scale


def positive_definite(matrix: np.ndarray) -> np.ndarray:
    """Whether each [P, P] matrix of [B, P, P] is positive definite with a scale-free condition
    number within :data:`~hwiloc.bounds.fisher.CONDITION_WARNING`, [B] bool."""
    scaled, _ = _scaled(matrix)
    finite = np.all(np.isfinite(scaled), axis=(1, 2))
    eig = np.linalg.eigvalsh(np.where(finite[:, None, None], (scaled + np.swapaxes(scaled, 1, 2))
                                      / 2, np.eye(matrix.shape[1])))  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        return finite & (eig[:, 0] > 0) & (eig[:, -1] / eig[:, 0] <= CONDITION_WARNING)


def _newton(s: Sums) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton steps on ||y - mu(eta)||^2 (exact Hessian, Re{D^H D} - Re{H^H eps}) of every
    case: (step [B, P], ||D step|| / ||mu|| [B], whether the curvature is positive definite)."""
    curvature = s.gram - s.hessian_term
    scaled, scale = _scaled(curvature)
    definite = positive_definite(curvature)
    safe = np.where(definite[:, None, None], scaled, np.eye(scaled.shape[1]))
    step = scale * np.linalg.solve(safe, (s.r * scale)[..., None])[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        moved = np.sqrt(np.maximum(np.einsum("bi,bij,bj->b", step, s.gram, step), 0.0))
        moved = moved / s.mean_norm
    moved = np.where(definite & np.isfinite(moved), moved, np.inf)
    return step, moved, definite


def gain_start(model, y: np.ndarray, theta: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """[theta, tau, |alpha|, angle(alpha)] of each case with the gain that fits y best at
    (theta, tau): alpha = mu~^H y / ||mu~||^2 (the concentrated likelihood's plug-in, eq. (13)),
    [B, 4]: the start of :func:`pseudo_true` for a model with a complex gain."""
    mu = model.unit_gain_mean(theta, tau)
    alpha = np.sum(np.conj(mu) * y, axis=1) / np.sum(np.abs(mu) ** 2, axis=1)
    return np.stack([theta, tau, np.abs(alpha), np.angle(alpha)], axis=1)


def pseudo_true(y: np.ndarray, assumed, start: np.ndarray, max_iterations: int = 12):
    """eta_bar = argmin ||y - mu_2(eta)||^2 of every case by Newton steps from ``start``.

    Each case takes Newton steps (exact Hessian) while its cost falls, as the generic
    engine's polish does, until its step would move mu_2 by less than
    :data:`~hwiloc.bounds.generic.STATIONARY` of its norm. Returns (eta_bar [B, P], the
    sums there, ok [B]: the last step's move within
    :data:`~hwiloc.bounds.generic.POLISHED`).
    """
    eta = np.array(start, dtype=float)
    s = sums(assumed, y, eta)
    step, moved, _ = _newton(s)
    stalled = np.zeros(len(eta), bool)
    for _ in range(max_iterations):
        active = np.flatnonzero((moved > STATIONARY) & np.isfinite(moved) & ~stalled)
        if not active.size:
            break
        candidate = eta[active] + step[active]  # only the cases still moving are evaluated
        trial = sums(assumed.take(active), y[active], candidate)
        better = trial.cost < s.cost[active]
        stalled[active[~better]] = True
        kept = active[better]
        eta[kept] = candidate[better]
        s = s.put(kept, trial.take(better))
        step[kept], moved[kept], _ = _newton(trial.take(better))
    canonical = getattr(assumed, "canonical", None)
    if canonical is not None:
        relabelled = canonical(eta)
        if not np.array_equal(relabelled, eta):
            eta, s = relabelled, sums(assumed, y, relabelled)
    return eta, s, moved <= POLISHED


def _inverse(matrix: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Inverses of the [P, P] matrices where ``ok``, NaN elsewhere."""
    eye = np.eye(matrix.shape[1])
    inverse = np.linalg.inv(np.where(ok[:, None, None], matrix, eye))
    return np.where(ok[:, None, None], inverse, np.nan)


def crb(model, eta: np.ndarray, noise_variance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(J [B, P, P], CRB = J^-1 [B, P, P], ok [B]) of every case at its eta [B, P] under
    CN(0, sigma^2 I), eqs. (14)-(15); ``noise_variance`` a scalar or [B]. [V^2]

    ``ok`` is False where J is not positive definite or its scale-free condition number
    exceeds :data:`~hwiloc.bounds.fisher.CONDITION_WARNING` (the generic engine raises or
    warns there); those CRBs are NaN.
    """
    variance = np.broadcast_to(np.asarray(noise_variance, float), (len(eta),))
    fim = (2.0 / variance)[:, None, None] * model.gram(eta)
    ok = positive_definite(fim)
    return fim, _inverse(fim, ok), ok


@dataclass(frozen=True)
class Misspecified:
    """MCRB and LB of every case (the fields of :class:`hwiloc.bounds.generic.Misspecified`
    that the batch computes).

    Attributes
    ----------
    pseudo_true : [B, P], float
        eta_bar.
    a, b, mcrb : [B, P, P], float
        Eqs. (24), (25) and A^-1 B A^-1.
    lower_bound : [B, P, P], float
        MCRB + (eta_true - eta_bar)(...)^T, eq. (20).
    gradient_term_ratio : [B], float
        max_i of the gradient term of B over the FIM term on B's diagonal.
    residual_fraction : [B], float
        ||mu_1 - mu_2(eta_bar)|| / ||mu_1||.
    ok : [B], bool
        Whether the case is vouched for (the module's docstring); NaN bounds elsewhere.
        A doubtful residual (``residual_fraction`` above
        :data:`~hwiloc.bounds.generic.RESIDUAL_WARNING`) is warned about, not refused.
    """

    pseudo_true: np.ndarray
    a: np.ndarray
    b: np.ndarray
    mcrb: np.ndarray
    lower_bound: np.ndarray
    gradient_term_ratio: np.ndarray
    residual_fraction: np.ndarray
    ok: np.ndarray


def mcrb(
    true_mean: np.ndarray,
    assumed,
    start: np.ndarray,
    noise_variance,
    assumed_true_parameter: np.ndarray,
    gradient_tolerance: float = 1e-6,
) -> Misspecified:
    """MCRB and LB of the ML estimator of the batch ``assumed`` on the data means
    ``true_mean`` [B, M] (mu_1 at the truth), eqs. (20), (23)-(25).

    ``start`` [B, P]: where each pseudo-true search starts (e.g. :func:`gain_start` at the
    truth); ``assumed_true_parameter`` [B, P] or [P]: the truth in the assumed model's
    parameters, for the LB; ``noise_variance``: sigma^2, a scalar or [B]. [V^2]
    """
    eta_bar, s, ok = pseudo_true(true_mean, assumed, start)
    variance = np.broadcast_to(np.asarray(noise_variance, float), (len(eta_bar),))
    v = variance[:, None, None]
    fim = (2.0 / v) * s.gram
    a = (2.0 / v) * s.hessian_term - fim  # Eq. (24)
    gradient = (4.0 / v**2) * s.r[:, :, None] * s.r[:, None, :]
    b = fim + gradient  # Eq. (25)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.max(np.where(np.diagonal(fim, axis1=1, axis2=2) > 0,
                                np.diagonal(gradient, axis1=1, axis2=2)
                                / np.diagonal(fim, axis1=1, axis2=2), 0.0), axis=1)  # fmt: skip
        fraction = np.sqrt(s.cost) / np.linalg.norm(true_mean, axis=1)
    ok &= (ratio <= gradient_tolerance) & positive_definite(-a)
    doubtful = ok & (fraction > RESIDUAL_WARNING)
    if doubtful.any():  # the generic engine's warning, once for the batch
        warnings.warn(
            f"{int(doubtful.sum())} of {len(ok)} cases: the pseudo-true residual "
            f"||mu_1 - mu_2|| exceeds {RESIDUAL_WARNING:.0%} of the data's norm (up to "
            f"{float(np.max(fraction[doubtful])):.0%}): the assumed model explains little of "
            "the data there, and the LB is doubtful", RuntimeWarning, stacklevel=2)  # fmt: skip
    a_inv = _inverse(a, ok)
    bound = a_inv @ b @ a_inv  # Eq. (20)
    bias = np.broadcast_to(np.asarray(assumed_true_parameter, float), eta_bar.shape) - eta_bar
    lower = bound + bias[:, :, None] * bias[:, None, :]  # Eq. (20)
    return Misspecified(eta_bar, a, b, bound, lower, ratio, fraction, ok)


def quantity_rmse(model, name: str, eta: np.ndarray, covariance: np.ndarray,
                  truth: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """sqrt(tr(G C G^T + bias bias^T)) of quantity ``name`` for every case: G at eta [B, P],
    C [B, P, P]; with ``truth`` [B, P], the bias q(eta) - q(truth) of the LB (eq. (20), in
    the quantity), else none. [the quantity's unit]"""
    values, g = model.quantity_maps(name, eta)
    total = np.trace(g @ covariance @ np.swapaxes(g, 1, 2), axis1=1, axis2=2)
    if truth is not None:
        bias = values - model.quantity_maps(name, truth)[0]
        total = total + np.sum(bias**2, axis=1)
    return np.sqrt(total)
