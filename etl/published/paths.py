"""Where ``published.duckdb`` lives: a module of its own so the door (``etl.store``) can name it
without importing the readers and the build."""

from __future__ import annotations

from pathlib import Path

PUBLISHED_NAME = "published.duckdb"


def published_path(folder: Path) -> Path:
    """The published-benchmarks database inside a data folder."""
    return folder / PUBLISHED_NAME
