"""Bad input is refused before the first job, clearly, and never turns into silent garbage.

The cases live in tests/bad_inputs.py (``python tests/bad_inputs.py`` prints
the tally per category). Here: each case as a test, a few through the real
``snakemake --dry-run``, property-based mutations of the config and random
corruptions of a capture (hypothesis), and the leftovers of a killed write.
"""

import copy
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import yaml
from bad_inputs import (
    CAPTURE_CASES,
    CONFIG_CASES,
    LIBRARY_CASES,
    STUDY_CASES,
    capture_outcome,
    config_outcome,
    grid,
    kuleuven_folder,
    library_outcome,
    quick_config,
    study_outcome,
    write_declared_symbols,
    write_netcdf,
)
from conftest import ROOT, SCHEMA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwiloc.config import (
    ConfigError,
    check_workflow_config,
    coerce_numeric_strings,
    validate_config,
    workflow_schema,
)
from hwiloc.io.csi import CaptureError, open_kuleuven_capture, open_netcdf_capture
from hwiloc.ofdm import OfdmGrid


@pytest.fixture(scope="module")
def base():
    return quick_config()


@pytest.mark.parametrize("override, key", CONFIG_CASES, ids=[str(c[0])[:60] for c in CONFIG_CASES])
def test_bad_config_value_is_refused_naming_its_key(base, override, key):
    outcome, message = config_outcome(override, key, base)
    assert outcome == "before", message


@pytest.mark.parametrize("kind, text, fragment", STUDY_CASES, ids=[c[2] for c in STUDY_CASES])
def test_bad_study_table_cell_is_refused(base, tmp_path, kind, text, fragment):
    outcome, message = study_outcome(kind, text, fragment, tmp_path, base)
    assert outcome == "before", message
    assert "line" in message or "column" in message or "rows" in message or "empty" in message


@pytest.mark.parametrize("name, build, fragment", CAPTURE_CASES, ids=[c[0] for c in CAPTURE_CASES])
def test_bad_capture_is_refused_naming_the_file(tmp_path, name, build, fragment):
    outcome, message = capture_outcome(build, fragment, tmp_path)
    assert outcome in ("before", "in_job"), message
    content = {  # only a scan of the samples finds these; the rest fail at the header check
        "NaN csi sample", "all-zero symbol", "all-zero capture", "kuleuven NaN sample",
        "kuleuven zero sample", "10^7 declared symbols, one written",
    }  # fmt: skip
    assert outcome == ("in_job" if name in content else "before"), message


@pytest.mark.parametrize("name, call, expected", LIBRARY_CASES, ids=[c[0] for c in LIBRARY_CASES])
def test_library_edge_case_raises_or_warns(name, call, expected):
    outcome, message = library_outcome(call, expected)
    assert outcome == "in_job", message


# --- the real dry run: refused before any job, key in the message, no traceback -----------
def dry_run(workdir, *args):
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"),
           "--directory", str(workdir), "--cores", "1", "--dry-run",
           "--configfile", str(ROOT / "config" / "quick.yaml"), *args]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _refused(result, *fragments):
    text = result.stdout + result.stderr
    assert result.returncode != 0, text[-2000:]
    assert "Traceback" not in text, text[-3000:]
    for fragment in fragments:
        assert fragment in text, text[-3000:]


@pytest.mark.integration
def test_dry_run_refuses_bad_values_from_files_and_the_command_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"zhang2052": {"snr_db": 5}, "chen2022": {"montecarlo": {
        "num_shards": 9}}}))  # fmt: skip
    _refused(dry_run(tmp_path, str(bad)), "unknown key(s) ['zhang2052']",
             "config key 'chen2022.montecarlo.num_shards': got 9")  # fmt: skip
    # --config delivers "1" where config.yaml has 1: the override merges into one key
    result = dry_run(tmp_path, "--config",
                     'chen2022={"impairments": {"pa_coefficients": {"1": [0, 0]}}}')  # fmt: skip
    _refused(result, "config key 'chen2022.impairments.pa_coefficients'", "linear term")
    result = dry_run(tmp_path, "--config", 'zhang2025={"ue_position": [1.0, 0.0]}')
    _refused(result, "config key 'zhang2025.ue_position': got [1.0, 0.0]")
    table = tmp_path / "array.tsv"
    table.write_text("num_antennas\tantenna_spacing\toffset_std\n2.5\t0.07\t1e6\n")
    result = dry_run(tmp_path, "--config", f'studies={{"array_design": {{"table": "{table}"}}}}')
    _refused(result, "config key 'studies.array_design.table'", "column 'num_antennas': got 2.5")
    assert not (tmp_path / "results").exists()


