"""How numbers, dates and statuses are written, and the disclosure rules for exports (DESIGN §7).

Pure functions only: no Streamlit, no database. One place decides that a missing percentage reads
"no plans" (never 0% or "nan"), that dates read "1 Nov 2026", and what a published table may show.

Disclosure ("publish" mode, for board packs and anything leaving the partnership):
- counts 1–7 are shown as ``c``; other counts are rounded to the nearest 5 (0 stays 0);
- a percentage is shown as ``c`` when its denominator is under 20 or its numerator is suppressed;
  otherwise it is the exact percentage of the unrounded counts;
- an average (median / mean days) is treated like a percentage over the number of plans behind it.
"Internal" mode shows everything unsuppressed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import pandas as pd

from etl.catalogue import Polarity, label

# "public": DfE's (and others') published statistics, already public and suppressed at source.
Mode = Literal["internal", "publish", "public"]
SUPPRESSED = "c"
MISSING_PCT = "no plans"
# Below this denominator a published percentage would reveal too much about a few children.
MIN_PUBLISH_DENOMINATOR = 20
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


# ---------------------------------------------------------------- numbers and dates on screen


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_count(value: Any) -> str:
    """A whole number with thousands separators ("3,312"); a missing count is "–"."""
    if _missing(value):
        return "–"
    return f"{int(value):,}"


def fmt_pct(value: Any, missing: str = MISSING_PCT) -> str:
    """A percentage already rounded by ``etl.metrics.pct``: "45.9%". None/NaN → "no plans"."""
    if _missing(value):
        return missing
    return f"{float(value):.1f}%"


def fmt_days(value: Any) -> str:
    """Days to 1 dp without a trailing ".0" ("37.5 days", "140 days"); missing → "–"."""
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


@dataclass(frozen=True)
class Trend:
    """A change against a comparison period, written so it never relies on colour."""

    arrow: str  # "▲", "▼" or "▬"
    words: str  # "up 3.2 points on 2025 (better)"
    judgement: Literal["better", "worse", "no change", "neutral", "unknown"]

    @property
    def text(self) -> str:
        """Arrow and words together, e.g. "▲ up 3.2 points on 2025 (better)"."""
        return f"{self.arrow} {self.words}"


def describe_trend(
    current: float | int | None,
    previous: float | int | None,
    unit: str,
    polarity: Polarity,
    against: str,
    bases: tuple[Any, Any] | None = None,
    noun: str = "cases",
    since: bool = False,
) -> Trend:
    """Describe the change from ``previous`` to ``current`` in words.

    ``unit`` is the catalogue unit: "%" changes are in percentage points, counts in whole numbers.
    ``against`` names the comparison ("2025", "1 Nov 2025"). ``bases`` are the counts each
    percentage rests on: when either is under 20 the change is "too few to compare" (a swing
    of one case would move it by five points or more). ``since``: ``against`` is an earlier
    snapshot ("up 3.2 points since Board 12 March"), not a period ("up 3.2 points on 2025").
    """
    on = "since" if since else "on"
    if _missing(current) or _missing(previous):
        return Trend(
            "", f"no comparison with {against} (no figure for one of the periods)", "unknown"
        )
    if bases is not None and any(small_base(b) for b in bases):
        return Trend(
            "",
            f"too few to compare with {against} (fewer than {MIN_PUBLISH_DENOMINATOR} {noun})",
            "unknown",
        )
    assert current is not None and previous is not None
    if unit == "%":
        # Subtract as decimals: 45.15 - 45.0 in binary floating point is 0.1499…
        exact = Decimal(repr(float(current))) - Decimal(repr(float(previous)))
        change = float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        size = f"{abs(change):.1f} points"
    else:
        change = float(current) - float(previous)
        size = f"{abs(int(change)):,}"
    if change == 0:
        return Trend(
            "▬", f"no change since {against}" if since else f"same as {against}", "no change"
        )
    up = change > 0
    arrow, direction = ("▲", "up") if up else ("▼", "down")
    if polarity == "neutral":
        return Trend(arrow, f"{direction} {size} {on} {against}", "neutral")
    better = up == (polarity == "higher_is_better")
    judgement: Literal["better", "worse"] = "better" if better else "worse"
    return Trend(arrow, f"{direction} {size} {on} {against} ({judgement})", judgement)


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

# "rate": per 100 pupils, 2 dp (exclusions); "ratio": one rate over another, 2 dp (issue 13).
ColumnKind = Literal[
    "count", "pct", "days", "date", "month", "text", "int", "datetime", "rate", "ratio"
]


@dataclass(frozen=True)
class Column:
    """How a query column is labelled, written and (in publish mode) disclosed."""

    label: str
    kind: ColumnKind
    # For "pct" and "days": (numerator, denominator) or (None, count) columns it rests on.
    parts: tuple[str | None, str] | None = None
    # For "ratio": the (numerator, denominator) of the rate it is compared with (issue 13).
    reference: tuple[str, str] | None = None


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
    "median_days": Column("Median days", "days", (None, "plans_issued")),
    "mean_days": Column("Mean days", "days", (None, "plans_issued")),
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
    "shape": Column("Shape", "text"),
    "message": Column("Message", "text"),
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
    """Publish-mode count: 0 → "0", 1–7 → "c", otherwise rounded to the nearest 5."""
    if _missing(value):
        return "–"
    number = int(value)
    if 1 <= number <= 7:
        return SUPPRESSED
    return f"{_round_to_5(number):,}"


def _round_to_5(number: int) -> int:
    # Integers never sit exactly half-way between multiples of 5, so plain rounding is exact.
    return int(5 * math.floor(number / 5 + 0.5))


def _plural(count: int, one: str, many: str) -> str:
    return f"{fmt_count(count)} {one if count == 1 else many}"


def problem_counts_text(
    severity: str, problems: int, rows: int, file_problems: int, rows_not_loaded: int
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


def small_base(denominator: Any) -> bool:
    """True when a percentage rests on fewer than 20 cases (1 to 19): shown, but marked, and
    no change is worked out from it. The same line as publish mode's suppression (DESIGN §7)."""
    return not _missing(denominator) and 0 < int(denominator) < MIN_PUBLISH_DENOMINATOR


