"""Published benchmarks: DfE EHC plan statistics, the tribunal appeal rate, statistical neighbours.

``python -m etl load-published DIR`` finds the files by name anywhere under DIR, reads them into a
long table of (measure, year, area) values and publishes ``published.duckdb`` beside the warehouse
the same way the warehouse is published: a new file, then ``os.replace``, under the load lock.

The files are public data (Open Government Licence). The repository holds none of them; users get
them with ``python -m etl fetch-published`` or from their own download.

Quirks handled (DESIGN §3 "Published benchmarks", issue 3):
- every number is text, sometimes with spaces, thousands commas or a trailing ``%``;
- ``x`` (not available), ``z`` (not applicable), ``c`` / ``low`` / ``~`` (suppressed), ``..`` and
  blanks are kept as a status with no value — never 0;
- header case changes between releases (``PC_plans_issued_20_weeks_ex``): headers are lower-cased;
- national, regional and LA rows share a file; LAs carry a 9-character and a 3-digit code;
- boundary changes (BCP 2019, Dorset 2019, Northamptonshire 2021, Cumbria 2023): each LA keeps its
  own code; :data:`PREDECESSORS` links successors to the areas they replaced;
- an LA whose excluding-exceptions denominator is zero (Dorset, City of London in 2024) has no
  value ("no plans"), never 0%.

Every row read ends in one place: loaded, "not used" (a breakdown this tool does not show, such
as by sex or ethnicity, counted per file and reason) or rejected with file, row, column and reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from etl.catalogue import CATALOGUE, Metric, Polarity

PUBLISHED_NAME = "published.duckdb"
ENGLAND_CODE = "E92000001"

# Symbols EES and MoJ tables use instead of a number. Each is kept as the value's status.
SYMBOLS = {
    "x": "not available",
    "z": "not applicable",
    "c": "suppressed",
    "low": "suppressed (low)",
    "~": "suppressed",
    "..": "not available",
    ":": "not available",
    "u": "low reliability",
}


@dataclass(frozen=True)
class Measure:
    """A published measure as the Benchmarking page groups it; what it means is the catalogue's
    entry of the same key (:mod:`etl.catalogue`)."""

    key: str
    group: str

    @property
    def metric(self) -> Metric:
        return CATALOGUE[self.key]

    @property
    def title(self) -> str:
        return self.metric.shown_published_title

    @property
    def definition(self) -> str:
        return self.metric.shown_published_definition

    @property
    def unit(self) -> str:
        return self.metric.unit

    @property
    def polarity(self) -> Polarity:
        return self.metric.polarity

    @property
    def decimals(self) -> int:
        return self.metric.decimals


# The published measures in the order the page, the CLI and the JSON list them, by group.
MEASURES: dict[str, Measure] = {
    key: Measure(key, group)
    for group, keys in (
        (
            "Timeliness",
            (
                "pct_within_20_weeks_excl_exceptions",
                "pct_within_20_weeks",
                "pct_20_weeks_to_1_year",
                "pct_over_1_year",
                "pct_20_weeks_to_1_year_excl_exceptions",
                "pct_over_1_year_excl_exceptions",
                "plans_issued",
            ),
        ),
        (
            "Requests and assessments",
            (
                "requests_received",
                "pct_agreed_to_assess",
                "pct_decisions_within_6_weeks",
                "pct_assessments_plan_issued",
            ),
        ),
        (
            "Caseload",
            (
                "plans_in_place",
                "new_plans",
                "plans_ceased",
            ),
        ),
        (
            "Annual reviews",
            ("pct_annual_review_decisions_within_4_weeks",),
        ),
        (
            "Tribunals",
            ("tribunal_appeal_rate",),
        ),
    )
    for key in keys
}

# Primary need codes in the need-mix files, with DfE's labels.
NEEDS = {
    "asd": "Autistic spectrum disorder",
    "hi": "Hearing impairment",
    "mld": "Moderate learning difficulty",
    "msi": "Multi-sensory impairment",
    "oth": "Other difficulty or disability",
    "pd": "Physical disability",
    "pmld": "Profound and multiple learning difficulty",
    "semh": "Social, emotional and mental health",
    "slcn": "Speech, language and communication needs",
    "sld": "Severe learning difficulty",
    "spld": "Specific learning difficulty",
    "vi": "Visual impairment",
    "unknown": "Need not yet assessed or unknown",
}
NEED_MEASURES = {
    "sen_needs_all_plans": "need_mix_all_plans",
    "sen_need_newplans": "need_mix_new_plans",
}

# Successor LA (9-character code) -> the areas it replaced, with the year it started reporting.
PREDECESSORS: dict[str, tuple[int, tuple[str, ...]]] = {
    "E06000058": (2019, ("E06000028", "E06000029")),  # BCP <- Bournemouth, Poole (+ part of Dorset)
    "E06000059": (2019, ("E10000009",)),  # Dorset (unitary) <- Dorset county council
    "E06000061": (2021, ("E10000021",)),  # North Northamptonshire <- Northamptonshire
    "E06000062": (2021, ("E10000021",)),  # West Northamptonshire <- Northamptonshire
    "E06000063": (2023, ("E10000006",)),  # Cumberland <- Cumbria
    "E06000064": (2023, ("E10000006",)),  # Westmorland and Furness <- Cumbria
}

# Names in the statistical-neighbour lookup that are spelt differently in the EES files.
NAME_ALIASES = {
    "bedford borough": "bedford",
    "durham": "county durham",
    "herefordshire": "herefordshire, county of",
}


class PublishedError(RuntimeError):
    """A problem that stops a published load, in words a user can act on."""

    def __init__(self, message: str, rule: str = "published_file_unreadable"):
        super().__init__(message)
        self.rule = rule


# --------------------------------------------------------------------------------------------
# Cell parsing


@dataclass(frozen=True)
class Num:
    """A published cell: a number, or a status saying why there is none."""

    value: Decimal | None
    status: str | None = None  # "x", "z", "c", "low", "blank", "invalid", "no plans"


def parse_number(raw: str | None) -> Num:
    """Parse a published cell: ``" 47.665"``, ``"1,071"``, ``"0.70%"``, ``"x"``, ``""``."""
    text = (raw or "").strip()
    if not text:
        return Num(None, "blank")
    lowered = text.lower()
    if lowered in SYMBOLS:
        return Num(None, lowered)
    cleaned = text.replace(",", "").replace("%", "").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return Num(None, "invalid")
    if not number.is_finite():
        return Num(None, "invalid")
    return Num(number)


def round_half_away(value: Decimal | float | None, decimals: int) -> float | None:
    """Round half away from zero (DESIGN §4) — Python's round() rounds half to even."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    step = Decimal(1).scaleb(-decimals)
    return float(number.quantize(step, rounding=ROUND_HALF_UP))


