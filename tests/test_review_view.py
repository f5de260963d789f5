"""The linked KPIs as the Improvement plan page writes them (ui/review_view.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ui import review_view


def _kpi(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "plan": "P",
        "title": "EHC plans issued within 20 weeks (excluding exceptions)",
        "breakdown_words": "",
        "linked_to": "2.1",
        "unit": "%",
        "decimals": 1,
        "baseline": 44.1,
        "baseline_date": dt.date(2025, 8, 1),
        "baseline_source": "our data",
        "target": 60.0,
        "now": 50.9,
        "now_period": "2026 to 1 Nov 2026",
        "change": 6.8,
        "against_target": "✗ Red: target 60.0% not met",
    }
    return {**base, **changes}


def test_rows_of_the_plan_written_with_units_dates_and_signed_change() -> None:
    table = review_view.kpi_table(
        [
            _kpi(),
            _kpi(plan="Other"),  # another plan's link: not on this plan's page
            _kpi(
                title="Median weeks waiting",
                breakdown_words="Autism assessment",
                unit="weeks",
                baseline=40.0,
                target=None,
                now="c",
                change="c",
                against_target="figure suppressed (small numbers)",
            ),
            _kpi(
                title="Open requests past 20 weeks",
                unit="count",
                decimals=0,
                baseline=104,
                now=131,
                change=27.0,
                target=0.0,
            ),
        ],
        "P",
    )
    assert table.to_dict("records") == [
        {
            "Measure": "EHC plans issued within 20 weeks (excluding exceptions)",
            "Linked to": "2.1",
            "Baseline": "44.1% (1 Aug 2025, our data)",
            "Target": "60.0%",
            "Now": "50.9% (2026 to 1 Nov 2026)",
            "Change since baseline": "+6.8 points",
            "Against target": "✗ Red: target 60.0% not met",
        },
        {
            "Measure": "Median weeks waiting — Autism assessment",
            "Linked to": "2.1",
            "Baseline": "40.0 weeks (1 Aug 2025, our data)",
            "Target": "–",
            "Now": "c (2026 to 1 Nov 2026)",
            "Change since baseline": "c",
            "Against target": "figure suppressed (small numbers)",
        },
        {
            "Measure": "Open requests past 20 weeks",
            "Linked to": "2.1",
            "Baseline": "104 (1 Aug 2025, our data)",
            "Target": "0",
            "Now": "131 (2026 to 1 Nov 2026)",
            "Change since baseline": "+27",
            "Against target": "✗ Red: target 60.0% not met",
        },
    ]


def test_no_links_gives_an_empty_table_with_its_columns() -> None:
    table = review_view.kpi_table([], "P")
    assert table.empty
    assert list(table.columns) == [
        "Measure",
        "Linked to",
        "Baseline",
        "Target",
        "Now",
        "Change since baseline",
        "Against target",
    ]
