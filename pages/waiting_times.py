"""Waiting times: children's waits for health assessments and therapies, service by service —
the list now, its trend, how long children have waited, who is waiting longest, and NHS
England's published waits for the ICB and England beside ours."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.config import settings
from etl.published.chs import SOURCE
from ui import components, db
from ui import waits_view as view
from ui.formatting import fmt_date

state = components.start_page(
    "Waiting times",
    "Children waiting for health assessments and therapies (speech and language therapy, OT, "
    "physiotherapy, community paediatrics, CAMHS, autism and ADHD assessment), from the "
    "providers' own waiting lists, beside NHS England's published waits.",
)
meta = db.query("waits_meta")
if meta.empty or not int(meta.iloc[0]["referrals"]):
    components.empty_state(
        "No waiting list loaded yet. Load a provider's extract (one row per referral) with "
        "`python -m etl load waiting_list.xlsx`, or run `python -m etl demo` for synthetic ones."
    )
    st.stop()

latest = pd.Timestamp(meta.iloc[0]["latest_extract_date"]).date()
as_of = min(components.as_at_date(state), latest)
st.caption(
    f"As at {fmt_date(as_of)} (latest extract {fmt_date(latest)}; "
    f"{int(meta.iloc[0]['referrals']):,} referrals from {int(meta.iloc[0]['extracts'])} "
    "extract(s)). Waiting: referred on or before that date, not yet seen and not removed from "
    "the list. Weeks waiting = days since referral ÷ 7."
)
scope = f"Waiting times as at {fmt_date(as_of)}"


def export(
    name: str, columns: tuple[tuple[str, view.Col], ...], **extra: object
) -> view.WaitsExport:
    return view.WaitsExport(
        f"waits_{name}",
        scope,
        state,
        as_of=as_of,
        specs=columns,
        **extra,  # type: ignore[arg-type]
    )


summary = view.with_titles(db.query("waits_summary", as_of=as_of))
trend = db.query("waits_month_end", as_of=as_of)
# Two years of month ends: enough to see a trend, and clear of the first months of an extract,
# whose list is short only because referrals before its window are not in it.
trend = trend[pd.to_datetime(trend["month_end"]) > pd.Timestamp(as_of) - pd.DateOffset(years=2)]
services = view.service_order(list(summary["service"]))
summary = summary.set_index("service").loc[services].reset_index()

components.section(
    "Each service now",
    "List size, median weeks waiting and the share waiting more than 18 weeks; the change is "
    "against the list at the last month end.",
)
for start in range(0, len(services), 4):
    for column, tile in zip(
        st.columns(4), view.tiles(summary.iloc[start : start + 4], trend, as_of), strict=False
    ):
        with column, st.container(border=True):
            st.metric(tile.title, tile.waiting)
            st.caption("  \n".join([*tile.lines, *([tile.change] if tile.change else [])]))
components.table_with_download(summary, export("by_service", view.SUMMARY_COLUMNS))

service = st.selectbox(
    "Service for the charts below", services, format_func=view.service_title, key="waits_service"
)
title = view.service_title(service)
one = trend[trend["service"] == service]
components.section(
    f"{title}: list size at each month end, last two years",
    "Bars: children waiting; dashed line: the share waiting more than 18 weeks (right-hand scale).",
)
components.chart_with_table(view.trend_chart(one), one, export("trend", view.TREND_COLUMNS))

limit = view.threshold_weeks(service)
components.section(
    f"{title}: how long the children now waiting have waited",
    f"Whole weeks since referral; bars past the {limit}-week line are hatched"
    + (" (13 weeks: the NICE standard for autism assessment)." if limit == 13 else "."),
)
spread = db.query("waits_distribution", as_of=as_of)
spread = spread[spread["service"] == service]
if spread.empty:
    components.empty_state("Nobody is waiting for this service.")
else:
    components.chart_with_table(
        view.distribution_chart(spread, service),
        spread,
        export("distribution", view.DISTRIBUTION_COLUMNS),
    )
    for by, heading in (("age_band", "By age at referral"), ("provider", "By provider")):
        part = db.query("waits_breakdown", as_of=as_of, by=by)
        part = view.with_titles(part[part["service"] == service])
        components.section(f"{title}: {heading.lower()}")
        components.chart_with_table(
            view.breakdown_chart(part), part, export(f"by_{by}", view.BREAKDOWN_COLUMNS)
        )

components.section(
    f"{title}: the longest waits",
    "Pseudonymous references only (W-…), with the file and row each came from, to find the "
    "child in the provider's own records. Internal mode only.",
)
if components.export_mode() == "internal":
    longest = view.with_titles(db.query("waits_longest", as_of=as_of, service=service, limit=20))
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
icbs = db.waits_icbs()
if not icbs:
    components.empty_state(db.PUBLISHED_EMPTY)
    st.stop()
names = dict(icbs)
default = 0
if settings().home_la:
    try:
        home = db.waits_published(settings().home_la)["area"]
        code = (home.get("icbs") or [home])[0]["code"]
        default = [c for c, _ in icbs].index(code) + 1
    except (LookupError, ValueError):
        default = 0
choice = st.selectbox(
    "ICB to compare with",
    [None, *names],
    index=default,
    key="waits_icb",
    format_func=lambda c: "England only" if c is None else names[c].title(),
)
published = db.waits_published(choice or "England")
icb = published["services"] if choice else None
st.caption(f"Published: {published['source']}. Ours: as at {fmt_date(as_of)}.")
components.table_with_download(
    view.comparison(summary, icb, published["england"]),
    export(
        "published_comparison", view.compare_columns(icb is not None), source=published["source"]
    ),
)
if service in published["england"]:
    rows = []
    for level, code, name in (
        ("ICB", choice, names.get(choice or "", "")),
        ("England", None, "England"),
    ):
        if level == "ICB" and not choice:
            continue
        part = db.waits_trend(level, code or "E92000001")
        part = part[part["service"] == service].assign(
            area=name.title() if level == "ICB" else name
        )
        rows.append(part.sort_values("month").tail(12))
    series = pd.concat(rows)
    components.section(f"{title}: published % over 18 weeks, last 12 months")
    components.chart_with_table(
        view.published_trend_chart(series),
        series,
        view.WaitsExport(
            "waits_published_trend",
            scope,
            state,
            kind="public",
            source=SOURCE,
            specs=view.PUBLISHED_TREND_COLUMNS,
        ),
    )
elif service == view.AUTISM:
    autism = db.autism_waits(settings().home_la or None)
    if not autism.empty:
        period = f"{pd.Timestamp(autism.iloc[0]['period_start']):%B %Y}"
        components.section(
            "Autism: first appointment after more than 13 weeks (published)",
            f"NHS Digital autism statistics, {period} (the latest published in this series).",
        )
        components.table_with_download(
            autism,
            view.WaitsExport(
                "waits_autism_published",
                scope,
                state,
                kind="public",
                source="NHS Digital, Autism Statistics (ASD19e)",
                specs=view.AUTISM_COLUMNS,
            ),
        )
else:
    st.caption(f"NHS England does not publish {title} waits in this series.")
