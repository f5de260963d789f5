"""Arrow tables from Python rows, and staging tables from Arrow schemas, without importing
pandas (issue 11).

``pa.array`` and ``pa.Table.from_pylist`` import pandas the first time they are given a Python
list (pyarrow asks pandas whether the list is one of its objects): 0.15 s on a quiet machine and
0.5–0.8 s under load, which is a third of loading a small tracker onto a big warehouse. Here
DuckDB turns each column's list into a typed column (a bound ``LIST`` parameter, unnested) and
hands the result over as Arrow; no pandas. The result has exactly the schema asked for.

Empty Arrow tables import it too (``Schema.empty_table``), so staging tables are created from
their schemas as DDL (:func:`create_staging_tables`).

Types outside :data:`DUCKDB_TYPES` fall back to pyarrow (and its pandas import), so a new column
type still loads, only more slowly.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from types import FrameType
from typing import Any

import duckdb
import pyarrow as pa

from etl.key_storage import column_ddl

# Arrow type → the DuckDB type whose Arrow output is that type.
DUCKDB_TYPES: dict[pa.DataType, str] = {
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.float64(): "DOUBLE",
    pa.int64(): "BIGINT",
    pa.int32(): "INTEGER",
    pa.bool_(): "BOOLEAN",
}


@functools.cache
def _memory() -> duckdb.DuckDBPyConnection:
    """One in-memory database per process; each call takes its own cursor (thread-safe)."""
    return duckdb.connect()


def table_from_columns(columns: Mapping[str, Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """A table of ``schema`` from one list of Python values per field (a missing field is all
    null; every list has the same length). Values convert as DuckDB casts them (a float column
    accepts ints; text where a number belongs is an error), so stage typed values."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    rows = lengths.pop() if lengths else 0
    if not all(f.type in DUCKDB_TYPES for f in schema):
        return pa.Table.from_pydict(
            {f.name: list(columns.get(f.name, [None] * rows)) for f in schema}, schema
        )
    if not len(schema):
        return schema.empty_table()
    # The names are the schema's own (code, never a file's); the values are bound.
    select = ", ".join(f'unnest(?::{DUCKDB_TYPES[f.type]}[]) AS "{f.name}"' for f in schema)
    params = [list(columns.get(f.name, [None] * rows)) for f in schema]
    cursor = _memory().cursor()
    try:
        table = cursor.sql(f"SELECT {select}", params=params).to_arrow_table()
    finally:
        cursor.close()
    return table.cast(schema)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence[Any]]) -> None:
    """``executemany("INSERT INTO table VALUES (…)", rows)`` in one statement: DuckDB's
    executemany runs once a row (~1 ms each: 1.4 s for a file with 1,400 problems). Each column
    is bound as one list, cast to its column's type and unnested. ``table`` is one of the code's
    own tables, never text from a file; the values are bound."""
    if not rows:
        return
    described = con.execute(f"DESCRIBE {table}").fetchall()
    select = ", ".join(f'unnest(?::{column[1]}[]) AS "{column[0]}"' for column in described)
    params = [[row[i] for row in rows] for i in range(len(described))]
    con.execute(f"INSERT INTO {table} SELECT {select}", params)


def arrow_without_pandas() -> None:
    """From now on in this process, pyarrow's own requests for pandas fail; ``import pandas``
    in Python code still works (issue 11).

    Every conversion of Python values to Arrow (``pa.array``, ``pa.scalar``, a compute call given
    a Python value) asks for pandas, to recognise its objects and its missing values, and
    imports it to ask: 0.15-0.25 s, and the staging of a workbook makes dozens of such calls.
    pyarrow does without pandas when the import fails. So this puts an import hook first in
    line that refuses ``pandas`` when the request comes from compiled code (pyarrow's) rather
    than from an ``import`` statement or ``importlib.import_module`` in Python code; in any doubt
    it lets the import through, which is only slower. For processes that hand pyarrow no pandas
    object: ``python -m etl load`` and ``check`` call it (``etl.__main__``), never the dashboard
    or the library. Calling it again, or once pandas is imported, does nothing."""
    import sys

    if "pandas" in sys.modules or any(isinstance(f, _PandasForPythonOnly) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _PandasForPythonOnly())


class _PandasForPythonOnly:
    """The import hook of :func:`arrow_without_pandas`."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name != "pandas" or _asked_by_python():
            return None  # the usual finders take it from here
        raise ModuleNotFoundError("pandas is not imported for pyarrow here", name="pandas")


def _asked_by_python() -> bool:
    """Whether the import under way was asked for by Python code: the nearest frame outside the
    import system is running an ``import`` statement, or is ``importlib.import_module``."""
    import dis
    import sys

    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back
    # By module name, not file path: the same on every operating system.
    if frame is None or frame.f_globals.get("__name__") in ("importlib", "runpy"):
        return True
    code = frame.f_code.co_code
    return frame.f_lasti >= len(code) or dis.opname[code[frame.f_lasti]] == "IMPORT_NAME"


def table_from_rows(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """``pa.Table.from_pylist(rows, schema)`` without pandas: keys missing from a row are null,
    keys outside the schema are ignored."""
    return table_from_columns({f.name: [row.get(f.name) for row in rows] for f in schema}, schema)


def table_ddl(name: str, schema: pa.Schema, *, replace: bool = False) -> str:
    """``CREATE TABLE`` for ``schema`` plus a ``load_id`` column last, keyed hashes stored as
    :mod:`etl.key_storage` says (``replace``: ``CREATE OR REPLACE``, else ``IF NOT EXISTS``). Names
    come from the code's schemas, never from a file. Only types in :data:`DUCKDB_TYPES`."""
    columns = "".join(column_ddl(f.name, DUCKDB_TYPES[f.type]) + ", " for f in schema)
    create = "CREATE OR REPLACE TABLE" if replace else "CREATE TABLE IF NOT EXISTS"
    return f"{create} {name} ({columns}load_id INTEGER)"


def create_staging_tables(con: duckdb.DuckDBPyConnection, tables: Mapping[str, pa.Schema]) -> None:
    """Create each staging table (name → schema) unless it exists, with a ``load_id`` column
    last (:func:`table_ddl`)."""
    for name, schema in tables.items():
        if all(f.type in DUCKDB_TYPES for f in schema):
            con.execute(table_ddl(name, schema))
        else:
            empty = schema.append(pa.field("load_id", pa.int32())).empty_table()  # noqa: F841
            con.execute(f"CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM empty LIMIT 0")
