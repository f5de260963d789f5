"""Synthetic SEN2 generator (``etl/demo.py``): deterministic files, the loader's shapes, realistic
volumes, and every planted data-quality fault present (but rare).

The ``national`` scale is too big for a unit test; its Blade writer is exercised on a 4-LA
miniature instead.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine

from etl import demo
from etl.inputs.sen2 import stage as sen2
from etl.inputs.sen2.spec import MODULES, REQUEST_OUTCOMES
from etl.parse import cell_text, parse_code, parse_date, parse_flag
from etl.readers import read_file

SNAPSHOT = demo.DEFAULT_SNAPSHOT
FULL_YEARS = (SNAPSHOT.year - 3, SNAPSHOT.year - 2, SNAPSHOT.year - 1)
SHEETS = ["Person", "Requests", "Assessments", "Named Plan", "Active Plan", "SEN Need"]


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Default header aliases (no settings file) so that recognise() sees only the spec.
    monkeypatch.setenv("SEND_CONFIG", str(tmp_path / "no-settings-here.toml"))


@pytest.fixture(scope="module")
def la_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    [path] = demo.generate(tmp_path_factory.mktemp("la"), seed=1, scale="la")
    return path


@pytest.fixture(scope="module")
def book(la_file: Path) -> dict[str, list[dict[str, Any]]]:
    """Each sheet as records keyed by header ('' cells as None); Requests' header is on row 3."""
    workbook = python_calamine.CalamineWorkbook.from_path(str(la_file))
    out: dict[str, list[dict[str, Any]]] = {}
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        header_at = 2 if name == "Requests" else 0
        header = [str(h) for h in rows[header_at]]
        out[name] = [
            {h: (None if v == "" else v) for h, v in zip(header, row, strict=True)}
            for row in rows[header_at + 1 :]
        ]
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _id(value: Any) -> str | None:
    return cell_text(value)  # calamine hands back 20000001.0 for an id cell


def _date(value: Any) -> dt.date | None:
    parsed = parse_date(value)
    return parsed.value if parsed.ok else None


# --- determinism and shape -----------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(la_file: Path, tmp_path: Path) -> None:
    [again] = demo.generate(tmp_path / "again", seed=1, scale="la")
    assert again.name == "sen2_demo_la.xlsx"
    assert _sha256(again) == _sha256(la_file)


def test_rerun_overwrites_and_different_seed_differs(la_file: Path, tmp_path: Path) -> None:
    [first] = demo.generate(tmp_path, seed=2, scale="la")
    digest = _sha256(first)
    [second] = demo.generate(tmp_path, seed=2, scale="la")  # same folder: overwritten in place
    assert second == first and _sha256(second) == digest
    assert digest != _sha256(la_file)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sen2_demo_la.xlsx"]


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        demo.generate(tmp_path, scale="county")


def test_sheets_headers_and_title_rows(la_file: Path) -> None:
    wb = openpyxl.load_workbook(la_file, read_only=True)
    assert wb.sheetnames == SHEETS
    requests = wb["Requests"]
    rows = list(requests.iter_rows(min_row=1, max_row=4, values_only=True))
    assert rows[0][0] == "Demo Borough – SYNTHETIC SEN2 extract (not real children)"
    assert all(v is None for v in rows[1])
    assert rows[2][0] == "requeststableid"
    assert {"ReceivedDate", "RequestOutcome", "RequestOutcomeDate", "persontableid"} <= set(rows[2])
    assert isinstance(rows[3][0], int)
    # Other sheets: the header is row 1; key and parent-key columns are always there.
    expected = {
        "Person": {"persontableid"},
        "Assessments": {"assessmenttableid", "requeststableid", "Week20"},
        "Named Plan": {"assessmenttableid", "StartDate"},
        "Active Plan": {"activeplanstableid", "requeststableid"},
        "SEN Need": {"activeplanstableid", "SENtype", "SENtypeRank"},
    }
    for name, columns in expected.items():
        header = next(wb[name].iter_rows(max_row=1, values_only=True))
        assert columns <= set(header), name
        assert not {"Surname", "Forename", "PostCode"} & set(header)
    wb.close()


