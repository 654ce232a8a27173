"""Coloured and improper noise in the generic engine (hwiloc.bounds.noise).

Analytic identities: white noise given as a vector or a matrix equals the
scalar path to 1e-12; the augmented Fisher information D_a^H C_a^-1 D_a,
formed directly, equals the engine's; for proper noise it equals
2 Re{D^H C^-1 D}; the whitening map leaves unit white noise; the MCRB with an
assumed and a true noise equals its real-domain formula written out. Seeded
Monte Carlo: the widely linear MLE under improper noise, and an estimator that
ignores the improperness, each against its bound.
"""

import numpy as np
import pytest

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402
from scipy.optimize import least_squares  # noqa: E402

from hwiloc.bounds import generic  # noqa: E402
from hwiloc.bounds.noise import GaussianNoise, NoiseError  # noqa: E402
from hwiloc.models.parametric import Model  # noqa: E402

M = 40
T = np.arange(M) / M  # sample times [s]
ETA = np.array([1.0, 7.0, 0.4])  # amplitude [V], angular frequency [rad/s], phase [rad]
UNITS = {"amplitude": "V", "frequency": "rad/s", "phase": "rad"}


def _tone(chirp: float = 0.0) -> Model:
    """a exp(j (w t + phi + chirp t^2)): the assumed model (chirp 0) and a mismatched truth."""
    t = jnp.asarray(T)
    return Model(lambda eta: eta[0] * jnp.exp(1j * (eta[1] * t + eta[2] + chirp * t**2)), UNITS)


def _random_noise(rng, kind: str, scale: float = 0.05) -> GaussianNoise:
    """A valid noise of the given structure, with strong improperness where it has any."""
    if kind == "diagonal":
        c = scale * (0.5 + rng.random(M))
        p = 0.8 * c * np.exp(2j * np.pi * rng.random(M))
        return GaussianNoise.improper(c, p)
    if kind == "dense_proper":
        a = rng.standard_normal((M, M)) + 1j * rng.standard_normal((M, M))
        return GaussianNoise.coloured(scale * (a @ a.conj().T / M + 0.2 * np.eye(M)))
    # dense improper: n = L z + K z* for white proper z: C = L L^H + K K^H, P = L K^T + K L^T
    lo = np.sqrt(scale / M) * (rng.standard_normal((M, M)) + 1j * rng.standard_normal((M, M)))
    ko = 0.4 * np.sqrt(scale / M) * (rng.standard_normal((M, M)) + 1j * rng.standard_normal((M, M)))
    return GaussianNoise.improper(lo @ lo.conj().T + ko @ ko.conj().T, lo @ ko.T + ko @ lo.T)


def _close(actual, desired, rtol):
    """Equal to ``rtol`` of the largest entry (exact zeros meet rounding there)."""
    desired = np.asarray(desired)
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=rtol * np.abs(desired).max())


def _real(d):
    return np.concatenate([d.real, d.imag])


def test_white_noise_as_a_vector_or_a_matrix_equals_the_scalar_path():
    model, truth, var = _tone(), _tone(0.8), 0.03
    reference = generic.crb(model, ETA, var)
    ref_lb = generic.mcrb(truth, ETA, model, var, assumed_true_parameter=ETA)
    for noise in (GaussianNoise.coloured(np.full(M, var)), GaussianNoise.coloured(var * np.eye(M)),
                  GaussianNoise.improper(np.full(M, var), np.zeros(M))):  # fmt: skip
        bound = generic.crb(model, ETA, noise=noise)
        _close(bound.fim, reference.fim, 1e-12)
        lb = generic.mcrb(truth, ETA, model, noise=noise, assumed_true_parameter=ETA)
        _close(lb.pseudo_true, ref_lb.pseudo_true, 1e-12)
        _close(lb.mcrb, ref_lb.mcrb, 1e-10)
        _close(lb.lower_bound, ref_lb.lower_bound, 1e-10)


