"""File-level checks (DESIGN §6, §8): a file with a missing required column, an unreadable file
or a file with no SEN2 sheet loads nothing and says why, while other files in the same load
still load; unrecognised sheets and unused columns are queries; CLI exit codes and --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.__main__ import main
from etl.config import Pseudonymiser
from etl.warehouse import stage_file
from tests import sen2_builders as b

REQUESTS_WITHOUT_RECEIVED = ["request_id", "person_id", "request_outcome", "request_outcome_date"]


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _good_flat(path: Path) -> Path:
    """Two clean cases: 2 children, 2 requests, 2 issued plans."""
    return b.write_flat_csv(path, [b.case("C1", "R1"), b.case("C2", "R2")])


def _workbook_without_received_date(path: Path) -> Path:
    # Person and Assessments sheets are fine; the Requests sheet has no ReceivedDate column.
    return b.write_module_workbook(
        path,
        person=[b.person("P1")],
        requests=[b.request("R1", "P1")],
        assessment=[b.assessment("A1", "R1")],
        columns={"requests": REQUESTS_WITHOUT_RECEIVED},
    )


# --- pass --------------------------------------------------------------------------------------


def test_clean_files_have_no_file_problems(tmp_path: Path) -> None:
    report = b.load(_good_flat(tmp_path / "cases.csv"), tmp_path / "data")
    assert [(r.status, r.shape) for r in report.files] == [("staged", "flat case list")]
    assert [p for p in b.problems(report) if p[2] is None] == []  # no file- or sheet-level rows
    assert b.counts(tmp_path / "data") == {"person": 2, "requests": 2, "assessment": 2}
    [summary] = report.summary
    assert summary["as_of"] is None  # no --as-of given: a real null, not "NaT"
    b.assert_nothing_lost(tmp_path / "data")


# --- required column missing ---------------------------------------------------------------------


def test_missing_required_column_loads_nothing_from_the_file(tmp_path: Path) -> None:
    bad = _workbook_without_received_date(tmp_path / "modules.xlsx")
    good = _good_flat(tmp_path / "cases.csv")
    report = b.load([bad, good], tmp_path / "data")
    assert b.problems(report, "column_missing") == [
        ("modules.xlsx", "Requests", None, None, "column_missing", "error")
    ]
    [message] = b.messages(report, "column_missing")
    assert "'ReceivedDate'" in message
    assert "nothing was loaded" in message
    # Nothing from modules.xlsx, not even its good Person and Assessments sheets; all of
    # cases.csv.
    folder = tmp_path / "data"
    assert {
        r[0] for t in ("person", "requests", "assessment") for r in b.loaded_rows(folder, t)
    } == {"cases.csv"}
    assert b.counts(folder) == {"person": 2, "requests": 2, "assessment": 2}
    log = b.load_log(folder)
    assert (
        log["modules.xlsx"]["status"],
        log["modules.xlsx"]["rows_read"],
        log["modules.xlsx"]["rows_loaded"],
    ) == ("failed", 0, 0)
    assert log["cases.csv"]["rows_loaded"] == 2
    b.assert_nothing_lost(folder)


def test_several_missing_columns_are_all_named(tmp_path: Path) -> None:
    # A Blade requests file with neither receiveddate, requestoutcome nor any link to the child:
    # one file-level problem naming all three groups.
    folder = tmp_path / "blade"
    [path] = b.write_blade_set(
        folder,
        requests=[{"request_id": "10", "request_outcome_date": "2024-Feb-05 00:00:00", "rya": 0}],
    )
    result = stage_file(path, Pseudonymiser(b"k"))
    assert result.status == "failed"
    assert [(p.file, p.sheet, p.row, p.column, p.rule, p.severity) for p in result.problems] == [
        (path.name, None, None, None, "column_missing", "error")
    ]
    assert "'ReceivedDate'" in result.message
    assert "'RequestOutcome'" in result.message
    assert "'persontableid' or 'UPN'" in result.message


def test_missing_column_in_a_blade_file_leaves_the_other_blade_files_loading(
    tmp_path: Path,
) -> None:
    # The assessment file lacks assessmentoutcome: it fails alone; person and requests load.
    folder = tmp_path / "blade"
    b.write_blade_set(
        folder,
        person=[b.person("1")],
        requests=[b.request("10", "1")],
        assessment=[{"assessment_id": "100", "request_id": "10", "week20": 0}],
    )
    report = b.load(folder, tmp_path / "data")
    assert b.problems(report, "column_missing") == [
        (b.BLADE_PREFIX + "assessment.csv", None, None, None, "column_missing", "error")
    ]
    assert "'AssessmentOutcome'" in b.messages(report, "column_missing")[0]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 1, "assessment": 0}


# --- unreadable / no sheet ---------------------------------------------------------------------


def test_unreadable_file_does_not_stop_the_others(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a zip file at all" * 20)
    report = b.load([broken, _good_flat(tmp_path / "cases.csv")], tmp_path / "data")
    assert b.problems(report, "file_unreadable") == [
        ("broken.xlsx", None, None, None, "file_unreadable", "error")
    ]
    assert [r.status for r in report.files] == ["failed", "staged"]
    assert b.counts(tmp_path / "data")["requests"] == 2
    log = b.load_log(tmp_path / "data")
    assert (log["broken.xlsx"]["status"], log["broken.xlsx"]["rows_read"]) == ("failed", 0)
    b.assert_nothing_lost(tmp_path / "data")


def test_workbook_with_no_recognisable_sheet(tmp_path: Path) -> None:
    # A budget workbook: headers that are nothing like SEN2.
    path = b.write_xlsx(
        tmp_path / "budget.xlsx",
        {
            "Summary": [["Month", "Spend", "Budget"], ["Jan", 100, 120]],
            "Notes": [["Prepared by finance"]],
        },
    )
    report = b.load(path, tmp_path / "data")
    assert b.problems(report) == [("budget.xlsx", None, None, None, "file_no_sheet", "error")]
    assert "no sheet with recognisable SEN2 headers" in b.messages(report, "file_no_sheet")[0]
    assert report.files[0].status == "failed"


@pytest.mark.parametrize("name", ["empty.csv", "blank.xlsx"])
def test_empty_files_have_no_sheet(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("")
    else:
        b.write_xlsx(path, {"Sheet1": []})
    # File-level: found while staging, no warehouse build needed.
    assert b.staged_problems(path) == [(name, None, None, None, "file_no_sheet", "error")]


# --- queries: extra sheets and columns ---------------------------------------------------------


def test_notes_sheet_is_a_query_and_the_rest_loads(tmp_path: Path) -> None:
    path = b.write_module_workbook(
        tmp_path / "modules.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1")],
        extra_sheets={
            "Notes": [
                ["Extract taken from the case system on 1 November 2026"],
                ["Contact the SEND data team with questions"],
            ]
        },
    )
    report = b.load(path, tmp_path / "data")
    # Issue 9: the sheet's two rows are read and rejected, so the load log adds up.
    assert b.problems(report) == [
        ("modules.xlsx", "Notes", None, None, "sheet_not_recognised", "query"),
        ("modules.xlsx", "Notes", 1, None, "sheet_not_loaded", "error"),
        ("modules.xlsx", "Notes", 2, None, "sheet_not_loaded", "error"),
    ]
    assert "not loaded" in b.messages(report, "sheet_not_recognised")[0]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 1, "assessment": 0}
    # Person row 2 + Requests row 2 loaded, Notes rows 1-2 rejected: 4 read.
    entry = b.load_log(tmp_path / "data")["modules.xlsx"]
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_rejected"]) == (4, 2, 2)
    b.assert_nothing_lost(tmp_path / "data")
    # Empty sheets are layout, not data: no query for them.
    empty = b.write_module_workbook(
        tmp_path / "with_blank.xlsx", person=[b.person("P2")], extra_sheets={"Sheet2": []}
    )
    assert b.staged_problems(empty) == []


def test_unknown_columns_are_named_in_a_query(tmp_path: Path) -> None:
    # Flat xlsx, header on row 4: two columns this tool does not use. Blade metadata columns
    # (NativeId, *orderseqcolumn, sourceid) are known and not reported.
    path = b.write_flat_xlsx(
        tmp_path / "cases.xlsx",
        [
            b.case(
                "C1",
                "R1",
                **{
                    "Social worker": "A. Smith",
                    "Team": "North",
                    "NativeId": "7",
                    "requestsorderseqcolumn": "1",
                    "sourceid": "x",
                },
            )
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert b.problems(report) == [("cases.xlsx", "Cases", 4, None, "column_not_used", "query")]
    [message] = b.messages(report, "column_not_used")
    assert message.endswith("Social worker, Team")
    assert b.counts(tmp_path / "data")["requests"] == 1
    b.assert_nothing_lost(tmp_path / "data")


def test_unknown_columns_on_several_sheets(tmp_path: Path) -> None:
    # One query per sheet, each on that sheet's header row (row 1).
    path = b.write_module_workbook(
        tmp_path / "modules.xlsx",
        person=[b.person("P1", Postcode_area="AB1")],
        requests=[b.request("R1", "P1", Caseworker="J", Panel="Yes")],
    )
    result = stage_file(path, Pseudonymiser(b"k"))
    assert [(p.file, p.sheet, p.row, p.column, p.rule, p.severity) for p in result.problems] == [
        ("modules.xlsx", "Person", 1, None, "column_not_used", "query"),
        ("modules.xlsx", "Requests", 1, None, "column_not_used", "query"),
    ]
    assert [p.message.split(": ")[-1] for p in result.problems] == [
        "Postcode_area",
        "Caseworker, Panel",
    ]


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_load_exit_codes(tmp_path: Path) -> None:
    good = _good_flat(tmp_path / "cases.csv")
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"garbage" * 10)
    all_rejected = b.write_flat_csv(
        tmp_path / "rejected.csv", [b.case("C9", "R9", received_date="31/02/2024")]
    )
    data = str(tmp_path / "data")
    # Something loaded but a file alongside was refused whole -> 3 (issue 10: a script must not
    # take it for a full load).
    assert main(["load", str(good), str(bad), "--data-dir", data]) == 3
    assert main(["load", str(good), "--data-dir", str(tmp_path / "d1")]) == 0
    # Nothing could be loaded: an unreadable file, or a file whose every row is rejected -> 1.
    assert main(["load", str(bad), "--data-dir", str(tmp_path / "d2")]) == 1
    assert main(["load", str(all_rejected), "--data-dir", str(tmp_path / "d3")]) == 1
    assert main(["load", str(tmp_path / "missing.csv"), "--data-dir", str(tmp_path / "d4")]) == 1


@pytest.mark.parametrize(
    "argv",
    [
        [],  # no command
        ["frobnicate"],  # unknown command
        ["load"],  # no file
        ["load", "x.csv", "--as-of", "31/02/2024"],  # impossible date
        ["load", "x.csv", "--as-of", "12/31/2024"],  # US order
        ["quality", "--severity", "warning"],  # not a severity
    ],
)
def test_cli_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_cli_json_is_json_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _good_flat(tmp_path / "cases.csv")
    bad = _workbook_without_received_date(tmp_path / "modules.xlsx")
    code = main(["load", str(good), str(bad), "--data-dir", str(tmp_path / "data"), "--json"])
    out = capsys.readouterr().out
    payload = json.loads(out)  # the whole of stdout parses
    assert code == 3  # one file loaded, one refused
    files = {f["file"]: f for f in payload["files"]}
    assert (files["cases.csv"]["status"], files["cases.csv"]["rows_loaded"]) == ("staged", 2)
    assert files["modules.xlsx"]["status"] == "failed"
    assert [(p["file"], p["rule"]) for p in payload["problems"]] == [
        ("modules.xlsx", "column_missing")
    ]

    # Loading again: everything skipped, still JSON only, exit 0.
    assert main(["load", str(good), "--data-dir", str(tmp_path / "data"), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert [f["status"] for f in again["files"]] == ["skipped"]


def test_cli_check_json_publishes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _good_flat(tmp_path / "cases.csv")
    data = tmp_path / "data"
    assert main(["check", str(good), "--data-dir", str(data), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["files"][0]["rows_loaded"] == 2
    assert not (data / "warehouse.duckdb").exists()
