"""Waiting-list extracts for tests: a CSV in the shape providers send (title rows above the
header, headers spelt their own way). All references are made up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HEADER = (
    "Referral ID",
    "Child ID",
    "Service",
    "Date of referral",
    "First appointment date",
    "Date removed",
    "DOB",
    "Provider",
)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    return f'"{text}"' if "," in text else text


def write_extract(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    extract_date: dt.date | None,
    header: Sequence[str] = HEADER,
) -> Path:
    """Line 1 a title, line 2 the extract date (if any), line 3 blank, line 4 the header, data
    from line 5."""
    lines = ["Children's waiting list (TEST DATA)"]
    lines.append(f"Extract date: {extract_date:%d/%m/%Y}" if extract_date else "Made by a test")
    lines.append("")
    lines.append(",".join(header))
    lines += [",".join(cell(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
