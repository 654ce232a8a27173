"""NetCDF conventions: write-then-read round trip for every file kind."""

import numpy as np
import pytest
import xarray as xr

from hwiloc.io.netcdf import config_of, finalize, read_dataset, write_dataset
from hwiloc.papers.zhang2025.stages import (
    crlb_dataset,
    offsets_dataset,
    pmsr_shard_dataset,
    saf_dataset,
    scenario_dataset,
)
from hwiloc.papers.zhang2025.system import Scenario


@pytest.fixture(scope="module")
def datasets(quick_config):
    cfg = quick_config["zhang2025"]
    scenario = Scenario.from_config(cfg)
    offsets = offsets_dataset(scenario, "frequency", 0.5, 3, cfg)
    sweep = {**cfg["pmsr_sweep"], "num_realizations": 2, "num_shards": 2}
    sweep["region"] = {**sweep["region"], "step": 0.25}
    return {
        "scenario": scenario_dataset(cfg),
        "offsets": offsets,
        "crlb": crlb_dataset(scenario, "spatial", cfg["crlb"], cfg),
        "saf": saf_dataset(
            scenario, offsets, {**cfg["saf"], "region": sweep["region"]}, "test", cfg
        ),
        "pmsr_shard": pmsr_shard_dataset(scenario, "spatial", sweep, 1, cfg),
    }


@pytest.mark.parametrize("kind", ["scenario", "offsets", "crlb", "saf", "pmsr_shard"])
def test_round_trip(tmp_path, datasets, kind):
    ds = datasets[kind]
    path = write_dataset(ds, tmp_path / f"{kind}.nc")
    back = read_dataset(path)
    xr.testing.assert_identical(back, ds)
    for name in back.variables:
        assert back[name].attrs.get("units"), f"{kind}: {name} has no units"
    for key in ("title", "study", "source", "references", "history", "config"):
        assert back.attrs[key]
    assert back.attrs["study"] == "zhang2025"
    assert "eq" in back.attrs["references"]
    assert config_of(back)["system"]["num_antennas"] == 64


def test_complex_values_are_stored_natively(tmp_path):
    ds = finalize(
        xr.Dataset({"phase_offset": (("antenna",), np.array([1 + 2j, -3j]))}),
        title="t",
        study="s",
        rule="r",
        references="eq. (0)",
    )
    back = read_dataset(write_dataset(ds, tmp_path / "c.nc"))
    assert np.iscomplexobj(back["phase_offset"].values)
    np.testing.assert_array_equal(back["phase_offset"].values, [1 + 2j, -3j])


def test_missing_units_or_provenance_is_refused_before_writing(tmp_path):
    ds = xr.Dataset({"mystery": (("i",), [1.0])})
    with pytest.raises(ValueError, match="units"):
        write_dataset(ds, tmp_path / "a.nc")
    ds["mystery"].attrs["units"] = "1"
    with pytest.raises(ValueError, match="finalize"):
        write_dataset(ds, tmp_path / "a.nc")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_file(tmp_path):
    ds = finalize(
        xr.Dataset({"saf": (("x",), [1.0])}), title="t", study="s", rule="r", references="e"
    )
    ds["saf"].attrs["bad"] = {"a nested": "dict"}  # not storable as a NetCDF attribute
    with pytest.raises((TypeError, ValueError)):
        write_dataset(ds, tmp_path / "b.nc")
    assert list(tmp_path.iterdir()) == []


def test_reading_a_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.nc"):
        read_dataset(tmp_path / "nothing.nc")


def test_a_paper_table_joins_the_shared_one_and_a_conflict_is_refused():
    """A paper's attributes (its hooks) join the shared names; a name defined twice differently
    is an error when the Provenance is made, never a silent overwrite."""
    from hwiloc.io.netcdf import ATTRIBUTES, Provenance, attribute_table

    own = {"new_bound": {"units": "m", "long_name": "a bound of our own"}}
    table = attribute_table(own)
    assert table["new_bound"] == own["new_bound"] and table["x"] == ATTRIBUTES["x"]
    assert attribute_table({"x": dict(ATTRIBUTES["x"])})["x"] == ATTRIBUTES["x"]  # the same: fine
    with pytest.raises(ValueError, match="'x' defined twice"):
        attribute_table({"x": {"units": "km", "long_name": "x coordinate"}})
    with pytest.raises(ValueError, match="'new_bound' defined twice"):
        other = {"new_bound": {"units": "1", "long_name": "b"}}
        Provenance("p", "a paper", attributes=(own, other))
    ds = Provenance("p", "a paper", attributes=(own,))(
        xr.Dataset({"new_bound": ((), 1.0)}), "t", "rule", "eq. (1)"
    )
    assert ds["new_bound"].attrs == own["new_bound"]


def test_every_plugins_attributes_agree_with_the_shared_ones_and_each_other():
    from hwiloc.io.netcdf import attribute_table
    from hwiloc.plugins import hook

    tables = [table for _, table in hook("ATTRIBUTES")]
    assert tables and attribute_table(*tables)  # no name defined twice differently


def test_a_flipped_bit_in_a_scalar_is_an_error_on_read_and_in_verify(tmp_path):
    """HDF5 cannot checksum a scalar: the scalar_checksum attribute does. One flipped bit
    doubled a bound (3.398 to 6.796 mm) and passed before."""
    import h5py

    from hwiloc.io.netcdf import CorruptResultError
    from hwiloc.verify import check_file

    ds = finalize(xr.Dataset({"lb_peb": ((), 3.398e-3), "crlb_ratio": ((), 2.0)}),
                  title="t", study="s", rule="r", references="eq. (1)")  # fmt: skip
    ds["lb_peb"].attrs["units"] = "m"
    ds["crlb_ratio"].attrs["units"] = "1"
    path = write_dataset(ds, tmp_path / "case.nc")
    assert float(read_dataset(path)["lb_peb"]) == 3.398e-3 and check_file(path) == []
    with h5py.File(path, "r+") as f:
        raw = np.array(f["lb_peb"][()]).view(np.uint64) ^ np.uint64(1 << 52)  # the exponent's
        f["lb_peb"][()] = raw.view(np.float64)  # lowest bit: the value doubles
    with pytest.raises(CorruptResultError, match="does not match the file's scalar_checksum"):
        read_dataset(path)
    (problem,) = check_file(path)
    assert problem.kind == "corrupt" and "scalar_checksum" in problem.detail
