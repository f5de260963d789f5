"""The linked KPIs on screen ("What is different now", issue 15): the review pack's figures
(``etl.packs.review``), written as text for the Improvement plan page. Pure: no streamlit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from etl.packs.model import format_cell
from ui.formatting import fmt_date


def _figure(value: Any, unit: str, decimals: int) -> str:
    return format_cell(value, unit, decimals)


def _change(value: Any, unit: str, decimals: int) -> str:
    """ "+6.8 points", "-9.3 weeks", "0", "c", "–": signed, with its unit in words."""
    text = format_cell(value, unit, decimals)
    if not isinstance(value, int | float):
        return text
    if unit == "points":
        text = f"{text} points"
    return f"+{text}" if value > 0 else text


def kpi_table(kpis: Sequence[dict[str, Any]], plan: str) -> pd.DataFrame:
    """One row per KPI linked to ``plan``'s actions or areas: the measure, what it is linked to,
    the baseline (with its date and where it came from), the target, the value now, the change
    and the verdict against the target. Figures are as disclosed (``c`` stays ``c``)."""
    rows = [k for k in kpis if k["plan"] == plan]
    out = []
    for k in rows:
        unit, places = k["unit"], k["decimals"]
        change_unit = "points" if unit == "%" else unit
        title = k["title"] + (f" — {k['breakdown_words']}" if k.get("breakdown_words") else "")
        out.append(
            {
                "Measure": title,
                "Linked to": k["linked_to"],
                "Baseline": f"{_figure(k['baseline'], unit, places)} "
                f"({fmt_date(k['baseline_date'])}, {k['baseline_source']})",
                "Target": _figure(k["target"], unit, places) if k["target"] is not None else "–",
                "Now": f"{_figure(k['now'], unit, places)} ({k['now_period']})",
                "Change since baseline": _change(k["change"], change_unit, places),
                "Against target": k["against_target"],
            }
        )
    return pd.DataFrame(
        out,
        columns=[
            "Measure",
            "Linked to",
            "Baseline",
            "Target",
            "Now",
            "Change since baseline",
            "Against target",
        ],
    )
