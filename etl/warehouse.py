"""The warehouse: staging → canonical tables → marts, built in a new DuckDB file and published
atomically (DESIGN §2).

A build is a pure function of the files loaded so far: staging rows of every loaded file are kept
in the warehouse, and each load copies them into a fresh database file, adds the new files, rebuilds
the canonical tables, problem list and marts, then swaps the new file in with ``os.replace``. The
dashboard's read-only connection keeps reading the old file until it notices the swap; a killed
load leaves only a stray ``.build-*`` file behind and the published data untouched.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from etl import sen2
from etl.checks import Problem
from etl.config import Pseudonymiser, hash_key, settings, warehouse_path
from etl.readers import FileProblem, content_hash, expand_paths, read_file
from etl.specs.sen2 import MODULES
from etl.tracker import stage as tracker_stage
from etl.tracker import store as tracker_store

SQL_DIR = Path(__file__).parent / "sql"
# Hierarchy order: each module's rows need their parent's rows to have been kept.
MODULE_ORDER = [
    "sen2",
    "person",
    "requests",
    "assessment",
    "named_plan",
    "plan_detail",
    "active_plans",
    "placement_detail",
    "sen_need",
]
# (parent module, child key column, parent key column) for each module; several = any may match.
PARENT_LINKS: dict[str, list[tuple[str, str]]] = {
    "sen2": [],
    "person": [],
    "requests": [("person", "person_key")],
    "assessment": [("requests", "request_key")],
    "named_plan": [("assessment", "assessment_key"), ("requests", "request_key")],
    "plan_detail": [("named_plan", "named_plan_key")],
    "active_plans": [("requests", "request_key")],
    "placement_detail": [("active_plans", "active_plan_key")],
    "sen_need": [("active_plans", "active_plan_key"), ("requests", "request_key")],
}
OWN_KEY = {name: sen2.KEY_COLUMNS[MODULES[name].key or ""][0] for name in MODULE_ORDER}
PARENT_LABEL = {
    "person": "child (Person ID / persontableid)",
    "requests": "request (Request ID / requeststableid)",
    "assessment": "assessment (assessmenttableid)",
    "named_plan": "named plan (namedplantableid)",
    "active_plans": "active plan (activeplanstableid)",
}
# "a child", "an assessment": the article for each parent in messages.
ARTICLE = {
    "person": "a",
    "requests": "a",
    "assessment": "an",
    "named_plan": "a",
    "active_plans": "an",
}
PROBLEM_COLUMNS = ("load_id", "file", "sheet", "row", "column", "rule", "severity", "message")


@dataclass
class FileResult:
    """What happened to one input file."""

    path: Path
    status: str  # "staged", "skipped" (already loaded), "failed"
    message: str = ""
    shape: str = ""
    rows_read: int = 0
    load_id: int | None = None
    content_hash: str = ""
    staged: list[sen2.StagedSheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    tracker: tracker_stage.StagedTracker | None = None  # an improvement-plan tracker workbook


@dataclass
class LoadReport:
    """Outcome of a load or check: per-file results and the published summary."""

    files: list[FileResult]
    published: bool
    summary: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def anything_loaded(self) -> bool:
        return any(s["rows_loaded"] for s in self.summary) if self.summary else False


def stage_file(path: Path, pseudo: Pseudonymiser, as_of: dt.date | None = None) -> FileResult:
    """Read and stage one file. File-level problems load nothing from the file.

    ``as_of`` is the report date of a tracker workbook that does not state its own.
    """
    result = FileResult(path, "staged")
    try:
        result.content_hash = content_hash(path) if path.exists() else ""
        sheets = read_file(path)
        tracker_sheets = tracker_stage.is_tracker(sheets)
        if tracker_sheets is not None:
            result.tracker = tracker_stage.stage_workbook(sheets, tracker_sheets, as_of)
            result.problems.extend(result.tracker.problems)
            result.rows_read = result.tracker.rows_read
            result.shape = result.tracker.shape
            return result
        recognised: list[tuple[Any, sen2.Recognised]] = []
        for sheet in sheets:
            rec = sen2.recognise(sheet)
            if rec is None:
                if any(
                    parse_row
                    for parse_row in sheet.rows
                    if any(c not in (None, "") for c in parse_row)
                ):
                    result.problems.append(
                        Problem(
                            path.name,
                            sheet.sheet,
                            None,
                            None,
                            "sheet_not_recognised",
                            "query",
                            f"{sheet.label}: no SEN2 column headers found in the first "
                            f"{settings().header_search_rows} rows, so this sheet was not loaded",
                        )
                    )
                continue
            missing = sen2.missing_columns(rec)
            if missing:
                raise FileProblem(
                    "column_missing",
                    f"{sheet.label}: required column {', '.join(missing)} is missing "
                    f"(header found on row {sheet.row_numbers[rec.header_index]}); "
                    "nothing was loaded from this file",
                    sheet.sheet,
                )
            recognised.append((sheet, rec))
        if not recognised:
            raise FileProblem(
                "file_no_sheet",
                f"{path.name}: no sheet with recognisable SEN2 "
                "headers (e.g. ReceivedDate, RequestOutcome, persontableid), and no "
                "improvement-plan tracker sheet (a Tasks & Milestones sheet with name, start, end "
                "and % complete, or an action log with action ref, action and due date); "
                "nothing was loaded",
            )
        for sheet, rec in recognised:
            staged = sen2.stage(sheet, rec, pseudo)
            result.staged.append(staged)
            result.problems.extend(staged.problems)
            result.rows_read += staged.rows_read
            if staged.unknown_columns:
                result.problems.append(
                    Problem(
                        path.name,
                        sheet.sheet,
                        sheet.row_numbers[rec.header_index],
                        None,
                        "column_not_used",
                        "query",
                        f"{sheet.label}: columns not used by this tool (not stored): "
                        + ", ".join(staged.unknown_columns),
                    )
                )
        shapes = sorted({s.shape for s in result.staged})
        if shapes == ["flat"]:
            result.shape = "flat case list"
        elif len(shapes) == 1:
            result.shape = f"SEN2 module: {MODULES[shapes[0]].title}"
        else:
            result.shape = f"SEN2 module workbook ({len(result.staged)} sheets)"
    except FileProblem as problem:
        result.status = "failed"
        result.message = problem.message
        result.staged = []
        result.tracker = None
        result.rows_read = 0
        result.problems = [
            Problem(path.name, problem.sheet, None, None, problem.rule, "error", problem.message)
        ]
    return result


@contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """One load at a time per data folder (a second load waits)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".load.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _create_base_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE TABLE IF NOT EXISTS load_files (
            load_id INTEGER, file VARCHAR, path VARCHAR, content_hash VARCHAR, shape VARCHAR,
            status VARCHAR, message VARCHAR, loaded_at TIMESTAMP, rows_read INTEGER,
            synthetic BOOLEAN, as_of DATE);
        CREATE TABLE IF NOT EXISTS file_problems (
            load_id INTEGER, file VARCHAR, sheet VARCHAR, "row" INTEGER, "column" VARCHAR,
            rule VARCHAR, severity VARCHAR, message VARCHAR);
    """)
    for name in MODULE_ORDER:
        schema = sen2.staging_schema(MODULES[name]).append(pa.field("load_id", pa.int32()))
        empty = schema.empty_table()  # noqa: F841 - referenced by name in SQL
        con.execute(f"CREATE TABLE IF NOT EXISTS stg_{name} AS SELECT * FROM empty LIMIT 0")
    tracker_store.create_tables(con)


def _copy_previous(con: duckdb.DuckDBPyConnection, previous: Path) -> None:
    con.execute(f"ATTACH '{previous}' AS prev (READ_ONLY)")
    try:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'prev'"
            ).fetchall()
        }
        for table in [
            "load_files",
            "file_problems",
            *(f"stg_{m}" for m in MODULE_ORDER),
            *tracker_store.CARRIED_TABLES,
        ]:
            if table in tables:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM prev.{table}")
    finally:
        con.execute("DETACH prev")


def _insert_file(
    con: duckdb.DuckDBPyConnection, result: FileResult, synthetic: bool, as_of: dt.date | None
) -> None:
    con.execute(
        "INSERT INTO load_files VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?, ?, ?)",
        [
            result.load_id,
            result.path.name,
            str(result.path),
            result.content_hash,
            result.shape,
            result.status,
            result.message,
            result.rows_read,
            synthetic,
            # A tracker's report date lives with its period; the SEN2 snapshot date is not moved.
            None if result.tracker else as_of,
        ],
    )
    if result.problems:
        rows = [
            (result.load_id, p.file, p.sheet, p.row, p.column, p.rule, p.severity, p.message)
            for p in result.problems
        ]
        con.executemany("INSERT INTO file_problems VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    if result.tracker is not None:
        tracker_store.insert(con, result.tracker, result.load_id)
    for staged in result.staged:
        for module, table in staged.tables.items():
            table = table.append_column(
                "load_id", pa.array([result.load_id] * table.num_rows, pa.int32())
            )
            con.register("incoming", table)
            con.execute(f"INSERT INTO stg_{module} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")


def _build_sql() -> str:
    """SQL that turns staging rows into canonical tables + build problems (generated per module)."""
    parts = [
        "CREATE OR REPLACE TABLE build_problems (load_id INTEGER, file VARCHAR, sheet VARCHAR, "
        '"row" INTEGER, "column" VARCHAR, rule VARCHAR, severity VARCHAR, message VARCHAR);',
        "CREATE OR REPLACE TABLE superseded (module VARCHAR, load_id INTEGER, "
        "source_sheet VARCHAR, source_row INTEGER);",
    ]
    for name in MODULE_ORDER:
        key = OWN_KEY[name]
        title = MODULES[name].title
        parts.append(f"""
        CREATE OR REPLACE TEMP TABLE ranked_{name} AS
        -- A repeated id on one sheet is a duplicate (error); the same record in a later file, or
        -- on another sheet, supersedes the earlier one (the latest load wins).
        SELECT *, row_number() OVER (PARTITION BY {key}, dup_rank = 1
                                     ORDER BY load_id DESC, source_sheet DESC, source_row)
                      AS version_rank
        FROM (SELECT *,
                     row_number() OVER (PARTITION BY load_id, source_sheet, {key}
                                        ORDER BY source_row) AS dup_rank,
                     min(source_row) OVER (PARTITION BY load_id, source_sheet, {key}) AS first_row
              FROM stg_{name});
        INSERT INTO build_problems
        SELECT load_id, source_file, source_sheet, source_row, NULL, 'key_missing', 'error',
               'This {title} row has no id and no parent id, so it cannot be linked'
        FROM ranked_{name} WHERE {key} IS NULL;
        INSERT INTO build_problems
        SELECT load_id, source_file, source_sheet, source_row, NULL, 'duplicate_key', 'error',
               'Duplicate {title} id: the same id is already on row ' || first_row ||
               ' of this sheet; only the first row was loaded'
        FROM ranked_{name} WHERE dup_rank > 1 AND {key} IS NOT NULL;
        INSERT INTO superseded
        SELECT '{name}', load_id, source_sheet, source_row FROM ranked_{name}
        WHERE version_rank > 1 AND dup_rank = 1;""")
        links = PARENT_LINKS[name]
        keep = f"dup_rank = 1 AND version_rank = 1 AND {key} IS NOT NULL"
        if links:
            conditions = " OR ".join(
                f"({col} IS NOT NULL AND {col} IN (SELECT {col} FROM {parent}))"
                if parent != "assessment" or col != "assessment_key"
                else f"({col} IS NOT NULL AND {col} IN (SELECT assessment_key FROM assessment))"
                for parent, col in links
            )
            parent_names = " or ".join(f"{ARTICLE[p]} {PARENT_LABEL[p]}" for p, _ in links)
            parts.append(f"""
            CREATE OR REPLACE TABLE {name} AS
            SELECT * EXCLUDE (dup_rank, version_rank, first_row) FROM ranked_{name}
            WHERE {keep} AND ({conditions});
            INSERT INTO build_problems
            SELECT load_id, source_file, source_sheet, source_row, NULL, 'orphan_row', 'error',
                   'This {title} row points to {parent_names} that was not loaded (missing, '
                   || 'or rejected: see that row''s own problem)'
            FROM ranked_{name} WHERE {keep} AND NOT ({conditions});""")
        else:
            parts.append(f"""
            CREATE OR REPLACE TABLE {name} AS
            SELECT * EXCLUDE (dup_rank, version_rank, first_row) FROM ranked_{name}
            WHERE {keep};""")
    return "\n".join(parts)


def _render(sql_file: str) -> str:
    s = settings()
    return (
        (SQL_DIR / sql_file)
        .read_text()
        .format(
            within_days=s.within_days,
            at_risk_days=s.at_risk_days,
            decision_days=s.decision_days,
            over_year_days=s.over_year_days,
        )
    )


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild canonical tables, the problem list, marts and the load log from staging."""
    con.execute(_build_sql())
    tracker_store.build(con)
    con.execute(_render("checks.sql"))
    con.execute(_render("marts.sql"))


