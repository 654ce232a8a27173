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

from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar

import numpy as np

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.models.gain import canonical_gain, gain_jacobian, with_gain
from hwiloc.models.quantity import Quantity


def _channel_map(name: str, eta: np.ndarray, c: float, jacobian: bool):
    """Values [B, Q] or, with ``jacobian``, Jacobians [B, Q, P] of one quantity of eta [B, P]
    (:func:`channel_maps`)."""
    theta, tau = eta[:, 0], eta[:, 1]
    if not jacobian:
        if name == "angle":
            return np.degrees(theta)[:, None]
        if name == "distance":
            return (c * tau)[:, None]
        return c * tau[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1)
    first_two = {  # d q / d (theta, tau); eq. (19) for the position
        "angle": [[np.full_like(theta, 180 / np.pi), np.zeros_like(theta)]],
        "distance": [[np.zeros_like(theta), np.full_like(theta, c)]],
        "position": [[-c * tau * np.sin(theta), c * np.cos(theta)],
                     [c * tau * np.cos(theta), c * np.sin(theta)]],
    }[name]  # fmt: skip
    out = np.zeros((eta.shape[0], len(first_two), eta.shape[1]))
    out[:, :, :2] = np.moveaxis(np.asarray(first_two, dtype=float), -1, 0)
    return out


CHANNEL_UNITS = {"angle": "deg", "distance": "m", "position": "m"}
"""The units of the channel quantities of eqs. (16)-(19)."""


def channel_maps(eta: np.ndarray, speed_of_light: float = SPEED_OF_LIGHT) -> dict:
    """Angle [deg], distance c tau [m] and position [m] of many eta at once, eqs. (16)-(19).

    ``eta`` is [B, P] with theta and tau first; returns {name: (values [B, Q],
    Jacobians [B, Q, P])}: the maps of :func:`channel_quantities`, vectorized over the
    cases (:mod:`hwiloc.bounds.batch`; a point at a time, :func:`channel_quantities`
    keeps its scalar form, 7x faster per call, and the tests hold the two equal).
    """
    eta = np.asarray(eta, dtype=float)
    c = float(speed_of_light)
    return {name: (_channel_map(name, eta, c, False), _channel_map(name, eta, c, True))
            for name in CHANNEL_UNITS}  # fmt: skip


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


@dataclass(frozen=True, kw_only=True)
class _Waveform:
    """What every model of eq. (1)'s form holds besides its combiners and coupling: the
    pilots, the distortion, the array and the subcarrier grid (a batch's arrays with a
    leading case axis)."""

    pilots: np.ndarray
    time_diagonal: np.ndarray | None
    element_positions: np.ndarray
    wavelength: float
    subcarrier_spacing: float
    speed_of_light: float = SPEED_OF_LIGHT


@dataclass(frozen=True, kw_only=True)
class OfdmLosModel(_Waveform):
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

    def grid_products(self, y: np.ndarray, thetas: np.ndarray, taus: np.ndarray, at=None,
                      out: np.ndarray | None = None):  # fmt: skip
        """The complex values behind :meth:`correlation_grid`: (mu~^H y [len(thetas),
        len(taus)] complex, ||mu~||^2 [len(thetas)]) of the unit-gain mean at every grid point
        (its energy does not depend on tau); with ``at`` = (theta indices [L], tau indices
        [L]), mu~^H y at those grid points only, [L]. ``out``: a complex [len(thetas),
        len(taus)] array to write mu~^H y into (a loop that reuses one spares the page
        faults of a fresh one). [V^2], [V^2]"""
        grid = _grid_phasors(self, thetas, taus)
        if at is not None:
            i, j = at
            return np.sum(grid.steer_h[i] * self._delay_products(y, grid)[:, j].T, axis=1)
        shape = (grid.steer_h.shape[0], grid.delay.shape[1])
        if out is None:
            out = np.empty(shape, complex)
        elif out.shape != shape or out.dtype != complex:
            raise ValueError(f"out must be complex of shape {shape}, got {out.dtype} {out.shape}")
        return self._inner(y, grid, out), self._energy(grid)

    def _delay_products(self, y, grid):
        """sum_k conj(b_k x~_{g,k}) [D_g^H y_g]_k for every g and grid tau, [G, T]."""
        y = y.reshape(self.pilots.shape)
        if self.time_diagonal is not None:  # D_g^H y_g = F conj(E Xi) F^H y_g
            y = np.fft.fft(np.conj(self.time_diagonal) * np.fft.ifft(y, axis=-1), axis=-1)
        return (np.conj(self.pilots) * y) @ grid.delay

    def _inner(self, y, grid, corr):
        """mu~^H y on the grid, written into ``corr``."""
        return np.matmul(grid.steer_h, self._delay_products(y, grid), out=corr)  # [A, T]

    def _energy(self, grid):
        """||mu~||^2 at every angle of the grid, [A]."""
        return (np.abs(grid.steer_h) ** 2) @ np.sum(np.abs(self.pilots) ** 2, axis=1)

    def _correlate(self, y, grid, corr, out):
        self._inner(y, grid, corr)
        norm = self._energy(grid)  # [A]
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


