"""The Benchmarking page, run with AppTest against the real published DfE files in
``../shared/reference-data`` (never copied into the repository) and the hand-made SEN2 fixture.

Expected figures are read by hand from ``ees_ehcp_2025/data/timeliness_20_week.csv`` (rows
"All EHC plans issued", calendar year 2024):
- Wolverhampton (E08000031, 336, West Midlands): PC_plans_issued_20_weeks_ex 55.8, with
  plans_issued_20_weeks_ex 198 of plans_issued_den_ex 355; West Midlands region 42.3; England 46.4.
  Rank: 151 LAs have an excluding-exceptions value in 2024 (153 LAs less Dorset and City of
  London, whose denominators are 0); ``etl benchmark`` puts Wolverhampton 71st, so Q2
  (ceil(4 × 71 / 151) = ceil(1.88) = 2). The rank itself is checked by hand on a small fixture
  in tests/test_benchmark_rank.py; here we check the page shows what the function returns.
- Dorset (E06000059): plans_issued_den_ex 0 and PC_plans_issued_20_weeks_ex "x" → no value,
  "no plans", not ranked — the LA "with gaps".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.published import load_published
from tests.test_pages import all_text, metrics, open_page
from tests.ui_fixtures import AS_OF, REPO, build_warehouse

SHARED = REPO.parent / "shared" / "reference-data"
PAGE = "pages/benchmark.py"
EXCL = "EHC plans issued within 20 weeks (excluding exceptions)"

pytestmark = pytest.mark.skipif(
    not SHARED.exists(), reason="needs ../shared/reference-data (always present in CI)"
)


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = build_warehouse(tmp_path_factory.mktemp("bench"), as_of=AS_OF)
    load_published(SHARED, folder)
    return folder


@pytest.fixture
def bench(bench_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SEND_DATA_DIR", str(bench_dir))
    yield bench_dir


def choose(at: AppTest, la_code: str, year: int = 2024) -> AppTest:
    at.sidebar.selectbox(key="benchmark_la").set_value(la_code).run()
    at.selectbox(key="benchmark_measure").set_value("pct_within_20_weeks_excl_exceptions").run()
    at.selectbox(key="benchmark_year_pct_within_20_weeks_excl_exceptions").set_value(year).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_la_with_full_data(bench: Path) -> None:
    at = choose(open_page(PAGE), "E08000031")
    shown = metrics(at)
    assert shown["Wolverhampton"][0] == "55.8%"
    assert shown["West Midlands (region)"][0] == "42.3%"
    assert shown["England"][0] == "46.4%"
    assert shown["Rank of 151 LAs (1 = best)"][0] == "71"
    text = all_text(at)
    assert "198 of 355" in text
    assert "Q2: second quarter" in text and "higher is better" in text
    # Every figure names its release and period.
    assert "DfE EES 'Education, health and care plans' 2025 release" in text
    assert "Calendar year 2024" in text
    # Trend, all LAs and need mix charts, each with a table view.
    assert len(list(at.get("plotly_chart"))) == 3
    # The SEN2 fixture's data ends 1 Nov 2026 and covers 2025, which DfE has not published yet.
    assert "covers no whole calendar year that DfE has published" in text


def test_la_with_gaps_shows_no_value_not_zero(bench: Path) -> None:
    at = choose(open_page(PAGE), "E06000059")
    shown = metrics(at)
    assert shown["Dorset"][0] == "no value (no plans in the denominator)"
    assert shown["Rank among LAs"][0] == "No value"
    assert shown["England"][0] == "46.4%"
    text = all_text(at)
    assert "151 LAs have a value; this LA does not" in text
    # The same LA in 2023 had plans: 60.2% (342 of 568).
    at.selectbox(key="benchmark_year_pct_within_20_weeks_excl_exceptions").set_value(2023).run()
    assert metrics(at)["Dorset"][0] == "60.2%"


def test_neutral_measure_is_not_ranked(bench: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.selectbox(key="benchmark_la").set_value("E08000031").run()
    at.selectbox(key="benchmark_measure").set_value("requests_received").run()
    assert not at.exception
    shown = metrics(at)
    # requests.csv 2024, Wolverhampton: requests_received_in_year 576.
    assert shown["Wolverhampton"][0] == "576"
    assert shown["Rank among LAs"][0] == "Not ranked"


def test_page_without_published_figures_says_how_to_load_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = build_warehouse(tmp_path / "wh", as_of=AS_OF)
    monkeypatch.setenv("SEND_DATA_DIR", str(folder))
    at = open_page(PAGE)
    messages = " ".join(i.value for i in at.info)
    assert "load-published" in messages and "fetch-published" in messages
    assert not list(at.get("plotly_chart"))


def test_timeliness_page_shows_englands_published_figure(bench: Path) -> None:
    # timeliness_20_week.csv, National, 2024: PC_plans_issued_20_weeks_ex 46.4,
    # pc_plans_issued_within_20_weeks 45.9.
    at = open_page("pages/timeliness.py")
    text = all_text(at)
    assert "England in 2024 (DfE published): 46.4% within 20 weeks excluding exceptions" in text
    assert "45.9% including" in text


# ---------------------------------------------------------------- our LA, never chosen silently


def test_our_la_is_never_chosen_silently(bench: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_CONFIG", str(bench / "no-settings-here.toml"))  # home_la unset
    at = open_page(PAGE)
    # No LA, no figures: the page asks, rather than comparing the first LA as "ours".
    assert at.sidebar.selectbox(key="benchmark_la").value is None
    assert metrics(at) == {}
    assert any("Which local authority is ours?" in i.value for i in at.info)
    assert not list(at.get("plotly_chart"))


def test_our_la_is_kept_for_the_session_across_pages(
    bench: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEND_CONFIG", str(bench / "no-settings-here.toml"))
    at = choose(open_page(PAGE), "E08000031")
    assert "Wolverhampton" in metrics(at)
    assert "chosen for this session (not saved)" in all_text(at)
    # Leave the page (its sidebar box is not drawn there) and come back: still Wolverhampton.
    at.switch_page("pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.sidebar.selectbox(key="benchmark_la").value == "E08000031"
    assert "Wolverhampton" in metrics(at)


def test_our_la_can_be_saved_to_the_settings_file(
    bench: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file = tmp_path / "send_dashboard.toml"
    original = (REPO / "send_dashboard.toml").read_text(encoding="utf-8")
    settings_file.write_text(original, encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(settings_file))
    at = choose(open_page(PAGE), "E08000031")
    at.sidebar.button(key="save_home_la").click().run()
    assert not at.exception
    saved = settings_file.read_text(encoding="utf-8")
    # Only the home_la line changed: every other line (comments included) is as it was.
    assert saved.splitlines() == [
        'home_la = "E08000031"' if line.startswith("home_la =") else line
        for line in original.splitlines()
    ]
    # A new session starts with it, and says where it came from; no save button is offered.
    again = open_page(PAGE)
    assert again.sidebar.selectbox(key="benchmark_la").value == "E08000031"
    assert "Our LA is set in the settings file" in all_text(again)
    assert not [b for b in again.sidebar.button if b.key == "save_home_la"]


def test_our_la_comes_from_the_loaded_sen2_return(
    bench_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With home_la unset, the LA code the XML return gives for itself (LEA 201, the City of
    London's 3-digit code, E09000001) is ours, and the page says where it came from."""
    import shutil

    from etl.warehouse import run_load
    from tests.sen2_shapes import LEA, write_xml

    assert LEA == "201"
    run_load([write_xml(tmp_path / "sen2.xml")], tmp_path)
    shutil.copy(bench_dir / "published.duckdb", tmp_path / "published.duckdb")
    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SEND_CONFIG", str(tmp_path / "no-settings-here.toml"))
    at = open_page(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="benchmark_la").value == "E09000001"
    assert "Our LA is set in the loaded SEN2 return" in all_text(at)


