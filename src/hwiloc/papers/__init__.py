"""One package per paper: ``hwiloc.papers.<paper>``.

Every paper package has the same parts, each a module:

- ``system``: the paper's setup (a frozen dataclass from its config section),
  its random draws, ``STUDY``, ``REFERENCE`` and ``provenance``;
- ``stages``: the dataset builders its rules call (a paper with more stages
  may add one module per stage, e.g. ``zhang2025.measured``);
- ``claims``: the value of each claim of ``config/claims/<paper>.yaml`` by id;
- ``figures``: its plotting, datasets in, Figure out;
- ``table1``: its system parameters as used (``TITLE`` and ``table1(cfg)``);
- ``assumptions`` (a paper with unknown values only): the grid its unknowns
  are fitted on, for :mod:`hwiloc.claims.assumptions`;
- ``hooks``: what the shared layers take from it (NetCDF units and long names,
  cross-field config checks, resource estimates, SLURM group sizes), found by
  :mod:`hwiloc.plugins`, which never imports it by name.

Beside its modules the package holds its config section as package data:
``config.yaml`` (the defaults), ``quick.yaml`` (the quick profile's overrides)
and ``config.schema.yaml``. With ``workflow/rules/<paper>.smk`` and
``<paper>_paths.smk``, its scripts and report captions and
``config/claims/<paper>.yaml`` that is the whole paper: adding one edits no
existing file (:mod:`hwiloc.plugins` finds it).

A paper package imports the shared physics (geometry, ofdm, models,
impairments, bounds, ambiguity, estimators, calibration, io) and the claims
machinery, never another paper; nothing below it imports a paper. The guide
"Add a paper" (docs/guides/add_paper.md) gives the files to create, in order.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path


def paper_names() -> tuple[str, ...]:
    """The paper packages, by name, in alphabetical order (each folder of ``papers/``)."""
    found = pkgutil.iter_modules([str(Path(__file__).parent)])
    return tuple(sorted(m.name for m in found if m.ispkg))
