"""Every page registered in dashboard.py, run with Streamlit's AppTest:

(a) against an empty data folder → a helpful message, no exception, no chart;
(b) against the hand-made fixture in ``tests/ui_fixtures.py`` → the exact KPI values worked out
    by hand there, tables that render, and no UPN anywhere on the page.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.warehouse import run_load
from tests.ui_fixtures import AS_OF, CASES, REPO, UPNS, build_warehouse, write_case_list
from ui.formatting import escape_markdown

DASHBOARD = REPO / "dashboard.py"
TIMEOUT = 60


def registered_pages() -> list[str]:
    """Page files passed to st.Page(...) in dashboard.py, read from its source."""
    tree = ast.parse(DASHBOARD.read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


PAGES = registered_pages()


def open_page(page: str) -> AppTest:
    """Run the app from its entry point, then switch to ``page`` (as a user clicking it)."""
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return show_tables(at)


def show_tables(at: AppTest) -> AppTest:
    """Choose "Show as table" beside every chart and rerun, as a reader clicking each tab: a
    chart's table is drawn only when chosen (issue 11); the charts are drawn either way."""
    views = [k for k in at.session_state if str(k).startswith("view_")]
    if views:
        for key in views:
            at.session_state[key] = "Show as table"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[object]:
    return list(at.get("plotly_chart"))


