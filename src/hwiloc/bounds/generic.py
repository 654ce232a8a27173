"""CRB, MCRB and LB of any model and of any quantity derived from its parameters.

The engine behind every bound of the package; a user brings a model
(:class:`hwiloc.models.parametric.Model`: a mean function of named parameters,
derivatives optional) and gets

- :func:`crb`: J = (2 / sigma^2) Re{D^H D}, CRB = J^-1 (eqs. (14)-(15) of [1]_);
- :func:`pseudo_true`: eta_bar = argmin ||mu_1(eta_true) - mu_2(eta)||^2
  (eq. (23) of [1]_), Newton steps from a near-stationary start, else
  Levenberg-Marquardt on the stacked real and imaginary parts, with its
  convergence report;
- :func:`mcrb`: A, B, MCRB = A^-1 B A^-1 and LB = MCRB + bias bias^T (eqs. (20),
  (24), (25) of [1]_), warning when the gradient term of B does not vanish at
  the pseudo-true point (then the point is not the minimiser);
- any zero-mean Gaussian noise instead of CN(0, sigma^2 I): coloured (a
  covariance C, J = 2 Re{D^H C^-1 D}) or improper (a pseudo-covariance too, the
  augmented Fisher information), for the estimator's likelihood (``noise=``) and
  for the data (``true_noise=``, when the estimator's noise model is wrong):
  :mod:`hwiloc.bounds.noise`;
- bounds of any derived quantity q = g(eta) that the model maps to (position,
  angle, distance), through its Jacobian G: G C G^T for the CRB and the MCRB
  (G at the truth and at the pseudo-true point), plus the squared bias
  (g_2(eta_bar) - g_1(eta_true)) of the quantity for the LB, each model mapping
  its own parameters (the true and the assumed model may be parameterised
  differently, e.g. position vs angle and distance).

Models may also be any object with ``mean`` and ``jacobian``/``hessian``
methods (the shipped analytic models) and a ``quantities`` mapping.

Example::

    from hwiloc.bounds.generic import crb, mcrb
    crb(model, eta, noise_variance).rmse("position")             # [m]
    lb = mcrb(true_model, eta_true, assumed_model, noise_variance, start=eta0)
    lb.rmse("position"), lb.rmse("position", kind="mcrb"), lb.bias("position")

References
----------
.. [1] H. Chen et al., "MCRB-based Performance Analysis of 6G Localization under
   Hardware Impairments", IEEE ICC Workshops 2022, Sec. IV; after S. Fortunati
   et al., IEEE SP Mag. 34(6), 2017.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from hwiloc.bounds.fisher import condition_number, fisher_information, inverse_fim
from hwiloc.bounds.misspecified import hessian_residual, matrices_from_sums
from hwiloc.bounds.noise import GaussianNoise, NoiseError, Whitened, as_noise


# --- what a user's model gives is checked -----------------------------------------
class ModelError(ValueError):
    """A model's mean, derivatives or quantity maps are not what the engine needs.

    The message names the model, what it returned, at which parameter, and what
    was expected: NaN, infinite values and wrong shapes each get their own.
    """


def model_name(model) -> str:
    """How messages name a model: its ``name``, else its class and mean function."""
    name = getattr(model, "name", None)
    if name:
        return str(name)
    mean = getattr(model, "mean", None)
    inner = getattr(mean, "__name__", None)
    return f"{type(model).__name__}({inner})" if inner and inner != "mean" else type(model).__name__


def _at(eta) -> str:
    return np.array2string(np.asarray(eta), precision=6, max_line_width=200)


def real_parameter(value, what: str = "parameter") -> np.ndarray:
    """A parameter vector as float; complex values are refused, never truncated.

    numpy would drop an imaginary part with only a ComplexWarning: a model's
    parameters are real (a complex gain is two of them, its magnitude and phase or
    its real and imaginary parts). A complex array whose imaginary parts are all
    zero is taken as its real part.
    """
    array = np.asarray(value)
    if np.iscomplexobj(array):
        if np.any(np.imag(array) != 0):
            raise ModelError(
                f"the {what} has complex values ({_at(array)}); expected real parameters: "
                "give a complex quantity as two, its magnitude and phase or its real and "
                "imaginary parts"
            )
        array = np.real(array)
    try:
        return np.asarray(array, dtype=float)
    except (TypeError, ValueError) as error:
        raise ModelError(f"the {what} is not a vector of numbers ({error})") from None


def _require_finite(model, what: str, values: np.ndarray, eta) -> np.ndarray:
    """``values`` when finite; ModelError naming NaN or infinite entries otherwise."""
    if values.size == 0:
        raise ModelError(f"model {model_name(model)}: {what} is empty at eta = {_at(eta)}")
    finite = np.isfinite(values)
    if not np.all(finite):
        nan = int(np.count_nonzero(np.isnan(values)))
        inf = int(values.size - np.count_nonzero(finite) - nan)
        first = tuple(int(i) for i in np.argwhere(~finite)[0])
        kinds = ", ".join(k for k, n in (("NaN", nan), ("infinite", inf)) if n)
        raise ModelError(
            f"model {model_name(model)}: {what} has {nan} NaN and {inf} infinite entries "
            f"at eta = {_at(eta)} (first at index {first}); expected finite values "
            f"({kinds} values make every bound meaningless)"
        )
    return values


def _require_shape(model, what: str, raw: np.ndarray, expected: tuple, eta) -> None:
    """Refuse ``raw`` unless it is ``expected`` (or that shape with the observations unflattened:
    [..., P] whose leading axes hold the M observations)."""
    m, rest = expected[0], expected[1:]
    ok = raw.shape == expected or (
        raw.ndim >= len(expected) and raw.shape[raw.ndim - len(rest):] == rest
        and int(np.prod(raw.shape[: raw.ndim - len(rest)])) == m
    )  # fmt: skip
    if not ok:
        hint = ""
        if raw.shape == expected[::-1] or (len(expected) == 2 and raw.shape == (rest[0], m)):
            hint = " (transposed?)"
        raise ModelError(
            f"model {model_name(model)}: {what} has shape {raw.shape} at eta = {_at(eta)}; "
            f"expected {expected} (M = {m} observations of the mean, P = {rest[-1] if rest else 0}"
            f" parameters){hint}"
        )


# --- derivatives: the model's own, else automatic -----------------------------
def _automatic(model):
    cache = model.__dict__.setdefault("_hwiloc_autodiff", {})
    if "mean" not in cache:
        from hwiloc.autodiff import mean_derivatives

        cache["mean"] = mean_derivatives(model.mean)
    return cache["mean"]


def _num_parameters(model, eta) -> int:
    check = getattr(model, "check_parameter", None)
    return len(check(eta) if check else real_parameter(eta))


def _call(model, what: str, function, eta):
    """``function(eta)`` with an exception from inside it named by the model and the point.

    A model written for JAX may update its parameter vector functionally
    (``eta.at[i].set(v)``), which a numpy array does not have: such a call is made again
    with ``eta`` as a JAX array.
    """
    try:
        return function(eta)
    except AttributeError as error:
        if "'at'" not in str(error) or not isinstance(eta, np.ndarray):
            raise
        import jax.numpy as jnp

        return _call(model, what, function, jnp.asarray(eta))
    except (ModelError, NoiseError):  # already name what is wrong
        raise
    except (ValueError, TypeError, IndexError, ArithmeticError, np.linalg.LinAlgError) as error:
        raise ModelError(
            f"model {model_name(model)}: its {what} failed at eta = {_at(eta)} "
            f"({type(error).__name__}: {error})"
        ) from error


def mean_of(model, eta) -> np.ndarray:
    """mu(eta) flattened, [M] complex, checked finite (:class:`ModelError`). [V]"""
    _num_parameters(model, eta)  # the model's own check of eta's length and values first
    eta = real_parameter(eta)
    mu = np.ravel(np.asarray(_call(model, "mean", model.mean, eta), dtype=complex))
    return _require_finite(model, "mean(eta)", mu, eta)


def jacobian_of(model, eta, num_observations: int | None = None) -> np.ndarray:
    """d mu / d eta, [M, P] complex: the model's own, else by autodiff; shape and values checked.

    ``num_observations`` is M, the length of the mean at ``eta`` (evaluated when
    not given): a Jacobian must hold one row per observation and one column per
    parameter.
    """
    p = _num_parameters(model, eta)
    eta = real_parameter(eta)
    m = len(mean_of(model, eta)) if num_observations is None else int(num_observations)
    given = getattr(model, "jacobian", None)
    function = given if given else _automatic(model)[0]
    d = np.asarray(_call(model, "jacobian", function, eta), dtype=complex)
    _require_shape(model, "jacobian(eta)", d, (m, p), eta)
    return _require_finite(model, "jacobian(eta)", d.reshape(m, p), eta)


def hessian_of(model, eta, num_observations: int | None = None) -> np.ndarray:
    """d2 mu / d eta_i d eta_j, [M, P, P] complex: the model's own, else by autodiff; checked."""
    p = _num_parameters(model, eta)
    eta = real_parameter(eta)
    m = len(mean_of(model, eta)) if num_observations is None else int(num_observations)
    given = getattr(model, "hessian", None)
    function = given if given else _automatic(model)[1]
    h = np.asarray(_call(model, "hessian", function, eta), dtype=complex)
    _require_shape(model, "hessian(eta)", h, (m, p, p), eta)
    return _require_finite(model, "hessian(eta)", h.reshape(m, p, p), eta)


