"""Unit tests for the SEN2 query checks (``etl/inputs/sen2/checks.py``), one check at a time.

Each test registers a few hand-made rows (Arrow tables) under the canonical names ``requests``,
``assessment``, ``person`` and ``sen2`` in an in-memory DuckDB, runs one ``check_sen2_<what>``
on it and compares the problem list row for row: pass (no rows), a single failure (exact row,
column, rule, severity and message), several failures, and the boundary cases of the SQL.
No files are read and no load is run.

Every table carries only the columns the checks read, plus the source columns
``load_id, source_file, source_sheet, source_row``. Unless a row says otherwise, its
``source_row`` is its position + 2 (header on Excel row 1, so the first record is row 2).
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from etl.checks import RowProblem, all_rules
from etl.inputs.sen2 import checks
from etl.inputs.sen2.checks import (
    CHECKS,
    Check,
    check_sen2_assessment_without_agreed_request,
    check_sen2_date_in_future,
    check_sen2_decision_before_received,
    check_sen2_outcome_before_received,
    check_sen2_outcome_date_missing,
    check_sen2_person_without_header,
    check_sen2_plan_agreed_not_issued,
    check_sen2_upn_malformed,
    check_sen2_upn_missing_no_reason,
    check_sen2_week20_missing,
    run_checks,
)

D = dt.date
Row = dict[str, Any]
Problem = tuple[Any, ...]

LOAD_ID = 1
FILE = "sen2.xlsx"

SOURCE_FIELDS = [
    pa.field("load_id", pa.int32()),
    pa.field("source_file", pa.string()),
    pa.field("source_sheet", pa.string()),
    pa.field("source_row", pa.int64()),
]

# The columns each check reads, typed as staging types them (date → DATE, flag → BOOLEAN,
# code/text/id → VARCHAR), and the sheet name the rows are said to come from.
SCHEMAS: dict[str, tuple[str, pa.Schema]] = {
    "requests": (
        "Requests",
        pa.schema(
            [
                pa.field("request_key", pa.string()),
                pa.field("person_key", pa.string()),
                pa.field("received_date", pa.date32()),
                pa.field("request_outcome", pa.string()),
                pa.field("request_outcome_date", pa.date32()),
                *SOURCE_FIELDS,
            ]
        ),
    ),
    "assessment": (
        "Assessments",
        pa.schema(
            [
                pa.field("request_key", pa.string()),
                pa.field("assessment_key", pa.string()),
                pa.field("assessment_outcome", pa.string()),
                pa.field("assessment_outcome_date", pa.date32()),
                pa.field("week20", pa.bool_()),
                *SOURCE_FIELDS,
            ]
        ),
    ),
    "person": (
        "Person",
        pa.schema(
            [
                pa.field("person_key", pa.string()),
                pa.field("birth_date", pa.date32()),
                pa.field("upn_status", pa.string()),
                pa.field("uln", pa.string()),
                pa.field("upn_unknown", pa.string()),
                pa.field("sen2_key", pa.string()),
                *SOURCE_FIELDS,
            ]
        ),
    ),
    "sen2": (
        "SEN2",
        pa.schema(
            [
                pa.field("sen2_key", pa.string()),
                pa.field("reference_date", pa.date32()),
                *SOURCE_FIELDS,
            ]
        ),
    ),
    # The plan modules, for the cross-row rules (issue 10).
    "named_plan": (
        "Named Plan",
        pa.schema(
            [
                pa.field("named_plan_key", pa.string()),
                pa.field("assessment_key", pa.string()),
                pa.field("request_key", pa.string()),
                pa.field("start_date", pa.date32()),
                pa.field("cease_date", pa.date32()),
                pa.field("cease_reason", pa.string()),
                *SOURCE_FIELDS,
            ]
        ),
    ),
    "plan_detail": (
        "Plan Detail",
        pa.schema([pa.field("named_plan_key", pa.string()), *SOURCE_FIELDS]),
    ),
    "active_plans": (
        "Active Plan",
        pa.schema(
            [
                pa.field("active_plan_key", pa.string()),
                pa.field("request_key", pa.string()),
                pa.field("review_meeting", pa.date32()),
                pa.field("last_review", pa.date32()),
                *SOURCE_FIELDS,
            ]
        ),
    ),
    "placement_detail": (
        "Placement Detail",
        pa.schema([pa.field("active_plan_key", pa.string()), *SOURCE_FIELDS]),
    ),
    "sen_need": (
        "SEN Need",
        pa.schema(
            [
                pa.field("sen_need_key", pa.string()),
                pa.field("active_plan_key", pa.string()),
                pa.field("request_key", pa.string()),
                pa.field("sen_type_rank", pa.int64()),
                *SOURCE_FIELDS,
            ]
        ),
    ),
}


def make_con(**tables: list[Row]) -> duckdb.DuckDBPyConnection:
    """An in-memory database with all four canonical tables registered (empty unless given).

    Each row is a dict of the check columns it sets (missing ones are NULL); ``source_row``
    may be given to pin the row number, otherwise it is the row's position + 2.
    """
    unknown = set(tables) - set(SCHEMAS)
    assert not unknown, f"no schema for {unknown}"
    con = duckdb.connect()
    for name, (sheet, schema) in SCHEMAS.items():
        rows = tables.get(name, [])
        full = [
            {
                "load_id": LOAD_ID,
                "source_file": FILE,
                "source_sheet": sheet,
                "source_row": i + 2,
                **row,
            }
            for i, row in enumerate(rows)
        ]
        for row in full:
            extra = set(row) - set(schema.names)
            assert not extra, f"{name} has no column(s) {extra}"
        con.register(name, pa.Table.from_pylist(full, schema=schema))
    return con


def run(check: Check, con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """The check's problem rows as tuples, ordered by sheet then row."""
    return sorted(check(con).fetchall(), key=lambda p: (p[2], p[3]))


