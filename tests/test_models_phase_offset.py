"""Phase-offset model, eqs. (1)-(2), and its derivatives, eqs. (8)-(10)."""

import numpy as np
import pytest

from hwiloc.models.phase_offset import (
    antenna_amplitudes,
    los_mean,
    los_mean_phase_jacobian,
    los_mean_position_jacobian,
)


def test_position_jacobian_matches_finite_differences(small_system):
    grid, ant, p = small_system
    alpha = np.linspace(0.5, 1.5, len(ant))
    phi = np.random.default_rng(0).normal(size=(len(ant), grid.num_subcarriers))
    mean = los_mean(p, ant, grid, alpha, frequency_offsets=phi)
    jac = los_mean_position_jacobian(p, ant, grid, mean)
    h = 1e-7
    for i, e in enumerate(np.eye(2)):
        fd = (
            los_mean(p + h * e, ant, grid, alpha, frequency_offsets=phi)
            - los_mean(p - h * e, ant, grid, alpha, frequency_offsets=phi)
        ) / (2 * h)
        np.testing.assert_allclose(jac[..., i], fd, rtol=1e-6, atol=1e-6 * np.abs(fd).max())


def test_phase_jacobian_matches_finite_differences(small_system):
    grid, ant, p = small_system
    phi = np.zeros(len(ant))
    h = 1e-7
    fd = (
        los_mean(p, ant, grid, spatial_offsets=phi + h)
        - los_mean(p, ant, grid, spatial_offsets=phi - h)
    ) / (2 * h)
    np.testing.assert_allclose(los_mean_phase_jacobian(los_mean(p, ant, grid)), fd, atol=1e-7)


def test_offsets_only_rotate_the_phase(small_system):
    grid, ant, p = small_system
    phi_a = np.array([0.1, -0.2, 0.3, 0.0, 1.0])
    ideal = los_mean(p, ant, grid)
    shifted = los_mean(p, ant, grid, spatial_offsets=phi_a)
    np.testing.assert_allclose(np.abs(shifted), np.abs(ideal))
    np.testing.assert_allclose(shifted / ideal, np.exp(1j * phi_a)[:, None] * np.ones_like(ideal))


def test_amplitudes_constant_and_free_space(small_system):
    grid, ant, p = small_system
    const = antenna_amplitudes(p, ant, 10.0)
    np.testing.assert_allclose(const**2, 10.0)
    fs = antenna_amplitudes(p, ant, 10.0, amplitude_model="free_space")
    d = np.linalg.norm(p - ant, axis=1)
    np.testing.assert_allclose(fs * d, fs[0] * d[0])  # 1/d law
    with pytest.raises(ValueError, match="amplitude_model"):
        antenna_amplitudes(p, ant, 10.0, amplitude_model="rician")


def test_nan_offsets_are_refused(small_system):
    grid, ant, p = small_system
    with pytest.raises(ValueError, match="spatial_offsets"):
        los_mean(p, ant, grid, spatial_offsets=np.array([0, np.nan, 0, 0, 0]))
