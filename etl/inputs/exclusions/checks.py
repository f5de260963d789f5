"""Rules for exclusion records (issue 13), and the checks that apply them.

Row checks run over a sheet's typed records (dicts with ``_index``, the row's position among the
sheet's data rows, and ``_headers``, field → header as written) and return
:class:`~etl.checks.RowProblem`s: an error rejects the row, a query flags it. The checks that
need every event of a pupil (SEN status in a term) or SEN2 (derived SEN provision) are SQL in
``sql/build.sql``; their rules are declared here too, once.

Unreadable, impossible and blank dates use the shared cell rules (``date_unreadable``,
``date_impossible``, ``date_us_order``, ``date_missing``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from etl.checks import RowProblem, rule

Record = dict[str, Any]
AREA = "exclusions"

rule(
    "exclusion_category_unknown",
    "error",
    "An exclusion's category is neither a suspension (fixed term, FTE, FPE, suspension) nor a "
    "permanent exclusion (permanent, PEX)",
    "Category: 'internal' is not a suspension or a permanent exclusion",
    AREA,
)
rule(
    "pupil_ref_missing",
    "error",
    "An exclusion has no UPN or pupil reference, so its pupil cannot be counted",
    "UPN is blank; the event cannot be counted against a pupil",
    AREA,
)
rule(
    "sessions_negative",
    "error",
    "An exclusion's length in sessions (or days) is negative",
    "Sessions: '-2' is negative",
    AREA,
)
rule(
    "sessions_unreadable",
    "error",
    "An exclusion's length in sessions or days cannot be read as a number",
    "Sessions: 'two' is not a number",
    AREA,
)
rule(
    "sessions_over_90",
    "query",
    "An exclusion longer than 90 sessions (45 school days, the most a pupil may be suspended "
    "in a school year); loaded, please check",
    "Sessions: 120 is over 90 sessions",
    AREA,
)
rule(
    "event_on_weekend",
    "query",
    "An exclusion starts on a Saturday or Sunday; loaded, please check the date",
    "Start date 02/03/2024 is a Saturday",
    AREA,
)
rule(
    "sen_status_conflict",
    "query",
    "A pupil has more than one SEN provision in one term (recorded or derived); each event is "
    "counted under its own",
    "This pupil has 2 SEN provisions in Autumn 2023/24: EHC plan, SEN support",
    AREA,
)
rule(
    "sen_provision_unrecognised",
    "query",
    "SEN provision is not E/K/N or a word form of them; it is treated as blank (and derived from "
    "SEN2 where it can be)",
    "SEN provision: 'maybe' is not E, K or N (EHC plan, SEN support, no SEN); treated as blank",
    AREA,
)
rule(
    "sen_provision_derived",
    "query",
    "A file's events with blank SEN provision: how many were derived from SEN2 (an EHC plan in "
    "force on the event date) and how many could not be (file level)",
    "12 events had no SEN provision: 8 derived from SEN2 (EHC plan in force), 4 could not be",
    AREA,
)
rule(
    "period_unreadable",
    "error",
    "A headcount's academic year or term cannot be read (write 2023/24, or Autumn 2023/24)",
    "Academic year: '23' is not an academic year (write 2023/24, or a term: Autumn 2023/24)",
    AREA,
)
rule(
    "headcount_negative",
    "error",
    "A headcount is negative",
    "Headcount: '-5' is negative",
    AREA,
)
rule(
    "headcount_duplicate",
    "error",
    "The same period, school (or LA total), phase and SEN provision twice in one file; the first "
    "is loaded",
    "Headcount for 2023/24, URN 100001, EHC plan is already on row 4",
    AREA,
)


def _header(record: Record, name: str) -> str:
    return str(record["_headers"].get(name, name))


def check_pupil_ref_missing(records: Sequence[Record]) -> list[RowProblem]:
    """A blank pupil reference: the event cannot be counted against a pupil."""
    return [
        RowProblem(
            r["_index"],
            _header(r, "pupil_ref"),
            "pupil_ref_missing",
            f"{_header(r, 'pupil_ref')} is blank; the event cannot be counted against a pupil",
        )
        for r in records
        if r["pupil_ref"] is None
    ]


def check_category_unknown(records: Sequence[Record]) -> list[RowProblem]:
    """A category that is neither a suspension nor a permanent exclusion (blank included)."""
    return [
        RowProblem(
            r["_index"],
            _header(r, "category"),
            "exclusion_category_unknown",
            f"{_header(r, 'category')}: "
            + (f"'{r['category_raw']}' is" if r["category_raw"] else "blank is")
            + " not a suspension (fixed term, FTE, FPE, suspension) or a permanent exclusion "
            "(permanent, PEX)",
        )
        for r in records
        if r["category"] is None
    ]


def check_sessions_negative(records: Sequence[Record]) -> list[RowProblem]:
    """A negative length, in sessions or days."""
    return [
        RowProblem(
            r["_index"],
            _header(r, r["sessions_from"]),
            "sessions_negative",
            f"{_header(r, r['sessions_from'])}: '{r['sessions_raw']}' is negative",
        )
        for r in records
        if r["sessions"] is not None and r["sessions"] < 0
    ]


def check_sessions_over_90(records: Sequence[Record], rejected: set[int]) -> list[RowProblem]:
    """An event over 90 sessions (45 days: the most a pupil may be suspended in a school year,
    DfE "Suspension and permanent exclusion" guidance); a query."""
    return [
        RowProblem(
            r["_index"],
            _header(r, r["sessions_from"]),
            "sessions_over_90",
            f"{_header(r, r['sessions_from'])}: {r['sessions']:g} sessions is over 90 "
            "(45 school days); please check",
            "query",
        )
        for r in records
        if r["_index"] not in rejected and r["sessions"] is not None and r["sessions"] > 90
    ]


def check_event_on_weekend(records: Sequence[Record], rejected: set[int]) -> list[RowProblem]:
    """An event that starts on a Saturday or Sunday; a query."""
    return [
        RowProblem(
            r["_index"],
            _header(r, "start_date"),
            "event_on_weekend",
            f"{_header(r, 'start_date')} {r['start_date']:%d/%m/%Y} is a "
            f"{r['start_date']:%A}; please check the date",
            "query",
        )
        for r in records
        if r["_index"] not in rejected
        and r["start_date"] is not None
        and r["start_date"].weekday() >= 5
    ]


def check_sen_unrecognised(records: Sequence[Record], rejected: set[int]) -> list[RowProblem]:
    """SEN provision written in a way this tool does not know; treated as blank (a query)."""
    return [
        RowProblem(
            r["_index"],
            _header(r, "sen_provision"),
            "sen_provision_unrecognised",
            f"{_header(r, 'sen_provision')}: '{r['sen_raw']}' is not E, K or N (EHC plan, SEN "
            "support, no SEN); treated as blank",
            "query",
        )
        for r in records
        if r["_index"] not in rejected and r["sen_raw"] and r["sen_provision"] is None
    ]


def check_headcount_negative(records: Sequence[Record]) -> list[RowProblem]:
    """A negative headcount."""
    return [
        RowProblem(
            r["_index"],
            _header(r, "headcount"),
            "headcount_negative",
            f"{_header(r, 'headcount')}: '{r['headcount']}' is negative",
        )
        for r in records
        if r["headcount"] is not None and r["headcount"] < 0
    ]