def problem(sheet: str, row: int, column: str, rule: str, message: str) -> Problem:
    """One expected problem-list row (load 1 of ``sen2.xlsx``, severity ``query``)."""
    return (LOAD_ID, FILE, sheet, row, column, rule, "query", message)


def request(
    key: str,
    received: D | None,
    outcome: str | None,
    decided: D | None,
    source_row: int | None = None,
) -> Row:
    row: Row = {
        "request_key": key,
        "received_date": received,
        "request_outcome": outcome,
        "request_outcome_date": decided,
    }
    if source_row is not None:
        row["source_row"] = source_row
    return row


def assessment(
    key: str, outcome: str | None, outcome_date: D | None, week20: bool | None = None
) -> Row:
    return {
        "request_key": key,
        "assessment_outcome": outcome,
        "assessment_outcome_date": outcome_date,
        "week20": week20,
    }


def person(
    upn_status: str | None = "present",
    uln: str | None = None,
    upn_unknown: str | None = None,
    sen2_key: str | None = "S1",
) -> Row:
    return {"upn_status": upn_status, "uln": uln, "upn_unknown": upn_unknown, "sen2_key": sen2_key}


# ============================================================ outcome_before_received


def _outcome_before(row: int, outcome: str, received: str) -> Problem:
    return problem(
        "Assessments",
        row,
        "AssessmentOutcomeDate",
        "outcome_before_received",
        f"Assessment outcome date {outcome} is before the request was received ({received}); "
        "this case is left out of the timeliness figures",
    )


def test_outcome_before_received_passes_when_plans_follow_requests() -> None:
    con = make_con(
        requests=[request("R1", D(2024, 3, 1), "Y", D(2024, 4, 1))],
        assessment=[assessment("R1", "Y", D(2024, 7, 1), False)],
    )
    assert run(check_sen2_outcome_before_received, con) == []


def test_outcome_before_received_single_failure() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 3, 20)),
            request("R2", D(2024, 3, 1), "Y", D(2024, 3, 20)),
        ],
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), False),  # row 2: fine
            assessment("R2", "Y", D(2024, 2, 1), False),  # row 3: 1 Feb before 1 Mar
        ],
    )
    assert run(check_sen2_outcome_before_received, con) == [
        _outcome_before(3, "01/02/2024", "01/03/2024")
    ]


def test_outcome_before_received_several_failures() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 3, 20)),
            request("R2", D(2023, 12, 25), "Y", D(2024, 1, 5)),
        ],
        assessment=[
            assessment("R2", "Y", D(2023, 12, 24), True),  # row 2: one day early
            assessment("R1", "Y", D(2024, 5, 1), False),  # row 3: fine
            assessment("R1", "N", D(2024, 1, 31), None),  # row 4: a month early
        ],
    )
    assert run(check_sen2_outcome_before_received, con) == [
        _outcome_before(2, "24/12/2023", "25/12/2023"),
        _outcome_before(4, "31/01/2024", "01/03/2024"),
    ]


def test_outcome_before_received_edge_cases_are_not_problems() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 3, 1)),
            request("R2", None, "Y", D(2024, 3, 1)),
        ],
        assessment=[
            assessment("R1", "Y", D(2024, 3, 1), False),  # same day as received: not before
            assessment("R1", "N", None),  # no outcome date: nothing to compare
            assessment("R2", "Y", D(2020, 1, 1), False),  # no received date: nothing to compare
            assessment("R9", "Y", D(2020, 1, 1), False),  # no such request: orphan, not this rule
        ],
    )
    assert run(check_sen2_outcome_before_received, con) == []


