"""Uplink LoS OFDM observation models M0, M1, M2 of Chen et al. (2022), Sec. II.

With one RF chain at the BS every model has the form (eqs. (1), (8), (9))

    mu_{g,k}(eta) = alpha s_g(theta) [D_g (b(tau) o x~_g)]_k,
    s_g(theta) = w_g^T C a(theta),  a(theta)_n = exp(j 2 pi d_n sin(theta) / lambda),
    b(tau)_k = exp(-j 2 pi k Delta f tau),  D_g = F E_g Xi_g F^H (unitary),

with eta = [theta, tau, |alpha|, angle(alpha)]. M0: C = I, D = I, x~ = x.
M1: C = C_0 + Delta_C, D from phase noise and CFO, x~ the PA output. M2: C = C_0,
D = I, x~ = x. First and second derivatives are analytic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import numpy as np

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.models.gain import canonical_gain, gain_jacobian, with_gain
from hwiloc.models.quantity import Quantity


def channel_quantities(num_parameters: int, speed_of_light: float = SPEED_OF_LIGHT) -> dict:
    """Angle [deg], distance c tau [m] and position [m] of eta = [theta, tau, ...], eqs. (16)-(19).

    Each with its analytic Jacobian over the ``num_parameters`` entries of eta.
    """
    c = float(speed_of_light)

    def rows(*first_two):
        g = np.zeros((len(first_two), num_parameters))
        g[:, :2] = first_two
        return g

    def position(eta):
        return c * eta[1] * np.array([np.cos(eta[0]), np.sin(eta[0])])

    def position_jacobian(eta):
        theta, tau = eta[0], eta[1]
        return rows(
            [-c * tau * np.sin(theta), c * np.cos(theta)],
            [c * tau * np.cos(theta), c * np.sin(theta)],
        )  # Eq. (19): d p / d (theta, tau)

    return {
        "angle": Quantity(
            lambda eta: np.degrees(eta[0]), "deg", lambda eta: rows([180 / np.pi, 0.0])
        ),
        "distance": Quantity(lambda eta: c * eta[1], "m", lambda eta: rows([0.0, c])),
        "position": Quantity(position, "m", position_jacobian),
    }


@dataclass(frozen=True)
class OfdmLosModel:
    """A noise-free observation model mu(eta), flattened over (g, k) as [G K].

    Attributes
    ----------
    combiners : [G, N], complex
        w_g.
    coupling : [N, N], complex
        C (identity for M0).
    pilots : [G, K], complex
        x~_{g,k} as it leaves the UE (PA output for M1). [V]
    time_diagonal : [G, K], complex or None
        Diagonal of E_g Xi_g (None: D_g = I).
    element_positions : [N], float
        d_n along the array. [m]
    wavelength : float
        [m]
    subcarrier_spacing : float
        [Hz]
    speed_of_light : float
        c of the distance and position maps (``quantities``). [m/s]
    """

    combiners: np.ndarray
    coupling: np.ndarray
    pilots: np.ndarray
    time_diagonal: np.ndarray | None
    element_positions: np.ndarray
    wavelength: float
    subcarrier_spacing: float
    speed_of_light: float = SPEED_OF_LIGHT
    # eta of eq. (3), named in the errors of a singular FIM
    parameter_names: ClassVar[tuple[str, ...]] = ("theta", "tau", "gain_magnitude", "gain_phase")

    @cached_property
    def quantities(self) -> dict:
        """Angle [deg], distance [m] and position [m] of eta, for :mod:`hwiloc.bounds.generic`."""
        return channel_quantities(4, self.speed_of_light)

    def canonical(self, eta: np.ndarray) -> np.ndarray:
        """The same mean with |alpha| >= 0 and angle(alpha) in (-pi, pi]."""
        return canonical_gain(eta, 2)

    @property
    def num_subcarriers(self) -> int:
        return self.pilots.shape[1]

    def _distort(self, u: np.ndarray) -> np.ndarray:
        """D_g u_g = F E_g Xi_g F^H u_g for each g (FFTs; F unitary, scalings cancel)."""
        if self.time_diagonal is None:
            return u
        return np.fft.fft(self.time_diagonal * np.fft.ifft(u, axis=-1), axis=-1)

    def _steering(self, theta: float):
        """s_g(theta), ds/dtheta, d2s/dtheta2, each [G]."""
        k = 2 * np.pi * self.element_positions / self.wavelength
        a = np.exp(1j * k * np.sin(theta))
        da = 1j * k * np.cos(theta) * a
        d2a = (1j * k * np.cos(theta)) ** 2 * a - 1j * k * np.sin(theta) * a
        wc = self.combined_coupling
        return wc @ a, wc @ da, wc @ d2a

    @cached_property
    def combined_coupling(self) -> np.ndarray:
        """w_g^T C for every g, [G, N] complex (computed once per model)."""
        return self.combiners @ self.coupling

    def _delay(self, tau: float, order: int = 2):
        """D_g (b o x~) and its tau-derivatives up to ``order``, each [G, K]."""
        omega = -2j * np.pi * self.subcarrier_spacing * np.arange(self.num_subcarriers)
        u = np.exp(omega * tau) * self.pilots
        powers = omega ** np.arange(order + 1)[:, None]  # [order + 1, K]
        return tuple(self._distort(powers[:, None, :] * u))  # one FFT pair for all orders

    def mean(self, eta: np.ndarray) -> np.ndarray:
        """mu(eta), [G K] complex. [V]"""
        theta, tau, mag, phase = eta
        s, _, _ = self._steering(theta)
        (v,) = self._delay(tau, order=0)
        return (mag * np.exp(1j * phase) * s[:, None] * v).ravel()

    def _unit_gain_derivatives(self, theta: float, tau: float, order: int = 2):
        """mu~ (alpha = 1) [M], d mu~ [M, 2] and, for order 2, d2 mu~ [M, 2, 2] in (theta, tau)."""
        s, ds, d2s = self._steering(theta)
        v, dv, *higher = self._delay(tau, order)
        mu = (s[:, None] * v).ravel()
        first = np.stack([ds[:, None] * v, s[:, None] * dv], axis=-1).reshape(-1, 2)
        if order < 2:
            return mu, first, None
        second = np.empty((mu.size, 2, 2), complex)
        second[:, 0, 0] = (d2s[:, None] * v).ravel()
        second[:, 1, 1] = (s[:, None] * higher[0]).ravel()
        second[:, 0, 1] = second[:, 1, 0] = (ds[:, None] * dv).ravel()
        return mu, first, second

    def jacobian(self, eta: np.ndarray) -> np.ndarray:
        """d mu / d eta, [G K, 4] complex (Appendix B-A)."""
        theta, tau, mag, phase = eta
        alpha = mag * np.exp(1j * phase)
        mu, first, _ = self._unit_gain_derivatives(theta, tau, order=1)
        return gain_jacobian(alpha * mu, alpha * first, mag)

    def hessian(self, eta: np.ndarray) -> np.ndarray:
        """d2 mu / d eta_i d eta_j, [G K, 4, 4] complex (Appendix B-B)."""
        return self.derivatives(eta)[2]

    def derivatives(self, eta: np.ndarray):
        """(mu, d mu / d eta, d2 mu / d eta2) from one pass: [G K], [G K, 4], [G K, 4, 4]."""
        theta, tau, mag, phase = eta
        alpha = mag * np.exp(1j * phase)
        mu, first, second = self._unit_gain_derivatives(theta, tau)
        return (alpha * mu, *with_gain(alpha * mu, alpha * first, alpha * second, mag))

    # --- concentrated likelihood (the gain as a closed-form plug-in) ---------
    def unit_gain_mean(self, theta: float, tau: float) -> np.ndarray:
        """mu(theta, tau) for alpha = 1, [G K]."""
        return self.mean(np.array([theta, tau, 1.0, 0.0]))

    def correlation_grid(self, y: np.ndarray, thetas: np.ndarray, taus: np.ndarray) -> np.ndarray:
        """|mu~^H y|^2 / ||mu~||^2 on a (theta, tau) grid, [len(thetas), len(taus)].

        mu~ is the unit-gain mean. D_g is unitary, so mu~^H y = sum_g conj(s_g)
        sum_k conj(b_k x~_{g,k}) [D_g^H y_g]_k: a DFT-type sum over k for every
        tau (one matrix product) and a matrix product over g for every theta.
        The grid's phasor matrices depend on the grid and the array only, not on
        y: they are kept (:func:`_grid_phasors`) for the next call on the same
        grid, as a Monte Carlo loop makes many.
        """
        grid = _grid_phasors(self, thetas, taus)
        corr = np.empty((grid.steer_h.shape[0], grid.delay.shape[1]), complex)
        return self._correlate(y, grid, corr, np.empty(corr.shape))

    def grid_peak(self, y: np.ndarray, thetas: np.ndarray, taus: np.ndarray) -> tuple[float, float]:
        """(theta, tau) of the largest :meth:`correlation_grid` value. [rad], [s]

        The same surface, written into work arrays kept with the grid's phasors:
        a Monte Carlo loop that asked for a fresh surface each time spent more
        on the allocator's page faults than on the products.
        """
        grid = _grid_phasors(self, thetas, taus)
        surface = self._correlate(y, grid, grid.corr, grid.surface)
        i, j = np.unravel_index(np.argmax(surface), surface.shape)
        return float(np.asarray(thetas)[i]), float(np.asarray(taus)[j])

    def _correlate(self, y, grid, corr, out):
        y = y.reshape(self.pilots.shape)
        if self.time_diagonal is not None:  # D_g^H y_g = F conj(E Xi) F^H y_g
            y = np.fft.fft(np.conj(self.time_diagonal) * np.fft.ifft(y, axis=-1), axis=-1)
        z = np.conj(self.pilots) * y  # [G, K]
        np.matmul(grid.steer_h, z @ grid.delay, out=corr)  # [A, T]
        norm = (np.abs(grid.steer_h) ** 2) @ np.sum(np.abs(self.pilots) ** 2, axis=1)  # [A]
        np.square(corr.real, out=out)  # |corr|^2 / norm, in place: the grid is the hot array
        out += np.square(corr.imag, out=corr.imag)
        out /= norm[:, None]
        return out

    def concentrated_objective(self, y: np.ndarray, theta: float, tau: float):
        """f = |mu~^H y|^2 / ||mu~||^2 with its gradient [2] and Hessian [2, 2] over (theta, tau).

        The concentrated log-likelihood of eqs. (11), (13) up to constants. With
        a = mu~^H y, E = ||mu~||^2, N = |a|^2 and subscripts for derivatives,
        N_i = 2 Re(a* a_i), N_ij = 2 Re(a_i* a_j + a* a_ij), E_i = 2 Re(mu~^H mu~_i),
        E_ij = 2 Re(mu~_i^H mu~_j + mu~^H mu~_ij), and f = N / E differentiated
        by the quotient rule. Analytic, from the model's first and second
        derivatives (Appendix B).
        """
        mu, first, second = self._unit_gain_derivatives(theta, tau)
        y = np.ravel(y)
        a = np.vdot(mu, y)
        a_i = np.conj(first).T @ y  # [2]
        second = second.reshape(-1, 4)  # [M, (theta, tau) x (theta, tau)]
        a_ij = np.conj(np.conj(y) @ second).reshape(2, 2)  # sum_m conj(mu~_ij) y
        energy = np.vdot(mu, mu).real
        e_i = 2.0 * np.real(np.conj(first).T @ mu)
        e_ij = 2.0 * np.real(np.conj(first).T @ first + (np.conj(mu) @ second).reshape(2, 2))
        n = abs(a) ** 2
        n_i = 2.0 * np.real(np.conj(a) * a_i)
        n_ij = 2.0 * np.real(np.outer(np.conj(a_i), a_i) + np.conj(a) * a_ij)
        f = n / energy
        grad = (n_i * energy - n * e_i) / energy**2
        hess = (
            n_ij / energy
            - (np.outer(n_i, e_i) + np.outer(e_i, n_i)) / energy**2
            - n * e_ij / energy**2
            + 2.0 * n * np.outer(e_i, e_i) / energy**3
        )
        return float(f), grad, hess

    def gain_plug_in(self, y: np.ndarray, theta: float, tau: float) -> tuple[complex, float]:
        """Plug-in gain mu~^H y / ||mu~||^2 and the objective |mu~^H y|^2 / ||mu~||^2."""
        mu = self.unit_gain_mean(theta, tau)
        inner = np.vdot(mu, y)
        energy = np.vdot(mu, mu).real
        return inner / energy, float(np.abs(inner) ** 2 / energy)


_PHASOR_CACHE: dict = {}  # grid key -> _Grid; a few grids


@dataclass(frozen=True)
class _Grid:
    """A coarse grid's phasors and the work arrays of :meth:`OfdmLosModel.grid_peak`."""

    delay: np.ndarray  # exp(j 2 pi k Delta f tau), [K, T]
    steer_h: np.ndarray  # conj(w_g^T C a(theta))^T, [A, G]
    corr: np.ndarray  # [A, T] complex
    surface: np.ndarray  # [A, T] float


