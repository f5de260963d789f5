"""ui.charts: each chart is a pure DataFrame → Figure with the expected traces, readable text,
a written 20-week marker, and no meaning carried by colour alone."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from ui import charts


def _annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def _vertical_lines(fig: go.Figure) -> list[float]:
    return [s.x0 for s in fig.layout.shapes if s.x0 == s.x1]


def _assert_projector_fonts(fig: go.Figure) -> None:
    assert fig.layout.font.size >= 18
    assert fig.layout.template.layout.colorway  # the afcharts template is applied
    assert fig.layout.template.layout.colorway[0] == "#12436D"


def test_monthly_trend_has_four_series_and_gaps_for_missing_rates() -> None:
    frame = pd.DataFrame(
        {
            "issue_month": pd.to_datetime(["2026-08-01", "2026-09-01", "2026-10-01"]),
            "pct_within_20_weeks": [50.0, None, 40.0],
            "pct_within_20_weeks_excl_exceptions": [60.0, None, 42.9],
            "rolling_pct_within_20_weeks": [None, 48.1, 47.0],
            "rolling_pct_within_20_weeks_excl_exceptions": [None, 49.0, 48.2],
        }
    )
    fig = charts.monthly_trend(frame)
    _assert_projector_fonts(fig)
    names = [t.name for t in fig.data]
    assert names == [
        "Rolling 12 months, excluding exceptions",
        "Rolling 12 months, including exceptions",
        "Month, excluding exceptions",
        "Month, including exceptions",
    ]
    # A month with no plans is a gap (None), never drawn as 0%.
    assert list(fig.data[3].y) == [50.0, None, 40.0]
    # Series differ by dash / marker, not only by colour.
    assert len({t.line.dash for t in fig.data}) >= 3
    assert len({t.marker.symbol for t in fig.data}) == 4
    # Rolling lines are labelled directly at their last point.
    assert "<b>48.2%</b> (excl.)" in _annotation_texts(fig)
    assert "<b>47.0%</b> (incl.)" in _annotation_texts(fig)


def test_weeks_to_issue_splits_week_20_and_marks_the_deadline() -> None:
    # Week 20 holds days 140-146: one plan at day 140 (within) and two later (after).
    frame = pd.DataFrame(
        {
            "weeks_to_issue": [14, 19, 20, 30],
            "plans_issued": [2, 3, 3, 1],
            "within_20_weeks": [2, 3, 1, 0],
            "after_20_weeks": [0, 0, 2, 1],
        }
    )
    fig = charts.weeks_to_issue(frame)
    _assert_projector_fonts(fig)
    assert [t.name for t in fig.data] == ["Issued within 20 weeks", "Issued after 20 weeks"]
    assert list(fig.data[0].y) == [2, 3, 1, 0] and list(fig.data[1].y) == [0, 0, 2, 1]
    # Bars span [w, w+1), so the deadline sits on x = 20 and is written, not just drawn.
    assert list(fig.data[0].x) == [14.5, 19.5, 20.5, 30.5]
    assert 20 in _vertical_lines(fig)
    assert "<b>20 weeks</b>" in _annotation_texts(fig)
    # "After" bars carry a pattern as well as a colour.
    assert fig.data[1].marker.pattern.shape == "/"


def test_bands_chart_labels_counts_and_shares_both_ways() -> None:
    frame = pd.DataFrame(
        {
            "band": ["Within 20 weeks", "20 to 52 weeks", "Over 52 weeks"],
            "plans_issued": [3, 2, 1],
            "plans_issued_excl_exceptions": [3, 1, 1],
            "pct_of_plans_issued": [50.0, 33.3, 16.7],
            "pct_of_plans_issued_excl_exceptions": [60.0, 20.0, 20.0],
        }
    )
    fig = charts.bands(frame)
    _assert_projector_fonts(fig)
    # Excluding exceptions first, as on every timeliness chart, in its one colour and pattern.
    assert [t.name for t in fig.data] == ["Excluding exceptions", "Including exceptions"]
    assert list(fig.data[0].text) == ["3 (60.0%)", "1 (20.0%)", "1 (20.0%)"]
    assert list(fig.data[1].text) == ["3 (50.0%)", "2 (33.3%)", "1 (16.7%)"]
    assert fig.data[1].marker.pattern.shape == "/"


def test_bands_chart_with_no_plans_says_no_plans() -> None:
    frame = pd.DataFrame(
        {
            "band": ["Within 20 weeks"],
            "plans_issued": [0],
            "plans_issued_excl_exceptions": [0],
            "pct_of_plans_issued": [None],
            "pct_of_plans_issued_excl_exceptions": [None],
        }
    )
    fig = charts.bands(frame)
    assert list(fig.data[0].text) == ["0 (no plans)"]


def test_stage_timing_has_median_and_mean_and_the_20_week_line() -> None:
    frame = pd.DataFrame(
        {
            "stage": [
                "Request to decision to assess",
                "Decision to assess to plan issued",
                "Request to plan issued (whole process)",
            ],
            "plans_issued": [6, 6, 6],
            "median_days": [37.5, 103.0, 140.5],
            "mean_days": [37.5, 148.2, 185.666],
        }
    )
    fig = charts.stage_timing(frame)
    _assert_projector_fonts(fig)
    assert [t.name for t in fig.data] == ["Median", "Mean"]
    assert list(fig.data[0].text) == ["median 37.5 days", "median 103 days", "median 140.5 days"]
    assert list(fig.data[1].text)[2] == "mean 185.7 days"
    assert 140 in _vertical_lines(fig)
    assert "<b>20 weeks</b>" in _annotation_texts(fig)


@pytest.mark.parametrize("category", ["primary_need", "age_group"])
def test_breakdown_labels_percent_with_counts_and_no_plans(category: str) -> None:
    frame = pd.DataFrame(
        {
            category: ["A", "B"],
            "plans_issued": [6, 0],
            "within_20_weeks": [3, 0],
            "plans_issued_excl_exceptions": [5, 0],
            "within_20_weeks_excl_exceptions": [3, 0],
            "pct_within_20_weeks": [50.0, None],
            "pct_within_20_weeks_excl_exceptions": [60.0, None],
        }
    )
    fig = charts.breakdown(frame, category)
    _assert_projector_fonts(fig)
    assert [t.name for t in fig.data] == ["Excluding exceptions", "Including exceptions"]
    # Shares of fewer than 20 plans are marked ⚠.
    assert list(fig.data[0].text) == ["60.0% (3 of 5) ⚠", "no plans"]
    assert list(fig.data[1].text) == ["50.0% (3 of 6) ⚠", "no plans"]
    assert fig.data[1].marker.pattern.shape == "/"


def test_charts_are_pure_and_do_not_change_their_input() -> None:
    frame = pd.DataFrame(
        {
            "issue_month": [dt.date(2026, 1, 1)],
            "pct_within_20_weeks": [50.0],
            "pct_within_20_weeks_excl_exceptions": [50.0],
            "rolling_pct_within_20_weeks": [None],
            "rolling_pct_within_20_weeks_excl_exceptions": [None],
        }
    )
    before = frame.copy()
    charts.monthly_trend(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_one_colour_for_one_meaning_on_every_chart() -> None:
    """Including / excluding exceptions look the same on every chart that draws them, each
    group of meanings drawn together never shares a colour, and every meaning has a look."""
    for group in charts.LOOK_GROUPS:
        colours = [charts.LOOKS[m].colour for m in group]
        assert len(set(colours)) == len(colours), group
    assert {m for g in charts.LOOK_GROUPS for m in g} == set(charts.LOOKS)
    bands = charts.bands(
        pd.DataFrame(
            {
                "band": ["Within 20 weeks"],
                "plans_issued": [3],
                "plans_issued_excl_exceptions": [2],
                "pct_of_plans_issued": [100.0],
                "pct_of_plans_issued_excl_exceptions": [100.0],
            }
        )
    )
    need = charts.breakdown(
        pd.DataFrame(
            {
                "need": ["ASD"],
                "pct_within_20_weeks_excl_exceptions": [50.0],
                "within_20_weeks_excl_exceptions": [1],
                "plans_issued_excl_exceptions": [2],
                "pct_within_20_weeks": [50.0],
                "within_20_weeks": [1],
                "plans_issued": [2],
            }
        ),
        "need",
    )
    for fig in (bands, need):
        by_name = {t.name: t.marker.color for t in fig.data}
        assert by_name["Excluding exceptions"] == charts.look("excluding_exceptions").colour
        assert by_name["Including exceptions"] == charts.look("including_exceptions").colour


@pytest.mark.parametrize(
    "layout",
    [
        {},
        {"barmode": "group"},
        {"yaxis": {"ticksuffix": "%", "rangemode": "tozero"}, "showlegend": False},
        {"xaxis": {"title": {"text": "Impact"}}, "yaxis": {"title": {"text": "Likelihood"}}},
        {"xaxis2": {"title": {"text": "second"}}},  # an extra axis gets the fonts too
        {"yaxis": {"tickfont": {"size": 9}}},  # the shared font size wins, as before
        {"xaxis": {"title": {"text": "Impact", "font": {"size": 9}}}},  # so here
        {"xaxis_title_font_size": 9},  # and here
    ],
)
def test_a_figure_from_the_prototype_is_the_figure_styled_from_scratch(
    layout: dict[str, object],
) -> None:
    # Issue 11: figures start from a copy of one validated prototype; each must be exactly
    # the figure the shared styling gives a new empty figure.
    fast = charts._base(400, **layout)
    assert fast.to_dict() == charts._styled(go.Figure(), height=400, **layout).to_dict()
    assert fast.layout.xaxis.tickfont.size == charts.FONT_SIZE


def test_figures_from_the_prototype_do_not_share_state() -> None:
    first = charts._base(300)
    first.update_layout(title={"text": "changed"})
    assert charts._base(300).layout.title.text is None
