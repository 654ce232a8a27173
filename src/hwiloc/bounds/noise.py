"""Gaussian noise of any second-order statistics: white, coloured, improper.

The generic engine (:mod:`hwiloc.bounds.generic`) takes the noise n of
y = mu(eta) + n as a :class:`GaussianNoise`: zero-mean complex Gaussian with
covariance C = E[n n^H] and pseudo-covariance P = E[n n^T] (P = 0: proper, or
circular). Each may be a scalar (times the identity), a vector (a diagonal:
observations independent) or a full matrix.

For proper noise the Fisher information is J = 2 Re{D^H C^-1 D} [1]_; for
improper noise it is the augmented (widely linear) one [2]_,

    J = D_a^H C_a^-1 D_a,   D_a = [D; D*],   C_a = [[C, P], [P*, C*]],

which equals 2 Re{D^H C^-1 D} when P = 0. The engine computes both through one
*whitening* map T: a real-linear map of C^M (a linear map of the stacked real
and imaginary parts) with T(n) ~ CN(0, I). A real-linear map commutes with
derivatives in real parameters, so the whitened mean T(mu), Jacobian T(D) and
Hessian T(H) are those of a model under white unit noise, where every formula
of the engine (CRB, pseudo-true point, MCRB) holds as written [3]_:

    J = 2 Re{T(D)^H T(D)};   eta_bar = argmin ||T(mu_1 - mu_2)||^2 (the weighted
    least-squares point of the Gaussian likelihood with these statistics).

T comes from the Cholesky factor L of the real covariance R of [Re n; Im n]
(R = L L^T): T(v) = (w_re + j w_im) / sqrt(2), w = L^-1 [Re v; Im v]. For a
scalar or diagonal proper noise T is the division by sqrt(C); for diagonal
noise (improper or not) it acts on each observation's 2 x 2 block, never on an
M x M matrix.

References
----------
.. [1] S. M. Kay, Fundamentals of Statistical Signal Processing: Estimation
   Theory, Prentice Hall 1993, eq. (15.52).
.. [2] P. J. Schreier and L. L. Scharf, Statistical Signal Processing of
   Complex-Valued Data: The Theory of Improper and Noncircular Signals,
   Cambridge University Press 2010, Sec. 6.4 (the augmented Fisher information).
.. [3] S. Fortunati et al., "Performance bounds for parameter estimation under
   misspecified models", IEEE SP Mag. 34(6), 2017 (arXiv 1709.08210), Sec. IV.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.linalg

from hwiloc.bounds.views import RealLinearView


class NoiseError(ValueError):
    """Noise statistics that are not a valid (positive definite) Gaussian noise, or that do
    not fit the observations."""


def _as_statistic(name: str, value) -> np.ndarray:
    array = np.asarray(value, dtype=complex)
    if array.ndim > 2 or (array.ndim == 2 and array.shape[0] != array.shape[1]):
        raise NoiseError(
            f"noise {name} has shape {array.shape}; expected a scalar, a vector [M] (a "
            "diagonal) or a square matrix [M, M]"
        )
    if not np.all(np.isfinite(array)):
        raise NoiseError(f"noise {name} has NaN or infinite entries; expected finite values")
    return array


@dataclass(frozen=True, eq=False)
class GaussianNoise:
    """Zero-mean complex Gaussian noise with covariance C and pseudo-covariance P.

    Build with :meth:`white`, :meth:`coloured` or :meth:`improper`.

    Attributes
    ----------
    covariance : scalar, [M] or [M, M], complex
        C = E[n n^H]: a scalar is C I, a vector the diagonal. [V^2]
    pseudo_covariance : scalar, [M] or [M, M], complex, or None
        P = E[n n^T] (symmetric); None or 0 for proper noise. [V^2]
    """

    covariance: np.ndarray
    pseudo_covariance: np.ndarray | None = None

    def __post_init__(self):
        c = _as_statistic("covariance", self.covariance)
        p = None if self.pseudo_covariance is None else _as_statistic(
            "pseudo-covariance", self.pseudo_covariance)  # fmt: skip
        if p is not None and not np.any(p):
            p = None
        if c.ndim == 2 and not np.allclose(c, c.conj().T, rtol=0, atol=1e-12 * np.abs(c).max()):
            raise NoiseError("noise covariance is not Hermitian; expected C = C^H")
        if c.ndim < 2 and np.any(np.abs(c.imag) > 1e-12 * np.abs(c.real)):
            raise NoiseError("noise covariance has a diagonal that is not real; expected real "
                             "variances")  # fmt: skip
        if p is not None and p.ndim == 2 and not np.allclose(p, p.T, rtol=0,
                                                             atol=1e-12 * np.abs(p).max()):
            raise NoiseError("noise pseudo-covariance is not symmetric; expected P = P^T")
        if c.ndim < 2:
            c = c.real
            if np.any(c <= 0):
                raise NoiseError("noise variances must be > 0 (a positive definite covariance)")
        object.__setattr__(self, "covariance", c)
        object.__setattr__(self, "pseudo_covariance", p)
        if p is not None and p.ndim < 2 and c.ndim < 2 and np.any(np.abs(p) >= c):
            raise NoiseError(
                "noise pseudo-covariance |P_mm| must be < C_mm for every observation (else the "
                "noise is degenerate: all its power on one real direction)"
            )

    # --- constructors ------------------------------------------------------------
    @classmethod
    def white(cls, variance: float) -> GaussianNoise:
        """CN(0, sigma^2 I). [V^2]"""
        return cls(float(variance))

    @classmethod
    def coloured(cls, covariance) -> GaussianNoise:
        """Proper noise with covariance ``covariance`` ([M] diagonal or [M, M]). [V^2]"""
        return cls(covariance)

    @classmethod
    def improper(cls, covariance, pseudo_covariance) -> GaussianNoise:
        """Noise with covariance C and pseudo-covariance P (each scalar, [M] or [M, M]). [V^2]"""
        return cls(covariance, pseudo_covariance)

    # --- what it is --------------------------------------------------------------
    @property
    def is_proper(self) -> bool:
        return self.pseudo_covariance is None

    @property
    def is_white(self) -> bool:
        """A scalar covariance and no pseudo-covariance: CN(0, sigma^2 I)."""
        return self.is_proper and self.covariance.ndim == 0

    @property
    def variance(self) -> float:
        """sigma^2 of white noise (:attr:`is_white`). [V^2]"""
        if not self.is_white:
            raise NoiseError("the noise is not white: it has no single variance")
        return float(self.covariance)

    @property
    def _diagonal(self) -> bool:
        p = self.pseudo_covariance
        return self.covariance.ndim < 2 and (p is None or p.ndim < 2)

    def size(self) -> int | None:
        """M, when the statistics fix it (a vector or matrix); None for scalars."""
        sizes = [s.shape[0] for s in (self.covariance, self.pseudo_covariance)
                 if s is not None and s.ndim > 0]  # fmt: skip
        if len(set(sizes)) > 1:
            raise NoiseError(f"noise covariance and pseudo-covariance sizes differ: {sizes}")
        return sizes[0] if sizes else None

    def check_size(self, num_observations: int, what: str = "the mean") -> None:
        """Refuse statistics of another length than the observations."""
        m = self.size()
        if m is not None and m != num_observations:
            raise NoiseError(
                f"noise statistics are for {m} observations, but {what} has "
                f"{num_observations}; expected one variance per observation"
            )

    # --- the real covariance and its factor ----------------------------------------
    def _full(self, stat: np.ndarray | None, m: int) -> np.ndarray:
        if stat is None:
            return np.zeros((m, m), complex)
        if stat.ndim == 0:
            return stat * np.eye(m)
        return np.diag(stat) if stat.ndim == 1 else stat

    def real_covariance(self, num_observations: int) -> np.ndarray:
        """R = Cov([Re n; Im n]), [2 M, 2 M], float. [V^2]

        E[a a^T] = Re(C + P) / 2, E[b b^T] = Re(C - P) / 2, E[a b^T] = Im(P - C) / 2,
        E[b a^T] = Im(C + P) / 2 for n = a + j b.
        """
        m = int(num_observations)
        self.check_size(m)
        c, p = self._full(self.covariance, m), self._full(self.pseudo_covariance, m)
        return 0.5 * np.block([[(c + p).real, (p - c).imag], [(c + p).imag, (c - p).real]])

    def augmented_covariance(self, num_observations: int) -> np.ndarray:
        """C_a = [[C, P], [P*, C*]], [2 M, 2 M], complex: the covariance of [n; n*]. [V^2]"""
        m = int(num_observations)
        self.check_size(m)
        c, p = self._full(self.covariance, m), self._full(self.pseudo_covariance, m)
        return np.block([[c, p], [p.conj(), c.conj()]])

    def _real_blocks(self, m: int | None = None):
        """Per observation (diagonal noise): E[a^2], E[b^2], E[a b] of n = a + j b, each [M]
        (broadcast to ``m`` when given): the 2 x 2 block of :meth:`real_covariance`. [V^2]"""
        c = self.covariance
        p = np.zeros_like(c, dtype=complex) if self.pseudo_covariance is None else (
            self.pseudo_covariance)  # fmt: skip
        blocks = ((c + p.real) / 2, (c - p.real) / 2, p.imag / 2)
        return blocks if m is None else tuple(np.broadcast_to(x, (m,)) for x in blocks)

    @cached_property
    def _blocks(self):
        """Per observation: (l11, l21, l22) of the 2 x 2 real Cholesky factor (diagonal noise)."""
        raa, rbb, rab = self._real_blocks()
        l11 = np.sqrt(raa)
        l21 = rab / l11
        return l11, l21, np.sqrt(rbb - l21**2)

    def _factor(self, m: int) -> np.ndarray:
        """Lower Cholesky factor of :meth:`real_covariance` (dense noise), cached by M."""
        cache = self.__dict__.setdefault("_factors", {})
        if m not in cache:
            try:
                if self.is_proper:  # complex Cholesky of C: T(v) = L^-1 v is complex-linear
                    cache[m] = ("complex", np.linalg.cholesky(self._full(self.covariance, m)))
                else:
                    cache[m] = ("real", np.linalg.cholesky(self.real_covariance(m)))
            except np.linalg.LinAlgError:
                raise NoiseError(
                    "noise covariance is not positive definite (its augmented covariance has "
                    "a zero or negative eigenvalue); expected a valid Gaussian noise"
                ) from None
        return cache[m]

    # --- whitening ---------------------------------------------------------------
    def whiten(self, values: np.ndarray) -> np.ndarray:
        """T(values) along the first axis: the real-linear map with T(n) ~ CN(0, I).

        Parameters
        ----------
        values : [M, ...], complex
            A mean, a Jacobian [M, P] or a Hessian [M, P, P]. [V, or V per parameter unit]

        Returns
        -------
        [M, ...], complex
            Whitened: its noise, T(n), is white with unit variance. [-]
        """
        v = np.asarray(values, dtype=complex)
        m = v.shape[0]
        self.check_size(m, "the whitened array")
        if self.is_proper and self.covariance.ndim < 2:
            scale = np.sqrt(self.covariance)
            return v / (scale if scale.ndim == 0 else scale.reshape((m,) + (1,) * (v.ndim - 1)))
        if self._diagonal:
            shape = (m,) + (1,) * (v.ndim - 1)
            l11, l21, l22 = (np.broadcast_to(x, (m,)).reshape(shape) for x in self._blocks)
            w_re = v.real / l11
            w_im = (v.imag - l21 * w_re) / l22
            return (w_re + 1j * w_im) / np.sqrt(2.0)
        kind, factor = self._factor(m)
        flat = v.reshape(m, -1)
        if kind == "complex":
            out = scipy.linalg.solve_triangular(factor, flat, lower=True)
        else:
            w = scipy.linalg.solve_triangular(factor, np.vstack([flat.real, flat.imag]), lower=True)
            out = (w[:m] + 1j * w[m:]) / np.sqrt(2.0)
        return out.reshape(v.shape)

    def fisher_information(self, jacobian: np.ndarray) -> np.ndarray:
        """J = 2 Re{T(D)^H T(D)}: 2 Re{D^H C^-1 D} for proper noise, the augmented FIM
        D_a^H C_a^-1 D_a for improper noise. [P, P]

        Parameters
        ----------
        jacobian : [M, P], complex
            D = d mu / d eta.
        """
        w = self.whiten(jacobian)
        return 2.0 * np.real(np.conj(w).T @ w)

    def score_covariance(self, jacobian: np.ndarray, truth: GaussianNoise) -> np.ndarray:
        """E[s s^T] of the noise part of the score of this noise's likelihood when the noise
        is in fact ``truth``: D_r^T R^-1 R_t R^-1 D_r. [P, P]

        The score of the Gaussian log-likelihood with these statistics is
        s = D_r^T R^-1 (eps_r + n_r) (real representation, D_r = [Re D; Im D]); its
        noise part has covariance D_r^T R^-1 R_t R^-1 D_r with R_t the true noise's
        real covariance. When ``truth`` is this noise it is the Fisher information.

        Parameters
        ----------
        jacobian : [M, P], complex
            D = d mu_2 / d eta at the point.
        truth : GaussianNoise
            The statistics of the noise the data carry.
        """
        d = np.asarray(jacobian, dtype=complex)
        m = d.shape[0]
        if truth is self:
            return self.fisher_information(d)
        truth.check_size(m, "the Jacobian")
        return _real_quadratic(truth, _real_solve(self, d, m), m)  # G = R^-1 D_r; G^T R_t G


def _real_solve(noise: GaussianNoise, d: np.ndarray, m: int) -> np.ndarray:
    """R^-1 [Re D; Im D], [2 M, P] (per observation 2 x 2 blocks when diagonal)."""
    dr = np.vstack([d.real, d.imag])
    if noise._diagonal:
        raa, rbb, rab = noise._real_blocks(m)
        det = raa * rbb - rab**2
        a, b = dr[:m], dr[m:]
        return np.vstack([(rbb[:, None] * a - rab[:, None] * b) / det[:, None],
                          (raa[:, None] * b - rab[:, None] * a) / det[:, None]])  # fmt: skip
    return scipy.linalg.cho_solve((np.linalg.cholesky(noise.real_covariance(m)), True), dr)


def _real_quadratic(noise: GaussianNoise, g: np.ndarray, m: int) -> np.ndarray:
    """G^T R G, [P, P], with R the real covariance of ``noise`` (blocks when diagonal)."""
    if noise._diagonal:
        raa, rbb, rab = noise._real_blocks(m)
        a, b = g[:m], g[m:]
        return (a.T @ (raa[:, None] * a) + b.T @ (rbb[:, None] * b)
                + a.T @ (rab[:, None] * b) + b.T @ (rab[:, None] * a))  # fmt: skip
    return g.T @ noise.real_covariance(m) @ g


def as_noise(noise_variance=None, noise: GaussianNoise | None = None) -> GaussianNoise:
    """The engine's noise from either a variance (white) or a :class:`GaussianNoise`."""
    if noise is not None:
        if noise_variance is not None:
            raise ValueError("give noise_variance (white noise) or noise=, not both")
        if not isinstance(noise, GaussianNoise):
            raise TypeError(f"noise must be a GaussianNoise, got {type(noise).__name__}")
        return noise
    if isinstance(noise_variance, GaussianNoise):
        return noise_variance
    if noise_variance is None:
        raise ValueError("give the noise: noise_variance (white noise) or noise=GaussianNoise")
    variance = float(noise_variance)
    if not (np.isfinite(variance) and variance > 0):
        raise ValueError(f"noise_variance must be positive and finite, got {noise_variance}")
    return GaussianNoise.white(variance)


class Whitened(RealLinearView):
    """A model seen through a noise's whitening map T: mean T(mu), Jacobian T(D), Hessian T(H).

    Under white unit noise this model has the Fisher information, pseudo-true
    point and misspecified bounds of the original model under ``noise``. Its
    parameters, quantities, canonical form and admissible region are the
    original's.

    Parameters
    ----------
    model : Model or object with ``mean``
    noise : GaussianNoise
    """

    def __init__(self, model, noise: GaussianNoise):
        super().__init__(model, self._whiten, "whitened")
        object.__setattr__(self, "noise", noise)

    def _whiten(self, values: np.ndarray) -> np.ndarray:
        self.noise.check_size(len(values), f"model {self.name}'s mean")
        return self.noise.whiten(values)
