"""Tracker workbooks → typed staging rows + problems.

A workbook is a tracker when one of its sheets is a tasks-and-milestones sheet or an action log
(found by sheet name, else by headers). Each tracker workbook is one reporting period: its report
date comes from a "Report Period" / "Report date" cell, else from ``--as-of``. Every data row
read ends up as a staged row or as an error in the problem list with its file, sheet, Excel row
and column; a file-level problem (no report date, a required column missing) loads nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pyarrow as pa

from etl import kpi_links, parse
from etl.arrow_rows import table_from_rows
from etl.checks import Problem, RowProblem
from etl.config import settings
from etl.headers import HeaderMatch, find_header, header_key, lookup, missing_required, sheet_hint
from etl.inputs.tracker import checks
from etl.inputs.tracker.spec import (
    GANTT_HEADERS,
    NOT_USED_SHEET_NAMES,
    OVERALL_STATUS_LABELS,
    PLAN_NAME_LABELS,
    REGISTERS,
    REPORT_DATE_LABELS,
    SHEET_KINDS,
    SUMMARY_SHEET_NAMES,
    SheetKind,
)
from etl.readers import FileProblem, RawSheet

# "WSB - Develop a pathway": the workstream code as written, then the milestone's own name.
# The name may wrap onto new lines anywhere, even straight after the prefix ("WSA -⏎
# Implementation of …", as in real highlight reports): the prefix still names its workstream.
_WORKSTREAM_PREFIX = re.compile(r"^\s*(WS\s?[A-Za-z0-9]{1,3})\s*[-–—:]\s*(\S.*)$", re.I | re.S)
_SHORT_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2})$")
_RANGE = re.compile(r"\s+(?:to|until|-|–|—)\s+", re.I)
_PCT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*%$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_COMPLETE_WORDS = {"complete", "completed", "done", "closed", "achieved", "delivered", "blue"}

ITEM_SCHEMA = pa.schema(
    [
        ("plan", pa.string()),
        ("report_date", pa.date32()),
        ("item_kind", pa.string()),  # "milestone" or "action"
        ("item_key", pa.string()),  # identity across periods (normalised name, or action ref)
        ("ref", pa.string()),
        ("name", pa.string()),
        ("name_as_written", pa.string()),
        ("workstream", pa.string()),
        ("owner", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("pct_complete", pa.float64()),
        ("reported_status", pa.string()),
        ("reason", pa.string()),
        ("mitigation", pa.string()),
        ("revised_date", pa.date32()),
        ("source_file", pa.string()),
        ("source_sheet", pa.string()),
        ("source_row", pa.int64()),
    ]
)
REGISTER_SCHEMA = pa.schema(
    [
        ("plan", pa.string()),
        ("report_date", pa.date32()),
        ("register", pa.string()),  # "Risk", "Issue", "Dependency"
        ("ref", pa.string()),
        ("description", pa.string()),
        ("impact_description", pa.string()),
        ("likelihood", pa.int64()),
        ("impact", pa.int64()),
        ("score", pa.int64()),
        ("status", pa.string()),
        ("owner", pa.string()),
        ("target_date", pa.date32()),
        ("mitigation", pa.string()),
        ("source_file", pa.string()),
        ("source_sheet", pa.string()),
        ("source_row", pa.int64()),
    ]
)
# Issue 15: KPI links from a "KPIs" sheet (``etl.kpi_links``).
LINK_SCHEMA = pa.schema(
    [
        ("plan", pa.string()),
        ("report_date", pa.date32()),
        ("action_ref", pa.string()),
        ("area", pa.string()),
        ("kpi", pa.string()),
        ("breakdown", pa.string()),
        ("baseline_date", pa.date32()),
        ("baseline_value", pa.float64()),
        ("target", pa.float64()),
        ("target_date", pa.date32()),
        ("source_file", pa.string()),
        ("source_sheet", pa.string()),
        ("source_row", pa.int64()),
    ]
)
PERIOD_SCHEMA = pa.schema(
    [
        ("plan", pa.string()),
        ("report_date", pa.date32()),
        ("report_date_source", pa.string()),
        ("overall_status", pa.string()),
        ("source_file", pa.string()),
    ]
)
REGISTER_NOUN = {"risks": "Risk", "issues": "Issue", "dependencies": "Dependency"}


@dataclass
class SheetMatch:
    """A sheet matched to a tracker sheet kind: where its header is and each field's column."""

    kind: SheetKind
    layout: str  # "table" or "cards"
    header_index: int = 0
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    gantt: int = 0  # month / year columns of a Gantt drawing, not used
    found: HeaderMatch[SheetKind] | None = None  # the header match of a table layout


