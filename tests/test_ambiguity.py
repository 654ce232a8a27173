"""SAF (eq. (14)) kernels against the direct reference, and PMSR (eq. (18))."""

import numpy as np
import pytest

from hwiloc.ambiguity import pmsr_db, pmsr_db_regions, saf, saf_direct, saf_los, sensed_location
from hwiloc.geometry import ula_positions
from hwiloc.impairments.phase_offsets import draw_phase_offsets
from hwiloc.models.phase_offset import los_mean
from hwiloc.ofdm import OfdmGrid

TABLE1 = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
WIDE = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=4e6, num_subcarriers=100)  # 400 MHz
UE = np.array([-2.0, 1.0])


@pytest.fixture(scope="module")
def axes():
    return np.arange(-3.0, -0.99, 0.05), np.arange(0.3, 1.81, 0.05)


@pytest.mark.parametrize("grid", [TABLE1, WIDE], ids=["18MHz", "400MHz"])
@pytest.mark.parametrize("offset_type", ["none", "frequency", "spatial"])
def test_fast_saf_equals_direct(axes, grid, offset_type):
    x, y = axes
    ant = ula_positions(16, 0.07)
    phi = draw_phase_offsets(3, offset_type, 16, grid.num_subcarriers, 0.8)
    csi = los_mean(UE, ant, grid, frequency_offsets=phi)
    direct = saf_direct(csi, ant, grid, x, y)
    fast = saf(csi, ant, grid, x, y)
    # Linear interpolation of the range profile: error <= (2 pi / 256)^2 / 8 of the peak.
    np.testing.assert_allclose(fast, direct, rtol=0, atol=2e-4 * direct.max())


@pytest.mark.parametrize("grid", [TABLE1, WIDE], ids=["18MHz", "400MHz"])
def test_closed_form_saf_equals_direct(axes, grid):
    x, y = axes
    ant = ula_positions(16, 0.07)
    phi_a = np.random.default_rng(5).uniform(-1, 1, 16)
    csi = los_mean(UE, ant, grid, spatial_offsets=phi_a)
    np.testing.assert_allclose(
        saf_los(UE, ant, grid, x, y, spatial_offsets=phi_a),
        saf_direct(csi, ant, grid, x, y),
        rtol=1e-9,
        atol=1e-9 * len(ant) ** 2 * grid.num_subcarriers**2,
    )


def test_ideal_saf_peaks_at_the_ue_with_full_coherent_gain(axes):
    x, y = axes
    ant = ula_positions(64, 0.07)
    image = saf(los_mean(UE, ant, TABLE1), ant, TABLE1, x, y)
    assert sensed_location(image, x, y) == pytest.approx((-2.0, 1.0), abs=1e-9)
    # |sum of N K ones|^2, up to twice the interpolation bound (2 pi / 256)^2 / 8 (a power)
    assert image.max() == pytest.approx((64 * 100) ** 2, rel=2 * (2 * np.pi / 256) ** 2 / 8)


def test_pmsr_of_a_known_image():
    x = np.arange(0.0, 10.0, 1.0)
    y = np.arange(0.0, 5.0, 1.0)
    image = np.full((5, 10), 2.0)
    image[2, 3] = 200.0  # peak at (3, 2)
    image[2, 4] = 150.0  # inside the 1.5 m main lobe
    image[0, 0] = 1e6**0  # a low sidelobe does not move the median
    # sidelobes: median 2 -> power ratio 100 -> 20 dB (amplitude form), 40 dB literal
    assert pmsr_db(image, x, y, 1.5, form="amplitude") == pytest.approx(20.0)
    assert pmsr_db(image, x, y, 1.5) == pytest.approx(40.0)


def test_pmsr_literal_is_twice_the_amplitude_form(axes):
    x, y = axes
    ant = ula_positions(32, 0.07)
    image = saf(los_mean(UE, ant, TABLE1), ant, TABLE1, x, y)
    # exactly: the Fig. 7 shards take the literal form as twice the amplitude form
    for radius in (0.05, 0.25, 1.0):
        assert pmsr_db(image, x, y, radius) == 2 * pmsr_db(image, x, y, radius, form="amplitude")