def normalise_name(name: str) -> str:
    """Case-, space- and punctuation-insensitive LA name for matching."""
    text = re.sub(r"[^a-z0-9, ]+", " ", name.lower().replace("&", " and "))
    text = re.sub(r"\s+", " ", text).strip()
    return NAME_ALIASES.get(text, text)


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


# --------------------------------------------------------------------------------------------
# Datasets: which file holds which measure


@dataclass(frozen=True)
class Column:
    """A measure taken from one EES file: value column and, if published, its counts."""

    measure: str
    value: str
    numerator: str | None = None
    denominator: str | tuple[str, ...] | None = None  # a tuple is summed


@dataclass(frozen=True)
class Dataset:
    """A published file we know, how to find it and what it holds."""

    key: str
    pattern: str  # regex on the normalised file stem
    title: str
    kind: str  # "ees", "tribunals", "neighbours"
    columns: tuple[Column, ...] = ()
    headline_topic: bool = True  # only rows whose breakdown_topic is "All …" (or = breakdown)
    release_rank: int = 2  # which wins when two files give the same figure (higher wins)


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "timeliness_20_week",
        r"timeliness_20_week",
        "EHC plans issued within 20 weeks",
        "ees",
        (
            Column(
                "pct_within_20_weeks_excl_exceptions",
                "pc_plans_issued_20_weeks_ex",
                "plans_issued_20_weeks_ex",
                "plans_issued_den_ex",
            ),
            Column(
                "pct_within_20_weeks",
                "pc_plans_issued_within_20_weeks",
                "plans_issued_within_20_weeks",
                "plans_issued_den",
            ),
            Column(
                "pct_20_weeks_to_1_year",
                "pc_plans_issued_gt20weeks_ltyear",
                "plans_issued_gt20weeks_ltyear",
                "plans_issued_den",
            ),
            Column(
                "pct_over_1_year",
                "pc_plans_issued_gt_1_year",
                "plans_issued_gt_1_year",
                "plans_issued_den",
            ),
            Column(
                "pct_20_weeks_to_1_year_excl_exceptions",
                "pc_plans_issued_gt20weeks_ltyear_ex",
                "plans_issued_gt20weeks_ltyear_ex",
                "plans_issued_den_ex",
            ),
            Column(
                "pct_over_1_year_excl_exceptions",
                "pc_plans_issued_gt_1_year_ex",
                "plans_issued_gt_1_year_ex",
                "plans_issued_den_ex",
            ),
            Column("plans_issued", "plans_issued_den"),
        ),
    ),
    Dataset(
        "requests",
        r"requests",
        "Requests for EHC needs assessment",
        "ees",
        (
            Column("requests_received", "requests_received_in_year"),
            Column(
                "pct_agreed_to_assess",
                "request_assess_pc",
                "requests_decided_to_assess",
                "requests_received_in_year",
            ),
            Column(
                "pct_decisions_within_6_weeks",
                "request_outcome_six_weeks_pc",
                "request_outcome_six_weeks",
                ("request_outcome_six_weeks", "request_outcome_over_6_weeks"),
            ),
        ),
    ),
    Dataset(
        "assessments",
        r"assessments",
        "EHC needs assessments",
        "ees",
        (
            Column(
                "pct_assessments_plan_issued", "assess_issued_pc", "assess_issued", "assess_in_year"
            ),
        ),
    ),
    Dataset(
        "caseload",
        r"caseload",
        "EHC plans in place (January)",
        "ees",
        (Column("plans_in_place", "ehcplans"),),
    ),
    Dataset(
        "sen_needs_all_plans",
        r"sen_needs?_all_plans",
        "Primary need of all EHC plans",
        "ees",
    ),
    Dataset(
        "sen_need_newplans",
        r"sen_needs?_new_?plans",
        "Primary need of new EHC plans",
        "ees",
    ),
    Dataset(
        "annual_reviews",
        r"annual_reviews",
        "Annual reviews",
        "ees",
        (
            Column(
                "pct_annual_review_decisions_within_4_weeks",
                "pc_decsion_4weeks",
                "number_decsion_4weeks",
                ("number_decsion_4weeks", "number_decision_gt_4weeks"),
            ),
        ),
    ),
    Dataset(
        "newplans",
        r"newplans",
        "New EHC plans by placement",
        "ees",
        (Column("new_plans", "new_ehc_plans"),),
    ),
    Dataset(
        "ceased_plans",
        r"ceased_plans",
        "EHC plans ceased",
        "ees",
        (Column("plans_ceased", "total_ceased"),),
    ),
    Dataset(
        "sen2_mi",
        r"sen2_mi(_\d{4}_\d{4})?",
        "SEN2 historic series 2014–2022",
        "ees",
        (
            Column(
                "pct_within_20_weeks_excl_exceptions",
                "no_exc_20week_rate",
                "no_exc_20week_ehc",
                "tot_no_exc_ehc",
            ),
            Column(
                "pct_within_20_weeks",
                "inc_exc_20week_rate",
                "inc_exc_20week_ehc",
                "tot_inc_exc_ehc",
            ),
            Column("plans_issued", "tot_inc_exc_ehc"),
            Column("requests_received", "inreq_ehc"),
        ),
        headline_topic=False,
        release_rank=1,
    ),
    Dataset(
        "tribunals",
        r".*tribunal.*appeal.*rate.*",
        "SEND Tribunal appeal rate",
        "tribunals",
    ),
    Dataset("stat_neighbours", r".*stat.*neighbou?rs?.*", "Statistical neighbours", "neighbours"),
)
DATASET_BY_KEY = {d.key: d for d in DATASETS}


