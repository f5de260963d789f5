"""Saving our LA to the settings file (``etl.config.save_home_la``): one key changes, nothing
else in the file does, and a file that cannot be changed safely is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import config


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "send_dashboard.toml"
    monkeypatch.setenv("SEND_CONFIG", str(path))
    return path


def test_replaces_the_key_and_keeps_every_other_line(settings_file: Path) -> None:
    text = (
        "# our settings\n[thresholds]\nwithin_days = 140  # 20 weeks\n\n"
        '[benchmark]\n# which LA\nhome_la = ""  # blank: ask\n\n[published.sources]\n'
        'x = "https://example.org/x.csv"\n'
    )
    settings_file.write_text(text, encoding="utf-8")
    config.save_home_la("E08000031")
    assert settings_file.read_text(encoding="utf-8") == text.replace(
        'home_la = ""  # blank: ask', 'home_la = "E08000031"'
    )
    assert config.settings().home_la == "E08000031"  # the cache was cleared


def test_adds_the_key_or_the_table_when_missing(settings_file: Path) -> None:
    settings_file.write_text("[benchmark]\n\n[rag]\ngreen_max_gap = 5\n", encoding="utf-8")
    config.save_home_la("Wolverhampton")
    assert settings_file.read_text(encoding="utf-8") == (
        '[benchmark]\nhome_la = "Wolverhampton"\n\n[rag]\ngreen_max_gap = 5\n'
    )
    settings_file.write_text("[rag]\ngreen_max_gap = 5", encoding="utf-8")  # no final newline
    config.save_home_la('Bath "and" NE Somerset')
    assert config.settings().home_la == 'Bath "and" NE Somerset'
    assert config.settings().rag_green_max_gap == 5
    settings_file.unlink()
    config.save_home_la("336")  # no settings file at all: one is written
    assert config.settings().home_la == "336"


def test_a_broken_file_is_left_alone(settings_file: Path) -> None:
    broken = "[benchmark\nhome_la = 'x'\n"
    settings_file.write_text(broken, encoding="utf-8")
    with pytest.raises(config.SettingsError, match="not valid TOML"):
        config.save_home_la("336")
    assert settings_file.read_text(encoding="utf-8") == broken
    # A home_la set inside a multi-line string is not the key: refused, not half-changed.
    tricky = '[benchmark]\nnote = """\nhome_la = "x"\n"""\n'
    settings_file.write_text(tricky, encoding="utf-8")
    with pytest.raises(config.SettingsError, match="could not be changed safely"):
        config.save_home_la("336")
    assert settings_file.read_text(encoding="utf-8") == tricky
