"""Named, parameterised queries over the marts (datasette style): the one registry.

Every question the dashboard or the CLI asks of the warehouse is one entry in :data:`QUERIES`:
SQL with ``$name`` parameters in ``etl/sql/queries/<name>.sql`` (so it reads, diffs and lints as
SQL), a description, and an optional Python step that adds
percentages with :func:`etl.metrics.pct` (the one percentage rule, DESIGN §4) so that the screen,
the exports and the CLI can never round differently. ``row_level`` marks queries that return one row
per child's request or per problem: the dashboard must not keep those in a shared cache (DESIGN §7).

Readers go through :class:`etl.store.Warehouse` (``Warehouse.query("bands", year=…)``), which
calls :func:`run` on its read-only connection::

    run(con, "bands", year=2026, as_of=date(2026, 11, 1))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import duckdb
import pandas as pd

from etl.inputs.sen2.spec import SEN_TYPES
from etl.inputs.waits import measures as waits_measures
from etl.metrics import pct
from etl.store import ANNUAL_REVIEW_PCTS, query_sql

Frame: TypeAlias = pd.DataFrame


@dataclass(frozen=True)
class Query:
    """One named query: what it answers, whether it returns child- or problem-level rows, and
    how its rows are finished in Python. Its SQL is the file of the same name."""

    description: str
    row_level: bool = False
    finish: Callable[[Frame], Frame] | None = None
    # Parameters a caller may leave out, with the value they then take (None: no filter).
    optional: tuple[str, ...] = ()


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
    # Named once per distinct code, not once per row (issue 11: the national watchlist has
    # tens of thousands of rows and a dozen codes).
    codes = out["primary_need"]
    names = {code: f"{SEN_TYPES[code]} ({code})" for code in codes.unique() if code in SEN_TYPES}
    out["primary_need"] = [names.get(code, code) for code in codes] if names else codes
    return out


def _finish_need(frame: Frame) -> Frame:
    return _need_names(_finish_breakdown(frame))


QUERIES: dict[str, Query] = {
    "meta": Query(
        "One row of facts about the published data: snapshot date, synthetic flag, size.",
    ),
    "years": Query(
        "Calendar years with any request, decision or plan, up to the as-at date's year.",
    ),
    "issued_monthly": Query(
        "Plans issued per month of issue with % within 20 weeks and the rolling 12-month % "
        "(both including and excluding exceptions). Complete months only.",
        finish=_finish_monthly,
    ),
    # The per-year queries count plans issued in the calendar year $year on or before $as_of
    # (the same cut as ehcp_counts(year, as_of)), so every breakdown adds up to the headline.
    "weeks_to_issue": Query(
        "Distribution of whole weeks from request to plan issued, for plans issued in a year.",
    ),
    "bands": Query(
        "Plans issued in a year by time band (within 20 weeks, 20 to 52, over 52), including and "
        "excluding exceptions, with each band's share.",
        finish=_finish_bands,
    ),
    "stage_timing": Query(
        "Median and mean days at each stage for plans issued in a year. The decision stage counts "
        "only plans with a decision date between the request and the plan.",
    ),
    "by_primary_need": Query(
        "Plans issued in a year and % within 20 weeks, by primary need.",
        finish=_finish_need,
    ),
    "by_age_group": Query(
        "Plans issued in a year and % within 20 weeks, by age at request.",
        finish=_finish_breakdown,
    ),
    "open_by_status": Query(
        "How many requests are open on the as-at date, by status.",
    ),
    "open_stages": Query(
        "How many requests are open on the as-at date, by stage.",
    ),
    "watchlist": Query(
        "Requests open on the as-at date, soonest breach first: pseudonymous reference only, "
        "never a person key, UPN or the internal request key. Optionally one page of each list "
        "(not yet breached; breached) with each list's length.",
        row_level=True,
        optional=("page_rows", "open_offset", "breached_offset"),
        finish=_need_names,
    ),
    "annual_reviews": Query(
        "Annual reviews as at a date: plans due a review, reviews overdue, and review decisions "
        "made within 4 weeks of the meeting, with their percentages (issue 10).",
        finish=lambda frame: _add_pct(frame, ANNUAL_REVIEW_PCTS),
    ),
    "annual_review_status": Query(
        "Plans active on the as-at date by annual review position: no review recorded, overdue "
        "(by how long), reviewed in the last 12 months, not yet due.",
    ),
    "load_log": Query(
        "One row per file loaded: what happened to every row it held.",
    ),
    "sen2_la_codes": Query(
        "The LA code each loaded SEN2 file states (XML LEA, header record LA number), newest "
        "file first: where the dashboard can take the home LA from.",
    ),
    "problem_options": Query(
        "Problem counts by severity, rule and file (also the choices for the filters).",
    ),
    "problems_by_severity": Query(
        "How many problems of each severity (error: row not loaded; query: loaded, flagged).",
    ),
    "problems": Query(
        "The problem list (one row per problem on a cell, row or file), filtered.",
        row_level=True,
        optional=("severities", "rules", "files", "loads"),
    ),
    # The Improvement plan page (improvement-plan trackers, etl/tracker/). $as_of is a report
    # date or NULL (latest); list parameters filter, NULL = no filter; $plan is one plan's name
    # (NULL or left out: every plan).
    "plan_periods": Query("Every reporting period loaded, per plan, newest first."),
    "plan_filter_options": Query(
        "Workstreams / areas and owners of the items in force, for the filters.",
        optional=("plan",),
    ),
    "plan_rag_summary": Query(
        "Milestones and actions in force by workstream / area of weakness and RAG (every RAG "
        "listed, zeros kept).",
        optional=("plan",),
    ),
    "plan_items": Query(
        "Every milestone and action in force, worst RAG first, soonest end first.",
        optional=("plan",),
    ),
    "plan_behind_schedule": Query(
        "Actions and milestones behind schedule: not complete and Red, or given a later "
        "revised date, or with a reason for delay.",
        optional=("plan",),
    ),
    "plan_disagreements": Query(
        "Items whose own reported status contradicts the computed RAG.", optional=("plan",)
    ),
    "plan_changes": Query(
        "What changed since each plan's previous report: newly red, newly complete, slipped end "
        "dates, status and RAG changes, items added or dropped.",
        optional=("plan",),
    ),
    "plan_registers": Query(
        "Risks, issues and dependencies of the periods in force, highest score first.",
        optional=("plan",),
    ),
    "plan_risk_grid": Query(
        "Risks in force counted on the 5 × 5 likelihood × impact grid (risks with only a "
        "combined score are not on the grid).",
        optional=("plan",),
    ),
    "plan_overrides": Query(
        "Every RAG override ever made, newest first (a blank RAG clears an override)."
    ),
    # Waiting times (issue 12, etl/inputs/waits/measures.py). $as_of is the as-at date D.
    "waits_meta": Query("Waiting lists loaded: referrals, latest extract date, first referral."),
    "waits_summary": Query(
        "Per service as at D: list size, median and 90th percentile weeks waiting, % over 18 "
        "weeks, over 52 weeks and (autism assessment) % over 13 weeks.",
        finish=waits_measures.finish_summary,
    ),
    "waits_month_end": Query(
        "List size and % over 18 (and 13) weeks at each month end up to D, per service.",
        finish=waits_measures.finish_month_end,
    ),
    "waits_distribution": Query("Current waits at D by whole weeks waited, per service."),
    "waits_breakdown": Query(
        "The list at D by service and age band at referral ($by = 'age_band') or provider.",
        finish=waits_measures.finish_breakdown,
    ),
    "waits_longest": Query(
        "The longest current waits at D: pseudonymous reference only (W-…), never the child "
        "reference or its keyed hash.",
        row_level=True,
        finish=waits_measures.finish_longest,
        optional=("service",),
    ),
    "waits_seen": Query(
        "Referrals first seen in a period, per service, with the median weeks from referral.",
        finish=waits_measures.finish_seen,
    ),
    # The Exclusions page (issue 13, etl/inputs/exclusions/). $academic_year is the year an
    # academic year starts (2023 = 2023/24); rates are computed in SQL (2 dp, half away from zero).
    "exclusions_years": Query("Academic years with exclusion events or headcounts, newest first."),
    "exclusions_by_sen": Query(
        "Suspensions, permanent exclusions, pupils suspended, headcount, rates, the gap to no-SEN "
        "pupils and the relative risk, by SEN group, for an academic year or one of its terms.",
        optional=("term",),
    ),
    "exclusions_trend": Query(
        "Rates by SEN group for every academic year and term loaded, oldest first."
    ),
    "exclusions_by_school": Query(
        "Schools by suspension rate of pupils with SEND, with the counts behind each rate."
    ),
    "exclusions_by_phase": Query("Suspensions and rates by school phase and SEN group."),
    "exclusions_by_reason": Query("Suspensions and permanent exclusions by reason and SEN group."),
    "exclusions_repeat": Query(
        "Pupils suspended by how many suspensions they had in the year, by SEN group."
    ),
    "exclusions_sen_source": Query(
        "Events by where their SEN provision came from: recorded, derived from SEN2, or not.",
        optional=("academic_year",),
    ),
}


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> Frame:
    """Run the named query with its parameters and return the finished DataFrame.

    List parameters (``statuses``, ``stages``, ``severities``, ``rules``, ``files``) filter to
    the values given; ``None`` means no filter. Raises ``KeyError`` for an unknown name.
    """
    query = QUERIES[name]
    sql = query_sql(name)
    given = {**dict.fromkeys(query.optional), **params}
    bound = {k: (list(v) if isinstance(v, tuple) else v) for k, v in given.items()}
    frame = con.execute(sql, bound).fetch_df() if bound else con.execute(sql).fetch_df()
    return query.finish(frame) if query.finish else frame
