"""Compiled kernels (hwiloc.kernels) against their numpy references, edges included (kind d)."""

import numpy as np
import pytest

from hwiloc import kernels
from hwiloc.ambiguity import SAF_BATCH, saf, saf_los, saf_los_numpy, saf_numpy
from hwiloc.geometry import ula_positions
from hwiloc.impairments.phase_offsets import draw_phase_offsets
from hwiloc.models.phase_offset import los_mean
from hwiloc.ofdm import OfdmGrid

TABLE1 = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
WIDE = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=4e6, num_subcarriers=100)  # 400 MHz
UE = np.array([-2.0, 1.0])


def test_cis_matches_sin_and_cos_to_the_rounding_of_its_argument():
    x = np.concatenate([np.linspace(-1e4, 1e4, 200_001), [0.0, -0.0, 1e-300, -1e-17, np.pi]])
    c, s = _cis_vector(x)
    bound = 4e-16 * (np.abs(x) + 2.0)  # the module docstring's bound
    assert np.all(np.abs(c - np.cos(x)) <= bound)
    assert np.all(np.abs(s - np.sin(x)) <= bound)


def test_sin_cos_matches_sin_and_cos_without_a_table():
    x = np.concatenate([np.linspace(-1e4, 1e4, 200_001), [0.0, -0.0, 1e-300, -1e-17, np.pi]])
    c, s = _table_free(kernels.sin_cos)(x)
    assert np.abs(c - np.cos(x)).max() <= 3e-16 and np.abs(s - np.sin(x)).max() <= 3e-16
    # full relative precision near zero and near the multiples of pi / 2
    small = np.array([1e-300, 3e-15, -2e-12, 5e-10, -1e-6, 1e-4, 6e-3, 0.7])
    near = np.concatenate([small, np.pi / 2 * np.arange(1, 40) + 1e-9])
    c, s = _table_free(kernels.sin_cos)(near)
    np.testing.assert_allclose(s, np.sin(near), rtol=1e-14)
    np.testing.assert_allclose(c[: len(small)], np.cos(small), rtol=1e-15)
    np.testing.assert_allclose(c, np.cos(near), rtol=1e-6)  # cos(m pi / 2 + 1e-9) ~ 1e-9


def test_sin_half_turn_keeps_full_relative_precision_near_every_multiple_of_pi():
    u = np.concatenate([[1e-300, 3e-15, -2e-12, 5e-10, -1e-6, 1e-4, 6e-3, 1.5, -1.6],
                        np.pi * np.arange(-30, 31), np.pi * np.arange(1, 30) + 1e-10,
                        np.linspace(-200.0, 200.0, 40_001)])  # fmt: skip
    s, sign = _table_free(kernels.sin_half_turn)(u)
    # atol: pi beyond its three parts, 2e-31 a half turn (the double nearest 29 pi is within
    # 1.2e-18 of it: a relative 4e-12 there)
    np.testing.assert_allclose(s, np.sin(u), rtol=1e-14, atol=1e-28)
    defined = np.abs(np.cos(u)) > 1e-9  # (-1)^q is the sign of cos u
    np.testing.assert_array_equal(sign[defined], np.sign(np.cos(u))[defined])


@pytest.mark.parametrize("grid", [TABLE1, WIDE], ids=["18MHz", "400MHz"])
@pytest.mark.parametrize("offset_type", ["none", "frequency", "spatial"])
def test_compiled_saf_equals_numpy_reference(grid, offset_type):
    ant = ula_positions(16, 0.07)
    # Edges: grid points on antennas (d = 0, the range table's first sample) and at the far
    # corner of the region (the last samples of the table).
    x = np.concatenate([ant[:4, 0], np.linspace(-6.0, 6.0, 61)])
    y = np.array([0.0, 0.013, 1.0, 3.3, 9.0])
    phi = draw_phase_offsets(4, offset_type, 16, grid.num_subcarriers, 0.8)
    csi = los_mean(UE, ant, grid, frequency_offsets=phi)
    reference = saf_numpy(csi, ant, grid, x, y)
    np.testing.assert_allclose(saf(csi, ant, grid, x, y), reference, rtol=1e-11,
                               atol=1e-12 * reference.max())  # fmt: skip
    # the same edges through the batch kernel (the images side by side)
    batch = saf(np.stack([csi * (1 + b) for b in range(SAF_BATCH)]), ant, grid, x, y)
    for b, image in enumerate(batch):
        np.testing.assert_allclose(image, (1 + b) ** 2 * reference, rtol=1e-11,
                                   atol=1e-12 * (1 + b) ** 2 * reference.max())  # fmt: skip


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_compiled_range_profiles_equal_the_matrix_product(dtype):
    rng = np.random.default_rng(3)
    csi = (rng.standard_normal((7, 13)) + 1j * rng.standard_normal((7, 13))).astype(dtype)
    phasor = np.exp(1j * rng.uniform(-40, 40, (13, 29)))
    re, im = kernels.range_profiles(csi.astype(complex), phasor, *np.full((2, 7, 29), np.nan))
    reference = csi.astype(complex) @ phasor  # numpy's BLAS: the reference
    np.testing.assert_allclose(re + 1j * im, reference, rtol=1e-13, atol=1e-13)