def _stem(path: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_")


def dataset_for(path: Path) -> Dataset | None:
    """Which dataset a file is, by its name (``timeliness_20_week.csv``, ``…_2025.csv``)."""
    if path.suffix.lower() != ".csv":
        return None
    stem = _stem(path)
    for dataset in DATASETS:
        if re.fullmatch(rf"{dataset.pattern}(_\d{{4}})?", stem):
            return dataset
    return None


def find_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Known published files anywhere under ``folder``; when one dataset is found twice, the
    copy covering the latest period wins, and a note says which was used."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            dataset = dataset_for(path)
            if dataset:
                found[dataset.key].append(path)
    chosen: dict[str, Path] = {}
    notes: list[str] = []
    for key, paths in found.items():
        best = (
            paths[0]
            if len(paths) == 1
            else max(paths, key=lambda p: (_latest_period_text(p), p.stat().st_mtime))
        )
        chosen[key] = best
        if len(paths) > 1:
            others = ", ".join(str(p) for p in paths if p != best)
            notes.append(f"{key}: {len(paths)} copies found; used {best} (not {others})")
    return chosen, notes


def _latest_period_text(path: Path) -> str:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            if "time_period" not in header:
                return ""
            index = header.index("time_period")
            return max((row[index] for row in reader if len(row) > index), default="")
    except (OSError, UnicodeDecodeError, csv.Error):
        return ""


# --------------------------------------------------------------------------------------------
# Reading


@dataclass
class Value:
    dataset: str
    measure: str
    year: int
    period: str
    level: str  # "England", "Region", "LA"
    area_code: str
    old_la_code: str | None
    area_name: str
    region_code: str | None
    region_name: str | None
    breakdown: str
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str | None
    source_file: str
    release: str
    release_rank: int
    source_row: int


@dataclass
class FileLoad:
    """What happened to one file's rows."""

    dataset: str
    path: Path
    release: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    not_used: Counter[str] = field(default_factory=Counter)
    problems: list[dict[str, Any]] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    neighbours: list[tuple[str, int, str]] = field(default_factory=list)  # (la name, pos, name)
    message: str = ""

    @property
    def rows_rejected(self) -> int:
        return len({p["row"] for p in self.problems if p["severity"] == "error" and p["row"]})

    def problem(self, row: int | None, column: str | None, rule: str, severity: str, msg: str):
        self.problems.append(
            {
                "dataset": self.dataset,
                "file": self.path.name,
                "row": row,
                "column": column,
                "rule": rule,
                "severity": severity,
                "message": msg,
            }
        )


LEVELS = {"national": "England", "regional": "Region", "local authority": "LA"}


def _scan_csv(
    path: Path, headline_only: bool
) -> tuple[list[str], list[tuple[int, dict[str, str]]], int, Counter[str]]:
    """Read a tidy CSV with DuckDB (fast; every value as text) and return (lower-cased header,
    the rows to use as (line number, dict), rows read, rows not used by reason).

    With ``headline_only`` only rows whose breakdown_topic is "All …" (or equals the breakdown)
    are returned; the rest are counted per topic. Line numbers count the header as line 1.
    """
    con = duckdb.connect(":memory:")
    try:
        escaped = str(path).replace("'", "''")
        con.execute(
            "CREATE TABLE raw AS SELECT row_number() OVER () + 1 AS __line, * FROM read_csv("
            f"'{escaped}', all_varchar = true, header = true, null_padding = true, "
            "strict_mode = false, normalize_names = false)"
        )
        columns = [c[0] for c in con.execute("DESCRIBE raw").fetchall()][1:]
        header = [c.strip().lower().lstrip("\ufeff") for c in columns]
        total_row = con.execute("SELECT count(*) FROM raw").fetchone()
        total = int(total_row[0]) if total_row else 0
        by_lower = {h: c for h, c in zip(header, columns, strict=True)}
        not_used: Counter[str] = Counter()
        where = "TRUE"
        if headline_only and "breakdown_topic" in by_lower:
            topic = f"trim(coalesce(\"{by_lower['breakdown_topic']}\", ''))"
            breakdown = (
                f"trim(coalesce(\"{by_lower['breakdown']}\", ''))"
                if "breakdown" in by_lower
                else "''"
            )
            where = f"(lower({topic}) LIKE 'all %' OR ({topic} <> '' AND {topic} = {breakdown}))"
            for name, count in con.execute(
                f"SELECT {topic}, count(*) FROM raw WHERE NOT {where} GROUP BY 1"
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
            {h: ("" if v is None else v) for h, v in zip(header, record[1:], strict=True)},
        )
        for record in selected
    ]
    return header, rows, total, not_used


