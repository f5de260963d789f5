"""The dashboard's only door to the warehouse (DESIGN §2, STYLE "datasette").

- The warehouse is opened read-only, through ``ATTACH ... (READ_ONLY)`` on an in-memory DuckDB.
  A plain ``duckdb.connect(path)`` would not do: DuckDB keeps one database instance per path while
  any connection to it is open, so a "new" connection would keep reading the replaced file.
- The connection is cached with ``st.cache_resource`` keyed on the file's identity (path, inode,
  mtime, size). The ETL publishes with an atomic ``os.replace``, which gives the path a new inode:
  the next rerun computes a new identity, opens the new file and shows the new data. Sessions still
  running a query on the old connection finish on the old file (it stays readable until closed).
- Aggregate query results are cached with ``st.cache_data`` keyed on (query name, parameters,
  identity). Row-level queries (the watchlist and the problem list, ``Query.row_level``) are never
  cached, so no child-level rows sit in a cache shared between sessions (DESIGN §7).
- No warehouse yet, or an unreadable one, gives a :class:`DataState` that says so in plain words;
  pages show it as an empty state, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from etl import benchmark, config, metrics, published, queries, records

EMPTY_MESSAGE = (
    "No data loaded yet — run `make run` for demo data, or `python -m etl load your_file.xlsx`."
)
ALIAS = "warehouse"


class WarehouseError(RuntimeError):
    """The warehouse could not be read (missing, being replaced, or not a warehouse)."""


# path, inode, mtime_ns, size of the warehouse, then the user records' files (etl.records)
Identity = tuple[Any, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class DataState:
    """Whether there is data to show, and the facts every page header needs."""

    available: bool
    path: Path
    message: str = ""
    snapshot_date: dt.date | None = None
    synthetic: bool = False
    requests_loaded: int = 0
    built_at: dt.datetime | None = None


def warehouse_file() -> Path:
    """The published warehouse file (honours ``SEND_DATA_DIR``)."""
    return config.warehouse_path(config.data_dir())


def file_identity(path: Path | None = None) -> Identity | None:
    """(path, inode, mtime_ns, size) of the warehouse file and the identity of the user records
    beside it (a new override changes it), or None when there is no warehouse."""
    path = path or warehouse_file()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (
        str(path.resolve()),
        info.st_ino,
        info.st_mtime_ns,
        info.st_size,
        records.identity(path.parent),
    )


_cursor_lock = threading.Lock()


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(identity: Identity) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file that had ``identity`` (one per published version).

    ``max_entries=2`` lets a superseded connection be dropped; it is not closed explicitly, so a
    query still running on it in another session finishes, and it closes when released.
    """
    con = duckdb.connect(":memory:")
    path = identity[0].replace("'", "''")
    con.execute(f"ATTACH '{path}' AS {ALIAS} (READ_ONLY)")
    con.execute(f"USE {ALIAS}")
    return con


def _cursor(identity: Identity) -> duckdb.DuckDBPyConnection:
    # One cursor per query: DuckDB connections are not safe to share between threads (sessions).
    with _cursor_lock:
        cursor = _connection(identity).cursor()
    cursor.execute(f"USE {ALIAS}")
    # Temp tables belong to one cursor: each gets the records made since the last build.
    records.attach(cursor, Path(identity[0]).parent)
    return cursor


