"""Reader for DfE Explore Education Statistics (EES) tidy CSV files (EHC plan statistics).

One row per period, geographic level, area and breakdown; every value is text. Only the headline
rows ("All …" breakdown) are used; the breakdowns by age, sex, ethnicity … are counted per topic as
"not used", so every row read is loaded, not used or rejected.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from etl.catalogue import CATALOGUE
from etl.checks.published import (
    BAD_LEVEL,
    BAD_NUMBER,
    BAD_PERIOD,
    COLUMN_MISSING,
    DUPLICATE_ROW,
    NO_AREA_CODE,
)
from etl.published.areas import ENGLAND_CODE
from etl.published.datasets import (
    NEED_MEASURES,
    NEEDS,
    Column,
    Dataset,
    find_header,
    release_label,
)
from etl.published.records import FileLoad, PublishedError, Value
from etl.published.symbols import as_float, parse_number, round_half_away

LEVELS = {"national": "England", "regional": "Region", "local authority": "LA"}


def year_of(time_period: str, identifier: str) -> tuple[int, str] | None:
    """``2024`` (calendar) -> (2024, "Calendar year 2024"); ``202425`` (academic, January
    census) -> (2025, "January 2025 (2024/25)")."""
    period = time_period.strip()
    if re.fullmatch(r"\d{4}", period):
        return int(period), f"Calendar year {period}"
    if re.fullmatch(r"\d{6}", period):
        start, end = int(period[:4]), int(period[4:])
        if (start + 1) % 100 != end:
            return None
        kind = identifier.strip() or "Academic year"
        return start + 1, f"January {start + 1} ({period[:4]}/{period[4:]}, {kind.lower()})"
    return None


def _ident(name: str) -> str:
    """A column name from the file as a quoted SQL identifier (names are not values: they
    cannot be bound as parameters)."""
    return '"' + name.replace('"', '""') + '"'


def _scan_csv(
    path: Path, required: Sequence[str], headline_only: bool
) -> tuple[set[str], list[tuple[int, dict[str, str]]], int, Counter[str]]:
    """Read a tidy CSV with DuckDB (fast; every value as text) and return (lower-cased header,
    the rows to use as (line number, dict), rows read, rows not used by reason).

    A file with no rows, or lacking a ``required`` column, stops here. With ``headline_only``
    only rows whose breakdown_topic is "All …" (or equals the breakdown) are returned; the rest
    are counted per topic. Line numbers count the header as line 1.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute(
            "CREATE TABLE raw AS SELECT row_number() OVER () + 1 AS __line, * FROM read_csv("
            "?, all_varchar = true, header = true, null_padding = true, strict_mode = false, "
            "normalize_names = false)",
            [str(path)],
        )
        columns = [c[0] for c in con.execute("DESCRIBE raw").fetchall()][1:]
        total_row = con.execute("SELECT count(*) FROM raw").fetchone()
        total = int(total_row[0]) if total_row else 0
        if not total:
            raise PublishedError(f"{path.name}: the file has a header but no rows")
        match = find_header([columns], required)
        if match.missing:
            raise PublishedError(
                f"{path.name}: required column {', '.join(match.missing)} is missing, so this "
                "file was not loaded (is it a different release or a different file with the "
                "same name?)",
                COLUMN_MISSING,
            )
        header = [""] * len(columns)
        for name, index in match.columns.items():
            header[index] = name
        not_used: Counter[str] = Counter()
        where = "TRUE"
        if headline_only and "breakdown_topic" in match.columns:
            topic = f"trim(coalesce({_ident(columns[match.columns['breakdown_topic']])}, ''))"
            breakdown = (
                f"trim(coalesce({_ident(columns[match.columns['breakdown']])}, ''))"
                if "breakdown" in match.columns
                else "''"
            )
            where = f"(lower({topic}) LIKE 'all %' OR ({topic} <> '' AND {topic} = {breakdown}))"
            for name, count in con.execute(
                # In order of first appearance, so the not-used list reads the same every run.
                f"SELECT {topic}, count(*) FROM raw WHERE NOT {where} GROUP BY 1 "
                "ORDER BY min(__line)"
            ).fetchall():
                not_used[f"breakdown by {name or 'unnamed topic'}"] += int(count)
        selected = con.execute(f"SELECT * FROM raw WHERE {where} ORDER BY __line").fetchall()
    except duckdb.Error as error:
        raise PublishedError(f"{path.name}: not a readable CSV file ({error})") from None
    finally:
        con.close()
    rows = [
        (
            int(record[0]),
            {h: ("" if v is None else v) for h, v in zip(header, record[1:], strict=True) if h},
        )
        for record in selected
    ]
    return set(match.columns), rows, total, not_used


