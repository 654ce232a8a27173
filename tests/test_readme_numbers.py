"""The numbers the documentation states come from a run: the paper profile, run here from nothing.

Runs the paper profile (about 4 minutes on 2 cores), then the measured stage again with
the literal frequency rule, and formats each number the pages state from the run's
tables: each page must contain each one as written (the studies in docs/guides/studies.md,
the claims headlines in docs/guides/claims.md and README.md, Sec. V in
docs/guides/captures.md and docs/zhang2025_assumptions.md, the impairment catalogue in
docs/hwi_catalogue_results.md). The model guide's and each paper's own numbers are checked
where those are computed (tests/test_bounds_generic.py, the papers' tests). The
name is historical: these numbers were the README's until it became a front page.
"""

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from hwiloc.impairments.iq_imbalance import coefficients, image_ratio_db
from hwiloc.io.netcdf import read_dataset
from hwiloc.papers import paper_names

pytestmark = pytest.mark.integration

STUDIES = ("wideband", "array_design", "tolerance", "saf_mcrb")


def _snakemake(work, *args):
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
         "--directory", str(work), "--cores", "2", *args],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    """The paper profile from nothing, and the claims with the literal frequency rule."""
    work = tmp_path_factory.mktemp("paper")
    _snakemake(work)
    studies = work / "results" / "studies"
    out = {name: pd.read_csv(next((studies / name).glob(f"study_key~*/{name}.csv")))
           for name in STUDIES}  # fmt: skip
    out["headlines"] = [
        (work / f"results/{p}/claims.md").read_text().splitlines()[2]
        for p in paper_names()  # every paper's headline, by discovery
    ]
    out["claims"] = pd.read_csv(work / "results/zhang2025/claims.csv").set_index("id")
    out["tables"] = {p: pd.read_csv(work / f"results/{p}/claims.csv") for p in paper_names()}
    out["catalogue"] = pd.read_csv(work / "results/hwi_catalogue/tolerances.csv")
    out["catalogue_claims"] = pd.read_csv(work / "results/hwi_catalogue/claims.csv")
    out["rx_iqi"] = read_dataset(work / "results/hwi_catalogue/rx_iqi/seed~2301/sweep.nc")
    _snakemake(work, "results/zhang2025/claims.csv",
               "--config", 'zhang2025={"measured": {"frequency_stage": "literal"}}')  # fmt: skip
    out["literal"] = pd.read_csv(work / "results/zhang2025/claims.csv").set_index("id")
    return out


@pytest.fixture(scope="module")
def tables(paper):
    return paper


DOCS = ROOT / "docs"


def _page(*paths: str) -> str:
    """The pages (relative to docs/) as one text."""
    return "\n".join((DOCS / path).read_text() for path in paths)


def _section() -> str:
    text = _page("guides/studies.md")
    return text.split("## What the shipped studies show")[1].split("\n## ")[0]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _stated(tables) -> list[str]:
    """The studies page's numbers, each formatted from the tables as the page writes it."""
    w, a, t, m = (tables[n] for n in STUDIES)
    w = w.sort_values("bandwidth_hz").set_index("bandwidth_hz")
    assert np.ptp(w["crlb_ratio"]) < 1e-9 * w["crlb_ratio"].mean()
    tol = t.set_index(["impairment", "power_dbm"])
    small, large = (a[np.isclose(a["antenna_spacing"], s)].set_index("num_antennas")
                    for s in sorted(set(a["antenna_spacing"])))  # fmt: skip
    gain = small["crlb_rmse"] / large["crlb_rmse"]  # half a wavelength over 0.07 m
    m = m.sort_values("offset_std")
    follows = float(np.max(np.abs(m["mc_rmse"] / m["lb_peb"] - 1)))
    dominating = float(m["offset_std"][m["bias"] > m["mcrb_peb"]].iloc[0])
    # under eq. (5) over the fitted G the CFO crosses the 3 dB line from 10 dBm on
    assert tol.loc[("cfo", 0), "status"] == "above_range"
    assert all(tol.loc[("cfo", p), "status"] == "found" for p in (10, 20, 30, 40))
    return [
        f"{w['crlb_ratio'].iloc[0]:.4g} at every bandwidth",
        f"{w.loc[18e6, 'pmsr_loss_db']:.2f} dB at 18 MHz",
        f"{w.loc[100e6, 'pmsr_loss_db']:.2f} dB at\n   100 MHz",
        f"{w.loc[400e6, 'pmsr_loss_db']:.2f} dB at 400 MHz",
        f"ideal bound is {a['crlb_ratio'].iloc[0]:.3g} for every array",
        f"{gain.min():.3g} to {gain.max():.3g} times better",
        f"cost\n   {a['pmsr_loss_db'].min():.2f} to {a['pmsr_loss_db'].max():.2f} dB",
        f"PN ({tol.loc[('pn', 0), 'tolerance']:.2g} rad at 0 dBm, "
        f"{tol.loc[('pn', 40), 'tolerance']:.3g} at\n   40 dBm)",
        f"MC ({tol.loc[('mc', 10), 'tolerance']:.3g} at 10 dBm, "
        f"{tol.loc[('mc', 40), 'tolerance']:.3g} at 40 dBm)",
        f"crosses it at\n   {tol.loc[('cfo', 40), 'tolerance']:.3g} Delta f at 40 dBm",
        f"(above the scanned {tol.loc[('cfo', 0), 'tolerance']:.2g} Delta f at 0 dBm, "
        f"{tol.loc[('cfo', 10), 'tolerance']:.3g} at 10 dBm, "
        f"{tol.loc[('cfo', 30), 'tolerance']:.3g} at 30 dBm",
        f"at {tol.loc[('pa', 20), 'tolerance']:.3g} times them at 20 dBm",
        f"within {100 * follows:.2g} % from",
        f"CRB = {1e3 * m['lb_peb'].iloc[0]:.3g} mm",
        f"(LB {1e3 * m['lb_peb'].iloc[-1]:.3g} mm, RMSE\n   {1e3 * m['mc_rmse'].iloc[-1]:.3g} mm)",
        f"dominating from {dominating:g} rad on",
    ]


