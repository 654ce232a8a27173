"""Claims as data: the files' schema and rules, graded verdicts, values computed by id."""

import copy
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

from hwiloc.claims import (
    EVIDENCE,
    UNGRADED,
    ClaimsError,
    ClaimSpec,
    check_registry,
    claims_path,
    evaluate,
    headline,
    load_claims,
    registered,
    verdict_counts,
)
from hwiloc.papers.zhang2025.claims import ClaimInputs
from hwiloc.papers.zhang2025.system import crlb_ratio
from hwiloc.plugins import plugin_names, plugins
from hwiloc.reporting import to_markdown

# Every paper and study with a claims file, by discovery (a new one is checked, never skipped)
PAPERS = tuple(name for name in plugin_names() if claims_path(ROOT, name).exists())
FITTED = tuple(p.name for p in plugins() if (p.folder / "assumptions.py").exists())


def spec(**kw):
    base = dict(id="c", statement="s", source="Sec. I", stated=5.0, unit="x", effect=4.0,
                comparison="equal", tolerance=0.5, tolerance_why="last digit")  # fmt: skip
    return ClaimSpec(**{**base, **kw})


def test_grades_equal_at_least_at_most_and_db_scale():
    c = spec(kind="number", last_digit=1.0)  # "5": 4.5 .. 5.5 rounds to it
    assert [c.grade(v) for v in (5.4, 4.5, 3.65, 1.5, -5.0, float("nan"))] == [
        "reproduced", "reproduced", "trend", "trend", "not reproduced", "not reproduced",
    ]  # fmt: skip
    low = spec(comparison="at_least", stated=65.0, tolerance=0.0, effect=65.0, unit="antennas",
               no_effect=8.0)  # fmt: skip
    assert [low.grade(v) for v in (math.inf, 65.0, 38.0, 8.0, 3.0)] == [
        "reproduced", "reproduced", "trend", "not reproduced", "not reproduced",
    ]  # fmt: skip
    high = spec(comparison="at_most", stated=3.0, tolerance=0.0, effect=3.0)
    assert [high.grade(v) for v in (0.1, 3.0, 3.01, 9.0)] == [
        "reproduced", "reproduced", "not reproduced", "not reproduced",
    ]  # fmt: skip
    # dB values in dB: 29.45 dB is 29.445 .. 29.455
    pmsr = spec(stated=29.45, tolerance=0.005, effect=29.45, unit="dB", scale="db",
                kind="number", last_digit=0.01)  # fmt: skip
    assert pmsr.grade(29.454) == "reproduced" and pmsr.grade(29.456) == "trend"
    assert pmsr.grade(-1.0) == "not reproduced"
    # a ratio read off a log axis ("coincide within a line width") is within 12 % in log
    line = spec(stated=1.0, tolerance=0.12, effect=0.5)
    assert line.grade(1.119) == "reproduced" and line.grade(1 / 1.119) == "reproduced"
    assert line.grade(0.88) == "not reproduced"  # 0.88 < 1 / 1.12: no trend for 'coincide'


def test_a_random_row_is_graded_on_its_median_and_half_its_draws():
    """Reproduced only when the median is within the precision and at least half the draws
    are: the old band rule passed a median of 1.013 against >= 1.1 with 12 % of the draws."""
    affects = spec(comparison="at_least", stated=1.1, tolerance=0.0, effect=1.1)
    draws = np.r_[np.full(44, 1.013), np.full(6, 1.13)]  # 12 % at 1.1 or more
    verdict, band = affects.grade_draws(draws)
    assert verdict == "trend" and band["within_precision"] == pytest.approx(0.12)
    assert band["median"] == 1.013 and band["num_draws"] == 50
    assert affects.grade_draws(np.r_[np.full(26, 1.2), np.full(24, 1.0)])[0] == "reproduced"
    level = spec(stated=22.5, tolerance=2.5, effect=10, unit="dBm", no_effect=60.0)
    wide = np.r_[np.full(20, 22.5), np.full(15, 10.0), np.full(16, 35.0)]  # median in, 39 % in
    assert level.grade_draws(wide)[0] == "trend"
    assert level.grade_median(22.5, 0.6) == "reproduced"
    assert level.grade_median(22.5, float("nan")) == "reproduced"  # a value that is not random


