"""The disclosure-control engine (etl/disclosure.py): DESIGN §7 and issue 15, worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.disclosure import (
    SUPPRESSED,
    ColumnSpec,
    ColumnTotal,
    RowTotal,
    TableSpec,
    average_cell,
    count_cell,
    disclose,
    median_cell,
    pct_cell,
    rate_cell,
    ratio_cell,
    round_count,
)
from etl.metrics import pct as exact_pct

C = SUPPRESSED

# ---------------------------------------------------------------- cells


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, 0),  # zero is not a small number: it stays 0
        (1, C),
        (7, C),
        (8, 10),
        (12, 10),
        (13, 15),
        (22, 20),
        (23, 25),
        (1232, 1230),
        (1234, 1235),
        (None, None),
    ],
)
def test_count_cell_publish(count: int | None, expected: object) -> None:
    assert count_cell(count, "publish") == expected


def test_count_cell_internal_is_exact() -> None:
    assert [count_cell(v, "internal") for v in (0, 3, 41)] == [0, 3, 41]


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        # Issue 9's leak "Jan 2024, 40, 15, 36.6%": 15 of 41 was shown as 40, 15 beside the exact
        # 36.6%, which only 15/41 gives. From the rounded counts: 15 / 40 = 37.5%.
        (15, 41, 37.5),
        # suppress_pct(95.0, 19, 20): 19 of 20 leaves one child outside (20 − 19 = 1, a count of
        # 1–7): suppressed, never 95.0% (reveals 19 of 20) nor 100.0% (says "all").
        (19, 20, C),
        (13, 20, C),  # 20 − 13 = 7 outside: still small
        (12, 20, 50.0),  # 20 − 12 = 8 outside: 12 → 10, 10 / 20 = 50.0%
        (20, 20, 100.0),  # nobody outside: all of them, nothing small to hide
        (9, 20, 50.0),  # 9 → 10 of 20
        (6, 40, C),  # numerator 1–7
        (9, 19, C),  # base under 20
        (0, 25, 0.0),  # zero of 25: a true 0.0%
        (0, 0, None),  # no plans: no figure (shown "no plans"), nothing to hide
        (None, 50, C),  # a count that cannot be checked is not published
        (1234, 2468, 50.0),  # 1,235 / 2,470 = 50.0%
        (199, 388, 51.3),  # 200 / 390 = 51.282… → 51.3%
    ],
)
def test_pct_cell_publish(numerator: int | None, denominator: int, expected: object) -> None:
    assert pct_cell(numerator, denominator, "publish", value=99.9) == expected


def test_pct_cell_internal_shows_the_figure_given_or_the_exact_one() -> None:
    assert pct_cell(15, 41, "internal", value=36.6) == 36.6
    assert pct_cell(15, 41, "internal") == 36.6  # 1500 / 41 = 36.585… → 36.6
    assert pct_cell(0, 0, "internal", value=None) is None


@pytest.mark.parametrize(
    ("base", "median", "expected"),
    [(7, 35.0, C), (8, 35.0, 35.0), (0, None, None), (None, 35.0, C)],
)
def test_median_needs_eight_cases(base: int | None, median: float | None, expected: object) -> None:
    assert median_cell(median, base, "publish") == expected
    assert median_cell(35.0, 7, "internal") == 35.0


def test_average_needs_twenty_cases() -> None:
    assert average_cell(40.25, 19, "publish") == C
    assert average_cell(40.25, 20, "publish") == 40.25


def test_rate_from_rounded_counts() -> None:
    # 11 suspensions of 41 pupils → 10 / 40 × 100 = 25.00 (exact 26.83 would reveal 41).
    assert rate_cell(11, 41, "publish") == 25.0
    assert rate_cell(11, 41, "internal") == 26.83  # 1100 / 41 = 26.829… → 26.83
    assert rate_cell(5, 200, "publish") == C  # 5 suspensions: small
    assert rate_cell(30, 19, "publish") == C  # 19 pupils: small base
    assert rate_cell(0, 0, "publish") is None


def test_ratio_from_four_rounded_counts() -> None:
    # (20 / 40) / (10 / 100) = 5.00 from 21 of 41 against 11 of 98 (→ 20/40, 10/100).
    assert ratio_cell(21, 41, 11, 98, "publish") == 5.0
    assert ratio_cell(21, 41, 3, 98, "publish") == C  # reference numerator 3 is small
    assert ratio_cell(21, 41, 0, 98, "publish") is None  # reference rate 0: no ratio


# ---------------------------------------------------------------- tables: secondary suppression

WEEKS = TableSpec(
    {
        "week": ColumnSpec("int"),
        "within": ColumnSpec("count"),
        "after": ColumnSpec("count"),
        "plans": ColumnSpec("count"),
        "pct": ColumnSpec("pct", ("within", "plans")),
    },
    row_totals=[RowTotal(("within", "after"), "plans")],
)


def _weeks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week": [1, 2, 3],
            "within": [3, 20, 30],
            "after": [30, 12, 40],
            "plans": [33, 32, 70],
            "pct": [9.1, 62.5, 42.9],
        }
    )


def test_row_total_one_suppressed_cell_hides_the_next_smallest() -> None:
    out = disclose(_weeks(), WEEKS, "publish")
    rows = out.frame.to_numpy().tolist()
    # Row 1: within 3 is c; plans 33 (→ 35) − after 30 (→ 30) would give it back, so the next
    # smallest cell of the row (after, 30 < 33) is suppressed too; the % rests on a c: c.
    # Row 2: 20 → 20, 12 → 10, 32 → 30; 20 / 30 = 66.7% (from the rounded counts).
    # Row 3: 30, 40, 70 → 30 / 70 = 42.857… → 42.9%.
    assert rows == [
        [1, C, C, 35, C],
        [2, 20, 10, 30, 66.7],
        [3, 30, 40, 70, 42.9],
    ]
    assert out.secondary == {(0, "after")}
    assert out.notes == [
        "1 further cell suppressed (c) so that the suppressed numbers cannot be worked out "
        "from the totals or the other cells of their row or column."
    ]


def test_row_and_column_totals_chain_until_no_line_has_one_suppressed_cell() -> None:
    frame = pd.concat(
        [_weeks(), pd.DataFrame({"week": [0], "within": [53], "after": [82], "plans": [135]})],
        ignore_index=True,
    )
    frame.loc[3, "pct"] = 39.3
    spec = TableSpec(
        WEEKS.columns,
        row_totals=WEEKS.row_totals,
        column_totals=[ColumnTotal(c, total_row=3) for c in ("within", "after", "plans")],
    )
    out = disclose(frame, spec, "publish")
    # Row 0: within 3 is c → after 30 (row) also c. Column "within": only row 0 is c, the total
    # row shows 55 → the smallest other non-zero, row 1's 20, goes. Row 1 then has within c and
    # after 12, plans 32 shown: 12 < 32 → after c. Column "after": rows 0 and 1 now c (2).
    # Column "plans": nothing suppressed. Every line now has 0 or 2+ suppressed cells.
    assert out.frame["within"].tolist() == [C, C, 30, 55]
    assert out.frame["after"].tolist() == [C, C, 40, 80]
    assert out.frame["plans"].tolist() == [35, 30, 70, 135]
    assert out.frame["pct"].tolist() == [C, C, 42.9, 40.7]  # 55 / 135 = 40.74… → 40.7
    assert out.secondary == {(0, "after"), (1, "within"), (1, "after")}
    assert out.notes[0].startswith("3 further cells suppressed (c)")


def test_total_shown_elsewhere_protects_a_column() -> None:
    # The bands table: plans per band, % of all plans (38, shown on the page's tiles).
    frame = pd.DataFrame(
        {
            "band": ["Within 20 weeks", "20 to 52 weeks", "Over 52 weeks"],
            "plans": [23, 12, 3],
            "all_plans": [38, 38, 38],
            "pct": [60.5, 31.6, 7.9],
        }
    )
    spec = TableSpec(
        {
            "band": ColumnSpec("text"),
            "plans": ColumnSpec("count"),
            "pct": ColumnSpec("pct", ("plans", "all_plans")),
        },
        column_totals=[ColumnTotal("plans", total_column="all_plans")],
    )
    out = disclose(frame, spec, "publish")
    # 3 is c; 38 − 23 − 12 = 3 would give it back, so 12 (the smallest other) goes too.
    # 23 → 25 over 38 → 40: 62.5%.
    assert out.frame["plans"].tolist() == [25, C, C]
    assert out.frame["pct"].tolist() == [62.5, C, C]
    assert list(out.frame.columns) == ["band", "plans", "pct"]  # the helper total is not output


def test_zeros_are_not_chosen_while_a_non_zero_cell_is_left() -> None:
    frame = pd.DataFrame({"a": [0, 0], "b": [5, 0], "c": [40, 9], "t": [45, 9]})
    spec = TableSpec(
        {k: ColumnSpec("count") for k in "abct"}, row_totals=[RowTotal(("a", "b", "c"), "t")]
    )
    out = disclose(frame, spec, "publish")
    # Row 0: b = 5 is c; a = 0 hides nothing, so c = 40 (smallest non-zero) goes.
    assert out.frame.loc[0].tolist() == [0, C, C, 45]
    # Row 1: nothing 1–7 (9 → 10): nothing to protect.
    assert out.frame.loc[1].tolist() == [0, 0, 10, 10]


def test_internal_mode_changes_nothing_and_has_no_notes() -> None:
    out = disclose(_weeks(), WEEKS, "internal")
    assert out.frame.to_numpy().tolist() == _weeks().to_numpy().tolist()
    assert out.notes == []
    assert out.mode == "internal"


def test_complement_rule_is_noted() -> None:
    frame = pd.DataFrame({"n": [19, 30], "d": [20, 60], "p": [95.0, 50.0]})
    spec = TableSpec({"n": ColumnSpec("count"), "p": ColumnSpec("pct", ("n", "d"))})
    out = disclose(frame, spec, "publish")
    assert out.frame["p"].tolist() == [C, 50.0]
    assert out.frame["n"].tolist() == [20, 30]
    assert any("1 percentage suppressed" in note for note in out.notes)


def test_unknown_columns_are_refused() -> None:
    with pytest.raises(KeyError, match="plans"):
        disclose(
            pd.DataFrame({"pct": [1.0]}),
            TableSpec({"pct": ColumnSpec("pct", (None, "plans"))}),
            "publish",
        )


# ---------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 3000), st.integers(0, 3000))
def test_no_published_pct_says_more_than_the_published_counts(a: int, b: int) -> None:
    numerator, denominator = min(a, b), max(a, b)
    shown = pct_cell(numerator, denominator, "publish", value=exact_pct(numerator, denominator))
    if shown in (None, C):
        return
    n, d = count_cell(numerator, "publish"), count_cell(denominator, "publish")
    assert isinstance(n, int) and isinstance(d, int)
    assert shown == exact_pct(n, d)
    assert not 1 <= denominator - numerator <= 7  # never "one child not" (19 of 20)


_table = st.integers(1, 5).flatmap(
    lambda rows: st.lists(
        st.lists(st.integers(0, 40), min_size=3, max_size=3), min_size=rows, max_size=rows
    )
)


@settings(max_examples=300, deadline=None)
@given(_table)
def test_no_single_suppressed_cell_in_a_line_with_a_total(body: list[list[int]]) -> None:
    frame = pd.DataFrame(body, columns=["a", "b", "c"])
    frame["t"] = frame.sum(axis=1)
    totals = frame.sum(axis=0)
    frame = pd.concat([frame, totals.to_frame().T], ignore_index=True)
    total_row = len(frame) - 1
    spec = TableSpec(
        {k: ColumnSpec("count") for k in "abct"},
        row_totals=[RowTotal(("a", "b", "c"), "t")],
        column_totals=[ColumnTotal(k, total_row=total_row) for k in "abct"],
    )
    shown = disclose(frame, spec, "publish").frame
    lines = [shown.loc[i].tolist() for i in shown.index]
    lines += [shown[k].tolist() for k in "abct"]
    for line in lines:
        # Exactly one c in a line that adds up would be recoverable by subtraction.
        assert sum(cell == C for cell in line) != 1, line
    # Every small count is suppressed; every other shown count is rounded to the nearest 5.
    for exact, cell in zip(frame.to_numpy().ravel(), shown.to_numpy().ravel(), strict=True):
        if 1 <= exact <= 7:
            assert cell == C
        elif cell != C:
            assert cell == round_count(int(exact))