def _with_retry(work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run ``work(cursor)`` on the current file; if it fails (e.g. the file was swapped under
    us), retry once with a fresh connection to whatever file is published now."""
    last_error: Exception | None = None
    for _attempt in range(2):
        identity = file_identity()
        if identity is None:
            raise WarehouseError(EMPTY_MESSAGE)
        try:
            cursor = _cursor(identity)
            try:
                result = work(cursor)
            finally:
                cursor.close()
        except duckdb.Error as error:
            # Published mid-query, or a connection to a file that has gone: start again.
            last_error = error
            _connection.clear()
            continue
        # If the ETL published meanwhile, this answer still comes from one whole file; the next
        # rerun sees the new identity and reads the new file.
        return result
    raise WarehouseError(
        f"The data could not be read ({last_error}). If a load is running, "
        "refresh the page in a moment."
    ) from last_error


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_query(
    name: str, params: tuple[tuple[str, Any], ...], identity: Identity
) -> pd.DataFrame:
    # ``identity`` is part of the cache key only: a new file means new answers.
    del identity
    return _with_retry(lambda cur: queries.run(cur, name, **dict(params)))


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run a named query from ``etl.queries``; aggregates cached per file version, rows never.

    List parameters may be given as lists; they are turned into tuples for the cache key.
    """
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    if queries.QUERIES[name].row_level:
        return _with_retry(lambda cur: queries.run(cur, name, **dict(frozen)))
    identity = file_identity()
    if identity is None:
        raise WarehouseError(EMPTY_MESSAGE)
    return _cached_query(name, frozen, identity)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_kpis(year: int, as_of: dt.date, identity: Identity) -> dict[str, Any]:
    del identity
    return _with_retry(lambda cur: metrics.ehcp_kpis(cur, year, as_of))


def kpis(year: int, as_of: dt.date) -> dict[str, Any]:
    """The headline EHC plan figures (``etl.metrics.ehcp_kpis``: the same numbers as the CLI)."""
    identity = file_identity()
    if identity is None:
        raise WarehouseError(EMPTY_MESSAGE)
    return _cached_kpis(year, as_of, identity)


def data_state() -> DataState:
    """What is loaded: a state every page can show without risk of a traceback."""
    path = warehouse_file()
    if file_identity(path) is None:
        return DataState(False, path, EMPTY_MESSAGE)
    try:
        meta = query("meta")
    except (WarehouseError, duckdb.Error) as error:
        return DataState(
            False,
            path,
            f"The data file {path} could not be read: {error}. "
            "Reload it with `python -m etl load your_file.xlsx`.",
        )
    if meta.empty:
        return DataState(False, path, EMPTY_MESSAGE)
    row = meta.iloc[0]
    snapshot = pd.Timestamp(row["snapshot_date"]).date()
    built = row["built_at"]
    return DataState(
        True,
        path,
        "",
        snapshot,
        bool(row["synthetic"]),
        int(row["requests_loaded"]),
        None if pd.isna(built) else pd.Timestamp(built).to_pydatetime(),
    )


# ---------------------------------------------------------------- published benchmarks (issue 3)
# A second read-only door, to ``published.duckdb`` (DfE's published figures; see etl.published).
# It is published atomically like the warehouse, so the same identity trick applies. Its answers
# are public statistics, so they are cached; reconciliation case lists are row-level and are not.

PUBLISHED_EMPTY = (
    "No published figures loaded yet. Run `python -m etl load-published FOLDER` (for example "
    "`../shared/reference-data`) or `python -m etl fetch-published`, then refresh this page."
)


def published_identity() -> Identity | None:
    """Identity of the published-benchmarks file, or None when there is none."""
    return file_identity(published.published_path(config.data_dir()))


@st.cache_resource(show_spinner=False, max_entries=2)
def _published_connection(identity: Identity) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    path = identity[0].replace("'", "''")
    con.execute(f"ATTACH '{path}' AS published (READ_ONLY)")
    return con


def _published_run(work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    last_error: Exception | None = None
    for _attempt in range(2):
        identity = published_identity()
        if identity is None:
            raise WarehouseError(PUBLISHED_EMPTY)
        try:
            with _cursor_lock:
                cursor = _published_connection(identity).cursor()
            try:
                cursor.execute("USE published")
                return work(cursor)
            finally:
                cursor.close()
        except duckdb.Error as error:
            last_error = error
            _published_connection.clear()
    raise WarehouseError(
        f"The published figures could not be read ({last_error}). If they are being reloaded, "
        "refresh the page in a moment."
    ) from last_error


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_published(name: str, args: tuple[Any, ...], identity: Identity) -> Any:
    del identity
    function = getattr(benchmark, name)

    def work(con: duckdb.DuckDBPyConnection) -> Any:
        resolved = [benchmark.resolve_la(con, a[3:]) if _is_la(a) else a for a in args]
        return function(con, *resolved)

    return _published_run(work)


def _is_la(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("LA:")


def bench(name: str, *args: Any) -> Any:
    """Call ``etl.benchmark.<name>(con, *args)`` on the published figures, cached per file.

    Pass an LA as ``"LA:<code>"`` (it is resolved inside, so the cache key stays hashable).
    """
    identity = published_identity()
    if identity is None:
        raise WarehouseError(PUBLISHED_EMPTY)
    frozen = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    result = _cached_published(name, frozen, identity)
    return result.copy() if isinstance(result, pd.DataFrame) else result


def published_available() -> bool:
    return published_identity() is not None


def reconcile(la_code: str, year: int) -> dict[str, Any]:
    """Our 20-week figures beside DfE's for the LA and year (counts only; cached per files)."""
    identity = file_identity()
    pub_identity = published_identity()
    if identity is None or pub_identity is None:
        raise WarehouseError(EMPTY_MESSAGE if identity is None else PUBLISHED_EMPTY)
    return _cached_reconcile(la_code, year, identity, pub_identity)


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_reconcile(
    la_code: str, year: int, identity: Identity, pub_identity: Identity
) -> dict[str, Any]:
    del identity, pub_identity

    def work(pub: duckdb.DuckDBPyConnection) -> dict[str, Any]:
        la = benchmark.resolve_la(pub, la_code)
        return _with_retry(lambda wh: benchmark.reconcile(wh, pub, la, year))

    return _published_run(work)


def reconcilable_years(la_code: str) -> list[int]:
    if file_identity() is None or published_identity() is None:
        return []

    def work(pub: duckdb.DuckDBPyConnection) -> list[int]:
        la = benchmark.resolve_la(pub, la_code)
        return _with_retry(lambda wh: benchmark.reconcilable_years(wh, pub, la))

    return _published_run(work)


def explanation_cases(year: int, reason: str) -> pd.DataFrame:
    """Row-level: the cases behind one reconciliation explanation. Never cached (DESIGN §7)."""
    return _with_retry(lambda wh: benchmark.explanation_cases(wh, year, reason))
