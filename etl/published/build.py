"""Build and publish ``published.duckdb``: find the files, read each with its publication's
reader, write the tables (``build.sql``) and publish the new file atomically under the load lock,
the same way the warehouse is published."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from etl.arrow_rows import insert_rows
from etl.checks.published import FILE_UNREADABLE, UNKNOWN_LA
from etl.published import chs, sqlfile, waits
from etl.published.areas import PREDECESSORS, normalise_name
from etl.published.datasets import DATASET_BY_KEY, DATASETS, Dataset, dataset_for, find_files
from etl.published.ees import read_ees
from etl.published.exclusions import read_la_exclusions, read_national_exclusions
from etl.published.neighbours import read_dfe_neighbours, read_neighbours
from etl.published.paths import published_path
from etl.published.records import VALUE_FIELDS, FileLoad, PublishedError, Value
from etl.published.tribunals import read_tribunals

SQL_FILE = Path(__file__).with_name("build.sql")

# Value columns that are not text in the database.
_INTEGER_FIELDS = ("year", "release_rank", "source_row")
_FLOAT_FIELDS = ("value", "numerator", "denominator")


@dataclass
class PublishedReport:
    """What a published load did: one :class:`FileLoad` per file, notes, where it went."""

    files: list[FileLoad]
    notes: list[str]
    published: bool
    path: Path

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)


def _read(
    dataset: Dataset, path: Path, directory: Callable[[], list[tuple[str, str, str, int]]]
) -> FileLoad:
    """One file through its publication's reader."""
    if dataset.kind == "ees":
        return read_ees(path, dataset)
    if dataset.kind == "neighbours":
        return read_neighbours(path)
    if dataset.kind == "neighbours_dfe":
        return read_dfe_neighbours(path)
    if dataset.kind == "exclusions_la":
        return read_la_exclusions(path)
    if dataset.kind == "exclusions_national":
        return read_national_exclusions(path)
    return read_tribunals(path, directory())


def load_published(
    source: Path, folder: Path, *, publish: bool = True, replace: bool = False
) -> PublishedReport:
    """Find, read and publish the published files under ``source`` into ``folder``.

    Datasets not found this time are kept from the previous published file (unless
    ``replace``), so a user can load one new release file at a time.
    """
    from etl.warehouse import _lock, building  # one writer at a time per data folder

    if not source.exists():
        raise PublishedError(f"{source}: no such folder")
    # NHS waiting times (issue 12): CHS workbooks, autism statistics, LA → ICB lookups.
    waits_files = chs.find_files(source)
    if source.is_file():
        dataset = dataset_for(source)
        if dataset is None and not waits_files:
            raise PublishedError(
                f"{source.name}: not a published file this tool knows (expected names like "
                "timeliness_20_week.csv, requests.csv, sen2_mi.csv, stat_neighbours.csv, "
                "Community-health-services-waiting-lists-*.xlsx)"
            )
        paths, notes = ({dataset.key: source} if dataset else {}), list[str]()
    else:
        paths, notes = find_files(source)
    if not paths and not waits_files:
        raise PublishedError(
            f"{source}: no published files found under this folder (looked for "
            + ", ".join(d.key + ".csv" for d in DATASETS if d.kind == "ees")
            + ", the tribunal appeal-rate CSV, the statistical-neighbour lookup and NHS "
            "England's Community-health-services-waiting-lists-*.xlsx)"
        )
    loads: list[FileLoad] = []
    # The tribunal table is matched to the LAs of the EES files, so it is read last.
    for key in sorted(paths, key=lambda k: DATASET_BY_KEY[k].kind == "tribunals"):
        dataset, path = DATASET_BY_KEY[key], paths[key]
        try:
            loads.append(_read(dataset, path, lambda: _la_directory(loads, folder)))
        except (PublishedError, UnicodeDecodeError, csv.Error, OSError) as error:
            failed = FileLoad(key, path, message=str(error))
            rule = error.rule if isinstance(error, PublishedError) else FILE_UNREADABLE
            failed.problem(None, None, rule, str(error))
            loads.append(failed)
    for kind, files in waits_files.items():
        for path in files:
            try:
                loads.append(chs.read(path, kind))
            except (PublishedError, UnicodeDecodeError, csv.Error, OSError, ValueError) as error:
                failed = FileLoad(kind, path, message=str(error))
                rule = error.rule if isinstance(error, PublishedError) else FILE_UNREADABLE
                failed.problem(None, None, rule, str(error))
                loads.append(failed)
    out = published_path(folder)
    with _lock(folder):
        previous = out if out.exists() and not replace else None
        with building(folder, out, publish=publish) as con:
            _build(con, loads, previous)
    return PublishedReport(loads, notes, publish, out)


