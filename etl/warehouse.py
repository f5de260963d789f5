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
import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import duckdb
from filelock import FileLock

from etl import inputs, records, snapshots, store
from etl.build_copy import BackgroundCopy, copy_file, in_background, new_build_path
from etl.checks import Problem
from etl.config import Pseudonymiser, hash_key, settings, warehouse_path
from etl.inputs import StageContext, Staged

# The readers (pyarrow, fastexcel) are imported where files are read, not with this module: an
# incremental load copies the warehouse meanwhile (issue 11).

SQL_DIR = Path(__file__).parent / "sql"


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
    staged: Staged | None = None  # the staging rows, when the file was read
    kind: str = ""  # the input kind that staged it
    problems: list[Problem] = field(default_factory=list)


@dataclass
class LoadReport:
    """Outcome of a load or check: per-file results and the published summary."""

    files: list[FileResult]
    published: bool
    summary: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    # The problems of the files this load read (not those of earlier loads).
    new_problems: list[dict[str, Any]] = field(default_factory=list)


def stage_file(
    path: Path, pseudo: Pseudonymiser, as_of: dt.date | None = None, digest: str | None = None
) -> FileResult:
    """Read and stage one file with the first input kind that recognises it.

    File-level problems load nothing from the file. ``as_of`` is the report date of a tracker
    workbook that does not state its own. ``digest``: the file's content hash, when the caller
    has it already (hashing 200 MB costs half a second).
    """
    from etl.readers import FileProblem, content_hash, read_file

    result = FileResult(path, "staged")
    try:
        # is_file, not exists: a FIFO exists, and hashing it would wait for ever.
        if digest is None:
            digest = content_hash(path) if path.is_file() else ""
        result.content_hash = digest
        sheets = read_file(path)
        context = StageContext(path, pseudo, as_of)
        kinds = inputs.kinds()
        for kind in kinds:
            claim = kind.recognise(sheets, context)
            if claim is not None:
                staged = kind.stage(claim, sheets, context)
                result.kind = kind.name
                break
        else:
            raise FileProblem(
                "file_no_sheet",
                f"{path.name}: no sheet with "
                + ", and no ".join(k.looks_like for k in reversed(kinds))
                + "; nothing was loaded",
            )
        # Lines the reader could not split into cells are read and rejected (issue 9).
        for sheet in sheets:
            for row, rule, message in sheet.rejected:
                staged.problems.append(
                    Problem(path.name, sheet.sheet, row, None, rule, "error", message)
                )
                staged.rows_read += 1
        # Every kind says which sheets with data it did not load (sheet_not_recognised); their
        # rows are read and rejected, so the load log adds up to the file's rows (issue 9).
        unloaded = {p.sheet for p in staged.problems if p.rule == "sheet_not_recognised"}
        for sheet in sheets:
            if sheet.sheet in unloaded:
                for row in sheet.filled_row_numbers():
                    staged.problems.append(
                        Problem(
                            path.name,
                            sheet.sheet,
                            row,
                            None,
                            "sheet_not_loaded",
                            "error",
                            f"{sheet.label} row {row}: this sheet was not recognised, so its rows "
                            "were not loaded (see the sheet_not_recognised query for why)",
                        )
                    )
                    staged.rows_read += 1
        result.staged = staged
        result.problems = staged.problems
        result.rows_read = staged.rows_read
        result.shape = staged.shape
    except FileProblem as problem:
        result.status = "failed"
        result.message = problem.message
        result.staged = None
        result.rows_read = 0
        result.problems = [
            Problem(path.name, problem.sheet, None, None, problem.rule, "error", problem.message)
        ]
    return result


@contextmanager
def _lock(folder: Path) -> Iterator[None]:
    """One load at a time per data folder (a second load waits). ``filelock`` works on Windows
    too, where councils' analysts often run the CLI."""
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder / ".load.lock"):
        # Whoever holds the lock is the only writer, so any build file left now is from a load
        # that was killed: it holds pseudonymised rows nobody will publish.
        for stale in folder.glob(".build-*.duckdb*"):
            stale.unlink(missing_ok=True)
        yield


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
    from etl.arrow_rows import create_staging_tables

    for kind in inputs.kinds():
        create_staging_tables(con, kind.staging)
        kind.create_tables(con)
    records.create_tables(con)


