"""Prove that a change to the build changes no result (issue 11).

    python scripts/compare_builds.py DATA_DIR --baseline TREE [--keep DIR]

Copies ``DATA_DIR``'s warehouse (and its key) into two new data folders, runs
``python -m etl rebuild`` in each — one with the baseline tree (a checkout of the code before the
change), one with this tree — and then compares every table the two warehouses hold, both ways,
with ``EXCEPT ALL`` (so a row held twice on one side and once on the other counts too). Columns
that hold the time of the build (``built_at``) or a digest of the code (the stored figures'
``code``) are left out. Prints each table's rows and
differences and each rebuild's time; exits 1 when any table differs or one side lacks a table
or a column. ``DATA_DIR`` is only read.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
# Columns that differ between two builds of the same rows by design: when the build ran.
VOLATILE = {"built_at"}
# Tables a newer build adds on purpose: the build's fingerprint (issue 11's incremental loads)
# and the figures `kpis` shows by default (issue 11, stored so that a new process reads one row).
ADDED = {"build_fingerprint", "mart_headline_kpis"}
# Tables that differ whenever the code does, by design: the fingerprint is a digest of the code.
CODE_DIGESTS = {"build_fingerprint"}
# Columns that are a digest of the code (table → column), left out like VOLATILE: the stored
# figures carry the digest of the code that shaped them (``etl.store.headlines_code``).
CODE_COLUMNS = {("mart_headline_kpis", "code")}


def _rebuild(tree: Path, source: Path, folder: Path) -> float:
    folder.mkdir(parents=True)
    for name in ("warehouse.duckdb", ".hash_key"):
        if (source / name).exists():
            shutil.copy2(source / name, folder / name)
    python = tree / ".venv" / "bin" / "python"
    start = time.perf_counter()
    subprocess.run(
        [str(python if python.exists() else sys.executable), "-m", "etl", "rebuild", "--json"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), "SEND_DATA_DIR": str(folder)},
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def _columns(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = 'main' ORDER BY table_name, column_index",
        [db],
    ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def compare(before: Path, after: Path) -> int:
    """Print every table's differences; the number of tables that differ."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS b (READ_ONLY)", [str(before)])
    con.execute("ATTACH ? AS a (READ_ONLY)", [str(after)])
    old, new = _columns(con, "b"), _columns(con, "a")
    differing = 0
    for table in sorted(old.keys() | new.keys()):
        if table in ADDED and table not in old:
            print(f"  {table:<32} added by the new build (expected)")
            continue
        if table in CODE_DIGESTS and table in old and table in new:
            print(f"  {table:<32} a digest of the code: not compared")
            continue
        if table not in old or table not in new:
            print(f"  {table:<32} only in the {'baseline' if table in old else 'new'} build")
            differing += 1
            continue
        if old[table] != new[table]:
            print(f"  {table:<32} columns differ: {old[table]} against {new[table]}")
            differing += 1
            continue
        # Names from DuckDB's own catalogue, quoted; no value from a file is written into SQL.
        cols = ", ".join(
            f'"{c}"' for c in old[table] if c not in VOLATILE and (table, c) not in CODE_COLUMNS
        )
        rows = con.execute(f'SELECT count(*) FROM b."{table}"').fetchall()[0][0]
        gone = con.execute(
            f'SELECT count(*) FROM (SELECT {cols} FROM b."{table}" '
            f'EXCEPT ALL SELECT {cols} FROM a."{table}")'
        ).fetchall()[0][0]
        added = con.execute(
            f'SELECT count(*) FROM (SELECT {cols} FROM a."{table}" '
            f'EXCEPT ALL SELECT {cols} FROM b."{table}")'
        ).fetchall()[0][0]
        mark = "same" if gone == added == 0 else f"DIFFERS: {gone} only before, {added} only after"
        print(f"  {table:<32} {rows:>10,} rows  {mark}")
        differing += gone != 0 or added != 0
    con.close()
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="a data folder with a warehouse (only read)")
    parser.add_argument("--baseline", type=Path, required=True, help="the code before the change")
    parser.add_argument("--keep", type=Path, help="build here and keep both folders")
    args = parser.parse_args()
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
    with tempfile.TemporaryDirectory(prefix="compare-builds-") as tmp:
        where = args.keep or Path(tmp)
        seconds = {}
        for label, tree in (("baseline", args.baseline.resolve()), ("this tree", REPO)):
            seconds[label] = _rebuild(tree, args.data_dir, where / label.replace(" ", "-"))
            print(f"rebuild with {label}: {seconds[label]:.2f} s", flush=True)
        differing = compare(
            where / "baseline" / "warehouse.duckdb", where / "this-tree" / "warehouse.duckdb"
        )
    print("every table the same" if not differing else f"{differing} table(s) differ")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
