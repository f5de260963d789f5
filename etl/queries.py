"""Named, parameterised queries over the marts (datasette style).

Every question the dashboard asks of the warehouse is one entry in :data:`QUERIES`: SQL with
``$name`` parameters, a docstring-like description, and an optional Python step that adds
percentages with :func:`etl.metrics.pct` (the one percentage rule, DESIGN §4) so that the screen,
the exports and the CLI can never round differently. ``row_level`` marks queries that return one row
per child's request or per problem: the dashboard must not keep those in a shared cache (DESIGN §7).

Call :func:`run` with an open DuckDB connection (read-only is enough)::

    run(con, "bands", year=2026, as_of=date(2026, 11, 1))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import duckdb
import pandas as pd

from etl.inputs.sen2.spec import SEN_TYPES
from etl.metrics import pct
from etl.tracker.report import QUERY_SPECS as TRACKER_QUERY_SPECS

Frame: TypeAlias = pd.DataFrame


@dataclass(frozen=True)
class Query:
    """One named query: its SQL, what it answers, and how its rows are finished in Python."""

    sql: str
    description: str
    row_level: bool = False
    finish: Callable[[Frame], Frame] | None = None


def _add_pct(frame: Frame, pairs: dict[str, tuple[str, str]]) -> Frame:
    """Add percentage columns {name: (numerator, denominator)} using the one rounding rule."""
    out = frame.copy()
    for name, (numerator, denominator) in pairs.items():
        out[name] = pd.Series(
            [pct(_int(n), _int(d)) for n, d in zip(out[numerator], out[denominator], strict=True)],
            index=out.index,
            dtype="object",
        )
    return out


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


WITHIN_PCTS = {
    "pct_within_20_weeks": ("within_20_weeks", "plans_issued"),
    "pct_within_20_weeks_excl_exceptions": (
        "within_20_weeks_excl_exceptions",
        "plans_issued_excl_exceptions",
    ),
}


def _finish_monthly(frame: Frame) -> Frame:
    out = _add_pct(
        frame,
        {
            **WITHIN_PCTS,
            "rolling_pct_within_20_weeks": ("rolling_within_20_weeks", "rolling_plans_issued"),
            "rolling_pct_within_20_weeks_excl_exceptions": (
                "rolling_within_20_weeks_excl_exceptions",
                "rolling_plans_issued_excl_exceptions",
            ),
        },
    )
    # A "rolling 12-month" rate over fewer than 12 months of data would be mislabelled: blank it.
    short = out["rolling_months"] < 12
    for column in ("rolling_pct_within_20_weeks", "rolling_pct_within_20_weeks_excl_exceptions"):
        out.loc[short, column] = None
    return out


def _finish_bands(frame: Frame) -> Frame:
    total = int(frame["plans_issued"].sum())
    total_excl = int(frame["plans_issued_excl_exceptions"].sum())
    out = frame.copy()
    out["all_plans_issued"] = total
    out["all_plans_issued_excl_exceptions"] = total_excl
    return _add_pct(
        out,
        {
            "pct_of_plans_issued": ("plans_issued", "all_plans_issued"),
            "pct_of_plans_issued_excl_exceptions": (
                "plans_issued_excl_exceptions",
                "all_plans_issued_excl_exceptions",
            ),
        },
    )


def _finish_breakdown(frame: Frame) -> Frame:
    return _add_pct(frame, WITHIN_PCTS)


def _need_names(frame: Frame) -> Frame:
    """Users know needs by name; the SEN2 code stays in brackets for matching to returns."""
    out = frame.copy()
    out["primary_need"] = [
        f"{SEN_TYPES[code]} ({code})" if code in SEN_TYPES else code for code in out["primary_need"]
    ]
    return out


def _finish_need(frame: Frame) -> Frame:
    return _need_names(_finish_breakdown(frame))


# Issued plans counted for a year: issued in that calendar year, on or before the as-at date
# (the same cut as ehcp_counts(y, as_of)).
_ISSUED_IN_YEAR = "issue_year = $year AND issued_date <= $as_of"

QUERIES: dict[str, Query] = {
    "meta": Query(
        "SELECT snapshot_date, synthetic, requests_loaded, la_count, built_at FROM warehouse_meta",
        "One row of facts about the published data: snapshot date, synthetic flag, size.",
    ),
    "years": Query(
        """
        SELECT DISTINCT year FROM (
            SELECT issue_year AS year FROM mart_plans_issued
            UNION ALL SELECT decision_year FROM mart_decisions
            UNION ALL SELECT year(received_date) FROM fact_request WHERE received_date IS NOT NULL)
        WHERE year <= year($as_of)
        ORDER BY year DESC
        """,
        "Calendar years with any request, decision or plan, up to the as-at date's year.",
    ),
    "issued_monthly": Query(
        """
        SELECT issue_month,
               plans_issued, within_20_weeks,
               plans_issued_excl_exceptions, within_20_weeks_excl_exceptions,
               rolling_plans_issued::BIGINT AS rolling_plans_issued,
               rolling_within_20_weeks::BIGINT AS rolling_within_20_weeks,
               rolling_plans_issued_excl::BIGINT AS rolling_plans_issued_excl_exceptions,
               rolling_within_excl::BIGINT AS rolling_within_20_weeks_excl_exceptions,
               rolling_months
        FROM mart_issued_monthly
        WHERE issue_month >= $from_month
          -- Only complete months: a month still in progress at the as-at date would be misleading.
          AND issue_month + INTERVAL 1 MONTH <= $as_of + INTERVAL 1 DAY
          AND issue_month <= $to_month
        ORDER BY issue_month
        """,
        "Plans issued per month of issue with % within 20 weeks and the rolling 12-month % "
        "(both including and excluding exceptions). Complete months only.",
        finish=_finish_monthly,
    ),
    "weeks_to_issue": Query(
        f"""
        SELECT (days_to_issue // 7)::INTEGER AS weeks_to_issue,
               count(*) AS plans_issued,
               -- Week 20 holds days 140-146: only day 140 is within, so split by the flag.
               count(*) FILTER (WHERE within_20_weeks) AS within_20_weeks,
               count(*) FILTER (WHERE NOT within_20_weeks) AS after_20_weeks
        FROM mart_plans_issued WHERE {_ISSUED_IN_YEAR}
        GROUP BY ALL ORDER BY weeks_to_issue
        """,
        "Distribution of whole weeks from request to plan issued, for plans issued in a year.",
    ),
    "bands": Query(
        f"""
        WITH bands(band, band_order) AS (
            VALUES ('Within 20 weeks', 1), ('20 to 52 weeks', 2), ('Over 52 weeks', 3))
        SELECT b.band,
               count(p.band) AS plans_issued,
               count(p.band) FILTER (WHERE p.in_excl_exceptions) AS plans_issued_excl_exceptions
        FROM bands b
        LEFT JOIN (SELECT * FROM mart_plans_issued WHERE {_ISSUED_IN_YEAR}) p USING (band)
        GROUP BY b.band, b.band_order ORDER BY b.band_order
        """,
        "Plans issued in a year by time band (within 20 weeks, 20 to 52, over 52), including and "
        "excluding exceptions, with each band's share.",
        finish=_finish_bands,
    ),
    "stage_timing": Query(
        f"""
        WITH issued AS (SELECT * FROM mart_plans_issued WHERE {_ISSUED_IN_YEAR})
        SELECT 1 AS stage_order, 'Request to decision to assess' AS stage,
               count(days_to_decision) AS plans_issued,
               median(days_to_decision) AS median_days, avg(days_to_decision) AS mean_days
        FROM issued
        UNION ALL
        SELECT 2, 'Decision to assess to plan issued', count(days_decision_to_issue),
               median(days_decision_to_issue), avg(days_decision_to_issue)
        FROM issued
        UNION ALL
        SELECT 3, 'Request to plan issued (whole process)', count(days_to_issue),
               median(days_to_issue), avg(days_to_issue)
        FROM issued
        ORDER BY stage_order
        """,
        "Median and mean days at each stage for plans issued in a year. The decision stage counts "
        "only plans with a decision date between the request and the plan.",
    ),
    "by_primary_need": Query(
        f"""
        SELECT primary_need,
               count(*) AS plans_issued,
               count(*) FILTER (WHERE within_20_weeks) AS within_20_weeks,
               count(*) FILTER (WHERE in_excl_exceptions) AS plans_issued_excl_exceptions,
               count(*) FILTER (WHERE in_excl_exceptions AND within_20_weeks)
                   AS within_20_weeks_excl_exceptions
        FROM mart_plans_issued WHERE {_ISSUED_IN_YEAR}
        GROUP BY primary_need ORDER BY plans_issued DESC, primary_need
        """,
        "Plans issued in a year and % within 20 weeks, by primary need.",
        finish=_finish_need,
    ),
    "by_age_group": Query(
        f"""
        WITH groups(age_group, group_order) AS (
            VALUES ('Under 5', 1), ('5 to 10', 2), ('11 to 15', 3), ('16 to 19', 4),
                   ('20 to 25', 5), ('Not recorded', 6))
        SELECT g.age_group,
               count(p.age_group) AS plans_issued,
               count(p.age_group) FILTER (WHERE p.within_20_weeks) AS within_20_weeks,
               count(p.age_group) FILTER (WHERE p.in_excl_exceptions)
                   AS plans_issued_excl_exceptions,
               count(p.age_group) FILTER (WHERE p.in_excl_exceptions AND p.within_20_weeks)
                   AS within_20_weeks_excl_exceptions
        FROM groups g
        LEFT JOIN (SELECT * FROM mart_plans_issued WHERE {_ISSUED_IN_YEAR}) p USING (age_group)
        GROUP BY g.age_group, g.group_order
        -- Keep every age band that has plans, and never show an empty "Not recorded" row.
        HAVING count(p.age_group) > 0 OR g.group_order < 6
        ORDER BY g.group_order
        """,
        "Plans issued in a year and % within 20 weeks, by age at request.",
        finish=_finish_breakdown,
    ),
    "open_by_status": Query(
        """
        WITH statuses(status, status_order) AS (
            VALUES ('Breached', 1), ('At risk', 2), ('On track', 3))
        SELECT s.status, count(o.status) AS open_requests
        FROM statuses s LEFT JOIN open_requests($as_of) o USING (status)
        GROUP BY s.status, s.status_order ORDER BY s.status_order
        """,
        "How many requests are open on the as-at date, by status.",
    ),
    "open_stages": Query(
        """
        SELECT stage, count(*) AS open_requests FROM open_requests($as_of)
        GROUP BY stage ORDER BY stage
        """,
        "How many requests are open on the as-at date, by stage.",
    ),
    "watchlist": Query(
        """
        SELECT reference, received_date, weeks_open, stage, breach_date, status,
               primary_need, age_group
        FROM open_requests($as_of)
        WHERE ($statuses IS NULL OR list_contains($statuses, status))
          AND ($stages IS NULL OR list_contains($stages, stage))
        ORDER BY breach_date, reference
        """,
        "Requests open on the as-at date, soonest breach first: pseudonymous reference only, "
        "never a person key, UPN or the internal request key.",
        row_level=True,
        finish=_need_names,
    ),
    "load_log": Query(
        """
        SELECT file, loaded_at, shape,
               -- A file whose every row was rejected loaded nothing: say so, not "Loaded".
               CASE WHEN status = 'staged' AND rows_loaded = 0 AND rows_superseded = 0
                    THEN 'nothing_loaded' ELSE status END AS status,
               message, rows_read, rows_loaded, rows_rejected, rows_superseded, queries
        FROM load_log ORDER BY load_id
        """,
        "One row per file loaded: what happened to every row it held.",
    ),
    "problem_options": Query(
        """
        SELECT severity, rule, file, count(*) AS problems
        FROM problems GROUP BY ALL ORDER BY severity, rule, file
        """,
        "Problem counts by severity, rule and file (also the choices for the filters).",
    ),
    "problems_by_severity": Query(
        """
        SELECT severity, count(*) AS problems FROM problems
        GROUP BY severity ORDER BY severity
        """,
        "How many problems of each severity (error: row not loaded; query: loaded, flagged).",
    ),
    "problems": Query(
        """
        SELECT file, sheet, "row", "column", rule, severity, message
        FROM problems
        WHERE ($severities IS NULL OR list_contains($severities, severity))
          AND ($rules IS NULL OR list_contains($rules, rule))
          AND ($files IS NULL OR list_contains($files, file))
        ORDER BY load_id, file, sheet NULLS FIRST, "row" NULLS FIRST, rule
        """,
        "The problem list (one row per problem on a cell, row or file), filtered.",
        row_level=True,
    ),
}


# The Improvement plan page's queries (improvement-plan trackers, etl/tracker/report.py).
QUERIES.update(
    {
        name: Query(sql, description, row_level)
        for name, (sql, description, row_level) in TRACKER_QUERY_SPECS.items()
    }
)


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> Frame:
    """Run the named query with its parameters and return the finished DataFrame.

    List parameters (``statuses``, ``stages``, ``severities``, ``rules``, ``files``) filter to
    the values given; ``None`` means no filter. Raises ``KeyError`` for an unknown name.
    """
    query = QUERIES[name]
    bound = {k: (list(v) if isinstance(v, tuple) else v) for k, v in params.items()}
    frame = con.execute(query.sql, bound).fetch_df() if bound else con.execute(query.sql).fetch_df()
    return query.finish(frame) if query.finish else frame