def shown(value: object) -> str:
    """A table cell as the reader sees it: file text in ``st.table`` is Markdown-escaped
    (``cases\\.csv``) so that it shows exactly as typed (``cases.csv``)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(value))


def all_text(at: AppTest) -> str:
    """Everything a user could read on the page: text elements and every table cell."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "subheader", "info", "metric", "badge"):
        for element in at.get(kind):
            parts.append(str(getattr(element, "value", "")))
            parts.append(str(getattr(element, "label", "")))
            parts.append(str(getattr(element, "delta", "")))
    for table in [*at.table, *at.dataframe]:
        parts.append(shown(table.value.to_csv()))
    return "\n".join(parts)


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table (plain or grid) that has ``column``, as the reader sees it.

    A table too wide for the screen is shown as several side-by-side parts that repeat its
    first column (``ui.components.show_table``): the parts are joined back into one table.
    """
    tables = [t.value for t in [*at.table, *at.dataframe]]
    for index, frame in enumerate(tables):
        if column not in frame.columns:
            continue
        start = index
        while start > 0 and _continues(tables[start - 1], frame):
            start -= 1
        end = index + 1
        while end < len(tables) and _continues(frame, tables[end]):
            end += 1
        parts = [tables[start].reset_index(drop=True)]
        parts += [t.iloc[:, 1:].reset_index(drop=True) for t in tables[start + 1 : end]]
        whole = pd.concat(parts, axis=1)
        return whole.map(lambda v: shown(v) if isinstance(v, str) else v)
    raise AssertionError(f"no table with a {column!r} column")


def _continues(part: pd.DataFrame, following: pd.DataFrame) -> bool:
    """True when ``following`` is the next part of the same wide table as ``part``."""
    return (
        len(part) == len(following)
        and len(part.columns) > 0
        and len(following.columns) > 0
        and part.columns[0] == following.columns[0]
        and list(part.iloc[:, 0]) == list(following.iloc[:, 0])
        and not set(part.columns[1:]) & set(following.columns[1:])
    )


@pytest.fixture(scope="module")
def golden_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("golden"), as_of=AS_OF)


@pytest.fixture
def golden(golden_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SEND_DATA_DIR", str(golden_dir))
    yield golden_dir


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.setenv("SEND_DATA_DIR", str(folder))
    return folder


# ---------------------------------------------------------------- registration


def test_every_page_file_is_registered() -> None:
    on_disk = {
        f"pages/{p.name}" for p in (REPO / "pages").glob("*.py") if not p.name.startswith("_")
    }
    assert set(PAGES) == on_disk
    assert PAGES[0] == "pages/overview.py"  # the default page comes first


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_inside_the_entry_point(page: str, golden: Path) -> None:
    # The shared sidebar (from dashboard.py) must be there on every page, not just the first.
    at = open_page(page)
    assert at.sidebar.date_input(key="as_at").value == AS_OF
    assert at.sidebar.radio(key="export_mode").value == "Internal"


# ---------------------------------------------------------------- (a) no data


@pytest.mark.parametrize("page", PAGES)
def test_empty_data_dir_shows_help_not_a_traceback(page: str, empty: Path) -> None:
    at = open_page(page)
    messages = [i.value for i in at.info]
    assert any(
        "No data loaded yet" in m and "make run" in m and "python -m etl load" in m
        for m in messages
    ), messages
    assert charts(at) == []
    assert len(at.metric) == 0
    assert not at.error


# ---------------------------------------------------------------- (b) the golden fixture


def test_overview_shows_hand_worked_kpis(golden: Path) -> None:
    at = open_page("pages/overview.py")
    shown = metrics(at)
    # 2026 to 1 Nov: excluding exceptions 3 of 5 = 60.0%; 2025: 2 of 3 = 66.7%. Both rest on
    # fewer than 20 plans: the figure is marked ⚠ and the change (-6.7 points, one case's
    # worth) is not worked out: "too few to compare".
    too_few_plans = "too few to compare with 2025 (fewer than 20 plans)"
    assert shown["EHC plans issued within 20 weeks (excluding exceptions)"] == (
        "60.0% ⚠",
        too_few_plans,
    )
    # Including exceptions: 3 of 6 = 50.0% in 2026 and 2 of 4 = 50.0% in 2025.
    assert shown["EHC plans issued within 20 weeks (including exceptions)"] == (
        "50.0% ⚠",
        too_few_plans,
    )
    # Decisions: 6 of 7 = 85.714 → 85.7%; 2025: 3 of 6 = 50.0%.
    assert shown["Decisions to assess within 6 weeks"] == (
        "85.7% ⚠",
        "too few to compare with 2025 (fewer than 20 decisions)",
    )
    # Open as at 1 Nov 2026: R13 breached, R14 at risk, R15 on track; a year earlier R06 and R17
    # were both breached and none at risk.
    assert shown["Open requests past 20 weeks"] == ("1", "▼ down 1 on 1 Nov 2025 (better)")
    assert shown["Open requests at risk (weeks 14–20)"] == ("1", "▲ up 1 on 1 Nov 2025 (worse)")
    assert shown["Open requests"] == ("3", "▲ up 1 on 1 Nov 2025")
    text = all_text(at)
    assert "Timeliness: 2026 so far (to 1 Nov 2026)" in text
    assert "Compared with the whole of 2025" in text
    assert "3 of 5 plans" in text and "3 of 6 plans" in text and "6 of 7 decisions" in text
    assert "fewer than 20 plans: treat with care" in text
    # R99's impossible date: 1 of 17 rows not loaded, said beside the figures.
    assert "1 of 17 rows in the case files not loaded (errors)" in text
    assert "SYNTHETIC" not in text  # real-data fixture: no synthetic banner


def test_overview_with_an_earlier_as_at_date(golden: Path) -> None:
    at = open_page("pages/overview.py")
    at.sidebar.date_input(key="as_at").set_value(dt.date(2025, 11, 1)).run()
    assert not at.exception
    shown = metrics(at)
    # 2025 to 1 Nov: R09, R10, R12 without exceptions, 2 within → 66.7%; no plans in 2024.
    value, delta = shown["EHC plans issued within 20 weeks (excluding exceptions)"]
    assert value == "66.7% ⚠"  # 2 of 3
    assert delta.startswith("no comparison with 2024")
    # As at 1 Nov 2025: R06 and R17 breached; nothing was open on 1 Nov 2024.
    assert shown["Open requests past 20 weeks"] == ("2", "▲ up 2 on 1 Nov 2024 (worse)")


def test_timeliness_shows_hand_worked_figures_and_tables(golden: Path) -> None:
    at = open_page("pages/timeliness.py")
    shown = metrics(at)
    assert shown["EHC plans issued within 20 weeks (excluding exceptions)"][0] == "60.0% ⚠"
    assert shown["EHC plans issued within 20 weeks (including exceptions)"][0] == "50.0% ⚠"
    assert shown["EHC plans issued"][0] == "6"
    # Trend, weeks, bands, stages, and the breakdown chosen (by need); by age when chosen.
    assert len(charts(at)) == 5

    bands = table_with(at, "Time to issue")
    # Including: within R01 R02 R05 = 3 (50.0%), 20-52 R03 R04 = 2 (33.3%), over R06 = 1 (16.7%)
    # Excluding (R04 out): 3 of 5 (60.0%), 1 (20.0%), 1 (20.0%).
    assert bands.to_dict("list") == {
        "Time to issue": ["Within 20 weeks", "20 to 52 weeks", "Over 52 weeks"],
        "Plans issued": ["3", "2", "1"],
        "% of plans issued": ["50.0%", "33.3%", "16.7%"],
        "Plans issued (excluding exceptions)": ["3", "1", "1"],
        "% of plans issued (excluding exceptions)": ["60.0%", "20.0%", "20.0%"],
    }

    stages = table_with(at, "Stage")
    # Request → decision: 28 35 42 30 40 50 → median (35+40)/2 = 37.5, mean 225/6 = 37.5.
    # Decision → issue: 105 105 99 170 60 350 → median 105, mean 889/6 = 148.17 → 148.2.
    # Request → issue: 133 140 141 200 100 400 → median (140+141)/2 = 140.5, mean 1114/6 → 185.7.
    assert list(stages["Median days"]) == ["37.5 days", "105 days", "140.5 days"]
    assert list(stages["Mean days"]) == ["37.5 days", "148.2 days", "185.7 days"]

    need = table_with(at, "Primary need")
    # ASD: R01, R02 within, R06 not → 2 of 3 = 66.7%; SEMH: R03, R04 → 0 of 2; SLCN: R05 1 of 1.
    assert list(need["Primary need"]) == [
        "Autistic spectrum disorder (ASD)",
        "Social, emotional and mental health (SEMH)",
        "Speech, language and communication needs (SLCN)",
    ]
    assert list(need["% within 20 weeks (including exceptions)"]) == ["66.7%", "0.0%", "100.0%"]
    assert list(need["% within 20 weeks (excluding exceptions)"]) == ["66.7%", "0.0%", "100.0%"]

    at.session_state["timeliness_breakdown"] = "By age group"  # the reader chooses the tab
    show_tables(at.run())
    assert len(charts(at)) == 5 and not at.exception
    need_columns = {"Primary need", "% within 20 weeks (including exceptions)"}
    assert not [t for t in at.table if need_columns <= set(t.value.columns)]  # need: not drawn
    age = table_with(at, "Age at request")
    # Under 5: R05 (1 of 1); 5 to 10: R01 within, R06 not (1 of 2); 11 to 15: R02 within,
    # R03 and R04 not (1 of 3 = 33.3%); excluding R04's exception: 1 of 2 = 50.0%.
    # 16 to 19 and 20 to 25 have no plans: "no plans", never 0%.
    assert list(age["Age at request"]) == ["Under 5", "5 to 10", "11 to 15", "16 to 19", "20 to 25"]
    assert list(age["% within 20 weeks (including exceptions)"]) == [
        "100.0%",
        "50.0%",
        "33.3%",
        "no plans",
        "no plans",
    ]
    assert list(age["% within 20 weeks (excluding exceptions)"]) == [
        "100.0%",
        "50.0%",
        "50.0%",
        "no plans",
        "no plans",
    ]


def test_watchlist_lists_open_requests_without_person_data(golden: Path) -> None:
    at = open_page("pages/timeliness.py")
    tables = [t.value for t in at.table if "Reference" in t.value.columns]
    assert len(tables) == 2  # to act on now; already past the 20-week date
    watch, late = (t.map(shown).reset_index(drop=True) for t in tables)
    assert list(watch.columns) == [
        "Reference",
        "Status",
        "Days left",
        "20-week date",
        "Received",
        "Stage",
        "Primary need",
        "Age at request",
    ]
    # Default filter: breached and at risk. At risk: R14 (1 Jul + 140 days = 18 Nov 2026),
    # 18 Nov - 1 Nov = 17 days left.
    assert list(watch["Status"]) == ["◐ At risk"]
    assert list(watch["Days left"]) == ["17"]
    assert list(watch["20-week date"]) == ["18 Nov 2026"]
    assert list(watch["Stage"]) == ["Assessment under way"]
    # Breached, in their own list: R13 (1 May + 140 days = 18 Sep 2026), 1 Nov - 18 Sep =
    # 12 (to 30 Sep) + 31 (October) + 1 = 44 days past.
    assert "Days past 20 weeks" in late.columns and "Days left" not in late.columns
    assert list(late["Status"]) == ["⚠ Breached"]
    assert list(late["Days past 20 weeks"]) == ["44"]
    assert list(late["Received"]) == ["1 May 2026"]
    assert list(late["Stage"]) == ["Awaiting decision to assess"]
    for frame in (watch, late):
        assert all(re.fullmatch(r"R-[0-9A-F]{10}", ref) for ref in frame["Reference"])
    # No UPN, child id or request id from the fixture anywhere on the page.
    text = all_text(at)
    for upn in UPNS:
        assert upn not in text
    assert not re.search(r"\b[CR]\d{2}\b", watch.to_csv() + late.to_csv())

    # Showing every status adds R15 (on track; 1 Oct + 140 days = 18 Feb 2027, 109 days
    # left) after the at-risk one.
    at.multiselect(key="watchlist_status").set_value([]).run()
    watch = table_with(at, "Days left")
    assert list(watch["Status"]) == ["◐ At risk", "✓ On track"]
    assert list(watch["Days left"]) == ["17", "109"]


def test_publish_mode_withholds_row_level_downloads(golden: Path) -> None:
    at = open_page("pages/timeliness.py")
    labels = [b.label for b in at.download_button]
    # Five chart downloads (trend, weeks, bands, stages, the breakdown chosen) and two
    # watchlist downloads (to act on; already past 20 weeks).
    assert len(labels) == 7 and all("internal" in label for label in labels)
    at.sidebar.radio(key="export_mode").set_value("Publish").run()
    assert not at.exception
    labels = [b.label for b in at.download_button]
    # Five chart downloads stay (suppressed); the watchlist downloads are withdrawn, with a reason.
    assert len(labels) == 5 and all("publish" in label for label in labels)
    assert any("Row-level lists are not exported in Publish mode" in c.value for c in at.caption)


def test_data_quality_shows_load_log_and_problems(golden: Path) -> None:
    at = open_page("pages/data_quality.py")
    log = table_with(at, "Rows read")
    # 17 data rows: 16 loaded, R99's impossible date rejected. On screen the file's name and
    # what it holds share one cell, so every column is in sight at 1280 wide.
    assert log.loc[0, "File"].startswith("cases.csv — ")
    assert log.loc[0, "Status"] == "✓ Loaded"
    assert (log.loc[0, "Rows read"], log.loc[0, "Rows loaded"], log.loc[0, "Rows rejected"]) == (
        "17",
        "16",
        "1",
    )
    problems = table_with(at, "Rule")
    assert list(problems.columns) == ["Severity", "Message", "Where", "Rule"]
    assert list(problems["Rule"]) == ["date_impossible"]
    assert list(problems["Severity"]) == ["✗ Error (row not loaded)"]
    assert "'31/02/2026' is not a real date" in problems.loc[0, "Message"]
    assert problems.loc[0, "Where"].startswith("cases.csv, ")
    # Messages quote what users typed (maybe "=HYPERLINK(...)" or Markdown): in st.table, which
    # reads Markdown, every such cell is escaped, so it shows exactly as typed.
    raw = next(t.value for t in at.table if "Rule" in t.value.columns)
    assert raw.loc[0, "Message"] == escape_markdown(problems.loc[0, "Message"])
    assert "\\'31\\/02\\/2026\\'" in raw.loc[0, "Message"]
    text = all_text(at)
    assert "Error — row not loaded" in text and "Query — loaded but flagged" in text
    assert charts(at) == []


def test_synthetic_data_banner_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build_warehouse(tmp_path, synthetic=True)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    for page in PAGES:
        at = open_page(page)
        banners = [m.value for m in at.markdown if "role='alert'" in m.value]
        assert len(banners) == 1 and "⚠ SYNTHETIC DATA" in banners[0], page


@pytest.mark.parametrize("page", PAGES)
def test_no_nan_none_or_nat_is_ever_shown(page: str, golden: Path) -> None:
    text = all_text(open_page(page))
    assert not re.search(r"\b(nan|NaN|None|NaT|<NA>)\b", text)


def test_an_as_at_date_before_any_data_is_calm(golden: Path) -> None:
    at = open_page("pages/overview.py")
    at.sidebar.date_input(key="as_at").set_value(dt.date(2015, 1, 1)).run()
    assert not at.exception
    shown = metrics(at)
    # No plans in 2015 or 2014: "no plans", never 0% or an error.
    assert shown["EHC plans issued within 20 weeks (excluding exceptions)"][0] == "no plans"
    assert shown["Open requests"][0] == "0"
    at.switch_page("pages/timeliness.py").run()
    assert not at.exception
    assert any("No requests or plans in the data up to 1 Jan 2015" in i.value for i in at.info)
    assert charts(at) == []


def test_a_new_load_shows_on_the_next_rerun_without_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build_warehouse(tmp_path)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page("pages/overview.py")
    assert metrics(at)["Open requests"][0] == "3"
    # The ETL publishes a new file (atomic replace) while the app is running: one more open
    # request, received 1 Oct 2026 with no decision yet.
    extra = write_case_list(
        tmp_path / "more.csv",
        [["C21", "A800000000021", "2016-04-01", "R21", "2026-10-01", "A", "", "", "", "", ""]],
    )
    run_load([extra], data, as_of=AS_OF)
    at.run()
    assert not at.exception
    assert metrics(at)["Open requests"][0] == "4"


def test_a_file_with_every_row_rejected_says_nothing_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build_warehouse(tmp_path)
    # A second file whose only row has an impossible received date: read 1, loaded 0.
    bad = tmp_path / "bad.csv"
    bad.write_text("Child ID,Date request was received,Request Outcome\nZ1,31/02/2024,A\n")

    run_load([bad], data)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page("pages/data_quality.py")
    log = table_with(at, "Rows read")
    assert [f.split(" — ")[0] for f in log["File"]] == ["cases.csv", "bad.csv"]
    assert list(log["Status"]) == ["✓ Loaded", "✗ Nothing loaded (every row rejected)"]


def test_a_mistake_in_the_settings_file_shows_no_figures(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "settings.toml"
    bad.write_text("[thresholds]\nwithin_dayz = 140\n", encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(bad))
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    [error] = at.error
    assert "within_dayz: unknown setting" in error.value
    assert not at.metric and not charts(at)


def test_targets_from_the_settings_file_sit_beside_the_figures(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[targets] in the settings: the golden 2026 figures (excluding exceptions 3 of 5 = 60.0%,
    decisions 6 of 7 = 85.7%, 1 open request past 20 weeks) against targets of 60, 90 and 0:
    60.0 >= 60 is met (higher is better), 85.7 < 90 is not, 1 > 0 past 20 weeks is not (lower is
    better). Said in words, never by colour alone."""
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(
        "[targets]\npct_within_20_weeks_excl_exceptions = 60\n"
        "pct_decisions_within_6_weeks = 90\nopen_breached = 0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SEND_CONFIG", str(settings_file))
    text = all_text(open_page("pages/overview.py"))
    assert "Target 60.0%: met" in text
    assert "Target 90.0%: not met" in text
    assert "Target 0: not met" in text