def test_every_number_of_the_studies_section_comes_from_the_run(tables):
    section = _flat(_section())
    missing = [s for s in _stated(tables) if _flat(s) not in section]
    assert not missing, f"guides/studies.md states other numbers than the run gives: {missing}"
    assert tables["tolerance"].set_index(["impairment", "power_dbm"]).loc[
        [("pa", 30), ("pa", 40)], "status"].eq("below_range").all()  # "from 30 dBm on"


def test_the_claims_headlines_are_the_runs(paper):
    page = _flat(_page("guides/claims.md").split("## 3. The headlines")[1])
    readme = _flat((ROOT / "README.md").read_text())
    for line in paper["headlines"]:
        assert _flat(line) in page, line  # the whole headline on the claims page
        name, counts = line.split(": ", 1)
        first = _flat(counts).split(". ")[0]  # "independent rows 4 of 9 reproduced (...)"
        assert f"**{name}**" in readme and first in readme, line  # its first sentence


def test_the_measured_stage_numbers_are_the_runs(paper):
    c, lit = paper["claims"], paper["literal"]
    minimal = "pmsr_frequency_compensated_minimal"
    stated = [
        f"alone gives {100 * c.loc[f'{minimal}[same_capture]', 'reproduced']:.2g} % of the",
        f"({100 * c.loc[f'{minimal}[held_out]', 'reproduced']:.2g} % held out)",
        f"({100 * lit.loc[f'{minimal}[same_capture]', 'reproduced']:.0f} % of the gain on the",
        f"raw RMSE {c.loc['rmse_raw[same_capture]', 'reproduced']:.3g} m on cap0, "
        f"{c.loc['rmse_raw[held_out]', 'reproduced']:.2g} m held out",
        f"calibrated RMSE is {1e3 * c.loc['rmse_calibrated[same_capture]', 'reproduced']:.2g} mm "
        f"on the calibration capture and "
        f"{1e3 * c.loc['rmse_calibrated[held_out]', 'reproduced']:.2g} mm held out",
        f"as the paper profile shows ({c.loc['offsets_match_reference', 'reproduced']:.3g} rad)",
    ]
    pages = _flat(_page("guides/captures.md", "zhang2025_assumptions.md"))
    missing = [s for s in stated if _flat(s) not in pages]
    assert not missing, f"the measured-CSI pages state other numbers than the run gives: {missing}"


