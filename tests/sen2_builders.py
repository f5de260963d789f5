"""Tiny SEN2 fixtures written by code, plus helpers to load them and read the warehouse back.

Records are dicts keyed by the canonical field names of ``etl/inputs/sen2/spec.py`` (``person_id``,
``received_date``, ...). A *header style* maps each field to the header a file carries:

- ``XML``: the XML element name (``ReceivedDate``),
- ``BLADE``: the lower-case COLLECT "Blade" export name (``receiveddate``, ``persontableid``),
- ``TEMPLATE``: DfE's template label ("Date request was received").

A key that is not a field name (``"Notes"``) is written as its own header, for unknown columns.
``datetime.date`` values are written in the style's own date format in CSV files (ISO, Blade
``2024-Jan-10 00:00:00``, UK ``10/01/2024``) and as real date cells in xlsx files; strings are
written exactly as given, so a test can put any bad value in a cell.

Writers: :func:`write_csv` / :func:`write_flat_csv` (one row per request), :func:`write_flat_xlsx`
(title rows above a header that need not start in column A), :func:`write_module_workbook`
(sheets "Person", "Requests", "Assessments", "SEN Need", ...) and :func:`write_blade_set`
(``Blade-Export_01-11-2026_{person,requests,assessment,...}.csv``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from etl import records as user_records
from etl.config import Pseudonymiser
from etl.warehouse import LoadReport, run_load, stage_file

D = dt.date
Record = dict[str, Any]

XML: dict[str, str] = {
    "person_id": "PersonID",
    "upn": "UPN",
    "uln": "UniqueLearnerNumber",
    "upn_unknown": "UPNunknown",
    "birth_date": "PersonBirthDate",
    "sex": "Sex",
    "request_id": "RequestID",
    "received_date": "ReceivedDate",
    "request_source": "RequestSource",
    "request_outcome": "RequestOutcome",
    "request_outcome_date": "RequestOutcomeDate",
    "assessment_id": "AssessmentID",
    "assessment_outcome": "AssessmentOutcome",
    "assessment_outcome_date": "AssessmentOutcomeDate",
    "week20": "Week20",
    "named_plan_id": "NamedPlanID",
    "start_date": "StartDate",
    "sen_need_id": "SENneedID",
    "sen_type": "SENtype",
    "sen_type_rank": "SENtypeRank",
    "primary_need": "PrimaryNeed",
}
BLADE: dict[str, str] = {
    "person_id": "persontableid",
    "upn": "upn",
    "uln": "uniquelearnernumber",
    "upn_unknown": "upnunknown",
    "birth_date": "personbirthdate",
    "sex": "sex",
    "request_id": "requeststableid",
    "received_date": "receiveddate",
    "request_source": "requestsource",
    "request_outcome": "requestoutcome",
    "request_outcome_date": "requestoutcomedate",
    "assessment_id": "assessmenttableid",
    "assessment_outcome": "assessmentoutcome",
    "assessment_outcome_date": "assessmentoutcomedate",
    "week20": "week20",
    "named_plan_id": "namedplantableid",
    "start_date": "startdate",
    "sen_need_id": "senneedtableid",
    "sen_type": "sentype",
    "sen_type_rank": "sentyperank",
    "primary_need": "primaryneed",
}
TEMPLATE: dict[str, str] = {
    "person_id": "Person ID",
    "upn": "UPN – Unique Pupil Number",
    "uln": "ULN - Young person unique learner number",
    "upn_unknown": "UPN and ULN unavailable – Reason",
    "birth_date": "Date of Birth (ccyy-mm-dd)",
    "sex": "Sex",
    "request_id": "Request ID",
    "received_date": "Date request was received",
    "request_source": "Source of request for an EHC needs assessment",
    "request_outcome": "Request Outcome",
    "request_outcome_date": "Request Outcome Date",
    "assessment_id": "Assessment ID",
    "assessment_outcome": "Assessment outcome – decision to issue EHC plan",
    "assessment_outcome_date": "Assessment Outcome Date",
    "week20": "Twenty week time limit exceptions apply",
    "named_plan_id": "Named plan ID",
    "start_date": "EHC plan start date",
    "sen_need_id": "SEN need ID",
    "sen_type": "SEN type",
    "sen_type_rank": "SEN type rank",
    "primary_need": "Primary need",
}
STYLES = {"xml": XML, "blade": BLADE, "template": TEMPLATE}


def date_format(style: Mapping[str, str]) -> str:
    """How a style writes a date in a CSV file: ISO, Blade ``2024-Jan-10 00:00:00`` or UK."""
    if style is BLADE:
        return "%Y-%b-%d 00:00:00"
    if style is TEMPLATE:
        return "%d/%m/%Y"
    return "%Y-%m-%d"


PERSON_COLUMNS = ("person_id", "upn", "upn_unknown", "birth_date")
REQUEST_COLUMNS = (
    "request_id",
    "person_id",
    "received_date",
    "request_outcome",
    "request_outcome_date",
)
ASSESSMENT_COLUMNS = (
    "assessment_id",
    "request_id",
    "assessment_outcome",
    "assessment_outcome_date",
    "week20",
)
FLAT_COLUMNS = (
    "person_id",
    "upn",
    "upn_unknown",
    "birth_date",
    "request_id",
    "received_date",
    "request_outcome",
    "request_outcome_date",
    "assessment_outcome",
    "assessment_outcome_date",
    "week20",
)


# --- records ----------------------------------------------------------------------------------

# Default dates: request 2024-01-10, agreed to assess 2024-02-05 (21 + 5 = 26 days, within six
# weeks), plan issued 2024-05-20 (21 + 29 + 31 + 30 + 20 = 131 days, within 20 weeks).
BIRTH = D(2015, 3, 1)
RECEIVED = D(2024, 1, 10)
DECIDED = D(2024, 2, 5)
ISSUED = D(2024, 5, 20)


def person(
    person_id: str,
    *,
    upn: str | None = None,
    upn_unknown: str | None = "UN1",
    birth_date: Any = BIRTH,
    **extra: Any,
) -> Record:
    """A Person row. By default no UPN but reason UN1, so it raises no query."""
    return {
        "person_id": person_id,
        "upn": upn,
        "upn_unknown": upn_unknown,
        "birth_date": birth_date,
        **extra,
    }


def request(
    request_id: str | None,
    person_id: str | None,
    *,
    received_date: Any = RECEIVED,
    request_outcome: Any = "Y",
    request_outcome_date: Any = DECIDED,
    **extra: Any,
) -> Record:
    """A Requests row. By default agreed to assess 26 days after the request (no query)."""
    return {
        "request_id": request_id,
        "person_id": person_id,
        "received_date": received_date,
        "request_outcome": request_outcome,
        "request_outcome_date": request_outcome_date,
        **extra,
    }


def assessment(
    assessment_id: str | None,
    request_id: str | None,
    *,
    assessment_outcome: Any = "Y",
    assessment_outcome_date: Any = ISSUED,
    week20: Any = 0,
    **extra: Any,
) -> Record:
    """An Assessments row. By default a plan issued 2024-05-20 with no exception (no query)."""
    return {
        "assessment_id": assessment_id,
        "request_id": request_id,
        "assessment_outcome": assessment_outcome,
        "assessment_outcome_date": assessment_outcome_date,
        "week20": week20,
        **extra,
    }


def case(person_id: str, request_id: str | None, **fields: Any) -> Record:
    """One flat case-list row (person + request + assessment). Defaults raise no problem."""
    row = {
        **person(person_id),
        **request(request_id, person_id),
        **{k: v for k, v in assessment(None, request_id).items() if k != "assessment_id"},
    }
    row.update(fields)
    return row


# --- tables -----------------------------------------------------------------------------------


def table(
    records: Sequence[Record], style: Mapping[str, str] = XML, columns: Sequence[str] | None = None
) -> list[list[Any]]:
    """Header row + one row per record. ``columns`` defaults to every key in first-seen order;
    a column missing from a record gives a blank cell."""
    if columns is None:
        columns = list(dict.fromkeys(k for r in records for k in r))
    header = [style.get(c, c) for c in columns]
    return [header, *([r.get(c) for c in columns] for r in records)]


def _csv_cell(value: Any, fmt: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime(fmt)
    return str(value)


def write_csv(path: Path, rows: Iterable[Sequence[Any]], fmt: str = "%Y-%m-%d") -> Path:
    """Write rows as CSV (dates as ``fmt``, None as an empty cell)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow([_csv_cell(v, fmt) for v in row])
    return path


