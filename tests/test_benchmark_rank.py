"""Rank, quartile and neighbours' median, worked out by hand (issue 3, docs/metrics.md
"Benchmarks"): rank 1 is the best, ties share the better rank (1, 2, 2, 4), ``of`` counts the
LAs with a value, quartile = ceil(4 × rank ÷ of), neutral measures are not ranked; the
neighbours' median is rounded half away from zero.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from etl import benchmark as bm
from etl import published as pub
from tests import published_fixture as pf

# --------------------------------------------------------------------------------------------
# position(): pure, on small dicts


def ranks(values: dict[str, float], polarity: str) -> dict[str, tuple[int | None, int, int | None]]:
    return {code: bm.position(values, polarity, code) for code in values}  # type: ignore[arg-type]


def test_higher_is_better_ties_share_the_better_rank() -> None:
    # 90 is best (rank 1); the two 80s both have one better → rank 2; 70 has three better → 4.
    # of = 4; quartile ceil(4r/4) = r: 1, 2, 2, 4.
    assert ranks({"a": 90.0, "b": 80.0, "c": 80.0, "d": 70.0}, "higher_is_better") == {
        "a": (1, 4, 1),
        "b": (2, 4, 2),
        "c": (2, 4, 2),
        "d": (4, 4, 4),
    }


def test_lower_is_better_reverses_the_order() -> None:
    # Lowest wait is best: 1.0 → 1; the two 2.5s → 2; 7.0 → 4; 9.9 → 5. of = 5.
    # Quartiles: ceil(4/5)=ceil(0.8)=1, ceil(8/5)=ceil(1.6)=2, ceil(16/5)=ceil(3.2)=4,
    # ceil(20/5)=4.
    assert ranks({"a": 9.9, "b": 2.5, "c": 1.0, "d": 2.5, "e": 7.0}, "lower_is_better") == {
        "c": (1, 5, 1),
        "b": (2, 5, 2),
        "d": (2, 5, 2),
        "e": (4, 5, 4),
        "a": (5, 5, 4),
    }


def test_quartile_boundaries_of_eight() -> None:
    # Eight distinct values, 80 best … 10 worst: rank r = position in that order.
    # quartile = ceil(4r/8) = ceil(r/2): r1 → 0.5 → 1, r2 → 1.0 → 1 (boundary stays in Q1),
    # r3 → 1.5 → 2, r4 → 2, r5 → 2.5 → 3, r6 → 3, r7 → 3.5 → 4, r8 → 4.0 → 4.
    values = {f"la{r}": 90.0 - 10 * r for r in range(1, 9)}
    got = ranks(values, "higher_is_better")
    assert [got[f"la{r}"] for r in range(1, 9)] == [
        (1, 8, 1),
        (2, 8, 1),
        (3, 8, 2),
        (4, 8, 2),
        (5, 8, 3),
        (6, 8, 3),
        (7, 8, 4),
        (8, 8, 4),
    ]


def test_quartile_boundaries_of_seven() -> None:
    # of = 7: ceil(4r/7): r1 4/7=0.57 → 1; r2 8/7=1.14 → 2; r3 12/7=1.71 → 2; r4 16/7=2.29 → 3;
    # r5 20/7=2.86 → 3; r6 24/7=3.43 → 4; r7 28/7=4.0 → 4.
    values = {f"la{r}": float(r) for r in range(1, 8)}  # lower is better: la1 best
    got = ranks(values, "lower_is_better")
    assert [got[f"la{r}"][2] for r in range(1, 8)] == [1, 2, 2, 3, 3, 4, 4]
    assert {v[1] for v in got.values()} == {7}


def test_quartile_formula_applies_literally_to_few_las() -> None:
    # of = 3: ceil(4/3)=ceil(1.33) → 2, ceil(8/3)=ceil(2.67) → 3, ceil(12/3)=4 → 4. With so few
    # LAs the best is not "top quarter": the formula is applied as documented, not stretched.
    got = ranks({"a": 3.0, "b": 2.0, "c": 1.0}, "higher_is_better")
    assert got == {"a": (1, 3, 2), "b": (2, 3, 3), "c": (3, 3, 4)}


def test_neutral_measures_are_not_ranked() -> None:
    assert bm.position({"a": 1.0, "b": 2.0}, "neutral", "a") == (None, 2, None)


def test_la_without_a_value_is_not_ranked_but_of_counts_the_others() -> None:
    # "z" is not in the dict (its figure was x / no plans): no rank; of = the 3 with a value.
    assert bm.position({"a": 1.0, "b": 2.0, "c": 3.0}, "higher_is_better", "z") == (None, 3, None)
    assert bm.position({}, "higher_is_better", "z") == (None, 0, None)


# --------------------------------------------------------------------------------------------
# Through load_published: a synthetic EES file and neighbour lookup
#
# 2024, excluding exceptions (higher is better). Ten LAs:
#   J 85.0  B 72.5  C 72.5  A 60.0  F 40.0  E 12.3  D 12.2  I 10.0   — 8 with a value
#   G "x" (denominator 10)  H "x" with denominator 0 ("no plans")     — no value
# Ranks (number better + 1): J 1, B 2, C 2, A 4, F 5, E 6, D 7, I 8; of = 8.
# Quartile ceil(4r/8) = ceil(r/2): J 1, B 1, C 1, A 2, F 3, E 3, D 4, I 4.
#
# Including exceptions: the same LAs, all with a value, to check `of` moves with the measure:
#   A 50.0 and nine others → of = 10.
#
# A's statistical neighbours: D, E, I, F, G, H (six named). With a value: D 12.2, E 12.3,
# I 10.0, F 40.0 → sorted 10.0, 12.2, 12.3, 40.0 → median (12.2 + 12.3) / 2 = 12.25
# → 12.3 at 1 dp, half away from zero (Python's round(12.25, 1) would give 12.2).
# Region N (A, B, C, D) published 55.5; England published 50.0 — taken as published, never
# recomputed from the LAs.

EXCL_2024 = {
    "J": "85.0",
    "B": "72.5",
    "C": "72.5",
    "A": "60.0",
    "F": "40.0",
    "E": "12.3",
    "D": "12.2",
    "I": "10.0",
    "G": "x",
    "H": "x",
}
INCL_2024 = {
    "A": "50.0",
    "B": "70",
    "C": "71",
    "D": "12",
    "E": "13",
    "F": "39",
    "G": "44",
    "H": "45",
    "I": "9",
    "J": "84",
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    tmp_path = tmp_path_factory.mktemp("rank")
    source = tmp_path / "in"
    rows = [
        pf.row(2024, "England", den="1000", den_ex="900", excl="50.0", incl="48.0"),
        pf.row(2024, pf.REGION_N[0], den="100", den_ex="90", excl="55.5", incl="52.0"),
        pf.row(2024, pf.REGION_S[0], den="100", den_ex="90", excl="33.3", incl="31.0"),
    ]
    for key, excl in EXCL_2024.items():
        den_ex = "0" if key == "H" else "10"
        rows.append(pf.row(2024, key, den="10", den_ex=den_ex, excl=excl, incl=INCL_2024[key]))
    pf.write_timeliness(source / "timeliness_20_week.csv", rows)
    pf.write_neighbours(
        source / "stat_neighbours.csv",
        {pf.name("A"): [pf.name(k) for k in ("D", "E", "I", "F", "G", "H")]},
    )
    data = tmp_path / "data"
    report = pub.load_published(source, data)
    assert not pub.any_failed(report.files)
    con = pf.open_published(data)
    yield con
    con.close()


EXCL, INCL = "pct_within_20_weeks_excl_exceptions", "pct_within_20_weeks"


def test_measure_position_by_hand(synthetic: duckdb.DuckDBPyConnection) -> None:
    a = bm.resolve_la(synthetic, "Applebury")
    got = bm.measure_position(synthetic, a, EXCL, 2024)
    assert {k: got[k] for k in ("la", "region", "england", "neighbours_median")} == {
        "la": 60.0,
        "region": 55.5,
        "england": 50.0,
        "neighbours_median": 12.3,
    }
    assert (got["rank"], got["of"], got["quartile"]) == (4, 8, 2)
    assert (got["neighbours_with_value"], got["neighbours_total"]) == (4, 6)


@pytest.mark.parametrize(
    ("key", "rank", "quartile"),
    [("J", 1, 1), ("B", 2, 1), ("C", 2, 1), ("F", 5, 3), ("E", 6, 3), ("D", 7, 4), ("I", 8, 4)],
)
def test_every_las_rank_by_hand(
    synthetic: duckdb.DuckDBPyConnection, key: str, rank: int, quartile: int
) -> None:
    la = bm.resolve_la(synthetic, pf.code(key))
    got = bm.measure_position(synthetic, la, EXCL, 2024, neighbour_codes=[])
    assert (got["rank"], got["of"], got["quartile"]) == (rank, 8, quartile)
    assert got["neighbours_median"] is None  # no neighbours chosen


@pytest.mark.parametrize(
    ("key", "status"), [("G", "not available"), ("H", "no plans in the denominator")]
)
def test_las_without_a_value_are_not_ranked(
    synthetic: duckdb.DuckDBPyConnection, key: str, status: str
) -> None:
    la = bm.resolve_la(synthetic, pf.name(key))
    got = bm.measure_position(synthetic, la, EXCL, 2024)
    assert (got["la"], got["rank"], got["of"], got["quartile"]) == (None, None, 8, None)
    assert got["la_status"] == status


def test_of_follows_the_measure(synthetic: duckdb.DuckDBPyConnection) -> None:
    # Including exceptions every LA has a value (H's denominator is 10 there). A's 50.0 is
    # beaten by J 84, C 71 and B 70 only (H 45 and G 44 are below) → rank 4 of 10;
    # quartile ceil(16/10) = ceil(1.6) = 2.
    a = bm.resolve_la(synthetic, "applebury")
    got = bm.measure_position(synthetic, a, INCL, 2024)
    assert (got["rank"], got["of"], got["quartile"]) == (4, 10, 2)
    # Neighbours D 12, E 13, I 9, F 39, G 44, H 45 → sorted 9, 12, 13, 39, 44, 45
    # → median (13 + 39) / 2 = 26.0.
    assert got["neighbours_median"] == 26.0


def test_chosen_neighbours_override_the_lookup(synthetic: duckdb.DuckDBPyConnection) -> None:
    a = bm.resolve_la(synthetic, "Applebury")
    # Only B (72.5) and C (72.5) and G (no value): median of 72.5, 72.5 = 72.5.
    got = bm.measure_position(
        synthetic, a, EXCL, 2024, neighbour_codes=[pf.code("B"), pf.code("C"), pf.code("G")]
    )
    assert got["neighbours_median"] == 72.5
    assert (got["neighbours_with_value"], got["neighbours_total"]) == (2, 3)


def test_all_las_best_first_with_no_value_last(synthetic: duckdb.DuckDBPyConnection) -> None:
    frame = bm.all_las(synthetic, EXCL, 2024)
    names = list(frame.la_name)
    # 72.5 tie ordered by name: Brookfield before Cinderford; no-value LAs last, by name.
    assert names == [
        "Juniper Cross",
        "Brookfield",
        "Cinderford",
        "Applebury",
        "Fallowfield",
        "Eastwick",
        "Dunmere",
        "Ivybridge",
        "Greystone",
        "Hallam Vale",
    ]
    ranked = [None if r != r else int(r) for r in frame["rank"]]  # NaN != NaN
    assert ranked == [1, 2, 2, 4, 5, 6, 7, 8, None, None]
    assert [None if q != q else int(q) for q in frame["quartile"]][:8] == [1, 1, 1, 2, 3, 3, 4, 4]


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12.25, 1, 12.3),  # round() would give 12.2 (half to even)
        (12.35, 1, 12.4),  # the float 12.35 is 12.3499…; Decimal(str()) keeps it 12.35
        (0.125, 2, 0.13),
        (-2.5, 0, -3.0),  # away from zero, not up
        (39.05, 1, 39.1),
        (46.4, 1, 46.4),
    ],
)
def test_round_half_away_from_zero(value: float, decimals: int, expected: float) -> None:
    assert pub.round_half_away(value, decimals) == expected
