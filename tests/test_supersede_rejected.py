"""Rows rejected while staging are superseded by a later file holding the same record (issue 9
item 9): the problem list names a repeated bad row once, from the latest file, and each file's
load log still adds up (rows read = loaded + rejected + superseded)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests import sen2_builders as b

D = dt.date
BLADE_PERSON = b.BLADE_PREFIX + "person.csv"
BLADE_REQUESTS = b.BLADE_PREFIX + "requests.csv"
FATES = ("rows_read", "rows_loaded", "rows_rejected", "rows_superseded")


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _fates(data: Path) -> dict[str, tuple[int, ...]]:
    """(read, loaded, rejected, superseded) by file."""
    return {name: tuple(entry[k] for k in FATES) for name, entry in b.load_log(data).items()}


def _row_errors(data: Path) -> list[tuple[str, str | None, int]]:
    """(file, sheet, row) of every error on a row in the published problem list."""
    return sorted(
        b.query(
            data,
            """SELECT file, sheet, "row" FROM problems
               WHERE severity = 'error' AND "row" IS NOT NULL""",
        ),
        key=lambda r: (r[0], r[1] or "", r[2]),
    )


def test_the_same_bad_row_as_a_workbook_then_as_blade_csvs_is_listed_once(
    tmp_path: Path,
) -> None:
    # The same data twice: children P1, P2; requests R1 (P1, fine) and R2 (P2, received on
    # 30 February: rejected). First as a module workbook (load 1: Person rows 2-3, Requests rows
    # 2-3), then as a Blade set (load 2: person.csv lines 2-3; load 3: requests.csv lines 2-3).
    data = tmp_path / "data"
    people = [b.person("P1"), b.person("P2")]
    workbook = b.write_module_workbook(
        tmp_path / "sen2.xlsx",
        person=people,
        requests=[b.request("R1", "P1"), b.request("R2", "P2", received_date="2024-02-30")],
    )
    b.load(workbook, data)
    assert _row_errors(data) == [("sen2.xlsx", "Requests", 3)]
    # 4 read = 3 loaded (P1, P2, R1) + 1 rejected (R2).
    assert _fates(data) == {"sen2.xlsx": (4, 3, 1, 0)}

    blade = b.write_blade_set(
        tmp_path / "blade",
        person=people,
        requests=[
            b.request("R1", "P1"),
            b.request("R2", "P2", received_date="2024-Feb-30 00:00:00"),
        ],
    )
    report = b.load(blade, data)
    # Once, from the later file (before this fix: twice, once per file).
    assert _row_errors(data) == [(BLADE_REQUESTS, None, 3)]
    assert [(p[0], p[2]) for p in b.problems(report) if p[5] == "error"] == [(BLADE_REQUESTS, 3)]
    # The workbook: 4 read, all superseded — P1, P2 and R1 by the Blade rows, and its rejected R2
    # (Requests row 3) by the Blade set's R2, rejected again there. Blade person: 2 read, 2
    # loaded; Blade requests: 2 read = 1 loaded (R1) + 1 rejected (R2).
    assert _fates(data) == {
        "sen2.xlsx": (4, 0, 0, 4),
        BLADE_PERSON: (2, 2, 0, 0),
        BLADE_REQUESTS: (2, 1, 1, 0),
    }
    b.assert_nothing_lost(data)
    # Rejected rows are kept by keyed hash only, never by the id as written.
    keys = b.query(data, "SELECT module, key, load_id, source_row FROM stg_sen2_rejected")
    assert sorted((m, load, row) for m, _, load, row in keys) == [
        ("requests", 1, 3),
        ("requests", 3, 3),
    ]
    assert all(re.fullmatch(r"[0-9a-f]{32}", k) for _, k, _, _ in keys)


def test_the_same_bad_case_list_row_in_two_different_files_is_listed_once(
    tmp_path: Path,
) -> None:
    # Two case lists with different bytes: October has C1/R1 (line 2, fine) and C2/R2 (line 3,
    # born on 31 February: rejected); November repeats both and adds C3/R3 (line 4). A case-list
    # row is matched by its request (R2), though its bad cell is the child's.
    data = tmp_path / "data"
    bad = b.case("C2", "R2", birth_date="2015-02-31")
    b.load(b.write_flat_csv(tmp_path / "october.csv", [b.case("C1", "R1"), bad]), data)
    assert _row_errors(data) == [("october.csv", None, 3)]
    november = b.write_flat_csv(
        tmp_path / "november.csv", [b.case("C1", "R1"), bad, b.case("C3", "R3")]
    )
    b.load(november, data)
    assert _row_errors(data) == [("november.csv", None, 3)]
    # October: 2 read, both superseded (line 2 by November's C1/R1, line 3 by November's R2).
    # November: 3 read = 2 loaded (lines 2, 4) + 1 rejected (line 3).
    assert _fates(data) == {"october.csv": (2, 0, 0, 2), "november.csv": (3, 2, 1, 0)}
    b.assert_nothing_lost(data)


def test_a_rejected_row_fixed_in_a_later_file_leaves_the_problem_list(tmp_path: Path) -> None:
    # October workbook: Person rows 2 (P1) and 3 (P2, born on 31 February: rejected); Requests
    # rows 2 (R1 of P1) and 3 (R2 of P2: an orphan, as its child was rejected).
    data = tmp_path / "data"
    october = b.write_module_workbook(
        tmp_path / "october.xlsx",
        person=[b.person("P1"), b.person("P2", birth_date="2015-02-31")],
        requests=[b.request("R1", "P1"), b.request("R2", "P2")],
    )
    report = b.load(october, data)
    assert sorted((p[1], p[2], p[4]) for p in b.problems(report) if p[5] == "error") == [
        ("Person", 3, "date_impossible"),
        ("Requests", 3, "orphan_row"),
    ]
    # November workbook: P2 with a good birth date (Person row 2) and R2 again (Requests row 2).
    november = b.write_module_workbook(
        tmp_path / "november.xlsx", person=[b.person("P2")], requests=[b.request("R2", "P2")]
    )
    b.load(november, data)
    assert _row_errors(data) == []
    assert b.counts(data) == {"person": 2, "requests": 2, "assessment": 0}
    # October: 4 read = 2 loaded (P1, R1) + 2 superseded (P2's rejected row, by November's P2;
    # R2's orphan row, by November's R2). November: 2 read, 2 loaded.
    assert _fates(data) == {"october.xlsx": (4, 2, 0, 2), "november.xlsx": (2, 2, 0, 0)}
    b.assert_nothing_lost(data)


def test_a_rejected_row_without_a_usable_id_stays_rejected(tmp_path: Path) -> None:
    # October case list (no Request ID column in line 3's cells): line 2 C1/R1 (fine); line 3 no
    # child id and no request id (rejected: nothing to match it by); line 4 C2 with no request id
    # and received "tbc" (rejected: a request without an id is its child + received date, and the
    # date is unreadable, so it cannot be matched either).
    data = tmp_path / "data"
    october = b.write_flat_csv(
        tmp_path / "october.csv",
        [
            b.case("C1", "R1"),
            b.case(None, None, upn=None),  # type: ignore[arg-type]
            b.case("C2", None, received_date="tbc"),
        ],
    )
    b.load(october, data)
    assert _row_errors(data) == [("october.csv", None, 3), ("october.csv", None, 4)]
    # November: C1/R1 again (line 2) and C2's request with a good date (line 3).
    november = b.write_flat_csv(tmp_path / "november.csv", [b.case("C1", "R1"), b.case("C2", None)])
    b.load(november, data)
    # Lines 3 and 4 of October stay rejected, with their problems; line 2 is superseded.
    assert _row_errors(data) == [("october.csv", None, 3), ("october.csv", None, 4)]
    # October: 3 read = 0 loaded + 2 rejected + 1 superseded. November: 2 read, 2 loaded.
    assert _fates(data) == {"october.csv": (3, 0, 2, 1), "november.csv": (2, 2, 0, 0)}
    b.assert_nothing_lost(data)


def test_a_duplicate_in_an_earlier_file_is_superseded_by_a_later_file(tmp_path: Path) -> None:
    # October: Requests rows 2 and 3 both R1 (row 3 a duplicate_key); November: R1 once (row 2).
    data = tmp_path / "data"
    october = b.write_module_workbook(
        tmp_path / "october.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1"), b.request("R1", "P1")],
    )
    b.load(october, data)
    assert _row_errors(data) == [("october.xlsx", "Requests", 3)]
    november = b.write_module_workbook(
        tmp_path / "november.xlsx", person=[b.person("P1")], requests=[b.request("R1", "P1")]
    )
    b.load(november, data)
    assert _row_errors(data) == []
    # October: 3 read, all superseded (P1, R1 and its duplicate). November: 2 read, 2 loaded.
    assert _fates(data) == {"october.xlsx": (3, 0, 0, 3), "november.xlsx": (2, 2, 0, 0)}
    b.assert_nothing_lost(data)


def test_a_later_rejected_row_does_not_replace_an_earlier_loaded_one(tmp_path: Path) -> None:
    # October: R1 received 10 Jan (line 2, loaded). November: R1 received "tbc" (line 2,
    # rejected). Only rejected rows are superseded: October's R1 stays in the figures, and
    # November's problem is listed.
    data = tmp_path / "data"
    b.load(b.write_flat_csv(tmp_path / "october.csv", [b.case("C1", "R1")]), data)
    november = b.write_flat_csv(
        tmp_path / "november.csv", [b.case("C1", "R1", received_date="tbc")]
    )
    b.load(november, data)
    assert _row_errors(data) == [("november.csv", None, 2)]
    assert b.loaded_rows(data, "requests") == [("october.csv", None, 2)]
    assert _fates(data) == {"october.csv": (1, 1, 0, 0), "november.csv": (1, 0, 1, 0)}
    b.assert_nothing_lost(data)


# --- the modules below Requests (issue 9 item 9, second half) ---------------------------------
# Their ids are system row numbers kept as written for loaded rows; a rejected row keeps only the
# keyed hash of the key it would have had, which the build matches with the same hash of a later
# load's keys.

BLADE_ASSESSMENT = b.BLADE_PREFIX + "assessment.csv"


def test_the_same_bad_assessment_as_a_workbook_then_as_blade_csvs_is_listed_once(
    tmp_path: Path,
) -> None:
    # Children P1, P2; requests R1 (P1), R2 (P2); assessments A1 (R1, fine) and A2 (R2, outcome
    # date 30 February: rejected). First as a module workbook (Person, Requests and Assessments
    # rows 2-3), then as a Blade set (person, requests and assessment lines 2-3).
    data = tmp_path / "data"
    people = [b.person("P1"), b.person("P2")]
    requests = [b.request("R1", "P1"), b.request("R2", "P2")]
    workbook = b.write_module_workbook(
        tmp_path / "sen2.xlsx",
        person=people,
        requests=requests,
        assessment=[
            b.assessment("A1", "R1"),
            b.assessment("A2", "R2", assessment_outcome_date="2024-02-30"),
        ],
    )
    b.load(workbook, data)
    assert _row_errors(data) == [("sen2.xlsx", "Assessments", 3)]
    # 6 read = 5 loaded (P1, P2, R1, R2, A1) + 1 rejected (A2).
    assert _fates(data) == {"sen2.xlsx": (6, 5, 1, 0)}
    blade = b.write_blade_set(
        tmp_path / "blade",
        person=people,
        requests=requests,
        assessment=[
            b.assessment("A1", "R1"),
            b.assessment("A2", "R2", assessment_outcome_date="2024-Feb-30 00:00:00"),
        ],
    )
    b.load(blade, data)
    # Once, from the later file (before this fix: twice, once per file).
    assert _row_errors(data) == [(BLADE_ASSESSMENT, None, 3)]
    # The workbook: 6 read, all superseded — its 5 loaded rows by the Blade rows, its rejected A2
    # (Assessments row 3) by the Blade set's A2, rejected again there. Blade assessment: 2 read =
    # 1 loaded (A1) + 1 rejected (A2); person and requests: 2 read, 2 loaded each.
    assert _fates(data) == {
        "sen2.xlsx": (6, 0, 0, 6),
        BLADE_PERSON: (2, 2, 0, 0),
        BLADE_REQUESTS: (2, 2, 0, 0),
        BLADE_ASSESSMENT: (2, 1, 1, 0),
    }
    b.assert_nothing_lost(data)
    # Both A2 rows are kept by one keyed hash (the same record), never by the id as written.
    rejected = b.query(data, "SELECT module, key, source_sheet, source_row FROM stg_sen2_rejected")
    assert sorted((m, s or "", r) for m, _, s, r in rejected) == [
        ("assessment", "", 3),
        ("assessment", "Assessments", 3),
    ]
    keys = {k for _, k, _, _ in rejected}
    assert len(keys) == 1
    assert all(re.fullmatch(r"[0-9a-f]{32}", k) for k in keys)
    # The build matched them with the key bound as a TEMP table: it is not in the published file,
    # as a table or as the padded key bytes the hash reads.
    tables = "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'pseudonymiser_key'"
    assert b.query(data, tables) == [(0,)]
    padded = b"test-key-not-secret".ljust(64, b"\0")
    published = (data / "warehouse.duckdb").read_bytes()
    assert bytes(x ^ 0x36 for x in padded) not in published
    assert bytes(x ^ 0x5C for x in padded) not in published


def test_lower_module_rows_fixed_in_a_later_file_leave_the_problem_list(tmp_path: Path) -> None:
    # October workbook: Person P1 (row 2); Requests R1 (row 2); Assessments A1 (row 2, week 20
    # exception "maybe": rejected); SEN need of R1, rank 1, type "XYZ" (row 2, not a SEN type:
    # rejected). The SEN need sheet has no need id: its key is its request + rank, hashed.
    data = tmp_path / "data"
    october = b.write_module_workbook(
        tmp_path / "october.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1")],
        assessment=[b.assessment("A1", "R1", week20="maybe")],
        sen_need=[{"request_id": "R1", "sen_type": "XYZ", "sen_type_rank": 1}],
    )
    b.load(october, data)
    assert _row_errors(data) == [
        ("october.xlsx", "Assessments", 2),
        ("october.xlsx", "SEN Need", 2),
    ]
    # November workbook: only the two rows, corrected (Assessments row 2, SEN Need row 2).
    november = b.write_module_workbook(
        tmp_path / "november.xlsx",
        assessment=[b.assessment("A1", "R1")],
        sen_need=[{"request_id": "R1", "sen_type": "ASD", "sen_type_rank": 1}],
    )
    b.load(november, data)
    assert _row_errors(data) == []
    assert b.counts(data, ("assessment", "sen_need")) == {"assessment": 1, "sen_need": 1}
    # October: 4 read = 2 loaded (P1, R1) + 2 superseded (A1 and the need, by November's rows).
    # November: 2 read, 2 loaded.
    assert _fates(data) == {"october.xlsx": (4, 2, 0, 2), "november.xlsx": (2, 2, 0, 0)}
    b.assert_nothing_lost(data)


def test_a_lower_module_row_without_its_id_stays_rejected(tmp_path: Path) -> None:
    # October: Person P1; Requests R1, R2; Assessments row 2 (no assessment id: rejected, nothing
    # to match it by) and row 3 (A2 of R2, outcome date 30 February: rejected).
    data = tmp_path / "data"
    october = b.write_module_workbook(
        tmp_path / "october.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1"), b.request("R2", "P1")],
        assessment=[
            b.assessment(None, "R1"),
            b.assessment("A2", "R2", assessment_outcome_date="2024-02-30"),
        ],
    )
    b.load(october, data)
    assert _row_errors(data) == [
        ("october.xlsx", "Assessments", 2),
        ("october.xlsx", "Assessments", 3),
    ]
    november = b.write_module_workbook(
        tmp_path / "november.xlsx", assessment=[b.assessment("A2", "R2")]
    )
    b.load(november, data)
    # Row 2 stays rejected with its problem; row 3 is superseded by November's A2.
    assert _row_errors(data) == [("october.xlsx", "Assessments", 2)]
    # October: 5 read = 3 loaded (P1, R1, R2) + 1 rejected (row 2) + 1 superseded (row 3).
    # November: 1 read, 1 loaded.
    assert _fates(data) == {"october.xlsx": (5, 3, 1, 1), "november.xlsx": (1, 1, 0, 0)}
    b.assert_nothing_lost(data)


# The demo workbook's sheets and the Blade file each is written as.
DEMO_BLADE = {
    "Person": "person",
    "Requests": "requests",
    "Assessments": "assessment",
    "Named Plan": "namedplan",
    "Active Plan": "activeplans",
    "SEN Need": "senneed",
}


def _blade_cell(value: object) -> object:
    """A workbook cell as a Blade CSV cell: a date as ISO text, a blank as empty."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return "" if value is None else value


