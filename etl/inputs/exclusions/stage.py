"""Exclusion files → typed staging rows + problems (issue 13).

A file is an exclusions file when one of its sheets is an events sheet (a pupil reference, a
start date and a category) or a headcounts sheet (academic year or term, SEN provision and
headcount), found by sheet name or by headers. Every data row read ends up staged or as an error
in the problem list with its file, sheet, row and column; a blank row is not a row.

The pupil reference is never stored: a UPN (13 characters, letter first; upper-cased, spaces
removed as SEN2 does) is keyed-hashed in the ``upn`` namespace that SEN2's Person rows use for
their UPN, so the same pupil matches a SEN2 child; any other reference (a local id) in its own
``pupil`` namespace, which matches nothing in SEN2.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from dateutil.easter import easter

from etl import parse
from etl.checks import Problem, RowProblem
from etl.config import Pseudonymiser, settings
from etl.headers import HeaderMatch, find_header, header_key, missing_required, sheet_hint
from etl.inputs.exclusions import checks
from etl.inputs.exclusions.spec import (
    CATEGORIES,
    EVENTS,
    HEADCOUNTS,
    LA_TOTAL_WORDS,
    SEN_PROVISION,
    SHEETS,
    Sheet,
    academic_year,
)
from etl.readers import FileProblem, RawSheet

UPN_FORMAT = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_YEAR = re.compile(r"(\d{4})\s*[/-]?\s*(\d{4}|\d{2})")
_TERM = re.compile(r"\b(autumn|spring|summer)\b", re.I)
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")

SOURCE = [
    ("source_file", pa.string()),
    ("source_sheet", pa.string()),
    ("source_row", pa.int64()),
]
EVENT_SCHEMA = pa.schema(
    [
        ("pupil_key", pa.string()),
        ("pupil_ref_kind", pa.string()),  # "upn" or "local"
        ("school_urn", pa.string()),
        ("school_name", pa.string()),
        ("phase", pa.string()),
        ("start_date", pa.date32()),
        ("academic_year", pa.int32()),  # the year the academic year starts (2023 = 2023/24)
        ("term", pa.string()),  # Autumn, Spring, Summer
        ("category", pa.string()),  # suspension, permanent
        ("sessions", pa.float64()),
        ("reason", pa.string()),
        ("sen_recorded", pa.string()),  # E, K, N or null
        *SOURCE,
    ]
)
HEADCOUNT_SCHEMA = pa.schema(
    [
        ("academic_year", pa.int32()),
        ("term", pa.string()),  # null: the whole academic year
        ("school_urn", pa.string()),  # null: the LA total
        ("school_name", pa.string()),
        ("phase", pa.string()),
        ("sen_provision", pa.string()),
        ("headcount", pa.int64()),
        *SOURCE,
    ]
)


@dataclass
class StagedExclusions:
    events: list[dict[str, Any]] = field(default_factory=list)
    headcounts: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    sheets: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- cells


def year_shown(loaded: Iterable[int], as_at: dt.date) -> int:
    """The academic year a summary shows: the one of ``as_at`` when it is loaded, else the newest
    loaded (``loaded`` must not be empty). The Overview and the headline list both use it."""
    years = [int(y) for y in loaded]
    wanted = academic_year(as_at)
    return wanted if wanted in years else max(years)


def term_of(day: dt.date) -> str:
    """Autumn (September–December), Spring (January to Easter Sunday), Summer (after Easter to
    31 August): DfE's termly statistics split spring and summer at Easter."""
    if day.month >= 9:
        return "Autumn"
    return "Spring" if day <= easter(day.year) else "Summer"


