"""Exclusions page parts (issue 13): the charts, the tables and the words around them.

Pure (no Streamlit, no database): query frames in, plotly figures and display frames out. The
rates, gaps and relative risks come from SQL (``etl/sql/queries/exclusions_*.sql``); nothing is
recomputed here. Projector rules as in ``ui.charts``: 20px text, the afcharts palette, and no
meaning carried by colour alone (each SEN group has its own pattern, dash and marker, and bars
carry their value as text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from etl.catalogue import label
from etl.disclosure import MIN_BASE, SUPPRESSED, is_small, is_suppressed, missing
from etl.inputs.exclusions.report import BY_SEN_KEYS
from etl.inputs.exclusions.spec import SEN_GROUP_LABELS, academic_year
from ui.charts import DARK_BLUE, DARK_GREY, FONT_SIZE, ORANGE, TURQUOISE, _base, _values
from ui.formatting import fmt_count, fmt_date, fmt_rate

GROUPS = ("ehc_plan", "sen_support", "no_sen")
# The columns each local table shows and exports (labels and publish-mode rules: ui.formatting).
BY_SEN_COLUMNS = ["sen_group_label", *BY_SEN_KEYS]  # the kpis keys, each group named
SCHOOL_COLUMNS = [
    "school_name",
    "school_urn",
    "phase",
    "send_suspensions",
    "send_pupils_suspended",
    "send_headcount",
    "send_suspension_rate",
    "no_sen_suspension_rate",
    "small_numbers",
]
# SEN group → (colour, bar pattern, line dash, marker)
STYLE = {
    "ehc_plan": (DARK_BLUE, "", "solid", "circle"),
    "sen_support": (ORANGE, "/", "dash", "square"),
    "no_sen": (DARK_GREY, ".", "dot", "diamond"),
    "unknown": (TURQUOISE, "x", "dashdot", "x"),
}
RATES = ("suspension_rate", "permanent_exclusion_rate", "one_plus_suspension_rate")
SMALL = "⚠ small numbers"
SEN_SOURCE_NOTE = (
    "SEN provision is as recorded on each event; where it was blank, an EHC plan in force in SEN2 "
    "on the start date (matched by the UPN's keyed hash) counts as EHC plan. SEN support cannot "
    "be derived (SEN2 does not hold it), so other blanks are 'SEN provision unknown'."
)


def year_heading(label_: str, year: int, snapshot: dt.date | None) -> str:
    """ "2026/27 so far (data to 1 Nov 2026)" for the academic year the data ends in, before
    it ends; otherwise "2025/26"."""
    if snapshot and academic_year(snapshot) == year and snapshot < dt.date(year + 1, 8, 31):
        return f"{label_} so far (data to {fmt_date(snapshot)})"
    return label_


def group_label(group: Any) -> str:
    return SEN_GROUP_LABELS.get(str(group), str(group))


def with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a readable SEN group column (``sen_group_label``)."""
    out = frame.copy()
    if "sen_group" in out.columns:
        out["sen_group_label"] = [group_label(g) for g in out["sen_group"]]
    return out


# ---------------------------------------------------------------- headline


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    note: str = ""


def headline_tiles(by_sen: pd.DataFrame) -> list[Tile]:
    """Suspension rate of each SEN group, with the gap to no-SEN pupils and the relative risk
    in words under it. ``by_sen`` may be disclosed (``components.screen_rows``, issue 16): a
    "c" is written as it is, and the gap is then the difference of the two disclosed rates."""
    rows = {r["sen_group"]: r for r in by_sen.to_dict("records")}
    tiles = []
    for group in GROUPS:
        row = rows.get(group)
        if row is None:
            tiles.append(Tile(f"{group_label(group)}: suspensions per 100", "–", "no data"))
            continue
        rate = row["suspension_rate"]
        counts = (
            f"{fmt_count(row['suspensions'])} suspensions, {fmt_count(row['headcount'])} pupils"
        )
        if group == "no_sen":
            note = counts
        else:
            risk = row["relative_risk_suspension"]
            gap = row.get("suspension_rate_gap")
            if "suspension_rate_gap" not in row:  # disclosed rows: from the shown rates
                base = rows.get("no_sen", {}).get("suspension_rate")
                shown = [v for v in (rate, base) if v is not None and not is_suppressed(v)]
                gap = float(rate) - float(base) if len(shown) == 2 else SUPPRESSED
            note = (
                f"{fmt_rate(risk)}× the no-SEN rate; {fmt_rate(gap)} points higher. {counts}"
                if not missing(risk)
                else f"No relative risk (no-SEN rate 0 or no headcount). {counts}"
            )
        tiles.append(Tile(f"{group_label(group)}: suspensions per 100", fmt_rate(rate), note))
    return tiles