@dataclass
class StagedTracker:
    """One tracker workbook staged: its period and its typed rows."""

    plan: str
    report_date: dt.date
    report_date_source: str
    overall_status: str | None
    items: pa.Table
    registers: pa.Table
    links: pa.Table
    period: pa.Table
    rows_read: int
    sheets: list[str]
    problems: list[Problem]

    @property
    def shape(self) -> str:
        return f"Plan tracker, report date {self.report_date:%d/%m/%Y} ({', '.join(self.sheets)})"


# ---------------------------------------------------------------- cells


def parse_tracker_date(raw: Any) -> parse.Parsed:
    """A date as DESIGN §6 allows, plus dd/mm/yy (highlight-report exports print "18/11/22")."""
    parsed = parse.parse_date(raw)
    if parsed.ok:
        return parsed
    text = parse.cell_text(raw) or ""
    if m := _SHORT_UK_DATE.match(text):
        day, month, year = int(m[1]), int(m[2]), 2000 + int(m[3])
        try:
            return parse.Parsed(dt.date(year, month, day))
        except ValueError:
            return parse.Parsed(error=f"'{text}' is not a real date", rule="date_impossible")
    return parsed


def parse_pct(raw: Any, fraction_scale: bool = False) -> parse.Parsed:
    """% complete: "50%", 50, or 0.5 when the column holds fractions (Excel's % format)."""
    text = parse.cell_text(raw)
    if text is None:
        return parse.BLANK
    if m := _PCT.match(text):
        value = float(m[1])
    else:
        try:
            value = float(text)
        except ValueError:
            return parse.Parsed(
                error=f"'{text}' is not a percentage (write 50, 50% or 0.5)",
                rule="pct_unreadable",
            )
        if fraction_scale:
            value *= 100
    value = round(value, 6)  # 0.29 * 100 is 28.999999999999996 in binary
    if not 0 <= value <= 100:
        return parse.Parsed(
            error=f"'{text}' is outside 0–100%", rule="pct_out_of_range", value=value
        )
    return parse.Parsed(value)


def _fraction_column(values: Iterable[Any]) -> bool:
    """True when a % column holds fractions: every plain number within 0–1 (e.g. 0.5, 1)."""
    numbers = []
    for raw in values:
        text = parse.cell_text(raw)
        if text is None or _PCT.match(text):
            continue
        try:
            numbers.append(float(text))
        except ValueError:
            continue
    return bool(numbers) and all(0 <= n <= 1 for n in numbers) and any(n > 0 for n in numbers)


def _int_1_to_25(raw: Any, label: str) -> parse.Parsed:
    parsed = parse.parse_int(raw)
    if parsed.ok and parsed.value is not None and not 0 <= parsed.value <= 25:
        return parse.Parsed(
            error=f"{label} '{parse.cell_text(raw)}' is outside the 1–5 scale (or 1–25 for a "
            "score)",
            rule="score_out_of_range",
        )
    return parsed


def name_key(text: str | None) -> str:
    """Identity of a milestone or action across periods: case and spacing ignored."""
    return " ".join((text or "").lower().split())


# ---------------------------------------------------------------- recognising sheets


def _satisfies(kind: SheetKind, columns: dict[str, int]) -> bool:
    return all(any(name in columns for name in group) for group in kind.required)


