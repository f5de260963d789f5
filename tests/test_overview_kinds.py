"""The Overview shows the board every kind of data that is loaded: children's health waits and
suspensions of pupils with SEND beside the EHC plan figures (issue 14), with the hand-worked
figures of their own fixtures; and nothing about a kind that is not loaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.warehouse import run_load
from tests import exclusions_fixture as fx
from tests import sen2_builders as b
from tests.test_pages import all_text, open_page
from tests.test_waits_measures import EXTRACT, ROWS
from tests.ui_fixtures import build_warehouse
from tests.waits_builders import write_extract

PAGE = "pages/overview.py"


def _overview_at(day: dt.date) -> AppTest:
    at = open_page(PAGE)
    at.sidebar.date_input(key="as_at").set_value(day).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_waits_tiles_on_the_overview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = build_warehouse(tmp_path / "data")
    b.load(write_extract(tmp_path / "waits.csv", ROWS, extract_date=EXTRACT), data)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = _overview_at(dt.date(2025, 6, 30))
    # Waiting at 30/06/2025 (tests/test_waits_measures.py): SLT 6, OT 3, autism 4, physio 0.
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Speech and language therapy"] == "6"
    assert tiles["Autism assessment"] == "4"
    assert tiles["Physiotherapy"] == "0"
    text = all_text(at)
    assert "Children waiting for health services as at 30 Jun 2025" in text
    assert "Median 18.1 weeks waiting" in text and "50.0% over 18 weeks" in text
    assert "Suspensions of pupils with SEND" not in text  # no exclusion records loaded


def test_exclusion_tiles_on_the_overview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    as_of = dt.date(2024, 7, 31)
    run_load(fx.write(tmp_path / "in"), data, as_of=as_of)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = _overview_at(as_of)
    # 2023/24 (tests/exclusions_fixture.py): EHC plan 5.00, SEN support 1.50, no SEN 0.13 per
    # 100; relative risks from the unrounded rates 0.05 / 0.00125 = 40.00 and 12.00.
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["EHC plan: suspensions per 100"] == "5.00"
    assert tiles["SEN support: suspensions per 100"] == "1.50"
    assert tiles["No SEN: suspensions per 100"] == "0.13"
    text = all_text(at)
    assert "Suspensions of pupils with SEND, 2023/24" in text
    assert "40.00× the no-SEN rate" in text and "12.00× the no-SEN rate" in text
    assert "Children waiting for health services" not in text  # no waiting list loaded
