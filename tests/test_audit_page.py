"""The audit trail in the dashboard (AppTest): a download records an export with its mode and
scope, a row-level list shown again and again in a session is recorded once, a pack and a comment
are recorded, and the Audit trail page shows the records to an analyst and nothing to a board
member (``ui.access.viewer`` patched, as the sign-in will set it)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.elements.widgets import button
from streamlit.testing.v1 import AppTest

from etl import audit
from etl.access import Viewer
from etl.warehouse import run_load
from tests import tracker_builders as tb
from tests.test_pages import all_text, open_page, table_with
from tests.ui_fixtures import AS_OF, build_warehouse

ROOT = Path(__file__).resolve().parents[1]

NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
ANN = Viewer(name="Ann Analyst", email="ann@council.gov.uk", role="analyst")
BOARD = Viewer(name="Bea Board", email="bea@partner.org", role="board")


@pytest.fixture(scope="module")
def golden_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("audit_golden"), as_of=AS_OF)


@pytest.fixture
def golden(golden_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The hand-made fixture's data folder, with an empty audit trail for each test."""
    shutil.rmtree(golden_dir / "audit", ignore_errors=True)
    monkeypatch.setenv("SEND_DATA_DIR", str(golden_dir))
    yield golden_dir


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """{file name: build callable} of every download button drawn (AppTest cannot click one:
    the test calls the callable, as Streamlit's server does when the button is pressed)."""
    drawn: dict[str, Callable[[], Any]] = {}
    real = button.marshall_file

    def spy(coordinates: str, data: Any, proto: Any, mimetype: Any, *args: Any, **kw: Any) -> None:
        if callable(data):
            drawn[str(kw.get("file_name") or (args[0] if args else ""))] = data
        real(coordinates, data, proto, mimetype, *args, **kw)

    monkeypatch.setattr(button, "marshall_file", spy)
    return drawn


def test_a_download_records_an_export_with_mode_and_scope(
    golden: Path, downloads: dict[str, Callable[[], Any]]
) -> None:
    at = open_page("pages/timeliness.py")
    assert not [e for e in audit.read(golden).entries if e.action == "export"]  # drawn, not built
    downloads["ehcp_watchlist_2026-11-01_internal.csv"]()
    [export] = [e for e in audit.read(golden).entries if e.action == "export"]
    assert export.detail == {
        "page": "EHC plan timeliness",
        "mode": "internal",
        "scope": "Open requests not yet past 20 weeks as at 1 Nov 2026 (filtered as on screen)",
        "file": "ehcp_watchlist_2026-11-01_internal.csv",
        "format": "csv",
        "kind": "local",
        # Default filter At risk + Breached; not yet past 20 weeks: R14 (at risk) alone.
        "rows": 1,
        "snapshot": export.detail["snapshot"],
    }
    assert export.detail["snapshot"].startswith("Snapshot 1 of 1 Nov 2026")
    # In Publish mode the same page's aggregate download records mode "publish".
    at.radio(key="export_mode").set_value("Publish").run()
    publish = [n for n in downloads if n.startswith("ehcp_bands_2026_") and "_publish" in n]
    assert publish == ["ehcp_bands_2026_2026-11-01_publish.csv"]
    downloads[publish[0]]()
    last = audit.read(golden).entries[-1]
    assert (last.action, last.detail["mode"], last.detail["kind"]) == ("export", "publish", "local")
    assert last.detail["scope"].startswith("EHC plans issued in 2026")


def test_a_row_level_list_shown_twice_records_one_view_rows(golden: Path) -> None:
    at = open_page("pages/timeliness.py")
    at.run()  # a rerun
    at.multiselect(key="watchlist_status").set_value(["At risk", "On track", "Breached"]).run()
    views = [e for e in audit.read(golden).entries if e.action == "view_rows"]
    # Two lists on the page (not yet past 20 weeks; already past), each recorded once.
    assert sorted(e.detail["list"] for e in views) == ["ehcp_watchlist", "ehcp_watchlist_breached"]
    watchlist = next(e for e in views if e.detail["list"] == "ehcp_watchlist")
    assert watchlist.detail["rows"] == 1  # R14, as first shown (at risk and breached only)
    assert watchlist.detail["page"] == "EHC plan timeliness"
    # The problem list is row-level too: recorded on the Data quality page, once.
    at.switch_page("pages/data_quality.py").run()
    at.run()
    problems = [e for e in audit.read(golden).entries if e.detail.get("list") == "problems"]
    assert len(problems) == 1
    assert problems[0].detail["page"] == "Data quality"


