"""Exclusion records (issue 13): loading, rules, SEN provision derived from SEN2, and the
measures on the hand-made fixture of tests/exclusions_fixture.py (arithmetic in the comments)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from etl import inputs
from etl.inputs.exclusions.stage import parse_period, term_of
from etl.store import Warehouse
from tests import cli_runner
from tests import exclusions_fixture as fx
from tests import sen2_builders as b
from tests import tracker_builders as tb


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Any]:
    data = tmp_path / "data"
    report = b.load(fx.write(tmp_path / "in"), data)
    return data, report


def test_registered_before_sen2_and_built_after_it() -> None:
    names = [k.name for k in inputs.kinds()]
    assert names.index("exclusions") < names.index("sen2")
    built = [k.name for k in inputs.build_order(inputs.kinds())]
    assert built.index("exclusions") > built.index("sen2")


def test_every_row_is_loaded_or_listed_and_the_log_adds_up(loaded: tuple[Path, Any]) -> None:
    data, _report = loaded
    b.assert_nothing_lost(data)
    log = b.load_log(data)
    # 11 events and 9 headcount rows, all loaded.
    assert (log["exclusions.csv"]["rows_read"], log["exclusions.csv"]["rows_loaded"]) == (11, 11)
    assert (log["headcounts.csv"]["rows_read"], log["headcounts.csv"]["rows_loaded"]) == (9, 9)
    assert "Exclusion records" in log["exclusions.csv"]["shape"]
    assert log["cases.csv"]["shape"] != log["exclusions.csv"]["shape"]
    # No pupil reference is stored: the UPNs appear in no table.
    con = b.warehouse(data)
    try:
        cells = con.execute("SELECT * FROM exclusion_events").fetchall()
    finally:
        con.close()
    assert not any("A000000000" in str(v) or "L-0042" in str(v) for row in cells for v in row)


def test_sen_provision_is_derived_from_sen2_plan_dates(loaded: tuple[Path, Any]) -> None:
    data, report = loaded
    rows = dict(
        b.query(
            data,
            "SELECT source_row, sen_source || ' → ' || coalesce(sen_provision, '-') "
            "FROM exclusion_events WHERE sen_recorded IS NULL",
        )
    )
    # CSV lines: header 1, E2 on line 3, U1 on line 10, U2 on line 11.
    assert rows == {
        3: "derived from SEN2 → E",  # plan issued 2024-05-20, event 2024-06-03: in force
        10: "not derived: no EHC plan in force in SEN2 → -",  # event 2024-03-04 is before it
        11: "not derived: no SEN2 child with this UPN → -",  # a local reference
    }
    [summary] = b.messages(report, "sen_provision_derived")
    assert summary.startswith("3 events had no SEN provision: 1 derived from SEN2")
    assert "2 could not be (1 in SEN2 without a plan in force, 1 not in SEN2)" in summary


def test_measures_for_the_academic_year_by_sen_group(loaded: tuple[Path, Any]) -> None:
    data, _ = loaded
    with Warehouse.at(data) as warehouse:
        frame = warehouse.query("exclusions_by_sen", academic_year=2023)
    got = {r["sen_group"]: r for r in frame.to_dict("records")}
    # EHC plan (headcount 40): suspensions E1 + E2 (derived) = 2; permanent E3 = 1.
    #   suspension rate 2 / 40 × 100 = 5.00; permanent 1 / 40 × 100 = 2.50;
    #   one or more: 2 pupils / 40 × 100 = 5.00.
    # SEN support (200): K1 twice + K2 = 3 suspensions by 2 pupils; K1 is a repeat.
    #   3 / 200 × 100 = 1.50; one or more 2 / 200 × 100 = 1.00; repeat 1 / 200 × 100 = 0.50.
    # No SEN (800): N1 suspended, N2 permanently excluded (N3 is in 2024/25, left out).
    #   1 / 800 × 100 = 0.125 → 0.13 (half away from zero; banker's rounding would give 0.12).
    # Relative risk from unrounded rates: EHC plan 0.05 / 0.00125 = 40.00 (the rounded rates
    # would give 5.00 / 0.13 = 38.46); SEN support 0.015 / 0.00125 = 12.00 (not 11.54).
    # Gap to no SEN: EHC plan 5 − 0.125 = 4.875 → 4.88; SEN support 1.5 − 0.125 = 1.375 → 1.38.
    # Unknown: U1 and U2, two suspensions with no headcount (no rate).
    expected = {
        "ehc_plan": (2, 1, 2, 0, 40, 5.0, 2.5, 5.0, 0.0, 4.88, 40.0),
        "sen_support": (3, 0, 2, 1, 200, 1.5, 0.0, 1.0, 0.5, 1.38, 12.0),
        "no_sen": (1, 1, 1, 0, 800, 0.13, 0.13, 0.13, 0.0, 0.0, 1.0),
    }
    keys = (
        "suspensions",
        "permanent_exclusions",
        "pupils_suspended",
        "pupils_repeat_suspended",
        "headcount",
        "suspension_rate",
        "permanent_exclusion_rate",
        "one_plus_suspension_rate",
        "repeat_suspension_rate",
        "suspension_rate_gap",
        "relative_risk_suspension",
    )
    for group, values in expected.items():
        assert tuple(got[group][k] for k in keys) == values, group
    assert got["unknown"]["suspensions"] == 2
    assert (
        got["unknown"]["suspension_rate"] is None
        or got["unknown"]["suspension_rate"] != got["unknown"]["suspension_rate"]
    )  # None or NaN: no headcount


def test_kpis_json_has_the_exclusions_section(loaded: tuple[Path, Any]) -> None:
    data, _ = loaded
    env = {"SEND_DATA_DIR": str(data), "SEND_HASH_KEY": "test-key-not-secret"}
    result = cli_runner.run(("kpis", "--json", "--as-of", "2024-07-31"), env)
    assert result.returncode == 0, result.stderr
    section = json.loads(result.stdout)["exclusions"]
    assert section["academic_year"] == "2023/24"
    assert section["by_sen"]["no_sen"] == {
        "suspensions": 1,
        "permanent_exclusions": 1,
        "pupils_suspended": 1,
        "headcount": 800,
        "suspension_rate": 0.13,
        "permanent_exclusion_rate": 0.13,
        "one_plus_suspension_rate": 0.13,
        "relative_risk_suspension": 1.0,
    }
    assert section["by_sen"]["ehc_plan"]["relative_risk_suspension"] == 40.0
    # 2024/25: only N3's permanent exclusion, and no headcount → no rates.
    later = cli_runner.run(("kpis", "--json", "--as-of", "2024-10-01"), env)
    nxt = json.loads(later.stdout)["exclusions"]
    assert nxt["academic_year"] == "2024/25"
    assert nxt["by_sen"]["no_sen"]["permanent_exclusions"] == 1
    assert nxt["by_sen"]["no_sen"]["permanent_exclusion_rate"] is None


def test_terms_schools_reasons_and_repeats(loaded: tuple[Path, Any]) -> None:
    data, _ = loaded
    with Warehouse.at(data) as w:
        trend = w.query("exclusions_trend")
        schools = w.query("exclusions_by_school", academic_year=2023)
        reasons = w.query("exclusions_by_reason", academic_year=2023)
        repeat = w.query("exclusions_repeat", academic_year=2023)
    # Spring 2023/24, SEN support: K1's second suspension (5 Feb) → 1 / 200 × 100 = 0.50 (the
    # term takes the year's headcount).
    spring = trend[(trend["period"] == "Spring 2023/24") & (trend["sen_group"] == "sen_support")]
    assert spring[["suspensions", "suspension_rate"]].values.tolist() == [[1, 0.5]]
    # Schools by SEND suspension rate: Hill Primary E1 + K2 = 2 of 10 + 60 = 70 → 2.857 → 2.86;
    # Vale Academy E2 + K1 × 2 = 3 of 30 + 140 = 170 → 1.7647 → 1.76.
    assert schools[
        ["school_name", "send_suspensions", "send_headcount", "send_suspension_rate"]
    ].values.tolist() == [
        ["Hill Primary", 2, 70, 2.86],
        ["Vale Academy", 3, 170, 1.76],
    ]
    # Verbal abuse: E2, K2, N1, U1, U2 = 5 events (the commonest reason).
    assert reasons.iloc[0]["reason"] == "Verbal abuse"
    assert int(reasons[reasons["reason"] == "Verbal abuse"]["events"].sum()) == 5
    # SEN support: K2 once, K1 twice.
    support = repeat[repeat["sen_group"] == "sen_support"]
    assert support[["suspensions_in_year", "pupils"]].values.tolist() == [["1", 1], ["2", 1]]


def test_rules_errors_and_queries(tmp_path: Path) -> None:
    rows = [
        fx.EVENT_HEADER,
        # line 2: fine (a Monday)
        ["A000000000001", "1", "S", "2023-10-02", "FTE", "2", "r", "K"],
        # line 3: unknown category → error
        ["A000000000001", "1", "S", "2023-10-03", "internal", "2", "r", "K"],
        # line 4: impossible date → error
        ["A000000000001", "1", "S", "31/02/2024", "FTE", "2", "r", "K"],
        # line 5: unreadable date → error
        ["A000000000001", "1", "S", "soon", "FTE", "2", "r", "K"],
        # line 6: missing pupil reference → error
        ["", "1", "S", "2023-10-04", "FTE", "2", "r", "K"],
        # line 7: negative sessions → error
        ["A000000000001", "1", "S", "2023-10-05", "FTE", "-2", "r", "K"],
        # line 8: over 90 sessions → query; line 9: a Saturday → query
        ["A000000000002", "1", "S", "2023-10-06", "FTE", "91", "r", "N"],
        ["A000000000003", "1", "S", "2023-10-07", "FTE", "1", "r", "N"],
        # lines 10, 11: the same pupil as EHC plan and as no SEN in one term → query on both
        ["A000000000004", "1", "S", "2023-10-09", "FTE", "1", "r", "E"],
        ["A000000000004", "1", "S", "2023-11-09", "FTE", "1", "r", "No SEN"],
    ]
    path = b.write_csv(tmp_path / "events.csv", rows)
    report = b.load(path, tmp_path / "data")
    found = sorted((p[2], p[4], p[5]) for p in b.problems(report) if p[2] is not None)
    assert found == [
        (3, "exclusion_category_unknown", "error"),
        (4, "date_impossible", "error"),
        (5, "date_unreadable", "error"),
        (6, "pupil_ref_missing", "error"),
        (7, "sessions_negative", "error"),
        (8, "sessions_over_90", "query"),
        (9, "event_on_weekend", "query"),
        (10, "sen_status_conflict", "query"),
        (11, "sen_status_conflict", "query"),
    ]
    b.assert_nothing_lost(tmp_path / "data")
    [log] = report.summary
    assert (log["rows_read"], log["rows_loaded"], log["rows_rejected"]) == (10, 5, 5)


def test_a_later_file_supersedes_the_same_events(tmp_path: Path) -> None:
    first = b.write_csv(tmp_path / "autumn.csv", [fx.EVENT_HEADER, list(fx.EVENTS[0])], "%d/%m/%Y")
    second = b.write_csv(
        tmp_path / "year.csv", [fx.EVENT_HEADER, list(fx.EVENTS[0]), list(fx.EVENTS[3])], "%d/%m/%Y"
    )
    b.load(first, tmp_path / "data")
    b.load(second, tmp_path / "data")
    assert b.query(tmp_path / "data", "SELECT count(*) FROM exclusion_events") == [(2,)]
    log = b.load_log(tmp_path / "data")
    assert log["autumn.csv"]["rows_superseded"] == 1
    b.assert_nothing_lost(tmp_path / "data")


def test_sen2_and_tracker_files_are_not_exclusions_nor_the_reverse(tmp_path: Path) -> None:
    import importlib

    from etl.config import Pseudonymiser
    from etl.inputs import StageContext
    from etl.readers import read_file

    sen2, events, heads = fx.write(tmp_path / "in")
    tracker = tb.golden_period_1(tmp_path / "tracker.xlsx")
    action_log = tb.golden_period_2(tmp_path / "tracker2.xlsx")
    owner = {sen2: "sen2", events: "exclusions", heads: "exclusions"}
    owner |= {tracker: "tracker", action_log: "tracker"}
    for path, kind_name in owner.items():
        sheets = read_file(path)
        context = StageContext(path, Pseudonymiser(b"k"))
        claims = {
            name: importlib.import_module(f"etl.inputs.{name}").KIND.recognise(sheets, context)
            is not None
            for name in ("sen2", "tracker", "exclusions")
        }
        # Each file is recognised by its own kind only, whatever the order of asking.
        assert claims == {name: name == kind_name for name in claims}, (path.name, claims)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023/24", (2023, None)),
        ("2023-24", (2023, None)),
        ("2023/2024", (2023, None)),
        ("Autumn 2023/24", (2023, "Autumn")),
        ("Spring term 2023-24", (2023, "Spring")),
        ("2023/24 Summer", (2023, "Summer")),
        ("2023/25", None),
        ("23", None),
        ("Winter 2023/24", None),
    ],
)
def test_periods(text: str, expected: tuple[int, str | None] | None) -> None:
    assert parse_period(text) == expected


def test_terms_split_at_easter() -> None:
    # Easter Sunday 2024 is 31 March.
    assert [term_of(fx.D(2023, 12, 31)), term_of(fx.D(2024, 3, 31)), term_of(fx.D(2024, 4, 1))] == [
        "Autumn",
        "Spring",
        "Summer",
    ]


def test_neighbour_set_setting_is_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.config import SettingsError, settings

    path = tmp_path / "s.toml"
    path.write_text('[benchmark]\nneighbours = "d2i"\n', encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(path))
    assert settings().neighbour_set == "d2i"
    bad = tmp_path / "bad.toml"
    bad.write_text('[benchmark]\nneighbours = "lait"\n', encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(bad))
    with pytest.raises(SettingsError, match="neighbours"):
        settings()


def test_demo_files_are_deterministic_and_follow_the_national_pattern(tmp_path: Path) -> None:
    import datetime as dt

    from etl import demo as sen2_demo
    from etl.inputs.exclusions import demo

    snapshot = sen2_demo.DEFAULT_SNAPSHOT
    [workbook] = sen2_demo.generate(tmp_path / "sen2", seed=3, scale="la")
    one = demo.generate(tmp_path / "a", seed=3, snapshot=snapshot, sen2_workbook=workbook)
    two = demo.generate(tmp_path / "b", seed=3, snapshot=snapshot, sen2_workbook=workbook)
    assert one[0].read_bytes() == two[0].read_bytes()
    data = tmp_path / "data"
    b.load([workbook], data, synthetic=True, as_of=snapshot)
    report = b.load(one, data, synthetic=True)
    b.assert_nothing_lost(data)
    assert not [p for p in report.new_problems if p["severity"] == "error"]
    # Some blank SEN provisions were derived from the SEN2 children's plans.
    [summary] = b.messages(report, "sen_provision_derived")
    derived = int(summary.split(": ")[1].split(" derived")[0])
    assert derived > 10, summary
    with Warehouse.at(data) as warehouse:
        full_year = warehouse.exclusion_kpis(dt.date(2026, 7, 31))["by_sen"]
    # EHC plan and SEN support pupils are suspended at several times the no-SEN rate.
    assert full_year["ehc_plan"]["relative_risk_suspension"] > 2
    assert full_year["sen_support"]["relative_risk_suspension"] > 2
