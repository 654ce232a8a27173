"""Geometry and OFDM grid: Table I values and analytic identities."""

import numpy as np
import pytest

from hwiloc.constants import SPEED_OF_LIGHT
from hwiloc.geometry import distances, ula_positions, unit_vectors
from hwiloc.ofdm import OfdmGrid


def test_ula_is_centred_with_the_given_spacing():
    pos = ula_positions(64, 0.07)
    assert pos.shape == (64, 2)
    np.testing.assert_allclose(pos[:, 0].mean(), 0.0, atol=1e-15)
    np.testing.assert_allclose(np.diff(pos[:, 0]), 0.07)
    np.testing.assert_array_equal(pos[:, 1], 0.0)
    np.testing.assert_allclose(pos[-1, 0] - pos[0, 0], 63 * 0.07)


def test_unit_vectors_are_the_gradient_of_distance():
    ant = ula_positions(4, 0.5)
    p = np.array([-2.0, 1.0])
    h = 1e-6
    grad = np.stack(
        [(distances(p + h * e, ant) - distances(p - h * e, ant)) / (2 * h) for e in np.eye(2)], -1
    )
    np.testing.assert_allclose(unit_vectors(p, ant), grad, rtol=1e-8)


def test_table1_grid():
    grid = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
    assert grid.bandwidth == pytest.approx(18e6)  # Table I: BW 18 MHz
    assert grid.frequencies[0] == pytest.approx(3.5e9 + 180e3)  # k = 1 in eq. (1)
    assert grid.range_resolution == pytest.approx(SPEED_OF_LIGHT / 18e6)  # 16.67 m, Sec. I
    assert grid.range_resolution == pytest.approx(16.66, abs=0.01)
    assert grid.wavelength > 2 * 0.035  # 0.07 m spacing exceeds lambda/2: grating lobes


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"carrier_frequency": -1.0, "subcarrier_spacing": 1.0, "num_subcarriers": 4}, "carrier"),
        ({"carrier_frequency": 1.0, "subcarrier_spacing": 1.0, "num_subcarriers": 0}, "num_sub"),
        (
            {"carrier_frequency": 1.0, "subcarrier_spacing": float("nan"), "num_subcarriers": 2},
            "spacing",
        ),
    ],
)
def test_grid_refuses_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        OfdmGrid(**kwargs)


def test_ula_refuses_bad_values():
    with pytest.raises(ValueError, match="num_antennas"):
        ula_positions(-4, 0.07)
    with pytest.raises(ValueError, match="spacing"):
        ula_positions(4, 0.0)


def test_a_planar_array_is_centred_evenly_spaced_and_in_its_plane():
    from hwiloc.geometry import ula_positions, upa_positions

    upa = upa_positions(4, 8, (0.05, 0.07))
    assert upa.shape == (32, 3)
    np.testing.assert_allclose(upa.mean(axis=0), 0.0, atol=1e-15)  # centred
    np.testing.assert_array_equal(upa[:, 1], 0.0)  # in the xz plane
    np.testing.assert_allclose(np.unique(np.diff(np.unique(upa[:, 0]))), 0.05)
    np.testing.assert_allclose(np.unique(np.diff(np.unique(upa[:, 2]))), 0.07)
    np.testing.assert_allclose(upa[:8, [0, 1]], ula_positions(8, 0.05))  # a row is a ULA
    assert upa_positions(2, 3, 0.1, plane="xy")[:, 2].tolist() == [0.0] * 6
    with pytest.raises(ValueError, match="plane must be one of"):
        upa_positions(2, 2, 0.1, plane="zz")
