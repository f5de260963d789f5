"""Readers for published suspension and permanent exclusion rates by SEN provision (issue 13).

- ``la_exclusions_by_sen_termly_*.csv``: Data to Insight's flattening of DfE's EES dataset
  "Suspensions and permanent exclusions by pupil characteristic": LA × term × phase × SEN group
  (EHC plan, SEN support) with the no-SEN rate beside it. Rates only (per 100 pupils), no counts
  or headcounts; suppressed cells are absent (``SOURCES.md``).
- ``exclusions_national_characteristics_*.csv``: DfE's national file by pupil characteristic,
  2011/12–2016/17, with headcounts and counts. Its "SEN without a statement" is read as SEN
  support and "statement or EHC plan" as EHC plan (the groups before and after the 2014 reforms).

Both become published values of the catalogue keys ``suspension_rate``,
``permanent_exclusion_rate`` and ``one_plus_suspension_rate``, with ``year`` the academic year's
first year (2019 = 2019/20) and ``breakdown`` "term|phase|SEN group" ("Autumn|Total|ehc_plan";
"Year" for a whole academic year).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from etl.checks.published import BAD_NUMBER, BAD_PERIOD
from etl.published.areas import ENGLAND_CODE
from etl.published.datasets import DATASET_BY_KEY, find_header
from etl.published.records import FileLoad, PublishedError, Value
from etl.published.symbols import as_float, parse_number

LA_METRICS = {
    "susp_rate": "suspension_rate",
    "perm_excl_rate": "permanent_exclusion_rate",
    "one_plus_susp_rate": "one_plus_suspension_rate",
}
LA_GROUPS = {"EHC plan": "ehc_plan", "SEN support": "sen_support"}
LA_COLUMNS = (
    "time_period",
    "time_identifier",
    "new_la_code",
    "la_name",
    "region_code",
    "region_name",
    "education_phase",
    "metric",
    "send_group",
    "send_value",
    "no_sen_value",
)
LA_RELEASE = (
    "Data to Insight, from DfE EES 'Suspensions and permanent exclusions by pupil "
    "characteristic' ({first} – {last})"
)
NATIONAL_GROUPS = {
    "sen_provision_no_sen": "no_sen",
    "sen_provision_sen_with_statement_ehc": "ehc_plan",
    "sen_provision_sen_without_statement": "sen_support",
}
# measure → (rate column, count column); the denominator is the headcount.
NATIONAL_MEASURES = {
    "suspension_rate": ("fixed_excl_rate", "fixed_excl"),
    "permanent_exclusion_rate": ("perm_excl_rate", "perm_excl"),
    "one_plus_suspension_rate": ("one_plus_fixed_rate", "one_plus_fixed"),
}
NATIONAL_COLUMNS = (
    "year",
    "school_type",
    "characteristic_desc",
    "characteristic_1",
    "characteristic_2",
    "headcount",
    *(c for pair in NATIONAL_MEASURES.values() for c in pair),
)


def academic_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _year(text: str) -> int | None:
    """ "201920" → 2019 (an academic year written as its two years); None if not one."""
    text = text.strip()
    if len(text) == 6 and text.isdigit() and int(text[4:]) == (int(text[:4]) + 1) % 100:
        return int(text[:4])
    return None


def _rows(path: Path, required: tuple[str, ...]) -> tuple[list[list[str]], dict[str, int]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise PublishedError(f"{path.name}: the file is empty")
    header = find_header(rows, required)
    if header.missing:
        raise PublishedError(
            f"{path.name}: columns {', '.join(header.missing)} are missing, so this is not the "
            "exclusions file this tool knows"
        )
    return rows, header.columns


def read_la_exclusions(path: Path) -> FileLoad:
    """LA × term × phase rates by SEN group, and the no-SEN rate beside them."""
    dataset = DATASET_BY_KEY["la_exclusions_by_sen"]
    load = FileLoad(dataset.key, path)
    rows, col = _rows(path, LA_COLUMNS)
    load.rows_read = len(rows) - 1  # the data rows, as for EES files
    seen_no_sen: set[tuple[str, ...]] = set()
    years: list[tuple[int, str]] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            load.not_used["blank rows"] += 1
            continue

        def cell(name: str, row: list[str] = row) -> str:
            i = col[name]
            return row[i].strip() if i < len(row) else ""

        year = _year(cell("time_period"))
        term = cell("time_identifier").replace(" term", "").strip()
        if year is None or term not in ("Autumn", "Spring", "Summer"):
            load.problem(
                line,
                "time_period",
                BAD_PERIOD,
                f"row {line}: '{cell('time_period')} {cell('time_identifier')}' is not an "
                "academic year and term",
            )
            continue
        measure = LA_METRICS.get(cell("metric"))
        group = LA_GROUPS.get(cell("send_group"))
        if measure is None or group is None:
            load.not_used[
                f"metric or SEN group not used ({cell('metric')}, {cell('send_group')})"
            ] += 1
            continue
        years.append((year, term))
        phase = cell("education_phase")
        period = f"{term} term {academic_label(year)}"
        base: dict[str, Any] = {
            "dataset": dataset.key,
            "measure": measure,
            "year": year,
            "period": period,
            "level": "LA",
            "area_code": cell("new_la_code"),
            "old_la_code": None,
            "area_name": cell("la_name"),
            "region_code": cell("region_code") or None,
            "region_name": cell("region_name") or None,
            "numerator": None,
            "denominator": None,
            "source_file": path.name,
            "release": "",
            "release_rank": dataset.release_rank,
            "source_row": line,
        }
        pairs = [(group, cell("send_value"))]
        key = (cell("new_la_code"), cell("time_period"), term, phase, measure)
        if key not in seen_no_sen:
            seen_no_sen.add(key)
            pairs.append(("no_sen", cell("no_sen_value")))
        for sen_group, raw in pairs:
            number = parse_number(raw)
            if number.status == "invalid":
                load.problem(line, "send_value", BAD_NUMBER, f"row {line}: '{raw}' is not a number")
            load.values.append(
                Value(
                    **base,
                    breakdown=f"{term}|{phase}|{sen_group}",
                    value=as_float(number.value),
                    status=number.status,
                )
            )
        load.rows_loaded += 1
    if years:
        first, last = min(years, key=_term_order), max(years, key=_term_order)
        load.release = LA_RELEASE.format(
            first=f"{first[1].lower()} {academic_label(first[0])}",
            last=f"{last[1].lower()} {academic_label(last[0])}",
        )
        for value in load.values:
            value.release = load.release
    return load


def _term_order(item: tuple[int, str]) -> tuple[int, int]:
    return item[0], ("Autumn", "Spring", "Summer").index(item[1])


def read_national_exclusions(path: Path) -> FileLoad:
    """England's annual rates (and counts) by SEN provision, 2011/12–2016/17."""
    dataset = DATASET_BY_KEY["exclusions_national"]
    load = FileLoad(dataset.key, path)
    rows, col = _rows(path, NATIONAL_COLUMNS)
    load.rows_read = len(rows) - 1  # the data rows, as for EES files
    years: list[int] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            load.not_used["blank rows"] += 1
            continue

        def cell(name: str, row: list[str] = row) -> str:
            i = col[name]
            return row[i].strip() if i < len(row) else ""

        desc = cell("characteristic_desc")
        if desc.lower() != "sen_provision" or cell("characteristic_2").lower() != "total":
            load.not_used[f"breakdown by {desc or 'blank'} (not used)"] += 1
            continue
        group = NATIONAL_GROUPS.get(cell("characteristic_1").lower())
        if group is None:
            load.not_used[f"SEN provision {cell('characteristic_1')} (not used)"] += 1
            continue
        year = _year(cell("year"))
        if year is None:
            load.problem(line, "year", BAD_PERIOD, f"row {line}: '{cell('year')}' is not a year")
            continue
        years.append(year)
        school_type = cell("school_type")
        phase = "Special" if school_type.lower() == "special" else school_type
        headcount = parse_number(cell("headcount"))
        for measure, (rate_column, count_column) in NATIONAL_MEASURES.items():
            rate = parse_number(cell(rate_column))
            count = parse_number(cell(count_column))
            load.values.append(
                Value(
                    dataset=dataset.key,
                    measure=measure,
                    year=year,
                    period=academic_label(year),
                    level="England",
                    area_code=ENGLAND_CODE,
                    old_la_code=None,
                    area_name="England",
                    region_code=None,
                    region_name=None,
                    breakdown=f"Year|{phase}|{group}",
                    value=as_float(rate.value),
                    numerator=as_float(count.value),
                    denominator=as_float(headcount.value),
                    status=rate.status,
                    source_file=path.name,
                    release="",
                    release_rank=dataset.release_rank,
                    source_row=line,
                )
            )
        load.rows_loaded += 1
    if years:
        load.release = (
            "DfE 'Permanent and fixed-period exclusions in England', national characteristics "
            f"{academic_label(min(years))} – {academic_label(max(years))}"
        )
        for value in load.values:
            value.release = load.release
    return load