def _carried_tables() -> list[str]:
    """Tables each build copies from the published warehouse: the load record, every kind's
    staging rows and what each kind asks to carry; everything else is rebuilt from them (user
    records such as overrides come from their own store, ``etl.records``)."""
    tables = ["load_files", "file_problems"]
    for kind in inputs.kinds():
        tables += [*kind.staging, *kind.carried]
    return tables


def _copy_previous(con: duckdb.DuckDBPyConnection, previous: Path) -> None:
    """Copy the carried tables of the published warehouse into the one being built."""
    # The path is bound, not written into the SQL: a folder may be called "Children's services".
    con.execute("ATTACH ? AS prev (READ_ONLY)", [str(previous)])
    try:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'prev'"
            ).fetchall()
        }
        for table in _carried_tables():
            if table in tables:
                # Only the columns both files have: a warehouse built by an older version may
                # hold a column today's build no longer makes (``python -m etl rebuild``).
                columns = ", ".join(f'"{c}"' for c in _shared_columns(con, table))
                con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM prev.{table}")
        records.migrate(con, previous.parent)
    finally:
        con.execute("DETACH prev")


def _migrate_records(con: duckdb.DuckDBPyConnection, previous: Path) -> None:
    """Records kept inside the published warehouse move to their store, as a full build's copy
    does (``records.migrate``), when a load starts from a copy of that warehouse instead: read
    from the copy, which holds them as published (no second open of the published file)."""
    [(copy,)] = con.execute("SELECT current_database()").fetchall()
    records.migrate(con, previous.parent, database=copy)


def _shared_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Columns of ``table`` in both the file being built and the attached ``prev`` (in the new
    file's order); names come from DuckDB's catalogue, never from a file's contents."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = ? "
        "ORDER BY column_index",
        [table, con.execute("SELECT current_database()").fetchone()[0]],  # type: ignore[index]
    ).fetchall()
    theirs = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
            "AND database_name = 'prev'",
            [table],
        ).fetchall()
    }
    return [r[0] for r in rows if r[0] in theirs]


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
            _snapshot(result, as_of),
        ],
    )
    if result.problems:
        rows = [
            (result.load_id, p.file, p.sheet, p.row, p.column, p.rule, p.severity, p.message)
            for p in result.problems
        ]
        from etl.arrow_rows import insert_rows  # pyarrow: only when a file has problems

        insert_rows(con, "file_problems", rows)
    if result.staged is None:
        return
    for name, table in result.staged.tables.items():
        # The load id is bound in SQL: a pyarrow column of it would import pandas (etl.arrow_rows).
        incoming = table  # noqa: F841 - referenced by name in SQL
        con.execute(
            f"INSERT INTO {name} BY NAME SELECT *, ?::INTEGER AS load_id FROM incoming",
            [result.load_id],
        )
    # The rows are in DuckDB now: let their Arrow copies go before the build needs the memory.
    result.staged.tables.clear()


