"""The generic engine checks what a user's model gives it: values, shapes, rank, the start."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hwiloc.bounds import generic
from hwiloc.bounds.fisher import UnobservableError
from hwiloc.bounds.generic import ModelError
from hwiloc.models.parametric import Model, Quantity

RNG = np.random.default_rng(5)
A = RNG.standard_normal((12, 3)) + 1j * RNG.standard_normal((12, 3))
ETA = np.array([0.3, -1.2, 2.0])


def linear(mean=None, jacobian=None, quantities=None, **kw):
    """mu = A eta, analytic Jacobian A (no JAX): the model each case spoils one part of."""
    return Model(
        mean or (lambda eta: A @ eta), {"a": "1", "b": "1", "c": "1"},
        jacobian=jacobian or (lambda eta: A),
        quantities=quantities or {"ab": Quantity(lambda eta: eta[:2], "1",
                                                 jacobian=lambda eta: np.eye(3)[:2])},
        name="linear", **kw,
    )  # fmt: skip


def test_a_good_model_gives_the_closed_form_bound():
    bound = generic.crb(linear(), ETA, 0.5)
    np.testing.assert_allclose(bound.fim, (2 / 0.5) * np.real(A.conj().T @ A), rtol=1e-12)
    assert bound.quantity_covariance("ab").shape == (2, 2)


@pytest.mark.parametrize(
    "model, message",
    [
        (linear(mean=lambda eta: np.where(np.arange(12) == 4, np.nan, A @ eta)),
         r"linear: mean\(eta\) has 1 NaN and 0 infinite entries .* \(first at index \(4,\)\)"),
        (linear(mean=lambda eta: np.where(np.arange(12) == 2, np.inf, A @ eta)),
         r"mean\(eta\) has 0 NaN and 1 infinite entries"),
        (linear(jacobian=lambda eta: A[:6]),
         r"jacobian\(eta\) has shape \(6, 3\) .* expected \(12, 3\)"),
        (linear(jacobian=lambda eta: A.T), r"has shape \(3, 12\) .* \(transposed\?\)"),
        (linear(jacobian=lambda eta: np.where(np.eye(12, 3) > 0, np.inf, A)),
         r"jacobian\(eta\) has 0 NaN and 3 infinite entries"),
    ],
    ids=["NaN mean", "inf mean", "half the rows", "transposed", "infinite derivative"],
)  # fmt: skip
def test_each_bad_mean_or_jacobian_gets_its_own_message(model, message):
    with pytest.raises(ModelError, match=message):
        generic.crb(model, ETA, 1.0)


def test_rank_deficiency_is_unobservability_not_a_bad_value():
    rank2 = A.copy()
    rank2[:, 2] = rank2[:, 0]
    with pytest.raises(UnobservableError, match="unobservable"):
        generic.crb(linear(jacobian=lambda eta: rank2), ETA, 1.0)


@pytest.mark.parametrize(
    "quantity, message",
    [
        (Quantity(lambda eta: eta[:2], "1", jacobian=lambda eta: np.eye(3)), r"shape \(3, 3\)"),
        (Quantity(lambda eta: eta[:2], "1", jacobian=lambda eta: np.eye(3)[:2].T),
         r"\(transposed\?\)"),
        (Quantity(lambda eta: np.array([np.nan, 1.0]), "1", jacobian=lambda eta: np.eye(3)[:2]),
         r"quantity 'ab' has 1 NaN"),
    ],
    ids=["jacobian rows", "jacobian transposed", "NaN quantity"],
)  # fmt: skip
def test_quantity_maps_and_their_jacobians_are_checked(quantity, message):
    bound = generic.crb(linear(quantities={"ab": quantity}), ETA, 1.0)
    with pytest.raises(ModelError, match=message):
        bound.rmse("ab")


def test_mcrb_refuses_an_assumed_model_of_other_observations_and_names_it():
    short = Model(lambda eta: (A @ eta)[:8], {"a": "1", "b": "1", "c": "1"},
                  jacobian=lambda eta: A[:8], name="short")  # fmt: skip
    with pytest.raises(ModelError, match="model short: its mean has 8 entries .* the data .* 12"):
        generic.mcrb(linear(), ETA, short, 1.0, start=ETA)
    nan = linear(mean=lambda eta: A @ eta * np.nan)
    with pytest.raises(ModelError, match="model linear: mean"):
        generic.mcrb(linear(), ETA, nan, 1.0, start=ETA)


def test_mcrb_reports_a_far_local_minimum_and_an_inadmissible_point():
    """mu_2(r) = exp(j k r) of a range r: from a start half a turn off, the search stops at a
    point whose residual is most of the data (a local minimum of a periodic cost)."""
    k = 2 * np.pi * np.arange(1, 9)
    parts = dict(
        mean=lambda eta: np.exp(1j * k * eta[0]), parameters={"r": "m"},
        jacobian=lambda eta: (1j * k * np.exp(1j * k * eta[0]))[:, None],
        hessian=lambda eta: (-(k**2) * np.exp(1j * k * eta[0]))[:, None, None],
    )  # fmt: skip
    true = Model(**parts)
    assumed = Model(**parts, admissible=lambda eta: eta[0] > 0.2, name="range")
    near = generic.mcrb(true, [0.25], assumed, 1.0, start=[0.26])
    assert near.diagnostics == () and near.solution.residual_fraction < 1e-6
    with pytest.warns(RuntimeWarning) as caught:
        far = generic.mcrb(true, [0.25], assumed, 1.0, start=[0.02])
    text = " ".join(far.diagnostics)
    assert "of the data's norm" in text and "outside model range's admissible region" in text
    assert len(caught) >= 2 and far.solution.residual_fraction > 0.9


@settings(max_examples=60, deadline=None)
@given(
    m=st.integers(2, 30),
    p=st.integers(1, 5),
    cut=st.integers(1, 29),
    seed=st.integers(0, 2**16),
)
def test_property_a_jacobian_of_any_other_row_count_is_refused(m, p, cut, seed):
    rng = np.random.default_rng(seed)
    d = rng.standard_normal((m, p)) + 1j * rng.standard_normal((m, p))
    rows = cut % m or 1
    if rows == m:
        rows = m - 1
    model = Model(lambda eta: d @ eta, {f"e{i}": "1" for i in range(p)},
                  jacobian=lambda eta: d[:rows])  # fmt: skip
    with pytest.raises(ModelError, match=rf"has shape \({rows}, {p}\) .* expected \({m}, {p}\)"):
        generic.crb(model, np.ones(p), 1.0)


@settings(max_examples=60, deadline=None)
@given(m=st.integers(1, 40), index=st.integers(0, 39), kind=st.sampled_from(["nan", "inf"]))
def test_property_any_non_finite_mean_entry_is_named_by_its_index(m, index, kind):
    index = index % m
    bad = np.nan if kind == "nan" else -np.inf

    def mean(eta):
        mu = np.ones(m, complex) * eta[0]
        mu[index] = bad
        return mu

    model = Model(mean, {"g": "V"}, jacobian=lambda eta: np.ones((m, 1)))
    counts = "1 NaN and 0 infinite" if kind == "nan" else "0 NaN and 1 infinite"
    with pytest.raises(ModelError, match=rf"{counts} entries .* \(first at index \({index},\)\)"):
        generic.crb(model, [1.0], 1.0)


@settings(max_examples=40, deadline=None)
@given(m=st.integers(3, 30), p=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_property_a_well_formed_model_passes_and_matches_the_direct_fim(m, p, seed):
    rng = np.random.default_rng(seed)
    d = rng.standard_normal((m, p)) + 1j * rng.standard_normal((m, p))
    model = Model(lambda eta: d @ eta, {f"e{i}": "1" for i in range(p)}, jacobian=lambda eta: d)
    bound = generic.crb(model, rng.standard_normal(p), 2.0)
    np.testing.assert_allclose(bound.fim, np.real(d.conj().T @ d), rtol=1e-10)


# --- library edge cases ----------------------------------------------------------------------
def test_the_frequency_crlb_keeps_growing_with_sigma_as_its_closed_form():
    """sqrt(1 + 2 SNR sigma^2) x the offset-free CRLB (eq. (11) with one offset per sample):
    at sigma = 1e13 rad rounding used to floor J_eff and the bound stopped at 1.8e12 m."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from bad_inputs import _crlb

    sigma = np.array([np.pi, 1e6, 1e13, 1e15])
    ideal = _crlb(offset_type="none", offset_std=0.0)
    rmse = _crlb(offset_std=sigma)
    np.testing.assert_allclose(rmse, ideal * np.sqrt(1 + 2 * sigma**2), rtol=1e-9)


