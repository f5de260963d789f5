"""What meeting mode writes of a headline (ui/meeting_view.py): always publish mode, the RAG and
the change judged on the figures as shown, worked by hand on made-up headlines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from etl import config
from etl.change import describe_trend
from etl.headlines import Change, Headline, TrendPoint, target_rag
from ui import meeting_view as view

SETTINGS = config.Settings()
DAY = dt.date(2026, 11, 1)


def headline(**fields: Any) -> Headline:
    base: dict[str, Any] = {
        "id": "pct_within_20_weeks_excl_exceptions",
        "key": "pct_within_20_weeks_excl_exceptions",
        "title": "EHC plans issued within 20 weeks (excluding exceptions)",
        "theme": "EHC plan timeliness",
        "breakdown": "",
        "value": 36.6,
        "unit": "%",
        "decimals": 1,
        "polarity": "higher_is_better",
        "kind": "pct",
        "numerator": 15,
        "denominator": 41,
        "base": 41,
        "as_at": DAY,
        "period": "1 Jan to 1 Nov 2026",
    }
    base.update(fields)
    return Headline(**base)


def test_a_percentage_is_worked_out_from_the_rounded_counts() -> None:
    # 15 of 41 = 36.6% exactly; published 15 of 40 (41 rounds to 40) = 37.5%.
    h = headline()
    assert view.figure_text(h) == "37.5%"
    assert view.basis_text(h) == "15 of 40 plans issued (excluding exceptions)"


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (19, 20, "c"),  # 1 child outside the 95%: the complement is 1-7
        (12, 20, "50.0%"),  # 12 rounds to 10, 20 stays 20: 10 / 20 = 50.0% (not 60.0%)
        (3, 40, "c"),  # numerator 1-7
        (10, 19, "c"),  # base under 20
    ],
)
def test_publish_percentage_edges(numerator: int, denominator: int, shown: str) -> None:
    h = headline(value=None, numerator=numerator, denominator=denominator)
    assert view.figure_text(h) == shown


def test_a_median_needs_8_children() -> None:
    assert view.publish_value("median", 18.1, None, 7).text == "c"
    assert view.publish_value("median", 18.1, None, 8).text == "18.1"


def test_rag_is_judged_on_the_figure_as_shown() -> None:
    # Exact 36.6% misses a 37.0 target (0.4 short: Amber), but the screen shows 37.5%, which
    # meets it: the words must agree with the number beside them → Green.
    h = headline(target=target_rag("pct_within_20_weeks_excl_exceptions", 36.6, 37.0, SETTINGS))
    assert h.target.rag == "Amber"
    assert view.rag_text(h, SETTINGS).words == "✓ Green: target 37.0% met"
    # A suppressed figure gives no RAG.
    hidden = headline(
        numerator=3,
        denominator=40,
        target=target_rag("pct_within_20_weeks_excl_exceptions", 7.5, 60.0, SETTINGS),
    )
    assert view.rag_text(hidden, SETTINGS).rag is None
    assert "suppressed" in view.rag_text(hidden, SETTINGS).words


def test_change_is_worked_out_from_the_published_figures() -> None:
    # Now 15 of 41 → 37.5% shown; then 12 of 41 → 10 of 40 = 25.0% shown: up 12.5 points.
    # (The exact figures, 36.6 and 29.3, would say up 7.3.)
    exact = describe_trend(36.6, 29.3, "%", "higher_is_better", "Board 1 Oct", (41, 41))
    h = headline(change=Change(29.3, DAY, "Board 1 Oct", exact, 12, 41))
    assert view.change_text(h) == "▲ up 12.5 points since Board 1 Oct (better)"


def test_plan_item_counts_are_not_children_and_stay_exact() -> None:
    h = headline(
        id="plan_items_red",
        key="plan_items_red",
        title="Improvement plan milestones and actions rated Red",
        value=3,
        unit="count",
        decimals=0,
        polarity="lower_is_better",
        kind="count",
        numerator=3,
        denominator=10,
        base=10,
        counts={"Red": 3, "Amber": 2, "Green": 4, "Complete": 1, "Not started": 0},
        about_children=False,
        trend=(TrendPoint("31 Oct 2026", DAY, 3, 3, 10),),
    )
    assert view.figure_text(h) == "3"
    assert view.basis_text(h) == "Red 3; Amber 2; Green 4; Complete 1; Not started 0"
    assert list(view.trend_table(h)["Out of"]) == ["10"]
    # The same count about children (open requests) would be "c".
    assert view.figure_text(dataclasses.replace(h, about_children=True)) == "c"


def test_trend_chart_labels_every_point_up_to_6_else_the_ends_and_extremes() -> None:
    from ui.charts import _trend_labels

    assert _trend_labels([1.0, None, 3.0], 1, "%") == ["1.0%", "", "3.0%"]
    values: list[float | None] = [5.0, 7.0, 2.0, 6.0, 9.0, 4.0, 8.0, 3.0]
    # first 5.0, last 3.0, highest 9.0, lowest 2.0
    assert _trend_labels(values, 0, "") == ["5", "", "2", "", "9", "", "", "3"]
