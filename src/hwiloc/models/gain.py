"""Derivatives of a model mu = alpha g(theta) with a complex gain alpha = |alpha| e^{j phi}.

Every model here is linear in alpha: given the geometric part's derivatives,
the parameter vector [geometric..., |alpha|, angle(alpha)] has first and second
derivatives d mu/d|alpha| = mu/|alpha|, d mu/d phi = j mu, and the mixed terms
below (Chen et al. 2022, Appendix B).
"""

from __future__ import annotations

import numpy as np


def gain_jacobian(mu: np.ndarray, geometric_first: np.ndarray, magnitude: float) -> np.ndarray:
    """Jacobian [M, G+2] of mu over [geometric, |alpha|, angle(alpha)] (first derivatives only)."""
    return np.concatenate([geometric_first, (mu / magnitude)[:, None], (1j * mu)[:, None]], axis=1)


def with_gain(
    mu: np.ndarray, geometric_first: np.ndarray, geometric_second: np.ndarray, magnitude: float
):
    """Jacobian [M, G+2] and Hessian [M, G+2, G+2] of mu over [geometric, |alpha|, angle(alpha)].

    Parameters
    ----------
    mu : [M], complex
        The model's mean (alpha included).
    geometric_first : [M, G], complex
        d mu / d theta_i (alpha included).
    geometric_second : [M, G, G], complex
        d2 mu / d theta_i d theta_j (alpha included).
    magnitude : float
        |alpha|.
    """
    m, g = geometric_first.shape
    first = gain_jacobian(mu, geometric_first, magnitude)
    first_t = first.T  # [G+2, M]
    # built as [G+2, G+2, M], each entry a contiguous row, and returned as an [M, G+2, G+2]
    # view of it: entry-by-entry writes into [M, G+2, G+2] are strided and cost more than
    # all the arithmetic
    second = np.empty((g + 2, g + 2, m), complex)
    second[:g, :g] = np.moveaxis(geometric_second, 0, -1)
    second[:, g] = first_t / magnitude  # d/d|alpha| of d mu/d eta_i
    second[:, g + 1] = 1j * first_t  # d/dphi of d mu/d eta_i
    second[g, g] = 0.0  # mu is linear in |alpha|
    second[g, g + 1] = 1j * first_t[g]
    second[g + 1, g + 1] = -mu
    second[g, :g] = second[:g, g]
    second[g + 1, :g] = second[:g, g + 1]
    second[g + 1, g] = second[g, g + 1]
    return first, np.moveaxis(second, -1, 0)


def canonical_gain(eta: np.ndarray, magnitude_index: int) -> np.ndarray:
    """eta with the gain as |alpha| >= 0 and angle(alpha) in (-pi, pi].

    (-r, phi) and (r, phi + pi) give the same mean; a solver may return either.
    The phase follows the magnitude at ``magnitude_index + 1``. ``eta`` is [P], or
    [..., P] for many points at once.
    """
    eta = np.array(eta, dtype=float)
    i = magnitude_index
    flip = eta[..., i] < 0
    eta[..., i] = np.where(flip, -eta[..., i], eta[..., i])
    eta[..., i + 1] = np.angle(np.exp(1j * (eta[..., i + 1] + np.where(flip, np.pi, 0.0))))
    return eta