def _release_label(dataset: Dataset, release_year: int) -> str:
    """The release a file belongs to. EHC plan statistics are published each June, covering
    the previous calendar year and the January caseload of the same year."""
    if dataset.key == "sen2_mi":
        return f"DfE EES 'Education, health and care plans' {release_year} release (sen2_mi)"
    if dataset.key == "tribunals":
        return f"MoJ / DfE SEND Tribunal appeal rate 2014–{release_year}"
    return f"DfE EES 'Education, health and care plans' {release_year} release"


def read_ees(path: Path, dataset: Dataset) -> FileLoad:
    """Read one EES tidy CSV into values. Only the headline rows ("All …" breakdown) are used;
    the others (by age, sex, ethnicity …) are counted as not used."""
    load = FileLoad(dataset.key, path)
    header_list, rows, load.rows_read, not_used = _scan_csv(path, dataset.headline_topic)
    load.not_used.update(not_used)
    if not load.rows_read:
        raise PublishedError(f"{path.name}: the file has a header but no rows")
    header = set(header_list)
    required = {"time_period", "geographic_level"}
    for column in dataset.columns:
        required.add(column.value)
    missing = sorted(required - header)
    if missing:
        raise PublishedError(
            f"{path.name}: required column {', '.join(missing)} is missing, so this file was not "
            "loaded (is it a different release or a different file with the same name?)",
            "column_missing",
        )
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
                "published_bad_period",
                "error",
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
                "published_bad_level",
                "error",
                f"geographic_level {row.get('geographic_level')!r} is not National, Regional "
                "or Local authority; row not loaded",
            )
            continue
        years.append(parsed[0] + (1 if parsed[1].startswith("Calendar") else 0))
        staged.append((number, row, parsed[0], parsed[1], level))
    if not years:
        raise PublishedError(f"{path.name}: no headline rows (breakdown 'All …') with a year")
    release = _release_label(dataset, max(years))
    load.release = release
    for number, row, year, period, level in staged:
        area = _area(row, level)
        if area is None:
            load.problem(
                number,
                "new_la_code",
                "published_no_area_code",
                "error",
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
                "published_duplicate_row",
                "error",
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
    measure = MEASURES.get(column.measure)
    decimals = measure.decimals if measure else 1
    cell = parse_number(row.get(column.value))
    if cell.status == "invalid":
        load.problem(
            number,
            column.value,
            "published_bad_number",
            "query",
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
    if denominator is not None and denominator == 0 and (measure and measure.unit == "%"):
        # "No value", never 0%: DfE publishes x (or z) here; some files print 0.
        value, status = None, "no plans"
    return Value(
        measure=column.measure,
        breakdown=breakdown,
        value=value,
        numerator=None if numerator is None else float(numerator),
        denominator=None if denominator is None else float(denominator),
        status=status,
        **base,
    )


def read_tribunals(path: Path, directory: list[tuple[str, str, str, int]]) -> FileLoad:
    """The MoJ/DfE appeal-rate table: title rows, a year header row, a sub-header row, region
    heading rows, one row per LA (name with footnote digits, 3-digit code), an England total
    row, then notes.

    ``directory`` lists the LAs of the EES files: (3-digit code, 9-character code, name, last
    year). A row is matched by its **name** first: in the 2014–2024 table the codes of five rows
    are wrong (Northamptonshire, Nottingham and Nottinghamshire carry each other's codes;
    Cambridgeshire and Central Bedfordshire each other's), while the names agree with the sizes
    and the footnotes. A name and code that disagree are listed as a query; a row whose name
    matches no LA is matched by its code; a row matching neither is rejected.
    """
    dataset = DATASET_BY_KEY["tribunals"]
    load = FileLoad(dataset.key, path)
    names: dict[str, tuple[str, str, str]] = {}
    codes: dict[str, tuple[str, str, str]] = {}
    for old, la_code, la_name, _last in sorted(directory, key=lambda d: d[3]):
        names[normalise_name(la_name)] = (la_code, la_name, old)  # latest reporting LA wins
        if old:
            codes[old] = (la_code, la_name, old)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    load.rows_read = len(rows)
    header_index = next(
        (i for i, r in enumerate(rows[:30]) if r and r[0].strip().lower() == "local authority"),
        None,
    )
    if header_index is None or header_index + 1 >= len(rows):
        raise PublishedError(
            f"{path.name}: no 'Local Authority' header row found in the first 30 rows, so this "
            "is not the tribunal appeal-rate table this tool knows"
        )
    years_row, sub_row = rows[header_index], rows[header_index + 1]
    blocks: list[tuple[int, int]] = []  # (year, column of "SEND Tribunal Appeal Rate")
    current_year: int | None = None
    for index, cell in enumerate(years_row):
        if re.fullmatch(r"\s*\d{4}\s*", cell or ""):
            current_year = int(cell)
        sub = (sub_row[index] if index < len(sub_row) else "").lower()
        if current_year and sub.startswith("send tribunal appeal rate"):
            blocks.append((current_year, index))
    if not blocks:
        raise PublishedError(f"{path.name}: no 'SEND Tribunal Appeal Rate' columns found")
    latest = max(year for year, _ in blocks)
    load.release = _release_label(dataset, latest)
    load.not_used["title and header rows"] += header_index + 2
    for offset, row in enumerate(rows[header_index + 2 :], start=header_index + 3):
        name = (row[0] if row else "").strip()
        code = (row[1] if len(row) > 1 else "").strip()
        if not any(c.strip() for c in row):
            load.not_used["blank rows"] += 1
            continue
        if name.lower().startswith("england total") and "excluding" not in name.lower():
            area: tuple[str, str | None, str, str] = (
                ENGLAND_CODE,
                None,
                "England",
                "England",
            )
        else:
            clean = re.sub(r"\d[\d,]*$", "", name).strip()
            by_name = names.get(normalise_name(clean)) if clean else None
            by_code = codes.get(code) if re.fullmatch(r"\d{3}", code) else None
            found = by_name or by_code
            if found is None:
                if re.fullmatch(r"\d{3}", code):
                    load.problem(
                        offset,
                        "LA code",
                        "published_unknown_la",
                        "error",
                        f"{clean} ({code}) matches no LA in the EES files loaded with it, by "
                        "name or code; row not loaded",
                    )
                else:
                    load.not_used["region headings, notes and footnotes"] += 1
                continue
            if by_name and by_code and by_name != by_code:
                load.problem(
                    offset,
                    "LA code",
                    "published_code_name_mismatch",
                    "query",
                    f"the row is named {clean} but its code {code} is {by_code[1]} in the EES "
                    f"files; matched by name to {by_name[1]} ({by_name[0]})",
                )
            # The LA's own 3-digit code from EES, not the table's (wrong for five rows).
            area = (found[0], found[2] or None, found[1], "LA")
        area_code, old_code, area_name, level = area
        for year, column in blocks:
            rate = parse_number(row[column] if column < len(row) else "")
            decisions = parse_number(row[column - 1] if column >= 1 else "")
            status = rate.status if rate.status != "blank" else "not available"
            if rate.status == "invalid" and (row[column].strip() == "-"):
                rate, status = Num(Decimal(0)), None
            elif rate.status == "invalid":
                load.problem(
                    offset,
                    f"{year} appeal rate",
                    "published_bad_number",
                    "query",
                    f"appeal rate {row[column]!r} is not a number; shown as no value",
                )
            load.values.append(
                Value(
                    dataset=dataset.key,
                    measure="tribunal_appeal_rate",
                    year=year,
                    period=f"Calendar year {year}",
                    level=level,
                    area_code=area_code,
                    old_la_code=old_code,
                    area_name=area_name,
                    region_code=None,
                    region_name=None,
                    breakdown="All",
                    value=round_half_away(rate.value, 2),
                    numerator=_count(row[column - 2] if column >= 2 else ""),
                    denominator=None if decisions.value is None else float(decisions.value),
                    status=None if rate.value is not None else status,
                    source_file=path.name,
                    release=load.release,
                    release_rank=dataset.release_rank,
                    source_row=offset,
                )
            )
        load.rows_loaded += 1
    return load


def _count(text: str) -> float | None:
    """Appeals registered: '-' means none in MoJ tables."""
    if text.strip() == "-":
        return 0.0
    parsed = parse_number(text)
    return None if parsed.value is None else float(parsed.value)


def read_neighbours(path: Path) -> FileLoad:
    """The statistical-neighbour lookup: each column is an LA, its rows are its neighbours in
    order (closest first)."""
    dataset = DATASET_BY_KEY["stat_neighbours"]
    load = FileLoad(dataset.key, path, release="Statistical neighbours lookup (data-to-insight)")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise PublishedError(f"{path.name}: the file is empty")
    load.rows_read = len(rows)
    header = rows[0]
    load.not_used["header row (LA names)"] += 1
    for offset, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            load.not_used["blank rows"] += 1
            continue
        for index, la in enumerate(header):
            if not la.strip():
                continue
            neighbour = row[index].strip() if index < len(row) else ""
            if neighbour:
                load.neighbours.append((la.strip(), offset - 1, neighbour))
        load.rows_loaded += 1
    return load


# --------------------------------------------------------------------------------------------
# Building and publishing


@dataclass
class PublishedReport:
    files: list[FileLoad]
    notes: list[str]
    published: bool
    path: Path

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)


def published_path(folder: Path) -> Path:
    """The published-benchmarks database inside a data folder."""
    return folder / PUBLISHED_NAME


VALUE_FIELDS = [f for f in Value.__dataclass_fields__]


def load_published(
    source: Path, folder: Path, *, publish: bool = True, replace: bool = False
) -> PublishedReport:
    """Find, read and publish the published files under ``source`` into ``folder``.

    Datasets not found this time are kept from the previous published file (unless
    ``replace``), so a user can load one new release file at a time.
    """
    from etl.warehouse import _lock, building  # one writer at a time per data folder

    if not source.exists():
        raise PublishedError(f"{source}: no such folder")
    if source.is_file():
        dataset = dataset_for(source)
        if dataset is None:
            raise PublishedError(
                f"{source.name}: not a published file this tool knows (expected names like "
                "timeliness_20_week.csv, requests.csv, sen2_mi.csv, stat_neighbours.csv)"
            )
        paths, notes = {dataset.key: source}, list[str]()
    else:
        paths, notes = find_files(source)
    if not paths:
        raise PublishedError(
            f"{source}: no published files found under this folder (looked for "
            + ", ".join(d.key + ".csv" for d in DATASETS if d.kind == "ees")
            + ", the tribunal appeal-rate CSV and the statistical-neighbour lookup)"
        )
    loads: list[FileLoad] = []
    for key in sorted(paths, key=lambda k: DATASET_BY_KEY[k].kind == "tribunals"):
        dataset, path = DATASET_BY_KEY[key], paths[key]
        try:
            if dataset.kind == "ees":
                loads.append(read_ees(path, dataset))
            elif dataset.kind == "neighbours":
                loads.append(read_neighbours(path))
            else:
                loads.append(read_tribunals(path, _la_directory(loads, folder)))
        except (PublishedError, UnicodeDecodeError, csv.Error, OSError) as error:
            failed = FileLoad(key, path, message=str(error))
            rule = getattr(error, "rule", "published_file_unreadable")
            failed.problem(None, None, rule, "error", str(error))
            loads.append(failed)
    out = published_path(folder)
    with _lock(folder):
        previous = out if out.exists() and not replace else None
        with building(folder, out, publish=publish) as con:
            _build(con, loads, previous)
    return PublishedReport(loads, notes, publish, out)


def _la_directory(loads: list[FileLoad], folder: Path) -> list[tuple[str, str, str, int]]:
    """(3-digit code, 9-character code, name, last year) of every LA in the files read so far,
    or in the previously published file."""
    latest: dict[str, tuple[str, str, str, int]] = {}
    for load in loads:
        for v in load.values:
            if v.level == "LA" and v.year >= latest.get(v.area_code, ("", "", "", 0))[3]:
                latest[v.area_code] = (v.old_la_code or "", v.area_code, v.area_name, v.year)
    if not latest and published_path(folder).exists():
        con = duckdb.connect(":memory:")
        try:
            path = str(published_path(folder)).replace("'", "''")
            con.execute(f"ATTACH '{path}' AS p (READ_ONLY)")
            for old, code, name, last in con.execute(
                "SELECT coalesce(old_la_code, ''), la_code, la_name, last_year FROM p.pub_la"
            ).fetchall():
                latest[code] = (old, code, name, int(last))
        finally:
            con.close()
    return list(latest.values())


def _arrow(values: Iterable[Value]) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in VALUE_FIELDS}
    for value in values:
        for name in VALUE_FIELDS:
            columns[name].append(getattr(value, name))
    schema = pa.schema(
        [
            (name, pa.int64())
            if name in ("year", "release_rank", "source_row")
            else (name, pa.float64())
            if name in ("value", "numerator", "denominator")
            else (name, pa.string())
            for name in VALUE_FIELDS
        ]
    )
    return pa.table(columns, schema=schema)


