"""The load report's whole problem list (issue 11: fetched as Arrow by the load) is exactly the
one problem-list query's (``etl.store.problem_list``): same dicts, same order, row numbers as
integers, blanks as None."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl import store
from etl.warehouse import run_load
from tests import sen2_builders as b
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


@pytest.mark.parametrize("bigger", ["first", "second"])
def test_the_later_file_given_wins_whichever_is_read_first(tmp_path: Path, bigger: str) -> None:
    # Files are read biggest first (issue 11), but load ids, and so which file supersedes
    # which, follow the order given: the second file's R1 stands either way.
    extra = [b.case(f"C{i}", f"R{i}") for i in range(2, 40)]
    first = [b.case("C1", "R1", received_date=dt.date(2024, 1, 10))]
    second = [b.case("C1", "R1", received_date=dt.date(2024, 2, 1))]
    if bigger == "first":
        first += extra
    else:
        second += extra
    paths = [
        b.write_csv(tmp_path / "first.csv", b.table(first)),
        b.write_csv(tmp_path / "second.csv", b.table(second)),
    ]
    b.load(paths, tmp_path / "data")
    assert b.query(tmp_path / "data", "SELECT file FROM load_files ORDER BY load_id") == [
        ("first.csv",),
        ("second.csv",),
    ]
    received = b.query(
        tmp_path / "data",
        "SELECT r.received_date FROM requests r JOIN load_files f USING (load_id) "
        "WHERE f.file = 'second.csv' AND r.source_row = 2",
    )
    assert received == [(dt.date(2024, 2, 1),)]
    log = b.load_log(tmp_path / "data")
    # first.csv's R1 (its line 2) is superseded by second.csv's; everything else loads.
    assert (log["first.csv"]["rows_loaded"], log["first.csv"]["rows_superseded"]) == (
        len(first) - 1,
        1,
    )
    assert log["second.csv"]["rows_loaded"] == len(second)