def _grid_phasors(model: OfdmLosModel, thetas: np.ndarray, taus: np.ndarray) -> _Grid:
    """The phasors of a coarse grid, kept by the bytes of everything they depend on (grid
    axes, spacing, array, combiners and coupling), so a changed model or grid never reuses
    them."""
    wc = model.combined_coupling  # [G, N]
    kk = 2 * np.pi * np.asarray(model.element_positions) / model.wavelength
    thetas, taus = np.asarray(thetas, dtype=float), np.asarray(taus, dtype=float)
    key = (model.subcarrier_spacing, model.num_subcarriers, taus.tobytes(), thetas.tobytes(),
           kk.tobytes(), wc.tobytes(), wc.shape)  # fmt: skip
    hit = _PHASOR_CACHE.get(key)
    if hit is None:
        if len(_PHASOR_CACHE) >= 8:
            _PHASOR_CACHE.clear()
        k = np.arange(model.num_subcarriers)
        delay = np.exp(2j * np.pi * model.subcarrier_spacing * np.outer(k, taus))
        steer = wc @ np.exp(1j * np.outer(kk, np.sin(thetas)))  # [G, A]
        shape = (thetas.size, taus.size)
        hit = _PHASOR_CACHE[key] = _Grid(
            delay, np.ascontiguousarray(np.conj(steer).T), np.empty(shape, complex), np.empty(shape)
        )
    return hit
