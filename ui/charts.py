"""Pure chart functions: a query's DataFrame in, a plotly Figure out (no Streamlit, no database).

Styled for a projector in a meeting room: the UK Government Analysis Function palette (the
``afcharts`` plotly template), text of at least 18px, and nothing that relies on colour alone —
series differ by pattern, dash or marker as well as colour, bars carry their value as text, and
thresholds are drawn as lines with a text label ("20 weeks").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import afcharts.pio_template  # noqa: F401 - registers the "afcharts" plotly template
import pandas as pd
import plotly.graph_objects as go
from afcharts.af_colours import get_af_colours

from etl.config import settings
from etl.disclosure import is_suppressed
from ui.formatting import fmt_count, fmt_days, fmt_pct, fmt_time_limit, small_base

PALETTE: list[str] = get_af_colours("categorical")
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE = PALETTE


@dataclass(frozen=True)
class Look:
    """How one meaning is drawn on every chart: colour, bar pattern, line dash, marker."""

    colour: str
    pattern: str = ""  # bar fill pattern ("" solid)
    dash: str = "solid"
    marker: str = "circle"


# One colour for one meaning, on every chart of every page (issue 14): a chart asks for a meaning,
# never for a colour. Meanings in one group are drawn together and so never share a colour;
# the groups are never on the same chart.
LOOKS: dict[str, Look] = {
    # which plans a 20-week figure counts (timeliness charts)
    "excluding_exceptions": Look(DARK_BLUE, "", "solid", "circle"),
    "including_exceptions": Look(ORANGE, "/", "dash", "square"),
    # when a plan was issued
    "within_20_weeks": Look(TURQUOISE, "", "solid", "circle"),
    "after_20_weeks": Look(DARK_PINK, "/", "dash", "square"),
    # averages of days taken
    "median": Look(LIGHT_PURPLE, "", "solid", "circle"),
    "mean": Look(DARK_GREY, ".", "dot", "diamond"),
    # areas (benchmarking): our LA is always dark blue, England always grey
    "our_la": Look(DARK_BLUE, "", "solid", "circle"),
    "region": Look(TURQUOISE, ".", "dash", "square"),
    "england": Look(DARK_GREY, "/", "dot", "diamond"),
    "neighbours_median": Look(DARK_PINK, "x", "dashdot", "triangle-up"),
    "predecessor": Look(LIGHT_PURPLE, "", "longdash", "circle-open"),
}
LOOK_GROUPS = [
    ["excluding_exceptions", "including_exceptions"],
    ["within_20_weeks", "after_20_weeks"],
    ["median", "mean"],
    ["our_la", "region", "england", "neighbours_median", "predecessor"],
]


def look(meaning: str) -> Look:
    """The one way ``meaning`` is drawn (see :data:`LOOKS`)."""
    return LOOKS[meaning]


FONT_SIZE = 20  # px; the afcharts default (~18.6px) is the floor for a projector
THRESHOLD_COLOUR = "#3D3D3D"
HOVER_DATE = "%b %Y"


def _styled(fig: go.Figure, **layout: Any) -> go.Figure:
    """``fig`` with the shared projector-friendly layout (and ``layout``) applied."""
    fig.update_layout(
        template="afcharts",
        font={"size": FONT_SIZE, "color": "#0B0C0C"},
        margin={"l": 10, "r": 30, "t": 60, "b": 10},
        legend={
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": FONT_SIZE},
        },
        hoverlabel={"font": {"size": FONT_SIZE}},
        hovermode="closest",
        **layout,
    )
    fig.update_xaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    fig.update_yaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    return fig


@functools.cache
def _prototype() -> go.Figure:
    """The shared layout, validated once: plotly checks every property it is given, so styling
    each new figure from scratch cost ~8 ms, copying this one ~2 ms (issue 11: a page draws up
    to 7 charts per run)."""
    return _styled(go.Figure())


def _base(height: int, **layout: Any) -> go.Figure:
    """An empty figure with the shared projector-friendly layout: the same figure as
    ``_styled(go.Figure(), height=height, **layout)``, built from a copy of the prototype."""
    fig = go.Figure(_prototype())
    fig.update_layout(height=height, **layout)
    if _may_restyle_axes(layout):
        # As in _styled: the axis fonts apply to every axis, including ones named in ``layout``.
        fig.update_xaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
        fig.update_yaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    return fig


def _may_restyle_axes(layout: dict[str, Any]) -> bool:
    """False when ``layout`` leaves the prototype's axis fonts as they are: it names no axis
    but ``xaxis`` / ``yaxis``, as plain settings with no tick or title font."""
    for key, value in layout.items():
        if not key.startswith(("xaxis", "yaxis")):
            continue
        if key not in ("xaxis", "yaxis") or not isinstance(value, dict):
            return True  # another axis, an axis object, or a path such as xaxis_title_font
        title = value.get("title")
        if {"tickfont", "title_font", "titlefont"} & value.keys() or (
            isinstance(title, dict) and "font" in title
        ):
            return True
    return False


def _values(series: Any) -> list[float | None]:
    """The numbers of a column as a chart draws them: no figure, or a figure suppressed in
    publish mode ("c", issue 16), is None, which plotly draws as a gap."""
    return [None if v is None or is_suppressed(v) or pd.isna(v) else float(v) for v in series]


def _largest(*columns: Any) -> float | None:
    """The largest number in the columns (suppressed cells and gaps left out); None if none."""
    found = [v for column in columns for v in _values(column) if v is not None]
    return max(found) if found else None


def monthly_trend(frame: pd.DataFrame) -> go.Figure:
    """% of plans issued within 20 weeks by month of issue, with rolling 12-month lines.

    Expects the ``issued_monthly`` query: ``issue_month``, the monthly and rolling percentages
    both including and excluding exceptions (None where there were no plans, or fewer than 12
    months for a rolling figure — drawn as a gap, not as 0%).
    """
    fig = _base(
        520,
        yaxis={"range": [0, 105], "ticksuffix": "%", "title": {"text": "% issued within 20 weeks"}},
    )
    months = list(frame["issue_month"])
    # (legend name, column, colour, dash, marker, width, mode, direct label at the last point)
    series = [
        (
            "Rolling 12 months, excluding exceptions",
            "rolling_pct_within_20_weeks_excl_exceptions",
            look("excluding_exceptions").colour,
            "solid",
            "circle",
            5,
            "lines",
            "excl.",
        ),
        (
            "Rolling 12 months, including exceptions",
            "rolling_pct_within_20_weeks",
            look("including_exceptions").colour,
            "dash",
            "square",
            5,
            "lines",
            "incl.",
        ),
        (
            "Month, excluding exceptions",
            "pct_within_20_weeks_excl_exceptions",
            look("excluding_exceptions").colour,
            "dot",
            "diamond",
            2,
            "lines+markers",
            None,
        ),
        (
            "Month, including exceptions",
            "pct_within_20_weeks",
            look("including_exceptions").colour,
            "dot",
            "triangle-up",
            2,
            "lines+markers",
            None,
        ),
    ]
    for name, column, colour, dash, symbol, width, mode, label in series:
        values = _values(frame[column])
        fig.add_trace(
            go.Scatter(
                x=months,
                y=values,
                name=name,
                mode=mode,
                line={"color": colour, "dash": dash, "width": width},
                marker={"symbol": symbol, "size": 10, "color": colour},
                text=[fmt_pct(v) for v in frame[column]],  # "c" where suppressed
                hovertemplate="%{x|" + HOVER_DATE + "}: %{text}<extra>" + name + "</extra>",
                connectgaps=False,
            )
        )
        if label:
            _label_last_point(fig, months, values, label, colour)
    fig.update_xaxes(tickformat=HOVER_DATE, dtick="M3")
    return fig


def _label_last_point(
    fig: go.Figure, xs: list[Any], ys: list[float | None], label: str, colour: str
) -> None:
    """Write the latest value beside the line's end, so the legend is not the only key."""
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    if not points:
        return
    x, y = points[-1]
    fig.add_annotation(
        x=x,
        y=y,
        text=f"<b>{fmt_pct(y)}</b> ({label})",
        showarrow=False,
        xanchor="left",
        xshift=8,
        yshift=14 if label == "excl." else -14,
        font={"size": FONT_SIZE - 2, "color": colour},
    )


