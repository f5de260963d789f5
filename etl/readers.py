"""Readers: the only code in ``etl`` that reads input files from disk.

Each reader turns a file into :class:`RawSheet` objects: rows of raw cell values plus the number a
user would see for each row (the Excel row number, or the CSV line number). Nothing is interpreted
here; header finding and typing happen in ``etl.sen2``.

xlsx is read with python-calamine (the Rust calamine reader; ~25x faster than openpyxl). CSV is read
with the standard library so that line numbers stay exact when a quoted cell holds a line break.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}


class FileProblem(Exception):
    """A file-level problem: nothing is loaded from the file. ``rule`` is a stable code."""

    def __init__(self, rule: str, message: str, sheet: str | None = None):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.sheet = sheet


@dataclass
class RawSheet:
    """One sheet (or CSV file) as read: raw rows and the row number the user sees for each."""

    file: str
    sheet: str | None  # None for a CSV file
    rows: list[list[Any]]
    row_numbers: list[int]

    @property
    def label(self) -> str:
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes: the identity used to skip a file that was already loaded."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: list[Path]) -> list[Path]:
    """Expand folders into the spreadsheet / CSV files they hold (sorted, not recursive)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file()
                    and p.suffix.lower() in SPREADSHEET_SUFFIXES | CSV_SUFFIXES
                    and not p.name.startswith(("~$", "."))
                )
            )
        else:
            files.append(path)
    return files


def read_file(path: Path) -> list[RawSheet]:
    """Read every sheet of a workbook, or a CSV file, into RawSheets. Raises FileProblem."""
    if not path.exists():
        raise FileProblem("file_missing", f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path)]
    if suffix in SPREADSHEET_SUFFIXES:
        return list(_read_workbook(path))
    raise FileProblem(
        "file_wrong_kind",
        f"{path.name} is not a spreadsheet or CSV file (expected .xlsx or .csv)",
    )


def _read_workbook(path: Path) -> Iterator[RawSheet]:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for corrupt files
        raise FileProblem(
            "file_unreadable", f"{path.name} could not be opened as a spreadsheet: {exc}"
        ) from exc
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            raise FileProblem(
                "file_unreadable", f"sheet '{name}' of {path.name} could not be read: {exc}", name
            ) from exc
        # skip_empty_area=False keeps the grid anchored at A1, so list index + 1 is the Excel row.
        yield RawSheet(path.name, name, rows, list(range(1, len(rows) + 1)))


def _read_csv(path: Path) -> RawSheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise FileProblem("file_unreadable", f"{path.name} is not readable text")
    if "\x00" in text[:4096]:
        raise FileProblem("file_unreadable", f"{path.name} looks like a binary file, not a CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[Any]] = []
    numbers: list[int] = []
    line = 1
    try:
        for record in reader:
            rows.append([cell if cell != "" else None for cell in record])
            numbers.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(
            "file_unreadable", f"{path.name} line {line} could not be read as CSV: {exc}"
        ) from exc
    return RawSheet(path.name, None, rows, numbers)
