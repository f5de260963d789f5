"""The Suspensions and exclusions page (issue 13), run with Streamlit's AppTest on the hand-made
fixture of tests/exclusions_fixture.py (figures worked out there and in tests/test_exclusions.py),
with and without the published rates, and with nothing loaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import published as pub
from etl.store import Warehouse
from etl.warehouse import run_load
from tests import exclusions_fixture as fx
from tests.published_fixture import REFERENCE, needs_reference
from tests.test_pages import DASHBOARD, all_text, charts, metrics, show_tables, table_with
from tests.ui_fixtures import build_warehouse
from ui import exclusions_view as view
from ui.formatting import display_table

PAGE = "pages/exclusions.py"
AS_OF = dt.date(2024, 7, 31)


def open_page(**session: object) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=90)
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return show_tables(at)


@pytest.fixture(scope="module")
def loaded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exclusions_page")
    data = root / "data"
    run_load(fx.write(root / "in"), data, as_of=AS_OF)
    return data


@pytest.fixture
def loaded(loaded_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("SEND_DATA_DIR", str(loaded_dir))
    monkeypatch.setenv("SEND_CONFIG", str(tmp_path / "none.toml"))
    return loaded_dir


def test_rates_by_sen_group_with_gap_and_relative_risk(loaded: Path) -> None:
    at = open_page()
    shown = metrics(at)
    # 2023/24 (the year of the as-at date 31 Jul 2024): EHC plan 2 / 40 × 100 = 5.00, SEN
    # support 3 / 200 × 100 = 1.50, no SEN 1 / 800 × 100 = 0.125 → 0.13.
    assert shown["EHC plan: suspensions per 100"][0] == "5.00"
    assert shown["SEN support: suspensions per 100"][0] == "1.50"
    assert shown["No SEN: suspensions per 100"][0] == "0.13"
    text = all_text(at)
    # Relative risk 0.05 / 0.00125 = 40.00; gap 5 − 0.125 = 4.875 → 4.88 points.
    assert "40.00× the no-SEN rate; 4.88 points higher" in text
    assert "12.00× the no-SEN rate; 1.38 points higher" in text
    by_sen = table_with(at, "Relative risk (vs no SEN)")
    assert by_sen["Relative risk (vs no SEN)"].tolist() == ["40.00", "12.00", "1.00", "–"]
    assert by_sen["Suspensions"].tolist() == ["2", "3", "1", "2"]
    # Where SEN provision came from in 2023/24: E1, E3, K1 ×2, K2, N1, N2 recorded = 7; E2
    # derived; U1 and U2 not.
    assert "recorded 7, derived from SEN2 1" in text
    # Schools ranked: Hill Primary 2.86 (2 of 70), Vale Academy 1.76 (3 of 170); both ⚠ small.
    schools = table_with(at, "Suspensions per 100 pupils with SEND")
    assert schools["School"].tolist() == ["Hill Primary", "Vale Academy"]
    assert schools["Suspensions per 100 pupils with SEND"].tolist() == ["2.86", "1.76"]
    assert schools["Small numbers"].tolist() == ["⚠ small numbers", "⚠ small numbers"]
    # (Text from the files is escaped in every plain table: tests/test_pages.py.)
    assert len(charts(at)) >= 5  # rates, trend, schools, reasons, repeats
    assert "A000000000" not in text and "L-0042" not in text  # never a pupil reference


def test_publish_mode_suppresses_small_numbers(loaded: Path) -> None:
    at = open_page()
    at.sidebar.radio(key="export_mode").set_value("Publish").run()
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert labels and all("publish" in label or "published" in label for label in labels)
    # What the schools download holds in publish mode (the same display_table the button uses):
    # 2 and 3 suspensions are 1–7 → "c", and so are the rates that rest on them.
    with Warehouse.at(loaded) as warehouse:
        schools = view.schools_frame(warehouse.query("exclusions_by_school", academic_year=2023))
        by_sen = warehouse.query("exclusions_by_sen", academic_year=2023)
    columns = ["school_name", "send_suspensions", "send_headcount", "send_suspension_rate"]
    published = display_table(schools, "publish", columns)
    assert published.to_dict("list") == {
        "School": ["Hill Primary", "Vale Academy"],
        "Suspensions, pupils with SEND": ["c", "c"],
        # 70 → 70 and 170 → 170 (already multiples of 5).
        "Pupils with SEND": ["70", "170"],
        "Suspensions per 100 pupils with SEND": ["c", "c"],
    }
    shown = display_table(
        view.with_labels(by_sen), "publish", ["suspension_rate", "relative_risk_suspension"]
    )
    # Every group has 1–7 suspensions: every rate and relative risk is "c" (unknown: "–").
    assert shown["Suspensions per 100 pupils"].tolist() == ["c", "c", "c", "–"]
    assert shown["Relative risk (vs no SEN)"].tolist() == ["c", "c", "c", "c"]


def test_empty_state_when_no_exclusions_are_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build_warehouse(tmp_path)  # SEN2 only
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page()
    assert any("No exclusion records loaded yet" in i.value for i in at.info)
    assert charts(at) == [] and len(at.metric) == 0


@needs_reference
def test_published_comparison_with_rank_neighbours_and_source(
    loaded_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of the data folder with the published files this page reads.
    import shutil

    data = tmp_path / "data"
    shutil.copytree(loaded_dir, data)
    source = tmp_path / "published"
    source.mkdir()
    for path in (
        REFERENCE / "ees_ehcp_2025" / "data" / "timeliness_20_week.csv",
        REFERENCE / "exclusions" / "la_exclusions_by_sen_termly_201920_202425.csv",
        REFERENCE / "lookups" / "sn_may_2025.xlsx",
    ):
        (source / path.name).symlink_to(path)
    pub.load_published(source, data)
    settings = tmp_path / "s.toml"
    settings.write_text('[benchmark]\nhome_la = "Medway"\n', encoding="utf-8")
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    monkeypatch.setenv("SEND_CONFIG", str(settings))
    at = open_page()
    text = all_text(at)
    assert "Suspensions and permanent exclusions by pupil characteristic" in text
    assert "DfE statistical neighbours, May 2025" in text
    assert "Autumn 2019/20 – Spring 2024/25" in text
    table = table_with(at, "Rank among LAs (1 = lowest)")
    assert table["Rank among LAs (1 = lowest)"].str.fullmatch(r"\d+ of \d+").all()
    # Our own rates sit beside the published ones only for the terms our data covers (2023/24).
    ours = table[table["Our rate (local data)"] != "–"]
    assert set(ours["Term"]) <= {"Autumn 2023/24", "Spring 2023/24", "Summer 2023/24"}
    assert not ours.empty
