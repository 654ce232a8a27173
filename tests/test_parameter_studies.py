"""Parameter studies: analytic checks of each kind, table checks, config checks."""

import copy
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SCHEMA
from quick_workflow import QUICK_RESULTS

from hwiloc.config import ConfigError, validate_config
from hwiloc.io.netcdf import read_dataset
from hwiloc.studies import parameter_studies as ps
from hwiloc.studies import table as st
from hwiloc.studies.hooks import REQUIRED_COLUMNS


def test_shipped_tables_have_the_columns_of_their_kind(paper_config, quick_config):
    for config in (paper_config, quick_config):
        for name, entry in config["studies"].items():
            table = st.load_table(ROOT / entry["table"], entry["kind"])
            assert len(table) >= 2, name


def test_table_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        st.load_table(tmp_path / "none.tsv", "saf_mcrb")
    bad = tmp_path / "bad.tsv"
    bad.write_text("offset_std\n0.1\n")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['snr_db'\]"):
        st.load_table(bad, "saf_mcrb")
    with pytest.raises(ValueError, match="kind must be one of"):
        st.load_table(bad, "unknown")


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
    rows = pd.DataFrame({"bandwidth_hz": [18e6], "offset_std": [0.5]})
    ds = ps.chunk_dataset("wideband", "zhang2025_wideband", rows, entry, paper_config)
    assert ds.attrs["seed"] == 1
    assert "([seed, r]): frequency_offset (" in ds.attrs["random_streams"]
    assert set(ps.STREAMS) == set(ps.KINDS) | set(ps.BATCH_KINDS) == set(REQUIRED_COLUMNS)
    assert set(ps.REFERENCES) == set(ps.STREAMS)  # every kind names its equations


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

def _study(run, name):
    """A study's folder in a run (its one study_key~<key> folder)."""
    (folder,) = (run / QUICK_RESULTS / "studies" / name).glob("study_key~*")
    return folder


@pytest.mark.integration
def test_parameter_studies_outputs(run):
    for study in ("wideband", "array_design", "tolerance", "saf_mcrb", "crlb_map"):
        folder = _study(run, study)
        table = pd.read_csv(folder / f"{study}.csv")
        assert len(table) == 2
        assert len(list((folder / "chunks").glob("chunk~*.nc"))) == 2  # chunk_rows 1
        assert (folder / f"{study}.png").stat().st_size > 10_000
        gathered = read_dataset(folder / f"{study}.nc")  # every row, typed, with units
        assert gathered.sizes["row"] == 2
        assert folder.name == f"study_key~{gathered.attrs['study_key']}"
        for name in [*gathered.coords, *gathered.data_vars]:
            assert "units" in gathered[name].attrs, (study, name)
    wide = read_dataset(_study(run, "wideband") / "wideband.nc")
    assert wide["bandwidth_hz"].dtype == np.int64 and wide["crlb_ratio"].attrs["units"] == "1"
    ratio = dict(zip(wide["bandwidth_hz"].values, wide["crlb_ratio"].values, strict=True))
    assert ratio[400000000] == pytest.approx(ratio[18000000], rel=1e-9)
    mcrb = pd.read_csv(_study(run, "saf_mcrb") / "saf_mcrb.csv").set_index("offset_std")
    assert mcrb.loc[0.0, "bias"] < 1e-6 and mcrb.loc[0.2, "bias"] > 1e-3


def _jobs(result) -> dict[str, int]:
    """Job counts of a dry run's 'Job stats' table."""
    text = result.stdout + result.stderr
    assert result.returncode == 0, text[-3000:]
    stats = text.split("Job stats:")[1].split("Reasons:")[0] if "Job stats:" in text else ""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M)}


@pytest.mark.integration
def test_added_rows_rerun_only_their_chunks_and_a_read_value_moves_the_study(run, tmp_path):
    """On the quick run: a table with one row more runs one chunk (and the gathering job);
    a changed value the study reads (zhang2025.snr_db) makes a new study folder, so the
    run's files are not overwritten."""
    table = tmp_path / "crlb.tsv"
    table.write_text((ROOT / "config/studies/quick/zhang2025_crlb_map.tsv").read_text()
                     + "3\t2\tspatial\t0.1\n")  # fmt: skip

    def dry(*config):
        cmd = [sys.executable, "-m", "snakemake", "study_crlb_map", "--snakefile",
               str(ROOT / "Snakefile"), "--directory", str(run), "--cores", "1", "-n",
               "--configfile", str(ROOT / "config" / "quick.yaml"), "--config", *config]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300)  # fmt: skip

    grown = _jobs(dry(f'studies={{"crlb_map": {{"table": "{table}"}}}}'))
    assert grown == {"study_crlb_map_chunk": 1, "study_crlb_map": 1, "total": 2}, grown
    moved = dry('zhang2025={"snr_db": 3.0}')
    assert _jobs(moved)["study_crlb_map_chunk"] == 2
    old = _study(run, "crlb_map").name
    assert f"crlb_map/{old}/" not in moved.stdout and "crlb_map/study_key~" in moved.stdout


