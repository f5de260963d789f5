"""The waiting-time measures as at a date D (issue 12, DESIGN §4): the rules Python applies to
what the named queries (``etl/sql/queries/waits_*.sql``) count, and the ``kpis`` section.

- Waiting at D: referred on or before D, not seen on or before D, not removed on or before D.
- Weeks waiting = (D − referral date) in days / 7. Median and 90th percentile: linear
  interpolation between closest ranks, as Excel's PERCENTILE.INC (DuckDB ``quantile_cont``),
  over days, then / 7 and 1 decimal place half away from zero — on exact decimals, so a
  boundary lands where the arithmetic says.
- % over 18 weeks: more than 126 days; over 52 weeks: more than 364 days (52 whole weeks);
  autism assessment also % over 13 weeks: more than 91 days (the NICE standard).
- A service with local referrals but nobody waiting: ``waiting`` 0 and None for the rest.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import duckdb

from etl.metrics import pct

if TYPE_CHECKING:
    import pandas as pd

AUTISM = "autism_assessment"
KPI_FIELDS = (
    "waiting",
    "median_weeks_waiting",
    "p90_weeks_waiting",
    "pct_over_18_weeks",
    "over_52_weeks",
)


def _missing(value: Any) -> bool:
    """None, NaN or pandas' NA/NaT (a frame's missing cell), without importing pandas."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__module__.startswith("pandas") and str(value) in ("<NA>", "NaT")


def weeks(days: Any) -> float | None:
    """Days → weeks to 1 dp, half away from zero (None stays None)."""
    if _missing(days):
        return None
    exact = Decimal(repr(float(days))) / Decimal(7)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _weeks_column(days: pd.Series) -> pd.Series:
    import pandas as pd

    # Object dtype: a missing value stays None (pandas would turn it into NaN in a float column).
    return pd.Series([weeks(d) for d in days], index=days.index, dtype="object")


def _int(value: Any) -> int:
    return 0 if _missing(value) else int(value)


def summary_row(row: dict[str, Any]) -> dict[str, Any]:
    """One ``waits_summary`` row with its weeks and percentages added (the one rule for screen,
    CLI and export; plain dicts so ``kpis`` runs it without pandas)."""
    return {
        **row,
        "median_weeks_waiting": weeks(row["median_days_waiting"]),
        "p90_weeks_waiting": weeks(row["p90_days_waiting"]),
        "longest_weeks_waiting": weeks(row["longest_days_waiting"]),
        "pct_over_18_weeks": pct(_int(row["over_18_weeks"]), _int(row["waiting"])),
        "pct_over_13_weeks": pct(_int(row["over_13_weeks"]), _int(row["waiting"]))
        if row["service"] == AUTISM
        else None,
    }


def finish_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Weeks and percentages for ``waits_summary`` (:func:`summary_row` on every row)."""
    import pandas as pd

    rows = [summary_row(r) for r in frame.to_dict("records")]
    out = frame.copy()
    for name in (
        "median_weeks_waiting",
        "p90_weeks_waiting",
        "longest_weeks_waiting",
        "pct_over_18_weeks",
        "pct_over_13_weeks",
    ):
        out[name] = pd.Series([r[name] for r in rows], index=out.index, dtype="object")
    return out


def finish_month_end(frame: pd.DataFrame) -> pd.DataFrame:
    """% over 18 (and 13) weeks at each month end."""
    import pandas as pd

    out = frame.copy()
    for name, part in (
        ("pct_over_18_weeks", "over_18_weeks"),
        ("pct_over_13_weeks", "over_13_weeks"),
    ):
        out[name] = pd.Series(
            [pct(_int(o), _int(w)) for o, w in zip(out[part], out["waiting"], strict=True)],
            index=out.index,
            dtype="object",
        )
    return out


def finish_breakdown(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    out = frame.copy()
    out["median_weeks_waiting"] = _weeks_column(out["median_days_waiting"])
    out["pct_over_18_weeks"] = pd.Series(
        [pct(_int(o), _int(w)) for o, w in zip(out["over_18_weeks"], out["waiting"], strict=True)],
        index=out.index,
        dtype="object",
    )
    return out


def finish_seen(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["median_weeks_to_first_seen"] = _weeks_column(out["median_days_to_first_seen"])
    return out


def finish_longest(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["weeks_waiting"] = _weeks_column(out["days_waiting"])
    return out


def latest_extract(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The latest extract date of the waiting lists loaded (None: none loaded)."""
    row = con.execute("SELECT max(extract_date) FROM waits_referrals").fetchone()
    return row[0] if row else None


def waits_kpis(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict[str, Any]:
    """The ``waits`` section of ``kpis``: per service, the measures as at ``as_of`` (default: the
    latest extract date). Empty when no waiting list is loaded."""
    from etl.store import query_sql  # the named query's SQL, without pandas

    as_of = as_of or latest_extract(con)
    if as_of is None:
        return {}
    cursor = con.execute(query_sql("waits_summary"), {"as_of": as_of})
    names = [d[0] for d in cursor.description or []]
    out: dict[str, Any] = {}
    for values in cursor.fetchall():
        row = summary_row(dict(zip(names, values, strict=True)))
        entry = {
            "waiting": int(row["waiting"]),
            "median_weeks_waiting": row["median_weeks_waiting"],
            "p90_weeks_waiting": row["p90_weeks_waiting"],
            "pct_over_18_weeks": row["pct_over_18_weeks"],
            "over_52_weeks": int(row["over_52_weeks"]) if row["waiting"] else None,
        }
        if row["service"] == AUTISM:
            entry["pct_over_13_weeks"] = row["pct_over_13_weeks"]
        out[str(row["service"])] = entry
    return out