@pytest.mark.integration
def test_dry_run_accepts_a_numeric_key_override_and_refuses_a_bad_capture_header(tmp_path):
    override = 'chen2022={"impairments": {"pa_coefficients": {"1": [0.9, 0.0]}}}'
    result = dry_run(tmp_path, "--config", override)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    folder = tmp_path / "captures"
    folder.mkdir()
    grid = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=180e3, num_subcarriers=100)
    write_netcdf(folder / "a.nc", csi=np.ones((64, 100, 10)) + 0j, frequencies=grid.frequencies)
    write_netcdf(folder / "b.nc", csi=np.ones((64, 100, 10), dtype=np.float32))
    override = tmp_path / "netcdf.yaml"
    override.write_text(yaml.safe_dump({"zhang2025": {"measured": {
        "source": "netcdf", "calibration_capture": "a", "num_symbols": 10,
        "netcdf": {"path": str(folder), "captures": ["a", "b"]}}}}))  # fmt: skip
    _refused(dry_run(tmp_path, str(override)), "b.nc: csi must be complex")


# --- hypothesis: random mutations of a valid config ------------------------------------
def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(node, list) and node and not isinstance(node[0], dict | list):
        yield path
        for i, v in enumerate(node):
            yield from _leaves(v, path + (i,))
    else:
        yield path


VALID = quick_config()
LEAVES = [p for p in _leaves(VALID) if p]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
    st.lists(st.floats(-10, 10), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(),
                                                              max_size=2),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(LEAVES), st.sampled_from(["set", "delete", "add"]), VALUES),
        min_size=1,
        max_size=3,
    )
)
def test_a_mutated_config_validates_or_raises_config_error(mutations):
    config = copy.deepcopy(VALID)
    for path, action, value in mutations:
        node = config
        for part in path[:-1]:
            if not isinstance(node, dict | list):
                break
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            if isinstance(node, dict):
                if action == "delete":
                    node.pop(last, None)
                elif action == "add":
                    node[f"{last}_typo"] = value
                else:
                    node[last] = value
            elif isinstance(node, list) and isinstance(last, int) and last < len(node):
                node[last] = value
    try:
        check_workflow_config(config, ROOT)  # what the Snakefile runs, study tables included
    except ConfigError:
        pass


# --- hypothesis: random corruptions of a small capture -----------------------------------
@pytest.fixture(scope="module")
def good_capture(tmp_path_factory):
    path = write_netcdf(tmp_path_factory.mktemp("capture") / "good.nc")
    return path.read_bytes()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cut=st.one_of(st.none(), st.floats(0.0, 1.0)),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=8),
)
# h5netcdf's File.__del__ trips over a File whose __init__ failed (its own noise, not ours)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_corrupted_capture_reads_or_raises_capture_error_naming_the_file(
    tmp_path, good_capture, cut, flips
):
    data = bytearray(good_capture)
    for where, byte in flips:
        data[min(int(where * len(data)), len(data) - 1)] = byte
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = tmp_path / "corrupt.nc"
    path.write_bytes(bytes(data))
    try:
        capture = open_netcdf_capture(path, "c")
        capture.check(capture.num_symbols)
    except CaptureError as error:
        assert str(path) in str(error)


@pytest.fixture(scope="module")
def good_folder(tmp_path_factory):
    folder = kuleuven_folder(tmp_path_factory.mktemp("kuleuven"))
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.npy")}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    which=st.integers(0, 6),
    cut=st.one_of(st.none(), st.floats(0.0, 1.0)),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=6),
)
def test_a_corrupted_kuleuven_folder_reads_or_raises_capture_error_naming_the_file(
    tmp_path_factory, good_folder, which, cut, flips
):
    folder = tmp_path_factory.mktemp("spoiled")
    names = sorted(good_folder, key=str)
    for name, data in good_folder.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        data = bytearray(data)
        if name == names[which]:
            for where, byte in flips:
                data[min(int(where * len(data)), len(data) - 1)] = byte
            if cut is not None:
                data = data[: int(cut * len(data))]
        (folder / name).write_bytes(bytes(data))
    try:
        capture = open_kuleuven_capture(folder, 0, 5, grid(), name="k")
        capture.check(capture.num_symbols)
    except CaptureError as error:
        assert str(folder) in str(error)


