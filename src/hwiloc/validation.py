"""Small argument checks shared by the library (ValueError, never assert)."""

from __future__ import annotations

import numbers

import numpy as np


def require_positive_int(name: str, value) -> int:
    """Return ``value`` if it is an integer >= 1, else raise ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def require_positive(name: str, value) -> float:
    """Return ``value`` if it is a finite real number > 0, else raise ValueError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def require_nonnegative(name: str, value) -> np.ndarray:
    """Return ``value`` as an array if all entries are finite and >= 0."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return arr


def require_finite(name: str, value) -> np.ndarray:
    """Raise ValueError if ``value`` holds NaN or infinite entries."""
    arr = np.asarray(value)
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} holds {bad} NaN or infinite value(s); all must be finite")
    return arr
