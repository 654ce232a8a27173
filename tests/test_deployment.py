"""The rules' conda environment (hwiloc.deployment): the package from the workflow's source.

Conda itself is not on this project's machines (no registry here serves it),
so what these tests can run is everything up to it: the source -> pip
requirement mapping on Snakemake's own source-file classes, the environment's
package list against pyproject.toml, and pip resolving the requirement from a
real git repository at a tag, as the environment's pip step would.
"""

import json
import subprocess
import sys
import tomllib

import pytest
import yaml
from conftest import ROOT
from snakemake.sourcecache import GithubFile, GitlabFile, LocalGitFile, LocalSourceFile

from hwiloc import deployment


def test_each_kind_of_workflow_source_gives_its_pip_requirement():
    rules = "workflow/rules"
    cases = {
        LocalSourceFile(str(ROOT / rules)): f"-e {ROOT}",
        GithubFile(repo="lab/hwiloc", path=rules, tag="v0.1.0"):
            "hwiloc @ git+https://github.com/lab/hwiloc@v0.1.0",
        GithubFile(repo="lab/hwiloc", path=rules, branch="main"):
            "hwiloc @ git+https://github.com/lab/hwiloc@main",
        GitlabFile(repo="group/hwiloc", path=rules, commit="0123abc", host="git.example.org"):
            "hwiloc @ git+https://git.example.org/group/hwiloc@0123abc",
        LocalGitFile(str(ROOT), rules, tag="v0.1.0"): f"hwiloc @ git+file://{ROOT}@v0.1.0",
    }  # fmt: skip
    for source, expected in cases.items():
        assert deployment.package_requirement(source) == expected


def test_a_source_outside_the_repository_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match=r"not inside the hwiloc repository \(no pyproject"):
        deployment.package_requirement(LocalSourceFile(str(tmp_path)))
    with pytest.raises(ValueError, match="expected a local directory, a git"):
        deployment.package_requirement("https://example.org/hwiloc/Snakefile")


def test_without_the_installed_package_the_environment_is_refused_by_name(monkeypatch):
    # run from a source tree on PYTHONPATH, the package has no metadata to list
    monkeypatch.setattr(deployment, "PACKAGE", "hwiloc-not-installed")
    with pytest.raises(ValueError, match="hwiloc-not-installed is not installed where Snakemake"):
        deployment.rule_environment("-e /somewhere")


def test_the_environment_holds_the_runtime_requirements_and_the_package(tmp_path):
    path = deployment.write_rule_environment(LocalSourceFile(str(ROOT / "workflow")), tmp_path)
    env = yaml.safe_load(open(path).read())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    expected = ["python>=3.11", "pip"]
    for r in project["dependencies"]:
        expected += deployment._conda_packages(r)
    assert sorted(conda) == sorted(expected)
    assert "h5netcdf>=1.3" in conda and "h5py" in conda  # an extra is a conda package
    assert env["dependencies"][-1] == {"pip": [f"-e {ROOT}"]}
    assert env["channels"] == ["conda-forge", "bioconda"]
    # named by content: written once, the same path again; another source, another file
    assert deployment.write_rule_environment(LocalSourceFile(str(ROOT)), tmp_path) == path
    other = deployment.write_rule_environment(
        GithubFile(repo="lab/hwiloc", path="workflow", tag="v0.1.0"), tmp_path
    )
    assert other != path and "git+https://github.com/lab/hwiloc@v0.1.0" in open(other).read()


@pytest.mark.integration
def test_pip_resolves_the_requirement_from_a_git_repository_at_a_tag(tmp_path):
    from test_deploy import source_copy

    repo = source_copy(tmp_path / "hwiloc")
    git = ["git", "-C", str(repo), "-c", "user.name=ci", "-c", "user.email=ci@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "release"], ["tag", "v0.1.0"]):
        subprocess.run(git + args, check=True, capture_output=True)
    (repo / "pyproject.toml").write_text("moved on after the tag\n")  # the tag must be used
    requirement = deployment.package_requirement(LocalGitFile(str(repo), "workflow", tag="v0.1.0"))
    report = tmp_path / "report.json"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--quiet",
         "--report", str(report), requirement],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (item,) = json.loads(report.read_text())["install"]
    assert item["metadata"]["name"] == "hwiloc"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert item["metadata"]["version"] == version
    assert item["download_info"]["url"] == f"file://{repo}"
    tagged = subprocess.run(git + ["rev-parse", "v0.1.0"], capture_output=True, text=True).stdout
    assert item["download_info"]["vcs_info"]["commit_id"] == tagged.strip()
