"""Check every result file: readable, checksummed, described, and labelled as computed.

``python -m hwiloc verify [results/]`` (also the Snakemake target ``verify``)
reads every file under the results folder and lists what is wrong with the
command that regenerates it:

- **corrupt**: a NetCDF file whose arrays fail their Fletcher-32 checksum, or whose
  scalars their ``scalar_checksum``, that is truncated or not NetCDF at all; a PNG,
  PDF, CSV or Markdown file that is empty or does not start as its format does;
- **undescribed**: a NetCDF file without the global attributes of
  :func:`hwiloc.io.netcdf.finalize` (title, study, source, references,
  history, config);
- **mislabelled**: a path key ``name~value`` that disagrees with the value the
  file records (its attribute ``name``, or ``name`` in its config JSON);
- **edited**: a file whose bytes differ from the SHA-256 the job that wrote it
  recorded in the run manifest (``<root>/.manifest``, :mod:`hwiloc.runlog`): a
  hand edit, even one that left the file consistent in itself;
- **stale**: a NetCDF file made by library code that has changed since (its
  ``code_hash`` against the sources of the modules it names in ``code_modules``), or
  one that records no code hash (made before results recorded their code); any
  other file (CSV, Markdown, figure) whose job's manifest record names modules
  whose code has changed since;
- **missing**: with ``--snakefile`` (the default when a ``Snakefile`` is in
  the working directory), every file of the workflow's DAG that is absent,
  from ``snakemake --summary``.

Exit status 0 when nothing is wrong, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from hwiloc.io.netcdf import regenerate_command

REQUIRED_ATTRS = ("title", "study", "source", "references", "history", "config")
KEY_ALIASES = {"calibration": "calibration_capture", "source": "measured.source"}
"""Path keys recorded under another name (``source`` is also the provenance attribute)."""
MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-", ".nc": b"\x89HDF\r\n\x1a\n"}


@dataclass(frozen=True)
class Problem:
    """One bad result file: its path, what is wrong, and the command that regenerates it."""

    path: str
    kind: str  # corrupt | undescribed | mislabelled | edited | stale | missing
    detail: str

    @property
    def fix(self) -> str:
        if self.kind == "missing":
            return f"snakemake --cores all '{self.path}'"
        return regenerate_command(self.path)


def path_keys(path: Path) -> dict[str, str]:
    """The ``name~value`` components of a path, in order."""
    keys = {}
    parts = list(path.parts)
    if parts and Path(parts[-1]).suffix.lower() in (".nc", ".png", ".pdf", ".csv", ".md", ".log"):
        parts[-1] = parts[-1][: -len(Path(parts[-1]).suffix)]  # the file's own extension only
    for stem in parts:
        if "~" in stem:
            name, _, value = stem.partition("~")
            keys[name] = value
    return keys


def _lookup(config: dict, dotted: str):
    """The value at a dotted key, or of the first key of that name at any depth (BFS)."""
    node = config
    for part in dotted.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            break
    else:
        return node, True
    name = dotted.split(".")[-1]
    queue = [config]
    while queue:
        node = queue.pop(0)
        if isinstance(node, dict):
            if name in node and not isinstance(node[name], (dict, list)):
                return node[name], True
            queue.extend(node.values())
    return None, False


def same_value(label: str, value) -> bool:
    """Whether a path label names ``value``: equal as text, or as numbers to 10 digits."""
    if str(value) == label:
        return True
    try:
        return f"{float(label):.10g}" == f"{float(value):.10g}"
    except (TypeError, ValueError):
        return False


def target_key_problems(targets, expected) -> list[str]:
    """Why targets asked for on the command line contradict the config (empty if none).

    ``expected`` is a list of (path prefix, {key name: (config key, allowed
    values)}): a target under the prefix whose ``name~value`` is none of the
    allowed values would be computed with the config's value under another
    label, so it is refused before any job, with the config key named.
    """
    problems = []
    for target in targets:
        text = str(target)
        for prefix, keys in expected:
            if not text.startswith(prefix):
                continue
            for name, label in path_keys(Path(text)).items():
                if name not in keys:
                    continue
                config_key, allowed = keys[name]
                if not any(same_value(label, v) for v in allowed):
                    shown = allowed[0] if len(allowed) == 1 else list(allowed)
                    problems.append(
                        f"target {text}: its path says {name}~{label}, but config key "
                        f"'{config_key}' is {shown!r}; the job computes with the config's "
                        f"value, so the file would be mislabelled. Ask for "
                        f"{name}~{allowed[0]}, or set {config_key} to {label} (a config "
                        "file, or --config)"
                    )
    return problems


def check_netcdf(path: Path) -> list[Problem]:
    """Read every array of ``path`` (checksums), its attributes and its path keys."""
    import h5py
    import numpy as np

    try:
        with h5py.File(path, "r") as f:
            attrs = {k: f.attrs[k] for k in f.attrs}
            names = []
            f.visititems(lambda name, obj: names.append(name) if isinstance(obj, h5py.Dataset)
                         else None)  # fmt: skip
            scalars = {}
            for name in names:
                value = f[name][()]  # reads the chunks: a failed Fletcher-32 checksum raises here
                if f[name].shape == ():
                    scalars[name] = value
    except (OSError, ValueError, KeyError, RuntimeError, TypeError) as error:
        return [Problem(str(path), "corrupt", f"unreadable ({type(error).__name__}: {error})")]
    def plain(v):
        if isinstance(v, bytes):
            return v.decode()
        if isinstance(v, np.ndarray) and v.size == 1:
            return v.reshape(()).item()
        return v.item() if isinstance(v, np.generic) else v

    attrs = {k: plain(v) for k, v in attrs.items()}
    problems = []
    if "scalar_checksum" in attrs:
        from hwiloc.io.netcdf import scalar_checksum

        if scalar_checksum(scalars) != attrs["scalar_checksum"]:
            problems.append(Problem(str(path), "corrupt", "a scalar variable does not match the "
                                    "file's scalar_checksum (Fletcher-32 does not cover "
                                    "scalars)"))  # fmt: skip
    lacking = [k for k in REQUIRED_ATTRS if k not in attrs]
    if lacking:
        problems.append(Problem(str(path), "undescribed", f"no global attribute(s) {lacking}"))
    try:
        config = json.loads(str(attrs.get("config", "{}")))
    except json.JSONDecodeError as error:
        problems.append(Problem(str(path), "undescribed", f"config attribute is not JSON: {error}"))
        config = {}
    for name, label in path_keys(path).items():
        if name in KEY_ALIASES:
            value, found = _lookup(config, KEY_ALIASES[name])
        elif name in attrs and name != "source":
            value, found = attrs[name], True
        else:
            value, found = _lookup(config, name)
        if found and not same_value(label, value):
            problems.append(
                Problem(str(path), "mislabelled",
                        f"its path says {name}~{label}; the file was computed with "
                        f"{name} = {value!r}")  # fmt: skip
            )
    if not lacking and not {"code_hash", "code_modules"} <= set(attrs):
        problems.append(
            Problem(str(path), "stale",
                    "records no code hash (written before hwiloc recorded the code of a "
                    "result): the code that made it is unknown")  # fmt: skip
        )
    elif "code_hash" in attrs and "code_modules" in attrs:
        from hwiloc.codehash import code_hash

        modules = str(attrs["code_modules"]).split()
        if code_hash(modules) != attrs["code_hash"]:
            problems.append(
                Problem(str(path), "stale",
                        "made by hwiloc code that has changed since (one of the "
                        f"{len(modules)} modules it loaded; hwiloc.codehash)")  # fmt: skip
            )
    return problems


def check_file(path: Path) -> list[Problem]:
    """The problems of one result file (none for a file type it does not know)."""
    suffix = path.suffix.lower()
    if suffix == ".nc":
        return check_netcdf(path)
    if suffix in (".png", ".pdf", ".csv", ".md"):
        try:
            head = path.open("rb").read(16)
        except OSError as error:
            return [Problem(str(path), "corrupt", f"unreadable ({error})")]
        if not head:
            return [Problem(str(path), "corrupt", "empty")]
        magic = MAGIC.get(suffix)
        if magic and not head.startswith(magic):
            return [Problem(str(path), "corrupt", f"does not start as a {suffix} file does")]
        if suffix in (".csv", ".md"):
            try:
                path.read_text(encoding="utf-8")
            except UnicodeDecodeError as error:
                return [Problem(str(path), "corrupt", f"not UTF-8 text ({error})")]
    return []


def missing_files(snakemake_args: list[str]) -> list[Problem]:
    """Files of the workflow's DAG that are absent, from ``snakemake --summary``."""
    from hwiloc.report import summary

    _, missing = summary(snakemake_args)
    return [Problem(path, "missing", "absent (the DAG has it)") for path in missing]


