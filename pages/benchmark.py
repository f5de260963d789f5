"""Benchmarking: the home LA's published figures beside its region, England and its statistical
neighbours; where it ranks among all LAs; and our own SEN2 calculation reconciled with DfE's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from etl import benchmark as bm
from etl.config import settings
from etl.published import MEASURES, Measure
from ui import benchmark_charts, components, db
from ui.formatting import ExportContext, fmt_date, to_csv

POLARITY_WORDS = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neutral": "neither higher nor lower is better, so LAs are not ranked",
}

components._ensure_entrypoint()
state = db.data_state()
if state.available and state.synthetic:
    components.synthetic_banner()
st.title("Benchmarking")
st.markdown(
    "<p class='page-purpose'>Our published figures beside the region, England and our "
    "statistical neighbours; where we rank among all local authorities; and our own "
    "calculation checked against DfE's.</p>",
    unsafe_allow_html=True,
)
if not db.published_available():
    if not state.available:
        components.empty_state(state.message)
    components.empty_state(db.PUBLISHED_EMPTY)
    st.stop()

if state.available and state.synthetic:
    st.info(
        "The figures on this page are **real published statistics** (DfE, MoJ) for the LA you "
        "choose. The local SEN2 data loaded here is **synthetic**, so in the reconciliation at "
        "the bottom only DfE's column is real.",
        icon="ℹ️",
    )

# ---------------------------------------------------------------- which LA, which measure
las: list[bm.LA] = db.list_las(current_only=True)
codes = [la.code for la in las]
by_code = {la.code: la for la in las}
if "benchmark_la" not in st.session_state or st.session_state["benchmark_la"] not in by_code:
    configured = settings().home_la
    default = None
    if configured:
        try:
            default = db.resolve_la(configured).code
        except bm.UnknownLA:
            st.warning(
                f"The home LA in the settings file ({configured!r}) is not in the published "
                "figures; choose one in the sidebar."
            )
    st.session_state["benchmark_la"] = default if default in by_code else codes[0]
with st.sidebar:
    st.selectbox(
        "Home LA (benchmarking)",
        codes,
        key="benchmark_la",
        format_func=lambda c: f"{by_code[c].name} ({by_code[c].old_code or c})",
        help="The LA compared on the Benchmark page. Set a default with home_la under "
        "[benchmark] in send_dashboard.toml.",
    )
la = by_code[st.session_state["benchmark_la"]]

measure_keys = [k for k in MEASURES]
left, right = st.columns([3, 1])
with left:
    measure_key = st.selectbox(
        "Measure",
        measure_keys,
        format_func=lambda k: f"{MEASURES[k].group}: {MEASURES[k].title}",
        key="benchmark_measure",
    )
measure: Measure = MEASURES[measure_key]
years_frame = db.trend(la.code, measure_key, [])
years = sorted({int(y) for y in years_frame.dropna(subset=["value"])["year"]}, reverse=True)
if not years:
    components.empty_state(f"No published figures for {measure.title}.")
    st.stop()
with right:
    year = st.selectbox("Year", years, key=f"benchmark_year_{measure_key}")

region_text = f", {la.region_name}" if la.region_name else ""
st.markdown(f"### {la.name} ({la.code}, {la.old_code}){region_text}")
st.caption(f"{measure.definition} {POLARITY_WORDS[measure.polarity].capitalize()}.")


def shown(value: Any, status: str | None = None) -> str:
    return bm.format_value(
        None if value is None or pd.isna(value) else float(value), measure, status
    )


# ---------------------------------------------------------------- headline position
position = db.measure_position(la.code, measure_key, year)
tiles = st.columns(5)
figures = [
    (
        la.name,
        position["la"],
        position.get("la_status"),
        position.get("numerator"),
        position.get("denominator"),
    ),
    (
        f"{la.region_name or 'Region'} (region)",
        position["region"],
        "not published for regions" if position["region"] is None else None,
        None,
        None,
    ),
    ("England", position["england"], None, None, None),
    (
        f"Statistical neighbours' median ({position.get('neighbours_with_value', 0)} of "
        f"{position.get('neighbours_total', 0)} with a value)",
        position["neighbours_median"],
        None,
        None,
        None,
    ),
]
for column, (label, value, status, numerator, denominator) in zip(tiles[:4], figures, strict=True):
    with column, st.container(border=True):
        st.metric(label, shown(value, status))
        if numerator is not None and denominator is not None and measure.unit == "%":
            st.caption(f"{numerator:,.0f} of {denominator:,.0f}")
with tiles[4], st.container(border=True):
    if position["rank"]:
        st.metric(f"Rank of {position['of']} LAs (1 = best)", str(position["rank"]))
        st.caption(
            f"**Q{position['quartile']}: {bm.quartile_words(position['quartile'])}** "
            f"— {POLARITY_WORDS[measure.polarity]}"
        )
    elif measure.polarity == "neutral":
        st.metric("Rank among LAs", "Not ranked")
        st.caption(POLARITY_WORDS["neutral"].capitalize() + ".")
    else:
        st.metric("Rank among LAs", "No value")
        st.caption(f"{position['of']} LAs have a value; this LA does not, so it is not ranked.")
source_text = position.get("source", "")
st.caption(f"Source: {source_text} · {position.get('period', year)}")


def download(frame: pd.DataFrame, name: str, scope: str) -> None:
    """Published figures are already public: exported as published, formula-escaped, with
    scope and source stated."""
    context = ExportContext(
        "internal",
        f"{scope}. Published statistics (already public); source: {source_text}",
        state.snapshot_date or dt.date.today(),
        None,
        False,
    )
    st.download_button(
        "Download CSV",
        to_csv(frame, context),
        file_name=f"benchmark_{name}_{la.code}_{year}.csv",
        mime="text/csv",
        key=f"download_{name}",
    )


def table_and_chart(fig: Any, table: pd.DataFrame, name: str, scope: str) -> None:
    chart_tab, table_tab = st.tabs(["Chart", "Show as table"])
    with chart_tab:
        st.plotly_chart(
            fig, theme=None, config=components.PLOTLY_CONFIG, width="stretch", key=f"chart_{name}"
        )
    with table_tab:
        st.dataframe(table, hide_index=True, width="stretch")
    download(table, name, scope)


# ---------------------------------------------------------------- trend
components.section(
    f"Trend {min(years)}–{max(years)}",
    "Our LA, its region, England and the median of its statistical neighbours. Add single "
    "neighbours below. Areas our LA replaced after a boundary change are shown as "
    "'predecessor area'. EHC plans began in September 2014, so 2014 figures cover few plans.",
)
neighbour_list = db.neighbours(la.code)
chosen = st.multiselect(
    "Show these statistical neighbours as well",
    [code for code, _ in neighbour_list],
    format_func=dict(neighbour_list).get,
    key=f"benchmark_neighbours_{la.code}",
)
trend = db.trend(la.code, measure_key, None)
shown_trend = trend[
    (trend.kind != "neighbour") | trend.series.isin([dict(neighbour_list)[c] for c in chosen])
]
trend_table = shown_trend.pivot_table(
    index="year", columns="series", values="value", aggfunc="first"
).reset_index()
trend_table.columns.name = None
trend_table["year"] = trend_table["year"].astype(int)
table_and_chart(
    benchmark_charts.trend(shown_trend, measure.unit, measure.decimals),
    trend_table,
    f"trend_{measure_key}",
    f"{measure.title}, {la.name}, trend",
)
if trend.release.nunique() > 1:
    st.caption("Sources: " + "; ".join(sorted(set(trend.release.dropna()) - {""})))

# ---------------------------------------------------------------- all LAs
components.section(
    f"All local authorities, {position.get('period', year)}",
    "Each bar is one LA; ours is dark blue and named. "
    f"{POLARITY_WORDS[measure.polarity].capitalize()}."
    + (
        " Dotted lines split the LAs into quarters (Q1 best)."
        if measure.polarity != "neutral"
        else ""
    ),
)
every = db.all_las(measure_key, year)
higher: bool | None = (
    None if measure.polarity == "neutral" else measure.polarity == "higher_is_better"
)
every_table = every.assign(
    value=[shown(v, s) for v, s in zip(every.value, every.status, strict=True)]
)[["rank", "quartile", "la_name", "region", "value"]].rename(
    columns={
        "rank": "Rank",
        "quartile": "Quartile",
        "la_name": "LA",
        "region": "Region",
        "value": measure.title,
    }
)
table_and_chart(
    benchmark_charts.all_las(every, la.code, la.name, measure.unit, measure.decimals, higher),
    every_table,
    f"all_las_{measure_key}",
    f"{measure.title}, all LAs, {year}",
)

# ---------------------------------------------------------------- every measure at a glance
components.section(
    "Every measure at a glance",
    f"The latest published year of each measure for {la.name}; rank 1 is the best.",
)
summary = db.benchmark(la.code, year)


def short_period(period: str | None) -> str:
    """ "Calendar year 2024" -> "2024"; "January 2025 (2024/25, …)" -> "Jan 2025"."""
    if not period:
        return "—"
    if period.startswith("Calendar year "):
        return period.removeprefix("Calendar year ")
    return "Jan " + period.split()[1] if period.startswith("January") else period


rows = []
for key, m in MEASURES.items():
    item = summary[key]
    rows.append(
        {
            "Measure": m.title,
            "Period": short_period(item.get("period")),
            la.name: bm.format_value(item["la"], m, item.get("la_status")),
            "Region": bm.format_value(item["region"], m) if item["region"] is not None else "—",
            "England": bm.format_value(item["england"], m) if item["england"] is not None else "—",
            "Neighbours' median": bm.format_value(item["neighbours_median"], m)
            if item["neighbours_median"] is not None
            else "—",
            "Rank (1 = best)": f"{item['rank']} of {item['of']} · Q{item['quartile']}"
            if item["rank"]
            else ("not ranked" if m.polarity == "neutral" else "no value"),
        }
    )
glance = pd.DataFrame(rows)
components.show_table(glance, our_own_text=True)
download(glance, "all_measures", f"Every published measure for {la.name}")

# ---------------------------------------------------------------- need mix
components.section(
    "Primary need of children and young people with a plan",
    "Share of all EHC plans by primary need, against the region and England.",
)
mix = db.need_mix(la.code)
if mix.empty:
    components.empty_state("No primary-need file loaded (sen_needs_all_plans).")
else:
    mix_table = mix[["need", "la", "region", "england"]].rename(
        columns={
            "need": "Primary need",
            "la": f"{la.name} %",
            "region": "Region %",
            "england": "England %",
        }
    )
    st.caption(f"{mix['period'].iloc[0]} · {mix['release'].iloc[0]}")
    table_and_chart(
        benchmark_charts.need_mix(mix, la.name, la.region_name),
        mix_table,
        "need_mix",
        f"Primary need of all EHC plans, {la.name}",
    )

# ---------------------------------------------------------------- reconciliation
components.section(
    "Reconciliation: our calculation against DfE's",
    "For a calendar year our SEN2 data covers in full and DfE has published: our 20-week "
    "figures beside DfE's, the difference, and the groups of cases that can explain it. Run "
    "this before the return is submitted.",
)
if not state.available:
    components.empty_state("Load your SEN2 data to reconcile it with DfE's figures.")
    st.stop()
recon_years = db.reconcilable_years(la.code)
if not recon_years:
    components.empty_state(
        f"Our SEN2 data (to {state.snapshot_date}) covers no whole calendar year that DfE has "
        f"published for {la.name}."
    )
    st.stop()
recon_year = st.selectbox("Calendar year to reconcile", recon_years[::-1], key="recon_year")
result = db.reconcile(la.code, recon_year)


def signed(value: Any, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


recon_rows = []
for line in result["lines"]:
    recon_rows.append(
        {
            "Measure": line["title"],
            "Ours: plans": line["ours_plans"],
            "Ours: within 20 weeks": line["ours_within"],
            "Ours: %": "no plans" if line["ours_pct"] is None else f"{line['ours_pct']:.1f}%",
            "DfE: plans": line["dfe_plans"],
            "DfE: within 20 weeks": line["dfe_within"],
            "DfE: %": line["dfe_status"]
            or ("—" if line["dfe_pct"] is None else f"{line['dfe_pct']:.1f}%"),
            "Difference: plans": signed(line["difference_plans"], "{:+,d}"),
            "Difference: percentage points": signed(line["difference_pp"], "{:+.1f}"),
        }
    )
components.show_table(pd.DataFrame(recon_rows), our_own_text=True)
st.caption(f"DfE: {result['lines'][0]['source'] or 'not published'}")
st.markdown("**Cases that can explain a difference**")
explain = pd.DataFrame(result["explanations"])[["title", "cases", "why"]].rename(
    columns={"title": "Group", "cases": "Cases", "why": "Why it matters"}
)
components.show_table(explain, our_own_text=True)
reasons = [e for e in result["explanations"] if e["cases"] and e["reason"] != "rejected_rows"]
if reasons:
    pick = st.selectbox(
        "List the cases in a group (references only; `python -m etl lookup REF` finds the row)",
        [e["reason"] for e in reasons],
        format_func=lambda r: next(e["title"] for e in reasons if e["reason"] == r),
        key="recon_reason",
    )
    cases = db.explanation_cases(recon_year, pick)
    readable = pd.DataFrame(
        {
            "Reference": cases["reference"],
            "Request received": cases["received_date"].map(fmt_date),
            "Request outcome": cases["request_outcome"],
            "Assessment outcome": cases["assessment_outcome"],
            "Plan issued": cases["outcome_date"].map(fmt_date),
            "Days": cases["days"],
            "Exception applies": cases["exception_applies"].map(
                {True: "Yes", False: "No"}, na_action="ignore"
            ),
        }
    )
    st.caption(f"{len(readable):,} cases")
    st.dataframe(readable, hide_index=True, width="stretch")
