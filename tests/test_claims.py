"""Claims as data: the files' schema and rules, graded verdicts, values computed by id."""

import copy
import math

import numpy as np
import pytest
import yaml
from conftest import ROOT

from hwiloc.claims import (
    ClaimsError,
    ClaimSpec,
    check_registry,
    claims_path,
    evaluate,
    load_claims,
    registered,
)
from hwiloc.papers.zhang2025.claims import ClaimInputs
from hwiloc.papers.zhang2025.system import crlb_ratio
from hwiloc.reporting import to_markdown

PAPERS = ("zhang2025", "chen2022")


def spec(**kw):
    base = dict(id="c", statement="s", source="Sec. I", stated=5.0, unit="x", effect=4.0,
                comparison="equal", tolerance=0.5, tolerance_why="last digit")  # fmt: skip
    return ClaimSpec(**{**base, **kw})


def test_grades_equal_at_least_at_most_and_db_scale():
    c = spec()
    assert [c.grade(v) for v in (5.4, 4.5, 3.65, 1.5, -5.0, float("nan"))] == [
        "reproduced", "reproduced", "trend", "not reproduced", "not reproduced", "not reproduced",
    ]  # fmt: skip
    low = spec(comparison="at_least", stated=65.0, tolerance=0.0, effect=65.0)
    assert [low.grade(v) for v in (math.inf, 65.0, 38.0, 10.0)] == [
        "reproduced", "reproduced", "trend", "not reproduced",
    ]  # fmt: skip
    high = spec(comparison="at_most", stated=3.0, tolerance=0.0, effect=3.0)
    assert [high.grade(v) for v in (0.1, 3.0, 9.0, 10.0)] == [
        "reproduced", "reproduced", "trend", "not reproduced",
    ]  # fmt: skip
    # dB values: the trend compares powers (29.45 dB vs 25 dB is a factor 2.8)
    pmsr = spec(stated=29.45, tolerance=0.005, effect=29.45, unit="dB", scale="db")
    assert pmsr.grade(29.454) == "reproduced"
    assert pmsr.grade(25.0) == "trend" and pmsr.grade(20.0) == "not reproduced"


def test_criterion_text():
    assert spec().criterion == "5 ± 0.5 x"
    assert spec(comparison="at_least", stated=65, tolerance=0, effect=65).criterion == ">= 65 x"


@pytest.mark.parametrize("paper", PAPERS)
def test_shipped_claims_files_load_and_match_the_library(paper):
    claims = load_claims(claims_path(ROOT, paper))
    assert claims.paper == paper and len(claims.claims) >= 12
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
    assert len(table) == 6 and set(table["verdict"]) <= {"reproduced", "trend", "not reproduced"}
    # no SNR gives both ends of "5 to 15": at most one of them is reproduced
    ends = row.loc[["crlb_ratio_frequency_pi4", "crlb_ratio_frequency_pi"], "verdict"]
    assert (ends == "reproduced").sum() <= 1
    assert (table.loc[table["verdict"] != "reproduced", "reason"] != "").all()
    md = to_markdown(table, "T")
    assert md.startswith("# T") and md.count("\n| ") == 7