def test_every_sheet_is_recognised_with_all_columns_known(la_file: Path) -> None:
    modules = {
        "Person": "person",
        "Requests": "requests",
        "Assessments": "assessment",
        "Named Plan": "named_plan",
        "Active Plan": "active_plans",
        "SEN Need": "sen_need",
    }
    for sheet in read_file(la_file):
        rec = sen2.recognise(sheet)
        assert rec is not None, sheet.sheet
        assert rec.module.name == modules[str(sheet.sheet)]
        assert rec.unknown == []
        assert rec.header_index == (2 if sheet.sheet == "Requests" else 0)
        # Headers are the first alias of each field, in the spec's field order.
        fields = [f for f in MODULES[rec.module.name].fields if f.name in rec.columns]
        assert [rec.headers[f.name] for f in fields] == [f.aliases[0] for f in fields]
        assert [rec.columns[f.name] for f in fields] == sorted(rec.columns.values())


# --- volumes and mix -----------------------------------------------------------------------------


def test_volumes_and_outcome_mix(book: dict[str, list[dict[str, Any]]]) -> None:
    assert 2_800 <= len(book["Active Plan"]) <= 3_800
    by_year: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for row in book["Requests"]:
        received = _date(row["ReceivedDate"])
        if received is not None:
            by_year[received.year][str(row["RequestOutcome"]).upper()] += 1
    for year in FULL_YEARS:
        assert 600 <= sum(by_year[year].values()) <= 1_000, year
    agreed = sum(by_year[y]["Y"] for y in FULL_YEARS)
    total = sum(sum(by_year[y].values()) for y in FULL_YEARS)
    assert 0.57 <= agreed / total <= 0.73
    # The snapshot year runs only to the snapshot, and nothing is received after it.
    assert max(d for r in book["Requests"] if (d := _date(r["ReceivedDate"]))) <= SNAPSHOT


def test_people_ages_upns_and_needs(book: dict[str, list[dict[str, Any]]]) -> None:
    for person in book["Person"]:
        born = _date(person["PersonBirthDate"])
        assert born is not None
        assert 0 <= (SNAPSHOT - born).days / 365.25 < 26
        upn = person["UPN"]
        assert upn is None or re.fullmatch(r"Z\d{12}", upn)
        assert person["Sex"] in ("M", "F")
    upns = [p["UPN"] for p in book["Person"] if p["UPN"]]
    assert len(upns) == len(set(upns))
    primary = collections.Counter(
        n["SENtype"].upper() for n in book["SEN Need"] if n["SENtypeRank"] == 1
    )
    assert sum(primary.values()) == len(book["Active Plan"])
    assert primary.most_common(1)[0][0] == "ASD"


def test_open_cases_at_the_snapshot(book: dict[str, list[dict[str, Any]]]) -> None:
    # Agreed requests with no dated outcome yet: some still inside 20 weeks, some past it.
    decided = {
        _id(a["requeststableid"])
        for a in book["Assessments"]
        if a["AssessmentOutcomeDate"] is not None
    }
    open_days = [
        (SNAPSHOT - received).days
        for r in book["Requests"]
        if str(r["RequestOutcome"]).upper() in ("Y", "A")
        and _id(r["requeststableid"]) not in decided
        and (received := _date(r["ReceivedDate"])) is not None
    ]
    assert any(98 < d <= 140 for d in open_days)
    assert any(d > 140 for d in open_days)


def test_valid_variants_exercise_the_parsers(book: dict[str, list[dict[str, Any]]]) -> None:
    dates = [r["ReceivedDate"] for r in book["Requests"]]
    text_dates = [d for d in dates if isinstance(d, str) and parse_date(d).ok]
    assert any(re.fullmatch(r"\d\d/\d\d/\d{4}", d) for d in text_dates)
    assert any(re.fullmatch(r"\d{4}-[A-Z][a-z]{2}-\d\d 00:00:00", d) for d in text_dates)
    assert any(isinstance(d, float) for d in dates)  # Excel serial numbers
    assert any(r["RequestOutcome"] in ("y", "n", "h", "a", "w") for r in book["Requests"])
    assert {"Yes", "No"} & {a["Week20"] for a in book["Assessments"]}


# --- planted faults ------------------------------------------------------------------------------