def recognise_sheet(sheet: RawSheet) -> SheetMatch | None:
    """Which tracker sheet this is and where its header row is; None when it is not one."""
    hint = sheet_hint(sheet, list(SHEET_KINDS.values()))
    candidates = [hint] if hint else list(SHEET_KINDS.values())
    found = find_header(
        sheet,
        candidates,
        "tracker",
        min_columns=3,
        search_rows=settings().header_search_rows,
        accept=lambda kind, columns: hint is not None or _satisfies(kind, columns),
    )
    if found is not None:
        match = SheetMatch(
            found.spec, "table", found.header_index, found.columns, found.headers, found=found
        )
        for _, text in found.unmatched:
            if text.lower() in GANTT_HEADERS or _YEAR.match(text):
                match.gantt += 1
            else:
                match.unknown.append(text)
        return match
    # Highlight-report exports write risks, issues and dependencies as cards (label, value).
    # Only looked for on a sheet named as a register: it reads the whole sheet.
    if hint is None or hint.name not in REGISTERS:
        return None
    table = lookup("tracker", hint)
    labels = [
        table[header_key(row[0])] for row in sheet.rows if row and header_key(row[0]) in table
    ]
    if "description" in labels and len(labels) >= 3:
        return SheetMatch(hint, "cards")
    return None


# ---------------------------------------------------------------- workbook facts


def _labelled_value(sheets: list[RawSheet], labels: Iterable[str]) -> tuple[Any, str, int] | None:
    """The value beside the first cell reading one of ``labels``: (value, sheet, Excel row)."""
    keys = {header_key(label) for label in labels}
    summary = {header_key(n) for n in SUMMARY_SHEET_NAMES}
    ordered = sorted(sheets, key=lambda s: header_key(s.sheet) not in summary)
    for sheet in ordered:
        rows = sheet.head(settings().header_search_rows)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if header_key(cell) in keys:
                    after = [v for v in row[c + 1 :] if parse.cell_text(v)]
                    if not after and r + 1 < len(rows) and c < len(rows[r + 1]):
                        after = [rows[r + 1][c]] if parse.cell_text(rows[r + 1][c]) else []
                    if after:
                        return after[0], sheet.sheet or sheet.file, sheet.row_numbers[r]
    return None


def report_date(sheets: list[RawSheet]) -> tuple[dt.date | None, str | None, Problem | None]:
    """The workbook's own report date; a range ("24/10/22 to 20/11/22") means its last day."""
    found = _labelled_value(sheets, REPORT_DATE_LABELS)
    if found is None:
        return None, None, None
    raw, sheet, row = found
    text = parse.cell_text(raw) or ""
    parts = _RANGE.split(text)
    parsed = parse_tracker_date(parts[-1] if len(parts) == 2 else text)
    if parsed.ok and parsed.value is not None:
        return parsed.value, f"{sheet}, row {row}", None
    problem = Problem(
        sheets[0].file,
        sheet,
        row,
        "Report date",
        parsed.rule or "date_unreadable",
        "error",
        f"Report date: {parsed.error}",
    )
    return None, None, problem


def _text_beside(sheets: list[RawSheet], labels: Iterable[str]) -> str | None:
    found = _labelled_value(sheets, labels)
    return parse.cell_text(found[0]) if found else None


# ---------------------------------------------------------------- rows


@dataclass
class _Row:
    number: int  # Excel row (or CSV line) the user sees
    cells: dict[str, Any]  # field name → raw cell
    headers: dict[str, str]  # field name → header as written, for messages


def _table_rows(sheet: RawSheet, match: SheetMatch) -> list[_Row]:
    rows = []
    for offset, cells in enumerate(sheet.rows[match.header_index + 1 :]):
        values = {name: cells[i] if i < len(cells) else None for name, i in match.columns.items()}
        if not any(parse.cell_text(v) for v in values.values()):
            if any(parse.cell_text(c) for c in cells):
                # Only cells outside the known columns (Gantt markers, notes): layout, not a row.
                continue
            continue
        rows.append(_Row(sheet.row_numbers[match.header_index + 1 + offset], values, match.headers))
    return rows


def _card_rows(sheet: RawSheet, match: SheetMatch) -> list[_Row]:
    """Cards: "ID | 00011", "Risk Description | …", "Likelihood & Impact | 2 | Risk Status | Open".

    A new record starts at an ID label, or when a label repeats within the current record.
    """
    table = lookup("tracker", match.kind)
    records: list[_Row] = []
    current: _Row | None = None
    for number, cells in zip(sheet.row_numbers, sheet.rows, strict=True):
        for c, cell in enumerate(cells):
            name = table.get(header_key(cell))
            if name is None:
                continue
            value = cells[c + 1] if c + 1 < len(cells) else None
            if header_key(value) in table:
                value = None
            if current is None or name == "ref" or name in current.cells:
                current = _Row(number, {}, {})
                records.append(current)
            current.cells[name] = value
            current.headers[name] = parse.cell_text(cell) or name
    for record in records:
        for f in match.kind.fields:
            record.headers.setdefault(f.name, f.label)
    return [r for r in records if any(parse.cell_text(v) for v in r.cells.values())]