def test_a_number_is_graded_at_half_its_last_digit_and_the_file_checks_it(tmp_path):
    data = yaml.safe_load(claims_path(ROOT, "zhang2025").read_text())
    numbers = [c for c in data["claims"] if c.get("kind") == "number"]
    assert numbers and all(c["tolerance"] == c["last_digit"] / 2 for c in numbers)
    bad = copy.deepcopy(data)
    row = next(c for c in bad["claims"] if c.get("kind") == "number")
    row["tolerance"] = 5 * row["last_digit"]
    with pytest.raises(ClaimsError, match="half a unit of its last digit"):
        load_claims(_write(tmp_path, bad))


def test_criterion_text():
    assert spec(kind="number", last_digit=1.0).criterion == "5 ± 0.5 x"
    assert spec().criterion == "5 x within a factor 1.1 (log)"  # a ratio read off a log axis
    assert spec(comparison="at_least", stated=65, tolerance=0, effect=65).criterion == ">= 65 x"


@pytest.mark.parametrize("paper", PAPERS)
def test_shipped_claims_files_load_and_match_the_library(paper):
    claims = load_claims(claims_path(ROOT, paper))
    assert claims.paper == paper and claims.claims
    check_registry(claims)
    assert set(registered(paper)) == {c.id for c in claims.claims}
    for c in claims.claims:
        assert c.tolerance < abs(c.effect), c.id  # never wider than the effect
        assert c.if_unmet and "\n" not in c.if_unmet


def _write(tmp_path, data):
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_bad_claims_files_are_refused_with_the_problem_named(tmp_path):
    data = yaml.safe_load(claims_path(ROOT, "zhang2025").read_text())
    wide = copy.deepcopy(data)
    wide["claims"][0]["tolerance"] = 10.0
    with pytest.raises(ClaimsError, match="tolerance 10 .* not smaller than the effect 4"):
        load_claims(_write(tmp_path, wide))
    bad = copy.deepcopy(data)
    bad["claims"][1]["comparison"] = "about"
    del bad["claims"][2]["source"]
    with pytest.raises(ClaimsError) as err:
        load_claims(_write(tmp_path, bad))
    assert "'about' is not one of" in str(err.value) and "'source' is a required" in str(err.value)
    twice = copy.deepcopy(data)
    twice["claims"][1]["id"] = twice["claims"][0]["id"]
    with pytest.raises(ClaimsError, match="appears twice"):
        load_claims(_write(tmp_path, twice))
    unknown = copy.deepcopy(data)
    unknown["claims"][0]["id"] = "no_such_claim"
    with pytest.raises(ClaimsError, match=r"no function computes claim\(s\) \['no_such_claim'\]"):
        check_registry(load_claims(_write(tmp_path, unknown)))


def test_frequency_ratio_is_the_closed_form_whatever_n(paper_scenario):
    """Sec. III-A: sqrt(1 + 2 SNR sigma^2), the same for every N (analytic identity)."""
    snr = 10 ** (paper_scenario.snr_db / 10)
    for n in (8, 64):
        sc = paper_scenario.with_antennas(n)
        for sigma in (np.pi / 4, np.pi):
            assert crlb_ratio(sc, "frequency", sigma) == pytest.approx(
                np.sqrt(1 + 2 * snr * sigma**2), rel=1e-9
            )


def test_sec3_claims_graded_at_the_shipped_snr(paper_scenario):
    claims = load_claims(claims_path(ROOT, "zhang2025"))
    ids = [c.id for c in claims.claims if c.source.startswith("Sec. III")]
    table = evaluate(claims, ClaimInputs(scenario=paper_scenario), ids=ids)
    row = table.set_index("id")
    # 4 ratios, the infeasible pair and "averaged out", the antenna sweep, 1 + 3 antenna counts
    assert len(table) == 11 and set(table["verdict"]) <= {"reproduced", "trend", "not reproduced"}
    # no SNR gives both ends of "5 to 15": at most one of them is reproduced
    ends = row.loc[["crlb_ratio_frequency_pi4", "crlb_ratio_frequency_pi"], "verdict"]
    assert (ends == "reproduced").sum() <= 1
    assert (table.loc[table["verdict"] != "reproduced", "reason"] != "").all()
    md = to_markdown(table, "T")
    assert md.startswith("# T") and md.count("\n| ") == 12


