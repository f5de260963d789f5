"""Synthetic waiting lists (issue 12): deterministic, realistic wait profiles, loaded cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.inputs.waits import demo
from etl.store import Warehouse
from tests import sen2_builders as b

SNAPSHOT = dt.date(2026, 11, 1)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = demo.generate(tmp_path / "a", seed=3, snapshot=SNAPSHOT)
    again = demo.generate(tmp_path / "b", seed=3, snapshot=SNAPSHOT)
    other = demo.generate(tmp_path / "c", seed=4, snapshot=SNAPSHOT)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]


def test_profiles_load_without_problems_and_differ_as_intended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b.isolate_settings(monkeypatch, tmp_path)
    report = b.load(demo.generate(tmp_path / "in", seed=1, snapshot=SNAPSHOT), tmp_path / "d")
    assert report.problems == []
    b.assert_nothing_lost(tmp_path / "d")
    with Warehouse.at(tmp_path / "d") as warehouse:
        waits = warehouse.waits_kpis()
    assert warehouse.path.exists()
    # Every spelling in the demo maps onto a standard service.
    assert set(waits) == {
        "speech_and_language_therapy",
        "occupational_therapy",
        "physiotherapy",
        "community_paediatrics",
        "audiology",
        "autism_assessment",
        "adhd_assessment",
        "camhs",
    }
    autism, paeds, physio = (
        waits["autism_assessment"],
        waits["community_paediatrics"],
        waits["physiotherapy"],
    )
    # Autism assessment and community paediatrics wait long, physiotherapy short.
    assert autism["median_weeks_waiting"] > 3 * physio["median_weeks_waiting"]
    assert paeds["median_weeks_waiting"] > 3 * physio["median_weeks_waiting"]
    assert autism["pct_over_18_weeks"] > 50 > physio["pct_over_18_weeks"]
