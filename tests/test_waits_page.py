"""The Waiting times page (AppTest): the hand-worked fixture of tests/test_waits_measures.py as
at 30/06/2025, publish mode, an early as-at date, and the empty state (SEN2 but no waits)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import sen2_builders as b
from tests.test_pages import DASHBOARD, all_text, charts, open_page, show_tables, table_with
from tests.test_waits_measures import EXTRACT, ROWS
from tests.ui_fixtures import build_warehouse
from tests.waits_builders import write_extract
from ui import waits_view as view

PAGE = "pages/waiting_times.py"
D = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def waits_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("waits")
    data = folder / "data"
    b.load(write_extract(folder / "waits.csv", ROWS, extract_date=EXTRACT), data)
    return data


@pytest.fixture
def waits(waits_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SEND_DATA_DIR", str(waits_dir))
    monkeypatch.setenv("SEND_CONFIG", str(waits_dir / "no-settings.toml"))
    yield waits_dir


def _at_d() -> AppTest:
    at = open_page(PAGE)
    at.sidebar.date_input(key="as_at").set_value(D).run()
    assert not at.exception, [e.value for e in at.exception]
    return show_tables(at)


def test_tiles_table_and_charts_show_the_hand_worked_figures(waits: Path) -> None:
    at = _at_d()
    # Waiting at 30/06/2025 (tests/test_waits_measures.py): SLT 6, OT 3, autism 4, physio 0.
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Speech and language therapy"] == "6"
    assert tiles["Occupational therapy"] == "3"
    assert tiles["Autism assessment"] == "4"
    assert tiles["Physiotherapy"] == "0"
    assert tiles["Sensory clinic (not a standard service)"] == "1"
    text = all_text(at)
    assert "Median 18.1 weeks waiting" in text and "50.0% over 18 weeks" in text
    assert "50.0% over 13 weeks (NICE)" in text  # autism: 92 and 127 days of 4
    assert "Nobody waiting" in text  # physiotherapy
    # 31/05/2025 (the month end before D) had 8 SLT referrals waiting (see the trend test).
    assert "Since 31 May 2025: down 2 (was 8)" in text
    summary = table_with(at, "Median wks")
    slt = summary[summary["Service"] == "Speech and language therapy"].iloc[0]
    assert (slt["Waiting"], slt["Median wks"], slt["90th pct wks"], slt["% over 18 wks"]) == (
        "6",
        "18.1",
        "42.9",
        "50.0%",
    )
    assert len(charts(at)) == 4  # trend, distribution, age band, provider
    longest = table_with(at, "Reference")
    # SLT's longest waits first: 400 days = 57.1 weeks, then 200 days = 28.6 weeks.
    assert list(longest["Weeks waiting"])[:2] == ["57.1", "28.6"]
    assert all(re.fullmatch(r"W-[0-9A-F]{10}", r) for r in longest["Reference"])
    assert "C6" not in set(longest.to_numpy().ravel())  # no child reference on screen
    # No published figures loaded: the section says how to get them.
    assert any("load-published" in i.value for i in at.info)


def test_publish_mode_hides_the_longest_waits(waits: Path) -> None:
    at = _at_d()
    at.sidebar.radio(key="export_mode").set_value("Publish").run()
    with pytest.raises(AssertionError):
        table_with(at, "Reference")
    assert "Not shown in Publish mode" in all_text(at)


def test_an_as_at_date_before_any_referral_is_calm(waits: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.date_input(key="as_at").set_value(dt.date(2015, 1, 1)).run()
    assert not at.exception
    assert "Nobody is waiting for this service." in all_text(at)


def test_sen2_but_no_waiting_list_is_an_empty_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEND_DATA_DIR", str(build_warehouse(tmp_path)))
    at = open_page(PAGE)
    assert any("No waiting list loaded yet" in i.value for i in at.info)
    assert charts(at) == [] and len(at.metric) == 0


def test_publish_mode_table_suppresses_small_numbers() -> None:
    frame = pd.DataFrame(
        {
            "service_title": ["A", "B"],
            "waiting": [6, 41],
            "median_weeks_waiting": [18.1, 9.0],
            "p90_weeks_waiting": [42.9, 20.0],
            "over_18_weeks": [3, 15],
            "pct_over_18_weeks": [50.0, 36.6],
            "over_52_weeks": [1, 0],
        }
    )
    shown = view.waits_table(frame, "publish", dict(view.SUMMARY_COLUMNS))
    a, b2 = shown.iloc[0], shown.iloc[1]
    # 6 waiting → c; its % and medians rest on fewer than 20 → c.
    assert (a["Waiting"], a["% over 18 wks"], a["Median wks"], a["Over 52 wks"]) == ("c",) * 4
    # 15 of 41: rounded to 15 of 40 → 37.5%; 41 → 40; 0 stays 0.
    assert (b2["Waiting"], b2["% over 18 wks"], b2["Median wks"], b2["Over 52 wks"]) == (
        "40",
        "37.5%",
        "9.0",
        "0",
    )


def test_previous_month_end() -> None:
    assert view.previous_month_end(dt.date(2025, 6, 30)) == dt.date(2025, 5, 31)
    assert view.previous_month_end(dt.date(2025, 6, 15)) == dt.date(2025, 5, 31)
    assert view.previous_month_end(dt.date(2025, 3, 1)) == dt.date(2025, 2, 28)


@pytest.mark.parametrize("chosen_in", ["settings", "session"])
def test_published_waits_beside_ours_for_the_home_las_icb(
    waits_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chosen_in: str
) -> None:
    """Kent is our LA, set in the settings file or chosen this session on Benchmarking (its
    code, E10000016): either way its ICB is the one compared."""
    from etl.published import load_published
    from tests.test_published_waits import AUGUST, JANUARY, LOOKUP, SLT, _cell

    if not JANUARY.exists():
        pytest.skip("needs ../shared/reference-data")
    source = tmp_path / "published"
    source.mkdir()
    for path in (JANUARY, AUGUST, LOOKUP):
        (source / path.name).symlink_to(path)
    data = tmp_path / "data"
    import shutil

    shutil.copytree(waits_dir, data)
    load_published(source, data)
    settings = tmp_path / "s.toml"
    settings.write_text('[benchmark]\nhome_la = "Kent"\n' if chosen_in == "settings" else "")
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    monkeypatch.setenv("SEND_CONFIG", str(settings))
    if chosen_in == "settings":
        at = _at_d()
    else:
        at = AppTest.from_file(str(DASHBOARD), default_timeout=90)
        at.session_state["home_la_code"] = "E10000016"  # as Benchmarking keeps the choice
        at.run()
        at.switch_page(PAGE).run()
        at.sidebar.date_input(key="as_at").set_value(D).run()
        assert not at.exception, [e.value for e in at.exception]
        show_tables(at)
    # Kent's ICB is chosen by default; its January 2025 figures (the latest loaded) are shown.
    assert at.selectbox(key="waits_icb").value == "QKS"
    compare = table_with(at, "ICB: waiting")
    slt = compare[compare["Service"] == "Speech and language therapy"].iloc[0]
    assert slt["ICB: waiting"] == f"{_cell(JANUARY, 'Table 4', 'QKS', SLT):,}"
    assert slt["England: waiting"] == f"{_cell(JANUARY, 'Table 4', 'England', SLT):,}"
    assert slt["Ours: waiting"] == "6"
    text = all_text(at)
    assert "Community Health Services Waiting Lists, January 2025" in text
    # The ICB's trend and England's: two months loaded, two series.
    assert len(charts(at)) == 5
    trend = table_with(at, "Area")
    assert set(trend["Area"]) == {"Kent and Medway", "England"} and len(trend) == 4