def test_pmsr_refuses_a_main_lobe_covering_everything():
    x = y = np.arange(3.0)
    with pytest.raises(ValueError, match="main_lobe_radius"):
        pmsr_db(np.ones((3, 3)), x, y, 100.0)


@pytest.mark.parametrize("offset_type", ["none", "frequency", "spatial"])
def test_pmsr_over_regions_equals_the_direct_pmsr_of_each_crop(offset_type):
    """The histogram kernel against pmsr_db on each crop (its own peak), every radius."""
    x, y = np.arange(-4.0, 0.01, 0.04), np.arange(0.2, 2.41, 0.04)
    ant = ula_positions(32, 0.0428)
    phi = draw_phase_offsets(11, offset_type, 32, TABLE1.num_subcarriers, 0.8)
    image = saf(los_mean(UE, ant, TABLE1, frequency_offsets=phi), ant, TABLE1, x, y)
    boxes = [{"x_min": -2.0 - h, "x_max": -2.0 + h, "y_min": 1.0 - v, "y_max": 1.0 + v}
             for h, v in ((0.3, 0.2), (0.8, 0.5), (2.0, 1.2))]  # fmt: skip
    radii = np.array([0.05, 0.1, 0.25, 0.5, 0.9, 2.0])
    resolution = 0.002
    fast = pmsr_db_regions(image, x, y, boxes, radii, form="amplitude", resolution_db=resolution)
    for b, box in enumerate(boxes):
        kx = (x >= box["x_min"] - 1e-9) & (x <= box["x_max"] + 1e-9)
        ky = (y >= box["y_min"] - 1e-9) & (y <= box["y_max"] + 1e-9)
        crop, xs, ys = image[np.ix_(ky, kx)], x[kx], y[ky]
        for j, r in enumerate(radii):
            try:
                direct = pmsr_db(crop, xs, ys, r, form="amplitude")
            except ValueError:  # Omega covers the crop: no sidelobe left
                assert np.isnan(fast[b, j]), (box, r)
                continue
            assert fast[b, j] == pytest.approx(direct, abs=resolution / 2), (box, r)
    literal = pmsr_db_regions(image, x, y, boxes, radii, resolution_db=resolution)
    np.testing.assert_allclose(literal, 2 * fast, equal_nan=True)
    assert np.isnan(fast[0, -1]) and np.isfinite(fast[-1, -1])  # 2 m covers the small box only
    with pytest.raises(ValueError, match="increasing"):
        pmsr_db_regions(image, x, y, boxes, radii[::-1])


def test_saf_refuses_csi_of_the_wrong_shape_or_with_nan(axes):
    x, y = axes
    ant = ula_positions(4, 0.07)
    with pytest.raises(ValueError, match=r"\[..., 4, 100\]"):
        saf(np.ones((4, 99), complex), ant, TABLE1, x, y)
    bad = np.ones((4, 100), complex)
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        saf(bad, ant, TABLE1, x, y)


def test_closed_form_at_the_grating_distance():
    # D_n = c / Delta f makes beta D_n / 2 = pi: the Dirichlet ratio's 0/0 limit.
    grid = OfdmGrid(carrier_frequency=1e9, subcarrier_spacing=1e8, num_subcarriers=4)
    ant = np.array([[0.0, 0.0]])
    ue = np.array([0.0, 1.0])
    y = np.array([1.0, 1.0 + 2.99792458, 1.0 + 2 * 2.99792458])  # D = 0, c/df, 2 c/df
    x = np.array([0.0])
    csi = los_mean(ue, ant, grid)
    np.testing.assert_allclose(
        saf_los(ue, ant, grid, x, y), saf_direct(csi, ant, grid, x, y), rtol=1e-9
    )
