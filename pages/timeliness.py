"""EHC plan timeliness: the 20-week measure for a year, how it moves, where time goes, and the
open requests about to pass the deadline."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui import charts, components, db
from ui.formatting import (
    STATUS_BADGES,
    TABLE_COLUMNS,
    comparison_text,
    display_table,
    fmt_date,
    status_badge,
    trend_months,
    year_label,
)

state = components.start_page(
    "EHC plan timeliness",
    "How many EHC plans are issued within the 20-week legal time limit, how that is changing, "
    "and which open requests are close to or past the deadline.",
)
as_at = components.as_at_date(state)

years = list(db.query("years", as_of=as_at)["year"])
if not years:
    components.empty_state(f"No requests or plans in the data up to {fmt_date(as_at)}.")
    st.stop()
year = st.selectbox(
    "Calendar year", years, format_func=lambda y: year_label(y, as_at), key="timeliness_year"
)
period = year_label(year, as_at)
in_year = {"year": year, "as_of": as_at}  # the parameters of every per-year query

st.caption(comparison_text(year, as_at))
components.kpi_row(
    db.kpis(year, as_at),
    db.kpis(year - 1, as_at),
    ["pct_within_20_weeks_excl_exceptions", "pct_within_20_weeks", "plans_issued"],
    against=str(year - 1),
    untrended=["plans_issued"],
)

if db.published_available():
    # Boards never read a local figure alone: DfE's latest England figure, for context.
    excl = db.england_latest("pct_within_20_weeks_excl_exceptions")
    incl = db.england_latest("pct_within_20_weeks")
    if excl and incl:
        st.caption(
            f"For comparison, England in {excl['year']} (DfE published): "
            f"{excl['value']:.1f}% within 20 weeks excluding exceptions, {incl['value']:.1f}% "
            f"including ({excl['release']}). Region, neighbours and rank: Benchmarking page."
        )

first_month, last_month = trend_months(year, as_at)
components.query_chart(
    "issued_monthly",
    charts.monthly_trend,
    "Monthly trend by month of issue",
    state=state,
    scope=f"EHC plans issued per month, {year - 2} to {period}",
    explanation="The share of each month's plans issued within 20 weeks, and over the 12 months "
    "to each month (drawn once 12 months of data exist). Complete months only.",
    from_month=first_month,
    to_month=last_month,
    as_of=as_at,
)
components.query_chart(
    "weeks_to_issue",
    charts.weeks_to_issue,
    "How long plans took: weeks from request to issue",
    scope=f"EHC plans issued in {period} by completed weeks to issue",
    explanation="Each bar is one completed week; the dashed line is the 20-week time limit.",
    state=state,
    **in_year,
)
components.query_chart(
    "bands",
    charts.bands,
    "Time bands",
    scope=f"EHC plans issued in {period} by time band",
    explanation="Within 20 weeks (up to 140 days), 20 to 52 weeks, and over a year (365 days "
    "or more); including and excluding exception cases.",
    state=state,
    **in_year,
)
components.query_chart(
    "stage_timing",
    charts.stage_timing,
    "Where the time goes: request → decision → plan issued",
    scope=f"EHC plans issued in {period}: days at each stage",
    explanation="Median and mean days for plans issued in the period. The decision stage "
    "counts plans with a decision date between the request and the plan.",
    state=state,
    **in_year,
)
need_tab, age_tab = st.tabs(["By primary need", "By age group"])
with need_tab:
    components.query_chart(
        "by_primary_need",
        partial(charts.breakdown, category="primary_need"),
        "Within 20 weeks by primary need",
        scope=f"EHC plans issued in {period} by primary need",
        state=state,
        **in_year,
    )
with age_tab:
    components.query_chart(
        "by_age_group",
        partial(charts.breakdown, category="age_group"),
        "Within 20 weeks by age at request",
        scope=f"EHC plans issued in {period} by age at request",
        state=state,
        **in_year,
    )

components.section(
    f"Watchlist: open requests as at {fmt_date(as_at)}",
    "Soonest 20-week date first. References are pseudonymous (R- and 10 characters): an analyst "
    "finds the case with `python -m etl lookup R-…`, which names the file, sheet and row it came "
    "from. At risk = open more than 14 weeks.",
)
components.status_counts(
    db.query("open_by_status", as_of=as_at), "status", "open_requests", STATUS_BADGES
)
status_col, stage_col = st.columns(2)
statuses = status_col.multiselect(
    "Status (all if none chosen)",
    list(STATUS_BADGES),
    default=["Breached", "At risk"],
    format_func=status_badge,
    key="watchlist_status",
)
stages = stage_col.multiselect(
    "Stage (all if none chosen)",
    list(db.query("open_stages", as_of=as_at)["stage"]),
    key="watchlist_stage",
)
watchlist = db.query("watchlist", as_of=as_at, statuses=statuses or None, stages=stages or None)
components.show_table(display_table(watchlist, columns=TABLE_COLUMNS["watchlist"]))
components.download(
    watchlist,
    "ehcp_watchlist",
    state=state,
    as_of=as_at,
    row_level=True,
    scope=f"Open requests as at {fmt_date(as_at)} (filtered as on screen)",
    columns=TABLE_COLUMNS["watchlist"],
)
