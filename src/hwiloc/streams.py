"""Named random streams: one independent generator per random quantity of a seed.

Every random quantity of the library (a pilot, a combiner, the phase noise,
the CFO, a phase offset, the receiver noise, ...) draws from its own child of
the seed, chosen by the quantity's name, never from a generator shared with
other quantities. A quantity's values then depend on the seed entropy, its
name and its own shape only: changing the number of transmissions G changes
neither the CFO nor the coupling residual, and it appends rows to the pilots
(issue 17).

The scheme: the stream ``name`` of the seed entropy ``e`` (a non-negative
integer or a sequence of them, e.g. ``[seed, study code, realization]``) is ::

    numpy.random.default_rng(numpy.random.SeedSequence(e, spawn_key=(stream_key(name),)))

with ``stream_key(name)`` the first 4 bytes of SHA-256 of the UTF-8 name, read
as a big-endian unsigned integer (in [0, 2^32)). This is how
``SeedSequence.spawn`` derives its children, with the child's index replaced by
the name's key: the entropy stays what the user gave, the streams of one
entropy are independent of each other and of the entropy's own stream, and the
key is stable across Python sessions and versions (unlike ``hash()``). A
dataset records the entropy (its ``seed_entropy`` variable) and the stream
names (its ``random_streams`` attribute, from :func:`stream_attrs`), so that
every value traces to its draw.

As everywhere with numpy's SeedSequence, the entropy is zero-padded to 4
words before the key is mixed in: ``[s, 0]`` and ``[s, 0, 0]`` are the same
entropy (and so give the same streams); ``[s, 0, 0, 0, 0]`` is another.

Within one stream the draws fill the quantity's array in C order, so a
quantity whose leading axis grows keeps its first entries: pilots [G, K] drawn
for G = 10 are the first 10 rows of those for G = 20.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Iterable, Mapping

import numpy as np

SCHEME = (
    "quantity q draws from numpy.random.default_rng(numpy.random.SeedSequence(seed_entropy, "
    "spawn_key=(stream_key(name),))), stream_key(name) = first 4 bytes of SHA-256(name) "
    "big-endian (hwiloc.streams)"
)
"""The scheme in one line, as written in a dataset's ``random_stream_scheme``."""


def stream_key(name: str) -> int:
    """Stable integer key of a stream name: the first 4 bytes of SHA-256(name). [-]

    Parameters
    ----------
    name : str
        Stream name, e.g. ``"cfo"``; non-empty.

    Returns
    -------
    key : int
        In [0, 2^32), the same in every Python session and version.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"stream name must be a non-empty string, got {name!r}")
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:4], "big")


def as_entropy(entropy) -> tuple[int, ...]:
    """``entropy`` (a non-negative integer or a sequence of them) as a tuple of int.

    Raises ValueError naming what was given otherwise, e.g. a Generator: a
    generator shared between quantities is what the named streams replace.
    """
    values = (entropy,) if isinstance(entropy, numbers.Integral) else entropy
    try:
        out = tuple(values)
    except TypeError:
        out = None
    if (
        not out
        or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in out)
        or any(v < 0 for v in out)
    ):
        raise ValueError(
            "entropy must be a non-negative integer or a non-empty sequence of them "
            f"(the seed entropy of hwiloc.streams), got {entropy!r}"
        )
    return tuple(int(v) for v in out)


def seed_sequence(entropy, name: str) -> np.random.SeedSequence:
    """The SeedSequence of stream ``name`` of ``entropy``: spawn_key (stream_key(name),)."""
    return np.random.SeedSequence(as_entropy(entropy), spawn_key=(stream_key(name),))


def stream(entropy, name: str) -> np.random.Generator:
    """The generator of the random quantity ``name`` of the seed ``entropy``.

    Parameters
    ----------
    entropy : int or sequence of int
        Seed entropy, e.g. ``[seed, study code, realization]``; each >= 0.
    name : str
        The quantity's stream name, e.g. ``"cfo"``.

    Returns
    -------
    numpy.random.Generator
        PCG64 seeded by :func:`seed_sequence`; the same arguments give the same
        stream, another name an independent one.
    """
    return np.random.default_rng(seed_sequence(entropy, name))


def streams(entropy, names: Iterable[str]) -> dict[str, np.random.Generator]:
    """{name: :func:`stream` (entropy, name)} for each of ``names``."""
    return {name: stream(entropy, name) for name in names}


def complex_normal(rng: np.random.Generator, shape) -> np.ndarray:
    """CN(0, 1) draws of ``shape`` from ``rng``: the real parts, then the imaginary parts, each
    a C-order block of standard normals, over sqrt(2). [-]"""
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2.0)


def stream_attrs(quantities: Mapping[str, str]) -> dict[str, str]:
    """Dataset attributes that name the stream of each quantity and the scheme.

    Parameters
    ----------
    quantities : {quantity: stream name}
        E.g. ``{"cfo": "cfo", "noise of trial t": "noise"}``.

    Returns
    -------
    attrs : dict
        ``random_streams`` ("quantity: name (key), ..." in the given order) and
        ``random_stream_scheme`` (:data:`SCHEME`).
    """
    listed = ", ".join(f"{q}: {name} ({stream_key(name)})" for q, name in quantities.items())
    return {"random_streams": listed, "random_stream_scheme": SCHEME}


STREAM_ATTRS = ("random_streams", "random_stream_scheme")
"""The attribute names :func:`stream_attrs` writes (kept when shards are gathered)."""
