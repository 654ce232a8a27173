"""Generic Fisher information for complex Gaussian observations.

For y ~ CN(mu(eta), sigma^2 I) the Fisher information is
J = (2 / sigma^2) Re{D^H D}, D = d mu / d eta (eqs. (6)-(7) in Zhang et al. 2025;
Sec. IV of Chen et al. 2022). Nuisance parameters are removed by the Schur
complement, the effective FIM of eq. (5).
"""

from __future__ import annotations

import numpy as np


def fisher_information(jacobian: np.ndarray, noise_variance: float) -> np.ndarray:
    """Dense FIM (2 / sigma^2) Re{D^H D}.

    Parameters
    ----------
    jacobian : [..., num_observations, num_parameters], complex
        D = d mu / d eta.
    noise_variance : float
        Per-sample noise variance sigma^2. [V^2]

    Returns
    -------
    fim : [..., num_parameters, num_parameters], float
    """
    jacobian = np.asarray(jacobian)
    return (2.0 / noise_variance) * np.real(np.conj(np.swapaxes(jacobian, -1, -2)) @ jacobian)


def schur_efim(fim: np.ndarray, num_interest: int) -> np.ndarray:
    """Effective FIM of the first ``num_interest`` parameters, eq. (5), dense.

    J_eff = J_aa - J_ab J_bb^{-1} J_ba. Forms and solves with the full nuisance
    block: the reference for :func:`efim_diagonal_nuisance`.

    Parameters
    ----------
    fim : [..., P, P], float
        Full FIM, parameters of interest first.
    num_interest : int
        Number of parameters of interest.

    Returns
    -------
    efim : [..., num_interest, num_interest], float
    """
    a = num_interest
    j_aa = fim[..., :a, :a]
    j_ab = fim[..., :a, a:]
    j_bb = fim[..., a:, a:]
    return j_aa - j_ab @ np.linalg.solve(j_bb, np.swapaxes(j_ab, -1, -2))


def efim_diagonal_nuisance(
    jacobian_interest: np.ndarray,
    jacobian_nuisance: np.ndarray,
    noise_variance: float,
    prior_information: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Effective FIM, eq. (5), when the nuisance block J_phi,phi is diagonal.

    Each nuisance parameter m acts on its own group of L observations
    (m, 0..L-1) and on no other, so J_phi,phi is diagonal (eqs. (11)-(12))
    and the Schur complement is a weighted sum: never an M x M matrix.

    Parameters
    ----------
    jacobian_interest : [M, L, P], complex
        d mu / d p for the observations of each nuisance group.
    jacobian_nuisance : [M, L], complex
        d mu / d phi_m for the observations of group m (eq. (10)).
    noise_variance : float
        sigma^2. [V^2]
    prior_information : [..., M] or scalar, float
        Prior Fisher information of each nuisance parameter: 1 / sigma_phi^2
        for a Gaussian prior (eq. (11)), 3 / Delta^2 for U(-Delta, Delta)
        (eq. (12)); ``inf`` for a known parameter. Leading axes batch. [1/rad^2]

    Returns
    -------
    efim : [..., P, P], float
        J_eff of eq. (5).
    """
    scale = 2.0 / noise_variance
    j_pp = scale * np.real(  # Eq. (6)
        np.einsum("mlp,mlq->pq", np.conj(jacobian_interest), jacobian_interest)
    )
    j_p_phi = scale * np.real(  # Eq. (7), one column per nuisance parameter: [M, P]
        np.einsum("mlp,ml->mp", jacobian_interest, np.conj(jacobian_nuisance))
    )
    j_phi_phi = scale * np.sum(np.abs(jacobian_nuisance) ** 2, axis=-1) + np.asarray(
        prior_information, dtype=float
    )  # Eqs. (11)-(12), diagonal: [..., M]
    with np.errstate(divide="ignore"):
        inverse = np.where(np.isinf(j_phi_phi), 0.0, 1.0 / j_phi_phi)
    return j_pp - np.einsum("mp,...m,mq->...pq", j_p_phi, inverse, j_p_phi)  # Eq. (5)


def crlb_rmse(fim: np.ndarray) -> np.ndarray:
    """RMSE bound sqrt(tr(J^{-1})), eq. (13).

    Parameters
    ----------
    fim : [..., P, P], float
        (Effective) Fisher information.

    Returns
    -------
    rmse : [...], float
        In the unit of the parameters. [m] for positions.
    """
    return np.sqrt(np.trace(np.linalg.inv(fim), axis1=-2, axis2=-1))
