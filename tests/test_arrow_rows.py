"""Arrow tables from Python rows without pandas (issue 11): the same table pyarrow makes, and
staging tables of the same column types as before."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from etl import inputs
from etl.arrow_rows import (
    create_staging_tables,
    insert_rows,
    table_from_columns,
    table_from_rows,
)
from etl.inputs.tracker.stage import ITEM_SCHEMA
from tests.cli_runner import REPO

SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("due", pa.date32()),
        ("pct", pa.float64()),
        ("row", pa.int64()),
        ("load", pa.int32()),
        ("done", pa.bool_()),
    ]
)
ROWS: list[dict[str, Any]] = [
    # every type with a value; text that is hostile elsewhere (a formula, a NUL, astral plane)
    {
        "name": "=SUM(A1)\x00😀",
        "due": dt.date(2026, 2, 28),
        "pct": 12.5,
        "row": 2**40,
        "load": -3,
        "done": True,
    },
    # nulls everywhere, and an int where a float belongs
    {"name": None, "due": None, "pct": 7, "row": None, "load": None, "done": None},
    # keys missing (null) and a key outside the schema (ignored)
    {"name": "", "extra": "not stored"},
]


def test_rows_make_the_table_pyarrow_makes() -> None:
    ours = table_from_rows(ROWS, SCHEMA)
    assert ours.schema == SCHEMA
    assert ours.equals(pa.Table.from_pylist(ROWS, SCHEMA))
    assert ours.column("pct").to_pylist() == [12.5, 7.0, None]
    assert ours.column("name").to_pylist() == ["=SUM(A1)\x00😀", None, ""]


def test_no_rows_make_an_empty_table_of_the_schema() -> None:
    empty = table_from_rows([], SCHEMA)
    assert empty.num_rows == 0
    assert empty.schema == SCHEMA


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match=r"different lengths: \[1, 2\]"):
        table_from_columns({"name": ["a"], "row": [1, 2]}, SCHEMA)


def test_text_where_a_number_belongs_is_an_error_not_a_blank() -> None:
    with pytest.raises(duckdb.ConversionException):
        table_from_columns({"pct": ["twelve"]}, SCHEMA)


def test_another_type_falls_back_to_pyarrow() -> None:
    schema = pa.schema([("at", pa.timestamp("us")), ("n", pa.int64())])
    columns: dict[str, list[Any]] = {"at": [dt.datetime(2026, 1, 2, 3, 4, 5), None], "n": [1, None]}
    assert table_from_columns(columns, schema).equals(pa.Table.from_pydict(columns, schema))


def test_pandas_is_not_imported() -> None:
    """The point of the module: pyarrow's own constructors import pandas (the control)."""
    probe = (
        "import sys, datetime as dt, duckdb, pyarrow as pa\n"
        "from etl.arrow_rows import create_staging_tables, table_from_rows\n"
        "schema = pa.schema([('a', pa.string()), ('d', pa.date32()), ('n', pa.int64())])\n"
        "table_from_rows([{'a': 'x', 'd': dt.date(2026, 1, 1), 'n': 1}], schema)\n"
        "create_staging_tables(duckdb.connect(), {'stg_x': schema})\n"
        "print('pandas' in sys.modules)\n"
        "pa.Table.from_pylist([{'a': 'x'}])\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]


def test_staging_tables_have_the_column_types_arrow_gave_them() -> None:
    """Every kind's staging tables: the DDL makes the same columns and types as a table created
    from an empty Arrow table of the schema (how they were made before), load_id last."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA before")
    for kind in inputs.kinds():
        create_staging_tables(con, kind.staging)
        for name, schema in kind.staging.items():
            empty = schema.append(pa.field("load_id", pa.int32())).empty_table()  # noqa: F841
            con.execute(f"CREATE TABLE before.{name} AS SELECT * FROM empty")
    columns = con.execute(
        "SELECT schema_name, table_name, column_index, column_name, data_type "
        "FROM duckdb_columns() WHERE table_name LIKE 'stg_%' ORDER BY ALL"
    ).fetchall()
    made = [c[1:] for c in columns if c[0] == "main"]
    arrow = [c[1:] for c in columns if c[0] == "before"]
    assert made == arrow
    assert len(made) > 50  # every kind's tables were compared, not none
    # A table that exists (a copy of the published warehouse) keeps its rows and columns.
    con.execute("INSERT INTO stg_tracker_items (plan, load_id) VALUES ('Plan', 7)")
    create_staging_tables(con, {"stg_tracker_items": pa.schema([("other", pa.string())])})
    assert con.execute("SELECT plan, load_id FROM stg_tracker_items").fetchall() == [("Plan", 7)]
    assert len(con.table("stg_tracker_items").columns) == len(ITEM_SCHEMA) + 1


def test_insert_rows_inserts_what_executemany_inserts() -> None:
    con = duckdb.connect()
    ddl = '(load_id INTEGER, sheet VARCHAR, "row" INTEGER, due DATE, pct DOUBLE, done BOOLEAN)'
    con.execute(f"CREATE TABLE one {ddl}")
    con.execute(f"CREATE TABLE many {ddl}")
    rows = [
        (1, "Requests", 4, dt.date(2025, 3, 31), 0.5, True),
        (1, None, None, None, None, None),  # a file-level problem: no sheet, no row
        (2, 'It\'s "quoted"', 7, dt.date(2024, 1, 1), 12.0, False),
    ]
    insert_rows(con, "one", rows)
    con.executemany("INSERT INTO many VALUES (?, ?, ?, ?, ?, ?)", rows)
    assert con.execute("SELECT * FROM one").fetchall() == rows
    assert con.execute("SELECT * FROM many").fetchall() == rows
    insert_rows(con, "one", [])  # nothing to insert: no statement, no error
    assert con.execute("SELECT count(*) FROM one").fetchone() == (3,)
