"""What meeting mode shows of a headline (``etl.headlines``), in publish mode: pure functions,
no Streamlit, so every word and number on the projector can be tested.

Publish mode is always on here (DESIGN §7): counts 1–7 → "c", other counts rounded to 5,
percentages and rates from the rounded counts or "c", a median "c" on fewer than 8 children.
The RAG against the target is judged on the figure as shown, so the words never say more than
the number beside them; a suppressed figure has no RAG and no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from etl import config
from etl.change import describe_trend
from etl.disclosure import (
    SUPPRESSED,
    Cell,
    count_cell,
    median_cell,
    pct_cell,
    rate_cell,
    ratio_cell,
)
from etl.headlines import Comparison, Figure, Headline, TargetJudgement, fmt_target, target_rag
from ui.formatting import fmt_count, fmt_pct, fmt_rate

# Meeting mode's own type: one headline fills the projector; the sidebar is hidden (there is a
# "Leave meeting mode" link instead), the page title shrinks to a line.
MEETING_CSS = """
<style>
  section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] {
    display: none !important;
  }
  [data-testid="stMain"] h1 { font-size: 1.4rem !important; padding: 0 !important; }
  [data-testid="stMain"] [data-testid="stExpander"] { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 2.75rem !important; }
  .meeting-position { font-size: 1.3rem; font-weight: 700; margin: 0; text-align: center; }
  h2.meeting-title { font-size: 1.75rem !important; line-height: 1.2; padding: 0.2rem 0; }
  p.meeting-figure {
    font-size: 4rem !important; font-weight: 700; line-height: 1.05 !important; margin: 0;
  }
  p.meeting-basis { font-size: 1.3rem !important; margin: 0.2rem 0 0.6rem; color: #0B0C0C; }
  p.meeting-rag {
    font-size: 1.5rem !important; font-weight: 700; padding: 0.2rem 0.6rem; border: 3px solid;
    display: inline-block; margin-bottom: 0.5rem;
  }
  .meeting-rag-red { color: #2A0B06; background: #F4CDC6; border-color: #942514; }
  .meeting-rag-amber { color: #2E1608; background: #FCD6C3; border-color: #6E3619; }
  .meeting-rag-green { color: #002D18; background: #CCE2D8; border-color: #005A30; }
  .meeting-rag-none { color: #0B0C0C; background: #E5E6E7; border-color: #505A5F; }
  [data-testid="stMain"] li { font-size: 1.2rem; }
</style>
"""
NOT_SHOWN = "not shown: the figure is suppressed (too few children)"


@dataclass(frozen=True)
class Shown:
    """A figure as meeting mode writes it, and the number that text stands for (None when the
    text is "c" or there is no figure), for the chart and the RAG."""

    text: str
    number: float | None


def suppress_count(value: Any) -> str:
    """A count in publish mode, written: "c", "0", "1,235"."""
    return _written(count_cell(value, "publish"), 0)


def _written(cell: Cell, decimals: int) -> str:
    if cell is None:
        return "–"
    if cell == SUPPRESSED:
        return SUPPRESSED
    return f"{float(cell):,.{decimals}f}"


def publish_value(
    kind: str,
    value: Any,
    numerator: Any,
    denominator: Any,
    *,
    decimals: int = 1,
    counts: dict[str, int] | None = None,
) -> Shown:
    """One figure in publish mode, by its kind (``etl.headlines.ValueKind``), through the
    disclosure engine (``etl.disclosure``): the text and the number it stands for."""
    cell: Cell
    if kind == "pct":
        cell = pct_cell(numerator, denominator, "publish", value=value)
    elif kind == "rate":
        cell = rate_cell(numerator, denominator, "publish", value=value, places=decimals)
    elif kind == "ratio":
        counts = counts or {}
        cell = ratio_cell(
            numerator,
            denominator,
            counts.get("no_sen_suspensions"),
            counts.get("no_sen_headcount"),
            "publish",
            value=value,
            places=decimals,
        )
    elif kind == "median":
        cell = median_cell(value, denominator, "publish")
    else:
        cell = count_cell(value, "publish")
        decimals = 0
    number = None if cell is None or cell == SUPPRESSED else float(cell)
    return Shown(_written(cell, decimals), number)


def headline_value(h: Headline) -> Shown:
    """The headline's own figure in publish mode (exact when it counts no children)."""
    numerator, denominator = h.numerator, h.denominator
    if not h.about_children:
        return Shown(fmt_count(h.value), None if h.value is None else float(h.value))
    if h.kind == "count":
        return publish_value("count", h.value, None, None)
    return publish_value(h.kind, h.value, numerator, denominator, decimals=h.decimals)


def also_value(figure: Figure, h: Headline) -> Shown:
    """A figure shown beside the headline, in publish mode."""
    denominator = figure.base if figure.kind == "median" else figure.denominator
    return publish_value(
        figure.kind,
        figure.value,
        figure.numerator,
        denominator,
        decimals=figure.decimals,
        counts=h.counts,
    )


def with_unit(text: str, unit: str, kind: str) -> str:
    """ "50.0%", "18.1 weeks", "3.40 per 100 pupils", "2.37 times"; "c" stays "c"."""
    if text in (SUPPRESSED, "–", fmt_pct(None)):
        return text
    if kind == "rate":
        return f"{text} per 100 pupils"
    if kind == "ratio":
        return f"{text} times the no-SEN rate"
    if kind == "pct" and not text.endswith("%"):
        return f"{text}%"
    if unit in ("weeks", "days"):
        return f"{text} {unit}"
    return text


def figure_text(h: Headline) -> str:
    """The big number on the screen, with its unit (a rate's "per 100 pupils" is in the line
    under it, so the figure fits)."""
    shown = headline_value(h).text
    return shown if h.kind == "rate" else with_unit(shown, h.unit, h.kind)


def basis_text(h: Headline) -> str:
    """What the figure rests on, in rounded counts: "60 of 205 children waiting"."""
    if h.key == "plan_items_red":
        order = ("Red", "Amber", "Green", "Complete", "Not started")
        return "; ".join(f"{rag} {fmt_count(h.counts.get(rag, 0))}" for rag in order)
    if h.kind == "count":
        return f"of {suppress_count(h.denominator)} open requests"
    nouns = {
        "pct_within_20_weeks_excl_exceptions": "plans issued (excluding exceptions)",
        "pct_decisions_within_6_weeks": "decisions to assess",
        "pct_annual_review_decisions_within_4_weeks": "annual review decisions",
        "pct_over_18_weeks": "children waiting",
        "suspension_rate": "pupils",
    }
    noun = nouns.get(h.key, "cases")
    if h.kind == "rate":
        return (
            f"suspensions per 100 pupils: {suppress_count(h.numerator)} suspensions, "
            f"{suppress_count(h.denominator)} {noun}"
        )
    return f"{suppress_count(h.numerator)} of {suppress_count(h.denominator)} {noun}"


def rag_text(h: Headline, settings: config.Settings | None = None) -> TargetJudgement:
    """The RAG against the target, judged on the figure as shown (publish mode)."""
    if h.target.target is None:
        return h.target
    shown = headline_value(h)
    if shown.number is None and h.value is not None:
        return TargetJudgement(
            h.target.target, None, f"target {fmt_target(h.key, h.target.target)}: {NOT_SHOWN}"
        )
    return target_rag(h.key, shown.number, h.target.target, settings or config.settings())


def change_text(h: Headline) -> str | None:
    """The change since the compared data, worked out from the published figures on both sides
    (so it says no more than they do); None when nothing is compared."""
    if h.change is None:
        return None
    if h.change.trend.judgement == "unknown":  # no figure, or too few to compare
        return h.change.words
    now = headline_value(h).number
    then = _shown(h, h.change.previous, h.change.previous_numerator, h.change.previous_denominator)
    if now is None or then is None:
        return f"change {NOT_SHOWN}"
    return describe_trend(
        now,
        then,
        h.unit,
        h.polarity,
        h.change.against,
        decimals=h.decimals,
        since=True,
    ).text


def _shown(h: Headline, value: Any, numerator: Any, denominator: Any) -> float | None:
    if not h.about_children:
        return None if value is None else float(value)
    if h.kind == "count":
        return publish_value("count", value, None, None).number
    return publish_value(h.kind, value, numerator, denominator, decimals=h.decimals).number


def comparison_lines(h: Headline) -> list[str]:
    """England, our neighbours and our rank, in words (public figures, shown as published)."""
    c: Comparison | None = h.comparison
    if c is None:
        return []
    lines = []

    def shown(value: float) -> str:
        return fmt_pct(value) if h.unit == "%" else fmt_rate(value, h.decimals)

    if c.england is not None:
        lines.append(f"England: {shown(c.england)} ({c.england_period})")
    if c.published_la is not None:
        lines.append(f"Our LA as published by DfE: {shown(c.published_la)}")
    if c.neighbours_median is not None:
        lines.append(f"Statistical neighbours' median: {shown(c.neighbours_median)}")
    if c.rank is not None and c.of:
        lines.append(f"Rank {fmt_count(c.rank)} of {fmt_count(c.of)} LAs (1 = best)")
    return lines


def trend_table(h: Headline) -> pd.DataFrame:
    """The trend as a table, in publish mode (the chart draws the same numbers)."""
    label = trend_label(h)
    rows = []
    for point in h.trend:
        if not h.about_children:
            shown = Shown(fmt_count(point.value), None)
        elif h.kind == "count":
            shown = publish_value("count", point.value, None, None)
        else:
            shown = publish_value(
                h.kind, point.value, point.numerator, point.denominator, decimals=h.decimals
            )
        rows.append(
            {
                "Period": point.label,
                label: with_unit(shown.text, h.unit, h.kind),
                "Out of": (
                    suppress_count(point.denominator)
                    if h.about_children
                    else fmt_count(point.denominator)
                ),
            }
        )
    return pd.DataFrame(rows, columns=["Period", label, "Out of"])


def trend_label(h: Headline) -> str:
    """The trend's value heading: the catalogue's short label."""
    from etl.catalogue import label

    return label(h.key)


def trend_points(h: Headline) -> pd.DataFrame:
    """(label, value) for the chart: the published numbers, None where suppressed."""
    values = [_shown(h, p.value, p.numerator, p.denominator) for p in h.trend]
    return pd.DataFrame({"label": [p.label for p in h.trend], "value": values})
