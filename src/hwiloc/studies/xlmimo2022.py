"""Chen et al. (GLOBECOM 2022): near-field truth vs far-field model of an XL-MIMO array.

Reference [3]: H. Chen et al., "Channel Model Mismatch Analysis for XL-MIMO
Systems from a Localization Perspective", IEEE GLOBECOM 2022. The authors'
code (``chenhui07c8/Radio_Localization``, ``3-XLMIMO_Model_Mismatch_Analysis/
matlab_code``, ``Fig_1_Estimator.m`` and the ``default_*``/``update_*`` files)
states the scenario; this study is built only from the generic bounds engine
(:mod:`hwiloc.bounds.generic`) and the model definition
(:mod:`hwiloc.models.xlmimo`): the proof that a user's own model fits.

Bounds vs transmit power (their Fig. 1): the CRB of the far-field (FF) model
(angle and position), the CRB of the near-field (NF) model (position) and the
LB of the FF estimator on NF data (MCRB at the pseudo-true point plus the
squared bias). The mean scales as sqrt(P) and nothing else depends on P, so
one pair of models at P = 1 mW serves every power with the noise variance
sigma^2 / P (identical bounds; the derivatives compile once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from hwiloc.bounds import generic
from hwiloc.io.netcdf import finalize
from hwiloc.models.xlmimo import XlMimoArray, far_field_model, near_field_model

STUDY = "xlmimo2022"
REFERENCE = (
    "H. Chen et al., Channel Model Mismatch Analysis for XL-MIMO Systems from a Localization "
    "Perspective, IEEE GLOBECOM 2022; authors' code chenhui07c8/Radio_Localization "
    "(3-XLMIMO_Model_Mismatch_Analysis)"
)
BOUNDS_COLUMNS = ("power_dbm", "aeb_crb_ff_deg", "peb_crb_ff_m", "peb_crb_nf_m", "peb_lb_m")
EFFECTS = ("spatial_non_stationarity", "spherical_wavefront", "beam_squint")


@dataclass(frozen=True, kw_only=True)
class Scenario:
    """The authors' default scenario (values from config, each documented there)."""

    array: XlMimoArray
    ue_position: tuple[float, float]
    gain_phase: float
    boltzmann_constant: float
    temperature: float
    noise_figure_db: float
    effects: tuple[tuple[str, bool], ...]

    @classmethod
    def from_config(cls, cfg: dict) -> Scenario:
        s = cfg["system"]
        return cls(
            array=XlMimoArray(
                carrier_frequency=float(s["carrier_frequency"]),
                bandwidth=float(s["bandwidth"]),
                num_subcarriers=int(s["num_subcarriers"]),
                num_antennas=int(s["num_antennas"]),
                speed_of_light=float(s["speed_of_light"]),
            ),
            ue_position=tuple(float(v) for v in s["ue_position"]),
            gain_phase=float(s["gain_phase"]),
            boltzmann_constant=float(s["boltzmann_constant"]),
            temperature=float(s["temperature"]),
            noise_figure_db=float(s["noise_figure_db"]),
            effects=tuple((e, bool(cfg["true_model"][e])) for e in EFFECTS),
        )

    @property
    def noise_variance(self) -> float:
        """sigma^2 = k_B T W 10^(NF/10), in mW (the unit of P): update_parameters.m. [mW]"""
        thermal = self.boltzmann_constant * self.temperature * self.array.bandwidth * 1e3
        return float(thermal * 10 ** (self.noise_figure_db / 10))

    @property
    def distance(self) -> float:
        """||p||. [m]"""
        return float(np.hypot(*self.ue_position))

    @property
    def gain_magnitude(self) -> float:
        """rho = lambda_c / (4 pi ||p||), free space (update_parameters.m). [-]"""
        return self.array.wavelength / (4 * np.pi * self.distance)

    @property
    def eta_near_field(self) -> np.ndarray:
        """[x, y, rho, xi] at the truth. [m, m, -, rad]"""
        return np.array([*self.ue_position, self.gain_magnitude, self.gain_phase])

    @property
    def eta_far_field(self) -> np.ndarray:
        """[theta, d, rho, xi] at the truth. [rad, m, -, rad]"""
        x, y = self.ue_position
        return np.array([np.arctan2(y, x), self.distance, self.gain_magnitude, self.gain_phase])

    def models(self):
        """(true near-field model, assumed far-field model) at P = 1 mW."""
        return near_field_model(self.array, 1.0, **dict(self.effects)), far_field_model(self.array)