def test_compiled_saf_is_batched_over_leading_axes():
    ant = ula_positions(8, 0.07)
    x, y = np.linspace(-3, 0, 31), np.linspace(0.2, 2, 19)

    def draw(std, realization):
        phi = draw_phase_offsets([9, realization], "frequency", 8, 100, std)
        return los_mean(UE, ant, TABLE1, frequency_offsets=phi)

    csi = np.stack([[draw(s, r) for s in (0.1, 0.5, 1.0)] for r in range(2)])
    images = saf(csi, ant, TABLE1, x, y)
    assert images.shape == (2, 3, 19, 31)
    for i in range(2):
        for j in range(3):
            np.testing.assert_allclose(images[i, j], saf_numpy(csi[i, j], ant, TABLE1, x, y),
                                       rtol=1e-11, atol=1e-12 * images[i, j].max())  # fmt: skip


@pytest.mark.parametrize("grid", [TABLE1, WIDE], ids=["18MHz", "400MHz"])
def test_compiled_closed_form_equals_numpy_reference(grid):
    ant = ula_positions(16, 0.07)
    x = np.concatenate([ant[:4, 0], np.linspace(-6.0, 6.0, 61), [UE[0]]])
    y = np.array([0.0, 0.013, UE[1], 3.3, 9.0])
    phi_a = np.random.default_rng(5).uniform(-np.pi, np.pi, 16)
    reference = saf_los_numpy(UE, ant, grid, x, y, spatial_offsets=phi_a)
    np.testing.assert_allclose(saf_los(UE, ant, grid, x, y, spatial_offsets=phi_a), reference,
                               rtol=1e-10, atol=1e-12 * reference.max())  # fmt: skip


def test_compiled_closed_form_at_the_grating_distance_and_on_the_ue():
    # beta D / 2 = pi exactly for D = c / Delta f: the 0/0 limit K cos(u)^(K - 1) = +-K
    from hwiloc.constants import SPEED_OF_LIGHT

    grid = OfdmGrid(carrier_frequency=1e9, subcarrier_spacing=30e6, num_subcarriers=8)
    ant = np.array([[0.0, 0.0]])
    ue = np.array([0.0, 1.0])
    y = np.array([1.0, 1.0 + SPEED_OF_LIGHT / grid.subcarrier_spacing])
    x = np.array([0.0])
    np.testing.assert_allclose(saf_los(ue, ant, grid, x, y), saf_los_numpy(ue, ant, grid, x, y),
                               rtol=1e-12)  # fmt: skip
    assert saf_los(ue, ant, grid, x, y)[:, 0] == pytest.approx([64.0, 64.0], rel=1e-12)


# --- vectorised wrappers of the scalar device functions, for the tests above ----------------
def _vectorised(device):
    """A compiled loop applying the device function (x, table) -> (cos, sin) to an array."""
    import numba

    @numba.njit
    def run(x, table):
        c = np.empty_like(x)
        s = np.empty_like(x)
        for i in range(x.size):
            c[i], s[i] = device(x[i], table)
        return c, s

    return lambda x: run(x, kernels.cis_table())


def _cis_vector(x):
    return _vectorised(kernels.cis)(x)


def _table_free(device):
    """A compiled loop applying the device function x -> (a, b) to an array."""
    import numba

    @numba.njit
    def run(x):
        a = np.empty_like(x)
        b = np.empty_like(x)
        for i in range(x.size):
            a[i], b[i] = device(x[i])
        return a, b

    return run


# --- calibration: the LSE statistic of eq. (20) ---------------------------------------------
def _small_capture(tmp_path, dtype):
    from hwiloc.io.csi import Capture

    rng = np.random.default_rng(21)
    ant = ula_positions(8, 0.07)
    positions = np.array([-2.0, 1.0]) + 1e-3 * rng.standard_normal((37, 2))
    csi = (rng.standard_normal((37, 8, 100)) + 1j * rng.standard_normal((37, 8, 100))).astype(dtype)
    # the NetCDF reader hands out a strided view [L, N, K] of [N, K, L] data: test that layout too
    stored = np.ascontiguousarray(np.moveaxis(csi, 0, -1))
    return Capture("c", str(tmp_path / "c"), ant, TABLE1, positions,
                   lambda a, b: np.moveaxis(stored[:, :, a:b], -1, 0))  # fmt: skip


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_compiled_lse_statistic_equals_numpy_reference(tmp_path, dtype):
    from hwiloc.calibration import lse_statistic, lse_statistic_numpy

    capture = _small_capture(tmp_path, dtype)
    reference = lse_statistic_numpy(capture, 37, 10)
    np.testing.assert_allclose(lse_statistic(capture, 37, 10), reference, rtol=0,
                               atol=1e-12 * np.abs(reference).max())  # fmt: skip
    # a chunk of one symbol, and a chunk longer than the capture
    np.testing.assert_allclose(lse_statistic(capture, 37, 1), reference, rtol=0,
                               atol=1e-12 * np.abs(reference).max())  # fmt: skip
    np.testing.assert_allclose(lse_statistic(capture, 37, 500), reference, rtol=0,
                               atol=1e-12 * np.abs(reference).max())  # fmt: skip


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_compiled_lse_statistic_names_a_non_finite_sample(tmp_path, bad):
    from hwiloc.calibration import lse_statistic
    from hwiloc.io.csi import Capture, CaptureError

    good = _small_capture(tmp_path, np.complex64)
    data = np.stack([good.read(i, i + 1)[0] for i in range(37)])
    data[23, 5, 71] = bad
    capture = Capture("c", "capture.nc", good.antenna_positions, TABLE1, good.positions,
                      lambda a, b: data[a:b])  # fmt: skip
    with pytest.raises(CaptureError, match="capture.nc.*symbol 23, antenna 5, subcarrier 71"):
        lse_statistic(capture, 37, 10)

