"""From a non-editable install: the package ships every paper's config (package data), so
:func:`hwiloc.config.default_config` and the docs gallery's examples run with no file of the
repository at hand.

The wheel is built from a copy of this work tree (``pip wheel``), unpacked into a folder of its own
(``pip install --target``, no dependencies: they are this environment's) and used from a
working directory outside the repository, with only that folder on the path.
"""

import os
import subprocess
import sys

import pytest
from conftest import ROOT
from repository import source_copy

from hwiloc.config import default_config

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("installed")
    source = source_copy(base / "source")  # built there: no build/ left in the work tree
    pip = [sys.executable, "-m", "pip", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(base / "wheel"), str(source)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    (built,) = (base / "wheel").glob("hwiloc-*.whl")
    target = base / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(built)],
                   check=True, capture_output=True, timeout=600)  # fmt: skip
    outside = base / "elsewhere"
    outside.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "MPLBACKEND": "Agg"}
    return target, outside, env


def _python(installed, *args):
    target, outside, env = installed
    return subprocess.run([sys.executable, *args], cwd=outside, env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def test_the_installed_package_has_every_papers_config(installed):
    target, _, _ = installed
    code = (
        "import json, hwiloc, hwiloc.config as c; "
        "print(hwiloc.__file__); "
        "print(json.dumps({p: c.default_config(p) for p in ('paper', 'quick')}))"
    )
    result = _python(installed, "-c", code)
    assert result.returncode == 0, result.stderr[-3000:]
    where, configs = result.stdout.splitlines()
    assert where.startswith(str(target))  # the installed copy, not the work tree
    import json

    shipped = json.loads(configs)
    for profile in ("paper", "quick"):
        assert shipped[profile] == json.loads(json.dumps(default_config(profile)))


@pytest.mark.parametrize("example", sorted((ROOT / "docs" / "examples").glob("example_*.py")),
                         ids=lambda p: p.stem)  # fmt: skip
def test_each_gallery_example_runs_from_the_installed_package(installed, example):
    result = _python(installed, str(example))
    assert result.returncode == 0, result.stderr[-3000:]