def _build(con: duckdb.DuckDBPyConnection, loads: list[FileLoad], previous: Path | None) -> None:
    """Create the published tables from this load plus kept datasets of the previous file."""
    new_values = _arrow(v for load in loads for v in load.values)
    con.register("new_values", new_values)
    con.execute("CREATE TABLE pub_value_all AS SELECT * FROM new_values")
    con.unregister("new_values")
    file_rows = [
        (
            load.dataset,
            load.path.name,
            str(load.path),
            load.release,
            _sha256(load.path),
            load.rows_read,
            load.rows_loaded,
            sum(load.not_used.values()),
            load.rows_rejected,
            load.message,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
        for load in loads
    ]
    con.execute(
        """CREATE TABLE pub_file (dataset VARCHAR, file VARCHAR, path VARCHAR, release VARCHAR,
        sha256 VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_not_used BIGINT,
        rows_rejected BIGINT, message VARCHAR, loaded_at TIMESTAMP)"""
    )
    if file_rows:
        _insert(con, "pub_file", file_rows)
    con.execute(
        """CREATE TABLE pub_not_used (dataset VARCHAR, file VARCHAR, reason VARCHAR,
        rows BIGINT)"""
    )
    not_used = [
        (load.dataset, load.path.name, r, n) for load in loads for r, n in load.not_used.items()
    ]
    if not_used:
        _insert(con, "pub_not_used", not_used)
    con.execute(
        """CREATE TABLE pub_problem (dataset VARCHAR, file VARCHAR, "row" BIGINT,
        "column" VARCHAR, rule VARCHAR, severity VARCHAR, message VARCHAR)"""
    )
    problems = [
        (p["dataset"], p["file"], p["row"], p["column"], p["rule"], p["severity"], p["message"])
        for load in loads
        for p in load.problems
    ]
    con.execute(
        """CREATE TABLE pub_neighbour_raw (la_name VARCHAR, position INTEGER,
        neighbour_name VARCHAR)"""
    )
    neighbour_rows = [n for load in loads for n in load.neighbours]
    if neighbour_rows:
        _insert(con, "pub_neighbour_raw", neighbour_rows)
    loaded_datasets = [load.dataset for load in loads if not load.message]
    if previous is not None:
        path = str(previous).replace("'", "''")
        con.execute(f"ATTACH '{path}' AS prev (READ_ONLY)")
        keep = (
            "SELECT dataset FROM (VALUES "
            + ",".join(f"('{d}')" for d in loaded_datasets or ["-"])
            + ") t(dataset)"
        )
        con.execute(
            f"INSERT INTO pub_value_all SELECT * FROM prev.pub_value_all "
            f"WHERE dataset NOT IN ({keep})"
        )
        con.execute(
            # Kept datasets keep the record of the file they came from, also when this load
            # tried that dataset again and failed (the failure is recorded beside it).
            f"INSERT INTO pub_file SELECT * FROM prev.pub_file WHERE dataset NOT IN ({keep}) "
            "AND message = ''"
        )
        con.execute(
            "INSERT INTO pub_not_used SELECT * FROM prev.pub_not_used "
            "WHERE dataset NOT IN (SELECT dataset FROM pub_file WHERE message = '')"
        )
        con.execute(
            "INSERT INTO pub_problem SELECT * FROM prev.pub_problem "
            "WHERE dataset NOT IN (SELECT dataset FROM pub_file WHERE message = '')"
        )
        if "stat_neighbours" not in loaded_datasets:
            con.execute("INSERT INTO pub_neighbour_raw SELECT * FROM prev.pub_neighbour_raw")
        con.execute("DETACH prev")
    if problems:
        _insert(con, "pub_problem", problems)
    con.execute(_DERIVED_SQL)
    unmatched = con.execute(
        "SELECT DISTINCT name FROM pub_neighbour_unmatched ORDER BY name"
    ).fetchall()
    for (name,) in unmatched:
        con.execute(
            "INSERT INTO pub_problem VALUES ('stat_neighbours', ?, NULL, NULL, "
            "'published_unknown_la', 'query', ?)",
            [
                paths_name(loads, "stat_neighbours"),
                f"statistical neighbour lookup names {name!r}, which matches no LA in the EES "
                "files; it is left out of neighbour comparisons",
            ],
        )


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert many rows at once through Arrow (``executemany`` costs ~1 ms a row in DuckDB)."""
    names = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    frame = pa.table(columns)  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute(f"INSERT INTO {table} SELECT * FROM frame")


def paths_name(loads: list[FileLoad], dataset: str) -> str:
    return next((load.path.name for load in loads if load.dataset == dataset), "")


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


_DERIVED_SQL = f"""
-- One figure per (measure, year, area, breakdown): the newer release wins where two overlap
-- (sen2_mi 2014-2022 and the 2025 release overlap for 2019-2022).
CREATE TABLE pub_value AS
SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (
        PARTITION BY measure, year, level, area_code, breakdown
        ORDER BY release_rank DESC, source_row) AS rn
    FROM pub_value_all)
