"""Result files that are corrupt, truncated, mislabelled or undescribed are found and named."""

import os
import shutil

import numpy as np
import pytest
import xarray as xr

from hwiloc.io.netcdf import CorruptResultError, finalize, read_dataset, write_dataset
from hwiloc.verify import main, path_keys, verify


def _result(path, snr_db=9.75):
    ds = xr.Dataset({"error": (("x",), np.random.default_rng(0).random(20000))},
                    coords={"x": np.arange(20000.0)})  # fmt: skip
    ds.attrs["snr_db"] = snr_db
    ds = finalize(ds, title="t", study="zhang2025", rule="r", references="eq. (1)",
                  config={"crlb": {"offset_std": [0.1]}})  # fmt: skip
    return write_dataset(ds, path)


@pytest.fixture
def results(tmp_path):
    root = tmp_path / "results"
    good = _result(root / "zhang2025/crlb/snr_db~9.75/offset_type~frequency/crlb.nc")
    return root, good


def test_16_kb_overwritten_at_the_same_size_is_an_error_naming_the_file(results):
    root, good = results
    data = bytearray(good.read_bytes())
    size = len(data)
    data[size // 2 : size // 2 + 16384] = os.urandom(16384)
    good.write_bytes(bytes(data))
    assert good.stat().st_size == size
    with pytest.raises(CorruptResultError, match=rf"{good}: unreadable .* delete it and rerun"):
        read_dataset(good)
    count, problems = verify(root)
    assert count == 1 and [(p.kind, p.path) for p in problems] == [("corrupt", str(good))]
    assert problems[0].fix == f"rm '{good}' && snakemake --cores all '{good}'"


def test_a_truncated_file_with_its_mtime_restored_is_found(results):
    root, good = results
    stat = good.stat()
    good.write_bytes(good.read_bytes()[: stat.st_size // 2])
    os.utime(good, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(CorruptResultError, match="truncated"):
        read_dataset(good)
    assert [p.kind for p in verify(root)[1]] == ["corrupt"]


def test_a_path_key_that_contradicts_the_file_is_mislabelled(results, capsys):
    root, good = results
    wrong = root / "zhang2025/crlb/snr_db~10/offset_type~frequency/crlb.nc"
    wrong.parent.mkdir(parents=True)
    shutil.copy(good, wrong)
    (problem,) = verify(root)[1]
    assert problem.kind == "mislabelled" and problem.path == str(wrong)
    assert "snr_db~10; the file was computed with snr_db = 9.75" in problem.detail
    assert main([str(root), "--no-dag"]) == 1
    assert "mislabelled:" in capsys.readouterr().out


def test_figures_and_tables_that_are_empty_or_not_their_format_are_corrupt(results):
    root, _ = results
    (root / "fig.png").write_bytes(b"")
    (root / "fig.pdf").write_bytes(b"<html>")
    (root / "claims.csv").write_text("id,verdict\n")
    kinds = {p.path.split("/")[-1]: p.detail for p in verify(root)[1]}
    assert kinds == {"fig.png": "empty", "fig.pdf": "does not start as a .pdf file does"}


def test_path_keys_keep_decimal_values_and_drop_only_the_extension():
    keys = path_keys(__import__("pathlib").Path("a/antenna_spacing~0.07/shard~3.nc"))
    assert keys == {"antenna_spacing": "0.07", "shard": "3"}


def test_every_array_carries_a_fletcher32_checksum(results):
    import h5py

    _, good = results
    with h5py.File(good) as f:
        assert f["error"].fletcher32 and f["x"].fletcher32


def test_verify_counts_each_kind_and_checks_a_target_alone(results, capsys, monkeypatch):
    """A partial run: verify takes one paper's folder (or its name) and says how many of each
    kind it found; --ignore-missing (and --no-dag) say why missing files are not listed."""
    root, good = results
    other = _result(root / "chen2022/bounds/seed~7/bounds.nc")
    other.write_bytes(b"")  # corrupt, in another paper's folder
    (root / "zhang2025/figures").mkdir(parents=True)
    (root / "zhang2025/figures/fig.png").write_bytes(b"not a png")
    monkeypatch.chdir(root.parent)
    assert main([str(root), "--ignore-missing"]) == 1
    out = capsys.readouterr().out
    assert "3 file(s) under" in out and "2 problem(s): 2 corrupt" in out
    assert "(--ignore-missing: missing files not listed)" in out
    assert main([str(root), "zhang2025", "--no-dag"]) == 1  # a paper's name: its folder only
    out = capsys.readouterr().out
    assert "2 file(s) under" in out and "1 problem(s): 1 corrupt" in out and "chen2022" not in out
    assert "(--no-dag: missing files not listed)" in out
    assert main([str(root), str(good), "--no-dag"]) == 0  # one file
    assert "1 file(s) under" in capsys.readouterr().out
    assert main([str(root), "nothing_here", "--no-dag"]) == 2
    assert "neither a path nor a result folder" in capsys.readouterr().err


def test_the_run_manifest_finds_hand_edits_that_leave_a_file_consistent(results, capsys):
    """A NetCDF rewritten with x1.5 data and fresh checksums, a CSV cell changed, a scalar's
    bit flipped: each file is valid in itself, so only the SHA-256 the job recorded
    (hwiloc.runlog.write_manifest) tells; an untouched file passes."""
    from hwiloc.runlog import write_manifest

    root, good = results
    table = root / "zhang2025" / "claims.csv"
    table.write_text("id,value\nfig4,29.45\n")
    other = _result(root / "zhang2025/crlb/snr_db~9.75/offset_type~spatial/crlb.nc")
    write_manifest(root, "zhang2025_crlb", [good, other])
    write_manifest(root, "zhang2025_claims", [table])
    assert main([str(root), "--no-dag"]) == 0
    capsys.readouterr()
    ds = read_dataset(good)
    ds["error"] = ds["error"] * 1.5
    write_dataset(ds, good)  # consistent: fresh Fletcher-32 checksums
    table.write_text("id,value\nfig4,18.48\n")
    assert main([str(root), "--no-dag"]) == 1
    out = capsys.readouterr().out
    assert "2 problem(s): 2 edited" in out
    assert f"edited: {good}" in out and f"edited: {table}" in out and str(other) not in out
    assert "rule zhang2025_crlb wrote" in out


def test_a_result_that_records_no_code_hash_is_stale(results):
    """A file written before results recorded their code (no code_hash) cannot be trusted to
    match today's library: verify calls it stale."""
    import h5py

    from hwiloc.verify import check_file

    _, good = results
    assert check_file(good) == []
    with h5py.File(good, "r+") as f:
        del f.attrs["code_hash"], f.attrs["code_modules"]
    (problem,) = check_file(good)
    assert problem.kind == "stale" and "records no code hash" in problem.detail
