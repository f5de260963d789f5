"""The headline KPI calculation shared by the CLI, dashboard and exports.

Counts come from the SQL marts (``etl/sql/marts.sql``); this module adds the one percentage rule
(DESIGN §4: one decimal place, rounding half away from zero, no value when the denominator is
zero). What each figure means (title, unit, definition, polarity) is in :mod:`etl.catalogue`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

# Re-exported while ui/components.py still imports the catalogue from here.
from etl.catalogue import CATALOGUE

__all__ = ["CATALOGUE", "ehcp_kpis", "open_counts", "pct", "snapshot_date"]


# Each headline percentage of ``ehcp_kpis``: the keys of the counts it is worked out from (the
# second is its base) and what those counts are of. Shown as "3 of 5 plans" beside the figure;
# a change is only described when both bases are 20 or more (``ui.formatting.describe_trend``).
PCT_COUNTS: dict[str, tuple[str, str, str]] = {
    "pct_within_20_weeks_excl_exceptions": (
        "within_20_weeks_excl_exceptions",
        "plans_issued_excl_exceptions",
        "plans",
    ),
    "pct_within_20_weeks": ("within_20_weeks", "plans_issued", "plans"),
    "pct_decisions_within_6_weeks": ("decisions_within_6_weeks", "decisions_made", "decisions"),
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
    counts = con.execute("SELECT * FROM ehcp_counts(?, ?)", [year, cut])
    values = counts.fetchone()
    assert values is not None
    row = {d[0]: int(v) for d, v in zip(counts.description, values, strict=True)}
    opened = open_counts(con, as_of)
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
        **opened,
    }


def open_counts(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, int]:
    """Open requests as at a date, and how many of them are at risk and breached (DESIGN §4)."""
    row = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'At risk'), "
        "count(*) FILTER (WHERE status = 'Breached') FROM open_requests(?)",
        [as_of],
    ).fetchone()
    assert row is not None
    return {"open_requests": int(row[0]), "open_at_risk": int(row[1]), "open_breached": int(row[2])}
