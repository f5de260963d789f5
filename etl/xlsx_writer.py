"""A minimal, fast, deterministic xlsx writer: named sheets of plain cell values, nothing else.

Why not openpyxl: without lxml it spends ~25 µs a cell (25 s for the ``large`` demo workbook);
writing the few SpreadsheetML parts directly costs ~1 µs a cell. Text is written as inline
strings and dates as serial numbers with a date format, exactly what Excel, openpyxl and calamine
expect. Every timestamp (zip entries, document properties) is the ``stamp`` date given, so the
same sheets always give the same bytes.

No styling, formulas, merged cells or shared strings: use openpyxl where a workbook needs those.
"""

from __future__ import annotations

import datetime
import io
import math
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from etl.parse import EXCEL_EPOCH

Sheet = tuple[str, Sequence[Sequence[Any]]]  # sheet name, rows of cell values


def write_xlsx(
    path: Path, sheets: Sequence[Sheet], *, title: str, application: str, stamp: datetime.date
) -> None:
    """Write ``sheets`` to ``path`` (atomically: a temporary file, then a rename).

    Cell values: ``int`` / ``float`` → number, ``datetime.date`` → date, ``None`` (or a float
    NaN) → empty cell, anything else → text (``str(value)``). ``title`` and ``application`` go
    into the document properties.
    """
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(xlsx_bytes(sheets, title=title, application=application, stamp=stamp))
    os.replace(tmp, path)


def xlsx_bytes(
    sheets: Sequence[Sheet], *, title: str, application: str, stamp: datetime.date
) -> bytes:
    """The workbook of :func:`write_xlsx` as bytes (for a download)."""
    created = f"{stamp.isoformat()}T00:00:00Z"
    parts: list[tuple[str, str]] = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/app.xml", _APP.format(application=_xml_text(application))),
        (
            "docProps/core.xml",
            _CORE.format(title=_xml_text(title), application=_xml_text(application), stamp=created),
        ),
        ("xl/workbook.xml", _workbook_xml([name for name, _ in sheets])),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        ("xl/styles.xml", _STYLES),
    ]
    parts += [
        (f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows))
        for i, (_, rows) in enumerate(sheets, start=1)
    ]
    date_time = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            entry = zipfile.ZipInfo(name, date_time=date_time)  # fixed stamp: same bytes each run
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()


_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ROOT_RELS = (
    f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_NS_PKG_REL}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_NS_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{_XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>{application}</Application>'
    "</Properties>"
)
_CORE = (
    f'{_XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator>{application}</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
    "</cp:coreProperties>"
)
# Style 0: general; style 1: dates (custom format 164, as openpyxl writes them).
_STYLES = (
    f'{_XML_DECL}<styleSheet xmlns="{_NS_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def _content_types(n_sheets: int) -> str:
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sml}.worksheet+xml"/>'
        for i in range(1, n_sheets + 1)
    )
    return (
        f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{sml}.styles+xml"/>{sheets}'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _workbook_xml(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    return (
        f'{_XML_DECL}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(n_sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n_sheets + 1)
    )
    return (
        f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">{rels}'
        f'<Relationship Id="rId{n_sheets + 1}" Type="{_NS_REL}/styles" '
        'Target="styles.xml"/></Relationships>'
    )


def _xml_text(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(rows: Sequence[Sequence[Any]]) -> str:
    """A worksheet part: ints and floats as numbers, dates as serials with the date style,
    text inline."""
    width = max((len(r) for r in rows), default=1)
    letters = [_column_letter(i) for i in range(width)]
    epoch = EXCEL_EPOCH.toordinal()
    out = [
        f'{_XML_DECL}<worksheet xmlns="{_NS_MAIN}">'
        f'<dimension ref="A1:{letters[-1]}{max(len(rows), 1)}"/><sheetData>'
    ]
    for number, row in enumerate(rows, start=1):
        cells = []
        for letter, value in zip(letters, row, strict=False):
            kind = type(value)
            if value is None or (kind is float and not math.isfinite(value)):
                continue
            if kind is int or kind is float:
                cells.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
            elif kind is datetime.date:
                serial = value.toordinal() - epoch
                cells.append(f'<c r="{letter}{number}" s="1"><v>{serial}</v></c>')
            else:
                cells.append(
                    f'<c r="{letter}{number}" t="inlineStr"><is><t>'
                    f"{_xml_text(str(value))}</t></is></c>"
                )
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)
