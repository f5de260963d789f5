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
