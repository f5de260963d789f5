"""User-entered records (RAG overrides, commentary): a small append-only store beside
the warehouse.

Recording one is one appended line, never a rebuild of the warehouse (DESIGN §2's rebuild takes
seconds at a large LA's scale). Each kind of record is a CSV file in the data folder, written
only by appending under a lock and flushed to disk before the call returns; rows are never edited
or removed, so history is kept by construction (a cleared override is a new row with no RAG).

Every connection that reads the warehouse calls :func:`attach`, which loads the records as temp
tables of the same names: they shadow the copies the last build stored, so a record made after
that build is seen at once by the dashboard and the CLI alike. The build itself stores a copy
(:func:`store`) so a warehouse file is complete on its own.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa
    from filelock import BaseFileLock


@dataclass(frozen=True)
class RecordKind:
    """One append-only table: its warehouse table name, its file and its columns (name, DuckDB
    type). Typed in DuckDB, not Arrow, so every read connection's :func:`attach` runs without
    importing pyarrow (``python -m etl kpis`` starts in a fraction of a second)."""

    table: str
    file: str
    columns: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]


TRACKER_OVERRIDES = RecordKind(
    "tracker_overrides",
    "overrides.csv",
    (
        ("override_id", "INTEGER"),
        ("plan", "VARCHAR"),
        ("report_date", "DATE"),
        ("item_key", "VARCHAR"),
        ("item_name", "VARCHAR"),
        ("rag", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("author", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
    ),
)
# Issue 15: the owner's commentary on a measure (catalogue key) or an action (tracker ref) for
# a reporting month. The latest record per (subject, period) is in force; earlier ones are history.
COMMENTARY = RecordKind(
    "commentary",
    "commentary.csv",
    (
        ("comment_id", "INTEGER"),
        ("subject_kind", "VARCHAR"),  # "measure" or "action"
        ("subject", "VARCHAR"),  # catalogue key, or the action's ref (else its name)
        ("plan", "VARCHAR"),  # the action's plan; blank for a measure
        ("period", "VARCHAR"),  # reporting month, YYYY-MM
        ("text", "VARCHAR"),
        ("author", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
    ),
)
KINDS = (TRACKER_OVERRIDES, COMMENTARY)
Identity = tuple[tuple[str, int, int], ...]


def _lock(folder: Path) -> BaseFileLock:
    """The records' lock; ``filelock`` is imported on first use (15 ms that ``kpis`` and the
    other commands which only read need not pay)."""
    from filelock import FileLock

    return FileLock(folder / ".records.lock")


def _path(folder: Path, kind: RecordKind) -> Path:
    return folder / kind.file


def append(folder: Path, kind: RecordKind, values: dict[str, Any]) -> int:
    """Append one record (its id is the next number) and return the id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(folder, kind)
    names = kind.names
    with _lock(folder):
        new = not path.exists()
        number = 1 if new else len(_read_rows(path)) + 1
        row = {**values, names[0]: number}
        with path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            if new:
                writer.writerow(names)
            writer.writerow([_text(row.get(n)) for n in names])
            handle.flush()
            os.fsync(handle.fileno())
    return number


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[1:]


def _put(con: duckdb.DuckDBPyConnection, folder: Path, kind: RecordKind, into: str) -> None:
    """``{into} {kind.table}`` (e.g. ``CREATE OR REPLACE TEMP TABLE``) holding every record of a
    kind, typed; no rows when none was made. The cells go in as bound lists, one per column."""
    path = _path(folder, kind)
    rows = _read_rows(path) if path.exists() else []
    columns = [
        [(row[i] if i < len(row) else "") or None for row in rows] for i in range(len(kind.columns))
    ]
    select = ", ".join(
        f"CAST(unnest(?::VARCHAR[]) AS {sql_type}) AS {name}" for name, sql_type in kind.columns
    )
    con.execute(f"{into} {kind.table} AS SELECT {select}", columns)


def read(folder: Path, kind: RecordKind) -> pa.Table:
    """Every record of a kind, typed (an empty table when none was made)."""
    with duckdb.connect() as con:
        _put(con, folder, kind, "CREATE TABLE")
        return con.table(kind.table).to_arrow_table()


def identity(folder: Path) -> Identity:
    """(file, mtime_ns, size) of every record file: changes whenever a record is added."""
    found = []
    for kind in KINDS:
        try:
            info = os.stat(_path(folder, kind))
        except FileNotFoundError:
            continue
        found.append((kind.file, info.st_mtime_ns, info.st_size))
    return tuple(found)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty record tables in a new warehouse (queries and views can always name them)."""
    for kind in KINDS:
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in kind.columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS {kind.table} ({columns})")


def store(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Put the current records into the warehouse being built (replacing what it held)."""
    for kind in KINDS:
        _put(con, folder, kind, "CREATE OR REPLACE TABLE")


def attach(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Load the current records as temp tables that shadow the build's copies (read-only
    connections may create temp tables)."""
    for kind in KINDS:
        _put(con, folder, kind, "CREATE OR REPLACE TEMP TABLE")


def clear(folder: Path) -> None:
    """Forget every record (``load --replace`` and ``demo`` start again from scratch)."""
    with _lock(folder):
        for kind in KINDS:
            _path(folder, kind).unlink(missing_ok=True)


def migrate(con: duckdb.DuckDBPyConnection, folder: Path, database: str = "prev") -> None:
    """Move records kept inside a warehouse built before this store existed (attached as
    ``database``, a name from DuckDB's catalogue) into their files, once: only when a kind's
    file does not exist yet."""
    for kind in KINDS:
        if _path(folder, kind).exists():
            continue
        [(found,)] = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
            [database, kind.table],
        ).fetchall()
        if not found:
            continue
        quoted = database.replace('"', '""')
        kept = con.sql(f'SELECT * FROM "{quoted}".{kind.table} ORDER BY 1')
        for values in kept.fetchall():
            append(folder, kind, dict(zip(kept.columns, values, strict=True)))
