"""Loading waiting-list extracts (issue 12): recognition, headers, service names, every rule,
pseudonymised references and a load log that adds up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl import inputs
from etl.config import Pseudonymiser
from etl.inputs import StageContext
from etl.inputs.tracker import demo as tracker_demo
from etl.inputs.waits import demo as waits_demo
from etl.inputs.waits.spec import service_key, service_lookup
from etl.readers import read_file
from tests import sen2_builders as b
from tests.waits_builders import write_extract

EXTRACT = dt.date(2025, 7, 31)
D = dt.date


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _kind_of(path: Path) -> str | None:
    sheets = read_file(path)
    context = StageContext(path, Pseudonymiser(b"k"))
    return next((k.name for k in inputs.kinds() if k.recognise(sheets, context)), None)


def test_each_kind_recognises_only_its_own_files(tmp_path: Path) -> None:
    sen2 = b.write_flat_csv(
        tmp_path / "flat.csv",
        [b.case("P1", "R1", received_date="2025-01-06", upn="A123456789012")],
    )
    [tracker, *_] = tracker_demo.generate(tmp_path / "t", seed=1, snapshot=D(2026, 11, 1))
    [waits, *_] = waits_demo.generate(tmp_path / "w", seed=1, snapshot=D(2026, 11, 1))
    waits_module = inputs.kinds()[1]
    assert waits_module.name == "waits"
    for path, kind in ((sen2, "sen2"), (tracker, "tracker"), (waits, "waits")):
        assert _kind_of(path) == kind
    context = StageContext(waits, Pseudonymiser(b"k"))
    for path in (sen2, tracker):
        assert waits_module.recognise(read_file(path), context) is None
    for other in inputs.kinds():
        if other.name != "waits":
            assert other.recognise(read_file(waits), context) is None


def test_service_names_match_ignoring_case_spaces_and_punctuation() -> None:
    table = service_lookup()
    for written, key in (
        ("SaLT", "speech_and_language_therapy"),
        ("S.L.T.", "speech_and_language_therapy"),
        ("Speech & Language Therapy", "speech_and_language_therapy"),
        ("OT", "occupational_therapy"),
        ("physio", "physiotherapy"),
        ("Paeds", "community_paediatrics"),
        ("Community Paediatrics", "community_paediatrics"),
        ("ASD assessment", "autism_assessment"),
        ("Autism Assessment", "autism_assessment"),
        ("ADHD  assessment", "adhd_assessment"),
        ("CAMHS", "camhs"),
        ("CYPMHS", "camhs"),
        ("wheelchair_services", "wheelchair_services"),
    ):
        assert table.get(service_key(written)) == key, written
    assert service_key("Sensory clinic") not in table


def _rows() -> list[list[object]]:
    # (Referral ID, Child ID, Service, Date of referral, First appointment, Date removed, DOB,
    #  Provider). Data starts on line 5.
    return [
        ["R1", "943 476 5919", "SaLT", D(2025, 3, 3), None, None, D(2019, 5, 1), "Trust A"],  # 5
        ["R2", "9434765920", "Sensory clinic", D(2025, 4, 1), None, None, D(2018, 1, 1), "Trust A"],
        ["R3", "C3", "Sensory Clinic", D(2025, 4, 2), None, None, None, "Trust A"],  # 7
        ["R4", "C4", "OT", None, None, None, None, "Trust A"],  # 8: referral date missing
        ["R5", "C5", "OT", "next week", None, None, None, "Trust A"],  # 9: unreadable
        ["R6", "C6", "OT", "31/02/2025", None, None, None, "Trust A"],  # 10: impossible
        ["R7", "C7", "OT", D(2025, 5, 1), D(2025, 4, 1), None, None, "Trust A"],  # 11: seen before
        [
            "R8",
            "C8",
            "OT",
            D(2025, 5, 1),
            None,
            D(2025, 4, 30),
            None,
            "Trust A",
        ],  # 12: removed before
        ["R9", "C9", "OT", D(2025, 8, 1), None, None, None, "Trust A"],  # 13: after the extract
        ["R1", "C10", "Physio", D(2025, 5, 1), None, None, None, "Trust A"],  # 14: duplicate id
        ["R1", "C11", "Physio", D(2025, 5, 1), None, None, None, "Trust B"],  # 15: other provider
        ["R12", "C12", "Physio", D(2025, 1, 1), None, None, D(1990, 1, 1), "Trust B"],  # 16: age 35
        [
            "R13",
            "C13",
            "Physio",
            D(2025, 1, 1),
            D(2025, 3, 1),
            D(2025, 2, 1),
            None,
            "Trust B",
        ],  # 17
        ["R14", "", "Physio", D(2025, 1, 1), None, None, None, "Trust B"],  # 18: no child ref
    ]


def test_rows_load_or_are_listed_and_the_log_adds_up(tmp_path: Path) -> None:
    path = write_extract(tmp_path / "waits.csv", _rows(), extract_date=EXTRACT)
    report = b.load(path, tmp_path / "data")
    assert [(p["row"], p["rule"], p["severity"]) for p in report.problems] == [
        (None, "service_unmapped", "query"),
        (None, "service_unmapped", "query"),
        (8, "date_missing", "error"),
        (9, "date_unreadable", "error"),
        (10, "date_impossible", "error"),
        (11, "date_before_referral", "error"),
        (12, "date_before_referral", "error"),
        (13, "date_after_extract", "error"),
        (14, "duplicate_referral_id", "error"),
        (16, "age_out_of_range", "query"),
        (17, "seen_after_removal", "query"),
        (18, "value_missing", "error"),
    ]
    # Kept under the name as written: two spellings, two names, one row each.
    assert sorted(m.split(" matches")[0] for m in b.messages(report, "service_unmapped")) == [
        "Service 'Sensory Clinic' (1 row)",
        "Service 'Sensory clinic' (1 row)",
    ]
    [log] = report.summary
    # 14 rows read; 8 rejected (lines 8-14 and 18); 6 loaded (5, 6, 7, 15, 16, 17).
    assert (log["rows_read"], log["rows_loaded"], log["rows_rejected"], log["queries"]) == (
        14,
        6,
        8,
        4,  # two unmapped names, age, seen after removal
    )
    assert "extract date 31/07/2025" in log["shape"]
    rows = b.query(
        tmp_path / "data",
        "SELECT source_row, service, service_mapped, age_at_referral, provider FROM "
        "waits_referrals ORDER BY source_row",
    )
    assert rows == [
        (5, "speech_and_language_therapy", True, 5, "Trust A"),  # 01/05/2019 → 03/03/2025: 5
        (6, "Sensory clinic", False, 7, "Trust A"),  # 01/01/2018 → 01/04/2025: 7
        (7, "Sensory Clinic", False, None, "Trust A"),
        (15, "physiotherapy", True, None, "Trust B"),
        (16, "physiotherapy", True, 35, "Trust B"),
        (17, "physiotherapy", True, None, "Trust B"),
    ]


def test_the_child_reference_is_stored_only_as_a_keyed_hash(tmp_path: Path) -> None:
    path = write_extract(tmp_path / "waits.csv", _rows()[:1], extract_date=EXTRACT)
    b.load(path, tmp_path / "data")
    con = b.warehouse(tmp_path / "data")
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        for table in tables:
            for row in con.execute(f"SELECT * FROM {table}").fetchall():
                text = " ".join(str(v) for v in row)
                assert "9434765919" not in text and "943 476 5919" not in text, table
        [(key, reference)] = con.execute(
            "SELECT child_key, reference FROM waits_referrals"
        ).fetchall()
    finally:
        con.close()
    # Spaces in an NHS number do not make a different child.
    assert key == Pseudonymiser(b"test-key-not-secret")("waits_child", "9434765919")
    assert reference.startswith("W-") and len(reference) == 12


def test_unmapped_names_count_their_rows(tmp_path: Path) -> None:
    rows = [
        ["R1", "C1", "Sensory clinic", D(2025, 3, 3), None, None, None, "A"],
        ["R2", "C2", "Sensory clinic", D(2025, 3, 4), None, None, None, "A"],
        ["R3", "C3", "Tongue tie", D(2025, 3, 5), None, None, None, "A"],
    ]
    report = b.load(write_extract(tmp_path / "w.csv", rows, extract_date=EXTRACT), tmp_path / "d")
    assert sorted(b.messages(report, "service_unmapped")) == [
        "Service 'Sensory clinic' (2 rows) matches no standard service; kept under that name. "
        "To count it as one of speech_and_language_therapy, occupational_therapy, physiotherapy, "
        "community_paediatrics, camhs, autism_assessment, adhd_assessment, audiology, dietetics, "
        "wheelchair_services, add it under [waits.services] in the settings file",
        "Service 'Tongue tie' (1 row) matches no standard service; kept under that name. To "
        "count it as one of speech_and_language_therapy, occupational_therapy, physiotherapy, "
        "community_paediatrics, camhs, autism_assessment, adhd_assessment, audiology, dietetics, "
        "wheelchair_services, add it under [waits.services] in the settings file",
    ]


def test_settings_synonyms_map_a_local_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = tmp_path / "s.toml"
    settings.write_text('[waits.services]\noccupational_therapy = ["Sensory clinic"]\n')
    monkeypatch.setenv("SEND_CONFIG", str(settings))
    rows = [["R1", "C1", "Sensory clinic", D(2025, 3, 3), None, None, None, "A"]]
    report = b.load(write_extract(tmp_path / "w.csv", rows, extract_date=EXTRACT), tmp_path / "d")
    assert report.problems == []
    assert b.query(tmp_path / "d", "SELECT service FROM waits_referrals") == [
        ("occupational_therapy",)
    ]


def test_a_slip_in_the_services_section_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.config import SettingsError, settings

    bad = tmp_path / "bad.toml"
    bad.write_text('[waits.services]\noccupational_therapyy = ["OT clinic"]\n')
    monkeypatch.setenv("SEND_CONFIG", str(bad))
    with pytest.raises(SettingsError, match=r"\[waits.services\] occupational_therapyy"):
        settings()


def test_no_extract_date_uses_as_of_or_the_load_day(tmp_path: Path) -> None:
    rows = [["R1", "C1", "OT", D(2025, 3, 3), None, None, None, "A"]]
    path = write_extract(tmp_path / "w.csv", rows, extract_date=None)
    report = b.load(path, tmp_path / "d", as_of=D(2025, 3, 2))
    # --as-of 02/03/2025 is the extract date: a referral on 03/03/2025 is after it.
    assert [p["rule"] for p in report.problems] == ["date_after_extract"]
    report = b.load(path, tmp_path / "e")
    assert [p["rule"] for p in report.problems] == ["extract_date_missing"]


def test_a_later_extract_supersedes_the_same_referral(tmp_path: Path) -> None:
    first = [
        ["R1", "C1", "OT", D(2025, 3, 3), None, None, None, "A"],
        ["R2", "C2", "OT", D(2025, 3, 4), None, None, None, "A"],
    ]
    second = [["R1", "C1", "OT", D(2025, 3, 3), D(2025, 8, 20), None, None, "A"]]
    b.load(write_extract(tmp_path / "july.csv", first, extract_date=EXTRACT), tmp_path / "d")
    b.load(write_extract(tmp_path / "aug.csv", second, extract_date=D(2025, 8, 31)), tmp_path / "d")
    log = b.load_log(tmp_path / "d")
    assert (log["july.csv"]["rows_loaded"], log["july.csv"]["rows_superseded"]) == (1, 1)
    assert log["aug.csv"]["rows_loaded"] == 1
    b.assert_nothing_lost(tmp_path / "d")
    assert b.query(
        tmp_path / "d", "SELECT source_file, seen_date FROM waits_referrals ORDER BY 1"
    ) == [("aug.csv", D(2025, 8, 20)), ("july.csv", None)]


def test_a_missing_required_column_loads_nothing(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("Child ID,Service,Date seen\nC1,OT,01/02/2025\n")
    report = b.load(path, tmp_path / "d")
    # Without a referral date the sheet is not a waiting list at all.
    assert [p["rule"] for p in report.problems] == ["file_no_sheet"]
    assert "health waiting list" in report.problems[0]["message"]
