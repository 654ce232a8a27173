"""Exact first and second derivatives of a model's mean by automatic differentiation (JAX).

Optional: ``pip install -e ".[autodiff]"``. The model's mean (and a quantity's
map) must be written with ``jax.numpy``. JAX is switched to 64-bit floats on
import (``jax_enable_x64``): bounds need double precision, and the flag is
process-wide, so a notebook that also uses JAX in 32 bits should know.

For a real parameter vector eta and a complex mean mu, forward-mode
differentiation gives d mu / d eta = d Re mu / d eta + j d Im mu / d eta
exactly (no step size), and the Hessian by differentiating that again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

INSTALL_HINT = 'install the optional extra: pip install -e ".[autodiff]" (JAX)'


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