def write_flat_csv(
    path: Path,
    records: Sequence[Record],
    style: Mapping[str, str] = XML,
    columns: Sequence[str] | None = None,
) -> Path:
    """A flat case list as CSV: header on line 1, one line per record."""
    return write_csv(path, table(records, style, columns), date_format(style))


def write_xlsx(
    path: Path,
    sheets: Mapping[str, Sequence[Sequence[Any]]],
    *,
    title_rows: Sequence[str] = (),
    header_row: int | None = None,
    first_col: int = 1,
) -> Path:
    """A workbook with one sheet per entry. Each sheet's title rows go in column A from row 1;
    its rows (header first) start at ``header_row`` (default: straight after the titles) and at
    column ``first_col`` (1 = A)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    start = header_row or len(title_rows) + 1
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, text in enumerate(title_rows, start=1):
            sheet.cell(row=r, column=1, value=text)
        for r, row in enumerate(rows, start=start):
            for c, value in enumerate(row, start=first_col):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_flat_xlsx(
    path: Path,
    records: Sequence[Record],
    style: Mapping[str, str] = XML,
    *,
    title_rows: Sequence[str] = ("SEN2 case list", "Produced by the SEND team"),
    header_row: int = 4,
    first_col: int = 2,
    sheet: str = "Cases",
    columns: Sequence[str] | None = None,
) -> Path:
    """A flat case list on one sheet, with title rows in A1.. and the header on ``header_row``
    starting at ``first_col``. By default: titles on rows 1-2, row 3 blank, header on row 4 from
    column B, so the first record is Excel row 5."""
    return write_xlsx(
        path,
        {sheet: table(records, style, columns)},
        title_rows=title_rows,
        header_row=header_row,
        first_col=first_col,
    )


MODULE_SHEETS = {
    "person": "Person",
    "requests": "Requests",
    "assessment": "Assessments",
    "named_plan": "Named Plan",
    "sen_need": "SEN Need",
}


def write_module_workbook(
    path: Path,
    *,
    person: Sequence[Record] | None = None,
    requests: Sequence[Record] | None = None,
    assessment: Sequence[Record] | None = None,
    sen_need: Sequence[Record] | None = None,
    style: Mapping[str, str] = XML,
    sheet_names: Mapping[str, str] | None = None,
    extra_sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> Path:
    """A DfE pre-submission style workbook: one sheet per module, header on row 1, so the first
    record of each sheet is Excel row 2. Modules given as None are left out."""
    names = {**MODULE_SHEETS, **(sheet_names or {})}
    given = {"person": person, "requests": requests, "assessment": assessment, "sen_need": sen_need}
    sheets: dict[str, Sequence[Sequence[Any]]] = {}
    for module, records in given.items():
        if records is not None:
            sheets[names[module]] = table(records, style, (columns or {}).get(module))
    sheets.update(extra_sheets or {})
    return write_xlsx(path, sheets)


BLADE_PREFIX = "Blade-Export_01-11-2026_"


def write_blade_set(
    folder: Path,
    *,
    person: Sequence[Record] | None = None,
    requests: Sequence[Record] | None = None,
    assessment: Sequence[Record] | None = None,
    sen_need: Sequence[Record] | None = None,
    style: Mapping[str, str] = BLADE,
    prefix: str = BLADE_PREFIX,
) -> list[Path]:
    """A COLLECT Blade export: one CSV per module, named ``<prefix><module>.csv``."""
    files = {"person": person, "requests": requests, "assessment": assessment, "senneed": sen_need}
    return [
        write_csv(folder / f"{prefix}{name}.csv", table(records, style), date_format(style))
        for name, records in files.items()
        if records is not None
    ]


# --- loading and reading back -----------------------------------------------------------------


def isolate_settings(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Default settings (a settings file that does not exist, unique per test, so the lru_cache in
    etl.config never hands back another test's aliases) and a fixed pseudonymisation key."""
    monkeypatch.setenv("SEND_CONFIG", str(folder / "no-settings-here.toml"))
    monkeypatch.setenv("SEND_HASH_KEY", "test-key-not-secret")


