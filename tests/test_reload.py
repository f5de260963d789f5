"""Publishing is atomic: readers keep answering while a load runs, and a failed or killed load
leaves the previous data serving (DESIGN §2)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from etl import warehouse
from etl.warehouse import run_load
from tests import golden_fixture as gf
from tests import sen2_builders as b

REPO = Path(__file__).resolve().parent.parent


def _requests(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM requests").fetchone()
        assert row is not None
        return int(row[0])
    finally:
        con.close()


def _second_file(tmp_path: Path) -> Path:
    """A flat list with one extra request (R15) on top of the golden fourteen."""
    path = gf.write_flat(tmp_path / "cases_v2.csv")
    with path.open("a") as handle:
        handle.write("P15,Z000000000015,,01/01/2015,R15,01/06/2024,A,,,,,\n")
    return path


def test_reader_keeps_answering_during_reload(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_load([gf.write_flat(tmp_path / "cases.csv")], data)
    published = data / "warehouse.duckdb"
    reader = duckdb.connect(str(published), read_only=True)
    answers: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def keep_reading() -> None:
        while not stop.is_set():
            try:
                row = reader.execute("SELECT count(*) FROM requests").fetchone()
                answers.append(int(row[0]) if row else -1)
            except BaseException as exc:  # any failure is what this test is looking for
                errors.append(exc)
                return

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        # A separate process, as in real use: DuckDB refuses a writer while a reader holds the
        # same file, so this only works because the load writes a new file and swaps it in.
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "etl",
                "load",
                str(_second_file(tmp_path)),
                "--data-dir",
                str(data),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop.set()
        thread.join()
    assert result.returncode == 0, result.stderr
    assert not errors
    assert answers and set(answers) == {14}  # the open connection still sees the old build
    reader.close()
    # A new connection sees the new build: 14 superseded by the same 14 plus R15.
    assert _requests(published) == 15


def test_failed_build_leaves_previous_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    run_load([gf.write_flat(tmp_path / "cases.csv")], data)
    before = (data / "warehouse.duckdb").stat().st_mtime_ns

    def broken(con: duckdb.DuckDBPyConnection, only: set[str] | None = None) -> None:
        raise RuntimeError("simulated failure half-way through a build")

    monkeypatch.setattr(warehouse, "build", broken)
    with pytest.raises(RuntimeError):
        run_load([_second_file(tmp_path)], data)
    assert (data / "warehouse.duckdb").stat().st_mtime_ns == before
    assert _requests(data / "warehouse.duckdb") == 14
    assert not list(data.glob(".build-*"))


def test_killed_load_leaves_previous_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_load([gf.write_flat(tmp_path / "cases.csv")], data)
    # A bigger file so the load is still running when it is killed.
    big = tmp_path / "big.csv"
    with big.open("w") as handle:
        handle.write("Child ID,Date of Birth,Date request was received,Request Outcome\n")
        start = dt.date(2020, 1, 1)
        for i in range(200_000):
            handle.write(f"K{i},01/01/2012,{(start + dt.timedelta(days=i % 1500)):%d/%m/%Y},A\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(big), "--data-dir", str(data)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Whatever point it reached, the published file is a complete build: the old one (14
    # requests) unless the load had already finished (14 + 200,000).
    assert _requests(data / "warehouse.duckdb") in (14, 200_014)


def test_a_killed_loads_build_files_are_removed_by_the_next_load(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # What a load killed mid-build leaves behind: its new database file and its WAL.
    (data / ".build-abc123.duckdb").write_bytes(b"half a warehouse")
    (data / ".build-abc123.duckdb.wal").write_bytes(b"log")
    run_load([b.write_flat_csv(tmp_path / "cases.csv", [b.case("C1", "R1")])], data)
    assert sorted(p.name for p in data.glob(".build-*")) == []
