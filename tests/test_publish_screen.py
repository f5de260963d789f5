"""Issue 16: a publish-only viewer (board, pcf, adviser) sees publish-mode figures on screen.

Every page is run (AppTest, in this process) on the demo warehouse with ``ui.access.viewer``
patched to a ``pcf`` viewer; everything the page renders is gathered — Markdown and captions,
tile values and their notes, table cells, and each plotly figure's JSON (data, text, hover,
customdata) — and scanned:

- no pseudonymous reference of the warehouse (``R-…`` of a request, ``W-…`` of a referral);
- no count of 1 to 7, and no count off the multiples of 5, in a count column, a count tile, a
  "N of M" base or a count chart.

The same scan of an ``analyst`` viewer's pages finds references and small counts, so the scan
can fail. One tile is checked against figures worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.access import Viewer
from etl.catalogue import CATALOGUE, metric
from etl.store import Warehouse
from tests.test_disclosure_pages import COUNT_LABELS  # one list of count labels
from tests.test_pages import DASHBOARD, PAGES, TIMEOUT, show_tables
from tests.ui_fixtures import REPO
from ui import components

REFERENCE_DATA = REPO.parent / "shared" / "reference-data"
HOME_LA = "E08000031"  # an LA in the published reference data (as tests/test_benchmark_page.py)
PCF = Viewer(name="Forum member", email="member@forum.example", role="pcf")
BOARD = Viewer(name="Board member", email="chair@council.example", role="board")
HIDDEN = "Not shown to you:"  # ui.access.rows_hidden
ANALYST = Viewer(name="Analyst", email="analyst@council.example", role="analyst")
# A reference as the screen may write it: a table escapes Markdown, so "R-0A1B…" is "R\\-0A1B…".
REF = re.compile(r"\b([RW])\\?-([0-9A-F]{10})\b")
# "245 of 480" in a sentence or a label: the counts behind a figure (not a date: "14 of 2 Dec").
X_OF_Y = re.compile(r"(?<![\d.,])(\d[\d,]*) of (\d[\d,]*)(?![\d.,%]| [A-Z][a-z]{2} \d{4})")
# Words around "N of M" that are not counts of children: ranks among LAs (published), the
# meeting's "3 of 16" measures, "12 of 15 neighbours with a value", a page of rows.
NOT_COUNTS = re.compile(
    r"Rank \d+ of|meeting-position'>\d+ of|\d+ of \d+ with a value|Rows [\d,]+ to"
)
# The Benchmarking tile's DfE counts ("198 of 355"): published statistics, shown as published.
PUBLISHED_BASE = re.compile(r"^\d[\d,]* of \d[\d,]*$")
# Tables of published statistics (NHS England's waits by area): shown as published.
PUBLISHED_TABLE_COLUMNS = {"Area"}
# Chart axes that count children, requests, plans or events: their bars are counts.
COUNT_AXES = ("Plans issued", "Children waiting", "EHC plans", "Pupils", "Events")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    run = [sys.executable, "-m", "etl"]
    subprocess.run(
        [*run, "demo", "--data-dir", str(data), "--json"], cwd=REPO, check=True, capture_output=True
    )
    if REFERENCE_DATA.is_dir():  # Benchmarking and the published comparisons need them
        subprocess.run(
            [*run, "load-published", str(REFERENCE_DATA), "--data-dir", str(data)],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    return data


@pytest.fixture(scope="module")
def references(demo_dir: Path) -> set[str]:
    """Every pseudonymous reference the warehouse can show (requests R-…, referrals W-…)."""
    with duckdb.connect(str(demo_dir / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT 'R-' || upper(substr(request_key, 1, 10)) FROM requests "
            "UNION SELECT DISTINCT reference FROM waits_referrals"
        ).fetchall()
    return {r[0] for r in rows}


@dataclass
class Seen:
    """What the pages rendered, gathered for the scan."""

    texts: list[tuple[str, str]] = field(default_factory=list)  # (page, Markdown, caption …)
    tiles: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    cells: list[tuple[str, str, str]] = field(default_factory=list)  # (page, column, cell)
    figures: list[dict[str, Any]] = field(default_factory=list)

    def everything(self) -> str:
        return "\n".join(
            [
                *(t for _, t in self.texts),
                *(f"{a} {b}" for a, b in self.tiles),
                *(c for _, _, c in self.cells),
                *(json.dumps(f) for f in self.figures),
            ]
        )


def _run(page: str, viewer: Viewer, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setattr("ui.access.viewer", lambda: viewer)
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    at.session_state["home_la_code"] = HOME_LA
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, (page, [e.value for e in at.exception])
    return show_tables(at)


def gather(at: AppTest, page: str, seen: Seen) -> None:
    for kind in ("markdown", "caption", "title", "subheader", "header", "info", "warning"):
        seen.texts += [(page, str(e.value)) for e in getattr(at, kind)]
    for tile in at.metric:
        seen.tiles.append((str(tile.label), str(tile.value)))
        seen.texts.append((page, str(tile.delta or "")))
    for table in [*at.table, *at.dataframe]:
        frame = table.value
        if PUBLISHED_TABLE_COLUMNS & {str(c) for c in frame.columns}:
            seen.texts.append((page, frame.to_string()))  # scanned for references only
            continue
        for column in frame.columns:
            seen.cells += [(page, str(column), str(v)) for v in frame[column].tolist()]
    for chart in at.get("plotly_chart"):
        seen.figures.append(json.loads(chart.proto.spec))


@pytest.fixture(scope="module")
def pages_seen(demo_dir: Path) -> Iterator[dict[str, Seen]]:
    """The pages as a pcf member and as an analyst sees them."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SEND_DATA_DIR", str(demo_dir))
        for name, viewer in (("pcf", PCF), ("board", BOARD), ("analyst", ANALYST)):
            seen = Seen()
            for page in PAGES:
                if viewer.can and Path(page).stem in viewer.can.pages:  # the viewer's menu
                    gather(_run(page, viewer, mp), page, seen)
            out[name] = seen
    yield out


