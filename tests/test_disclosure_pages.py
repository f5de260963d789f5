"""Publish-mode downloads of the demo's pages (issue 9 and issue 15): every CSV states its mode and
snapshot, no count in it is 1–7 or off the multiples of 5, no percentage says more than the
rounded counts beside it, and no row-level list is offered."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.metrics import pct as exact_pct
from tests.test_pages import DASHBOARD, PAGES, TIMEOUT, show_tables
from tests.ui_fixtures import REPO
from ui import waits_view
from ui.formatting import COLUMNS

# Every label under which a download writes a count of children or rows about them.
COUNT_LABELS = {c.label for c in COLUMNS.values() if c.kind == "count"} | {
    col.label
    for table in (
        waits_view.SUMMARY_COLUMNS,
        waits_view.TREND_COLUMNS,
        waits_view.DISTRIBUTION_COLUMNS,
        waits_view.BREAKDOWN_COLUMNS,
        waits_view.COMPARE_COLUMNS,
    )
    for _, col in table
    if col.kind == "count"
}
# A percentage label and the labels of the (numerator, denominator) counts it rests on.
PCT_PARTS = {
    c.label: (COLUMNS[c.parts[0]].label, COLUMNS[c.parts[1]].label)
    for c in COLUMNS.values()
    if c.kind == "pct" and c.parts and c.parts[0] in COLUMNS and c.parts[1] in COLUMNS
}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--data-dir", str(data), "--json"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return data


@pytest.fixture
def downloads(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Every download button's file, captured as the pages run (in this process)."""
    monkeypatch.setenv("SEND_DATA_DIR", str(demo_dir))
    captured: list[dict[str, Any]] = []

    def fake_download(label: str, data: Any, **kwargs: Any) -> bool:
        # CSV downloads are built on click (a callable): build them as a click would; a pack
        # (also a callable) is read back by its own tests.
        if callable(data) and str(kwargs.get("file_name", "")).endswith(".csv"):
            data = data()
        captured.append({"label": label, "data": data, **kwargs})
        return False

    monkeypatch.setattr(st, "download_button", fake_download)
    yield captured


def _publish_page(page: str) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    at.session_state["export_mode"] = "Publish"
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return show_tables(at)


def _split(data: bytes) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    """The about rows (what → values) and the table (one dict per row) of a CSV download."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    blank = rows.index([])
    about: dict[str, list[str]] = {}
    for row in rows[:blank]:
        about.setdefault(row[0], []).extend(row[1:])
    header, body = rows[blank + 1], rows[blank + 2 :]
    return about, [dict(zip(header, r, strict=True)) for r in body]


def test_publish_downloads_of_the_demo_follow_design_7(downloads: list[dict[str, Any]]) -> None:
    for page in PAGES:
        _publish_page(page)
    local = [
        d for d in downloads if "publish" in d["file_name"] and d["file_name"].endswith(".csv")
    ]
    # The demo's pages offer plenty of publish downloads (timeliness, data quality, waits …).
    assert len(local) >= 10, [d["file_name"] for d in downloads]
    checked_counts = checked_pcts = 0
    for download in local:
        about, table = _split(download["data"])
        name = download["file_name"]
        assert about["Mode"][0].startswith("Publish"), name
        assert about["Snapshot"][0].startswith("Snapshot "), name
        assert about["Data snapshot"] == ["1 Nov 2026"], name
        for row in table:
            for label, value in row.items():
                if label in COUNT_LABELS and value not in ("", "c"):
                    number = int(value)
                    assert number == 0 or (number >= 8 and number % 5 == 0), (name, label, row)
                    checked_counts += 1
            for label, (num, den) in PCT_PARTS.items():
                if row.get(label, "c") in ("c", "") or num not in row or den not in row:
                    continue
                # Shown beside its counts: it is the percentage of those rounded counts.
                assert float(row[label]) == exact_pct(int(row[num]), int(row[den])), (name, row)
                checked_pcts += 1
        # No pseudonymous reference (R…, W…) and no file row number in a publish download.
        assert "Reference" not in (table[0] if table else {}), name
    assert checked_counts > 200 and checked_pcts > 20, (checked_counts, checked_pcts)
    assert not any("longest" in d["file_name"] or "problems" in d["file_name"] for d in local)