class PointCache:
    """A model's mean and derivatives at the points the engine visits, each computed once.

    The engine asks for mu_2, D and H at the same point several times (the
    pseudo-true search, A and B, the gradient check), and a sweep that
    differs only in the noise variance asks again for every value. Pass one
    cache to the calls that share models and points; without one, each call
    keeps its own. A model with a method ``derivatives(eta) -> (mean,
    jacobian, hessian)`` fills all three from one pass. Keyed by the model
    object and the bytes of eta: models must not change while a cache is in
    use (the shipped ones are frozen).

    Parameters
    ----------
    max_points : int
        Points kept; the cache empties when full.
    """

    def __init__(self, max_points: int = 32):
        self._slots: dict = {}
        self._max_points = int(max_points)
        self._whitened: dict = {}

    def seen(self, noise: GaussianNoise, *models) -> tuple[tuple, float]:
        """The models as the engine's white-noise formulas see them under ``noise``, and the
        variance those formulas take: the models and sigma^2 for white noise, else each
        through the noise's whitening map (a :class:`~hwiloc.bounds.noise.Whitened`, the same
        object for the same pair, so that its points are cached too) and 1."""
        if noise.is_white:
            return models, noise.variance
        seen = []
        for model in models:
            key = (id(model), id(noise))
            if key not in self._whitened:
                self._whitened[key] = Whitened(model, noise)  # holds both: ids stay unique
            seen.append(self._whitened[key])
        return tuple(seen), 1.0

    def _slot(self, model, eta) -> tuple[np.ndarray, dict]:
        eta = np.ascontiguousarray(eta, dtype=float)
        key = (id(model), eta.tobytes())
        slot = self._slots.get(key)
        if slot is None:
            if len(self._slots) >= self._max_points:
                self._slots.clear()
            slot = self._slots[key] = {"model": model}  # the reference keeps id(model) unique
        return eta, slot

    def _all(self, model, eta, slot) -> None:
        mean, d, h = _call(model, "derivatives", model.derivatives, eta)
        p = eta.size  # values already given stand: a point's mean is one array throughout
        mean = _require_finite(model, "mean(eta)", np.ravel(np.asarray(mean, dtype=complex)), eta)
        m = len(slot.get("mean", mean))
        d, h = np.asarray(d, dtype=complex), np.asarray(h, dtype=complex)
        _require_shape(model, "jacobian(eta)", d, (m, p), eta)
        _require_shape(model, "hessian(eta)", h, (m, p, p), eta)
        slot.setdefault("mean", mean)
        slot.setdefault("jacobian", _require_finite(model, "jacobian(eta)", d.reshape(m, p), eta))
        slot["hessian"] = _require_finite(model, "hessian(eta)", h.reshape(m, p, p), eta)

    def mean(self, model, eta) -> np.ndarray:
        """mu(eta), [M] complex, checked finite. [V]"""
        eta, slot = self._slot(model, eta)
        if "mean" not in slot:
            slot["mean"] = mean_of(model, eta)
        return slot["mean"]

    def jacobian(self, model, eta) -> np.ndarray:
        """d mu / d eta, [M, P] complex, checked against the mean's length."""
        eta, slot = self._slot(model, eta)
        if "jacobian" not in slot:
            slot["jacobian"] = jacobian_of(model, eta, len(self.mean(model, eta)))
        return slot["jacobian"]

    def hessian(self, model, eta) -> np.ndarray:
        """d2 mu / d eta_i d eta_j, [M, P, P] complex (with the mean and D when the model
        gives ``derivatives``)."""
        eta, slot = self._slot(model, eta)
        if "hessian" not in slot:
            if callable(getattr(model, "derivatives", None)):
                self._all(model, eta, slot)
            else:
                slot["hessian"] = hessian_of(model, eta, len(self.mean(model, eta)))
        return slot["hessian"]


