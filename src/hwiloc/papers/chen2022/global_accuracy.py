"""chen2022 Fig. 2 beyond the local bounds: the MLE's and the MMLE's RMSE predicted at every
power by the method of interval errors (:mod:`hwiloc.bounds.global_accuracy`).

Our check, not the paper's. At each power of Fig. 2, on the estimators' own coarse
(theta, tau) grid (:func:`~hwiloc.papers.chen2022.stages.coarse_grid`):

- the MLE (data M1, model M1): the local maxima of M1's concentrated objective on the
  noise-free data (eqs. (11), (13)), the main lobe at the truth, each sidelobe's
  probability with the data's mean, the main lobe's error CRB-M1 (eqs. (14)-(19));
- the MMLE (data M1, model M2): the same surface of M2 on M1's data, the main lobe at the
  pseudo-true point (eq. (23)) and its error the LB (eqs. (20)-(25), bias included).

Each power's position MSE is (1 - sum_k P_k) PEB^2 + sum_k P_k |p_k - p|^2 with the
position p of each maximum (eqs. (17)-(19)); its threshold, the lowest power from which the
predicted RMSE stays within :data:`~hwiloc.papers.chen2022.claims.THRESHOLD_FACTOR` of the
local bound, is the Monte Carlo's threshold's prediction.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hwiloc.bounds import global_accuracy as ga
from hwiloc.bounds.localization import position_from_channel
from hwiloc.papers.chen2022.claims import THRESHOLD_FACTOR
from hwiloc.papers.chen2022.stages import coarse_grid
from hwiloc.papers.chen2022.system import System, provenance

INDEPENDENT = False
"""The MIE's sidelobe probabilities as a union scaled to sum to 1 where it exceeds 1 (Chen's
``alg_threshold_region.m``), not Athley's independence correction: at low power every one
of the surface's maxima (784 on Fig. 2's grid) is about as likely, and the correction, which
weights them 1/2, 1/4, ... in decreasing level, would put the estimate on the few highest
ones instead of the whole grid (the no-information limit the Monte Carlo reaches). [-]"""
ESTIMATORS = {"mle": ("crb_m1", 0), "mmle": ("lb", 1)}  # local bound, model (M1, M2)


def _predict(model, data, anchor, thetas, taus, truth, local_mse, sigma,
             buffers=None) -> ga.IntervalErrors:  # fmt: skip
    """The MIE of one estimator at one power: its model's surface on the noise-free ``data``,
    the main lobe at ``anchor`` (theta, tau), the others its sidelobes. Two grid correlations
    give every inner product (:meth:`~hwiloc.models.ofdm_los.OfdmLosModel.grid_products`);
    the noise is white, of standard deviation ``sigma``. ``buffers``: (complex, float)
    arrays of the grid's shape, reused from call to call."""
    shape = (len(thetas), len(taus))
    corr, surface = buffers if buffers is not None else (np.empty(shape, complex),
                                                         np.empty(shape))  # fmt: skip
    seen, energy = model.grid_products(data, thetas, taus, out=corr)  # mu~^H m, ||mu~||^2
    norm = np.sqrt(energy)
    np.square(seen.real, out=surface)  # eq. (13)'s objective |mu~^H m|^2 / ||mu~||^2
    surface += np.square(seen.imag)
    surface /= energy[:, None]
    s0 = model.unit_gain_mean(*np.asarray(anchor)[:2])  # the main lobe, off the grid
    u0 = s0 / np.linalg.norm(s0)
    main = np.vdot(u0, data) / sigma  # u_0^H m, whitened
    # the maxima that can beat the main lobe (the others' probabilities are below 1e-20)
    reach = ga.within_reach(abs(main))
    peaks = ga.local_maxima(surface, above=(reach * sigma) ** 2 if reach > 0 else None)
    main_index = ga.grid_maximum_near(surface, (thetas, taus), np.asarray(anchor)[:2])
    i, j = np.unravel_index(peaks[peaks != main_index], surface.shape)  # the sidelobes
    cross = model.grid_products(u0, thetas, taus, at=(i, j))  # mu~_k^H u_0
    positions = position_from_channel(np.stack([thetas[i], taus[j]]))
    errors = np.sum((positions.T - truth) ** 2, axis=1)
    return ga.interval_errors_from_products(
        main, seen[i, j] / (norm[i] * sigma), np.conj(cross) / norm[i],
        errors, [local_mse], [1.0], independent=INDEPENDENT)


def predicted_dataset(system: System, hardware, bounds: xr.Dataset, mc_cfg: dict, cfg: dict):
    """Predicted RMSE of the MLE and the MMLE at each power of ``bounds`` (Fig. 2's), the
    sidelobes' total probability, and each estimator's predicted threshold power."""
    thetas, taus = coarse_grid(system, mc_cfg)
    powers = bounds["power"].values
    truth = position_from_channel(system.eta)
    sigma = np.sqrt(system.noise_variance)  # white noise [V]
    rmse = np.empty((len(ESTIMATORS), powers.size))
    probability = np.empty_like(rmse)
    pseudo_true = bounds["pseudo_true"].transpose("power", ...).values  # [P, parameters]
    peb = {bound: bounds["peb"].sel(bound=bound).values for bound, _ in ESTIMATORS.values()}
    buffers = (np.empty((len(thetas), len(taus)), complex), np.empty((len(thetas), len(taus))))
    for p_index, power in enumerate(powers):  # 11 powers; each MIE is vectorized
        models = system.models(hardware, float(power))
        data = models[0].mean(system.eta)
        for e, (bound, which) in enumerate(ESTIMATORS.values()):
            anchor = system.eta if which == 0 else pseudo_true[p_index]
            local = float(peb[bound][p_index]) ** 2
            mie = _predict(models[which], data, anchor, thetas, taus, truth, local, sigma, buffers)
            rmse[e, p_index] = mie.rmse[0]
            probability[e, p_index] = mie.probabilities.sum()
    local = np.stack([bounds["peb"].sel(bound=b).values for b, _ in ESTIMATORS.values()])
    ds = ga.prediction_dataset(rmse, local, probability, "power", powers, list(ESTIMATORS),
                               THRESHOLD_FACTOR, "the local bound: PEB of CRB-M1 (MLE), of the "
                               "LB (MMLE)")  # fmt: skip
    ds.attrs.update(independence_correction=int(INDEPENDENT))
    return provenance(ds, "chen2022 MLE and MMLE RMSE predicted by interval errors (Fig. 2)",
                      "global_accuracy", "eqs. (11)-(25); hwiloc.bounds.global_accuracy", cfg)