def weeks_to_issue(frame: pd.DataFrame) -> go.Figure:
    """How many plans were issued after each number of whole weeks, with the 20-week mark.

    Expects the ``weeks_to_issue`` query: ``weeks_to_issue`` (days // 7), ``within_20_weeks`` and
    ``after_20_weeks`` counts. A bar for week w covers days 7w to 7w+6, so it is drawn from w to
    w+1 and the 20-week deadline (day 140) sits on the line x = 20.
    """
    fig = _base(
        480,
        barmode="stack",
        bargap=0.05,
        xaxis={"title": {"text": "Completed weeks from request to plan issued"}},
        yaxis={"title": {"text": "Plans issued"}},
    )
    centres = [w + 0.5 for w in frame["weeks_to_issue"]]
    weeks = list(frame["weeks_to_issue"])
    fig.add_trace(
        go.Bar(
            x=centres,
            y=_values(frame["within_20_weeks"]),
            width=1,
            name="Issued within 20 weeks",
            marker={
                "color": look("within_20_weeks").colour,
                "line": {"color": "white", "width": 1},
            },
            customdata=weeks,
            hovertemplate="Week %{customdata}: %{y} plans within 20 weeks<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            x=centres,
            y=_values(frame["after_20_weeks"]),
            width=1,
            name="Issued after 20 weeks",
            marker={
                "color": look("after_20_weeks").colour,
                "pattern": {
                    "shape": look("after_20_weeks").pattern,
                    "fgcolor": "#0B0C0C",
                    "size": 8,
                    "fillmode": "overlay",
                },
                "line": {"color": "white", "width": 1},
            },
            customdata=weeks,
            hovertemplate="Week %{customdata}: %{y} plans after 20 weeks<extra></extra>",
        )
    )
    limit = settings().within_days  # the legal limit: 140 days = 20 weeks by default
    add_threshold(fig, x=limit / 7, text=fmt_time_limit(limit))
    fig.update_xaxes(rangemode="tozero", dtick=10)
    _whole_number_ticks(fig, "y", _largest(frame["plans_issued"]))
    return fig


