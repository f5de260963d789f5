"""Header and sheet matching (DESIGN §3): XML names, Blade names and DfE template labels all map
to the same columns; case, spaces, punctuation and underscores are ignored; a header below title
rows is found; sheet names match loosely; extra aliases come from the settings file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from etl.inputs.sen2 import stage as sen2
from etl.readers import RawSheet
from tests import sen2_builders as b

D = dt.date


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _recognise(*rows: list[Any], sheet: str | None = "Cases") -> sen2.Recognised | None:
    return sen2.recognise(
        RawSheet.from_rows(
            "test.xlsx", sheet, [list(r) for r in rows], list(range(1, len(rows) + 1))
        )
    )


# --- three header styles, same data --------------------------------------------------------------

# Line/row 2: an issued plan (131 days). Row 3: Week20 blank on an issued plan (query).
# Row 4: an impossible received date (error). Row 5: a request awaiting decision.
CASES = [
    b.case("C1", "R1", upn="A123456789012", upn_unknown=None),
    b.case("C2", "R2", week20=None, birth_date=D(2012, 6, 30)),
    b.case("C3", "R3", received_date="30/02/2024"),
    b.case(
        "C4",
        "R4",
        received_date=D(2024, 11, 4),
        request_outcome="A",
        request_outcome_date=None,
        assessment_outcome=None,
        assessment_outcome_date=None,
        week20=None,
    ),
]
TABLE_SQL = {
    "person": "SELECT * EXCLUDE (load_id) FROM person ORDER BY source_sheet, source_row",
    "requests": "SELECT * EXCLUDE (load_id) FROM requests ORDER BY source_sheet, source_row",
    "assessment": "SELECT * EXCLUDE (load_id) FROM assessment ORDER BY source_sheet, source_row",
}


def _write(shape: str, style: dict[str, str], folder: Path) -> Path:
    if shape == "flat csv":
        return b.write_flat_csv(folder / "cases.csv", CASES, style=style)
    person = [{k: c[k] for k in b.PERSON_COLUMNS} for c in CASES]
    requests = [{k: c[k] for k in b.REQUEST_COLUMNS} for c in CASES]
    assessment = [
        {"assessment_id": f"A{i}", **{k: c[k] for k in b.ASSESSMENT_COLUMNS[1:]}}
        for i, c in enumerate(CASES)
        if c["assessment_outcome"]
    ]
    return b.write_module_workbook(
        folder / "cases.xlsx", person=person, requests=requests, assessment=assessment, style=style
    )


@pytest.mark.parametrize("shape", ["flat csv", "module workbook"])
def test_xml_blade_and_template_headers_load_identically(tmp_path: Path, shape: str) -> None:
    # The same records written three times (in CSV each style also writes dates its own way:
    # ISO, "2024-Jan-10 00:00:00", "10/01/2024"). Same file name in each folder and the same
    # hash key, so every canonical table must come out row-for-row equal.
    results = {}
    for name, style in b.STYLES.items():
        path = _write(shape, style, tmp_path / name)
        report = b.load(path, tmp_path / name / "data")
        con = b.warehouse(tmp_path / name / "data")
        try:
            tables = {t: con.execute(sql).fetchall() for t, sql in TABLE_SQL.items()}
        finally:
            con.close()
        # The column is named as the file heads it, so compare problems without it.
        found = sorted((p[1], p[2], p[4], p[5]) for p in b.problems(report))
        results[name] = (tables, found)
        b.assert_nothing_lost(tmp_path / name / "data")
    assert results["xml"] == results["blade"] == results["template"]
    tables, found = results["xml"]
    # R3 (30 February) is rejected: 3 requests. Assessments: R1's and R2's (R4 has none; in
    # the workbook R3's assessment is an orphan of the rejected request): 2. Children: a rejected
    # flat row loads nothing, so the flat list loads 3; the workbook's Person sheet has nothing
    # wrong with C3, so it loads all 4.
    assert len(tables["requests"]) == 3
    assert len(tables["assessment"]) == 2
    assert len(tables["person"]) == (3 if shape == "flat csv" else 4)
    rules = [(rule, severity) for _, _, rule, severity in found]
    assert ("date_impossible", "error") in rules
    assert ("week20_missing", "query") in rules


@pytest.mark.parametrize(
    "header",
    [
        "ReceivedDate",
        "receiveddate",
        "RECEIVEDDATE",
        "Received_Date",
        "received date",
        " Received-Date ",
        "Date request was received",
        "DATE REQUEST WAS RECEIVED",
        "date_request_was_received",
        "Date request was received.",
        "Date request\nwas received",  # wrapped header text in a template cell
        "Date\u00a0request was received",  # non-breaking space
        "Date received",
        "Request date",
    ],
)
def test_received_date_header_spellings(header: str) -> None:
    rec = _recognise(["Person ID", "Request ID", header, "Request Outcome", "UPNunknown"])
    assert rec is not None
    assert rec.columns.get("received_date") == 2
    assert rec.unknown == []


def test_unknown_and_repeated_headers_are_kept_aside() -> None:
    # A second column that maps to the same field is not silently merged: the first wins and
    # the second is reported with the unknown columns.
    rec = _recognise(
        [
            "PersonID",
            "ReceivedDate",
            "Date request was received",
            "RequestOutcome",
            "UPNunknown",
            "Key worker",
        ]
    )
    assert rec is not None
    assert rec.columns["received_date"] == 1
    assert rec.unknown == ["Date request was received", "Key worker"]


# --- header below title rows ---------------------------------------------------------------------


def test_header_below_three_title_rows(tmp_path: Path) -> None:
    # Rows 1-3 are titles, the header is on row 4 from column A, records on rows 5 and 6; the
    # bad date on the second record is reported on row 6.
    path = b.write_flat_xlsx(
        tmp_path / "cases.xlsx",
        [b.case("C1", "R1"), b.case("C2", "R2", received_date="2024-04-31")],
        title_rows=("EHC needs assessment requests", "Data as at 01/11/2026", "OFFICIAL-SENSITIVE"),
        header_row=4,
        first_col=1,
    )
    report = b.load(path, tmp_path / "data")
    assert b.problems(report, "date_impossible") == [
        ("cases.xlsx", "Cases", 6, "ReceivedDate", "date_impossible", "error")
    ]
    assert b.loaded_rows(tmp_path / "data", "requests") == [("cases.xlsx", "Cases", 5)]


@pytest.mark.parametrize(("header_row", "found"), [(30, True), (31, False)])
def test_header_search_stops_at_row_30(header_row: int, found: bool) -> None:
    # header_search_rows = 30 by default: a header on row 30 is found, on row 31 it is not.
    titles: list[list[Any]] = [[f"Title line {i}"] for i in range(1, header_row)]
    rec = _recognise(
        *titles,
        ["PersonID", "RequestID", "ReceivedDate", "RequestOutcome", "UPNunknown"],
        ["C1", "R1", "2024-01-10", "A", "UN1"],
    )
    assert (rec is not None) == found
    if rec is not None:
        assert rec.header_index == header_row - 1


# --- sheet names ---------------------------------------------------------------------------------


def test_sheet_names_match_ignoring_case_and_spaces(tmp_path: Path) -> None:
    # Sheets "person", "REQUESTS", "assessments", "named plan" and "SEN need". The "named plan"
    # sheet has only AssessmentID and RequestID: by headers alone that ties with the Assessments
    # module (see the next test), so only its name makes it a named plan.
    path = b.write_module_workbook(
        tmp_path / "modules.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1")],
        assessment=[b.assessment("A1", "R1")],
        sen_need=[{"request_id": "R1", "sen_type": "asd", "sen_type_rank": 1}],
        sheet_names={
            "person": "person",
            "requests": "REQUESTS",
            "assessment": "assessments",
            "sen_need": "SEN need",
        },
        extra_sheets={"named plan": [["AssessmentID", "RequestID"], ["A1", "R1"]]},
    )
    report = b.load(path, tmp_path / "data")
    assert b.problems(report) == []
    assert report.files[0].shape == ("SEN2 module workbook (5 sheets)")
    assert b.counts(
        tmp_path / "data", ("person", "requests", "assessment", "named_plan", "sen_need")
    ) == {"person": 1, "requests": 1, "assessment": 1, "named_plan": 1, "sen_need": 1}
    assert b.query(tmp_path / "data", "SELECT sen_type FROM sen_need") == [("ASD",)]


def test_without_the_sheet_name_the_same_sheet_is_read_by_its_headers(tmp_path: Path) -> None:
    # Control for the test above: called "Plans", the AssessmentID + RequestID sheet is taken
    # for an Assessments sheet, which then lacks its required AssessmentOutcome column.
    path = b.write_module_workbook(
        tmp_path / "modules.xlsx",
        person=[b.person("P1")],
        requests=[b.request("R1", "P1")],
        extra_sheets={"Plans": [["AssessmentID", "RequestID"], ["A1", "R1"]]},
    )
    report = b.load(path, tmp_path / "data")
    assert b.problems(report) == [("modules.xlsx", "Plans", None, None, "column_missing", "error")]


# --- aliases from the settings file --------------------------------------------------------------


def _alias_config(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fresh file name per test: etl.config caches settings per path.
    path.write_text(
        '[aliases.sen2.requests]\nreceived_date = ["Date of referral"]\n'
        '[aliases.sen2.person]\nperson_id = ["Mosaic ID"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SEND_CONFIG", str(path))


def _referral_list(path: Path, header: str = "Date of referral") -> Path:
    # A case list as one LA's system exports it: its own names for the child id and the date.
    style = {**b.XML, "received_date": header, "person_id": "Mosaic ID"}
    return b.write_flat_csv(
        path,
        [
            b.case("C1", "R1"),
            b.case(
                "C2",
                "R2",
                received_date=D(2024, 3, 4),
                request_outcome_date=D(2024, 3, 25),
                assessment_outcome_date=D(2024, 7, 1),
            ),
        ],
        style=style,
    )


def test_alias_from_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _referral_list(tmp_path / "referrals.csv")
    # Without the alias the file has no received date column: nothing loads.
    before = b.load(path, tmp_path / "without")
    assert b.problems(before) == [("referrals.csv", None, None, None, "column_missing", "error")]
    # With it, both rows load with their dates.
    _alias_config(tmp_path / "alias-settings.toml", monkeypatch)
    after = b.load(path, tmp_path / "with")
    assert b.problems(after) == []
    assert sorted(b.query(tmp_path / "with", "SELECT received_date FROM requests")) == [
        (D(2024, 1, 10),),
        (D(2024, 3, 4),),
    ]


@pytest.mark.parametrize("header", ["DATE OF REFERRAL", "date_of_referral", "Date-of-Referral"])
def test_aliases_from_settings_are_matched_tolerantly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    _alias_config(tmp_path / "alias-settings.toml", monkeypatch)
    rec = _recognise(["Mosaic ID", "RequestID", header, "RequestOutcome", "UPNunknown"])
    assert rec is not None
    assert (rec.columns["person_id"], rec.columns["received_date"]) == (0, 2)


def test_failed_file_can_be_loaded_after_adding_an_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _referral_list(tmp_path / "referrals.csv")
    data = tmp_path / "data"
    assert b.load(path, data).files[0].status == "failed"
    _alias_config(tmp_path / "alias-settings-2.toml", monkeypatch)
    again = b.load(path, data)
    assert again.files[0].status == "staged"
    assert b.counts(data)["requests"] == 2
