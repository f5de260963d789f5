"""The load report's whole problem list (issue 11: fetched as Arrow by the load) is exactly the
one problem-list query's (``etl.store.problem_list``): same dicts, same order, row numbers as
integers, blanks as None."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import store
from etl.warehouse import run_load
from tests import tracker_builders as tb
from tests.ui_fixtures import build_warehouse


def test_the_reports_problem_list_is_the_problem_list_query(tmp_path: Path) -> None:
    data = build_warehouse(tmp_path)  # a case list with an impossible date: a row error
    not_a_sheet = tmp_path / "notes.xlsx"
    not_a_sheet.write_text("not a workbook", encoding="utf-8")  # a file-level problem (no row)
    tracker = tb.golden_period_1(tmp_path / "tracker.xlsx")
    report = run_load([not_a_sheet, tracker], data)
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        expected = store.problem_list(con)
    finally:
        con.close()
    assert report.problems == expected
    rows = {type(p["row"]) for p in report.problems}
    assert rows == {int, type(None)}  # row errors and file-level problems both present
    assert any(p["file"] == "notes.xlsx" and p["sheet"] is None for p in report.problems)
