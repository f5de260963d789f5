"""The one door to the published databases, read-only (DESIGN §2, STYLE "datasette").

- :class:`Warehouse` reads ``warehouse.duckdb``: named queries (``Warehouse.query(name, **params)``
  over the SQL files of ``etl/sql/queries``, registered with their metadata in ``etl.queries``)
  and typed methods for what the CLI needs (KPIs, problems, load log, milestones, lookup).
- :class:`Published` reads ``published.duckdb`` (DfE's published figures): typed methods over
  ``etl.benchmark``.

Both open the file through ``ATTACH … (READ_ONLY)`` on an in-memory DuckDB rather than
``duckdb.connect(path)``: DuckDB keeps one database instance per path while any connection to it
is open, so a "new" plain connection could keep reading a file the ETL has since replaced. The
CLI opens a door per command; the dashboard (``ui.db``) keeps one per published file version and
takes a :meth:`cursor` per query, because a DuckDB connection is not safe to share between
threads. Every warehouse connection and cursor also loads the user records (``etl.records``:
overrides made since the last build) as temp tables. Nothing here writes to a database file.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import duckdb

from etl import config, metrics, records
from etl.published.paths import published_path
from etl.tracker import report as tracker_report

if TYPE_CHECKING:
    import pandas as pd

    from etl.benchmark import LA

# Named queries (registered in etl.queries) and the SQL of the typed methods.
QUERY_SQL_DIR = Path(__file__).parent / "sql" / "queries"
SQL_DIR = Path(__file__).parent / "sql" / "store"

DoorT = TypeVar("DoorT", bound="_Door")


class NoDatabase(FileNotFoundError):
    """The database file has not been built yet in this data folder."""


# The annual review percentages {name: (numerator, denominator)}: the ``annual_reviews`` named
# query (``etl.queries``, the pages) and the CLI's ``kpis`` (``etl.store``, without pandas).
ANNUAL_REVIEW_PCTS = {
    "pct_overdue": ("reviews_overdue", "plans_due"),
    "pct_decisions_within_4_weeks": ("decisions_within_4_weeks", "decisions_made"),
}


@cache
def query_sql(name: str) -> str:
    """The SQL of a named query, from ``etl/sql/queries/<name>.sql`` (read once)."""
    return (QUERY_SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


@cache
def _sql(name: str) -> str:
    """SQL the typed methods run, from ``etl/sql/store/<name>.sql`` (read once)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _benchmark() -> ModuleType:
    # Imported on use: etl.benchmark brings pandas, which CLI commands other than the
    # published-figure ones start without.
    from etl import benchmark

    return benchmark


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The result of the last statement as JSON-friendly dicts (dates as ISO strings)."""
    names = [d[0] for d in cursor.description or []]
    return [
        {
            name: value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
            for name, value in zip(names, row, strict=True)
        }
        for row in cursor.fetchall()
    ]


class _Door:
    """A read-only connection to one database file, attached under ``alias``."""

    alias: ClassVar[str]

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._prepare()

    def _prepare(self) -> None:
        """Called on every new connection and cursor (see :class:`Warehouse`)."""

    @classmethod
    def open(cls: type[DoorT], path: Path) -> DoorT:
        """Open ``path`` read-only (it must exist; DuckDB would otherwise say so cryptically)."""
        if not path.exists():
            raise NoDatabase(str(path))
        connection = duckdb.connect(":memory:")
        # The path is bound, never spliced in; the alias is a constant of this class.
        connection.execute(f"ATTACH $path AS {cls.alias} (READ_ONLY)", {"path": str(path)})
        connection.execute(f"USE {cls.alias}")
        return cls(connection, path)

    def cursor(self: DoorT) -> DoorT:
        """A door of the same kind on a new cursor: one per thread or query."""
        cursor = self.connection.cursor()
        cursor.execute(f"USE {self.alias}")
        return type(self)(cursor, self.path)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self: DoorT) -> DoorT:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def problem_list(
    con: duckdb.DuckDBPyConnection,
    *,
    severities: list[str] | None = None,
    rules: list[str] | None = None,
    files: list[str] | None = None,
    loads: list[int] | None = None,
) -> list[dict[str, Any]]:
    """The problem list as dicts (file, sheet, row, column, rule, severity, message), file by
    file in sheet and row order; ``loads`` keeps only the problems of those loads (files).

    The one problem-list query (``etl/sql/queries/problems.sql``), for the CLI, the load report
    and the dashboard alike. Takes a bare connection so the ETL can read the file it is building.
    """
    # Plain rows, not a DataFrame: row numbers stay integers (pandas would make them floats).
    con.execute(
        query_sql("problems"),
        {"severities": severities, "rules": rules, "files": files, "loads": loads},
    )
    return _rows(con)


class Warehouse(_Door):
    """The published warehouse, read-only."""

    alias = "warehouse"

    def _prepare(self) -> None:
        # Overrides made since the last build live in the append-only records beside the file;
        # they are temp tables, which belong to one cursor, so every cursor loads them.
        records.attach(self.connection, self.path.parent)

    @classmethod
    def open(cls, path: Path) -> Warehouse:
        """Open a warehouse file (the published one or a snapshot's) read-only;
        :class:`etl.snapshots.OlderWarehouse` when an older version of the code built it (its
        tables would not answer today's queries), saying how to fix it."""
        from etl import snapshots

        door = super().open(path)
        version = snapshots.schema_version(door.connection)
        if version < snapshots.SCHEMA_VERSION:
            door.close()
            is_snapshot = path.parent.parent.name == snapshots.FOLDER
            raise snapshots.OlderWarehouse(path, version, snapshot=is_snapshot)
        return door

    @classmethod
    def at(cls, folder: Path) -> Warehouse:
        """The warehouse of a data folder; :class:`NoDatabase` when nothing is loaded yet."""
        return cls.open(config.warehouse_path(folder))

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a named query of ``etl.queries`` (``KeyError`` for an unknown name)."""
        from etl import queries  # pandas, on use (see _benchmark)

        return queries.run(self.connection, name, **params)

    def meta(self) -> dict[str, Any] | None:
        """Snapshot date, synthetic flag and size of the data, or None for an empty warehouse."""
        # Plain values (a date stays a date), not pandas Timestamps.
        cursor = self.connection.execute(query_sql("meta"))
        names = [d[0] for d in cursor.description or []]
        row = cursor.fetchone()
        return None if row is None else dict(zip(names, row, strict=True))

    def kpis(self, year: int | None = None, as_of: dt.date | None = None) -> dict[str, Any]:
        """The headline EHC plan figures (``etl.metrics.ehcp_kpis``; keys fixed by the CLI).
        At the default year and date, the figures the build stored (:func:`headline_kpis`)."""
        cached = self._headlines() if year is None and as_of is None else None
        return dict(cached["ehcp"]) if cached else metrics.ehcp_kpis(self.connection, year, as_of)

    def _headlines(self) -> dict[str, Any] | None:
        """The build's stored default figures (:func:`store_headlines`), read once per door; None
        for a warehouse built before they were stored, or without SEN2 data."""
        if not hasattr(self, "_headline_row"):
            self._headline_row = read_headlines(self.connection)
        return self._headline_row

    # The ``annual_reviews`` KPI keys (fixed by the CLI) and the catalogue entry of each.
    ANNUAL_REVIEW_METRICS: ClassVar[dict[str, str]] = {
        "plans_due": "annual_review_plans_due",
        "reviews_overdue": "annual_reviews_overdue",
        "pct_overdue": "pct_annual_reviews_overdue",
        "decisions_made": "annual_review_decisions",
        "decisions_within_4_weeks": "annual_review_decisions_within_4_weeks",
        "pct_decisions_within_4_weeks": "pct_annual_review_decisions_within_4_weeks",
    }

    def annual_reviews(self, as_of: dt.date | None = None) -> dict[str, Any]:
        """The ``annual_reviews`` KPI section (keys fixed by the CLI) as at a date (default: the
        snapshot, whose figures the build stored). Definitions: :func:`annual_review_kpis`."""
        cached = self._headlines() if as_of is None else None
        return (
            dict(cached["annual_reviews"]) if cached else annual_review_kpis(self.connection, as_of)
        )

    def has_sen2(self) -> bool:
        """True when any SEN2 request is loaded (``kpis`` says so when none is)."""
        meta = self.meta()
        return bool(meta and meta["requests_loaded"])

    def waits_as_of(self) -> dt.date | None:
        """The latest waiting-list extract date (the default as-at date for waits), or None."""
        from etl.inputs.waits import measures

        return measures.latest_extract(self.connection)

    def waits_kpis(self, as_of: dt.date | None = None) -> dict[str, Any]:
        """Per service, the waiting-time measures as at ``as_of`` (default: the latest extract);
        empty when no waiting list is loaded (``etl.inputs.waits.measures``)."""
        from etl.inputs.waits import measures

        return measures.waits_kpis(self.connection, as_of)

    def problems(
        self,
        *,
        severities: list[str] | None = None,
        rules: list[str] | None = None,
        files: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Every problem found in the loaded files (see :func:`problem_list`)."""
        return problem_list(self.connection, severities=severities, rules=rules, files=files)

    def load_log(self) -> pd.DataFrame:
        """One row per file loaded: what happened to every row it held."""
        return self.query("load_log")

    def rows_not_loaded(self, kind: str) -> dict[str, int]:
        """Over the files of one input kind (``"sen2"``, ``"tracker"``): how many files, rows
        read and rows rejected (an error on the row, so in no figure), from the load log.

        A file is of a kind when it has rows in one of that kind's staging tables; the table
        names come from the input registry, never from a file.
        """
        from etl import inputs

        [spec] = [k for k in inputs.kinds() if k.name == kind]
        files = " UNION ".join(f"SELECT load_id FROM {table}" for table in spec.staging)
        row = self.connection.execute(
            "SELECT count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_rejected), 0) "
            f"FROM load_log WHERE load_id IN ({files})"
        ).fetchone()
        assert row is not None
        return {"files": int(row[0]), "rows_read": int(row[1]), "rows_rejected": int(row[2])}

    def has_trackers(self) -> bool:
        """True when an improvement-plan tracker is loaded."""
        return tracker_report.has_trackers(self.connection)

    def has_exclusions(self) -> bool:
        """True when exclusion events or headcounts are loaded (issue 13)."""
        from etl.inputs.exclusions import report

        return report.has_exclusions(self.connection)

    def exclusion_kpis(self, as_of: dt.date | None = None) -> dict[str, Any]:
        """The ``exclusions`` KPI section: the academic year of ``as_of`` (default: the data's
        snapshot date) by SEN group (``etl.inputs.exclusions.report``)."""
        from etl.inputs.exclusions import report

        return report.kpis(self.connection, as_of or metrics.snapshot_date(self.connection))

    def milestones(self, as_of: dt.date | None = None) -> list[dict[str, Any]]:
        """Milestones and actions of each plan's period in force at ``as_of`` (default latest)."""
        return tracker_report.milestones(self.connection, as_of)

    def rag_counts(self, as_of: dt.date | None = None) -> dict[str, int]:
        """Milestones and actions in force at each RAG; all zero when no tracker is loaded."""
        return tracker_report.rag_counts(self.connection, as_of)

    def kpi_links(self, as_of: dt.date | None = None) -> list[dict[str, Any]]:
        """KPI links from the trackers' "KPIs" sheets, of each plan's period in force at
        ``as_of`` (default latest; ``etl.kpi_links``). The settings' [[kpi_links]] are not here:
        they are ``config.settings().kpi_links``."""
        return tracker_report.kpi_links(self.connection, as_of)

    def plan_registers(self, as_of: dt.date | None = None) -> list[dict[str, Any]]:
        """Risks, issues and dependencies of each plan's period in force, highest score first."""
        return tracker_report.registers(self.connection, as_of)

    def commentary(self, period: str | dt.date | None = None) -> list[dict[str, Any]]:
        """The owner's commentary in force for a reporting month (``YYYY-MM`` or a date in it;
        None = every month): one dict per measure or action — ``subject_kind`` ("measure" /
        "action"), ``subject`` (catalogue key / action ref), ``plan``, ``period``, ``text``,
        ``author``, ``created_at`` (ISO), ``earlier_versions``, ``title`` (``etl.commentary``)."""
        from etl import commentary

        month = commentary.period_of(period) if period is not None else None
        return commentary.in_force(self.connection, month)

    def commentary_history(self, period: str | dt.date | None = None) -> list[dict[str, Any]]:
        """Every comment recorded for a month (None = all), cleared ones included, oldest first."""
        from etl import commentary

        month = commentary.period_of(period) if period is not None else None
        return commentary.history(self.connection, month)

    def lookup(self, reference: str) -> list[dict[str, Any]]:
        """Where a watchlist reference (``R-`` and 10 characters) came from: file, sheet, row."""
        wanted = reference.strip().upper()
        self.connection.execute(_sql("lookup"), {"reference": wanted})
        return [{"reference": wanted, **row} for row in _rows(self.connection)]

    def holds_real_data(self) -> bool:
        """True when any file loaded was not written by the demo generator."""
        row = self.connection.execute(_sql("real_files")).fetchone()
        return bool(row and row[0])


class Published(_Door):
    """DfE's published figures (``published.duckdb``), read-only: public statistics."""

    alias = "published"

    @classmethod
    def at(cls, folder: Path) -> Published:
        """The published figures of a data folder; :class:`NoDatabase` when none are loaded."""
        return cls.open(published_path(folder))

    def list_las(self, current_only: bool = False) -> list[LA]:
        """Every LA with published figures (current ones only: no pre-boundary-change LAs)."""
        return _benchmark().list_las(self.connection, current_only)

    def resolve_la(self, text: str) -> LA:
        """The LA a code, old code or name means (``etl.benchmark.UnknownLA`` if none)."""
        return _benchmark().resolve_la(self.connection, text)

    def neighbours(self, la_code: str) -> list[tuple[str, str]]:
        """The LA's statistical neighbours as (code, name)."""
        return _benchmark().neighbours(self.connection, la_code)

    def measure_position(self, la_code: str, measure: str, year: int) -> dict[str, Any]:
        """The LA beside its region, England and neighbours, with rank and quartile."""
        return _benchmark().measure_position(
            self.connection, self.resolve_la(la_code), measure, year
        )

    def trend(self, la_code: str, measure: str, neighbours: list[str] | None) -> pd.DataFrame:
        """One row per series and year (``neighbours`` None = all of them, [] = none)."""
        return _benchmark().trend(self.connection, self.resolve_la(la_code), measure, neighbours)

    def all_las(self, measure: str, year: int) -> pd.DataFrame:
        """Every LA's value, rank and quartile for a measure and year."""
        return _benchmark().all_las(self.connection, measure, year)

    def benchmark(self, la_code: str, year: int | None, measures: tuple[str, ...] | None) -> Any:
        """Every measure (or those named) for the LA: position, rank, sources."""
        return _benchmark().benchmark(self.connection, self.resolve_la(la_code), year, measures)

    def need_mix(self, la_code: str, measure: str) -> pd.DataFrame:
        """The share of plans by primary need: the LA, its region and England."""
        return _benchmark().need_mix(self.connection, self.resolve_la(la_code), measure)

    def england_latest(self, measure: str) -> dict[str, Any] | None:
        """England's latest published value of a measure, with its year and release."""
        return _benchmark().england_latest(self.connection, measure)

    def exclusion_rates(self, la_code: str) -> pd.DataFrame:
        """The LA's published exclusion rates by term, phase and SEN group, with its rank among
        LAs and its statistical neighbours' median (issue 13); empty when not loaded. The
        ``neighbour_set`` column names the neighbour set and its date."""
        bench = _benchmark()
        codes = [code for code, _ in bench.neighbours(self.connection, la_code)]
        frame = self._frame("published_exclusions", {"la_code": la_code, "neighbours": codes})
        if not frame.empty:
            frame["neighbour_set"] = bench.neighbour_set(self.connection)[1]
            frame["neighbours_total"] = len(codes)
        return frame

    def exclusion_rates_england(self) -> pd.DataFrame:
        """England's published annual exclusion rates by SEN group (2011/12–2016/17)."""
        return self._frame("published_exclusions_england", {})

    def _frame(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        import pandas as pd

        try:
            return self.connection.execute(_sql(name), params or None).fetch_df()
        except duckdb.CatalogException:  # a published file built before these tables existed
            return pd.DataFrame()

    def reconcile(self, warehouse: Warehouse, la_code: str, year: int) -> dict[str, Any]:
        """Our SEN2 20-week figures beside DfE's for the LA and year, with explanations."""
        la = self.resolve_la(la_code)
        return _benchmark().reconcile(warehouse.connection, self.connection, la, year)

    # NHS published waiting times (issue 12, etl.published.waits).
    def waits_published(self, area: str, month: dt.date | None = None) -> dict[str, Any]:
        """An area's published CYP waits for a month (latest by default) beside England's."""
        from etl.published import waits

        return waits.published_waits(self.connection, area, month)

    def waits_trend(self, level: str, code: str) -> list[dict[str, Any]]:
        """Every month loaded for one organisation: per service the list and % over 18 weeks."""
        from etl.published import waits

        return waits.trend(self.connection, level, code)

    def waits_icbs(self) -> list[tuple[str, str]]:
        """(code, name) of every ICB in the published waiting lists."""
        from etl.published import waits

        return waits.icbs(self.connection)

    def autism_waits(self, la_name: str | None) -> list[dict[str, Any]]:
        """Latest autism first-appointment figures: England, the LA's region and sub-ICB."""
        from etl.published import waits

        return waits.autism(self.connection, la_name)

    def reconcilable_years(self, warehouse: Warehouse, la_code: str) -> list[int]:
        """Calendar years our data covers in full and DfE has published for the LA."""
        return _benchmark().reconcilable_years(
            warehouse.connection, self.connection, self.resolve_la(la_code)
        )


def explanation_cases(warehouse: Warehouse, year: int, reason: str) -> pd.DataFrame:
    """Row-level: the cases behind one reconciliation explanation (references only)."""
    return _benchmark().explanation_cases(warehouse.connection, year, reason)


def annual_review_kpis(
    con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The ``annual_reviews`` KPI section (keys fixed by the CLI) as at a date (default: the
    snapshot). Definitions: ``etl.catalogue`` (``pct_annual_reviews_overdue``, …)."""
    as_of = as_of or metrics.snapshot_date(con)
    # The named query's SQL and percentages, without pandas (``kpis`` starts without it).
    cursor = con.execute(query_sql("annual_reviews"), {"as_of": as_of})
    values = cursor.fetchone()
    assert values is not None
    row = dict(zip([d[0] for d in cursor.description or []], values, strict=True))
    counts = {
        k: int(row[k])
        for k in ("plans_due", "reviews_overdue", "decisions_made", "decisions_within_4_weeks")
    }
    pcts = {
        name: metrics.pct(counts[numerator], counts[denominator])
        for name, (numerator, denominator) in ANNUAL_REVIEW_PCTS.items()
    }
    return {
        "as_of": as_of.isoformat(),
        "plans_due": counts["plans_due"],
        "reviews_overdue": counts["reviews_overdue"],
        "pct_overdue": pcts["pct_overdue"],
        "decisions_made": counts["decisions_made"],
        "decisions_within_4_weeks": counts["decisions_within_4_weeks"],
        "pct_decisions_within_4_weeks": pcts["pct_decisions_within_4_weeks"],
    }


# The figures ``kpis`` shows by default (the snapshot date, its calendar year), stored by every
# build (issue 11): a new process then reads one row instead of scanning the national marts'
# columns from disk (0.13 s of a 0.3 s budget). Computed by the same functions as on demand.
HEADLINES_TABLE = "mart_headline_kpis"
# The input kind whose tables the stored figures are computed from (SEN2's marts and its
# ``warehouse_meta``): a build that leaves that kind's tables as they were keeps them (issue 11).
HEADLINES_KIND = "sen2"


def headlines_code() -> str:
    """A digest of the code that shapes the stored figures (this module, ``etl.metrics`` and the
    annual reviews query): a row stored by other code is not read (the live queries answer until
    the next build), so an upgrade that changes a key or a rounding is never hidden by it."""
    import hashlib

    digest = hashlib.sha256()
    for path in (Path(__file__), Path(metrics.__file__), QUERY_SQL_DIR / "annual_reviews.sql"):
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def store_headlines(con: duckdb.DuckDBPyConnection) -> None:
    """Store the default ``ehcp`` and ``annual_reviews`` sections in the warehouse being built
    (no row when no SEN2 request is loaded: ``kpis`` says so without them)."""
    import json

    con.execute(
        f"CREATE OR REPLACE TABLE {HEADLINES_TABLE} "
        "(ehcp VARCHAR, annual_reviews VARCHAR, code VARCHAR)"
    )
    meta = con.execute("SELECT requests_loaded FROM warehouse_meta").fetchone()
    if not meta or not meta[0]:
        return
    con.execute(
        f"INSERT INTO {HEADLINES_TABLE} VALUES (?, ?, ?)",
        [json.dumps(metrics.ehcp_kpis(con)), json.dumps(annual_review_kpis(con)), headlines_code()],
    )


def read_headlines(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The sections :func:`store_headlines` stored, or None (none stored, an older file, or a
    row stored by other code: :func:`headlines_code`)."""
    import json

    # Looked up in the catalogue first: a missing table would be looked for among Python names.
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = "
        "current_database()",
        [HEADLINES_TABLE],
    ).fetchone()
    if not found or not found[0]:
        return None
    row = con.execute(f"SELECT ehcp, annual_reviews, code FROM {HEADLINES_TABLE}").fetchone()
    if row is None or row[2] != headlines_code():
        return None
    return {"ehcp": json.loads(row[0]), "annual_reviews": json.loads(row[1])}
