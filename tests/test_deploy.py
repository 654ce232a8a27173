"""The workflow deployed the Snakemake way: `snakedeploy deploy-workflow` into a
project of its own, run there with the user's config, report after the run."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from repository import source_copy

from hwiloc.io.netcdf import config_of, read_dataset

pytestmark = pytest.mark.integration
SNAKEDEPLOY = str(Path(sys.executable).parent / "snakedeploy")  # installed with the test extra


# Each rule's conda environment as Snakemake itself resolves it (its API, no conda needed:
# conda only enters when an environment is created).
RULE_ENVIRONMENTS = r"""
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import (ConfigSettings, DeploymentSettings, OutputSettings,
                                      ResourceSettings, StorageSettings)
with SnakemakeApi(OutputSettings(quiet=True)) as api:
    workflow = api.workflow(
        resource_settings=ResourceSettings(cores=1), config_settings=ConfigSettings(),
        storage_settings=StorageSettings(), deployment_settings=DeploymentSettings(),
        snakefile=Path(sys.argv[1]), workdir=Path.cwd(),
    )
    rules = workflow._workflow.rules
    print(json.dumps({r.name: str(r.conda_env) if r.conda_env else None for r in rules}))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    base = tmp_path_factory.mktemp("deploy")
    source = source_copy(base / "hwiloc")
    project = base / "my_project"
    subprocess.run(
        [SNAKEDEPLOY, "deploy-workflow", str(source), str(project),
         "--branch", "main"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    # snakedeploy writes a local source's Snakefile relative to the project (its
    # Local provider): point the module at the source, as github(...) would for a URL
    snakefile = project / "workflow" / "Snakefile"
    text = snakefile.read_text()
    assert '"Snakefile"' in text and "module hwiloc:" in text and "use rule * from hwiloc" in text
    snakefile.write_text(text.replace('"Snakefile"', f'"{source / "Snakefile"}"'))
    return project


def test_the_deployed_project_holds_config_and_profiles(project):
    assert (project / "config" / "config.yaml").read_text() == (
        ROOT / "config" / "config.yaml"
    ).read_text()
    assert (project / "config" / "README.md").exists()
    assert (project / "profiles" / "slurm" / "config.yaml").exists()


def test_the_deployed_workflow_runs_with_the_users_config(project):
    # the user's own config: the deployed template with a paper's value set (the paper's
    # defaults ship with the package; the project's file goes on top of them)
    config = project / "config" / "config.yaml"
    config.write_text(config.read_text() + "\nzhang2025:\n  snr_db: 5.0\n")
    targets = ["results/quick/zhang2025/figures/fig3a.png",  # quick.yaml: results/quick
               "results/quick/zhang2025/figures/table1.csv"]
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2",
         "--configfile", "config/config.yaml", "config/quick.yaml",
         "--report-after-run", "--report", "report.html", *targets],
        cwd=project, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-5000:]
    z = project / "results" / "quick" / "zhang2025"
    scenario = read_dataset(z / "scenario/snr_db~5/amplitude_model~constant/scenario.nc")
    assert config_of(scenario)["snr_db"] == 5.0  # the user's value
    crlb = read_dataset(z / "crlb/snr_db~5/amplitude_model~constant/offset_type~frequency/crlb.nc")
    assert config_of(crlb)["crlb"]["num_antennas"] == [16, 64]  # quick.yaml on top
    for target in targets:
        assert (project / target).stat().st_size > 0
    html = (project / "report.html").read_text()
    assert "fig3a.png" in html and "Fig. 3" in html


def test_the_deployed_rules_declare_an_environment_that_installs_hwiloc_from_its_source(project):
    result = subprocess.run(
        [sys.executable, "-c", RULE_ENVIRONMENTS, "workflow/Snakefile"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    envs = json.loads(result.stdout.strip().splitlines()[-1])
    declared = {path for name, path in envs.items() if name != "all"}
    assert len(envs) > 30 and len(declared) == 1 and envs["all"] is None
    (path,) = declared
    assert Path(path).parent == project / ".snakemake" / "hwiloc"  # the user's project
    env = yaml.safe_load(Path(path).read_text())
    source = project.parent / "hwiloc"  # the module's source (snakedeploy's, as a path)
    assert env["dependencies"][-1] == {"pip": [f"-e {source}"]}
    assert "numba>=0.59" in env["dependencies"] and "python>=3.11" in env["dependencies"]
