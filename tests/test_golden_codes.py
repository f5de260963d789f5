"""Golden numbers for issue 10: the code-list fixes, Exported, pending requests, annual reviews and
the cross-row rules, on the hand-made children of ``tests/golden_codes_fixture.py`` (the day and
month counts are worked out in its docstring)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.__main__ import main
from etl.metrics import ehcp_kpis
from etl.store import Warehouse
from etl.warehouse import run_load
from tests import golden_codes_fixture as g

D = dt.date

SHAPES: dict[str, Callable[[Path], Path]] = {
    "workbook": lambda tmp: g.write_workbook(tmp / "sen2.xlsx"),
    "blade": lambda tmp: g.write_blade(tmp / "blade"),
}

# As at the reference date, 16 January 2025 (see the fixture's docstring for each plan).
EXPECTED_REVIEWS = {
    "as_of": "2025-01-16",
    "plans_due": 6,  # Q5, Q6, Q7, Q9, Q11, Q12 (Q8 started 2024-06-20; Q10 ceased)
    "reviews_overdue": 4,  # Q6, Q7, Q9, Q12
    "pct_overdue": 66.7,  # 4 / 6 = 66.67
    "decisions_made": 3,  # Q5 (15 days), Q6 (39), Q9 (28)
    "decisions_within_4_weeks": 2,  # Q5, Q9
    "pct_decisions_within_4_weeks": 66.7,  # 2 / 3
}


@pytest.fixture(params=sorted(SHAPES))
def loaded(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    source = SHAPES[request.param](tmp_path)
    data = tmp_path / "data"
    report = run_load([source], data, as_of=g.AS_OF)
    assert report.published
    return data


def _con(data: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)


def test_every_row_loads_including_dp_codes_and_un4_to_un7(loaded: Path) -> None:
    con = _con(loaded)
    for read, ok, rejected in con.execute(
        "SELECT rows_read, rows_loaded, rows_rejected FROM load_log"
    ).fetchall():
        assert (ok, rejected) == (read, 0)
    # Q7's plan has DP = E: the plan and its Plan Detail row are loaded (before issue 10 "E" was
    # not a yes/no value: the plan was rejected and its detail orphaned).
    assert con.execute("SELECT count(*) FROM named_plan").fetchone() == (8,)
    assert con.execute("SELECT count(*) FROM plan_detail").fetchone() == (8,)
    assert con.execute("SELECT dp FROM named_plan WHERE dp IS NOT NULL").fetchall() == [("E",)]
    # C1-C3 carry UN4, UN6 and UN7 (the 2024 XSD's UN1-UN10): all 12 children are loaded.
    assert con.execute("SELECT count(*) FROM person").fetchone() == (12,)
    assert con.execute("SELECT count(*) FROM requests").fetchone() == (12,)


def test_2025_items_load(loaded: Path) -> None:
    con = _con(loaded)
    # Designated officers on the SEN2 header: DMO Y, DCO R (recruiting), DSCO N.
    assert con.execute("SELECT la_code, dmo, dco, dsco FROM sen2").fetchall() == [
        ("202", "Y", "R", "N")
    ]
    # Request source, a number in the workbook (3 → "3"), loads as its code.
    assert sorted(
        con.execute(
            "SELECT request_source FROM requests WHERE request_source IS NOT NULL"
        ).fetchall()
    ) == [("1",), ("2",), ("3",)]
    assert con.execute(
        "SELECT start_date, phase_transfer_due_date, phase_transfer_final_date "
        "FROM mart_active_plans WHERE phase_transfer_due_date IS NOT NULL ORDER BY 1"
    ).fetchall() == [
        (D(2023, 1, 16), D(2024, 2, 15), D(2024, 3, 1)),  # Q9
        (D(2024, 6, 20), D(2025, 2, 15), None),  # Q8
    ]


def test_only_the_planted_queries(loaded: Path) -> None:
    rows = sorted(_con(loaded).execute("SELECT rule, severity FROM problems").fetchall())
    assert rows == [
        ("code_not_in_list", "query"),  # Q5 PlanWBP "X"
        ("format_unexpected", "query"),  # Q6 plan detail URN "12345"
        ("outcome_blank_pending", "query"),  # Q1's blank outcome
        ("review_decision_before_meeting", "query"),  # Q12
    ]


def test_blank_outcome_is_pending_and_exported_requests_leave_the_open_list(loaded: Path) -> None:
    con = _con(loaded)
    assert con.execute(
        "SELECT request_outcome FROM fact_request WHERE received_date = DATE '2024-06-03'"
    ).fetchall() == [("A",)]
    # 16 Jan 2025: Q1 (227 days, breached, awaiting the decision to assess) and Q4 (73 days).
    assert sorted(
        con.execute(
            "SELECT days_open, status, stage FROM open_requests(DATE '2025-01-16')"
        ).fetchall()
    ) == [
        (73, "On track", "Awaiting decision to assess"),
        (227, "Breached", "Awaiting decision to assess"),
    ]
    kpis = ehcp_kpis(con, 2024, g.AS_OF)
    assert (kpis["open_requests"], kpis["open_breached"], kpis["open_at_risk"]) == (2, 1, 0)
    # 29 Nov 2024: Q3 is open until its Exported date (2 Dec): Q1 179 days, Q3 212, Q4 25.
    assert sorted(
        d
        for (d,) in con.execute("SELECT days_open FROM open_requests(DATE '2024-11-29')").fetchall()
    ) == [25, 179, 212]
    # Q2 (Exported 202, no date) is open on no date at all, even the day after its request.
    assert con.execute(
        "SELECT count(*) FROM open_requests(DATE '2024-10-02') "
        "WHERE received_date = DATE '2024-10-01'"
    ).fetchone() == (0,)


def test_annual_reviews_match_hand_worked_figures(loaded: Path) -> None:
    with Warehouse.at(loaded) as warehouse:
        assert warehouse.annual_reviews(g.AS_OF) == EXPECTED_REVIEWS
        status = warehouse.query("annual_review_status", as_of=g.AS_OF)
    assert dict(zip(status["review_status"], status["plans"], strict=True)) == {
        "No review recorded": 1,  # Q7
        "Overdue more than 6 months": 1,  # Q12
        "Overdue 3 to 6 months": 0,
        "Overdue up to 3 months": 2,  # Q6, Q9
        "Reviewed in the last 12 months": 2,  # Q5, Q11
        "Not yet due": 1,  # Q8
    }


def test_annual_reviews_one_day_earlier(loaded: Path) -> None:
    # 15 Jan 2025: Q9 (started 16 Jan 2023) is still due (2024-01-16 ≤ 15 Jan 2025) and its
    # deadline 10 Jan 2025 has passed: the same figures; on 10 Jan 2025 exactly Q9 is not yet
    # overdue (deadline = the date), so 3 of 6.
    with Warehouse.at(loaded) as warehouse:
        assert warehouse.annual_reviews(D(2025, 1, 15))["reviews_overdue"] == 4
        on_deadline = warehouse.annual_reviews(D(2025, 1, 10))
    assert (on_deadline["plans_due"], on_deadline["reviews_overdue"]) == (6, 3)


def test_kpis_json_has_the_annual_reviews_section(
    loaded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kpis", "--json", "--as-of", "2025-01-16", "--data-dir", str(loaded)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["annual_reviews"] == EXPECTED_REVIEWS
    assert main(["kpis", "--as-of", "2025-01-16", "--data-dir", str(loaded)]) == 0
    human = capsys.readouterr().out
    assert "Overdue: 4 of 6 plans due a review (66.7%)" in human
    assert "Review decisions within 4 weeks of the meeting: 66.7% (2 of 3)" in human


# ---------------------------------------------------------------- cross-row rules


def _set(sheets: g.Tables, sheet: str, key: str, column: str, value: Any) -> None:
    header, rows = sheets[sheet]
    row = next(r for r in rows if r[0] == key)
    row[header.index(column)] = value


def test_cross_row_rules_are_queries_and_keep_every_row(tmp_path: Path) -> None:
    sheets = g.tables()
    # SEN Need: Q5's only need is rank 2 (no rank 1); Q6 gets a second rank-1 need; Q9 gets two
    # more needs (3 in all: the third is one too many). Rows: header 1, NQ5..NQ12 on 2-9, then
    # the added rows on 10, 11, 12.
    _set(sheets, "SEN Need", "NQ5", "SENtypeRank", 2)
    needs = sheets["SEN Need"][1]
    needs += [["NQ6b", "APQ6", "ASD", 1], ["NQ9b", "APQ9", "ASD", 2], ["NQ9c", "APQ9", "PD", 2]]
    # Named Plan row 7 (Q10): ceased without a reason.
    _set(sheets, "Named Plan", "NPQ10", "CeaseReason", None)
    # Active Plan row 8 (Q11): meeting after the reference date (16 Jan 2025).
    _set(sheets, "Active Plan", "APQ11", "ReviewMeeting", D(2025, 1, 20))
    # Person: C12 (row 13) born 1 Jan 1998 is 26 on 1 Sep 2024 → query; C11 (row 12) born
    # 2 Sep 1998 is 25 on 1 Sep 2024 (turns 26 the next day) → no query.
    _set(sheets, "Person", "C12", "PersonBirthDate", D(1998, 1, 1))
    _set(sheets, "Person", "C11", "PersonBirthDate", D(1998, 9, 2))
    data = tmp_path / "data"
    report = run_load([g.write_workbook(tmp_path / "sen2.xlsx", sheets)], data, as_of=g.AS_OF)
    found = sorted(
        (p["sheet"], p["row"], p["rule"], p["severity"])
        for p in report.problems
        if p["rule"] not in {"code_not_in_list", "format_unexpected", "outcome_blank_pending"}
        and p["rule"] != "review_decision_before_meeting"
    )
    assert found == [
        ("Active Plan", 2, "rank1_need_count", "query"),  # Q5: no rank-1 need
        ("Active Plan", 3, "rank1_need_count", "query"),  # Q6: two
        ("Active Plan", 8, "date_after_reference", "query"),  # Q11's meeting
        ("Named Plan", 7, "cease_reason_missing", "query"),  # Q10
        ("Person", 13, "age_over_25", "query"),  # C12
        ("SEN Need", 12, "too_many_details", "query"),  # Q9's third need
    ]
    messages = {p["rule"]: p["message"] for p in report.problems}
    assert messages["age_over_25"].startswith("Aged 26 on 1 September 2024")
    assert messages["date_after_reference"] == (
        "ReviewMeeting 20/01/2025 is after the return's reference date 16/01/2025"
    )
    con = _con(data)
    for read, ok in con.execute("SELECT rows_read, rows_loaded FROM load_log").fetchall():
        assert ok == read


def test_every_annual_review_kpi_has_a_catalogue_entry() -> None:
    from etl.catalogue import CATALOGUE

    assert set(Warehouse.ANNUAL_REVIEW_METRICS) == set(EXPECTED_REVIEWS) - {"as_of"}
    assert set(Warehouse.ANNUAL_REVIEW_METRICS.values()) <= set(CATALOGUE)
    # Our 4-week figure shares DfE's published key, so Benchmarking compares like with like.
    assert "pct_annual_review_decisions_within_4_weeks" in Warehouse.ANNUAL_REVIEW_METRICS.values()