WHERE rn = 1;

-- LA directory: latest name, codes and region of each LA (9-character code).
CREATE TABLE pub_la AS
SELECT area_code AS la_code,
       arg_max(old_la_code, year) AS old_la_code,
       arg_max(area_name, year) AS la_name,
       arg_max(region_code, year) FILTER (WHERE region_code IS NOT NULL) AS region_code,
       arg_max(region_name, year) FILTER (WHERE region_name IS NOT NULL) AS region_name,
       min(year) AS first_year, max(year) AS last_year
FROM pub_value WHERE level = 'LA'
GROUP BY area_code;

CREATE TABLE pub_predecessor (la_code VARCHAR, since_year INTEGER, predecessor_code VARCHAR);
INSERT INTO pub_predecessor VALUES {
    ", ".join(
        f"('{succ}', {year}, '{pred}')"
        for succ, (year, preds) in PREDECESSORS.items()
        for pred in preds
    )
};

-- Neighbour names -> codes. A name can belong to two LAs over time (Dorset county and Dorset
-- unitary): the one reporting most recently is meant.
CREATE TEMP TABLE la_names AS
SELECT la_code, la_name, last_year,
       regexp_replace(regexp_replace(lower(replace(la_name, '&', ' and ')),
                      '[^a-z0-9, ]+', ' ', 'g'), '\\s+', ' ', 'g') AS norm
