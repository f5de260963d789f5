"""A load onto a warehouse built by the same code and settings rebuilds only the kinds it changes
(issue 11), and ends with exactly the tables a full rebuild of the same files makes.

Each test loads demo files in steps, records which kinds' builds ran at the last step, and
compares every table of the result, both ways with EXCEPT ALL, with ``rebuild`` (everything
from the staging rows) run on a copy of the same folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from etl import demo, inputs
from etl.inputs.exclusions import demo as exclusions_demo
from etl.inputs.tracker import demo as tracker_demo
from etl.warehouse import rebuild, run_load

SNAPSHOT = demo.DEFAULT_SNAPSHOT


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """One small LA's demo inputs of every kind (generated once for the module)."""
    out = tmp_path_factory.mktemp("demo")
    sen2 = demo.generate(out, seed=5, scale="la")
    trackers = tracker_demo.generate(out, seed=5, snapshot=SNAPSHOT)
    return {
        "sen2": sen2,
        "highlight": sorted(p for p in trackers if "highlight" in p.name),
        "actions": sorted(p for p in trackers if "action" in p.name),
        "exclusions": exclusions_demo.generate(
            out, seed=5, snapshot=SNAPSHOT, sen2_workbook=sen2[0]
        ),
        "waits": sorted(demo.waits_generate(out, seed=5, snapshot=SNAPSHOT)),
    }


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the kinds whose build ran, in order (cleared by each test as it needs)."""
    ran: list[str] = []
    for kind in inputs.kinds():

        def recording(con: duckdb.DuckDBPyConnection, _kind: inputs.InputKind = kind) -> None:
            ran.append(_kind.name)
            type(_kind).build(_kind, con)

        monkeypatch.setattr(kind, "build", recording)
    yield ran


def differences(data: Path, tmp: Path) -> dict[str, tuple[int, int]]:
    """Every table whose rows differ from a full rebuild of the same folder: name → (rows only in
    the incremental build, rows only in the full one). Build times are left out."""
    full = tmp / "full"
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copytree(data, full, ignore=shutil.ignore_patterns("snapshots"))
    rebuild(full)
    con = duckdb.connect()
    con.execute("ATTACH ? AS a (READ_ONLY)", [str(data / "warehouse.duckdb")])
    con.execute("ATTACH ? AS b (READ_ONLY)", [str(full / "warehouse.duckdb")])
    columns: dict[str, dict[str, list[str]]] = {"a": {}, "b": {}}
    for db, table, column in con.execute(
        "SELECT database_name, table_name, column_name FROM duckdb_columns() "
        "WHERE database_name IN ('a', 'b') AND schema_name = 'main' ORDER BY column_index"
    ).fetchall():
        columns[db].setdefault(table, []).append(column)
    assert columns["a"] == columns["b"], "the two builds hold different tables or columns"
    found = {}
    for table, names in columns["a"].items():
        cols = ", ".join(f'"{c}"' for c in names if c != "built_at")
        one_way = [
            con.execute(
                f'SELECT count(*) FROM (SELECT {cols} FROM {x}."{table}" '
                f'EXCEPT ALL SELECT {cols} FROM {y}."{table}")'
            ).fetchall()[0][0]
            for x, y in (("a", "b"), ("b", "a"))
        ]
        if any(one_way):
            found[table] = (one_way[0], one_way[1])
    con.close()
    return found


def fetch(data: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def start(data: Path, files: dict[str, list[Path]]) -> None:
    """The SEN2 return (dated) and one highlight report and action log."""
    run_load(files["sen2"], data, synthetic=True, as_of=SNAPSHOT)
    run_load([files["highlight"][0], files["actions"][0]], data, synthetic=True)


def test_a_tracker_rebuilds_only_the_trackers(
    files: dict[str, list[Path]], built: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    start(data, files)
    built.clear()
    report = run_load([files["highlight"][1]], data, synthetic=True)
    assert built == ["tracker"]
    assert report.published
    assert differences(data, tmp_path) == {}
    # The load log still adds up for every file, old and new, and lists each file once.
    log = fetch(
        data,
        "SELECT file, rows_read, rows_loaded + rows_rejected + rows_superseded "
        "FROM load_log ORDER BY load_id",
    )
    assert [f for f, _, _ in log] == [
        *(p.name for p in files["sen2"]),
        files["highlight"][0].name,
        files["actions"][0].name,
        files["highlight"][1].name,
    ]
    assert all(read == total for _, read, total in log)


def test_exclusions_rebuild_only_themselves_though_they_read_sen2(
    files: dict[str, list[Path]], built: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    start(data, files)
    built.clear()
    run_load(files["exclusions"], data, synthetic=True)
    assert built == ["exclusions"]
    assert differences(data, tmp_path) == {}


def test_a_sen2_file_rebuilds_sen2_and_what_reads_it(
    files: dict[str, list[Path]], built: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    start(data, files)
    run_load(files["exclusions"], data, synthetic=True)
    built.clear()
    later = tmp_path / "later.csv"  # the same LA's return, one request corrected, later
    later.write_text(
        "Person ID,Request ID,ReceivedDate,RequestOutcome\nP-NEW-1,R-NEW-1,2025-10-01,A\n"
    )
    run_load([later], data, synthetic=True)
    assert set(built) == {"sen2", "exclusions"}
    assert built.index("sen2") < built.index("exclusions")
    assert differences(data, tmp_path) == {}


def test_a_change_to_the_load_record_rebuilds_sen2_which_reads_it(
    files: dict[str, list[Path]], built: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    run_load(files["sen2"], data, as_of=SNAPSHOT)  # not marked synthetic
    built.clear()
    run_load(files["waits"][:1], data, synthetic=True)
    # warehouse_meta says whether any loaded file is synthetic: SEN2's marts are remade.
    assert set(built) == {"waits", "sen2", "exclusions"}
    assert fetch(data, "SELECT synthetic FROM warehouse_meta") == [(True,)]
    assert differences(data, tmp_path) == {}
    built.clear()
    run_load(files["waits"][1:2], data, synthetic=True)  # the record's facts stand
    assert built == ["waits"]
    assert differences(data, tmp_path / "again") == {}


def test_a_failed_file_rebuilds_no_kind(
    files: dict[str, list[Path]], built: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    start(data, files)
    built.clear()
    odd = tmp_path / "odd.csv"
    odd.write_text("colour,size\nred,3\n")
    report = run_load([odd], data, synthetic=True)
    assert built == []  # nothing staged: only the load log and problem list change
    assert [r.status for r in report.files] == ["failed"]
    assert differences(data, tmp_path) == {}
    assert fetch(data, "SELECT count(*) FROM load_log WHERE file = 'odd.csv'") == [(1,)]


def test_a_failed_file_fixed_at_the_same_path_leaves_the_log(
    files: dict[str, list[Path]], built: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    start(data, files)
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"not a workbook")
    assert [r.status for r in run_load([path], data, synthetic=True).files] == ["failed"]
    shutil.copyfile(files["highlight"][1], path)
    built.clear()
    run_load([path], data, synthetic=True)
    assert built == ["tracker"]
    assert fetch(data, "SELECT status FROM load_log WHERE file = 'report.xlsx'") == [("staged",)]
    assert differences(data, tmp_path) == {}


def test_other_settings_rebuild_everything(
    files: dict[str, list[Path]],
    built: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "data"
    start(data, files)
    settings = tmp_path / "settings.toml"
    settings.write_text("[thresholds]\nwithin_days = 139\n")
    monkeypatch.setenv("SEND_CONFIG", str(settings))
    built.clear()
    run_load([files["highlight"][1]], data, synthetic=True)
    # The 20-week threshold is in SEN2's marts: a carried mart would still count 140 days.
    assert set(built) == {k.name for k in inputs.kinds()}
    assert differences(data, tmp_path) == {}


def test_a_warehouse_built_before_the_fingerprint_rebuilds_everything(
    files: dict[str, list[Path]], built: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    start(data, files)
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    con.execute("DROP TABLE build_fingerprint")
    con.close()
    built.clear()
    run_load([files["highlight"][1]], data, synthetic=True)
    assert set(built) == {k.name for k in inputs.kinds()}
    assert fetch(data, "SELECT count(*) FROM build_fingerprint") == [(1,)]