def small_base_note(denominator: Any, noun: str = "cases") -> str:
    """ "fewer than 20 plans: treat with care" for a small base, else ""."""
    if not small_base(denominator):
        return ""
    return f"fewer than {MIN_PUBLISH_DENOMINATOR} {noun}: treat with care"


def rows_not_loaded_text(counts: dict[str, int], what: str) -> str:
    """ "18 of 42 rows in the case files not loaded" when rows were rejected, else ""."""
    rejected, read = counts.get("rows_rejected", 0), counts.get("rows_read", 0)
    if not rejected:
        return ""
    rows = "row" if read == 1 else "rows"
    return f"{fmt_count(rejected)} of {fmt_count(read)} {rows} in {what} not loaded (errors)"


def suppress_pct(value: Any, numerator: Any, denominator: Any) -> str:
    """Publish-mode percentage, computed from the rounded counts (DESIGN §7, issue 9).

    "c" when the denominator is under 20, the numerator is 1–7, or either count is unknown;
    otherwise the numerator and denominator are each rounded to the nearest 5 and the percentage
    is taken from those, so it says no more than the rounded counts beside it: 15 of 41 shows
    as 15 of 40, 37.5%, never 36.6% (which gives away 41). ``value``, the exact percentage, is
    not used. A zero denominator still reads "no plans": there is nothing to disclose.
    """
    del value  # the exact figure would reveal the exact counts
    if _missing(denominator) or int(denominator) == 0:
        return fmt_pct(None)
    if small_base(denominator) or _missing(numerator):
        return SUPPRESSED
    if 1 <= int(numerator) <= 7:
        return SUPPRESSED
    rounded = _round_to_5(int(numerator)) / _round_to_5(int(denominator))
    return fmt_pct(round_half_away(100 * rounded, 1))


def fmt_rate(value: Any, places: int = 2) -> str:
    """A rate per 100 pupils (or a ratio) already rounded in SQL: "5.00"; none → "–"."""
    if _missing(value):
        return "–"
    return f"{float(value):.{places}f}"


def _publishable(numerator: Any, denominator: Any) -> bool:
    """A rate may be published: both counts known, the denominator 20 or more, the numerator
    not 1–7 (DESIGN §7)."""
    if _missing(numerator) or _missing(denominator):
        return False
    return int(denominator) >= MIN_PUBLISH_DENOMINATOR and not 1 <= int(numerator) <= 7


def suppress_rate(numerator: Any, denominator: Any, places: int = 2) -> str:
    """Publish-mode rate per 100 pupils, from the counts rounded to 5 (as :func:`suppress_pct`),
    or "c"; "–" when there is no denominator."""
    if _missing(denominator) or int(denominator) == 0:
        return "–"
    if not _publishable(numerator, denominator):
        return SUPPRESSED
    rounded = Decimal(_round_to_5(int(numerator)) * 100) / Decimal(_round_to_5(int(denominator)))
    return fmt_rate(float(rounded.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)))


def suppress_ratio(n: Any, d: Any, n0: Any, d0: Any, places: int = 2) -> str:
    """Publish-mode ratio of two rates (relative risk), from the four counts rounded to 5, or
    "c" when either rate could not be published."""
    if not (_publishable(n, d) and _publishable(n0, d0)):
        return SUPPRESSED
    if _round_to_5(int(n0)) == 0:
        return "–"
    value = (Decimal(_round_to_5(int(n))) * _round_to_5(int(d0))) / (
        Decimal(_round_to_5(int(d))) * _round_to_5(int(n0))
    )
    return fmt_rate(float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)))