FROM pub_la;
CREATE TEMP TABLE name_alias (alias VARCHAR, norm VARCHAR);
INSERT INTO name_alias VALUES {", ".join(f"('{a}', '{n}')" for a, n in NAME_ALIASES.items())};
CREATE TEMP TABLE neighbour_norm AS
SELECT r.*,
       coalesce(a1.norm, trim(regexp_replace(regexp_replace(lower(replace(r.la_name, '&',
                ' and ')), '[^a-z0-9, ]+', ' ', 'g'), '\\s+', ' ', 'g'))) AS la_norm,
       coalesce(a2.norm, trim(regexp_replace(regexp_replace(lower(replace(r.neighbour_name,
                '&', ' and ')), '[^a-z0-9, ]+', ' ', 'g'), '\\s+', ' ', 'g'))) AS nb_norm
FROM pub_neighbour_raw r
LEFT JOIN name_alias a1 ON a1.alias = trim(regexp_replace(regexp_replace(lower(r.la_name),
          '[^a-z0-9, ]+', ' ', 'g'), '\\s+', ' ', 'g'))
LEFT JOIN name_alias a2 ON a2.alias = trim(regexp_replace(regexp_replace(lower(
          r.neighbour_name), '[^a-z0-9, ]+', ' ', 'g'), '\\s+', ' ', 'g'));
