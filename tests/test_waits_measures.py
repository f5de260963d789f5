"""The waiting-time measures as at D, worked out by hand (issue 12, DESIGN §4).

D = 30/06/2025. Each referral is written as "D minus n days", so n is its days waiting at D and
the arithmetic below reads straight off the fixture. Weeks = days / 7, to 1 dp half away from
zero; percentiles are PERCENTILE.INC: rank = p × (count − 1), interpolated between the values
either side of it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from etl.inputs.waits.measures import weeks
from etl.store import Warehouse
from tests import cli_runner
from tests import sen2_builders as b
from tests.waits_builders import write_extract

D = dt.date(2025, 6, 30)
EXTRACT = dt.date(2025, 7, 31)


def ago(days: int) -> dt.date:
    return D - dt.timedelta(days=days)


def later(days: int) -> dt.date:
    return D + dt.timedelta(days=days)


ROWS = [
    # Speech and language therapy: six waiting at D (an even count).
    ["S1", "C1", "SLT", ago(0), None, None, None, "A"],  # referred on D: waiting, 0 days
    ["S2", "C2", "SLT", ago(35), None, None, None, "A"],
    ["S3", "C3", "SLT", ago(126), None, None, None, "A"],  # exactly 18 weeks: not over
    ["S4", "C4", "SLT", ago(127), None, None, None, "A"],  # 127 days: over 18 weeks
    ["S5", "C5", "SLT", ago(200), later(5), None, None, "A"],  # seen after D: waiting at D
    ["S6", "C6", "SLT", ago(400), None, None, None, "A"],  # over 52 weeks (> 364 days)
    ["S7", "C7", "SLT", ago(50), ago(0), None, None, "A"],  # seen on D: not waiting
    ["S8", "C8", "SLT", later(3), None, None, None, "A"],  # referred after D: not waiting
    ["S9", "C9", "SLT", ago(300), None, ago(10), None, "A"],  # removed unseen before D
    ["S10", "C10", "SLT", ago(90), None, ago(0), None, "A"],  # removed on D: not waiting
    # Occupational therapy: three waiting (an odd count).
    ["O1", "C11", "Occupational Therapy", ago(7), None, None, None, "A"],
    ["O2", "C12", "OT", ago(14), None, None, None, "A"],
    ["O3", "C13", "O.T.", ago(70), None, None, None, "A"],
    # Autism assessment: the 91-day (13-week) boundary.
    ["A1", "C14", "ASD assessment", ago(10), None, None, None, "B"],
    ["A2", "C15", "Autism Assessment", ago(91), None, None, None, "B"],  # exactly 13 weeks
    ["A3", "C16", "ASD Assessment", ago(92), None, None, None, "B"],  # over 13 weeks
    ["A4", "C17", "ASD assessment", ago(127), None, None, None, "B"],
    # Physiotherapy: referrals, nobody waiting at D.
    ["P1", "C18", "Physio", ago(60), ago(20), None, None, "A"],
    # An unmapped name: kept, and measured, under the name as written.
    ["U1", "C19", "Sensory clinic", ago(20), None, None, None, "A"],
]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    b.isolate_settings(monkeypatch, tmp_path)
    data = tmp_path / "data"
    b.load(write_extract(tmp_path / "waits.csv", ROWS, extract_date=EXTRACT), data)
    return data


def test_kpis_by_hand(folder: Path) -> None:
    with Warehouse.at(folder) as warehouse:
        found = warehouse.waits_kpis(D)
    assert found == {
        "speech_and_language_therapy": {
            # waiting days sorted: 0, 35, 126, 127, 200, 400
            "waiting": 6,
            # rank 0.5 × 5 = 2.5: (126 + 127) / 2 = 126.5 days / 7 = 18.07 → 18.1
            "median_weeks_waiting": 18.1,
            # rank 0.9 × 5 = 4.5: 200 + 0.5 × (400 − 200) = 300 days / 7 = 42.86 → 42.9
            "p90_weeks_waiting": 42.9,
            # over 126 days: 127, 200, 400 → 3 / 6 = 50.0%
            "pct_over_18_weeks": 50.0,
            # over 364 days: 400 → 1
            "over_52_weeks": 1,
        },
        "occupational_therapy": {
            # 7, 14, 70
            "waiting": 3,
            "median_weeks_waiting": 2.0,  # rank 1: 14 days / 7 = 2.0
            # rank 0.9 × 2 = 1.8: 14 + 0.8 × (70 − 14) = 58.8 days / 7 = 8.4
            "p90_weeks_waiting": 8.4,
            "pct_over_18_weeks": 0.0,
            "over_52_weeks": 0,
        },
        "autism_assessment": {
            # 10, 91, 92, 127
            "waiting": 4,
            # rank 1.5: (91 + 92) / 2 = 91.5 days / 7 = 13.07 → 13.1
            "median_weeks_waiting": 13.1,
            # rank 2.7: 92 + 0.7 × (127 − 92) = 116.5 days / 7 = 16.64 → 16.6
            "p90_weeks_waiting": 16.6,
            "pct_over_18_weeks": 25.0,  # over 126 days: 127 → 1 / 4
            "over_52_weeks": 0,
            "pct_over_13_weeks": 50.0,  # over 91 days: 92, 127 → 2 / 4
        },
        "physiotherapy": {
            "waiting": 0,
            "median_weeks_waiting": None,
            "p90_weeks_waiting": None,
            "pct_over_18_weeks": None,
            "over_52_weeks": None,
        },
        "Sensory clinic": {
            "waiting": 1,
            "median_weeks_waiting": 2.9,  # 20 days / 7 = 2.857 → 2.9
            "p90_weeks_waiting": 2.9,
            "pct_over_18_weeks": 0.0,
            "over_52_weeks": 0,
        },
    }


def test_weeks_round_half_away_from_zero() -> None:
    # Exact halves: 1.75 days / 7 = 0.25 weeks → 0.3 (round() gives 0.2, half to even);
    # 14.35 days / 7 = 2.05 → 2.1; 0.35 days / 7 = 0.05 → 0.1.
    assert weeks(1.75) == 0.3
    assert weeks(14.35) == 2.1
    assert weeks(0.35) == 0.1
    assert weeks(None) is None


def test_month_end_trend_and_seen(folder: Path) -> None:
    with Warehouse.at(folder) as warehouse:
        trend = warehouse.query("waits_month_end", as_of=D)
        seen = warehouse.query("waits_seen", start=dt.date(2025, 6, 1), end=D)
        longest = warehouse.query("waits_longest", as_of=D, limit=2, service=None)
    slt = trend[trend["service"] == "speech_and_language_therapy"].copy()
    slt.index = [m.date() for m in slt["month_end"]]
    # 31/05/2025 is D − 30: S1 (D) and S8 (after D) not yet referred; S7 (D − 50) still waiting;
    # S9 (removed D − 10) and S10 (removed on D) still on the list. So S2-S7, S9, S10 = 8 waiting,
    # with days at 31/05 = days at D − 30: S2 5, S3 96, S4 97, S5 170, S6 370, S7 20, S9 270,
    # S10 60 → over 126: S5, S6, S9 = 3 → 37.5%.
    may = slt.loc[dt.date(2025, 5, 31)]
    assert (may["waiting"], may["over_18_weeks"], may["pct_over_18_weeks"]) == (8, 3, 37.5)
    # The month end after D (31/07/2025) is not shown as at D.
    assert max(slt.index) == dt.date(2025, 6, 30)
    june = slt.loc[dt.date(2025, 6, 30)]
    assert (june["waiting"], june["pct_over_18_weeks"]) == (6, 50.0)
    # Seen in June 2025: S7 (on D, after 50 days) and P1 (D − 20, after 40 days).
    assert dict(zip(seen["service"], seen["seen"], strict=True)) == {
        "speech_and_language_therapy": 1,
        "physiotherapy": 1,
    }
    # 50 days / 7 = 7.14 → 7.1; 40 / 7 = 5.71 → 5.7
    assert sorted(seen["median_weeks_to_first_seen"]) == [5.7, 7.1]
    assert list(longest["days_waiting"]) == [400, 200]
    assert all(r.startswith("W-") for r in longest["reference"])
    assert "child_key" not in longest.columns and "record_key" not in longest.columns


def test_kpis_cli_with_waits_only(folder: Path, tmp_path: Path) -> None:
    env = {"SEND_CONFIG": str(tmp_path / "none.toml"), "SEND_HASH_KEY": "k", "PATH": ""}
    result = cli_runner.run(
        ("kpis", "--json", "--as-of", "2025-06-30", "--data-dir", str(folder)), env
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["ehcp"]["loaded"] is False
    assert payload["waits"]["autism_assessment"]["pct_over_13_weeks"] == 50.0
    assert payload["waits"]["speech_and_language_therapy"]["median_weeks_waiting"] == 18.1
    assert payload["data"]["waits_as_of"] == "2025-06-30"
    # Without --as-of: the latest extract date, 31/07/2025 (D + 31): S1 has waited 31 days.
    result = cli_runner.run(("kpis", "--json", "--data-dir", str(folder)), env)
    payload = json.loads(result.stdout)
    assert payload["data"]["waits_as_of"] == "2025-07-31"
    human = cli_runner.run(("kpis", "--data-dir", str(folder)), env).stdout
    assert "EHC plans: no SEN2 data loaded." in human
    assert "autism_assessment: 4 waiting" in human


def test_kpis_with_only_a_tracker_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.inputs.tracker import demo as tracker_demo

    b.isolate_settings(monkeypatch, tmp_path)
    [tracker, *_] = tracker_demo.generate(tmp_path / "t", seed=1, snapshot=dt.date(2026, 11, 1))
    b.load(tracker, tmp_path / "data")
    env = {"SEND_CONFIG": str(tmp_path / "none.toml"), "SEND_HASH_KEY": "k", "PATH": ""}
    result = cli_runner.run(("kpis", "--json", "--data-dir", str(tmp_path / "data")), env)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["ehcp"] == {
        "loaded": False,
        "message": "No SEN2 data loaded: no EHC plan figures.",
    }
    assert payload["waits"] == {} and payload["data"]["waits_as_of"] is None
    assert sum(payload["milestones"].values()) > 0
    human = cli_runner.run(("kpis", "--data-dir", str(tmp_path / "data")), env).stdout
    assert "Waiting times: no waiting list loaded." in human
