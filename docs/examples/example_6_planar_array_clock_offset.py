"""
A 3-D UE, a planar array, a clock offset and receiver IQ imbalance
==================================================================

A user's own model, impaired with the library's helper and bounded by the generic
engine: a 64-element planar array (:func:`hwiloc.geometry.upa_positions`) sees a
UE in 3-D through 32 subcarriers; the UE's clock is not synchronized, so its range
has an unknown offset; the receiver's IQ mixer is imbalanced
(:func:`hwiloc.bounds.impaired.impaired` applies it and returns the improper
noise it leaves). With the clock offset unknown the position bound grows from
26 mm to 0.86 m, and the engine says why: the Fisher information is
ill-conditioned, the clock offset and the range being barely told apart
(:class:`~hwiloc.bounds.fisher.IllConditionedWarning`, ``condition_number``).
"""

import warnings

import jax.numpy as jnp
import numpy as np

from hwiloc.bounds.generic import crb, mcrb
from hwiloc.bounds.impaired import impaired
from hwiloc.geometry import upa_positions
from hwiloc.impairments import iq_imbalance
from hwiloc.models.parametric import Model, Quantity

c, fc = 3e8, 28e9  # speed of light [m/s], carrier [Hz]
f = fc + 1e6 * jnp.arange(-16, 16)  # subcarriers [Hz]
antennas = jnp.asarray(upa_positions(8, 8, c / fc / 2, plane="xz"))  # facing +y [m]


def los(eta, clock=True):
    """eta = [x, y, z, (clock offset,) |gain|, phase]: the LoS channel [antenna, subcarrier]."""
    d = jnp.sqrt(jnp.sum((eta[:3] - antennas) ** 2, axis=1))  # [m]
    offset = eta[3] if clock else 0.0  # the clock's offset as a range [m]
    a, phase = eta[-2], eta[-1]
    return a * jnp.exp(1j * phase - 2j * jnp.pi * jnp.outer(d + offset, f) / c)


position = {"position": Quantity(lambda e: e[:3], "m")}
with_clock = Model(los, {"x": "m", "y": "m", "z": "m", "clock": "m", "gain": "V",
                         "phase": "rad"}, quantities=position, name="clock unknown")  # fmt: skip
synced = Model(lambda e: los(e, clock=False), {"x": "m", "y": "m", "z": "m", "gain": "V",
               "phase": "rad"}, quantities=position, name="clock known")  # fmt: skip

truth = np.array([0.5, 3.0, 0.2, 1.5, 1.0, 0.3])  # [m, m, m, m, V, rad]
noise_variance = 0.1  # [V^2] per sample
known = crb(synced, np.delete(truth, 3), noise_variance)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    unknown = crb(with_clock, truth, noise_variance)
print(f"clock known:   position bound {1e3 * known.rmse('position'):.2f} mm, "
      f"condition number {known.condition_number:.3g}")
print(f"clock unknown: position bound {1e3 * unknown.rmse('position'):.0f} mm, "
      f"condition number {unknown.condition_number:.3g}")
print("the engine warned:", caught[0].message if caught else "nothing")

# %%
# Receiver IQ imbalance on top: the true model (M1) and the improper noise it leaves,
# then CRB-M1 (the imbalance known) and the LB of the estimator that ignores it.
mu, nu = iq_imbalance.coefficients(-0.446, 0.05)  # amplitude [dB], phase [rad]
true_model, true_noise = impaired(synced, noise_variance, iq=(mu, nu))
eta = np.delete(truth, 3)
crb_m1 = crb(true_model, eta, noise=true_noise).rmse("position")
lb = mcrb(true_model, eta, synced, noise_variance, true_noise=true_noise, start=eta)
print(f"{true_model.name}: CRB-M1 {1e3 * crb_m1:.2f} mm, LB {1e3 * lb.rmse('position'):.2f} mm "
      f"(bias {1e3 * np.linalg.norm(lb.bias('position')):.2f} mm)")