def test_our_annual_review_figure_sits_beside_dfes(
    bench_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Choosing DfE's 4-week annual review measure shows our own figure from the SEN2 data
    under the published tiles: the golden codes children have 2 of 3 review decisions within 4
    weeks of the meeting as at 16 Jan 2025 (worked by hand in tests/golden_codes_fixture.py)."""
    import shutil

    from etl.warehouse import run_load
    from tests import golden_codes_fixture as g

    run_load([g.write_workbook(tmp_path / "sen2.xlsx")], tmp_path, as_of=g.AS_OF)
    shutil.copy(bench_dir / "published.duckdb", tmp_path / "published.duckdb")
    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path))
    at = open_page(PAGE)
    at.sidebar.selectbox(key="benchmark_la").set_value("E08000031").run()
    at.selectbox(key="benchmark_measure").set_value("pct_within_20_weeks_excl_exceptions").run()
    assert not [c for c in at.caption if c.value.startswith("Our SEN2 data")]
    at.selectbox(key="benchmark_measure").set_value(
        "pct_annual_review_decisions_within_4_weeks"
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    ours = [c.value for c in at.caption if c.value.startswith("Our SEN2 data")]
    assert len(ours) == 1
    assert "66.7% of annual review decisions within 4 weeks" in ours[0]
    assert "(2 of 3)" in ours[0]
