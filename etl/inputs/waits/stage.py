"""Waiting-list extracts → typed staging rows + problems (issue 12).

A file is a waiting-list extract when a sheet's header row (titles above it are fine) holds a
child reference, a service and a referral date. Every data row read ends up as a staged row or
as an error in the problem list with its file, sheet, Excel row and column; a required column
missing loads nothing from the file. Cells are cast column by column (each distinct value parsed
once) and the checks of :mod:`.checks` run vectorised, so a large extract stays quick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl import parse
from etl.checks import Problem, RowProblem
from etl.config import Pseudonymiser, settings
from etl.headers import HeaderMatch, find_header, header_key, missing_required, repeated_header_rows
from etl.inputs.columns import convert_distinct
from etl.inputs.waits import checks
from etl.inputs.waits.spec import (
    EXTRACT_DATE_LABELS,
    REFERRALS,
    SERVICES,
    SPECS,
    WaitsSheet,
    service_key,
    service_lookup,
)
from etl.readers import FileProblem, RawSheet

KIND = "waits"

REFERRAL_SCHEMA = pa.schema(
    [
        (
            "record_key",
            pa.string(),
        ),  # keyed hash: provider + referral id, else child + service + date
        ("child_key", pa.string()),  # keyed hash of the child reference (never stored raw)
        ("has_referral_id", pa.bool_()),
        ("service", pa.string()),  # standard key, or the name as written when unmapped
        ("service_as_written", pa.string()),
        ("service_mapped", pa.bool_()),
        ("referral_date", pa.date32()),
        ("seen_date", pa.date32()),
        ("removed_date", pa.date32()),
        ("age_at_referral", pa.int64()),
        ("provider", pa.string()),
        ("priority", pa.string()),
        ("extract_date", pa.date32()),
        ("source_file", pa.string()),
        ("source_sheet", pa.string()),
        ("source_row", pa.int64()),
    ]
)
DATE_FIELDS = ("referral_date", "seen_date", "removed_date", "birth_date")
NOT_GIVEN = "Not given"


@dataclass
class StagedWaits:
    """One extract staged: its rows, problems and what to show in the load log."""

    rows: pa.Table
    rows_read: int
    problems: list[Problem]
    extract_date: dt.date
    extract_source: str


def recognise(sheets: list[RawSheet]) -> list[tuple[RawSheet, HeaderMatch[WaitsSheet]]] | None:
    """The sheets of a file that are waiting lists (child reference, service and referral date
    on one header row), or None."""
    search = settings().header_search_rows

    def complete(spec: WaitsSheet, columns: dict[str, int]) -> bool:
        return all(any(n in columns for n in group) for group in spec.required)

    found = [
        (s, m)
        for s in sheets
        if (m := find_header(s, SPECS, KIND, min_columns=3, search_rows=search, accept=complete))
    ]
    return found or None


def _clean(column: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(column.cast(pa.string()))
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _date_in(text: str) -> dt.date | None:
    """A date written after a label in the same cell ("Extract date: 31/03/2026")."""
    for part in (text.split(":", 1)[-1], text.rsplit(" ", 1)[-1]):
        parsed = parse.parse_date(part.strip())
        if parsed.ok and parsed.value is not None:
            value: dt.date = parsed.value
            return value
    return None


def extract_date(rows: list[list[Any]]) -> tuple[dt.date, str] | None:
    """The extract date from title rows: a labelled cell with the date after the label or in
    the next filled cell of the row."""
    labels = [header_key(label) for label in EXTRACT_DATE_LABELS]
    for number, cells in enumerate(rows):
        for i, cell in enumerate(cells):
            text = parse.cell_text(cell)
            if not text or not any(header_key(text).startswith(label) for label in labels):
                continue
            found = _date_in(text)
            if found is None:
                after = next((c for c in cells[i + 1 :] if parse.cell_text(c)), None)
                parsed = parse.parse_date(after)
                found = parsed.value if parsed.ok else None
            if found is not None:
                return found, f"row {number + 1}: '{text}'"
    return None


def stage_file(
    sheets: list[RawSheet],
    claim: list[tuple[RawSheet, HeaderMatch[WaitsSheet]]],
    pseudo: Pseudonymiser,
    as_of: dt.date | None,
) -> StagedWaits:
    """Stage every waiting-list sheet of one file; ``FileProblem`` for a file-level problem."""
    file = sheets[0].file
    for sheet, match in claim:
        missing = missing_required(match, REFERRALS.required, REFERRALS.label, KIND)
        if missing:  # recognise() asks for all three, so only an odd alias gets here
            main, detail = missing
            raise FileProblem(
                "column_missing",
                f"{sheet.label}: {main}; nothing was loaded from this file{detail}",
                sheet.sheet,
            )
    problems: list[Problem] = []
    found = None
    for sheet, match in claim:
        found = found or extract_date(sheet.head(match.header_index))
    if found is not None:
        when, source = found
    elif as_of is not None:
        when, source = as_of, "--as-of"
    else:
        when, source = dt.date.today(), "the day of the load"
        problems.append(
            Problem(
                file,
                None,
                None,
                None,
                "extract_date_missing",
                "query",
                f"{file}: no extract date found above the header and no --as-of given; dates "
                f"after the load date {when:%d/%m/%Y} are rejected and the measures use the "
                "latest extract date",
            )
        )
    claimed = {id(s) for s, _ in claim}
    for sheet in sheets:
        if id(sheet) in claimed or not sheet.filled_row_numbers():
            continue
        problems.append(
            Problem(
                file,
                sheet.sheet,
                None,
                None,
                "sheet_not_recognised",
                "query",
                f"{sheet.label}: no header with a child reference, service and referral date, "
                "so it was not loaded",
            )
        )
    lookup = service_lookup(settings().waits_services)
    tables = []
    read = 0
    unmapped: dict[str, int] = {}
    for sheet, match in claim:
        table, n, found_problems = _stage_sheet(sheet, match, pseudo, when, lookup, unmapped)
        tables.append(table)
        read += n
        problems.extend(found_problems)
    for name, count in sorted(unmapped.items()):
        problems.append(
            Problem(
                file,
                None,
                None,
                None,
                "service_unmapped",
                "query",
                f"Service '{name}' ({count} row{'s' if count != 1 else ''}) matches no standard "
                "service; kept under that name. To count it as one of "
                + ", ".join(SERVICES)
                + ", add it under [waits.services] in the settings file",
            )
        )
    rows = pa.concat_tables(tables) if tables else REFERRAL_SCHEMA.empty_table()
    return StagedWaits(rows, read, problems, when, source)


def _stage_sheet(
    sheet: RawSheet,
    match: HeaderMatch[WaitsSheet],
    pseudo: Pseudonymiser,
    extract: dt.date,
    lookup: dict[str, str],
    unmapped: dict[str, int],
) -> tuple[pa.Table, int, list[Problem]]:
    start = match.header_index + 1
    body = [_clean(c.slice(start)) for c in sheet.columns]
    numbers = sheet.row_numbers[start:]
    if body:  # entirely blank rows are layout, not records
        filled = body[0].is_valid()
        for col in body[1:]:
            filled = pc.or_(filled, col.is_valid())
        keep = pc.indices_nonzero(filled)
        body = [c.take(keep) for c in body]
        numbers = [numbers[i] for i in keep.to_pylist()]
    problems: list[Problem] = []
    if match.unmatched:
        problems.append(
            Problem(
                sheet.file,
                sheet.sheet,
                sheet.row_numbers[match.header_index],
                None,
                "column_not_used",
                "query",
                f"{sheet.label}: columns not used by this tool (not stored): "
                + ", ".join(text for _, text in match.unmatched),
            )
        )
    repeated = repeated_header_rows(body, match)
    bad: set[int] = set(repeated)
    for i in repeated:
        problems.append(
            Problem(
                sheet.file,
                sheet.sheet,
                numbers[i],
                None,
                "header_repeated",
                "error",
                f"{sheet.label} row {numbers[i]} repeats the header row; not loaded as a record",
            )
        )
    n = len(numbers)
    found: list[RowProblem] = []

    def text(name: str) -> pa.Array:
        index = match.columns.get(name)
        return body[index] if index is not None and index < len(body) else pa.nulls(n, pa.string())

    def header(name: str) -> str:
        return match.headers.get(name, REFERRALS.label(name))

    typed: dict[str, pa.Array] = {}
    for name in DATE_FIELDS:
        values, errors = convert_distinct(text(name), parse.parse_date, pa.date32())
        typed[name] = values
        found.extend(
            RowProblem(i, header(name), p.rule or "date_unreadable", f"{header(name)}: {p.error}")
            for i, p in errors
        )
    ages, errors = convert_distinct(text("age"), parse.parse_int, pa.int64())
    found.extend(
        RowProblem(i, header("age"), p.rule or "number_unreadable", f"{header('age')}: {p.error}")
        for i, p in errors
    )
    unreadable = {p.index for p in found}
    for name, rule_code in (
        ("referral_date", "date_missing"),
        ("child_ref", "value_missing"),
        ("service", "value_missing"),
    ):
        column = text(name)
        for i in pc.indices_nonzero(column.is_null()).to_pylist():
            if i in unreadable and name == "referral_date":
                continue
            found.append(
                RowProblem(
                    i,
                    header(name),
                    rule_code,
                    f"{header(name)} is blank; every referral needs one",
                )
            )
    skip = bad | {p.index for p in found}
    referral = typed["referral_date"]
    for name in ("seen_date", "removed_date"):
        found += checks.check_waits_before_referral(
            referral, typed[name], header(name), header("referral_date"), skip
        )
    for name in DATE_FIELDS:
        found += checks.check_waits_after_extract(typed[name], header(name), extract, skip)
    skip = bad | {p.index for p in found}
    provider = pc.fill_null(text("provider"), NOT_GIVEN)
    referral_ids = text("referral_id")
    found += checks.check_waits_duplicate_referral(
        referral_ids, provider, header("referral_id"), skip, numbers
    )
    rejected = bad | {p.index for p in found if p.severity == "error"}
    # Age at referral: whole years from the date of birth, else the age column as written.
    age = pc.coalesce(_years(typed["birth_date"], typed["referral_date"]), ages)
    found += checks.check_waits_age(
        age, header("birth_date" if "birth_date" in match.columns else "age"), rejected
    )
    found += checks.check_waits_seen_after_removal(
        typed["seen_date"],
        typed["removed_date"],
        header("seen_date"),
        header("removed_date"),
        rejected,
    )
    for p in sorted(found, key=lambda p: p.index):
        problems.append(
            Problem(
                sheet.file, sheet.sheet, numbers[p.index], p.column, p.rule, p.severity, p.message
            )
        )
    ok = pa.array([i for i in range(n) if i not in rejected], pa.int64())

    def take(values: pa.Array) -> pa.Array:
        return values.take(ok)

    written = take(text("service"))
    services = _map_unique(written, lambda name: lookup.get(service_key(name)) or name)
    mapped = _map_unique(written, lambda name: "1" if service_key(name) in lookup else "")
    mapped_flags = pc.equal(mapped, "1")
    for item in pc.value_counts(pc.filter(written, pc.invert(mapped_flags))).to_pylist():
        unmapped[item["values"]] = unmapped.get(item["values"], 0) + item["counts"]
    children = _map_unique(
        take(text("child_ref")), lambda ref: pseudo("waits_child", "".join(ref.split()).upper())
    )
    providers = take(provider)
    ids = take(referral_ids)
    records = _record_keys(
        pseudo("waits_referral", "record key"), children, services, take(referral), providers, ids
    )
    m = len(ok)
    table = pa.table(
        {
            "record_key": records,
            "child_key": children,
            "has_referral_id": ids.is_valid(),
            "service": services,
            "service_as_written": written,
            "service_mapped": mapped_flags,
            "referral_date": take(referral),
            "seen_date": take(typed["seen_date"]),
            "removed_date": take(typed["removed_date"]),
            "age_at_referral": take(age),
            "provider": providers,
            "priority": take(text("priority")),
            "extract_date": pa.array([extract] * m, pa.date32()),
            "source_file": pa.array([sheet.file] * m, pa.string()),
            "source_sheet": pa.array([sheet.sheet] * m, pa.string()),
            "source_row": pa.array([numbers[i] for i in ok.to_pylist()], pa.int64()),
        },
        schema=REFERRAL_SCHEMA,
    )
    return table, n, problems


def _years(birth: pa.Array, on: pa.Array) -> pa.Array:
    """Whole years of age on a date, column by column (null where either date is)."""
    years = pc.subtract(pc.year(on), pc.year(birth))
    month_on, month_born = pc.month(on), pc.month(birth)
    before_birthday = pc.or_(
        pc.less(month_on, month_born),
        pc.and_(pc.equal(month_on, month_born), pc.less(pc.day(on), pc.day(birth))),
    )
    return pc.subtract(years, pc.cast(before_birthday, pa.int64()))


def _map_unique(values: pa.Array, fn: Callable[[str], str]) -> pa.Array:
    """``fn`` applied to each distinct value once, spread back over the column."""
    uniques = pc.unique(values)
    mapped = pa.array([None if u is None else fn(u) for u in uniques.to_pylist()], pa.string())
    return mapped.take(pc.index_in(values, value_set=uniques))


def _record_keys(
    secret: str,
    children: pa.Array,
    services: pa.Array,
    referred: pa.Array,
    providers: pa.Array,
    ids: pa.Array,
) -> pa.Array:
    """The referral's identity across extracts: provider + referral id, else child + service +
    referral date, hashed with a keyed secret (so it is as private as the child key) in DuckDB
    rather than row by row in Python."""
    rows = pa.table(  # noqa: F841 - read by DuckDB below
        {
            "child": children,
            "service": services,
            "referred": referred,
            "provider": providers,
            "id": ids,
        }
    )
    con = duckdb.connect()
    try:
        found = con.sql(
            "SELECT left(sha256(CASE WHEN id IS NULL "
            "THEN concat_ws(chr(31), $secret, child, service, referred::VARCHAR) "
            "ELSE concat_ws(chr(31), $secret, provider, upper(id)) END), 32) AS k FROM rows",
            params={"secret": secret},
        ).to_arrow_table()
        return found.column("k").combine_chunks()
    finally:
        con.close()