def rates_chart(by_sen: pd.DataFrame) -> go.Figure:
    """Suspensions, permanent exclusions and pupils with 1+ suspension per 100 pupils, by SEN
    group: one bar per group and rate, each with its value written on it."""
    data = by_sen[by_sen["sen_group"].isin(GROUPS)]
    measures = [label(m) for m in RATES]
    fig = _base(
        460,
        barmode="group",
        xaxis={"title": {"text": "Per 100 pupils in the group"}},
        yaxis={"autorange": "reversed"},
    )
    largest = 0.0
    for row in data.to_dict("records"):
        group = row["sen_group"]
        colour, pattern, _, _ = STYLE[group]
        values = _values([row[m] for m in RATES])
        largest = max([largest, *[v for v in values if v is not None]])
        fig.add_trace(
            go.Bar(
                y=measures,
                x=[v or 0 for v in values],
                orientation="h",
                name=group_label(group),
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": "#0B0C0C", "fillmode": "overlay"},
                },
                text=[
                    "c"
                    if is_suppressed(row[m])
                    else fmt_rate(v)
                    if v is not None
                    else "no headcount"
                    for m, v in zip(RATES, values, strict=True)
                ],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra>" + group_label(group) + "</extra>",
            )
        )
    fig.update_xaxes(range=[0, max(largest, 0.01) * 1.25])
    return fig


# ---------------------------------------------------------------- trend


def trend_chart(trend: pd.DataFrame, measure: str, by: str) -> go.Figure:
    """One line per SEN group over the terms (``by`` "term") or academic years ("year")."""
    data = trend[trend["term"].notna()] if by == "term" else trend[trend["term"].isna()]
    fig = _base(480, yaxis={"title": {"text": f"{label(measure)}"}, "rangemode": "tozero"})
    periods = list(dict.fromkeys(data["period"]))
    for group in GROUPS:
        part = data[data["sen_group"] == group]
        colour, _, dash, symbol = STYLE[group]
        values = _values(part[measure])
        fig.add_trace(
            go.Scatter(
                x=list(part["period"]),
                y=values,
                name=group_label(group),
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 4},
                marker={"symbol": symbol, "size": 11, "color": colour},
                text=[fmt_rate(v) for v in values],
                hovertemplate="%{x}: %{text}<extra>" + group_label(group) + "</extra>",
                connectgaps=False,
            )
        )
        _label_end(fig, list(part["period"]), values, group_label(group), colour)
    fig.update_xaxes(categoryorder="array", categoryarray=periods, title_text="")
    return fig


def _label_end(
    fig: go.Figure, xs: list[Any], ys: Sequence[float | None], name: str, colour: str
) -> None:
    points = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    if points:
        x, y = points[-1]
        fig.add_annotation(
            x=x,
            y=y,
            text=f"<b>{fmt_rate(y)}</b> {name}",
            showarrow=False,
            xanchor="left",
            xshift=10,
            font={"size": FONT_SIZE - 4, "color": colour},
        )


# ---------------------------------------------------------------- schools


def small_numbers(suspensions: Any, headcount: Any) -> bool:
    """A rate resting on 1–7 events or fewer than 20 pupils: read with care (DESIGN §7)."""
    if is_suppressed(suspensions) or is_suppressed(headcount):
        return True
    d = None if missing(headcount) else int(headcount)
    return is_small(suspensions) or d is None or d < MIN_BASE


def schools_frame(schools: pd.DataFrame) -> pd.DataFrame:
    """The ranked schools with a "small numbers" marker beside each rate."""
    out = schools.copy()
    out["small_numbers"] = [
        SMALL if small_numbers(n, d) else ""
        for n, d in zip(out["send_suspensions"], out["send_headcount"], strict=True)
    ]
    return out