@dataclass(frozen=True, kw_only=True)
class OfdmLosBatch(_Waveform):
    """B models of :class:`OfdmLosModel`'s form, stacked, evaluated at B points at once.

    The cases share the array, the wavelength, the subcarrier spacing and the sizes
    (G, K, N); each has its own w_g^T C, pilots and distortion (a hardware draw at a
    transmit power). :mod:`hwiloc.bounds.batch` computes their bounds together, with no
    Python loop over cases, transmissions, subcarriers or antennas.

    Attributes
    ----------
    combined_coupling : [B, G, N], complex
        w_g^T C of each case (:attr:`OfdmLosModel.combined_coupling`).
    pilots : [B, G, K], complex
        x~_{g,k} of each case. [V]
    time_diagonal : [B, G, K], complex or None
        Diagonal of E_g Xi_g of each case (None: D_g = I for all).
    element_positions : [N], float
        [m]
    wavelength : float
        [m]
    subcarrier_spacing : float
        [Hz]
    speed_of_light : float
        c of the distance and position maps. [m/s]
    """

    combined_coupling: np.ndarray
    parameter_names: ClassVar[tuple[str, ...]] = OfdmLosModel.parameter_names

    @classmethod
    def stack(cls, models) -> OfdmLosBatch:
        """The batch of the :class:`OfdmLosModel` ``models`` (same array, spacing, sizes)."""
        first = models[0]
        diagonals = [m.time_diagonal for m in models]
        if any(d is None for d in diagonals):
            diagonals = [np.ones(m.pilots.shape, complex) if d is None else d
                         for m, d in zip(models, diagonals, strict=True)]  # fmt: skip
        return cls(
            combined_coupling=np.stack([m.combined_coupling for m in models]),
            pilots=np.stack([m.pilots for m in models]),
            time_diagonal=None if all(m.time_diagonal is None for m in models)
            else np.stack(diagonals),
            element_positions=first.element_positions, wavelength=first.wavelength,
            subcarrier_spacing=first.subcarrier_spacing, speed_of_light=first.speed_of_light,
        )  # fmt: skip

    def __len__(self) -> int:
        return self.pilots.shape[0]

    def take(self, index) -> OfdmLosBatch:
        """The cases ``index`` (an index array or a boolean mask) as a batch."""
        diagonal = None if self.time_diagonal is None else self.time_diagonal[index]
        return replace(self, combined_coupling=self.combined_coupling[index],
                       pilots=self.pilots[index], time_diagonal=diagonal)  # fmt: skip

    def quantity_maps(self, name: str, eta: np.ndarray):
        """(values [B, Q], Jacobians [B, Q, 4]) of quantity ``name`` at the cases' eta [B, 4]
        (:func:`channel_maps`)."""
        eta = np.asarray(eta, dtype=float)
        c = float(self.speed_of_light)
        return _channel_map(name, eta, c, False), _channel_map(name, eta, c, True)

    def _factors(self, theta: np.ndarray, tau: np.ndarray, order: int):
        """The mean's factors of each case at its theta [B], tau [B]: s_g and its theta-
        derivatives [B, G, 3] (s, ds, d2s), and D_g (b(tau) o x~_g) with its tau-derivatives
        up to ``order``, [B, G, order + 1, K]. mu~ = s v_0 (alpha = 1), eqs. (1), (8), (9)."""
        k = 2 * np.pi * np.asarray(self.element_positions) / self.wavelength  # [N]
        phase = 1j * k * np.cos(theta)[:, None]  # d/dtheta of j k sin(theta), [B, N]
        a = np.exp(1j * k * np.sin(theta)[:, None])
        steering = np.stack([a, phase * a, phase**2 * a - 1j * k * np.sin(theta)[:, None] * a],
                            axis=-1)  # [B, N, 3]: a, da, d2a  # fmt: skip
        s = self.combined_coupling @ steering  # [B, G, 3]
        omega = -2j * np.pi * self.subcarrier_spacing * np.arange(self.pilots.shape[-1])  # [K]
        u = np.exp(omega * tau[:, None])[:, None, :] * self.pilots  # [B, G, K]
        v = (omega ** np.arange(order + 1)[:, None]) * u[:, :, None, :]  # [B, G, O, K]
        if self.time_diagonal is not None:  # D_g: one FFT pair for all orders
            v = np.fft.fft(self.time_diagonal[:, :, None] * np.fft.ifft(v, axis=-1), axis=-1)
        return s, v

    @staticmethod
    def _jacobian_factors(s: np.ndarray, eta: np.ndarray) -> np.ndarray:
        """c [B, 4, G] with d mu / d eta_i = c_i,g v_{o_i} (o = :data:`JACOBIAN_ORDERS`):
        alpha ds, alpha s, e^{j phi} s, j alpha s (Appendix B-A)."""
        unit = np.exp(1j * eta[:, 3])[:, None]
        alpha = eta[:, 2][:, None] * unit
        s0, s1 = s[..., 0], s[..., 1]
        return np.stack([alpha * s1, alpha * s0, unit * s0, 1j * alpha * s0], axis=1)

    JACOBIAN_ORDERS: ClassVar[tuple[int, ...]] = (0, 1, 0, 0)
    """The tau-derivative order of v each column of d mu / d eta carries."""

    def _gram(self, c: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Re{D^H D} [B, 4, 4] from the factors: sum_g conj(c_i) c_j <v_{o_i}, v_{o_j}>_g."""
        inner = np.conj(v[:, :, :2]) @ np.swapaxes(v[:, :, :2], -1, -2)  # [B, G, 2, 2]
        o = list(self.JACOBIAN_ORDERS)
        inner = inner[:, :, o][:, :, :, o]  # [B, G, 4, 4]
        return np.real(np.einsum("big,bjg,bgij->bij", np.conj(c), c, inner))

    def mean(self, eta: np.ndarray) -> np.ndarray:
        """mu(eta) of each case, [B, M] complex. [V]"""
        s, v = self._factors(eta[:, 0], eta[:, 1], 0)
        alpha = eta[:, 2] * np.exp(1j * eta[:, 3])
        return (alpha[:, None, None] * s[..., 0, None] * v[:, :, 0]).reshape(len(eta), -1)

    def unit_gain_mean(self, theta: np.ndarray, tau: np.ndarray) -> np.ndarray:
        """mu(theta, tau) for alpha = 1 of each case, [B, M]."""
        theta, tau = np.asarray(theta, float), np.asarray(tau, float)
        return self.mean(np.stack([theta, tau, np.ones_like(theta), np.zeros_like(theta)], 1))

    def gram(self, eta: np.ndarray) -> np.ndarray:
        """Re{D^H D} of each case at its eta [B, 4], D = d mu / d eta: [B, 4, 4] (the FIM
        times sigma^2 / 2, eq. (14))."""
        s, v = self._factors(eta[:, 0], eta[:, 1], 1)
        return self._gram(self._jacobian_factors(s, eta), v)

    def sums(self, y: np.ndarray, eta: np.ndarray) -> tuple:
        """What the bounds engine's Newton step and eqs. (24), (25) are made of, for the data
        y [B, M] at eta [B, 4]: (eps = y - mu [B, M], ||eps||^2 [B], Re{D^H D} [B, 4, 4],
        Re{sum_m conj(H_m) eps_m} [B, 4, 4], Re{D^H eps} [B, 4], ||mu|| [B]).

        From the factors alone, no [M, 4, 4] Hessian: every derivative of mu is a
        coefficient per transmission times one of v_0, v_1, v_2 (Appendix B), so each sum
        over the observations is a sum over g of <v_o, eps_g> (eq. numbers as
        :meth:`OfdmLosModel.derivatives`; tests hold them to the generic engine's sums).
        """
        b = len(eta)
        s, v = self._factors(eta[:, 0], eta[:, 1], 2)
        mag = eta[:, 2]
        alpha = mag * np.exp(1j * eta[:, 3])
        mu = alpha[:, None, None] * s[..., 0, None] * v[:, :, 0]  # [B, G, K]
        eps = y.reshape(mu.shape) - mu
        w = (v @ np.conj(eps)[..., None])[..., 0]  # sum_k v_o conj(eps), [B, G, 3]
        c = self._jacobian_factors(s, eta)
        f = np.einsum("big,bgi->bi", c, w[:, :, list(self.JACOBIAN_ORDERS)])  # D_i^T conj(eps)
        term = np.empty((b, 4, 4))
        second = alpha[:, None] * np.einsum("bgx,bgx->bx", s[..., [2, 1, 0]], w)  # 00, 01, 11
        term[:, 0, 0], term[:, 0, 1], term[:, 1, 1] = np.real(second).T
        term[:, 1, 0] = term[:, 0, 1]
        term[:, :, 2] = np.real(f) / mag[:, None]  # d/d|alpha| of d mu / d eta_i
        term[:, :, 3] = -np.imag(f)  # d/dphi of d mu / d eta_i: Re{j f_i}
        term[:, 2, 2] = 0.0  # mu is linear in |alpha|
        term[:, 2, :2], term[:, 3, :2] = term[:, :2, 2], term[:, :2, 3]
        term[:, 3, 2] = term[:, 2, 3]
        mu, eps = mu.reshape(b, -1), eps.reshape(b, -1)
        return (eps, np.sum(np.abs(eps) ** 2, axis=1), self._gram(c, v), term, np.real(f),
                np.linalg.norm(mu, axis=1))  # fmt: skip

    def canonical(self, eta: np.ndarray) -> np.ndarray:
        """Each case's eta with |alpha| >= 0 and angle(alpha) in (-pi, pi]."""
        return canonical_gain(eta, 2)


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
