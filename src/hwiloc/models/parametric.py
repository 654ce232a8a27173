"""A model is its mean: the noise-free observation as a function of named parameters.

This is the "bring your own model" interface of :mod:`hwiloc.bounds.generic`.
A model is a function eta -> mu(eta) (complex, any shape, flattened by the
engine) of a real parameter vector whose entries have names and units; the
first and second derivatives are optional (exact automatic differentiation
with JAX when not given, :mod:`hwiloc.autodiff`); and the model states
the maps from its parameters to the quantities a user cares about (position,
angle, distance, ...), each with its unit. Constants such as the speed of light
belong to the model (a field or a closure), not to a module.

Example (a ten-line far-field model, written with ``jax.numpy`` so that its
derivatives are automatic)::

    import jax.numpy as jnp
    from hwiloc.models.parametric import Model, Quantity

    c, fc, d = 3e8, 28e9, jnp.arange(8) * 3e8 / 28e9 / 2   # [m/s], [Hz], [m]
    f = fc + jnp.arange(16) * 1e6                           # [Hz]

    def mean(eta):  # eta = [theta, distance, gain]
        steer = jnp.exp(2j * jnp.pi * fc * d * jnp.sin(eta[0]) / c)
        delay = jnp.exp(-2j * jnp.pi * f * eta[1] / c)
        return eta[2] * jnp.outer(steer, delay)

    model = Model(mean, {"theta": "rad", "distance": "m", "gain": "V"},
                  quantities={"position": Quantity(
                      lambda eta: eta[1] * jnp.array([jnp.cos(eta[0]), jnp.sin(eta[0])]), "m")},
                  constants={"speed_of_light": c})

and then ``hwiloc.bounds.generic.crb(model, eta, noise_variance).rmse("position")``.

Importing this module switches JAX (when installed) to 64-bit floats, so that
the arrays a model captures are double precision: import it before building
them. Bounds in single precision are wrong at high SNR.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from hwiloc.models.quantity import Quantity

try:  # 64-bit JAX before any model array is built (see the module docstring)
    import jax
except ImportError:  # pragma: no cover - JAX is the optional extra `autodiff`
    pass
else:
    jax.config.update("jax_enable_x64", True)


@dataclass(frozen=True)
class Model:
    """A noise-free observation model mu(eta) with named, unit-carrying parameters.

    Parameters
    ----------
    mean : callable eta [P] -> mu [...], complex
        The noise-free observation (flattened by the engine). [V]
    parameters : mapping name -> unit
        The entries of eta in order, e.g. ``{"theta": "rad", "distance": "m"}``.
    jacobian : callable eta -> [M, P], complex, optional
        d mu / d eta (analytic). Without it, automatic (JAX).
    hessian : callable eta -> [M, P, P], complex, optional
        d2 mu / d eta_i d eta_j (analytic). Without it, automatic (JAX).
    quantities : mapping name -> Quantity, optional
        The maps from eta to what the bounds are wanted of.
    constants : mapping name -> float, optional
        The physical constants the mean uses (e.g. ``speed_of_light`` [m/s]),
        recorded with the results.
    canonical : callable eta -> eta, optional
        The representative the pseudo-true search reports when several give the
        same mean (e.g. :func:`hwiloc.models.gain.canonical_gain`).
    admissible : callable eta -> bool, optional
        Whether eta is a point the model describes (e.g. a UE in front of the
        array); :func:`hwiloc.bounds.generic.mcrb` warns, and says so in its
        ``diagnostics``, when the pseudo-true point is not.
    name : str, optional
        How messages name the model (default: its mean function's name).
    """

    mean: Callable
    parameters: Mapping[str, str]
    jacobian: Callable | None = None
    hessian: Callable | None = None
    quantities: Mapping[str, Quantity] = field(default_factory=dict)
    constants: Mapping[str, float] = field(default_factory=dict)
    canonical: Callable | None = None
    admissible: Callable | None = None
    name: str = ""

    def __post_init__(self):
        if not callable(self.mean):
            raise ValueError(f"mean must be callable eta -> mu, got {type(self.mean).__name__}")
        if not isinstance(self.parameters, Mapping) or not self.parameters:
            raise ValueError(
                "parameters must be a non-empty mapping name -> unit, e.g. "
                f"{{'theta': 'rad', 'distance': 'm'}}; got {self.parameters!r}"
            )
        for name, q in self.quantities.items():
            if not isinstance(q, Quantity):
                raise ValueError(f"quantity {name!r} must be a Quantity, got {type(q).__name__}")
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "quantities", MappingProxyType(dict(self.quantities)))
        object.__setattr__(self, "constants", MappingProxyType(dict(self.constants)))

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(self.parameters)

    @property
    def parameter_units(self) -> tuple[str, ...]:
        return tuple(self.parameters.values())

    @property
    def num_parameters(self) -> int:
        return len(self.parameters)

    def check_parameter(self, eta) -> np.ndarray:
        """eta as a float array of the model's length, or a ValueError naming both."""
        eta = np.asarray(eta, dtype=float)
        if eta.shape != (self.num_parameters,):
            raise ValueError(
                f"parameter vector must have shape ({self.num_parameters},) for "
                f"{list(self.parameters)}, got shape {eta.shape}"
            )
        if not np.all(np.isfinite(eta)):
            raise ValueError(f"parameter vector must be finite, got {eta}")
        return eta

    def quantity(self, name: str) -> Quantity:
        try:
            return self.quantities[name]
        except KeyError:
            raise ValueError(
                f"model has no quantity {name!r}; it defines {sorted(self.quantities)}"
            ) from None