def parse_period(raw: Any) -> tuple[int, str | None] | None:
    """ "2023/24", "2023-24", "2023/2024", "202324" → (2023, None); "Autumn 2023/24", "Autumn
    term 2023-24", "2023/24 Spring" → (2023, "Autumn") …; None when it cannot be read."""
    text = parse.cell_text(raw)
    if text is None:
        return None
    m = _YEAR.search(text)
    if m is None:
        return None
    start, end = int(m[1]), int(m[2])
    if end % 100 != (start + 1) % 100 or (end >= 100 and end != start + 1):
        return None
    rest = (text[: m.start()] + " " + text[m.end() :]).strip()
    term = _TERM.search(rest)
    leftover = _TERM.sub("", rest).replace("term", "").replace("Term", "").strip(" ,-")
    if leftover:
        return None
    return start, term[1].capitalize() if term else None


def _number(raw: Any) -> tuple[float | None, bool]:
    """(value, readable): a plain decimal number; blank is (None, True)."""
    text = parse.cell_text(raw)
    if text is None:
        return None, True
    if not _NUMBER.match(text):
        return None, False
    return float(text), True


def pupil_key(pseudo: Pseudonymiser, raw: str) -> tuple[str, str]:
    """(keyed hash, "upn" / "local"): a UPN is normalised as SEN2 normalises it."""
    upn = raw.upper().replace(" ", "")
    if UPN_FORMAT.match(upn):
        return pseudo("upn", upn), "upn"
    return pseudo("pupil", raw.strip()), "local"


# ---------------------------------------------------------------- recognising


def _satisfies(spec: Sheet, columns: dict[str, int]) -> bool:
    return all(any(n in columns for n in group) for group in spec.required)


def recognise_sheet(sheet: RawSheet) -> HeaderMatch[Sheet] | None:
    """Which exclusions sheet this is, and where its header is; None when it is not one.

    Without a telling sheet name every required column must be there: a category and a start
    date are what set an events sheet apart from SEN2's and trackers' sheets.
    """
    hint = sheet_hint(sheet, list(SHEETS.values()))
    candidates = [hint] if hint else list(SHEETS.values())
    return find_header(
        sheet,
        candidates,
        "exclusions",
        min_columns=3,
        search_rows=settings().header_search_rows,
        # A sheet named as an exclusions sheet is taken even without every required column, so
        # that the message says which is missing; any other sheet must have them all.
        accept=lambda spec, columns: hint is not None or _satisfies(spec, columns),
    )


def recognise(sheets: list[RawSheet]) -> list[tuple[RawSheet, HeaderMatch[Sheet]]] | None:
    found = [(s, m) for s in sheets if (m := recognise_sheet(s)) is not None]
    return found or None


# ---------------------------------------------------------------- staging


def _rows(sheet: RawSheet, match: HeaderMatch[Sheet]) -> list[tuple[int, dict[str, Any]]]:
    """(row number, field → cell) of each data row below the header; blank rows are skipped."""
    start = match.header_index + 1
    columns = {name: sheet.columns[i].slice(start).to_pylist() for name, i in match.columns.items()}
    numbers = sheet.row_numbers[start:]
    width = len(numbers)
    # A row is blank when every cell of the sheet is blank (not only the known columns): a row
    # with data only in an unknown column is still read, and rejected for what it lacks.
    filled = set(sheet.filled_row_numbers())
    out = []
    for i in range(width):
        if numbers[i] not in filled:
            continue
        out.append((numbers[i], {name: values[i] for name, values in columns.items()}))
    return out


def _problem(sheet: RawSheet, number: int, p: RowProblem) -> Problem:
    return Problem(sheet.file, sheet.sheet, number, p.column, p.rule, p.severity, p.message)


