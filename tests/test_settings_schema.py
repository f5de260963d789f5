"""etl.config reads send_dashboard.toml against its schema (the section dataclasses) without
pydantic (issue 11: importing it and building its models was half of every command's start-up):
each type, rule and unknown key is refused with a message naming the table and key."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from etl import config


def _read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> config.Settings:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(path))
    return config.settings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[thresholds]\nwithin_days = "140"\n',
            "[thresholds] within_days: Input should be a valid integer",
        ),
        (
            "[thresholds]\nwithin_days = true\n",
            "[thresholds] within_days: Input should be a valid integer",
        ),
        (
            "[thresholds]\nwithin_days = 0\n",
            "within_days: Input should be greater than or equal to 1",
        ),
        ("[reading]\nheader_search_rows = 1001\n", "Input should be less than or equal to 1000"),
        ('[rag]\ngreen_max_gap = "10"\n', "[rag] green_max_gap: Input should be a valid number"),
        (
            "[target_rag]\namber_fraction = 1.5\n",
            "[target_rag] amber_fraction: Input should be less",
        ),
        (
            '[benchmark]\nneighbours = "lait"\n',
            "[benchmark] neighbours: Input should be 'dfe' or 'd2i'",
        ),
        ('[audit]\nenabled = "yes"\n', "[audit] enabled: Input should be a valid boolean"),
        (
            '[performance]\nmemory_limit = "lots"\n',
            "[performance] memory_limit: String should match",
        ),
        ("[published]\nsources = 3\n", "[published] sources: Input should be a table"),
        (
            "[published.sources]\nsen2 = 3\n",
            "[published.sources] sen2: Input should be a valid string",
        ),
        ('[waits.services]\ncamhs = "CAMHS"\n', "[waits.services] camhs: Input should be a list"),
        (
            "[waits.services]\ncamhs = [1]\n",
            "[waits.services.camhs] 0: Input should be a valid string",
        ),
        ('[[kpi_links]]\naction = "1"\n', "[kpi_links.0] kpi: Field required"),
        (
            '[[kpi_links]]\nkpi = "open_breached"\naction = "1"\nbaseline_date = "31/03/2025"\n',
            "[kpi_links.0] baseline_date: Input should be a valid date",
        ),
        ("thresholds = 3\n", "thresholds: Input should be a table"),
        ("[thresholds]\nwithin_dayz = 140\n", "[thresholds] within_dayz: unknown setting"),
    ],
)
def test_each_slip_is_named_by_table_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    with pytest.raises(config.SettingsError) as raised:
        _read(tmp_path, monkeypatch, text)
    assert expected in str(raised.value)


def test_every_slip_in_a_file_is_listed_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(config.SettingsError) as raised:
        _read(
            tmp_path,
            monkeypatch,
            "[thresholds]\nwithin_days = 0\nat_risk_dayz = 3\n[rag]\namber_max_gap = -1\n",
        )
    message = str(raised.value)
    for part in ("within_days", "at_risk_dayz: unknown setting", "[rag] amber_max_gap"):
        assert part in message


def test_values_are_read_as_their_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read = _read(
        tmp_path,
        monkeypatch,
        "[thresholds]\nwithin_days = 100\n"
        "[rag]\ngreen_max_gap = 12\n"  # a whole number where a number may have decimals
        '[performance]\nmemory_limit = "2GB"\nthreads = 2\n'
        '[waits.services]\ncamhs = ["CYPMHS"]\n'
        "[[kpi_links]]\n"
        'kpi = "open_breached"\naction = "1"\nbaseline_date = "2025-03-31"\ntarget = 10\n',
    )
    assert read.within_days == 100
    assert read.rag_green_max_gap == 12.0 and isinstance(read.rag_green_max_gap, float)
    assert read.performance.duckdb_config() == {"memory_limit": "2GB", "threads": 2}
    assert read.waits_services == {"camhs": ("CYPMHS",)}
    (link,) = read.kpi_links
    assert link.baseline_date == dt.date(2025, 3, 31)  # written in quotes, still a date


def test_defaults_hold_when_the_file_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = _read(tmp_path, monkeypatch, "")
    assert read == config.Settings()


def test_reading_the_settings_does_not_import_pydantic() -> None:
    script = "import sys, etl.config; etl.config.settings(); print('pydantic' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=config.REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
