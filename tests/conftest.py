"""Shared fixtures: the zhang2025 scenario of Table I and small variants."""

from pathlib import Path

import numpy as np
import pytest

from hwiloc.config import default_config
from hwiloc.geometry import ula_positions
from hwiloc.ofdm import OfdmGrid
from hwiloc.papers.zhang2025.system import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


@pytest.fixture(scope="session")
def paper_config() -> dict:
    """The paper profile, config/config.yaml."""
    return default_config("paper", ROOT / "config")


@pytest.fixture(scope="session")
def quick_config() -> dict:
    """The quick profile: config.yaml updated by quick.yaml."""
    return default_config("quick", ROOT / "config")


@pytest.fixture(scope="session")
def paper_scenario(paper_config) -> Scenario:
    return Scenario.from_config(paper_config["zhang2025"])


@pytest.fixture
def small_system():
    """N = 5 antennas, K = 7 subcarriers: small enough for dense references."""
    grid = OfdmGrid(carrier_frequency=3.5e9, subcarrier_spacing=2.0e6, num_subcarriers=7)
    antennas = ula_positions(5, 0.07)
    position = np.array([-0.6, 0.9])
    return grid, antennas, position


@pytest.fixture(scope="session")
def run(tmp_path_factory):
    """The quick profile run once from nothing, in a temporary directory: the workflow tests
    of every paper read its results (tests/quick_workflow.py runs the command)."""
    from quick_workflow import QUICK, snakemake

    workdir = tmp_path_factory.mktemp("quick")
    snakemake(workdir, "--configfile", str(QUICK))
    return workdir
