"""Generic Fisher information for complex Gaussian observations.

For y ~ CN(mu(eta), sigma^2 I) the Fisher information is
J = (2 / sigma^2) Re{D^H D}, D = d mu / d eta (eqs. (6)-(7) in Zhang et al. 2025;
Sec. IV of Chen et al. 2022). Nuisance parameters are removed by the Schur
complement, the effective FIM of eq. (5).
"""

from __future__ import annotations

import warnings

import numpy as np

from hwiloc.validation import require_positive


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
    return (2.0 / require_positive("noise_variance", noise_variance)) * np.real(
        np.conj(np.swapaxes(jacobian, -1, -2)) @ jacobian
    )


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
    try:
        return j_aa - j_ab @ np.linalg.solve(j_bb, np.swapaxes(j_ab, -1, -2))
    except np.linalg.LinAlgError:
        block = np.asarray(j_bb).reshape((-1,) + j_bb.shape[-2:])
        names = [f"nuisance[{i}]" for i in range(block.shape[-1])]
        lost = sorted({n for j in block for n in unobservable(j, names)})
        raise UnobservableError(
            f"singular nuisance block of the Fisher information: {lost or names} unobservable"
        ) from None


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
    scale = 2.0 / require_positive("noise_variance", noise_variance)
    d_p = np.asarray(jacobian_interest)
    d_phi = np.asarray(jacobian_nuisance)
    prior = np.asarray(prior_information, dtype=float)
    if np.any(np.isnan(prior)) or np.any(prior < 0):
        raise ValueError(f"prior_information must be >= 0 (inf for a known parameter), got {prior}")
    # Numerically stable form of J_pp - J_p,phi J_phi,phi^-1 J_phi,p (eq. (5)).
    # The direct difference loses every digit at high SNR (both terms grow as
    # the SNR, their difference as 1 / sigma_phi^2). Split each group's term as
    #   q_m - j_m j_m^T / (s_m + i_m)
    #     = [q_m - j_m j_m^T / s_m] + j_m j_m^T i_m / (s_m (s_m + i_m)),
    # with q_m = scale Re{D_m^H D_m}, j_m = scale Re{D_m^H d_m} (eq. (7)),
    # s_m = scale ||d_m||^2 and i_m the prior (eqs. (11)-(12)). The bracket is
    # scale Re{R_m^H R_m} of the residual R_m = D_m - d_m c_m after removing the
    # real span of d_m (c_m = Re{d_m^H D_m} / ||d_m||^2): formed without a
    # difference of large numbers. The second term is a sum of non-negative
    # terms; it tends to j_m j_m^T / s_m for a known parameter (i_m = inf).
    norm2 = np.sum(np.abs(d_phi) ** 2, axis=-1)  # ||d_m||^2: [M]
    seen = norm2 > 0  # a group with d_m = 0 carries no information on phi_m
    safe = np.where(seen, norm2, 1.0)
    inner = np.real(np.einsum("mlp,ml->mp", d_p, np.conj(d_phi)))  # Re{d_m^H D_m}: [M, P]
    coeff = np.where(seen[:, None], inner / safe[:, None], 0.0)
    residual = d_p - d_phi[..., None] * coeff[:, None, :]  # R_m: [M, L, P]
    # Where D_m lies in the span of d_m (one observation per offset: the frequency
    # offsets' case) R_m is zero but for rounding, which would otherwise floor J_eff
    # at ~1e-32 of its scale and stop the bound growing with sigma_phi (1.8e12 m at
    # sigma = 1e13 rad): a column below the rounding of D_m is that zero.
    rounding = (64 * np.finfo(float).eps) ** 2 * np.sum(np.abs(d_p) ** 2, axis=1)  # [M, P]
    exact_zero = np.sum(np.abs(residual) ** 2, axis=1) <= rounding
    residual = np.where(exact_zero[:, None, :], 0.0, residual)
    projected = scale * np.real(np.einsum("mlp,mlq->pq", np.conj(residual), residual))
    j_p_phi = scale * inner  # Eq. (7): [M, P]
    s_m = scale * norm2  # Eqs. (11)-(12) without the prior: [M]
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(
            np.isinf(prior), 1.0 / np.where(seen, s_m, 1.0), prior / (s_m * (s_m + prior))
        )
    weight = np.where(seen, weight, 0.0)  # [..., M]
    return projected + np.einsum("mp,...m,mq->...pq", j_p_phi, weight, j_p_phi)  # Eq. (5)


class UnobservableWarning(RuntimeWarning):
    """A Fisher information matrix is singular: some parameter has no finite bound."""


class UnobservableError(ValueError):
    """A Fisher information matrix that must be inverted is singular (names the parameter)."""


class FisherRangeError(ArithmeticError):
    """The Fisher information left floating-point range (overflow or underflow).

    Not a statement about the data: the same model in other units, or with the noise
    scaled, is regular. The message says which and what to rescale.
    """


class IllConditionedWarning(RuntimeWarning):
    """A Fisher information is regular but so ill-conditioned that its inverse is doubtful."""


# The FIM's condition number (of its scale-free correlation form, so parameter units do not
# count) above which a bound is warned about: its inverse has lost about 10 of float64's 16
# digits, and a bound of metres may be rounding (a 3-D UE with an unknown clock offset).
CONDITION_WARNING = 1e10
TINY = 1e-300  # a FIM whose entries are all below this is underflow, not information: within
# 1e8 of float64's subnormal range (2.2e-308), where digits are lost [-]


