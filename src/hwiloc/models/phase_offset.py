"""Line-of-sight OFDM model with frequency and spatial phase offsets.

Zhang et al. (2025), "Robust Localization in OFDM-Based Massive MIMO through
Phase Offset Calibration", Sec. II-A, eqs. (1), (2) and (8)-(10).

The noise-free observation at antenna n and subcarrier k is

    mu_nk = alpha_n exp(-j 2 pi (f_c + k Delta f) d_n / c) exp(j phi^f_nk) exp(j phi^a_n)

with d_n the UE-to-antenna distance.
"""

from __future__ import annotations

import numpy as np

from hwiloc.geometry import distances, unit_vectors
from hwiloc.ofdm import OfdmGrid
from hwiloc.validation import require_finite, require_positive

AMPLITUDE_MODELS = ("constant", "free_space")


def antenna_amplitudes(
    position: np.ndarray,
    antenna_positions: np.ndarray,
    snr_db: float,
    *,
    amplitude_model: str = "constant",
    noise_variance: float = 1.0,
) -> np.ndarray:
    """Signal amplitudes alpha_n for a per-sample SNR.

    Parameters
    ----------
    position : [2], float
        UE position. [m]
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]
    snr_db : float
        ``|alpha|^2 / sigma_n^2`` per antenna and subcarrier. With
        ``amplitude_model="free_space"`` it holds at the distance from the UE
        to the array centre, and alpha_n scales as 1 / d_n. [dB]
    amplitude_model : {"constant", "free_space"}
        Constant amplitude (the paper's default reading) or free-space path
        loss per antenna (an option, see the study notes).
    noise_variance : float
        sigma_n^2 of eq. (1). [V^2]

    Returns
    -------
    alpha : [num_antennas], float
        Amplitudes alpha_n. [V]
    """
    require_finite("snr_db", snr_db)
    require_positive("noise_variance", noise_variance)
    if amplitude_model not in AMPLITUDE_MODELS:
        raise ValueError(
            f"amplitude_model must be one of {AMPLITUDE_MODELS}, got {amplitude_model!r}"
        )
    reference = np.sqrt(noise_variance * 10.0 ** (snr_db / 10.0))
    num_antennas = len(antenna_positions)
    if amplitude_model == "constant":
        return np.full(num_antennas, reference)
    d = distances(position, antenna_positions)
    d_ref = np.linalg.norm(np.asarray(position) - np.mean(antenna_positions, axis=0))
    return reference * d_ref / d


def los_mean(
    position: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    amplitudes: np.ndarray | float = 1.0,
    *,
    frequency_offsets: np.ndarray | None = None,
    spatial_offsets: np.ndarray | None = None,
) -> np.ndarray:
    """Noise-free received signal mu_nk, eq. (1), with the offsets of eq. (2).

    Parameters
    ----------
    position : [2], float
        UE position (x, y). [m]
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]
    grid : OfdmGrid
        Subcarrier grid (k = 1..K in the paper).
    amplitudes : [num_antennas] or scalar, float
        alpha_n. [V]
    frequency_offsets : [..., num_antennas, num_subcarriers], float, optional
        phi^f_nk. [rad]
    spatial_offsets : [..., num_antennas], float, optional
        phi^a_n. [rad]

    Returns
    -------
    mu : [..., num_antennas, num_subcarriers], complex
        Expected received signal. [V]
    """
    d = distances(position, antenna_positions)  # [N]
    phase = -np.outer(d, grid.wavenumbers)  # Eq. (1): -2 pi (f_c/c + Delta f k / c) d_n
    if frequency_offsets is not None:
        phase = phase + require_finite("frequency_offsets", frequency_offsets)  # Eq. (2)
    if spatial_offsets is not None:
        phase = phase + require_finite("spatial_offsets", spatial_offsets)[..., None]  # Eq. (2)
    return np.asarray(amplitudes, dtype=float)[..., None] * np.exp(1j * phase)


