"""ui.components.chart_with_table: one way to draw a chart with its table and download, honouring
the export mode (DESIGN §7) and labelling published statistics as public."""

from __future__ import annotations

import contextlib
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from tests.test_ui_components import STATE, _bands, _rows
from ui import components

BAND_COLUMNS = ["band", "plans_issued", "pct_of_plans_issued"]


class _Tab(contextlib.nullcontext[None]):
    """A tab as ``st.tabs`` returns it: ``open`` is None when tabs keep no state (every tab's
    content drawn), else whether the reader has it chosen."""

    def __init__(self, is_open: bool | None) -> None:
        super().__init__()
        self.open = is_open


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Record what the component puts on screen instead of drawing it."""
    calls: dict[str, list[Any]] = {"download": [], "table": [], "chart": [], "tabs": []}

    def tabs(labels: list[str], **kw: Any) -> list[_Tab]:
        calls["tabs"].append({"labels": labels, **kw})
        return [_Tab(None) for _ in labels]

    monkeypatch.setattr(components.st, "tabs", tabs)
    monkeypatch.setattr(components.st, "plotly_chart", lambda fig, **kw: calls["chart"].append(fig))
    monkeypatch.setattr(components.st, "table", lambda t, **kw: calls["table"].append(t))
    monkeypatch.setattr(components.st, "dataframe", lambda t, **kw: calls["table"].append(t))
    monkeypatch.setattr(
        components.st,
        "download_button",
        # The file is built on click (a callable, issue 11): "data" is what a click would get.
        lambda label, data, **kw: calls["download"].append(
            {"label": label, "data": data() if callable(data) else data, "deferred": data, **kw}
        ),
    )
    return calls


def test_the_download_is_built_on_click_not_on_every_rerun(
    shown: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[int] = []
    real = components.to_csv

    def counting_to_csv(*args: Any) -> bytes:
        built.append(1)
        return real(*args)

    monkeypatch.setattr(components, "to_csv", counting_to_csv)
    monkeypatch.setattr(components, "export_mode", lambda: "internal")
    monkeypatch.setattr(
        components.st,
        "download_button",
        lambda label, data, **kw: shown["download"].append(data),
    )
    export = components.Export("ehcp_bands", "Bands 2026", STATE, columns=BAND_COLUMNS)
    components.chart_with_table(go.Figure(), _bands(), export)
    (deferred,) = shown["download"]
    assert callable(deferred) and built == []  # drawing the page built no file
    # The percentage is a number (its unit is in the column's label): 7.9, not "7.9%".
    assert _rows(deferred())[-1] == ["Over 52 weeks", "3", "7.9"] and built == [1]


def test_publish_mode_suppresses_local_figures_in_the_download_only(
    shown: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components, "export_mode", lambda: "publish")
    export = components.Export("ehcp_bands", "Bands 2026", STATE, columns=BAND_COLUMNS)
    components.chart_with_table(go.Figure(), _bands(), export)

    assert len(shown["chart"]) == 1
    # The screen keeps exact figures; the table view is always there.
    (table,) = shown["table"]
    assert list(table["Plans issued"]) == ["23", "12", "3"]
    (download,) = shown["download"]
    assert download["label"] == "Download CSV (publish: small numbers suppressed)"
    assert download["file_name"] == "ehcp_bands_2026-11-01_publish.csv"
    rows = _rows(download["data"])
    assert rows[1][1].startswith("Publish")
    # 23 → 25, 12 → 10, 3 → c; 7.9% rests on the suppressed 3, so it is c too.
    assert rows[-3:] == [
        # Percentages from the rounded counts (38 plans → 40): 25 / 40, 10 / 40, written as
        # numbers (the unit is in the column's label).
        ["Within 20 weeks", "25", "62.5"],
        ["20 to 52 weeks", "10", "25.0"],
        ["Over 52 weeks", "c", "c"],
    ]


def test_internal_mode_exports_exact_figures_marked_internal(
    shown: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components, "export_mode", lambda: "internal")
    export = components.Export("ehcp_bands", "Bands 2026", STATE, columns=BAND_COLUMNS)
    components.chart_with_table(go.Figure(), _bands(), export)
    rows = _rows(shown["download"][0]["data"])
    assert rows[1] == ["Mode", "Internal - exact figures, not for publication"]
    assert rows[-1] == ["Over 52 weeks", "3", "7.9"]


@pytest.mark.parametrize("sidebar_mode", ["internal", "publish"])
def test_public_figures_are_labelled_public_with_their_source_and_not_suppressed(
    shown: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch, sidebar_mode: str
) -> None:
    monkeypatch.setattr(components, "export_mode", lambda: sidebar_mode)
    table = pd.DataFrame({"LA": ["Wolverhampton", "Dudley"], "Plans": [3, 512]})
    export = components.Export(
        "benchmark_all_las",
        "EHC plans, all LAs, 2024",
        STATE,
        kind="public",
        source="DfE, Education, health and care plans 2025",
    )
    components.chart_with_table(go.Figure(), table, export)

    (download,) = shown["download"]
    assert download["label"] == "Download CSV (published statistics)"
    assert download["file_name"].endswith("_public.csv")
    rows = _rows(download["data"])
    text = "\n".join(",".join(row) for row in rows)
    assert "not for publication" not in text
    assert rows[1][0] == "Mode" and rows[1][1].startswith("Public - published statistics")
    assert ["Source", "DfE, Education, health and care plans 2025"] in rows
    # Public figures are shown and exported as published: 3 stays 3, never "c".
    assert rows[-2:] == [["Wolverhampton", "3"], ["Dudley", "512"]]
    # The local data's synthetic flag says nothing about published statistics.
    assert not any(row and row[0] == "SYNTHETIC DATA" for row in rows)


def test_plan_tables_are_exported_as_shown(
    shown: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components, "export_mode", lambda: "publish")
    table = pd.DataFrame({"Milestone or action": ["=Audit"], "RAG": ["✗ Red"]})
    components.table_with_download(
        table, components.Export("plan_items", "Plan", STATE, kind="plan"), empty="None."
    )
    (download,) = shown["download"]
    assert download["label"] == "Download CSV"
    # Formula-escaped, otherwise exactly as shown.
    assert _rows(download["data"])[-1] == ["'=Audit", "✗ Red"]


def test_an_empty_table_shows_its_message_and_no_download(
    shown: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(components, "empty_state", messages.append)
    components.table_with_download(
        pd.DataFrame(),
        components.Export("plan_changes", "Plan", STATE, kind="plan"),
        empty="No changes since the last report.",
    )
    assert messages == ["No changes since the last report."]
    assert shown["download"] == [] and shown["table"] == []


# ---------------------------------------------------------------- the entry-point workaround


class _Session(dict[str, Any]):
    """st.session_state stand-in."""


def test_a_page_reached_through_the_entry_point_runs_on(monkeypatch: pytest.MonkeyPatch) -> None:
    session = _Session()
    monkeypatch.setattr(components.st, "session_state", session)
    monkeypatch.setattr(components.st, "rerun", pytest.fail)
    components.mark_entrypoint()
    components._ensure_entrypoint()
    assert session == {}


def test_a_page_run_on_its_own_reruns_once_through_the_entry_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from streamlit.runtime.pages_manager import PagesManager

    session = _Session()
    reruns: list[int] = []
    monkeypatch.setattr(components.st, "session_state", session)
    monkeypatch.setattr(components.st, "rerun", lambda: reruns.append(1))
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    components._ensure_entrypoint()
    assert reruns == [1] and PagesManager.uses_pages_directory is False
    # Still not through the entry point after the rerun: render on, never loop.
    components._ensure_entrypoint()
    assert reruns == [1]


@pytest.mark.parametrize("chosen", ["Chart", "Show as table"])
def test_the_table_is_drawn_only_when_its_tab_is_chosen(
    chosen: str, shown: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: hidden tables held back each page's first chart in Chromium, so the tabs keep
    their state (a rerun on switching) and the table is drawn only for the reader who chose it;
    the chart and the download are there either way."""
    monkeypatch.setattr(components, "export_mode", lambda: "internal")

    def tabs(labels: list[str], **kw: Any) -> list[_Tab]:
        shown["tabs"].append(kw)
        return [_Tab(label == chosen) for label in labels]

    monkeypatch.setattr(components.st, "tabs", tabs)
    export = components.Export("ehcp_bands", "Bands 2026", STATE, columns=BAND_COLUMNS)
    components.chart_with_table(go.Figure(), _bands(), export)
    [kw] = shown["tabs"]
    assert kw["key"] == "view_ehcp_bands" and kw["on_change"] == "rerun"
    assert kw["default"] == "Chart"  # a drawn chart opens on the chart
    assert len(shown["chart"]) == 1 and len(shown["download"]) == 1
    assert len(shown["table"]) == (1 if chosen == "Show as table" else 0)


def test_a_local_chart_not_drawn_for_a_publish_only_viewer_opens_on_its_table(
    shown: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components.access, "screen_mode", lambda: "publish")
    monkeypatch.setattr(components, "export_mode", lambda: "publish")
    export = components.Export("ehcp_bands", "Bands 2026", STATE, columns=BAND_COLUMNS)
    components.chart_with_table(go.Figure(), _bands(), export)
    assert shown["tabs"][0]["default"] == "Show as table" and shown["chart"] == []
