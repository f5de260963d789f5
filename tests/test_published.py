"""``load-published`` against the REAL shared DfE files, and synthetic files for the quirks the
real ones do not show.

Every expected figure below was read by hand from the file named in its comment (``grep`` on
``../shared/reference-data``), never computed by the code under test.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl import benchmark as bm
from etl import published as pub
from tests import published_fixture as pf
from tests.published_fixture import real_published  # noqa: F401  (session fixture)

Row = dict[str, Any]


@pytest.fixture()
def con(real_published: Path) -> Iterator[duckdb.DuckDBPyConnection]:  # noqa: F811
    connection = pf.open_published(real_published)
    yield connection
    connection.close()


def figure(
    con: duckdb.DuckDBPyConnection,
    measure: str,
    year: int,
    area_code: str,
    *,
    table: str = "pub_value",
    dataset: str | None = None,
) -> Row:
    """The one published figure for (measure, year, area), headline breakdown."""
    sql = (
        f"SELECT value, status, numerator, denominator, source_file, release, level, dataset "
        f"FROM {table} WHERE measure = ? AND year = ? AND area_code = ? AND breakdown = 'All'"
    )
    params: list[Any] = [measure, year, area_code]
    if dataset:
        sql += " AND dataset = ?"
        params.append(dataset)
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, f"{measure} {year} {area_code}: {len(rows)} rows in {table}"
    keys = ("value", "status", "numerator", "denominator", "source_file", "release", "level")
    return dict(zip((*keys, "dataset"), rows[0], strict=True))


EXCL, INCL = "pct_within_20_weeks_excl_exceptions", "pct_within_20_weeks"
ENGLAND, KENT, WOLVES = "E92000001", "E10000016", "E08000031"
DORSET, CITY = "E06000059", "E09000001"
RELEASE_2025 = "DfE EES 'Education, health and care plans' 2025 release"


# --------------------------------------------------------------------------------------------
# Real files: published figures come out exactly as published

# timeliness_20_week.csv, rows "…,All EHC plans issued,All EHC plans issued":
#   columns pc_plans_issued_within_20_weeks (incl) and PC_plans_issued_20_weeks_ex (excl)
#   2023 National  ... 80945,76506,39784,38471,49.1,50.3
#   2024 National  ... 90392,84866,41448,39407,45.9,46.4
#   2023 Kent 886  ... 1804,1796,324,324,18,18
#   2024 Kent 886  ... 2424,2354,784,783,32.3,33.3
#   2023 Wolverhampton 336 ... 425,384,315,291,74.1,75.8
#   2024 Wolverhampton 336 ... 395,355,206,198,52.2,55.8
PUBLISHED = [
    ("England", ENGLAND, 2023, 50.3, 49.1),
    ("England", ENGLAND, 2024, 46.4, 45.9),
    ("LA", KENT, 2023, 18.0, 18.0),
    ("LA", KENT, 2024, 33.3, 32.3),
    ("LA", WOLVES, 2023, 75.8, 74.1),
    ("LA", WOLVES, 2024, 55.8, 52.2),
]


@pf.needs_reference
@pytest.mark.parametrize(("level", "area", "year", "excl", "incl"), PUBLISHED)
def test_timeliness_exactly_as_published(
    con: duckdb.DuckDBPyConnection, level: str, area: str, year: int, excl: float, incl: float
) -> None:
    got_excl = figure(con, EXCL, year, area)
    got_incl = figure(con, INCL, year, area)
    assert (got_excl["value"], got_excl["status"]) == (excl, None)
    assert (got_incl["value"], got_incl["status"]) == (incl, None)
    for got in (got_excl, got_incl):
        assert got["level"] == level
        assert got["source_file"] == "timeliness_20_week.csv"
        assert got["release"] == RELEASE_2025


@pf.needs_reference
def test_counts_come_with_the_rates(con: duckdb.DuckDBPyConnection) -> None:
    # 2023 Wolverhampton: plans_issued_den 425, plans_issued_den_ex 384,
    # plans_issued_within_20_weeks 315, plans_issued_20_weeks_ex 291.
    excl = figure(con, EXCL, 2023, WOLVES)
    incl = figure(con, INCL, 2023, WOLVES)
    assert (excl["numerator"], excl["denominator"]) == (291, 384)
    assert (incl["numerator"], incl["denominator"]) == (315, 425)
    assert figure(con, "plans_issued", 2023, WOLVES)["value"] == 425


@pf.needs_reference
def test_header_case_quirk_is_read(con: duckdb.DuckDBPyConnection) -> None:
    # The real 2025 file spells the excluding-exceptions column in upper case.
    with pf.TIMELINESS_FILE.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert "PC_plans_issued_20_weeks_ex" in header
    assert "pc_plans_issued_20_weeks_ex" not in header
    # ... and its figures are there (2024 England, see PUBLISHED).
    assert figure(con, EXCL, 2024, ENGLAND)["value"] == 46.4


@pf.needs_reference
def test_older_years_come_from_sen2_mi(con: duckdb.DuckDBPyConnection) -> None:
    # sen2_mi_2014_2022.csv, 2018 Wolverhampton (336): no_exc_20week_rate "64.800000000000",
    # inc_exc_20week_rate "59.000000000000", no_exc_20week_ehc 177, tot_no_exc_ehc 273.
    excl = figure(con, EXCL, 2018, WOLVES)
    assert excl["value"] == 64.8
    assert (excl["numerator"], excl["denominator"]) == (177, 273)
    assert excl["source_file"] == "sen2_mi_2014_2022.csv"
    assert "sen2_mi" in excl["release"]
    assert figure(con, INCL, 2018, WOLVES)["value"] == 59.0


@pf.needs_reference
def test_overlapping_year_takes_the_newer_release(con: duckdb.DuckDBPyConnection) -> None:
    # 2022 England is in both files: sen2_mi no_exc_20week_rate " 49.166" (→ 49.2 at 1 dp),
    # inc_exc_20week_rate " 47.665" (→ 47.7); timeliness_20_week.csv 2022 National 49.2 / 47.7.
    shown = figure(con, EXCL, 2022, ENGLAND)
    assert shown["value"] == 49.2
    assert shown["source_file"] == "timeliness_20_week.csv"
    assert shown["release"] == RELEASE_2025
    assert figure(con, INCL, 2022, ENGLAND)["source_file"] == "timeliness_20_week.csv"
    # Both are kept in pub_value_all; only the newer is shown.
    old = figure(con, EXCL, 2022, ENGLAND, table="pub_value_all", dataset="sen2_mi")
    assert (old["value"], old["source_file"]) == (49.2, "sen2_mi_2014_2022.csv")
    assert (
        figure(con, INCL, 2022, ENGLAND, table="pub_value_all", dataset="sen2_mi")["value"] == 47.7
    )


@pf.needs_reference
@pytest.mark.parametrize("la", [DORSET, CITY])
def test_zero_denominator_is_no_value_never_zero(con: duckdb.DuckDBPyConnection, la: str) -> None:
    # 2024 Dorset:          585,0,287,0,49.1,x   (plans_issued_den_ex 0, PC_..._ex "x")
    # 2024 City of London:  5,0,4,0,80,x
    excl = figure(con, EXCL, 2024, la)
    assert excl["value"] is None
    assert excl["status"] == "no plans"
    assert excl["denominator"] == 0
    # The including-exceptions figure is there as published.
    assert figure(con, INCL, 2024, la)["value"] == {DORSET: 49.1, CITY: 80.0}[la]
    # On the benchmark: no value, not ranked, and not counted in `of`.
    la_row = bm.resolve_la(con, la)
    position = bm.measure_position(con, la_row, EXCL, 2024)
    assert position["la"] is None
    assert position["la_status"] == "no plans in the denominator"
    assert position["rank"] is None and position["quartile"] is None
    # 153 LAs have a 2024 row; Dorset and City of London have no excl value: 151.
    assert position["of"] == 151


@pf.needs_reference
def test_no_percentage_is_made_from_a_zero_denominator(con: duckdb.DuckDBPyConnection) -> None:
    made_up = con.execute(
        "SELECT count(*) FROM pub_value_all WHERE denominator = 0 AND value IS NOT NULL "
        "AND measure LIKE 'pct%'"
    ).fetchone()
    assert made_up == (0,)
    # A value and a status never come together (a symbol is never turned into a number).
    both = con.execute(
        "SELECT count(*) FROM pub_value_all WHERE value IS NOT NULL AND status IS NOT NULL"
    ).fetchone()
    assert both == (0,)


@pf.needs_reference
def test_x_and_z_cells_are_no_value_with_the_symbol(con: duckdb.DuckDBPyConnection) -> None:
    # timeliness 2019 National: pc_plans_issued_gt20weeks_ltYear "x" (denominator 53327).
    x = figure(con, "pct_20_weeks_to_1_year", 2019, ENGLAND)
    assert (x["value"], x["status"], x["denominator"]) == (None, "x", 53327)
    # sen2_mi 2022 West Berkshire (869): no_exc_20week_rate "x", tot_no_exc_ehc 130.
    x2 = figure(con, EXCL, 2022, "E06000037", table="pub_value_all", dataset="sen2_mi")
    assert (x2["value"], x2["status"]) == (None, "x")
    # sen2_mi 2014 Wolverhampton: inreq_ehc "z" (requests not collected that year).
    z = figure(con, "requests_received", 2014, WOLVES)
    assert (z["value"], z["status"]) == (None, "z")


# --------------------------------------------------------------------------------------------
# Real files: nothing lost


def _records(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle))


@pf.needs_reference
def test_every_row_read_is_accounted_for(con: duckdb.DuckDBPyConnection) -> None:
    files = con.execute(
        "SELECT dataset, path, rows_read, rows_loaded, rows_not_used, rows_rejected, message "
        "FROM pub_file ORDER BY dataset"
    ).fetchall()
    datasets = {f[0] for f in files}
    assert datasets == {
        "annual_reviews",
        "assessments",
        "caseload",
        "ceased_plans",
        "newplans",
        "requests",
        "sen_need_newplans",
        "sen_needs_all_plans",
        "timeliness_20_week",
        "sen2_mi",
        "stat_neighbours",
        "tribunals",
        # NHS waiting times (issue 12): twelve monthly CHS workbooks, autism, two lookups.
        *(f"chs_waits_{m}" for m in ("2024_08", "2024_09", "2024_10", "2024_11", "2024_12")),
        *(f"chs_waits_2025_{m:02d}" for m in range(1, 8)),
        "nhs_autism",
        "la_to_icb",
        "la_to_subicb",
        "la_exclusions_by_sen",
        "exclusions_national",
        "dfe_neighbours",
    }
    for dataset, path, read, loaded, not_used, rejected, message in files:
        assert message == "", dataset
        assert read == loaded + not_used + rejected, dataset
        assert loaded > 0, dataset
        # The not-used reasons add up to the file's not-used count.
        by_reason = con.execute(
            "SELECT coalesce(sum(rows), 0) FROM pub_not_used WHERE dataset = ?", [dataset]
        ).fetchone()
        assert by_reason == (not_used,), dataset
        if dataset not in (
            "stat_neighbours",
            "tribunals",
            "dfe_neighbours",
        ) and not dataset.startswith("chs_"):
            # A tidy CSV: every record after the header is a row read.
            assert read == _records(Path(path)) - 1, dataset
    # sen2_mi has only headline rows: all 1,456 data rows loaded (1,457 records with header).
    sen2 = next(f for f in files if f[0] == "sen2_mi")
    assert sen2[2:6] == (1456, 1456, 0, 0)


@pf.needs_reference
def test_personal_budgets_and_other_unknown_files_are_not_picked_up(
    con: duckdb.DuckDBPyConnection,
) -> None:
    names = {r[0] for r in con.execute("SELECT file FROM pub_file").fetchall()}
    assert "personal_budgets.csv" not in names
    assert "sen2_dmo_dco.csv" not in names


# --------------------------------------------------------------------------------------------
# Real files: tribunal appeal rate


@pf.needs_reference
def test_tribunal_appeal_rate(con: duckdb.DuckDBPyConnection) -> None:
    # send_tribunals_appeal_rate_2014_2024.csv, 2024 block (appeals, decisions, rate):
    #   Kent,886,...,"1,559","23,692",6.60%
    #   "England Total4,9",,...,"22,276","689,739",3.20%
    #   City of London,201,..., - ,26,0.00%      (' - ' = no appeals)
    kent = figure(con, "tribunal_appeal_rate", 2024, KENT)
    assert (kent["value"], kent["numerator"], kent["denominator"]) == (6.6, 1559, 23692)
    england = figure(con, "tribunal_appeal_rate", 2024, ENGLAND)
    assert (england["value"], england["level"]) == (3.2, "England")
    assert england["denominator"] == 689739
    city = figure(con, "tribunal_appeal_rate", 2024, CITY)
    assert (city["value"], city["status"], city["numerator"]) == (0.0, None, 0)
    assert city["denominator"] == 26
    # Kent 2014: 325,"6,924",4.70%
    assert figure(con, "tribunal_appeal_rate", 2014, KENT)["value"] == 4.7


@pf.needs_reference
def test_tribunal_rows_whose_code_is_wrong_in_the_file(con: duckdb.DuckDBPyConnection) -> None:
    """The MoJ table's 3-digit codes are rotated for three East Midlands rows:

        Northamptonshire7,892, …(2021–2024 all '..', footnote 7: split in 2021)
        Nottingham,891,       … 2024: 52, "2,102", 2.50%
        Nottinghamshire,928,  … 2024: 184, "5,919", 3.10%

    while the EES files code Nottingham 892 (E06000018), Nottinghamshire 891 (E10000024) and
    Northamptonshire 928 (E10000021). The names are the right ones: the '..' from 2021 on is the
    abolished county (footnote 7), and the sizes match the EES January 2025 caseload
    (Nottinghamshire 5,422 plans, Nottingham 1,909). Trusting the code gives Nottingham no
    figure for 2021–2024 and gives the abolished Northamptonshire figures after 2020.
    """
    nottingham = figure(con, "tribunal_appeal_rate", 2024, "E06000018")
    assert (nottingham["value"], nottingham["denominator"]) == (2.5, 2102)
    notts = figure(con, "tribunal_appeal_rate", 2024, "E10000024")
    assert (notts["value"], notts["denominator"]) == (3.1, 5919)
    after_split = con.execute(
        "SELECT count(*) FROM pub_value WHERE measure = 'tribunal_appeal_rate' "
        "AND area_code = 'E10000021' AND year >= 2021 AND value IS NOT NULL"
    ).fetchone()
    assert after_split == (0,)


@pf.needs_reference
def test_tribunal_rows_whose_codes_are_swapped_cambridgeshire_central_bedfordshire(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """'Central Bedfordshire,873' then 'Cambridgeshire,823': EES codes Cambridgeshire 873
    (E10000003) and Central Bedfordshire 823 (E06000056), so the codes are swapped. The names
    are the right ones: over 2014-2023 the row named Central Bedfordshire has 1,141 … 3,711
    appealable decisions and the row named Cambridgeshire 3,430 … 7,655, matching their sizes
    (January 2025 caseload: Central Bedfordshire 4,035 plans, Cambridgeshire 8,007).
    (Their 2024 cells, 8,246 and 4,410, look swapped in the source; they are shown as published
    and the mismatch is listed as a query for the analyst.)"""
    central = figure(con, "tribunal_appeal_rate", 2023, "E06000056")
    assert (central["value"], central["numerator"], central["denominator"]) == (2.6, 96, 3711)
    cambs = figure(con, "tribunal_appeal_rate", 2023, "E10000003")
    assert (cambs["value"], cambs["numerator"], cambs["denominator"]) == (1.6, 126, 7655)
    flagged = con.execute(
        'SELECT "row" FROM pub_problem WHERE rule = \'published_code_name_mismatch\' ORDER BY "row"'
    ).fetchall()
    # Lines 68-70 (Northamptonshire, Nottingham, Nottinghamshire) and 90-91.
    assert [r[0] for r in flagged] == [68, 69, 70, 90, 91]
    # The LA keeps its own EES code, not the table's.
    assert con.execute("SELECT old_la_code FROM pub_la WHERE la_code = 'E06000018'").fetchone() == (
        "892",
    )


@pf.needs_reference
def test_tribunal_rows_without_a_code_are_matched_by_name(con: duckdb.DuckDBPyConnection) -> None:
    """'Bournemouth5,,10,727,1.40%,…' has no code (footnote 5: merged into BCP in 2019); it is
    Bournemouth (E06000028) in the sen2_mi file. 2014: 10 appeals, 727 decisions, 1.40%."""
    bournemouth = figure(con, "tribunal_appeal_rate", 2014, "E06000028")
    assert (bournemouth["value"], bournemouth["numerator"], bournemouth["denominator"]) == (
        1.4,
        10,
        727,
    )


# --------------------------------------------------------------------------------------------
# Real files: statistical neighbours and LAs


@pf.needs_reference
def test_every_la_has_ten_neighbours_resolved(con: duckdb.DuckDBPyConnection) -> None:
    with pf.NEIGHBOURS_FILE.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert len(header) == 153
    counts = con.execute(
        "SELECT la_code, count(*), count(DISTINCT position), count(DISTINCT neighbour_code) "
        "FROM pub_neighbour GROUP BY la_code"
    ).fetchall()
    assert len(counts) == 153
    assert all(c[1:] == (10, 10, 10) for c in counts), [c for c in counts if c[1:] != (10,) * 3]
    # Every neighbour is a real LA in the published files, and every lookup name matched.
    orphans = con.execute(
        "SELECT count(*) FROM pub_neighbour WHERE neighbour_code NOT IN "
        "(SELECT la_code FROM pub_la)"
    ).fetchone()
    assert orphans == (0,)
    unmatched = con.execute(
        "SELECT message FROM pub_problem WHERE rule = 'published_unknown_la' "
        "AND dataset = 'stat_neighbours'"
    ).fetchall()
    assert unmatched == []


@pf.needs_reference
@pytest.mark.parametrize(
    ("lookup_name", "code"),
    [
        # lookup spelling → the EES name/code (timeliness_20_week.csv)
        ("Bedford Borough", "E06000055"),  # EES "Bedford", 822
        ("Durham", "E06000047"),  # EES "County Durham", 840
        ("Herefordshire", "E06000019"),  # EES "Herefordshire, County of", 884
        ("Kingston Upon Hull, City of", "E06000010"),  # EES "Kingston upon Hull, City of", 810
        ("Dorset", DORSET),  # the unitary (838), not the old county E10000009
    ],
)
def test_lookup_spellings_resolve(con: duckdb.DuckDBPyConnection, lookup_name: str, code: str):
    found = con.execute(
        "SELECT DISTINCT neighbour_code FROM pub_neighbour WHERE neighbour_name = ?",
        [lookup_name],
    ).fetchall()
    assert found == [(code,)]


def _choose_neighbours(monkeypatch: pytest.MonkeyPatch, folder: Path, choice: str) -> None:
    settings = folder / f"neighbours-{choice}.toml"
    settings.write_text(f'[benchmark]\nneighbours = "{choice}"\n', encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(settings))


@pf.needs_reference
def test_wolverhamptons_neighbours_in_order(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The older lookup, chosen in the settings: stat_neighbours.csv, column "Wolverhampton".
    _choose_neighbours(monkeypatch, tmp_path, "d2i")
    assert bm.neighbour_set(con)[1].startswith("Older statistical-neighbour lookup")
    wolves = bm.resolve_la(con, "336")
    assert [name for _code, name in bm.neighbours(con, wolves.code)] == [
        "Sandwell",
        "Stoke-on-Trent",
        "Walsall",
        "Kingston upon Hull, City of",
        "Rochdale",
        "Coventry",
        "Doncaster",
        "Derby",
        "Middlesbrough",
        "North East Lincolnshire",
    ]
    # Dorset's own column (header "Dorset") belongs to the unitary E06000059.
    assert len(bm.neighbours(con, DORSET)) == 10
    assert bm.neighbours(con, "E10000009") == []


@pf.needs_reference
def test_dfe_neighbours_are_the_default_set(con: duckdb.DuckDBPyConnection) -> None:
    # sn_may_2025.xlsx, row "336 Wolverhampton": SN1–SN10 = 333, 861, 335, 810, 354, 331, 371,
    # 831, 806, 812 (LA numbers), read here with openpyxl, independently of the loader.
    import openpyxl

    book = openpyxl.load_workbook(
        pf.REFERENCE / "lookups" / "sn_may_2025.xlsx", read_only=True, data_only=True
    )
    [row] = [r for r in book.worksheets[0].iter_rows(values_only=True) if r[0] == 336]
    numbers = [str(row[i]) for i in range(5, 25, 2)]
    codes = dict(con.execute("SELECT old_la_code, la_code FROM pub_la").fetchall())
    wolves = bm.resolve_la(con, "336")
    assert bm.neighbour_set(con) == ("dfe", "DfE statistical neighbours, May 2025")
    assert [code for code, _name in bm.neighbours(con, wolves.code)] == [codes[n] for n in numbers]
    # The "Old SNs" block: Dorset county council before 2019 (835) has its own ten.
    assert len(bm.neighbours(con, "E10000009")) == 10


@pf.needs_reference
def test_boundary_change_predecessor_in_the_trend(con: duckdb.DuckDBPyConnection) -> None:
    north = bm.resolve_la(con, "North Northamptonshire")
    assert north.code == "E06000061"
    trend = bm.trend(con, north, EXCL, neighbour_codes=[])
    pred = trend[trend.kind == "predecessor"]
    assert set(pred.series) == {"Northamptonshire (predecessor area, to 2020)"}
    # Northamptonshire (928) excl: sen2_mi 2014–2018 no_exc_20week_rate, then the 2025
    # release for 2019–2020; none after 2020 (the county ended in 2021).
    assert sorted(pred.year) == [2014, 2015, 2016, 2017, 2018, 2019, 2020]
    by_year = dict(zip(pred.year, pred.value, strict=True))
    # timeliness_20_week.csv 2019/2020 Northamptonshire PC_plans_issued_20_weeks_ex: 62.1, 24.9
    assert (by_year[2019], by_year[2020]) == (62.1, 24.9)
    own = trend[trend.kind == "la"]
    # North Northamptonshire's own series starts in 2021 (19.8 excl, timeliness 2021).
    assert min(own.year) == 2021
    assert dict(zip(own.year, own.value, strict=True))[2021] == 19.8


@pf.needs_reference
def test_cumbria_predecessor_of_cumberland(con: duckdb.DuckDBPyConnection) -> None:
    cumberland = bm.resolve_la(con, "Cumberland")
    preds = bm.predecessors(con, cumberland.code)
    assert preds == [("E10000006", "Cumbria", 2023)]


@pf.needs_reference
@pytest.mark.parametrize(
    "text", ["E08000031", "e08000031", "336", "Wolverhampton", "WOLVERHAMPTON", " wolverhampton "]
)
def test_resolve_la_by_code_or_name(con: duckdb.DuckDBPyConnection, text: str) -> None:
    la = bm.resolve_la(con, text)
    assert (la.code, la.old_code, la.name) == ("E08000031", "336", "Wolverhampton")
    assert (la.region_code, la.region_name) == ("E12000005", "West Midlands")


@pf.needs_reference
def test_dorset_means_the_current_unitary(con: duckdb.DuckDBPyConnection) -> None:
    # Two LAs called "Dorset" over time: county E10000009 (835, to 2018) and unitary
    # E06000059 (838, from 2019).
    assert bm.resolve_la(con, "Dorset").code == DORSET
    assert bm.resolve_la(con, "dorset").code == DORSET
    assert bm.resolve_la(con, "838").code == DORSET
    assert bm.resolve_la(con, "E10000009").code == "E10000009"  # still reachable by code


@pf.needs_reference
def test_unknown_la_lists_close_matches(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(bm.UnknownLA) as caught:
        bm.resolve_la(con, "Wolverhamton")
    assert "Wolverhampton" in str(caught.value)
    assert "'Wolverhamton'" in str(caught.value)
    with pytest.raises(bm.UnknownLA):
        bm.resolve_la(con, "999")


# --------------------------------------------------------------------------------------------
# Synthetic files: quirks the real files do not show


def _all(folder: Path) -> duckdb.DuckDBPyConnection:
    return pf.open_published(folder)


def _value(con: duckdb.DuckDBPyConnection, measure: str, key: str) -> tuple[Any, Any]:
    area = pf.code(key) if key in pf.LAS else key
    got = con.execute(
        "SELECT value, status FROM pub_value WHERE measure = ? AND year = 2024 "
        "AND area_code = ? AND breakdown = 'All'",
        [measure, area],
    ).fetchall()
    assert len(got) == 1, (measure, key, got)
    return got[0]


def quirky_rows() -> list[dict[str, str]]:
    """Line numbers in the file: header is line 1, so the first row is line 2."""
    return [
        # line 2 — numbers as text with spaces, commas and a trailing %
        pf.row(
            2024,
            "England",
            den="1,071",
            den_ex=" 1,000 ",
            within="500",
            within_ex="477",
            incl="46.7%",
            excl=" 47.665 ",
        ),
        # line 3 — blank, 'c'
        pf.row(2024, "A", den="10", den_ex="9", excl="", incl="c"),
        # line 4 — 'low', 'X' (symbols in any case)
        pf.row(2024, "B", den="12", den_ex="12", excl="low", incl="X"),
        # line 5 — 'z'; an unreadable number
        pf.row(2024, "C", den="7", den_ex="7", excl="z", incl="n/a"),
        # line 6 — a level this tool does not know → rejected
        pf.row(2024, "D", den="5", den_ex="5", excl="40", incl="40", level="Ward"),
        # line 7 — a breakdown not shown → not used
        pf.row(2024, "E", topic="Sex", breakdown="Female", excl="50", incl="50"),
        # line 8 — a time period that is not a year → rejected
        pf.row("2024Q1", "F", den="5", den_ex="5", excl="20", incl="20"),
        # line 9 — an ordinary row
        pf.row(
            2024, "G", den="20", den_ex="16", within="10", within_ex="9", excl="56.25", incl="50"
        ),
    ]


def test_synthetic_quirks(tmp_path: Path) -> None:
    source = pf.write_timeliness(tmp_path / "in" / "timeliness_20_week.csv", quirky_rows())
    data = tmp_path / "data"
    report = pub.load_published(source.parent, data)
    (load,) = report.files
    # 8 rows read: 5 loaded (lines 2, 3, 4, 5, 9), 1 not used (7), 2 rejected (6, 8).
    assert (load.rows_read, load.rows_loaded, sum(load.not_used.values()), load.rows_rejected) == (
        8,
        5,
        1,
        2,
    )
    assert pub.rows_accounted(load)
    assert dict(load.not_used) == {"breakdown by Sex": 1}
    con = _all(data)
    try:
        # " 47.665 " → 47.7 (half away from zero); "46.7%" → 46.7; "1,071" → 1071
        assert _value(con, EXCL, "E92000001") == (47.7, None)
        assert _value(con, INCL, "E92000001") == (46.7, None)
        assert _value(con, "plans_issued", "E92000001") == (1071, None)
        england = con.execute(
            "SELECT numerator, denominator FROM pub_value WHERE measure = ? AND level = 'England'",
            [EXCL],
        ).fetchone()
        assert england == (477, 1000)
        assert _value(con, EXCL, "A") == (None, "blank")
        assert _value(con, INCL, "A") == (None, "c")
        assert _value(con, EXCL, "B") == (None, "low")
        assert _value(con, INCL, "B") == (None, "x")
        assert _value(con, EXCL, "C") == (None, "z")
        assert _value(con, INCL, "C") == (None, "invalid")
        assert _value(con, EXCL, "G") == (56.3, None)  # 56.25 → 56.3, half away from zero
        # Rejected and not-used rows left nothing behind.
        codes = {r[0] for r in con.execute("SELECT DISTINCT area_code FROM pub_value").fetchall()}
        assert codes == {"E92000001", pf.code("A"), pf.code("B"), pf.code("C"), pf.code("G")}
        problems = con.execute(
            'SELECT file, "row", "column", rule, severity, message FROM pub_problem ORDER BY 2'
        ).fetchall()
    finally:
        con.close()
    by_row = {(p[1], p[3]): p for p in problems}
    assert set(by_row) == {
        (5, "published_bad_number"),
        (6, "published_bad_level"),
        (8, "published_bad_period"),
    }
    bad_level = by_row[(6, "published_bad_level")]
    assert bad_level[0] == "timeliness_20_week.csv"
    assert bad_level[2] == "geographic_level"
    assert bad_level[4] == "error"
    assert "'Ward'" in bad_level[5]
    assert by_row[(8, "published_bad_period")][2] == "time_period"
    bad_number = by_row[(5, "published_bad_number")]
    assert (bad_number[2], bad_number[4]) == ("pc_plans_issued_within_20_weeks", "query")
    assert "'n/a'" in bad_number[5]


@pytest.mark.parametrize(
    "casing", [str.lower, str.upper, lambda c: c], ids=["lower", "upper", "as-2025"]
)
def test_synthetic_header_case_does_not_matter(tmp_path: Path, casing: Any) -> None:
    columns = [casing(c) for c in pf.TIMELINESS_COLUMNS]
    rows = [pf.row(2024, "A", den="4", den_ex="4", excl="75", incl="50")]
    source = pf.write_timeliness(tmp_path / "timeliness_20_week.csv", rows, columns=columns)
    pub.load_published(source, tmp_path / "data")
    con = _all(tmp_path / "data")
    try:
        assert _value(con, EXCL, "A") == (75.0, None)
        assert _value(con, INCL, "A") == (50.0, None)
    finally:
        con.close()


def test_synthetic_missing_required_column_is_a_file_level_error(tmp_path: Path) -> None:
    rows = [pf.row(2024, "A", den="4", den_ex="4", excl="75", incl="50")]
    source = pf.write_timeliness(
        tmp_path / "in" / "timeliness_20_week.csv", rows, drop=["PC_plans_issued_20_weeks_ex"]
    )
    report = pub.load_published(source.parent, tmp_path / "data")
    (load,) = report.files
    assert "pc_plans_issued_20_weeks_ex" in load.message
    assert "timeliness_20_week.csv" in load.message
    assert load.rows_loaded == 0 and load.values == []
    assert pub.any_failed(report.files)
    con = _all(tmp_path / "data")
    try:
        assert con.execute("SELECT count(*) FROM pub_value").fetchone() == (0,)
        [(message,)] = con.execute(
            "SELECT message FROM pub_file WHERE dataset = 'timeliness_20_week'"
        ).fetchall()
        assert "pc_plans_issued_20_weeks_ex" in message
        rules = con.execute('SELECT rule, severity, "row" FROM pub_problem').fetchall()
        assert rules == [("column_missing", "error", None)]
    finally:
        con.close()


def _neighbour_lookup(tmp: Path) -> Path:
    return pf.write_neighbours(
        tmp / "stat_neighbours.csv", {pf.name("A"): [pf.name("B")], pf.name("B"): [pf.name("A")]}
    )


def _two_las(tmp: Path, a: str) -> Path:
    rows = [
        pf.row(2024, "A", den="10", den_ex="10", excl=a, incl=a),
        pf.row(2024, "B", den="10", den_ex="10", excl="20", incl="20"),
    ]
    return pf.write_timeliness(tmp / "timeliness_20_week.csv", rows)


def _neighbour_rows(data: Path) -> list[tuple[Any, ...]]:
    con = _all(data)
    try:
        return con.execute(
            "SELECT la_code, position, neighbour_code FROM pub_neighbour ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


def test_reloading_one_dataset_keeps_the_others_and_replace_drops_them(tmp_path: Path) -> None:
    first = tmp_path / "first"
    _two_las(first, "30")
    _neighbour_lookup(first)
    data = tmp_path / "data"
    pub.load_published(first, data)
    both = [(pf.code("A"), 1, pf.code("B")), (pf.code("B"), 1, pf.code("A"))]
    assert _neighbour_rows(data) == both

    # Load a new timeliness file on its own: its figures replace the old; neighbours are kept.
    second = _two_las(tmp_path / "second", "90")
    pub.load_published(second, data)
    con = _all(data)
    try:
        assert _value(con, EXCL, "A") == (90.0, None)
        files = {r[0] for r in con.execute("SELECT dataset FROM pub_file").fetchall()}
        assert files == {"timeliness_20_week", "stat_neighbours"}
    finally:
        con.close()
    assert _neighbour_rows(data) == both

    # A broken reload of the same dataset keeps its previous figures.
    broken = pf.write_timeliness(
        tmp_path / "broken" / "timeliness_20_week.csv",
        [pf.row(2024, "A", excl="10")],
        drop=["time_period"],
    )
    report = pub.load_published(broken, data)
    assert pub.any_failed(report.files)
    con = _all(data)
    try:
        assert _value(con, EXCL, "A") == (90.0, None)
        # The kept figures still name the file they came from; the failure is recorded beside.
        records = con.execute(
            "SELECT path, message = '' FROM pub_file WHERE dataset = 'timeliness_20_week' "
            "ORDER BY 2"
        ).fetchall()
        assert [(Path(p).parent.name, ok) for p, ok in records] == [
            ("broken", False),
            ("second", True),
        ]
    finally:
        con.close()

    # --replace: only what this load brings.
    third = _two_las(tmp_path / "third", "45")
    pub.load_published(third, data, replace=True)
    con = _all(data)
    try:
        assert _value(con, EXCL, "A") == (45.0, None)
        files = {r[0] for r in con.execute("SELECT dataset FROM pub_file").fetchall()}
        assert files == {"timeliness_20_week"}
    finally:
        con.close()
    assert _neighbour_rows(data) == []


def test_neighbour_name_that_matches_no_la_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _two_las(folder, "30")
    pf.write_neighbours(folder / "stat_neighbours.csv", {pf.name("A"): [pf.name("B"), "Atlantis"]})
    pub.load_published(folder, tmp_path / "data")
    con = _all(tmp_path / "data")
    try:
        assert con.execute("SELECT la_code, neighbour_code FROM pub_neighbour").fetchall() == [
            (pf.code("A"), pf.code("B"))
        ]
        [(message,)] = con.execute(
            "SELECT message FROM pub_problem WHERE rule = 'published_unknown_la'"
        ).fetchall()
        assert "Atlantis" in message
    finally:
        con.close()


def test_no_published_files_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(pub.PublishedError, match="no published files found"):
        pub.load_published(tmp_path, tmp_path / "data")
    with pytest.raises(pub.PublishedError, match="no such folder"):
        pub.load_published(tmp_path / "missing", tmp_path / "data")


def test_synthetic_duplicate_area_and_year_rejects_the_later_row(tmp_path: Path) -> None:
    # Lines 2 and 3 both give LA "A" for 2024; line 2 (75.0) is used, line 3 is rejected.
    rows = [
        pf.row(2024, "A", den="4", den_ex="4", excl="75", incl="50"),
        pf.row(2024, "A", den="4", den_ex="4", excl="25", incl="25"),
        pf.row(2024, "B", den="4", den_ex="4", excl="50", incl="50"),
    ]
    source = pf.write_timeliness(tmp_path / "in" / "timeliness_20_week.csv", rows)
    report = pub.load_published(source.parent, tmp_path / "data")
    (load,) = report.files
    assert (load.rows_read, load.rows_loaded, load.rows_rejected) == (3, 2, 1)
    assert pub.rows_accounted(load)
    (problem,) = load.problems
    assert (problem["row"], problem["rule"], problem["severity"]) == (
        3,
        "published_duplicate_row",
        "error",
    )
    assert "first on line 2" in problem["message"]
    con = _all(tmp_path / "data")
    try:
        assert _value(con, EXCL, "A") == (75.0, None)
    finally:
        con.close()
