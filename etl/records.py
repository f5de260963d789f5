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
from typing import Any

import duckdb
import pyarrow as pa
from filelock import FileLock


@dataclass(frozen=True)
class RecordKind:
    """One append-only table: its warehouse table name, its file and its columns."""

    table: str
    file: str
    schema: pa.Schema


TRACKER_OVERRIDES = RecordKind(
    "tracker_overrides",
    "overrides.csv",
    pa.schema(
        [
            ("override_id", pa.int32()),
            ("plan", pa.string()),
            ("report_date", pa.date32()),
            ("item_key", pa.string()),
            ("item_name", pa.string()),
            ("rag", pa.string()),
            ("reason", pa.string()),
            ("author", pa.string()),
            ("created_at", pa.timestamp("us")),
        ]
    ),
)
# Issue 15: the owner's commentary on a measure (catalogue key) or an action (tracker ref) for
# a reporting month. The latest record per (subject, period) is in force; earlier ones are history.
COMMENTARY = RecordKind(
    "commentary",
    "commentary.csv",
    pa.schema(
        [
            ("comment_id", pa.int32()),
            ("subject_kind", pa.string()),  # "measure" or "action"
            ("subject", pa.string()),  # catalogue key, or the action's ref (else its name)
            ("plan", pa.string()),  # the action's plan; blank for a measure
            ("period", pa.string()),  # reporting month, YYYY-MM
            ("text", pa.string()),
            ("author", pa.string()),
            ("created_at", pa.timestamp("us")),
        ]
    ),
)
KINDS = (TRACKER_OVERRIDES, COMMENTARY)
Identity = tuple[tuple[str, int, int], ...]


def _path(folder: Path, kind: RecordKind) -> Path:
    return folder / kind.file


def append(folder: Path, kind: RecordKind, values: dict[str, Any]) -> int:
    """Append one record (its id is the next number) and return the id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(folder, kind)
    names = kind.schema.names
    with FileLock(folder / ".records.lock"):
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


def read(folder: Path, kind: RecordKind) -> pa.Table:
    """Every record of a kind, typed (an empty table when none was made)."""
    path = _path(folder, kind)
    if not path.exists():
        return kind.schema.empty_table()
    names = kind.schema.names
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for row in _read_rows(path):
        for name, cell in zip(names, row, strict=False):
            columns[name].append(cell or None)
    strings = pa.table({n: pa.array(v, pa.string()) for n, v in columns.items()})
    return strings.cast(kind.schema)


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
        empty = kind.schema.empty_table()  # noqa: F841 - referenced by name in SQL
        con.execute(f"CREATE TABLE IF NOT EXISTS {kind.table} AS SELECT * FROM empty LIMIT 0")


def store(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Put the current records into the warehouse being built (replacing what it held)."""
    for kind in KINDS:
        rows = read(folder, kind)  # noqa: F841 - referenced by name in SQL
        con.execute(f"CREATE OR REPLACE TABLE {kind.table} AS SELECT * FROM rows")


def attach(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Load the current records as temp tables that shadow the build's copies (read-only
    connections may create temp tables)."""
    for kind in KINDS:
        rows = read(folder, kind)  # noqa: F841 - referenced by name in SQL
        con.execute(f"CREATE OR REPLACE TEMP TABLE {kind.table} AS SELECT * FROM rows")


def clear(folder: Path) -> None:
    """Forget every record (``load --replace`` and ``demo`` start again from scratch)."""
    with FileLock(folder / ".records.lock"):
        for kind in KINDS:
            _path(folder, kind).unlink(missing_ok=True)


def migrate(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Move records kept inside a warehouse built before this store existed (``prev`` attached)
    into their files, once: only when a kind's file does not exist yet."""
    for kind in KINDS:
        if _path(folder, kind).exists():
            continue
        [(found,)] = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'prev' AND table_name = ?",
            [kind.table],
        ).fetchall()
        if not found:
            continue
        kept = con.sql(f"SELECT * FROM prev.{kind.table} ORDER BY 1").to_arrow_table()
        for row in kept.to_pylist():
            append(folder, kind, row)
