"""Named random streams (hwiloc.streams): stable keys, one independent stream per name."""

import numpy as np
import pytest

from hwiloc.streams import (
    SCHEME,
    as_entropy,
    complex_normal,
    seed_sequence,
    stream,
    stream_attrs,
    stream_key,
)


def test_keys_are_pinned():
    """The key of a name is the first 4 bytes of its SHA-256, big-endian: the values were
    read off coreutils (``printf cfo | sha256sum``: 27c11549..., ``pilot``: 07ae38b9...),
    an implementation independent of hashlib. A change of the key scheme changes every
    draw of the library and must fail here."""
    assert stream_key("cfo") == 0x27C11549 == 666965321
    assert stream_key("pilot") == 0x07AE38B9 == 128858297
    assert all(0 <= stream_key(n) < 2**32 for n in ("noise", "coupling", "é"))


def test_the_same_name_gives_the_same_stream():
    a = stream([2022, 0], "cfo").standard_normal(5)
    b = stream([2022, 0], "cfo").standard_normal(5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(stream(7, "noise").random(3), stream([7], "noise").random(3))


def test_distinct_names_and_entropies_give_independent_streams():
    """Different first draws, and over 20000 draws a correlation within 4 standard errors
    (1 / sqrt(n)) of zero: for two names of one entropy, for one name of two entropies
    and against the entropy's own (unnamed) stream."""
    n = 20000
    base = stream([2022, 0], "cfo").standard_normal(n)
    others = [
        stream([2022, 0], "coupling").standard_normal(n),
        stream([2022, 1], "cfo").standard_normal(n),
        np.random.default_rng([2022, 0]).standard_normal(n),
    ]
    for other in others:
        assert other[0] != base[0]
        assert abs(np.corrcoef(base, other)[0, 1]) < 4 / np.sqrt(n)


def test_the_scheme_is_a_spawn_key_on_the_given_entropy():
    ss = seed_sequence([5, 1, 3], "noise")
    assert ss.entropy == (5, 1, 3) and ss.spawn_key == (stream_key("noise"),)
    expected = np.random.default_rng(np.random.SeedSequence([5, 1, 3], spawn_key=ss.spawn_key))
    np.testing.assert_array_equal(stream([5, 1, 3], "noise").random(4), expected.random(4))


def test_stream_attrs_name_each_quantity_its_stream_and_key():
    attrs = stream_attrs({"cfo": "cfo", "pilot_phase": "pilot"})
    assert attrs["random_streams"] == "cfo: cfo (666965321), pilot_phase: pilot (128858297)"
    assert attrs["random_stream_scheme"] == SCHEME and "SHA-256" in SCHEME


@pytest.mark.parametrize("bad", [np.random.default_rng(0), -1, [], [1, -2], [1.5], "7", True])
def test_bad_entropy_is_refused_with_what_is_expected(bad):
    with pytest.raises(ValueError, match="entropy must be a non-negative integer"):
        as_entropy(bad)


@pytest.mark.parametrize("bad", ["", None, 3])
def test_bad_names_are_refused(bad):
    with pytest.raises(ValueError, match="stream name must be a non-empty string"):
        stream_key(bad)


def test_complex_normal_is_unit_circular_and_takes_the_real_parts_first():
    """CN(0, 1) (seeded Monte Carlo: E|z|^2 = 1, E z^2 = 0 to 1 %), drawn as the real block,
    then the imaginary one: a stream's first draws are the real parts."""
    z = complex_normal(np.random.default_rng(1), (200, 500))
    assert abs(np.mean(np.abs(z) ** 2) - 1) < 0.01 and abs(np.mean(z**2)) < 0.01
    rng = np.random.default_rng(1)
    np.testing.assert_allclose(z.real * np.sqrt(2), rng.standard_normal((200, 500)), rtol=1e-15)