class _RowCaster:
    """Typed values of one row; every cell that cannot be read is a problem on that row."""

    def __init__(self, row: _Row, index: int, found: list[RowProblem]):
        self.row, self.index, self.found = row, index, found
        self.failed: set[str] = set()  # fields whose cell could not be read

    def header(self, name: str) -> str:
        return self.row.headers.get(name) or name

    def _unreadable(self, name: str, parsed: parse.Parsed, default_rule: str) -> None:
        self.failed.add(name)
        self.found.append(
            RowProblem(
                self.index,
                self.row.headers.get(name),
                parsed.rule or default_rule,
                f"{self.header(name)}: {parsed.error}",
            )
        )

    def text(self, name: str) -> str | None:
        return parse.cell_text(self.row.cells.get(name))

    def date(self, name: str) -> dt.date | None:
        parsed = parse_tracker_date(self.row.cells.get(name))
        if not parsed.ok:
            self._unreadable(name, parsed, "date_unreadable")
            return None
        value: dt.date | None = parsed.value
        return value

    def pct(self, name: str, fraction_scale: bool) -> float | None:
        parsed = parse_pct(self.row.cells.get(name), fraction_scale)
        if not parsed.ok:
            self._unreadable(name, parsed, "pct_unreadable")
            return None
        value: float | None = parsed.value
        return value

    def checked(self, name: str, check: Callable[[], Any], blank_too: bool = False) -> Any:
        """``check()``'s value, or None with its :class:`~etl.kpi_links.LinkError` as a problem
        on this row (a blank cell is checked only when ``blank_too``: required fields are
        checked apart)."""
        if self.text(name) is None and not blank_too:
            return None
        try:
            return check()
        except kpi_links.LinkError as problem:
            self.failed.add(name)
            self.found.append(
                RowProblem(
                    self.index,
                    self.row.headers.get(problem.field),
                    problem.rule,
                    f"{self.header(problem.field)}: {problem.message}",
                )
            )
            return None

    def number(self, name: str) -> float | None:
        try:
            return kpi_links.parse_number(self.row.cells.get(name))
        except ValueError as problem:
            self._unreadable(name, parse.Parsed(error=str(problem)), "value_unreadable")
            return None

    def score(self, name: str) -> int | None:
        parsed = _int_1_to_25(self.row.cells.get(name), self.header(name))
        if not parsed.ok:
            self._unreadable(name, parsed, "number_unreadable")
            return None
        value: int | None = parsed.value
        return value

    def record(self, values: dict[str, Any]) -> dict[str, Any]:
        """The typed row, with what the checks need to know about it."""
        return {
            **values,
            "_index": self.index,
            "_failed": self.failed,
            "_headers": self.row.headers,
        }


def split_workstream(written: str) -> tuple[str | None, str]:
    """ "WSB - Develop a pathway" → ("WSB", "Develop a pathway"); a name without a workstream
    prefix → (None, the name as written). Line breaks inside a prefixed name (a wrapped cell)
    become single spaces."""
    m = _WORKSTREAM_PREFIX.match(written)
    if not m:
        return None, written
    return m[1], " ".join(m[2].split())


def _milestone(cast: _RowCaster, fraction_scale: bool, has_workstream: bool) -> dict[str, Any]:
    written = cast.text("name")
    name, workstream = written, cast.text("workstream")
    if written and not has_workstream:
        workstream, name = split_workstream(written)
    return cast.record(
        {
            "item_kind": "milestone",
            "item_key": name_key(f"{workstream or ''}|{name}"),
            "ref": cast.text("ref"),
            "name": name,
            "name_as_written": written,
            "workstream": workstream,
            "owner": cast.text("owner"),
            "start_date": cast.date("start_date"),
            "end_date": cast.date("end_date"),
            "pct_complete": cast.pct("pct_complete", fraction_scale),
            "reported_status": cast.text("reported_status"),
            "reason": None,
            "mitigation": None,
            "revised_date": None,
        }
    )


