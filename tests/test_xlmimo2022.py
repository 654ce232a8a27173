"""xlmimo2022: near-field truth vs far-field model, through the generic engine (autodiff).

Published values: the authors' MATLAB code (chenhui07c8/Radio_Localization at
f158039, 3-XLMIMO_Model_Mismatch_Analysis/matlab_code) run in GNU Octave 7.3.0
with one-line shims for pow2db, db2pow and phase: the bounds part of
Fig_1_Estimator.m (get_CRLB_PWM.m, get_CRLB_SWM.m, get_CRLB_PWM_LB.m) on its
default scenario, printed to 17 digits. "patched": the same with the delay of
d2 mu / d theta2 in get_CRLB_PWM_LB.m at the pseudo-true distance (``Adelay``)
instead of the true one (``cf.Adelay``).

To redo it (outside the repository): copy matlab_code, add pow2db(x) = 10 log10(x),
db2pow(x) = 10^(x/10), phase(x) = angle(x); a script sets c, cf (PWM) and cp (SWM,
NF_SNS = NF_SWM = NF_BSE = "True") as the first 50 lines of Fig_1_Estimator.m do,
then for each P of 10.^linspace(-1, 3, 15) calls get_Rx_symbol and get_CRLB on cf
and cp and get_CRLB_PWM_LB(cp, cf), and prints cf.AEB, cf.PEB, cp.PEB, PEB_LB with
%.17g; ``octave --no-gui -q script.m``.
"""

import copy

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from peak_memory import peak as measured_peak
from quick_workflow import QUICK_RESULTS

from hwiloc.io.netcdf import read_dataset
from hwiloc.papers.xlmimo2022.hooks import resource_estimates

pytest.importorskip("jax")  # the `test` extra installs it: CI runs these

from hwiloc.bounds import generic
from hwiloc.config import ConfigError, validate_config
from hwiloc.io.netcdf import missing_units
from hwiloc.papers.xlmimo2022.stages import bounds_at, bounds_dataset, bounds_table
from hwiloc.papers.xlmimo2022.system import EFFECTS, Scenario

# power [dBm]: AEB CRB-FF [deg], PEB CRB-FF [m], PEB CRB-NF [m], PEB LB [m], PEB LB patched [m]
OCTAVE = {
    -10.0: (0.26265726529088634, 0.079247349601675787, 0.079338486037394698,
            0.079826937397391398, 0.079844595807256336),
    10.0: (0.02626572652908863, 0.0079247349496311247, 0.0079338486033934483,
           0.0087280220006352525, 0.0087296370756782156),
    30.0: (0.0026265726529088613, 0.00079247349626498421, 0.00079338486106112112,
           0.0036354852076234409, 0.003635523985505497),
}  # fmt: skip
# The same run's LB of the angle [deg] and pseudo-true (theta [rad], d [m]) at -10 dBm
OCTAVE_AEB_LB_PATCHED = {-10.0: 0.27487544390121266, 30.0: 0.071896299524015522}
OCTAVE_PSEUDO_TRUE = (0.78665213581676818, 2.8283924529251765)


@pytest.fixture(scope="module")
def scenario(paper_config):
    return Scenario.from_config(paper_config["xlmimo2022"])


def test_the_models_compute_with_numpy_on_numbers_and_with_jax_when_traced(scenario):
    """The same mean and quantities either way (numpy: no JAX operation run eagerly)."""
    import jax
    import jax.numpy as jnp

    true, assumed = scenario.models()
    for model, eta in ((true, scenario.eta_near_field), (assumed, scenario.eta_far_field)):
        eta = np.asarray(eta, float)
        maps = {"mean": model.mean, **{k: q.function for k, q in model.quantities.items()}}
        for name, function in maps.items():
            on_numbers = function(eta)
            assert isinstance(on_numbers, (np.ndarray, np.generic)), name
            traced = np.asarray(jax.jit(function)(jnp.asarray(eta)))
            np.testing.assert_allclose(on_numbers, traced, rtol=1e-12,
                                       atol=1e-12 * np.abs(traced).max(), err_msg=name)  # fmt: skip


@pytest.fixture(scope="module")
def bounds(scenario, paper_config):
    return bounds_dataset(scenario, sorted(OCTAVE), paper_config["xlmimo2022"])


