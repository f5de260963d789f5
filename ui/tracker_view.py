"""Improvement plan page parts: RAG words and symbols, labelled tables and the charts.

Pure functions (DataFrame in, DataFrame or figure out), no Streamlit, no database. Every RAG is
written as a symbol and a word ("✗ Red"), so nothing depends on colour on a washed-out projector
or for a colour-blind reader; the colours are GOV.UK's, as a second cue.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from etl.config import Settings
from etl.rag import RAG_LABELS, RAG_VALUES, disagreement, reported_rag
from ui.charts import FONT_SIZE, _base
from ui.formatting import fmt_date

# The RAG words, their order and "✗ Red"-style labels are etl.rag's (declared once there).
RAG_ORDER = list(RAG_VALUES)
RAG_COLOURS = {
    "Red": "#D4351C",
    "Amber": "#F47738",
    "Green": "#00703C",
    "Not started": "#B1B4B6",
    "Complete": "#1D70B8",
}
# Fill patterns as a third cue where bars sit side by side.
RAG_PATTERNS = {"Red": "x", "Amber": "/", "Green": "", "Not started": ".", "Complete": "+"}
BADGE_CLASS = {"Red": "red", "Amber": "orange", "Green": "green"}


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _date(value: Any) -> str:
    return "" if value is None or pd.isna(value) else fmt_date(value)


def _pct(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):g}%"


def rag_marker(rag: str) -> dict[str, Any]:
    """Bar style for a RAG value: its colour plus its own pattern, so it is told apart without
    colour (white pattern over the fill, dark outline)."""
    return {
        "color": RAG_COLOURS[rag],
        "line": {"color": "#0B0C0C", "width": 1},
        "pattern": {
            "shape": RAG_PATTERNS[rag],
            "fgcolor": "#FFFFFF",
            "size": 8,
            "fillmode": "overlay",
        },
    }


def rag_label(rag: Any, override: Any = None, computed: Any = None) -> str:
    """ "✗ Red", or "! Amber (override; computed ✗ Red)" when a person overrode the rule."""
    shown = RAG_LABELS.get(_text(rag), _text(rag))
    if _text(override):
        return f"{shown} (override; computed {RAG_LABELS.get(_text(computed), _text(computed))})"
    return shown


# ---------------------------------------------------------------- page words and choices

CHANGE_HEADLINES = ("Newly Red", "Newly complete", "End date slipped", "Status changed")
CLEAR_OVERRIDE = "Clear override"


def rag_rule_text(settings: Settings) -> str:
    """The RAG rule (DESIGN §5) in one plain sentence, with the thresholds the settings set."""
    return (
        "The rule, the same every time: complete at 100%; Red when past its end date; "
        "otherwise the gap "
        "between the time elapsed and the % complete — up to "
        f"{settings.rag_green_max_gap:g} points Green, up to {settings.rag_amber_max_gap:g} "
        "Amber, more Red. A milestone with only a due date is Amber in the "
        f"{settings.rag_point_amber_days} days before it."
    )


def plan_names(periods: pd.DataFrame) -> list[str]:
    """Every plan loaded, the one reported most recently first (ties by name)."""
    return [name for name, _ in latest_reports(periods)]


def latest_reports(periods: pd.DataFrame) -> list[tuple[str, dt.date]]:
    """(plan, its latest report date) for every plan loaded, most recent first."""
    latest = periods.groupby("plan")["report_date"].max()  # grouped: in name order
    latest = latest.sort_values(ascending=False, kind="stable")
    return [(str(name), pd.Timestamp(day).date()) for name, day in latest.items()]


def report_dates(periods: pd.DataFrame) -> list[dt.date]:
    """Every report date loaded, newest first."""
    return sorted({pd.Timestamp(d).date() for d in periods["report_date"]}, reverse=True)


def report_date_label(day: dt.date, latest: dt.date) -> str:
    """ "Report dated 1 Nov 2026 (latest)" """
    return f"Report dated {fmt_date(day)}" + (" (latest)" if day == latest else "")


def previous_report(periods: pd.DataFrame, as_of: dt.date) -> dt.date | None:
    """The report before the one dated ``as_of`` (None when it is the first loaded)."""
    rows = periods[[pd.Timestamp(d).date() == as_of for d in periods["report_date"]]]
    previous = rows["previous_report_date"].dropna()
    return None if previous.empty else pd.Timestamp(previous.max()).date()


def rag_counts(items: pd.DataFrame) -> dict[str, int]:
    """How many of the items shown are at each RAG (RAGs with none are left out)."""
    return {str(rag): int(count) for rag, count in items["rag"].value_counts().items()}


def risks_on_grid(grid: pd.DataFrame) -> int:
    """How many risks the likelihood × impact grid holds (0: nothing to draw)."""
    return int(grid["risks"].sum())


def change_counts(changes: pd.DataFrame) -> str:
    """ "**Newly Red: 2** · **Newly complete: 1** · …" for the changes a board asks about."""
    counted = changes["change"].value_counts()
    return " · ".join(f"**{name}: {int(counted.get(name, 0))}**" for name in CHANGE_HEADLINES)


def override_targets(items: pd.DataFrame) -> dict[str, str]:
    """{what the override names (ref, else name): how the choice reads} for every item."""
    return {
        (_text(ref) or _text(name)): (
            f"{_text(ref) or _text(workstream) or '—'} · {_text(name)} — now {rag_label(rag)}"
        )
        for ref, name, workstream, rag in zip(
            items["ref"], items["name"], items["workstream"], items["rag"], strict=True
        )
    }


def override_choice_label(choice: str) -> str:
    """A RAG with its symbol, or "Clear override"."""
    return RAG_LABELS.get(choice, choice)


def override_saved_text(name: str, choice: str, author: str) -> str:
    """What the page says once an override is saved."""
    what = "override cleared" if choice == CLEAR_OVERRIDE else f"shown as {choice}"
    return f"Saved: {name} — {what}, by {author.strip()}."


# ---------------------------------------------------------------- tables


def rag_summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Workstream × RAG counts (from ``plan_rag_summary``) as one row per workstream."""
    if summary.empty:
        return pd.DataFrame()
    wide = summary.pivot_table(
        index="workstream", columns="rag", values="items", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=RAG_ORDER, fill_value=0)
    wide["Total"] = wide.sum(axis=1)
    wide.columns = [RAG_LABELS.get(c, c) for c in wide.columns]
    out = wide.reset_index().rename(columns={"workstream": "Workstream / area"})
    return out.astype({c: int for c in out.columns if c != "Workstream / area"})


