"""Published exclusion rates by SEN group (issue 13), read from the real shared files and
checked against an independent read of the same file with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from etl import published as pub
from etl.store import Published
from tests.published_fixture import REFERENCE, needs_reference, real_published  # noqa: F401

LA_FILE = REFERENCE / "exclusions" / "la_exclusions_by_sen_termly_201920_202425.csv"
NATIONAL_FILE = REFERENCE / "exclusions" / "exclusions_national_characteristics_201112_201617.csv"
METRICS = {
    "susp_rate": "suspension_rate",
    "perm_excl_rate": "permanent_exclusion_rate",
    "one_plus_susp_rate": "one_plus_suspension_rate",
}
GROUPS = {"EHC plan": "ehc_plan", "SEN support": "sen_support"}


def _expected(la_code: str) -> dict[tuple[str, int, str, str, str], float]:
    """(measure, academic year, term, phase, SEN group) → rate, straight from the CSV."""
    out: dict[tuple[str, int, str, str, str], float] = {}
    with LA_FILE.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["new_la_code"] != la_code:
                continue
            key = (
                METRICS[row["metric"]],
                int(row["time_period"][:4]),
                row["time_identifier"].replace(" term", ""),
                row["education_phase"],
            )
            out[(*key, GROUPS[row["send_group"]])] = float(row["send_value"])
            out[(*key, "no_sen")] = float(row["no_sen_value"])
    return out


@needs_reference
@pytest.mark.parametrize("la_code", ["E10000027", "E06000035"])  # Somerset, Medway
def test_two_las_read_as_the_file_says(real_published: Path, la_code: str) -> None:  # noqa: F811
    expected = _expected(la_code)
    assert len(expected) > 100
    with Published.at(real_published) as door:
        frame = door.exclusion_rates(la_code)
    got = {
        (r.measure, r.academic_year, r.term, r.phase, r.sen_group): r.value
        for r in frame.itertuples()
    }
    assert got == expected
    # Ranks run 1..the number of LAs with a figure; the release names the source and period.
    assert (frame["rank"] >= 1).all() and (frame["rank"] <= frame["las_ranked"]).all()
    assert frame["release"].str.contains("Suspensions and permanent exclusions").all()
    assert frame["release"].str.contains("autumn 2019/20 – spring 2024/25").all()


@needs_reference
def test_rank_is_the_position_among_las(real_published: Path) -> None:  # noqa: F811
    # Independent: every LA's Total / EHC plan suspension rate in autumn 2023/24 from the CSV.
    values: dict[str, float] = {}
    with LA_FILE.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (
                row["time_period"] == "202324"
                and row["time_identifier"] == "Autumn term"
                and row["education_phase"] == "Total"
                and row["metric"] == "susp_rate"
                and row["send_group"] == "EHC plan"
            ):
                values[row["new_la_code"]] = float(row["send_value"])
    medway = values["E06000035"]
    lower = sum(1 for v in values.values() if v < medway)
    with Published.at(real_published) as door:
        frame = door.exclusion_rates("E06000035")
    row = frame[
        (frame.measure == "suspension_rate")
        & (frame.academic_year == 2023)
        & (frame.term == "Autumn")
        & (frame.phase == "Total")
        & (frame.sen_group == "ehc_plan")
    ].iloc[0]
    assert (row["rank"], row["las_ranked"]) == (lower + 1, len(values))


@needs_reference
def test_national_file_keeps_counts_and_rates(real_published: Path) -> None:  # noqa: F811
    with NATIONAL_FILE.open(encoding="utf-8-sig", newline="") as handle:
        [row] = [
            r
            for r in csv.DictReader(handle)
            if r["year"] == "201617"
            and r["school_type"] == "Total"
            and r["characteristic_1"] == "SEN_provision_SEN_with_statement_EHC"
        ]
    with Published.at(real_published) as door:
        england = door.exclusion_rates_england()
    got = england[
        (england.measure == "suspension_rate")
        & (england.academic_year == 2016)
        & (england.phase == "Total")
        & (england.sen_group == "ehc_plan")
    ].iloc[0]
    assert (got["value"], got["numerator"], got["denominator"]) == (
        float(row["fixed_excl_rate"]),
        float(row["fixed_excl"]),
        float(row["headcount"]),
    )


@needs_reference
def test_every_row_is_accounted_for(tmp_path: Path) -> None:
    for path in (LA_FILE, NATIONAL_FILE):
        dataset = pub.dataset_for(path)
        assert dataset is not None
        from etl.published.exclusions import read_la_exclusions, read_national_exclusions

        load = (
            read_la_exclusions(path)
            if dataset.kind == "exclusions_la"
            else read_national_exclusions(path)
        )
        assert pub.rows_accounted(load), path.name
        assert not load.problems
