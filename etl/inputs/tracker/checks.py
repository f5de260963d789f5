"""Improvement-plan tracker rules, and the checks that apply them to one sheet's rows.

Staging casts each cell (``stage.py``: an unreadable date or % is reported there); these checks
then run over the sheet's typed rows — a list of records, each with ``_index`` (its position
among the sheet's rows), ``_failed`` (fields whose cell could not be read) and ``_headers``
(field → header as written) — and return :class:`~etl.checks.RowProblem`s. An error rejects its
row; a query flags it. The tests run each on a few records held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from etl.checks import RowProblem, rule

Record = dict[str, Any]

rule(
    "pct_unreadable",
    "error",
    "% complete cannot be read (write 50, 50% or 0.5)",
    "% complete: 'half' is not a percentage (write 50, 50% or 0.5)",
    "tracker",
)
rule(
    "pct_out_of_range",
    "error",
    "% complete is outside 0–100%",
    "% complete: '150' is outside 0–100%",
    "tracker",
)
rule(
    "pct_missing",
    "query",
    "% complete is blank; the milestone is rated as 0% complete",
    "% complete is blank; taken as 0% when rating",
    "tracker",
)
rule(
    "end_before_start",
    "error",
    "A milestone ends before it starts",
    "End date 01/03/2024 is before the start date 01/04/2024",
    "tracker",
)
rule(
    "duplicate_name",
    "error",
    "The same milestone, action ref or risk ID twice in one reporting period; the first is loaded",
    "Duplicate action ref in this reporting period: the same one is already on row 5",
    "tracker",
)
rule(
    "score_out_of_range",
    "error",
    "A risk likelihood or impact outside 1–5 (or a score outside 1–25)",
    "Likelihood '7' is outside the 1–5 scale (or 1–25 for a score)",
    "tracker",
)
rule(
    "report_date_differs",
    "query",
    "The workbook's report date differs from --as-of; the workbook's date is used",
    "The workbook's report date 18/11/2022 differs from --as-of 30/11/2022",
    "tracker",
)
rule(
    "report_date_missing",
    "error",
    "A tracker workbook has no report date and none was given with --as-of (file level)",
    "highlight.xlsx: no report date found. Add a 'Report date' cell or load it with --as-of",
    "tracker",
)

rule(
    "kpi_unknown",
    "error",
    "A KPIs sheet (or [[kpi_links]]) names a measure the dashboard does not know, or one it does "
    "not compute from our own data; the message names the nearest key",
    "KPI: 'pct_within_20_week' is not a measure the dashboard knows; did you mean "
    "pct_within_20_weeks?",
    "tracker",
)
rule(
    "kpi_breakdown",
    "error",
    "A KPI link's breakdown is missing or unknown (waiting-time measures need a service, "
    "exclusion measures an SEN group), or given for a measure that has none",
    "Breakdown: pct_over_18_weeks needs a service: 'Sensory' is not a service this tool knows",
    "tracker",
)
rule(
    "kpi_link_unmatched",
    "query",
    "A KPI link names an action ref that is not on the same workbook's action log (loaded; the "
    "review pack lists it under its area, or apart when no area is given)",
    "Action ref '9.1' is not on this workbook's action log",
    "tracker",
)


def _header(record: Record, name: str) -> str:
    return str(record["_headers"].get(name, name))


def check_tracker_required_blank(
    records: Sequence[Record], name: str, written: str, why: str
) -> list[RowProblem]:
    """A blank required field (``date_missing`` for a date, else ``value_missing``); a cell that
    could not be read at all has been reported already and is not called blank as well."""
    rule_code = "date_missing" if name.endswith("date") else "value_missing"
    return [
        RowProblem(r["_index"], _header(r, name), rule_code, f"{_header(r, name)} is blank; {why}")
        for r in records
        if r.get(written) is None and name not in r["_failed"]
    ]


def check_tracker_end_before_start(records: Sequence[Record]) -> list[RowProblem]:
    """A milestone whose end date is before its start date."""
    return [
        RowProblem(
            r["_index"],
            _header(r, "end_date"),
            "end_before_start",
            f"End date {r['end_date']:%d/%m/%Y} is before the start date "
            f"{r['start_date']:%d/%m/%Y}",
        )
        for r in records
        if r["start_date"] and r["end_date"] and r["end_date"] < r["start_date"]
    ]


def check_tracker_pct_missing(records: Sequence[Record], rejected: set[int]) -> list[RowProblem]:
    """A blank % complete on a row that is otherwise loaded (a query: rated as 0%)."""
    return [
        RowProblem(
            r["_index"],
            _header(r, "pct_complete"),
            "pct_missing",
            f"{_header(r, 'pct_complete')} is blank; taken as 0% when rating",
            "query",
        )
        for r in records
        if r["_index"] not in rejected and r["pct_complete"] is None
    ]


def check_tracker_duplicate(
    records: Sequence[Record],
    rejected: set[int],
    key: Callable[[Record], str],
    noun: Callable[[Record], str],
    column: str | None,
    row_number: Callable[[int], int],
) -> list[RowProblem]:
    """The same item twice in one reporting period: the first loaded row wins. ``key`` says
    what makes two rows the same (a milestone's name, an action's ref, a risk's ID)."""
    first: dict[str, int] = {}
    found = []
    for r in records:
        if r["_index"] in rejected:
            continue
        k = key(r)
        if k in first:
            found.append(
                RowProblem(
                    r["_index"],
                    _header(r, column) if column else None,
                    "duplicate_name",
                    f"Duplicate {noun(r)} in this reporting period: the same one is already on "
                    f"row {row_number(first[k])}; only the first was loaded",
                )
            )
        else:
            first[k] = r["_index"]
    return found


def check_tracker_link_subject(records: Sequence[Record]) -> list[RowProblem]:
    """A KPI link that says neither which action nor which area of weakness it belongs to."""
    return [
        RowProblem(
            r["_index"],
            _header(r, "action_ref"),
            "value_missing",
            f"{_header(r, 'action_ref')} and {_header(r, 'area')} are both blank; a KPI link "
            "needs the action or the area of weakness it belongs to",
        )
        for r in records
        if not r.get("action_ref") and not r.get("area")
    ]
