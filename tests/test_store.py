"""etl.store: the one read-only door to the warehouse and the published figures.

Expected figures are those of the hand-made case list in ``tests/ui_fixtures.py`` (worked there).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl import metrics, queries, store
from etl.store import NoDatabase, Published, Warehouse
from tests import published_fixture as pf
from tests.published_fixture import real_published  # noqa: F401  (session fixture)
from tests.ui_fixtures import AS_OF, build_warehouse
from ui import db


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("store"))


def test_every_named_query_has_one_sql_file_and_every_file_is_registered() -> None:
    files = {path.stem for path in store.QUERY_SQL_DIR.glob("*.sql")}
    assert files == set(queries.QUERIES)


def test_named_query_runs_its_file_with_bound_parameters(golden: Path) -> None:
    with Warehouse.at(golden) as warehouse:
        bands = warehouse.query("bands", year=2026, as_of=AS_OF)
    # 2026: R01, R02, R05 within 20 weeks; R03, R04 20-52 weeks; R06 over 52 (400 days).
    assert list(bands["plans_issued"]) == [3, 2, 1]
    # The finishing step adds each band's share with the one percentage rule: 3 of 6 = 50.0%.
    assert list(bands["pct_of_plans_issued"]) == [50.0, 33.3, 16.7]


def test_unknown_query_name_is_a_key_error(golden: Path) -> None:
    with Warehouse.at(golden) as warehouse, pytest.raises(KeyError):
        warehouse.query("no_such_query")


def test_typed_methods_give_the_cli_its_figures(golden: Path) -> None:
    with Warehouse.at(golden) as warehouse:
        kpis = warehouse.kpis(2026, AS_OF)
        meta = warehouse.meta()
        problems = warehouse.problems()
        errors_only = warehouse.problems(severities=["error"])
        counts = warehouse.rag_counts()
        real = warehouse.holds_real_data()
    assert kpis["pct_within_20_weeks_excl_exceptions"] == 60.0  # 3 of 5
    assert (kpis["open_requests"], kpis["open_breached"], kpis["open_at_risk"]) == (3, 1, 1)
    assert meta is not None and meta["snapshot_date"] == AS_OF
    # R99's impossible date: one error naming its spreadsheet row (an int, not 5.0).
    (error,) = [p for p in problems if p["severity"] == "error"]
    assert errors_only == [error]
    assert list(error) == ["file", "sheet", "row", "column", "rule", "severity", "message"]
    assert isinstance(error["row"], int)
    # No tracker loaded: every RAG is there with a zero.
    assert counts == {"Complete": 0, "Not started": 0, "Green": 0, "Amber": 0, "Red": 0}
    assert real  # build_warehouse loads a real (not demo) file


def test_the_default_headlines_are_stored_by_the_build_and_equal_the_live_ones(
    golden: Path, tmp_path: Path
) -> None:
    """``kpis`` at the defaults reads one stored row (issue 11); the figures are the same ones
    the live queries give, the stored row is what is read, and a file built before it was
    stored (no table) still answers from the live queries."""
    with Warehouse.at(golden) as warehouse:
        stored = store.read_headlines(warehouse.connection)
        default, reviews = warehouse.kpis(), warehouse.annual_reviews()
        live = metrics.ehcp_kpis(warehouse.connection, AS_OF.year, AS_OF)
        live_reviews = store.annual_review_kpis(warehouse.connection, AS_OF)
    assert stored == {"ehcp": live, "annual_reviews": live_reviews}
    assert (default, reviews) == (live, live_reviews)
    # 2026 to the snapshot: 3 of the 5 plans without exceptions within 20 weeks (see above).
    assert default["pct_within_20_weeks_excl_exceptions"] == 60.0

    # Change the stored row in a copy: the defaults read it, a chosen date does not.
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy2(golden / "warehouse.duckdb", copy / "warehouse.duckdb")
    with duckdb.connect(str(copy / "warehouse.duckdb")) as con:
        con.execute(
            f"UPDATE {store.HEADLINES_TABLE} SET ehcp = ?, annual_reviews = ?",
            ['{"marker": 1}', '{"marker": 2}'],
        )
    with Warehouse.at(copy) as warehouse:
        assert warehouse.kpis() == {"marker": 1}
        assert warehouse.annual_reviews() == {"marker": 2}
        assert warehouse.kpis(AS_OF.year, AS_OF) == live
        assert warehouse.annual_reviews(AS_OF) == live_reviews

    # A row stored by other code (an upgrade since the build) is not read: the live figures.
    with duckdb.connect(str(copy / "warehouse.duckdb")) as con:
        con.execute(f"UPDATE {store.HEADLINES_TABLE} SET code = 'the code before an upgrade'")
    with Warehouse.at(copy) as warehouse:
        assert (warehouse.kpis(), warehouse.annual_reviews()) == (live, live_reviews)

    # A warehouse built before the row was stored: the live figures, the same as before.
    with duckdb.connect(str(copy / "warehouse.duckdb")) as con:
        con.execute(f"DROP TABLE {store.HEADLINES_TABLE}")
    with Warehouse.at(copy) as warehouse:
        assert store.read_headlines(warehouse.connection) is None
        assert (warehouse.kpis(), warehouse.annual_reviews()) == (live, live_reviews)


def test_lookup_finds_the_row_a_watchlist_reference_came_from(golden: Path) -> None:
    with Warehouse.at(golden) as warehouse:
        watch = warehouse.query("watchlist", as_of=AS_OF, statuses=["Breached"], stages=None)
        reference = watch["reference"].iloc[0]
        found = warehouse.lookup(reference.lower())
        missing = warehouse.lookup("R-0000000000")
    (row,) = found
    assert row["reference"] == reference and row["file"] == "cases.csv"
    assert missing == []


def test_the_door_is_read_only(golden: Path) -> None:
    with Warehouse.at(golden) as warehouse, pytest.raises(duckdb.Error):
        warehouse.connection.execute("DELETE FROM load_log")


def test_a_cursor_is_a_door_of_the_same_kind_on_the_same_file(golden: Path) -> None:
    with Warehouse.at(golden) as warehouse:
        cursor = warehouse.cursor()
        assert isinstance(cursor, Warehouse)
        assert list(cursor.load_log()["file"]) == ["cases.csv"]
        cursor.close()


def test_a_folder_with_nothing_loaded_is_no_database(tmp_path: Path) -> None:
    with pytest.raises(NoDatabase):
        Warehouse.at(tmp_path)
    with pytest.raises(NoDatabase):
        Published.at(tmp_path)


def test_problem_list_reads_a_connection_being_built(golden: Path) -> None:
    # The ETL's load report reads the file it is building through the same query.
    con = duckdb.connect(str(golden / "warehouse.duckdb"), read_only=True)
    try:
        assert store.problem_list(con) == Warehouse.at(golden).problems()
    finally:
        con.close()


@pf.needs_reference
def test_published_door_answers_typed_questions(real_published: Path) -> None:  # noqa: F811
    with Published.at(real_published) as published:
        wolverhampton = published.resolve_la("Wolverhampton")
        latest = published.england_latest("pct_within_20_weeks_excl_exceptions")
        position = published.measure_position(
            wolverhampton.code, "pct_within_20_weeks_excl_exceptions", 2024
        )
    assert wolverhampton.old_code == "336"
    # timeliness_20_week.csv, National, 2024: PC_plans_issued_20_weeks_ex 46.4.
    assert latest is not None and latest["year"] == 2024 and latest["value"] == 46.4
    assert position["england"] == 46.4


# ---------------------------------------------------------------- ui.db: caching rules


def test_row_level_queries_never_reach_the_shared_cache(
    golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEND_DATA_DIR", str(golden))

    def no_cache(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("went through st.cache_data")

    monkeypatch.setattr(db, "_cached_query", no_cache)
    row_level = [name for name, query in queries.QUERIES.items() if query.row_level]
    assert row_level, "the watchlist and the problem list are row-level"
    assert len(db.query("problems", severities=None, rules=None, files=None)) == 1
    assert len(db.query("watchlist", as_of=AS_OF, statuses=None, stages=None)) == 3
    with pytest.raises(AssertionError, match=r"st\.cache_data"):
        db.query("load_log")


def test_the_published_figures_missing_is_a_plain_warehouse_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path))
    assert not db.published_available()
    with pytest.raises(db.WarehouseError, match="No published figures loaded yet"):
        db.list_las()