def test_the_pack_download_records_an_export(
    golden: Path, downloads: dict[str, Callable[[], Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import pack_view

    monkeypatch.setattr(pack_view.Choice, "build_bytes", lambda self: b"%PDF pack")
    open_page("pages/board_pack.py")
    [name] = [n for n in downloads if n.startswith("board_pack_")]
    assert downloads[name]() == b"%PDF pack"
    [export] = audit.read(golden).entries
    assert export.action == "export"
    assert export.detail["file"] == name == "board_pack_snapshot-latest_internal.pdf"
    assert (export.detail["kind"], export.detail["format"], export.detail["mode"]) == (
        "board",
        "pdf",
        "internal",
    )
    assert export.detail["scope"] == "Board pack, Latest data"
    assert export.detail["page"] == "Board pack"


def test_a_comment_saved_on_the_page_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = build_warehouse(tmp_path / "w")
    run_load([tb.write_action_log(tmp_path / "a.xlsx", tb.ACTIONS, report_date=tb.D1)], folder)
    monkeypatch.setenv("SEND_DATA_DIR", str(folder))
    monkeypatch.setattr("ui.access.viewer", lambda: ANN)
    at = open_page("pages/improvement_plan.py")
    at.selectbox(key="plan_comment_subject").set_value("2.1")
    at.text_area(key="plan_comment_text").input("Pathway goes live in June")
    next(b for b in at.button if b.label == "Save comment").click().run()
    assert not at.exception
    [entry] = [e for e in audit.read(folder).entries if e.action == "commentary"]
    assert (entry.who, entry.email, entry.role) == ("Ann Analyst", "ann@council.gov.uk", "analyst")
    assert entry.detail == {
        "kind": "action",
        "subject": "2.1",
        "period": "2026-03",
        "page": "Improvement plan",
    }


def test_an_override_saved_on_the_page_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "march.xlsx")], data)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    monkeypatch.setattr("ui.access.viewer", lambda: ANN)
    at = open_page("pages/improvement_plan.py")
    at.selectbox(key="override_target").set_value("Audit EHC plan quality")
    at.radio(key="override_rag").set_value("Green")
    next(b for b in at.button if b.label == "Save override").click().run()  # refused: no reason
    assert not [e for e in audit.read(data).entries if e.action == "override"]
    at.selectbox(key="override_target").set_value("Audit EHC plan quality")
    at.radio(key="override_rag").set_value("Green")
    at.text_area(key="override_reason").input("Audit fieldwork finished early")
    next(b for b in at.button if b.label == "Save override").click().run()
    assert not at.exception
    [entry] = [e for e in audit.read(data).entries if e.action == "override"]
    assert entry.who == "Ann Analyst"
    assert entry.detail == {
        "subject": "Audit EHC plan quality",
        "period": "2026-03-31",  # period 1's report date (tracker_builders)
        "rag": "Green",
        "page": "Improvement plan",
    }
    assert "fieldwork" not in json.dumps(entry.as_json())  # the reason typed is not recorded


@pytest.fixture
def trail(golden: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four records with hand-chosen times, today being 2 Dec 2026: one on 1 Oct 2026 (outside
    the page's default last 30 days, 2 Nov to 2 Dec), then 30 Nov, 1 Dec and 2 Dec."""
    sam = Viewer(name="Sam Lead", role="service_lead")
    cli = Viewer(name="ops", local=True)
    for when, who, action, detail in (
        (dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC), ANN, "export", {"mode": "internal"}),
        (dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC), cli, "load", {"command": "load"}),
        (dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), sam, "view_rows", {"list": "waits"}),
        (
            dt.datetime(2026, 12, 2, 9, 30, tzinfo=dt.UTC),
            ANN,
            "export",
            {"mode": "publish", "page": "Overview", "file": "ehcp_bands.csv", "rows": 4},
        ),
    ):
        monkeypatch.setattr(audit, "now", lambda when=when: when)
        audit.record(golden, who, action, **({"via": "cli"} if who is cli else {}), **detail)
    monkeypatch.setattr(audit, "now", lambda: NOW)
    return golden


