"""The input-kind registry: the warehouse loads any registered kind without knowing it by name."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from etl import inputs
from etl.warehouse import run_load
from tests import sen2_builders as b

WAREHOUSE = Path(__file__).resolve().parent.parent / "etl" / "warehouse.py"


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def test_the_warehouse_imports_no_kind_by_name() -> None:
    source = WAREHOUSE.read_text()
    assert not re.search(r"^\s*(from|import) etl\.inputs\.\w+", source, re.M)
    assert not re.search(r"\b(sen2|tracker)\b\s*\.", source)


def test_built_in_kinds_in_recognition_order() -> None:
    # Trackers are asked first: their "Start Date" / "End Date" could half-match SEN2.
    assert [k.name for k in inputs.kinds()] == ["tracker", "waits", "exclusions", "sen2"]


def test_a_toy_kind_from_a_test_package_loads(tmp_path: Path) -> None:
    sheet = tmp_path / "visits.csv"
    # Line 1 title, line 2 header, lines 3-5 data; line 4's date is impossible.
    sheet.write_text(
        "Visitors' book\nVisitor,Visit date\nA. Smith,03/02/2025\nB. Jones,31/02/2025\n"
        "C. Patel,2025-02-04\n"
    )
    with inputs.registered("tests.toykind"):
        assert next(k.name for k in inputs.kinds()) == "toy"
        report = run_load([sheet], tmp_path / "data")
        con = b.warehouse(tmp_path / "data")
        try:
            dates = con.execute("SELECT visit_date FROM toy_visits ORDER BY 1").fetchall()
        finally:
            con.close()
    assert dates == [(dt.date(2025, 2, 3),), (dt.date(2025, 2, 4),)]
    [log] = report.summary
    assert (log["shape"], log["rows_read"], log["rows_loaded"], log["rows_rejected"]) == (
        "Visits sign-in sheet",
        3,
        2,
        1,
    )
    assert [(p["row"], p["rule"]) for p in report.problems] == [(4, "date_impossible")]
    # Unregistered again afterwards.
    assert "tests.toykind" not in inputs.KIND_MODULES


def test_a_file_no_kind_recognises_names_every_kind(tmp_path: Path) -> None:
    junk = tmp_path / "budget.csv"
    junk.write_text("Line,Amount\nStaff,100\n")
    with inputs.registered("tests.toykind"):
        report = run_load([junk], tmp_path / "data")
    [problem] = report.problems
    assert problem["rule"] == "file_no_sheet"
    assert "recognisable SEN2 headers" in problem["message"]
    assert "improvement-plan tracker sheet" in problem["message"]
    assert "visitors' sign-in sheet" in problem["message"]
