"""Waiting-list checks (etl/inputs/waits/checks.py) on a few values held in memory: pass, one
failure, several, and the rows already rejected being skipped."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from etl.inputs.waits import checks

D = dt.date
DATES = pa.date32()


def test_before_referral() -> None:
    referral = pa.array([D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 1), None], DATES)
    seen = pa.array([D(2025, 3, 1), D(2025, 2, 28), None, D(2025, 1, 1)], DATES)
    found = checks.check_waits_before_referral(referral, seen, "Date seen", "Referral date", set())
    # Same day is fine; a day before is not; blanks are not compared.
    assert [(p.index, p.rule) for p in found] == [(1, "date_before_referral")]
    assert found[0].message == "Date seen 28/02/2025 is before the referral date 01/03/2025"
    assert checks.check_waits_before_referral(referral, seen, "S", "R", {1}) == []


def test_after_extract() -> None:
    values = pa.array([D(2025, 7, 31), D(2025, 8, 1), D(2026, 1, 1)], DATES)
    found = checks.check_waits_after_extract(values, "Referral date", D(2025, 7, 31), set())
    assert [p.index for p in found] == [1, 2]  # the extract date itself is fine


def test_duplicate_referral_id_per_provider() -> None:
    ids = pa.array(["R1", "r1", "R1", "R2", None, None])
    providers = pa.array(["A", "A", "B", "A", "A", "A"])
    found = checks.check_waits_duplicate_referral(
        ids, providers, "Referral ID", set(), [5, 6, 7, 8, 9, 10]
    )
    # "r1" repeats "R1" at provider A (ids compared ignoring case); B's R1 is another referral;
    # rows without an id are never duplicates.
    assert [(p.index, p.message) for p in found] == [
        (1, "Referral ID 'r1' is already on row 5 for this provider; only the first was loaded")
    ]
    assert checks.check_waits_duplicate_referral(ids, providers, "Referral ID", {0}, [5] * 6) == []


def test_age_and_seen_after_removal_are_queries() -> None:
    ages = pa.array([0, 25, 26, -1, None], pa.int64())
    found = checks.check_waits_age(ages, "DOB", set())
    assert [(p.index, p.severity) for p in found] == [(2, "query"), (3, "query")]
    seen = pa.array([D(2025, 5, 2), D(2025, 5, 1), None], DATES)
    removed = pa.array([D(2025, 5, 1), D(2025, 5, 1), D(2025, 5, 1)], DATES)
    found = checks.check_waits_seen_after_removal(seen, removed, "Seen", "Discharge date", set())
    assert [(p.index, p.rule, p.severity) for p in found] == [(0, "seen_after_removal", "query")]
