"""The report of a partial run: what exists is drawn, what does not is listed."""

import subprocess
import sys

import pytest
from conftest import ROOT
from quick_workflow import QUICK, QUICK_RESULTS, snakemake

pytestmark = pytest.mark.integration


def test_a_partial_run_has_a_report_of_what_exists_and_a_list_of_what_does_not(tmp_path):
    target = f"{QUICK_RESULTS}/xlmimo2022/bounds.csv"
    snakemake(tmp_path, target, "--configfile", str(QUICK))
    plain = snakemake(tmp_path, "--report", "plain.html", "--configfile", str(QUICK), check=False)
    assert plain.returncode == 0, plain.stderr[-3000:]  # it refused a partial run before
    first_page = (tmp_path / "plain.html").read_text()
    assert "A partial run." in first_page
    assert f"{QUICK_RESULTS}/xlmimo2022/figures/fig1.png" in first_page  # listed as not made
    args = ["--", "--snakefile", str(ROOT / "Snakefile"), "--configfile", str(QUICK)]
    result = subprocess.run([sys.executable, "-m", "hwiloc", "report", "partial.html", *args],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "partial.html").stat().st_size > 100_000
    assert "not made yet:" in result.stdout and "missing: results/quick/" in result.stdout
    assert "make them with: snakemake --cores all" in result.stdout
    html = (tmp_path / "partial.html").read_text()
    assert "xlmimo2022" in html
