"""Phase-offset draws, Sec. II-A: seeded Monte Carlo checks of their laws."""

import numpy as np
import pytest

from hwiloc.impairments.phase_offsets import (
    draw_phase_offsets,
    frequency_phase_offsets,
    spatial_phase_offsets,
    uniform_half_width,
)
from hwiloc.streams import stream


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
    """Common random numbers: the same entropy at another sigma, the same draws scaled."""
    a = draw_phase_offsets([7, 2], "spatial", 8, 3, 0.1)
    b = draw_phase_offsets([7, 2], "spatial", 8, 3, 0.4)
    np.testing.assert_allclose(b, 4 * a)
    np.testing.assert_allclose(a, a[:, :1] * np.ones((1, 3)))  # one offset per antenna
    f = draw_phase_offsets([7, 1], "frequency", 8, 3, 0.1, mean=0.2)
    g = draw_phase_offsets([7, 1], "frequency", 8, 3, 0.4, mean=0.2)
    np.testing.assert_allclose(g - 0.2, 4 * (f - 0.2))


def test_each_offset_type_draws_from_its_own_named_stream():
    """Issue 17: phi^a_n from the stream "spatial_offset", phi^f_nk from "frequency_offset"
    (references drawn here from hwiloc.streams); the spatial offsets do not depend on K,
    and antenna n's is the same for every larger N."""
    sigma = 0.5
    delta = uniform_half_width(sigma)
    reference = stream([7, 2], "spatial_offset").uniform(-delta, delta, 16)
    for k in (1, 3, 100):
        phi = draw_phase_offsets([7, 2], "spatial", 16, k, sigma)
        np.testing.assert_array_equal(phi, np.repeat(reference[:, None], k, axis=1))
    fewer = draw_phase_offsets([7, 2], "spatial", 5, 3, sigma)
    np.testing.assert_array_equal(fewer[:, 0], reference[:5])
    z = stream([7, 2], "frequency_offset").standard_normal((16, 3))
    np.testing.assert_array_equal(draw_phase_offsets([7, 2], "frequency", 16, 3, sigma), sigma * z)
    # the two kinds of one entropy are not the same draw
    assert not np.allclose(draw_phase_offsets([7, 2], "frequency", 16, 1, sigma)[:, 0], reference)


def test_bad_offset_type_std_and_entropy():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="offset_type"):
        draw_phase_offsets(0, "thermal", 4, 4, 0.1)
    with pytest.raises(ValueError, match="std"):
        frequency_phase_offsets(rng, 4, 4, std=-0.1)
    with pytest.raises(ValueError, match="entropy must be a non-negative integer"):
        draw_phase_offsets(rng, "spatial", 4, 4, 0.1)  # a shared generator is refused
