"""Snapshots (issue 15): every published build of the warehouse, frozen, with where it came from.

Every writer builds a new database file and publishes it with ``os.replace`` (``etl.warehouse.
building``); the published file is never changed in place afterwards. So a snapshot is a folder
``DATA/snapshots/<id>/`` holding *hard links* to the warehouse and the published figures as they
were at that publish (no copy, no time; a plain copy where the file system refuses hard links),
plus a copy of the user records (``etl.records``: RAG overrides) as they stood, which a reader
of that folder attaches instead of today's. A later load replaces ``data/warehouse.duckdb`` with a
new file (a new inode); the snapshot keeps the old one.

- **Ids** are whole numbers, 1, 2, 3… in publish order, never reused (a pruned id stays gone), so
  "snapshot 14" always means the same figures. ``resolve`` also takes a name ("Board 12 March",
  any case), ``latest`` and ``previous``.
- **When**: after each publish of the warehouse (a load, ``rebuild``), of the published figures,
  and after each RAG override (the override changes the figures on screen without a rebuild).
  Nothing is taken while no warehouse exists.
- **The index** is ``DATA/snapshots/index.json``, rewritten whole under the load lock into a
  temporary file that is flushed and moved into place, so a reader sees the old index or the new
  one, never half of one. A snapshot's folder is complete (renamed into place) before the index
  names it and the index forgets a pruned one before its folder is removed, so a killed process
  leaves at worst a folder no index entry names, which the next writer removes.
- **Retention**: ``[snapshots] keep_last`` unnamed, unkept snapshots are kept (newest first);
  older ones are removed on each publish and by ``python -m etl snapshots prune``. Named or kept
  snapshots are never removed.
- **Build version**: each warehouse build is stamped (``build_info``) with :data:`SCHEMA_VERSION`.
  A file built before the stamp, or with a lower version, is "built by an older version": the
  door (``etl.store.Warehouse.open``) refuses it with :class:`OlderWarehouse`, whose message says
  how to fix it (``python -m etl rebuild`` for the current warehouse; an older snapshot is listed
  but not opened).

Nothing here needs Streamlit or pandas.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from etl import config, records

# Bump when a warehouse build's tables, views or macros change so that a file built before
# cannot answer today's queries (the first stamped build is 1; an unstamped file counts as 0).
SCHEMA_VERSION = 1
FOLDER = "snapshots"
INDEX = "index.json"
WAREHOUSE_FILE = "warehouse.duckdb"
PUBLISHED_FILE = "published.duckdb"
TRIGGERS = ("load", "rebuild", "published", "override")
RESERVED = ("latest", "previous")


class SnapshotError(ValueError):
    """A snapshot reference or name that cannot be used; the message says why and what to do."""


class OlderWarehouse(RuntimeError):
    """A warehouse file built by an older version of the code (its tables no longer match)."""

    def __init__(self, path: Path, version: int, snapshot: bool = False) -> None:
        self.path = path
        self.version = version
        if snapshot:
            how = (
                "Its figures cannot be shown by this version; the snapshot is kept as it was. "
                "Choose a newer snapshot."
            )
        else:
            how = (
                "Run `python -m etl rebuild` to rebuild it from the files already loaded with "
                "today's definitions (no input files needed)."
            )
        super().__init__(
            f"The data in {path} was built by an older version of this dashboard (build version "
            f"{version}, this version reads {SCHEMA_VERSION}). {how}"
        )


@dataclass(frozen=True)
class Source:
    """One file a snapshot's figures came from: our data (``kind="data"``) or published
    figures (``kind="published"``), with its content hash (SHA-256) and when it was loaded."""

    kind: str
    file: str
    content_hash: str
    loaded_at: str
    rows: int | None = None
    detail: str = ""  # a data file's shape ("sen2 workbook"), a published file's release


@dataclass(frozen=True)
class Snapshot:
    """One frozen build: open it with ``etl.store.Warehouse.open(snapshot.warehouse_path)``."""

    id: int
    built_at: dt.datetime
    data_date: dt.date | None
    trigger: str
    schema_version: int
    warehouse_path: Path
    published_path: Path | None
    sources: tuple[Source, ...] = ()
    name: str = ""
    kept: bool = False
    synthetic: bool = False

    @property
    def older(self) -> bool:
        """Built by an older version of the code: listed, never opened."""
        return self.schema_version < SCHEMA_VERSION

    @property
    def protected(self) -> bool:
        """Named or kept: retention never removes it."""
        return bool(self.name) or self.kept

    @property
    def label(self) -> str:
        """How the snapshot is called on screen and in packs: "Snapshot 14 of 2 Dec 2026, 'Board
        12 March'" (the data date; the build date when the data has none)."""
        day = self.data_date or self.built_at.date()
        text = f"Snapshot {self.id} of {day.day} {day:%b %Y}"
        return f"{text}, '{self.name}'" if self.name else text

    @property
    def short_label(self) -> str:
        """The name when it has one, else "snapshot 14" (for "since Board 12 March")."""
        return self.name or f"snapshot {self.id}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kept": self.kept,
            "data_date": self.data_date.isoformat() if self.data_date else None,
            "built_at": self.built_at.isoformat(timespec="seconds"),
            "trigger": self.trigger,
            "schema_version": self.schema_version,
            "older_version": self.older,
            "synthetic": self.synthetic,
            "warehouse_path": str(self.warehouse_path),
            "published_path": str(self.published_path) if self.published_path else None,
            "sources": [vars(s) for s in self.sources],
        }