def check_range(fim: np.ndarray, what: str = "Fisher information") -> None:
    """Raise :class:`FisherRangeError` when ``fim`` overflowed (a non-finite entry) or
    underflowed (every entry below :data:`TINY`), before anything calls it unobservable."""
    fim = np.asarray(fim, dtype=float)
    if not np.all(np.isfinite(fim)):
        raise FisherRangeError(
            f"the {what} overflowed (non-finite entries): the noise variance is too small, or "
            "the mean or its derivatives too large, for float64; rescale the noise, the "
            "signal or the parameters' units"
        )
    if fim.size and np.max(np.abs(fim)) < TINY:
        raise FisherRangeError(
            f"the {what} underflowed (largest entry {np.max(np.abs(fim)):.3g} < {TINY:g}): the "
            "noise variance is too large, or the signal too small, for float64; rescale the "
            "noise, the signal or the parameters' units"
        )


def condition_number(fim: np.ndarray) -> float:
    """Condition number of the correlation form D^-1/2 J D^-1/2 of a FIM (D = diag J):
    independent of the parameters' units; inf when a diagonal entry is not positive."""
    fim = np.asarray(fim, dtype=float)
    diag = np.diag(fim)
    if np.any(diag <= 0) or not np.all(np.isfinite(fim)):
        return float("inf")
    root = np.sqrt(diag)
    scaled = fim / root[:, None] / root[None, :]
    return float(np.linalg.cond((scaled + scaled.T) / 2))


def inverse_fim(fim: np.ndarray, names=None, what: str = "Fisher information") -> np.ndarray:
    """J^-1 of a regular FIM; UnobservableError naming the unobservable parameters otherwise.

    A FIM out of floating-point range raises :class:`FisherRangeError` first (overflow or
    underflow is not unobservability), and one whose :func:`condition_number` exceeds
    :data:`CONDITION_WARNING` is inverted with an :class:`IllConditionedWarning`.
    """
    fim = np.asarray(fim, dtype=float)
    check_range(fim, what)
    try:
        lost = unobservable(fim, names)
    except np.linalg.LinAlgError as error:  # e.g. "Eigenvalues did not converge"
        raise FisherRangeError(
            f"the {what} cannot be decomposed ({error}): its entries span more than float64 "
            "can resolve; rescale the noise, the signal or the parameters' units"
        ) from None
    if lost:
        raise UnobservableError(f"singular {what}: {lost} unobservable (no finite bound)")
    kappa = condition_number(fim)
    if kappa > CONDITION_WARNING:
        warnings.warn(
            f"ill-conditioned {what}: condition number {kappa:.3g} (scale-free) > "
            f"{CONDITION_WARNING:g}; the bound may be dominated by rounding: look for two "
            "parameters the data barely tell apart (e.g. a clock offset and a range)",
            IllConditionedWarning,
            stacklevel=3,
        )
    return np.linalg.inv(fim)


def unobservable(fim: np.ndarray, names=None, rtol: float = 1e-12) -> list[str]:
    """Names of the parameters a singular (or not positive definite) FIM leaves unobservable.

    A parameter is unobservable when its diagonal entry is not positive, or when
    an eigenvector of the correlation form D^-1/2 J D^-1/2 (D = diag J, so the
    test does not depend on the parameters' units) whose eigenvalue is below
    ``rtol`` times the largest one loads on it (the direction in which the
    data carry no information). Empty for a regular FIM.

    Parameters
    ----------
    fim : [P, P], float
        Fisher information.
    names : sequence of str, optional
        Parameter names (default ``theta[0]``, ``theta[1]``, ...).
    """
    fim = np.asarray(fim, dtype=float)
    size = fim.shape[-1]
    names = list(names) if names is not None else [f"theta[{i}]" for i in range(size)]
    if not np.all(np.isfinite(fim)):
        return [n for i, n in enumerate(names) if not np.all(np.isfinite(fim[i]))] or names
    diag = np.diag(fim)
    if np.any(diag <= 0):  # no information at all, or not a FIM
        return [n for n, d in zip(names, diag, strict=True) if d <= 0]
    # Scale-free test: the correlation form D^-1/2 J D^-1/2 (parameters in any units), each
    # side scaled by its own root (the outer product of the diagonal would overflow or
    # underflow for a FIM near float64's range, and call a regular FIM singular).
    root = np.sqrt(diag)
    scaled = fim / root[:, None] / root[None, :]
    values, vectors = np.linalg.eigh((scaled + scaled.T) / 2)
    weak = vectors[:, values <= rtol * np.max(values)]
    if weak.shape[1] == 0:
        return []
    load = np.sum(weak**2, axis=1)
    return [n for n, w in zip(names, load, strict=True) if w > 1e-6]


def crlb_rmse(fim: np.ndarray, names=None) -> np.ndarray:
    """RMSE bound sqrt(tr(J^{-1})), eq. (13).

    A singular FIM (a parameter the data cannot determine) gives ``inf`` and an
    :class:`UnobservableWarning` naming that parameter; never NaN.

    Parameters
    ----------
    fim : [..., P, P], float
        (Effective) Fisher information.
    names : sequence of str, optional
        Parameter names for the warning.

    Returns
    -------
    rmse : [...], float
        In the unit of the parameters. [m] for positions.
    """
    fim = np.asarray(fim, dtype=float)
    flat = fim.reshape((-1,) + fim.shape[-2:])
    out = np.empty(len(flat))
    for i, j in enumerate(flat):
        lost = unobservable(j, names)
        if lost:
            warnings.warn(
                f"singular Fisher information: {lost} unobservable; the bound is inf",
                UnobservableWarning,
                stacklevel=2,
            )
            out[i] = np.inf
        else:
            out[i] = np.sqrt(np.trace(np.linalg.inv(j)))
    return out.reshape(fim.shape[:-2])
