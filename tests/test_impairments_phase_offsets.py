"""Phase-offset draws, Sec. II-A: seeded Monte Carlo checks of their laws."""

import numpy as np
import pytest

from hwiloc.impairments.phase_offsets import (
    draw_phase_offsets,
    frequency_phase_offsets,
    spatial_phase_offsets,
    uniform_half_width,
)


def test_frequency_offsets_are_gaussian_with_the_given_moments():
    rng = np.random.default_rng(1)
    phi = frequency_phase_offsets(rng, 64, 100, std=0.5, mean=0.2)
    assert phi.shape == (64, 100)
    # 6400 samples: standard errors 0.5/80 = 0.006 (mean) and ~0.0044 (std)
    assert abs(phi.mean() - 0.2) < 4 * 0.5 / 80
    assert abs(phi.std() - 0.5) < 4 * 0.5 / np.sqrt(2 * 6400)


def test_spatial_offsets_are_uniform_with_the_given_std():
    rng = np.random.default_rng(2)
    phi = spatial_phase_offsets(rng, 20000, std=np.pi / 4)
    delta = uniform_half_width(np.pi / 4)
    assert delta == pytest.approx(np.sqrt(3) * np.pi / 4)
    assert phi.min() >= -delta and phi.max() <= delta
    assert abs(phi.std() - np.pi / 4) < 0.01


def test_same_seed_scales_the_same_draws():
    a = draw_phase_offsets(np.random.default_rng([7, 2]), "spatial", 8, 3, 0.1)
    b = draw_phase_offsets(np.random.default_rng([7, 2]), "spatial", 8, 3, 0.4)
    np.testing.assert_allclose(b, 4 * a)
    np.testing.assert_allclose(a, a[:, :1] * np.ones((1, 3)))  # one offset per antenna


def test_bad_offset_type_and_std():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="offset_type"):
        draw_phase_offsets(rng, "thermal", 4, 4, 0.1)
    with pytest.raises(ValueError, match="std"):
        frequency_phase_offsets(rng, 4, 4, std=-0.1)
