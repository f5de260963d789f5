"""Small parts of etl/published on in-memory input: the header matcher and LA-name matching."""

from __future__ import annotations

from etl.published import find_header, normalise_name


def test_header_is_matched_ignoring_case_spaces_and_a_byte_order_mark() -> None:
    match = find_header([["\ufeffTime_Period", " PC_plans_issued_20_weeks_ex "]], ["time_period"])
    assert match.row == 0 and not match.missing
    assert match.columns == {"time_period": 0, "pc_plans_issued_20_weeks_ex": 1}


def test_header_below_title_rows_is_found_within_the_rows_searched() -> None:
    rows = [["SEND Tribunal appeal rate"], [""], ["Local Authority", "LA code"], ["Leeds", "383"]]
    assert find_header(rows, ["local authority"], search_rows=30).row == 2
    # Searching only the first row finds no header: the first row is returned with what it lacks.
    missed = find_header(rows, ["local authority"])
    assert (missed.row, missed.missing) == (0, ["local authority"])


def test_missing_columns_are_listed_in_order() -> None:
    match = find_header([["time_period"]], ["time_period", "geographic_level", "b_col"])
    assert match.missing == ["b_col", "geographic_level"]


def test_la_names_match_across_spellings() -> None:
    assert normalise_name("Kingston upon Hull, City of") == "kingston upon hull, city of"
    assert normalise_name("  Brighton & Hove ") == "brighton and hove"
    assert normalise_name("Bedford Borough") == normalise_name("Bedford") == "bedford"
    assert normalise_name("Durham") == normalise_name("County Durham")