def items_table(items: pd.DataFrame) -> pd.DataFrame:
    """Every milestone and action in force, as people read it."""
    return pd.DataFrame(
        {
            "RAG": [
                rag_label(r, o, c)
                for r, o, c in zip(
                    items["rag"], items["override_rag"], items["computed_rag"], strict=True
                )
            ],
            "Ref": [_text(v) for v in items["ref"]],
            "Milestone or action": [_text(v) for v in items["name"]],
            "Workstream / area": [_text(v) for v in items["workstream"]],
            "Owner": [_text(v) for v in items["owner"]],
            "Start": [_date(v) for v in items["start_date"]],
            "End / due": [_date(v) for v in items["end_date"]],
            "% complete": [_pct(v) for v in items["pct_complete"]],
            "Expected %": ["" if pd.isna(v) else f"{float(v):.0f}%" for v in items["expected_pct"]],
            "Reported status": [_text(v) for v in items["reported_status"]],
        }
    )


def behind_table(behind: pd.DataFrame) -> pd.DataFrame:
    """The adviser's "actions behind schedule" table: ref, action, reason, mitigation, dates."""
    return pd.DataFrame(
        {
            "Action ref": [_text(v) for v in behind["ref"]],
            "Action": [_text(v) for v in behind["name"]],
            # An item the board overrode (say Red to Amber) stays listed while it is late, marked.
            "RAG": [
                f"{rag_label(r)} (override; computed {rag_label(c)})"
                if _text(o) and _text(c) and c != r
                else rag_label(r)
                for r, c, o in zip(
                    behind["rag"],
                    behind.get("computed_rag", behind["rag"]),
                    behind.get("override_rag", pd.Series([None] * len(behind))),
                    strict=True,
                )
            ],
            "Reason": [_text(v) or "(no reason given)" for v in behind["reason"]],
            "Mitigation": [_text(v) or "(none given)" for v in behind["mitigation"]],
            "Due": [_date(v) for v in behind["end_date"]],
            "Revised date": [_date(v) for v in behind["revised_date"]],
            "Lead": [_text(v) for v in behind["owner"]],
        }
    )


def changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """What changed since the previous report, one row per change."""
    return pd.DataFrame(
        {
            "Change": [_text(v) for v in changes["change"]],
            "Milestone or action": [
                f"{_text(r)} {_text(n)}".strip()
                for r, n in zip(changes["ref"], changes["name"], strict=True)
            ],
            "Workstream / area": [_text(v) for v in changes["workstream"]],
            "RAG now": [rag_label(v) for v in changes["rag"]],
            "Detail": [_text(v) for v in changes["detail"]],
        }
    )


STATUS_CATEGORIES = [
    "Agrees with the rule",
    "Contradicts the rule",
    "Status not understood (kept as written)",
    "No status given",
]


def status_category(reported_status: Any, computed: Any) -> str:
    """How an item's own reported status compares with the computed RAG. No status is its own
    category, never counted as agreeing."""
    said = _text(reported_status)
    if not said:
        return "No status given"
    if reported_rag(said) is None:
        return "Status not understood (kept as written)"
    if computed not in RAG_VALUES:
        return "Agrees with the rule" if reported_rag(said) == computed else "Contradicts the rule"
    if disagreement(said, computed):
        return "Contradicts the rule"
    return "Agrees with the rule"


def overall_status(periods: pd.DataFrame, as_of: dt.date) -> str | None:
    """The tracker's own overall status for the report dated ``as_of`` (None if not given)."""
    rows = periods[[pd.Timestamp(d).date() == as_of for d in periods["report_date"]]]
    return _text(rows["overall_status"].iloc[0]) or None if len(rows) else None


def computed_overall(items: pd.DataFrame) -> str | None:
    """The plan's overall RAG by the rule: its worst item (Red if any is Red, then Amber, then
    Green / Not started, Complete only when everything is); None with no items."""
    rags = set(items["computed_rag"].dropna())
    for rag in ("Red", "Amber", "Green", "Not started", "Complete"):
        if rag in rags:
            return "Green" if rag == "Not started" else rag
    return None


def status_comparison_table(items: pd.DataFrame, overall_status: Any) -> pd.DataFrame:
    """The tracker's own overall status beside the rule's, then how many items' own statuses
    agree, contradict, are not understood, or are not given."""
    computed = computed_overall(items)
    overall = _text(overall_status)
    rows = [
        (
            "Overall status",
            overall or "(no status given)",
            rag_label(computed) if computed else "",
            status_category(overall, computed) if computed else "",
        )
    ]
    counts = pd.Series(
        [
            status_category(s, c)
            for s, c in zip(items["reported_status"], items["computed_rag"], strict=True)
        ],
        dtype=object,
    ).value_counts()
    for category in STATUS_CATEGORIES:
        n = int(counts.get(category, 0))
        rows.append(
            (
                category,
                "",
                "",
                f"{n} milestone{'' if n == 1 else 's'} or action{'' if n == 1 else 's'}",
            )
        )
    return pd.DataFrame(rows, columns=["Compared", "Tracker says", "Rule says", "Result"])


def disagreements_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Where the tracker's own status says one thing and the rule another."""
    return pd.DataFrame(
        {
            "Milestone or action": [
                f"{_text(r)} {_text(n)}".strip()
                for r, n in zip(frame["ref"], frame["name"], strict=True)
            ],
            "Workstream / area": [_text(v) for v in frame["workstream"]],
            "Reported status": [_text(v) for v in frame["reported_status"]],
            "Computed RAG": [rag_label(v) for v in frame["computed_rag"]],
            "Owner": [_text(v) for v in frame["owner"]],
        }
    )


def register_table(registers: pd.DataFrame) -> pd.DataFrame:
    """Risks, issues and dependencies."""

    def number(value: Any) -> str:
        return "" if value is None or pd.isna(value) else str(int(value))

    return pd.DataFrame(
        {
            "Type": [_text(v) for v in registers["register"]],
            "ID": [_text(v) for v in registers["ref"]],
            "Description": [_text(v) for v in registers["description"]],
            "Likelihood": [number(v) for v in registers["likelihood"]],
            "Impact": [number(v) for v in registers["impact"]],
            "Score": [number(v) for v in registers["score"]],
            "Status": [_text(v) for v in registers["status"]],
            "Owner": [_text(v) for v in registers["owner"]],
            "Target date": [_date(v) for v in registers["target_date"]],
            "Mitigation": [_text(v) for v in registers["mitigation"]],
        }
    )


