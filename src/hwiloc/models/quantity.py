"""A quantity derived from a model's parameters: the map and its unit.

Light on purpose (no JAX, no bounds): the models state their quantities with
it, and the bounds engine (:mod:`hwiloc.bounds.generic`) maps a bound through
it, so both import it from here and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Quantity:
    """A derived quantity q = g(eta) of a model's parameters (position, angle, distance).

    Parameters
    ----------
    function : callable eta [P] -> q [Q] (or scalar), float
        The map. Written with ``jax.numpy`` it gets its Jacobian by autodiff.
    unit : str
        Unit of q, e.g. ``"m"`` or ``"deg"``.
    jacobian : callable eta [P] -> [Q, P], float, optional
        d g / d eta, analytic. Without it, JAX computes it.
    """

    function: Callable
    unit: str
    jacobian: Callable | None = None

    def __post_init__(self):
        if not callable(self.function):
            raise ValueError(
                f"Quantity function must be callable, got {type(self.function).__name__}"
            )
