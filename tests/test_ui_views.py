"""The pages' view-model functions (ui/*_view.py): tables and words from query results, and
thresholds from settings. Small hand-made frames; expected values worked by hand."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from etl.benchmark import LA
from etl.config import Settings
from etl.published import MEASURES
from ui import benchmark_view as bv
from ui import timeliness_view as tv
from ui import tracker_view as pv

REPO = Path(__file__).resolve().parent.parent
PCT = MEASURES["pct_within_20_weeks_excl_exceptions"]
WOLVES = LA("E08000031", "336", "Wolverhampton", "E12000005", "West Midlands", 2014, 2024)


# ---------------------------------------------------------------- benchmarking


@pytest.mark.parametrize(
    ("period", "short"),
    [
        ("Calendar year 2024", "2024"),
        ("January 2025 (2024/25 academic year)", "Jan 2025"),
        ("2023/24", "2023/24"),
        (None, "—"),
    ],
)
def test_short_period(period: str | None, short: str) -> None:
    assert bv.short_period(period) == short


def _position(**changes: Any) -> dict[str, Any]:
    position = {
        "la": 61.25,
        "la_status": None,
        "numerator": 49,
        "denominator": 80,
        "region": None,
        "england": 46.4,
        "neighbours_median": 50.0,
        "neighbours_with_value": 9,
        "neighbours_total": 10,
        "rank": 12,
        "of": 152,
        "quartile": 1,
    }
    return {**position, **changes}


def test_position_tiles_say_each_figure_and_why_one_is_missing() -> None:
    tiles = bv.position_tiles(_position(), WOLVES, PCT)
    assert [(t.label, t.value, t.note) for t in tiles[:4]] == [
        ("Wolverhampton", "61.2%", "49 of 80"),  # Python's format rounds 61.25 to even: 61.2
        ("West Midlands (region)", "no value (not published for regions)", ""),
        ("England", "46.4%", ""),
        ("Statistical neighbours' median (9 of 10 with a value)", "50.0%", ""),
    ]
    assert tiles[4].label == "Rank of 152 LAs (1 = best)" and tiles[4].value == "12"
    assert tiles[4].note.startswith("**Q1: top quarter")


def test_an_la_without_a_value_is_not_ranked_and_says_so() -> None:
    tile = bv.rank_tile(_position(rank=None, la=None), PCT)
    assert (tile.value, tile.note) == (
        "No value",
        "152 LAs have a value; this LA does not, so it is not ranked.",
    )


def test_trend_table_is_one_row_a_year_and_one_column_a_series() -> None:
    trend = pd.DataFrame(
        {
            "year": [2023.0, 2024.0, 2023.0, 2024.0, 2024.0],
            "series": ["Wolverhampton", "Wolverhampton", "England", "England", "Dudley"],
            "kind": ["la", "la", "england", "england", "neighbour"],
            "value": [55.0, 61.2, 50.3, 46.4, 40.0],
            "release": ["2024", "2025", "2024", "2025", "2025"],
        }
    )
    lines = bv.chosen_trend(trend, [("E08000027", "Dudley")], [])
    assert "Dudley" not in set(lines["series"])
    table = bv.trend_table(lines)
    assert table.to_dict("list") == {
        "year": [2023, 2024],
        "England": [50.3, 46.4],
        "Wolverhampton": [55.0, 61.2],
    }
    assert bv.trend_sources(trend) == "Sources: 2024; 2025"


def test_reconciliation_table_writes_differences_with_their_sign() -> None:
    result = {
        "lines": [
            {
                "title": "Within 20 weeks (excluding exceptions)",
                "ours_plans": 100,
                "ours_within": 60,
                "ours_pct": 60.0,
                "dfe_plans": 98,
                "dfe_within": 57,
                "dfe_pct": 58.2,
                "dfe_status": None,
                "difference_plans": 2,
                "difference_pp": 1.8,
            }
        ],
        "explanations": [
            {"reason": "exception", "title": "Exceptions", "cases": 3, "why": "…"},
            {"reason": "rejected_rows", "title": "Rejected rows", "cases": 1, "why": "…"},
            {"reason": "late", "title": "Late", "cases": 0, "why": "…"},
        ],
    }
    row = bv.reconciliation_table(result).iloc[0]
    assert (row["Ours: %"], row["DfE: %"]) == ("60.0%", "58.2%")
    assert (row["Difference: plans"], row["Difference: percentage points"]) == ("+2", "+1.8")
    # Rejected rows never reached the warehouse and groups with no cases have nothing to list.
    assert bv.listable_reasons(result) == {"exception": "Exceptions"}


# ---------------------------------------------------------------- improvement plan


def test_rag_rule_text_uses_the_configured_thresholds() -> None:
    text = pv.rag_rule_text(
        Settings(rag_green_max_gap=5, rag_amber_max_gap=15, rag_point_amber_days=7)
    )
    assert "up to 5 points Green, up to 15 Amber, more Red" in text
    assert "Amber in the 7 days before it" in text


def test_report_dates_newest_first_and_the_previous_report() -> None:
    periods = pd.DataFrame(
        {
            "report_date": pd.to_datetime(["2026-03-31", "2026-06-30"]),
            "previous_report_date": [pd.NaT, pd.Timestamp("2026-03-31")],
        }
    )
    march, june = dt.date(2026, 3, 31), dt.date(2026, 6, 30)
    assert pv.report_dates(periods) == [june, march]
    assert pv.report_date_label(june, june) == "Report dated 30 Jun 2026 (latest)"
    assert pv.previous_report(periods, june) == march
    assert pv.previous_report(periods, march) is None


def test_change_counts_name_every_headline_change_even_when_none() -> None:
    changes = pd.DataFrame({"change": ["Newly Red", "Newly Red", "Added"]})
    assert pv.change_counts(changes) == (
        "**Newly Red: 2** · **Newly complete: 0** · **End date slipped: 0** · **Status changed: 0**"
    )


def test_override_targets_use_the_ref_else_the_name() -> None:
    items = pd.DataFrame(
        {
            "ref": ["2.1", None],
            "name": ["Recruit EPs", "Launch the SENCO network"],
            "workstream": ["Area 2", "WSB"],
            "rag": ["Red", "Green"],
        }
    )
    assert pv.override_targets(items) == {
        "2.1": "2.1 · Recruit EPs — now ✗ Red",
        "Launch the SENCO network": "WSB · Launch the SENCO network — now ✓ Green",
    }
    assert pv.override_saved_text("Recruit EPs", "Clear override", " Chair ") == (
        "Saved: Recruit EPs — override cleared, by Chair."
    )


def test_rag_counts_and_risks_on_the_grid() -> None:
    items = pd.DataFrame({"rag": ["Red", "Green", "Red"]})
    assert pv.rag_counts(items) == {"Red": 2, "Green": 1}
    grid = pd.DataFrame({"likelihood": [5, 4], "impact": [1, 2], "risks": [0, 3]})
    assert pv.risks_on_grid(grid) == 3


# ---------------------------------------------------------------- timeliness


def test_timeliness_words_follow_the_configured_thresholds() -> None:
    default = Settings()
    assert "requests at risk (open more than 14 weeks) come first" in tv.watchlist_explanation(
        default
    )
    weeks = next(c for c in tv.year_charts("2026", default) if c.query == "weeks_to_issue")
    assert weeks.explanation is not None
    assert weeks.explanation.endswith("the dashed line is the 20-week time limit.")
    stricter = Settings(within_days=126, at_risk_days=84, over_year_days=365)
    bands = next(c for c in tv.year_charts("2026", stricter) if c.query == "bands")
    assert bands.explanation is not None
    assert bands.explanation.startswith("Within 18 weeks (up to 126 days)")
    assert "(open more than 12 weeks)" in tv.watchlist_explanation(stricter)


def test_england_comparison_needs_both_figures() -> None:
    excl = {"year": 2024, "value": 46.4, "release": "EHC plans 2025"}
    incl = {"year": 2024, "value": 46.2, "release": "EHC plans 2025"}
    assert tv.england_comparison(excl, None) is None
    assert tv.england_comparison(excl, incl) == (
        "For comparison, England in 2024 (DfE published): 46.4% within 20 weeks excluding "
        "exceptions, 46.2% including (EHC plans 2025). Region, neighbours and rank: "
        "Benchmarking page."
    )


# ---------------------------------------------------------------- thin pages


def _page_files() -> list[Path]:
    return sorted((REPO / "pages").glob("*.py"))


@pytest.mark.parametrize("page", _page_files(), ids=lambda p: p.name)
def test_pages_are_thin_storyboards(page: Path) -> None:
    source = page.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert len(source.splitlines()) <= 160
    # No database and no SQL: pages ask ui.db, which asks etl.store.
    assert not imported & {"duckdb", "etl.store", "etl.queries", "pandas"}
    assert "SELECT " not in source
    # Every page starts through the one place that knows the entry-point workaround.
    assert "components.start_page(" in source and "_ensure_entrypoint" not in source
