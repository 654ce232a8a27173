"""Resource estimates: at least the measured peak (and within 20x), and too-big configs refused."""

import copy
import tracemalloc

import numpy as np
import pytest

from hwiloc import resources


def _peak(function) -> float:
    """Peak of numpy's allocations while ``function`` runs (tracemalloc sees them). [B]

    After one run that is not measured: numba compiles a kernel once (a fresh clone's
    cache is empty; later jobs load it from disk) and modules import once. ``function``
    builds its models from the config itself, as a job does, so nothing it allocates is
    cached from the first run.
    """
    function()
    tracemalloc.start()
    try:
        function()
        return float(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("n, k", [(20, 100), (256, 1600)])
def test_the_chen2022_estimate_bounds_its_jobs_measured_peaks(paper_config, n, k):
    from hwiloc.papers.chen2022.stages import (
        base_hardware,
        hardware_draws_shard_dataset,
        individual_shard_dataset,
        montecarlo_shard_dataset,
    )
    from hwiloc.papers.chen2022.system import System

    c = copy.deepcopy(paper_config["chen2022"])
    c["system"].update(num_antennas=n, num_subcarriers=k)
    seed, two = c["seed"], {"num_realizations": 2}

    def fresh():  # what a job builds from its config: no model or grid cached from a test
        return System.from_config(c)

    peaks = {
        "montecarlo": _peak(lambda: montecarlo_shard_dataset(
            (s := fresh()), base_hardware(s, seed), [10.0],
            {**c["montecarlo"], "num_trials": 2, "num_shards": 1}, 0, seed, c)),
        "pa": _peak(lambda: individual_shard_dataset(fresh(), "pa", {**c["individual"], **two},
                                                     0, seed, c, None)),
        "draws": _peak(lambda: hardware_draws_shard_dataset(
            fresh(), {**c["hardware_draws"], **two}, [10.0], 0, seed, c, None)),
    }  # fmt: skip
    estimate = resources.estimates({"chen2022": c})[0].memory
    for job, peak in peaks.items():
        assert peak <= estimate <= 20 * peak, (job, peak, estimate)


@pytest.mark.parametrize("n, k", [(64, 10), (128, 40)])
def test_the_xlmimo2022_estimate_bounds_the_coarse_search(paper_config, n, k):
    from hwiloc.papers.xlmimo2022.stages import coarse_initial
    from hwiloc.papers.xlmimo2022.system import Scenario

    x = copy.deepcopy(paper_config["xlmimo2022"])
    x["system"].update(num_antennas=n, num_subcarriers=k)
    x["montecarlo"].update(num_trials=20, num_shards=2)
    scenario = Scenario.from_config(x)
    peak = _peak(lambda: coarse_initial(scenario, np.ones((10, n, k), complex), np.zeros((10, 2)),
                                        x["montecarlo"]))  # fmt: skip
    estimate = resources.estimates({"xlmimo2022": x})[0].memory
    assert peak <= estimate <= 20 * peak


def test_the_emulated_capture_estimate_bounds_its_file_and_its_peak(paper_config, tmp_path):
    from hwiloc.papers.zhang2025.measured import emulate_capture

    z = copy.deepcopy(paper_config["zhang2025"])
    z["measured"]["emulator"]["num_symbols"] = 2000
    z["measured"]["emulator"]["captures"] = {"cap0": [-2.0, 1.0]}
    path = tmp_path / "cap0.nc"
    peak = _peak(lambda: emulate_capture(z, "cap0", path))
    (estimate,) = [e for e in resources.estimates({"zhang2025": z}) if "emulated" in e.job]
    assert path.stat().st_size <= estimate.disk <= 1.5 * path.stat().st_size
    assert peak <= estimate.memory <= 20 * peak


def test_the_shipped_profiles_fit_and_too_big_configs_are_refused_with_their_key(
    paper_config, quick_config
):
    assert resources.check(paper_config) == [] and resources.check(quick_config) == []
    big = copy.deepcopy(paper_config)
    big["chen2022"]["system"].update(num_antennas=4096, num_subcarriers=100000)
    big["xlmimo2022"]["system"].update(num_antennas=4096, num_subcarriers=100000)
    big["zhang2025"]["measured"]["emulator"]["num_symbols"] = 10**7
    problems = resources.check(big, memory=24e9, disk=50e9)
    assert len(problems) == 3
    assert "'chen2022.system.num_antennas / num_subcarriers / num_transmissions': one " \
           "chen2022 job needs about" in problems[0]  # fmt: skip
    assert "xlmimo2022.system.num_antennas" in problems[1] and "TB of memory" in problems[1]
    assert "'zhang2025.measured.emulator.num_symbols'" in problems[2]
    assert "2.07 TB of disk" in problems[2] and "50 GB are free" in problems[2]