@dataclass
class _Index:
    next_id: int = 1
    entries: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------- reading


def root(folder: Path) -> Path:
    """Where a data folder keeps its snapshots."""
    return folder / FOLDER


def _read_index(folder: Path) -> _Index:
    path = root(folder) / INDEX
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _Index()
    return _Index(int(data.get("next_id", 1)), list(data.get("snapshots", [])))


def _from_entry(folder: Path, entry: dict[str, Any]) -> Snapshot:
    here = root(folder) / str(entry["id"])
    published = here / PUBLISHED_FILE
    return Snapshot(
        id=int(entry["id"]),
        built_at=dt.datetime.fromisoformat(entry["built_at"]),
        data_date=dt.date.fromisoformat(entry["data_date"]) if entry.get("data_date") else None,
        trigger=entry.get("trigger", "load"),
        schema_version=int(entry.get("schema_version", 0)),
        warehouse_path=here / WAREHOUSE_FILE,
        published_path=published if entry.get("published") else None,
        sources=tuple(Source(**s) for s in entry.get("sources", [])),
        name=entry.get("name", ""),
        kept=bool(entry.get("kept", False)),
        synthetic=bool(entry.get("synthetic", False)),
    )


def list_snapshots(folder: Path) -> list[Snapshot]:
    """Every snapshot of a data folder, oldest first (empty when none was taken).

    Read once per version of the index (the dashboard asks on every query): the index is only
    ever replaced whole, so its inode, time and size tell a new version."""
    try:
        info = os.stat(root(folder) / INDEX)
    except FileNotFoundError:
        return []
    return list(_listed(str(folder), (info.st_ino, info.st_mtime_ns, info.st_size)))


@lru_cache(maxsize=16)
def _listed(folder: str, version: tuple[int, int, int]) -> tuple[Snapshot, ...]:
    del version  # part of the cache key only
    found = [_from_entry(Path(folder), e) for e in _read_index(Path(folder)).entries]
    # A folder removed by hand is not offered (the index is only ever written complete).
    return tuple(s for s in found if s.warehouse_path.exists())


def resolve(folder: Path, ref: str | int, *, before: Snapshot | None = None) -> Snapshot:
    """The snapshot ``ref`` means: an id ("14"), a name (any case), "latest" or "previous" (the
    one before ``before``, default the one before the latest). :class:`SnapshotError` if none."""
    shots = list_snapshots(folder)
    if not shots:
        raise SnapshotError(
            f"No snapshots in {folder} yet: one is taken each time data is loaded "
            "(`python -m etl load FILE`)."
        )
    text = str(ref).strip()
    lowered = text.casefold()
    if lowered == "latest":
        return shots[-1]
    if lowered == "previous":
        pivot = before or shots[-1]
        earlier = [s for s in shots if s.id < pivot.id]
        if not earlier:
            raise SnapshotError(f"There is no snapshot before {pivot.label}.")
        return earlier[-1]
    if text.isdigit():
        for shot in shots:
            if shot.id == int(text):
                return shot
        raise SnapshotError(f"No snapshot {text}. {_available(shots)}")
    for shot in shots:
        if shot.name.casefold() == lowered:
            return shot
    raise SnapshotError(f"No snapshot named {text!r}. {_available(shots)}")


