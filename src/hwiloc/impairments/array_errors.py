"""Per-antenna array errors: gain, phase and element position.

Each antenna n of the BS array has, in its receive chain, a gain error g_n and a
phase error phi_n, and its element sits displaced by delta_n along the array
axis (a calibration residual: the array is used as if nominal):

    a(theta)_n -> g_n e^{j phi_n} exp(j 2 pi (d_n + delta_n) sin(theta) / lambda),

with 20 log10 g_n ~ N(0, sigma_g^2) [dB]; phi_n ~ U(-sqrt(3) sigma_phi,
sqrt(3) sigma_phi), zhang2025's spatial phase offset
(:func:`hwiloc.impairments.phase_offsets.spatial_phase_offsets`); and
delta_n ~ N(0, sigma_d^2). The chen2022 authors' public MATLAB models the same
three (a complex perturbation of the array response and an element
displacement; their defaults: 0.002, and 0.005 half-wavelengths). A
displacement across the array axis, which would enter as cos(theta), is not
modelled.

Each quantity draws from its own named stream (:data:`ARRAY_STREAMS`) as a
standard draw times its std: the same entropy at another level gives the same
draws, scaled (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwiloc.autodiff import array_namespace
from hwiloc.impairments.phase_offsets import spatial_phase_offsets
from hwiloc.streams import stream
from hwiloc.validation import require_nonnegative, require_positive_int

ARRAY_STREAMS = {"gain": "array_gain", "phase": "array_phase", "position": "array_position"}
"""Each field of :class:`ArrayErrors` -> the name of the stream it draws from."""


@dataclass(frozen=True)
class ArrayErrors:
    """One draw of the per-antenna errors.

    Attributes
    ----------
    gain : [N], float  g_n (1 without error). [-]
    phase : [N], float  phi_n. [rad]
    position : [N], float  delta_n along the array axis. [m]
    """

    gain: np.ndarray
    phase: np.ndarray
    position: np.ndarray

    @property
    def response(self) -> np.ndarray:
        """g_n e^{j phi_n}, [N] complex: the diagonal the array response is multiplied by.

        JAX-traceable: an :class:`ArrayErrors` of JAX arrays (errors as parameters of a
        user's model) gives a JAX response.
        """
        return self.gain * array_namespace(self.gain, self.phase).exp(1j * self.phase)


def draw_array_errors(
    entropy, num_antennas: int, *, gain_std_db: float = 0.0, phase_std: float = 0.0,
    position_std: float = 0.0,
) -> ArrayErrors:  # fmt: skip
    """Draw g_n, phi_n and delta_n for N antennas.

    Parameters
    ----------
    entropy : int or sequence of int
        Seed entropy. [-]
    num_antennas : int
        N. [-]
    gain_std_db : float
        sigma_g of 20 log10 g_n. [dB]
    phase_std : float
        sigma_phi of phi_n (uniform, zhang2025's spatial offset). [rad]
    position_std : float
        sigma_d of delta_n. [m]
    """
    n = require_positive_int("num_antennas", num_antennas)
    gain_db = float(require_nonnegative("gain_std_db", gain_std_db)) * stream(
        entropy, ARRAY_STREAMS["gain"]).standard_normal(n)  # fmt: skip
    phase = spatial_phase_offsets(stream(entropy, ARRAY_STREAMS["phase"]), n,
                                  float(require_nonnegative("phase_std", phase_std)))  # fmt: skip
    position = float(require_nonnegative("position_std", position_std)) * stream(
        entropy, ARRAY_STREAMS["position"]).standard_normal(n)  # fmt: skip
    return ArrayErrors(10 ** (gain_db / 20), phase, position)
