"""CRLB of the UE position under phase offsets, Zhang et al. (2025), Sec. II-B.

The unknowns are eta = [x, y, phi] (eq. (3)); phi are the frequency offsets
phi^f_nk (N K of them, Gaussian prior, eq. (11)) or the spatial offsets phi^a_n
(N of them, uniform prior, eq. (12)). Both nuisance blocks are diagonal, so the
EFIM of eq. (5) is evaluated without forming the dense N K x N K block.
"""

from __future__ import annotations

import numpy as np

from hwiloc.bounds.fisher import crlb_rmse, efim_diagonal_nuisance
from hwiloc.impairments.phase_offsets import OFFSET_TYPES, uniform_half_width
from hwiloc.models.phase_offset import (
    los_mean,
    los_mean_phase_jacobian,
    los_mean_position_jacobian,
)
from hwiloc.ofdm import OfdmGrid
from hwiloc.validation import require_nonnegative


def prior_information(offset_type: str, offset_std: np.ndarray) -> np.ndarray:
    """Prior Fisher information of one phase offset. [1/rad^2]

    Gaussian N(mu, sigma^2): 1 / sigma^2 (eq. (11)). Uniform U(-Delta, Delta):
    3 / Delta^2 (eq. (12), the paper's choice, the inverse variance of the
    uniform law; implemented as written), with Delta = sqrt(3) sigma.
    sigma = 0 gives ``inf`` (a known offset).
    """
    std = require_nonnegative("offset_std", offset_std)
    with np.errstate(divide="ignore"):
        if offset_type == "frequency":
            return 1.0 / std**2  # Eq. (11)
        if offset_type == "spatial":
            return 3.0 / uniform_half_width(std) ** 2  # Eq. (12)
    raise ValueError(f"offset_type must be 'frequency' or 'spatial', got {offset_type!r}")


def position_efim(
    position: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    amplitudes: np.ndarray | float,
    offset_type: str,
    offset_std: np.ndarray | float = 0.0,
    noise_variance: float = 1.0,
) -> np.ndarray:
    """Effective FIM of p = (x, y) under phase offsets, eqs. (4)-(12).

    Parameters
    ----------
    position : [2], float
        True UE position. [m]
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]
    grid : OfdmGrid
        Subcarrier grid.
    amplitudes : [num_antennas] or scalar, float
        alpha_n. [V]
    offset_type : {"none", "frequency", "spatial"}
        Which phase offsets are unknown nuisance parameters.
    offset_std : [...] float
        sigma^f_phi or sigma^a_phi; leading axes batch. The mean mu_phi does
        not enter the bound. [rad]
    noise_variance : float
        sigma_n^2. [V^2]

    Returns
    -------
    efim : [..., 2, 2], float
        J_eff. [1/m^2]
    """
    if offset_type not in OFFSET_TYPES:
        raise ValueError(f"offset_type must be one of {OFFSET_TYPES}, got {offset_type!r}")
    # The offsets' values do not enter |mu| or the EFIM (each derivative carries
    # the same phase), so the bound is evaluated at phi = 0.
    mean = los_mean(position, antenna_positions, grid, amplitudes)  # [N, K]
    d_mu_d_p = los_mean_position_jacobian(position, antenna_positions, grid, mean)
    d_mu_d_phi = los_mean_phase_jacobian(mean)
    num_antennas, num_subcarriers = mean.shape
    std = np.asarray(offset_std, dtype=float)
    if offset_type == "none":
        info = np.full(std.shape + (num_antennas,), np.inf)
        groups = (num_antennas, num_subcarriers)
    elif offset_type == "frequency":
        # One nuisance per (n, k): N K groups of one observation each.
        info = np.broadcast_to(
            prior_information(offset_type, std)[..., None],
            std.shape + (num_antennas * num_subcarriers,),
        )
        groups = (num_antennas * num_subcarriers, 1)
    else:
        # One nuisance per antenna: N groups of K observations each.
        info = np.broadcast_to(
            prior_information(offset_type, std)[..., None], std.shape + (num_antennas,)
        )
        groups = (num_antennas, num_subcarriers)
    return efim_diagonal_nuisance(
        d_mu_d_p.reshape(groups + (2,)),
        d_mu_d_phi.reshape(groups),
        noise_variance,
        info,
    )


def position_crlb_rmse(*args, **kwargs) -> np.ndarray:
    """CRLB RMSE sqrt(tr(J_eff^{-1})) of eq. (13); arguments as :func:`position_efim`. [m]

    ``inf`` with an UnobservableWarning naming x or y where J_eff is singular
    (a UE on the array axis, one antenna).
    """
    return crlb_rmse(position_efim(*args, **kwargs), names=("x", "y"))