# --- verdict rules (issue 17): a trend has the right direction ------------------------------
def test_a_trend_needs_the_right_direction():
    """A trend lies on the stated side of the value without the effect: an at_least ratio
    claim below 1 is never one (0.35 would have been one), nor an equal claim on the other
    side of 1; a claim of no effect (at_most, or 'coincide') has no trend at all."""
    degrades = spec(comparison="at_least", stated=1.1, tolerance=0.0, effect=1.0)
    assert [degrades.grade(v) for v in (1.2, 1.029, 0.35)] == [
        "reproduced", "trend", "not reproduced",
    ]  # fmt: skip
    grows = spec(stated=5.0)  # 5x: a factor on the far side of 1
    assert grows.grade(2.0) == "trend" and grows.grade(0.8) == "not reproduced"
    loss = spec(stated=0.76, tolerance=0.005, effect=0.76, unit="dB")  # 0 without the effect
    assert loss.grade(0.4) == "trend" and loss.grade(-0.4) == "not reproduced"
    coincide = spec(stated=1.0, tolerance=0.12, effect=0.5)
    assert coincide.grade(0.5) == "not reproduced" and coincide.grade(2.0) == "not reproduced"
    assert spec(comparison="at_most", stated=3.0, tolerance=0.0, effect=3.0).grade(9.0) == (
        "not reproduced")  # fmt: skip
    assert spec(no_effect=10.0, stated=5.0).grade(12.0) == "not reproduced"  # own reference


def test_an_absolute_level_has_no_trend_band():
    level = spec(stated=29.45, tolerance=0.005, effect=29.45, unit="dB", scale="db", trend=False)
    assert level.grade(29.454) == "reproduced" and level.grade(28.0) == "not reproduced"


# --- evidence classes (issue 17) ---------------------------------------------------------------
def test_every_row_has_an_evidence_class_and_a_reason_unless_independent(tmp_path):
    for paper in PAPERS:
        for c in load_claims(claims_path(ROOT, paper)).claims:
            assert c.evidence in EVIDENCE
            assert c.evidence == "independent" or c.evidence_why, c.id
    data = yaml.safe_load(claims_path(ROOT, "chen2022").read_text())
    data["claims"][0]["evidence"] = "structural"
    data["claims"][0].pop("evidence_why", None)
    with pytest.raises(ClaimsError, match="evidence 'structural' needs evidence_why"):
        load_claims(_write(tmp_path, data))
    data["claims"][0]["evidence"] = "guessed"
    with pytest.raises(ClaimsError, match="evidence"):
        load_claims(_write(tmp_path, data))


def test_only_independent_rows_count_in_the_headline():
    table = pd.DataFrame(
        {
            "evidence": ["independent", "independent", "independent", "fitted", "structural",
                         "independent"],
            "verdict": ["reproduced", "trend", "not reproduced", "reproduced", "reproduced",
                        UNGRADED],
        }
    )  # fmt: skip
    assert verdict_counts(table) == {"reproduced": 1, "trend": 1, "not reproduced": 1}
    assert headline(table, "p") == (
        "p: independent rows 1 of 3 reproduced (1 trend, 1 not); fitted targets 1 of 1 met; "
        "1 structural. 1 variant row(s) reported beside the graded one, not graded."
    )
    missed = table.assign(verdict=table["verdict"].where(table["evidence"] != "fitted", "trend"))
    assert "fitted targets 0 of 1 met" in headline(missed, "p")  # a missed target is a failure


@pytest.mark.parametrize("paper", FITTED)
def test_the_rows_an_unknown_is_fitted_to_are_the_fitted_rows(paper):
    """A row is 'fitted' exactly when the paper's assumption fit targets it."""
    import importlib

    package = next(p.package for p in plugins() if p.name == paper)
    targets = set(importlib.import_module(f"{package}.assumptions").CLAIMS)
    fitted = {c.id for c in load_claims(claims_path(ROOT, paper)).claims if c.evidence == "fitted"}
    assert targets == fitted


