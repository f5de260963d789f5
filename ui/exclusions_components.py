"""Streamlit parts of the Suspensions and exclusions page (issue 13): headline tiles and the
published comparison (public statistics: exported as published, with their source)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import benchmark_components as bc
from ui import components, db
from ui import exclusions_view as view
from ui.formatting import fmt_count


def tiles(row: list[view.Tile]) -> None:
    """Figures side by side, each in a bordered box with its note under it."""
    if not row:
        return
    for column, tile in zip(st.columns(len(row)), row, strict=True):
        with column, st.container(border=True):
            st.metric(tile.label, tile.value)
            if tile.note:
                st.caption(tile.note)


def sen_source(source: pd.DataFrame) -> None:
    """Where each event's SEN provision came from, with this year's events of each (counts of
    events about children: disclosed on a publish-mode screen, issue 16)."""
    rows, _ = components.screen_rows(source)
    counts = ", ".join(f"{row.sen_source} {fmt_count(row.events)}" for row in rows.itertuples())
    st.caption(f"{view.SEN_SOURCE_NOTE} This year: {counts}.")


def published_comparison(state: db.DataState, trend: pd.DataFrame) -> None:
    """The home LA's published rates by term and SEN group, its rank among LAs and its
    statistical neighbours' median (set named and dated), with our own rates beside them where
    both cover a term; source and period on the figure."""
    components.section(
        "Published rates: our LA beside the others",
        "DfE's suspension and permanent exclusion rates by SEN provision for the home LA (all "
        "state-funded schools), by term, with its rank among LAs and its statistical "
        "neighbours' median; our own rates beside them where our data covers the same term.",
    )
    if not db.published_available():
        components.empty_state(db.PUBLISHED_EMPTY)
        return
    home = bc.home_la()
    if home is None:
        components.empty_state(
            'Choose our local authority in the sidebar ("Our LA") to see its published rates.'
        )
        return
    la = home.la
    published = db.exclusion_rates(la.code)
    if published.empty:
        components.empty_state(
            f"No published exclusion rates for {la.name}: load "
            "la_exclusions_by_sen_termly_*.csv with `python -m etl load-published FOLDER`."
        )
        return
    measure = st.selectbox(
        "Published measure",
        list(view.PUBLISHED_MEASURES),
        format_func=lambda m: view.PUBLISHED_MEASURES[m],
        key="exclusions_published_measure",
    )
    data = view.published_trend(published, trend, measure)
    if data.empty:
        components.empty_state(f"No published {view.PUBLISHED_MEASURES[measure]} for {la.name}.")
        return
    release = str(data["release"].iloc[0])
    tiles(view.latest_position(data))
    title = f"{view.PUBLISHED_MEASURES[measure]} by SEN provision, {la.name}, by term"
    components.chart_with_table(
        view.published_chart(data, la.name, title),
        view.published_table(data),
        components.Export(
            f"exclusions_published_{measure}_{la.code}", title, state, kind="public", source=release
        ),
    )
    st.caption(view.published_caption(data, state.snapshot_date))


def by_phase(state: db.DataState, year: int, period: str) -> None:
    """Suspensions and rates by school phase and SEN group (headcounts of the schools of each
    phase), as a table with its download."""
    frame = view.with_labels(db.query("exclusions_by_phase", academic_year=year))
    components.section(
        f"By school phase, {period}",
        "Phase as the headcounts or events give it; rates over the headcount of that phase's "
        "schools (schools without a headcount row have no rate).",
    )
    components.table_with_download(
        frame,
        components.Export(
            "exclusions_by_phase",
            f"Suspensions by school phase and SEN provision, {period}",
            state,
            columns=[
                "phase",
                "sen_group_label",
                "suspensions",
                "permanent_exclusions",
                "pupils_suspended",
                "headcount",
                "suspension_rate",
            ],
        ),
        empty="No events or headcounts by phase in this year.",
    )
