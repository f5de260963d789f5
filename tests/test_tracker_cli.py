"""The CLI on tracker files, as a user runs it (a separate process): load, milestones, kpis,
override, and the demo's synthetic trackers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from etl.inputs.tracker import demo as tracker_demo
from tests import tracker_builders as tb
from tests.test_cli import etl


def test_load_then_milestones_json(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    source = tb.golden_period_1(tmp_path / "march.xlsx")
    loaded = etl("load", str(source), "--data-dir", data, "--json")
    assert loaded.returncode == 0, loaded.stderr
    [file] = json.loads(loaded.stdout)["files"]
    assert (file["rows_read"], file["rows_loaded"], file["rows_rejected"]) == (20, 15, 5)

    out = etl("milestones", "--json", "--data-dir", data)
    assert out.returncode == 0, out.stderr
    milestones = json.loads(out.stdout)
    assert len(milestones) == 11
    by_name = {m["name"]: m for m in milestones}
    toolkit = by_name["Refresh the graduated approach toolkit"]
    assert {k: toolkit[k] for k in ("workstream", "start", "end", "pct_complete", "rag")} == {
        "workstream": "WSB",
        "start": "2025-09-01",
        "end": "2026-02-28",
        "pct_complete": 80.0,
        "rag": "Red",
    }
    senco = by_name["Launch the SENCO network"]
    assert (senco["start"], senco["rag"], senco["reported_status"]) == (None, "Amber", None)
    assert by_name["Publish the short-breaks offer"]["reported_status"] == "Complete"
    assert {m["rag"] for m in milestones} <= {"Complete", "Not started", "Green", "Amber", "Red"}

    human = etl("milestones", "--data-dir", data)
    assert human.returncode == 0
    assert "reported On Target, computed Red" in human.stdout


def test_kpis_gain_a_milestones_section(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    etl("load", str(tb.golden_period_1(tmp_path / "march.xlsx")), "--data-dir", data)
    out = etl("kpis", "--json", "--data-dir", data)
    assert out.returncode == 0, out.stderr
    # tests/tracker_builders.py: Complete 1, Not started 1, Green 5, Amber 2, Red 2.
    assert json.loads(out.stdout)["milestones"] == {
        "Complete": 1,
        "Not started": 1,
        "Green": 5,
        "Amber": 2,
        "Red": 2,
    }


def test_kpis_milestones_zero_without_trackers(tmp_path: Path) -> None:
    from tests.golden_fixture import write_flat

    data = str(tmp_path / "data")
    etl("load", str(write_flat(tmp_path / "cases.csv")), "--data-dir", data)
    out = etl("kpis", "--json", "--data-dir", data)
    assert json.loads(out.stdout)["milestones"] == {
        "Complete": 0,
        "Not started": 0,
        "Green": 0,
        "Amber": 0,
        "Red": 0,
    }
    none = etl("milestones", "--json", "--data-dir", data)
    assert none.returncode == 1 and json.loads(none.stdout) == []


def test_milestones_as_of_picks_the_period(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    etl(
        "load",
        str(tb.golden_period_1(tmp_path / "m.xlsx")),
        str(tb.golden_period_2(tmp_path / "a.xlsx")),
        "--data-dir",
        data,
    )
    march = json.loads(
        etl("milestones", "--json", "--as-of", "2026-04-15", "--data-dir", data).stdout
    )
    april = json.loads(etl("milestones", "--json", "--data-dir", data).stdout)
    assert {m["report_date"] for m in march} == {"2026-03-31"} and len(march) == 11
    assert {m["report_date"] for m in april} == {"2026-04-30"} and len(april) == 10
    assert etl("milestones", "--as-of", "2026-02-01", "--data-dir", data).returncode == 1
    assert etl("milestones", "--as-of", "01/31/2026", "--data-dir", data).returncode == 2


def test_override_command(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    etl("load", str(tb.golden_period_1(tmp_path / "march.xlsx")), "--data-dir", data)
    done = etl(
        "override",
        "Audit EHC plan quality",
        "--rag",
        "Green",
        "--reason",
        "Fieldwork finished",
        "--author",
        "Programme manager",
        "--data-dir",
        data,
        "--json",
    )
    assert done.returncode == 0, done.stderr
    shown = {
        m["name"]: m for m in json.loads(etl("milestones", "--json", "--data-dir", data).stdout)
    }
    audit = shown["Audit EHC plan quality"]
    assert (audit["rag"], audit["computed_rag"]) == ("Green", "Amber")
    assert audit["override"]["reason"] == "Fieldwork finished"
    assert audit["override"]["author"] == "Programme manager"
    ambiguous = etl(
        "override", "Launch", "--rag", "Red", "--reason", "r", "--author", "a", "--data-dir", data
    )
    assert ambiguous.returncode == 2 and "matches 2" in ambiguous.stderr
    missing = etl(
        "override",
        "nothing like this",
        "--rag",
        "Red",
        "--reason",
        "r",
        "--author",
        "a",
        "--data-dir",
        data,
    )
    assert missing.returncode == 1
    assert (
        etl(
            "override",
            "Audit",
            "--rag",
            "Purple",
            "--reason",
            "r",
            "--author",
            "a",
            "--data-dir",
            data,
        ).returncode
        == 2
    )


def test_a_file_that_is_neither_sen2_nor_a_tracker(tmp_path: Path) -> None:
    budget = tmp_path / "budget.csv"
    budget.write_text("Line,Amount\nStaff,100\n")
    out = etl("load", str(budget), "--data-dir", str(tmp_path / "data"))
    assert out.returncode == 1
    assert "no sheet with recognisable SEN2 headers" in out.stdout
    assert "improvement-plan tracker sheet" in out.stdout


def test_demo_trackers_are_deterministic_and_load_cleanly(tmp_path: Path) -> None:
    import datetime as dt

    snapshot = dt.date(2026, 11, 1)
    first = tracker_demo.generate(tmp_path / "one", seed=3, snapshot=snapshot)
    second = tracker_demo.generate(tmp_path / "two", seed=3, snapshot=snapshot)
    assert (
        [p.name for p in first]
        == [p.name for p in second]
        == [
            "demo_highlight_report_2026_08.xlsx",
            "demo_highlight_report_2026_09.xlsx",
            "demo_highlight_report_2026_10.xlsx",
            "demo_action_log_2026_09.xlsx",
            "demo_action_log_2026_10.xlsx",
        ]
    )
    from etl.readers import read_file

    for a, b in zip(first, second, strict=True):
        assert [s.rows for s in read_file(a)] == [s.rows for s in read_file(b)]
    from etl.warehouse import run_load

    data = tmp_path / "data"
    report = run_load(first, data, synthetic=True)
    assert all(
        s["rows_rejected"] == 0 and s["rows_loaded"] == s["rows_read"] for s in report.summary
    )
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        periods = con.execute(
            "SELECT plan, count(*) FROM plan_periods GROUP BY plan ORDER BY 1"
        ).fetchall()
        slipped = con.execute(
            "SELECT count(*) FROM plan_changes_at(NULL) WHERE change = 'End date slipped'"
        ).fetchone()
    finally:
        con.close()
    # "Demo Borough SEND Improvement Programme" (highlight report): 3 periods; "Demo Borough
    # Written Statement of Action" (action log): 2.
    assert [n for _, n in periods] == [3, 2]
    assert slipped == (2,)  # the two milestones moved two months later in the last report
