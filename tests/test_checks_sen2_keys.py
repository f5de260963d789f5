"""The SEN2 key rules of the canonical build (etl/inputs/sen2/build.py: key_missing,
duplicate_key, orphan_row, and superseding by a later load), run on a few staging rows held in an
in-memory database — no files, no load."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa

from etl.inputs import sen2
from etl.inputs.sen2.build import build_canonical

D = dt.date(2024, 1, 10)


def _build(**rows: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    """Empty SEN2 staging tables with ``rows`` added (table name → rows), then the build."""
    con = duckdb.connect()
    con.execute("""
        CREATE TABLE build_problems (load_id INTEGER, file VARCHAR, sheet VARCHAR,
            "row" INTEGER, "column" VARCHAR, rule VARCHAR, severity VARCHAR, message VARCHAR);
        CREATE TABLE superseded (module VARCHAR, load_id INTEGER, source_sheet VARCHAR,
            source_row INTEGER);
    """)
    for table, schema in sen2.KIND.staging.items():
        full = schema.append(pa.field("load_id", pa.int32()))
        data = pa.Table.from_pylist(rows.get(table, []), full)  # noqa: F841 - used in SQL
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM data")
    build_canonical(con)
    return con


def _person(key: str | None, row: int, load: int = 1) -> dict[str, Any]:
    return {
        "person_key": key,
        "source_file": "f.csv",
        "source_sheet": "Person",
        "source_row": row,
        "load_id": load,
    }


def _request(key: str | None, person: str | None, row: int, load: int = 1) -> dict[str, Any]:
    return {
        "request_key": key,
        "person_key": person,
        "received_date": D,
        "request_outcome": "A",
        "source_file": "f.csv",
        "source_sheet": "Requests",
        "source_row": row,
        "load_id": load,
    }


def _problems(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        'SELECT load_id, sheet, "row", rule FROM build_problems ORDER BY load_id, sheet, "row"'
    ).fetchall()


def test_clean_rows_make_no_problems() -> None:
    con = _build(stg_person=[_person("P1", 2)], stg_requests=[_request("R1", "P1", 2)])
    assert _problems(con) == []
    assert con.execute("SELECT request_key FROM requests").fetchall() == [("R1",)]


def test_a_repeated_id_on_one_sheet_keeps_the_first_row() -> None:
    con = _build(stg_person=[_person("P1", 2), _person("P1", 5), _person("P1", 7)])
    # Rows 5 and 7 repeat row 2's id: two duplicate_key errors; row 2 is kept.
    assert _problems(con) == [(1, "Person", 5, "duplicate_key"), (1, "Person", 7, "duplicate_key")]
    message = con.execute("SELECT message FROM build_problems LIMIT 1").fetchone()
    assert message == (
        "Two Person rows have the same record ID: it is already on row 2 of this sheet; "
        "only that first row was loaded",
    )
    assert con.execute("SELECT source_row FROM person").fetchall() == [(2,)]


def test_a_row_whose_parent_was_not_loaded_is_an_orphan() -> None:
    # P2 is not in Person at all; R1's parent P1 is.
    con = _build(
        stg_person=[_person("P1", 2)],
        stg_requests=[_request("R1", "P1", 2), _request("R2", "P2", 3)],
    )
    assert _problems(con) == [(1, "Requests", 3, "orphan_row")]
    assert con.execute("SELECT request_key FROM requests").fetchall() == [("R1",)]


def test_a_row_without_a_key_is_key_missing() -> None:
    con = _build(stg_person=[_person(None, 4)])
    assert _problems(con) == [(1, "Person", 4, "key_missing")]


def test_a_later_load_supersedes_and_is_not_a_duplicate() -> None:
    con = _build(stg_person=[_person("P1", 2, load=1), _person("P1", 9, load=2)])
    # The same id in a later file is the newer version: no problem, the earlier row superseded.
    assert _problems(con) == []
    assert con.execute("SELECT load_id, source_row FROM person").fetchall() == [(2, 9)]
    assert con.execute("SELECT module, load_id, source_row FROM superseded").fetchall() == [
        ("person", 1, 2)
    ]