def _bad_count(text: str) -> bool:
    """A count as a publish-mode screen may not write it: 1 to 7, or not a multiple of 5."""
    text = text.strip().replace(",", "").removesuffix(" ⚠").strip()
    if not text.isdigit():
        return False  # "c", "–", "", a percentage, a rate
    number = int(text)
    return number != 0 and (number <= 7 or number % 5 != 0)


def count_leaks(seen: Seen) -> list[str]:
    """Every count on screen that publish mode would not show."""
    found = [
        f"{page} / {col}: {cell}"
        for page, col, cell in seen.cells
        if col in COUNT_LABELS and _bad_count(cell)
    ]
    found += [
        f"tile {label}: {value}"
        for label, value in seen.tiles
        if not label.startswith("Rank") and _bad_count(value)  # a rank is not a count
    ]
    texts = [
        text
        for page, text in seen.texts
        if not (page == "pages/benchmark.py" and PUBLISHED_BASE.match(text))
    ]
    for text in [*texts, *(json.dumps(f, ensure_ascii=False) for f in seen.figures)]:
        text = NOT_COUNTS.sub("", text)
        found += [
            f"base {m.group(0)!r} in {text[max(0, m.start() - 60) : m.end() + 20]!r}"
            for m in X_OF_Y.finditer(text)
            if _bad_count(m.group(1)) or _bad_count(m.group(2))
        ]
    for figure in seen.figures:
        layout = figure.get("layout", {})
        for trace in figure.get("data", []):
            if trace.get("type") != "bar":
                continue
            axis = "xaxis" if trace.get("orientation") == "h" else "yaxis"
            title = json.dumps(layout.get(axis, {}).get("title", ""))
            if not any(word in title for word in COUNT_AXES):
                continue
            values = _numbers(trace.get("x" if axis == "xaxis" else "y"))
            found += [
                f"bar {title}: {v}"
                for v in values
                if isinstance(v, int | float) and v == v and _bad_count(f"{v:.10g}")
            ]
    return found


