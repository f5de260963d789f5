"""ui.components: what a download actually contains in each export mode, and the trend text on a
KPI tile (the parts that are not plain Streamlit calls)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ui import components, db

SNAPSHOT = dt.date(2026, 11, 1)
STATE = db.DataState(
    True,
    Path("warehouse.duckdb"),
    "",
    SNAPSHOT,
    synthetic=True,
    built_at=dt.datetime(2026, 11, 2, 6, 0),
)


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_download(label: str, data: Any, **kwargs: Any) -> bool:
        # The file is built on click (a callable, issue 11): record what a click would get.
        calls.append({"label": label, "data": data() if callable(data) else data, **kwargs})
        return False

    monkeypatch.setattr(components.st, "download_button", fake_download)
    monkeypatch.setattr(components.st, "caption", lambda text: calls.append({"caption": text}))
    return calls


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _bands() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "band": ["Within 20 weeks", "20 to 52 weeks", "Over 52 weeks"],
            "plans_issued": [23, 12, 3],
            "all_plans_issued": [38, 38, 38],
            "pct_of_plans_issued": [60.5, 31.6, 7.9],
        }
    )


def test_publish_download_is_suppressed_and_labelled(
    captured: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # An empty data folder: no snapshot to name, whatever ./data holds on this machine.
    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(components, "export_mode", lambda: "publish")
    components.download(
        _bands(),
        "ehcp_bands",
        state=STATE,
        scope="Bands 2026",
        as_of=SNAPSHOT,
        columns=["band", "plans_issued", "pct_of_plans_issued"],
        query="bands",
    )
    (call,) = captured
    assert "publish" in call["label"]
    assert call["file_name"] == "ehcp_bands_2026-11-01_publish.csv"
    rows = _rows(call["data"])
    assert rows[1][1].startswith("Publish")
    assert ["SYNTHETIC DATA", "made-up demonstration data, not real children"] in rows
    table = rows[rows.index(["Time to issue", "Plans issued", "% of plans issued"]) :]
    # 23 → 25, 3 → c; 38 (the total, on the page's tiles) − 23 − 12 = 3 would give the 3 back,
    # so the next smallest, 12, is suppressed too, and the file says so. Percentages are numbers
    # (the % is in the label), from the rounded counts: 25 / 40 = 62.5; the others rest on a c.
    assert table[1:] == [
        ["Within 20 weeks", "25", "62.5"],
        ["20 to 52 weeks", "c", "c"],
        ["Over 52 weeks", "c", "c"],
    ]
    notes = [row[1] for row in rows if row[:1] == ["Note"]]
    assert len(notes) == 1 and notes[0].startswith("1 further cell suppressed (c)")
    assert ["Snapshot", "warehouse built 2026-11-02 06:00:00"] in rows


def test_internal_download_is_exact(
    captured: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components, "export_mode", lambda: "internal")
    components.download(
        _bands(),
        "ehcp_bands",
        state=STATE,
        scope="Bands 2026",
        columns=["band", "plans_issued", "pct_of_plans_issued"],
    )
    rows = _rows(captured[0]["data"])
    assert rows[-1] == ["Over 52 weeks", "3", "7.9"]


def test_row_level_lists_are_not_offered_in_publish_mode(
    captured: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components, "export_mode", lambda: "publish")
    watchlist = pd.DataFrame({"reference": ["R-0E83BEE0"], "status": ["Breached"]})
    components.download(
        watchlist,
        "ehcp_watchlist",
        state=STATE,
        scope="Open requests",
        row_level=True,
        columns=["reference", "status"],
    )
    assert captured == [{"caption": captured[0]["caption"]}]
    assert "not exported in Publish mode" in captured[0]["caption"]


def test_row_level_download_escapes_typed_formulas(
    captured: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components, "export_mode", lambda: "internal")
    problems = pd.DataFrame(
        {
            "severity": ["error"],
            "message": ['=HYPERLINK("http://x","y")'],
            "file": ["@cases.csv"],
            "row": [4],
        }
    )
    components.download(
        problems,
        "problems",
        state=STATE,
        scope="Problems",
        row_level=True,
        columns=["severity", "message", "file", "row"],
    )
    rows = _rows(captured[0]["data"])
    assert rows[-1] == [
        "✗ Error (row not loaded)",
        '\'=HYPERLINK("http://x","y")',
        "'@cases.csv",
        "4",
    ]


def test_exports_name_our_la_when_it_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.benchmark import LA
    from ui import benchmark_components

    monkeypatch.setattr(benchmark_components, "known_home_la", lambda: "886")
    kent = LA("E10000016", "886", "Kent", "E12000008", "South East", 2010, 2025)
    monkeypatch.setattr(components.db, "resolve_la", lambda text: kent)
    assert components.area_text() == "Kent (886)"
    context = components.Export("x", "Bands 2026", STATE).context()
    rows = components.to_csv(pd.DataFrame({"A": [1]}), context).decode("utf-8-sig")
    assert "Scope,Bands 2026\r\nArea,Kent (886)\r\n" in rows

    def missing(text: str) -> LA:
        raise components.db.WarehouseError("no published figures loaded")

    # No published figures to name it from: the code as the settings give it.
    monkeypatch.setattr(components.db, "resolve_la", missing)
    assert components.area_text() == "886"
    monkeypatch.setattr(benchmark_components, "known_home_la", lambda: None)
    assert components.area_text() == ""
    assert components.Export("x", "s", STATE, area="Kent").context().area == "Kent"


def test_a_list_fetched_a_page_at_a_time_is_fetched_whole_only_when_downloaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 11: the screen shows one page; the download's rows are fetched on click.
    monkeypatch.setattr(components, "export_mode", lambda: "internal")
    buttons: list[Any] = []
    monkeypatch.setattr(
        components.st, "download_button", lambda label, data, **kw: buttons.append(data)
    )
    fetched: list[int] = []

    def every_row() -> pd.DataFrame:
        fetched.append(1)
        return pd.DataFrame({"reference": ["R-0000000001", "R-0000000002", "R-0000000003"]})

    components.offer_download(
        every_row,
        components.Export("ehcp_watchlist", "Open requests", STATE, columns=["reference"]),
        rows=3,
    )
    assert fetched == []  # drawing the button fetched nothing
    (build,) = buttons
    rows = _rows(build())
    assert fetched == [1]
    assert rows[-3:] == [["R-0000000001"], ["R-0000000002"], ["R-0000000003"]]