@pytest.mark.parametrize("kind", ["diagonal", "dense_proper", "dense_improper"])
def test_the_engine_fim_is_the_augmented_fim_formed_directly(kind):
    rng = np.random.default_rng(21)
    noise = _random_noise(rng, kind)
    d = generic.jacobian_of(_tone(), ETA)
    d_aug = np.vstack([d, d.conj()])
    direct = np.real(d_aug.conj().T @ np.linalg.solve(noise.augmented_covariance(M), d_aug))
    engine = generic.crb(_tone(), ETA, noise=noise).fim
    _close(engine, direct, 1e-12)
    real = _real(d).T @ np.linalg.solve(noise.real_covariance(M), _real(d))  # real-domain FIM
    _close(engine, real, 1e-12)


def test_for_proper_noise_the_augmented_fim_is_2_re_dh_cinv_d():
    noise = _random_noise(np.random.default_rng(5), "dense_proper")
    d = generic.jacobian_of(_tone(), ETA)
    c = noise.covariance
    d_aug = np.vstack([d, d.conj()])
    augmented = np.real(d_aug.conj().T @ np.linalg.solve(noise.augmented_covariance(M), d_aug))
    _close(augmented, 2 * np.real(d.conj().T @ np.linalg.solve(c, d)), 1e-12)


@pytest.mark.parametrize("kind", ["diagonal", "dense_proper", "dense_improper"])
def test_whitening_leaves_unit_white_proper_noise(kind):
    noise = _random_noise(np.random.default_rng(8), kind)
    basis = np.vstack([np.eye(M), 1j * np.eye(M)]).T  # columns e_i and j e_i: Re and Im parts
    t = _real(noise.whiten(basis))  # the real 2M x 2M matrix of the map T
    np.testing.assert_allclose(t @ noise.real_covariance(M) @ t.T, np.eye(2 * M) / 2, atol=1e-12)


def test_mcrb_with_assumed_and_true_noise_equals_its_real_domain_formula():
    """A = -D_r^T R^-1 D_r + sum H_r R^-1 eps_r; B = G^T (R_t + eps eps^T) G, G = R^-1 D_r."""
    rng = np.random.default_rng(3)
    assumed_noise, true_noise = _random_noise(rng, "diagonal"), _random_noise(rng, "dense_improper")
    truth, model = _tone(1.5), _tone()
    lb = generic.mcrb(truth, ETA, model, noise=assumed_noise, true_noise=true_noise,
                      assumed_true_parameter=ETA)  # fmt: skip
    bar = lb.pseudo_true
    eps = generic.mean_of(truth, ETA) - generic.mean_of(model, bar)
    r_a, r_t = assumed_noise.real_covariance(M), true_noise.real_covariance(M)
    d, h = generic.jacobian_of(model, bar), generic.hessian_of(model, bar)
    g = np.linalg.solve(r_a, _real(d))
    weighted = np.linalg.solve(r_a, _real(eps))
    np.testing.assert_allclose(_real(d).T @ weighted, 0, atol=1e-9 * np.abs(g).max())  # stationary
    a = -_real(d).T @ g + np.einsum("mij,m->ij", np.concatenate([h.real, h.imag]), weighted)
    s = _real(d).T @ weighted
    b = g.T @ r_t @ g + np.outer(s, s)
    _close(lb.a, a, 1e-9)
    _close(lb.b, b, 1e-9)
    _close(lb.mcrb, np.linalg.inv(a) @ b @ np.linalg.inv(a), 1e-8)
    # without true_noise the data carry the assumed noise: B's noise term is the FIM
    same = generic.mcrb(truth, ETA, model, noise=assumed_noise, assumed_true_parameter=ETA)
    _close(same.b, _real(d).T @ g + np.outer(s, s), 1e-9)


def _draw(noise: GaussianNoise, rng, trials: int) -> np.ndarray:
    """[trials, M] noise with exactly ``noise``'s statistics (real Cholesky factor)."""
    factor = np.linalg.cholesky(noise.real_covariance(M))
    w = factor @ rng.standard_normal((2 * M, trials))
    return (w[:M] + 1j * w[M:]).T