def _available(shots: list[Snapshot]) -> str:
    named = [f"{s.id} ('{s.name}')" for s in shots if s.name]
    text = f"Snapshots {shots[0].id}–{shots[-1].id} exist"
    text += f"; named: {', '.join(named)}" if named else ""
    return text + ". List them with `python -m etl snapshots`."


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The build version a (current-schema) connection's warehouse was stamped with; 0 when it
    was built before stamps existed."""
    try:
        row = con.execute("SELECT max(schema_version) FROM build_info").fetchone()
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row and row[0] is not None else 0


def stamp(con: duckdb.DuckDBPyConnection) -> None:
    """Stamp the warehouse being built with this code's build version (``etl.warehouse.build``)."""
    con.execute(
        "CREATE OR REPLACE TABLE build_info AS "
        "SELECT ?::INTEGER AS schema_version, now()::TIMESTAMP AS built_at",
        [SCHEMA_VERSION],
    )


# ---------------------------------------------------------------- writing (under the load lock)


@contextmanager
def _writing(folder: Path) -> Iterator[None]:
    """The load lock (one writer per data folder), for changes made outside a publish."""
    from etl.warehouse import _lock  # the warehouse imports this module

    with _lock(folder):
        yield


def _write_index(folder: Path, index: _Index) -> None:
    where = root(folder)
    where.mkdir(parents=True, exist_ok=True)
    temporary = where / f".{INDEX}.writing"
    text = json.dumps({"format": 1, "next_id": index.next_id, "snapshots": index.entries}, indent=2)
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, where / INDEX)
    _fsync_dir(where)
    _listed.cache_clear()  # a second write within the file system's clock tick looks the same


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder to flush it; its rename is durable
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link(source: Path, target: Path) -> None:
    """A hard link (free, and frozen because published files are only ever replaced), else a
    copy (a file system without hard links, or the folder on another drive)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _clean(folder: Path, index: _Index) -> None:
    """Remove folders no index entry names: left by a process killed mid-snapshot or mid-prune."""
    where = root(folder)
    if not where.exists():
        return
    named = {str(e["id"]) for e in index.entries}
    for child in where.iterdir():
        if child.is_dir() and child.name not in named:
            shutil.rmtree(child, ignore_errors=True)


def warehouse_facts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Data date, build version, synthetic flag and data sources of the warehouse that is
    ``con``'s current database: the build's own connection hands them to :func:`take` (issue 11:
    no second open of the file just published)."""
    version = schema_version(con)
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    data_date = synthetic = None
    if "warehouse_meta" in tables:
        row = con.execute("SELECT snapshot_date, synthetic FROM warehouse_meta").fetchone()
        if row:
            data_date, synthetic = row
    sources: list[dict[str, Any]] = []
    if "load_files" in tables:
        for file, digest, loaded, rows, shape in con.execute(
            "SELECT file, content_hash, loaded_at, rows_read, shape FROM load_files "
            "WHERE status <> 'failed' ORDER BY load_id"
        ).fetchall():
            sources.append(_source("data", file, digest, loaded, rows, shape))
    return {
        "schema_version": version,
        "data_date": data_date.isoformat() if isinstance(data_date, dt.date) else None,
        "synthetic": bool(synthetic),
        "sources": sources,
    }


