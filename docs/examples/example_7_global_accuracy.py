"""
Where an estimator leaves its bound: threshold of your own model
================================================================

The CRB is local: it describes an estimator that has found the main lobe of its
likelihood. Below a threshold SNR the estimator now and then takes a sidelobe, and its
error leaves the bound by orders of magnitude. :mod:`hwiloc.bounds.global_accuracy`
predicts where, for any model of the engine.

Here a user's own model: a sparse 6-element array (strong sidelobes) observing a source
at direction cosine u = sin(angle) with an unknown complex gain, in white noise (in u the
CRB is the same everywhere, so the ZZB's prior average of it is the CRB). Its CRB comes
from the engine (JAX derivatives); the method of interval errors (MIE) and the Ziv-Zakai
bound (ZZB) from the module; a seeded Monte Carlo of the grid maximum-likelihood estimator
checks both. The three thresholds print below (on this page: 9, 8 and 8 dB).
"""

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from hwiloc.bounds import global_accuracy as ga
from hwiloc.bounds.generic import crb
from hwiloc.models.parametric import Model, Quantity

positions = jnp.array([0.0, 1.0, 4.0, 10.0, 12.0, 17.0])  # element positions [half wavelengths]


def mean(eta):  # eta = [u, gain_re, gain_im]
    return (eta[1] + 1j * eta[2]) * jnp.exp(1j * jnp.pi * positions * eta[0])


model = Model(mean, {"u": "-", "gain_re": "V", "gain_im": "V"},
              quantities={"u": Quantity(lambda eta: eta[:1], "-")})
truth = np.array([0.35, 1.0, 0.0])  # [-, V, V]
snr_db = np.arange(-6.0, 16.1, 1.0)  # per element, unit gain over the noise variance [dB]
snr = 10 ** (snr_db / 10)

# %%
# The local bound: the CRB at every SNR (noise variance 1 / snr), from the engine.
local = np.array([crb(model, truth, 1 / s).rmse("u") ** 2 for s in snr])  # [-]

# %%
# The surface the estimator maximizes, ``|s(u)^H y|^2 / ||s(u)||^2`` on noise-free data, on
# a grid of u: its local maxima are the main lobe and the sidelobes.
u = np.linspace(-1.0, 1.0, 8001)  # the estimator's grid of u [-]
grid = np.stack([u, np.ones_like(u), np.zeros_like(u)], axis=1)
signals = np.asarray(jax.vmap(mean)(grid))  # [G, M], unit gain
data = np.asarray(mean(truth))
surface = np.abs(signals.conj() @ data) ** 2 / np.sum(np.abs(signals) ** 2, axis=1)
peaks = ga.local_maxima(surface)
main = int(np.argmin(np.abs(u - truth[0])))
rows = np.r_[main, peaks[peaks != main]]
mie = ga.interval_errors(signals[rows], data, u[rows, None], truth[:1], local, np.sqrt(snr))

# %%
# The ZZB with a uniform prior over u in [-0.9, 0.9] (short of the ends: u = +-1 is one
# direction to this array, an ambiguity the ZZB would see), and a Monte Carlo of the grid MLE.
zzb = ga.ziv_zakai(lambda t: np.asarray(jax.vmap(mean)(jnp.stack(
    [t, jnp.ones_like(t), jnp.zeros_like(t)], axis=1))), -0.9, 0.9, np.sqrt(snr))
rng = np.random.default_rng(1)
trials = 3000
mc = np.empty(snr.size)
for i, s in enumerate(snr):
    noise = (rng.standard_normal((trials, data.size))
             + 1j * rng.standard_normal((trials, data.size))) / np.sqrt(2)
    phase = np.exp(2j * np.pi * rng.random(trials))[:, None]  # the unknown gain's phase
    y = np.sqrt(s) * phase * data + noise
    estimate = u[np.argmax(np.abs(y @ signals.conj().T), axis=1)]
    mc[i] = np.mean((estimate - truth[0]) ** 2)

for name, mse in (("MIE", mie.mse), ("ZZB", zzb), ("Monte Carlo", mc)):
    print(f"{name:12s} threshold {ga.threshold(snr_db, mse, local):5.1f} dB "
          f"(MSE within 1 dB of the CRB from there on)")

# %%
# Against SNR: the local bound, the two global predictions and the Monte Carlo.
fig, ax = plt.subplots(figsize=(5.2, 3.6), layout="constrained")
ax.semilogy(snr_db, np.sqrt(local), "k-", label="CRB (local)")
ax.semilogy(snr_db, mie.rmse, "C0--", label="MIE (interval errors)")
ax.semilogy(snr_db, np.sqrt(zzb), "C2:", lw=2, label="ZZB (prior u in [-0.9, 0.9])")
ax.semilogy(snr_db, np.sqrt(mc), "C3o", mfc="none", label="grid MLE, Monte Carlo")
ax.set_xlabel("SNR per element [dB]")
ax.set_ylabel("RMSE of u = sin(angle) [-]")
ax.legend(fontsize=8)
plt.show()
