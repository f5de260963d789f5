"""The keyed hashes computed in DuckDB (``Pseudonymiser.keys``) are the Python ones, exactly
(issue 11): a warehouse loaded before keeps matching the ids of a file loaded after."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pytest

from etl.config import Pseudonymiser

IDS = ["10000001", "Z517512451653", "", " spaced ", "Zoë", "a|2024-01-01", "10000001", None]


@pytest.mark.parametrize(
    "key",
    [b"0" * 64, b"short key", bytes(range(256)) * 2],  # as long as a block, shorter, longer
    ids=["64 bytes", "short", "longer than a block"],
)
@pytest.mark.parametrize("kind", ["person", "request", "upn"])
def test_duckdb_keys_equal_the_python_keys(key: bytes, kind: str) -> None:
    pseudo = Pseudonymiser(key)
    got = pseudo.keys(kind, pa.array(IDS, pa.string()))
    assert got.to_pylist() == [None if v is None else pseudo(kind, v) for v in IDS]
    # A second call with some values already keyed and some new reads the first from the
    # load's cache and keys the rest: the same keys either way.
    again = ["new one", *IDS[:3], None, "new two"]
    assert pseudo.keys(kind, pa.array(again, pa.string())).to_pylist() == [
        None if v is None else pseudo(kind, v) for v in again
    ]


def test_the_key_is_rfc_2104_hmac_sha256_cut_to_32_hex_digits() -> None:
    # Worked by the standard library's HMAC directly, not through the class under test.
    key = b"the data folder's key"
    expected = hmac.new(key, b"person:10000001", hashlib.sha256).hexdigest()[:32]
    assert Pseudonymiser(key).keys("person", pa.array(["10000001"])).to_pylist() == [expected]
    assert Pseudonymiser(key)("person", "10000001") == expected


def test_a_different_key_or_kind_gives_a_different_reference() -> None:
    one = Pseudonymiser(b"key one").keys("person", pa.array(["42"])).to_pylist()
    assert one != Pseudonymiser(b"key two").keys("person", pa.array(["42"])).to_pylist()
    assert one != Pseudonymiser(b"key one").keys("request", pa.array(["42"])).to_pylist()
    # The same instance keys each namespace apart (its cache is per namespace).
    both = Pseudonymiser(b"key one")
    assert both.keys("person", pa.array(["42"])).to_pylist() == one
    assert both.keys("request", pa.array(["42"])).to_pylist() != one


def test_no_values_and_only_blanks() -> None:
    pseudo = Pseudonymiser(b"k")
    assert pseudo.keys("person", pa.array([], pa.string())).to_pylist() == []
    assert pseudo.keys("person", pa.array([None, None], pa.string())).to_pylist() == [None, None]


def test_keys_from_several_threads_at_once_are_each_threads_own() -> None:
    """Staging threads key their sheets at the same time, each on a cursor of its own (issue 11):
    every thread gets its own values' keys, in its own order, equal to the Python keys."""
    from concurrent.futures import ThreadPoolExecutor

    pseudo = Pseudonymiser(b"k" * 32)
    batches = [[f"{kind}-{i}" for i in range(5000)] for kind in ("a", "b", "c", "d", "e", "f")]
    with ThreadPoolExecutor(max_workers=3) as pool:
        found = list(pool.map(lambda b: pseudo.keys("person", pa.array(b)).to_pylist(), batches))
    assert found == [[pseudo("person", v) for v in batch] for batch in batches]
