"""Suspensions and permanent exclusions of pupils with SEND (issue 13): rates by SEN group with
the gap to pupils without SEN and the relative risk, the trend, schools, reasons, repeat
suspensions, and the LA's published rates beside England's other LAs and its neighbours."""

from __future__ import annotations

from functools import partial

import streamlit as st

from etl.inputs.exclusions.spec import academic_year
from ui import components, db
from ui import exclusions_components as parts
from ui import exclusions_view as view

state = components.start_page(
    "Suspensions and exclusions",
    "How often pupils with EHC plans and SEN support are suspended or permanently excluded, "
    "compared with pupils without SEN; where and why; and how our published rates compare.",
)
if not db.has_exclusions():
    components.empty_state(
        "No exclusion records loaded yet. Load an export of suspensions and permanent exclusions "
        "(one row per event: UPN or pupil reference, school, start date, category, sessions, "
        "reason, SEN provision) and a headcounts sheet with `python -m etl load FILE`; see the "
        "README (Exclusion records)."
    )
    st.stop()

years = db.query("exclusions_years")
labels = dict(zip(years["academic_year"], years["academic_year_label"], strict=True))
as_at = components.as_at_date(state) if state.snapshot_date else None
current = academic_year(as_at) if as_at else None
options = list(labels)
chosen = st.columns([1, 2])[0].selectbox(
    "Academic year (1 September – 31 August)",
    options,
    index=options.index(current) if current in options else 0,
    format_func=lambda y: labels[y],
    key="exclusions_year",
)
period = view.year_heading(labels[chosen], chosen, state.snapshot_date)
in_year = {"academic_year": chosen}


def export(name: str, scope: str, columns: list[str] | None = None) -> components.Export:
    """Our own figures about children: exported in the sidebar's mode (publish suppresses).
    School names, phases and reasons come from the files: shown in the grid, as written."""
    return components.Export(f"exclusions_{name}", scope, state, columns=columns, file_text=True)


# ---------------------------------------------------------------- rates by SEN group
by_sen = view.with_labels(db.query("exclusions_by_sen", **in_year))
components.section(
    f"Rates by SEN provision, {period}",
    "Per 100 pupils in each group (headcount from the headcounts sheet). Relative risk = the "
    "group's suspension rate ÷ the no-SEN rate; gap = the difference in points.",
)
shown_by_sen, _ = components.screen_rows(by_sen)  # disclosed on a publish-mode screen
parts.tiles(view.headline_tiles(shown_by_sen))
components.trust_note("exclusions")
components.chart_with_table(
    view.rates_chart,
    by_sen,
    export(
        "by_sen",
        f"Suspensions and permanent exclusions by SEN provision, {period}",
        view.BY_SEN_COLUMNS,
    ),
)
parts.sen_source(db.query("exclusions_sen_source", academic_year=chosen))

# ---------------------------------------------------------------- trend
trend = view.with_labels(db.query("exclusions_trend"))
components.section(
    "Trend", "Each term (autumn to December, spring to Easter, summer to August) or each year."
)
left, right = st.columns([2, 1])
measure = left.selectbox(
    "Measure",
    list(view.RATES),
    format_func=lambda m: view.label(m),
    key="exclusions_trend_measure",
)
by = right.radio("By", ["term", "year"], horizontal=True, key="exclusions_trend_by")
shown = trend[trend["term"].notna()] if by == "term" else trend[trend["term"].isna()]
components.chart_with_table(
    partial(view.trend_chart, measure=measure, by=by),
    shown,
    export(
        "trend",
        f"Exclusion rates by SEN provision, by {by}",
        ["period", "sen_group_label", "suspensions", "permanent_exclusions", "headcount", measure],
    ),
)

# ---------------------------------------------------------------- schools
schools = view.schools_frame(db.query("exclusions_by_school", **in_year))
components.section(
    f"Schools by suspension rate of pupils with SEND, {period}",
    "Pupils with SEND = EHC plan or SEN support. Rates resting on 1–7 suspensions or fewer than "
    "20 pupils are marked ⚠ small numbers: one pupil more or less moves them a lot. In Publish "
    "mode they are suppressed.",
)
if schools["send_suspension_rate"].notna().any():
    components.chart_with_table(
        view.schools_chart,
        schools,
        export(
            "by_school",
            f"Schools by suspension rate of pupils with SEND, {period}",
            view.SCHOOL_COLUMNS,
        ),
    )
else:
    components.empty_state(
        "No school has a headcount for this year, so no school rates can be shown (headcounts "
        "are matched to events by URN)."
    )

parts.by_phase(state, chosen, period)

# ---------------------------------------------------------------- reasons and repeats
reasons = view.with_labels(db.query("exclusions_by_reason", **in_year))
components.section(f"Reasons, {period}", "The reason recorded on each event, commonest first.")
if reasons.empty:
    components.empty_state("No events in this year.")
else:
    components.chart_with_table(
        view.reasons_chart,
        reasons,
        export(
            "by_reason",
            f"Suspensions and permanent exclusions by reason, {period}",
            ["reason", "sen_group_label", "suspensions", "permanent_exclusions", "events"],
        ),
    )
repeat = view.with_labels(db.query("exclusions_repeat", **in_year))
components.section(f"Repeat suspensions, {period}", view.repeat_summary(shown_by_sen))
if repeat.empty:
    components.empty_state("No suspensions in this year.")
else:
    components.chart_with_table(
        view.repeat_chart,
        repeat,
        export(
            "repeat",
            f"Pupils suspended by number of suspensions, {period}",
            ["sen_group_label", "suspensions_in_year", "pupils"],
        ),
    )

# ---------------------------------------------------------------- published comparison
parts.published_comparison(state, components.screen_rows(trend)[0])
