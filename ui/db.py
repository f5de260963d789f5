"""The dashboard's side of the one door to the data (DESIGN §2, STYLE "datasette").

``etl.store`` opens the databases (read-only) and holds every query; this module only adds
Streamlit caching and reconnect-on-swap, for the warehouse and the published figures alike.

- The door (an ``etl.store.Warehouse`` or ``Published``) is cached with ``st.cache_resource``
  keyed on the file's identity (path, inode, mtime, size). The ETL publishes with an atomic
  ``os.replace``, which gives the path a new inode: the next rerun computes a new identity, opens
  the new file and shows the new data. Sessions still running a query on the old connection
  finish on the old file (it stays readable until closed).
- One retry loop (:func:`_run`): a query that fails because the file was swapped under it is
  retried once on a fresh connection to whatever file is published now.
- Aggregate query results are cached with ``st.cache_data`` keyed on (query name, parameters,
  identity). Row-level queries (the watchlist and the problem list, ``Query.row_level``) are never
  cached, so no child-level rows sit in a cache shared between sessions (DESIGN §7).
- No warehouse yet, or an unreadable one, gives a :class:`DataState` that says so in plain words;
  pages show it as an empty state, never a traceback. So does a warehouse built by an older
  version of the code (``etl.snapshots.OlderWarehouse``: the message says to run
  ``python -m etl rebuild``).
- Snapshots (issue 15): the sidebar's choice (``SNAPSHOT_KEY`` in the session) makes
  :func:`warehouse_file` and :func:`published_file` the chosen snapshot's files, so every query
  below reads it, cached under that file's identity like any other version. "Latest" is the
  published files themselves.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from etl import compare, config, headlines, published, queries, records, snapshots, store
from etl.benchmark import LA

EMPTY_MESSAGE = (
    "No data loaded yet — run `make run` for demo data, or `python -m etl load your_file.xlsx`."
)
PUBLISHED_EMPTY = (
    "No published figures loaded yet. Run `python -m etl load-published FOLDER` (for example "
    "`../shared/reference-data`) or `python -m etl fetch-published`, then refresh this page."
)


class WarehouseError(RuntimeError):
    """The warehouse could not be read (missing, being replaced, or not a warehouse)."""


# path, inode, mtime_ns, size of the file, then the user records' files (etl.records)
Identity = tuple[Any, ...]
Source = Literal["warehouse", "published"]
T = TypeVar("T")


@dataclass(frozen=True)
class DataState:
    """Whether there is data to show, and the facts every page header needs."""

    available: bool
    path: Path
    message: str = ""
    snapshot_date: dt.date | None = None
    synthetic: bool = False
    requests_loaded: int = 0
    built_at: dt.datetime | None = None


# Session keys of the sidebar's snapshot choices: "latest" or a snapshot id (text); and
# "none", "previous" or a snapshot id for the snapshot compared with.
SNAPSHOT_KEY = "snapshot"
COMPARE_KEY = "compare_with"


def _session(key: str) -> str:
    try:
        return str(st.session_state.get(key) or "")
    except Exception:  # no Streamlit session (a script or a test calling this module)
        return ""


def list_snapshots() -> list[snapshots.Snapshot]:
    """Every snapshot of the data folder, oldest first (``etl.snapshots``; a small JSON read)."""
    return snapshots.list_snapshots(config.data_dir())


def chosen_snapshot() -> snapshots.Snapshot | None:
    """The snapshot chosen in the sidebar, or None for the latest data (the published files).
    A snapshot pruned since it was chosen falls back to the latest (the page says which)."""
    ref = _session(SNAPSHOT_KEY)
    if not ref or ref == "latest":
        return None
    try:
        return snapshots.resolve(config.data_dir(), ref)
    except snapshots.SnapshotError:
        return None


def latest_snapshot() -> snapshots.Snapshot | None:
    """The newest snapshot (the latest data's), or None when none was taken."""
    shots = list_snapshots()
    return shots[-1] if shots else None


def shown_snapshot() -> snapshots.Snapshot | None:
    """The snapshot on screen: the one chosen, else the latest one."""
    return chosen_snapshot() or latest_snapshot()


def compared_snapshot() -> snapshots.Snapshot | None:
    """The snapshot chosen to compare with ("previous" is the one before the snapshot on
    screen), or None."""
    ref = _session(COMPARE_KEY)
    if not ref or ref == "none":
        return None
    try:
        return snapshots.resolve(config.data_dir(), ref, before=shown_snapshot())
    except snapshots.SnapshotError:
        return None


def warehouse_file() -> Path:
    """The warehouse file on screen: the chosen snapshot's, else the published one (honours
    ``SEND_DATA_DIR``)."""
    chosen = chosen_snapshot()
    if chosen is not None:
        return chosen.warehouse_path
    return config.warehouse_path(config.data_dir())


def published_file() -> Path:
    """The published-figures file on screen: the chosen snapshot's (a missing file when none
    were loaded then), else the current one (honours ``SEND_DATA_DIR``)."""
    chosen = chosen_snapshot()
    if chosen is not None:
        return chosen.published_path or chosen.warehouse_path.with_name(snapshots.PUBLISHED_FILE)
    return published.published_path(config.data_dir())


def file_identity(path: Path | None = None) -> Identity | None:
    """(path, inode, mtime_ns, size) of the warehouse file and the identity of the user records
    beside it (a new override changes it), or None when there is no warehouse."""
    path = path or warehouse_file()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (
        str(path.resolve()),
        info.st_ino,
        info.st_mtime_ns,
        info.st_size,
        records.identity(path.parent),
    )


_cursor_lock = threading.Lock()
# Per source: how to find its file, which door opens it, and what to say when it is missing.
_FILES: dict[Source, Callable[[], Path]] = {
    "warehouse": warehouse_file,
    "published": published_file,
}
_DOORS: dict[Source, type[store.Warehouse] | type[store.Published]] = {
    "warehouse": store.Warehouse,
    "published": store.Published,
}
_MISSING: dict[Source, str] = {"warehouse": EMPTY_MESSAGE, "published": PUBLISHED_EMPTY}
_UNREADABLE: dict[Source, str] = {
    "warehouse": "The data could not be read ({error}). If a load is running, refresh the page "
    "in a moment.",
    "published": "The published figures could not be read ({error}). If they are being "
    "reloaded, refresh the page in a moment.",
}


@st.cache_resource(show_spinner=False, max_entries=8)
def _door(source: Source, identity: Identity) -> store.Warehouse | store.Published:
    """A read-only door to the file that had ``identity`` (one per published version).

    ``max_entries=8`` (the latest, a superseded one and two snapshots per source) lets a
    superseded connection be dropped; it is not closed
    explicitly, so a query still running on it in another session finishes, and it closes when
    released.
    """
    return _DOORS[source].open(Path(identity[0]))


def _identity(source: Source) -> Identity:
    identity = file_identity(_FILES[source]())
    if identity is None:
        raise WarehouseError(_MISSING[source])
    return identity


def _open_cursor(source: Source, identity: Identity) -> store.Warehouse | store.Published:
    # One cursor per query: DuckDB connections are not safe to share between threads (sessions).
    # A warehouse cursor also gets the user records made since the last build (etl.records).
    with _cursor_lock:
        return _door(source, identity).cursor()


def _cursor(identity: Identity) -> duckdb.DuckDBPyConnection:
    """A bare cursor on the warehouse file that had ``identity``."""
    return _open_cursor("warehouse", identity).connection


def _run(source: Source, work: Callable[[Any], T]) -> T:
    """Run ``work(door)`` on the current file of ``source``; if it fails (e.g. the file was
    swapped under us), retry once with a fresh connection to whatever file is published now."""
    last_error: Exception | None = None
    for _attempt in range(2):
        identity = _identity(source)
        try:
            door = _open_cursor(source, identity)
            try:
                return work(door)
            finally:
                door.close()
        except duckdb.Error as error:
            # Published mid-query, or a connection to a file that has gone: start again.
            last_error = error
            _door.clear()
    raise WarehouseError(_UNREADABLE[source].format(error=last_error)) from last_error


def _warehouse(work: Callable[[store.Warehouse], T]) -> T:
    return _run("warehouse", work)


def _published(work: Callable[[store.Published], T]) -> T:
    return _run("published", work)


# ---------------------------------------------------------------- the warehouse


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_query(
    name: str, params: tuple[tuple[str, Any], ...], identity: Identity
) -> pd.DataFrame:
    # ``identity`` is part of the cache key only: a new file means new answers.
    del identity
    return _warehouse(lambda wh: wh.query(name, **dict(params)))


def query(name: str, **params: Any) -> pd.DataFrame:
    """Run a named query from ``etl.queries``; aggregates cached per file version, rows never.

    List parameters may be given as lists; they are turned into tuples for the cache key.
    """
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    if queries.QUERIES[name].row_level:
        return _warehouse(lambda wh: wh.query(name, **dict(frozen)))
    return _cached_query(name, frozen, _identity("warehouse"))


def query_later(name: str, **params: Any) -> Callable[[], pd.DataFrame]:
    """The named query as a callable, for a download built when it is clicked: it runs on the
    file on screen now (the chosen snapshot's, say), whenever and from whichever thread it is
    called, and is never cached (row-level lists: :func:`query`)."""
    identity = _identity("warehouse")

    def run() -> pd.DataFrame:
        try:
            door = _open_cursor("warehouse", identity)
            assert isinstance(door, store.Warehouse)
            try:
                return door.query(name, **params)
            finally:
                door.close()
        except duckdb.Error as error:  # the file on screen has gone since the page was drawn
            raise WarehouseError(_UNREADABLE["warehouse"].format(error=error)) from error

    return run


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_kpis(year: int, as_of: dt.date, identity: Identity) -> dict[str, Any]:
    del identity
    return _warehouse(lambda wh: wh.kpis(year, as_of))


def kpis(year: int, as_of: dt.date) -> dict[str, Any]:
    """The headline EHC plan figures (``etl.metrics.ehcp_kpis``: the same numbers as the CLI)."""
    return _cached_kpis(year, as_of, _identity("warehouse"))


@st.cache_data(show_spinner=False, max_entries=64)
def _rows_not_loaded(kind: str, identity: Identity) -> dict[str, int]:
    del identity
    return _warehouse(lambda wh: wh.rows_not_loaded(kind))


def rows_not_loaded(kind: str) -> dict[str, int]:
    """Files, rows read and rows rejected for one input kind (counts only, so cached)."""
    return _rows_not_loaded(kind, _identity("warehouse"))


# The state of each file version seen, once read (issue 11: a page asks for it a few dozen
# times a run — every export's context, the home LA — and each ask cost a cached query's copy).
_STATES: dict[Identity, DataState] = {}
_STATES_KEPT = 16


def data_state() -> DataState:
    """What is loaded: a state every page can show without risk of a traceback."""
    path = warehouse_file()
    identity = file_identity(path)
    if identity is None:
        return DataState(False, path, EMPTY_MESSAGE)
    known = _STATES.get(identity)
    if known is not None:
        return known
    state = _read_state(path)
    if state.available:  # a file that could not be read is asked again next time
        if len(_STATES) >= _STATES_KEPT:
            _STATES.clear()
        _STATES[identity] = state
    return state


def _read_state(path: Path) -> DataState:
    try:
        meta = query("meta")
    except snapshots.OlderWarehouse as error:
        return DataState(False, path, str(error))
    except (WarehouseError, duckdb.Error) as error:
        return DataState(
            False,
            path,
            f"The data file {path} could not be read: {error}. "
            "Reload it with `python -m etl load your_file.xlsx`.",
        )
    if meta.empty:
        return DataState(False, path, EMPTY_MESSAGE)
    row = meta.iloc[0]
    snapshot = pd.Timestamp(row["snapshot_date"]).date()
    built = row["built_at"]
    return DataState(
        True,
        path,
        "",
        snapshot,
        bool(row["synthetic"]),
        int(row["requests_loaded"]),
        None if pd.isna(built) else pd.Timestamp(built).to_pydatetime(),
    )


def sen2_la_code() -> str | None:
    """The LA code the newest loaded SEN2 return gives for itself (the XML's LEA, a template's
    header record), or None when no file says (a case list, a module workbook, no data)."""
    if not data_state().available:
        return None
    codes = query("sen2_la_codes")
    return None if codes.empty else str(codes["la_code"].iloc[0])


# ---------------------------------------------------------------- published figures (issue 3)
# Public statistics, so their answers are cached; reconciliation case lists are row-level and
# are not. One cached function per question: typed, and the cache key is its arguments.


def published_identity() -> Identity | None:
    """Identity of the published-benchmarks file, or None when there is none."""
    return file_identity(published_file())


def published_available() -> bool:
    return published_identity() is not None


def _frame(result: pd.DataFrame) -> pd.DataFrame:
    # A copy: callers may reshape what they get without touching the cached answer.
    return result.copy()


@st.cache_data(show_spinner=False, max_entries=8)
def _list_las(current_only: bool, identity: Identity) -> list[LA]:
    del identity
    return _published(lambda pub: pub.list_las(current_only))


def list_las(current_only: bool = False) -> list[LA]:
    """Every LA with published figures (``current_only``: as they are now)."""
    return _list_las(current_only, _identity("published"))


@st.cache_data(show_spinner=False, max_entries=64)
def _resolve_la(text: str, identity: Identity) -> LA:
    del identity
    return _published(lambda pub: pub.resolve_la(text))


def resolve_la(text: str) -> LA:
    """The LA a code, old code or name means (``etl.benchmark.UnknownLA`` if none)."""
    return _resolve_la(text, _identity("published"))


@st.cache_data(show_spinner=False, max_entries=64)
def _neighbours(la_code: str, identity: Identity) -> list[tuple[str, str]]:
    del identity
    return _published(lambda pub: pub.neighbours(la_code))


def neighbours(la_code: str) -> list[tuple[str, str]]:
    """The LA's statistical neighbours as (code, name)."""
    return _neighbours(la_code, _identity("published"))


@st.cache_data(show_spinner=False, max_entries=256)
def _measure_position(la_code: str, measure: str, year: int, identity: Identity) -> dict[str, Any]:
    del identity
    return _published(lambda pub: pub.measure_position(la_code, measure, year))


def measure_position(la_code: str, measure: str, year: int) -> dict[str, Any]:
    """The LA beside its region, England and neighbours for one measure and year."""
    return _measure_position(la_code, measure, year, _identity("published"))


@st.cache_data(show_spinner=False, max_entries=256)
def _trend(
    la_code: str, measure: str, neighbour_codes: tuple[str, ...] | None, identity: Identity
) -> pd.DataFrame:
    del identity
    codes = None if neighbour_codes is None else list(neighbour_codes)
    return _published(lambda pub: pub.trend(la_code, measure, codes))


def trend(la_code: str, measure: str, neighbour_codes: list[str] | None) -> pd.DataFrame:
    """Every year of a measure: the LA, region, England, neighbours' median and neighbours
    (``neighbour_codes`` None = all of them, [] = none)."""
    codes = None if neighbour_codes is None else tuple(neighbour_codes)
    return _frame(_trend(la_code, measure, codes, _identity("published")))


@st.cache_data(show_spinner=False, max_entries=256)
def _all_las(measure: str, year: int, identity: Identity) -> pd.DataFrame:
    del identity
    return _published(lambda pub: pub.all_las(measure, year))


def all_las(measure: str, year: int) -> pd.DataFrame:
    """Every LA's value, rank and quartile for a measure and year."""
    return _frame(_all_las(measure, year, _identity("published")))


@st.cache_data(show_spinner=False, max_entries=64)
def _benchmark(la_code: str, year: int | None, identity: Identity) -> dict[str, Any]:
    del identity
    return dict(_published(lambda pub: pub.benchmark(la_code, year, None)))


def benchmark(la_code: str, year: int | None) -> dict[str, Any]:
    """Every published measure for the LA: position, rank and source."""
    return _benchmark(la_code, year, _identity("published"))


@st.cache_data(show_spinner=False, max_entries=64)
def _need_mix(la_code: str, measure: str, identity: Identity) -> pd.DataFrame:
    del identity
    return _published(lambda pub: pub.need_mix(la_code, measure))


def need_mix(la_code: str, measure: str = "need_mix_all_plans") -> pd.DataFrame:
    """The share of plans by primary need: the LA, its region and England."""
    return _frame(_need_mix(la_code, measure, _identity("published")))


@st.cache_data(show_spinner=False, max_entries=64)
def _england_latest(measure: str, identity: Identity) -> dict[str, Any] | None:
    del identity
    return _published(lambda pub: pub.england_latest(measure))


def england_latest(measure: str) -> dict[str, Any] | None:
    """England's latest published value of a measure, with its year and release."""
    return _england_latest(measure, _identity("published"))


def reconcile(la_code: str, year: int) -> dict[str, Any]:
    """Our 20-week figures beside DfE's for the LA and year (counts only; cached per files)."""
    return _cached_reconcile(la_code, year, _identity("warehouse"), _identity("published"))


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_reconcile(
    la_code: str, year: int, identity: Identity, pub_identity: Identity
) -> dict[str, Any]:
    del identity, pub_identity
    return _published(lambda pub: _warehouse(lambda wh: pub.reconcile(wh, la_code, year)))


def reconcilable_years(la_code: str) -> list[int]:
    """Calendar years our data covers in full and DfE has published for the LA (years only,
    so cached per pair of files, as :func:`reconcile` is)."""
    if file_identity() is None or published_identity() is None:
        return []
    return _cached_reconcilable_years(la_code, _identity("warehouse"), _identity("published"))


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_reconcilable_years(
    la_code: str, identity: Identity, pub_identity: Identity
) -> list[int]:
    del identity, pub_identity
    return _published(lambda pub: _warehouse(lambda wh: pub.reconcilable_years(wh, la_code)))


def explanation_cases(year: int, reason: str) -> pd.DataFrame:
    """Row-level: the cases behind one reconciliation explanation. Never cached (DESIGN §7)."""
    return _warehouse(lambda wh: store.explanation_cases(wh, year, reason))


# ---------------------------------------------------------------- NHS published waits (issue 12)
# Public statistics: cached per published file version, like the benchmarks above.


@st.cache_data(show_spinner=False, max_entries=64)
def _waits_published(area: str, month: dt.date | None, identity: Identity) -> dict[str, Any]:
    del identity
    return _published(lambda pub: pub.waits_published(area, month))


def waits_published(area: str, month: dt.date | None = None) -> dict[str, Any]:
    """NHS England's published CYP waits for an area (latest month) beside England's."""
    return _waits_published(area, month, _identity("published"))


@st.cache_data(show_spinner=False, max_entries=64)
def _waits_trend(level: str, code: str, identity: Identity) -> list[dict[str, Any]]:
    del identity
    return _published(lambda pub: pub.waits_trend(level, code))


def waits_trend(level: str, code: str) -> pd.DataFrame:
    """Every published month for one organisation: per service the list and % over 18 weeks."""
    return pd.DataFrame(_waits_trend(level, code, _identity("published")))


@st.cache_data(show_spinner=False, max_entries=8)
def _waits_icbs(identity: Identity) -> list[tuple[str, str]]:
    del identity
    return _published(lambda pub: pub.waits_icbs())


def waits_icbs() -> list[tuple[str, str]]:
    """(code, name) of every ICB in the published waiting lists (none: none loaded)."""
    if not published_available():
        return []
    return _waits_icbs(_identity("published"))


@st.cache_data(show_spinner=False, max_entries=16)
def _autism_waits(la_name: str | None, identity: Identity) -> list[dict[str, Any]]:
    del identity
    return _published(lambda pub: pub.autism_waits(la_name))


def autism_waits(la_name: str | None) -> pd.DataFrame:
    """Latest published autism first-appointment figures: England, the LA's region, sub-ICB."""
    return pd.DataFrame(_autism_waits(la_name, _identity("published")))


# ---------------------------------------------------------------- exclusions (issue 13)


@st.cache_data(show_spinner=False, max_entries=8)
def _has_exclusions(identity: Identity) -> bool:
    del identity
    return _warehouse(lambda wh: wh.has_exclusions())


def has_exclusions() -> bool:
    """True when exclusion events or headcounts are loaded."""
    return _has_exclusions(_identity("warehouse"))


@st.cache_data(show_spinner=False, max_entries=64)
def _exclusion_rates(la_code: str, identity: Identity) -> pd.DataFrame:
    del identity
    return _published(lambda pub: pub.exclusion_rates(la_code))


def exclusion_rates(la_code: str) -> pd.DataFrame:
    """The LA's published exclusion rates by term, phase and SEN group, with rank and its
    statistical neighbours' median (public statistics)."""
    return _frame(_exclusion_rates(la_code, _identity("published")))


@st.cache_data(show_spinner=False, max_entries=64)
def _commentary(period: str, identity: Identity) -> list[dict[str, Any]]:
    del identity  # a new comment changes the records' identity, so the cache refreshes
    return _warehouse(lambda wh: wh.commentary(period))


def commentary(period: str) -> list[dict[str, Any]]:
    """The owner's commentary in force for a month ``YYYY-MM`` (``etl.commentary``): officers'
    words about measures and actions, no child-level data, so cached."""
    return _commentary(period, _identity("warehouse"))


@st.cache_data(show_spinner=False, max_entries=32)
def _review_kpis(mode: str, as_of: dt.date, identity: Identity) -> list[dict[str, Any]]:
    del identity

    def work(wh: store.Warehouse) -> list[dict[str, Any]]:
        from dataclasses import asdict

        from etl.packs import review

        actions = review.plan_actions(wh)
        found = review.review_kpis(wh, actions, mode, as_of=as_of)  # type: ignore[arg-type]
        return [asdict(k) for k in found]

    return _warehouse(work)


def review_kpis(mode: str, as_of: dt.date) -> list[dict[str, Any]]:
    """The linked KPIs (``etl.packs.review.review_kpis``: baseline, target, value now) as at
    ``as_of``, already disclosed in ``mode``: aggregates only, so cached."""
    return _review_kpis(mode, as_of, _identity("warehouse"))


# ---------------------------------------------------------------- headlines (issue 15)


@st.cache_data(show_spinner=False, max_entries=32)
def _headlines(
    as_of: dt.date,
    la_code: str | None,
    identity: Identity,
    published_version: Identity | None,
    compare: tuple[str, str] | None,
) -> list[headlines.Headline]:
    # Aggregates only (no row-level data), so cached per file version like the KPIs. A compared
    # snapshot is a frozen file, so its path is key enough.
    del identity

    def work(wh: store.Warehouse) -> list[headlines.Headline]:
        if compare is None:
            return _with_published(wh, None, None)
        with store.Warehouse.open(Path(compare[0])) as earlier:
            return _with_published(wh, earlier, compare[1])

    def _with_published(
        wh: store.Warehouse, earlier: store.Warehouse | None, label: str | None
    ) -> list[headlines.Headline]:
        if published_version is None:
            return headlines.headlines(wh, None, as_of=as_of, compare=earlier, compare_label=label)
        return _published(
            lambda pub: headlines.headlines(
                wh, pub, as_of=as_of, la_code=la_code, compare=earlier, compare_label=label
            )
        )

    return _warehouse(work)


def headline_list(
    as_of: dt.date, la_code: str | None, compare: tuple[Path, str] | None = None
) -> list[headlines.Headline]:
    """The headline measures (``etl.headlines``) as at a date, with England's figures (and our
    neighbours and rank when ``la_code`` names our LA) when published figures are loaded, and
    the change since ``compare`` = (another warehouse file, what to call it) when given."""
    frozen = None if compare is None else (str(compare[0]), compare[1])
    return _headlines(as_of, la_code, _identity("warehouse"), published_identity(), frozen)


# ---------------------------------------------------------------- snapshots compared (issue 15)


@st.cache_data(show_spinner=False, max_entries=64)
def _compared_figures(keys: tuple[str, ...], identity: Identity) -> dict[str, compare.Figure]:
    # Counts and percentages only (no rows), so cached like any aggregate.
    with store.Warehouse.open(Path(identity[0])) as door:
        return {key: compare.figure(door, key) for key in keys}


def compared_figures(keys: list[str]) -> dict[str, compare.Figure]:
    """The headline figures of the compared snapshot as it showed them (as at its own data
    date); empty when no comparison is chosen or that snapshot cannot be read."""
    then = compared_snapshot()
    identity = file_identity(then.warehouse_path) if then else None
    if identity is None:
        return {}
    try:
        return _compared_figures(tuple(keys), identity)
    except (snapshots.OlderWarehouse, duckdb.Error):
        return {}
