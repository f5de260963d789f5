"""Readers: the only code in ``etl`` that reads input files from disk.

Each reader turns a file into :class:`RawSheet` objects: rows of raw cell values plus the number a
user would see for each row (the Excel row number, or the CSV line number). Nothing is interpreted
here; header finding (``etl.headers``) and typing happen in each input kind (``etl.inputs``).

xlsx is read with fastexcel (Rust calamine → Arrow, every cell as text; ~25x faster than openpyxl)
with ``skip_rows=0`` so the grid stays anchored at row 1 and list index + 1 is the Excel row. CSV is
read with the standard library so line numbers stay exact when a quoted cell holds a line break.
Sheets are held column by column as Arrow string arrays, which later steps parse vectorised.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastexcel
import pyarrow as pa

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
    """One sheet (or CSV file) as read: text columns and the row number the user sees per row."""

    file: str
    sheet: str | None  # None for a CSV file
    columns: list[pa.Array]  # string arrays, one per column, all the same length
    row_numbers: list[int]

    @classmethod
    def from_rows(
        cls, file: str, sheet: str | None, rows: list[list[Any]], row_numbers: list[int]
    ) -> RawSheet:
        """Build from row lists (cells as text or None), e.g. a parsed CSV or a test fixture."""
        width = max((len(r) for r in rows), default=0)
        columns = [
            pa.array(
                [None if i >= len(r) or r[i] in (None, "") else str(r[i]) for r in rows],
                pa.string(),
            )
            for i in range(width)
        ]
        return cls(file, sheet, columns, row_numbers)

    @property
    def label(self) -> str:
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file

    @property
    def height(self) -> int:
        return len(self.row_numbers)

    def head(self, n: int) -> list[list[Any]]:
        """The first n rows as lists of cell text (None for a blank cell)."""
        top = [c.slice(0, n).to_pylist() for c in self.columns]
        return [list(r) for r in zip(*top, strict=True)] if top else []

    @property
    def rows(self) -> list[list[Any]]:
        """Every row as a list (slow for big sheets; for tests and small files)."""
        return self.head(self.height)


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
        workbook = fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises several error types for corrupt files
        # The reader's own message is several lines of internals; the first says what is wrong.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileProblem(
            "file_unreadable",
            f"{path.name} could not be opened as a spreadsheet (is it really an .xlsx file, and "
            f"not open or password-protected?): {reason}",
        ) from exc
    for name in workbook.sheet_names:
        try:
            batch = workbook.load_sheet(
                name, header_row=None, skip_rows=0, dtypes="string"
            ).to_arrow()
        except Exception as exc:
            raise FileProblem(
                "file_unreadable", f"sheet '{name}' of {path.name} could not be read: {exc}", name
            ) from exc
        columns = [batch.column(i) for i in range(batch.num_columns)]
        yield RawSheet(path.name, name, columns, list(range(1, batch.num_rows + 1)))


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
    return RawSheet.from_rows(path.name, None, rows, numbers)