X_AXIS = {"zhang2025_wideband": "bandwidth_hz", "zhang2025_array": "num_antennas",
          "chen2022_tolerance": "power_dbm", "saf_mcrb": "offset_std",
          "zhang2025_crlb": "ue_x"}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(REQUIRED_COLUMNS))
def test_a_study_figure_never_joins_rows_that_differ_in_another_column(kind):
    """Every column of a kind's table may vary: the figure draws one line per value of the
    columns besides its x axis (never one zigzag line through them), and its title names
    no value that only some rows hold."""
    import matplotlib

    matplotlib.use("Agg")
    from hwiloc.studies.figures import FIGURES

    values = {"impairment": ["pn", "cfo"], "status": ["found"],
              "offset_type": ["frequency", "spatial"]}  # fmt: skip
    columns = REQUIRED_COLUMNS[kind]
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


# --- chunks, keys and the table screen ---------------------------------------------------
def _map_table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"ue_x": rng.uniform(-5, 5, n).round(3), "ue_y": rng.uniform(0.5, 5, n)
                         .round(3), "offset_type": rng.choice(["none", "spatial"], n),
                         "offset_std": rng.uniform(0, 1, n).round(4)})  # fmt: skip


def test_chunks_hold_every_row_once_in_order_and_average_chunk_rows():
    table = _map_table(20_000)
    chunks = st.chunk_table(table, 100)
    joined = pd.concat(chunks.values())
    pd.testing.assert_frame_equal(joined, table)
    sizes = np.array([len(c) for c in chunks.values()])
    assert sizes.max() <= 200 and 80 <= sizes.mean() <= 125, (sizes.mean(), sizes.max())
    assert all(len(name) == 16 for name in chunks)
    assert len(st.chunk_table(table.iloc[:50], 1)) == 50  # chunk_rows 1: a row per chunk
    with pytest.raises(ValueError, match="chunk_rows must be >= 1"):
        st.chunk_table(table, 0)


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_an_inserted_row_changes_only_the_chunk_it_falls_in(where):
    """Content-defined chunking: chunks before and after the new row keep their names."""
    table = _map_table(5000)
    before = st.chunk_table(table, 50)
    at = {"start": 0, "middle": 2500, "end": 5000}[where]
    new = pd.concat([table.iloc[:at], _map_table(1, seed=9), table.iloc[at:]], ignore_index=True)
    after = st.chunk_table(new, 50)
    assert len(set(after) - set(before)) == 1 and len(set(before) - set(after)) <= 1
    removed = st.chunk_table(table.drop(index=2500).reset_index(drop=True), 50)
    assert len(set(removed) - set(before)) <= 1 and len(set(before) - set(removed)) == 1


def test_a_row_is_named_by_its_typed_values():
    a = pd.DataFrame({"offset_std": [16.0, 0.5], "snr_db": [1, 2]})
    b = pd.DataFrame({"offset_std": [16, 0.5], "snr_db": [1, 2]})  # 16 in a float column
    assert list(st.chunk_table(a, 1)) == list(st.chunk_table(b, 1))
    assert st.row_keys(a)[0] == "offset_std=16.0\tsnr_db=1"


def test_the_study_key_follows_what_the_results_read_and_nothing_else():
    entry = {"kind": "zhang2025_crlb", "table": "a.tsv", "seed": 1, "chunk_rows": 10}
    cfg = {"zhang2025": {"snr_db": 9.0}}
    key = st.study_key("zhang2025_crlb", entry, cfg)
    assert st.study_key("zhang2025_crlb", {**entry, "table": "b.tsv", "chunk_rows": 3}, cfg) == key
    assert st.study_key("zhang2025_crlb", {**entry, "seed": 2}, cfg) != key
    assert st.study_key("zhang2025_crlb", entry, {"zhang2025": {"snr_db": 8.0}}) != key
    assert len(key) == 12


def _direct_problems(path, kind, schema):
    """The direct check the screen stands in for: every row typed and validated (the
    implementation before the screen), repeats by their text, the problems by line."""
    import csv

    from jsonschema import Draft202012Validator

    from hwiloc.config import _cell_problems

    row_schema = {"$defs": schema.get("$defs", {}), **schema["kinds"][kind]}
    validator = Draft202012Validator(row_schema)
    with open(path, newline="", encoding="utf-8-sig") as f:
        lines = [line for line in csv.reader(f, delimiter="\t") if any(c.strip() for c in line)]
    header, problems, seen = [c.strip() for c in lines[0]], [], {}
    for number, line in enumerate(lines[1:], start=2):
        if len(line) != len(header):
            problems.append(f"line {number}: {len(line)} cell(s)")
            continue
        problems += [f"line {number}, {p}" for p in _cell_problems(line, header, validator)]
        if tuple(line) in seen:
            problems.append(f"line {number}: repeats line {seen[tuple(line)]}")
        seen.setdefault(tuple(line), number)
    return problems