def test_an_unknown_target_is_refused_naming_the_nearest_measure(tmp_path: Path) -> None:
    from etl import config

    settings_file = tmp_path / "settings.toml"
    settings_file.write_text("[targets]\npct_within_20_week = 60\n", encoding="utf-8")
    with pytest.raises(config.SettingsError, match="did you mean pct_within_20_weeks"):
        config._read_settings(str(settings_file))


def test_year_list_starts_at_the_first_year_with_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The golden cases have plans and decisions in 2025 and 2026. One more request, received in
    # 2008 (long before EHC plans) and never decided, adds no year to choose: the list starts
    # at 2025, the first year with a plan issued or a decision made.
    old = [row[:] for row in CASES[:1]]
    old[0][0], old[0][3], old[0][4] = "C98", "R98", "2008-03-03"
    old[0][5:10] = ["A", "", "", "", ""]
    data = build_warehouse(tmp_path, [*CASES, *old])
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page("pages/timeliness.py")
    assert at.selectbox(key="timeliness_year").options == [
        "2026 so far (to 1 Nov 2026)",
        "2025",
    ]


def test_data_quality_counts_say_what_they_count(golden: Path) -> None:
    at = open_page("pages/data_quality.py")
    badges = next(m.value for m in at.markdown if "class='badges'" in m.value)
    # R99's impossible date: one error, on one row, which is not loaded.
    assert "✗ 1 error on 1 row (1 row not loaded)" in badges


def test_a_file_that_failed_then_loaded_shows_once_as_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    path = tmp_path / "cases.csv"
    path.write_text("Something,Else\n1,2\n", encoding="utf-8")  # no case-list headers: refused
    first = run_load([path], data)
    assert [f.status for f in first.files] == ["failed"]
    write_case_list(path)  # the same file, corrected, loaded again
    run_load([path], data, as_of=AS_OF)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = open_page("pages/data_quality.py")
    log = table_with(at, "Rows read")
    assert len(log) == 1 and log.loc[0, "Status"] == "✓ Loaded"
    # The failed attempt's problem left the list: only R99's impossible date remains.
    problems = table_with(at, "Rule")
    assert list(problems["Rule"]) == ["date_impossible"]