def _quantity(model, name):
    quantities = getattr(model, "quantities", None) or {}
    if name not in quantities:
        raise ValueError(
            f"model {type(model).__name__} has no quantity {name!r}; it defines "
            f"{sorted(quantities)}"
        )
    return quantities[name]


def quantity_value(model, name: str, eta) -> np.ndarray:
    """g(eta) of the model's quantity ``name``, 1-D float, checked. [the quantity's unit]"""
    q = _quantity(model, name)
    eta = real_parameter(eta)
    value = np.asarray(_call(model, f"quantity {name!r}", q.function, eta), dtype=float)
    if value.ndim > 1:
        raise ModelError(
            f"model {model_name(model)}: quantity {name!r} has shape {value.shape} at eta = "
            f"{_at(eta)}; expected a scalar or a vector [Q]"
        )
    return _require_finite(model, f"quantity {name!r}", np.atleast_1d(value), eta)


def quantity_jacobian(model, name: str, eta) -> np.ndarray:
    """d g / d eta of the model's quantity ``name``, [Q, P]: its own, else by autodiff; checked."""
    q = _quantity(model, name)
    eta = real_parameter(eta)
    if q.jacobian is not None:
        function = q.jacobian
    else:
        cache = model.__dict__.setdefault("_hwiloc_autodiff", {})
        if name not in cache:
            from hwiloc.autodiff import quantity_jacobian as automatic

            cache[name] = automatic(q.function)
        function = cache[name]
    g = np.asarray(_call(model, f"quantity {name!r} jacobian", function, eta), dtype=float)
    num = len(quantity_value(model, name, eta))
    what = f"jacobian of quantity {name!r}"
    if g.shape != (num, eta.size) and not (num == 1 and g.shape == (eta.size,)):
        hint = " (transposed?)" if g.shape == (eta.size, num) else ""
        raise ModelError(
            f"model {model_name(model)}: {what} has shape {g.shape} at eta = {_at(eta)}; "
            f"expected ({num}, {eta.size}) (Q = {num} quantity entries, P = {eta.size} "
            f"parameters){hint}"
        )
    return _require_finite(model, what, g.reshape(num, eta.size), eta)


# --- CRB ------------------------------------------------------------------------
@dataclass(frozen=True)
class CramerRao:
    """CRB of a model at a parameter: covariance J^-1 and its maps to quantities."""

    model: object
    parameter: np.ndarray
    fim: np.ndarray
    covariance: np.ndarray

    def quantity_covariance(self, name: str) -> np.ndarray:
        """G J^-1 G^T, G = d g / d eta at the parameter. [Q, Q], [unit^2]"""
        g = quantity_jacobian(self.model, name, self.parameter)
        return g @ self.covariance @ g.T

    def rmse(self, name: str | None = None) -> float:
        """sqrt(tr) of the bound of quantity ``name`` (of all parameters if None)."""
        cov = self.covariance if name is None else self.quantity_covariance(name)
        return float(np.sqrt(np.trace(cov)))

    def to_dataset(self, quantities=None, config: dict | None = None):
        """The bound as the pipeline's self-describing dataset (write it with
        :func:`hwiloc.io.netcdf.write_dataset`): eta, J and J^-1 over the parameters with
        their units, the scale-free condition number, and the RMSE bound of each of the
        model's quantities (``quantities``: their names, default all).

        ``config``: what produced it (stored as JSON, e.g. the noise variance)."""
        rows = _quantity_rows(self.model, quantities, self.rmse)
        return _bound_dataset(
            self.model, self.parameter,
            {"fim": (self.fim, "Fisher information J, eq. (14)", "mixed: 1/(unit_i unit_j)"),
             "crb": (self.covariance, "CRB J^-1, eq. (15)", "mixed: unit_i unit_j")},
            {"condition_number": (self.condition_number, "scale-free condition number of J",
                                  "1"),
             **{f"rmse_{q}": (v, f"CRB of the RMSE of {q}", u) for q, (v, u) in rows.items()}},
            f"CRB of {model_name(self.model)}", "crb", "eqs. (14)-(15)", config or {},
        )  # fmt: skip

    @property
    def condition_number(self) -> float:
        """The FIM's condition number, scale-free (:func:`~hwiloc.bounds.fisher.condition_number`);
        above :data:`~hwiloc.bounds.fisher.CONDITION_WARNING` :func:`crb` warned."""
        return condition_number(self.fim)

    def scaled(self, factor: float) -> CramerRao:
        """The CRB when the mean is sqrt(``factor``) times larger (or sigma^2 ``factor`` smaller).

        J = (2 / sigma^2) Re{D^H D} (eq. (14)) scales by ``factor`` and the
        CRB by its inverse: exact, with no model evaluated. E.g. a transmit
        power ``factor`` times higher for a model linear in its pilots.
        """
        factor = _require_factor(factor)
        return replace(self, fim=self.fim * factor, covariance=self.covariance / factor)