def _fit(y: np.ndarray, noise: GaussianNoise, start: np.ndarray) -> np.ndarray:
    """ML estimate of the tone under ``noise``: least squares on the whitened residual (the
    widely linear MLE when the noise is improper), with the tone's analytic Jacobian."""
    def tone(eta):
        return eta[0] * np.exp(1j * (eta[1] * T + eta[2]))

    def residual(eta):
        e = noise.whiten(y - tone(eta))
        return np.concatenate([e.real, e.imag])

    def jacobian(eta):
        mu = tone(eta)
        d = -noise.whiten(np.stack([mu / eta[0], 1j * T * mu, 1j * mu], axis=1))
        return np.concatenate([d.real, d.imag])

    return least_squares(residual, start, jac=jacobian, method="lm", xtol=1e-12, ftol=1e-12).x


def test_monte_carlo_of_the_widely_linear_mle_and_of_one_that_ignores_improperness():
    """2000 seeded trials; a sample covariance's standard error is sqrt(2 / 2000) = 3 %: the
    diagonal must agree within 12 % (4 standard errors), the mean with eta_bar within 4 of its
    standard errors."""
    rng = np.random.default_rng(2022)
    c = 0.02 * (0.5 + rng.random(M))
    noise = GaussianNoise.improper(c, 0.9 * c * np.exp(1j * 0.7))  # strongly improper
    proper = GaussianNoise.coloured(c)  # the same covariance, improperness ignored
    truth, model = _tone(0.6), _tone()
    trials = 2000
    y = generic.mean_of(truth, ETA) + _draw(noise, rng, trials)

    for assumed in (noise, proper):
        lb = generic.mcrb(truth, ETA, model, noise=assumed, true_noise=noise,
                          assumed_true_parameter=ETA)  # fmt: skip
        estimates = np.array([_fit(row, assumed, lb.pseudo_true) for row in y])
        spread = np.diag(np.cov(estimates.T))
        np.testing.assert_allclose(spread, np.diag(lb.mcrb), rtol=0.12)
        se = np.sqrt(np.diag(lb.mcrb) / trials)
        assert np.all(np.abs(estimates.mean(axis=0) - lb.pseudo_true) < 4 * se)
        if assumed is noise:
            widely = np.diag(lb.mcrb)
    # the widely linear estimator uses the improperness: clearly below the proper one's bound
    ignoring = generic.mcrb(truth, ETA, model, noise=proper, true_noise=noise,
                            assumed_true_parameter=ETA)  # fmt: skip
    assert np.all(widely < 0.8 * np.diag(ignoring.mcrb))
    assert np.all(generic.crb(model, ETA, noise=noise).covariance.diagonal()
                  < generic.crb(model, ETA, noise=proper).covariance.diagonal())  # fmt: skip


def test_bad_noise_is_refused_with_what_is_expected():
    with pytest.raises(NoiseError, match=r"\|P_mm\| must be < C_mm"):
        GaussianNoise.improper(np.ones(3), np.array([0.5, 1.0, 0.2]))
    with pytest.raises(NoiseError, match="variances must be > 0"):
        GaussianNoise.coloured(np.array([1.0, 0.0]))
    with pytest.raises(NoiseError, match="not Hermitian"):
        GaussianNoise.coloured(np.array([[1.0, 0.5], [0.2, 1.0]]))
    with pytest.raises(NoiseError, match="NaN or infinite"):
        GaussianNoise.coloured(np.array([1.0, np.nan]))
    with pytest.raises(NoiseError, match="for 3 observations, but model .* has 40"):
        generic.crb(_tone(), ETA, noise=GaussianNoise.coloured(np.ones(3)))
    with pytest.raises(NoiseError, match="not positive definite"):
        generic.crb(_tone(), ETA, noise=GaussianNoise.coloured(np.diag(np.r_[np.ones(39), -1.0])))
    with pytest.raises(ValueError, match="not both"):
        generic.crb(_tone(), ETA, 1.0, noise=GaussianNoise.white(1.0))
