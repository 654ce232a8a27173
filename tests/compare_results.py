"""Compare two results trees file by file: are the NetCDF and CSV outputs bit-identical?

Usage::

    python tests/compare_results.py OLD/results NEW/results

For a change that must not change behaviour (a refactor): run the same profile
on the code before and after, each into its own clone, and compare. Every
``.csv`` is compared byte for byte. Every ``.nc`` is compared byte for byte
first; when its bytes differ it is opened without decoding (h5netcdf, raw
values) and compared variable by variable: dimensions, dtype, the raw bytes of
the values, every variable attribute and every global attribute. The global
``history`` attribute (the creation time) and ``code_hash`` (which any change of the
code that wrote the file changes: a refactor's always) are never compared; an attribute
whose value names a module path (``hwiloc.<package>...``) before and after may
differ and is listed apart. A file only in the new tree (a new output) is
listed as added. Anything else that differs, and a file missing from the new
tree, is a difference: the script prints each one and exits 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import xarray as xr

IGNORED = ("history", "code_hash")  # global attributes that change with every run (creation
# time) or with any change of the code that wrote the file (hwiloc.codehash)
MODULE_PATH = re.compile(r"\bhwiloc\.[a-z_0-9]+\.[a-z_0-9.]+")
KINDS = (".nc", ".csv")


def _same_value(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, float) and isinstance(b, float):
        return np.float64(a).tobytes() == np.float64(b).tobytes()
    return type(a) is type(b) and a == b


def _attrs(where: str, old: dict, new: dict, added=()) -> tuple[list[str], list[str]]:
    """(differences, listed-apart differences) of two attribute mappings: an attribute whose
    value names a module path before and after, or a global one in ``added`` that only the
    new file has (provenance a later version records), is listed apart."""
    diffs, paths = [], []
    for key in sorted(set(old) | set(new)):
        if key in IGNORED and where == "global":
            continue
        if where == "global" and key in added and key not in old:
            paths.append(f"{where} attribute {key!r} added")
            continue
        if key not in old or key not in new:
            diffs.append(f"{where} attribute {key!r} only in {'new' if key in new else 'old'}")
        elif not _same_value(old[key], new[key]):
            texts = [v for v in (old[key], new[key]) if isinstance(v, str)]
            if len(texts) == 2 and all(MODULE_PATH.search(t) for t in texts):
                paths.append(f"{where} attribute {key!r}: {old[key]!r} -> {new[key]!r}")
            else:
                diffs.append(f"{where} attribute {key!r} differs")
    return diffs, paths


def compare_netcdf(old: Path, new: Path, added=()) -> tuple[list[str], list[str]]:
    """(differences, listed-apart attribute differences) of two NetCDF files."""
    kw = {"engine": "h5netcdf", "decode_cf": False, "decode_times": False, "mask_and_scale": False}
    with xr.open_dataset(old, **kw) as a, xr.open_dataset(new, **kw) as b:
        diffs, paths = _attrs("global", a.attrs, b.attrs, added)
        names_a, names_b = set(a.variables), set(b.variables)
        for name in sorted(names_a ^ names_b):
            diffs.append(f"variable {name!r} only in {'new' if name in names_b else 'old'}")
        for name in sorted(names_a & names_b):
            va, vb = a.variables[name], b.variables[name]
            if va.dims != vb.dims:
                diffs.append(f"variable {name!r}: dims {va.dims} -> {vb.dims}")
                continue
            x, y = np.ascontiguousarray(va.values), np.ascontiguousarray(vb.values)
            if x.dtype != y.dtype or x.shape != y.shape:
                diffs.append(f"variable {name!r}: {x.dtype}{x.shape} -> {y.dtype}{y.shape}")
            elif x.dtype.kind == "O":
                if not all(_same_value(p, q) for p, q in zip(x.ravel(), y.ravel(), strict=True)):
                    diffs.append(f"variable {name!r}: values differ")
            elif x.tobytes() != y.tobytes():
                count = int(np.sum(x != y)) if x.dtype.kind != "V" else -1
                diffs.append(f"variable {name!r}: values differ ({count} of {x.size} entries)")
            d, p = _attrs(f"{name!r}", dict(va.attrs), dict(vb.attrs))
            diffs += d
            paths += p
    return diffs, paths


def _same_bytes(old: Path, new: Path, chunk: int = 1 << 24) -> bool:
    if old.stat().st_size != new.stat().st_size:
        return False
    with old.open("rb") as a, new.open("rb") as b:
        while True:
            x, y = a.read(chunk), b.read(chunk)
            if x != y:
                return False
            if not x:
                return True


def compare_trees(old_root: Path, new_root: Path, added=()) -> dict:
    """Compare every NetCDF and CSV file of two results trees.

    Returns {"bytes": [...], "content": [...], "module_paths": {path: [...]},
    "added": [...], "different": {path: [...]}}: files with identical bytes,
    files whose content is identical apart from ``history``, files that differ
    only in attributes naming a module path, files only in the new tree, and
    files that differ (or are missing from the new tree).
    """

    def files(root):
        return {p.relative_to(root) for p in root.rglob("*") if p.suffix in KINDS and p.is_file()}

    old_files, new_files = files(old_root), files(new_root)
    missing = {rel: ["missing from new"] for rel in sorted(old_files - new_files)}
    out = {"bytes": [], "content": [], "module_paths": {}, "added": sorted(new_files - old_files),
           "different": missing}  # fmt: skip
    for rel in sorted(old_files & new_files):
        a, b = old_root / rel, new_root / rel
        if _same_bytes(a, b):
            out["bytes"].append(rel)
        elif rel.suffix == ".csv":
            out["different"][rel] = ["bytes differ"]
        else:
            diffs, paths = compare_netcdf(a, b, added)
            if diffs:
                out["different"][rel] = diffs
            elif paths:
                out["module_paths"][rel] = paths
            else:
                out["content"].append(rel)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="results tree of the code before")
    parser.add_argument("new", type=Path, help="results tree of the code after")
    parser.add_argument("--added-attributes", nargs="*", default=[], metavar="NAME",
                        help="global attributes only the new files may have (provenance a "
                        "later version records, e.g. code_modules scalar_checksum): listed "
                        "apart")  # fmt: skip
    args = parser.parse_args(argv)
    for root in (args.old, args.new):
        if not root.is_dir():
            parser.error(f"{root} is not a directory")
    out = compare_trees(args.old, args.new, tuple(args.added_attributes))
    total = sum(len(out[k]) for k in out)
    kinds = {s: sum(1 for k in out for p in out[k] if Path(p).suffix == s) for s in KINDS}
    print(f"{total} files compared ({kinds['.nc']} NetCDF, {kinds['.csv']} CSV)")
    print(f"  identical bytes:                          {len(out['bytes'])}")
    print(f"  identical content (history aside):        {len(out['content'])}")
    print(f"  identical but an attribute naming a module path (or added, if allowed): "
          f"{len(out['module_paths'])}")
    print(f"  added (only in the new tree):             {len(out['added'])}")
    print(f"  different:                                {len(out['different'])}")
    for rel, paths in out["module_paths"].items():
        for line in paths:
            print(f"    {rel}: {line}")
    for rel in out["added"]:
        print(f"    added: {rel}")
    for rel, diffs in out["different"].items():
        for line in diffs:
            print(f"  DIFFERENT {rel}: {line}")
    return 1 if out["different"] else 0


if __name__ == "__main__":
    sys.exit(main())