# Every structural or infeasible row, and the test below that checks its proof.
PROOFS = {
    "crb_m2_keeps_falling": "test_structural_crb_m2_falls_by_sqrt10_per_decade_exactly",
    "crb_m1_floor_from_pa": "test_structural_crb_m1_falls_by_sqrt10_without_the_pa",
    "crb_m1_equals_crb_m2_pn_cfo": "test_structural_known_pn_and_cfo_leave_the_crb_unchanged",
    "pmsr_frequency_compensated_minimal": "test_structural_frequency_stage_keeps_antenna_phases",
    "range_resolution": "test_structural_range_resolution_is_c_over_the_bandwidth",
    "crlb_ratio_frequency_pair": "test_infeasible_frequency_pair_is_16_for_every_snr_and_n",
    "frequency_penalty_averaged_over_subcarriers":
        "test_infeasible_the_frequency_penalty_does_not_fall_with_the_subcarriers",
    "impairments_matter_more_at_high_snr": "test_structural_lb_over_crb_is_affine_in_power_squared",
    "low_snr_impairments_harmless[pn]": "test_structural_lb_over_crb_is_affine_in_power_squared",
    "low_snr_impairments_harmless[mc]": "test_structural_lb_over_crb_is_affine_in_power_squared",
    "pn_effect_grows_with_level": "test_structural_lb_over_crb_is_affine_in_power_squared",
    "crlb_falls_with_antennas": "test_structural_the_64_array_holds_the_8_array",
    "min_antennas_spatial_1cm": "test_structural_1cm_needs_more_than_64_antennas_at_pi",
    "crb_m1_close_to_crb_m2": "test_structural_coupling_rows_hold_over_the_swept_levels",
    "mmle_follows_lb": "test_structural_the_mmle_follows_the_lb_at_the_widest_cfo",
}


def test_every_structural_and_infeasible_row_has_its_proof_tested():
    from hwiloc.papers.chen2022.claims import HARMLESS_AT_EVERY_LEVEL

    rows = {
        c.id
        for paper in PAPERS
        for c in load_claims(claims_path(ROOT, paper)).claims
        if c.evidence in ("structural", "infeasible")
    }
    rows |= {f"low_snr_impairments_harmless[{k}]" for k in HARMLESS_AT_EVERY_LEVEL}  # variants
    assert rows == set(PROOFS)
    assert all(name in globals() for name in PROOFS.values())


@pytest.fixture(scope="module")
def chen_small(paper_config):
    """chen2022 at the paper's values with a few realizations, one impairment at a time."""
    from hwiloc.papers.chen2022.stages import bounds_vs_power_dataset, individual_shard_dataset
    from hwiloc.papers.chen2022.system import System, base_hardware

    cfg = paper_config["chen2022"]
    system = System.from_config(cfg)
    ind = {"num_realizations": 3, "num_shards": 1, "power_dbm": [20.0, 30.0, 40.0]}
    individual = {
        k: individual_shard_dataset(system, k, ind, 0, 7, cfg) for k in ("pn", "cfo", "mc")
    }
    bounds = {seed: bounds_vs_power_dataset(system, base_hardware(system, seed), [30.0, 40.0], cfg)
              for seed in (7, 8)}  # fmt: skip
    return individual, bounds


def _chen_value(claim_id, **inputs):
    from hwiloc.papers.chen2022.claims import ClaimInputs as ChenInputs

    (m,) = registered_measure("chen2022", claim_id, ChenInputs(**{"bounds": None, **inputs}))
    return m.value


def registered_measure(paper, claim_id, inputs):
    from hwiloc.claims import measure

    return measure(paper, claim_id, inputs)


def test_structural_crb_m2_falls_by_sqrt10_per_decade_exactly(chen_small):
    _, bounds = chen_small
    for ds in bounds.values():  # two hardware draws: the same ratio
        assert _chen_value("crb_m2_keeps_falling", bounds=ds) == pytest.approx(np.sqrt(10), 1e-9)


def test_structural_crb_m1_falls_by_sqrt10_without_the_pa(chen_small):
    individual, _ = chen_small
    assert _chen_value("crb_m1_floor_from_pa", individual=individual) == pytest.approx(
        np.sqrt(10), rel=1e-9
    )


def test_structural_known_pn_and_cfo_leave_the_crb_unchanged(chen_small):
    individual, _ = chen_small
    assert _chen_value("crb_m1_equals_crb_m2_pn_cfo", individual=individual) == pytest.approx(
        1.0, abs=1e-9
    )
    # the coupling does change the information: its row is a real check
    assert _chen_value("crb_m1_close_to_crb_m2", individual=individual) != pytest.approx(1.0, 1e-6)


