"""XL-MIMO uplink models of Chen et al. (GLOBECOM 2022): near-field truth, far-field assumption.

H. Chen et al., "Channel Model Mismatch Analysis for XL-MIMO Systems from a
Localization Perspective", IEEE GLOBECOM 2022; the model as the authors' code
states it (``chenhui07c8/Radio_Localization``, folder
``3-XLMIMO_Model_Mismatch_Analysis/matlab_code``: ``get_Rx_symbol.m``,
``update_parameters.m``), re-derived here. Each map is written for either array
namespace (:func:`hwiloc.autodiff.array_namespace`): numpy on numbers, so that the
data, the bounds' means and the estimators' objectives run no JAX (each of its
operations run eagerly is compiled, 30 ms, once per process), and ``jax.numpy``
inside JAX's tracing, which makes every derivative automatic (:mod:`hwiloc.autodiff`).

A single-antenna UE at p = (x, y) sends s_k = 1 on K subcarriers
f_k = f_c + k W / K (k = 0..K-1) with power P; an N-element ULA along the y
axis, centred at the origin, spacing lambda_c / 2, receives (digital array,
one snapshot) the noise-free

    near field (true):  mu_nk = sqrt(P) alpha c_nk exp(-j 2 pi nu_k (d_n - d) / c)
                                 exp(-j 2 pi f_k d / c),
    far field (assumed): mu_nk = sqrt(P) alpha exp(j 2 pi f_c y_n sin(theta) / c)
                                 exp(-j 2 pi f_k d / c),

with alpha = rho e^{j xi}, d = ||p||, d_n = ||p - a_n||, theta = atan2(y, x),
and the three near-field effects, each switchable:
spatial non-stationarity c_nk = (f_c / f_k)(d / d_n) (else 1), spherical
wavefront d_n - d (else the planar -y_n sin(theta)), beam squint nu_k = f_k
(else f_c). With all three off the near-field model is the far-field one in
position coordinates.

The speed of light is the model's: the authors use c = 3e8 m/s, and so does
this study (``speed_of_light`` in config), not the SI value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwiloc.autodiff import array_namespace
from hwiloc.models.gain import canonical_gain
from hwiloc.models.parametric import Model, Quantity

NEAR_FIELD_PARAMETERS = {"x": "m", "y": "m", "gain_magnitude": "1", "gain_phase": "rad"}
FAR_FIELD_PARAMETERS = {"theta": "rad", "distance": "m", "gain_magnitude": "1", "gain_phase": "rad"}


@dataclass(frozen=True, kw_only=True)
class XlMimoArray:
    """The receiving ULA and the OFDM grid.

    Attributes
    ----------
    carrier_frequency : float
        f_c. [Hz]
    bandwidth : float
        W; subcarrier spacing W / K. [Hz]
    num_subcarriers : int
        K.
    num_antennas : int
        N.
    speed_of_light : float
        c, the model's constant (3e8 in the authors' code). [m/s]
    """

    carrier_frequency: float
    bandwidth: float
    num_subcarriers: int
    num_antennas: int
    speed_of_light: float

    def __post_init__(self):
        for name in ("carrier_frequency", "bandwidth", "speed_of_light"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be positive and finite, got {value}")
        for name in ("num_subcarriers", "num_antennas"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be a positive integer, got {getattr(self, name)}")

    @property
    def wavelength(self) -> float:
        """lambda_c = c / f_c. [m]"""
        return self.speed_of_light / self.carrier_frequency

    @property
    def frequencies(self) -> np.ndarray:
        """f_k = f_c + k W / K, [K]. [Hz]"""
        spacing = self.bandwidth / self.num_subcarriers
        return self.carrier_frequency + np.arange(self.num_subcarriers) * spacing

    @property
    def element_positions(self) -> np.ndarray:
        """a_n = (0, (n - (N - 1) / 2) lambda_c / 2), [N, 2]. [m]"""
        y = (np.arange(self.num_antennas) - (self.num_antennas - 1) / 2) * self.wavelength / 2
        return np.column_stack([np.zeros_like(y), y])

    def constants(self) -> dict:
        return {"speed_of_light": self.speed_of_light}


def _angle_deg(position):
    xp = array_namespace(position)
    return xp.degrees(xp.arctan2(position[1], position[0]))


def _polar(eta):
    xp = array_namespace(eta)
    return eta[1] * xp.stack([xp.cos(eta[0]), xp.sin(eta[0])])


def _distance(eta):
    return array_namespace(eta).linalg.norm(eta[:2])


def _theta_deg(eta):
    return array_namespace(eta).degrees(eta[0])


def near_field_model(
    array: XlMimoArray,
    power: float = 1.0,
    *,
    spatial_non_stationarity: bool = True,
    spherical_wavefront: bool = True,
    beam_squint: bool = True,
) -> Model:
    """True model: eta = [x, y, rho, xi] -> mu [N, K] (get_Rx_symbol.m, "SWM").

    Parameters
    ----------
    array : XlMimoArray
    power : float
        Transmit power P (the mean scales as sqrt(P)). [mW]
    spatial_non_stationarity, spherical_wavefront, beam_squint : bool
        The three near-field effects (module docstring).
    """
    c, fc = array.speed_of_light, array.carrier_frequency
    f = np.asarray(array.frequencies)  # [K]
    antennas = np.asarray(array.element_positions)  # [N, 2]
    nu = f if beam_squint else np.full_like(f, fc)  # frequency of the path difference [Hz]
    amplitude = np.sqrt(power)

    def mean(eta):
        xp = array_namespace(eta)
        p = eta[:2]
        d = xp.linalg.norm(p)
        d_n = xp.sqrt(xp.sum((antennas - p) ** 2, axis=1))  # [N]
        if spherical_wavefront:
            path = d_n - d
        else:
            path = -antennas[:, 1] * p[1] / d  # -y_n sin(theta)
        coefficient = (fc / f)[None, :] * (d / d_n)[:, None] if spatial_non_stationarity else 1.0
        gain = amplitude * eta[2] * xp.exp(1j * eta[3])
        return (
            gain
            * coefficient
            * xp.exp(-2j * np.pi * path[:, None] * nu[None, :] / c)
            * xp.exp(-2j * np.pi * f[None, :] * d / c)
        )

    return Model(
        mean,
        NEAR_FIELD_PARAMETERS,
        quantities={
            "position": Quantity(lambda eta: eta[:2], "m"),
            "angle": Quantity(lambda eta: _angle_deg(eta[:2]), "deg"),
            "distance": Quantity(_distance, "m"),
        },
        constants=array.constants(),
    )


def far_field_model(array: XlMimoArray, power: float = 1.0) -> Model:
    """Assumed model: eta = [theta, d, rho, xi] -> mu [N, K] (get_Rx_symbol.m, "PWM").

    Parameters
    ----------
    array : XlMimoArray
    power : float
        Transmit power P. [mW]
    """
    c, fc = array.speed_of_light, array.carrier_frequency
    f = np.asarray(array.frequencies)
    y_n = np.asarray(array.element_positions[:, 1])
    amplitude = np.sqrt(power)

    def mean(eta):
        xp = array_namespace(eta)
        steering = xp.exp(2j * np.pi * fc * y_n * xp.sin(eta[0]) / c)  # [N]
        delay = xp.exp(-2j * np.pi * f * eta[1] / c)  # [K]
        return amplitude * eta[2] * xp.exp(1j * eta[3]) * steering[:, None] * delay[None, :]

    return Model(
        mean,
        FAR_FIELD_PARAMETERS,
        quantities={
            "position": Quantity(_polar, "m"),
            "angle": Quantity(_theta_deg, "deg"),
            "distance": Quantity(lambda eta: eta[1], "m"),
        },
        constants=array.constants(),
        canonical=lambda eta: canonical_gain(eta, 2),
    )