def _describe(
    warehouse: Path, published: Path | None, facts: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Data date, build version, synthetic flag and sources of a snapshot's files (``facts``:
    the warehouse's, when the caller has them already)."""
    con = duckdb.connect(":memory:")
    try:
        if facts is None:
            con.execute("ATTACH ? AS w (READ_ONLY)", [str(warehouse)])
            con.execute("USE w")
            facts = warehouse_facts(con)
        sources: list[dict[str, Any]] = list(facts["sources"])
        if published is not None:
            con.execute("ATTACH ? AS p (READ_ONLY)", [str(published)])
            try:
                for file, digest, loaded, rows, release in con.execute(
                    "SELECT file, sha256, loaded_at, rows_loaded, release FROM p.pub_file "
                    "WHERE coalesce(message, '') = '' ORDER BY dataset, file"
                ).fetchall():
                    sources.append(_source("published", file, digest, loaded, rows, release))
            except duckdb.CatalogException:  # published figures built before pub_file existed
                pass
    finally:
        con.close()
    return {**facts, "sources": sources}


def _source(
    kind: str, file: Any, digest: Any, loaded: Any, rows: Any, detail: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "file": str(file),
        "content_hash": str(digest or ""),
        "loaded_at": loaded.isoformat(sep=" ", timespec="seconds")
        if isinstance(loaded, dt.datetime)
        else str(loaded or ""),
        "rows": None if rows is None else int(rows),
        "detail": str(detail or ""),
    }


def take(folder: Path, trigger: str, facts: dict[str, Any] | None = None) -> Snapshot | None:
    """Snapshot what is published in ``folder`` now (the caller holds the load lock: it is the
    publish step of ``etl.warehouse.building``), then apply retention. None when no warehouse
    has been published yet. ``facts``: :func:`warehouse_facts` of the warehouse just published,
    when the caller read them before closing it (else the file is opened to read them)."""
    from etl.published import published_path  # the published package imports the warehouse

    live = config.warehouse_path(folder)
    if not live.exists():
        return None
    index = _read_index(folder)
    _clean(folder, index)
    number = index.next_id
    where = root(folder)
    where.mkdir(parents=True, exist_ok=True)
    making = where / f".new-{number}"  # a dot folder: never an id, removed by _clean if left
    shutil.rmtree(making, ignore_errors=True)
    making.mkdir()
    _link(live, making / WAREHOUSE_FILE)
    published = published_path(folder)
    has_published = published.exists()
    if has_published:
        _link(published, making / PUBLISHED_FILE)
    for kind in records.KINDS:  # the records as they stand now (appended to in place: copied)
        mine = folder / kind.file
        if mine.exists():
            shutil.copy2(mine, making / kind.file)
    facts = _describe(
        making / WAREHOUSE_FILE, making / PUBLISHED_FILE if has_published else None, facts
    )
    os.replace(making, where / str(number))
    entry = {
        "id": number,
        "built_at": dt.datetime.now().isoformat(timespec="seconds"),
        "trigger": trigger,
        "published": has_published,
        "name": "",
        "kept": False,
        **facts,
    }
    index.entries.append(entry)
    index.next_id = number + 1
    _retain(folder, index)
    return _from_entry(folder, entry)


def take_now(folder: Path, trigger: str) -> Snapshot | None:
    """:func:`take` for a change that publishes no new file (a RAG override): takes the lock."""
    with _writing(folder):
        return take(folder, trigger)


def _retain(folder: Path, index: _Index) -> list[int]:
    """Drop all but the newest ``keep_last`` unnamed, unkept snapshots: the index first, then
    their folders (a kill in between leaves folders that :func:`_clean` removes)."""
    keep_last = config.settings().snapshots_keep_last
    plain = [e for e in index.entries if not e.get("name") and not e.get("kept")]
    doomed = {int(e["id"]) for e in plain[: max(len(plain) - keep_last, 0)]}
    index.entries = [e for e in index.entries if int(e["id"]) not in doomed]
    _write_index(folder, index)
    for number in sorted(doomed):
        shutil.rmtree(root(folder) / str(number), ignore_errors=True)
    return sorted(doomed)


def prune(folder: Path) -> list[int]:
    """Apply the retention setting now; the ids removed."""
    with _writing(folder):
        index = _read_index(folder)
        removed = _retain(folder, index)
        _clean(folder, index)
        return removed


def _update(folder: Path, ref: str | int, **changes: Any) -> Snapshot:
    with _writing(folder):
        shot = resolve(folder, ref)
        index = _read_index(folder)
        for entry in index.entries:
            if int(entry["id"]) == shot.id:
                entry.update(changes)
        _write_index(folder, index)
    return replace(shot, **changes)


def name(folder: Path, ref: str | int, new_name: str) -> Snapshot:
    """Name a snapshot ("Board 12 March"; "" removes the name). A named snapshot is never pruned.
    Names are unique (any case) and cannot be a number, "latest" or "previous"."""
    text = " ".join(new_name.split())
    if text.isdigit() or text.casefold() in RESERVED:
        raise SnapshotError(
            f"{text!r} cannot be a name: it would be read as an id or as {'/'.join(RESERVED)}."
        )
    if len(text) > 80:
        raise SnapshotError("A snapshot name is at most 80 characters.")
    target = resolve(folder, ref)
    if text:
        for other in list_snapshots(folder):
            if other.id != target.id and other.name.casefold() == text.casefold():
                raise SnapshotError(f"Snapshot {other.id} is already named {other.name!r}.")
    return _update(folder, target.id, name=text)


def keep(folder: Path, ref: str | int, kept: bool = True) -> Snapshot:
    """Keep a snapshot (never pruned) or, with ``kept=False``, let retention prune it again."""
    return _update(folder, ref, kept=kept)
