"""The Improvement plan page (AppTest): with two periods of the golden highlight report and an
action log, and with SEN2 data but no tracker (the empty state)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.warehouse import run_load
from tests import tracker_builders as tb
from tests.test_pages import all_text, charts, open_page, table_with
from tests.ui_fixtures import build_warehouse

PAGE = "pages/improvement_plan.py"


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    data = build_warehouse(folder)  # SEN2 data too: the page must live beside it
    run_load([tb.golden_period_1(folder / "march.xlsx")], data)
    run_load([tb.golden_period_2(folder / "april.xlsx")], data)
    run_load([tb.write_action_log(folder / "actions.xlsx", tb.ACTIONS, report_date=tb.D2)], data)
    return data


@pytest.fixture
def plan(plan_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SEND_DATA_DIR", str(plan_dir))
    yield plan_dir


ACTION_PLAN = "Improvement plan"  # the action log names no plan: the default name
MILESTONE_PLAN = "Inclusion Programme"  # the highlight reports' project name


def badges_of(at: object) -> str:
    return next(m.value for m in at.markdown if "class='badges'" in m.value)  # type: ignore[attr-defined]


def test_page_shows_rag_summary_timeline_and_behind_schedule(plan: Path) -> None:
    at = open_page(PAGE)
    assert [t.value for t in at.title] == ["Improvement plan"]
    # Two plans are loaded; each is shown on its own, chosen by name (never mixed). Both last
    # reported on 30/04/2026, so they are offered in name order.
    assert at.selectbox(key="plan_name").options == [ACTION_PLAN, MILESTONE_PLAN]
    # The action log as at 30/04: 2.1 Red (due 28/02), 2.2 Red (due 10/04 passed),
    # 3.1 Complete, 3.2 Green → Red 2, Amber 0, Green 1, Not started 0, Complete 1.
    badges = badges_of(at)
    for text in ("✗ Red: 2", "! Amber: 0", "✓ Green: 1", "○ Not started: 0", "★ Complete: 1"):
        assert text in badges, badges
    behind = table_with(at, "Action ref")
    assert list(behind["Action ref"])[:2] == ["2.1", "2.2"]
    first = behind.iloc[0]
    assert first["Reason"] == "The case system change took the team's time"
    assert first["Revised date"] == "30 Jun 2026"
    assert first["Lead"] == "Head of SEND"

    # The highlight reports' plan, latest report (30/04/2026): 10 milestones (period 2 of
    # tests/tracker_builders.py): Complete 4 (short-breaks, SENCO network, pathway, audit),
    # Red 3 (toolkit, health template, PfA protocol), Amber 3 (QA officer, careers fair,
    # provision gaps).
    at.selectbox(key="plan_name").set_value(MILESTONE_PLAN).run()
    assert not at.exception
    badges = badges_of(at)
    for text in ("✗ Red: 3", "! Amber: 3", "✓ Green: 0", "○ Not started: 0", "★ Complete: 4"):
        assert text in badges, badges
    summary = table_with(at, "Workstream / area")
    wsb = summary[summary["Workstream / area"] == "WSB"].iloc[0]
    # WSB: toolkit Red, SENCO network Complete.
    assert (wsb["✗ Red"], wsb["★ Complete"], wsb["Total"]) == (1, 1, 2)
    assert len(charts(at)) >= 3  # RAG summary, timeline, risk grid
    # No action-log item (refs 2.1, 3.2…) is in this plan's timeline table.
    items = table_with(at, "Milestone or action")
    assert not {"Recruit additional educational psychologists"} & set(items["Milestone or action"])


def test_an_overridden_red_still_late_stays_behind_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Period 1: "Refresh the graduated approach toolkit" ends 28/02/2026, before the report date
    31/03/2026, 80% done → Red by the rule. The board overrides it to Amber: it is still late,
    so it stays in "Behind schedule", marked as an override."""
    from etl.tracker import report

    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "march.xlsx")], data)
    target = "Refresh the graduated approach toolkit"
    report.apply_override(data, target, "Amber", reason="Nearly done", author="Chair")
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page(PAGE)
    behind = table_with(at, "Action ref")
    row = behind[behind["Action"] == target].iloc[0]
    assert row["RAG"] == "! Amber (override; computed ✗ Red)"