# ============================================================ decision_before_received


def _decision_before(row: int, decided: str, received: str) -> Problem:
    return problem(
        "Requests",
        row,
        "RequestOutcomeDate",
        "decision_before_received",
        f"Request outcome date {decided} is before the request was received ({received}); "
        "left out of the 6-week decision figures",
    )


def test_decision_before_received_passes_when_decisions_follow_requests() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 4, 10)),
            request("R2", D(2024, 3, 1), "N", D(2024, 3, 2)),
        ]
    )
    assert run(check_sen2_decision_before_received, con) == []


def test_decision_before_received_single_failure() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 4, 10)),  # row 2: fine
            request("R2", D(2024, 3, 1), "N", D(2024, 2, 1)),  # row 3: 1 Feb before 1 Mar
        ]
    )
    assert run(check_sen2_decision_before_received, con) == [
        _decision_before(3, "01/02/2024", "01/03/2024")
    ]


def test_decision_before_received_several_failures() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 1, 1), "Y", D(2023, 12, 31), source_row=7),  # 1 day early
            request("R2", D(2024, 3, 1), "Y", D(2024, 4, 10), source_row=8),  # fine
            request("R3", D(2024, 9, 9), "N", D(2024, 9, 8), source_row=12),  # 1 day early
        ]
    )
    assert run(check_sen2_decision_before_received, con) == [
        _decision_before(7, "31/12/2023", "01/01/2024"),
        _decision_before(12, "08/09/2024", "09/09/2024"),
    ]


def test_decision_before_received_edge_cases_are_not_problems() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 3, 1)),  # same day: not before
            request("R2", D(2024, 3, 1), None, None),  # undecided: no outcome date
            request("R3", None, "Y", D(2024, 3, 1)),  # no received date
            request("R4", None, None, None),  # nothing at all
        ]
    )
    assert run(check_sen2_decision_before_received, con) == []


# ============================================================ outcome_date_missing


def _request_undated(row: int, outcome: str) -> Problem:
    # The SQL puts the request's outcome code (only Y or N get this far) into the message.
    return problem(
        "Requests",
        row,
        "RequestOutcomeDate",
        "outcome_date_missing",
        f"Request outcome is {outcome} but there is no request outcome date; "
        "left out of the 6-week decision figures",
    )


def _assessment_undated(row: int) -> Problem:
    return problem(
        "Assessments",
        row,
        "AssessmentOutcomeDate",
        "outcome_date_missing",
        "Assessment outcome is N (no plan) but there is no outcome date",
    )


def test_outcome_date_missing_passes_when_decisions_are_dated() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 4, 1)),
            request("R2", D(2024, 3, 1), "N", D(2024, 4, 1)),
        ],
        assessment=[
            assessment("R1", "N", D(2024, 6, 1)),
            assessment("R1", "Y", D(2024, 7, 1), False),
        ],
    )
    assert run(check_sen2_outcome_date_missing, con) == []


def test_outcome_date_missing_single_failure() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 4, 1)),  # row 2: dated
            request("R2", D(2024, 3, 1), "Y", None),  # row 3: Y without a date
        ]
    )
    assert run(check_sen2_outcome_date_missing, con) == [_request_undated(3, "Y")]


def test_outcome_date_missing_several_failures_on_both_sheets() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", None),  # row 2
            request("R2", D(2024, 3, 1), "N", None),  # row 3
            request("R3", D(2024, 3, 1), "Y", D(2024, 4, 1)),  # row 4: dated
        ],
        assessment=[
            assessment("R3", "N", None),  # row 2
            assessment("R3", "N", D(2024, 6, 1)),  # row 3: dated
            assessment("R3", "N", None),  # row 4
        ],
    )
    # Sorted by sheet name: "Assessments" < "Requests".
    assert run(check_sen2_outcome_date_missing, con) == [
        _assessment_undated(2),
        _assessment_undated(4),
        _request_undated(2, "Y"),
        _request_undated(3, "N"),
    ]


def test_outcome_date_missing_ignores_other_outcomes() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "A", None),  # A and W are not decisions to assess
            request("R2", D(2024, 3, 1), "W", None),
            request("R3", D(2024, 3, 1), "H", None),
            request("R4", D(2024, 3, 1), None, None),  # undecided
        ],
        assessment=[
            # An issued plan without a date is left to the timeliness figures, not this rule.
            assessment("R1", "Y", None, False),
            assessment("R1", None, None),
        ],
    )
    assert run(check_sen2_outcome_date_missing, con) == []


