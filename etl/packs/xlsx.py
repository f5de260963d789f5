"""The pack as a workbook (openpyxl): an About sheet, then one sheet per table.

The About sheet states the mode, scope and snapshot, lists the sheets, and the snapshot's
sources. Each table sheet repeats the mode and snapshot in its second row (a sheet copied out of
the workbook still says what it is), then the headings with their units ("Over 18 weeks (%)")
in row 4 and the rows: figures are numbers (a percentage is 61.5 under a "(%)" heading), the
suppression symbol "c" is text, and text starting = + - @ is escaped so it never runs as a
formula. openpyxl rather than etl.xlsx_writer: the pack needs bold headings, widths, number
formats and frozen panes, and its tables are small.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from etl.packs.model import Cell, Column, Pack, Table
from ui.formatting import escape_formula

HEADING_ROW = 4
HEADING_FILL = PatternFill("solid", fgColor="D9D9D9")
NUMBER_FORMATS = {
    "%": "0.0",
    "points": "0.0",
    "ratio": "0.00",
    "per 100": "0.00",
    "items": "0",
    "month": "mmm yyyy",
    "weeks": "0.0",
    "days": "0",
    "count": "#,##0",
    "date": "d mmm yyyy",
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def render(pack: Pack, path: Path) -> None:
    """Write ``pack`` as an .xlsx to ``path`` (atomically: a temporary file, then a rename)."""
    book = build(pack)
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)


def build(pack: Pack) -> Workbook:
    """The workbook: About, then a sheet per table in the pack's order."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "About"
    tables = pack.tables()
    names = sheet_names(tables)
    _about(about, pack, list(zip(names, tables, strict=True)))
    stamp = f"{pack.face.mode_words.split(' - ')[0]} | {pack.face.la} | {pack.face.snapshot_words}"
    for name, table in zip(names, tables, strict=True):
        _table_sheet(book.create_sheet(name), table, stamp)
    book.properties.title = pack.face.title
    book.properties.creator = "SEND Partnership Dashboard"
    # Fixed document times: the same pack gives the same workbook contents.
    created = pack.face.generated_at.replace(microsecond=0)
    book.properties.created = created
    book.properties.modified = created
    return book


def sheet_names(tables: list[Table]) -> list[str]:
    """Unique Excel-legal sheet names (31 characters at most) from each table's sheet or title."""
    used: set[str] = {"about"}
    names = []
    for table in tables:
        words = _BAD_SHEET_CHARS.sub(" ", table.sheet or table.title).split()
        base = " ".join(words)[:31].strip() or "Table"
        name, number = base, 2
        while name.lower() in used:
            suffix = f" ({number})"
            name = base[: 31 - len(suffix)].strip() + suffix
            number += 1
        used.add(name.lower())
        names.append(name)
    return names


def _about(sheet: Worksheet, pack: Pack, contents: list[tuple[str, Table]]) -> None:
    sheet.append([pack.face.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for label, value in pack.face.scope_lines():
        sheet.append([label, escape_formula(value)])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append([])
    sheet.append(["Sheet", "Table"])
    _bold_row(sheet, sheet.max_row)
    for name, table in contents:
        sheet.append([name, escape_formula(table.title)])
    if pack.face.sources:
        sheet.append([])
        sheet.append(["Source file", "SHA-256", "Rows", "Loaded"])
        _bold_row(sheet, sheet.max_row)
        for source in pack.face.sources:
            sheet.append(
                [escape_formula(source.name), source.sha256, source.rows, source.loaded_at or None]
            )
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_col=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _bold_row(sheet: Worksheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def _table_sheet(sheet: Worksheet, table: Table, stamp: str) -> None:
    sheet.append([escape_formula(table.title)])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([escape_formula(stamp)])
    sheet["A2"].font = Font(italic=True)
    sheet.append([])
    sheet.append([escape_formula(column.heading) for column in table.columns])
    for cell in sheet[HEADING_ROW]:
        cell.font = Font(bold=True)
        cell.fill = HEADING_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([_value(value) for value in row])
        for column, cell in zip(table.columns, sheet[sheet.max_row], strict=False):
            _number_format(cell, column, cell.value)
    if table.notes:
        sheet.append([])
        for note in table.notes:
            sheet.append([escape_formula(f"Note: {note}")])
    sheet.freeze_panes = sheet.cell(HEADING_ROW + 1, 1)
    for index, column in enumerate(table.columns, start=1):
        longest = max(
            [len(column.heading) * 0.7, 8.0]
            + [len(str(row[index - 1])) for row in table.rows if row[index - 1] is not None]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, 60)


def _value(value: Cell) -> Cell:
    if isinstance(value, str):
        return escape_formula(value)
    return value


def _number_format(cell: object, column: Column, value: Cell) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | dt.date):
        return
    number_format = NUMBER_FORMATS.get(column.unit)
    if column.decimals is not None and column.unit != "date" and not isinstance(value, dt.date):
        number_format = "#,##0" if column.decimals == 0 else "0." + "0" * column.decimals
    if isinstance(value, dt.date):
        number_format = NUMBER_FORMATS["month" if column.unit == "month" else "date"]
    if number_format:
        cell.number_format = number_format  # type: ignore[attr-defined]
