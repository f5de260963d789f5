"""SQL files of the published build split into named sections (``-- name: tables`` …), each a
list of statements, run with the parameters each statement names (bound, never formatted)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb


@cache
def sections(path: Path) -> dict[str, list[str]]:
    """The file's statements by section name."""
    found: dict[str, list[str]] = {}
    for part in re.split(r"^-- name: ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        name, _, body = part.partition("\n")
        found[name.strip()] = [s.strip() for s in body.split(";\n") if s.strip()]
    return found


def run(con: duckdb.DuckDBPyConnection, path: Path, section: str, **params: Any) -> None:
    """Run one section, binding each statement only the parameters it names."""
    for statement in sections(path)[section]:
        bound = {k: v for k, v in params.items() if f"${k}" in statement}
        con.execute(statement, bound or None)