# ============================================================ plan_agreed_not_issued


def _agreed_not_issued(row: int, dates: str) -> Problem:
    return problem(
        "Assessments",
        row,
        "AssessmentOutcomeDate",
        "plan_agreed_not_issued",
        "Assessment outcome is Y with no outcome date: plan agreed, not yet issued — check it is "
        f"still being drafted{dates}",
    )


def test_plan_agreed_not_issued_passes_when_plans_are_dated_or_not_agreed() -> None:
    con = make_con(
        requests=[request("R1", D(2024, 3, 1), "Y", D(2024, 4, 1))],
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), False),  # issued
            assessment("R1", "N", None),  # no plan (outcome_date_missing's case)
            assessment("R1", None, None),  # no outcome yet
        ],
    )
    assert run(check_sen2_plan_agreed_not_issued, con) == []


def test_plan_agreed_not_issued_names_the_request_and_its_20_week_date() -> None:
    # R1 received 1 Mar 2024; 20 weeks = 140 days later: 30 days to 31 Mar, 30 more to 30 Apr
    # (60), 31 to 31 May (91), 30 to 30 Jun (121), 19 to 19 Jul (140). Row 3's request R9 is not
    # loaded: the message says what it can.
    con = make_con(
        requests=[request("R1", D(2024, 3, 1), "Y", D(2024, 4, 1))],
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), False),  # row 2: issued
            assessment("R1", "Y", None),  # row 3: agreed, not issued
            assessment("R9", "Y", None),  # row 4: agreed, its request unknown
        ],
    )
    assert run(check_sen2_plan_agreed_not_issued, con) == [
        _agreed_not_issued(3, " (request received 01/03/2024, 20-week date 19/07/2024)"),
        _agreed_not_issued(4, ""),
    ]


# ============================================================ week20_missing

WEEK20_BLANK = (
    "A plan was issued but the 20-week exception flag (Week20) is blank; "
    "counted in the including-exceptions figure only"
)


def test_week20_missing_passes_when_the_flag_is_given() -> None:
    con = make_con(
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), True),
            assessment("R2", "Y", D(2024, 7, 1), False),
        ]
    )
    assert run(check_sen2_week20_missing, con) == []


def test_week20_missing_single_failure() -> None:
    con = make_con(
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), True),  # row 2: flagged
            assessment("R2", "Y", D(2024, 7, 1), None),  # row 3: blank
        ]
    )
    assert run(check_sen2_week20_missing, con) == [
        problem("Assessments", 3, "Week20", "week20_missing", WEEK20_BLANK)
    ]


def test_week20_missing_several_failures() -> None:
    con = make_con(
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), None),  # row 2
            assessment("R2", "Y", D(2024, 8, 1), False),  # row 3: fine
            assessment("R3", "Y", D(2024, 9, 1), None),  # row 4
        ]
    )
    assert run(check_sen2_week20_missing, con) == [
        problem("Assessments", 2, "Week20", "week20_missing", WEEK20_BLANK),
        problem("Assessments", 4, "Week20", "week20_missing", WEEK20_BLANK),
    ]


def test_week20_missing_needs_an_issued_and_dated_plan() -> None:
    con = make_con(
        assessment=[
            assessment("R1", "Y", None, None),  # plan issued but undated: not flagged
            assessment("R2", "N", D(2024, 7, 1), None),  # no plan: flag not expected
            assessment("R3", None, D(2024, 7, 1), None),  # no outcome
            assessment("R4", "Y", D(2024, 7, 1), False),  # False is an answer, not a blank
        ]
    )
    assert run(check_sen2_week20_missing, con) == []


# ============================================================ assessment_without_agreed_request


def _not_agreed(row: int, outcome: str) -> Problem:
    return problem(
        "Assessments",
        row,
        "AssessmentOutcome",
        "assessment_without_agreed_request",
        f"There is an assessment for a request whose outcome is {outcome}, "
        "not Y (agreed to assess) or H (historical)",
    )


def test_assessment_without_agreed_request_passes_for_y_and_h() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 4, 1)),
            request("R2", D(2015, 3, 1), "H", None),  # historical: fine
        ],
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), False),
            assessment("R2", "Y", D(2015, 7, 1), False),
        ],
    )
    assert run(check_sen2_assessment_without_agreed_request, con) == []


def test_assessment_without_agreed_request_single_failure() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "Y", D(2024, 4, 1)),
            request("R2", D(2024, 3, 1), "N", D(2024, 4, 1)),
        ],
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), False),  # row 2: agreed
            assessment("R2", "Y", D(2024, 7, 1), False),  # row 3: request refused (N)
        ],
    )
    assert run(check_sen2_assessment_without_agreed_request, con) == [_not_agreed(3, "N")]