def test_default_scenario_is_the_authors(scenario):
    assert scenario.noise_variance == pytest.approx(1.6465035599999997e-08, rel=1e-15)  # Octave
    assert scenario.array.speed_of_light == 3e8  # the authors' c, not 299792458
    assert scenario.array.wavelength == pytest.approx(3e8 / 140e9)
    assert np.ptp(scenario.array.element_positions[:, 1]) == pytest.approx(63 * 3e8 / 140e9 / 2)


def test_crbs_equal_the_authors_code_to_1e_6(bounds):
    for column, var in enumerate(("aeb_crb_ff", "peb_crb_ff", "peb_crb_nf")):
        ours = bounds[var].values
        theirs = [OCTAVE[p][column] for p in sorted(OCTAVE)]
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, err_msg=var)


def test_lb_equals_the_authors_code_to_1e_3_and_their_patched_code_to_1e_5(bounds):
    powers = sorted(OCTAVE)
    np.testing.assert_allclose(bounds["peb_lb"].values, [OCTAVE[p][3] for p in powers], rtol=1e-3)
    # the residual is their second-derivative term: with it corrected, the agreement is 1e-5
    # (the rest is the position mapping: theirs linearises the bias at the truth, ours is exact)
    np.testing.assert_allclose(bounds["peb_lb"].values, [OCTAVE[p][4] for p in powers], rtol=1e-5)
    for p, aeb in OCTAVE_AEB_LB_PATCHED.items():
        assert float(bounds["aeb_lb"].sel(power_dbm=p)) == pytest.approx(aeb, rel=1e-6)
    theta, distance = bounds["pseudo_true_ff"].sel(power_dbm=-10.0).values[:2]
    assert theta == pytest.approx(OCTAVE_PSEUDO_TRUE[0], abs=1e-9)  # their search: 1e-7 steps
    assert distance == pytest.approx(OCTAVE_PSEUDO_TRUE[1], abs=1e-7)
    assert bounds["converged"].all() and float(bounds["gradient_term_ratio"].max()) < 1e-12


def test_bounds_table_has_the_issue_columns_and_units_everywhere(bounds):
    table = bounds_table(bounds)
    assert list(table.columns) == [
        "power_dbm", "aeb_crb_ff_deg", "peb_crb_ff_m", "peb_crb_nf_m", "peb_lb_m",
    ]  # fmt: skip
    assert table["power_dbm"].tolist() == sorted(OCTAVE)
    assert missing_units(bounds) == []
    assert bounds.attrs["constant_speed_of_light"] == 3e8


def test_without_near_field_effects_the_models_coincide(paper_config):
    cfg = copy.deepcopy(paper_config["xlmimo2022"])
    cfg["true_model"] = dict.fromkeys(EFFECTS, False)
    scenario = Scenario.from_config(cfg)
    row = bounds_at(scenario, scenario.models(), 10.0)
    np.testing.assert_allclose(row["pseudo_true"], scenario.eta_far_field, rtol=1e-9, atol=1e-12)
    assert row["position_bias"] < 1e-9
    assert row["peb_lb"] == pytest.approx(row["peb_crb_ff"], rel=1e-6)
    assert row["peb_crb_nf"] == pytest.approx(row["peb_crb_ff"], rel=1e-6)


def test_each_near_field_effect_alone_moves_the_pseudo_true_point(paper_config):
    base = copy.deepcopy(paper_config["xlmimo2022"])
    for effect in EFFECTS:
        base["true_model"] = {e: e == effect for e in EFFECTS}
        scenario = Scenario.from_config(base)
        true, assumed = scenario.models()
        result = generic.mcrb(true, scenario.eta_near_field, assumed, 1e-10,
                              start=scenario.eta_far_field)  # fmt: skip
        assert result.solution.converged, effect
        assert result.solution.residual_norm > 0, effect


def test_every_bound_curve_is_reproduced_at_the_powers_it_shares_with_the_authors(bounds):

    from hwiloc.claims import claims_path, evaluate, load_claims
    from hwiloc.papers.xlmimo2022.claims import ClaimInputs, read_reference

    reference = read_reference(ROOT / "config" / "claims" / "xlmimo2022_fig1.tsv")
    assert len(reference) == 15 and reference["power_dbm"].iloc[[0, -1]].tolist() == [-20, 30]
    inputs = ClaimInputs(bounds=bounds, reference=reference)
    table = evaluate(load_claims(claims_path(ROOT, "xlmimo2022")), inputs).set_index("id")
    curves = [i for i in table.index if i.endswith("_curve") and "ml" not in i]
    assert len(curves) == 5 and all(table.loc[curves, "verdict"] == "reproduced")
    # of this fixture's -10, 10 and 30 dBm only 30 dBm is one of theirs (-20 to 30 in 15)
    assert all("over 1 of the authors' 15 powers" in n for n in table.loc[curves, "note"])
    assert table.loc["lb_saturates_30dbm", "verdict"] == "reproduced"
    # their saved LB has the shortcut: against it ours is off by more than the 1e-5 tolerance
    raw = reference.set_index("power_dbm")["aeb_lb_deg"]
    assert abs(float(bounds["aeb_lb"].sel(power_dbm=30.0)) / raw.loc[30.0] - 1) > 1e-5


