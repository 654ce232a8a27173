"""The library's layout: one package per paper with the same parts, imports that run one way.

Read from the source (every ``import`` statement, also those inside functions),
so that a lazy import cannot hide a cycle.
"""

import ast
import importlib
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT

from hwiloc.claims import check_registry, claims_path, load_claims
from hwiloc.papers import paper_names
from hwiloc.plugins import plugin_names, plugins

SRC = ROOT / "src" / "hwiloc"
PAPERS = sorted(p.name for p in (SRC / "papers").iterdir() if (p / "__init__.py").exists())
PARTS = ("system", "stages", "claims", "figures", "table1")  # issue 16: every paper has them
MAX_LINES = 500

# papers -> physics -> foundations: a package imports packages of its own rank or below
RANKS = {
    **dict.fromkeys(("constants", "validation", "geometry", "ofdm", "autodiff", "kernels",
                     "runlog", "config", "streams", "plugins", "codehash", "job", "jobserver"),
                    0),  # foundations (job, jobserver: how a workflow script starts)
    # (plugins: discovery, which imports a plugin's hooks by name at run time, not by import)
    **dict.fromkeys(("models", "impairments", "bounds", "ambiguity", "estimators",
                     "calibration", "io"), 1),  # shared physics, by concept
    **dict.fromkeys(("claims", "reporting", "plotting", "deployment", "verify", "resources",
                     "report"), 2),  # shared machinery
    "papers": 3,  # its __init__: what a paper package holds
    **{f"papers.{p}": 3 for p in PAPERS},
    "studies": 4,  # parameter studies beyond the papers, built on them
    "__main__": 5,  # python -m hwiloc: the command line, over everything
}  # fmt: skip


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


def _is_module(name: str) -> bool:
    path = SRC.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def package_of(module: str) -> str | None:
    """hwiloc.bounds.generic -> bounds; hwiloc.papers.chen2022.stages -> papers.chen2022."""
    parts = module.split(".")
    if parts[0] != "hwiloc" or len(parts) == 1:
        return None
    if parts[1] == "papers" and len(parts) > 2:
        return f"papers.{parts[2]}"
    return parts[1]


