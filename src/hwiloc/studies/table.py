"""A parameter study's table, its chunks and its key: what the workflow needs to build the DAG.

A study's rows are computed in chunks, one job per chunk (:mod:`hwiloc.studies.parameter_studies`
computes one). This module is light (pandas and hashlib, no numerics): the Snakefile imports
it while it builds the DAG, and a 100,000-row table is read, typed and chunked in about a second.

- :func:`load_table`: the TSV as a typed table (int, float or string columns).
- :func:`chunk_table`: the rows cut into chunks by their content, so that adding or
  removing rows anywhere changes only the chunks they fall in (the others keep their
  names, their files and their results).
- :func:`study_key`: a name for everything a study's results depend on besides its rows
  (its kind, its entry, the config values its kind reads); it is part of the results'
  path, so a changed value never overwrites results in place.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from hwiloc.studies.hooks import REQUIRED_COLUMNS

CHUNK_ID_CHARS = 16  # hex digits of a chunk's name (64 bits) [-]
KEY_CHARS = 12  # hex digits of a study key (48 bits) [-]
NOT_RESULTS = ("table", "chunk_rows")  # entry fields that do not change a row's result


def load_table(path, kind: str) -> pd.DataFrame:
    """Read a study TSV and check it has the kind's columns (clear error otherwise).

    Columns are typed by their cells: integers, floats, or strings. The full check of
    every cell (:func:`hwiloc.config.study_table_problems`) runs before this, in the
    workflow's config check.
    """
    if kind not in REQUIRED_COLUMNS:
        raise ValueError(f"study kind must be one of {sorted(REQUIRED_COLUMNS)}, got {kind!r}")
    try:
        table = pd.read_csv(path, sep="\t", encoding="utf-8-sig")  # a BOM is not a column
    except FileNotFoundError:
        raise ValueError(f"study table {path} does not exist") from None
    missing = [c for c in REQUIRED_COLUMNS[kind] if c not in table.columns]
    if missing:
        raise ValueError(f"study table {path}: missing column(s) {missing} needed by kind {kind!r}")
    if table.empty:
        raise ValueError(f"study table {path} has no rows")
    return table


def row_keys(table: pd.DataFrame) -> np.ndarray:
    """One text per row naming its case: ``column=value`` for each column, values by
    ``repr`` of their type (so ``16`` and ``16.0`` in a float column are the same case)."""
    parts = [table[c].map(lambda v, c=c: f"{c}={v!r}") for c in sorted(table.columns)]
    return parts[0].str.cat(parts[1:], sep="\t").to_numpy(dtype=str) if parts else np.array([])


def _digest(text: str, chars: int) -> str:
    return hashlib.blake2b(text.encode(), digest_size=chars // 2).hexdigest()


def chunk_table(table: pd.DataFrame, chunk_rows: int) -> dict[str, pd.DataFrame]:
    """The table's rows in chunks of about ``chunk_rows``, named by what they hold.

    Content-defined chunking (as rsync and backup tools cut files): a chunk ends after a
    row whose key hashes to 0 modulo ``chunk_rows``, or at ``2 * chunk_rows`` rows. A
    boundary depends only on the row before it, so inserting, removing or appending rows
    changes only the chunk they fall in (and, past a chunk that hit the size cap, the
    chunks up to the next content boundary); every other chunk keeps its rows and its
    name. Chunks average ``chunk_rows`` rows. ``chunk_rows = 1``: one row per chunk.

    Returns
    -------
    dict
        Chunk name (16 hex digits, the hash of its row keys) -> its rows, in table order
        (the table's index kept).
    """
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be >= 1, got {chunk_rows!r}")
    keys = row_keys(table)
    hashes = np.array([int(_digest(k, 16), 16) for k in keys], dtype=np.uint64)
    ends = hashes % np.uint64(chunk_rows) == 0
    chunks, start = {}, 0
    cap = 2 * chunk_rows
    for end in np.append(np.flatnonzero(ends), len(keys) - 1):
        while end - start + 1 > cap:  # a run with no content boundary: cut at the cap
            chunks[_digest("\n".join(keys[start : start + cap]), CHUNK_ID_CHARS)] = (
                table.iloc[start : start + cap]
            )
            start += cap
        if end >= start:
            chunks[_digest("\n".join(keys[start : end + 1]), CHUNK_ID_CHARS)] = table.iloc[
                start : end + 1
            ]
            start = end + 1
    return chunks


def result_entry(entry: dict) -> dict:
    """A study's entry without the fields that pick rows and jobs (:data:`NOT_RESULTS`): what
    its results depend on, the params of its jobs and part of its key."""
    return {k: v for k, v in entry.items() if k not in NOT_RESULTS}


def study_key(kind: str, entry: dict, cfg: dict) -> str:
    """The name of what a study's results depend on besides its rows (12 hex digits).

    The hash of the kind, the study entry without ``table`` and ``chunk_rows`` (which
    choose rows and jobs, not results) and ``cfg``, the config values the kind reads
    (``study_cfg`` of workflow/rules/studies_paths.smk), as sorted JSON.
    """
    payload = {
        "kind": kind,
        "entry": result_entry(entry),
        "cfg": cfg,
    }
    return _digest(json.dumps(payload, sort_keys=True, default=str), KEY_CHARS)