def _numbers(values: Any) -> list[Any]:
    """A plotly data array as numbers: a list, or plotly's typed array ({"dtype", "bdata"})."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values or [])


def references_on_screen(seen: Seen) -> set[str]:
    return {f"{kind}-{code}" for kind, code in REF.findall(seen.everything())}


def small_counts(leaks: list[str]) -> list[str]:
    """The leaks that are counts of 1 to 7 (as opposed to counts off the multiples of 5)."""
    return [leak for leak in leaks if re.search(r"(?<![\d,])[1-7]$", leak)]


# ---------------------------------------------------------------- the tests


def test_a_pcf_member_sees_no_reference_and_no_count_of_1_to_7(
    pages_seen: dict[str, Seen], references: set[str]
) -> None:
    board = pages_seen["board"]  # the board's menu adds the Board pack page
    assert not references_on_screen(board) and count_leaks(board) == []
    seen = pages_seen["pcf"]
    # The scan had plenty to look at: tiles, table cells and charts on every page.
    assert len(seen.tiles) > 20 and len(seen.cells) > 1000 and len(seen.figures) > 15
    assert not references_on_screen(seen) & references
    assert not references_on_screen(seen)  # nothing even shaped like one
    assert count_leaks(seen) == []
    # Row-level lists are replaced by the one-line note (watchlists, longest waits, problems).
    notes = [t for _, t in seen.texts if t.startswith(HIDDEN)]
    assert len(notes) >= 2, "the watchlist and the longest waits say why they are not shown"


def test_the_same_scan_finds_references_and_small_counts_for_an_analyst(
    pages_seen: dict[str, Seen], references: set[str]
) -> None:
    """The scan can fail: an analyst's screen (exact figures, row-level lists) trips it."""
    seen = pages_seen["analyst"]
    assert len(references_on_screen(seen) & references) > 20  # the watchlists, longest waits
    leaks = count_leaks(seen)
    assert len(small_counts(leaks)) > 20, leaks[:20]
    assert not any(t.startswith(HIDDEN) for _, t in seen.texts)


def test_a_suppressed_chart_point_is_a_gap_labelled_c(pages_seen: dict[str, Seen]) -> None:
    """A "c" in a chart is drawn as nothing (no bar, no point) and its label says "c"; the
    exact value is nowhere in the figure."""
    gaps = 0
    for figure in pages_seen["pcf"].figures:
        for trace in figure.get("data", []):
            texts = trace.get("text")
            if not isinstance(texts, list):
                continue
            axis = "x" if trace.get("orientation") == "h" else "y"
            values = _numbers(trace.get(axis))
            if len(values) != len(texts):
                continue
            for text, value in zip(texts, values, strict=True):
                if text == "c" or str(text).startswith("c ("):
                    assert value is None or value == 0 or value != value, (text, value)
                    gaps += 1
    assert gaps > 0, "the demo has small groups: some point must be suppressed"


def _tile(at: AppTest, title: str) -> tuple[str, str]:
    """A tile's value and the caption under it."""
    metric = next(m for m in at.metric if m.label == title)
    caption = next(
        str(c.value)
        for c in at.caption
        if metric_definition(title) in str(c.value)  # the tile's own caption
    )
    return str(metric.value), caption


def metric_definition(title: str) -> str:
    return next(m.definition for m in CATALOGUE.values() if m.title == title)