def imported_modules(path: Path) -> set[str]:
    """Every hwiloc module that ``path`` imports, at any depth of its code."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names
                    if _is_module(f"{node.module}.{a.name}")}  # fmt: skip
    return {m for m in out if m.split(".")[0] == "hwiloc"}


def package_graph() -> dict[str, set[str]]:
    """Package -> the packages it imports (itself excluded)."""
    graph = defaultdict(set)
    for path in SRC.rglob("*.py"):
        here = package_of(_module_name(path))
        if here is None:
            continue
        graph[here] |= {
            p for m in imported_modules(path) if (p := package_of(m)) not in (None, here)
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one package (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_planted_cycle():
    """The check can fail: a three-package loop and a two-package loop are both found."""
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d", "a"}, "f": {"a"}}
    assert sorted(cycles(planted)) == [["a", "b", "c"], ["d", "e"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_packages():
    graph = package_graph()
    assert {"bounds", "models", "papers.chen2022", "config"} <= set(graph)
    assert cycles(graph) == []


def test_models_and_bounds_do_not_import_each_other_and_config_no_paper():
    graph = package_graph()
    assert "bounds" not in graph["models"]
    assert not {p for p in graph["config"] if p.startswith("papers.")}


def test_imports_run_papers_to_physics_to_foundations():
    """Every package has a rank, and imports only packages of its rank or below; no paper
    imports another paper."""
    graph = package_graph()
    unranked = sorted(set(graph) - set(RANKS))
    assert not unranked, f"packages without a layer in tests/test_layout.py: {unranked}"
    upward = sorted(
        f"{p} (rank {RANKS[p]}) imports {q} (rank {RANKS[q]})"
        for p, targets in graph.items()
        for q in targets
        if RANKS[q] > RANKS[p] or (p.startswith("papers.") and q.startswith("papers."))
    )
    assert not upward, upward


def test_the_three_papers_have_packages():
    assert len(PAPERS) >= 3  # the three the project reproduces, at least
    assert paper_names() == tuple(PAPERS)  # what the workflow checks the claims files of


@pytest.mark.parametrize("paper", PAPERS)
def test_every_paper_package_has_the_same_parts(paper):
    folder = SRC / "papers" / paper
    missing = [part for part in PARTS if not (folder / f"{part}.py").exists()]
    assert not missing, f"papers/{paper} lacks {missing} (docs/guides/add_paper.md)"
    package = importlib.import_module(f"hwiloc.papers.{paper}")
    doc = package.__doc__ or ""
    for where in (f"workflow/rules/{paper}.smk", f"config/claims/{paper}.yaml"):
        assert where in doc, f"papers/{paper}/__init__ does not say where {where} is"
        assert (ROOT / where).exists(), where
    system = importlib.import_module(f"hwiloc.papers.{paper}.system")
    assert system.STUDY == paper
    assert system.provenance.study == paper and system.provenance.reference == system.REFERENCE
    table1 = importlib.import_module(f"hwiloc.papers.{paper}.table1")
    assert callable(table1.table1) and isinstance(table1.TITLE, str)
    # every claim of the paper's file has a function, and every function a claim
    check_registry(load_claims(claims_path(ROOT, paper)))


@pytest.mark.parametrize("path", sorted((SRC / "papers").rglob("*.py")), ids=lambda p: p.name)
def test_no_paper_module_is_over_500_lines(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)}: {lines} lines"


def test_every_dataset_builder_uses_the_one_provenance_helper():
    """No paper module finalizes a dataset itself: io.netcdf.Provenance does it."""
    direct = [
        str(p.relative_to(ROOT))
        for p in (SRC / "papers").rglob("*.py")
        if "finalize(" in p.read_text() or "def _provenance" in p.read_text()
    ]
    assert not direct, direct


@pytest.mark.parametrize("plugin", plugins(), ids=lambda p: p.name)
def test_every_plugin_brings_its_config_schema_and_rules(plugin):
    """A paper or study with a config section has its defaults, schema and rules file, and
    its config file holds its section alone (the merged config is their union)."""
    import yaml

    assert yaml.safe_load(plugin.config_file.read_text()).keys() == {plugin.name}
    schema = yaml.safe_load(plugin.schema_file.read_text())
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    for profile_file in plugin.folder.glob("*.yaml"):
        if profile_file.name not in ("config.yaml", "config.schema.yaml"):
            assert yaml.safe_load(profile_file.read_text()).keys() == {plugin.name}, profile_file
    for part in (f"{plugin.name}.smk", f"{plugin.name}_paths.smk"):  # rules, their helpers
        assert (ROOT / "workflow" / "rules" / part).exists(), part


# The shared files: none names a paper or a study of its own (a paper is new files only).
SHARED = [
    "Snakefile", "workflow/rules/common.smk", "profiles/slurm/config.yaml",
    "workflow/schemas/config.schema.yaml", "workflow/report/workflow.rst",
    "src/hwiloc/config.py", "src/hwiloc/io/netcdf.py", "src/hwiloc/resources.py",
    "src/hwiloc/plugins.py", "src/hwiloc/verify.py",
]  # fmt: skip


@pytest.mark.parametrize("path", SHARED)
def test_no_shared_file_names_a_plugin(path):
    text = (ROOT / path).read_text()
    named = [name for name in plugin_names() if name in text]
    assert not named, f"{path} names {named}: move it to the plugin's own files (hooks, rules)"


def test_the_shared_file_check_can_fail():
    """The check above finds a name planted in a shared file's text."""
    text = (ROOT / SHARED[0]).read_text() + "\n# zhang2025\n"
    assert [name for name in plugin_names() if name in text] == ["zhang2025"]