def _size(path: Path) -> int:
    """A file's size in bytes (0 for a folder or a file that cannot be read)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _snapshot(result: FileResult, as_of: dt.date | None) -> dt.date | None:
    """A file's snapshot date: the date it states itself (a SEN2 return's reference date), else
    the load's --as-of. A tracker's report date lives with its period instead."""
    if result.staged is not None and result.staged.as_of is not None:
        return result.staged.as_of
    return as_of if result.staged is None or result.staged.sets_snapshot else None


# Files read and staged ahead of the one being inserted, each on its own thread (issue 11): two
# took the national load from 28.1 s to 26.0 s (medians of 3, alternating) for 0.2 GB more.
STAGED_AHEAD = 2

# The tables every kind's build adds rows to (besides its own): each row belongs to one file.
SHARED_TABLES = ("build_problems", "query_problems", "superseded")


def build(
    con: duckdb.DuckDBPyConnection, pseudo: Pseudonymiser, only: set[str] | None = None
) -> None:
    """Rebuild every kind's canonical tables, checks and marts, then the problem list and the
    load log, from the staging tables. ``pseudo``'s key is bound to the connection (a TEMP
    table, never in the file) for SQL that matches keyed hashes (SEN2's rejected rows).

    ``only`` (issue 11): rebuild just these kinds in a copy of the published warehouse (see
    :func:`stale_kinds`); the other kinds' tables are kept as built. Each row of the shared
    tables, the problem list and the load log belongs to one file, and each file to the kind
    whose staging tables hold its rows, so the rebuilt kinds' rows are removed and made again
    and the load log is remade for their files and this load's new ones only.
    """
    pseudo.bind(con)
    kinds = inputs.kinds()
    if only is None:
        con.execute("""
            CREATE OR REPLACE TABLE build_problems (
                load_id INTEGER, file VARCHAR, sheet VARCHAR, "row" INTEGER, "column" VARCHAR,
                rule VARCHAR, severity VARCHAR, message VARCHAR);
            CREATE OR REPLACE TABLE query_problems AS SELECT * FROM build_problems LIMIT 0;
            CREATE OR REPLACE TABLE superseded (module VARCHAR, load_id INTEGER,
                source_sheet VARCHAR, source_row INTEGER);
            DROP TABLE IF EXISTS problems;
            DROP TABLE IF EXISTS load_log;
            CREATE OR REPLACE TEMP TABLE log_loads AS SELECT load_id FROM load_files;
        """)
    else:
        owned = _owned_loads([k for k in kinds if k.name in only])
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE log_loads AS SELECT load_id FROM ({owned}) "
            "UNION SELECT load_id FROM load_files "
            "WHERE status <> 'staged' OR load_id NOT IN (SELECT load_id FROM load_log)"
        )
        for table in SHARED_TABLES:
            con.execute(f"DELETE FROM {table} WHERE load_id IN (SELECT load_id FROM ({owned}))")
    for kind in inputs.build_order(kinds):
        if only is None or kind.name in only:
            kind.build(con)
    # The loads in log_loads belong to the kinds rebuilt (or read no rows), so only those kinds'
    # loaded rows are read: a tracker loaded onto a national warehouse reads none of SEN2's
    # millions. Table names come from the registry, never from a file.
    loaded = " UNION ALL ".join(
        [
            f"SELECT load_id, source_sheet, source_row FROM {kind.name}_loaded_rows"
            for kind in kinds
            if only is None or kind.name in only
        ]
        or [
            "SELECT NULL::INTEGER AS load_id, NULL::VARCHAR AS source_sheet, "
            "NULL::INTEGER AS source_row WHERE false"
        ]
    )
    con.execute((SQL_DIR / "load_log.sql").read_text().replace("{loaded_rows}", loaded))
    if only is None or store.HEADLINES_KIND in only:
        store.store_headlines(con)  # what ``kpis`` shows by default, read by a new process at once
    snapshots.stamp(con)  # which version of the definitions built this file (issue 15)
    con.execute(
        "CREATE OR REPLACE TABLE build_fingerprint AS SELECT ?::VARCHAR AS fingerprint",
        [build_fingerprint()],
    )


def _owned_loads(kinds: list[inputs.InputKind]) -> str:
    """SQL for the load ids whose rows these kinds' staging tables hold (names from the
    registry, never from a file); an empty result when ``kinds`` is empty."""
    parts = [f"SELECT load_id FROM {table}" for kind in kinds for table in kind.staging]
    return " UNION ".join(parts) if parts else "SELECT NULL::INTEGER AS load_id WHERE FALSE"


@functools.cache
def _code_digest() -> str:
    """A digest of the code that builds a warehouse: every ``.py`` and ``.sql`` file of ``etl``."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.sql")]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def build_fingerprint() -> str:
    """What a build's result depends on besides the rows: the code and the settings. A kind's
    tables are carried from the published warehouse only when its fingerprint is today's, so
    an upgrade or a changed threshold rebuilds everything once."""
    return hashlib.sha256(f"{_code_digest()}\0{settings()!r}".encode()).hexdigest()