@pytest.mark.parametrize("kind", sorted(REQUIRED_COLUMNS))
def test_the_vectorized_table_screen_finds_what_the_direct_check_finds(kind, tmp_path,
                                                                       monkeypatch):
    """Random tables with every kind of bad cell: the screened check reports exactly the
    direct check's problems (the slow reference, every row through jsonschema)."""
    import yaml

    from hwiloc import config as config_module
    from hwiloc.config import study_table_problems

    schema = yaml.safe_load((ROOT / "workflow/schemas/study_tables.schema.yaml").read_text())
    columns = REQUIRED_COLUMNS[kind]
    good = {"impairment": ["pn", "cfo", "mc", "pa"], "offset_type": ["none", "spatial"],
            "num_antennas": ["16", "64", "8.0"]}  # fmt: skip
    bad = ["", "NA", "abc", "-1", "inf", "1e9", "2.5", "nan", "1_0", " 3 ", "+.5", "0x1"]
    rng = np.random.default_rng(hash(kind) % 2**32)
    lines = ["\t".join(columns)]
    for i in range(400):
        cells = [rng.choice(good.get(c, ["0.1", "0.25", "1", "3e-1", "0"])) for c in columns]
        if i % 3 == 0:
            cells[rng.integers(len(cells))] = str(rng.choice(bad))
        if i % 50 == 7:
            cells = cells[:-1]
        lines.append("\t".join(cells))
    path = tmp_path / "t.tsv"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(config_module, "MAX_LINES_REPORTED", 10**6)
    screened = study_table_problems(path, kind, schema, {}, ())
    direct = _direct_problems(path, kind, schema)
    assert len(direct) > 40

    def short(problem):
        return problem.split(f"study table {path}, ")[-1].split("; expected")[0].split(
            " (the same case)")[0]  # fmt: skip

    assert [short(p) for p in screened] == [short(p) for p in direct]


def test_a_table_wrong_throughout_names_its_first_lines(tmp_path):
    import yaml

    from hwiloc.config import MAX_LINES_REPORTED, study_table_problems

    schema = yaml.safe_load((ROOT / "workflow/schemas/study_tables.schema.yaml").read_text())
    path = tmp_path / "t.tsv"
    path.write_text("offset_std\tsnr_db\n" + "".join(f"-{i}\t0\n" for i in range(1, 500)))
    problems = study_table_problems(path, "saf_mcrb", schema, {}, ())
    assert len(problems) == MAX_LINES_REPORTED + 1
    assert problems[-1].endswith(f"and {499 - MAX_LINES_REPORTED} more line(s) with problems")


def test_a_chunk_gives_its_rows_numbers_one_by_one(paper_config):
    """chunk_dataset over rows at once equals each row alone, and the CRLB map equals
    Scenario.crlb_rmse at each row's position (the direct call)."""
    from dataclasses import replace

    from hwiloc.papers.zhang2025.system import Scenario

    cfg = {"zhang2025": paper_config["zhang2025"]}
    rows = pd.DataFrame({"ue_x": [-2.0, -2.0, 1.5, 1.5], "ue_y": [1.0, 1.0, 3.0, 3.0],
                         "offset_type": ["frequency", "spatial", "none", "spatial"],
                         "offset_std": [0.3, 0.7, 0.0, 0.2]})  # fmt: skip
    entry = {"seed": 1}
    whole = ps.chunk_dataset("m", "zhang2025_crlb", rows, entry, cfg)
    alone = [ps.chunk_dataset("m", "zhang2025_crlb", rows.iloc[[i]], entry, cfg)
             for i in range(len(rows))]  # fmt: skip
    one_by_one = np.concatenate([a["crlb_rmse"].values for a in alone])
    np.testing.assert_array_equal(whole["crlb_rmse"].values, one_by_one)
    base = Scenario.from_config(cfg["zhang2025"])
    for i, row in rows.iterrows():
        at = replace(base, ue_position=(row.ue_x, row.ue_y))
        assert whole["crlb_rmse"].values[i] == pytest.approx(
            float(at.crlb_rmse(row.offset_type, row.offset_std)), rel=1e-12)
    assert list(whole["row"].values) == [0, 1, 2, 3]
    assert "units" in whole["offset_type"].attrs and whole["ue_x"].attrs["units"] == "m"
    gathered = ps.gather_chunks(alone, "m", "zhang2025_crlb", "0")
    np.testing.assert_array_equal(gathered["crlb_rmse"].values, whole["crlb_rmse"].values)
    assert list(ps.study_table(gathered).columns[:4]) == list(rows.columns)


def test_the_required_columns_are_the_row_schemas():
    """hooks.REQUIRED_COLUMNS (read at DAG build, where the schema is not loaded) states each
    kind's row schema's ``required`` list, in its order: a new kind edits both, and this
    keeps them one."""
    import yaml

    schema = yaml.safe_load((ROOT / "workflow/schemas/study_tables.schema.yaml").read_text())
    assert {k: tuple(v["required"]) for k, v in schema["kinds"].items()} == REQUIRED_COLUMNS
