"""EHC plan timeliness: the 20-week measure for a year, how it moves, where time goes, and the
open requests about to pass the deadline."""

from __future__ import annotations

import streamlit as st

from etl.access import EHC_PLANS
from etl.config import settings
from ui import access, components, db, reviews_view
from ui import timeliness_view as view
from ui.formatting import (
    STATUS_BADGES,
    TABLE_COLUMNS,
    comparison_text,
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
    view.HEADLINE_KPIS,
    against=str(year - 1),
    untrended=view.UNTRENDED_KPIS,
)
if db.published_available():
    # Boards never read a local figure alone: DfE's latest England figure, for context.
    england = view.england_comparison(
        db.england_latest("pct_within_20_weeks_excl_exceptions"),
        db.england_latest("pct_within_20_weeks"),
    )
    if england:
        st.caption(england)
components.trust_note("sen2")

first_month, last_month = trend_months(year, as_at)
components.query_chart(
    view.monthly_chart(year, period),
    state=state,
    from_month=first_month,
    to_month=last_month,
    as_of=as_at,
)
for chart in view.year_charts(period, settings()):
    components.query_chart(chart, state=state, **in_year)
tabs = view.breakdown_tabs(period)
# Only the chosen breakdown is drawn (a rerun on choosing the other): one chart fewer for the
# browser to draw before the first (issue 11).
chosen = st.tabs([t.label for t in tabs], key="timeliness_breakdown", on_change="rerun")
for tab, shown in zip(chosen, tabs, strict=True):
    if tab.open is False:
        continue
    with tab:
        components.query_chart(shown.chart, state=state, **in_year)

components.section(view.watchlist_heading(as_at), view.watchlist_explanation(settings()))
components.status_counts(
    db.query("open_by_status", as_of=as_at), "status", "open_requests", STATUS_BADGES
)
# Issue 16: the watchlist is row-level; the gate comes before the query (never cached anyway).
if access.viewer().may_see_rows(EHC_PLANS):
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
    # Issue 11: only the page on screen of each list is fetched and drawn (the national list
    # has tens of thousands of rows); each download fetches every row of its list when clicked.
    filters = {"as_of": as_at, "statuses": statuses or None, "stages": stages or None}
    rows, lists = view.WATCHLIST_PAGE_ROWS, ("ehcp_watchlist", "ehcp_watchlist_breached")

    to_act, breached = components.fetch_pages(
        lambda first: view.watchlist_lists(
            db.query(
                "watchlist",
                **filters,
                page_rows=rows,
                open_offset=first[0],
                breached_offset=first[1],
            )
        ),
        lists,
        rows,
    )
    every_row = db.query_later("watchlist", **filters)
    st.markdown("**To act on now:** at risk first, fewest days left first.")
    components.table_with_download(
        to_act,
        components.Export(
            lists[0],
            f"Open requests not yet past 20 weeks as at {fmt_date(as_at)} (filtered as on screen)",
            state,
            as_of=as_at,
            columns=TABLE_COLUMNS["watchlist"],
            row_level=True,
        ),
        empty="None open at risk or on track with these filters.",
        paged=components.Paged(
            view.listed(to_act), rows, lambda: view.watchlist_lists(every_row())[0]
        ),
    )
    if not breached.empty:
        st.markdown("**Already past the 20-week date:** longest past first.")
        components.table_with_download(
            breached,
            components.Export(
                lists[1],
                f"Open requests past 20 weeks as at {fmt_date(as_at)} (filtered as on screen)",
                state,
                as_of=as_at,
                columns=TABLE_COLUMNS["watchlist_breached"],
                row_level=True,
            ),
            paged=components.Paged(
                view.listed(breached), rows, lambda: view.watchlist_lists(every_row())[1]
            ),
        )
else:
    access.rows_hidden("The watchlist")

reviews_view.show(state, as_at)
