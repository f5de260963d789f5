"""fact_request's decisive assessment (etl/inputs/sen2/sql/marts.sql).

SEN2 allows several assessments per request; the decisive one is the latest dated, and an
undated one (still under way) beats any dated one. Since issue 11 only the requests with more than
one assessment are ranked; a request with one takes it as it is. Both paths are held here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests import sen2_builders as b

D = dt.date


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def test_the_latest_dated_assessment_decides_and_an_undated_one_beats_it(tmp_path: Path) -> None:
    path = b.write_module_workbook(
        tmp_path / "return.xlsx",
        person=[b.person("P1"), b.person("P2"), b.person("P3")],
        requests=[b.request("R1", "P1"), b.request("R2", "P2"), b.request("R3", "P3")],
        assessment=[
            # R1: refused on 1 March, then a plan issued on 20 May: the May one decides.
            b.assessment(
                "A2", "R1", assessment_outcome="Y", assessment_outcome_date=D(2024, 5, 20)
            ),
            b.assessment("A1", "R1", assessment_outcome="N", assessment_outcome_date=D(2024, 3, 1)),
            # R2: one assessment, with the 20-week exception: taken as it is.
            b.assessment("A3", "R2", assessment_outcome_date=D(2024, 6, 1), week20=1),
            # R3: a plan issued in April, then a second assessment still under way (A, no date).
            b.assessment("A5", "R3", assessment_outcome_date=D(2024, 4, 1)),
            b.assessment("A6", "R3", assessment_outcome="A", assessment_outcome_date=None),
        ],
    )
    b.load(path, tmp_path / "data")
    rows = b.query(
        tmp_path / "data",
        "SELECT source_row, assessment_outcome, assessment_outcome_date, exception_applies "
        "FROM fact_request ORDER BY source_row",
    )
    # Requests sheet rows 2, 3, 4 are R1, R2, R3.
    assert rows == [
        (2, "Y", D(2024, 5, 20), False),
        (3, "Y", D(2024, 6, 1), True),
        (4, "A", None, False),
    ]


def test_the_primary_need_is_the_first_ranked_with_a_blank_rank_last(tmp_path: Path) -> None:
    path = b.write_module_workbook(
        tmp_path / "return.xlsx",
        person=[b.person("P1"), b.person("P2"), b.person("P3")],
        requests=[b.request("R1", "P1"), b.request("R2", "P2"), b.request("R3", "P3")],
        assessment=[b.assessment("A1", "R1"), b.assessment("A2", "R2")],
        sen_need=[
            # R1: ranks 2, blank and 1, in that order on the sheet: the rank 1 need (ASD).
            {"request_id": "R1", "sen_type": "SLD", "sen_type_rank": 2},
            {"request_id": "R1", "sen_type": "VI", "sen_type_rank": None},
            {"request_id": "R1", "sen_type": "ASD", "sen_type_rank": 1},
            # R2: a blank rank and rank 2: a ranked need beats an unranked one (MLD).
            {"request_id": "R2", "sen_type": "VI", "sen_type_rank": None},
            {"request_id": "R2", "sen_type": "MLD", "sen_type_rank": 2},
            # R3: no need recorded.
        ],
    )
    b.load(path, tmp_path / "data")
    rows = b.query(
        tmp_path / "data", "SELECT source_row, primary_need FROM fact_request ORDER BY source_row"
    )
    # Requests sheet rows 2, 3, 4 are R1, R2, R3.
    assert rows == [(2, "ASD"), (3, "MLD"), (4, "Not recorded")]