def test_saf_on_an_empty_grid_and_pmsr_of_a_zero_image_are_clear_errors():
    from hwiloc.ambiguity import pmsr_db, pmsr_db_regions, saf
    from hwiloc.geometry import ula_positions
    from hwiloc.ofdm import OfdmGrid

    grid = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=4)
    with pytest.raises(ValueError, match="the grid is empty: x has 0 and y 3 point"):
        saf(np.ones((4, 4), complex), ula_positions(4, 0.04), grid, np.array([]),
            np.arange(3.0))  # fmt: skip
    x, y = np.linspace(-1, 1, 41), np.linspace(0.1, 2, 39)
    with pytest.raises(ValueError, match="image is zero everywhere"):
        pmsr_db(np.zeros((39, 41)), x, y, 0.2)
    with pytest.raises(ValueError, match="image is zero everywhere"):
        pmsr_db_regions(np.zeros((39, 41)), x, y, [dict(x_min=-1, x_max=1, y_min=0, y_max=2)],
                        [0.2])  # fmt: skip


def test_pmsr_is_scale_free_down_to_a_tiny_image():
    from hwiloc.ambiguity import pmsr_db, pmsr_db_regions

    x, y = np.linspace(-1, 1, 41), np.linspace(0.1, 2, 39)
    xx, yy = np.meshgrid(x, y)
    image = np.sinc(4 * np.hypot(xx - 0.2, yy - 1.0)) ** 2 + 1e-3
    box = [dict(x_min=-1, x_max=1, y_min=0, y_max=2)]
    for form in ("literal", "amplitude"):
        value = pmsr_db(image, x, y, 0.3, form=form)
        assert np.isfinite(value) and value > 10
        assert pmsr_db(image * 1e-300, x, y, 0.3, form=form) == pytest.approx(value, abs=1e-9)
        tiny = pmsr_db_regions(image * 1e-300, x, y, box, [0.3], form=form)[0, 0]
        assert tiny == pytest.approx(pmsr_db_regions(image, x, y, box, [0.3], form=form)[0, 0],
                                     abs=1e-9)  # fmt: skip