def read_ees(path: Path, dataset: Dataset) -> FileLoad:
    """Read one EES tidy CSV into values. Only the headline rows ("All …" breakdown) are used;
    the others (by age, sex, ethnicity …) are counted as not used."""
    load = FileLoad(dataset.key, path)
    required = ["time_period", "geographic_level", *(column.value for column in dataset.columns)]
    header, rows, load.rows_read, not_used = _scan_csv(path, required, dataset.headline_topic)
    load.not_used.update(not_used)
    need_columns: list[tuple[str, str]] = []
    if dataset.key in NEED_MEASURES:
        for need in NEEDS:
            if f"{need}_pc" in header:
                need_columns.append((need, f"{need}_pc"))
        if not need_columns:
            raise PublishedError(f"{path.name}: no primary-need columns (asd_pc, …) found")
    years: list[int] = []
    staged: list[tuple[int, dict[str, str], int, str, str]] = []
    seen: dict[tuple[int, str, str], int] = {}  # (year, level, area) -> first line
    for number, row in rows:
        parsed = year_of(row.get("time_period", ""), row.get("time_identifier", ""))
        if parsed is None:
            load.problem(
                number,
                "time_period",
                BAD_PERIOD,
                f"time_period {row.get('time_period')!r} is not a year (2024) or an academic "
                "year (202425); row not loaded",
            )
            continue
        level_text = (row.get("geographic_level") or "").strip().lower()
        level = LEVELS.get(level_text)
        if level is None:
            load.problem(
                number,
                "geographic_level",
                BAD_LEVEL,
                f"geographic_level {row.get('geographic_level')!r} is not National, Regional "
                "or Local authority; row not loaded",
            )
            continue
        years.append(parsed[0] + (1 if parsed[1].startswith("Calendar") else 0))
        staged.append((number, row, parsed[0], parsed[1], level))
    if not years:
        raise PublishedError(f"{path.name}: no headline rows (breakdown 'All …') with a year")
    release = release_label(dataset, max(years))
    load.release = release
    for number, row, year, period, level in staged:
        area = _area(row, level)
        if area is None:
            load.problem(
                number,
                "new_la_code",
                NO_AREA_CODE,
                f"{level} row with no area code (new_la_code / old_la_code / region_code); "
                "row not loaded",
            )
            continue
        area_code, old_code, area_name = area
        first = seen.setdefault((year, level, area_code), number)
        if first != number:
            load.problem(
                number,
                "new_la_code" if level == "LA" else "geographic_level",
                DUPLICATE_ROW,
                f"{area_name or area_code} {period} appears twice in this file (first on line "
                f"{first}); the first is used and this row is not loaded",
            )
            continue
        base = {
            "dataset": dataset.key,
            "year": year,
            "period": period,
            "level": level,
            "area_code": area_code,
            "old_la_code": old_code,
            "area_name": area_name,
            "region_code": (row.get("region_code") or "").strip() or None,
            "region_name": (row.get("region_name") or "").strip() or None,
            "source_file": path.name,
            "release": release,
            "release_rank": dataset.release_rank,
            "source_row": number,
        }
        for column in dataset.columns:
            load.values.append(_value(load, row, number, column, base, "All"))
        for need, pc_column in need_columns:
            measure = NEED_MEASURES[dataset.key]
            load.values.append(
                _value(
                    load,
                    row,
                    number,
                    Column(measure, pc_column, f"number_{need}", "ehc_plans"),
                    base,
                    need.upper() if need != "unknown" else "Unknown",
                )
            )
        load.rows_loaded += 1
    return load


def _area(row: dict[str, str], level: str) -> tuple[str, str | None, str] | None:
    if level == "England":
        return (row.get("country_code") or ENGLAND_CODE).strip() or ENGLAND_CODE, None, "England"
    if level == "Region":
        code = (row.get("region_code") or "").strip()
        return (code, None, (row.get("region_name") or "").strip()) if code else None
    new = (row.get("new_la_code") or "").strip()
    old = (row.get("old_la_code") or "").strip() or None
    name = (row.get("la_name") or "").strip()
    if not new and not old:
        return None
    return new or f"old:{old}", old, name


def _value(
    load: FileLoad,
    row: dict[str, str],
    number: int,
    column: Column,
    base: dict[str, Any],
    breakdown: str,
) -> Value:
    # Need-mix shares are not catalogue measures: 1 dp, like every EES percentage.
    metric = CATALOGUE.get(column.measure)
    decimals = metric.decimals if metric else 1
    cell = parse_number(row.get(column.value))
    if cell.status == "invalid":
        load.problem(
            number,
            column.value,
            BAD_NUMBER,
            f"{column.value} = {row.get(column.value)!r} is not a number or a known symbol "
            "(x, z, c, low); shown as no value",
        )
    numerator = parse_number(row.get(column.numerator)).value if column.numerator else None
    denominator: Decimal | None = None
    if isinstance(column.denominator, tuple):
        parts = [parse_number(row.get(c)).value for c in column.denominator]
        present = [p for p in parts if p is not None]
        denominator = sum(present, Decimal(0)) if len(present) == len(parts) else None
    elif column.denominator:
        denominator = parse_number(row.get(column.denominator)).value
    status = cell.status
    value = round_half_away(cell.value, decimals)
    if denominator is not None and denominator == 0 and (metric and metric.unit == "%"):
        # "No value", never 0%: DfE publishes x (or z) here; some files print 0.
        value, status = None, "no plans"
    return Value(
        measure=column.measure,
        breakdown=breakdown,
        value=value,
        numerator=as_float(numerator),
        denominator=as_float(denominator),
        status=status,
        **base,
    )