def run_load(
    paths: list[Path],
    folder: Path,
    *,
    synthetic: bool = False,
    replace: bool = False,
    as_of: dt.date | None = None,
    publish: bool = True,
) -> LoadReport:
    """Load files into the warehouse in ``folder`` and publish it (or, for ``check``, don't)."""
    files = expand_paths(paths)
    published = warehouse_path(folder)
    with _lock(folder):
        previous = published if published.exists() and not replace else None
        known = _known_hashes(previous) if previous else {}
        next_id = _next_load_id(previous) if previous else 1
        pseudo = Pseudonymiser(hash_key(folder))
        results: list[FileResult] = []
        staged_now: dict[str, str] = {}
        for path in files:
            digest = content_hash(path) if path.is_file() else ""
            if digest and digest in known:
                results.append(
                    FileResult(
                        path,
                        "skipped",
                        "already loaded (same content); nothing changed",
                        content_hash=digest,
                    )
                )
                continue
            if digest and digest in staged_now:
                results.append(
                    FileResult(
                        path,
                        "skipped",
                        f"same content as {staged_now[digest]} in this load; loaded once",
                        content_hash=digest,
                    )
                )
                continue
            if digest:
                staged_now[digest] = path.name
            result = stage_file(path, pseudo, as_of)
            result.load_id = next_id
            next_id += 1
            results.append(result)
        new = [r for r in results if r.status != "skipped"]
        if not new and previous is not None:
            return LoadReport(results, False, *_summaries(previous))
        with building(folder, published, publish=publish) as con:
            _create_base_tables(con)
            if previous is not None:
                _copy_previous(con, previous)
            for result in new:
                _insert_file(con, result, synthetic, as_of)
            build(con)
            summary, problems = _read_summaries(con)
        return LoadReport(results, publish, summary, problems)