def los_mean_position_jacobian(
    position: np.ndarray,
    antenna_positions: np.ndarray,
    grid: OfdmGrid,
    mean: np.ndarray,
) -> np.ndarray:
    """Derivative of mu_nk with respect to the position p = (x, y), eqs. (8)-(9).

    d mu_nk / d p = -j 2 pi (f_c / c + Delta f k / c) (p - p_n) / d_n mu_nk.

    Parameters
    ----------
    position : [2], float
        UE position. [m]
    antenna_positions : [num_antennas, 2], float
        Antenna positions. [m]
    grid : OfdmGrid
        Subcarrier grid.
    mean : [..., num_antennas, num_subcarriers], complex
        mu_nk from :func:`los_mean` (offsets included). [V]

    Returns
    -------
    jacobian : [..., num_antennas, num_subcarriers, 2], complex
        d mu_nk / d (x, y). [V/m]
    """
    u = unit_vectors(position, antenna_positions)  # [N, 2]
    factor = -1j * grid.wavenumbers[None, :, None] * u[:, None, :]  # Eqs. (8)-(9)
    return factor * mean[..., None]


def los_mean_phase_jacobian(mean: np.ndarray) -> np.ndarray:
    """Derivative of mu_nk with respect to its own phase offset, eq. (10): j mu_nk.

    Parameters
    ----------
    mean : [..., num_antennas, num_subcarriers], complex
        mu_nk. [V]

    Returns
    -------
    jacobian : [..., num_antennas, num_subcarriers], complex
        d mu_nk / d phi. [V/rad]
    """
    return 1j * mean  # Eq. (10)


class LosPositionModel:
    """mu_nk(eta) = alpha exp(-j w_k d_n(p)) exp(j phi_nk), eta = [x, y, |alpha|, angle(alpha)].

    The zhang2025 model of eqs. (1)-(2) with position and complex gain as the
    parameters, in the interface of :mod:`hwiloc.bounds.misspecified`
    (``mean``, ``jacobian``, ``hessian``): with known offsets it is the true
    model, without them the model of the uncalibrated SAF localizer.

    Parameters
    ----------
    antenna_positions : [N, 2], float
        [m]
    grid : OfdmGrid
    phase_offsets : [N, K], float, optional
        phi_nk (frequency and/or spatial, eq. (2)). [rad]
    """

    def __init__(self, antenna_positions, grid: OfdmGrid, phase_offsets=None):
        self.antenna_positions = np.asarray(antenna_positions, dtype=float)
        self.grid = grid
        self.phase_offsets = phase_offsets

    def _mean(self, position, gain=1.0):
        return (
            los_mean(
                position,
                self.antenna_positions,
                self.grid,
                1.0,
                frequency_offsets=self.phase_offsets,
            )
            * gain
        )

    @property
    def quantities(self) -> dict:
        """The position p = eta[:2] [m], for :mod:`hwiloc.bounds.generic`."""
        from hwiloc.models.quantity import Quantity

        return {"position": Quantity(lambda eta: eta[:2], "m", lambda eta: np.eye(2, 4))}

    def canonical(self, eta):
        """The same mean with |alpha| >= 0 and angle(alpha) in (-pi, pi]."""
        from hwiloc.models.gain import canonical_gain

        return canonical_gain(eta, 2)

    def mean(self, eta):
        return self._mean(eta[:2], eta[2] * np.exp(1j * eta[3])).ravel()

    def _derivatives(self, eta):
        from hwiloc.models.gain import with_gain

        position = np.asarray(eta[:2], dtype=float)
        mu = self._mean(position, eta[2] * np.exp(1j * eta[3]))  # [N, K]
        u = unit_vectors(position, self.antenna_positions)  # [N, 2]
        d = distances(position, self.antenna_positions)  # [N]
        jw = -1j * self.grid.wavenumbers  # [K]
        first = mu[..., None] * jw[None, :, None] * u[:, None, :]  # Eqs. (8)-(9): [N, K, 2]
        curvature = (np.eye(2) - np.einsum("ni,nj->nij", u, u)) / d[:, None, None]  # d u / d p
        uu = np.einsum("ni,nj->nij", u, u)
        second = mu[..., None, None] * (
            (jw**2)[None, :, None, None] * uu[:, None]
            + jw[None, :, None, None] * curvature[:, None]
        )
        return with_gain(mu.ravel(), first.reshape(-1, 2), second.reshape(-1, 2, 2), eta[2])

    def jacobian(self, eta):
        return self._derivatives(eta)[0]

    def hessian(self, eta):
        return self._derivatives(eta)[1]
