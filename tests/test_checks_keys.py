"""Key checks: duplicate ids, rows whose parent was not loaded (and the cascade below them),
reloading, superseding by a newer file, and keys made from person + received date."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from etl.warehouse import LoadReport
from tests import sen2_builders as b

D = dt.date
KEY_RULES = {"duplicate_key", "orphan_row", "key_missing"}
BLADE_REQUESTS = b.BLADE_PREFIX + "requests.csv"
BLADE_ASSESSMENT = b.BLADE_PREFIX + "assessment.csv"


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _key_problems(report: LoadReport) -> list[tuple[object, ...]]:
    return sorted(
        (p for p in b.problems(report) if p[4] in KEY_RULES),
        key=lambda p: (p[0], p[1] or "", p[2] or 0, p[4]),
    )


# --- pass --------------------------------------------------------------------------------------


def test_linked_rows_with_unique_ids_all_load(tmp_path: Path) -> None:
    # A Blade set: 2 children, 3 requests, 2 assessments, every link present.
    folder = tmp_path / "blade"
    b.write_blade_set(
        folder,
        person=[b.person("1"), b.person("2")],
        requests=[b.request("10", "1"), b.request("11", "1"), b.request("12", "2")],
        assessment=[b.assessment("100", "10"), b.assessment("101", "12")],
    )
    report = b.load(folder, tmp_path / "data")
    assert _key_problems(report) == []
    assert b.counts(tmp_path / "data") == {"person": 2, "requests": 3, "assessment": 2}
    # Every assessment is joined to its request, and every request to its child.
    assert b.query(
        tmp_path / "data",
        """
        SELECT count(*) FROM assessment a JOIN requests r USING (request_key)
        JOIN person p USING (person_key)""",
    ) == [(2,)]
    b.assert_nothing_lost(tmp_path / "data")


# --- duplicates ---------------------------------------------------------------------------------


def test_duplicate_request_id_keeps_the_first_row(tmp_path: Path) -> None:
    # Requests rows 2 (R1), 3 (R2), 4 (R1 again, different date): row 4 is rejected.
    path = b.write_module_workbook(
        tmp_path / "keys.xlsx",
        person=[b.person("P1")],
        requests=[
            b.request("R1", "P1"),
            b.request("R2", "P1"),
            b.request("R1", "P1", received_date=D(2024, 3, 1)),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _key_problems(report) == [("keys.xlsx", "Requests", 4, None, "duplicate_key", "error")]
    [message] = b.messages(report, "duplicate_key")
    assert "already on row 2" in message
    assert b.loaded_rows(tmp_path / "data", "requests") == [
        ("keys.xlsx", "Requests", 2),
        ("keys.xlsx", "Requests", 3),
    ]
    # The kept R1 is the first row's: received 10 Jan, not 1 Mar.
    assert D(2024, 3, 1) not in {
        r[0] for r in b.query(tmp_path / "data", "SELECT received_date FROM requests")
    }
    b.assert_nothing_lost(tmp_path / "data")


def test_several_duplicates(tmp_path: Path) -> None:
    # Person rows 2, 3: P1 twice                    -> row 3 duplicate of row 2
    # Requests rows 2, 3, 5: R1; row 4: R2          -> rows 3 and 5 duplicates of row 2
    # Assessments rows 2, 3: A1 twice (for R1, R2)  -> row 3 duplicate of row 2
    path = b.write_module_workbook(
        tmp_path / "keys.xlsx",
        person=[b.person("P1"), b.person("P1", birth_date=D(2016, 1, 1))],
        requests=[
            b.request("R1", "P1"),
            b.request("R1", "P1"),
            b.request("R2", "P1"),
            b.request("R1", "P1"),
        ],
        assessment=[b.assessment("A1", "R1"), b.assessment("A1", "R2")],
    )
    report = b.load(path, tmp_path / "data")
    assert _key_problems(report) == [
        ("keys.xlsx", "Assessments", 3, None, "duplicate_key", "error"),
        ("keys.xlsx", "Person", 3, None, "duplicate_key", "error"),
        ("keys.xlsx", "Requests", 3, None, "duplicate_key", "error"),
        ("keys.xlsx", "Requests", 5, None, "duplicate_key", "error"),
    ]
    assert all("already on row 2" in m for m in b.messages(report, "duplicate_key"))
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 2, "assessment": 1}
    log = b.load_log(tmp_path / "data")["keys.xlsx"]
    # 2 + 4 + 2 = 8 read; 4 loaded (P1, R1, R2, A1); 4 rejected.
    assert (log["rows_read"], log["rows_loaded"], log["rows_rejected"]) == (8, 4, 4)
    b.assert_nothing_lost(tmp_path / "data")


# --- orphans and the cascade -------------------------------------------------------------------


def test_request_for_an_absent_child_is_an_orphan(tmp_path: Path) -> None:
    # Blade requests line 3 points to persontableid 9, which is not in the person file.
    folder = tmp_path / "blade"
    b.write_blade_set(
        folder, person=[b.person("1")], requests=[b.request("10", "1"), b.request("11", "9")]
    )
    report = b.load(folder, tmp_path / "data")
    assert _key_problems(report) == [(BLADE_REQUESTS, None, 3, None, "orphan_row", "error")]
    [message] = b.messages(report, "orphan_row")
    assert "child (Person ID / persontableid)" in message
    assert b.loaded_rows(tmp_path / "data", "requests") == [(BLADE_REQUESTS, None, 2)]
    b.assert_nothing_lost(tmp_path / "data")


def test_orphans_cascade_to_assessments(tmp_path: Path) -> None:
    # Request 11 (requests line 3) is an orphan, so assessment 101 (assessment line 3) has no
    # loaded request either: both are rejected. Request 12 (line 4) is rejected for a bad date;
    # its assessment 102 (line 4) is then an orphan too. Request 10 and assessment 100 load.
    folder = tmp_path / "blade"
    b.write_blade_set(
        folder,
        person=[b.person("1")],
        requests=[
            b.request("10", "1"),
            b.request("11", "9"),
            b.request("12", "1", received_date="2024-Feb-30 00:00:00"),
        ],
        assessment=[
            b.assessment("100", "10"),
            b.assessment("101", "11"),
            b.assessment("102", "12"),
        ],
    )
    report = b.load(folder, tmp_path / "data")
    assert _key_problems(report) == [
        (BLADE_ASSESSMENT, None, 3, None, "orphan_row", "error"),
        (BLADE_ASSESSMENT, None, 4, None, "orphan_row", "error"),
        (BLADE_REQUESTS, None, 3, None, "orphan_row", "error"),
    ]
    assert b.problems(report, "date_impossible") == [
        (BLADE_REQUESTS, None, 4, "receiveddate", "date_impossible", "error")
    ]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 1, "assessment": 1}
    log = b.load_log(tmp_path / "data")
    assert (log[BLADE_REQUESTS]["rows_loaded"], log[BLADE_REQUESTS]["rows_rejected"]) == (1, 2)
    assert (log[BLADE_ASSESSMENT]["rows_loaded"], log[BLADE_ASSESSMENT]["rows_rejected"]) == (1, 2)
    b.assert_nothing_lost(tmp_path / "data")


def test_blank_ids_are_key_missing(tmp_path: Path) -> None:
    # Person row 3 has no person id; Requests row 3 has no request id; Requests row 4 no
    # person id. Each row is rejected with key_missing naming the column.
    path = b.write_module_workbook(
        tmp_path / "keys.xlsx",
        person=[b.person("P1"), b.person(None)],  # type: ignore[arg-type]
        requests=[b.request("R1", "P1"), b.request(None, "P1"), b.request("R3", None)],
    )
    report = b.load(path, tmp_path / "data")
    assert _key_problems(report) == [
        ("keys.xlsx", "Person", 3, "PersonID", "key_missing", "error"),
        ("keys.xlsx", "Requests", 3, "RequestID", "key_missing", "error"),
        ("keys.xlsx", "Requests", 4, "PersonID", "key_missing", "error"),
    ]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 1, "assessment": 0}
    b.assert_nothing_lost(tmp_path / "data")


# --- reloading and superseding -----------------------------------------------------------------


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = b.write_flat_csv(tmp_path / "cases.csv", [b.case("C1", "R1"), b.case("C2", "R2")])
    data = tmp_path / "data"
    first = b.load(path, data)
    assert [r.status for r in first.files] == ["staged"]
    published = data / "warehouse.duckdb"
    before = (published.read_bytes(), published.stat().st_mtime_ns)
    log_before = b.load_log(data)

    # The same bytes under another name are the same file too.
    copy = shutil.copy(path, tmp_path / "cases (copy).csv")
    second = b.load([path, Path(copy)], data)
    assert [(r.path.name, r.status) for r in second.files] == [
        ("cases.csv", "skipped"),
        ("cases (copy).csv", "skipped"),
    ]
    assert "already loaded" in second.files[0].message
    assert second.published is False
    assert (published.read_bytes(), published.stat().st_mtime_ns) == before
    assert b.load_log(data) == log_before
    assert b.counts(data) == {"person": 2, "requests": 2, "assessment": 2}


def test_newer_file_supersedes_older_rows(tmp_path: Path) -> None:
    # October list: R1 awaiting a decision (line 2), R2 (line 3). November list: R1 now agreed
    # (line 2). After both loads R1 comes from November, R2 from October; October's line 2 is
    # superseded (not rejected) and there is no duplicate_key problem.
    data = tmp_path / "data"
    october = b.write_flat_csv(
        tmp_path / "october.csv",
        [
            b.case(
                "C1",
                "R1",
                request_outcome="A",
                request_outcome_date=None,
                assessment_outcome=None,
                assessment_outcome_date=None,
                week20=None,
            ),
            b.case("C2", "R2"),
        ],
    )
    november = b.write_flat_csv(tmp_path / "november.csv", [b.case("C1", "R1")])
    b.load(october, data)
    report = b.load(november, data)
    assert _key_problems(report) == []
    assert sorted(
        b.query(data, "SELECT source_file, source_row, request_outcome FROM requests")
    ) == [("november.csv", 2, "Y"), ("october.csv", 3, "Y")]
    log = b.load_log(data)
    # October: 2 read = 1 loaded (line 3) + 1 superseded (line 2; its person C1 and request R1
    # both come from November now). November: 1 read, 1 loaded.
    assert {
        k: log["october.csv"][k]
        for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_superseded")
    } == {"rows_read": 2, "rows_loaded": 1, "rows_rejected": 0, "rows_superseded": 1}
    assert {
        k: log["november.csv"][k]
        for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_superseded")
    } == {"rows_read": 1, "rows_loaded": 1, "rows_rejected": 0, "rows_superseded": 0}
    b.assert_nothing_lost(data)


# --- keys from person + received date ----------------------------------------------------------


def test_flat_list_without_request_id_keys_by_person_and_date(tmp_path: Path) -> None:
    # No Request ID column. Lines: 2 C1 10/01/2024, 3 C1 01/03/2024 (a second request),
    # 4 C2 10/01/2024 (another child, same day), 5 C1 10/01/2024 again -> duplicate of line 2
    # (given no assessment, so that only its request is a duplicate).
    columns = [c for c in b.FLAT_COLUMNS if c != "request_id"]
    path = b.write_flat_csv(
        tmp_path / "cases.csv",
        [
            b.case("C1", None),
            b.case(
                "C1",
                None,
                received_date=D(2024, 3, 1),
                request_outcome="A",
                request_outcome_date=None,
                assessment_outcome=None,
                assessment_outcome_date=None,
                week20=None,
            ),
            b.case("C2", None),
            b.case(
                "C1",
                None,
                request_outcome="N",
                assessment_outcome=None,
                assessment_outcome_date=None,
                week20=None,
            ),
        ],
        columns=columns,
    )
    report = b.load(path, tmp_path / "data")
    assert _key_problems(report) == [("cases.csv", None, 5, None, "duplicate_key", "error")]
    assert "already on row 2" in b.messages(report, "duplicate_key")[0]
    assert b.counts(tmp_path / "data") == {"person": 2, "requests": 3, "assessment": 2}
    b.assert_nothing_lost(tmp_path / "data")

    # A later list with C1's 10/01/2024 request again supersedes line 2 rather than duplicating,
    # and line 5 too, line 2's duplicate: that request now comes from the later list, so the
    # duplicate leaves the problem list (issue 9). Line 5 fed nothing else (C1's person record is
    # line 2's, and it had no assessment): 2 superseded.
    later = b.write_flat_csv(
        tmp_path / "later.csv", [b.case("C1", None, request_outcome="N")], columns=columns
    )
    report = b.load(later, tmp_path / "data")
    assert b.counts(tmp_path / "data")["requests"] == 3
    assert b.load_log(tmp_path / "data")["cases.csv"]["rows_superseded"] == 2
    assert _key_problems(report) == []
    b.assert_nothing_lost(tmp_path / "data")


# --- bugs ----------------------------------------------------------------------------------------


def test_flat_row_with_blank_request_id_is_not_lost(tmp_path: Path) -> None:
    # Lines 2 and 4 have request ids; line 3 (C1's second request) has none. It must end up
    # loaded (keyed by person + date) or rejected with a problem on line 3 — not vanish.
    path = b.write_flat_csv(
        tmp_path / "cases.csv",
        [b.case("C1", "R1"), b.case("C1", None, received_date=D(2024, 2, 10)), b.case("C2", "R3")],
    )
    report = b.load(path, tmp_path / "data")
    in_requests = b.counts(tmp_path / "data")["requests"] == 3
    reported = any(p[2] == 3 and p[5] == "error" for p in b.problems(report))
    assert in_requests or reported
    b.assert_nothing_lost(tmp_path / "data")


def test_assessment_with_blank_request_id_and_no_own_id_is_not_lost(tmp_path: Path) -> None:
    # The assessment file has no assessmenttableid column. Line 2 links to request 10; line 3
    # has a blank requeststableid: it must be rejected (orphan_row or key_missing) on line 3.
    folder = tmp_path / "blade"
    b.write_blade_set(
        folder,
        person=[b.person("1")],
        requests=[b.request("10", "1")],
        assessment=[
            {k: v for k, v in b.assessment(None, r).items() if k != "assessment_id"}
            for r in ("10", None)
        ],
    )
    report = b.load(folder, tmp_path / "data")
    assert [p[2] for p in b.problems(report) if p[0] == BLADE_ASSESSMENT and p[5] == "error"] == [3]
    b.assert_nothing_lost(tmp_path / "data")


def test_same_file_twice_in_one_load_is_staged_once(tmp_path: Path) -> None:
    path = b.write_flat_csv(tmp_path / "cases.csv", [b.case("C1", "R1")])
    report = b.load([path, path], tmp_path / "data")
    assert [r.status for r in report.files] == ["staged", "skipped"]


def test_flat_workbook_with_a_sheet_per_year(tmp_path: Path) -> None:
    # Sheet "2023": C2's request (row 2), C1's first request (row 3). Sheet "2024": C1's second
    # request (row 2). One child with two requests on two sheets is not a duplicate: 2 children,
    # 3 requests, 3 plans, every row loaded, no error.
    path = b.write_xlsx(
        tmp_path / "years.xlsx",
        {
            "2023": b.table(
                [
                    b.case("C2", "R0"),
                    b.case(
                        "C1",
                        "R1",
                        received_date=D(2023, 5, 1),
                        request_outcome_date=D(2023, 6, 1),
                        assessment_outcome_date=D(2023, 9, 1),
                    ),
                ]
            ),
            "2024": b.table([b.case("C1", "R2")]),
        },
    )
    report = b.load(path, tmp_path / "data")
    assert _key_problems(report) == []
    log = b.load_log(tmp_path / "data")["years.xlsx"]
    assert (log["rows_read"], log["rows_loaded"], log["rows_rejected"]) == (3, 3, 0)