def edited_files(root: str | Path, files) -> list[Problem]:
    """The ``files`` whose bytes differ from what the job that wrote them recorded
    (:func:`hwiloc.runlog.write_manifest`): a hand edit, found even when the file is
    consistent in itself (a NetCDF rewritten with fresh checksums, a CSV changed)."""
    from hwiloc.codehash import code_hash
    from hwiloc.runlog import read_manifests, sha256

    recorded = read_manifests(root)
    problems = []
    for path in files:
        entry = recorded.get(os.path.relpath(path, root))
        if entry is None:
            continue
        digest, rule, modules, code = entry
        if sha256(path) != digest:
            problems.append(Problem(str(path), "edited", f"its bytes differ from what rule "
                                    f"{rule} wrote (the run manifest)"))  # fmt: skip
        elif modules and Path(path).suffix != ".nc" and code_hash(modules) != code:
            problems.append(
                Problem(str(path), "stale",
                        f"made by rule {rule} with hwiloc code that has changed since (one "
                        f"of the {len(modules)} modules its job loaded; the run manifest)")
            )  # a NetCDF says so itself (check_netcdf)
    return problems


def _under(path: str, roots: list[Path]) -> bool:
    """``path`` is one of ``roots`` or inside one of them."""
    here = Path(path)
    return any(here == r or r in here.parents for r in roots)