def schools_chart(schools: pd.DataFrame, top: int = 10) -> go.Figure:
    """The schools with the highest suspension rate of pupils with SEND (those with a rate),
    each bar labelled with its rate and the counts behind it; small numbers marked."""
    data = schools.dropna(subset=["send_suspension_rate"])
    data = data[data["send_suspension_rate"] != SUPPRESSED].head(top)
    names = [f"{n} ({p})" for n, p in zip(data["school_name"], data["phase"], strict=True)]
    fig = _base(
        max(360, 110 + 60 * len(data)),
        xaxis={"title": {"text": "Suspensions per 100 pupils with SEND"}},
        yaxis={"autorange": "reversed"},
        showlegend=False,
    )
    values = [float(v) for v in _values(data["send_suspension_rate"]) if v is not None]
    fig.add_trace(
        go.Bar(
            y=names,
            x=values,
            orientation="h",
            marker={"color": DARK_BLUE},
            text=[
                f"{fmt_rate(v)} ({fmt_count(n)} of {fmt_count(d)})"
                + (" ⚠" if small_numbers(n, d) else "")
                for v, n, d in zip(
                    values, data["send_suspensions"], data["send_headcount"], strict=True
                )
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(range=[0, max([*values, 0.01]) * 1.45])
    return fig


# ---------------------------------------------------------------- reasons and repeats


def reasons_chart(reasons: pd.DataFrame, top: int = 8) -> go.Figure:
    """Events by reason (commonest first), stacked by SEN group."""
    order = list(dict.fromkeys(reasons["reason"]))[:top]
    data = reasons[reasons["reason"].isin(order)]
    fig = _base(
        max(420, 140 + 70 * len(order)),
        barmode="stack",
        xaxis={"title": {"text": "Events (suspensions and permanent exclusions)"}},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": order},
    )
    fig.update_yaxes(tickmode="array", tickvals=order, ticktext=[_wrap(r, 28) for r in order])
    for group in (*GROUPS, "unknown"):
        part = data[data["sen_group"] == group].set_index("reason").reindex(order)
        if not any(_values(part["events"])) and not any(is_suppressed(v) for v in part["events"]):
            continue
        colour, pattern, _, _ = STYLE[group]
        counts = [int(v) if v is not None else 0 for v in _values(part["events"])]
        hidden = [is_suppressed(v) for v in part["events"]]
        fig.add_trace(
            go.Bar(
                y=order,
                x=counts,
                orientation="h",
                name=group_label(group),
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": "#0B0C0C", "fillmode": "overlay"},
                },
                text=[
                    "c" if h else str(c) if c else "" for c, h in zip(counts, hidden, strict=True)
                ],
                textposition="inside",
                insidetextanchor="middle",
                # Dark text on the orange bars, white on the dark ones (contrast).
                textfont={
                    "size": FONT_SIZE - 4,
                    "color": "#0B0C0C" if group == "sen_support" else "#FFFFFF",
                },
                hovertemplate="%{y}: %{x}<extra>" + group_label(group) + "</extra>",
            )
        )
    return fig


def repeat_chart(repeat: pd.DataFrame) -> go.Figure:
    """Pupils suspended, by how many suspensions they had in the year, per SEN group."""
    bands = list(dict.fromkeys(repeat.sort_values("band_order")["suspensions_in_year"]))
    fig = _base(
        420,
        barmode="group",
        xaxis={"title": {"text": "Suspensions in the academic year"}, "type": "category"},
        yaxis={"title": {"text": "Pupils"}},
    )
    for group in (*GROUPS, "unknown"):
        part = repeat[repeat["sen_group"] == group].set_index("suspensions_in_year").reindex(bands)
        if not any(_values(part["pupils"])) and not any(is_suppressed(v) for v in part["pupils"]):
            continue
        colour, pattern, _, _ = STYLE[group]
        counts = [0 if v is None else int(v) for v in _values(part["pupils"])]
        hidden = [is_suppressed(v) for v in part["pupils"]]
        fig.add_trace(
            go.Bar(
                x=bands,
                y=counts,
                name=group_label(group),
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": "#0B0C0C", "fillmode": "overlay"},
                },
                text=["c" if h else str(c) for c, h in zip(counts, hidden, strict=True)],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x} suspensions: %{y} pupils<extra>"
                + group_label(group)
                + "</extra>",
            )
        )
    fig.update_xaxes(categoryorder="array", categoryarray=bands)
    return fig