@pytest.fixture(scope="module")
def montecarlo(scenario, paper_config):
    from hwiloc.papers.xlmimo2022.stages import montecarlo_shard_dataset

    cfg = copy.deepcopy(paper_config["xlmimo2022"])
    mc = {**cfg["montecarlo"], "num_trials": 300, "num_shards": 1}
    return montecarlo_shard_dataset(scenario, [30.0], mc, 0, 7, cfg)


def test_mle_attains_the_near_field_crb_and_the_mmle_the_lb_at_high_power(montecarlo, bounds):
    """Seeded Monte Carlo at 30 dBm, 300 trials: an RMSE's relative std is about
    1 / sqrt(2 n) = 4 %; within 3 of them of the bound it should attain."""
    rmse = np.sqrt((montecarlo["position_error"] ** 2).mean("trial")).sel(power_dbm=30.0)
    tolerance = 3 / np.sqrt(2 * montecarlo.sizes["trial"])
    at = bounds.sel(power_dbm=30.0)
    assert float(rmse.sel(estimator="mle")) / float(at["peb_crb_nf"]) == pytest.approx(
        1, abs=tolerance
    )
    assert float(rmse.sel(estimator="mmle")) / float(at["peb_lb"]) == pytest.approx(
        1, abs=tolerance
    )


def test_montecarlo_trials_do_not_depend_on_the_sharding(scenario, paper_config, montecarlo):
    from hwiloc.papers.xlmimo2022.stages import montecarlo_shard_dataset

    cfg = copy.deepcopy(paper_config["xlmimo2022"])
    mc = {**cfg["montecarlo"], "num_trials": 300, "num_shards": 100}
    last = montecarlo_shard_dataset(scenario, [30.0], mc, 99, 7, cfg)  # trials 297..299
    np.testing.assert_allclose(
        last["estimate"].values, montecarlo["estimate"].sel(trial=[297, 298, 299]).values,
        rtol=1e-9,
    )  # fmt: skip


def test_gain_concentrated_ml_returns_the_truth_on_noise_free_data(scenario):
    import jax.numpy as jnp

    from hwiloc.autodiff import gain_concentrated_ml
    from hwiloc.papers.xlmimo2022.stages import coarse_initial

    true, _ = scenario.models()
    mu = np.asarray(true.mean(jnp.asarray(scenario.eta_near_field)))
    theta, dist = coarse_initial(scenario, mu[None], np.zeros((1, 2)), paper_config_coarse())
    start = np.array([[dist[0] * np.cos(theta[0]), dist[0] * np.sin(theta[0])]])
    assert np.linalg.norm(start[0] - scenario.ue_position) < 0.03  # within a grid step
    unit = jnp.array([1.0, 0.0])
    est = gain_concentrated_ml(lambda q: true.mean(jnp.concatenate([q, unit])), mu[None], start)
    np.testing.assert_allclose(est[0], scenario.ue_position, atol=1e-9)
    with pytest.raises(ValueError, match="initial has 2 points for 1 observations"):
        gain_concentrated_ml(lambda q: true.mean(jnp.concatenate([q, unit])), mu[None],
                             np.vstack([start, start]))  # fmt: skip


def paper_config_coarse() -> dict:

    from hwiloc.config import default_config

    return default_config("paper", ROOT / "config")["xlmimo2022"]["montecarlo"]


def test_bad_xlmimo2022_config_is_refused(paper_config):
    from conftest import SCHEMA

    config = copy.deepcopy(paper_config)
    config["xlmimo2022"]["system"]["num_antennas"] = 0
    config["xlmimo2022"]["true_model"]["beam_squint"] = "yes"
    with pytest.raises(ConfigError) as info:
        validate_config(config, SCHEMA)
    assert "xlmimo2022.system.num_antennas" in str(info.value)
    assert "xlmimo2022.true_model.beam_squint" in str(info.value)


# --- the quick profile's run (the session's fixture `run`, tests/conftest.py) -----------------

