"""Loading improvement-plan trackers: a workbook shaped like a real highlight report, an action
log, rejects with file / sheet / row / column, the load log adding up, two periods of history,
overrides that survive later loads, and trackers living beside SEN2 data.

Hand-worked RAGs and changes are in the comments of ``tests/tracker_builders.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from etl.inputs.tracker import stage
from etl.tracker import report
from etl.warehouse import run_load
from tests import sen2_builders as b
from tests import tracker_builders as tb
from tests.golden_fixture import write_flat


def fetch(data: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = b.warehouse(data)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def items(data: Path, as_of: dt.date | None = None) -> dict[str, dict[str, Any]]:
    con = b.warehouse(data)
    try:
        return {i["name"]: i for i in report.milestones(con, as_of)}
    finally:
        con.close()


@pytest.fixture
def period_1(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "highlight_march.xlsx")], data)
    return data


# ---------------------------------------------------------------- one period


def test_highlight_report_rows_and_rag(period_1: Path) -> None:
    got = {
        name: (i["workstream"], i["start"], i["end"], i["pct_complete"], i["rag"])
        for name, i in items(period_1).items()
    }
    assert got == {
        "Publish the short-breaks offer": ("WSA", "2026-01-01", "2026-06-30", 100.0, "Complete"),
        "Map provision gaps with families": ("WSA", "2026-04-01", "2026-09-30", 0.0, "Not started"),
        "Refresh the graduated approach toolkit": ("WSB", "2025-09-01", "2026-02-28", 80.0, "Red"),
        "Launch the SENCO network": ("WSB", None, "2026-04-14", 50.0, "Amber"),
        "Agree the health advice template": ("WSC", None, "2026-04-15", 0.0, "Green"),
        "Recruit a quality assurance officer": ("WSC", "2026-01-01", "2026-05-31", 50.0, "Green"),
        "Co-produce the annual review pathway": ("WSD", "2026-01-01", "2026-04-11", 79.0, "Green"),
        "Audit EHC plan quality": ("WSD", "2026-01-01", "2026-04-11", 64.0, "Amber"),
        "Launch the preparing-for-adulthood protocol": (
            "WSE",
            "2026-01-01",
            "2026-04-11",
            63.0,
            "Red",
        ),
        "Start a family newsletter": (None, "2026-03-31", "2026-09-30", 0.0, "Green"),
        "Hold a careers fair": ("WSE", "2026-04-02", "2026-06-30", 10.0, "Green"),
    }
    pfa = items(period_1)["Launch the preparing-for-adulthood protocol"]
    assert pfa["reported_status"] == "On Target"
    assert pfa["disagreement"] == "reported On Target, computed Red"
    # Report date from "Report Period 31/03/26" on the summary sheet; plan from "Project Name".
    assert {(i["plan"], i["report_date"]) for i in items(period_1).values()} == {
        ("Inclusion Programme", "2026-03-31")
    }


def test_rejects_name_file_sheet_row_and_column(period_1: Path) -> None:
    rows = fetch(
        period_1,
        'SELECT file, sheet, "row", "column", rule, severity FROM problems '
        "WHERE severity = 'error' ORDER BY \"row\"",
    )
    sheet = "Tasks & Milestones"
    assert rows == [
        ("highlight_march.xlsx", sheet, 14, "End Date", "date_missing", "error"),
        ("highlight_march.xlsx", sheet, 15, "%", "pct_out_of_range", "error"),
        ("highlight_march.xlsx", sheet, 16, "End Date", "end_before_start", "error"),
        ("highlight_march.xlsx", sheet, 17, "Task / Milestone Name", "duplicate_name", "error"),
        ("highlight_march.xlsx", sheet, 18, "Start Date", "date_impossible", "error"),
    ]


def test_load_log_adds_up(period_1: Path) -> None:
    # 16 milestone rows + 2 risks + 1 issue + 1 dependency = 20 read; 5 rejected; 11 + 4 loaded.
    [(read, loaded, rejected, superseded)] = fetch(
        period_1, "SELECT rows_read, rows_loaded, rows_rejected, rows_superseded FROM load_log"
    )
    assert (read, loaded, rejected, superseded) == (20, 15, 5, 0)


def test_cards_of_risks_issues_and_dependencies(period_1: Path) -> None:
    rows = fetch(
        period_1,
        "SELECT register, ref, likelihood, impact, score, status, owner, target_date "
        "FROM plan_registers ORDER BY register, ref",
    )
    assert rows == [
        ("Dependency", "D-01", None, 3, None, "Escalated", "Data lead", dt.date(2026, 7, 31)),
        ("Issue", "I-01", None, 4, None, "Open", "Systems lead", dt.date(2026, 6, 30)),
        # likelihood 3 × impact 4 = score 12; R-02 gives only the combined score 6.
        ("Risk", "R-01", 3, 4, 12, "Open", "Programme lead", dt.date(2026, 6, 30)),
        ("Risk", "R-02", None, None, 6, "Open", "Head of service", dt.date(2026, 5, 31)),
    ]


def test_rag_counts(period_1: Path) -> None:
    con = b.warehouse(period_1)
    try:
        # Worked in tests/tracker_builders.py: Complete 1, Not started 1, Green 5, Amber 2, Red 2.
        assert report.rag_counts(con) == {
            "Complete": 1,
            "Not started": 1,
            "Green": 5,
            "Amber": 2,
            "Red": 2,
        }
    finally:
        con.close()


# ---------------------------------------------------------------- report date


def test_no_report_date_and_no_as_of_loads_nothing(tmp_path: Path) -> None:
    path = tb.write_highlight_report(tmp_path / "undated.xlsx", tb.PERIOD_2, report_period=None)
    result = run_load([path], tmp_path / "data")
    [file] = result.files
    assert file.status == "failed"
    assert "no report date found" in file.message and "--as-of" in file.message


def test_as_of_gives_the_report_date_when_the_workbook_has_none(tmp_path: Path) -> None:
    path = tb.write_highlight_report(tmp_path / "undated.xlsx", tb.PERIOD_2, report_period=None)
    data = tmp_path / "data"
    run_load([path], data, as_of=tb.D2)
    assert {i["report_date"] for i in items(data).values()} == {"2026-04-30"}
    # The tracker's date does not move the SEN2 snapshot: load_files.as_of stays blank.
    assert fetch(data, "SELECT as_of FROM load_files") == [(None,)]


def test_report_period_as_a_range_means_its_last_day(tmp_path: Path) -> None:
    path = tb.write_highlight_report(
        tmp_path / "range.xlsx", tb.PERIOD_2, report_period="01.04.26 to 30.04.26"
    )
    data = tmp_path / "data"
    run_load([path], data)
    assert {i["report_date"] for i in items(data).values()} == {"2026-04-30"}


# ---------------------------------------------------------------- shapes of the % column


def test_percentages_as_fractions_numbers_or_text(tmp_path: Path) -> None:
    rows = [
        ("WSA - Fraction half", tb.d("01/01/2026"), tb.d("30/06/2026"), 0.5),
        ("WSA - Fraction whole", tb.d("01/01/2026"), tb.d("30/06/2026"), 1),
        ("WSA - Text percent", tb.d("01/01/2026"), tb.d("30/06/2026"), "25%"),
    ]
    data = tmp_path / "data"
    run_load(
        [
            tb.write_highlight_report(
                tmp_path / "f.xlsx", rows, report_period=tb.D1, pct_format="0%"
            )
        ],
        data,
    )
    # A column of plain numbers all within 0–1 is Excel's % format: 0.5 → 50, 1 → 100.
    assert {n: i["pct_complete"] for n, i in items(data).items()} == {
        "Fraction half": 50.0,
        "Fraction whole": 100.0,
        "Text percent": 25.0,
    }


def test_percent_parser() -> None:
    assert stage.parse_pct("50").value == 50
    assert stage.parse_pct("50%").value == 50
    assert stage.parse_pct("0.29", fraction_scale=True).value == 29
    assert stage.parse_pct("-5").rule == "pct_out_of_range"
    assert stage.parse_pct("half").rule == "pct_unreadable"
    assert stage.parse_pct(None).value is None


# ---------------------------------------------------------------- action logs


def test_action_log(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = tb.write_action_log(tmp_path / "actions.xlsx", tb.ACTIONS, report_date="31/03/2026")
    run_load([path], data)
    got = {
        i["ref"]: (i["rag"], i["workstream"], i["owner"], i["end"]) for i in items(data).values()
    }
    assert got == {
        "2.1": (
            "Red",
            "Area 2: accuracy and timeliness of EHC plans",
            "Head of SEND",
            "2026-02-28",
        ),
        "2.2": (
            "Amber",
            "Area 2: accuracy and timeliness of EHC plans",
            "Practice lead",
            "2026-04-10",
        ),
        "3.1": ("Complete", "Area 3: joint commissioning", "Commissioning lead", "2026-06-30"),
        "3.2": ("Green", "Area 3: joint commissioning", "Finance partner", "2026-09-30"),
    }
    behind = fetch(
        data,
        "SELECT ref, reason, mitigation, revised_date, owner "
        "FROM plan_items_at(NULL) WHERE rag = 'Red'",
    )
    assert behind == [
        (
            "2.1",
            "The case system change took the team's time",
            "Supplier days bought; pathway goes live in June",
            dt.date(2026, 6, 30),
            "Head of SEND",
        )
    ]


def test_action_log_duplicate_ref_and_missing_due_date(tmp_path: Path) -> None:
    rows = [
        tb.ACTIONS[0],
        ("2.1", "Area 2", "Same ref again", "Lead", tb.d("01/05/2026"), None, None, None, None),
        ("4.1", "Area 4", "No due date", "Lead", None, None, None, None, None),
    ]
    data = tmp_path / "data"
    run_load([tb.write_action_log(tmp_path / "a.xlsx", rows, report_date=tb.D1)], data)
    # Title row 1, "Report date" row 2, blank row 3, header row 4: data starts on row 5.
    assert fetch(
        data,
        'SELECT sheet, "row", "column", rule FROM problems WHERE severity = \'error\' '
        'ORDER BY "row"',
    ) == [("Actions", 6, None, "duplicate_name"), ("Actions", 7, "Due date", "date_missing")]
    assert fetch(data, "SELECT rows_read, rows_loaded, rows_rejected FROM load_log") == [(3, 1, 2)]


def test_a_missing_required_column_loads_nothing(tmp_path: Path) -> None:
    path = tb.write_highlight_report(
        tmp_path / "no_end.xlsx",
        [("WSA - Something", tb.d("01/01/2026"), 50)],
        report_period=tb.D1,
        header=("Task / Milestone Name", "Start Date", "%"),
    )
    [file] = run_load([path], tmp_path / "data").files
    assert file.status == "failed"
    assert "required column 'End Date' is missing" in file.message


# ---------------------------------------------------------------- history


@pytest.fixture
def two_periods(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "march.xlsx")], data)
    run_load([tb.golden_period_2(tmp_path / "april.xlsx")], data)
    return data


def test_periods_accumulate_and_as_of_picks_the_period_in_force(two_periods: Path) -> None:
    assert fetch(two_periods, "SELECT report_date, period_number FROM plan_periods ORDER BY 1") == [
        (tb.D1, 1),
        (tb.D2, 2),
    ]
    assert {i["report_date"] for i in items(two_periods).values()} == {"2026-04-30"}
    assert {i["report_date"] for i in items(two_periods, dt.date(2026, 4, 29)).values()} == {
        "2026-03-31"
    }
    assert items(two_periods, dt.date(2026, 3, 30)) == {}


def test_since_last_period(two_periods: Path) -> None:
    changes = fetch(
        two_periods,
        "SELECT change, name, detail FROM plan_changes_at(NULL) ORDER BY change_order, name",
    )
    assert changes == [
        ("Newly Red", "Agree the health advice template", "was Green"),
        ("Newly complete", "Audit EHC plan quality", "was Amber"),
        ("Newly complete", "Co-produce the annual review pathway", "was Green"),
        ("Newly complete", "Launch the SENCO network", "was Amber"),
        (
            "End date slipped",
            "Recruit a quality assurance officer",
            "31/05/2026 → 30/06/2026 (+30 days)",
        ),
        (
            "Status changed",
            "Launch the preparing-for-adulthood protocol",
            "reported On Target → At Risk",
        ),
        # Careers fair: S 02/04, E 30/06 (89 days), at 30/04 X = 100 × 28/89 = 31.5; P 10 →
        # gap 21.5 → Amber (was Green: S after D with P > 0).
        ("RAG changed", "Hold a careers fair", "Green → Amber"),
        # Not started (S 01/04 after 31/03) → Amber at 30/04: X = 100 × 29/182 = 15.9.
        ("RAG changed", "Map provision gaps with families", "Not started → Amber"),
        ("RAG changed", "Recruit a quality assurance officer", "Green → Amber"),
        (
            "No longer reported",
            "Start a family newsletter",
            "in the previous report, not in this one",
        ),
    ]
    # The first period has nothing to compare with.
    assert fetch(two_periods, "SELECT count(*) FROM plan_changes_at(DATE '2026-04-01')") == [(0,)]


def test_a_corrected_report_for_the_same_period_supersedes_the_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_load([tb.golden_period_2(tmp_path / "april.xlsx")], data)
    corrected = [
        *tb.PERIOD_2[:-1],
        ("WSE - Hold a careers fair", tb.d("02/04/2026"), tb.d("30/06/2026"), 40, None),
    ]
    path = tb.write_highlight_report(
        tmp_path / "april_v2.xlsx", corrected, report_period=tb.D2, header=tb.HEADER_WITH_STATUS
    )
    run_load([path], data)
    assert items(data)["Hold a careers fair"]["pct_complete"] == 40.0
    log = fetch(
        data, "SELECT file, rows_read, rows_loaded, rows_superseded FROM load_log ORDER BY 1"
    )
    # april.xlsx: 10 milestones + 1 risk + 1 issue + 1 dependency = 13, all superseded by v2;
    # april_v2.xlsx: 10 milestones, no registers.
    assert log == [("april.xlsx", 13, 0, 13), ("april_v2.xlsx", 10, 10, 0)]


# ---------------------------------------------------------------- overrides


def test_override_is_kept_with_history_and_survives_a_later_load(
    period_1: Path, tmp_path: Path
) -> None:
    name = "Launch the preparing-for-adulthood protocol"
    report.apply_override(
        period_1,
        "preparing-for-adulthood",
        "Amber",
        reason="Board agreed the new date",
        author="Programme manager",
    )
    shown = items(period_1)[name]
    assert (shown["rag"], shown["computed_rag"]) == ("Amber", "Red")
    assert shown["override"]["author"] == "Programme manager"
    # A later load of another file rebuilds the warehouse: the override is still there.
    run_load([tb.write_action_log(tmp_path / "a.xlsx", tb.ACTIONS, report_date=tb.D1)], period_1)
    assert items(period_1)[name]["rag"] == "Amber"
    report.apply_override(period_1, name, None, reason="Date missed after all", author="Chair")
    assert items(period_1)[name]["rag"] == "Red"
    assert fetch(period_1, "SELECT rag, author FROM tracker_overrides ORDER BY override_id") == [
        ("Amber", "Programme manager"),
        (None, "Chair"),
    ]


def test_override_needs_a_unique_target_reason_and_author(period_1: Path) -> None:
    with pytest.raises(report.OverrideError, match="matches 2"):
        report.apply_override(period_1, "Launch", "Green", reason="x", author="y")
    with pytest.raises(report.OverrideError, match="No milestone"):
        report.apply_override(period_1, "no such thing", "Green", reason="x", author="y")
    with pytest.raises(report.OverrideError, match="reason and an author"):
        report.apply_override(period_1, "Audit EHC plan quality", "Green", reason=" ", author="y")


# ---------------------------------------------------------------- beside SEN2


def test_sen2_and_tracker_share_one_warehouse_undisturbed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEND_HASH_KEY", "same-key-for-both-folders")
    data = tmp_path / "data"
    sen2_only = tmp_path / "sen2_only"
    flat = write_flat(tmp_path / "cases.csv")
    run_load([flat], sen2_only)
    run_load([flat], data)
    run_load([tb.golden_period_1(tmp_path / "march.xlsx")], data)
    for table in ("requests", "assessment", "warehouse_meta"):
        columns = "* EXCLUDE (built_at)" if table == "warehouse_meta" else "*"
        assert fetch(data, f"SELECT {columns} FROM {table} ORDER BY ALL") == fetch(
            sen2_only, f"SELECT {columns} FROM {table} ORDER BY ALL"
        ), table
    log = fetch(
        data,
        "SELECT file, rows_read, rows_loaded + rows_rejected + rows_superseded "
        "FROM load_log ORDER BY load_id",
    )
    assert all(read == total for _, read, total in log)
    assert len(items(data)) == 11


def test_a_name_wrapped_straight_after_its_prefix_keeps_its_workstream(tmp_path: Path) -> None:
    """Real highlight reports wrap long names inside the cell, sometimes right after the prefix:
    "WSA -⏎Implementation of revised High Needs Funding Matrix⏎(phase 2)". The prefix still names
    the workstream, and the name reads as one line."""
    wrapped = "WSA -\nImplementation of revised High Needs Funding Matrix\n(phase 2)"
    data = tmp_path / "data"
    path = tb.write_highlight_report(
        tmp_path / "wrapped.xlsx",
        [(wrapped, tb.d("01/01/2026"), tb.d("30/06/2026"), 0.5)],
        report_period="31/03/26",
    )
    run_load([path], data)
    got = items(data)
    name = "Implementation of revised High Needs Funding Matrix (phase 2)"
    assert got[name]["workstream"] == "WSA"
    assert stage.split_workstream("WSC:\r\nTrain caseworkers") == ("WSC", "Train caseworkers")
    assert stage.split_workstream("Start a newsletter") == (None, "Start a newsletter")
