"""Waiting times: children's waits for health assessments and therapies, service by service —
the list now, its trend, how long children have waited, who is waiting longest, and NHS
England's published waits for the ICB and England beside ours."""

from __future__ import annotations

import streamlit as st

from ui import access, components, db
from ui import waits_components as wc
from ui import waits_view as view
from ui.formatting import fmt_date

state = components.start_page(
    "Waiting times",
    "Children waiting for health assessments and therapies (speech and language therapy, OT, "
    "physiotherapy, community paediatrics, CAMHS, autism and ADHD assessment), from the "
    "providers' own waiting lists, beside NHS England's published waits.",
)
lists = view.loaded(db.query("waits_meta"))
if lists.latest is None:
    components.empty_state(
        "No waiting list loaded yet. Load a provider's extract (one row per referral) with "
        "`python -m etl load waiting_list.xlsx`, or run `python -m etl demo` for synthetic ones."
    )
    st.stop()

as_of = min(components.as_at_date(state), lists.latest)
st.caption(
    f"As at {fmt_date(as_of)} (latest extract {fmt_date(lists.latest)}; "
    f"{components.screen_count(lists.referrals)} "
    f"referrals from {lists.extracts} extract(s)). Waiting: referred on or before that date, not "
    "yet seen and not removed from the list. Weeks waiting = days since referral ÷ 7."
)
scope = f"Waiting times as at {fmt_date(as_of)}"


def export(
    name: str, columns: tuple[tuple[str, view.Col], ...], **extra: object
) -> view.WaitsExport:
    return view.WaitsExport(f"waits_{name}", scope, state, as_of=as_of, specs=columns, **extra)  # type: ignore[arg-type]


summary = view.ordered(db.query("waits_summary", as_of=as_of))
trend = view.last_two_years(db.query("waits_month_end", as_of=as_of), as_of)
services = list(summary["service"])

components.section(
    "Each service now",
    "List size, median weeks waiting and the share waiting more than 18 weeks, with the change "
    "since the last month end.",
)
wc.service_tiles(summary, trend, as_of)
components.trust_note("waits")
components.table_with_download(summary, export("by_service", view.SUMMARY_COLUMNS))

service = st.selectbox(
    "Service for the charts below", services, format_func=view.service_title, key="waits_service"
)
title = view.service_title(service)
one = view.for_service(trend, service)
components.section(
    f"{title}: list size at each month end, last two years",
    "Bars: children waiting; dashed line: the share waiting more than 18 weeks (right-hand scale).",
)
components.chart_with_table(view.trend_chart, one, export("trend", view.TREND_COLUMNS))

limit = view.threshold_weeks(service)
components.section(
    f"{title}: how long the children now waiting have waited",
    f"Whole weeks since referral; bars past the {limit}-week line are hatched"
    + (" (13 weeks: the NICE standard for autism assessment)." if limit == 13 else "."),
)
spread = view.for_service(db.query("waits_distribution", as_of=as_of), service)
if spread.empty:
    components.empty_state("Nobody is waiting for this service.")
else:
    components.chart_with_table(
        lambda rows: view.distribution_chart(rows, service),
        spread,
        export("distribution", view.DISTRIBUTION_COLUMNS, totals=view.SERVICE_TOTALS),
    )
    for by, heading in (("age_band", "by age at referral"), ("provider", "by provider")):
        part = view.for_service(db.query("waits_breakdown", as_of=as_of, by=by), service)
        components.section(f"{title}: {heading}")
        components.chart_with_table(
            view.breakdown_chart,
            part,
            export(f"by_{by}", view.BREAKDOWN_COLUMNS, totals=view.SERVICE_TOTALS),
        )

components.section(
    f"{title}: the longest waits",
    "Pseudonymous references only (W-…), with the file and row each came from, to find the "
    "child in the provider's own records. Internal mode only.",
)
if not access.viewer().may_see_rows(service):  # issue 16: gate before the query
    access.rows_hidden("The longest waits")
elif components.export_mode() == "internal":
    longest = db.query("waits_longest", as_of=as_of, service=service, limit=20)
    components.table_with_download(
        longest,
        export("longest", view.LONGEST_COLUMNS, row_level=True),
        empty="Nobody is waiting for this service.",
    )
else:
    st.caption("Not shown in Publish mode: a list of children is row-level. Choose Internal.")

components.section(
    "Published waits beside ours",
    "NHS England publishes children's community health waiting lists each month by ICB and "
    "provider (not CAMHS, autism or ADHD assessment). Its lists count every child a provider "
    "serves, wherever they live, so compare shapes, not exact sizes.",
)
wc.published_waits(summary, service, state=state, scope=scope, as_of=as_of)
