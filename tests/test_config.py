"""Config validation: the shipped profiles pass; bad values are refused by name."""

import copy
import math
from pathlib import Path

import pytest
from conftest import SCHEMA

from hwiloc.config import ConfigError, validate_config, workflow_schema


def test_shipped_profiles_are_valid(paper_config, quick_config):
    validate_config(paper_config, SCHEMA)
    validate_config(quick_config, SCHEMA)


def _refused(config, *fragments):
    with pytest.raises(ConfigError) as info:
        validate_config(config, SCHEMA)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


@pytest.mark.parametrize(
    "path, value, fragments",
    [
        (("system", "num_antennas"), -4, ["zhang2025.system.num_antennas", "-4", ">= 2"]),
        (("crlb", "num_antennas", 0), 0, ["zhang2025.crlb.num_antennas[0]", ">= 2"]),
        (("saf", "cases", "fig5", "offset_std"), "abc", ["fig5.offset_std", "'abc'", "number"]),
        (
            ("saf", "cases", "fig6", "offset_type"),
            "thermal",
            ["offset_type", "'thermal'", "spatial"],
        ),
        (("snr_db",), math.nan, ["zhang2025.snr_db", "nan", "finite"]),
        (("pmsr_sweep", "offset_std", 1), -0.5, ["pmsr_sweep.offset_std[1]", ">= 0"]),
        (("amplitude_model",), "rayleigh", ["amplitude_model", "constant", "free_space"]),
        (("saf", "main_lobe_radius"), 0.0, ["main_lobe_radius", "> 0"]),
    ],
)
def test_bad_values_are_refused_with_key_value_and_allowed(paper_config, path, value, fragments):
    config = copy.deepcopy(paper_config)
    node = config["zhang2025"]
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    _refused(config, *fragments)


def test_unknown_and_missing_keys(paper_config):
    config = copy.deepcopy(paper_config)
    config["zhang2025"]["snr"] = 3
    del config["zhang2025"]["ue_position"]
    _refused(config, "unknown key(s) ['snr']", "missing required key(s) ['ue_position']")


def test_relations_between_values(paper_config):
    config = copy.deepcopy(paper_config)
    config["zhang2025"]["saf"]["region"]["x_min"] = 20.0
    _refused(config, "zhang2025.saf.region", "x_min=20.0 must be < x_max=19.0")
    config = copy.deepcopy(paper_config)
    config["zhang2025"]["pmsr_sweep"]["num_shards"] = 150
    _refused(config, "num_shards", "at most num_realizations = 100")


def test_numeric_strings_from_the_command_line_become_numbers(paper_config):
    from hwiloc.config import coerce_numeric_strings

    assert coerce_numeric_strings({"a": {"b": "5", "c": "-1.5e+3", "d": ["2", "x"]}}) == {
        "a": {"b": 5, "c": -1500.0, "d": [2, "x"]}
    }
    config = copy.deepcopy(paper_config)
    config["zhang2025"]["snr_db"] = "5.0"
    validate_config(coerce_numeric_strings(config), SCHEMA)
    config["zhang2025"]["snr_db"] = "five"
    _refused(coerce_numeric_strings(config), "zhang2025.snr_db", "'five'")


def test_measured_stage_relations(paper_config):
    config = copy.deepcopy(paper_config)
    config["zhang2025"]["measured"]["calibration_capture"] = "cap9"
    _refused(config, "calibration_capture': got 'cap9'", "['cap0', 'cap1', 'cap2', 'cap3']")
    config = copy.deepcopy(paper_config)
    config["zhang2025"]["measured"]["source"] = "kuleuven"
    _refused(config, "zhang2025.measured.kuleuven.captures': empty",
             "zhang2025.measured.kuleuven.path': empty")  # fmt: skip
    config = copy.deepcopy(paper_config)
    config["zhang2025"]["measured"]["evaluation_captures"] = ["cap1", "capX"]
    _refused(config, "evaluation_captures': unknown capture(s) ['capX']")
    config = copy.deepcopy(paper_config)
    config["zhang2025"]["measured"]["kuleuven"]["captures"] = {"a": {"first_sample": -1}}
    _refused(config, "kuleuven.captures.a", "missing required key(s) ['num_samples']")


def test_evaluation_captures_always_include_the_calibration_capture(paper_config):
    from hwiloc.papers.zhang2025.hooks import evaluation_captures

    measured = copy.deepcopy(paper_config["zhang2025"]["measured"])
    assert evaluation_captures(measured) == ["cap0", "cap1", "cap2", "cap3"]
    measured["evaluation_captures"] = ["cap2"]
    assert evaluation_captures(measured) == ["cap0", "cap2"]


