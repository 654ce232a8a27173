"""A model seen through a real-linear map of its observations.

A map T of the observations that is linear over the reals (a linear map of the
stacked real and imaginary parts: a DFT, a widely linear distortion mu x + nu x*,
a gain, a whitening) commutes with derivatives in real parameters: the model
T(mu(eta)) has Jacobian T(D) and Hessian T(H), each T applied along the
observation axis. :class:`RealLinearView` is that model; its parameters,
quantities, canonical form and admissible region are the original's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class RealLinearView:
    """The model mu'(eta) = T(mu(eta)) for a real-linear map T of the observations.

    Parameters
    ----------
    model : Model or object with ``mean`` (and ``jacobian``, ``hessian``, ``derivatives``)
        The model seen.
    transform : callable [M, ...] complex -> [M', ...] complex
        T, applied along the first axis; real-linear (T(a u + b v) = a T(u) + b T(v) for
        real a, b). [the observations' unit to the view's]
    label : str
        How the view names itself in messages, after the model's name.
    """

    model: object
    transform: Callable
    label: str = "view"

    def __getattr__(self, name):  # parameter_names, quantities, canonical, admissible, ...
        if name in ("model", "transform", "label") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.model, name)

    @property
    def name(self) -> str:
        from hwiloc.bounds.generic import model_name

        return f"{model_name(self.model)} ({self.label})"

    def _apply(self, values) -> np.ndarray:
        return np.asarray(self.transform(np.asarray(values, dtype=complex)), dtype=complex)

    def mean(self, eta) -> np.ndarray:
        from hwiloc.bounds.generic import mean_of

        return self._apply(mean_of(self.model, eta))

    def jacobian(self, eta) -> np.ndarray:
        from hwiloc.bounds.generic import jacobian_of

        return self._apply(jacobian_of(self.model, eta))

    def hessian(self, eta) -> np.ndarray:
        from hwiloc.bounds.generic import hessian_of

        return self._apply(hessian_of(self.model, eta))

    @property
    def derivatives(self):
        """(T(mu), T(D), T(H)) from the model's one-pass ``derivatives``, or None without it."""
        inner = getattr(self.model, "derivatives", None)
        if not callable(inner):
            return None
        return lambda eta: tuple(self._apply(x) for x in inner(eta))
