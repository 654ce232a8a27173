"""Parameter studies: analytic checks of each kind, table checks, config checks."""

import copy

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SCHEMA
from quick_workflow import QUICK_RESULTS

from hwiloc.config import ConfigError, validate_config
from hwiloc.io.netcdf import read_dataset
from hwiloc.studies import parameter_studies as ps


def test_shipped_tables_have_the_columns_of_their_kind(paper_config, quick_config):
    for config in (paper_config, quick_config):
        for name, entry in config["studies"].items():
            table = ps.load_table(ROOT / entry["table"], entry["kind"])
            assert len(table) >= 2, name


def test_table_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        ps.load_table(tmp_path / "none.tsv", "saf_mcrb")
    bad = tmp_path / "bad.tsv"
    bad.write_text("offset_std\n0.1\n")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['snr_db'\]"):
        ps.load_table(bad, "saf_mcrb")
    with pytest.raises(ValueError, match="kind must be one of"):
        ps.load_table(bad, "unknown")


def test_wideband_crlb_ratio_does_not_depend_on_bandwidth(paper_config):
    # Closed form (tests/test_bounds.py): with frequency offsets the EFIM is the ideal one
    # times a / (1 + a sigma^2) for every (n, k), so the ratio is sqrt(1 + a sigma^2),
    # whatever the subcarrier frequencies.
    entry = {"num_realizations": 1, "seed": 1}
    a = 2 * 10 ** (paper_config["zhang2025"]["snr_db"] / 10)
    for bw in (18e6, 400e6):
        out = ps.zhang2025_wideband({"bandwidth_hz": bw, "offset_std": 0.5}, entry, paper_config)
        assert out["crlb_ratio"] == pytest.approx(np.sqrt(1 + a * 0.25), rel=1e-9)


def test_a_case_records_its_seed_and_the_streams_of_its_kind(paper_config):
    entry = {"num_realizations": 1, "seed": 1}
    row = {"bandwidth_hz": 18e6, "offset_std": 0.5}
    ds = ps.case_dataset("wideband", "zhang2025_wideband", row, entry, paper_config)
    assert ds.attrs["seed"] == 1
    assert "([seed, r]): frequency_offset (" in ds.attrs["random_streams"]
    assert set(ps.STREAMS) == set(ps.KINDS)


def test_array_spacing_changes_the_aperture_not_the_crlb_ratio(paper_config):
    # Closed form (tests/test_bounds.py): with constant amplitude the spatial-offset EFIM is
    # the ideal one times a scalar that does not depend on the geometry, so the ratio is the
    # same for both spacings, while the larger aperture gives the lower CRLB.
    entry = {"num_realizations": 1, "seed": 3}
    half = ps.zhang2025_array({"num_antennas": 32, "antenna_spacing": 0.0428275, "offset_std": 0.3},
                              entry, paper_config)  # fmt: skip
    wide = ps.zhang2025_array({"num_antennas": 32, "antenna_spacing": 0.07, "offset_std": 0.3},
                              entry, paper_config)  # fmt: skip
    assert half["crlb_ratio"] == pytest.approx(wide["crlb_ratio"], rel=1e-9)
    assert wide["crlb_rmse_ideal"] < half["crlb_rmse_ideal"]
    assert half["pmsr_loss_db"] > 0 and wide["pmsr_loss_db"] > 0


def test_tolerance_bisection_brackets_the_three_db_point(paper_config):
    entry = {"num_realizations": 1, "seed": 5}
    out = ps.chen2022_tolerance(
        {"impairment": "mc", "power_dbm": 30.0}, entry, paper_config, iterations=10
    )
    assert out["status"] == "found"
    system = ps.chen2022.System.from_config(paper_config["chen2022"])
    below = ps.lb_ratio(system, "mc", out["tolerance"] / 1.5, 30.0, 1, 5)
    above = ps.lb_ratio(system, "mc", out["tolerance"] * 1.5, 30.0, 1, 5)
    assert below < ps.THREE_DB < above