def test_the_audit_page_shows_records_counts_and_a_recorded_download(
    trail: Path, downloads: dict[str, Callable[[], Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.access.viewer", lambda: ANN)
    at = open_page("pages/audit.py")
    assert not at.exception
    counts = table_with(at, "Visit (signed in)")
    assert counts.iloc[0].to_dict() == {
        "Visit (signed in)": 1,  # this session's own visit, recorded by dashboard.py at NOW
        "Refused": 0,
        "Row-level list shown": 1,
        "Download or pack": 1,  # 2 Dec; the one of 1 Oct is before the last 30 days
        "Data changed": 1,
        "RAG override": 0,
        "Commentary": 0,
    }
    shown = table_with(at, "What")
    assert list(shown["When (UTC)"]) == [
        "2 Dec 2026 10:00:00",  # the sign-in above
        "2 Dec 2026 09:30:00",
        "1 Dec 2026 09:00:00",
        "30 Nov 2026 12:00:00",
    ]
    ann = "Ann Analyst (ann@council.gov.uk)"
    assert list(shown["Who"]) == [ann, ann, "Sam Lead", "ops"]
    assert list(shown["Role"]) == ["Analyst", "Analyst", "Service lead", "Command line"]
    assert shown["What"].iloc[1] == "mode publish; file ehcp_bands.csv; rows 4"
    # Filter to one person: the table and the counts follow.
    at.selectbox(key="audit_who").set_value("Sam Lead").run()
    assert list(table_with(at, "What")["Who"]) == ["Sam Lead"]
    # The download holds what is shown, says it is internal, and is itself recorded.
    [name] = [n for n in downloads if n.startswith("audit_trail_")]
    assert name == "audit_trail_2026-12-02_internal.csv"
    text = downloads[name]().decode("utf-8-sig")
    assert "Internal" in text and "Sam Lead" in text and "Ann Analyst" not in text
    last = audit.read(trail).entries[-1]
    assert (last.action, last.who, last.detail["kind"], last.detail["mode"]) == (
        "export",
        "Ann Analyst",
        "audit",
        "internal",
    )
    assert last.detail["scope"] == "Audit trail, 02 Nov 2026 to 02 Dec 2026 (UTC), Sam Lead"


def test_the_audit_page_shows_nothing_to_a_board_member(
    trail: Path, downloads: dict[str, Callable[[], Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.access.viewer", lambda: BOARD)
    # Not in a board member's menu, so it cannot be switched to ...
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page("pages/audit.py")
    # ... and the page file run on its own checks the role itself.
    at = AppTest.from_file(str(ROOT / "pages" / "audit.py"), default_timeout=60)
    at.run()
    assert not at.exception
    text = all_text(at)
    assert "The audit trail is for analysts." in text
    assert "Ann Analyst" not in text and "Sam Lead" not in text
    assert not [n for n in downloads if n.startswith("audit_trail_")]
    assert not [s for s in at.selectbox if s.key in ("audit_who", "audit_action")]


def _sign_in_app() -> None:
    from ui import audit as ui_audit

    ui_audit.signed_in()
    ui_audit.denied("Audit trail", "not for this role")


def test_sign_in_and_refusal_are_recorded_once_per_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("ui.access.viewer", lambda: BOARD)
    at = AppTest.from_function(_sign_in_app)
    at.run()
    at.run()
    assert not at.exception
    found = [(e.action, e.who, e.detail.get("page")) for e in audit.read(tmp_path).entries]
    assert found == [("sign_in", "Bea Board", None), ("denied", "Bea Board", "Audit trail")]
    assert audit.read(tmp_path).entries[1].detail["reason"] == "not for this role"
    AppTest.from_function(_sign_in_app).run()  # a new session: recorded again
    assert len(audit.read(tmp_path).entries) == 4