def load(paths: Path | Sequence[Path], folder: Path, **kwargs: Any) -> LoadReport:
    """run_load on one path or several."""
    if isinstance(paths, Path):
        paths = [paths]
    return run_load(list(paths), folder, **kwargs)


def staged_problems(path: Path) -> list[tuple[Any, ...]]:
    """(file, sheet, row, column, rule, severity) of the problems found while reading and staging
    one file — file- and sheet-level checks and cell errors, without building a warehouse."""
    result = stage_file(path, Pseudonymiser(b"test-key-not-secret"))
    return [(p.file, p.sheet, p.row, p.column, p.rule, p.severity) for p in result.problems]


def warehouse(folder: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse, with the user records made since its
    build (``etl.records``), as every reader opens it (close it when done)."""
    con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
    user_records.attach(con, folder)
    return con


def query(folder: Path, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    con = warehouse(folder)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def counts(
    folder: Path, tables: Sequence[str] = ("person", "requests", "assessment")
) -> dict[str, int]:
    """Row counts of canonical tables in the published warehouse."""
    con = warehouse(folder)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in tables
        }
    finally:
        con.close()


def loaded_rows(folder: Path, table_name: str) -> list[tuple[str, str | None, int]]:
    """(file, sheet, Excel row / CSV line) of every row loaded into a canonical table."""
    return sorted(
        query(folder, f"SELECT source_file, source_sheet, source_row FROM {table_name}"),
        key=lambda r: (r[0], r[1] or "", r[2]),
    )


def load_log(folder: Path) -> dict[str, dict[str, Any]]:
    """The load log by file name."""
    con = warehouse(folder)
    try:
        cursor = con.execute("SELECT * FROM load_log ORDER BY load_id")
        names = [d[0] for d in cursor.description]
        return {
            row[names.index("file")]: dict(zip(names, row, strict=True))
            for row in cursor.fetchall()
        }
    finally:
        con.close()


def assert_nothing_lost(folder: Path) -> None:
    """DESIGN §6: every row read is loaded, rejected or superseded — for every file."""
    for name, entry in load_log(folder).items():
        assert entry["rows_read"] == (
            entry["rows_loaded"] + entry["rows_rejected"] + entry["rows_superseded"]
        ), (name, entry)


def problems(report: LoadReport, rule: str | None = None) -> list[tuple[Any, ...]]:
    """(file, sheet, row, column, rule, severity) of each problem, optionally of one rule."""
    return [
        (p["file"], p["sheet"], p["row"], p["column"], p["rule"], p["severity"])
        for p in report.problems
        if rule is None or p["rule"] == rule
    ]


def messages(report: LoadReport, rule: str) -> list[str]:
    return [p["message"] for p in report.problems if p["rule"] == rule]
