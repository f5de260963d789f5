"""Benchmarking: the home LA's published figures beside its region, England and its statistical
neighbours; where it ranks among all LAs; and our own SEN2 calculation reconciled with DfE's."""

from __future__ import annotations

import streamlit as st

from etl.published import MEASURES
from ui import benchmark_charts, components, db, reviews_view
from ui import benchmark_components as bc
from ui import benchmark_view as view

state = components.start_page(
    "Benchmarking",
    "Our published figures beside the region, England and our statistical neighbours; where we "
    "rank among all local authorities; and our own calculation checked against DfE's.",
    needs_data=False,
)
if not db.published_available():
    if not state.available:
        components.empty_state(state.message)
    components.empty_state(db.PUBLISHED_EMPTY)
    st.stop()
# ---------------------------------------------------------------- which LA, which measure
home = bc.home_la()
if home is None:
    # Never a silent default: a board would read another LA's figures as ours.
    st.info(
        "Which local authority is ours? Choose it in the sidebar under **Our LA** — it is "
        "kept while you use the dashboard, and you can save it to the settings file so it is "
        "chosen for everyone next time.",
        icon="ℹ️",
    )
    st.stop()
la = home.la
left, right = st.columns([3, 1])
measure_key = left.selectbox(
    "Measure", list(MEASURES), format_func=view.measure_label, key="benchmark_measure"
)
measure = MEASURES[measure_key]
years = view.years_with_values(db.trend(la.code, measure_key, []))
if not years:
    components.empty_state(f"No published figures for {measure.title}.")
    st.stop()
year = right.selectbox("Year", years, key=f"benchmark_year_{measure_key}")
st.markdown(f"### {view.la_heading(la)}")
st.caption(f"Our LA is {home.source}. {view.measure_caption(measure)}")

# ---------------------------------------------------------------- headline position
position = db.measure_position(la.code, measure_key, year)
bc.tiles(view.position_tiles(position, la, measure))
source = position.get("source", "")
st.caption(f"Source: {source} · {position.get('period', year)}")
reviews_view.benchmark_comparison(measure_key, state)  # ours beside DfE's, where we have it
if state.available and state.synthetic:
    st.caption(
        "These are real published statistics (DfE, MoJ). The local SEN2 data loaded here is "
        "synthetic, so in the reconciliation at the bottom only DfE's column is real."
    )


def export(name: str, scope: str) -> components.Export:
    """Published figures: public statistics, exported as published with their source."""
    return bc.public_export(f"benchmark_{name}_{la.code}_{year}", scope, source, state)


# ---------------------------------------------------------------- trend
components.section(
    f"Trend {min(years)}–{max(years)}",
    "Our LA, its region, England and the median of its statistical neighbours. Add single "
    "neighbours below. Areas our LA replaced after a boundary change are shown as "
    "'predecessor area'. EHC plans began in September 2014, so 2014 figures cover few plans.",
)
neighbours = db.neighbours(la.code)
chosen = st.multiselect(
    "Show these statistical neighbours as well",
    [code for code, _ in neighbours],
    format_func=lambda code: dict(neighbours)[code],
    key=f"benchmark_neighbours_{la.code}",
)
trend = db.trend(la.code, measure_key, None)
lines = view.chosen_trend(trend, neighbours, chosen)
components.chart_with_table(
    benchmark_charts.trend(lines, measure.unit, measure.decimals),
    view.trend_table(lines),
    export(f"trend_{measure_key}", f"{measure.title}, {la.name}, trend"),
)
if sources := view.trend_sources(trend):
    st.caption(sources)

# ---------------------------------------------------------------- all LAs
components.section(
    f"All local authorities, {position.get('period', year)}", view.all_las_caption(measure)
)
every = db.all_las(measure_key, year)
components.chart_with_table(
    benchmark_charts.all_las(
        every, la.code, la.name, measure.unit, measure.decimals, view.higher_is_better(measure)
    ),
    view.all_las_table(every, measure),
    export(f"all_las_{measure_key}", f"{measure.title}, all LAs, {year}"),
)

# ---------------------------------------------------------------- every measure at a glance
components.section(
    "Every measure at a glance",
    f"The latest published year of each measure for {la.name}; rank 1 is the best.",
)
components.table_with_download(
    view.glance_table(db.benchmark(la.code, year), la),
    export("all_measures", f"Every published measure for {la.name}"),
    our_own_text=True,
)

# ---------------------------------------------------------------- need mix
components.section(
    "Primary need of children and young people with a plan",
    "Share of all EHC plans by primary need, against the region and England.",
)
mix = db.need_mix(la.code)
if mix.empty:
    components.empty_state("No primary-need file loaded (sen_needs_all_plans).")
else:
    st.caption(view.need_mix_source(mix))
    components.chart_with_table(
        benchmark_charts.need_mix(mix, la.name, la.region_name),
        view.need_mix_table(mix, la),
        export("need_mix", f"Primary need of all EHC plans, {la.name}"),
    )

# ---------------------------------------------------------------- reconciliation
components.section(
    "Reconciliation: our calculation against DfE's",
    "For a calendar year our SEN2 data covers in full and DfE has published: our 20-week "
    "figures beside DfE's, the difference, and the groups of cases that can explain it. Run "
    "this before the return is submitted.",
)
bc.reconciliation(la, state)
