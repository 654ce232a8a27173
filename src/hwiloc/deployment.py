"""The rules' software environment when Snakemake deploys it (``--sdm conda``).

Snakemake copies a rule's conda environment file into ``.snakemake/conda``
before it creates the environment, so a file that installs this package by a
path relative to the repository (``pip: -e .``, as ``environment.yml`` does for
a clone) no longer finds it there, and a project deployed with ``snakedeploy``
reads the workflow from a git host, with no repository on disk at all.

:func:`write_rule_environment` writes the environment every rule declares:

- the runtime requirements of the installed package, from its own metadata
  (``pyproject.toml`` is the one list; the Snakemake that validates the
  config imports the same package), each a conda-forge package of the same
  name (an extra such as ``h5netcdf[h5py]`` is a package of its own there);
- the package itself from the very source Snakemake read the workflow from
  (:func:`package_requirement`): a directory as ``-e /its/absolute/path``, a
  local git repository as ``hwiloc @ git+file:///path@ref``, GitHub or GitLab
  (``github("owner/hwiloc", path="Snakefile", tag="v0.1.0")``) as
  ``hwiloc @ git+https://github.com/owner/hwiloc@v0.1.0``.

The file is named by its content's hash, so a new source or version is a new
environment for Snakemake.
"""

from __future__ import annotations

import hashlib
import os
import re
from importlib import metadata
from pathlib import Path

import yaml

from hwiloc.io.atomic import atomic_path

PACKAGE = "hwiloc"
CHANNELS = ("conda-forge", "bioconda")  # as environment.yml


def package_requirement(source) -> str:
    """The pip requirement that installs this package from the workflow's source.

    Parameters
    ----------
    source : Snakemake source file (``workflow.current_basedir``), path or str
        Any file or directory of the workflow: a hosted git file (``repo``,
        ``host``, ``ref``), a local git file (``repo_path``, ``ref``), or a
        local path inside the repository.

    Raises
    ------
    ValueError
        A local path that is not inside this package's repository, or a source
        of a kind with no pip form.
    """
    repo, host = getattr(source, "repo", None), getattr(source, "host", None)
    ref = getattr(source, "ref", None)
    at = f"@{ref}" if ref else ""
    if repo and host:  # github(...) / gitlab(...)
        return f"{PACKAGE} @ git+https://{host}/{repo}{at}"
    repo_path = getattr(source, "repo_path", None)
    if repo_path:  # git+file://...
        return f"{PACKAGE} @ git+file://{Path(repo_path).resolve()}{at}"
    path = getattr(source, "path", source)
    if not isinstance(path, str | os.PathLike) or re.match(r"^[a-z+]+://", str(path)):
        raise ValueError(
            f"cannot install {PACKAGE} from the workflow source {source!r}: expected a local "
            "directory, a git+file:// repository, or a github(...)/gitlab(...) module"
        )
    return f"-e {repository_root(path)}"


def repository_root(path) -> Path:
    """The directory above ``path`` whose pyproject.toml names this package."""
    start = Path(path).resolve()
    for candidate in (start, *start.parents):
        project = candidate / "pyproject.toml"
        if project.is_file() and re.search(
            rf'^name\s*=\s*"{PACKAGE}"', project.read_text(), flags=re.M
        ):
            return candidate
    raise ValueError(
        f"the workflow source {start} is not inside the {PACKAGE} repository (no "
        f"pyproject.toml naming {PACKAGE} in it or above it)"
    )


def _conda_packages(requirement: str) -> list[str]:
    """A PEP 508 runtime requirement as conda-forge specs: ``h5netcdf[h5py]>=1.3`` ->
    ``h5netcdf>=1.3``, ``h5py``."""
    text = requirement.split(";", 1)[0].strip()
    m = re.match(r"^([A-Za-z0-9_.-]+)\s*(\[[^\]]*\])?\s*(.*)$", text)
    if m is None:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    name, extras, spec = m.groups()
    out = [f"{name.lower()}{spec.replace(' ', '')}"]
    if extras:
        out += [e.strip().lower() for e in extras.strip("[]").split(",") if e.strip()]
    return out


def rule_environment(requirement: str) -> dict:
    """The conda environment of the rules: runtime requirements, then the package by pip."""
    try:
        meta = metadata.metadata(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ValueError(
            f"{PACKAGE} is not installed where Snakemake runs (the rules' environment lists the "
            f"installed package's requirements): pip install -e /path/to/{PACKAGE}"
        ) from None
    runtime = [r for r in (metadata.requires(PACKAGE) or []) if "extra ==" not in r]
    packages = [f"python{meta['Requires-Python'] or ''}"]
    for r in runtime:
        packages += [p for p in _conda_packages(r) if p not in packages]
    return {
        "name": f"{PACKAGE}-rules",
        "channels": list(CHANNELS),
        "dependencies": [*packages, "pip", {"pip": [requirement]}],
    }


def write_rule_environment(source, directory) -> str:
    """Write the rules' environment for ``source`` into ``directory``; its absolute path.

    Named ``rules-<hash>.yaml`` by its content, written once (atomically).
    """
    env = rule_environment(package_requirement(source))
    text = (
        "# The rules' conda environment (--sdm conda), written by hwiloc.deployment from the\n"
        "# installed package's requirements and the workflow's source. Do not edit.\n"
        + yaml.safe_dump(env, sort_keys=False)
    )
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    path = Path(directory).resolve() / f"rules-{digest}.yaml"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            Path(tmp).write_text(text)
    return str(path)