# --- the engine at the edges: range, conditioning, complex parameters, JAX updates ---------
def test_extreme_noise_gives_the_exact_bound_or_a_range_error_never_unobservable():
    """Noise of 1e-300 and 1e300 give the bound the closed form scales to (they were called
    unobservable, or passed numpy's raw 'Eigenvalues did not converge' through, when the
    scale-free test overflowed); a FIM that leaves float64's range is a FisherRangeError
    saying what to rescale, not unobservability."""
    from hwiloc.bounds.fisher import FisherRangeError

    unit = generic.crb(linear(), ETA, 1.0).covariance
    for variance in (1e-300, 1e300):
        bound = generic.crb(linear(), ETA, variance)
        np.testing.assert_allclose(bound.covariance, unit * variance, rtol=1e-9)
    with pytest.raises(FisherRangeError, match="overflowed .* rescale"):
        generic.crb(linear(), ETA, 1e-310)  # 2 / sigma^2 is inf
    with pytest.raises(FisherRangeError, match="underflowed .* rescale"):
        generic.crb(linear(), ETA, 1e306)
    assert not issubclass(FisherRangeError, UnobservableError)
    with pytest.raises(UnobservableError):  # a truly singular FIM still says unobservable
        generic.crb(linear(mean=lambda eta: A[:, :1] @ eta[:1] + 0 * eta[1:].sum(),
                           jacobian=lambda eta: np.column_stack([A[:, 0], 0 * A[:, :2]])),
                    ETA, 0.5)  # fmt: skip


