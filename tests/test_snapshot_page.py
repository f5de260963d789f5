"""The dashboard's snapshot choices (issue 15), run with Streamlit's AppTest: the sidebar's
"Snapshot shown" reads that snapshot on every page, "Compare with" adds the change since it to
the Overview's tiles, every page says which snapshot is on screen, and a snapshot or warehouse
built by an older version says so (with the way out) instead of a traceback."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl import snapshots
from etl.warehouse import run_load
from tests import sen2_builders as b
from tests.test_pages import DASHBOARD, PAGES, TIMEOUT, metrics, shown
from tests.test_pages import all_text as page_text
from tests.ui_fixtures import AS_OF, build_warehouse

EXCL = "EHC plans issued within 20 weeks (excluding exceptions)"


@pytest.fixture(scope="module")
def two_snapshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Snapshot 1 "Board 12 March": the hand-made fixture (tests/ui_fixtures.py); snapshot 2:
    one more 2026 plan, received 2 Mar 2026, issued 1 Jul 2026 (29+30+31+30+1 = 121 days,
    within), no exception. Excluding exceptions 3 of 5 = 60.0% → 4 of 6 = 66.7%."""
    folder = tmp_path_factory.mktemp("snapshots")
    data = build_warehouse(folder, as_of=AS_OF)
    snapshots.name(data, 1, "Board 12 March")
    extra = b.case(
        "PX1",
        "RX1",
        received_date=dt.date(2026, 3, 2),
        request_outcome_date=dt.date(2026, 4, 1),
        assessment_outcome_date=dt.date(2026, 7, 1),
    )
    run_load([b.write_flat_csv(folder / "extra.csv", [extra])], data, as_of=AS_OF)
    return data


@pytest.fixture
def on_screen(two_snapshots: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEND_DATA_DIR", str(two_snapshots))
    return two_snapshots


def _app() -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _captions(at: AppTest) -> str:
    return shown("\n".join(str(c.value) for c in at.caption))  # as the reader sees them


def all_text(at: AppTest) -> str:
    return shown(page_text(at))


def test_latest_by_default_and_a_chosen_snapshot_is_read(on_screen: Path) -> None:
    at = _app()
    box = at.sidebar.selectbox(key="snapshot")
    assert box.options == ["Latest (snapshot 2)", "Board 12 March"]  # named ones by name
    assert metrics(at)[EXCL][0] == "66.7% ⚠"  # ⚠: fewer than 20 plans
    assert "Latest data: Snapshot 2 of 1 Nov 2026" in _captions(at)
    box.set_value("1").run()
    assert not at.exception
    assert metrics(at)[EXCL][0] == "60.0% ⚠"  # the golden figure, as the board saw it
    assert "Showing Snapshot 1 of 1 Nov 2026, 'Board 12 March'" in _captions(at)
    # Every page says which snapshot is on screen.
    for page in PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception, page
        assert "Showing Snapshot 1 of 1 Nov 2026, 'Board 12 March'" in _captions(at), page


def test_compare_with_a_named_snapshot_on_the_overview(on_screen: Path) -> None:
    at = _app()
    compare = at.sidebar.selectbox(key="compare_with")
    assert compare.options == ["Nothing", "The previous snapshot", "Board 12 March"]
    assert "since Board 12 March" not in all_text(at)
    compare.set_value("1").run()
    assert not at.exception
    text = all_text(at)
    assert "compared with Snapshot 1 of 1 Nov 2026, 'Board 12 March'" in text
    # 60.0% of 5 plans → 66.7% of 6: fewer than 20 plans, so no change is worked out.
    assert "too few to compare with Board 12 March (fewer than 20 plans); then 60.0%" in text
    # Open requests past 20 weeks: 1 in both (the extra case is issued) → no change.
    assert "▬ no change since Board 12 March; then 1" in text
    # "previous" is the snapshot before the one on screen: from snapshot 2 that is snapshot 1.
    compare.set_value("previous").run()
    assert "compared with Snapshot 1 of 1 Nov 2026, 'Board 12 March'" in all_text(at)


def test_an_older_snapshot_says_so_and_can_be_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build_warehouse(tmp_path, as_of=AS_OF)
    # A file as a warehouse built before the stamp, published as every file is (a new file
    # moved over the old one: snapshot 1 keeps the old file).
    older = tmp_path / "older.duckdb"
    shutil.copy(data / "warehouse.duckdb", older)
    con = duckdb.connect(str(older))
    con.execute("DROP TABLE build_info")
    con.close()
    os.replace(older, data / "warehouse.duckdb")
    snapshots.take_now(data, "load")  # snapshot 2: the older file
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = _app()
    text = all_text(at)
    assert "built by an older version of this dashboard" in text
    assert "python -m etl rebuild" in text
    box = at.sidebar.selectbox(key="snapshot")
    assert box.options == ["Latest (snapshot 2)", "Snapshot 1 · " + box.options[1][13:]]
    box.set_value("1").run()  # the snapshot from before: still readable
    assert not at.exception
    assert metrics(at)[EXCL][0] == "60.0% ⚠"


def test_no_override_in_a_frozen_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import tracker_builders as tb

    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "march.xlsx")], data)  # snapshot 1
    run_load([tb.golden_period_2(tmp_path / "april.xlsx")], data)  # snapshot 2
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    at = _app()
    at.switch_page("pages/improvement_plan.py").run()
    assert any(b.label == "Save override" for b in at.button)  # the latest data: allowed
    at.sidebar.selectbox(key="snapshot").set_value("1").run()
    assert not at.exception
    assert not any(b.label == "Save override" for b in at.button)
    assert "its figures are frozen, so a RAG cannot be overridden" in all_text(at)
