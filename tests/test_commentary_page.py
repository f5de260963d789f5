"""Commentary on the pages (AppTest): an action's comment made on the Improvement plan page for
the month of the report shown, and a measure's on the Overview; both shown at once, no rebuild."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import commentary
from etl.warehouse import run_load
from tests import tracker_builders as tb
from tests.test_pages import open_page, table_with
from tests.ui_fixtures import build_warehouse


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = build_warehouse(tmp_path / "w")
    run_load([tb.write_action_log(tmp_path / "a.xlsx", tb.ACTIONS, report_date=tb.D1)], folder)
    monkeypatch.setenv("SEND_DATA_DIR", str(folder))
    return folder


def test_action_comment_made_on_the_improvement_plan_page(data: Path) -> None:
    at = open_page("pages/improvement_plan.py")
    assert any("No commentary recorded for March 2026 yet." in c.value for c in at.caption)
    at.selectbox(key="plan_comment_subject").set_value("2.1")
    at.text_area(key="plan_comment_text").input("Pathway goes live in June")
    # No name: refused, nothing saved.
    next(b for b in at.button if b.label == "Save comment").click().run()
    assert any("needs an author" in e.value for e in at.error)
    at.selectbox(key="plan_comment_subject").set_value("2.1")
    at.text_area(key="plan_comment_text").input("Pathway goes live in June")
    at.text_input(key="plan_comment_author").input("Head of SEND")
    next(b for b in at.button if b.label == "Save comment").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Comment saved" in s.value for s in at.success)
    shown = table_with(at, "Comment")
    assert list(shown["Comment"]) == ["Pathway goes live in June"]
    assert list(shown["By"]) == ["Head of SEND"]
    assert shown["Action"].iloc[0].startswith("2.1 · Review the statutory assessment pathway")
    # Recorded for the report's month (31/03/2026 → 2026-03).
    from etl.store import Warehouse

    with Warehouse.at(data) as w:
        assert [c["period"] for c in w.commentary()] == ["2026-03"]


def test_measure_comment_shown_on_the_overview(data: Path) -> None:
    at = open_page("pages/overview.py")
    month = next(s.value for s in at.subheader if "Owner's commentary" in s.value)
    period = month.removeprefix("Owner's commentary, ")
    import datetime as dt

    key = f"{dt.datetime.strptime(period, '%B %Y'):%Y-%m}"
    commentary.record(
        data,
        kind="measure",
        subject="open_breached",
        period=key,
        author="Head of service",
        text="Two cases wait for a tribunal decision",
    )
    at = open_page("pages/overview.py")
    shown = table_with(at, "Comment")
    assert list(shown["Measure"]) == ["Open requests past 20 weeks"]
    assert list(shown["Comment"]) == ["Two cases wait for a tribunal decision"]


def test_linked_kpis_shown_on_the_improvement_plan_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's KPI links with baseline, target and value now, as the review pack has them;
    without links, a message saying how to add them."""
    folder = build_warehouse(tmp_path / "w")
    plan = tb.write_action_log(tmp_path / "a.xlsx", tb.ACTIONS, report_date=tb.D1)
    tb.add_kpis_sheet(
        plan,
        [
            ("2.1", None, "open_requests", None, "01/01/2025", 40, 30, None),
            (None, "Area 3", "plans_issued", None, "01/01/2025", 100, None, None),
        ],
    )
    run_load([plan], folder)
    monkeypatch.setenv("SEND_DATA_DIR", str(folder))
    at = open_page("pages/improvement_plan.py")
    shown = table_with(at, "Against target")
    assert list(shown["Measure"]) == ["Open requests", "EHC plans issued"]
    assert list(shown["Linked to"]) == ["2.1", "Area 3"]
    assert shown["Baseline"].iloc[0] == "40 (1 Jan 2025, the plan)"
    assert shown["Target"].iloc[1] == "–"
    # Open requests are neutral: the target is stated, not judged.
    assert shown["Against target"].iloc[0].startswith("target 30")


def test_no_linked_kpis_says_how_to_add_them(data: Path) -> None:
    at = open_page("pages/improvement_plan.py")
    assert any("No measure is linked to this plan" in i.value for i in at.info)
