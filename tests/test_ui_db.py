"""ui.db: the dashboard's only door to the warehouse.

- a newly published file (atomic os.replace by the ETL) is picked up without a restart;
- row-level queries never go through st.cache_data;
- a failure mid-query is retried once with a fresh connection;
- no data, or an unreadable file, is a clear state, not an exception.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl import queries
from etl.warehouse import run_load
from tests.ui_fixtures import AS_OF, CASES, build_warehouse, write_case_list
from ui import db


@pytest.fixture
def golden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = build_warehouse(tmp_path)
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    return data


def test_publishing_a_new_file_is_seen_on_the_next_query(golden: Path, tmp_path: Path) -> None:
    before = db.kpis(2026, AS_OF)
    assert before["pct_within_20_weeks_excl_exceptions"] == 60.0  # 3 of 5 (see ui_fixtures)
    old_identity = db.file_identity()
    # Hold a cursor on the old file, as a session mid-query would: DuckDB's per-path instance
    # cache would otherwise hand the old database back to a "new" connection.
    assert old_identity is not None
    held = db._cursor(old_identity)

    # A second file adds R20: received 2 Mar 2026, plan issued 120 days later, no exception.
    extra = write_case_list(
        tmp_path / "more.csv",
        [
            [
                "C20",
                "A800000000020",
                "2016-04-01",
                "R20",
                "2026-03-02",
                "Y",
                "2026-04-01",
                "Y",
                "2026-06-30",
                "0",
                "ASD",
            ]
        ],
    )
    run_load([extra], golden, as_of=AS_OF)
    assert db.file_identity() != old_identity

    after = db.kpis(2026, AS_OF)
    # Excluding exceptions: 4 of 6 = 66.7%; including: 4 of 7 = 57.142… → 57.1%.
    assert after["pct_within_20_weeks_excl_exceptions"] == 66.7
    assert after["pct_within_20_weeks"] == 57.1
    assert db.query("load_log")["file"].tolist() == ["cases.csv", "more.csv"]
    # The session still holding the old file can finish its query on the old data.
    assert held.execute("SELECT count(*) FROM load_log").fetchone() == (1,)
    held.close()


def test_row_level_queries_are_never_cached(golden: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_cache(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("went through st.cache_data")

    monkeypatch.setattr(db, "_cached_query", no_cache)
    for name, query in queries.QUERIES.items():
        if query.row_level:
            by_name: dict[str, dict[str, Any]] = {
                "watchlist": {"as_of": AS_OF, "statuses": None, "stages": None},
                "waits_longest": {"as_of": AS_OF, "service": None, "limit": 5},
            }
            params = by_name.get(name, {"severities": None, "rules": None, "files": None})
            found = db.query(name, **params)
            # The golden fixture holds no waiting list: the query runs, uncached, and is empty.
            assert found.empty == (name == "waits_longest"), name
    assert {n for n, q in queries.QUERIES.items() if q.row_level} == {
        "watchlist",
        "problems",
        "waits_longest",
    }
    with pytest.raises(AssertionError, match=r"st\.cache_data"):
        db.query("bands", year=2026, as_of=AS_OF)


def test_watchlist_query_has_no_person_or_request_keys(golden: Path) -> None:
    watch = db.query("watchlist", as_of=AS_OF, statuses=None, stages=None)
    assert list(watch.columns) == [
        "reference",
        "received_date",
        "weeks_open",
        "stage",
        "breach_date",
        "status",
        "days_left",
        "days_over",
        "primary_need",
        "age_group",
        "listed",  # how many rows its list (not yet breached; breached) has
    ]
    # R14 at risk first, then R15 on track, then R13 breached (see ui_fixtures).
    assert list(watch["status"]) == ["At risk", "On track", "Breached"]


def test_watchlist_fetches_one_page_of_each_list_with_its_length(golden: Path) -> None:
    # Issue 11: a page at a time. Open on 1 Nov 2026: R14 at risk and R15 on track (the first
    # list, 2 rows), R13 breached (the second, 1 row). One row a page, the first list from its
    # second row (offset 1) and the second from its first: R15 and R13.
    page = db.query(
        "watchlist",
        as_of=AS_OF,
        statuses=None,
        stages=None,
        page_rows=1,
        open_offset=1,
        breached_offset=0,
    )
    assert list(page["status"]) == ["On track", "Breached"]
    assert list(page["listed"]) == [2, 1]
    every = db.query("watchlist", as_of=AS_OF, statuses=None, stages=None)
    assert list(page["reference"]) == [every["reference"][1], every["reference"][2]]
    # Past the end of a list: no rows from it (the page then starts again from page 1).
    past = db.query(
        "watchlist",
        as_of=AS_OF,
        statuses=None,
        stages=None,
        page_rows=1,
        open_offset=2,
        breached_offset=0,
    )
    assert list(past["status"]) == ["Breached"]


def test_a_query_for_later_runs_when_called_on_the_file_on_screen_then(
    golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_run = queries.run

    def counted(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> Any:
        calls.append(name)
        return real_run(con, name, **params)

    monkeypatch.setattr(queries, "run", counted)
    later = db.query_later("watchlist", as_of=AS_OF, statuses=["Breached"], stages=None)
    assert calls == []  # nothing fetched until the download is clicked
    frame = later()
    assert calls == ["watchlist"] and list(frame["status"]) == ["Breached"]  # R13


def test_a_failure_mid_query_is_retried_once_with_a_fresh_connection(
    golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real_run = queries.run

    def flaky(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise duckdb.IOException("file was replaced")
        return real_run(con, name, **params)

    monkeypatch.setattr(queries, "run", flaky)
    frame = db.query("watchlist", as_of=AS_OF, statuses=None, stages=None)
    assert len(calls) == 2 and len(frame) == 3


def test_persistent_failure_is_a_warehouse_error_not_a_traceback(
    golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise duckdb.IOException("disk on fire")

    monkeypatch.setattr(queries, "run", broken)
    with pytest.raises(db.WarehouseError, match="could not be read"):
        db.query("watchlist", as_of=AS_OF, statuses=None, stages=None)


def test_no_data_is_a_clear_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path / "nothing-here"))
    state = db.data_state()
    assert not state.available
    assert state.message.startswith("No data loaded yet")
    with pytest.raises(db.WarehouseError):
        db.kpis(2026, AS_OF)


def test_an_unreadable_file_is_a_clear_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warehouse.duckdb").write_bytes(b"this is not a database")
    monkeypatch.setenv("SEND_DATA_DIR", str(tmp_path))
    state = db.data_state()
    assert not state.available and "could not be read" in state.message


def test_data_state_reports_snapshot_and_synthetic_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build_warehouse(tmp_path, CASES, synthetic=True, as_of=dt.date(2026, 11, 1))
    monkeypatch.setenv("SEND_DATA_DIR", str(data))
    state = db.data_state()
    assert state.available and state.synthetic
    assert state.snapshot_date == dt.date(2026, 11, 1)
    assert state.requests_loaded == 16


@pytest.mark.parametrize("year", [2025, 2026])
def test_breakdowns_reconcile_with_the_headline_kpis(golden: Path, year: int) -> None:
    # dbt-style reconciliation: every breakdown adds up to the headline counts of ehcp_kpis.
    kpi = db.kpis(year, AS_OF)
    for name in ("bands", "by_primary_need", "by_age_group", "weeks_to_issue"):
        frame = db.query(name, year=year, as_of=AS_OF)
        assert frame["plans_issued"].sum() == kpi["plans_issued"], name
    for name in ("by_primary_need", "by_age_group"):
        frame = db.query(name, year=year, as_of=AS_OF)
        assert (
            frame["within_20_weeks_excl_exceptions"].sum()
            == (kpi["within_20_weeks_excl_exceptions"])
        )
    bands = db.query("bands", year=year, as_of=AS_OF)
    assert bands.loc[0, "plans_issued"] == kpi["within_20_weeks"]
    assert bands.loc[2, "plans_issued"] == kpi["issued_over_52_weeks"]
    status = db.query("open_by_status", as_of=AS_OF)
    assert status["open_requests"].sum() == kpi["open_requests"]
    assert status.set_index("status").loc["Breached", "open_requests"] == kpi["open_breached"]
