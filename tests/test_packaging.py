"""pyproject.toml (pip) and environment.yml (conda) name the same packages."""

import re
import tomllib

import yaml
from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower()


def test_pip_and_conda_lists_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    pip = {_name(r) for r in project["dependencies"] + extras["test"] + extras["docs"]}
    # extras such as h5netcdf[h5py] install their extra too
    for r in project["dependencies"]:
        extras = re.search(r"\[(.*?)\]", r)
        if extras:
            pip |= {e.strip().lower() for e in extras.group(1).split(",")}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    conda |= {_name(d) for d in pip_section if not d.startswith("-")}  # pip-only packages
    assert pip == conda, f"only in pyproject: {pip - conda}; only in environment.yml: {conda - pip}"


def test_environment_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip_section


def test_the_base_install_covers_every_import_of_the_library_and_the_rules():
    """`pip install -e .` runs the whole default DAG: every third-party module that the
    library, the rules and their scripts import at module level or in a function is a base
    dependency (the test extra's packages are for tests only)."""
    import sys

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {_name(r).replace("-", "_") for r in project["dependencies"]} | {"h5py"}
    aliases = {"yaml": "pyyaml", "netCDF4": "netcdf4"}
    files = [*(ROOT / "src" / "hwiloc").rglob("*.py"), *(ROOT / "workflow").rglob("*.py"),
             *(ROOT / "workflow" / "rules").glob("*.smk"), ROOT / "Snakefile"]  # fmt: skip
    statement = re.compile(r"^\s*(?:import\s+([\w.]+)|from\s+([\w.]+)\s+import)", re.M)
    missing = {}
    for path in files:
        for match in statement.finditer(path.read_text()):
            top = (match.group(1) or match.group(2)).split(".")[0]
            if top in sys.stdlib_module_names or top in ("hwiloc", "snakemake"):
                continue
            if aliases.get(top, top).lower() not in base:
                missing.setdefault(top, str(path.relative_to(ROOT)))
    assert not missing, f"imports that only an extra installs: {missing}"
