"""
Bound your own model
====================

A model is its mean: a function of named, unit-carrying parameters returning the
noise-free complex observation. The engine (:mod:`hwiloc.bounds.generic`) gives
its CRB and, for an assumed model on the data of a true one, the pseudo-true
point, the MCRB and the LB. Here the derivatives are analytic (no JAX needed): a
tone of unknown delay and gain observed on K subcarriers, and an assumed model
that gets the subcarrier spacing 1 % wrong.
"""

import matplotlib.pyplot as plt
import numpy as np

from hwiloc.bounds.generic import crb, mcrb
from hwiloc.models.parametric import Model, Quantity

c = 3e8  # [m/s]
k = np.arange(32)


def make(spacing):  # eta = [delay tau [s], gain re [V], gain im [V]]
    w = 2 * np.pi * k * spacing

    def mean(eta):
        return (eta[1] + 1j * eta[2]) * np.exp(-1j * w * eta[0])

    def jacobian(eta):
        phase = np.exp(-1j * w * eta[0])
        return np.stack([-1j * w * (eta[1] + 1j * eta[2]) * phase, phase, 1j * phase], axis=1)

    def hessian(eta):
        phase = np.exp(-1j * w * eta[0])
        h = np.zeros((len(k), 3, 3), complex)
        h[:, 0, 0] = -(w**2) * (eta[1] + 1j * eta[2]) * phase
        h[:, 0, 1] = h[:, 1, 0] = -1j * w * phase
        h[:, 0, 2] = h[:, 2, 0] = w * phase
        return h

    return Model(mean, {"tau": "s", "re": "V", "im": "V"}, jacobian=jacobian, hessian=hessian,
                 quantities={"distance": Quantity(lambda e: c * e[0], "m",
                                                  jacobian=lambda e: np.array([[c, 0, 0]]))},
                 name=f"tone at {spacing / 1e6:g} MHz spacing")


true, assumed = make(1.0e6), make(1.01e6)
eta = np.array([20e-9, 1.0, 0.0])  # 6 m
snr_db = np.arange(-10, 41, 5)
crbs, lbs = [], []
for s in snr_db:
    noise = 10 ** (-s / 10)
    crbs.append(crb(true, eta, noise).rmse("distance"))
    lbs.append(mcrb(true, eta, assumed, noise, start=eta).rmse("distance"))
print("LB / CRB at 40 dB:", lbs[-1] / crbs[-1])

fig, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
ax.semilogy(snr_db, crbs, "k--", label="CRB (true model)")
ax.semilogy(snr_db, lbs, "C3", label="LB (1 % spacing error)")
ax.set_xlabel("SNR per subcarrier [dB]")
ax.set_ylabel("distance error bound [m]")
ax.legend()