def test_assessment_without_agreed_request_several_failures() -> None:
    con = make_con(
        requests=[
            request("R1", D(2024, 3, 1), "N", D(2024, 4, 1)),
            request("R2", D(2024, 3, 1), "W", None),
            request("R3", D(2024, 3, 1), "Y", D(2024, 4, 1)),
        ],
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), False),  # row 2: N
            assessment("R3", "Y", D(2024, 7, 1), False),  # row 3: fine
            assessment("R2", "N", D(2024, 7, 1)),  # row 4: W
            assessment("R1", "N", D(2024, 8, 1)),  # row 5: N again (one row per assessment)
        ],
    )
    assert run(check_sen2_assessment_without_agreed_request, con) == [
        _not_agreed(2, "N"),
        _not_agreed(4, "W"),
        _not_agreed(5, "N"),
    ]


def test_assessment_without_agreed_request_blank_outcome_is_reported_as_blank() -> None:
    con = make_con(
        requests=[request("R1", D(2024, 3, 1), None, None)],
        assessment=[
            assessment("R1", "Y", D(2024, 7, 1), False),  # row 2: request outcome NULL
            assessment("R9", "Y", D(2024, 7, 1), False),  # row 3: no such request, not joined
        ],
    )
    assert run(check_sen2_assessment_without_agreed_request, con) == [_not_agreed(2, "blank")]


# ============================================================ upn_missing_no_reason

UPN_NO_REASON = "No UPN or ULN, and no reason code (UPNunknown, e.g. UN1) is given"


def test_upn_missing_no_reason_passes_with_upn_uln_or_reason() -> None:
    con = make_con(
        person=[
            person(upn_status="present"),
            person(upn_status=None, uln="1234567890"),
            person(upn_status=None, upn_unknown="UN1"),
        ]
    )
    assert run(check_sen2_upn_missing_no_reason, con) == []


def test_upn_missing_no_reason_single_failure() -> None:
    con = make_con(
        person=[
            person(upn_status="present"),  # row 2
            person(upn_status=None),  # row 3: nothing at all
        ]
    )
    assert run(check_sen2_upn_missing_no_reason, con) == [
        problem("Person", 3, "UPN", "upn_missing_no_reason", UPN_NO_REASON)
    ]


def test_upn_missing_no_reason_several_failures() -> None:
    con = make_con(
        person=[
            person(upn_status=None),  # row 2
            person(upn_status=None, upn_unknown="UN2"),  # row 3: reason given
            person(upn_status=None, sen2_key=None),  # row 4
        ]
    )
    assert run(check_sen2_upn_missing_no_reason, con) == [
        problem("Person", 2, "UPN", "upn_missing_no_reason", UPN_NO_REASON),
        problem("Person", 4, "UPN", "upn_missing_no_reason", UPN_NO_REASON),
    ]


def test_upn_missing_no_reason_ignores_a_malformed_upn() -> None:
    # A malformed UPN is there (status 'malformed'), so it is upn_malformed's business only.
    con = make_con(person=[person(upn_status="malformed")])
    assert run(check_sen2_upn_missing_no_reason, con) == []


# ============================================================ upn_malformed

UPN_MALFORMED = "The UPN is not 13 characters of the form letter + 11 digits + letter or digit"


def test_upn_malformed_passes_for_present_and_blank_upns() -> None:
    con = make_con(person=[person(upn_status="present"), person(upn_status=None, uln="1")])
    assert run(check_sen2_upn_malformed, con) == []


def test_upn_malformed_single_failure() -> None:
    con = make_con(person=[person(upn_status="present"), person(upn_status="malformed")])
    assert run(check_sen2_upn_malformed, con) == [
        problem("Person", 3, "UPN", "upn_malformed", UPN_MALFORMED)
    ]


def test_upn_malformed_several_failures() -> None:
    con = make_con(
        person=[
            person(upn_status="malformed"),  # row 2
            person(upn_status="present"),  # row 3
            person(upn_status="malformed", upn_unknown="UN1"),  # row 4: a reason does not excuse
        ]
    )
    assert run(check_sen2_upn_malformed, con) == [
        problem("Person", 2, "UPN", "upn_malformed", UPN_MALFORMED),
        problem("Person", 4, "UPN", "upn_malformed", UPN_MALFORMED),
    ]


def test_upn_malformed_blank_upn_is_not_malformed() -> None:
    # No UPN, no ULN, no reason: that is upn_missing_no_reason, not upn_malformed.
    con = make_con(person=[person(upn_status=None)])
    assert run(check_sen2_upn_malformed, con) == []


# ============================================================ date_in_future

