"""RAG rules (DESIGN §5) on hand-made cases: every branch, and every boundary.

Report date D = 31/03/2026 throughout. Expected values are worked by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import pytest

from etl import rag
from etl.rag import Thresholds, compute_rag, disagreement, expected_pct, reported_rag

D = dt.date(2026, 3, 31)


def days(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


@pytest.mark.parametrize(
    ("start", "end", "pct", "expected", "why"),
    [
        # Rule 1: P ≥ 100 wins over everything, even an end date long past.
        (days(-100), days(-50), 100, "Complete", "P = 100, overdue end: still Complete"),
        (None, days(-1), 100, "Complete", "point milestone done"),
        # Rule 2: S after D and P = 0.
        (days(1), days(90), 0, "Not started", "starts tomorrow, nothing done"),
        (days(1), days(90), None, "Not started", "blank % counts as 0"),
        # S after D but P > 0: rule 2 does not apply; X = 100 × (−1)/89 clamps to 0; gap −5.
        (days(1), days(90), 5, "Green", "started early"),
        # S == D with P = 0: not 'after D', so rule 5: X = 0, gap 0 → Green.
        (D, days(90), 0, "Green", "starts today"),
        # Rule 3: E before D and P < 100.
        (days(-100), days(-1), 99, "Red", "ended yesterday at 99%"),
        (None, days(-1), 0, "Red", "point milestone overdue"),
        # E == D is not before D: rule 5 with X = 100 (span fully passed); P 95 → gap 5 → Green.
        (days(-100), D, 95, "Green", "due today at 95%"),
        # Rule 4: point milestones. E − D = 14 → Amber (within 14 days); 15 → Green.
        (None, days(14), 50, "Amber", "E exactly 14 days after D"),
        (None, days(15), 0, "Green", "E 15 days after D"),
        (None, D, 0, "Amber", "point milestone due today"),
        # Rule 5: S = D − 50, E = D + 50 → X = 100 × 50 / 100 = 50.
        (days(-50), days(50), 40, "Green", "gap exactly 10"),
        (days(-50), days(50), 39.9, "Amber", "gap 10.1"),
        (days(-50), days(50), 25, "Amber", "gap exactly 25"),
        (days(-50), days(50), 24.9, "Red", "gap 25.1"),
        (days(-50), days(50), 80, "Green", "ahead of plan: gap −30"),
        # X = 100 × 89 / 100 = 89 (S = D − 89, E = D + 11): 79 → gap 10, 64 → 25, 63 → 26.
        (days(-89), days(11), 79, "Green", "gap 10 with an uneven span"),
        (days(-89), days(11), 64, "Amber", "gap 25 with an uneven span"),
        (days(-89), days(11), 63, "Red", "gap 26"),
        # 33.3% against X = 100 × 1/3 = 33.33…: gap 0.03 → Green (exact fractions throughout).
        (days(-1), days(2), 33.3, "Green", "thirds"),
    ],
)
def test_every_rule(
    start: dt.date | None, end: dt.date, pct: float | None, expected: str, why: str
) -> None:
    assert compute_rag(start, end, pct, D) == expected, why


def test_thresholds_are_configurable() -> None:
    # X = 50, P = 35 → gap 15: Amber by default; Green when Green reaches 15; Red when Amber
    # stops at 12.
    start, end = days(-50), days(50)
    assert compute_rag(start, end, 35, D) == "Amber"
    assert compute_rag(start, end, 35, D, Thresholds(green_max_gap=15)) == "Green"
    assert compute_rag(start, end, 35, D, Thresholds(10, 12)) == "Red"
    # Point milestone 10 days out: Amber by default, Green with a 7-day window.
    assert compute_rag(None, days(10), 0, D) == "Amber"
    assert compute_rag(None, days(10), 0, D, Thresholds(point_amber_days=7)) == "Green"


def test_expected_pct_is_clamped_and_exact() -> None:
    assert expected_pct(days(-50), days(50), D) == 50
    assert expected_pct(days(10), days(50), D) == 0  # not begun
    assert expected_pct(days(-50), days(-10), D) == 100  # span passed
    assert expected_pct(D, D, D) == 100  # zero-length span due today
    assert float(expected_pct(days(-1), days(2), D)) == pytest.approx(100 / 3)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("On Target", "Green"),
        ("on track", "Green"),
        ("At Risk", "Amber"),
        ("Off Target", "Red"),
        ("RED", "Red"),
        ("Completed", "Complete"),
        ("Not started", "Not started"),
        ("Amber/Green", None),
        (None, None),
        ("", None),
    ],
)
def test_reported_status_words(status: str | None, expected: str | None) -> None:
    assert reported_rag(status) == expected


def test_disagreements() -> None:
    assert disagreement("On Target", "Red") == "reported On Target, computed Red"
    assert disagreement("Complete", "Amber") == "reported Complete, computed Amber"
    assert disagreement("At Risk", "Green") == "reported At Risk, computed Green"
    assert disagreement("On Target", "Green") is None
    # "On target" beside Complete or Not started is not a contradiction.
    assert disagreement("On Target", "Complete") is None
    assert disagreement("On Target", "Not started") is None
    assert disagreement("Amber/Green", "Red") is None  # words we cannot read are not compared
    assert disagreement(None, "Red") is None


def test_rag_values_are_the_five_words() -> None:
    assert set(rag.RAG_VALUES) == {"Complete", "Not started", "Green", "Amber", "Red"}