def _la_directory(loads: list[FileLoad], folder: Path) -> list[tuple[str, str, str, int]]:
    """(3-digit code, 9-character code, name, last year) of every LA in the files read so far,
    or in the previously published file."""
    latest: dict[str, tuple[str, str, str, int]] = {}
    for load in loads:
        for v in load.values:
            if v.level == "LA" and v.year >= latest.get(v.area_code, ("", "", "", 0))[3]:
                latest[v.area_code] = (v.old_la_code or "", v.area_code, v.area_name, v.year)
    if not latest and published_path(folder).exists():
        con = duckdb.connect(":memory:")
        try:
            con.execute("ATTACH ? AS p (READ_ONLY)", [str(published_path(folder))])
            for old, code, name, last in con.execute(
                "SELECT coalesce(old_la_code, ''), la_code, la_name, last_year FROM p.pub_la"
            ).fetchall():
                latest[code] = (old, code, name, int(last))
        finally:
            con.close()
    return list(latest.values())


def _arrow(values: Iterable[Value]) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in VALUE_FIELDS}
    for value in values:
        for name in VALUE_FIELDS:
            columns[name].append(getattr(value, name))
    schema = pa.schema(
        [
            (name, pa.int64())
            if name in _INTEGER_FIELDS
            else (name, pa.float64())
            if name in _FLOAT_FIELDS
            else (name, pa.string())
            for name in VALUE_FIELDS
        ]
    )
    return pa.table(columns, schema=schema)


def _run(con: duckdb.DuckDBPyConnection, section: str, **params: Any) -> None:
    sqlfile.run(con, SQL_FILE, section, **params)


def _build(con: duckdb.DuckDBPyConnection, loads: list[FileLoad], previous: Path | None) -> None:
    """Create the published tables from this load plus kept datasets of the previous file."""
    con.create_function("normalise_name", normalise_name, ["VARCHAR"], "VARCHAR")
    new_values = _arrow(v for load in loads for v in load.values)
    con.register("new_values", new_values)
    _run(con, "tables")
    con.unregister("new_values")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    insert_rows(
        con,
        "pub_file",
        [
            (
                load.dataset,
                load.path.name,
                str(load.path),
                load.release,
                _sha256(load.path),
                load.rows_read,
                load.rows_loaded,
                sum(load.not_used.values()),
                load.rows_rejected,
                load.message,
                now,
            )
            for load in loads
        ],
    )
    insert_rows(
        con,
        "pub_not_used",
        [(load.dataset, load.path.name, r, n) for load in loads for r, n in load.not_used.items()],
    )
    insert_rows(con, "pub_neighbour_raw", [n for load in loads for n in load.neighbours])
    insert_rows(con, "pub_neighbour_code_raw", [n for load in loads for n in load.neighbour_codes])
    loaded_datasets = [load.dataset for load in loads if not load.message]
    if previous is not None:
        con.execute("ATTACH ? AS prev (READ_ONLY)", [str(previous)])
        _run(con, "keep_previous", loaded=loaded_datasets)
        if "stat_neighbours" not in loaded_datasets:
            _run(con, "keep_previous_neighbours")
        if "dfe_neighbours" not in loaded_datasets and con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'prev' "
            "AND table_name = 'pub_neighbour_code_raw'"
        ).fetchone() == (1,):
            _run(con, "keep_previous_dfe_neighbours")
        con.execute("DETACH prev")
    insert_rows(
        con,
        "pub_problem",
        [
            (p["dataset"], p["file"], p["row"], p["column"], p["rule"], p["severity"], p["message"])
            for load in loads
            for p in load.problems
        ],
    )
    insert_rows(
        con,
        "pub_predecessor",
        [(succ, year, pred) for succ, (year, preds) in PREDECESSORS.items() for pred in preds],
    )
    _run(con, "derived")
    waits.build(con, loads, previous)
    unmatched = con.execute(
        "SELECT DISTINCT name FROM pub_neighbour_unmatched ORDER BY name"
    ).fetchall()
    neighbours_file = next(
        (load.path.name for load in loads if load.dataset == "stat_neighbours"), ""
    )
    insert_rows(
        con,
        "pub_problem",
        [
            (
                "stat_neighbours",
                neighbours_file,
                None,
                None,
                UNKNOWN_LA.code,
                "query",
                f"statistical neighbour lookup names {name!r}, which matches no LA in the EES "
                "files; it is left out of neighbour comparisons",
            )
            for (name,) in unmatched
        ],
    )
    _unmatched_dfe_neighbours(con, loads)


def _unmatched_dfe_neighbours(con: duckdb.DuckDBPyConnection, loads: list[FileLoad]) -> None:
    """A query for each LA number in DfE's neighbour workbook that matches no LA."""
    file = next((load.path.name for load in loads if load.dataset == "dfe_neighbours"), "")
    insert_rows(
        con,
        "pub_problem",
        [
            (
                "dfe_neighbours",
                file,
                None,
                None,
                UNKNOWN_LA.code,
                "query",
                f"DfE's statistical-neighbour workbook names LA number {name}, which matches no "
                "LA in the EES files; it is left out of neighbour comparisons",
            )
            for (name,) in con.execute(
                "SELECT name FROM pub_neighbour_dfe_unmatched ORDER BY name"
            ).fetchall()
        ],
    )


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
