"""Waiting times page: the published-waits section (NHS England's CHS lists for the ICB and
England beside ours, the ICB's 12-month trend, and NHS Digital's autism figures)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from etl.published.chs import SOURCE
from ui import access, components, db
from ui import benchmark_components as bc
from ui import waits_view as view
from ui.formatting import fmt_date, fmt_month


def service_tiles(
    summary: pd.DataFrame,
    trend: pd.DataFrame,
    as_of: dt.date,
    england: dict[str, dict[str, object]] | None = None,
    england_month: str = "",
) -> None:
    """A bordered tile per service, three to a row (four wrap unevenly at 1280 wide): list
    size, median weeks, % over 18 weeks, the change since the last month end and, where given,
    England's published % over 18 weeks for the same service (NHS England, ``england_month``,
    "YYYY-MM")."""
    for start in range(0, len(summary), 3):
        row = view.tiles(summary.iloc[start : start + 3], trend, as_of, access.screen_mode())
        services = list(summary["service"].iloc[start : start + 3])
        for column, tile, service in zip(st.columns(3), row, services, strict=False):
            lines = [*tile.lines, *([tile.change] if tile.change else [])]
            published = (england or {}).get(service)
            if published and published.get("pct_over_18_weeks") is not None:
                lines.append(
                    f"England, {fmt_month(england_month + '-01')}: "
                    f"{published['pct_over_18_weeks']}% over 18 weeks"
                )
            with column, st.container(border=True):
                st.metric(tile.title, tile.waiting)
                st.caption("  \n".join(lines))


def published_waits(
    summary: pd.DataFrame, service: str, *, state: db.DataState, scope: str, as_of: dt.date
) -> None:
    """The ICB chosen (default: the home LA's) and England beside our list; the chosen
    service's published trend, or the autism statistics for autism assessment."""
    title = view.service_title(service)
    icbs = db.waits_icbs()
    if not icbs:
        components.empty_state(db.PUBLISHED_EMPTY)
        return
    names = dict(icbs)
    default = 0
    home = bc.known_home_la()
    if home:
        try:
            default = view.home_icb(db.waits_published(home)["area"], icbs)
        except LookupError:
            default = 0
    choice = st.selectbox(
        "ICB to compare with",
        [None, *names],
        index=default,
        key="waits_icb",
        format_func=lambda c: "England only" if c is None else view.org_title(names[c]),
    )
    published = db.waits_published(choice or "England")
    icb = published["services"] if choice else None
    st.caption(f"Published: {published['source']}. Ours: as at {fmt_date(as_of)}.")
    components.table_with_download(
        view.comparison(summary, icb, published["england"]),
        view.WaitsExport(
            "waits_published_comparison",
            scope,
            state,
            as_of=as_of,
            specs=view.compare_columns(icb is not None),
            source=published["source"],
        ),
    )
    if service in published["england"]:
        parts = [("England", db.waits_trend("England", "E92000001"))]
        if choice:
            parts.insert(0, (view.org_title(names[choice]), db.waits_trend("ICB", choice)))
        series = view.published_series(parts, service)
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
        autism = db.autism_waits(home or None)
        if not autism.empty:
            components.section(
                "Autism: first appointment after more than 13 weeks (published)",
                f"NHS Digital autism statistics, {view.period_text(autism)} (the latest published "
                "in this series), by age group.",
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