@pytest.fixture(scope="module")
def chen_sweeps(paper_config):
    """Fig. 4's sweeps (PN, CFO, MC alone) over five powers and three levels, two draws."""
    from hwiloc.papers.chen2022.stages import level_sweep_shard_dataset
    from hwiloc.papers.chen2022.system import SWEEP_LEVELS, System

    cfg = paper_config["chen2022"]
    system = System.from_config(cfg)
    tops = {"pn": 0.1, "cfo": 0.04, "mc": 0.04}
    out = {}
    for key, top in tops.items():
        sweep = {SWEEP_LEVELS[key]: [0.0, top / 2, top], "power_dbm": [0.0, 10.0, 20.0, 30.0, 40.0],
                 "num_realizations": 2, "num_shards": 1}  # fmt: skip
        out[key] = level_sweep_shard_dataset(system, key, sweep, 0, 7, cfg)
    return out


def test_structural_lb_over_crb_is_affine_in_power_squared(chen_sweeps):
    """Without the PA, (LB / CRB-M2)^2 = a + b P: the MCRB and the CRB scale as 1/P, the
    squared bias does not. So the ratio grows with P (b >= 0; impairments_matter_more_at_high_snr),
    is 1 at level 0, tends to sqrt(a) = 1 at low P (low_snr_impairments_harmless) and grows with
    the level at every power (pn_effect_grows_with_level): for every level and draw."""
    from hwiloc.papers.chen2022.system import SWEEP_LEVELS

    for key, ds in chen_sweeps.items():
        r2 = (ds["peb"].sel(bound="lb") / ds["peb"].sel(bound="crb_m2")) ** 2
        r2 = r2.transpose(SWEEP_LEVELS[key], "power", "realization").values
        power = 10 ** (ds["power"].values / 10)  # [mW]
        design = np.stack([np.ones_like(power), power], axis=1)
        for level in range(r2.shape[0]):
            for draw in range(r2.shape[2]):
                (a, b), *_ = np.linalg.lstsq(design, r2[level, :, draw], rcond=None)
                np.testing.assert_allclose(design @ [a, b], r2[level, :, draw], rtol=1e-10)
                assert b >= -1e-12, (key, level, a, b)
                if key != "cfo":  # a, the MCRB's own excess: within a line width for PN, MC
                    assert a < 10**0.1, (key, level, a, b)
        np.testing.assert_allclose(r2[0], 1.0, atol=1e-12)  # level 0: M1 = M2
        if key != "cfo":  # harmless at 0 dBm at every level; eq. (5)'s CFO is not (a witness)
            assert np.all(np.sqrt(r2[:, 0]) <= 10**0.05), key
        else:
            assert np.sqrt(r2[-1, 0]).max() > 10**0.05
        assert np.all(np.diff(r2[:, -1], axis=0) >= -1e-12), key  # grows with the level
        assert r2[-1, -1].min() > 1.01 ** 2, key  # the top level does move the LB


def test_structural_the_64_array_holds_the_8_array(paper_scenario):
    """The 8 antennas of crlb_falls_with_antennas are the middle 8 of the 64 (the same
    spacing, centre and UE), so J_64 = J_8 + J_other with J_other >= 0 and the CRLB can only
    fall; over SNRs and UE positions the factor stays above the row's 2."""
    from hwiloc.claims import measure

    sc = paper_scenario
    few, many = sc.with_antennas(8), sc.with_antennas(64)
    middle = many.antenna_positions[28:36]
    np.testing.assert_allclose(few.antenna_positions, middle, atol=1e-12)
    for snr_db in (0.0, 9.75, 20.0):
        for ue in ((-2.0, 1.0), (0.5, 3.0), (3.0, 6.0)):
            moved = replace(sc, snr_db=snr_db, ue_position=ue)
            (m,) = measure("zhang2025", "crlb_falls_with_antennas",
                           ClaimInputs(scenario=moved))  # fmt: skip
            assert m.value >= 2.0, (snr_db, ue, m.value)


def test_structural_coupling_rows_hold_over_the_swept_levels(paper_config):
    """At the smallest nonzero and the largest coupling residual of Fig. 4's MC sweep CRB-M1
    stays within 12 % of CRB-M2: no admissible level fails the row."""
    from hwiloc.papers.chen2022.claims import ClaimInputs as ChenInputs
    from hwiloc.papers.chen2022.stages import individual_shard_dataset
    from hwiloc.papers.chen2022.system import System

    cfg = paper_config["chen2022"]
    levels = [v for v in cfg["mc_sweep"]["coupling_residual_std"] if v > 0]
    section = {"num_realizations": 10, "num_shards": 1, "power_dbm": [0.0, 40.0]}
    claims = load_claims(claims_path(ROOT, "chen2022"))
    for level in (min(levels), max(levels)):
        c = {**cfg, "impairments": {**cfg["impairments"], "coupling_residual_std": level}}
        ds = individual_shard_dataset(System.from_config(c), "mc", section, 0, 7, c)
        inputs = ChenInputs(bounds=None, individual={"mc": ds})
        (m,) = registered_measure("chen2022", "crb_m1_close_to_crb_m2", inputs)
        assert claims.by_id("crb_m1_close_to_crb_m2").grade(m.value) == "reproduced", level