def stage_events(
    sheet: RawSheet, match: HeaderMatch[Sheet], pseudo: Pseudonymiser, out: StagedExclusions
) -> None:
    headers = match.headers
    rows = _rows(sheet, match)
    out.rows_read += len(rows)
    records: list[dict[str, Any]] = []
    found: list[RowProblem] = []
    for index, (_, cells) in enumerate(rows):
        text = {name: parse.cell_text(v) for name, v in cells.items()}
        r: dict[str, Any] = {"_index": index, "_headers": headers}
        r["pupil_ref"] = text.get("pupil_ref")
        r["category_raw"] = text.get("category")
        r["category"] = CATEGORIES.get(header_key(r["category_raw"])) if r["category_raw"] else None
        date = parse.parse_date(cells.get("start_date"))
        r["start_date"] = date.value
        if not date.ok:
            found.append(
                RowProblem(
                    index,
                    headers["start_date"],
                    date.rule or "date_unreadable",
                    f"{headers['start_date']}: {date.error}",
                )
            )
        elif date.value is None:
            found.append(
                RowProblem(
                    index,
                    headers["start_date"],
                    "date_missing",
                    f"{headers['start_date']} is blank; it is required",
                )
            )
        # Length: sessions, else days × 2 (a school day is two sessions).
        sessions, ok = _number(cells.get("sessions"))
        r["sessions_from"], r["sessions_raw"] = "sessions", text.get("sessions")
        if ok and sessions is None and "days" in cells:
            days, ok = _number(cells.get("days"))
            r["sessions_from"], r["sessions_raw"] = "days", text.get("days")
            sessions = None if days is None else days * 2
        if not ok:
            header = headers.get(r["sessions_from"], r["sessions_from"])
            found.append(
                RowProblem(
                    index,
                    header,
                    "sessions_unreadable",
                    f"{header}: '{r['sessions_raw']}' is not a number",
                )
            )
        r["sessions"] = sessions
        r["sen_raw"] = text.get("sen_provision")
        r["sen_provision"] = SEN_PROVISION.get(header_key(r["sen_raw"])) if r["sen_raw"] else None
        r["school_urn"] = text.get("school_urn")
        r["school_name"] = text.get("school_name")
        r["phase"] = text.get("phase")
        r["reason"] = text.get("reason")
        records.append(r)
    found += checks.check_pupil_ref_missing(records)
    found += checks.check_category_unknown(records)
    found += checks.check_sessions_negative(records)
    rejected = {p.index for p in found if p.severity == "error"}
    found += checks.check_sessions_over_90(records, rejected)
    found += checks.check_event_on_weekend(records, rejected)
    found += checks.check_sen_unrecognised(records, rejected)
    out.problems += [_problem(sheet, rows[p.index][0], p) for p in found]
    for r in records:
        if r["_index"] in rejected:
            continue
        key, kind = pupil_key(pseudo, r["pupil_ref"])
        day: dt.date = r["start_date"]
        out.events.append(
            {
                "pupil_key": key,
                "pupil_ref_kind": kind,
                "school_urn": r["school_urn"],
                "school_name": r["school_name"],
                "phase": r["phase"],
                "start_date": day,
                "academic_year": academic_year(day),
                "term": term_of(day),
                "category": r["category"],
                "sessions": r["sessions"],
                "reason": r["reason"],
                "sen_recorded": r["sen_provision"],
                "source_file": sheet.file,
                "source_sheet": sheet.sheet,
                "source_row": rows[r["_index"]][0],
            }
        )