def test_each_planted_fault_is_present_and_rare(book: dict[str, list[dict[str, Any]]]) -> None:
    requests, assessments, people = book["Requests"], book["Assessments"], book["Person"]
    found: collections.Counter[str] = collections.Counter()
    # 1. unreadable dates
    for r in requests:
        for column in ("ReceivedDate", "RequestOutcomeDate"):
            if r[column] is not None and not parse_date(r[column]).ok:
                found["bad_date"] += 1
    for a in assessments:
        if a["AssessmentOutcomeDate"] is not None and not parse_date(a["AssessmentOutcomeDate"]).ok:
            found["bad_date"] += 1
    bad_texts = {r["RequestOutcomeDate"] for r in requests} | {r["ReceivedDate"] for r in requests}
    bad_texts |= {a["AssessmentOutcomeDate"] for a in assessments}
    assert "tbc" in bad_texts
    assert any(isinstance(t, str) and t.startswith("13/25/") for t in bad_texts)
    assert any(isinstance(t, str) and t.startswith("31/02/") for t in bad_texts)
    # 2. unknown RequestOutcome
    found["unknown_request_outcome"] = sum(
        not parse_code(r["RequestOutcome"], REQUEST_OUTCOMES).ok for r in requests
    )
    # 4. duplicated requeststableid
    ids = collections.Counter(_id(r["requeststableid"]) for r in requests)
    found["duplicate_request_id"] = sum(n - 1 for n in ids.values() if n > 1)
    # 9. missing ReceivedDate
    found["missing_received_date"] = sum(r["ReceivedDate"] is None for r in requests)
    # 8. orphan request
    person_ids = {_id(p["persontableid"]) for p in people}
    found["orphan_request"] = sum(_id(r["persontableid"]) not in person_ids for r in requests)
    # 3. outcome before received; 5. assessment of a refused request; 6. Week20 "maybe"
    by_id = {_id(r["requeststableid"]): r for r in requests}
    for a in assessments:
        request = by_id[_id(a["requeststableid"])]
        received, outcome = _date(request["ReceivedDate"]), _date(a["AssessmentOutcomeDate"])
        if received and outcome and outcome < received:
            found["outcome_before_received"] += 1
        if str(request["RequestOutcome"]).upper() == "N":
            found["assessment_without_agreed_request"] += 1
        if a["Week20"] is not None and not parse_flag(a["Week20"]).ok:
            assert a["Week20"] == "maybe"
            found["week20_maybe"] += 1
    # 7. UPN blank and no reason
    found["upn_missing_no_reason"] = sum(
        p["UPN"] is None and p["UPNunknown"] is None for p in people
    )

    planted = demo.fault_counts(seed=1, scale="la")
    assert set(planted) == set(demo.FAULT_KINDS)
    for kind in demo.FAULT_KINDS:
        assert found[kind] >= 1, kind
        assert found[kind] == planted[kind], kind
    # Rare: all faults together are well under 1% of the request rows.
    assert sum(found.values()) < 0.01 * len(requests)


# --- national: the Blade CSV writer, on a miniature --------------------------------------------


def test_blade_set_on_a_small_national(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    mini = demo.Scale(active_plans=9_000, requests_per_year=2_000, la_count=4, blade=True)
    monkeypatch.setitem(demo.SCALES, "national", mini)
    folder = tmp_path / "blade_national"
    folder.mkdir()
    (folder / "Blade-Export_01-01-2020_person.csv").write_text("stale\n")

    [path] = demo.generate(tmp_path, seed=1, scale="national")

    assert path == folder
    names = sorted(p.name for p in folder.iterdir())
    stamp = SNAPSHOT.strftime("%d-%m-%Y")
    assert names == sorted(
        f"Blade-Export_{stamp}_{m}.csv"
        for m in ("sen2", "person", "requests", "assessment", "namedplan", "activeplans", "senneed")
    )
    header_rows = {
        name: (folder / name).read_text(encoding="utf-8").splitlines()[:2] for name in names
    }
    sen2_head, sen2_first = header_rows[f"Blade-Export_{stamp}_sen2.csv"]
    assert sen2_head == "sen2tableid,lea,referencedate,year"
    assert re.fullmatch(r"1,\d{3},2026-Nov-01 00:00:00,2026", sen2_first)
    person_head, _ = header_rows[f"Blade-Export_{stamp}_person.csv"]
    assert person_head.split(",")[0] == "persontableid"
    assert person_head.split(",")[-1] == "sen2tableid"
    request_head, request_first = header_rows[f"Blade-Export_{stamp}_requests.csv"]
    assert request_head == request_head.lower() and "receiveddate" in request_head.split(",")
    assert re.search(r",\d{4}-[A-Z][a-z]{2}-\d\d 00:00:00,", request_first)
    for name in names:
        [sheet] = read_file(folder / name)
        rec = sen2.recognise(sheet)
        assert rec is not None and rec.unknown == [] and rec.header_index == 0, name
    sen2_rows = (folder / f"Blade-Export_{stamp}_sen2.csv").read_text().splitlines()[1:]
    assert len(sen2_rows) == 4 and len({r.split(",")[1] for r in sen2_rows}) == 4