def verify(
    root: str | Path, snakemake_args: list[str] | None = None, only: list | None = None
) -> tuple[int, list[Problem]]:
    """(number of files checked, problems) under ``root``; DAG files too with ``snakemake_args``.

    ``only``: files or folders (inside ``root`` or not) to restrict both to, e.g. one
    paper's results or a study's folder; default everything under ``root``.
    """
    root = Path(root)
    roots = [Path(p) for p in only] if only else [root]
    files = sorted(
        p for r in roots for p in ([r] if r.is_file() else r.rglob("*") if r.is_dir() else [])
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(
            r if r.is_dir() else r.parent).parts)  # fmt: skip
    )  # hidden files and folders (the manifest) aside
    problems = [problem for p in files for problem in check_file(p)]
    problems += edited_files(root, files)
    if snakemake_args is not None:
        problems += [m for m in missing_files(snakemake_args) if _under(m.path, roots)]
    return len(files), problems


def _counts(problems: list[Problem]) -> str:
    kinds = {}
    for p in problems:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hwiloc verify", description=__doc__.split(
        "\n")[0])  # fmt: skip
    parser.add_argument("root", nargs="?", default="results", help="results folder (results)")
    parser.add_argument("only", nargs="*", metavar="TARGET",
                        help="files or folders to check instead of the whole root: a path, or a "
                        "paper's, study's or parameter study's name (ROOT/<name>, "
                        "ROOT/studies/<name>)")  # fmt: skip
    parser.add_argument("--no-dag", action="store_true",
                        help="do not ask Snakemake which files are missing")  # fmt: skip
    parser.add_argument("--ignore-missing", action="store_true",
                        help="check the files that exist only (a partial run): the same as "
                        "--no-dag")  # fmt: skip
    parser.epilog = "after --: arguments for snakemake --summary, e.g. -- --configfile my.yaml"
    argv = sys.argv[1:] if argv is None else list(argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    asked_no_dag = args.no_dag or args.ignore_missing
    use_dag = not asked_no_dag and (Path("Snakefile").is_file() or "--snakefile" in extra)
    if not Path(args.root).is_dir() and not use_dag:
        print(f"verify: {args.root}: no such folder", file=sys.stderr)
        return 2
    only = []
    for target in args.only:
        named = [Path(args.root) / target, Path(args.root) / "studies" / target]
        found = Path(target) if Path(target).exists() else next(
            (n for n in named if n.exists()), None)  # fmt: skip
        if found is None:
            print(f"verify: {target}: neither a path nor a result folder under {args.root} "
                  f"(looked for {named[0]} and {named[1]})", file=sys.stderr)  # fmt: skip
            return 2
        only.append(found)
    count, problems = verify(args.root, extra if use_dag else None, only or None)
    if use_dag:
        note = ""
    elif asked_no_dag:
        note = f" ({'--ignore-missing' if args.ignore_missing else '--no-dag'}: missing files "
        note += "not listed)"
    else:
        note = " (no Snakefile here and no --snakefile after --: missing files not listed)"
    where = ", ".join(str(o) for o in only) if only else args.root
    print(f"verify: {count} file(s) under {where} checked; {len(problems)} problem(s)"
          + (f": {_counts(problems)}" if problems else "") + note)  # fmt: skip
    for p in problems:
        print(f"{p.kind}: {p.path}: {p.detail}\n  regenerate: {p.fix}")
    return 1 if problems else 0