@pytest.mark.integration
def test_xlmimo2022_outputs(run):
    x = run / QUICK_RESULTS / "xlmimo2022"
    table = pd.read_csv(x / "bounds.csv")
    assert list(table.columns) == [
        "power_dbm", "aeb_crb_ff_deg", "peb_crb_ff_m", "peb_crb_nf_m", "peb_lb_m",
    ]  # fmt: skip
    assert len(table) == 8  # quick profile: -20..30 dBm in 8 points, every other one of theirs
    assert np.all(table["peb_lb_m"] >= table["peb_crb_ff_m"])
    bounds = read_dataset(x / "bounds.nc")
    assert bounds["peb_lb"].attrs["units"] == "m" and bounds.attrs["study"] == "xlmimo2022"
    assert (x / "figures" / "fig1.png").stat().st_size > 10_000
    claims = pd.read_csv(x / "claims.csv").set_index("id")
    assert len(claims) == 12  # 8 of Fig. 1's curves, 4 interval-error rows
    predicted = read_dataset(x / "global_accuracy" / "predicted.nc")
    assert predicted["rmse"].attrs["units"] == "m"
    assert list(predicted["power_dbm"].values) == list(bounds["power_dbm"].values)
    assert np.all(predicted["rmse"] >= 0.999 * predicted["local_bound"])  # never below its bound
    for curve in ("peb_crb_ff", "peb_crb_nf", "aeb_crb_ff", "peb_lb", "aeb_lb"):
        assert claims.loc[f"{curve}_curve", "verdict"] == "reproduced", curve
        assert "over 8 of the authors' 15 powers" in claims.loc[f"{curve}_curve", "note"]
    mc = read_dataset(x / "montecarlo" / "all.nc")
    assert dict(mc.sizes) == {"estimator": 2, "power_dbm": 8, "trial": 6, "axis": 2, "entropy": 2}
    assert mc["position_error"].attrs["units"] == "m"
    assert claims.loc["mmle_curve", "num_draws"] == 6  # a bootstrap of 6 trials is 6 draws
    params = pd.read_csv(x / "figures" / "table1.csv").set_index("symbol")
    assert float(params.loc["f_c", "value"]) == 140.0 and int(params.loc["N", "value"]) == 64
    assert float(params.loc["lambda_c / 2", "value"]) == pytest.approx(3e8 / 140e9 / 2 * 1e3)
    markdown = (x / "figures" / "table1.md").read_text()
    assert "| Subcarriers | K | 10 | - | Fig_1_Estimator.m |" in markdown


# A single-key change -> the jobs that rerun (quick profile); and targets whose path keys
# contradict the config. tests/test_workflow_integration.py runs both tables of every plugin.
RERUNS = {
    "xlmimo2022.montecarlo.num_trials": (
        {"xlmimo2022": {"montecarlo": {"num_trials": 8}}},  # the quick profile's: 6, one shard
        {"xlmimo2022_montecarlo_shard": 1, "xlmimo2022_montecarlo_gather": 1, "xlmimo2022_fig1": 1,
         "xlmimo2022_claims": 1, "all": 1},
    ),
}  # fmt: skip



@pytest.mark.parametrize("n, k", [(64, 10), (128, 40)])
def test_the_xlmimo2022_estimate_bounds_the_coarse_search(paper_config, n, k):
    from hwiloc.papers.xlmimo2022.stages import coarse_initial
    from hwiloc.papers.xlmimo2022.system import Scenario

    x = copy.deepcopy(paper_config["xlmimo2022"])
    x["system"].update(num_antennas=n, num_subcarriers=k)
    x["montecarlo"].update(num_trials=20, num_shards=2)
    scenario = Scenario.from_config(x)
    peak = measured_peak(lambda: coarse_initial(
        scenario, np.ones((10, n, k), complex), np.zeros((10, 2)), x["montecarlo"]))  # fmt: skip
    estimate = resource_estimates({"xlmimo2022": x})[0].memory
    assert peak <= estimate <= 20 * peak




def test_an_xlmimo2022_system_too_big_for_the_machine_is_refused_with_its_key(paper_config):
    from hwiloc import resources

    big = copy.deepcopy(paper_config)
    big["xlmimo2022"]["system"].update(num_antennas=4096, num_subcarriers=100000)
    problems = resources.check(big, memory=24e9, disk=50e9, estimators=[resource_estimates])
    assert len(problems) == 1
    assert "xlmimo2022.system.num_antennas" in problems[0] and "TB of memory" in problems[0]