FUTURE = D(2099, 1, 1)
PAST = D(2020, 1, 1)


def _received_future(row: int, date: str) -> Problem:
    return problem(
        "Requests",
        row,
        "ReceivedDate",
        "date_in_future",
        f"Request received date {date} is in the future",
    )


def _outcome_future(row: int, date: str) -> Problem:
    return problem(
        "Assessments",
        row,
        "AssessmentOutcomeDate",
        "date_in_future",
        f"Assessment outcome date {date} is in the future",
    )


def test_date_in_future_passes_for_past_dates() -> None:
    con = make_con(
        requests=[request("R1", PAST, "Y", PAST)],
        assessment=[assessment("R1", "Y", PAST, False)],
    )
    assert run(check_sen2_date_in_future, con) == []


def test_date_in_future_single_failure() -> None:
    con = make_con(
        requests=[
            request("R1", PAST, "Y", PAST),  # row 2
            request("R2", FUTURE, None, None),  # row 3
        ]
    )
    assert run(check_sen2_date_in_future, con) == [_received_future(3, "01/01/2099")]


def test_date_in_future_several_failures_on_both_sheets() -> None:
    con = make_con(
        requests=[
            request("R1", FUTURE, None, None),  # row 2
            request("R2", PAST, "Y", PAST),  # row 3
            request("R3", D(2098, 12, 31), None, None),  # row 4
        ],
        assessment=[
            assessment("R2", "Y", PAST, False),  # row 2
            assessment("R2", "Y", D(2099, 6, 30), False),  # row 3
        ],
    )
    # Sorted by sheet name: "Assessments" < "Requests".
    assert run(check_sen2_date_in_future, con) == [
        _outcome_future(3, "30/06/2099"),
        _received_future(2, "01/01/2099"),
        _received_future(4, "31/12/2098"),
    ]


def test_date_in_future_today_and_blank_dates_are_not_problems() -> None:
    con = make_con()
    # "Today" as the check sees it (DuckDB's current_date), so the boundary cannot drift
    # against Python's clock or time zone.
    today = con.sql("SELECT current_date").fetchall()[0][0]
    con = make_con(
        requests=[
            request("R1", today, "Y", today),  # today is not after today
            request("R2", None, None, None),  # blank received date
        ],
        assessment=[
            assessment("R1", "Y", today, False),
            assessment("R1", "N", None),  # blank outcome date
        ],
    )
    assert run(check_sen2_date_in_future, con) == []


# ============================================================ person_without_header

NO_HEADER = (
    "This person points to a SEN2 header row (sen2tableid) that was not loaded; LA code unknown"
)


def _no_header(row: int) -> Problem:
    return problem("Person", row, "sen2tableid", "orphan_row", NO_HEADER)


def test_person_without_header_passes_when_the_header_is_loaded() -> None:
    con = make_con(
        sen2=[{"sen2_key": "S1"}, {"sen2_key": "S2"}],
        person=[person(sen2_key="S1"), person(sen2_key="S2"), person(sen2_key="S1")],
    )
    assert run(check_sen2_person_without_header, con) == []


def test_person_without_header_single_failure() -> None:
    con = make_con(
        sen2=[{"sen2_key": "S1"}],
        person=[person(sen2_key="S1"), person(sen2_key="S2")],  # row 3 points to S2
    )
    assert run(check_sen2_person_without_header, con) == [_no_header(3)]


def test_person_without_header_several_failures() -> None:
    con = make_con(
        sen2=[{"sen2_key": "S1"}],
        person=[
            person(sen2_key="S9"),  # row 2
            person(sen2_key="S1"),  # row 3: fine
            person(sen2_key="S8"),  # row 4
            person(sen2_key="S9"),  # row 5: same missing header, its own problem
        ],
    )
    assert run(check_sen2_person_without_header, con) == [
        _no_header(2),
        _no_header(4),
        _no_header(5),
    ]


def test_person_without_header_edge_cases() -> None:
    # A person with no sen2tableid at all is not pointing anywhere: not an orphan.
    con = make_con(sen2=[{"sen2_key": "S1"}], person=[person(sen2_key=None)])
    assert run(check_sen2_person_without_header, con) == []
    # With no header rows loaded, every person that names one is an orphan (rows 2 and 4).
    con = make_con(
        person=[person(sen2_key="S1"), person(sen2_key=None), person(sen2_key="S1")],
    )
    assert run(check_sen2_person_without_header, con) == [_no_header(2), _no_header(4)]


# ============================================================ the set of checks and their rules


