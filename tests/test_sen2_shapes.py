"""Issue 10: the golden children in every SEN2 shape an LA holds give the same figures.

Each shape is written by ``tests/sen2_shapes.py`` from the one hand-made set of children in
``tests/golden_fixture.py``; the expected figures are worked out by hand in ``tests/test_golden.py``
(``EXPECTED_2024``), and the snapshot figures below.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from etl.__main__ import main
from etl.metrics import ehcp_kpis
from etl.warehouse import run_load
from tests import golden_fixture as gf
from tests import sen2_builders as b
from tests import sen2_shapes as shapes
from tests.test_golden import EXPECTED_2024

SHAPES: dict[str, Callable[[Path], Path]] = {
    "xml": lambda tmp: shapes.write_xml(tmp / "sen2_return.xml"),
    "pre_submission": lambda tmp: shapes.write_pre_submission(tmp / "pre_submission.xlsx"),
    "template_modules": lambda tmp: shapes.write_template_modules(tmp / "template.xlsx"),
    "stacked_template": lambda tmp: shapes.write_stacked_template(tmp / "stacked.xlsx"),
    "d2i": lambda tmp: shapes.write_d2i(tmp / "d2i"),
    "d2i_converter": lambda tmp: shapes.write_d2i_converter(tmp / "converted.xlsx"),
    "blade_full": lambda tmp: shapes.write_blade_full(tmp / "blade"),
    "workbook": lambda tmp: gf.write_workbook(tmp / "sen2.xlsx"),
}
# Shapes that state the return's reference date (31 March 2025): it is the snapshot date.
WITH_REFERENCE_DATE = {"xml", "stacked_template", "blade_full"}
# Shapes that carry the primary need (Data to Insight's tool has no SEN need module).
WITH_NEED = set(SHAPES) - {"d2i"}


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


@pytest.fixture(params=sorted(SHAPES))
def shape(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def loaded(shape: str, tmp_path: Path) -> Path:
    report = run_load([SHAPES[shape](tmp_path)], tmp_path / "data")
    assert report.published
    assert [r.message for r in report.files if r.status == "failed"] == []
    return tmp_path / "data"


def test_kpis_are_the_hand_worked_figures_in_every_shape(loaded: Path) -> None:
    con = duckdb.connect(str(loaded / "warehouse.duckdb"), read_only=True)
    assert ehcp_kpis(con, 2024, dt.date(2025, 3, 31)) == EXPECTED_2024


def test_every_row_is_loaded(loaded: Path) -> None:
    b.assert_nothing_lost(loaded)
    con = duckdb.connect(str(loaded / "warehouse.duckdb"), read_only=True)
    rejected = con.execute("SELECT sum(rows_rejected) FROM load_log").fetchone()
    assert rejected == (0,)
    errors = con.execute("SELECT rule, message FROM problems WHERE severity = 'error'").fetchall()
    assert errors == []


def test_primary_need_and_plans_link(shape: str, loaded: Path) -> None:
    con = duckdb.connect(str(loaded / "warehouse.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT primary_need, count(*) FROM mart_plans_issued WHERE issue_year = 2024 "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    if shape in WITH_NEED:
        # ASD: R1, R2, R5; SEMH: R3, R7; SLCN: R4.
        assert rows == [("ASD", 3), ("SEMH", 2), ("SLCN", 1)]
    else:
        assert rows == [("Not recorded", 6)]


@pytest.mark.parametrize("own_ids", [False, True])
def test_plan_details_link_through_the_request(own_ids: bool, tmp_path: Path) -> None:
    # The pre-submission workbook's Plan Detail sheet has no namedplantableid: each of the 7
    # plans written (R1-R5, R7, R12) keeps its one plan detail, linked to its plan, whether the
    # Named Plan sheet has ids of its own or not; likewise the 8 needs (R1-R5, R7, R12, R14).
    path = shapes.write_pre_submission(tmp_path / "p.xlsx", own_ids=own_ids)
    report = run_load([path], tmp_path / "data")
    assert [p for p in report.problems if p["severity"] == "error"] == []
    data = tmp_path / "data"
    assert b.query(data, "SELECT count(*) FROM named_plan") == [(7,)]
    assert b.query(
        data, "SELECT count(*) FROM plan_detail JOIN named_plan USING (named_plan_key)"
    ) == [(7,)]
    assert b.query(
        data, "SELECT count(*) FROM sen_need JOIN active_plans USING (active_plan_key)"
    ) == [(8,)]


def test_snapshot_is_the_reference_date(shape: str, loaded: Path) -> None:
    con = duckdb.connect(str(loaded / "warehouse.duckdb"), read_only=True)
    snapshot = con.execute("SELECT snapshot_date FROM warehouse_meta").fetchone()
    # Without a reference date: the latest event in the data, R10's decision on 10 March 2025.
    expected = dt.date(2025, 3, 31) if shape in WITH_REFERENCE_DATE else dt.date(2025, 3, 10)
    assert snapshot == (expected,)


def test_xml_rows_are_element_lines(tmp_path: Path) -> None:
    path = shapes.write_xml(tmp_path / "r.xml")
    report = run_load([path], tmp_path / "data")
    found = {(p["sheet"], p["rule"]) for p in report.problems}
    assert ("Persons/Person/Requests/Assessment", "week20_missing") in found
    lines = path.read_text().splitlines()
    for p in report.problems:
        if p["rule"] == "week20_missing":
            # The row is the line of R2's <Assessment> start tag.
            assert lines[p["row"] - 1].strip() == "<Assessment>"


def test_xml_la_code_reaches_the_requests(tmp_path: Path) -> None:
    run_load([shapes.write_xml(tmp_path / "r.xml")], tmp_path / "data")
    assert b.query(tmp_path / "data", "SELECT DISTINCT la_code FROM fact_request") == [("201",)]


def test_xml_stores_no_name_or_upn(tmp_path: Path) -> None:
    run_load([shapes.write_xml(tmp_path / "r.xml")], tmp_path / "data")
    blob = (tmp_path / "data" / "warehouse.duckdb").read_bytes()
    assert b"SurnameP1" not in blob and b"Z000000000001" not in blob


HOSTILE = {
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><Message><Persons><Person><UPN>&d;</UPN>'
        "</Person></Persons></Message>"
    ),
    "external entity": (
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<Message><Persons><Person><UPN>&x;</UPN></Person></Persons></Message>"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused_whole(name: str, tmp_path: Path) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(HOSTILE[name])
    report = run_load([path], tmp_path / "data")
    [result] = report.files
    assert result.status == "failed"
    assert "document type (DTD)" in result.message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("<Children><Child/></Children>", "root element is <Children>"),
        (
            "<Message><Persons><Person><UPN>A</UPN><Pet><Name>x</Name></Pet></Person></Persons>"
            "</Message>",
            "<Pet> records at Persons/Person/Pet",
        ),
        ("<Message><Persons>", "not well-formed"),
    ],
)
def test_xml_that_is_not_a_return_is_refused(text: str, says: str, tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text(text)
    [result] = run_load([path], tmp_path / "data").files
    assert result.status == "failed"
    assert says in result.message


def test_stacked_template_without_block_titles_is_refused(tmp_path: Path) -> None:
    # A "Data Entry Template" whose titles were deleted: its header rows cannot be told apart,
    # so nothing is loaded (read as a case list it would give wrong figures, the bug).
    path = shapes.write_stacked_template(tmp_path / "t.xlsx")
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Data Entry Template"]
    for row in sheet.iter_rows():
        if row[0].value in shapes.TITLES.values():
            row[0].value = None
    workbook.save(path)
    [result] = run_load([path], tmp_path / "data").files
    assert result.status == "failed"
    assert "submission template" in result.message


def test_stacked_block_without_header_is_refused(tmp_path: Path) -> None:
    path = shapes.write_stacked_template(tmp_path / "t.xlsx")
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Data Entry Template"]
    rows = list(sheet.iter_rows())
    for i, row in enumerate(rows):
        if row[0].value == "Requests Records":
            for cell in rows[i + 1]:
                cell.value = None
    workbook.save(path)
    code = main(["load", str(path), "--data-dir", str(tmp_path / "data"), "--json"])
    assert code == 1


def test_partial_load_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = shapes.write_xml(tmp_path / "good.xml")
    bad = tmp_path / "bad.xml"
    bad.write_text(HOSTILE["external entity"])
    code = main(["load", str(good), str(bad), "--data-dir", str(tmp_path / "data"), "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 3
    assert [f["status"] for f in payload["files"]] == ["staged", "failed"]


def test_la_code_of_each_file_through_the_door(tmp_path: Path) -> None:
    from etl.store import Warehouse

    run_load([shapes.write_xml(tmp_path / "r.xml")], tmp_path / "data")
    run_load([shapes.write_stacked_template(tmp_path / "t.xlsx")], tmp_path / "data")
    with Warehouse.at(tmp_path / "data") as warehouse:
        frame = warehouse.query("sen2_la_codes")
    rows = [tuple(r) for r in frame[["la_code", "file"]].itertuples(index=False)]
    # Newest file first; both say LA 201.
    assert rows == [("201", "t.xlsx"), ("201", "r.xml")]


def test_snapshot_from_a_title_row(tmp_path: Path) -> None:
    # A case list whose title says "as at 31/03/2025": that is its snapshot, not R10's decision
    # on 10 March 2025 (the latest event in the data).
    records = [b.case("C1", "R1")]
    path = b.write_flat_xlsx(
        tmp_path / "cases.xlsx", records, title_rows=("SEN2 case list as at 31/03/2025",)
    )
    run_load([path], tmp_path / "data")
    assert b.query(tmp_path / "data", "SELECT snapshot_date FROM warehouse_meta") == [
        (dt.date(2025, 3, 31),)
    ]


def test_as_of_still_applies_without_a_stated_date(tmp_path: Path) -> None:
    run_load([gf.write_workbook(tmp_path / "w.xlsx")], tmp_path / "data", as_of=dt.date(2025, 4, 1))
    assert b.query(tmp_path / "data", "SELECT snapshot_date FROM warehouse_meta") == [
        (dt.date(2025, 4, 1),)
    ]


@pytest.mark.parametrize(
    ("limits", "says"),
    [
        # Records end child first: the 4th <PlanDetail> (R4's, inside the 4th <Person>) is the
        # first record past a limit of 3.
        ({"rows_per_sheet": 3}, "more than 3 <PlanDetail> records"),
        # "Forename" + the golden child's id ("ForenameP10") is 11 characters.
        ({"chars_per_cell": 10}, "holds more than 10 characters"),
        ({"uncompressed_bytes": 1_000}, "bytes"),
    ],
)
def test_xml_goes_through_the_limits(limits: dict[str, int], says: str, tmp_path: Path) -> None:
    from etl.config import Limits
    from etl.readers import FileProblem, read_file

    path = shapes.write_xml(tmp_path / "r.xml")
    with pytest.raises(FileProblem) as refused:
        read_file(path, Limits(**limits))
    assert refused.value.rule == "file_too_large"
    assert says in refused.value.message


def test_xml_without_line_breaks_is_numbered_by_position(tmp_path: Path) -> None:
    path = shapes.write_xml(tmp_path / "r.xml")
    path.write_text("".join(line.strip() for line in path.read_text().splitlines()))
    report = run_load([path], tmp_path / "data")
    b.assert_nothing_lost(tmp_path / "data")
    week20 = [(p["sheet"], p["row"]) for p in report.problems if p["rule"] == "week20_missing"]
    # R2's assessment is the 2nd <Assessment> in the file.
    assert week20 == [("Persons/Person/Requests/Assessment (numbered by position)", 2)]
    con = duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True)
    assert ehcp_kpis(con, 2024, dt.date(2025, 3, 31)) == EXPECTED_2024


def test_one_repeated_request_id_is_a_duplicate_not_per_child_numbering(tmp_path: Path) -> None:
    # Request ids 1-9, then 9 again for a tenth child by mistake: a duplicate (error on row 11),
    # not a sign that ids restart for each child (that needs most rows sharing a number; here 2
    # of 10 do).
    people = [b.person(f"C{i}") for i in range(1, 11)]
    requests = [b.request(str(i), f"C{i}") for i in range(1, 10)] + [b.request("9", "C10")]
    path = b.write_module_workbook(tmp_path / "m.xlsx", person=people, requests=requests)
    report = run_load([path], tmp_path / "data")
    assert b.problems(report, "duplicate_key") == [
        ("m.xlsx", "Requests", 11, None, "duplicate_key", "error")
    ]
    assert "within each child" not in report.files[0].shape


def test_request_numbers_restarting_for_each_child(tmp_path: Path) -> None:
    # Three children, each with requests numbered 1, 2: six requests, not two.
    people = [b.person(f"C{i}") for i in range(1, 4)]
    requests = [
        b.request(str(n), f"C{i}", received_date=D(2024, n, i)) for i in range(1, 4) for n in (1, 2)
    ]
    path = b.write_module_workbook(tmp_path / "m.xlsx", person=people, requests=requests)
    report = run_load([path], tmp_path / "data")
    assert [p for p in report.problems if p["severity"] == "error"] == []
    assert b.counts(tmp_path / "data", ("requests",)) == {"requests": 6}
    assert report.files[0].shape.endswith("request ids numbered within each child")


D = dt.date


# As at the return's reference date, 31 March 2025, in calendar year 2025 (its year):
EXPECTED_AT_REFERENCE_DATE = {
    "year": 2025,
    "as_of": "2025-03-31",
    "plans_issued": 0,  # R10's plan is agreed but not issued
    "plans_issued_excl_exceptions": 0,
    "within_20_weeks": 0,
    "within_20_weeks_excl_exceptions": 0,
    "pct_within_20_weeks": None,
    "pct_within_20_weeks_excl_exceptions": None,
    "issued_over_52_weeks": 0,
    "decisions_made": 1,  # R10: 3 Feb → 10 Mar 2025 = 25 + 10 = 35 days, within 6 weeks
    "decisions_within_6_weeks": 1,
    "pct_decisions_within_6_weeks": 100.0,
    # Open: R8 (2 Sep 2024 + 28+31+30+31+31+28+31 = 210 days: breached), R9 (2 Dec 2024 +
    # 29+31+28+31 = 119 days: at risk, > 98), R10 (3 Feb 2025 + 25+31 = 56 days: on track).
    "open_requests": 3,
    "open_at_risk": 1,
    "open_breached": 1,
}


@pytest.mark.parametrize("name", sorted(WITH_REFERENCE_DATE))
def test_kpis_default_to_the_reference_date(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_load([SHAPES[name](tmp_path)], tmp_path / "data")
    assert main(["kpis", "--json", "--data-dir", str(tmp_path / "data")]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ehcp"] == EXPECTED_AT_REFERENCE_DATE
    assert payload["data"]["snapshot_date"] == "2025-03-31"


def test_deeply_nested_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.xml"
    path.write_text("<Message>" + "<a>" * 100_000 + "</a>" * 100_000 + "</Message>")
    [result] = run_load([path], tmp_path / "data").files
    assert result.status == "failed"
    assert "more than 32 deep" in result.message


def test_converter_flattened_plans_are_split_into_their_modules(tmp_path: Path) -> None:
    # Sheet 4: 7 plans (R1-R5, R7, R12), R1 with two plan details -> 8 rows, 7 named plans,
    # 8 plan details. Sheet 5: 8 active plans (R1-R5, R7, R12, R14), R1 with two placements ->
    # 9 rows, 8 active plans, 9 placements, 8 needs. Every row loaded once, none rejected.
    report = run_load([shapes.write_d2i_converter(tmp_path / "c.xlsx")], tmp_path / "data")
    assert [p for p in report.problems if p["severity"] == "error"] == []
    data = tmp_path / "data"
    tables = ("named_plan", "plan_detail", "active_plans", "placement_detail", "sen_need")
    assert b.counts(data, tables) == {
        "named_plan": 7,
        "plan_detail": 8,
        "active_plans": 8,
        "placement_detail": 9,
        "sen_need": 8,
    }
    assert b.query(
        data, "SELECT count(*) FROM plan_detail JOIN named_plan USING (named_plan_key)"
    ) == [(8,)]
    assert b.query(
        data,
        "SELECT count(*) FROM placement_detail JOIN active_plans USING (active_plan_key)",
    ) == [(9,)]
    [log] = b.load_log(data).values()
    # 14 persons + 14 requests + 11 assessments + 8 + 9 detail rows.
    assert (log["rows_read"], log["rows_loaded"]) == (56, 56)


def test_one_child_written_twice_in_xml_is_a_duplicate(tmp_path: Path) -> None:
    # Two <Person> records with the same UPN, each with one request on a different date: one
    # child (the second Person row is a duplicate_key error) with both requests.
    person = (
        "<Person><UPN>A123456789012</UPN><Requests><ReceivedDate>{}</ReceivedDate>"
        "<RequestOutcome>A</RequestOutcome></Requests></Person>"
    )
    path = tmp_path / "twice.xml"
    path.write_text(
        "<Message>\n<Persons>\n"
        + person.format("2024-01-10")
        + "\n"
        + person.format("2024-02-10")
        + "\n</Persons>\n</Message>\n"
    )
    report = run_load([path], tmp_path / "data")
    assert b.problems(report, "duplicate_key") == [
        ("twice.xml", "Persons/Person", 4, None, "duplicate_key", "error")
    ]
    assert b.counts(tmp_path / "data", ("person", "requests")) == {"person": 1, "requests": 2}