def risk_grid_table(grid: pd.DataFrame) -> pd.DataFrame:
    """The 5 × 5 grid as a table: likelihood down (5 at the top), impact across."""
    wide = grid.pivot_table(
        index="likelihood", columns="impact", values="risks", aggfunc="sum", fill_value=0
    ).sort_index(ascending=False)
    wide.columns = [f"Impact {c}" for c in wide.columns]
    wide.index = [f"Likelihood {i}" for i in wide.index]
    return wide.reset_index(names="").astype({c: int for c in wide.columns})


def overrides_table(overrides: pd.DataFrame) -> pd.DataFrame:
    """Every override ever made, newest first."""
    return pd.DataFrame(
        {
            "When": [
                pd.Timestamp(v).strftime("%d %b %Y %H:%M") if not pd.isna(v) else ""
                for v in overrides["created_at"]
            ],
            "Report date": [_date(v) for v in overrides["report_date"]],
            "Milestone or action": [_text(v) for v in overrides["item_name"]],
            "RAG set": [
                rag_label(v) if _text(v) else "(override cleared)" for v in overrides["rag"]
            ],
            "Reason": [_text(v) for v in overrides["reason"]],
            "Author": [_text(v) for v in overrides["author"]],
        }
    )


# ---------------------------------------------------------------- charts


def rag_summary_chart(summary: pd.DataFrame) -> go.Figure:
    """Stacked horizontal bars: items per workstream by RAG, each segment labelled."""
    workstreams = sorted(summary["workstream"].unique(), reverse=True)
    fig = _base(
        max(260, 70 * len(workstreams) + 140),
        barmode="stack",
        xaxis={"title": {"text": "Milestones and actions"}},
    )
    for rag in RAG_ORDER:
        part = summary[summary["rag"] == rag].set_index("workstream").reindex(workstreams)
        counts = [int(v) if not pd.isna(v) else 0 for v in part["items"]]
        fig.add_trace(
            go.Bar(
                y=workstreams,
                x=counts,
                orientation="h",
                name=RAG_LABELS[rag],
                marker=rag_marker(rag),
                text=[str(c) if c else "" for c in counts],
                textposition="inside",
                insidetextanchor="middle",
                textfont={
                    "size": FONT_SIZE,
                    "color": "#FFFFFF" if rag != "Not started" else "#0B0C0C",
                },
                hovertemplate="%{y}: %{x} " + rag + "<extra></extra>",
            )
        )
    fig.update_xaxes(dtick=1 if summary["items"].max() <= 12 else None)
    return fig


def gantt_label(workstream: Any, ref: Any, name: Any, width: int = 34) -> str:
    """The whole name, wrapped onto lines of at most ``width`` characters (never cut short):
    "2.1 Recruit more educational<br>psychologists" or "WSB · Launch the SENCO network"."""
    prefix = (
        f"{_text(ref)} " if _text(ref) else (f"{_text(workstream)} · " if _text(workstream) else "")
    )
    text = html.escape(prefix + _text(name), quote=False)
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _span_months(frame: pd.DataFrame, report_date: dt.date) -> int:
    """How many months the timeline spans (its dates and the report date)."""
    dates = [
        pd.Timestamp(d)
        for d in [*frame["start_date"], *frame["end_date"], report_date]
        if d is not None and not pd.isna(d)
    ]
    first, last = min(dates), max(dates)
    return (last.year - first.year) * 12 + last.month - first.month + 1