def repeat_summary(by_sen: pd.DataFrame) -> str:
    """The share of suspended pupils suspended more than once, per group, in a sentence."""
    parts = []
    for row in by_sen[by_sen["sen_group"].isin(GROUPS)].to_dict("records"):
        suspended, repeat = row["pupils_suspended"], row["pupils_repeat_suspended"]
        if suspended:  # "c" (disclosed rows, issue 16) is written as it is
            parts.append(
                f"{group_label(row['sen_group'])}: {fmt_count(repeat)} of {fmt_count(suspended)} "
                "pupils suspended were suspended more than once"
            )
    return "; ".join(parts) + "." if parts else "No pupils were suspended in this year."


# ---------------------------------------------------------------- published comparison

PUBLISHED_MEASURES = {
    "suspension_rate": "Suspension rate",
    "permanent_exclusion_rate": "Permanent exclusion rate",
    "one_plus_suspension_rate": "One or more suspensions",
}


def published_trend(
    published: pd.DataFrame, local: pd.DataFrame, measure: str, phase: str = "Total"
) -> pd.DataFrame:
    """The home LA's published rate by term and SEN group (all phases together = "Total"),
    its rank and its neighbours' median, with our own rate beside it where we have one for the
    same term."""
    data = published[(published["measure"] == measure) & (published["phase"] == phase)].copy()
    if data.empty:
        return data
    data["period_label"] = [
        f"{t} {y}" for t, y in zip(data["term"], data["academic_year_label"], strict=True)
    ]
    ours = local[local["term"].notna()][["academic_year", "term", "sen_group", measure]].rename(
        columns={measure: "local_value"}
    )
    return data.merge(ours, on=["academic_year", "term", "sen_group"], how="left")


def published_chart(data: pd.DataFrame, la_name: str, title: str) -> go.Figure:
    """Published rate by term per SEN group (thick lines, named at their last point), the
    neighbours' median of each group (thin dotted lines of the same colour) and our own rate
    where both cover a term (large hollow markers); the source, period and neighbour set are
    written on the figure itself, so a copied chart keeps them."""
    fig = _base(
        600,
        yaxis={"title": {"text": f"Per 100 pupils ({la_name}, all phases)"}, "rangemode": "tozero"},
    )
    fig.update_layout(
        margin={"l": 10, "r": 150, "t": 110, "b": 160},
        legend={"y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": FONT_SIZE - 4}},
        meta={"title": title},
    )
    periods = list(dict.fromkeys(data["period_label"]))
    for group in GROUPS:
        part = data[data["sen_group"] == group]
        if part.empty:
            continue
        colour, _, dash, symbol = STYLE[group]
        name = group_label(group)
        values = [float(v) for v in part["value"]]
        fig.add_trace(
            go.Scatter(
                x=list(part["period_label"]),
                y=values,
                name=f"{name} (published)",
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 4},
                marker={"symbol": symbol, "size": 9, "color": colour},
                hovertemplate="%{x}: %{y:.3f}<extra>" + name + " (published)</extra>",
            )
        )
        _label_end(fig, list(part["period_label"]), values, name, colour)
        if part["neighbours_median"].notna().any():
            fig.add_trace(
                go.Scatter(
                    x=list(part["period_label"]),
                    y=list(part["neighbours_median"]),
                    name="Neighbours' median (thin dotted)",
                    legendgroup="median",
                    showlegend=group == GROUPS[0],
                    mode="lines",
                    line={"color": colour, "dash": "dot", "width": 1.5},
                    hovertemplate="%{x}: %{y:.3f}<extra>Neighbours' median, " + name + "</extra>",
                )
            )
        local = part.dropna(subset=["local_value"])
        local = local[local["local_value"] != SUPPRESSED]  # a disclosed "c" is a gap
        if not local.empty:
            fig.add_trace(
                go.Scatter(
                    x=list(local["period_label"]),
                    y=_values(local["local_value"]),
                    name="Our data (hollow markers)",
                    legendgroup="ours",
                    showlegend=True,
                    mode="markers",
                    marker={
                        "symbol": f"{symbol}-open",
                        "size": 16,
                        "color": colour,
                        "line": {"width": 3},
                    },
                    hovertemplate="%{x}: %{y:.2f}<extra>Our data, " + name + "</extra>",
                )
            )
    # One tick label per academic year (at its autumn term); the hover names every term.
    ticks = [p.split(" ", 1)[1][2:] if p.startswith("Autumn") else "" for p in periods]
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=periods,
        tickmode="array",
        tickvals=periods,
        ticktext=ticks,
        title_text="",
        tickangle=0,
    )
    fig.add_annotation(
        text=source_line(data),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.14,
        yanchor="top",
        showarrow=False,
        xanchor="left",
        align="left",
        font={"size": FONT_SIZE - 6, "color": "#505a5f"},
    )
    # Only one legend entry for our markers however many groups have them.
    seen = False
    for trace in fig.data:
        if trace.legendgroup == "ours":
            trace.showlegend = not seen
            seen = True
    return fig