def test_golden_tile_plans_within_20_weeks_excluding_exceptions(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Overview's first tile, worked out by hand from the demo's counts.

    The demo, calendar 2026 to the snapshot date (1 Nov 2026): 481 plans issued excluding
    exceptions, 245 of them within 20 weeks.
    - Internal: 245 / 481 = 0.50935… → 50.9%, "245 of 481 plans".
    - Publish: 245 is not 1–7 and is a multiple of 5 → 245; 481 → nearest 5 = 480 (481 is 1
      above 480, 4 below 485). The percentage is of the rounded counts: 245 / 480 = 0.510416…
      → 51.0% (never 50.9%, which with 245 beside it would give away 481). 481 − 245 = 236
      outside it, not 1–7, and the base 481 ≥ 20: shown. So "51.0%", "245 of 480 plans".
    """
    with Warehouse.open(demo_dir / "warehouse.duckdb") as door:
        figures = door.kpis(2026, dt.date(2026, 11, 1))
    assert (
        figures["within_20_weeks_excl_exceptions"],
        figures["plans_issued_excl_exceptions"],
    ) == (
        245,
        481,
    )
    monkeypatch.setenv("SEND_DATA_DIR", str(demo_dir))
    title = metric("pct_within_20_weeks_excl_exceptions").title
    for viewer, value, base in (
        (ANALYST, "50.9%", "245 of 481 plans"),
        (PCF, "51.0%", "245 of 480 plans"),
    ):
        at = _run(PAGES[0], viewer, monkeypatch)
        shown, caption = _tile(at, title)
        assert shown == value, viewer.role
        assert caption.startswith(base), (viewer.role, caption)


def _mode_app() -> None:
    import streamlit as st

    from ui import components

    st.session_state["export_mode"] = "Internal"  # what an analyst's radio would hold
    st.markdown(components.export_mode())


@pytest.mark.parametrize(
    ("role", "mode"),
    [("pcf", "publish"), ("board", "publish"), ("adviser", "publish"), ("analyst", "internal")],
)
def test_export_mode_is_publish_for_a_publish_only_viewer_whatever_the_session_says(
    role: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = Viewer(name="Someone", role=role)  # type: ignore[arg-type]
    monkeypatch.setattr("ui.access.viewer", lambda: viewer)
    at = AppTest.from_function(_mode_app).run()
    assert at.markdown[0].value == mode


def test_kpi_cells_discloses_counts_and_percentages_from_the_rounded_counts() -> None:
    from ui.formatting import kpi_cells

    figures = {
        "year": 2026,
        "within_20_weeks": 16,
        "plans_issued": 41,
        "pct_within_20_weeks": 39.0,  # 16 / 41 = 39.02…: exact, never shown in publish mode
        "within_20_weeks_excl_exceptions": 17,
        "plans_issued_excl_exceptions": 21,
        "pct_within_20_weeks_excl_exceptions": 81.0,
        "open_at_risk": 3,
    }
    shown = kpi_cells(figures, "publish")
    # 16 → 15 (16 is 1 above 15, 4 below 20); 41 → 40; 15 / 40 = 37.5%.
    assert (shown["within_20_weeks"], shown["plans_issued"]) == (15, 40)
    assert shown["pct_within_20_weeks"] == 37.5
    # 17 of 21: 21 − 17 = 4 fall outside it (1–7), which would reveal a small number: c.
    assert shown["pct_within_20_weeks_excl_exceptions"] == "c"
    assert shown["open_at_risk"] == "c" and shown["year"] == 2026
    assert kpi_cells(figures, "internal") == figures


def test_screen_rows_drops_a_count_the_engine_does_not_know() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {"band": ["Within 20 weeks"], "plans_issued": [3], "mystery_count": [3], "band_order": [1]}
    )
    rows, _ = components.screen_rows(frame, mode="publish")
    assert list(rows.columns) == ["band", "plans_issued", "band_order"]
    assert rows.loc[0, "plans_issued"] == "c"
    same, notes = components.screen_rows(frame, mode="internal")
    assert same is frame and notes == []