def power_grid(spec: dict) -> np.ndarray:
    """The transmit powers: numpy linspace(start, stop, num). [dBm]"""
    return np.linspace(float(spec["start"]), float(spec["stop"]), int(spec["num"]))


def bounds_at(scenario: Scenario, models, power_dbm: float) -> dict:
    """Every bound at one power: FF CRB (angle, distance, position), NF CRB, LB and its parts."""
    true, assumed = models
    variance = scenario.noise_variance / 10 ** (power_dbm / 10)  # sigma^2 / P at P = 1 mW
    eta_ff, eta_nf = scenario.eta_far_field, scenario.eta_near_field
    crb_ff = generic.crb(assumed, eta_ff, variance)
    crb_nf = generic.crb(true, eta_nf, variance)
    lb = generic.mcrb(true, eta_nf, assumed, variance, assumed_true_parameter=eta_ff)
    return {
        "aeb_crb_ff": float(np.sqrt(crb_ff.quantity_covariance("angle")[0, 0])),
        "deb_crb_ff": float(np.sqrt(crb_ff.quantity_covariance("distance")[0, 0])),
        "peb_crb_ff": crb_ff.rmse("position"),
        "aeb_crb_nf": float(np.sqrt(crb_nf.quantity_covariance("angle")[0, 0])),
        "peb_crb_nf": crb_nf.rmse("position"),
        "aeb_lb": float(np.sqrt(lb.quantity_covariance("angle", "lb")[0, 0])),
        "peb_lb": lb.rmse("position", "lb"),
        "peb_mcrb": lb.rmse("position", "mcrb"),
        "position_bias": float(np.linalg.norm(lb.bias("position"))),
        "pseudo_true": lb.pseudo_true,
        "converged": lb.solution.converged,
        "gradient_term_ratio": lb.gradient_term_ratio,
    }


def bounds_dataset(scenario: Scenario, powers, cfg: dict) -> xr.Dataset:
    """Bounds vs transmit power (Fig. 1 of [3]) with the pseudo-true point and its report."""
    models = scenario.models()
    rows = [bounds_at(scenario, models, float(p)) for p in powers]
    dims = ("power_dbm",)
    data = {k: (dims, np.array([r[k] for r in rows])) for k in rows[0] if k not in ("pseudo_true",)}
    data["pseudo_true_ff"] = (
        ("power_dbm", "ff_parameter"), np.array([r["pseudo_true"] for r in rows])
    )  # fmt: skip
    data["true_parameter_ff"] = ("ff_parameter", scenario.eta_far_field)
    ds = xr.Dataset(
        data,
        coords={"power_dbm": np.asarray(powers, float),
                "ff_parameter": ["theta", "distance", "gain_magnitude", "gain_phase"]},
    )  # fmt: skip
    ds["converged"] = ds["converged"].astype("int8")
    ds.attrs.update({f"constant_{k}": v for k, v in scenario.array.constants().items()})
    ds.attrs["noise_variance_mw"] = scenario.noise_variance
    return finalize(
        ds,
        title="xlmimo2022 CRB (far and near field) and LB vs transmit power",
        study=STUDY,
        rule="xlmimo2022_bounds",
        references=f"{REFERENCE}; bounds: hwiloc.bounds.generic",
        config=cfg,
    )


def bounds_table(ds: xr.Dataset) -> pd.DataFrame:
    """bounds.csv: power_dbm, aeb_crb_ff_deg, peb_crb_ff_m, peb_crb_nf_m, peb_lb_m."""
    return pd.DataFrame(
        {
            "power_dbm": ds["power_dbm"].values,
            "aeb_crb_ff_deg": ds["aeb_crb_ff"].values,
            "peb_crb_ff_m": ds["peb_crb_ff"].values,
            "peb_crb_nf_m": ds["peb_crb_nf"].values,
            "peb_lb_m": ds["peb_lb"].values,
        },
        columns=list(BOUNDS_COLUMNS),
    )