CREATE TEMP TABLE best_name AS
SELECT norm, arg_max(la_code, last_year) AS la_code FROM la_names GROUP BY norm;
CREATE TABLE pub_neighbour AS
SELECT l.la_code, n.position, nb.la_code AS neighbour_code, n.neighbour_name
FROM neighbour_norm n
JOIN best_name l ON l.norm = n.la_norm
JOIN best_name nb ON nb.norm = n.nb_norm;
CREATE TABLE pub_neighbour_unmatched AS
SELECT la_name AS name FROM neighbour_norm WHERE la_norm NOT IN (SELECT norm FROM best_name)
UNION
SELECT neighbour_name FROM neighbour_norm WHERE nb_norm NOT IN (SELECT norm FROM best_name);

CREATE TABLE pub_meta AS SELECT now()::TIMESTAMP AS built_at;
"""


# --------------------------------------------------------------------------------------------
# Reading back (CLI, dashboard)


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published benchmarks in ``folder``."""
    path = published_path(folder)
    if not path.exists():
        raise PublishedError(
            f"No published figures loaded in {folder}. Load them with `python -m etl "
            "load-published FOLDER` (e.g. ../shared/reference-data) or `python -m etl "
            "fetch-published`."
        )
    con = duckdb.connect(":memory:")
    escaped = str(path).replace("'", "''")
    con.execute(f"ATTACH '{escaped}' AS published (READ_ONLY)")
    con.execute("USE published")
    return con


def summary_lines(report: PublishedReport) -> list[str]:
    """Human summary of a published load, one line per file."""
    lines = []
    for load in report.files:
        if load.message:
            lines.append(f"{load.path.name}: NOT LOADED — {load.message}")
            continue
        not_used = sum(load.not_used.values())
        lines.append(
            f"{load.path.name} ({load.dataset}; {load.release}): {load.rows_read:,} rows read, "
            f"{load.rows_loaded:,} loaded, {not_used:,} not used, {load.rows_rejected:,} "
            "rejected"
        )
    lines.extend(f"Note: {note}" for note in report.notes)
    return lines


def any_failed(loads: Iterable[FileLoad]) -> bool:
    return any(load.message for load in loads)


def rows_accounted(load: FileLoad) -> bool:
    """Every row read is loaded, not used or rejected (the nothing-lost rule)."""
    return load.rows_read == load.rows_loaded + sum(load.not_used.values()) + load.rows_rejected


Reader = Callable[[Path, Dataset], FileLoad]
