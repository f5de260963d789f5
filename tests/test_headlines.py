"""The headline list (etl/headlines.py): values on hand-made data, the RAG against a target for
each polarity and at the tolerance edges, and the change since a compared warehouse.

SEN2 figures: the hand-made case list of ``tests/ui_fixtures.py`` as at 1 Nov 2026 (its
docstring works every figure out). Waits: the extract of ``tests/test_waits_measures.py`` as at
30 Jun 2025 (ditto).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import config
from etl.headlines import headlines, target_rag
from etl.store import Warehouse
from tests import exclusions_fixture as fx
from tests import sen2_builders as b
from tests import tracker_builders as tb
from tests.test_waits_measures import EXTRACT, ROWS, D
from tests.ui_fixtures import AS_OF, CASES, REPO, UPNS, build_warehouse
from tests.waits_builders import write_extract

SETTINGS = config.Settings()  # amber_points 5, amber_fraction 0.1, no targets


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("golden"), as_of=AS_OF)


@pytest.fixture(scope="module")
def without_r13(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The same cases without R13 (the one request past 20 weeks on 1 Nov 2026).
    rows = [row for row in CASES if row[3] != "R13"]
    return build_warehouse(tmp_path_factory.mktemp("earlier"), rows, as_of=AS_OF)


def test_sen2_headlines_by_hand(golden: Path) -> None:
    with Warehouse.at(golden) as wh:
        found = {h.id: h for h in headlines(wh, settings=SETTINGS)}
    # No waits, exclusions, trackers or annual reviews in a case list: SEN2 headlines only.
    assert list(found) == [
        "pct_within_20_weeks_excl_exceptions",
        "pct_decisions_within_6_weeks",
        "open_breached",
        "open_at_risk",
    ]
    excl = found["pct_within_20_weeks_excl_exceptions"]
    # 2026 (to 1 Nov): Week20 = 0 plans R01, R02, R03, R05, R06 = 5; within 140 days R01, R02,
    # R05 = 3 → 3 / 5 = 60.0%.
    assert (excl.value, excl.numerator, excl.denominator, excl.base) == (60.0, 3, 5, 5)
    assert excl.period == "1 Jan to 1 Nov 2026" and excl.kind == "pct"
    # Trend: 2025 whole year R09, R10, R12 (Week20 0), within R09, R12 → 2 / 3 = 66.7%; the
    # years 2022-2024 issued nothing and are left out.
    assert [(p.label, p.value, p.numerator, p.denominator) for p in excl.trend] == [
        ("2025", 66.7, 2, 3),
        ("1 Jan to 1 Nov 2026", 60.0, 3, 5),
    ]
    decisions = found["pct_decisions_within_6_weeks"]
    # 2026: R01, R02, R03, R04, R05, R14 within 42 days, R07 (N, 60 days) not → 6 / 7 = 85.7%.
    assert (decisions.value, decisions.numerator, decisions.denominator) == (85.7, 6, 7)
    breached = found["open_breached"]
    # Open on 1 Nov 2026: R13 (184 days, breached), R14 (123, at risk), R15 (31) → 1 of 3.
    assert (breached.value, breached.denominator, breached.kind) == (1, 3, "count")
    assert found["open_at_risk"].value == 1
    # A year earlier (1 Nov 2025): R06 152 days and R17 165 days, both breached → 2 of 2.
    first = breached.trend[0]
    assert (first.label, first.value, first.denominator) == ("Nov 2025", 2, 2)
    assert len(breached.trend) == 13  # the same day of each month, Nov 2025 to Nov 2026
    assert all(h.target.words == "no target" and h.change is None for h in found.values())


def test_target_from_the_settings_gives_the_rag(golden: Path) -> None:
    settings = dataclasses.replace(
        SETTINGS, targets={"pct_within_20_weeks_excl_exceptions": 64.0, "open_breached": 0}
    )
    with Warehouse.at(golden) as wh:
        found = {h.id: h for h in headlines(wh, settings=settings)}
    # 60.0 against 64.0 (higher is better): 4.0 points short, within 5 → Amber.
    assert found["pct_within_20_weeks_excl_exceptions"].target.rag == "Amber"
    assert found["pct_within_20_weeks_excl_exceptions"].target.words == (
        "! Amber: target 64.0% just missed"
    )
    # 1 breached against 0: a target of 0 leaves no Amber band → Red.
    assert found["open_breached"].target.words == "✗ Red: target 0 not met"
    assert found["open_at_risk"].target.words == "no target"


@pytest.mark.parametrize(
    ("key", "value", "target", "rag"),
    [
        # higher is better, "%": Green at the target, Amber down to 5 points short.
        ("pct_within_20_weeks_excl_exceptions", 60.0, 60.0, "Green"),
        ("pct_within_20_weeks_excl_exceptions", 72.4, 60.0, "Green"),
        ("pct_within_20_weeks_excl_exceptions", 55.0, 60.0, "Amber"),  # 5.0 short: the edge
        ("pct_within_20_weeks_excl_exceptions", 54.9, 60.0, "Red"),  # 5.1 short
        # lower is better, "%": Green at or under, Amber up to 5 points over.
        ("pct_over_18_weeks", 30.0, 30.0, "Green"),
        ("pct_over_18_weeks", 35.0, 30.0, "Amber"),
        ("pct_over_18_weeks", 35.1, 30.0, "Red"),
        # lower is better, a count: Amber within 10% of the target (10 → up to 11).
        ("open_breached", 10, 10.0, "Green"),
        ("open_breached", 11, 10.0, "Amber"),
        ("open_breached", 12, 10.0, "Red"),
        ("open_breached", 1, 0.0, "Red"),  # a target of 0: no Amber band
        ("open_breached", 0, 0.0, "Green"),
        # lower is better, weeks (not "%"): 10% of 18 = 1.8 weeks.
        ("median_weeks_waiting", 19.8, 18.0, "Amber"),
        ("median_weeks_waiting", 19.9, 18.0, "Red"),
        # a ratio, higher relative risk is worse: 10% of 2.00 = 0.20.
        ("relative_risk_suspension", 2.20, 2.0, "Amber"),
        ("relative_risk_suspension", 2.21, 2.0, "Red"),
    ],
)
def test_rag_against_target_by_polarity_and_tolerance(
    key: str, value: float, target: float, rag: str
) -> None:
    assert target_rag(key, value, target, SETTINGS).rag == rag


def test_rag_words_no_target_neutral_and_no_figure() -> None:
    assert target_rag("open_breached", 3, None, SETTINGS).words == "no target"
    neutral = target_rag("plans_issued", 300, 250.0, SETTINGS)
    assert neutral.rag is None and neutral.words.startswith("target 250 (no RAG")
    missing = target_rag("pct_within_20_weeks", None, 60.0, SETTINGS)
    assert missing.rag is None and missing.words == "target 60.0%: no figure to judge"
    assert target_rag("pct_within_20_weeks", 61.0, 60.0, SETTINGS).words == (
        "✓ Green: target 60.0% met"
    )


def test_a_measures_own_tolerance_replaces_the_default() -> None:
    # suspension_rate is a "%" (per 100 pupils): 5 points would be too wide; 0.5 set instead.
    settings = dataclasses.replace(SETTINGS, target_tolerance={"suspension_rate": 0.5})
    assert target_rag("suspension_rate", 3.50, 3.0, settings).rag == "Amber"  # 0.50 over
    assert target_rag("suspension_rate", 3.51, 3.0, settings).rag == "Red"
    assert target_rag("suspension_rate", 3.51, 3.0, SETTINGS).rag == "Amber"  # default 5 points


def test_change_since_a_compared_warehouse(golden: Path, without_r13: Path) -> None:
    with Warehouse.at(golden) as now, Warehouse.at(without_r13) as then:
        found = {
            h.id: h
            for h in headlines(now, compare=then, compare_label="Board 1 Oct", settings=SETTINGS)
        }
    breached = found["open_breached"].change
    assert breached is not None
    # Compared data: R13 absent, so nothing past 20 weeks (0); now 1 → up 1, worse (lower is
    # better).
    assert (breached.previous, breached.trend.judgement) == (0, "worse")
    assert breached.words == "▲ up 1 since Board 1 Oct (worse)"
    # At risk: R14 in both → the same.
    assert found["open_at_risk"].change.words == "▬ no change since Board 1 Oct"  # type: ignore[union-attr]
    # A percentage on 5 plans (under 20): no change worked out.
    excl = found["pct_within_20_weeks_excl_exceptions"].change
    assert excl is not None and excl.previous == 60.0
    assert excl.words == "too few to compare with Board 1 Oct (fewer than 20 cases)"


def test_waits_headline_per_service_by_hand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b.isolate_settings(monkeypatch, tmp_path)
    data = tmp_path / "data"
    b.load(write_extract(tmp_path / "waits.csv", ROWS, extract_date=EXTRACT), data)
    with Warehouse.at(data) as wh:
        found = {h.id: h for h in headlines(wh, as_of=D, settings=SETTINGS)}
    slt = found["pct_over_18_weeks:speech_and_language_therapy"]
    # Waiting at D: 0, 35, 126, 127, 200, 400 days; over 126 days: 127, 200, 400 → 3 of 6 = 50.0%.
    assert (slt.value, slt.numerator, slt.denominator, slt.breakdown) == (
        50.0,
        3,
        6,
        "Speech and language therapy",
    )
    median = slt.also[0]
    # Median (126 + 127) / 2 = 126.5 days / 7 = 18.07 → 18.1 weeks, on 6 children.
    assert (median.key, median.value, median.base, median.kind) == (
        "median_weeks_waiting",
        18.1,
        6,
        "median",
    )
    ot = found["pct_over_18_weeks:occupational_therapy"]
    # 7, 14, 70 days: none over 126 → 0 of 3 = 0.0%; median 14 days = 2.0 weeks.
    assert (ot.value, ot.numerator, ot.denominator, ot.also[0].value) == (0.0, 0, 3, 2.0)
    # Physiotherapy has referrals but nobody waiting: no headline.
    assert "pct_over_18_weeks:physiotherapy" not in found
    assert slt.period == "as at 30 Jun 2025"


# ---------------------------------------------------------------- meeting mode (AppTest)


def _meeting(folder: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SEND_DATA_DIR", str(folder))
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/meeting.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [str(m.value) for m in at.markdown] + [str(c.value) for c in at.caption]
    parts += [t.value.to_csv() for t in at.table]
    return "\n".join(parts)


def test_meeting_mode_next_previous_and_publish_suppression(
    golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(golden, monkeypatch)
    text = _text(at)
    # Screen 1 of 4: 60.0% exact is 3 of 5 plans; in publish mode 3 and 5 are both 1-7 → c, so
    # the percentage is suppressed too ("c"), and no count of 1-7 shows.
    assert "1 of 4 · EHC plan timeliness" in text
    assert "meeting-figure'>c<" in text
    assert "c of c plans issued (excluding exceptions)" in text
    assert "60.0%" not in text
    next_button = next(b for b in at.button if b.label == "Next ▶")
    previous_button = next(b for b in at.button if b.label == "◀ Previous")
    assert previous_button.disabled and not next_button.disabled
    next_button.click().run()
    next_button = next(b for b in at.button if b.label == "Next ▶")
    next_button.click().run()
    text = _text(at)
    # Screen 3: open requests past 20 weeks, 1 of 3 → "c" of "c" (both 1-7).
    assert "3 of 4 · Open requests" in text and "Open requests past 20 weeks" in text
    assert "of c open requests" in text
    for shown in re.findall(r"meeting-figure'>([^<]*)<", text):
        assert not re.fullmatch(r"[1-7]", shown)
    next(b for b in at.button if b.label == "◀ Previous").click().run()
    assert "2 of 4 · EHC plan timeliness" in _text(at)
    # No references, no UPNs anywhere on the screens.
    assert not re.search(r"\bR-[0-9A-Z]{10}\b", _text(at))
    assert not any(upn in _text(at) for upn in UPNS)


def test_meeting_mode_shows_the_trend_table_in_publish_mode(
    golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _meeting(golden, monkeypatch)
    table = at.table[0].value
    # 2025: 2 of 3 → c (base under 20); 2026: 3 of 5 → c. Bases 3 and 5 are 1-7 → c.
    assert list(table["Period"]) == ["2025", "1 Jan to 1 Nov 2026"]
    assert list(table.iloc[:, 1]) == ["c", "c"]
    assert list(table["Out of"]) == ["c", "c"]
    assert len(at.get("plotly_chart")) == 1


def test_meeting_mode_shows_the_change_since_the_compared_snapshot(
    golden: Path, without_r13: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sidebar's "Compare with" (ui.db.compared_snapshot) stood in for by a snapshot-like
    # object pointing at the warehouse without R13.
    from ui import db

    class Compared:
        warehouse_path = without_r13 / "warehouse.duckdb"
        short_label = "Board 1 Oct"
        label = "Snapshot 1 of 1 Oct 2026, 'Board 1 Oct'"

    monkeypatch.setattr(db, "compared_snapshot", lambda: Compared())
    at = _meeting(golden, monkeypatch)
    # Screen 1: 3 of 5 plans both times: a base under 20, so no change is worked out.
    assert "too few to compare with Board 1 Oct (fewer than 20 cases)" in _text(at)
    for _ in range(2):
        next(b for b in at.button if b.label == "Next ▶").click().run()
    # Screen 3: 1 past 20 weeks now, 0 then; 1 is shown as c, so the change is not shown either
    # (it would give the 1 away).
    assert "3 of 4 · Open requests" in _text(at)
    assert "change not shown: the figure is suppressed (too few children)" in _text(at)


def test_exclusion_headlines_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # tests/exclusions_fixture.py; its arithmetic is in tests/test_exclusions.py.
    b.isolate_settings(monkeypatch, tmp_path)
    monkeypatch.setenv("SEND_HASH_KEY", "test-key-not-secret")
    data = tmp_path / "data"
    b.load(fx.write(tmp_path / "in"), data)
    with Warehouse.at(data) as wh:
        found = {h.id: h for h in headlines(wh, as_of=dt.date(2024, 7, 31), settings=SETTINGS)}
    ehcp = found["suspension_rate:ehc_plan"]
    # 2023/24, EHC plan: 2 suspensions / 40 pupils × 100 = 5.00; relative risk from unrounded
    # rates 0.05 / 0.00125 = 40.00 (no SEN: 1 / 800).
    assert (ehcp.value, ehcp.numerator, ehcp.denominator, ehcp.kind) == (5.0, 2, 40, "rate")
    assert (ehcp.also[0].key, ehcp.also[0].value) == ("relative_risk_suspension", 40.0)
    assert ehcp.counts == {
        "suspensions": 2,
        "headcount": 40,
        "no_sen_suspensions": 1,
        "no_sen_headcount": 800,
    }
    # 31 Jul 2024 is inside 2023/24 (it ends 31 Aug): a part year.
    assert ehcp.period == "2023/24 to 31 Jul 2024"
    # SEN support: 3 / 200 × 100 = 1.50; 0.015 / 0.00125 = 12.00.
    support = found["suspension_rate:sen_support"]
    assert (support.value, support.also[0].value) == (1.5, 12.0)
    # On 1 Oct 2024 (2024/25 has only N3 and no headcount) the headline shows 2024/25's
    # groups, none of which has a headcount: no exclusion headline at all.
    with Warehouse.at(data) as wh:
        later = [h.id for h in headlines(wh, as_of=dt.date(2024, 10, 1), settings=SETTINGS)]
    assert not [i for i in later if i.startswith("suspension_rate")]


def test_plan_headline_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The action log of tests/tracker_builders.py as at 31/03/2026: 2.1 Red (overdue), 2.2 Amber
    # (a point due in 10 days), 3.1 Complete, 3.2 Green (their RAG worked out there).
    b.isolate_settings(monkeypatch, tmp_path)
    data = tmp_path / "data"
    log = tb.write_action_log(tmp_path / "actions.xlsx", tb.ACTIONS, report_date="31/03/2026")
    b.load([log], data)
    with Warehouse.at(data) as wh:
        found = {h.id: h for h in headlines(wh, as_of=tb.d("31/03/2026"), settings=SETTINGS)}
    plan = found["plan_items_red"]
    assert (plan.value, plan.denominator, plan.kind, plan.about_children) == (1, 4, "count", False)
    assert plan.counts == {"Red": 1, "Amber": 1, "Green": 1, "Complete": 1, "Not started": 0}
    # One report so far: a one-point trend, 1 Red of 4.
    assert [(p.label, p.value, p.denominator) for p in plan.trend] == [("31 Mar 2026", 1, 4)]


def test_target_rag_settings_are_read_and_checked(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(
        "[targets]\nsuspension_rate = 3\n"
        "[target_rag]\namber_points = 2.5\namber_fraction = 0.2\n"
        "[target_rag.tolerance]\nsuspension_rate = 0.5\n",
        encoding="utf-8",
    )
    read = config._read_settings(str(settings_file))
    assert (read.target_amber_points, read.target_amber_fraction) == (2.5, 0.2)
    assert read.target_tolerance == {"suspension_rate": 0.5}
    # 57.5 against 60: 2.5 points short, the new edge → Amber; a count 10% over 10 → Amber
    # under a 0.2 fraction (12 is 20% over: still Amber; 13 Red).
    assert target_rag("pct_within_20_weeks", 57.5, 60.0, read).rag == "Amber"
    assert target_rag("open_breached", 12, 10.0, read).rag == "Amber"
    assert target_rag("open_breached", 13, 10.0, read).rag == "Red"
    slip = tmp_path / "slip.toml"  # a new file: settings are read once per path
    slip.write_text("[target_rag.tolerance]\nsuspension_rat = 0.5\n", encoding="utf-8")
    with pytest.raises(config.SettingsError, match=r"\[target_rag.tolerance\].*suspension_rate"):
        config._read_settings(str(slip))
