"""Resource estimates: the shipped profiles fit, and a config too big for the machine is
refused naming the estimate and its key. Each paper's own estimates are checked against the
measured peaks of its jobs in its test file (tests/test_<paper>.py)."""

import pytest

from hwiloc import resources
from hwiloc.plugins import hook


def test_the_shipped_profiles_fit(paper_config, quick_config):
    assert resources.check(paper_config) == [] and resources.check(quick_config) == []
    # every plugin's estimates are in the default set, each naming its config key
    found = resources.estimates(paper_config)
    assert len(found) >= len(hook("resource_estimates"))
    assert all(e.key and e.memory > 0 for e in found)


def _toy(memory: float, disk: float):
    def estimate(config):
        return [resources.Estimate("toy", memory, disk, "toy.size", "a toy's arrays",
                                   ("toy_shard",))]  # fmt: skip

    return estimate


@pytest.mark.parametrize(
    "memory, disk, message",
    [(30e9, 0.0, "config key 'toy.size': one toy job needs about 30 GB of memory (a toy's "
                 "arrays); this machine has 24 GB. Lower it"),
     (1e6, 60e9, "config key 'toy.size': the results need about 60 GB of disk (toy: a "
                 "toy's arrays, 60 GB); 50 GB are free. Lower it")],
)  # fmt: skip
def test_an_estimate_over_the_machine_is_refused_with_its_key(memory, disk, message):
    problems = resources.check({}, memory=24e9, disk=50e9, estimators=[_toy(memory, disk)])
    assert problems == [message]
    assert resources.check({}, memory=24e9, disk=50e9, estimators=[_toy(1e6, 1e6)]) == []
    assert "toy: memory 1 MB" in resources.table({}, [_toy(1e6, 0.0)])


def test_a_run_is_judged_on_the_jobs_it_holds():
    """An estimate counts only when the run holds a job of its rules (a CRB-only target is
    not refused for the captures it does not emulate)."""
    big = [_toy(30e9, 0.0)]
    assert resources.check({}, memory=24e9, disk=50e9, estimators=big, rules={"toy_shard"})
    assert resources.check({}, memory=24e9, disk=50e9, estimators=big,
                           rules={"other_crlb", "all"}) == []  # fmt: skip
    assert resources.check({}, memory=24e9, disk=50e9, estimators=big)  # no rules: the whole
