"""CRB, misspecified CRB and the lower bound of a mismatched estimator.

Chen et al. (2022), Sec. IV, after S. Fortunati et al., "Performance bounds for
parameter estimation under misspecified models", IEEE SP Mag. 34(6), 2017.
Generic: any true mean vector and any assumed model exposing ``mean``,
``jacobian`` and ``hessian`` of a parameter vector, with circular Gaussian noise
of variance sigma^2 per observation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwiloc.bounds.fisher import fisher_information, inverse_fim
from hwiloc.validation import require_positive


@dataclass(frozen=True)
class MisspecifiedBound:
    """Result of :func:`mcrb`: the pseudo-true point, A, B, MCRB and LB."""

    pseudo_true: np.ndarray
    a: np.ndarray
    b: np.ndarray
    mcrb: np.ndarray
    lower_bound: np.ndarray


def mcrb(
    true_mean: np.ndarray,
    assumed,
    pseudo_true: np.ndarray,
    true_parameter: np.ndarray,
    noise_variance: float,
    names=None,
) -> MisspecifiedBound:
    """MCRB and LB of eqs. (20), (24), (25) at the pseudo-true parameter.

    ::

        eps = mu_1(eta_true) - mu_2(eta_bar);
        A_ij = (2/s2) Re{(d2 mu_2/d eta_i d eta_j)^H eps - (d mu_2/d eta_i)^H (d mu_2/d eta_j)};
        B_ij = (2/s2) Re{(d mu_2/d eta_i)^H (d mu_2/d eta_j)}
               + (4/s2^2) Re{(d mu_2/d eta_i)^H eps} Re{(d mu_2/d eta_j)^H eps};
        MCRB = A^-1 B A^-1; LB = MCRB + (eta_true - eta_bar)(eta_true - eta_bar)^T.

    Parameters
    ----------
    true_mean : [M], complex
        mu_1(eta_true), the noise-free data of the true model.
    assumed : model
        The assumed (mismatched) model mu_2 with ``mean``, ``jacobian`` [M, P],
        ``hessian`` [M, P, P].
    pseudo_true : [P], float
        eta_bar = argmin ||mu_1(eta_true) - mu_2(eta)||^2 (eq. (23)).
    true_parameter : [P], float
        eta_true.
    noise_variance : float
        sigma^2. [V^2]
    names : sequence of str, optional
        Parameter names, for the error raised when A is singular.

    Raises
    ------
    UnobservableError
        A is singular: the error names the parameters it leaves undetermined.
    """
    require_positive("noise_variance", noise_variance)
    eps = true_mean - assumed.mean(pseudo_true)
    a, b = misspecified_matrices(
        eps, assumed.jacobian(pseudo_true), assumed.hessian(pseudo_true), noise_variance
    )
    a_inv = -inverse_fim(-a, names, "matrix -A of eq. (24)")  # -A: positive definite
    bound = a_inv @ b @ a_inv
    bias = np.asarray(true_parameter) - np.asarray(pseudo_true)
    return MisspecifiedBound(
        np.asarray(pseudo_true), a, b, bound, bound + np.outer(bias, bias)
    )  # Eq. (20)


def misspecified_matrices(
    residual: np.ndarray, jacobian: np.ndarray, hessian: np.ndarray, noise_variance: float
) -> tuple[np.ndarray, np.ndarray]:
    """A and B of eqs. (24)-(25) at the pseudo-true point.

    Parameters
    ----------
    residual : [M], complex
        eps = mu_1(eta_true) - mu_2(eta_bar). [V]
    jacobian : [M, P], complex
        d mu_2 / d eta at eta_bar.
    hessian : [M, P, P], complex
        d2 mu_2 / d eta_i d eta_j at eta_bar.
    noise_variance : float
        sigma^2. [V^2]

    Returns
    -------
    a, b : [P, P], float
    """
    require_positive("noise_variance", noise_variance)
    dh = np.conj(jacobian).T
    a, b, _ = matrices_from_sums(
        np.real(dh @ jacobian), hessian_residual(hessian, residual), np.real(dh @ residual),
        noise_variance,
    )  # fmt: skip
    return a, b


def matrices_from_sums(
    gram: np.ndarray, hessian_term: np.ndarray, r: np.ndarray, noise_variance: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A, B (eqs. (24), (25)) and B's gradient term from the sums over the observations.

    Parameters
    ----------
    gram : [P, P], float
        Re{D^H D}.
    hessian_term : [P, P], float
        Re{sum_m conj(H_m) eps_m} (:func:`hessian_residual`).
    r : [P], float
        Re{D^H eps}: Re{(d mu_2 / d eta_i)^H eps}.
    noise_variance : float
        sigma^2. [V^2]

    Returns
    -------
    a, b, gradient_term : [P, P], float
        gradient_term = (4 / sigma^4) r r^T, the part of B that vanishes at eta_bar.
    """
    fim = (2.0 / noise_variance) * gram  # (2/s2) Re{D^H D}
    a = (2.0 / noise_variance) * hessian_term - fim  # Eq. (24)
    gradient_term = (4.0 / noise_variance**2) * np.outer(r, r)
    return a, fim + gradient_term, gradient_term  # Eq. (25)


def hessian_residual(hessian: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """Re{sum_m conj(H_m) eps_m}: the second-derivative term of A (eq. (24)), [P, P].

    As one matrix-vector product, [P P, M] conj(eps) (Re{conj(z)} = Re{z}): no
    conjugated copy of the Hessian, and none at all when it is laid out [P, P, M]
    (:func:`hwiloc.models.gain.with_gain`).

    Parameters
    ----------
    hessian : [M, P, P], complex
        d2 mu_2 / d eta_i d eta_j.
    residual : [M], complex
        eps. [V]
    """
    m, p, _ = hessian.shape
    rows = np.moveaxis(hessian, 0, -1).reshape(p * p, m)  # no copy for a [P, P, M]-laid Hessian
    return np.real(rows @ np.conj(residual)).reshape(p, p)


def crb(model, parameter: np.ndarray, noise_variance: float, names=None) -> np.ndarray:
    """CRB = J^-1 with J = (2/s2) Re{D^H D} at ``parameter`` (eqs. (14)-(15)). [P, P]

    Raises UnobservableError naming the parameters (``names``) a singular J
    leaves undetermined.
    """
    fim = fisher_information(model.jacobian(parameter), noise_variance)
    return inverse_fim(fim, names)