def _whole_number_ticks(fig: go.Figure, axis: str, largest: Any) -> None:
    """Counts are whole plans: no "0.5" or "1.5" ticks when the numbers are small."""
    top = 0 if largest is None or pd.isna(largest) else int(largest)
    if top <= 10:
        fig.update_layout({f"{axis}axis": {"dtick": 1, "tickformat": "d"}})
    else:
        fig.update_layout({f"{axis}axis": {"tickformat": ",d"}})


def add_threshold(
    fig: go.Figure,
    *,
    x: float | None = None,
    y: float | None = None,
    text: str,
    behind_bars: bool = False,
) -> None:
    """A dashed threshold line with its meaning written beside it (never a bare line).

    ``behind_bars`` draws it under the bars, for charts whose value labels would cross it.
    """
    layer = "below" if behind_bars else "above"
    line = {"color": THRESHOLD_COLOUR, "width": 3, "dash": "dash"}
    font = {"size": FONT_SIZE, "color": THRESHOLD_COLOUR}
    if x is not None:
        fig.add_vline(x=x, line=line, layer=layer)
        fig.add_annotation(
            x=x,
            y=1,
            yref="paper",
            text=f"<b>{text}</b>",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            xshift=6,
            font=font,
            bgcolor="rgba(255,255,255,0.85)",
        )
    if y is not None:
        fig.add_hline(y=y, line=line, layer=layer)
        fig.add_annotation(
            y=y,
            x=1,
            xref="paper",
            text=f"<b>{text}</b>",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font=font,
        )


