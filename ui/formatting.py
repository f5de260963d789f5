"""How numbers, dates and statuses are written, and how tables are labelled for screen and export.

Pure functions only: no Streamlit, no database. One place decides that a missing percentage reads
"no plans" (never 0% or "nan"), that dates read "1 Nov 2026", and how a table is labelled.

What a published table may show (DESIGN §7) is decided by :mod:`etl.disclosure`, the one
disclosure-control engine; this module only writes its cells as text (``suppress_*``,
:func:`display_table`) or hands its numbers to a CSV / XLSX export (:func:`export_table`).
"Internal" mode shows everything unsuppressed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import pandas as pd

from etl import disclosure
from etl.catalogue import label
from etl.change import MIN_BASE, Trend, describe_trend, small_base  # noqa: F401 (re-exported)
from etl.disclosure import (
    SUPPRESSED,
    ColumnSpec,
    ColumnTotal,
    Disclosed,
    RowTotal,
    TableSpec,
    count_cell,
    is_suppressed,
    pct_cell,
    rate_cell,
    ratio_cell,
)
from etl.disclosure import missing as _missing
from etl.queries import QUERIES
from etl.xlsx_writer import xlsx_bytes

# "public": DfE's (and others') published statistics, already public and suppressed at source.
Mode = Literal["internal", "publish", "public"]
MISSING_PCT = "no plans"
# Below this denominator a published percentage would reveal too much about a few children.
MIN_PUBLISH_DENOMINATOR = disclosure.MIN_BASE  # the same 20 below which a change is not worked out
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


# ---------------------------------------------------------------- numbers and dates on screen


def fmt_count(value: Any) -> str:
    """A whole number with thousands separators ("3,312"); a missing count is "–"; a count
    suppressed by publish mode (``etl.disclosure``) stays "c"."""
    if is_suppressed(value):
        return SUPPRESSED
    if _missing(value):
        return "–"
    return f"{int(value):,}"


def fmt_pct(value: Any, missing: str = MISSING_PCT) -> str:
    """A percentage already rounded by ``etl.metrics.pct``: "45.9%". None/NaN → "no plans";
    suppressed ("c") stays "c"."""
    if is_suppressed(value):
        return SUPPRESSED
    if _missing(value):
        return missing
    return f"{float(value):.1f}%"


def fmt_days(value: Any) -> str:
    """Days to 1 dp without a trailing ".0" ("37.5 days", "140 days"); missing → "–";
    suppressed → "c"."""
    if is_suppressed(value):
        return SUPPRESSED
    if _missing(value):
        return "–"
    number = round_half_away(float(value), 1)
    text = f"{number:,.1f}".removesuffix(".0")
    return f"{text} day" if text == "1" else f"{text} days"


def round_half_away(value: float, places: int = 1) -> float:
    """Round half away from zero (the DESIGN §4 rule; Python's round() rounds half to even).

    Goes through the shortest decimal repr so 0.05 rounds to 0.1 despite binary floating point.
    """
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def fmt_time_limit(days: int) -> str:
    """A time limit as people say it: "20 weeks" for 140 days, else "150 days"."""
    return f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"


def fmt_date(value: Any) -> str:
    """A date as users write it: "1 Nov 2026". Missing → "–"."""
    if _missing(value):
        return "–"
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {value:%b %Y}"


def fmt_datetime(value: Any) -> str:
    """A timestamp as "22 Nov 2026 16:31"."""
    if _missing(value):
        return "–"
    stamp = pd.Timestamp(value)
    return f"{fmt_date(stamp)} {stamp:%H:%M}"


def fmt_month(value: Any) -> str:
    """A month as "Nov 2026"."""
    if _missing(value):
        return "–"
    return f"{pd.Timestamp(value):%b %Y}"


def fmt_x_of_y(numerator: Any, denominator: Any) -> str:
    """ "17 of 37" — the counts behind a percentage."""
    return f"{fmt_count(numerator)} of {fmt_count(denominator)}"


def year_label(year: int, as_of: dt.date) -> str:
    """ "2025", or "2026 so far (to 1 Nov 2026)" when the year is not over on the as-at date."""
    if as_of < dt.date(year, 12, 31):
        return f"{year} so far (to {fmt_date(as_of)})"
    return str(year)


def comparison_text(year: int, as_at: dt.date) -> str:
    """Says what a part-year is compared with: "Compared with the whole of 2025." """
    if as_at < dt.date(year, 12, 31):
        return f"Compared with the whole of {year - 1}, since {year} is not over yet."
    return f"Compared with {year - 1}."


def trend_months(year: int, as_at: dt.date) -> tuple[dt.date, dt.date]:
    """First and last month for a monthly trend of ``year``: the three calendar years to the
    selected one, so the rolling 12-month line has context; never beyond the as-at date."""
    last = min(dt.date(year, 12, 1), as_at.replace(day=1))
    return dt.date(year - 2, 1, 1), last


def one_year_earlier(day: dt.date) -> dt.date:
    """The same date a year earlier (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# ---------------------------------------------------------------- trends and statuses in words


# Trend and describe_trend live in etl.change (one rule for the tiles and the headline list).


STATUS_BADGES = {
    "Breached": "⚠ Breached",
    "At risk": "◐ At risk",
    "On track": "✓ On track",
}
LOAD_STATUS_BADGES = {
    "staged": "✓ Loaded",
    "nothing_loaded": "✗ Nothing loaded (every row rejected)",
    "failed": "✗ Not loaded",
    "skipped": "= Skipped",
}
SEVERITY_BADGES = {"error": "✗ Error (row not loaded)", "query": "? Query (loaded, flagged)"}


def status_badge(status: str) -> str:
    """Status as symbol + words ("⚠ Breached"), so it never depends on colour."""
    return STATUS_BADGES.get(status, status)


# ---------------------------------------------------------------- tables: labels and disclosure

# The kinds of :mod:`etl.disclosure` ("median" and "average" are days here, written "37.5 days");
# "rate": per 100 pupils, 2 dp (exclusions); "ratio": one rate over another, 2 dp (issue 13).
ColumnKind = disclosure.ColumnKind


@dataclass(frozen=True)
class Column:
    """How a query column is labelled, written and (in publish mode) disclosed.

    The label carries the unit ("% within 20 weeks", "Median days", "per 100 pupils"), because
    exports write bare numbers under it. ``internal_only``: free text that may quote figures or
    values from the files (a load's message) is left out of publish-mode tables.
    """

    label: str
    kind: ColumnKind
    # For "pct", "rate", "median" and "average": (numerator, denominator) or (None, count).
    parts: tuple[str | None, str] | None = None
    # For "ratio": the (numerator, denominator) of the rate it is compared with (issue 13).
    reference: tuple[str, str] | None = None
    internal_only: bool = False

    @property
    def spec(self) -> ColumnSpec:
        """The column as the disclosure engine sees it."""
        return ColumnSpec(self.kind, self.parts, self.reference)


def _last_12_months(key: str) -> str:
    # "Plans issued (excluding exceptions)" -> "Plans issued excluding exceptions, last 12 months"
    return label(key).replace(" (", " ").replace(")", "") + ", last 12 months"


# Columns named after a catalogue metric take its short label (one wording for tile, table, CSV).
COLUMNS: dict[str, Column] = {
    "issue_month": Column("Month issued", "month"),
    "plans_issued": Column(label("plans_issued"), "count"),
    "within_20_weeks": Column(label("within_20_weeks"), "count"),
    "after_20_weeks": Column("After 20 weeks", "count"),
    "plans_issued_excl_exceptions": Column(label("plans_issued_excl_exceptions"), "count"),
    "within_20_weeks_excl_exceptions": Column(label("within_20_weeks_excl_exceptions"), "count"),
    "pct_within_20_weeks": Column(
        label("pct_within_20_weeks"), "pct", ("within_20_weeks", "plans_issued")
    ),
    "pct_within_20_weeks_excl_exceptions": Column(
        label("pct_within_20_weeks_excl_exceptions"),
        "pct",
        ("within_20_weeks_excl_exceptions", "plans_issued_excl_exceptions"),
    ),
    "rolling_plans_issued": Column(_last_12_months("plans_issued"), "count"),
    "rolling_within_20_weeks": Column(_last_12_months("within_20_weeks"), "count"),
    "rolling_plans_issued_excl_exceptions": Column(
        _last_12_months("plans_issued_excl_exceptions"), "count"
    ),
    "rolling_within_20_weeks_excl_exceptions": Column(
        _last_12_months("within_20_weeks_excl_exceptions"), "count"
    ),
    "rolling_pct_within_20_weeks": Column(
        f"Rolling 12-month {label('pct_within_20_weeks')}",
        "pct",
        ("rolling_within_20_weeks", "rolling_plans_issued"),
    ),
    "rolling_pct_within_20_weeks_excl_exceptions": Column(
        f"Rolling 12-month {label('pct_within_20_weeks_excl_exceptions')}",
        "pct",
        ("rolling_within_20_weeks_excl_exceptions", "rolling_plans_issued_excl_exceptions"),
    ),
    "weeks_to_issue": Column("Weeks from request to plan issued", "int"),
    "band": Column("Time to issue", "text"),
    "pct_of_plans_issued": Column("% of plans issued", "pct", ("plans_issued", "all_plans_issued")),
    "pct_of_plans_issued_excl_exceptions": Column(
        "% of plans issued (excluding exceptions)",
        "pct",
        ("plans_issued_excl_exceptions", "all_plans_issued_excl_exceptions"),
    ),
    "stage": Column("Stage", "text"),
    "median_days": Column("Median days", "median", (None, "plans_issued")),
    "mean_days": Column("Mean days", "average", (None, "plans_issued")),
    "primary_need": Column("Primary need", "text"),
    "age_group": Column("Age at request", "text"),
    "reference": Column("Reference", "text"),
    "received_date": Column("Received", "date"),
    "weeks_open": Column("Weeks open", "int"),
    "days_left": Column("Days left", "int"),
    "days_over": Column("Days past 20 weeks", "int"),
    "breach_date": Column("20-week date", "date"),
    "status": Column("Status", "text"),
    "open_requests": Column(label("open_requests"), "count"),
    "file": Column("File", "text"),
    "loaded_at": Column("Loaded at", "datetime"),
    # What a file holds, as the loader saw it: it can quote counts ("2910 events").
    "shape": Column("Shape", "text", internal_only=True),
    "message": Column("Message", "text", internal_only=True),
    # Rows are records about children: counts, so publish mode rounds and suppresses them too.
    "rows_read": Column("Rows read", "count"),
    "rows_loaded": Column("Rows loaded", "count"),
    "rows_rejected": Column("Rows rejected", "count"),
    "rows_superseded": Column("Rows superseded", "count"),
    "queries": Column("Queries", "count"),
    "sheet": Column("Sheet", "text"),
    "row": Column("Row", "int"),
    "column": Column("Column", "text"),
    "rule": Column("Rule", "text"),
    "severity": Column("Severity", "text"),
    "problems": Column("Problems", "int"),
    # Annual reviews (issue 10, ui/reviews_view.py).
    "review_status": Column("Annual review position", "text"),
    "plans": Column("EHC plans", "count"),
    # Suspensions and permanent exclusions (issue 13): counts, rates per 100 pupils, relative risk.
    "sen_group_label": Column("SEN provision", "text"),
    "period": Column("Period", "text"),
    "academic_year_label": Column("Academic year", "text"),
    "suspensions": Column(label("suspensions"), "count"),
    "permanent_exclusions": Column(label("permanent_exclusions"), "count"),
    "pupils_suspended": Column(label("pupils_suspended"), "count"),
    "pupils_repeat_suspended": Column("Pupils suspended 2+ times", "count"),
    "headcount": Column(label("headcount"), "count"),
    "suspension_rate": Column(label("suspension_rate"), "rate", ("suspensions", "headcount")),
    "permanent_exclusion_rate": Column(
        label("permanent_exclusion_rate"), "rate", ("permanent_exclusions", "headcount")
    ),
    "one_plus_suspension_rate": Column(
        label("one_plus_suspension_rate"), "rate", ("pupils_suspended", "headcount")
    ),
    "repeat_suspension_rate": Column(
        label("repeat_suspension_rate"), "rate", ("pupils_repeat_suspended", "headcount")
    ),
    "relative_risk_suspension": Column(
        label("relative_risk_suspension"),
        "ratio",
        ("suspensions", "headcount"),
        ("ref_suspensions", "ref_headcount"),
    ),
    "school_name": Column("School", "text"),
    "school_urn": Column("URN", "text"),
    "phase": Column("Phase", "text"),
    "send_suspensions": Column("Suspensions, pupils with SEND", "count"),
    "send_pupils_suspended": Column("Pupils with SEND suspended", "count"),
    "send_headcount": Column("Pupils with SEND", "count"),
    "send_suspension_rate": Column(
        "Suspensions per 100 pupils with SEND", "rate", ("send_suspensions", "send_headcount")
    ),
    "no_sen_suspension_rate": Column(
        "Suspensions per 100 pupils without SEN",
        "rate",
        ("no_sen_suspensions", "no_sen_headcount"),
    ),
    "small_numbers": Column("Small numbers", "text"),
    "reason": Column("Reason", "text"),
    "events": Column("Events", "count"),
    "suspensions_in_year": Column("Suspensions in the year", "text"),
    "pupils": Column("Pupils", "count"),
    "sen_source": Column("SEN provision from", "text"),
}


# The columns each query's table shows, in order (helper columns such as totals are left out).
_WITHIN_BOTH_WAYS = [
    "plans_issued",
    "within_20_weeks",
    "pct_within_20_weeks",
    "plans_issued_excl_exceptions",
    "within_20_weeks_excl_exceptions",
    "pct_within_20_weeks_excl_exceptions",
]
TABLE_COLUMNS: dict[str, list[str]] = {
    "issued_monthly": [
        "issue_month",
        *_WITHIN_BOTH_WAYS,
        # Each rolling percentage with the counts it rests on, so that an export shows them.
        "rolling_plans_issued",
        "rolling_within_20_weeks",
        "rolling_pct_within_20_weeks",
        "rolling_plans_issued_excl_exceptions",
        "rolling_within_20_weeks_excl_exceptions",
        "rolling_pct_within_20_weeks_excl_exceptions",
    ],
    "weeks_to_issue": ["weeks_to_issue", "plans_issued", "within_20_weeks", "after_20_weeks"],
    "bands": [
        "band",
        "plans_issued",
        "pct_of_plans_issued",
        "plans_issued_excl_exceptions",
        "pct_of_plans_issued_excl_exceptions",
    ],
    "stage_timing": ["stage", "plans_issued", "median_days", "mean_days"],
    "by_primary_need": ["primary_need", *_WITHIN_BOTH_WAYS],
    "by_age_group": ["age_group", *_WITHIN_BOTH_WAYS],
    "watchlist": [
        "reference",
        "status",
        "days_left",
        "breach_date",
        "received_date",
        "stage",
        "primary_need",
        "age_group",
    ],
    "watchlist_breached": [
        "reference",
        "status",
        "days_over",
        "breach_date",
        "received_date",
        "stage",
        "primary_need",
        "age_group",
    ],
    "load_log": [
        "file",
        "loaded_at",
        "status",
        "shape",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "rows_superseded",
        "queries",
        "message",
    ],
    "problems": ["severity", "message", "file", "sheet", "row", "column", "rule"],
}


def _joined(frame: pd.DataFrame, parts: dict[str, str], separator: str) -> pd.Series:
    """One text per row from several labelled columns ("Sheet Assessments"), blanks left out."""
    pieces = [
        frame[column].map(lambda v, p=prefix: f"{p}{v}" if str(v).strip() else "")
        for column, prefix in parts.items()
        if column in frame.columns
    ]
    return pd.Series(
        [separator.join(p for p in row if p) for row in zip(*pieces, strict=True)],
        index=frame.index,
        dtype=object,
    )


def screen_problems(table: pd.DataFrame) -> pd.DataFrame:
    """The problem list as shown on screen (from :func:`display_table`'s labelled columns):
    File, Sheet, Row and Column joined into one "Where" cell that wraps between words."""
    where = {"File": "", "Sheet": "sheet ", "Row": "row ", "Column": "column "}
    shown = table.drop(columns=[c for c in where if c in table.columns])
    shown.insert(min(2, len(shown.columns)), "Where", _joined(table, where, ", "))
    return shown


def screen_load_log(table: pd.DataFrame) -> pd.DataFrame:
    """The load log as shown on screen: the file's name and what it holds in one cell, and the
    status with its message (why a file was refused) in another, so every column fits."""
    shown = table.drop(columns=[c for c in ("File", "Shape", "Message") if c in table.columns])
    shown.insert(0, "File", _joined(table, {"File": "", "Shape": ""}, " — "))
    if "Status" in table.columns:
        shown["Status"] = _joined(table, {"Status": "", "Message": ""}, ": ")
    return shown


def suppress_count(value: Any) -> str:
    """Publish-mode count as text: 0 → "0", 1–7 → "c", otherwise rounded to the nearest 5."""
    return _write("count", count_cell(value, "publish"))


def kpi_cells(figures: dict[str, Any], mode: Mode) -> dict[str, Any]:
    """An ``ehcp_kpis`` result as ``mode`` may show it (issue 16: the publish-mode screen).

    Internal (and public): unchanged. Publish: each count the catalogue calls a count is
    :func:`etl.disclosure.count_cell` ("c" for 1–7, else rounded to 5); each percentage is
    :func:`etl.disclosure.pct_cell` of its counts (``etl.metrics.PCT_COUNTS``), so "12 of 40,
    30.0%" beside it says no more than the rounded counts. Other entries (year, as-at date) stay.
    """
    if mode != "publish":
        return dict(figures)
    from etl.catalogue import metric
    from etl.metrics import PCT_COUNTS

    out = dict(figures)
    for key, value in figures.items():
        if key in PCT_COUNTS:
            numerator, denominator, _ = PCT_COUNTS[key]
            out[key] = pct_cell(figures.get(numerator), figures.get(denominator), "publish")
            continue
        try:
            unit = metric(key).unit
        except KeyError:
            continue
        if unit == "count":
            out[key] = count_cell(value, "publish")
    return out


def _plural(count: Any, one: str, many: str) -> str:
    return f"{fmt_count(count)} {one if count == 1 else many}"


def problem_counts_text(
    severity: str, problems: Any, rows: Any, file_problems: Any, rows_not_loaded: Any
) -> str:
    """What the problem counts count, in words: "22 errors on 18 rows (18 rows not loaded)",
    "12 queries on 12 rows (loaded, flagged)"; problems about a whole file are counted apart."""
    if severity == "error":
        text = f"✗ {_plural(problems, 'error', 'errors')} on {_plural(rows, 'row', 'rows')}"
        text += f" ({_plural(rows_not_loaded, 'row', 'rows')} not loaded)"
    else:
        text = f"? {_plural(problems, 'query', 'queries')} on {_plural(rows, 'row', 'rows')}"
        text += " (loaded, flagged)"
    if file_problems:
        text += f", {fmt_count(file_problems)} of them about a whole file or sheet"
    return text


def small_base_note(denominator: Any, noun: str = "cases") -> str:
    """ "fewer than 20 plans: treat with care" for a small base, else ""."""
    if not small_base(denominator):
        return ""
    return f"fewer than {MIN_PUBLISH_DENOMINATOR} {noun}: treat with care"


def rows_not_loaded_text(counts: dict[str, Any], what: str) -> str:
    """ "18 of 42 rows in the case files not loaded" when rows were rejected, else ""."""
    rejected, read = counts.get("rows_rejected", 0), counts.get("rows_read", 0)
    if not rejected:
        return ""
    rows = "row" if read == 1 else "rows"
    return f"{fmt_count(rejected)} of {fmt_count(read)} {rows} in {what} not loaded (errors)"


def suppress_pct(value: Any, numerator: Any, denominator: Any) -> str:
    """Publish-mode percentage as text (:func:`etl.disclosure.pct_cell`): from the counts rounded
    to 5, or "c" (base under 20, numerator 1–7, or 1–7 outside it as in 19 of 20); a zero
    denominator reads "no plans". ``value``, the exact percentage, is never shown."""
    del value  # the exact figure would reveal the exact counts
    return _write("pct", pct_cell(numerator, denominator, "publish"))


def fmt_rate(value: Any, places: int = 2) -> str:
    """A rate per 100 pupils (or a ratio) already rounded in SQL: "5.00"; none → "–";
    suppressed → "c"."""
    if is_suppressed(value):
        return SUPPRESSED
    if _missing(value):
        return "–"
    return f"{float(value):.{places}f}"


def suppress_rate(numerator: Any, denominator: Any, places: int = 2) -> str:
    """Publish-mode rate per 100 pupils as text (:func:`etl.disclosure.rate_cell`), or "c";
    "–" when there is no denominator."""
    return _write("rate", rate_cell(numerator, denominator, "publish", places=places))


def suppress_ratio(n: Any, d: Any, n0: Any, d0: Any, places: int = 2) -> str:
    """Publish-mode ratio of two rates (relative risk) as text
    (:func:`etl.disclosure.ratio_cell`)."""
    return _write("ratio", ratio_cell(n, d, n0, d0, "publish", places=places))


# Which counts of a query's table add up, so that publish mode can stop a suppressed count
# being worked out from the others (secondary suppression). A column total with neither a total
# row nor a total column is shown elsewhere on the page (the year's plans issued on its tile).
TABLE_TOTALS: dict[str, tuple[RowTotal | ColumnTotal, ...]] = {
    "weeks_to_issue": (
        RowTotal(("within_20_weeks", "after_20_weeks"), "plans_issued"),
        ColumnTotal("plans_issued"),
    ),
    "bands": (
        ColumnTotal("plans_issued", total_column="all_plans_issued"),
        ColumnTotal(
            "plans_issued_excl_exceptions", total_column="all_plans_issued_excl_exceptions"
        ),
    ),
    "by_primary_need": (ColumnTotal("plans_issued"), ColumnTotal("plans_issued_excl_exceptions")),
    "by_age_group": (ColumnTotal("plans_issued"), ColumnTotal("plans_issued_excl_exceptions")),
    "load_log": (RowTotal(("rows_loaded", "rows_rejected", "rows_superseded"), "rows_read"),),
}


def table_spec(
    frame: pd.DataFrame, mode: disclosure.Mode, columns: Sequence[str] | None, query: str | None
) -> tuple[TableSpec, pd.DataFrame, list[str]]:
    """The engine's spec for the known ``columns`` of a query's ``frame`` (default: every known
    column), the frame with any missing count it rests on as blank, and notes on what was left
    out. Unknown columns are left out rather than shown raw, so a helper column never leaks."""
    names = [c for c in (columns or list(frame.columns)) if c in COLUMNS and c in frame.columns]
    notes = []
    if mode == "publish":
        dropped = [c for c in names if COLUMNS[c].internal_only]
        names = [c for c in names if c not in dropped]
        notes += [
            f"The {COLUMNS[c].label} column is left out in publish mode: it can quote figures "
            "and values from the files."
            for c in dropped
        ]
    totals = [
        t
        for t in TABLE_TOTALS.get(query or "", ())
        if all(
            c in frame.columns
            for c in (
                (*t.parts, t.total) if isinstance(t, RowTotal) else (t.column, t.total_column)
            )
            if c
        )
    ]
    spec = TableSpec(
        {name: COLUMNS[name].spec for name in names},
        row_totals=[t for t in totals if isinstance(t, RowTotal)],
        column_totals=[t for t in totals if isinstance(t, ColumnTotal)],
        row_level=query in QUERIES and QUERIES[query].row_level,
    )
    needed = {
        p
        for name in names
        for p in (*(COLUMNS[name].parts or ()), *(COLUMNS[name].reference or ()))
        if p and p not in frame.columns
    }
    if needed:
        frame = frame.assign(**{p: None for p in sorted(needed)})
    return spec, frame, notes


def disclosed(
    frame: pd.DataFrame,
    mode: disclosure.Mode,
    columns: Sequence[str] | None = None,
    query: str | None = None,
) -> Disclosed:
    """A query's table through the disclosure engine: query column names, numeric cells."""
    spec, frame, notes = table_spec(frame, mode, columns, query)
    out = disclosure.disclose(frame, spec, mode)
    return Disclosed(out.frame, [*out.notes, *notes], out.mode, out.secondary)


def export_table(
    frame: pd.DataFrame,
    mode: disclosure.Mode,
    columns: Sequence[str] | None = None,
    query: str | None = None,
) -> Disclosed:
    """The table a CSV / XLSX export writes: labelled columns (the unit in the label), numbers as
    numbers (a percentage 37.5, not "37.5%"), "c" where suppressed, dates as dates, statuses in
    words. ``notes`` say what publish mode had to suppress beyond the small numbers."""
    out = disclosed(frame, mode, columns, query)
    table = {
        COLUMNS[name].label: [_export_value(name, COLUMNS[name], v) for v in out.frame[name]]
        for name in out.frame.columns
    }
    labels = [COLUMNS[n].label for n in out.frame.columns]
    return Disclosed(
        pd.DataFrame(table, columns=labels, dtype=object), out.notes, out.mode, out.secondary
    )


def display_table(
    frame: pd.DataFrame,
    mode: Mode = "internal",
    columns: Sequence[str] | None = None,
    query: str | None = None,
) -> pd.DataFrame:
    """The table users see: labelled columns, written values, disclosure applied.

    ``columns`` picks and orders the query columns to show (default: every known column);
    ``query`` names the query, whose totals (:data:`TABLE_TOTALS`) publish mode protects.
    Unknown columns are left out rather than shown raw, so a helper column never leaks.
    """
    out = disclosed(frame, "internal" if mode == "public" else mode, columns, query)
    table = {
        COLUMNS[name].label: [_cell(name, COLUMNS[name], v) for v in out.frame[name].tolist()]
        for name in out.frame.columns
    }
    return pd.DataFrame(table, columns=[COLUMNS[n].label for n in out.frame.columns])


def _write(kind: ColumnKind, value: Any) -> str:
    """A disclosed number as text: "c" as it is, else by its kind."""
    if value == SUPPRESSED:
        return SUPPRESSED
    if kind == "count":
        return fmt_count(value)
    if kind == "pct":
        return fmt_pct(value)
    if kind in ("rate", "ratio"):
        return fmt_rate(value)
    return fmt_days(value)  # "median" and "average" are days in this table


def _cell(name: str, spec: Column, value: Any) -> str:
    """One disclosed cell as text."""
    kind = spec.kind
    if kind in ("count", "pct", "rate", "ratio", "median", "average"):
        return _write(kind, value)
    if kind == "date":
        return fmt_date(value)
    if kind == "datetime":
        return fmt_datetime(value)
    if kind == "month":
        return fmt_month(value)
    if kind == "int":
        if _missing(value):
            return "–"
        return str(int(value)) if name == "row" else f"{int(value):,}"
    return _badge(name, value)


def _badge(name: str, value: Any) -> str:
    if name == "status":
        return LOAD_STATUS_BADGES.get(str(value)) or status_badge(str(value))
    if name == "severity":
        return SEVERITY_BADGES.get(str(value), str(value))
    return "" if _missing(value) else str(value)


def _export_value(name: str, spec: Column, value: Any) -> Any:
    """One disclosed cell for a spreadsheet: numbers stay numbers, dates become dates."""
    if _missing(value):
        return None
    if spec.kind in ("date", "month"):
        return pd.Timestamp(value).date()
    if spec.kind == "datetime":
        return pd.Timestamp(value).to_pydatetime().replace(microsecond=0)
    if spec.kind == "text":
        return _badge(name, value)
    return value


# ---------------------------------------------------------------- CSV export


# Every ASCII punctuation mark Markdown can read as syntax (CommonMark lets any of them be
# backslash-escaped, and an escaped one is shown as itself).
_MARKDOWN_SPECIAL = re.compile(r"([\\!\"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~])")


def escape_markdown(value: Any) -> Any:
    """Text from an input file, escaped so a Markdown table cell shows it exactly as typed.

    ``st.table`` reads its cells as Markdown: an unescaped ``**x**``, ``[a](b)`` or
    ``http://…`` from a spreadsheet would be drawn as bold text or a link. Line breaks become
    spaces (a cell is one paragraph). Non-text values are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    return _MARKDOWN_SPECIAL.sub(r"\\\1", value.replace("\r", " ").replace("\n", " "))


def escape_formula(value: Any) -> Any:
    """Stop a spreadsheet running a cell as a formula: text starting = + - @ tab CR LF gets a "'".

    Numbers are left as numbers (a negative number is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportContext:
    """What every export must state about itself (DESIGN §7)."""

    mode: Mode
    scope: str
    snapshot_date: dt.date
    as_of: dt.date | None = None
    synthetic: bool = False
    source: str | None = None  # where published statistics come from (public mode)
    # Which build of the data the figures come from (a snapshot id once snapshots exist; until
    # then the warehouse's build time): with it, anyone can tell two exports of one date apart.
    snapshot: str = ""
    area: str = ""  # the LA whose figures these are ("Kent (886)"), when known


MODE_TEXT = {
    "internal": "Internal - exact figures, not for publication",
    "publish": "Publish - counts 1 to 7 shown as c, other counts rounded to the nearest 5; "
    "percentages computed from the rounded counts, and suppressed (c) when based on fewer than "
    "20, on a suppressed count, or when 1 to 7 fall outside them; rates and averages suppressed "
    "when based on fewer than 20, medians fewer than 8; further cells suppressed where a total "
    "would reveal a suppressed one",
    "public": "Public - published statistics, already public: exported as published, "
    "suppressed at source where the publisher did so",
}


def export_header(context: ExportContext, notes: Sequence[str] = ()) -> list[list[str]]:
    """The "about" rows of an export, two cells each (what, value): mode, scope, area, data date,
    snapshot, as-at date, source (published statistics), SYNTHETIC DATA, and a "Note" row per
    disclosure note (cells suppressed beyond the small numbers, columns left out)."""
    rows = [
        ["SEND Partnership Dashboard export"],
        ["Mode", MODE_TEXT[context.mode]],
        ["Scope", context.scope],
    ]
    if context.area:
        rows.append(["Area", context.area])
    rows.append(["Data snapshot", fmt_date(context.snapshot_date)])
    if context.snapshot:
        rows.append(["Snapshot", context.snapshot])
    if context.as_of is not None:
        rows.append(["As at", fmt_date(context.as_of)])
    if context.source:
        rows.append(["Source", context.source])
    if context.synthetic:
        rows.append(["SYNTHETIC DATA", "made-up demonstration data, not real children"])
    rows += [["Note", note] for note in notes]
    return rows


def to_csv(table: pd.DataFrame, context: ExportContext, notes: Sequence[str] = ()) -> bytes:
    """CSV bytes for download: the about rows (:func:`export_header`), a blank row, then the
    table; every cell escaped. Numbers are written as numbers (37.5, not "37.5%": the unit is in
    the column's label), dates as ISO dates (2026-11-01), which Excel reads as dates.

    Encoded UTF-8 with a byte-order mark so Excel shows "–", "▲" and "⚠" correctly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in export_header(context, notes):
        writer.writerow([escape_formula(cell) for cell in row])
    writer.writerow([])
    writer.writerow([escape_formula(str(c)) for c in table.columns])
    for record in table.itertuples(index=False):
        writer.writerow([escape_formula(_csv_value(v)) for v in record])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    if _missing(value):
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_PCT_TEXT = re.compile(r"^-?\d[\d,]*(\.\d+)?%$")
_NUMBER_TEXT = re.compile(r"^-?\d[\d,]*(\.\d+)?$")
_BLANK_TEXT = ("", "–", "-")


def numbers_from_text(table: pd.DataFrame) -> pd.DataFrame:
    """A table already written for the screen (improvement plan, published statistics), with
    its percentage and rate columns turned back into numbers for a spreadsheet: a column whose
    every filled cell reads like "42.6%" becomes 42.6 (its label gains " (%)" unless it has a
    "%"); a column labelled as a rate ("per 100", "rate", "ratio", "relative risk") whose cells
    read like "3.456" becomes numbers. Other text (references such as "1.10") is left alone."""
    out = table.copy()
    columns = []
    for column in table.columns:
        name = str(column)
        cells = [v for v in table[column].tolist() if not _missing(v) and str(v) not in _BLANK_TEXT]
        texts = [v for v in cells if isinstance(v, str)]
        if not texts:
            columns.append(column)
            continue
        if all(_PCT_TEXT.match(v) for v in texts):
            out[column] = pd.Series(
                [_number_text(v, strip="%") for v in table[column].tolist()],
                index=table.index,
                dtype=object,
            )
            columns.append(name if "%" in name else f"{name} (%)")
            continue
        rate = any(w in name.lower() for w in ("per 100", "rate", "ratio", "relative risk"))
        if rate and all(_NUMBER_TEXT.match(v) for v in texts):
            out[column] = pd.Series(
                [_number_text(v) for v in table[column].tolist()], index=table.index, dtype=object
            )
        columns.append(column)
    out.columns = columns
    return out


def _number_text(value: Any, strip: str = "") -> Any:
    if not isinstance(value, str):
        return None if _missing(value) else value
    text = value.removesuffix(strip).replace(",", "")
    if not text or text in _BLANK_TEXT:
        return None
    return float(text) if "." in text else int(text)


def to_xlsx(
    sheets: Sequence[tuple[str, pd.DataFrame]], context: ExportContext, notes: Sequence[str] = ()
) -> bytes:
    """XLSX bytes: an "About" sheet (the rows of :func:`export_header`), then one sheet per
    table with its labels in row 1. Numbers are numbers, dates are dates, text is escaped as in
    the CSV (a workbook re-saved as CSV must not turn a cell into a formula)."""
    about: list[list[Any]] = [
        [escape_formula(c) for c in row] for row in export_header(context, notes)
    ]
    out: list[tuple[str, list[list[Any]]]] = [("About", about)]
    for name, table in sheets:
        rows: list[list[Any]] = [[escape_formula(str(c)) for c in table.columns]]
        rows += [
            [escape_formula(_xlsx_value(v)) for v in record]
            for record in table.itertuples(index=False)
        ]
        out.append((_sheet_name(name, [n for n, _ in out]), rows))
    return xlsx_bytes(
        out,
        title=f"SEND Partnership Dashboard export: {context.scope}",
        application="SEND Partnership Dashboard",
        stamp=context.snapshot_date,
    )


def _xlsx_value(value: Any) -> Any:
    if _missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if hasattr(value, "item") and not isinstance(value, str):  # numpy numbers
        return value.item()
    return value


def _sheet_name(name: str, taken: Sequence[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "Table"
    candidate, number = clean[:31], 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = clean[: 31 - len(suffix)] + suffix, number + 1
    return candidate


def export_filename(name: str, context: ExportContext, extension: str = "csv") -> str:
    """ "ehcp_bands_2026-11-01_publish.csv" — mode and snapshot in the file name too."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name).strip("_")
    return f"{safe}_{context.snapshot_date.isoformat()}_{context.mode}.{extension}"


def target_text(key: str, value: Any, target: float) -> str:
    """ "Target 60.0%: not met" beside a figure, in words (never colour alone); whether it is
    met follows the measure's polarity in the catalogue. A neutral measure only states it."""
    from etl.catalogue import metric

    entry = metric(key)
    shown = f"{target:,.{entry.decimals}f}{'%' if entry.unit == '%' else ''}"
    if _missing(value) or is_suppressed(value) or entry.polarity == "neutral":
        return f"Target {shown}"
    met = value >= target if entry.polarity == "higher_is_better" else value <= target
    return f"Target {shown}: {'met' if met else 'not met'}"
