"""Exact first and second derivatives of a model's mean by automatic differentiation (JAX).

JAX is a dependency of the base install. The model's mean (and a quantity's
map) must be written with ``jax.numpy``. JAX is switched to 64-bit floats on
import (``jax_enable_x64``): bounds need double precision, and the flag is
process-wide, so a notebook that also uses JAX in 32 bits should know.

For a real parameter vector eta and a complex mean mu, forward-mode
differentiation gives d mu / d eta = d Re mu / d eta + j d Im mu / d eta
exactly (no step size), and the Hessian by differentiating that again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

INSTALL_HINT = 'JAX is missing from this environment: pip install -e . (it installs jax)'


def array_namespace(*values):
    """``jax.numpy`` when any of ``values`` is a JAX array (a tracer included), else numpy.

    The impairment models (:mod:`hwiloc.impairments`) compute with it, so that
    the same function runs on numpy arrays in the pipeline and inside a user's
    JAX model, where the engine differentiates through it. JAX is not imported
    here: an array of it exists only once the caller has imported it.
    """
    jax = sys.modules.get("jax")
    if jax is not None and any(isinstance(v, jax.Array) for v in values):
        return jax.numpy
    return np


def _jax():
    try:
        import jax
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "automatic derivatives need JAX: give the model analytic jacobian= and hessian=, "
            f"or {INSTALL_HINT}"
        ) from error
    jax.config.update("jax_enable_x64", True)
    return jax


def _flat(function: Callable, dtype) -> Callable:
    jnp = _jax().numpy

    def flat(eta):
        return jnp.ravel(jnp.asarray(function(eta), dtype=dtype))

    return flat


def _traced(derivative: Callable, what: str) -> Callable:
    """Wrap a compiled derivative: numpy in and out, a clear error if not traceable."""

    def evaluate(eta):
        try:
            return np.asarray(derivative(np.asarray(eta, dtype=float)))
        except Exception as error:  # the tracer errors of JAX have no common public base
            if "Tracer" not in type(error).__name__ and "Tracer" not in str(error):
                raise
            raise ValueError(
                f"the {what} is not traceable by JAX: write it with jax.numpy (not numpy), "
                "or give its derivatives analytically"
            ) from error

    return evaluate


def mean_derivatives(mean: Callable) -> tuple[Callable, Callable]:
    """Jacobian [M, P] and Hessian [M, P, P] functions of a complex mean, both compiled.

    Parameters
    ----------
    mean : callable eta [P] -> mu [...], complex, written with jax.numpy

    Returns
    -------
    jacobian, hessian : callables eta -> numpy arrays
    """
    jax = _jax()
    flat = _flat(mean, jax.numpy.complex128)
    first = jax.jacfwd(flat)
    return (
        _traced(jax.jit(first), "model mean"),
        _traced(jax.jit(jax.jacfwd(first)), "model mean"),
    )


def quantity_jacobian(function: Callable) -> Callable:
    """Jacobian [Q, P] function of a real map g(eta), compiled."""
    jax = _jax()
    return _traced(jax.jit(jax.jacfwd(_flat(function, jax.numpy.float64))), "quantity map")


def gain_concentrated_ml(
    mean: Callable,
    observations: np.ndarray,
    initial: np.ndarray,
    *,
    num_iterations: int = 12,
    scales=(1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125),
    max_step=None,
) -> np.ndarray:
    """Maximum-likelihood estimates of a mean alpha u(q) linear in a complex gain.

    Under white Gaussian noise the ML estimate of q minimizes the concentrated
    cost ||y - alpha u(q)||^2 with alpha = u^H y / ||u||^2 substituted, i.e.
    maximizes |u(q)^H y|^2 / ||u(q)||^2. From each ``initial`` point,
    Gauss-Newton steps of the variable projection (Kaufman's: the Jacobian of
    the residual is -alpha P_u^perp du/dq, exact by forward-mode
    differentiation); each step is taken at the largest of ``scales`` that
    lowers the cost, or not at all. Every observation at once (``jax.vmap``),
    compiled once.

    Parameters
    ----------
    mean : callable q [Q] -> u [...], complex, written with jax.numpy
        The mean at unit gain, e.g. a model's mean at eta = [q, 1, 0].
    observations : [T, ...], complex
        The observations y, one per row.
    initial : [T, Q], float
        Starting points, e.g. from a coarse grid.
    num_iterations : int
        Gauss-Newton steps.
    scales : sequence of float
        Step lengths tried, largest first.
    max_step : [Q], float, optional
        Largest step per coordinate (a box trust region: a step is scaled down to
        fit), in the units of q; None: unbounded.

    Returns
    -------
    [T, Q], float
        The estimates.
    """
    jax = _jax()
    jnp = jax.numpy
    # numpy until the compiled program: each JAX operation run eagerly is compiled on its own
    y = np.asarray(observations).reshape(len(observations), -1)
    q0 = np.asarray(initial, dtype=float)
    if q0.shape[0] != y.shape[0]:
        raise ValueError(f"initial has {q0.shape[0]} points for {y.shape[0]} observations")
    trial_scales = np.asarray(scales, dtype=float)

    def flat(q):
        return jnp.ravel(mean(q))

    def cost_of(u, obs):  # ||y - alpha u||^2 = ||y||^2 - |u^H y|^2 / ||u||^2, up to ||y||^2
        return -(jnp.abs(jnp.vdot(u, obs)) ** 2) / jnp.real(jnp.vdot(u, u))

    def cost(q, obs):
        return cost_of(flat(q), obs)

    def step(q, obs):
        u = flat(q)
        jac = jax.jacfwd(flat)(q)  # [M, Q] complex: du / dq
        uu = jnp.real(jnp.vdot(u, u))
        alpha = jnp.vdot(u, obs) / uu
        residual = obs - alpha * u
        projected = jac - jnp.outer(u, u.conj() @ jac) / uu  # P_u^perp du/dq
        a = alpha * projected
        normal = jnp.real(a.conj().T @ a)
        delta = jnp.linalg.solve(normal, jnp.real(a.conj().T @ residual))  # q + delta
        if max_step is not None:
            delta = delta / jnp.maximum(1.0, jnp.max(jnp.abs(delta) / jnp.asarray(max_step)))
        costs = jax.vmap(lambda c: cost(q + c * delta, obs))(trial_scales)
        lower = costs < cost_of(u, obs)  # the cost at q, from the u already computed
        best = jnp.argmax(lower)  # the largest scale that lowers the cost
        return jnp.where(lower[best], q + jnp.asarray(trial_scales)[best] * delta, q)

    @jax.jit
    def solve(q, obs):  # every iteration in one compiled program
        return jax.lax.fori_loop(0, int(num_iterations), lambda _, x: jax.vmap(step)(x, obs), q)

    return np.asarray(solve(q0, y))
