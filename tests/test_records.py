"""User-entered records (etl.records): an override is one appended line, never a rebuild; every
reader sees it at once; history is kept; --replace starts again; old warehouses are migrated."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from etl import records
from etl.tracker import report
from etl.warehouse import run_load
from tests import sen2_builders as b
from tests import tracker_builders as tb

NAME = "Launch the preparing-for-adulthood protocol"


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    # An apostrophe in the folder: paths are bound, never written into SQL.
    folder = tmp_path / "Children's services" / "data"
    run_load([tb.golden_period_1(tmp_path / "highlight_march.xlsx")], folder)
    return folder


def _rag(folder: Path) -> str:
    con = b.warehouse(folder)
    try:
        return {i["name"]: i["rag"] for i in report.milestones(con)}[NAME]
    finally:
        con.close()


def test_an_override_does_not_rebuild_the_warehouse(data: Path) -> None:
    before = os.stat(data / "warehouse.duckdb")
    report.apply_override(data, NAME, "Amber", reason="New date agreed", author="J Smith")
    after = os.stat(data / "warehouse.duckdb")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert _rag(data) == "Amber"  # computed Red (tests/tracker_builders.py), overridden


def test_history_is_appended_and_a_clearing_is_a_row(data: Path) -> None:
    report.apply_override(data, NAME, "Amber", reason="New date agreed", author="J Smith")
    report.apply_override(data, NAME, None, reason="Date missed", author="Chair")
    assert _rag(data) == "Red"
    rows = records.read(data, records.TRACKER_OVERRIDES).to_pylist()
    assert [(r["override_id"], r["rag"], r["author"]) for r in rows] == [
        (1, "Amber", "J Smith"),
        (2, None, "Chair"),
    ]
    assert rows[0]["report_date"] == tb.D1
    assert isinstance(rows[0]["created_at"], dt.datetime)


def test_text_with_commas_quotes_and_line_breaks_round_trips(tmp_path: Path) -> None:
    reason = 'Board said "yes", then:\nrevised date 1/5'
    records.append(
        tmp_path,
        records.TRACKER_OVERRIDES,
        {
            "plan": "P",
            "report_date": dt.date(2026, 3, 31),
            "item_key": "k",
            "rag": "Green",
            "reason": reason,
            "author": "=cmd()",
            "created_at": dt.datetime(2026, 4, 1, 9, 30),
        },
    )
    [row] = records.read(tmp_path, records.TRACKER_OVERRIDES).to_pylist()
    assert (row["reason"], row["author"], row["item_name"]) == (reason, "=cmd()", None)
    assert row["created_at"] == dt.datetime(2026, 4, 1, 9, 30)


def test_overrides_survive_a_later_load_and_are_stored_in_the_build(
    data: Path, tmp_path: Path
) -> None:
    report.apply_override(data, NAME, "Amber", reason="New date agreed", author="J Smith")
    run_load([tb.write_action_log(tmp_path / "a.xlsx", tb.ACTIONS, report_date=tb.D1)], data)
    # Read without the record store: the build itself holds the override.
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT rag FROM plan_items WHERE name = ?", [NAME]).fetchall() == [
            ("Amber",)
        ]
    finally:
        con.close()


def test_replace_starts_again_without_records(data: Path, tmp_path: Path) -> None:
    report.apply_override(data, NAME, "Amber", reason="New date agreed", author="J Smith")
    run_load([tb.golden_period_1(tmp_path / "again.xlsx")], data, replace=True)
    assert records.read(data, records.TRACKER_OVERRIDES).num_rows == 0
    assert _rag(data) == "Red"


def test_a_warehouse_built_before_the_store_is_migrated_once(data: Path, tmp_path: Path) -> None:
    # A warehouse of the previous release kept its overrides in a table inside it.
    path = data / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO tracker_overrides SELECT 1, plan, report_date, item_key, name, 'Green', "
        "'old reason', 'old author', TIMESTAMP '2026-04-01 10:00:00' FROM plan_items_rated "
        "WHERE name = ?",
        [NAME],
    )
    con.close()
    run_load([tb.write_action_log(tmp_path / "a.xlsx", tb.ACTIONS, report_date=tb.D1)], data)
    rows = records.read(data, records.TRACKER_OVERRIDES).to_pylist()
    assert [(r["rag"], r["author"]) for r in rows] == [("Green", "old author")]
    assert _rag(data) == "Green"