# --- results as the pipeline's self-describing NetCDF ----------------------------------
def _parameter_axis(model, size: int) -> tuple[list[str], list[str]]:
    names = list(getattr(model, "parameter_names", None) or [f"theta[{i}]" for i in range(size)])
    units = list(getattr(model, "parameter_units", None) or ["1"] * size)
    return names, units


def _quantity_rows(model, quantities, bound) -> dict:
    """{name: (rmse, unit)} of the model's quantities (all if None) under ``bound``."""
    found = getattr(model, "quantities", {}) or {}
    names = list(found) if quantities is None else list(quantities)
    return {name: (bound(name), found[name].unit if name in found else "1") for name in names}


def _bound_dataset(model, eta, matrices: dict, scalars: dict, title: str, rule: str,
                   equations: str, config: dict):  # fmt: skip
    """The dataset of a bound: the parameters as a coordinate (units each), the matrices
    over (parameter, parameter_) and one scalar variable per quantity's RMSE."""
    import xarray as xr

    from hwiloc.io.netcdf import finalize

    names, units = _parameter_axis(model, len(eta))
    ds = xr.Dataset(coords={"parameter": names, "parameter_": names})
    ds["parameter"].attrs.update(units="1", long_name="model parameter (units: parameter_unit)")
    ds["parameter_"].attrs.update(units="1", long_name="model parameter (second axis)")
    ds["parameter_unit"] = ("parameter", units)
    ds["parameter_unit"].attrs.update(units="1", long_name="unit of each parameter")
    ds["parameter_value"] = ("parameter", np.asarray(eta, dtype=float))
    ds["parameter_value"].attrs.update(units="mixed: parameter_unit", long_name="eta")
    for name, (values, long_name, unit) in matrices.items():
        ds[name] = (("parameter", "parameter_"), np.asarray(values, dtype=float))
        ds[name].attrs.update(units=unit, long_name=long_name)
    for name, (value, long_name, unit) in scalars.items():
        ds[name] = ((), float(value))
        ds[name].attrs.update(units=unit, long_name=long_name)
    return finalize(ds, title=title, study="user model", rule=rule,
                    references=f"hwiloc.bounds.generic, {equations}", config=config)  # fmt: skip


def crb(
    model,
    parameter,
    noise_variance: float | None = None,
    *,
    noise: GaussianNoise | None = None,
    cache: PointCache | None = None,
) -> CramerRao:
    """CRB of ``model`` at ``parameter`` under CN(0, sigma^2 I) noise, eqs. (14)-(15), or
    under any Gaussian noise (``noise``).

    With ``noise`` (:class:`~hwiloc.bounds.noise.GaussianNoise`) the Fisher
    information is J = 2 Re{D^H C^-1 D} for coloured noise and the augmented
    D_a^H C_a^-1 D_a for improper noise (:mod:`hwiloc.bounds.noise`).

    The model's mean is evaluated at the point and checked finite, and its
    Jacobian checked to be [M, P] and finite (:class:`ModelError` otherwise);
    a singular Fisher information (rank deficiency) raises UnobservableError
    naming the parameters without a bound. A Fisher information out of float64's
    range raises :class:`~hwiloc.bounds.fisher.FisherRangeError` (overflow or
    underflow, which is not unobservability), and an ill-conditioned one is
    inverted with an :class:`~hwiloc.bounds.fisher.IllConditionedWarning` (the
    result's ``condition_number``). Complex parameter values are refused
    (:func:`real_parameter`), and a model may update its parameter vector the JAX
    way (``eta.at[i].set(v)``).

    Parameters
    ----------
    model : Model or object with ``mean`` (and ``jacobian``)
    parameter : [P], float
        eta, in the model's units.
    noise_variance : float, optional
        sigma^2 per complex observation of white noise. [V^2]
    noise : GaussianNoise, optional
        The noise's covariance and pseudo-covariance, instead of ``noise_variance``.
    cache : PointCache, optional
        Shared with other calls on the same model and point.
    """
    noise = as_noise(noise_variance, noise)
    eta = real_parameter(parameter)
    cache = PointCache() if cache is None else cache
    (seen,), variance = cache.seen(noise, model)
    d = cache.jacobian(seen, eta)  # the mean too: its length is the Jacobian's rows
    fim = fisher_information(d, variance)  # Eq. (14)
    names = getattr(model, "parameter_names", None)
    return CramerRao(model, eta, fim, inverse_fim(fim, names))  # Eq. (15)


def _require_factor(factor) -> float:
    factor = float(factor)
    if not (np.isfinite(factor) and factor > 0):
        raise ValueError(f"scale factor must be positive and finite, got {factor}")
    return factor


# --- pseudo-true point ------------------------------------------------------------
@dataclass(frozen=True)
class PseudoTrue:
    """eta_bar = argmin ||mu_1 - mu_2(eta)||^2 and how the solver got there.

    Attributes
    ----------
    parameter : [P], float
        eta_bar.
    converged : bool
        The solver met a tolerance (not the evaluation limit).
    message : str
        The solver's reason to stop.
    num_evaluations : int
        Mean evaluations used.
    residual_norm : float
        ||mu_1 - mu_2(eta_bar)||. [V]
    gradient_cosine : float
        max_i |Re{d_i^H eps}| / (||d_i|| ||eps||), 0 at an exact stationary point.
    data_norm : float
        ||mu_1||, which the residual is a fraction of. [V]
    """

    parameter: np.ndarray
    converged: bool
    message: str
    num_evaluations: int
    residual_norm: float
    gradient_cosine: float
    data_norm: float = float("nan")

    @property
    def residual_fraction(self) -> float:
        """||mu_1 - mu_2(eta_bar)|| / ||mu_1||: near 1, the assumed model explains nothing."""
        return self.residual_norm / self.data_norm if self.data_norm > 0 else float("nan")