@pytest.mark.slow
def test_the_demo_la_as_a_workbook_then_as_blade_csvs_lists_its_errors_once(
    tmp_path: Path,
) -> None:
    """The issue's scenario: the demo LA loaded as its workbook, then the same rows as a Blade
    set. Before issue 9: 37 errors; after its first half: 26 (the 4 rejected Assessments rows
    twice); now 22, as for one copy."""
    import csv

    import openpyxl

    from etl.inputs.sen2.demo import fault_counts, generate

    # The demo plants 3 of each fault kind; 6 kinds are errors on a row: bad dates (Requests
    # date_impossible + date_unreadable, Assessments date_impossible), unknown request outcomes,
    # duplicate request ids, week-20 "maybe" (Assessments), orphan requests and missing received
    # dates: 6 × 3 = 18. The 4 rejected assessments (1 bad date + 3 "maybe") orphan their 4
    # named plans: 18 + 4 = 22 errors. By sheet: Requests 3 + 2 + 3 + 3 + 3 = 14, Assessments
    # 1 + 3 = 4, Named Plan 4.
    assert set(fault_counts().values()) == {3}
    expected = {"Requests": 14, "Assessments": 4, "Named Plan": 4}
    workbook = generate(tmp_path / "in")[0]
    data = tmp_path / "data"
    b.load(workbook, data)

    def errors_by_sheet() -> dict[str, int]:
        rows = b.query(
            data,
            """SELECT coalesce(sheet, file), count(*) FROM problems
               WHERE severity = 'error' GROUP BY ALL""",
        )
        return dict(rows)

    assert errors_by_sheet() == expected
    read = b.load_log(data)[workbook.name]["rows_read"]
    assert _fates(data) == {workbook.name: (read, read - 22, 22, 0)}

    blade = tmp_path / "blade"
    blade.mkdir()
    book = openpyxl.load_workbook(workbook, read_only=True)
    for sheet in book.worksheets:
        out = blade / f"{b.BLADE_PREFIX}{DEMO_BLADE[sheet.title]}.csv"
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for row in sheet.iter_rows(values_only=True):
                writer.writerow([_blade_cell(v) for v in row])
    book.close()
    b.load(blade, data)
    # The same 22 errors, now on the Blade files' lines (14 + 4 + 4), none left on the workbook.
    assert errors_by_sheet() == {
        BLADE_REQUESTS: 14,
        BLADE_ASSESSMENT: 4,
        b.BLADE_PREFIX + "namedplan.csv": 4,
    }
    fates = _fates(data)
    # The workbook's rows are all superseded (its loaded rows and its 22 rejected ones); the
    # Blade files read the same rows and reject the same 22.
    assert fates.pop(workbook.name) == (read, 0, 0, read)
    assert sum(f[0] for f in fates.values()) == read
    assert sum(f[2] for f in fates.values()) == 22
    assert all(f[3] == 0 for f in fates.values())
    b.assert_nothing_lost(data)


