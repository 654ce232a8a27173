"""Study assembly for zhang2025: sharding, gather, claims, Table I, Fig. 7 trend."""

import copy
from dataclasses import replace

import numpy as np
import pytest
import xarray as xr

from hwiloc.papers.zhang2025.hooks import saf_grid_problems
from hwiloc.papers.zhang2025.stages import (
    gather_shards,
    offsets_dataset,
    pmsr_shard_dataset,
    scenario_dataset,
    scenario_from_dataset,
)
from hwiloc.papers.zhang2025.system import Scenario, grid_axes, phase_offsets_for
from hwiloc.papers.zhang2025.table1 import table1


@pytest.fixture(scope="module")
def small(quick_config):
    cfg = copy.deepcopy(quick_config["zhang2025"])
    cfg["pmsr_sweep"].update(num_realizations=3, offset_std=[0.2, 1.2])
    cfg["pmsr_sweep"]["region"] = {**cfg["pmsr_sweep"]["region"], "step": 0.1}
    return Scenario.from_config(cfg), cfg


def _run(scenario, cfg, offset_type, num_shards):
    sweep = {**cfg["pmsr_sweep"], "num_shards": num_shards}
    shards = [pmsr_shard_dataset(scenario, offset_type, sweep, i, cfg) for i in range(num_shards)]
    return gather_shards(shards, cfg)


def test_results_do_not_depend_on_the_shard_count(small):
    scenario, cfg = small
    one = _run(scenario, cfg, "spatial", 1)
    three = _run(scenario, cfg, "spatial", 3)
    xr.testing.assert_allclose(one.drop_attrs(), three.drop_attrs())
    assert one.sizes["realization"] == 3


def test_gather_refuses_overlapping_shards(small):
    scenario, cfg = small
    shard = pmsr_shard_dataset(scenario, "spatial", {**cfg["pmsr_sweep"], "num_shards": 3}, 0, cfg)
    with pytest.raises(ValueError, match="overlap"):
        gather_shards([shard, shard], cfg)


def test_spatial_offsets_cost_more_pmsr_than_frequency_offsets(small):
    # Sec. IV and Fig. 7: spatial offsets lower the PMSR far more (seeded, 3 realizations).
    scenario, cfg = small
    loss = {}
    for kind in ("frequency", "spatial"):
        mean = _run(scenario, cfg, kind, 1)["pmsr_db"].mean("realization")
        loss[kind] = float(mean[0] - mean[-1])
    assert loss["spatial"] > 3 * max(loss["frequency"], 0.5)


def test_scenario_survives_its_dataset(quick_config):
    cfg = quick_config["zhang2025"]
    sc = Scenario.from_config(cfg)
    assert scenario_from_dataset(scenario_dataset(cfg)) == sc


def test_grid_axes_include_both_ends():
    x, y = grid_axes({"x_min": -1, "x_max": 1, "y_min": 0.5, "y_max": 1.0, "step": 0.25})
    np.testing.assert_allclose(x, [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(y, [0.5, 0.75, 1.0])


def test_table1_lists_the_paper_values(paper_config):
    table = table1(paper_config["zhang2025"]).set_index("symbol")["value"]
    assert table["f_c"] == 3.5 and table["BW"] == 18.0 and table["K"] == 100
    assert table["N"] == 64 and table["Delta a"] == 0.07 and table["Delta f"] == 180.0


@pytest.mark.parametrize("profile", ["paper", "quick"])
def test_shipped_saf_grids_hold_the_ue_and_do_not_alias(profile, paper_config, quick_config):
    cfg = (paper_config if profile == "paper" else quick_config)["zhang2025"]
    assert saf_grid_problems(cfg) == []
    for key in ("saf", "pmsr_sweep"):
        x, y = grid_axes(cfg[key]["region"])
        assert np.min(np.hypot(*np.meshgrid(x + 2.0, y - 1.0))) < 1e-9  # (-2, 1) is a node


def test_grid_problems_name_the_key_and_what_is_expected(paper_config):
    cfg = copy.deepcopy(paper_config["zhang2025"])
    cfg["pmsr_sweep"]["region"]["y_min"] = 0.1  # 0.1 + 0.04 i never hits 1.0
    cfg["saf"]["region"]["step"] = 0.05  # > lambda/2 = 4.28 cm
    problems = saf_grid_problems(cfg)
    assert len(problems) == 2
    assert (
        "zhang2025.pmsr_sweep.region" in problems[1]
        and "does not hold the UE's y = 1" in problems[1]
    )
    assert (
        "zhang2025.saf.region.step" in problems[0] and "half a wavelength, 0.04283 m" in problems[0]
    )


def test_phase_offsets_for_keep_common_random_numbers_and_ignore_k(quick_config):
    """Issue 17: a realization's spatial offsets are the same for any K, and the same entropy
    at another sigma gives the same offsets scaled (common random numbers, Fig. 7)."""
    scenario = Scenario.from_config(quick_config["zhang2025"])
    narrow = replace(scenario, grid=replace(scenario.grid, num_subcarriers=10))
    a = phase_offsets_for(scenario, "spatial", 0.3, [2025, 2, 1])
    np.testing.assert_array_equal(phase_offsets_for(narrow, "spatial", 0.3, [2025, 2, 1]),
                                  a[:, :10])  # fmt: skip
    np.testing.assert_allclose(phase_offsets_for(scenario, "spatial", 0.9, [2025, 2, 1]), 3 * a)
    f = phase_offsets_for(scenario, "frequency", 0.3, [2025, 1, 1]) - scenario.frequency_offset_mean
    g = phase_offsets_for(scenario, "frequency", 0.6, [2025, 1, 1]) - scenario.frequency_offset_mean
    np.testing.assert_allclose(g, 2 * f)
    assert not np.allclose(phase_offsets_for(scenario, "spatial", 0.3, [2025, 2, 2]), a)


def test_offset_datasets_record_their_entropy_and_stream(small):
    scenario, cfg = small
    ds = offsets_dataset(scenario, "spatial", 0.3, 6, cfg)
    assert ds["seed_entropy"].values.tolist() == [6, 2]  # [seed, type code]
    assert ds.attrs["random_streams"].startswith("phase_offset: spatial_offset (")
    np.testing.assert_array_equal(
        ds["phase_offset"], phase_offsets_for(scenario, "spatial", 0.3, [6, 2])
    )
    assert "random_streams" not in offsets_dataset(scenario, "none", 0.0, 0, cfg).attrs
    gathered = _run(scenario, cfg, "frequency", 2)  # the gather keeps the shards' record
    assert "): frequency_offset (" in gathered.attrs["random_streams"]