STATIONARY = 1e-10  # a point is stationary when its Newton step moves mu_2 by less than this
#                     fraction of ||mu_2||: scale-free, and 1e4 above the rounding of mu_2
POLISHED = 1e-8  # Newton steps alone (no LM) must bring that fraction below this [-]
RESIDUAL_WARNING = 0.9  # mcrb warns when ||mu_1 - mu_2(eta_bar)|| exceeds this fraction of
#                         ||mu_1||: the assumed model then explains less than a fifth of the
#                         data's energy, a far local minimum rather than a mismatch (chen2022's
#                         impairments leave about 0.5 at 40 dBm) [-]
NEAR = 1e-3  # a start whose Newton step moves mu_2 by less than this fraction is polished by
#              Newton steps alone, without Levenberg-Marquardt [-]


@dataclass(frozen=True)
class _Sums:
    """What the Newton step, the solver's report and A, B (eqs. (24), (25)) are made of,
    at one point for one data vector: eps = y - mu(eta), Re{D^H D}, Re{H^H eps} and
    r = Re{D^H eps} (the cost's gradient is -2 r)."""

    eps: np.ndarray
    cost: float  # ||eps||^2
    gram: np.ndarray
    hessian_term: np.ndarray
    r: np.ndarray
    mean_norm: float  # ||mu||

    @property
    def gradient_cosine(self) -> float:
        """max_i |r_i| / (||d_i|| ||eps||): 0 at a stationary point."""
        norm = np.sqrt(np.diag(self.gram) * self.cost)
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(np.max(np.where(norm > 0, np.abs(self.r) / norm, 0.0)))


def _sums(cache, model, y, eta) -> _Sums:
    """:class:`_Sums` at ``eta``, kept in the cache with the data they were made for."""
    eta, slot = cache._slot(model, eta)
    hit = slot.get("sums")
    if hit is not None and hit[0] is y:  # the reference held keeps id(y) unique
        return hit[1]
    h = cache.hessian(model, eta)  # first: a model's ``derivatives`` give all three at once
    mu, d = cache.mean(model, eta), cache.jacobian(model, eta)
    eps = y - mu
    dh = np.conj(d).T
    sums = _Sums(eps, float(np.vdot(eps, eps).real), np.real(dh @ d), hessian_residual(h, eps),
                 np.real(dh @ eps), float(np.linalg.norm(mu)))  # fmt: skip
    slot["sums"] = (y, sums)
    return sums


def _newton_step(cache, model, y, eta):
    """Newton step on ||y - mu(eta)||^2 at eta (exact Hessian) and the cost there.

    (1/2) d2 cost = Re{D^H D} - Re{H^H eps}, the curvature the MCRB's A is
    made of. Returns (step or None where the curvature is not positive
    definite, ||D step|| / ||mu||: the fraction of the mean the step moves,
    cost).
    """
    sums = _sums(cache, model, y, eta)
    curvature = sums.gram - sums.hessian_term
    scale = 1.0 / np.sqrt(np.abs(np.diag(curvature)) + np.finfo(float).tiny)
    try:
        factor = np.linalg.cholesky(curvature * np.outer(scale, scale))
    except np.linalg.LinAlgError:  # not a minimum's neighbourhood: no Newton step
        return None, np.inf, sums.cost
    step = scale * np.linalg.solve(factor.T, np.linalg.solve(factor, sums.r * scale))
    # ||D step||^2 = step^T Re{D^H D} step
    with np.errstate(invalid="ignore", divide="ignore"):
        moved = float(np.sqrt(max(step @ sums.gram @ step, 0.0)) / sums.mean_norm)
    return step, (moved if np.isfinite(moved) else np.inf), sums.cost


def _newton_polish(y, cache, assumed, eta, max_iterations: int = 6):
    """Newton steps on ||y - mu(eta)||^2 with the exact Hessian, while the cost decreases.

    Near the minimiser Newton converges quadratically where Gauss-Newton (LM)
    is only linear when the residual does not vanish (a mismatch). Stops at a
    stationary point (:data:`STATIONARY`), where the curvature is not positive
    definite, or where a step no longer lowers the cost (rounding). Returns
    the point, the number of mean evaluations, and the fraction of the mean
    the last Newton step at the point would move it.
    """
    step, moved, cost = _newton_step(cache, assumed, y, eta)
    evaluations = 1
    for _ in range(max_iterations):
        if step is None or moved <= STATIONARY:
            break
        candidate = eta + step
        eps_new = y - cache.mean(assumed, candidate)
        evaluations += 1
        if not np.vdot(eps_new, eps_new).real < cost:
            break
        eta = candidate
        step, moved, cost = _newton_step(cache, assumed, y, eta)
    return eta, evaluations, moved