def test_since_last_period_and_disagreements(plan: Path) -> None:
    at = open_page(PAGE)
    at.selectbox(key="plan_name").set_value(MILESTONE_PLAN).run()
    changes = table_with(at, "Change")
    assert ("Newly Red", "Agree the health advice template") in set(
        zip(changes["Change"], changes["Milestone or action"], strict=True)
    )
    text = all_text(at)
    assert "**Newly Red: 1**" in text and "**Newly complete: 3**" in text
    assert "**End date slipped: 1**" in text
    disagreements = table_with(at, "Computed RAG")
    pfa = disagreements[
        disagreements["Milestone or action"] == "Launch the preparing-for-adulthood protocol"
    ].iloc[0]
    assert (pfa["Reported status"], pfa["Computed RAG"]) == ("At Risk", "✗ Red")
    assert not re.search(r"\b(nan|NaN|None|NaT|<NA>)\b", text)


def test_earlier_report_and_filters(plan: Path) -> None:
    at = open_page(PAGE)
    at.selectbox(key="plan_name").set_value(MILESTONE_PLAN).run()
    at.selectbox(key="plan_report_date").select_index(1).run()  # the 31/03/2026 report
    assert not at.exception
    # March: no action log yet; milestones as worked in tracker_builders (Red 2, Amber 2,
    # Green 5, Not started 1, Complete 1); the first report has nothing to compare with.
    badges = next(m.value for m in at.markdown if "class='badges'" in m.value)
    assert "✗ Red: 2" in badges and "✓ Green: 5" in badges
    assert any("first report loaded" in i.value for i in at.info)
    at.multiselect(key="plan_rags").set_value(["Red"]).run()
    items = table_with(at, "Milestone or action")
    assert set(items["RAG"]) == {"✗ Red"}
    assert len(items) == 2


def test_override_is_shown_as_an_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.tracker import report

    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "march.xlsx")], data)
    report.apply_override(
        data, "Audit EHC plan quality", "Green", reason="Audit fieldwork done", author="Chair"
    )
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page(PAGE)
    items = table_with(at, "Expected %")
    row = items[items["Milestone or action"] == "Audit EHC plan quality"].iloc[0]
    assert row["RAG"] == "✓ Green (override; computed ! Amber)"
    history = table_with(at, "Author")
    assert list(history["Author"]) == ["Chair"]


def test_no_tracker_loaded_is_an_empty_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEND_DATA_DIR", str(build_warehouse(tmp_path)))
    at = open_page(PAGE)
    assert any("No improvement-plan tracker loaded yet" in i.value for i in at.info)
    assert charts(at) == []
    assert not at.error


def test_override_made_on_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A board member overrides a RAG from the page: it needs a reason and a name, it is saved
    through the same rebuild and publish as the CLI, and the page then shows it as an override.
    (Period 1 of tracker_builders: "Audit EHC plan quality" is computed Amber.)"""
    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "march.xlsx")], data)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page(PAGE)
    target = "Audit EHC plan quality"
    at.selectbox(key="override_target").set_value(target)
    at.radio(key="override_rag").set_value("Green")
    # No reason and no name: refused, nothing saved.
    next(b for b in at.button if b.label == "Save override").click().run()
    assert any("needs a reason and an author" in e.value for e in at.error)
    assert not at.exception

    at.selectbox(key="override_target").set_value(target)
    at.radio(key="override_rag").set_value("Green")
    at.text_area(key="override_reason").input("Audit fieldwork finished early")
    at.text_input(key="override_author").input("Board chair")
    next(b for b in at.button if b.label == "Save override").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved: Audit EHC plan quality — shown as Green" in s.value for s in at.success)
    items = table_with(at, "Expected %")
    row = items[items["Milestone or action"] == target].iloc[0]
    assert row["RAG"] == "✓ Green (override; computed ! Amber)"
    history = table_with(at, "Author")
    assert list(history["Author"]) == ["Board chair"]
    assert list(history["Reason"]) == ["Audit fieldwork finished early"]


def test_reported_status_is_compared_with_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Period 1 (tracker_builders): the summary sheet says "Overall Project Status: On Target";
    by the rule two milestones are Red (the toolkit, the PfA protocol), so the plan's worst item
    is Red: a contradiction. Of the 11 milestones loaded, one says "Complete" (and is), one says
    "On Target" (computed Red), and nine give no status — counted as such, not as agreeing."""
    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "march.xlsx")], data)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page(PAGE)
    table = table_with(at, "Compared").set_index("Compared")
    assert tuple(table.loc["Overall status"]) == ("On Target", "✗ Red", "Contradicts the rule")
    assert table.loc["Agrees with the rule", "Result"] == "1 milestone or action"
    assert table.loc["Contradicts the rule", "Result"] == "1 milestone or action"
    assert table.loc["No status given", "Result"] == "9 milestones or actions"