def _action(cast: _RowCaster, fraction_scale: bool) -> dict[str, Any]:
    ref = cast.text("action_ref")
    action = cast.text("action")
    due = cast.date("due_date")
    revised = cast.date("revised_date")
    pct = cast.pct("pct_complete", fraction_scale)
    status = cast.text("status")
    # A status saying "Complete" is 100% whatever the % column says; otherwise the % or 0.
    if status and name_key(status).replace(" ", "") in _COMPLETE_WORDS:
        pct = 100.0
    return cast.record(
        {
            "item_kind": "action",
            "item_key": name_key(ref) if ref else name_key(action),
            "ref": ref,
            "name": action,
            "name_as_written": action,
            "workstream": cast.text("area"),
            "owner": cast.text("lead"),
            "start_date": None,
            "end_date": due,
            "pct_complete": pct,
            "reported_status": status,
            "reason": cast.text("reason"),
            "mitigation": cast.text("mitigation"),
            "revised_date": revised,
        }
    )


def _kpi_link(cast: _RowCaster) -> dict[str, Any]:
    kpi = cast.checked("kpi", lambda: kpi_links.measure_key(cast.text("kpi") or ""))
    written = cast.text("breakdown")
    breakdown = (
        cast.checked("breakdown", lambda: kpi_links.breakdown_key(kpi, written), blank_too=True)
        if kpi is not None
        else None
    )
    return cast.record(
        {
            "action_ref": cast.text("action_ref"),
            "area": cast.text("area"),
            "kpi": kpi,
            "kpi_as_written": cast.text("kpi"),
            "breakdown": breakdown,
            "baseline_date": cast.date("baseline_date"),
            "baseline_value": cast.number("baseline_value"),
            "target": cast.number("target"),
            "target_date": cast.date("target_date"),
        }
    )


def _register(cast: _RowCaster, noun: str) -> dict[str, Any]:
    likelihood = cast.score("likelihood")
    impact = cast.score("impact")
    score = cast.score("score")
    if score is None and likelihood is not None and impact is not None:
        score = likelihood * impact
    return cast.record(
        {
            "register": noun,
            "ref": cast.text("ref"),
            "description": cast.text("description"),
            "impact_description": cast.text("impact_description"),
            "likelihood": likelihood,
            "impact": impact,
            "score": score,
            "status": cast.text("status"),
            "owner": cast.text("owner"),
            "target_date": cast.date("target_date"),
            "mitigation": cast.text("mitigation"),
        }
    )


def _same_item(kind: str, record: dict[str, Any]) -> str:
    """What makes two rows of a period the same item: a milestone's name (with its workstream),
    an action's ref (else its text), a risk's ID (else its description)."""
    if kind in ("milestones", "actions"):
        return str(record["item_key"])
    if kind == "kpis":
        subject = record["action_ref"] or record["area"]
        return name_key(f"{subject}|{record['kpi']}|{record['breakdown'] or ''}")
    return name_key(record["ref"] or record["description"])


def _item_noun(kind: str, record: dict[str, Any]) -> str:
    if kind == "milestones":
        return "milestone name"
    if kind == "actions":
        return "action ref" if record["ref"] else "action"
    if kind == "kpis":
        return "KPI link (the same action or area, measure and breakdown)"
    return f"{REGISTER_NOUN[kind].lower()} ID"


