"""Pure chart functions for the Benchmark page (DataFrame in, plotly Figure out).

Same projector rules as ``ui.charts``: 20px text, afcharts palette, and no meaning carried by
colour alone — each series has its own dash and marker and is named at its last point; our LA is
labelled by name on the all-LA chart; quartile bands are lines with "Q1"… text.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ui.charts import DARK_BLUE, FONT_SIZE, _base, look

_MEANING = {
    "la": "our_la",
    "region": "region",
    "england": "england",
    "median": "neighbours_median",
    "predecessor": "predecessor",
}
# kind -> (colour, dash, marker symbol, line width), from the one palette in ui.charts.LOOKS
STYLE: dict[str, tuple[str, str, str, float]] = {
    kind: (look(m).colour, look(m).dash, look(m).marker, 5.0 if kind == "la" else 3.0)
    for kind, m in _MEANING.items()
}
STYLE["neighbour"] = ("#A0A0A0", "solid", "x", 1.5)
ORDER = ["neighbour", "predecessor", "england", "region", "median", "la"]


def _fmt(value: float, unit: str, decimals: int) -> str:
    if unit == "%":
        return f"{value:.{decimals}f}%"
    return f"{value:,.0f}"


def trend(frame: pd.DataFrame, unit: str, decimals: int = 1) -> go.Figure:
    """One line per series (LA, region, England, neighbours' median, chosen neighbours,
    predecessor areas) over the years, each labelled at its last point."""
    fig = _base(560)
    data = frame.dropna(subset=["value"])
    for kind in ORDER:
        for series, part in data[data.kind == kind].groupby("series", sort=True):
            colour, dash, symbol, width = STYLE[kind]
            part = part.sort_values("year")
            fig.add_trace(
                go.Scatter(
                    x=part["year"],
                    y=part["value"],
                    name=str(series),
                    mode="lines+markers",
                    line={"color": colour, "dash": dash, "width": width},
                    marker={"symbol": symbol, "size": 12 if kind == "la" else 9, "color": colour},
                    hovertemplate="%{x}: %{y}<extra>" + str(series) + "</extra>",
                    showlegend=kind != "neighbour" or part["series"].nunique() == 1,
                )
            )
    years = sorted(data["year"].unique()) if not data.empty else []
    fig.update_xaxes(
        tickmode="array", tickvals=years, ticktext=[str(y) for y in years], title_text=""
    )
    fig.update_yaxes(
        title_text="%" if unit == "%" else "Number",
        ticksuffix="%" if unit == "%" else "",
        rangemode="tozero",
    )
    fig.update_layout(legend={"font": {"size": FONT_SIZE - 2}})
    return fig


def all_las(
    frame: pd.DataFrame,
    la_code: str,
    la_name: str,
    unit: str,
    decimals: int,
    higher_is_better: bool | None,
) -> go.Figure:
    """Every LA's value as a bar, best on the left; ours dark and named; quartile lines."""
    data = frame.dropna(subset=["value"]).reset_index(drop=True)
    fig = _base(520)
    if data.empty:
        return fig
    ours = data["la_code"] == la_code
    colours = [DARK_BLUE if o else "#BFC1C3" for o in ours]
    fig.add_trace(
        go.Bar(
            x=list(range(1, len(data) + 1)),
            y=data["value"],
            marker={"color": colours, "line": {"width": 0}},
            customdata=data[["la_name", "region"]],
            hovertemplate="%{customdata[0]} (%{customdata[1]}): %{y}<extra></extra>",
            showlegend=False,
        )
    )
    if ours.any():
        index = int(ours.idxmax())
        value = float(data.loc[index, "value"])
        fig.add_annotation(
            x=index + 1,
            y=value,
            text=f"<b>{la_name}: {_fmt(value, unit, decimals)}</b>",
            showarrow=True,
            arrowhead=2,
            arrowwidth=2,
            ax=0,
            ay=-60,
            font={"size": FONT_SIZE, "color": DARK_BLUE},
            bgcolor="white",
        )
    of = len(data)
    if higher_is_better is not None and of >= 4:
        for quarter in (1, 2, 3):
            cut = math.floor(of * quarter / 4) + 0.5
            fig.add_vline(x=cut, line={"color": "#3D3D3D", "dash": "dot", "width": 1.5})
        for quarter in (1, 2, 3, 4):
            middle = of * (quarter - 0.5) / 4 + 0.5
            fig.add_annotation(
                x=middle,
                y=1.0,
                yref="paper",
                text=f"Q{quarter}",
                showarrow=False,
                font={"size": FONT_SIZE - 2, "color": "#3D3D3D"},
                yanchor="bottom",
            )
    left = "best" if higher_is_better is not None else "highest"
    right = "weakest" if higher_is_better is not None else "lowest"
    fig.update_xaxes(
        title_text=f"Local authorities, {left} on the left → {right} on the right "
        f"({of} with a value)",
        showticklabels=False,
    )
    fig.update_yaxes(ticksuffix="%" if unit == "%" else "", rangemode="tozero")
    fig.update_layout(bargap=0.15, margin={"t": 70})
    return fig


def need_mix(frame: pd.DataFrame, la_name: str, region_name: str | None) -> go.Figure:
    """Primary-need mix of plans: LA, region and England side by side (horizontal bars, values
    printed on each bar, patterned so the three are told apart without colour)."""
    fig = _base(max(420, 70 * len(frame) + 120), barmode="group")
    labels = frame["need"]
    our, england, region = look("our_la"), look("england"), look("region")
    series = [
        ("la", la_name, our.colour, our.pattern),
        ("england", "England", england.colour, england.pattern),
    ]
    if region_name and "region" in frame.columns:
        series.insert(1, ("region", region_name, region.colour, region.pattern))
    # With the need axis reversed the first trace is the top bar of each group: our LA first,
    # in the same order as the legend.
    for column, name, colour, pattern in series:
        if column not in frame.columns:
            continue
        values = frame[column]
        fig.add_trace(
            go.Bar(
                y=labels,
                x=values,
                orientation="h",
                name=name,
                marker={"color": colour, "pattern": {"shape": pattern}},
                text=[None if pd.isna(v) else f"{v:.1f}%" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x}%<extra>" + name + "</extra>",
            )
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(ticksuffix="%", rangemode="tozero")
    fig.update_layout(legend={"traceorder": "normal"}, margin={"r": 80})
    return fig
