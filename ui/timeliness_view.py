"""EHC plan timeliness page parts: which charts it shows, and the words around them.

Pure (no Streamlit, no database). Thresholds come from the settings file (``within_days``,
``at_risk_days``, ``over_year_days``), never from the page, so a changed threshold changes
every caption with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from etl.catalogue import label
from etl.config import Settings
from ui import charts
from ui.components import ChartSpec
from ui.formatting import fmt_date, fmt_time_limit

# The watchlist's two lists are shown this many rows a page (issue 11): a caseworker reads the
# first rows (fewest days left) and pages on; the download has every row. Short pages also keep
# the page quick to draw in the browser (each cell of a plain table is rendered as Markdown).
WATCHLIST_PAGE_ROWS = 25
# The page's headline tiles.
HEADLINE_KPIS = ["pct_within_20_weeks_excl_exceptions", "pct_within_20_weeks", "plans_issued"]
# Part-year counts are always "down" on a whole year, so they carry no trend.
UNTRENDED_KPIS = ["plans_issued"]


def _as_adjective(limit: str) -> str:
    """ "20 weeks" -> "20-week" (as in "the 20-week date")."""
    number, unit = limit.split()
    return f"{number}-{unit.removesuffix('s')}"


def monthly_chart(year: int, period: str) -> ChartSpec:
    """The monthly trend over the two years before ``year`` and ``year`` itself."""
    return ChartSpec(
        "issued_monthly",
        charts.monthly_trend,
        "Monthly trend by month of issue",
        f"EHC plans issued per month, {year - 2} to {period}",
        "The share of each month's plans issued within 20 weeks, and over the 12 months to "
        "each month (drawn once 12 months of data exist). Complete months only.",
    )


def year_charts(period: str, limits: Settings) -> list[ChartSpec]:
    """The charts of plans issued in one year: weeks to issue, bands, time at each stage."""
    return [
        ChartSpec(
            "weeks_to_issue",
            charts.weeks_to_issue,
            "How long plans took: weeks from request to issue",
            f"EHC plans issued in {period} by completed weeks to issue",
            "Each bar is one completed week; the dashed line is the "
            f"{_as_adjective(fmt_time_limit(limits.within_days))} time limit.",
        ),
        ChartSpec(
            "bands",
            charts.bands,
            "Time bands",
            f"EHC plans issued in {period} by time band",
            f"Within {fmt_time_limit(limits.within_days)} (up to {limits.within_days} days), "
            f"20 to 52 weeks, and over a year ({limits.over_year_days} days or more); including "
            "and excluding exception cases.",
        ),
        ChartSpec(
            "stage_timing",
            charts.stage_timing,
            "Where the time goes: request → decision → plan issued",
            f"EHC plans issued in {period}: days at each stage",
            "Median and mean days for plans issued in the period. The decision stage counts "
            "plans with a decision date between the request and the plan.",
        ),
    ]


@dataclass(frozen=True)
class Tab:
    """A tab of the page and the chart in it."""

    label: str
    chart: ChartSpec


def breakdown_tabs(period: str) -> list[Tab]:
    """% within 20 weeks by primary need and by age group, one tab each."""
    return [
        Tab(
            "By primary need",
            ChartSpec(
                "by_primary_need",
                partial(charts.breakdown, category="primary_need"),
                f"{label('within_20_weeks')} by primary need",
                f"EHC plans issued in {period} by primary need",
                "⚠ marks a share of fewer than 20 plans: one plan moves it 5 points or more.",
            ),
        ),
        Tab(
            "By age group",
            ChartSpec(
                "by_age_group",
                partial(charts.breakdown, category="age_group"),
                f"{label('within_20_weeks')} by age at request",
                f"EHC plans issued in {period} by age at request",
                "⚠ marks a share of fewer than 20 plans: one plan moves it 5 points or more.",
            ),
        ),
    ]


def england_comparison(excl: dict[str, Any] | None, incl: dict[str, Any] | None) -> str | None:
    """DfE's latest England figures in a sentence, for context (None when not loaded)."""
    if not excl or not incl:
        return None
    return (
        f"For comparison, England in {excl['year']} (DfE published): "
        f"{excl['value']:.1f}% within 20 weeks excluding exceptions, {incl['value']:.1f}% "
        f"including ({excl['release']}). Region, neighbours and rank: Benchmarking page."
    )


def watchlist_heading(as_at: Any) -> str:
    """The watchlist's heading, dated."""
    return f"Watchlist: open requests as at {fmt_date(as_at)}"


def watchlist_explanation(limits: Settings) -> str:
    """How to read the watchlist, with the at-risk threshold the settings file sets."""
    return (
        "For saving cases: requests at risk (open more than "
        f"{fmt_time_limit(limits.at_risk_days)}) come first, those with the fewest days left "
        "before the 20-week date at the top; requests already past it are listed separately "
        "below. References are pseudonymous (R- and 10 characters): your data analyst can find "
        "the case's file, sheet and row from one."
    )


def watchlist_lists(watchlist: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``watchlist`` query's rows as its two lists: not yet past the 20-week date (at risk,
    on track), and breached; each in the query's order."""
    breached = watchlist["status"] == "Breached"
    return watchlist[~breached], watchlist[breached]


def listed(part: pd.DataFrame) -> int:
    """How many rows the whole list has, from one page of it (``listed``; 0 for no rows)."""
    return 0 if part.empty else int(part["listed"].iloc[0])