def _check(
    kind: str,
    records: list[dict[str, Any]],
    found: list[RowProblem],
    rows: list[_Row],
    has_pct: bool,
) -> set[int]:
    """Run the kind's checks over a sheet's typed rows; returns the indexes of rejected rows."""
    if kind == "milestones":
        found += checks.check_tracker_required_blank(
            records, "name", "name_as_written", "every milestone needs a name"
        )
        found += checks.check_tracker_required_blank(
            records, "end_date", "end_date", "a milestone needs an end date to be rated"
        )
        found += checks.check_tracker_end_before_start(records)
    elif kind == "actions":
        found += checks.check_tracker_required_blank(
            records, "action", "name", "every action needs its description"
        )
        found += checks.check_tracker_required_blank(
            records, "due_date", "end_date", "an action needs a due date to be rated"
        )
    elif kind == "kpis":
        found += checks.check_tracker_link_subject(records)
        found += checks.check_tracker_required_blank(
            records, "kpi", "kpi_as_written", "a KPI link needs the measure's key"
        )
        found += checks.check_tracker_required_blank(
            records, "baseline_date", "baseline_date", "a KPI link needs a baseline date"
        )
        # An unknown key or a wrong breakdown was reported when the row was cast.
    else:
        found += checks.check_tracker_required_blank(
            records,
            "description",
            "description",
            f"every {REGISTER_NOUN[kind].lower()} needs a description",
        )
    rejected = {p.index for p in found if p.severity == "error"}
    if kind == "milestones" and has_pct:
        found += checks.check_tracker_pct_missing(records, rejected)
    found += checks.check_tracker_duplicate(
        records,
        rejected,
        partial(_same_item, kind),
        partial(_item_noun, kind),
        "name" if kind == "milestones" else None,
        lambda index: rows[index].number,
    )
    return rejected | {p.index for p in found if p.severity == "error"}


# ---------------------------------------------------------------- the workbook