def test_saf_mcrb_without_offsets_is_the_crb(paper_config):
    entry = {"num_trials": 2, "seed": 1, "search_halfwidth": 0.05, "search_step": 0.01}
    out = ps.saf_mcrb({"offset_std": 0.0, "snr_db": 0.0}, entry, paper_config)
    assert out["bias"] < 1e-6
    assert out["lb_peb"] == pytest.approx(out["crb_peb_true_model"], rel=1e-4)


def test_study_entries_need_the_fields_of_their_kind(paper_config):
    config = copy.deepcopy(paper_config)
    del config["studies"]["saf_mcrb"]["search_step"]
    config["studies"]["wideband"]["kind"] = "zhang2025_turbo"
    with pytest.raises(ConfigError) as info:
        validate_config(config, SCHEMA)
    assert "studies.wideband.kind': got 'zhang2025_turbo'" in str(info.value)
    config["studies"]["wideband"]["kind"] = "zhang2025_wideband"
    with pytest.raises(ConfigError, match=r"studies.saf_mcrb': missing \['search_step'\]"):
        validate_config(config, SCHEMA)


# --- the quick profile's run (the session's fixture `run`, tests/conftest.py) -----------------

@pytest.mark.integration
def test_parameter_studies_outputs(run):
    s = run / QUICK_RESULTS / "studies"
    for study, rows in (("wideband", 2), ("array_design", 2), ("tolerance", 2), ("saf_mcrb", 2)):
        table = pd.read_csv(s / study / f"{study}.csv")
        assert len(table) == rows
        assert (s / study / f"{study}.png").stat().st_size > 10_000
    case = read_dataset(
        s / "wideband" / "bandwidth_hz~400000000" / "offset_std~0.7853981634" / "case.nc"
    )
    assert case.attrs["row_bandwidth_hz"] == 400000000 and case["crlb_ratio"].attrs["units"] == "1"
    wide = pd.read_csv(s / "wideband" / "wideband.csv").set_index("bandwidth_hz")
    assert wide.loc[400000000, "crlb_ratio"] == pytest.approx(
        wide.loc[18000000, "crlb_ratio"], rel=1e-9
    )
    mcrb = pd.read_csv(s / "saf_mcrb" / "saf_mcrb.csv").set_index("offset_std")
    assert mcrb.loc[0.0, "bias"] < 1e-6 and mcrb.loc[0.2, "bias"] > 1e-3


X_AXIS = {"zhang2025_wideband": "bandwidth_hz", "zhang2025_array": "num_antennas",
          "chen2022_tolerance": "power_dbm", "saf_mcrb": "offset_std"}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(ps.REQUIRED_COLUMNS))
def test_a_study_figure_never_joins_rows_that_differ_in_another_column(kind):
    """Every column of a kind's table may vary: the figure draws one line per value of the
    columns besides its x axis (never one zigzag line through them), and its title names
    no value that only some rows hold."""
    import matplotlib

    matplotlib.use("Agg")
    from hwiloc.studies.figures import FIGURES

    values = {"impairment": ["pn", "cfo"], "status": ["found"]}
    columns = ps.REQUIRED_COLUMNS[kind]
    grid = [dict(zip(columns, combo, strict=True)) for combo in np.array(np.meshgrid(
        *[values.get(c, [1.0, 2.0]) for c in columns], indexing="ij"), dtype=object)
        .reshape(len(columns), -1).T]  # fmt: skip
    rng = np.random.default_rng(0)
    table = pd.DataFrame([{**row, **{k: float(rng.uniform(1, 2)) for k in ps.UNITS},
                           "status": "found"} for row in grid])  # fmt: skip
    fig = FIGURES[kind](table, "demo")
    for ax in fig.axes:
        for line in ax.get_lines():
            x = np.asarray(line.get_xdata(), dtype=float)
            assert len(np.unique(x)) == len(x), (kind, line.get_label())  # no zigzag
    title = fig._suptitle.get_text() if fig._suptitle else fig.axes[0].get_title()
    assert "1.0" not in title and "2.0" not in title and "0.318π" not in title, title