def bands(frame: pd.DataFrame) -> go.Figure:
    """Plans issued in each time band, including and excluding exceptions (grouped bars).

    Expects the ``bands`` query: ``band``, ``plans_issued``, ``plans_issued_excl_exceptions`` and
    the two ``pct_of_...`` shares.
    """
    fig = _base(
        420,
        barmode="group",
        xaxis={"title": {"text": "Plans issued"}},
        yaxis={"autorange": "reversed"},
    )
    # Excluding exceptions first (DfE's headline), as in the legend and on every other chart.
    series = [
        (
            "Excluding exceptions",
            "plans_issued_excl_exceptions",
            "pct_of_plans_issued_excl_exceptions",
            look("excluding_exceptions"),
        ),
        (
            "Including exceptions",
            "plans_issued",
            "pct_of_plans_issued",
            look("including_exceptions"),
        ),
    ]
    for name, count_col, pct_col, style in series:
        colour, pattern = style.colour, style.pattern
        fig.add_trace(
            go.Bar(
                y=list(frame["band"]),
                x=_values(frame[count_col]),
                orientation="h",
                name=name,
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": "#0B0C0C", "fillmode": "overlay"},
                },
                text=[
                    f"{fmt_count(n)} ({fmt_pct(p)})"
                    for n, p in zip(frame[count_col], frame[pct_col], strict=True)
                ],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra>" + name + "</extra>",
            )
        )
    largest = _largest(frame["plans_issued"], frame["plans_issued_excl_exceptions"])
    _pad_x_for_labels(fig, largest)
    _whole_number_ticks(fig, "x", largest)
    return fig


def _pad_x_for_labels(fig: go.Figure, largest: Any) -> None:
    top = float(largest) if largest is not None and not pd.isna(largest) else 0.0
    fig.update_xaxes(range=[0, max(top * 1.35, 1)])


def stage_timing(frame: pd.DataFrame) -> go.Figure:
    """Median and mean days at each stage, with the 20-week (140-day) mark.

    Expects the ``stage_timing`` query: ``stage``, ``median_days``, ``mean_days``, ``plans_issued``.
    """
    fig = _base(
        420, barmode="group", xaxis={"title": {"text": "Days"}}, yaxis={"autorange": "reversed"}
    )
    for name, column, style in (
        ("Median", "median_days", look("median")),
        ("Mean", "mean_days", look("mean")),
    ):
        colour, pattern = style.colour, style.pattern
        values = _values(frame[column])
        fig.add_trace(
            go.Bar(
                y=list(frame["stage"]),
                x=[v or 0 for v in values],
                orientation="h",
                name=name,
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": "#0B0C0C", "fillmode": "overlay"},
                },
                text=[f"{name.lower()} {fmt_days(v)}" for v in frame[column]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra></extra>",
            )
        )
    limit = settings().within_days
    largest = max(
        [v for v in _values(frame["mean_days"]) + _values(frame["median_days"]) if v is not None]
        + [limit]
    )
    fig.update_xaxes(range=[0, largest * 1.6])  # room for "mean 184.9 days" beside the bar
    add_threshold(fig, x=limit, text=fmt_time_limit(limit), behind_bars=True)
    return fig