def pseudo_true(
    true_mean, assumed, start, *, max_evaluations: int = 2000, cache: PointCache | None = None
) -> PseudoTrue:
    """Pseudo-true parameter of eq. (23) of Chen et al. (2022) for any assumed model.

    Minimises ||mu_1 - mu_2(eta)||^2 from ``start`` (the truth mapped into
    the assumed parameters, or any given point): the local minimum nearest
    the start, which is the one the mismatched ML estimator converges to at
    high SNR.

    - A start whose Newton step (exact Hessian) moves mu_2 by less than
      :data:`STATIONARY` of its norm is already the minimiser (e.g. a model's
      own search found it): it is returned as it is.
    - A start within :data:`NEAR` is polished by Newton steps alone, which
      converge quadratically there; accepted when they end below
      :data:`POLISHED`.
    - Otherwise Levenberg-Marquardt (``scipy.optimize.least_squares``,
      MINPACK) on the stacked real and imaginary parts, the Jacobian the
      model's (analytic or automatic), the variables scaled by the Jacobian's
      columns, and Newton steps polish its result to machine precision.

    A model whose parameters have equivalent representatives (a gain
    (-r, phi) = (r, phi + pi)) may give a method ``canonical(eta)``, applied
    to the result.

    Parameters
    ----------
    true_mean : [M], complex
        mu_1(eta_true). [V]
    assumed : Model or object with ``mean`` (and ``jacobian``, ``hessian``)
    start : [P], float
        Start of the search. [the assumed model's units]
    max_evaluations : int
        Limit of mean evaluations of the LM stage.
    cache : PointCache, optional
        Shared with other calls on the same models (a sweep of noise variances).
    """
    y = _data_vector(true_mean)
    start = real_parameter(start, "start point")
    _num_parameters(assumed, start)
    cache = PointCache() if cache is None else cache
    _require_finite(assumed, "the data (true model's mean)", y, start)
    m2 = len(cache.mean(assumed, start))
    if m2 != len(y):
        raise ModelError(
            f"model {model_name(assumed)}: its mean has {m2} entries at the start eta = "
            f"{_at(start)}, the data (the true model's mean) {len(y)}; both models must "
            "describe the same observations"
        )

    _, moved, _ = _newton_step(cache, assumed, y, start)
    converged, evaluations, eta = False, 1, start
    if moved <= STATIONARY:
        converged, message = True, "start is stationary"
    elif moved <= NEAR:
        eta, evaluations, moved = _newton_polish(y, cache, assumed, start)
        converged = moved <= POLISHED
        message = "Newton steps from a near-stationary start"
    if not converged:
        eta, converged, message, lm_evaluations = _levenberg_marquardt(
            y, cache, assumed, start, max_evaluations
        )
        evaluations += lm_evaluations
        if converged:
            eta, polish, _ = _newton_polish(y, cache, assumed, eta)
            evaluations += polish
    canonical = getattr(assumed, "canonical", None)
    if canonical is not None:
        eta = np.asarray(canonical(eta), dtype=float)
    sums = _sums(cache, assumed, y, eta)
    return PseudoTrue(eta, converged, message, evaluations, float(np.sqrt(sums.cost)),
                      sums.gradient_cosine, float(np.linalg.norm(y)))  # fmt: skip


def _data_vector(values) -> np.ndarray:
    """``values`` as [M] complex: the same object when it already is one (the point cache
    keeps sums per data object)."""
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype == complex:
        return values
    return np.ravel(np.asarray(values, dtype=complex))


def _levenberg_marquardt(y, cache, assumed, start, max_evaluations):
    """LM from ``start``: (eta, converged, message, mean evaluations)."""
    from scipy.optimize import least_squares

    def residual(eta):
        e = cache.mean(assumed, eta) - y
        return np.concatenate([e.real, e.imag])

    def jacobian(eta):
        d = cache.jacobian(assumed, eta)
        return np.concatenate([d.real, d.imag])

    tol = 1e-10  # relative; the Newton polish takes it to machine precision
    try:
        result = least_squares(
            residual, start, jac=jacobian, method="lm", x_scale="jac",
            xtol=tol, ftol=tol, gtol=tol, max_nfev=max_evaluations,
        )  # fmt: skip
    except ModelError:
        raise
    except (ValueError, np.linalg.LinAlgError) as error:  # scipy's own, e.g. a degenerate LM
        raise ModelError(
            f"model {model_name(assumed)}: the pseudo-true search from eta = {_at(start)} "
            f"failed ({type(error).__name__}: {error})"
        ) from error
    return result.x, bool(result.status > 0), str(result.message), int(result.nfev)