def source_line(data: pd.DataFrame) -> str:
    """ "Source: … · Autumn 2019/20 – Spring 2024/25 · Neighbours: DfE statistical neighbours,
    May 2025" (from the published rows themselves)."""
    return (
        f"Source: {_wrap(str(data['release'].iloc[0]), 95)}<br>"
        f"Period: {data['period_label'].iloc[0]} – {data['period_label'].iloc[-1]} · "
        f"Neighbours: {data['neighbour_set'].iloc[0]}"
    )


def _wrap(text: str, width: int) -> str:
    """Break text into lines of at most ``width`` characters for a plotly label (<br>)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def published_caption(data: pd.DataFrame, as_at: Any) -> str:
    """The words under the published comparison: source, period, neighbour set, precision."""
    return (
        f"Source: {data['release'].iloc[0]}. Period: {data['period_label'].iloc[0]} – "
        f"{data['period_label'].iloc[-1]}. Neighbours: {data['neighbour_set'].iloc[0]} "
        f"({int(data['neighbours_total'].iloc[0])} LAs). Rates per 100 pupils as published (3 "
        "decimal places); suppressed figures are absent from the file. Our rates (hollow "
        "markers) are from the data loaded here" + (f", as at {fmt_date(as_at)}." if as_at else ".")
    )


def published_table(data: pd.DataFrame) -> pd.DataFrame:
    """The published figures as a public table: term, group, rate, rank, neighbours' median,
    our rate, and the source."""
    return pd.DataFrame(
        {
            "Term": data["period_label"],
            "SEN provision": [group_label(g) for g in data["sen_group"]],
            "Published rate per 100": [fmt_rate(v, 3) for v in data["value"]],
            "Rank among LAs (1 = lowest)": [
                f"{int(r)} of {int(n)}"
                for r, n in zip(data["rank"], data["las_ranked"], strict=True)
            ],
            "Neighbours' median": [fmt_rate(v, 3) for v in data["neighbours_median"]],
            "Our rate (local data)": [fmt_rate(v) for v in data["local_value"]],
            "Neighbour set": data["neighbour_set"],
            "Source": data["release"],
        }
    )


def latest_position(data: pd.DataFrame) -> list[Tile]:
    """The latest term's published rate for EHC plan, SEN support and no SEN, with rank."""
    if data.empty:
        return []
    last = data[data["period_label"] == data["period_label"].iloc[-1]]
    tiles = []
    for group in GROUPS:
        row = last[last["sen_group"] == group]
        if row.empty:
            continue
        r = row.iloc[0]
        median = r["neighbours_median"]
        tiles.append(
            Tile(
                f"{group_label(group)}, {r['period_label']}",
                fmt_rate(r["value"], 3),
                f"Rank {int(r['rank'])} of {int(r['las_ranked'])} LAs (1 = lowest). "
                + (
                    f"Neighbours' median {fmt_rate(median, 3)} ({r['neighbour_set']})."
                    if not missing(median)
                    else f"No neighbours' median ({r['neighbour_set']})."
                ),
            )
        )
    return tiles