def test_structural_the_mmle_follows_the_lb_at_the_widest_cfo(paper_config):
    """At the top of the CFO spread's range (0.043 of Delta f, the largest mismatch the
    unknowns admit), the MMLE's RMSE stays within 1.25x of the LB above its threshold."""
    from hwiloc.papers.chen2022.claims import ClaimInputs as ChenInputs
    from hwiloc.papers.chen2022.stages import (
        base_hardware,
        bounds_vs_power_dataset,
        montecarlo_shard_dataset,
    )
    from hwiloc.papers.chen2022.system import System

    cfg = paper_config["chen2022"]
    top = max(cfg["assumptions"]["cfo_std"])
    c = {**cfg, "impairments": {**cfg["impairments"], "cfo_std": top}}
    system = System.from_config(c)
    hardware = base_hardware(system, c["seed"])
    powers = [20.0, 30.0, 40.0]
    mc = {**c["montecarlo"], "num_trials": 60, "num_shards": 1}
    inputs = ChenInputs(bounds=bounds_vs_power_dataset(system, hardware, powers, c),
                        montecarlo=montecarlo_shard_dataset(system, hardware, powers, mc, 0, 7,
                                                            c))  # fmt: skip
    (m,) = registered_measure("chen2022", "mmle_follows_lb", inputs)
    assert load_claims(claims_path(ROOT, "chen2022")).by_id("mmle_follows_lb").grade(
        m.value) == "reproduced", m  # fmt: skip


def test_structural_1cm_needs_more_than_64_antennas_at_pi(paper_scenario):
    """The fewest antennas for a 1 cm CRLB under spatial offsets at sigma = pi: 65 or more at
    the top of the fitted SNR's scan (the CRLB falls with the SNR) for UE positions near
    broadside, where the fewest are needed; 20 dB (beyond the scan) would need fewer."""
    from hwiloc.papers.zhang2025.system import min_antennas_for_accuracy

    top = 15.0  # [dB], the top of zhang2025.assumptions.snr_db
    for ue in ((-2.0, 1.0), (-0.5, 1.0), (0.0, 1.0), (0.0, 0.8)):
        moved = replace(paper_scenario, snr_db=top, ue_position=ue)
        assert min_antennas_for_accuracy(moved, "spatial", np.pi, 0.01, 64) == math.inf, ue
    beyond = replace(paper_scenario, snr_db=20.0, ue_position=(0.0, 1.0))
    assert min_antennas_for_accuracy(beyond, "spatial", np.pi, 0.01, 64) <= 64


def test_structural_frequency_stage_keeps_antenna_phases():
    """Offsets that are per antenna only (constant across subcarriers) give zero frequency
    offsets, so frequency compensation leaves the CSI, and its PMSR, as it was."""
    from hwiloc.calibration import apply_calibration, offsets_from_statistic

    rng = np.random.default_rng(3)
    per_antenna = rng.uniform(-np.pi, np.pi, 16)
    magnitude = rng.uniform(0.5, 2.0, (16, 24))
    statistic = magnitude * np.exp(1j * per_antenna[:, None])
    cal = offsets_from_statistic(statistic, 10)
    assert np.max(np.abs(cal.frequency_offsets)) < 1e-12
    csi = rng.standard_normal((16, 24)) + 1j * rng.standard_normal((16, 24))
    np.testing.assert_allclose(apply_calibration(csi, cal, "frequency"), csi, rtol=1e-12)
    np.testing.assert_allclose(np.angle(np.exp(1j * (cal.spatial_offsets - per_antenna))), 0,
                               atol=1e-12)  # fmt: skip
    # the literal rule (eq. (20) as written) takes the whole phase: its frequency stage does
    # what both stages do, and eq. (22) finds nothing left
    literal = offsets_from_statistic(statistic, 10, "literal")
    np.testing.assert_allclose(literal.frequency_offsets, np.angle(statistic), atol=1e-12)
    np.testing.assert_allclose(literal.spatial_offsets, 0, atol=1e-12)
    np.testing.assert_allclose(apply_calibration(csi, literal, "frequency"),
                               apply_calibration(csi, cal, "both"), rtol=1e-12)  # fmt: skip
    with pytest.raises(ValueError, match="frequency rule must be one of"):
        offsets_from_statistic(statistic, 10, "mean")