# --- large captures: bounded time, progress -----------------------------------------------
def test_a_capture_declaring_ten_million_symbols_is_refused_quickly(tmp_path):
    path = write_declared_symbols(tmp_path / "huge.nc", 10**7)
    capture = open_netcdf_capture(path, "huge")
    assert capture.num_symbols == 10**7
    start = time.monotonic()
    with pytest.raises(CaptureError, match="huge.nc: symbol 1 of capture 'huge' is all zero"):
        capture.check(capture.num_symbols, chunk_symbols=4096)
    assert time.monotonic() - start < 10


def test_a_long_scan_reports_its_progress(tmp_path):
    rng = np.random.default_rng(3)
    csi = rng.standard_normal((4, 6, 2000)) + 1j
    capture = open_netcdf_capture(write_netcdf(tmp_path / "long.nc", csi=csi), "long")
    messages = []
    capture.check(2000, chunk_symbols=500, progress=messages.append, every_seconds=0.0)
    assert [m.split("checked ")[1].split(" of")[0] for m in messages] == [
        "500", "1000", "1500", "2000"
    ]  # fmt: skip
    assert all("long.nc" in m and "of 2000 symbols" in m for m in messages)


# --- config details -------------------------------------------------------------------------
def test_integer_and_string_keys_of_one_mapping_merge_into_one():
    merged = {"1": [0.9, 0.0], 1: [1.0, 0.0], 3: [-0.002, 0.0]}  # what Snakemake's merge gives
    assert coerce_numeric_strings({"pa": merged}) == {"pa": {"1": [0.9, 0.0], "3": [-0.002, 0.0]}}
    config = copy.deepcopy(VALID)
    config["chen2022"]["impairments"]["pa_coefficients"] = {"1": [1.0, 0.0], True: [0.1, 0.0]}
    with pytest.raises(ConfigError, match="key True is a bool; expected a string"):
        validate_config(config, SCHEMA)


def test_a_new_section_is_one_schema_entry():
    schema = workflow_schema(SCHEMA)
    config = copy.deepcopy(VALID)
    config["newstudy2030"] = {"num_antennas": 256}
    with pytest.raises(ConfigError, match=r"unknown key\(s\) \['newstudy2030'\]"):
        validate_config(config, schema)
    schema["properties"]["newstudy2030"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"num_antennas": {"type": "integer", "minimum": 2}},
    }
    validate_config(config, schema)
    config["newstudy2030"]["region"] = {"x_min": 1.0, "x_max": 0.0, "y_min": 0.0, "y_max": 1.0}
    schema["properties"]["newstudy2030"]["properties"]["region"] = {"type": "object"}
    with pytest.raises(ConfigError, match=r"'newstudy2030.region': x_min=1.0 must be < x_max=0.0"):
        validate_config(config, schema)  # the generic region check covers it


# --- a killed write leaves a hidden temporary file; the next write removes it -----------
def test_the_temporary_file_of_a_killed_write_is_removed_by_the_next_one(tmp_path):
    from hwiloc.io.atomic import atomic_path, stale_temporaries

    target = tmp_path / "out" / "result.nc"
    script = textwrap.dedent(f"""
        import os, signal
        from hwiloc.io.atomic import atomic_path
        with atomic_path({str(target)!r}) as tmp:
            open(tmp, "w").write("half")
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert result.returncode == -signal.SIGKILL
    left = stale_temporaries(target)
    assert len(left) == 1 and os.path.basename(left[0]).startswith(".result.nc.")
    assert not target.exists()
    other = tmp_path / "out" / "result.nc.md"  # a different target's temporaries are kept
    (tmp_path / "out" / ".result.nc.md.abcdefgh.tmp").write_text("x")
    with atomic_path(target) as tmp:
        open(tmp, "w").write("whole")
    assert target.read_text() == "whole"
    assert stale_temporaries(target) == []
    assert len(stale_temporaries(other)) == 1