def _everything_wrong() -> duckdb.DuckDBPyConnection:
    """A database on which every one of the checks finds at least one problem."""
    return make_con(
        requests=[
            request("R1", D(2024, 3, 1), "N", D(2024, 2, 1)),  # decision before received
            request("R2", FUTURE, "Y", None),  # in the future; Y without a date
            request("R3", D(2024, 3, 1), None, None),  # outcome blank: pending, with a query
            # R4: child P1, whose return's reference date is 16 Jan 2025; received after it.
            {**request("R4", D(2025, 2, 1), "A", None), "person_key": "P1"},
        ],
        assessment=[
            # Outcome before received (1 Jan < 1 Mar); request R1 was refused (N);
            # plan issued without the Week20 flag.
            assessment("R1", "Y", D(2024, 1, 1), None),
            assessment("R2", "N", None),  # N without a date
            assessment("R2", "Y", None),  # plan agreed, not yet issued
            assessment("R2", "Y", FUTURE, False),  # in the future
        ],
        person=[
            person(upn_status=None, sen2_key="S1"),  # no UPN, ULN or reason
            person(upn_status="malformed", sen2_key="S9"),  # malformed; header S9 not loaded
            # UN99 is not one of DfE's codes; a ULN of 3 digits is not 10.
            person(upn_unknown="UN99", uln="123"),
            # P1: 26 on 1 Sep 2024 (the academic year of the 16 Jan 2025 reference date).
            {**person(sen2_key="S1"), "person_key": "P1", "birth_date": D(1998, 1, 1)},
        ],
        sen2=[{"sen2_key": "S1", "reference_date": D(2025, 1, 16)}],
        # NP1 ceased with no reason, and has three plan details (one too many).
        named_plan=[{"named_plan_key": "NP1", "request_key": "R4", "cease_date": D(2024, 8, 31)}],
        plan_detail=[{"named_plan_key": "NP1"}] * 3,
        # AP1 has no rank-1 need; its review decision is dated before its meeting.
        active_plans=[
            {
                "active_plan_key": "AP1",
                "request_key": "R4",
                "review_meeting": D(2024, 6, 15),
                "last_review": D(2024, 6, 1),
            }
        ],
        sen_need=[{"sen_need_key": "N1", "active_plan_key": "AP1", "sen_type_rank": 2}],
    )


def test_checks_holds_every_loaded_row_check_in_order() -> None:
    # The row checks run while staging take arrays, not a connection: they are not in CHECKS.
    row_checks = {
        "check_sen2_required_blank",
        "check_sen2_child_id_blank",
        "check_sen2_parent_id_blank",
        "check_sen2_own_id_blank",
    }
    named = [
        obj
        for name, obj in inspect.getmembers(checks, inspect.isfunction)
        if name.startswith("check_sen2_") and name not in row_checks
    ]
    assert len(CHECKS) == len(named) == 18
    assert set(CHECKS) == set(named)
    # Listed in the order they are defined (so the problem list reads in the module's order).
    assert tuple(sorted(named, key=lambda f: inspect.getsourcelines(f)[1])) == CHECKS


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_every_emitted_rule_is_declared_with_the_emitted_severity(check: Check) -> None:
    rel = check(_everything_wrong())
    # load_id, file, sheet, row, column, rule, severity, message: the problem list's columns.
    assert len(rel.columns) == 8
    found = rel.fetchall()
    assert found, f"{check.__name__} found nothing on the everything-wrong fixture"
    declared = all_rules()
    for emitted_rule, severity in {(p[5], p[6]) for p in found}:
        assert emitted_rule in declared, f"{emitted_rule} is not declared"
        assert severity == "query"
        if emitted_rule == "orphan_row":
            # Documented exception: orphan_row is declared "error" (build.py rejects a row whose
            # parent was not loaded), but a person whose SEN2 header is missing is still loaded,
            # so this check reports the same code as a query (see the rule's meaning).
            assert check is check_sen2_person_without_header
            assert declared[emitted_rule].severity == "error"
        else:
            assert declared[emitted_rule].severity == severity


def test_each_check_emits_its_own_rule() -> None:
    con = _everything_wrong()
    rules = {check.__name__: {p[5] for p in check(con).fetchall()} for check in CHECKS}
    assert rules == {
        "check_sen2_outcome_before_received": {"outcome_before_received"},
        "check_sen2_decision_before_received": {"decision_before_received"},
        "check_sen2_outcome_date_missing": {"outcome_date_missing"},
        "check_sen2_week20_missing": {"week20_missing"},
        "check_sen2_plan_agreed_not_issued": {"plan_agreed_not_issued"},
        "check_sen2_assessment_without_agreed_request": {"assessment_without_agreed_request"},
        "check_sen2_upn_missing_no_reason": {"upn_missing_no_reason"},
        "check_sen2_upn_malformed": {"upn_malformed"},
        "check_sen2_date_in_future": {"date_in_future"},
        "check_sen2_person_without_header": {"orphan_row"},
        "check_sen2_outcome_blank_pending": {"outcome_blank_pending"},
        "check_sen2_code_not_in_list": {"code_not_in_list", "format_unexpected"},
        "check_sen2_rank1_need_count": {"rank1_need_count"},
        "check_sen2_too_many_details": {"too_many_details"},
        "check_sen2_cease_reason_missing": {"cease_reason_missing"},
        "check_sen2_date_after_reference": {"date_after_reference"},
        "check_sen2_age_over_25": {"age_over_25"},
        "check_sen2_review_decision_before_meeting": {"review_decision_before_meeting"},
    }