# --- MCRB and LB --------------------------------------------------------------------
@dataclass(frozen=True)
class Misspecified:
    """MCRB and LB of an assumed model's estimator when the data follow the true model.

    Attributes
    ----------
    assumed, true_model : the two models
    true_parameter : [P1], float
        eta_true (the true model's parameters).
    solution : PseudoTrue
        eta_bar and the solver's report.
    a, b : [P2, P2], float
        Eqs. (24), (25).
    mcrb : [P2, P2], float
        A^-1 B A^-1. [the assumed model's units squared]
    lower_bound : [P2, P2] or None
        MCRB + (eta_true - eta_bar)(...)^T when the truth is given in the
        assumed parameters (``assumed_true_parameter``), eq. (20).
    gradient_term_ratio : float
        max_i of the gradient term of B over the FIM term on B's diagonal:
        0 at the exact pseudo-true point.
    true_quantities : dict
        Quantities at the truth given by the caller.
    b_gradient_term : [P2, P2], float
        The gradient term (4 / sigma^4) r r^T of B (eq. (25)), kept for :meth:`scaled`.
    gradient_tolerance : float
        The tolerance the gradient term was checked against.
    diagnostics : tuple of str
        What is doubtful about the result (each also warned): a pseudo-true
        residual that is a large fraction of the data, a point outside the
        assumed model's admissible region, a search that did not converge.
    """

    assumed: object
    true_model: object
    true_parameter: np.ndarray
    solution: PseudoTrue
    a: np.ndarray
    b: np.ndarray
    mcrb: np.ndarray
    lower_bound: np.ndarray | None
    gradient_term_ratio: float
    true_quantities: dict = field(default_factory=dict)
    b_gradient_term: np.ndarray | None = None
    gradient_tolerance: float = 1e-6
    diagnostics: tuple = ()

    @property
    def pseudo_true(self) -> np.ndarray:
        return self.solution.parameter

    def true_quantity(self, name: str) -> np.ndarray:
        """q at the truth: the true model's own map at eta_true (or as given)."""
        if name in self.true_quantities:
            return np.atleast_1d(np.asarray(self.true_quantities[name], dtype=float))
        return quantity_value(self.true_model, name, self.true_parameter)

    def bias(self, name: str) -> np.ndarray:
        """g_2(eta_bar) - g_1(eta_true), the asymptotic bias of the quantity. [unit]"""
        return quantity_value(self.assumed, name, self.pseudo_true) - self.true_quantity(name)

    def quantity_covariance(self, name: str, kind: str = "lb") -> np.ndarray:
        """G MCRB G^T (G at eta_bar), plus bias bias^T for ``kind="lb"``. [Q, Q]"""
        if kind not in ("mcrb", "lb"):
            raise ValueError(f"kind must be 'mcrb' or 'lb', got {kind!r}")
        g = quantity_jacobian(self.assumed, name, self.pseudo_true)
        cov = g @ self.mcrb @ g.T
        if kind == "lb":
            bias = self.bias(name)
            cov = cov + np.outer(bias, bias)  # Eq. (20), in the quantity
        return cov

    def rmse(self, name: str, kind: str = "lb") -> float:
        """sqrt(tr) of the LB (or MCRB) of quantity ``name``. [unit]"""
        return float(np.sqrt(np.trace(self.quantity_covariance(name, kind))))

    def to_dataset(self, quantities=None, config: dict | None = None):
        """The bound as the pipeline's self-describing dataset (write it with
        :func:`hwiloc.io.netcdf.write_dataset`): the pseudo-true point, A, B and the MCRB over
        the assumed model's parameters with their units, the LB when the truth is given in
        them, and per quantity (default all of the assumed model's) the RMSE of the MCRB and
        of the LB and the bias.

        ``config``: what produced it (stored as JSON)."""
        rows = _quantity_rows(self.assumed, quantities, lambda q: self.rmse(q, "mcrb"))
        lb = {q: self.rmse(q, "lb") for q in rows}
        bias = {q: float(np.linalg.norm(self.bias(q))) for q in rows}
        matrices = {
            "a": (self.a, "A of eq. (24)", "mixed: 1/(unit_i unit_j)"),
            "b": (self.b, "B of eq. (25)", "mixed: 1/(unit_i unit_j)"),
            "mcrb": (self.mcrb, "MCRB A^-1 B A^-1", "mixed: unit_i unit_j"),
        }
        if self.lower_bound is not None:
            matrices["lb"] = (self.lower_bound, "LB: MCRB + bias bias^T, eq. (20)",
                              "mixed: unit_i unit_j")  # fmt: skip
        scalars = {"gradient_term_ratio": (self.gradient_term_ratio, "gradient term of B over "
                                           "its FIM term at the pseudo-true point", "1")}
        for q, (value, unit) in rows.items():
            scalars[f"mcrb_rmse_{q}"] = (value, f"MCRB of the RMSE of {q}", unit)
            scalars[f"lb_rmse_{q}"] = (lb[q], f"LB of the RMSE of {q} (MCRB + bias)", unit)
            scalars[f"bias_{q}"] = (bias[q], f"norm of the bias of {q}", unit)
        ds = _bound_dataset(self.assumed, self.pseudo_true, matrices, scalars,
                            f"MCRB of {model_name(self.assumed)} on data of "
                            f"{model_name(self.true_model)}", "mcrb", "eqs. (20), (24), (25)",
                            config or {})  # fmt: skip
        ds.attrs["diagnostics"] = "; ".join(self.diagnostics) or "none"
        return ds

    def scaled(self, factor: float) -> Misspecified:
        """The bounds when both means are sqrt(``factor``) times larger, or sigma^2 ``factor``
        times smaller.

        eta_bar = argmin ||mu_1 - mu_2||^2 does not move, so neither does the
        bias; A and the FIM term of B scale by ``factor`` and B's gradient term
        by ``factor``^2 (eqs. (24), (25)); MCRB = A^-1 B A^-1 follows (eq. (20)).
        Exact, with no model evaluated: e.g. a transmit power ``factor`` times
        higher when both models are linear in their pilots. The gradient term
        is checked again at the new scale.
        """
        factor = _require_factor(factor)
        gradient = np.zeros_like(self.b) if self.b_gradient_term is None else self.b_gradient_term
        a = self.a * factor
        b = (self.b - gradient) * factor + gradient * factor**2
        a_inv = np.linalg.inv(a)  # regular: A was checked where the bounds were computed
        bound = a_inv @ b @ a_inv  # Eq. (20)
        lower = None if self.lower_bound is None else bound + (self.lower_bound - self.mcrb)
        ratio = self.gradient_term_ratio * factor
        if ratio > self.gradient_tolerance:
            _warn_gradient_term(ratio, self.gradient_tolerance, stacklevel=3)
        return replace(self, a=a, b=b, mcrb=bound, lower_bound=lower, gradient_term_ratio=ratio,
                       b_gradient_term=gradient * factor**2)  # fmt: skip


def check_gradient_term(
    jacobian: np.ndarray, residual: np.ndarray, noise_variance: float, tolerance: float = 1e-6
) -> float:
    """Ratio of the gradient term of B to its FIM term (diagonal, largest); warns above tolerance.

    B_ii = (2/s2) ||d_i||^2 + (4/s2^2) Re{d_i^H eps}^2 (eq. (25)); the second
    term vanishes at the exact pseudo-true point, where Re{D^H eps} = 0.

    Parameters
    ----------
    jacobian : [M, P], complex
        d mu_2 / d eta at the point.
    residual : [M], complex
        eps = mu_1 - mu_2 at the point. [V]
    noise_variance : float
        sigma^2. [V^2]
    tolerance : float
        Warn (RuntimeWarning) above this ratio.
    """
    fim_term = (2.0 / noise_variance) * np.sum(np.abs(jacobian) ** 2, axis=0)
    gradient_term = (4.0 / noise_variance**2) * np.real(np.conj(jacobian).T @ residual) ** 2
    return _gradient_term_ratio(fim_term, gradient_term, tolerance, stacklevel=5)