def breakdown(frame: pd.DataFrame, category: str) -> go.Figure:
    """% within 20 weeks for each group (primary need or age group), both ways, with counts.

    Expects the ``by_primary_need`` / ``by_age_group`` queries. A group with no plans is labelled
    "no plans" rather than drawn as 0%.
    """
    groups = list(frame[category])
    fig = _base(
        max(360, 110 + 70 * len(groups)),
        barmode="group",
        xaxis={
            "range": [0, 175],  # room for "100.0% (3 of 3)" beside a full bar
            "ticksuffix": "%",
            "tickvals": [0, 25, 50, 75, 100],
            "title": {"text": "% issued within 20 weeks"},
        },
        yaxis={"autorange": "reversed"},
    )
    series = [
        (
            "Excluding exceptions",
            "pct_within_20_weeks_excl_exceptions",
            "within_20_weeks_excl_exceptions",
            "plans_issued_excl_exceptions",
            look("excluding_exceptions"),
        ),
        (
            "Including exceptions",
            "pct_within_20_weeks",
            "within_20_weeks",
            "plans_issued",
            look("including_exceptions"),
        ),
    ]
    for name, pct_col, num_col, den_col, style in series:
        colour, pattern = style.colour, style.pattern
        values = _values(frame[pct_col])
        fig.add_trace(
            go.Bar(
                y=groups,
                x=[v or 0 for v in values],
                orientation="h",
                name=name,
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": "#0B0C0C", "fillmode": "overlay"},
                },
                # A share of fewer than 20 plans is marked ⚠ (one plan moves it 5+ points).
                # A suppressed share (publish mode) is a gap labelled "c", not "no plans".
                text=[
                    f"{fmt_pct(p)} ({fmt_count(n)} of {fmt_count(d)})"
                    + (" ⚠" if not is_suppressed(d) and small_base(d) else "")
                    if is_suppressed(p) or v is not None
                    else "no plans"
                    for v, p, n, d in zip(
                        values, frame[pct_col], frame[num_col], frame[den_col], strict=True
                    )
                ],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra>" + name + "</extra>",
            )
        )
    return fig


def _trend_labels(values: list[float | None], decimals: int, suffix: str) -> list[str]:
    """Point labels of a short trend: every point when there are up to 6, else the first, the
    last, the highest and the lowest (more would overlap at 1280 wide; the table has them all)."""
    shown = [(i, v) for i, v in enumerate(values) if v is not None]
    keep = {i for i, _ in shown}
    if len(shown) > 6:
        keep = {
            shown[0][0],
            shown[-1][0],
            max(shown, key=lambda p: p[1])[0],
            min(shown, key=lambda p: p[1])[0],
        }
    return [
        f"{v:,.{decimals}f}{suffix}" if v is not None and i in keep else ""
        for i, v in enumerate(values)
    ]


def headline_trend(frame: pd.DataFrame, title: str, unit: str, decimals: int = 1) -> go.Figure:
    """A headline's short trend for meeting mode: one line (our LA's look), points labelled with
    their value (:func:`_trend_labels`) so the chart reads without the axis; gaps where a figure
    is suppressed or missing. Expects ``label`` and ``value`` (``ui.meeting_view.trend_points``)."""
    suffix = "%" if unit == "%" else ""
    # The measure's name is the heading beside the chart, so the axis carries only its unit.
    fig = _base(330, yaxis={"ticksuffix": suffix, "rangemode": "tozero"}, showlegend=False)
    fig.update_layout(margin={"l": 10, "r": 40, "t": 30, "b": 10})
    values = _values(frame["value"])
    style = look("our_la")
    fig.add_trace(
        go.Scatter(
            x=list(frame["label"]),
            y=values,
            name=title,
            mode="lines+markers+text",
            line={"color": style.colour, "width": 4},
            marker={"symbol": style.marker, "size": 12, "color": style.colour},
            text=_trend_labels(values, decimals, suffix),
            textposition="top center",
            textfont={"size": FONT_SIZE},
            customdata=["c" if v is None else f"{v:,.{decimals}f}{suffix}" for v in values],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            connectgaps=False,
            cliponaxis=False,
        )
    )
    largest = max((v for v in values if v is not None), default=0)
    fig.update_yaxes(range=[0, (largest or 1) * 1.2])
    fig.update_xaxes(type="category")
    return fig
