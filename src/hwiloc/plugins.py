"""Discovery of the papers and studies that plug into the pipeline.

A plugin is a package that carries a config section of its own: every package
of ``hwiloc.papers`` and of ``hwiloc.studies`` whose folder holds a
``config.yaml``. Nothing in the library or the workflow names one; they are
found here, and each brings, beside its Python modules:

- ``config.yaml``: the defaults of its config section (one top-level key, the
  plugin's name), commented: the paper profile;
- ``<profile>.yaml`` (e.g. ``quick.yaml``): that profile's overrides, optional;
- ``config.schema.yaml``: the JSON schema of its section (its own ``$defs``
  may be referenced as ``#/$defs/<name>``; they join the root schema's);
- ``hooks.py`` (optional): what the shared layers take from it, each optional:
  ``ATTRIBUTES`` (NetCDF units and long names of the variables it writes),
  ``config_problems(config)`` (its cross-field config checks),
  ``resource_estimates(config)`` (its heavy jobs' memory and disk) and
  ``SLURM_GROUP_COMPONENTS`` (its cluster groups' sizes);
- outside the package: ``workflow/rules/<name>.smk`` and its helpers
  ``workflow/rules/<name>_paths.smk`` (found by the Snakefile),
  its scripts, report captions and ``config/claims/<name>.yaml``.

The package imports its own physics; this module imports a plugin only when
asked for its hooks.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
NAMESPACES = ("papers", "studies")  # in this order: a study may build on a paper
ROOT_HOOKS = ("hwiloc.studies.hooks",)  # the hooks of the root config's sections (studies)


@dataclass(frozen=True)
class Plugin:
    """One discovered paper or study.

    Parameters
    ----------
    name : str
        Its name: its config section, its results folder and its package's name.
    package : str
        The dotted package, e.g. ``hwiloc.papers.<name>``.
    folder : pathlib.Path
        The package's folder, which holds its config files.
    """

    name: str
    package: str
    folder: Path

    @property
    def config_file(self) -> Path:
        """Its defaults: the paper profile's values of its section."""
        return self.folder / "config.yaml"

    @property
    def schema_file(self) -> Path:
        """The JSON schema of its section."""
        return self.folder / "config.schema.yaml"

    def profile_file(self, profile: str) -> Path | None:
        """Its overrides for ``profile`` (None for the paper profile or when it has none)."""
        path = self.folder / f"{profile}.yaml"
        return path if profile != "paper" and path.exists() else None

    def hooks(self) -> ModuleType | None:
        """Its ``hooks`` module, imported now; None when it has none."""
        if not (self.folder / "hooks.py").exists():
            return None
        return importlib.import_module(f"{self.package}.hooks")


@cache
def plugins() -> tuple[Plugin, ...]:
    """Every plugin: the papers (alphabetical), then the studies (alphabetical)."""
    found = []
    for namespace in NAMESPACES:
        folder = HERE / namespace
        for module in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
            path = folder / module.name
            if module.ispkg and (path / "config.yaml").exists():
                found.append(Plugin(module.name, f"hwiloc.{namespace}.{module.name}", path))
    return tuple(found)


def plugin_names() -> tuple[str, ...]:
    """The names of :func:`plugins`, in their order."""
    return tuple(p.name for p in plugins())


def hook(name: str) -> list:
    """Attribute ``name`` of every hooks module that defines it, as (owner, value) pairs.

    The plugins' ``hooks`` in their order, then those of the root config's sections
    (:data:`ROOT_HOOKS`: the parameter studies').
    """
    modules = [(p.name, p.hooks()) for p in plugins()]
    modules += [(m.rsplit(".", 2)[-2], importlib.import_module(m)) for m in ROOT_HOOKS]
    return [(owner, getattr(m, name)) for owner, m in modules if m is not None and hasattr(m, name)]


def slurm_group_components() -> dict[str, int]:
    """Every ``SLURM_GROUP_COMPONENTS`` hook joined: group -> jobs per cluster job.

    The SLURM profile (``profiles/slurm/config.yaml``) reads it for ``group-components``.
    """
    out: dict[str, int] = {}
    for owner, sizes in hook("SLURM_GROUP_COMPONENTS"):
        for group, size in sizes.items():
            if out.get(group, size) != size:
                raise ValueError(f"{owner}: SLURM group {group!r} given two sizes")
            out[group] = size
    return out
