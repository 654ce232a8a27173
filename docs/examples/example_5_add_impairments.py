"""
Add impairments to a model
==========================

An impairment changes the mean the receiver sees, the noise it sees, or both. Put
it in the true model (M1), keep the nominal model as the one the estimator assumes
(M2), and the generic engine gives CRB-M1 (the impairment known), CRB-M2 and the
LB of the estimator that ignores it (guide "Add impairments to a model"). Here
a 16-antenna array at 28 GHz gets per-antenna gain and phase errors
(:mod:`hwiloc.impairments.array_errors`), a receiver IQ imbalance that turns the
noise improper (:mod:`hwiloc.impairments.iq_imbalance`) and a 4-bit ADC by the
AQNM (:mod:`hwiloc.impairments.quantization`).
"""

import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from hwiloc.bounds.generic import crb, mcrb
from hwiloc.bounds.noise import GaussianNoise
from hwiloc.impairments import array_errors, iq_imbalance, quantization
from hwiloc.models.parametric import Model, Quantity

c, f = 3e8, 28e9 + 1e6 * jnp.arange(32)  # speed of light [m/s], subcarriers [Hz]
y_n = (jnp.arange(16) - 7.5) * c / 28e9 / 2  # ULA along the y axis [m]


def received(eta, response=1.0, mu=1.0, nu=0.0, adc_gain=1.0):
    """eta = [x, y, |gain|, phase]: the line-of-sight mean through the receiver's hardware."""
    d_n = jnp.sqrt(eta[0] ** 2 + (eta[1] - y_n) ** 2)
    x = eta[2] * jnp.exp(1j * eta[3] - 2j * jnp.pi * jnp.outer(d_n, f) / c)
    x = jnp.reshape(response, (-1, 1)) * x  # per-antenna gain and phase errors
    return adc_gain * (mu * x + nu * jnp.conj(x))  # IQ imbalance, then the ADC's gain (AQNM)


# %%
# Step 1: draw the impairments once (seeded) and state what they do to the noise.
errors = array_errors.draw_array_errors(2024, 16, gain_std_db=0.5, phase_std=0.05)
mu, nu = iq_imbalance.coefficients(-0.446, 0.05)  # amplitude [dB], phase [rad]
noise_variance, bits = 1e-2, 4  # [V^2], [bits]
covariance, pseudo = iq_imbalance.noise_statistics(noise_variance, mu, nu)  # improper noise
adc_gain, adc_variance = quantization.aqnm(1.0, covariance, bits)  # |x|^2 = 1 [V^2] per sample
print(f"image {iq_imbalance.image_ratio_db(mu, nu):.1f} dB, ADC gain {adc_gain:.4f}")

# %%
# Step 2: the true model M1 carries them; the nominal model M2 is the one the
# estimator assumes. Both give the quantity to bound, the position.
names = {"x": "m", "y": "m", "gain": "V", "phase": "rad"}
position = {"position": Quantity(lambda e: e[:2], "m")}
response = jnp.asarray(errors.response)
impaired = Model(
    lambda e: received(e, response, mu, nu, adc_gain),
    names,
    quantities=position,
    name="impaired (M1)",
)
nominal = Model(received, names, quantities=position, name="nominal (M2)")

# the noise at the ADC's output: the IQ imbalance's improper noise through the ADC's gain,
# plus the AQNM's distortion (counted as proper noise): aqnm gave the total covariance
true_noise = GaussianNoise.improper(adc_variance, adc_gain**2 * pseudo)

# %%
# Step 3: the bounds, and the LB of the estimator that assumes M2 and white noise.
truth = np.array([0.5, 0.3, 1.0, 0.0])  # [m, m, V, rad]
crb_m1 = crb(impaired, truth, noise=true_noise).rmse("position")
crb_m2 = crb(nominal, truth, noise_variance).rmse("position")
lb = mcrb(impaired, truth, nominal, noise_variance, true_noise=true_noise, start=truth)
print(
    f"CRB-M1 {1e3 * crb_m1:.2f} mm, CRB-M2 {1e3 * crb_m2:.2f} mm, "
    f"LB {1e3 * lb.rmse('position'):.2f} mm (bias {1e3 * np.hypot(*lb.bias('position')):.2f} mm)"
)

# %%
# The LB against the phase-error level: the bias of the estimator that ignores the
# array's errors grows with them, while CRB-M1 hardly moves.
levels = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2]  # phase error std [rad]
lbs, crbs = [], []
for level in levels:
    r = jnp.asarray(array_errors.draw_array_errors(2024, 16, phase_std=level).response)
    true = Model(lambda e, r=r: received(e, r), names, quantities=position)
    crbs.append(crb(true, truth, noise_variance).rmse("position"))
    lbs.append(mcrb(true, truth, nominal, noise_variance, start=truth).rmse("position"))
fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
ax.semilogy(levels, 1e3 * np.array(lbs), "o-", color="C3", label="LB (assumes no error)")
ax.semilogy(levels, 1e3 * np.array(crbs), "k--", label="CRB-M1 (errors known)")
ax.set_xlabel("array phase error std [rad]")
ax.set_ylabel("position error bound [mm]")
ax.legend()
