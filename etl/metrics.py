"""The metrics catalogue and the headline KPI calculation shared by the CLI, dashboard and exports.

Counts come from the SQL marts (``etl/sql/marts.sql``); this module adds the catalogue (title,
unit, definition, polarity, caveats) and the one percentage rule (DESIGN §4: one decimal place,
rounding half away from zero, no value when the denominator is zero).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

import duckdb

Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]


@dataclass(frozen=True)
class Metric:
    """A catalogue entry: what the number is called, its unit and exactly what it counts."""

    key: str
    title: str
    unit: Literal["%", "count", "days", "weeks"]
    definition: str
    polarity: Polarity
    caveat: str = ""


CATALOGUE: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "pct_within_20_weeks_excl_exceptions",
            "EHC plans issued within 20 weeks (excluding exceptions)",
            "%",
            "Of plans issued in the year whose 20-week exception flag is 0, the share issued "
            "within 140 days of the request being received. DfE's headline measure.",
            "higher_is_better",
            "Plans with a blank exception flag are left out of this figure.",
        ),
        Metric(
            "pct_within_20_weeks",
            "EHC plans issued within 20 weeks (including exceptions)",
            "%",
            "Of all plans issued in the year, the share issued within 140 days of the "
            "request being received.",
            "higher_is_better",
        ),
        Metric(
            "plans_issued",
            "EHC plans issued",
            "count",
            "New EHC plans issued in the year (assessment outcome Y, outcome date in the year). "
            "Transfers-in and historical plans are not counted.",
            "neutral",
        ),
        Metric(
            "issued_over_52_weeks",
            "Plans issued after more than a year",
            "count",
            "Plans issued in the year 365 days or more after the request was received.",
            "lower_is_better",
        ),
        Metric(
            "pct_decisions_within_6_weeks",
            "Decisions to assess within 6 weeks",
            "%",
            "Of decisions whether to assess (request outcome Y or N) made in the year, the "
            "share made within 42 days of the request.",
            "higher_is_better",
        ),
        Metric(
            "open_breached",
            "Open requests past 20 weeks",
            "count",
            "Requests still open on the as-at date more than 140 days after they were "
            "received: the 20-week deadline has passed.",
            "lower_is_better",
        ),
        Metric(
            "open_at_risk",
            "Open requests at risk (weeks 14–20)",
            "count",
            "Requests still open on the as-at date more than 98 days (14 weeks) but no more "
            "than 140 days after they were received.",
            "lower_is_better",
        ),
        Metric(
            "open_requests",
            "Open requests",
            "count",
            "Requests received by the as-at date with no plan issued, no decision not to "
            "assess or not to issue, and not withdrawn.",
            "neutral",
        ),
        Metric(
            "days_to_issue",
            "Time from request to plan issued",
            "weeks",
            "Outcome date minus request received date; 20 weeks = 140 days.",
            "lower_is_better",
        ),
    )
}


def pct(numerator: int | None, denominator: int | None) -> float | None:
    """Percentage to 1 dp, half away from zero; None when the denominator is 0 or missing."""
    if not denominator or numerator is None:
        return None
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return float(value)


def snapshot_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The data's snapshot date (the default as-at date)."""
    row = con.execute("SELECT snapshot_date FROM warehouse_meta").fetchone()
    assert row is not None
    return row[0]


def ehcp_kpis(
    con: duckdb.DuckDBPyConnection, year: int | None = None, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The ``ehcp`` KPI section (keys fixed by the CLI contract) for a calendar year."""
    as_of = as_of or snapshot_date(con)
    year = year or as_of.year
    # Counts for a year that ended before as_of cover the whole year.
    cut = min(as_of, dt.date(year, 12, 31))
    counts = con.execute("SELECT * FROM ehcp_counts(?, ?)", [year, cut]).fetch_df()
    row = {k: int(v) for k, v in counts.iloc[0].items()}
    opened = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'At risk'), "
        "count(*) FILTER (WHERE status = 'Breached') FROM open_requests(?)",
        [as_of],
    ).fetchone()
    assert opened is not None
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "plans_issued": row["plans_issued"],
        "plans_issued_excl_exceptions": row["plans_issued_excl_exceptions"],
        "within_20_weeks": row["within_20_weeks"],
        "within_20_weeks_excl_exceptions": row["within_20_weeks_excl_exceptions"],
        "pct_within_20_weeks": pct(row["within_20_weeks"], row["plans_issued"]),
        "pct_within_20_weeks_excl_exceptions": pct(
            row["within_20_weeks_excl_exceptions"], row["plans_issued_excl_exceptions"]
        ),
        "issued_over_52_weeks": row["issued_over_52_weeks"],
        "decisions_made": row["decisions_made"],
        "decisions_within_6_weeks": row["decisions_within_6_weeks"],
        "pct_decisions_within_6_weeks": pct(row["decisions_within_6_weeks"], row["decisions_made"]),
        "open_requests": int(opened[0]),
        "open_at_risk": int(opened[1]),
        "open_breached": int(opened[2]),
    }