def _unmatched_links(links: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[Problem]:
    """KPI links naming an action ref that the same workbook's action log does not hold (a
    query: the link is loaded, as the action may be in another workbook of the plan)."""
    refs = {name_key(i["ref"]) for i in items if i["item_kind"] == "action" and i["ref"]}
    if not refs:
        return []
    return [
        Problem(
            link["source_file"],
            link["source_sheet"],
            link["source_row"],
            None,
            "kpi_link_unmatched",
            "query",
            f"Action ref '{link['action_ref']}' is not on this workbook's action log; the link "
            "is loaded and shown under its area of weakness",
        )
        for link in links
        if link["action_ref"] and name_key(link["action_ref"]) not in refs
    ]


def is_tracker(sheets: list[RawSheet]) -> list[tuple[RawSheet, SheetMatch]] | None:
    """The tracker sheets of a workbook, or None when it has no milestones or actions sheet."""
    matches = [(s, m) for s in sheets if (m := recognise_sheet(s)) is not None]
    if not any(m.kind.name in ("milestones", "actions") for _, m in matches):
        return None
    return matches


def stage_workbook(
    sheets: list[RawSheet],
    matches: list[tuple[RawSheet, SheetMatch]],
    as_of: dt.date | None,
) -> StagedTracker:
    """Stage one tracker workbook (one reporting period); FileProblem for file-level errors."""
    file = sheets[0].file
    problems: list[Problem] = []
    for sheet, match in matches:
        if match.found is None:  # cards: no header row to check
            continue
        missing = missing_required(match.found, match.kind.required, match.kind.label, "tracker")
        if missing:
            main, detail = missing
            raise FileProblem(
                "column_missing",
                f"{sheet.label}: {main} (header found on row "
                f"{sheet.row_numbers[match.header_index]}); nothing was loaded from this "
                f"file{detail}",
                sheet.sheet,
            )
    found, where, date_problem = report_date(sheets)
    if found is not None:
        when, source = found, f"workbook ({where})"
        if as_of is not None and as_of != found:
            problems.append(
                Problem(
                    file,
                    None,
                    None,
                    "Report date",
                    "report_date_differs",
                    "query",
                    f"The workbook's report date {found:%d/%m/%Y} differs from --as-of "
                    f"{as_of:%d/%m/%Y}; the workbook's date was used",
                )
            )
    elif as_of is not None:
        when, source = as_of, "--as-of"
        if date_problem:
            date_problem.severity = "query"
            date_problem.message += f"; --as-of {as_of:%d/%m/%Y} was used instead"
            problems.append(date_problem)
    else:
        detail = f" ({date_problem.message})" if date_problem else ""
        raise FileProblem(
            "report_date_missing",
            f"{file}: no report date found{detail}. Add a 'Report date' cell to the workbook or "
            "load it with --as-of YYYY-MM-DD; nothing was loaded from this file",
        )
    plan = _text_beside(sheets, PLAN_NAME_LABELS) or "Improvement plan"
    overall = _text_beside(sheets, OVERALL_STATUS_LABELS)

    items: list[dict[str, Any]] = []
    registers: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    rows_read = 0
    shown: list[str] = []
    matched_sheets = {id(s) for s, _ in matches}
    for sheet in sheets:
        if id(sheet) in matched_sheets:
            continue
        known = {header_key(n) for n in (*SUMMARY_SHEET_NAMES, *NOT_USED_SHEET_NAMES)}
        # A sheet holding nothing but its own name as a title ("Risks" with no risks yet) is
        # empty, not unrecognised: its rows would otherwise be listed as rejected (issue 9).
        if header_key(sheet.sheet) in known or all(
            header_key(text) == header_key(sheet.sheet)
            for row in sheet.rows
            for c in row
            if (text := parse.cell_text(c))
        ):
            continue
        problems.append(
            Problem(
                file,
                sheet.sheet,
                None,
                None,
                "sheet_not_recognised",
                "query",
                f"{sheet.label}: not a tasks-and-milestones, action log, risks, issues or "
                "dependencies sheet, so it was not loaded",
            )
        )
    for sheet, match in matches:
        kind = match.kind
        rows = _table_rows(sheet, match) if match.layout == "table" else _card_rows(sheet, match)
        rows_read += len(rows)
        shown.append(sheet.sheet or kind.title)
        if match.unknown or match.gantt:
            notes = []
            if match.unknown:
                notes.append(
                    "columns not used by this tool (not stored): " + ", ".join(match.unknown)
                )
            if match.gantt:
                notes.append(
                    f"{match.gantt} Gantt month/year columns not used (the timeline is drawn "
                    "from the start and end dates)"
                )
            problems.append(
                Problem(
                    file,
                    sheet.sheet,
                    sheet.row_numbers[match.header_index] if match.layout == "table" else None,
                    None,
                    "column_not_used",
                    "query",
                    f"{sheet.label}: " + "; ".join(notes),
                )
            )
        pct_column = match.columns.get("pct_complete")
        fraction_scale = pct_column is not None and _fraction_column(
            r.cells.get("pct_complete") for r in rows
        )
        row_problems: list[RowProblem] = []
        if kind.name == "milestones":
            has_workstream = "workstream" in match.columns
            typed = [
                _milestone(_RowCaster(r, i, row_problems), fraction_scale, has_workstream)
                for i, r in enumerate(rows)
            ]
        elif kind.name == "actions":
            typed = [
                _action(_RowCaster(r, i, row_problems), fraction_scale) for i, r in enumerate(rows)
            ]
        elif kind.name == "kpis":
            typed = [_kpi_link(_RowCaster(r, i, row_problems)) for i, r in enumerate(rows)]
        else:
            typed = [
                _register(_RowCaster(r, i, row_problems), REGISTER_NOUN[kind.name])
                for i, r in enumerate(rows)
            ]
        rejected = _check(
            kind.name,
            typed,
            row_problems,
            rows,
            "pct_complete" in match.columns or match.layout == "cards",
        )
        # In row order; within a row, unreadable cells first, then the checks in the order run.
        for p in sorted(row_problems, key=lambda p: p.index):
            problems.append(
                Problem(
                    file, sheet.sheet, rows[p.index].number, p.column, p.rule, p.severity, p.message
                )
            )
        for record in typed:
            if record["_index"] in rejected:
                continue
            row = rows[record["_index"]]
            for private in ("_index", "_failed", "_headers"):
                del record[private]
            record.update(
                plan=plan,
                report_date=when,
                source_file=file,
                source_sheet=sheet.sheet,
                source_row=row.number,
            )
            if kind.name == "kpis":
                del record["kpi_as_written"]
                links.append(record)
            else:
                (items if kind.name in ("milestones", "actions") else registers).append(record)
    problems += _unmatched_links(links, items)
    return StagedTracker(
        plan,
        when,
        source,
        overall,
        table_from_rows(items, ITEM_SCHEMA),
        table_from_rows(registers, REGISTER_SCHEMA),
        table_from_rows(links, LINK_SCHEMA),
        table_from_rows(
            [
                {
                    "plan": plan,
                    "report_date": when,
                    "report_date_source": source,
                    "overall_status": overall,
                    "source_file": file,
                }
            ],
            PERIOD_SCHEMA,
        ),
        rows_read,
        shown,
        problems,
    )