def gantt(items: pd.DataFrame, report_date: dt.date) -> go.Figure:
    """Milestones as bars from start to end (a diamond when there is no start), coloured and
    labelled by RAG, with a line at the report date."""
    frame = items.sort_values(["workstream", "end_date", "name"])
    labels = [
        gantt_label(w, r, n)
        for w, r, n in zip(frame["workstream"], frame["ref"], frame["name"], strict=True)
    ]
    frame = frame.assign(label=labels)
    # Each row as tall as its wrapped name; month ticks, with the year under each January.
    # (plotly gives every row the same height, so the longest name sets it).
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    rows_height = len(labels) * max(44, 26 * lines + 14)
    fig = _base(
        max(320, rows_height + 190),
        xaxis={
            "type": "date",
            "title": {"text": ""},
            "side": "top",
            "dtick": "M1" if _span_months(frame, report_date) <= 15 else "M3",
            "tickformat": "%b<br>%Y",
            "tickangle": 0,
        },
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": labels,
        },
        showlegend=True,
    )
    for rag in RAG_ORDER:
        part = frame[frame["rag"] == rag]
        if part.empty:
            continue
        spans = part[part["start_date"].notna()]
        if not spans.empty:
            starts = pd.to_datetime(spans["start_date"])
            ends = pd.to_datetime(spans["end_date"]) + pd.Timedelta(days=1)
            fig.add_trace(
                go.Bar(
                    y=list(spans["label"]),
                    base=list(starts),
                    x=[(e - s).total_seconds() * 1000 for s, e in zip(starts, ends, strict=True)],
                    orientation="h",
                    name=RAG_LABELS[rag],
                    legendgroup=rag,
                    marker=rag_marker(rag),
                    customdata=[
                        [RAG_LABELS[rag], _date(s), _date(e), _pct(p)]
                        for s, e, p in zip(
                            spans["start_date"],
                            spans["end_date"],
                            spans["pct_complete"],
                            strict=True,
                        )
                    ],
                    hovertemplate="%{y}<br>%{customdata[1]} to %{customdata[2]}, "
                    "%{customdata[3]} complete<br>%{customdata[0]}<extra></extra>",
                )
            )
        points = part[part["start_date"].isna()]
        if not points.empty:
            fig.add_trace(
                go.Scatter(
                    y=list(points["label"]),
                    x=list(pd.to_datetime(points["end_date"])),
                    mode="markers",
                    name=RAG_LABELS[rag] + " (milestone date)",
                    legendgroup=rag,
                    showlegend=spans.empty,
                    marker={
                        "symbol": "diamond",
                        "size": 22,
                        "color": RAG_COLOURS[rag],
                        "line": {"color": "#0B0C0C", "width": 2},
                    },
                    hovertemplate="%{y}<br>due %{x|%d %b %Y}<br>"
                    + RAG_LABELS[rag]
                    + "<extra></extra>",
                )
            )
    # The report date, marked and named (a shape, not just a colour).
    fig.add_vline(
        x=pd.Timestamp(report_date).timestamp() * 1000,
        line={"color": "#0B0C0C", "width": 3, "dash": "dash"},
    )
    fig.add_annotation(
        x=pd.Timestamp(report_date),
        y=1,
        yref="paper",
        yanchor="bottom",
        text=f"Report date {fmt_date(report_date)}",
        showarrow=False,
        font={"size": FONT_SIZE, "color": "#0B0C0C"},
        bgcolor="#FFFFFF",
        yshift=62,  # above the two-line month ticks, never on top of them
    )
    fig.update_layout(
        margin={"l": 10, "r": 30, "t": 150, "b": 10},
        legend={"orientation": "h", "x": 0, "y": -0.02, "yanchor": "top"},
    )
    return fig


def risk_grid_chart(grid: pd.DataFrame) -> go.Figure:
    """Likelihood × impact heat grid, each cell written with its count and risk IDs."""
    levels = [1, 2, 3, 4, 5]
    counts = {(int(r.likelihood), int(r.impact)): int(r.risks) for r in grid.itertuples()}
    refs = {(int(r.likelihood), int(r.impact)): _text(r.refs) for r in grid.itertuples()}
    z = [[lik * i for i in levels] for lik in levels]  # background: the score band
    text = [
        [
            (
                f"<b>{counts.get((lik, i), 0)}</b><br>{refs.get((lik, i), '')}"
                if counts.get((lik, i))
                else ""
            )
            for i in levels
        ]
        for lik in levels
    ]
    fig = _base(520, xaxis={"title": {"text": "Impact"}}, yaxis={"title": {"text": "Likelihood"}})
    fig.add_trace(
        go.Heatmap(
            x=levels,
            y=levels,
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont={"size": FONT_SIZE, "color": "#0B0C0C"},
            colorscale=[[0, "#CCE2D8"], [0.4, "#FFF7BF"], [0.7, "#FCD6C3"], [1, "#F4CDC6"]],
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="Likelihood %{y} × impact %{x} = score %{z}<extra></extra>",
        )
    )
    fig.update_xaxes(tickvals=levels, dtick=1)
    fig.update_yaxes(tickvals=levels, dtick=1)
    return fig
