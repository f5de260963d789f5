"""Overview: the partnership board's one page — EHC plan timeliness, open requests at risk and
past the deadline, and the improvement plan's RAG counts, each with England's latest published
figure where DfE publishes one."""

from __future__ import annotations

import streamlit as st

from ui import components, db
from ui import tracker_components as tc
from ui import tracker_view as plan_view
from ui.formatting import comparison_text, fmt_date, one_year_earlier, year_label

state = components.start_page(
    "Overview",
    "The partnership board's page: how quickly EHC plans are issued, how many open requests "
    "have passed or are close to the 20-week deadline, and where the improvement plan stands. "
    "England's latest published figure is shown beside ours where DfE publishes one.",
)
as_at = components.as_at_date(state)
year = as_at.year
year_ago = one_year_earlier(as_at)
now = db.kpis(year, as_at)
timeliness_keys = [
    "pct_within_20_weeks_excl_exceptions",
    "pct_within_20_weeks",
    "pct_decisions_within_6_weeks",
]
england = (
    {key: db.england_latest(key) for key in timeliness_keys} if db.published_available() else {}
)

components.section(f"Timeliness: {year_label(year, as_at)}", comparison_text(year, as_at))
components.kpi_row(
    now,
    db.kpis(year - 1, as_at),  # the whole previous calendar year
    timeliness_keys,
    against=str(year - 1),
    england=england,
)
components.trust_note("sen2")

components.section(
    f"Open requests as at {fmt_date(as_at)}",
    f"Compared with the same date a year earlier ({fmt_date(year_ago)}).",
)
components.kpi_row(
    now,
    db.kpis(year - 1, year_ago),  # open requests on the same date a year earlier
    ["open_breached", "open_at_risk", "open_requests"],
    against=fmt_date(year_ago),
)
st.page_link(
    "pages/timeliness.py",
    label="See the monthly trend, stages and the watchlist of open requests",
    icon=":material/arrow_forward:",
)

periods = db.query("plan_periods")
if not periods.empty:
    components.section(
        "Improvement plan",
        "Milestones and actions of each plan's latest report, by RAG (the same rule every time).",
    )
    for plan, report_date in plan_view.latest_reports(periods):
        items = db.query(
            "plan_items", as_of=report_date, plan=plan, workstreams=None, owners=None, rags=None
        )
        st.markdown(f"**{plan}** — report dated {fmt_date(report_date)}")
        tc.rag_badges(plan_view.rag_counts(items))
    components.trust_note("tracker")
    st.page_link(
        "pages/improvement_plan.py",
        label="See the timeline, what is behind schedule and what changed",
        icon=":material/arrow_forward:",
    )