def test_a_rejected_xml_assessment_is_superseded_by_next_return(tmp_path: Path) -> None:
    # The XML return keys records by their nesting (keyed hashes): an assessment by its request
    # and position. October's return gives R1's assessment a Week20 of "maybe" (rejected; its
    # named plan and plan detail are orphaned); the next return holds the same records, correct.
    from tests import sen2_shapes

    data = tmp_path / "data"
    good = sen2_shapes.write_xml(tmp_path / "november.xml")
    text = good.read_text(encoding="utf-8")
    assert text.count("<Week20>0</Week20>") > 1  # R1's is the first
    october = tmp_path / "october.xml"
    october.write_text(text.replace("<Week20>0</Week20>", "<Week20>maybe</Week20>", 1))
    report = b.load(october, data)
    assert sorted({p[4] for p in b.problems(report) if p[5] == "error"}) == [
        "flag_not_yes_no",
        "orphan_row",
    ]
    b.load(good, data)
    assert _row_errors(data) == []
    # Every October row is superseded by November's record of it: none left rejected.
    fates = _fates(data)
    read = fates["october.xml"][0]
    assert read > 0
    assert fates["october.xml"] == (read, 0, 0, read)
    assert fates["november.xml"] == (read, read, 0, 0)
    b.assert_nothing_lost(data)
