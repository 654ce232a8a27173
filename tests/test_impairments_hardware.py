"""chen2022 hardware draws: one named stream per random quantity (issue 17, item 3)."""

import numpy as np
import pytest

from hwiloc.impairments.hardware import HARDWARE_STREAMS, draw_hardware
from hwiloc.papers.chen2022.system import System, base_hardware
from hwiloc.streams import stream

LEVELS = {"phase_noise_std": 0.02, "cfo_std": 0.01, "coupling_residual_std": 0.01}


def _draw(entropy=(2022, 0), g=10, k=100, n=20, **levels):
    return draw_hardware(entropy, num_transmissions=g, num_subcarriers=k, num_antennas=n,
                         **{**LEVELS, **levels})  # fmt: skip


def test_the_cfo_does_not_depend_on_the_number_of_transmissions(paper_config):
    """The issue's example: the seeded CFO was 0.51, 0.68, -0.46, 1.80 (times its std) for
    G = 5, 10, 15, 20 while it drew after the G x K pilots; now it is one value."""
    cfg = paper_config["chen2022"]
    seed = cfg["seed"]
    cfos = []
    for g in (5, 10, 20, 40):
        system = System.from_config({**cfg, "system": {**cfg["system"], "num_transmissions": g}})
        cfos.append(base_hardware(system, seed).cfo)
    assert len(set(cfos)) == 1
    # ... and it is the stream "cfo" of [seed, 0] times the std, nothing else
    z = stream([seed, 0], HARDWARE_STREAMS["cfo"]).standard_normal()
    assert cfos[0] == cfg["impairments"]["cfo_std"] * z


def test_the_coupling_residual_does_not_depend_on_g_or_k():
    reference = _draw().coupling_residual
    assert reference.shape == (3 * 20 - 2,)
    for g, k in ((5, 100), (40, 7), (1, 1)):
        np.testing.assert_array_equal(_draw(g=g, k=k).coupling_residual, reference)
    z = stream([2022, 0], "coupling").standard_normal((58, 2))
    np.testing.assert_array_equal(reference, 0.01 * (z[:, 0] + 1j * z[:, 1]) / np.sqrt(2))


def test_each_array_keeps_its_entries_when_another_size_changes():
    """Pilots and PN [G, K] do not depend on N, combiners [G, N] not on K, and every
    [G, ...] array keeps its first rows when G grows (each is one stream, C order)."""
    base = _draw(g=10)
    other_n, more_g = _draw(g=10, n=5), _draw(g=20)
    np.testing.assert_array_equal(other_n.pilot_phase, base.pilot_phase)
    np.testing.assert_array_equal(other_n.phase_noise, base.phase_noise)
    assert other_n.cfo == base.cfo
    np.testing.assert_array_equal(_draw(g=10, k=7).combiner_phase, base.combiner_phase)
    for field in ("pilot_phase", "combiner_phase", "phase_noise"):
        np.testing.assert_array_equal(getattr(more_g, field)[:10], getattr(base, field))
    # each is its own stream of the entropy, drawn here from hwiloc.streams
    pilots = stream([2022, 0], "pilot").uniform(0, 2 * np.pi, (10, 100))
    np.testing.assert_array_equal(base.pilot_phase, pilots)
    z = stream([2022, 0], "phase_noise").standard_normal((10, 100))
    np.testing.assert_array_equal(base.phase_noise, 0.02 * z)


def test_levels_scale_the_same_standard_draws():
    """Common random numbers: the same entropy at other levels gives the same draws scaled."""
    low, high = _draw(), _draw(phase_noise_std=0.2, cfo_std=0.05, coupling_residual_std=0.03)
    np.testing.assert_allclose(high.phase_noise, 10 * low.phase_noise, rtol=1e-12)
    assert high.cfo == pytest.approx(5 * low.cfo, rel=1e-12)
    np.testing.assert_allclose(high.coupling_residual, 3 * low.coupling_residual, rtol=1e-12)
    np.testing.assert_array_equal(high.pilot_phase, low.pilot_phase)


def test_another_entropy_gives_another_realization_and_a_generator_is_refused():
    assert _draw((2022, 3, 0)).cfo != _draw((2022, 3, 1)).cfo
    with pytest.raises(ValueError, match="entropy must be a non-negative integer"):
        _draw(np.random.default_rng(0))
    with pytest.raises(ValueError, match="num_transmissions must be an integer >= 1"):
        _draw(g=0)
