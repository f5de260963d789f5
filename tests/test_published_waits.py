"""NHS England's published CYP waits (issue 12): the real CHS workbooks read by the loader,
checked against an independent reading of the same cells with openpyxl.

Two months are used: January 2025 (Tables 4–4g have their header on row 6 but Table 4h on row 5,
and the bands over 18 weeks are 4f, 4g and 4h) and August 2024 (header on row 5, no Table 4h:
4g is "over 52 weeks").
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from etl.published import chs, load_published
from tests import cli_runner

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference-data"
CHS_DIR = REFERENCE / "nhs_community_health" / "chs_monthly_2024_25"
JANUARY = CHS_DIR / "Community-health-services-waiting-lists-2024-25-January.xlsx"
AUGUST = CHS_DIR / "Community-health-services-waiting-lists-2024-25-August.xlsx"
LOOKUP = REFERENCE / "lookups" / "la_to_icb24_lsoa_share.csv"
SLT = "(CYP) Therapy interventions: Speech and language"
PAEDS = "(CYP) Community paediatric service"

pytestmark = pytest.mark.skipif(not JANUARY.exists(), reason="needs ../shared/reference-data")


def _cell(path: Path, sheet: str, org: str, column: str) -> Any:
    """One published cell, found by reading the sheet with openpyxl: the row whose first cell
    is 'Organisation Type' is the header; the organisation is found by its code (England by its
    name, as its code is blank)."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Organisation Type")
    index = list(rows[header_at]).index(column)
    for row in rows[header_at + 1 :]:
        if (org == "England" and row[2] == "England") or row[1] == org:
            value = row[index]
            return None if value in (None, "") else int(value)
    raise AssertionError(f"{org} not in {sheet}")


def _independent(path: Path, org: str, column: str, over_18: list[str], over_52: list[str]) -> dict:
    total = _cell(path, "Table 4", org, column)
    bands_18 = [_cell(path, t, org, column) for t in over_18]
    bands_52 = [_cell(path, t, org, column) for t in over_52]
    o18 = None if None in bands_18 else sum(bands_18)
    o52 = None if None in bands_52 else sum(bands_52)
    pct = (
        None
        if not total or o18 is None
        else float((Decimal(o18 * 100) / total).quantize(Decimal("0.1"), ROUND_HALF_UP))
    )
    return {"waiting": total, "over_18_weeks": o18, "over_52_weeks": o52, "pct_over_18_weeks": pct}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("published")
    for path in (JANUARY, AUGUST, LOOKUP):
        (source / path.name).symlink_to(path)
    folder = tmp_path_factory.mktemp("data")
    report = load_published(source, folder)
    assert all(not f.message for f in report.files)
    return folder


def _run(data: Path, *args: str) -> dict[str, Any]:
    env = {"SEND_CONFIG": str(data / "none.toml"), "SEND_HASH_KEY": "k", "PATH": ""}
    result = cli_runner.run(("waits-published", *args, "--json", "--data-dir", str(data)), env)
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.mark.parametrize(
    ("path", "month", "over_18", "over_52"),
    [
        (JANUARY, "2025-01", ["Table 4f", "Table 4g", "Table 4h"], ["Table 4g", "Table 4h"]),
        (AUGUST, "2024-08", ["Table 4f", "Table 4g"], ["Table 4g"]),
    ],
)
def test_one_icb_and_england_match_the_tables(
    data: Path, path: Path, month: str, over_18: list[str], over_52: list[str]
) -> None:
    payload = _run(data, "--area", "Kent and Medway", "--month", month)
    assert payload["area"] == {"level": "ICB", "code": "QKS", "name": "KENT AND MEDWAY"}
    assert payload["month"] == month
    for column, service in ((SLT, "speech_and_language_therapy"), (PAEDS, "community_paediatrics")):
        assert payload["services"][service] == _independent(path, "QKS", column, over_18, over_52)
        assert payload["england"][service] == _independent(
            path, "England", column, over_18, over_52
        )


def test_the_latest_month_by_default_and_an_la_resolves_to_its_icb(data: Path) -> None:
    payload = _run(data, "--area", "E10000016")  # Kent
    assert payload["month"] == "2025-01"
    assert payload["area"]["level"] == "LA" and payload["area"]["name"] == "Kent"
    assert [i["code"] for i in payload["area"]["icbs"]] == ["QKS"]
    assert payload["services"] == _run(data, "--area", "QKS")["services"]


def test_an_la_split_across_icbs_lists_each_with_its_share(data: Path) -> None:
    payload = _run(data, "--area", "Cumberland")
    shares = {i["code"]: i["share_of_la"] for i in payload["area"]["icbs"]}
    assert set(shares) == {"QHM", "QE1"} and sum(shares.values()) == pytest.approx(1.0, abs=0.01)
    # The ICB holding most of the LA comes first and gives "services".
    assert payload["icbs"][0]["code"] == "QHM"
    assert payload["services"] == payload["icbs"][0]["services"]


def test_a_blank_cell_is_no_submission_not_zero(data: Path) -> None:
    # Wheelchair services: a column with blanks for some ICBs in January 2025.
    column = "(CYP) Wheelchair, orthotics, prosthetics and equipment"
    wb = openpyxl.load_workbook(JANUARY, read_only=True, data_only=True)
    try:
        rows = list(wb["Table 4"].iter_rows(values_only=True))
    finally:
        wb.close()
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Organisation Type")
    index = list(rows[header_at]).index(column)
    blank = next(r[1] for r in rows[header_at + 1 :] if r[0] == "ICB" and r[index] in (None, ""))
    payload = _run(data, "--area", blank, "--month", "2025-01")
    assert payload["services"]["wheelchair_services"] == {
        "waiting": None,
        "over_18_weeks": None,
        "over_52_weeks": None,
        "pct_over_18_weeks": None,
    }


def test_bands_are_read_from_titles() -> None:
    assert chs.band_of("Number waiting >18-52 weeks (127-364 days) by service, July 2025") == (
        ">18-52 weeks",
        18,
    )
    assert chs.band_of("Number waiting over 52 weeks (over 365 days) by service, August 2024") == (
        "over 52 weeks",
        52,
    )
    assert chs.band_of("Number waiting 0-1 weeks (0-7 days) by service, July 2025") == (
        "0-1 weeks",
        0,
    )
    assert chs.month_of("Total waiting list by service, January 2025") == dt.date(2025, 1, 1)
    assert chs.month_of("Total waiting list by service") is None


def test_unknown_area_is_a_usage_error(data: Path) -> None:
    env = {"SEND_CONFIG": str(data / "none.toml"), "SEND_HASH_KEY": "k", "PATH": ""}
    result = cli_runner.run(("waits-published", "--area", "Atlantis", "--data-dir", str(data)), env)
    assert result.returncode == 2
    assert "No area matches 'Atlantis'" in result.stderr


def test_fetch_keeps_a_chs_workbook_whole_and_loads_it(tmp_path: Path) -> None:
    from etl.fetch import fetch

    [got] = fetch(
        {"Community-health-services-waiting-lists-2024-25-August": AUGUST.as_uri()}, tmp_path
    )
    assert got.files[0].name == AUGUST.name  # not unpacked as a zip of CSVs
    report = load_published(got.files[0].parent, tmp_path / "data")
    assert [f.dataset for f in report.files] == ["chs_waits_2024_08"]