def test_a_key_given_twice_is_refused_with_its_file_and_line(tmp_path):
    from hwiloc.config import load_config, read_yaml_strictly

    path = tmp_path / "my.yaml"
    path.write_text("zhang2025:\n  snr_db: 5\n  crlb: {}\n  snr_db: 6\n")
    with pytest.raises(ConfigError, match=rf"{path}, line 4: key 'snr_db' is given twice "
                                          r"\(first at line 2\)"):  # fmt: skip
        load_config(path)
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")  # a BOM
    assert read_yaml_strictly(path) == {"a": 1}


def test_integral_floats_become_the_integers_the_schema_asks_for(paper_config):

    from hwiloc.config import coerce_integers

    schema = workflow_schema(SCHEMA)
    config = copy.deepcopy(paper_config)
    config["chen2022"]["montecarlo"]["num_shards"] = 2.0
    config["zhang2025"]["saf"]["cases"]["fig5"]["seed"] = 4.0
    validate_config(config, schema)  # JSON Schema counts 2.0 as an integer
    out = coerce_integers(config, schema)
    assert type(out["chen2022"]["montecarlo"]["num_shards"]) is int
    assert type(out["zhang2025"]["saf"]["cases"]["fig5"]["seed"]) is int
    assert out["zhang2025"]["snr_db"] == config["zhang2025"]["snr_db"]  # a number stays
    config["chen2022"]["montecarlo"]["num_shards"] = 2.5
    _refused(config, "chen2022.montecarlo.num_shards")


def test_a_study_table_with_a_bom_reads_its_first_column(tmp_path, paper_config):
    import yaml

    from hwiloc.config import study_table_problems
    from hwiloc.studies.table import load_table

    schema = yaml.safe_load((SCHEMA.parent / "study_tables.schema.yaml").read_text())
    source = SCHEMA.parents[2] / "config" / "studies" / "zhang2025_wideband.tsv"
    table = tmp_path / "bom.tsv"
    table.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert study_table_problems(table, "zhang2025_wideband", schema, paper_config) == []
    assert "bandwidth_hz" in load_table(table, "zhang2025_wideband").columns


def test_the_config_command_prints_the_merged_config_commented(capsys, monkeypatch):
    """python -m hwiloc config: for the paper profile, every file's text (comments and all)
    whose union is the merged config; for the quick profile, the merged values, each
    section headed by the files it came from."""
    import yaml

    from hwiloc.config import coerce_numeric_strings, default_config, main
    from hwiloc.plugins import plugins

    monkeypatch.chdir(SCHEMA.parents[2])  # the repository root: its config/
    assert main([]) == 0
    text = capsys.readouterr().out
    assert coerce_numeric_strings(yaml.safe_load(text)) == default_config("paper", "config")
    for plugin in plugins():
        assert plugin.config_file.read_text().strip() in text  # its comments too
    assert main(["--configfile", "config/quick.yaml"]) == 0
    text = capsys.readouterr().out
    assert coerce_numeric_strings(yaml.safe_load(text)) == default_config("quick", "config")
    assert "then src/hwiloc/papers/" in text and "/quick.yaml" in text


def test_the_default_config_is_the_workflows_and_follows_the_profile(paper_config):
    """default_config merges each plugin's defaults and a profile's overrides as the
    Snakefile does; every plugin's section is there, and the quick one differs."""
    from hwiloc.config import default_config
    from hwiloc.plugins import plugin_names

    sections = default_config()
    assert set(sections) == set(plugin_names())
    assert {k: paper_config[k] for k in plugin_names()} == sections
    quick = default_config("quick")
    assert quick != sections and set(quick) == set(sections)


def test_yaml_merge_keys_are_read_and_a_repeated_key_is_still_refused(tmp_path):
    """`<<: *base` merges a mapping (its keys may be overridden, as YAML says); a key the
    mapping itself gives twice is still refused with its line."""
    from hwiloc.config import read_yaml_strictly

    merged = tmp_path / "merge.yaml"
    merged.write_text("base: &b {num_trials: 4, num_shards: 2}\nmc:\n  <<: *b\n  num_trials: 6\n")
    assert read_yaml_strictly(merged)["mc"] == {"num_trials": 6, "num_shards": 2}
    twice = tmp_path / "twice.yaml"
    twice.write_text("base: &b {a: 1}\nmc:\n  <<: *b\n  b: 2\n  b: 3\n")
    with pytest.raises(ConfigError, match="line 5: key 'b' is given twice"):
        read_yaml_strictly(twice)


def test_read_yaml_reads_every_yaml_file_of_the_project_as_safe_load_does():
    import yaml

    from hwiloc.config import read_yaml

    root = Path(__file__).resolve().parents[1]
    files = [f for d in ("config", "src", "workflow") for f in (root / d).rglob("*.y*ml")]
    assert len(files) > 20
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text()), path
