"""Tracker checks (etl.inputs.tracker.checks) on a few typed rows held in memory: pass, one
failure, several, and the edges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from etl.checks import RowProblem
from etl.inputs.tracker import checks

D = dt.date


def row(index: int, failed: frozenset[str] = frozenset(), **values: Any) -> dict[str, Any]:
    """A typed row as staging hands it to the checks."""
    base = {"name": "M", "start_date": None, "end_date": D(2026, 3, 1), "pct_complete": 50.0}
    headers = {"name": "Milestone", "end_date": "End Date", "pct_complete": "% complete"}
    return {**base, **values, "_index": index, "_failed": set(failed), "_headers": headers}


def test_required_blank() -> None:
    rows = [row(0), row(1, end_date=None), row(2, end_date=None, failed=frozenset({"end_date"}))]
    # Row 1 is blank; row 2's cell could not be read (reported as unreadable already).
    assert checks.check_tracker_required_blank(rows, "end_date", "end_date", "needed") == [
        RowProblem(1, "End Date", "date_missing", "End Date is blank; needed")
    ]
    assert checks.check_tracker_required_blank(
        [row(0, name=None), row(1, name=None)], "name", "name", "every milestone needs a name"
    ) == [
        RowProblem(
            0, "Milestone", "value_missing", "Milestone is blank; every milestone needs a name"
        ),
        RowProblem(
            1, "Milestone", "value_missing", "Milestone is blank; every milestone needs a name"
        ),
    ]
    assert checks.check_tracker_required_blank([row(0)], "name", "name", "x") == []


def test_end_before_start() -> None:
    rows = [
        row(0, start_date=D(2026, 1, 1)),  # fine
        row(1, start_date=D(2026, 3, 2)),  # ends 01/03, a day before it starts
        row(2, start_date=D(2026, 3, 1)),  # same day: fine
        row(3, start_date=D(2026, 4, 1), end_date=None),  # no end: nothing to compare
    ]
    assert checks.check_tracker_end_before_start(rows) == [
        RowProblem(
            1,
            "End Date",
            "end_before_start",
            "End date 01/03/2026 is before the start date 02/03/2026",
        )
    ]


def test_pct_missing_is_a_query_on_rows_not_rejected() -> None:
    rows = [row(0), row(1, pct_complete=None), row(2, pct_complete=None), row(3, pct_complete=0.0)]
    assert checks.check_tracker_pct_missing(rows, rejected={2}) == [
        RowProblem(
            1, "% complete", "pct_missing", "% complete is blank; taken as 0% when rating", "query"
        )
    ]


def test_duplicate_keeps_the_first_loaded_row() -> None:
    rows = [
        row(0, name="A"),
        row(1, name="B"),
        row(2, name="a"),
        row(3, name="A"),
        row(4, name="B"),
    ]
    numbers = {0: 5, 1: 6, 2: 7, 3: 8, 4: 9}
    found = checks.check_tracker_duplicate(
        rows,
        rejected={1},  # row 1 (B) was rejected, so row 4 (B) is the first B loaded
        key=lambda r: str(r["name"]).lower(),
        noun=lambda r: "milestone name",
        column="name",
        row_number=numbers.__getitem__,
    )
    message = (
        "Duplicate milestone name in this reporting period: the same one is already on row 5; "
        "only the first was loaded"
    )
    assert found == [
        RowProblem(2, "Milestone", "duplicate_name", message),
        RowProblem(3, "Milestone", "duplicate_name", message),
    ]
    assert (
        checks.check_tracker_duplicate(
            rows[:2], set(), lambda r: str(r["name"]), lambda r: "x", None, numbers.__getitem__
        )
        == []
    )
