"""Code and flag checks: unknown codes and non yes/no flags reject the row (error); a blank Week20
on an issued plan, an assessment of a request that was not agreed, and a child with neither UPN
nor reason are loaded and flagged (query). Module workbooks: first record on Excel row 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.warehouse import LoadReport
from tests import sen2_builders as b

D = dt.date
CODE_RULES = {
    "code_unknown",
    "flag_not_yes_no",
    "week20_missing",
    "assessment_without_agreed_request",
    "upn_missing_no_reason",
    "upn_malformed",
}


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _code_problems(report: LoadReport) -> list[tuple[object, ...]]:
    return sorted(
        (p for p in b.problems(report) if p[4] in CODE_RULES),
        key=lambda p: (p[1] or "", p[2] or 0, p[4]),
    )


# --- pass --------------------------------------------------------------------------------------


def test_lower_case_codes_and_any_flag_spelling_are_accepted(tmp_path: Path) -> None:
    # Codes in lower case or padded, flags as "yes" / "No" / " TRUE ": all valid, stored as the
    # canonical upper-case code and a boolean.
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1", upn_unknown="un1"), b.person("P2", upn_unknown=" Un8 ")],
        requests=[
            b.request("R1", "P1", request_outcome="y"),
            b.request("R2", "P2", request_outcome=" h ", request_outcome_date=None),
            b.request("R3", "P1", request_outcome="Y"),
        ],
        assessment=[
            b.assessment("A1", "R1", assessment_outcome="y", week20="yes"),
            b.assessment(
                "A2", "R2", assessment_outcome="h", week20="No", assessment_outcome_date=None
            ),
            b.assessment("A3", "R3", assessment_outcome="Y", week20=" TRUE "),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == []
    folder = tmp_path / "data"
    assert sorted(b.query(folder, "SELECT upn_unknown FROM person")) == [("UN1",), ("UN8",)]
    assert sorted(b.query(folder, "SELECT request_outcome FROM requests")) == [
        ("H",),
        ("Y",),
        ("Y",),
    ]
    assert sorted(b.query(folder, "SELECT assessment_outcome, week20 FROM assessment")) == [
        ("H", False),
        ("Y", True),
        ("Y", True),
    ]
    b.assert_nothing_lost(folder)


# --- single failures -----------------------------------------------------------------------------


def test_unknown_request_outcome(tmp_path: Path) -> None:
    # Requests row 3 has outcome "X": rejected; row 2 loads.
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1"), b.request("R2", "P1", request_outcome="X")],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        ("codes.xlsx", "Requests", 3, "RequestOutcome", "code_unknown", "error")
    ]
    assert b.messages(report, "code_unknown") == [
        "RequestOutcome: 'X' is not a known code (expected one of A, H, N, W, Y)"
    ]
    assert b.loaded_rows(tmp_path / "data", "requests") == [("codes.xlsx", "Requests", 2)]
    b.assert_nothing_lost(tmp_path / "data")


def test_unknown_assessment_outcome(tmp_path: Path) -> None:
    # Assessments row 2 says "Yes" (the code is Y): the assessment is rejected, its request stays.
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1")],
        assessment=[b.assessment("A1", "R1", assessment_outcome="Yes")],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        ("codes.xlsx", "Assessments", 2, "AssessmentOutcome", "code_unknown", "error")
    ]
    assert "expected one of A, H, N, W, Y" in b.messages(report, "code_unknown")[0]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 1, "assessment": 0}
    b.assert_nothing_lost(tmp_path / "data")


def test_week20_maybe_is_not_a_flag(tmp_path: Path) -> None:
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1")],
        assessment=[b.assessment("A1", "R1", week20="maybe")],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        ("codes.xlsx", "Assessments", 2, "Week20", "flag_not_yes_no", "error")
    ]
    assert b.messages(report, "flag_not_yes_no") == [
        "Week20: 'maybe' is not a yes/no value (use 1/0, Y/N, Yes/No or True/False)"
    ]
    assert b.counts(tmp_path / "data")["assessment"] == 0


def test_week20_blank_on_an_issued_plan_is_a_query(tmp_path: Path) -> None:
    # A plan issued (Y with a date) with Week20 blank: loaded, flagged, and counted only in the
    # including-exceptions figure (blank is not 0).
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1")],
        assessment=[b.assessment("A1", "R1", week20=None)],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        ("codes.xlsx", "Assessments", 2, "Week20", "week20_missing", "query")
    ]
    assert b.counts(tmp_path / "data")["assessment"] == 1
    assert b.query(
        tmp_path / "data", "SELECT exception_applies, in_excl_exceptions FROM mart_plans_issued"
    ) == [(None, False)]
    b.assert_nothing_lost(tmp_path / "data")


def test_assessment_of_a_refused_request_is_a_query(tmp_path: Path) -> None:
    # R1 was refused (N) yet has an assessment: both load; the assessment row is flagged.
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1", request_outcome="N")],
        assessment=[b.assessment("A1", "R1")],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        (
            "codes.xlsx",
            "Assessments",
            2,
            "AssessmentOutcome",
            "assessment_without_agreed_request",
            "query",
        )
    ]
    assert b.messages(report, "assessment_without_agreed_request") == [
        "There is an assessment for a request whose outcome is N, not Y (agreed to assess) or H "
        "(historical)"
    ]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 1, "assessment": 1}


def test_person_without_upn_or_reason_is_a_query(tmp_path: Path) -> None:
    # P1 has neither UPN nor UPNunknown (Person row 2): loaded and flagged. P2 has reason UN1
    # (row 3) and P3 a well-formed UPN (row 4): no problem.
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[
            b.person("P1", upn_unknown=None),
            b.person("P2", upn_unknown="UN1"),
            b.person("P3", upn="A123456789012", upn_unknown=None),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        ("codes.xlsx", "Person", 2, "UPN", "upn_missing_no_reason", "query")
    ]
    assert b.counts(tmp_path / "data")["person"] == 3


# --- several failures ----------------------------------------------------------------------------


def test_several_code_problems(tmp_path: Path) -> None:
    # Person row 2:  P1, no UPN, no reason                         -> upn_missing_no_reason (query)
    # Requests row 2: R1 outcome "maybe"                           -> code_unknown (error)
    # Requests row 3: R2 outcome N, with an assessment A2          -> (A2 is queried below)
    # Requests row 4: R3 outcome Y
    # Assessments row 2: A1 for R1 - R1 was rejected               -> orphan_row (not a code rule)
    # Assessments row 3: A2 for R2, Week20 blank, plan issued      -> assessment_without_agreed_
    #                                                                 request + week20_missing
    # Assessments row 4: A3 for R3, outcome "Z" and Week20 "2"     -> code_unknown + flag_not_yes_no
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1", upn_unknown=None)],
        requests=[
            b.request("R1", "P1", request_outcome="maybe"),
            b.request("R2", "P1", request_outcome="N"),
            b.request("R3", "P1"),
        ],
        assessment=[
            b.assessment("A1", "R1"),
            b.assessment("A2", "R2", week20=None),
            b.assessment("A3", "R3", assessment_outcome="Z", week20=2),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        (
            "codes.xlsx",
            "Assessments",
            3,
            "AssessmentOutcome",
            "assessment_without_agreed_request",
            "query",
        ),
        ("codes.xlsx", "Assessments", 3, "Week20", "week20_missing", "query"),
        ("codes.xlsx", "Assessments", 4, "AssessmentOutcome", "code_unknown", "error"),
        ("codes.xlsx", "Assessments", 4, "Week20", "flag_not_yes_no", "error"),
        ("codes.xlsx", "Person", 2, "UPN", "upn_missing_no_reason", "query"),
        ("codes.xlsx", "Requests", 2, "RequestOutcome", "code_unknown", "error"),
    ]
    assert b.problems(report, "orphan_row") == [
        ("codes.xlsx", "Assessments", 2, None, "orphan_row", "error")
    ]
    assert b.loaded_rows(tmp_path / "data", "requests") == [
        ("codes.xlsx", "Requests", 3),
        ("codes.xlsx", "Requests", 4),
    ]
    assert b.loaded_rows(tmp_path / "data", "assessment") == [("codes.xlsx", "Assessments", 3)]
    log = b.load_log(tmp_path / "data")["codes.xlsx"]
    # 1 + 3 + 3 = 7 rows read; loaded: person, R2, R3, A2 = 4; rejected: R1, A1, A3 = 3.
    assert (log["rows_read"], log["rows_loaded"], log["rows_rejected"], log["queries"]) == (
        7,
        4,
        3,
        3,
    )
    b.assert_nothing_lost(tmp_path / "data")


def test_several_code_problems_in_a_flat_list(tmp_path: Path) -> None:
    # In a flat list one row carries person, request and assessment, so any bad code rejects
    # the whole row. Lines 2 and 4 are bad, line 3 loads.
    path = b.write_flat_csv(
        tmp_path / "cases.csv",
        [
            b.case("C1", "R1", request_outcome="yes"),
            b.case("C2", "R2"),
            b.case("C3", "R3", week20="n/a"),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        ("cases.csv", None, 2, "RequestOutcome", "code_unknown", "error"),
        ("cases.csv", None, 4, "Week20", "flag_not_yes_no", "error"),
    ]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 1, "assessment": 1}
    b.assert_nothing_lost(tmp_path / "data")


# --- edge cases --------------------------------------------------------------------------------


def test_week20_blank_is_only_queried_for_issued_plans(tmp_path: Path) -> None:
    # Four requests, each with one assessment whose Week20 is blank (Assessments rows 2-5).
    cases = [
        ("Y", D(2024, 5, 20), True),  # row 2: issued: Week20 is needed
        ("Y", None, False),  # row 3: decided to issue, plan not yet issued
        ("A", None, False),  # row 4: no decision yet
        ("N", D(2024, 5, 20), False),  # row 5: decided not to issue: no 20-week exception
    ]
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1")],
        requests=[b.request(f"R{i}", "P1") for i in range(len(cases))],
        assessment=[
            b.assessment(
                f"A{i}",
                f"R{i}",
                assessment_outcome=outcome,
                assessment_outcome_date=date,
                week20=None,
            )
            for i, (outcome, date, _) in enumerate(cases)
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        ("codes.xlsx", "Assessments", 2, "Week20", "week20_missing", "query")
    ]
    assert b.counts(tmp_path / "data")["assessment"] == 4


def test_assessment_needs_an_agreed_or_historical_request(tmp_path: Path) -> None:
    # Requests rows 2-6 with outcomes Y, H, N, W, A; one assessment each (Assessments rows 2-6).
    # Only Y (agreed) and H (historical) may have an assessment: rows 4, 5, 6 are queried.
    outcomes = ["Y", "H", "N", "W", "A"]
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1")],
        requests=[b.request(f"R{o}", "P1", request_outcome=o) for o in outcomes],
        assessment=[b.assessment(f"A{o}", f"R{o}") for o in outcomes],
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [
        (
            "codes.xlsx",
            "Assessments",
            row,
            "AssessmentOutcome",
            "assessment_without_agreed_request",
            "query",
        )
        for row in (4, 5, 6)
    ]
    assert [
        m.split(" whose outcome is ")[1][0]
        for m in b.messages(report, "assessment_without_agreed_request")
    ] == ["N", "W", "A"]
    assert b.counts(tmp_path / "data")["assessment"] == 5


def test_uln_alone_is_enough_identification(tmp_path: Path) -> None:
    # A young person with a ULN but no UPN and no reason code: no upn_missing_no_reason query.
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx", person=[b.person("P1", upn_unknown=None, uln="1234567890")]
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == []


def test_malformed_upn_is_a_query(tmp_path: Path) -> None:
    # 12 characters instead of 13: loaded, flagged; the UPN itself is never stored.
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx", person=[b.person("P1", upn="A12345678901", upn_unknown=None)]
    )
    report = b.load(path, tmp_path / "data")
    assert _code_problems(report) == [("codes.xlsx", "Person", 2, "UPN", "upn_malformed", "query")]
    assert b.query(tmp_path / "data", "SELECT upn_status FROM person") == [("malformed",)]


def test_off_list_upn_reason_is_a_query_and_keeps_the_child(tmp_path: Path) -> None:
    # Issue 10: UN4 is one of DfE's ten codes (XSD 2024: UN1-UN10) and loads quietly; "UN11" is
    # not, but a reason code drives no figure: the child and both their requests are loaded and
    # the code is listed as a query (before, the child was rejected and their requests orphaned).
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1", upn_unknown="UN4"), b.person("P2", upn_unknown="un11")],
        requests=[b.request("R1", "P1"), b.request("R2", "P2"), b.request("R3", "P2")],
    )
    report = b.load(path, tmp_path / "data")
    assert b.problems(report, "code_not_in_list") == [
        ("codes.xlsx", "Person", 3, "UPNunknown", "code_not_in_list", "query")
    ]
    assert b.problems(report, "orphan_row") == []
    assert b.counts(tmp_path / "data") == {"person": 2, "requests": 3, "assessment": 0}
    assert b.query(tmp_path / "data", "SELECT upn_unknown FROM person ORDER BY 1") == [
        ("UN4",),
        ("un11",),
    ]
    b.assert_nothing_lost(tmp_path / "data")


def test_numeric_codes_written_as_numbers(tmp_path: Path) -> None:
    # RequestSource is a number code: the xlsx cell 2 arrives as 2.0 and must load as "2". 7 is
    # not a source code: the request is loaded, the code kept as written, with a query.
    path = b.write_module_workbook(
        tmp_path / "codes.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1", request_source=2), b.request("R2", "P1", request_source=7)],
    )
    report = b.load(path, tmp_path / "data")
    assert b.problems(report, "code_not_in_list") == [
        ("codes.xlsx", "Requests", 3, "RequestSource", "code_not_in_list", "query")
    ]
    assert b.query(tmp_path / "data", "SELECT request_source FROM requests ORDER BY 1") == [
        ("2",),
        ("7",),
    ]
