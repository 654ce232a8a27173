"""Logging for workflow scripts: one log file per job, progress with time estimates."""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import sys
import time
from pathlib import Path

MANIFEST = ".manifest"  # under the results root: what each job wrote, with its SHA-256


def job_logger(job, name: str) -> logging.Logger:
    """A logger writing to the job's log file; uncaught errors go there too.

    ``job``: Snakemake's ``snakemake`` object of a workflow script (its log is the log
    file; when the script ends without an error, :func:`write_manifest` records the
    SHA-256 of every output it wrote), or the log file's path alone.
    """
    log_path = job if isinstance(job, str | Path) else job.log[0]
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"hwiloc.{name}")
    logger.setLevel(logging.INFO)
    handler = logging.FileHandler(log_path, mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.handlers = [handler]
    failed = []

    def excepthook(kind, value, tb):
        failed.append(kind)
        logger.error("failed", exc_info=(kind, value, tb))
        sys.__excepthook__(kind, value, tb)

    sys.excepthook = excepthook
    if not isinstance(job, str | Path):
        root = str(job.config.get("results", "results")).rstrip("/")
        rule = getattr(job, "rule", name)

        def record():
            if not failed:
                write_manifest(root, rule, [str(p) for p in job.output])

        atexit.register(record)
    return logger


def sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(root: str | Path, outputs) -> Path:
    """Where the manifest of the job that wrote ``outputs`` goes (one per job, named by
    its outputs, so the job's rerun replaces it)."""
    key = hashlib.sha256("\0".join(sorted(str(o) for o in outputs)).encode()).hexdigest()[:24]
    return Path(root) / MANIFEST / f"{key}.json"


def write_manifest(root: str | Path, rule: str, outputs) -> Path | None:
    """Record the SHA-256 of each existing file of ``outputs`` (by its path relative to
    ``root``) under ``root``/.manifest/ (atomically: a killed write leaves the old record);
    the record's path, None when no output exists.

    The record also holds the code the job ran: the hwiloc modules this process
    loaded and their hash (:mod:`hwiloc.codehash`), so that a CSV, Markdown file or
    figure made by code that has changed since is found stale as a NetCDF is."""
    from hwiloc.codehash import code_hash, loaded_modules

    files = {os.path.relpath(o, root): sha256(o) for o in outputs if Path(o).is_file()}
    if not files:
        return None
    path = manifest_path(root, outputs)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    modules = loaded_modules()
    record = {"rule": rule, "files": files, "code_hash": code_hash(modules),
              "code_modules": list(modules)}  # fmt: skip
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True))
    os.replace(tmp, path)  # atomic: a reader sees the old record or the new one
    return path


def read_manifests(root: str | Path) -> dict[str, tuple[str, str, tuple | None, str | None]]:
    """Every file a job recorded under ``root``: path relative to it -> (SHA-256, rule,
    the job's hwiloc modules, their code hash); the last two None in a record that
    predates them."""
    out = {}
    for path in sorted((Path(root) / MANIFEST).glob("*.json")):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # an unreadable record: verify checks the file by its format alone
        modules = record.get("code_modules")
        code = (tuple(modules), record.get("code_hash")) if modules else (None, None)
        for name, digest in record.get("files", {}).items():
            out[name] = (digest, record.get("rule", "?"), *code)
    return out


class Progress:
    """Logs 'case i of n, elapsed, estimated remaining' as work advances."""

    def __init__(self, logger: logging.Logger, total: int, what: str = "case"):
        self.logger, self.total, self.what = logger, total, what
        self.start = time.perf_counter()
        self.done = 0

    def step(self, detail: str = "") -> None:
        self.done += 1
        elapsed = time.perf_counter() - self.start
        remaining = elapsed / self.done * (self.total - self.done)
        self.logger.info(
            "%s %d of %d%s, elapsed %.1f s, estimated remaining %.1f s",
            self.what,
            self.done,
            self.total,
            f" ({detail})" if detail else "",
            elapsed,
            remaining,
        )