def test_a_near_singular_fim_is_reported_and_warned():
    """Two columns of D almost equal (a clock offset beside a range): the bound is finite
    but rounding; its condition number is in the result and warned above the threshold."""
    from hwiloc.bounds.fisher import CONDITION_WARNING, IllConditionedWarning

    near = A.copy()  # the third column 1e-5 away from the second, out of the plane of the two
    near[:, 2] = near[:, 1] + 1e-5 * np.random.default_rng(1).standard_normal(12)
    model = linear(mean=lambda eta: near @ eta, jacobian=lambda eta: near)
    with pytest.warns(IllConditionedWarning, match="condition number .* > 1e\\+10"):
        bound = generic.crb(model, ETA, 0.5)
    assert bound.condition_number > CONDITION_WARNING
    good = generic.crb(linear(), ETA, 0.5)
    assert 1 <= good.condition_number < 100


def test_complex_parameters_are_refused_not_truncated():
    with pytest.raises(ModelError, match=r"parameter has complex values .* expected real"):
        generic.crb(linear(), ETA + 0.5j, 0.5)
    real_anyway = generic.crb(linear(), ETA + 0j, 0.5)  # zero imaginary parts: the real part
    np.testing.assert_array_equal(real_anyway.parameter, ETA)


def test_a_model_may_update_its_parameters_the_jax_way():
    """``eta.at[i].set(v)``: a JAX array's functional update, which a numpy array lacks."""
    import jax.numpy as jnp

    def mean(eta):
        shifted = eta.at[0].set(eta[0] + 1.0)  # JAX only
        return jnp.asarray(A) @ shifted

    model = Model(mean, {"a": "1", "b": "1", "c": "1"}, name="functional")
    bound = generic.crb(model, ETA, 0.5)
    np.testing.assert_allclose(bound.fim, (2 / 0.5) * np.real(A.conj().T @ A), rtol=1e-10)
    np.testing.assert_allclose(generic.mean_of(model, ETA), A @ (ETA + [1.0, 0, 0]), rtol=1e-12)


def test_a_bound_writes_the_pipelines_self_describing_netcdf(tmp_path):
    """CramerRao.to_dataset and Misspecified.to_dataset: units on every variable, the
    conventions' global attributes, and the values of the result, read back."""
    from hwiloc.io.netcdf import missing_units, read_dataset, write_dataset

    bound = generic.crb(linear(), ETA, 0.5)
    path = write_dataset(bound.to_dataset(config={"noise_variance": 0.5}), tmp_path / "crb.nc")
    back = read_dataset(path)
    assert not missing_units(back) and back.attrs["study"] == "user model"
    np.testing.assert_allclose(back["crb"].values, bound.covariance, rtol=1e-15)
    assert list(back["parameter"].values) == ["a", "b", "c"]
    assert float(back["rmse_ab"]) == pytest.approx(bound.rmse("ab"))
    assert "hwiloc.bounds.generic" in back.attrs["references"]
    true = linear()
    assumed = linear(mean=lambda eta: A @ eta * 1.01, jacobian=lambda eta: A * 1.01)
    mis = generic.mcrb(true, ETA, assumed, 0.5, start=ETA / 1.01, assumed_true_parameter=ETA)
    back = read_dataset(write_dataset(mis.to_dataset(), tmp_path / "mcrb.nc"))
    assert not missing_units(back)
    np.testing.assert_allclose(back["mcrb"].values, mis.mcrb, rtol=1e-15)
    assert float(back["lb_rmse_ab"]) == pytest.approx(mis.rmse("ab"))
    assert back.attrs["diagnostics"]
