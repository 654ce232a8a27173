"""From channel-parameter bounds to angle, delay and position error bounds.

Chen et al. (2022), eqs. (16)-(19): eta = [theta, tau, |alpha|, angle(alpha)],
state s = [x, y, |alpha|, angle(alpha)], theta = atan2(y, x), tau = ||p|| / c.
The model states these maps for the generic engine
(:func:`hwiloc.models.ofdm_los.channel_quantities`, with c the model's); this
module reads the bounds through them.
"""

from __future__ import annotations

import numpy as np

from hwiloc.constants import SPEED_OF_LIGHT

THREE_DB = np.sqrt(2.0)
"""3 dB in error power is a factor sqrt(2) in an RMSE bound (PEB): the threshold at which the
tolerance studies call an impairment's cost (the LB over CRB-M2) too large. [-]"""

def quantity_errors(bound, kind: str | None = None) -> dict:
    """AEB [deg], DEB [m], PEB [m] of a generic CRB (``kind=None``) or MCRB/LB (``kind``).

    ``bound`` is a :class:`~hwiloc.bounds.generic.CramerRao` or
    :class:`~hwiloc.bounds.generic.Misspecified` of a model with
    :func:`~hwiloc.models.ofdm_los.channel_quantities`; AEB = sqrt(C_angle) (eq. (17)),
    DEB = sqrt(C_distance) (eq. (18)), PEB = sqrt(tr C_position) (eq. (19)), each with its
    squared bias for the LB.
    """
    args = () if kind is None else (kind,)
    return {
        "aeb_deg": float(np.sqrt(bound.quantity_covariance("angle", *args)[0, 0])),
        "deb_m": float(np.sqrt(bound.quantity_covariance("distance", *args)[0, 0])),
        "peb_m": float(np.sqrt(np.trace(bound.quantity_covariance("position", *args)))),
    }


def channel_from_position(position: np.ndarray, gain: complex) -> np.ndarray:
    """eta = [theta, tau, |alpha|, angle(alpha)] of a UE at ``position`` [m]."""
    x, y = position
    return np.array([np.arctan2(y, x), np.hypot(x, y) / SPEED_OF_LIGHT, abs(gain), np.angle(gain)])


def position_from_channel(eta: np.ndarray) -> np.ndarray:
    """p = c tau (cos theta, sin theta). [m]"""
    return SPEED_OF_LIGHT * eta[1] * np.array([np.cos(eta[0]), np.sin(eta[0])])


def position_jacobian(eta: np.ndarray) -> np.ndarray:
    """d p / d (theta, tau), [2, 2]. [m/rad, m/s]"""
    theta, tau = eta[0], eta[1]
    c = SPEED_OF_LIGHT
    return np.array(
        [
            [-c * tau * np.sin(theta), c * np.cos(theta)],
            [c * tau * np.cos(theta), c * np.sin(theta)],
        ]
    )


def error_bounds(
    covariance: np.ndarray, eta: np.ndarray, bias_position: np.ndarray | None = None
) -> dict:
    """AEB [deg], DEB [m] and PEB [m] from a bound on the channel-parameter covariance.

    AEB = sqrt([C]_{theta,theta}) (eq. (17)), DEB = c sqrt([C]_{tau,tau}) (eq. (18)),
    PEB = sqrt(tr(G C_{theta,tau} G^T)) with G = d p / d(theta, tau) (eq. (19), the
    position block of J_s^-1 = T^-1 J_eta^-1 T^-T), plus |bias|^2 for a biased LB.
    """
    g = position_jacobian(eta)
    pos_cov = g @ covariance[:2, :2] @ g.T
    bias2 = 0.0 if bias_position is None else float(np.sum(np.asarray(bias_position) ** 2))
    return {
        "aeb_deg": float(np.degrees(np.sqrt(covariance[0, 0]))),
        "deb_m": float(SPEED_OF_LIGHT * np.sqrt(covariance[1, 1])),
        "peb_m": float(np.sqrt(np.trace(pos_cov) + bias2)),
    }


def lower_bound_errors(bound, eta_true: np.ndarray) -> dict:
    """AEB, DEB, PEB of the LB of a mismatched estimator (eq. (20)).

    Angle and delay take the LB's diagonal (MCRB plus squared bias); the
    position takes the MCRB mapped at the pseudo-true point plus the squared
    position bias ||p(eta_bar) - p(eta_true)||^2.
    """
    out = error_bounds(bound.lower_bound, bound.pseudo_true)
    bias = position_from_channel(bound.pseudo_true) - position_from_channel(eta_true)
    out["peb_m"] = error_bounds(bound.mcrb, bound.pseudo_true, bias)["peb_m"]
    return out
