"""Profile the warehouse build (issue 11): the time of every SQL statement it runs.

    python scripts/profile_build.py WAREHOUSE [--top 25] [--checks]

Copies the carried tables of a published warehouse (staging rows and load record, exactly as
``python -m etl rebuild`` does) into a new file in a temporary folder, then runs today's build
in one transaction, as a load does (its commit is when the tables are written),
through a connection that times each statement (a script of several statements is split with
DuckDB's own parser and timed statement by statement). ``--checks`` also times each SEN2
loaded-row check on its own (the build runs them as one UNION ALL insert). Prints the slowest
statements first with their seconds; asserts nothing. The warehouse given is only read.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402

from etl import records, warehouse  # noqa: E402
from etl.config import Pseudonymiser, hash_key, settings  # noqa: E402


def _label(sql: str) -> str:
    """The first line of a statement that says what it makes, without comments."""
    for line in sql.splitlines():
        text = line.strip()
        if text and not text.startswith("--"):
            return re.sub(r"\s+", " ", text)[:90]
    return "(empty)"


class TimedConnection:
    """A connection whose ``execute`` times each statement; everything else is passed through."""

    def __init__(self, con: duckdb.DuckDBPyConnection, caller: Callable[[], str]) -> None:
        self._con = con
        self._caller = caller
        self.timings: list[tuple[float, str, str]] = []

    def execute(self, sql: Any, parameters: Any = None) -> Any:
        if not isinstance(sql, str):
            return self._con.execute(sql, parameters)
        # DuckDB finds Arrow tables named in the SQL among the caller's locals ("replacement
        # scans"); this wrapper is a frame in between, so hand them over by name.
        frame = sys._getframe(1)
        scans = [
            name
            for name, value in frame.f_locals.items()
            if type(value).__module__.startswith("pyarrow") and re.search(rf"\b{name}\b", sql)
        ]
        for name in scans:
            self._con.register(name, frame.f_locals[name])
        result = None
        for statement in duckdb.extract_statements(sql):
            text = statement.query
            start = time.perf_counter()
            result = self._con.execute(text, parameters) if parameters else self._con.execute(text)
            self.timings.append((time.perf_counter() - start, self._caller(), _label(text)))
        for name in scans:
            self._con.unregister(name)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _caller() -> str:
    """The module and function of the build that issued the statement."""
    frame = sys._getframe(2)
    while frame is not None and "profile_build" in frame.f_code.co_filename:
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "?"
    module = Path(frame.f_code.co_filename).with_suffix("").parts[-2:]
    return f"{'/'.join(module)}:{frame.f_code.co_name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", type=Path, help="a published warehouse.duckdb (read only)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--checks", action="store_true", help="time each SEN2 check on its own")
    args = parser.parse_args()
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
    with tempfile.TemporaryDirectory(prefix="profile-build-") as tmp:
        path = Path(tmp) / "build.duckdb"
        con = duckdb.connect(str(path), config=settings().performance.duckdb_config())
        start = time.perf_counter()
        warehouse._create_base_tables(con)
        warehouse._copy_previous(con, args.warehouse)
        con.execute("BEGIN TRANSACTION")  # as a load builds: one transaction (etl.warehouse)
        records.store(con, Path(tmp))
        copied = time.perf_counter() - start
        timed = TimedConnection(con, _caller)
        # The SEN2 checks run as one relation inserted at once: time that insert as one entry.
        from etl.inputs.sen2 import build as sen2_build

        run_checks = sen2_build.run_checks

        def timed_checks(c: Any) -> None:
            start = time.perf_counter()
            run_checks(con)
            timed.timings.append(
                (time.perf_counter() - start, "sen2/checks:run_checks", "all SEN2 checks' insert")
            )

        sen2_build.run_checks = timed_checks  # type: ignore[assignment]
        start = time.perf_counter()
        # The folder's own key, as a load there uses it (the build matches keyed hashes).
        pseudo = Pseudonymiser(hash_key(args.warehouse.parent))
        warehouse.build(timed, pseudo)  # type: ignore[arg-type]
        total = time.perf_counter() - start
        start = time.perf_counter()
        con.execute("COMMIT")
        commit = time.perf_counter() - start
        start = time.perf_counter()
        con.execute("CHECKPOINT")
        checkpoint = time.perf_counter() - start
        measured = sum(t for t, _, _ in timed.timings)
        print(
            f"copy carried tables {copied:.2f} s; build {total:.2f} s ({measured:.2f} s in "
            f"{len(timed.timings)} timed steps); commit {commit:.2f} s (the tables written); "
            f"checkpoint {checkpoint:.2f} s"
        )
        for seconds, where, label in sorted(timed.timings, reverse=True)[: args.top]:
            print(f"  {seconds:8.2f} s  {where:<42} {label}")
        if args.checks:
            from etl.inputs.sen2.checks import CHECKS

            print("SEN2 loaded-row checks, each on its own:")
            rows = []
            for check in CHECKS:
                start = time.perf_counter()
                count = check(con).aggregate("count(*)").fetchall()[0][0]
                rows.append((time.perf_counter() - start, check.__name__, count))
            for seconds, name, count in sorted(rows, reverse=True):
                print(f"  {seconds:8.2f} s  {name:<52} {count:>9,} problems")
        con.close()


if __name__ == "__main__":
    main()
