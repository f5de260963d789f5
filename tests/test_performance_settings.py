"""``[performance]`` in the settings (issue 11): DuckDB's memory cap and threads for the build."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import config
from etl.warehouse import building


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    # A new file each time: settings are cached per path.
    path = tmp_path / f"settings_{len(list(tmp_path.glob('settings_*')))}.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(path))


def _build_settings(folder: Path) -> tuple[str, int]:
    with building(folder, folder / "unused.duckdb", publish=False) as con:
        row = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
    assert row is not None
    return str(row[0]), int(row[1])


def test_the_build_connection_takes_the_memory_cap_and_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(tmp_path, monkeypatch, '[performance]\nmemory_limit = "300MB"\nthreads = 1\n')
    limit, threads = _build_settings(tmp_path)
    # DuckDB reports 300 MB (decimal) in binary units: 300,000,000 B / 2**20 = 286.1 MiB.
    assert limit == "286.1 MiB"
    assert threads == 1


def test_blank_settings_leave_duckdb_its_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(tmp_path, monkeypatch, "[performance]\n")
    assert config.settings().performance.duckdb_config() == {}
    _settings(tmp_path, monkeypatch, '[performance]\nmemory_limit = "1GB"\nthreads = 0\n')
    assert config.settings().performance.duckdb_config() == {"memory_limit": "1GB"}


@pytest.mark.parametrize(
    "text", ['memory_limit = "lots"', 'memory_limit = "2 GB; DROP"', "threads = -1"]
)
def test_a_slip_is_refused_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    _settings(tmp_path, monkeypatch, f"[performance]\n{text}\n")
    with pytest.raises(config.SettingsError, match=r"\[performance\]"):
        config.settings()


def test_a_build_past_the_cap_spills_to_disk_instead_of_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1.5 million 32-character hashes sorted: about 100 MB of work under a 40 MB cap.
    _settings(tmp_path, monkeypatch, '[performance]\nmemory_limit = "40MB"\nthreads = 1\n')
    with building(tmp_path, tmp_path / "unused.duckdb", publish=False) as con:
        con.execute(
            "CREATE TABLE sorted AS SELECT md5(range::VARCHAR) AS h FROM range(1500000) ORDER BY h"
        )
        row = con.execute("SELECT count(*), min(h) < max(h) FROM sorted").fetchone()
    assert row == (1_500_000, True)
    assert not list(tmp_path.glob(".build-*")), "the build file and its spill folder are removed"


def test_a_build_spills_beside_its_file_not_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build file is attached (for its row group size), and an attached file's spill folder
    would default to ``.tmp`` in the working folder: it is set beside the build file instead."""
    elsewhere = tmp_path / "working"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _settings(tmp_path, monkeypatch, '[performance]\nmemory_limit = "40MB"\nthreads = 1\n')
    with building(tmp_path, tmp_path / "unused.duckdb", publish=False) as con:
        [(folder, database)] = con.execute(
            "SELECT current_setting('temp_directory'), current_database()"
        ).fetchall()
        con.execute(
            "CREATE TABLE sorted AS SELECT md5(range::VARCHAR) AS h FROM range(1500000) ORDER BY h"
        )
    assert database == "build"
    assert folder.startswith(str(tmp_path / ".build-")) and folder.endswith(".duckdb.tmp")
    assert not list(elsewhere.iterdir()), "nothing is written to the working folder"


def test_a_build_writes_row_groups_of_its_own_size(tmp_path: Path) -> None:
    """Rows go into row groups of ``BUILD_ROW_GROUP_SIZE`` (DuckDB's default is 122,880): a
    table one row longer than two of them takes three."""
    from etl.warehouse import BUILD_ROW_GROUP_SIZE, connect_build

    con = connect_build(tmp_path / "rows.duckdb")
    try:
        con.execute(
            "CREATE TABLE t AS SELECT range AS n FROM range(?)", [2 * BUILD_ROW_GROUP_SIZE + 1]
        )
        con.execute("CHECKPOINT")
        [(groups,)] = con.execute(
            "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')"
        ).fetchall()
    finally:
        con.close()
    assert BUILD_ROW_GROUP_SIZE < 122_880
    assert groups == 3
