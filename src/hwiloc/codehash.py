"""Which library code a result depends on, and a hash of it.

Snakemake reruns a job when its rule's script changes, not when the library the
script imports does. The workflow closes that gap with this module: for each
rule's script it finds the ``hwiloc`` modules the script imports, directly or
through other modules (every ``import`` statement, also those inside functions,
and the packages' ``__init__`` files that importing runs), and hashes their
source. The hash is a parameter of the rule, so a change to any of those modules
reruns exactly the jobs whose code changed, and the files record it
(:func:`hwiloc.io.netcdf.finalize` writes the hash of the modules its process
loaded, which :mod:`hwiloc.verify` compares with the sources of today).

Static: nothing is imported, and a module is read once per process.
"""

from __future__ import annotations

import ast
import hashlib
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # the hwiloc package's folder
ROOT_NAME = "hwiloc"


@cache
def module_file(name: str) -> Path | None:
    """The source file of module ``name`` (``hwiloc.a.b``) in this package, or None (looked up
    once per process: the files of a run do not come and go while it plans)."""
    parts = name.split(".")
    if parts[0] != ROOT_NAME:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _absolute(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = here.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(source: str, here: str = "", is_package: bool = False) -> set[str]:
    """The hwiloc modules a source text imports (at any depth of its code), and the
    packages above each, whose ``__init__`` an import runs."""
    found = set()
    for node in _statements(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, here, is_package)
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            found |= _with_packages(name)
    return found


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")  # where statements nest


def _statements(tree: ast.AST):
    """Every statement of a module's tree, at any depth (in functions, classes, branches,
    handlers, cases), without visiting its expressions: an import is a statement, and the
    expressions are nine tenths of the nodes. [-]"""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for field in _BODIES:
            todo.extend(getattr(node, field, ()))


def _with_packages(name: str) -> set[str]:
    """The hwiloc module ``name`` (if it has a source file) and the packages above it."""
    parts = name.split(".")
    if parts[0] != ROOT_NAME:
        return set()
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)
            if module_file(".".join(parts[:i])) is not None}  # fmt: skip


def dynamic_imports(source: str, names: dict) -> set[str]:
    """The hwiloc modules a script imports by name, ``importlib.import_module("...")`` or
    ``import_module(f"hwiloc.papers.{paper}.assumptions")``, with each name of the f-string
    taken from ``names`` (a rule's params), and the packages above each.

    A name the params do not give raises ValueError: a module left out of the hash would
    let the rule's results go stale silently after a change to it.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        func = getattr(node, "func", None)
        if not (isinstance(node, ast.Call) and node.args
                and getattr(func, "attr", getattr(func, "id", None)) == "import_module"):
            continue  # fmt: skip
        arg = node.args[0]
        pieces = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
        text = []
        for piece in pieces:
            if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                text.append(piece.value)
            elif (isinstance(piece, ast.FormattedValue) and isinstance(piece.value, ast.Name)
                  and isinstance(names.get(piece.value.id), str)):  # fmt: skip
                text.append(names[piece.value.id])
            else:
                raise ValueError(
                    f"a script imports a module by a name its rule's params do not give "
                    f"(line {node.lineno}: {ast.unparse(arg)}; string params: {sorted(names)}); "
                    "give it as a param, so that the module's code is in the rule's code hash"
                )
        found |= _with_packages("".join(text))
    return found


@cache
def _direct(name: str) -> frozenset[str]:
    path = module_file(name)
    if path is None:
        return frozenset()
    return frozenset(imported_modules(path.read_text(), name, path.name == "__init__.py"))


def closure(modules) -> tuple[str, ...]:
    """``modules`` and every hwiloc module they import, transitively, sorted."""
    seen, todo = set(), [m for m in modules if module_file(m) is not None]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_direct(name) - seen)
    return tuple(sorted(seen))


def code_hash(modules) -> str:
    """SHA-256 (its first 16 hex digits) of the sources of ``modules``, named and sorted.

    Read once per set of modules and process (``verify`` meets the same set in every file
    of a rule; a job's sources do not change while it runs).
    """
    return _code_hash(tuple(sorted(set(modules))))


@cache
def _code_hash(modules: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in modules:
        path = module_file(name)
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path is not None else b"(absent)")
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def script_code_hash(source: str, names: dict | None = None) -> str:
    """The hash of every hwiloc module a rule's script (its source text) depends on: those it
    imports, and those it imports by a name made of its rule's params ``names``
    (:func:`dynamic_imports`)."""
    return code_hash(closure(imported_modules(source) | dynamic_imports(source, names or {})))


NOT_RESULTS = ("hwiloc.job", "hwiloc.jobserver")  # how a job starts, not what it computes


def loaded_modules() -> tuple[str, ...]:
    """The hwiloc modules this process has imported (those with a source file), sorted;
    not :data:`NOT_RESULTS`, which every workflow script imports to start."""
    return tuple(sorted(n for n in list(sys.modules) if n.split(".")[0] == ROOT_NAME
                        and n not in NOT_RESULTS and module_file(n) is not None))  # fmt: skip
