"""Annual reviews of EHC plans (issue 10): the section at the end of the EHC plan timeliness page.

Plans due an annual review and how many are overdue, and review decisions made within 4 weeks of
the meeting (the measure DfE publishes in ``annual_reviews``), as at the page's date. Definitions
are the catalogue's (``annual_review_*``); the figures are ``Warehouse.annual_reviews`` and the
named queries ``annual_reviews`` and ``annual_review_status``. The pure parts (chart, words) are
separate from :func:`show`, the one call the page makes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from etl import disclosure
from ui import access, charts, components, db
from ui.formatting import fmt_count, fmt_date, fmt_pct, fmt_x_of_y

# Review positions, worst first, and the colour of each bar (never the only cue: every bar is
# labelled, and the table view says the same).
STATUS_COLOURS = {
    "No review recorded": "#942514",
    "Overdue more than 6 months": "#942514",
    "Overdue 3 to 6 months": "#6E3619",
    "Overdue up to 3 months": "#B25A1E",
    "Reviewed in the last 12 months": "#005A30",
    "Not yet due": "#505A5F",
}
# The KPI tiles: (catalogue key, then the percentage, numerator and denominator columns of the
# ``annual_reviews`` query, and what is counted).
TILES = (
    (
        "pct_annual_reviews_overdue",
        "pct_overdue",
        "reviews_overdue",
        "plans_due",
        "plans due a review",
    ),
    (
        "pct_annual_review_decisions_within_4_weeks",
        "pct_decisions_within_4_weeks",
        "decisions_within_4_weeks",
        "decisions_made",
        "review decisions",
    ),
)
REVIEW_COLUMNS = ["review_status", "plans"]


def heading(as_at: dt.date) -> str:
    return f"Annual reviews as at {fmt_date(as_at)}"


EXPLANATION = (
    "A plan is due a review once it has been in place 12 months, and overdue when its last "
    "review meeting (or, with none, its start) was more than 12 months ago. The local "
    "authority must tell the family its decision within 4 weeks of the meeting. From the "
    "SEN2 Active plans review fields, which hold each plan's latest review only."
)


def status_chart(frame: pd.DataFrame) -> go.Figure:
    """Plans active on the date by review position (horizontal bars, worst first)."""
    fig = charts._base(
        380,
        xaxis={"title": {"text": "EHC plans"}},
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )
    fig.add_trace(
        go.Bar(
            y=list(frame["review_status"]),
            x=charts._values(frame["plans"]),
            orientation="h",
            marker={"color": [STATUS_COLOURS.get(s, "#505A5F") for s in frame["review_status"]]},
            text=[fmt_count(n) for n in frame["plans"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text} plans<extra></extra>",
        )
    )
    largest = charts._largest(frame["plans"]) or 0
    charts._pad_x_for_labels(fig, largest)
    charts._whole_number_ticks(fig, "x", largest)
    return fig


def england_text(england: dict[str, Any] | None) -> str | None:
    """DfE's latest England 4-week figure in a sentence, for context."""
    if not england:
        return None
    return (
        f"For comparison, England in {england['year']} (DfE published): "
        f"{england['value']:.1f}% of annual review decisions within 4 weeks of the meeting "
        f"({england['release']}). Region, neighbours and rank: Benchmarking page."
    )


def _shown(figures: dict[str, Any], pct: str, numerator: str, denominator: str) -> tuple[Any, ...]:
    """A percentage and its two counts as this screen may show them: exact, or on a
    publish-mode screen (issue 16) disclosed by ``etl.disclosure`` ("c", rounded to 5, and the
    percentage of the rounded counts)."""
    num, den, value = figures[numerator], figures[denominator], figures[pct]
    if access.screen_mode() != "publish":
        return (None if pd.isna(value) else value), num, den
    return (
        disclosure.pct_cell(num, den, "publish"),
        disclosure.count_cell(num, "publish"),
        disclosure.count_cell(den, "publish"),
    )


def show(state: db.DataState, as_at: dt.date) -> None:
    """The annual reviews section: two tiles, the chart with its table, DfE's England figure."""
    components.section(heading(as_at), EXPLANATION)
    figures = db.query("annual_reviews", as_of=as_at).iloc[0].to_dict()
    if not int(figures["plans_due"]) and not int(figures["decisions_made"]):
        components.empty_state(
            "No plan in the data is due an annual review on this date (plans need an Active "
            "plans record and a start date, and to have been in place 12 months)."
        )
        return
    for column, (key, pct, numerator, denominator, noun) in zip(
        st.columns(len(TILES)), TILES, strict=True
    ):
        with column:
            value, num, den = _shown(figures, pct, numerator, denominator)
            components.kpi_tile(
                key,
                value,
                previous=None,
                against=None,
                detail=f"{fmt_x_of_y(num, den)} {noun}",
            )
    if db.published_available():
        england = england_text(db.england_latest("pct_annual_review_decisions_within_4_weeks"))
        if england:
            st.caption(england)
    status = db.query("annual_review_status", as_of=as_at)
    components.section(
        "EHC plans by annual review position",
        "Every plan active on the date: overdue plans by how long since the review was due.",
    )
    components.chart_with_table(
        status_chart,
        status,
        components.Export(
            "ehcp_annual_reviews",
            f"EHC plans active on {fmt_date(as_at)} by annual review position",
            state,
            as_of=as_at,
            columns=REVIEW_COLUMNS,
        ),
    )


# ---------------------------------------------------------------- Benchmarking (issue 10)
# Our 4-week figure shares DfE's catalogue key, so the Benchmarking page can put it beside DfE's
# published one when that measure is chosen: one call, ``reviews_view.benchmark_comparison``,
# under the page's headline tiles (left to the lead to wire up; see the issue 10 notes).
FOUR_WEEKS = "pct_annual_review_decisions_within_4_weeks"


def comparison_text(figures: dict[str, Any], as_at: dt.date) -> str | None:
    """Our figure in a sentence, for beside DfE's (None when no decision is recorded)."""
    made = int(figures["decisions_made"])
    if not made:
        return None
    pct, num, den = _shown(
        figures, "pct_decisions_within_4_weeks", "decisions_within_4_weeks", "decisions_made"
    )
    return (
        f"Our SEN2 data as at {fmt_date(as_at)}: {fmt_pct(pct)} of annual review decisions "
        f"within 4 weeks of the meeting ({fmt_x_of_y(num, den)}). DfE's "
        "figure for a calendar year comes from the return at the January census after it."
    )


def benchmark_comparison(measure_key: str, state: db.DataState) -> None:
    """On Benchmarking, under the tiles: our own figure of the chosen measure, where we compute
    the 4-week review measure and data is loaded (nothing otherwise)."""
    if measure_key != FOUR_WEEKS or not state.available or state.snapshot_date is None:
        return
    figures = db.query("annual_reviews", as_of=state.snapshot_date).iloc[0].to_dict()
    text = comparison_text(figures, state.snapshot_date)
    if text:
        st.caption(text)
