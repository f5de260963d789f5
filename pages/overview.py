"""Overview: the partnership board's one page — EHC plan timeliness, open requests at risk and
past the deadline, the improvement plan's RAG counts, children's health waits and suspensions of
pupils with SEND, each with England's latest published figure where one is published."""

from __future__ import annotations

import streamlit as st

from etl import catalogue
from etl.access import EHC_PLANS
from etl.inputs.exclusions.stage import year_shown
from etl.kpi_links import LINKABLE
from ui import access, components, db, exclusions_view, snapshot_components, waits_view
from ui import exclusions_components as exclusions_parts
from ui import tracker_components as tc
from ui import tracker_view as plan_view
from ui import waits_components as wc
from ui.commentary_components import commentary_block
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
    since=snapshot_components.since_lines(now, timeliness_keys),
)
components.trust_note("sen2")

components.section(
    f"Open requests as at {fmt_date(as_at)}",
    f"Compared with the same date a year earlier ({fmt_date(year_ago)}).",
)
open_keys = ["open_breached", "open_at_risk", "open_requests"]
components.kpi_row(
    now,
    db.kpis(year - 1, year_ago),  # open requests on the same date a year earlier
    open_keys,
    against=fmt_date(year_ago),
    since=snapshot_components.since_lines(now, open_keys),
)
st.page_link(
    "pages/timeliness.py",
    # Only a role that may see the watchlist is promised it (issue 16).
    label="See the monthly trend, stages and the watchlist of open requests"
    if access.viewer().may_see_rows(EHC_PLANS)
    else "See the monthly trend and the stages of open requests",
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

# ---------------------------------------------------------------- health waits (when loaded)
lists = waits_view.loaded(db.query("waits_meta"))
if lists.latest is not None:
    waits_as_of = min(as_at, lists.latest)
    summary = waits_view.ordered(db.query("waits_summary", as_of=waits_as_of))
    trend = waits_view.last_two_years(db.query("waits_month_end", as_of=waits_as_of), waits_as_of)
    published = db.waits_published("England") if db.waits_icbs() else None
    components.section(
        f"Children waiting for health services as at {fmt_date(waits_as_of)}",
        "From the providers' waiting lists: children referred and not yet seen, per service"
        + (
            f"; England's share waiting over 18 weeks from {published['source']}."
            if published
            else "."
        ),
    )
    wc.service_tiles(
        summary,
        trend,
        waits_as_of,
        england=published["england"] if published else None,
        england_month=published["month"] if published else "",
    )
    components.trust_note("waits")
    st.page_link(
        "pages/waiting_times.py",
        label="See each service's trend, the longest waits and the ICB's published waits",
        icon=":material/arrow_forward:",
    )

# ---------------------------------------------------------------- exclusions (when loaded)
if db.has_exclusions():
    years = db.query("exclusions_years")
    labels = dict(zip(years["academic_year"], years["academic_year_label"], strict=True))
    shown_year = year_shown(labels, as_at)  # the as-at date's year, else the newest loaded
    by_sen = exclusions_view.with_labels(db.query("exclusions_by_sen", academic_year=shown_year))
    components.section(
        f"Suspensions of pupils with SEND, {labels[shown_year]}",
        "Suspensions per 100 pupils in each group, with the gap to pupils without SEN and how "
        "many times the no-SEN rate it is.",
    )
    shown_by_sen, _ = components.screen_rows(by_sen)  # disclosed on a publish-mode screen
    exclusions_parts.tiles(exclusions_view.headline_tiles(shown_by_sen))
    components.trust_note("exclusions")
    st.page_link(
        "pages/exclusions.py",
        label="See the trend, schools, reasons and our published rates",
        icon=":material/arrow_forward:",
    )

# ---------------------------------------------------------------- commentary on the measures
components.section(
    f"Owner's commentary, {as_at:%B %Y}",
    "What the measure's owner says about the figures this month, kept with their name and the "
    "time; the board and review packs print it beside the measure.",
)
commentary_block(
    "measure",
    f"{as_at:%Y-%m}",
    {key: catalogue.title(key) for key in LINKABLE},
    key="overview_comment",
)