def carries_forward(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a load may start from a copy of the published warehouse (open on ``con``) and
    rebuild only the kinds it changes (issue 11): only when the same code and settings built it
    (:func:`build_fingerprint`; a warehouse built before this check has none)."""
    # Looked up in the catalogue first: a missing table would otherwise be looked for among
    # this module's Python names (DuckDB's replacement scans).
    if not con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'build_fingerprint' "
        "AND database_name = current_database()"
    ).fetchall()[0][0]:
        return False
    rows = con.execute("SELECT fingerprint FROM build_fingerprint").fetchall()
    return rows == [(build_fingerprint(),)]


def stale_kinds(
    con: duckdb.DuckDBPyConnection, new: list[FileResult], before: tuple[Any, ...]
) -> set[str]:
    """The kinds a load that starts from a copy of the published warehouse must rebuild, once
    this load's files are in ``con`` (issue 11).

    A kind is stale when this load staged a file of it; when it reads the load record
    (``reads_load_record``: SEN2's snapshot date and synthetic flag) and the record's facts
    changed (``before``: :func:`load_facts` before this load's files went in); and when it
    builds after a stale kind (``build_after``: exclusions reads SEN2's tables).
    """
    kinds = inputs.kinds()
    stale = {r.kind for r in new if r.status == "staged" and r.kind}
    if load_facts(con) != before:
        stale |= {k.name for k in kinds if getattr(k, "reads_load_record", False)}
    for kind in inputs.build_order(kinds):
        if set(getattr(kind, "build_after", ())) & stale:
            stale.add(kind.name)
    return stale


def load_facts(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The load record's facts a build reads (``reads_load_record``): the latest snapshot date
    of a loaded file and whether any loaded file is synthetic."""
    return tuple(
        con.execute(
            "SELECT max(as_of), coalesce(bool_or(synthetic), FALSE) FROM load_files "
            "WHERE status = 'staged'"
        ).fetchall()[0]
    )


def run_load(
    paths: list[Path],
    folder: Path,
    *,
    synthetic: bool = False,
    replace: bool = False,
    as_of: dt.date | None = None,
    publish: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> LoadReport:
    """Load files into the warehouse in ``folder`` and publish it (or, for ``check``, don't)."""
    published = warehouse_path(folder)
    with _lock(folder), ExitStack() as cleanup:
        previous = published if published.exists() and not replace else None
        # Issue 11: onto a warehouse built by this code and settings, start from a copy of it
        # and rebuild only the kinds this load changes; otherwise copy the carried tables into
        # a new file and rebuild everything. The copy is made while the files are read (and
        # thrown away if none is new, or if the warehouse cannot be carried forward).
        copy = cleanup.enter_context(BackgroundCopy(previous, folder)) if previous else None
        facts = in_background(_published_facts, previous) if previous else None
        from etl.readers import content_hash, expand_paths  # pyarrow: while those two run

        files = expand_paths(paths)
        known, next_id, carry = facts() if facts is not None else ({}, 1, False)
        if copy is not None and not carry:
            copy.discard()
            copy = None
        pseudo = Pseudonymiser(hash_key(folder))
        results: dict[int, FileResult] = {}  # by the file's place in ``files``
        staged_now: dict[str, str] = {}
        started = time.monotonic()

        def rate() -> str:  # rows read so far per second, for the progress bar
            rows = sum(r.rows_read for r in results.values())
            seconds = time.monotonic() - started
            return f" ({rows:,} rows read, {rows / seconds:,.0f} a second)" if rows else ""

        # Which files to read: a file whose content is loaded already, or is another file of
        # this load, is skipped without reading it.
        todo: list[tuple[int, Path, str]] = []
        for done, path in enumerate(files):
            digest = content_hash(path) if path.is_file() else ""
            if digest and digest in known:
                reason = "already loaded (same content); nothing changed"
            elif digest and digest in staged_now:
                reason = f"same content as {staged_now[digest]} in this load; loaded once"
            else:
                if digest:
                    staged_now[digest] = path.name
                todo.append((done, path, digest))
                continue
            results[done] = FileResult(path, "skipped", reason, content_hash=digest)
        if not todo and previous is not None:
            return LoadReport(list(results.values()), False, *_summaries(previous))
        # --replace forgets the records made so far once the new file is published (before its
        # snapshot is taken, which keeps the records as they then stand).
        forget = (lambda: records.clear(folder)) if replace else None
        # Load ids follow the order the files were given (a later file's record supersedes an
        # earlier one's), whatever order they are read and inserted in (issue 11): biggest
        # first, so that the last to be inserted is small and both cores stay busy to the end.
        load_ids = {done: next_id + i for i, (done, _, _) in enumerate(todo)}
        todo.sort(key=lambda item: -_size(item[1]))
        waiting = iter(todo)
        # Issue 11: files are read and staged on other threads while another's rows go into
        # DuckDB (both release the GIL for their heavy work), each inserted as soon as it is
        # staged, and each file's Arrow tables are dropped once inserted, so at most
        # STAGED_AHEAD + 1 files are held at once. The first files are read while the copy of
        # the warehouse (if any) is finished.
        with ThreadPoolExecutor(max_workers=STAGED_AHEAD) as reader:
            staging: dict[Future[FileResult], tuple[int, Path]] = {}

            def read_next() -> None:
                for done, path, digest in islice(waiting, 1):
                    staging[reader.submit(stage_file, path, pseudo, as_of, digest)] = (done, path)

            for _ in range(STAGED_AHEAD):
                read_next()
            with building(
                folder, published, publish=publish, after_publish=forget, start_from=copy
            ) as con:
                _create_base_tables(con)
                if previous is not None and not carry:
                    _copy_previous(con, previous)
                elif previous is not None:
                    _migrate_records(con, previous)
                # Issue 11: the rows and the build go in as one transaction, so DuckDB writes
                # each table once, at the commit, instead of at every statement (the tables a
                # build replaces or drops never reach the file): 0.31 → 0.07 s to insert the
                # large workbook and 0.69 → 0.44 s to build it, for 0.26 s more at the checkpoint.
                con.execute("BEGIN TRANSACTION")
                before = load_facts(con)
                new: list[FileResult] = []
                while staging:
                    if progress is not None:
                        # Steps done: the files skipped, then those inserted so far.
                        step = len(files) - len(todo) + len(new)
                        reading = ", ".join(p.name for _, p in sorted(staging.values()))
                        progress(f"Reading {reading}{rate()}", step, len(files) + 1)
                    finished, _ = wait(staging, return_when=FIRST_COMPLETED)
                    future = min(finished, key=lambda f: staging[f][0])
                    done, _ = staging.pop(future)
                    read_next()
                    result = future.result()
                    result.load_id = load_ids[done]
                    results[done] = result
                    new.append(result)
                    _insert_file(con, result, synthetic, as_of)
                if progress is not None:
                    progress(f"Building the warehouse{rate()}", len(files), len(files) + 1)
                if not replace:  # --replace starts again without the records made so far
                    records.store(con, folder)
                build(con, pseudo, stale_kinds(con, new, before) if carry else None)
                summary, problems = _read_summaries(con)
                report = LoadReport(
                    [results[i] for i in sorted(results)], publish, summary, problems
                )
                report.new_problems = _problems_of(con, [r.load_id for r in new if r.load_id])
                con.execute("COMMIT")
        return report


def rebuild(folder: Path) -> LoadReport:
    """Rebuild the published warehouse from its own staging tables with today's definitions
    (``python -m etl rebuild``): for a file built by an older version, or after a change to the
    settings' thresholds. No input file is read; the user records are stored afresh; published
    as a new snapshot. :class:`etl.store.NoDatabase` when nothing is loaded."""
    from etl.store import NoDatabase

    published = warehouse_path(folder)
    with _lock(folder):
        if not published.exists():
            raise NoDatabase(str(published))
        with building(folder, published, trigger="rebuild") as con:
            _create_base_tables(con)
            _copy_previous(con, published)
            con.execute("BEGIN TRANSACTION")  # one write of each table (run_load)
            records.store(con, folder)
            build(con, Pseudonymiser(hash_key(folder)))
            summary, problems = _read_summaries(con)
            con.execute("COMMIT")
    return LoadReport([], True, summary, problems)


# Issue 11: every file a build writes keeps its rows in row groups of 16,384 rows (DuckDB's
# default is 122,880). A row group is written out as soon as a statement fills it, on both
# cores, instead of every table at the commit: loading the `large` workbook, the commit fell
# from 0.46-0.64 s to 0.09-0.11 s and the whole load by 0.3-0.5 s (three rounds each,
# alternating; 8,192 did no better, and 32,768 like the default, since every table of that
# workbook then fits in one row group). The file grows by about 5 %.
BUILD_ROW_GROUP_SIZE = 16_384


def connect_build(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection to the build file ``path``, made the current database. It is attached
    rather than opened because ATTACH is where DuckDB takes a row group size; its spill folder
    is set to where DuckDB puts one beside a file it opens itself (``<file>.tmp``), not the
    working directory. The settings' ``[performance]`` apply: a memory cap makes a big build
    spill to disk rather than fail."""
    config = {**settings().performance.duckdb_config(), "temp_directory": f"{path}.tmp"}
    con = duckdb.connect(config=config)
    try:
        # The path is bound, never written into the SQL; the size is this module's constant.
        con.execute(f"ATTACH ? AS build (ROW_GROUP_SIZE {BUILD_ROW_GROUP_SIZE})", [str(path)])
        con.execute("USE build")
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def building(
    folder: Path,
    target: Path,
    *,
    publish: bool = True,
    trigger: str = "",
    after_publish: Callable[[], None] | None = None,
    start_from: Path | BackgroundCopy | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a new database file in ``folder`` (call under :func:`_lock`).

    When the block ends without error the file is checkpointed, closed and, if ``publish``,
    moved over ``target`` with ``os.replace`` — the atomic publish every writer uses (loads,
    overrides, published figures), so a reader never sees a half-built file. The temporary file
    is removed whatever happens. Each publish is then kept as a snapshot (``etl.snapshots``;
    ``trigger`` says why: "load" for the warehouse and "published" for the published figures
    unless given; ``after_publish`` runs between the publish and the snapshot). With
    ``start_from`` the new file starts as a copy of that (closed, published) file instead of
    empty: the published file and its snapshots' hard links are never written to. A
    :class:`~etl.build_copy.BackgroundCopy` is such a copy already under way (issue 11).
    """
    copying = start_from if isinstance(start_from, BackgroundCopy) else None
    tmp = copying.path if copying is not None else new_build_path(folder)
    try:
        if copying is not None:
            copying.wait()
        elif isinstance(start_from, Path):
            copy_file(start_from, tmp)
        is_warehouse = target == warehouse_path(folder)
        facts = None
        con = connect_build(tmp)
        try:
            yield con
            if publish and is_warehouse:  # for the snapshot, without opening the file again
                facts = snapshots.warehouse_facts(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if publish:
            os.replace(tmp, target)
            _fsync_dir(folder)
            if after_publish is not None:
                after_publish()
            snapshots.take(folder, trigger or ("load" if is_warehouse else "published"), facts)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _published_facts(db: Path) -> tuple[dict[str, int], int, bool]:
    """What a load reads from the published warehouse, in one read-only open (each open of the
    national file costs 15-30 ms): the content hashes of the files loaded (hash → load id), the
    next load id, and whether the load may start from a copy (:func:`carries_forward`)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_files").fetchone()
        # Only files that loaded count: a file that failed (say, a missing column) is retried.
        rows = con.execute(
            "SELECT content_hash, load_id FROM load_files WHERE status = 'staged'"
        ).fetchall()
        carry = carries_forward(con)
    finally:
        con.close()
    return {h: i for h, i in rows if h}, int(row[0]) if row else 1, carry


def _problems_of(con: duckdb.DuckDBPyConnection, load_ids: list[int]) -> list[dict[str, Any]]:
    """The problems of these loads only (two files may share a name in different folders)."""
    from etl.store import problem_list

    return problem_list(con, loads=load_ids)


def _read_summaries(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The load log and the whole problem list. The list is ``etl.store.problem_list``'s query
    with no filter, fetched as Arrow (pyarrow is loaded in a load): 15,000 problems at national
    become dicts in 0.04 s instead of 0.08-0.2 s from row tuples (issue 11). Its columns are
    text and integers, which Arrow hands over as the row tuples would."""
    from etl.store import query_sql

    summary = _fetch_dicts(con, "SELECT * FROM load_log ORDER BY load_id")
    every = {"severities": None, "rules": None, "files": None, "loads": None}
    problems: list[dict[str, Any]] = (
        con.sql(query_sql("problems"), params=every).to_arrow_table().to_pylist()
    )
    return summary, problems


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