def test_run_checks_fills_query_problems_with_every_check() -> None:
    con = _everything_wrong()
    # The problem-list table as warehouse.build creates it.
    con.execute("""
        CREATE TABLE query_problems (
            load_id INTEGER, file VARCHAR, sheet VARCHAR, "row" INTEGER, "column" VARCHAR,
            rule VARCHAR, severity VARCHAR, message VARCHAR)
    """)
    run_checks(con)
    counts = dict(con.sql("SELECT rule, count(*) FROM query_problems GROUP BY rule").fetchall())
    # One problem per rule on the fixture, except: outcome_date_missing twice (request R2 is Y
    # with no date; an assessment is N with no date) and date_in_future twice (R2 received in
    # 2099; an assessment outcome in 2099).
    assert counts == {
        "outcome_before_received": 1,
        "decision_before_received": 1,
        "outcome_date_missing": 2,
        "week20_missing": 1,
        "plan_agreed_not_issued": 1,
        "assessment_without_agreed_request": 1,
        "upn_missing_no_reason": 1,
        "upn_malformed": 1,
        "date_in_future": 2,
        "orphan_row": 1,
        "outcome_blank_pending": 1,
        "code_not_in_list": 1,
        "format_unexpected": 1,
        "rank1_need_count": 1,
        "too_many_details": 1,
        "cease_reason_missing": 1,
        "date_after_reference": 1,  # R4 received 1 Feb 2025
        "age_over_25": 1,
        "review_decision_before_meeting": 1,
    }


# ---------------------------------------------------------------- row checks while staging


def _texts(*values: str | None) -> pa.Array:
    return pa.array(list(values), pa.string())


def test_required_blank() -> None:
    # Rows 0 and 2 are blank: a date column says date_missing, any other value_missing.
    assert checks.check_sen2_required_blank(
        _texts(None, "2024-01-01", None), "ReceivedDate", "date"
    ) == [
        RowProblem(0, "ReceivedDate", "date_missing", "ReceivedDate is blank; it is required"),
        RowProblem(2, "ReceivedDate", "date_missing", "ReceivedDate is blank; it is required"),
    ]
    assert checks.check_sen2_required_blank(_texts("Y", None), "RequestOutcome", "code") == [
        RowProblem(1, "RequestOutcome", "value_missing", "RequestOutcome is blank; it is required")
    ]
    assert checks.check_sen2_required_blank(_texts("Y", "N"), "RequestOutcome", "code") == []


def test_child_id_blank() -> None:
    assert checks.check_sen2_child_id_blank(_texts("C1", None, "C3"), "Person ID") == [
        RowProblem(
            1,
            "Person ID",
            "key_missing",
            "Person ID is blank, so the row cannot be linked to a child",
        )
    ]
    assert checks.check_sen2_child_id_blank(_texts("C1"), "Person ID") == []


def test_parent_id_blank_needs_every_parent_blank_and_skips_rejected_rows() -> None:
    plans = _texts("A1", None, None, None)
    requests = _texts(None, "R2", None, None)
    found = checks.check_sen2_parent_id_blank(
        [plans, requests], ["activeplanstableid", "requeststableid"], skip={3}
    )
    # Row 0 has a plan id, row 1 a request id, row 3 is already rejected: only row 2.
    assert found == [
        RowProblem(
            2,
            "activeplanstableid / requeststableid",
            "key_missing",
            "activeplanstableid / requeststableid is blank, so this row cannot be linked to its "
            "parent record",
        )
    ]
    assert checks.check_sen2_parent_id_blank([], [], skip=set()) == []


def test_own_id_blank_skips_rejected_rows() -> None:
    found = checks.check_sen2_own_id_blank(_texts(None, "A2", None), "assessmenttableid", skip={0})
    assert found == [
        RowProblem(
            2,
            "assessmenttableid",
            "key_missing",
            "assessmenttableid is blank; every row needs its id",
        )
    ]