def display_table(
    frame: pd.DataFrame, mode: Mode = "internal", columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """The table users see or download: labelled columns, written values, disclosure applied.

    ``columns`` picks and orders the query columns to show (default: every known column).
    Unknown columns are left out rather than shown raw, so a helper column never leaks.
    """
    names = [c for c in (columns or list(frame.columns)) if c in COLUMNS and c in frame.columns]
    # Work column by column on plain lists: cell-by-cell DataFrame access is ~50x slower and a
    # watchlist can have thousands of rows.
    values = {name: frame[name].tolist() for name in frame.columns}
    blank = [None] * len(frame)
    table = {}
    for name in names:
        spec = COLUMNS[name]
        numerators, denominators = blank, blank
        if spec.parts:
            numerators = values.get(spec.parts[0] or "", blank)
            denominators = values.get(spec.parts[1], blank)
        if spec.kind == "ratio" and spec.reference:
            refs = [values.get(spec.reference[0], blank), values.get(spec.reference[1], blank)]
            table[spec.label] = [
                suppress_ratio(num, den, n0, d0) if mode == "publish" else fmt_rate(value)
                for value, num, den, n0, d0 in zip(
                    values[name], numerators, denominators, *refs, strict=True
                )
            ]
            continue
        table[spec.label] = [
            _cell(name, spec, mode, value, num, den)
            for value, num, den in zip(values[name], numerators, denominators, strict=True)
        ]
    return pd.DataFrame(table, columns=[COLUMNS[n].label for n in names])


def _cell(name: str, spec: Column, mode: Mode, value: Any, numerator: Any, denominator: Any) -> str:
    """One cell as text. ``numerator`` / ``denominator`` are the counts behind a % or average."""
    kind = spec.kind
    publish = mode == "publish"
    if kind == "count":
        return suppress_count(value) if publish else fmt_count(value)
    if kind == "pct":
        return suppress_pct(value, numerator, denominator) if publish else fmt_pct(value)
    if kind in ("rate", "ratio"):
        return suppress_rate(numerator, denominator) if publish else fmt_rate(value)
    if kind == "days":
        if publish and (_missing(denominator) or int(denominator) < MIN_PUBLISH_DENOMINATOR):
            return SUPPRESSED
        return fmt_days(value)
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
    if name == "status":
        return LOAD_STATUS_BADGES.get(str(value)) or status_badge(str(value))
    if name == "severity":
        return SEVERITY_BADGES.get(str(value), str(value))
    return "" if _missing(value) else str(value)


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


MODE_TEXT = {
    "internal": "Internal - exact figures, not for publication",
    "publish": "Publish - counts 1 to 7 shown as c, other counts rounded to the nearest 5, "
    "percentages and averages suppressed (c) when based on fewer than 20 or on a "
    "suppressed count, other percentages computed from the rounded counts",
    "public": "Public - published statistics, already public: exported as published, "
    "suppressed at source where the publisher did so",
}


def export_header(context: ExportContext) -> list[list[str]]:
    """The rows written above the table: mode, scope, snapshot, source (published statistics)
    and, if so, SYNTHETIC DATA."""
    rows = [
        ["SEND Partnership Dashboard export"],
        ["Mode", MODE_TEXT[context.mode]],
        ["Scope", context.scope],
        ["Data snapshot", fmt_date(context.snapshot_date)],
    ]
    if context.as_of is not None:
        rows.append(["As at", fmt_date(context.as_of)])
    if context.source:
        rows.append(["Source", context.source])
    if context.synthetic:
        rows.append(["SYNTHETIC DATA", "made-up demonstration data, not real children"])
    return rows


def to_csv(table: pd.DataFrame, context: ExportContext) -> bytes:
    """CSV bytes for download: header rows, a blank row, then the table; every cell escaped.

    Encoded UTF-8 with a byte-order mark so Excel shows "–", "▲" and "⚠" correctly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in export_header(context):
        writer.writerow([escape_formula(cell) for cell in row])
    writer.writerow([])
    writer.writerow([escape_formula(str(c)) for c in table.columns])
    for record in table.itertuples(index=False):
        writer.writerow([escape_formula(_csv_value(v)) for v in record])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value: Any) -> Any:
    return "" if _missing(value) else value


def export_filename(name: str, context: ExportContext) -> str:
    """ "ehcp_bands_2026-11-01_publish.csv" — mode and snapshot in the file name too."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name).strip("_")
    return f"{safe}_{context.snapshot_date.isoformat()}_{context.mode}.csv"


def target_text(key: str, value: Any, target: float) -> str:
    """ "Target 60.0%: not met" beside a figure, in words (never colour alone); whether it is
    met follows the measure's polarity in the catalogue. A neutral measure only states it."""
    from etl.catalogue import metric

    entry = metric(key)
    shown = f"{target:,.{entry.decimals}f}{'%' if entry.unit == '%' else ''}"
    if _missing(value) or entry.polarity == "neutral":
        return f"Target {shown}"
    met = value >= target if entry.polarity == "higher_is_better" else value <= target
    return f"Target {shown}: {'met' if met else 'not met'}"