def _gradient_term_ratio(fim_term, gradient_term, tolerance, stacklevel: int = 4) -> float:
    """max_i gradient_term_i / fim_term_i (B's diagonal, eq. (25)); warns above tolerance."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = float(np.max(np.where(fim_term > 0, gradient_term / fim_term, 0.0)))
    if ratio > tolerance:
        _warn_gradient_term(ratio, tolerance, stacklevel=stacklevel)
    return ratio


def _warn_gradient_term(ratio: float, tolerance: float, stacklevel: int) -> None:
    warnings.warn(
        f"the gradient term of B does not vanish at the pseudo-true point "
        f"(max ratio to the FIM term {ratio:.3g} > {tolerance:g}): the point is "
        "not the minimiser of ||mu_1 - mu_2||^2 and the MCRB is not valid there",
        RuntimeWarning, stacklevel=stacklevel,
    )  # fmt: skip


def mcrb(
    true_model,
    true_parameter,
    assumed,
    noise_variance: float | None = None,
    *,
    noise: GaussianNoise | None = None,
    true_noise: GaussianNoise | None = None,
    start=None,
    assumed_true_parameter=None,
    true_quantities: dict | None = None,
    gradient_tolerance: float = 1e-6,
    cache: PointCache | None = None,
) -> Misspecified:
    """MCRB and LB of the ML estimator of ``assumed`` on data of ``true_model``.

    Parameters
    ----------
    true_model : Model or object with ``mean`` (and ``quantities``)
        mu_1, the model the data follow.
    true_parameter : [P1], float
        eta_true of the true model.
    assumed : Model or object with ``mean`` (and ``jacobian``, ``hessian``, ``quantities``)
        mu_2, the model the estimator assumes.
    noise_variance : float, optional
        sigma^2 of white noise, the estimator's and the data's. [V^2]
    noise : GaussianNoise, optional
        Instead of ``noise_variance``: the noise statistics the estimator assumes
        (its likelihood), e.g. coloured or improper (:mod:`hwiloc.bounds.noise`).
        The pseudo-true point is then the weighted least-squares point
        argmin ||T(mu_1 - mu_2)||^2 and A, B those of eqs. (24), (25) on the
        whitened means.
    true_noise : GaussianNoise, optional
        The statistics of the data's noise, when they differ from the assumed
        ones (a receiver that ignores its IQ imbalance or quantization): B's
        noise term becomes D_r^T R^-1 R_t R^-1 D_r (R, R_t the assumed and the
        true real covariances, D_r = [Re D; Im D]), A is unchanged (it holds no
        noise), eqs. (24)-(25) after [Fortunati et al. 2017, Sec. IV]. Default:
        the assumed noise.
    start : [P2], float, optional
        Start of the pseudo-true search; default ``assumed_true_parameter``, or
        ``true_parameter`` when both models share their parameter names.
    assumed_true_parameter : [P2], float, optional
        The truth in the assumed model's parameters (when it has a meaning):
        gives the LB of the parameters themselves.
    true_quantities : dict name -> value, optional
        Values of quantities at the truth, where the true model has no map.
    gradient_tolerance : float
        Warn (RuntimeWarning) when the gradient term of B exceeds this fraction
        of the FIM term on B's diagonal: the solver did not reach the minimiser.
    cache : PointCache, optional
        Shared with other calls on the same models: a second call at another
        noise variance, started at the first's eta_bar, evaluates no model.
    """
    noise = as_noise(noise_variance, noise)
    if true_noise is not None:
        true_noise = as_noise(noise=true_noise)
    eta_true = real_parameter(true_parameter, "true parameter")
    _num_parameters(true_model, eta_true)
    if start is None:
        start = assumed_true_parameter
    if start is None:
        names_1 = getattr(true_model, "parameter_names", None)
        names_2 = getattr(assumed, "parameter_names", None)
        if names_1 is None or names_1 != names_2:
            raise ValueError(
                "the models are parameterised differently: give start= (the truth in the "
                "assumed model's parameters, or any point near the pseudo-true one)"
            )
        start = eta_true
    cache = PointCache() if cache is None else cache
    # every formula below on the means as seen under the noise (whitened: under unit noise)
    (seen_true, seen_assumed), variance = cache.seen(noise, true_model, assumed)
    data = cache.mean(seen_true, eta_true)
    solution = pseudo_true(data, seen_assumed, start, cache=cache)
    diagnostics = []
    if not solution.converged:
        diagnostics.append(f"pseudo-true search did not converge: {solution.message}")
    if solution.residual_fraction > RESIDUAL_WARNING:
        diagnostics.append(
            f"the pseudo-true residual ||mu_1 - mu_2|| is {solution.residual_fraction:.0%} of "
            f"the data's norm (> {RESIDUAL_WARNING:.0%}): model {model_name(assumed)} explains "
            f"little of the data at eta_bar = {_at(solution.parameter)}. Either the mismatch "
            f"is that large, or the start {_at(start)} led to a far local minimum; the LB is "
            "doubtful either way"
        )
    admissible = getattr(assumed, "admissible", None)
    if admissible is not None and not admissible(solution.parameter):
        diagnostics.append(
            f"the pseudo-true point eta_bar = {_at(solution.parameter)} lies outside model "
            f"{model_name(assumed)}'s admissible region"
        )
    for message in diagnostics:
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    eta_bar = solution.parameter
    sums = _sums(cache, seen_assumed, data, eta_bar)  # the sums the solver made there
    a, b, gradient_term = matrices_from_sums(  # Eqs. (24), (25)
        sums.gram, sums.hessian_term, sums.r, variance
    )
    if true_noise is not None and true_noise is not noise:  # B's noise term under the truth
        b = noise.score_covariance(cache.jacobian(assumed, eta_bar), true_noise) + gradient_term
    fim_diagonal = (2.0 / variance) * np.diag(sums.gram)
    ratio = _gradient_term_ratio(fim_diagonal, np.diag(gradient_term), gradient_tolerance)
    names = getattr(assumed, "parameter_names", None)
    a_inv = -inverse_fim(-a, names, "matrix -A of eq. (24)")  # -A: positive definite
    bound = a_inv @ b @ a_inv  # Eq. (20)
    lower = None
    if assumed_true_parameter is not None:
        bias = np.asarray(assumed_true_parameter, dtype=float) - eta_bar
        lower = bound + np.outer(bias, bias)  # Eq. (20)
    return Misspecified(
        assumed, true_model, eta_true, solution, a, b, bound, lower, ratio,
        dict(true_quantities or {}), gradient_term, gradient_tolerance, tuple(diagnostics),
    )  # fmt: skip
