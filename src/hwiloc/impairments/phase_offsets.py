"""Frequency- and antenna-dependent phase offsets, Zhang et al. (2025), Sec. II-A.

Frequency phase offsets phi^f_nk ~ N(mu_phi, sigma_phi^2), one per antenna and
subcarrier; spatial phase offsets phi^a_n ~ U(-Delta, Delta), one per antenna,
with standard deviation sigma^a_phi = Delta / sqrt(3).

:func:`draw_phase_offsets` draws each kind from its own named stream of the
seed (:mod:`hwiloc.streams`, names in :data:`OFFSET_STREAMS`); the two draw
functions below take the generator itself.
"""

from __future__ import annotations

import numpy as np

from hwiloc.streams import as_entropy, stream
from hwiloc.validation import require_finite, require_nonnegative, require_positive_int

OFFSET_TYPES = ("none", "frequency", "spatial")
OFFSET_STREAMS = {"frequency": "frequency_offset", "spatial": "spatial_offset"}
"""Offset type -> the name of the stream its offsets draw from."""


def uniform_half_width(std: float | np.ndarray) -> np.ndarray:
    """Half-width Delta of U(-Delta, Delta) with the given standard deviation.

    Delta = sqrt(3) sigma, so that the prior information 3 / Delta^2 of
    eq. (12) equals 1 / sigma^2. [rad]
    """
    return np.sqrt(3.0) * require_nonnegative("std", std)


def frequency_phase_offsets(
    rng: np.random.Generator,
    num_antennas: int,
    num_subcarriers: int,
    std: float,
    mean: float = 0.0,
) -> np.ndarray:
    """Draw phi^f_nk ~ N(mean, std^2), Sec. II-A.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random source.
    num_antennas, num_subcarriers : int
        N and K. [-]
    std : float
        sigma^f_phi. [rad]
    mean : float
        mu_phi. [rad]

    Returns
    -------
    phi : [num_antennas, num_subcarriers], float
        Offsets. [rad]
    """
    require_positive_int("num_antennas", num_antennas)
    require_positive_int("num_subcarriers", num_subcarriers)
    require_nonnegative("std", std)
    require_finite("mean", mean)
    return mean + std * rng.standard_normal((num_antennas, num_subcarriers))


def spatial_phase_offsets(rng: np.random.Generator, num_antennas: int, std: float) -> np.ndarray:
    """Draw phi^a_n ~ U(-Delta, Delta) with Delta = sqrt(3) std, Sec. II-A.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random source.
    num_antennas : int
        N. [-]
    std : float
        sigma^a_phi. [rad]

    Returns
    -------
    phi : [num_antennas], float
        Offsets. [rad]
    """
    require_positive_int("num_antennas", num_antennas)
    half_width = uniform_half_width(std)
    return rng.uniform(-half_width, half_width, size=num_antennas)


def draw_phase_offsets(
    entropy,
    offset_type: str,
    num_antennas: int,
    num_subcarriers: int,
    std: float,
    mean: float = 0.0,
) -> np.ndarray:
    """Phase offsets of either kind as a full [num_antennas, num_subcarriers] array.

    ``"none"`` gives zeros, ``"frequency"`` phi^f_nk, ``"spatial"`` phi^a_n
    repeated over subcarriers (``mean`` applies to the frequency kind only).

    Each kind draws from its own stream of ``entropy`` (:data:`OFFSET_STREAMS`), as
    a standard draw scaled by ``std`` (``mean + std z`` with z ~ N(0, 1), or
    sqrt(3) std (2 u - 1) with u ~ U(0, 1)): the same entropy at another std gives
    the same draws, scaled (common random numbers). The spatial offsets depend on N
    only (not on K), and antenna n's offset is the same for every larger N.

    Parameters
    ----------
    entropy : int or sequence of int
        Seed entropy, e.g. ``[seed, type code, realization]``. [-]
    offset_type : str
        ``"none"``, ``"frequency"`` or ``"spatial"``.
    num_antennas, num_subcarriers : int
        N and K. [-]
    std : float
        sigma_phi. [rad]
    mean : float
        mu_phi of the frequency kind. [rad]

    Returns
    -------
    phi : [num_antennas, num_subcarriers], float
        Offsets. [rad]
    """
    if offset_type not in OFFSET_TYPES:
        raise ValueError(f"offset_type must be one of {OFFSET_TYPES}, got {offset_type!r}")
    entropy = as_entropy(entropy)
    if offset_type == "frequency":
        rng = stream(entropy, OFFSET_STREAMS["frequency"])
        return frequency_phase_offsets(rng, num_antennas, num_subcarriers, std, mean)
    if offset_type == "spatial":
        phi = spatial_phase_offsets(stream(entropy, OFFSET_STREAMS["spatial"]), num_antennas, std)
        return np.repeat(phi[:, None], num_subcarriers, axis=1)
    require_positive_int("num_antennas", num_antennas)
    require_positive_int("num_subcarriers", num_subcarriers)
    return np.zeros((num_antennas, num_subcarriers))
