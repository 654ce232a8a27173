"""compare_results.py: the bit-identity check of a refactor finds what differs, and only that."""

import shutil
import time
from pathlib import Path

import numpy as np
import xarray as xr
from compare_results import compare_trees, main

from hwiloc.io.netcdf import Provenance, write_dataset

PROVENANCE = Provenance(study="a_paper", reference="a paper")


def _dataset(values, references="eq. (1)") -> xr.Dataset:
    ds = xr.Dataset(
        {"position_rmse": (("offset_std",), np.asarray(values, dtype=float))},
        coords={"offset_std": np.linspace(0.0, np.pi, len(values))},
    )
    return PROVENANCE(ds, "test", "rule", references, {"snr_db": 9.75})


def _tree(root, values, references="eq. (1)", csv="a,b\n1,2\n"):
    (root / "stage").mkdir(parents=True)
    write_dataset(_dataset(values, references), root / "stage" / "out.nc")
    (root / "table.csv").write_text(csv)
    return root


def test_two_runs_of_the_same_code_are_identical_apart_from_history(tmp_path):
    old = _tree(tmp_path / "old", [1.0, 2.0, 3.0])
    time.sleep(1.1)  # a later creation time: the files' bytes differ
    new = _tree(tmp_path / "new", [1.0, 2.0, 3.0])
    out = compare_trees(old, new)
    assert [str(p) for p in out["content"]] == ["stage/out.nc"]
    assert [str(p) for p in out["bytes"]] == ["table.csv"]
    assert not out["different"] and not out["module_paths"]
    assert main([str(old), str(new)]) == 0


def test_one_bit_of_one_value_is_a_difference(tmp_path):
    value = 2.0
    flipped = np.frombuffer((np.float64(value).view(np.int64) ^ 1).tobytes(), dtype=float)[0]
    assert flipped != value and abs(flipped - value) < 1e-15
    old = _tree(tmp_path / "old", [1.0, value, 3.0])
    new = _tree(tmp_path / "new", [1.0, flipped, 3.0])
    out = compare_trees(old, new)
    diffs = {str(p): d for p, d in out["different"].items()}
    assert diffs == {"stage/out.nc": ["variable 'position_rmse': values differ (1 of 3 entries)"]}
    assert main([str(old), str(new)]) == 1


def test_csv_bytes_missing_files_and_module_paths(tmp_path):
    old = _tree(tmp_path / "old", [1.0], references="see hwiloc.studies.parameter_studies")
    new = _tree(tmp_path / "new", [1.0], references="see hwiloc.studies.parameter_studies",
                csv="a,b\n1,3\n")  # fmt: skip
    shutil.copy(new / "stage" / "out.nc", new / "stage" / "extra.nc")
    out = compare_trees(old, new)
    assert {str(p): d for p, d in out["different"].items()} == {"table.csv": ["bytes differ"]}
    assert list(map(str, out["added"])) == ["stage/extra.nc"]
    shutil.copy(old / "stage" / "out.nc", old / "stage" / "gone.nc")
    assert compare_trees(old, new)["different"][Path("stage/gone.nc")] == ["missing from new"]
    (old / "stage" / "gone.nc").unlink()
    # an attribute that differs only in the module path it names is listed apart
    moved = _tree(tmp_path / "moved", [1.0], references="see hwiloc.papers.zhang2025.stages")
    out = compare_trees(old, moved)
    assert list(map(str, out["module_paths"])) == ["stage/out.nc"] and not out["different"]
    # any other attribute change is a difference
    plain = _tree(tmp_path / "plain", [1.0], references="eq. (1)")
    other = _tree(tmp_path / "other", [1.0], references="eq. (2)")
    diffs = {str(p): d for p, d in compare_trees(plain, other)["different"].items()}
    assert diffs == {"stage/out.nc": ["global attribute 'references' differs"]}


def test_an_attribute_a_later_version_adds_is_listed_apart_only_when_allowed(tmp_path):
    old = _tree(tmp_path / "old", [1.0, 2.0, 3.0])
    new = _tree(tmp_path / "new", [1.0, 2.0, 3.0])
    import h5py

    with h5py.File(old / "stage" / "out.nc", "r+") as f:
        del f.attrs["scalar_checksum"]  # written before the version that records it
    assert compare_trees(old, new)["different"]  # a new attribute: a difference by default
    allowed = compare_trees(old, new, ("scalar_checksum",))
    assert not allowed["different"] and allowed["module_paths"]
