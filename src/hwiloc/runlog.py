"""Logging for workflow scripts: one log file per job, progress with time estimates."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path


def job_logger(log_path: str, name: str) -> logging.Logger:
    """A logger writing to the job's log file; uncaught errors go there too."""
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"hwiloc.{name}")
    logger.setLevel(logging.INFO)
    handler = logging.FileHandler(log_path, mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.handlers = [handler]

    def excepthook(kind, value, tb):
        logger.error("failed", exc_info=(kind, value, tb))
        sys.__excepthook__(kind, value, tb)

    sys.excepthook = excepthook
    return logger


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
