"""Date checks (DESIGN §4, §6): unreadable, impossible and missing dates reject the row; dates in
the wrong order or in the future are loaded and flagged as queries.

Fixtures are module workbooks (header on row 1, so the first record of each sheet is Excel
row 2) written by ``tests/sen2_builders.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.warehouse import LoadReport
from tests import sen2_builders as b

D = dt.date
DATE_RULES = {
    "date_unreadable",
    "date_impossible",
    "date_us_order",
    "date_missing",
    "outcome_before_received",
    "decision_before_received",
    "date_in_future",
}


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _date_problems(report: LoadReport) -> list[tuple[object, ...]]:
    return [p for p in b.problems(report) if p[4] in DATE_RULES]


# --- pass ------------------------------------------------------------------------------------


def test_every_accepted_date_form_loads_the_same_date(tmp_path: Path) -> None:
    # Five requests received on 10 January 2024, written five ways in the same column:
    # ISO text, UK text, Blade text, a real Excel date cell and the Excel serial 45301
    # (45292 is 1 Jan 2024, so 10 Jan is 45292 + 9 = 45301).
    forms = ["2024-01-10", "10/01/2024", "2024-Jan-10 00:00:00", D(2024, 1, 10), 45301]
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[
            b.request(f"R{i}", "P1", received_date=form) for i, form in enumerate(forms, start=1)
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == []
    assert b.query(tmp_path / "data", "SELECT DISTINCT received_date FROM requests") == [
        (D(2024, 1, 10),)
    ]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 5, "assessment": 0}
    b.assert_nothing_lost(tmp_path / "data")


# --- single failure ---------------------------------------------------------------------------


def test_one_unreadable_received_date(tmp_path: Path) -> None:
    # Requests rows 2 (R1, fine) and 3 (R2, "next week"); R2's row is rejected, R1's loads.
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1"), b.request("R2", "P1", received_date="next week")],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == [
        ("dates.xlsx", "Requests", 3, "ReceivedDate", "date_unreadable", "error")
    ]
    assert b.messages(report, "date_unreadable") == [
        "ReceivedDate: 'next week' is not a date this tool can read"
    ]
    assert b.loaded_rows(tmp_path / "data", "requests") == [("dates.xlsx", "Requests", 2)]
    log = b.load_log(tmp_path / "data")["dates.xlsx"]
    # Person row 2 + Requests rows 2, 3: three read, two loaded, one rejected.
    assert (log["rows_read"], log["rows_loaded"], log["rows_rejected"]) == (3, 2, 1)
    b.assert_nothing_lost(tmp_path / "data")


def test_one_impossible_date(tmp_path: Path) -> None:
    # 2023 is not a leap year: 29/02/2023 on Requests row 2 is rejected, not left blank.
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1", received_date="29/02/2023")],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == [
        ("dates.xlsx", "Requests", 2, "ReceivedDate", "date_impossible", "error")
    ]
    assert b.counts(tmp_path / "data")["requests"] == 0
    b.assert_nothing_lost(tmp_path / "data")


def test_missing_received_date(tmp_path: Path) -> None:
    # ReceivedDate is required (the start of the 20 weeks): a blank one on row 3 rejects the row.
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1"), b.request("R2", "P1", received_date=None)],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == [
        ("dates.xlsx", "Requests", 3, "ReceivedDate", "date_missing", "error")
    ]
    assert b.messages(report, "date_missing") == ["ReceivedDate is blank; it is required"]
    assert b.loaded_rows(tmp_path / "data", "requests") == [("dates.xlsx", "Requests", 2)]
    b.assert_nothing_lost(tmp_path / "data")


def test_outcome_before_received_is_a_query_and_left_out_of_timeliness(tmp_path: Path) -> None:
    # R1: received 10/01/2024, plan issued 20/05/2024 (131 days) - a normal issued plan.
    # R2: received 01/08/2024, plan "issued" 15/07/2024, 17 days before the request: loaded
    # (Assessments row 3) but flagged, and not in mart_plans_issued.
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[
            b.request("R1", "P1"),
            b.request("R2", "P1", received_date=D(2024, 8, 1), request_outcome_date=D(2024, 8, 20)),
        ],
        assessment=[
            b.assessment("A1", "R1"),
            b.assessment("A2", "R2", assessment_outcome_date=D(2024, 7, 15)),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == [
        (
            "dates.xlsx",
            "Assessments",
            3,
            "AssessmentOutcomeDate",
            "outcome_before_received",
            "query",
        )
    ]
    assert b.messages(report, "outcome_before_received") == [
        "Assessment outcome date 15/07/2024 is before the request was received (01/08/2024); "
        "this case is left out of the timeliness figures"
    ]
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 2, "assessment": 2}
    # Only R1 is an issued plan: 10 Jan -> 20 May 2024 = 21 + 29 + 31 + 30 + 20 = 131 days.
    assert b.query(
        tmp_path / "data", "SELECT received_date, issued_date, days_to_issue FROM mart_plans_issued"
    ) == [(D(2024, 1, 10), D(2024, 5, 20), 131)]
    b.assert_nothing_lost(tmp_path / "data")


def test_decision_before_received_is_a_query_and_left_out_of_decisions(tmp_path: Path) -> None:
    # R1 decided 26 days after the request; R2 "decided" 05/03/2024, before its request of
    # 01/04/2024: loaded (Requests row 3), flagged, and not in mart_decisions.
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[
            b.request("R1", "P1"),
            b.request(
                "R2",
                "P1",
                received_date=D(2024, 4, 1),
                request_outcome="N",
                request_outcome_date=D(2024, 3, 5),
            ),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == [
        ("dates.xlsx", "Requests", 3, "RequestOutcomeDate", "decision_before_received", "query")
    ]
    assert b.counts(tmp_path / "data")["requests"] == 2
    # 10 Jan -> 5 Feb 2024 = 21 + 5 = 26 days.
    assert b.query(tmp_path / "data", "SELECT days_to_decision FROM mart_decisions") == [(26,)]
    b.assert_nothing_lost(tmp_path / "data")


def test_dates_in_the_future_are_queries(tmp_path: Path) -> None:
    # Relative to today so the test keeps its meaning: R2 received 400 days from now, R1's plan
    # issued 400 days from now. Both rows load; each gets one date_in_future query. R3 received
    # today is not in the future.
    today = dt.date.today()
    later = today + dt.timedelta(days=400)
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[
            b.request("R1", "P1"),
            b.request(
                "R2", "P1", received_date=later, request_outcome="A", request_outcome_date=None
            ),
            b.request(
                "R3", "P1", received_date=today, request_outcome="A", request_outcome_date=None
            ),
        ],
        assessment=[b.assessment("A1", "R1", assessment_outcome_date=later)],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == [
        ("dates.xlsx", "Assessments", 2, "AssessmentOutcomeDate", "date_in_future", "query"),
        ("dates.xlsx", "Requests", 3, "ReceivedDate", "date_in_future", "query"),
    ]
    assert f"Request received date {later:%d/%m/%Y} is in the future" in b.messages(
        report, "date_in_future"
    )
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 3, "assessment": 1}
    b.assert_nothing_lost(tmp_path / "data")


# --- several failures ----------------------------------------------------------------------------


def test_several_bad_dates_across_sheets(tmp_path: Path) -> None:
    # Person row 3: birth date 29/02/2015 (2015 not a leap year)       -> date_impossible
    # Requests row 2: received 31/02/2024                              -> date_impossible
    # Requests row 3: decision 12/31/2024 (month 31: US order)         -> date_us_order
    # Requests row 4: fine (R3, for P1)
    # Assessments row 2: for R3, outcome date "soon"                   -> date_unreadable
    # Assessments row 3: for R3 too, with a good date (A4)             -> loaded
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1"), b.person("P2", birth_date="29/02/2015")],
        requests=[
            b.request("R1", "P1", received_date="31/02/2024"),
            b.request("R2", "P1", request_outcome_date="12/31/2024"),
            b.request("R3", "P1"),
        ],
        assessment=[
            b.assessment("A3", "R3", assessment_outcome_date="soon"),
            b.assessment("A4", "R3"),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert sorted(_date_problems(report), key=lambda p: (p[1], p[2])) == [
        ("dates.xlsx", "Assessments", 2, "AssessmentOutcomeDate", "date_unreadable", "error"),
        ("dates.xlsx", "Person", 3, "PersonBirthDate", "date_impossible", "error"),
        ("dates.xlsx", "Requests", 2, "ReceivedDate", "date_impossible", "error"),
        ("dates.xlsx", "Requests", 3, "RequestOutcomeDate", "date_us_order", "error"),
    ]
    assert b.loaded_rows(tmp_path / "data", "person") == [("dates.xlsx", "Person", 2)]
    assert b.loaded_rows(tmp_path / "data", "requests") == [("dates.xlsx", "Requests", 4)]
    assert b.loaded_rows(tmp_path / "data", "assessment") == [("dates.xlsx", "Assessments", 3)]
    log = b.load_log(tmp_path / "data")["dates.xlsx"]
    # 2 person + 3 request + 2 assessment rows read; 3 loaded, 4 rejected.
    assert (log["rows_read"], log["rows_loaded"], log["rows_rejected"]) == (7, 3, 4)
    b.assert_nothing_lost(tmp_path / "data")


def test_two_bad_dates_on_one_row_reject_it_once(tmp_path: Path) -> None:
    # Requests row 2 has an impossible received date and an unreadable decision date: two
    # problems, one rejected row.
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1", received_date="2024-02-30", request_outcome_date="tbc")],
    )
    report = b.load(path, tmp_path / "data")
    assert sorted(_date_problems(report)) == [
        ("dates.xlsx", "Requests", 2, "ReceivedDate", "date_impossible", "error"),
        ("dates.xlsx", "Requests", 2, "RequestOutcomeDate", "date_unreadable", "error"),
    ]
    log = b.load_log(tmp_path / "data")["dates.xlsx"]
    assert (log["rows_read"], log["rows_loaded"], log["rows_rejected"]) == (2, 1, 1)


def test_several_query_dates_in_a_flat_list(tmp_path: Path) -> None:
    # A flat CSV (line 1 header): line 2 plan before request, line 3 decision before request,
    # line 4 both. All three rows load; four queries.
    path = b.write_flat_csv(
        tmp_path / "cases.csv",
        [
            b.case(
                "C1",
                "R1",
                received_date=D(2024, 6, 1),
                request_outcome_date=D(2024, 6, 20),
                assessment_outcome_date=D(2024, 5, 1),
            ),
            b.case(
                "C2",
                "R2",
                received_date=D(2024, 6, 1),
                request_outcome_date=D(2024, 5, 20),
                assessment_outcome_date=D(2024, 9, 1),
            ),
            b.case(
                "C3",
                "R3",
                received_date=D(2024, 6, 1),
                request_outcome_date=D(2024, 5, 20),
                assessment_outcome_date=D(2024, 5, 1),
            ),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert sorted(_date_problems(report), key=lambda p: (p[2], p[4])) == [
        ("cases.csv", None, 2, "AssessmentOutcomeDate", "outcome_before_received", "query"),
        ("cases.csv", None, 3, "RequestOutcomeDate", "decision_before_received", "query"),
        ("cases.csv", None, 4, "RequestOutcomeDate", "decision_before_received", "query"),
        ("cases.csv", None, 4, "AssessmentOutcomeDate", "outcome_before_received", "query"),
    ]
    assert b.counts(tmp_path / "data") == {"person": 3, "requests": 3, "assessment": 3}
    # Only C2's plan counts as issued: 1 Jun -> 1 Sep 2024 = 30 + 31 + 31 = 92 days.
    assert b.query(tmp_path / "data", "SELECT days_to_issue FROM mart_plans_issued") == [(92,)]
    b.assert_nothing_lost(tmp_path / "data")


# --- edge cases --------------------------------------------------------------------------------


def test_same_day_outcome_is_not_before_received(tmp_path: Path) -> None:
    # Plan issued on the day the request arrived: 0 days, not a query, counted as issued.
    path = b.write_flat_csv(
        tmp_path / "cases.csv",
        [
            b.case(
                "C1",
                "R1",
                received_date=D(2024, 3, 1),
                request_outcome_date=D(2024, 3, 1),
                assessment_outcome_date=D(2024, 3, 1),
            )
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == []
    assert b.query(tmp_path / "data", "SELECT days_to_issue FROM mart_plans_issued") == [(0,)]


def test_blank_optional_dates_are_not_errors(tmp_path: Path) -> None:
    # Decision yet to be made (A): no decision date needed; no birth date given. Nothing is
    # rejected and no date problem is raised.
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1", birth_date=None)],
        requests=[b.request("R1", "P1", request_outcome="A", request_outcome_date=None)],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == []
    assert b.counts(tmp_path / "data") == {"person": 1, "requests": 1, "assessment": 0}


def test_edge_values_in_a_date_cell(tmp_path: Path) -> None:
    # One request per edge value, on Requests rows 2-8; the last (row 8) is a good control.
    cells = [
        ("01/01/1899", "date_impossible"),  # row 2: before 1900
        ("2101-01-01", "date_impossible"),  # row 3: after 2100
        (45301.5, "date_unreadable"),  # row 4: a serial with a time part
        (99999999, "date_unreadable"),  # row 5: far beyond 2100 as a serial
        ("2024/01/10", "date_unreadable"),  # row 6: slashes in ISO order: not an accepted form
        (True, "date_unreadable"),  # row 7: a TRUE cell is not a date
        (" 10/01/2024 ", None),  # row 8: padded but fine
    ]
    path = b.write_module_workbook(
        tmp_path / "dates.xlsx",
        person=[b.person("P1")],
        requests=[
            b.request(f"R{i}", "P1", received_date=cell)
            for i, (cell, _) in enumerate(cells, start=2)
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == [
        ("dates.xlsx", "Requests", row, "ReceivedDate", rule, "error")
        for row, (_, rule) in enumerate(cells, start=2)
        if rule
    ]
    assert b.loaded_rows(tmp_path / "data", "requests") == [("dates.xlsx", "Requests", 8)]
    b.assert_nothing_lost(tmp_path / "data")


def test_template_headers_name_the_column_as_written(tmp_path: Path) -> None:
    # Row-level problems name the column as the user's file heads it.
    path = b.write_flat_csv(
        tmp_path / "cases.csv", [b.case("C1", "R1", received_date="31/04/2024")], style=b.TEMPLATE
    )
    report = b.load(path, tmp_path / "data")
    assert _date_problems(report) == [
        ("cases.csv", None, 2, "Date request was received", "date_impossible", "error")
    ]
    assert b.messages(report, "date_impossible") == [
        "Date request was received: '31/04/2024' is not a real date"
    ]