def test_the_impairment_catalogue_numbers_are_the_runs(paper):
    t = paper["catalogue"].set_index(["impairment", "power_dbm"])

    def cost(name, power=40.0):
        return t.loc[(name, power), "cost_at_typical_db"]

    def tol(name, power=40.0):
        return t.loc[(name, power), "tolerance"]

    top = t.xs(40.0, level="power_dbm")
    order = top[top["group"] == "residual"].sort_values("rank").index.tolist()
    assert order == ["pll_pn", "element_position", "rx_iqi", "adc", "tx_iqi", "array_gain",
                     "array_phase"]  # the order the page lists them in
    assert top.loc["wiener_pn", "group"] == "untracked oscillator"  # ranked apart
    stated = [
        f"oscillator costs {cost('wiener_pn'):.2g} dB at 100 kHz",
        f"the PLL-locked oscillator costs {cost('pll_pn'):.3g} dB",
        f"element displacement ({cost('element_position'):.3g} dB at 0.0025 wavelengths)",
        f"6-bit ADC ({cost('adc'):.3g} dB)",
        f"UE's IQ imbalance ({cost('tx_iqi'):.3g} dB at the authors' default, whose image is "
        f"{image_ratio_db(*coefficients(-0.446, 0.05)):.1f} dB)",
        f"the BS's IQ imbalance ({cost('rx_iqi'):.3g} dB)",
        f"the array's gain ({cost('array_gain'):.3g} dB) and phase ({cost('array_phase'):.3g} dB) "
        "errors",
        f"a linewidth of {tol('wiener_pn'):.3g} Hz free-running and {tol('pll_pn'):.3g} Hz "
        "behind the PLL",
        f"a displacement of {tol('element_position'):.3g} wavelengths; {tol('adc'):.0f} bits",
        f"IQ imbalance {tol('tx_iqi'):.3g} times the reference at the UE (image "
        f"{t.loc[('tx_iqi', 40.0), 'tolerance_image_ratio_db']:.1f} dB) and "
        f"{tol('rx_iqi'):.3g} times at the BS (image "
        f"{t.loc[('rx_iqi', 40.0), 'tolerance_image_ratio_db']:.1f} dB)",
        f"array phase {tol('array_phase'):.3g} rad and gain {tol('array_gain'):.3g} dB",
        f"at 20 dBm {tol('adc', 20.0):.0f} bits suffice and the array phase tolerates "
        f"{tol('array_phase', 20.0):.3g} rad",
        f"the PLL-locked oscillator ({tol('pll_pn', 0.0) / 1e6:.3g} MHz) and a UE IQ imbalance "
        f"of {tol('tx_iqi', 0.0):.3g} times",
        f"up to the sweep's {tol('wiener_pn', 0.0) / 1e6:.0f} MHz",
        f"crosses 3 dB at {tol('rx_iqi'):.3g} times the reference",
    ]
    row = paper["catalogue_claims"].set_index("id").loc["angle_delay_degradation_differs"]
    (angle, most), (delay, least) = re.findall(r"([+-]\d+\.\d+) dB \((\w+)\)", row["note"])
    assert (most, least) == ("array_phase", "adc"), row["note"]  # the ends the page names
    white = paper["catalogue_claims"].set_index("id").loc["rx_iqi_white_proper_noise"]
    stated += [
        f"and 40 dBm: {white['reproduced']:.3g}x, within a line width",
        f"{angle} dB (array phase: angle) to {delay} dB (the 6-bit ADC: delay)",
        f"a spread of {row['reproduced']:.3g} dB",
        f"50 draws: {row['p05']:.2g} to {row['p95']:.3g} dB",
    ]
    page = _flat(_page("hwi_catalogue_results.md"))
    missing = [s for s in stated if _flat(s) not in page]
    assert not missing, f"the catalogue's page states other numbers than the run gives: {missing}"
    found = t.xs(0.0, level="power_dbm")["status"] == "found"
    assert sorted(found[found].index) == ["pll_pn", "tx_iqi"]  # "only ..."
    assert t.loc[("wiener_pn", 0.0), "status"] == "never_reached"  # "stays under it"
    ds = paper["rx_iqi"]  # "CRB-M1 is CRB-M2 at every level"
    np.testing.assert_allclose(ds["peb"].sel(bound="crb_m1"), ds["peb"].sel(bound="crb_m2"),
                               rtol=1e-9)  # fmt: skip


def test_every_passing_qualitative_row_shows_where_it_would_fail(paper):
    """An independent qualitative row that is reproduced in the paper profile carries a
    computed witness: an admissible alternative under which it is not reproduced."""
    for name, table in paper["tables"].items():
        rows = table[(table["evidence"] == "independent") & (table["kind"] == "qualitative")
                     & (table["verdict"] == "reproduced")]  # fmt: skip
        for _, row in rows.iterrows():
            assert isinstance(row["could_fail_under"], str) and row["could_fail_under"], (
                name, row["id"])  # fmt: skip
            assert row["verdict_there"] == "not reproduced", (name, row["id"], row["value_there"])