def test_structural_range_resolution_is_c_over_the_bandwidth(paper_scenario):
    (m,) = registered_measure("zhang2025", "range_resolution", ClaimInputs(scenario=paper_scenario))
    assert m.value == pytest.approx(3e8 / (100 * 180e3), rel=1e-12)  # the paper's c: 16.667 m
    assert 299_792_458.0 / (100 * 180e3) != pytest.approx(16.67, abs=0.005)  # 16.655 m


def test_infeasible_frequency_pair_is_16_for_every_snr_and_n(paper_scenario):
    """Scan the unknowns the pair could depend on (SNR, N, the UE): always 16, never 9.33."""
    spec_pair = load_claims(claims_path(ROOT, "zhang2025")).by_id("crlb_ratio_frequency_pair")
    for snr in (-10.0, 0.0, 9.75, 20.0, 30.0):
        for n in (4, 16, 64, 128):
            for ue in ((-2.0, 1.0), (3.0, 4.0)):
                sc = replace(paper_scenario.with_antennas(n), snr_db=snr, ue_position=ue)
                (m,) = registered_measure("zhang2025", "crlb_ratio_frequency_pair",
                                          ClaimInputs(scenario=sc))  # fmt: skip
                assert m.value == pytest.approx(16.0, rel=1e-9)
                assert spec_pair.grade(m.value) == "not reproduced"


def test_infeasible_the_frequency_penalty_does_not_fall_with_the_subcarriers(paper_scenario):
    """Eq. (11): the ratio is sqrt(1 + 2 SNR sigma^2) for every K and spacing: more
    subcarriers or more bandwidth leave it as it is, never 'averaged out'."""
    spec_avg = load_claims(claims_path(ROOT, "zhang2025")).by_id(
        "frequency_penalty_averaged_over_subcarriers")  # fmt: skip
    for snr in (0.0, 9.0, 20.0):
        for k in (25, 100, 400):
            for spacing in (90e3, 180e3, 720e3):
                grid = replace(paper_scenario.grid, num_subcarriers=k, subcarrier_spacing=spacing)
                sc = replace(paper_scenario, snr_db=snr, grid=grid)
                ratio = crlb_ratio(sc, "frequency", np.pi)
                assert ratio == pytest.approx(np.sqrt(1 + 2 * 10 ** (snr / 10) * np.pi**2),
                                              rel=1e-9)  # fmt: skip
                (m,) = registered_measure("zhang2025", spec_avg.id, ClaimInputs(scenario=sc))
                assert m.value == pytest.approx(1.0, rel=1e-9)
                assert spec_avg.grade(m.value) == "not reproduced"


def test_a_witness_is_the_alternative_the_row_fails_worst_under():
    """Of the computed alternatives, the table reports the one the row fails worst under, and
    grades the value there; the candidates come with the inputs, by row id."""
    import xarray as xr

    from hwiloc.claims import Measured, register, worst_witness

    c = spec(comparison="at_least", stated=1.12, tolerance=0.0, effect=1.0)
    candidates = [("a", 1.5), ("b", 1.05), ("c", 0.9)]
    assert worst_witness(c, candidates) == ("c", 0.9)  # not reproduced, beyond trend 'b'
    assert worst_witness(c, []) is None

    @register("witness_test_paper", "row")
    def _row(inputs):
        return Measured(1.3, "a value")

    class Inputs:
        witnesses = xr.Dataset({"row": ("case", ["row", "other", "row"]),
                                "alternative": ("case", ["x = 1", "y = 2", "x = 3"]),
                                "value": ("case", [1.2, 0.1, 1.0])})  # fmt: skip

    from hwiloc.claims import ClaimsFile, evaluate

    table = evaluate(ClaimsFile("witness_test_paper", "r", (replace(c, id="row"),)), Inputs())
    row = table.iloc[0]
    assert (row["could_fail_under"], row["value_there"]) == ("x = 3", 1.0)
    assert row["verdict"] == "reproduced" and row["verdict_there"] == "not reproduced"