@contextmanager
def building(
    folder: Path, target: Path, *, publish: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new database file in ``folder`` (call under :func:`_lock`).

    When the block ends without error the file is checkpointed, closed and, if ``publish``,
    moved over ``target`` with ``os.replace`` — the atomic publish every writer uses (loads,
    overrides, published figures), so a reader never sees a half-built file. The temporary file
    is removed whatever happens.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=".build-", suffix=".duckdb", dir=folder)
    os.close(fd)
    os.unlink(tmp_name)  # DuckDB wants to create the file itself
    tmp = Path(tmp_name)
    try:
        con = duckdb.connect(str(tmp))
        try:
            yield con
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if publish:
            os.replace(tmp, target)
            _fsync_dir(folder)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()


def rebuild(folder: Path, change: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Apply ``change`` to a copy of the published warehouse, rebuild and publish it atomically.

    For edits that are not file loads (e.g. a RAG override): same lock, same build, same swap.
    """
    published = warehouse_path(folder)
    with _lock(folder):
        if not published.exists():
            raise FileNotFoundError(f"No data loaded yet in {folder}")
        with building(folder, published) as con:
            _create_base_tables(con)
            _copy_previous(con, published)
            change(con)
            build(con)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _next_load_id(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_files").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 1


def _known_hashes(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        # Only files that loaded count: a file that failed (say, a missing column) is retried.
        rows = con.execute(
            "SELECT content_hash, load_id FROM load_files WHERE status = 'staged'"
        ).fetchall()
    finally:
        con.close()
    return {h: i for h, i in rows if h}


def _read_summaries(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from etl.store import problem_list  # the one problem-list query

    return _fetch_dicts(con, "SELECT * FROM load_log ORDER BY load_id"), problem_list(con)


def _fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    """Rows as JSON-friendly dicts (dates and timestamps as ISO strings)."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    convert = [
        i
        for i, d in enumerate(cursor.description)
        if str(d[1]).upper().startswith(("DATE", "TIMESTAMP"))
    ]
    out = []
    for row in rows:
        values = list(row)
        for i in convert:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        out.append(dict(zip(names, values, strict=True)))
    return out


def _summaries(db: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return _read_summaries(con)
    finally:
        con.close()