def stage_headcounts(sheet: RawSheet, match: HeaderMatch[Sheet], out: StagedExclusions) -> None:
    headers = match.headers
    rows = _rows(sheet, match)
    out.rows_read += len(rows)
    records: list[dict[str, Any]] = []
    found: list[RowProblem] = []
    seen: dict[tuple[Any, ...], int] = {}
    for index, (_, cells) in enumerate(rows):
        text = {name: parse.cell_text(v) for name, v in cells.items()}
        bad = len(found)
        period = parse_period(cells.get("period"))
        if period is None:
            found.append(
                RowProblem(
                    index,
                    headers["period"],
                    "period_unreadable",
                    f"{headers['period']}: '{text.get('period') or ''}' is not an academic year "
                    "(write 2023/24, or a term: Autumn 2023/24)",
                )
            )
        sen_raw = text.get("sen_provision")
        sen = SEN_PROVISION.get(header_key(sen_raw)) if sen_raw else None
        if sen is None:
            found.append(
                RowProblem(
                    index,
                    headers["sen_provision"],
                    "code_unknown" if sen_raw else "value_missing",
                    f"{headers['sen_provision']}: '{sen_raw}' is not a known code (expected one "
                    "of E, K, N or EHC plan, SEN support, No SEN)"
                    if sen_raw
                    else f"{headers['sen_provision']} is blank; it is required",
                )
            )
        count = parse.parse_int(cells.get("headcount"))
        if not count.ok or count.value is None:
            found.append(
                RowProblem(
                    index,
                    headers["headcount"],
                    count.rule or "value_missing",
                    f"{headers['headcount']}: {count.error}"
                    if count.error
                    else f"{headers['headcount']} is blank; it is required",
                )
            )
        urn = text.get("school_urn")
        if urn is not None and header_key(urn) in LA_TOTAL_WORDS:
            urn = None
        record = {
            "_index": index,
            "_headers": headers,
            "headcount": count.value,
            "academic_year": period[0] if period else None,
            "term": period[1] if period else None,
            "school_urn": urn,
            "school_name": None
            if urn is None and "school_urn" in cells
            else text.get("school_name"),
            "phase": text.get("phase"),
            "sen_provision": sen,
        }
        records.append(record)
        if len(found) == bad and count.value is not None and count.value >= 0:
            key = (record["academic_year"], record["term"], urn, record["phase"], sen)
            if key in seen:
                found.append(
                    RowProblem(
                        index,
                        headers["headcount"],
                        "headcount_duplicate",
                        f"Headcount for {text.get('period')}, "
                        + (f"URN {urn}" if urn else "the LA total")
                        + f", {sen_raw} is already on row {rows[seen[key]][0]}; only the first "
                        "was loaded",
                    )
                )
            else:
                seen[key] = index
    found += checks.check_headcount_negative(records)
    rejected = {p.index for p in found if p.severity == "error"}
    out.problems += [_problem(sheet, rows[p.index][0], p) for p in found]
    for r in records:
        if r["_index"] in rejected:
            continue
        out.headcounts.append(
            {
                **{k: r[k] for k in ("academic_year", "term", "school_urn", "school_name")},
                "phase": r["phase"],
                "sen_provision": r["sen_provision"],
                "headcount": r["headcount"],
                "source_file": sheet.file,
                "source_sheet": sheet.sheet,
                "source_row": rows[r["_index"]][0],
            }
        )


def stage_file(
    claim: list[tuple[RawSheet, HeaderMatch[Sheet]]], sheets: list[RawSheet], pseudo: Pseudonymiser
) -> StagedExclusions:
    """Stage every recognised sheet; a sheet with data that is not one is reported, not loaded."""
    out = StagedExclusions()
    for sheet, match in claim:
        missing = missing_required(match, match.spec.required, match.spec.label, "exclusions")
        if missing is not None:
            what, detail = missing
            raise FileProblem("column_missing", f"{sheet.label}: {what}{detail}", sheet.sheet)
        out.sheets.append(sheet.sheet or match.spec.title)
        if match.spec is EVENTS:
            stage_events(sheet, match, pseudo, out)
        else:
            assert match.spec is HEADCOUNTS
            stage_headcounts(sheet, match, out)
    claimed = {id(s) for s, _ in claim}
    for sheet in sheets:
        if id(sheet) in claimed or not sheet.filled_row_numbers():
            continue
        out.problems.append(
            Problem(
                sheet.file,
                sheet.sheet,
                None,
                None,
                "sheet_not_recognised",
                "query",
                f"{sheet.label}: not an exclusion events or headcounts sheet, so it was not loaded",
            )
        )
    return out


def tables(staged: StagedExclusions) -> dict[str, pa.Table]:
    return {
        "stg_exclusion_events": pa.Table.from_pylist(staged.events, EVENT_SCHEMA),
        "stg_exclusion_headcounts": pa.Table.from_pylist(staged.headcounts, HEADCOUNT_SCHEMA),
    }
