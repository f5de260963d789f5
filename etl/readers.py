"""Readers: the only code in ``etl`` that reads input files from disk.

Each reader turns a file into :class:`RawSheet` objects: rows of raw cell values plus the number a
user would see for each row (the Excel row number, or the CSV line number). Nothing is interpreted
here; header finding (``etl.headers``) and typing happen in each input kind (``etl.inputs``).

xlsx is read with fastexcel (Rust calamine → Arrow, every cell as text; ~25x faster than openpyxl)
with ``skip_rows=0`` so the grid stays anchored at row 1 and list index + 1 is the Excel row. A CSV
file is read by DuckDB's ``read_csv`` (all text, in C++, ~10x faster) when that reading provably
matches the standard library's: UTF-8, one record per line (as many records as lines, so line
numbers stay exact), within the limits. Anything else — a quoted cell holding a line break, a
blank line, a cp1252 file, a stray quote, a title line above the header — is read line by line
with the standard library, which keeps exact line numbers and rejects only the bad lines.
Sheets are held column by column as Arrow string arrays, which later steps parse vectorised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import stat
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import fastexcel
import pyarrow as pa
import pyarrow.compute as pc
from defusedxml import ElementTree

from etl.config import Limits, settings

# Arrow's buffers from the C library's malloc, not pyarrow's default (mimalloc): mimalloc hands
# freed memory back to the system and asks for it again as huge pages, which the kernel zeroes
# each time. Staging a million-row Blade file spent more time in the kernel than in its own work
# (issue 11, docs/benchmarks.md). Set once, for the process, when the first file is read.
pa.set_memory_pool(pa.system_memory_pool())

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
XML_SUFFIXES = {".xml"}


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
    # Rows the reader could not split into cells (a CSV line with a runaway quote): (row number,
    # rule, message). They count as read and rejected, so the load log still adds up.
    rejected: list[tuple[int, str, str]] = field(default_factory=list)
    # What the reader knows this sheet holds, beyond its name: for an XML file, the root
    # element's name (each sheet is one kind of record, named by its element path). None for
    # spreadsheets and CSV files, whose sheets are recognised by their headers.
    xml_root: str | None = None
    # A part of a sheet that an input kind cut out for itself (say, one module of a stacked
    # template), named by that kind; None for a whole sheet.
    part: str | None = None

    @classmethod
    def from_rows(
        cls,
        file: str,
        sheet: str | None,
        rows: list[list[Any]],
        row_numbers: list[int],
        rejected: list[tuple[int, str, str]] | None = None,
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
        return cls(file, sheet, columns, row_numbers, rejected or [])

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

    def filled_row_numbers(self) -> list[int]:
        """The row numbers of rows with any non-blank cell (vectorised: cheap on big sheets)."""
        if not self.columns:
            return []
        filled: pa.Array | None = None
        for column in self.columns:
            text = pc.utf8_trim_whitespace(column.cast(pa.string()))
            has = pc.fill_null(pc.not_equal(text, ""), False)
            filled = has if filled is None else pc.or_(filled, has)
        assert filled is not None
        return [self.row_numbers[i] for i in pc.indices_nonzero(filled).to_pylist()]

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
        # is_dir follows links without opening anything, so a FIFO is never read here.
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file()
                    and p.suffix.lower() in SPREADSHEET_SUFFIXES | CSV_SUFFIXES | XML_SUFFIXES
                    and not p.name.startswith(("~$", "."))
                )
            )
        else:
            files.append(path)
    return files


def read_file(path: Path, limits: Limits | None = None) -> list[RawSheet]:
    """Read every sheet of a workbook, or a CSV file, into RawSheets. Raises FileProblem.

    A file past ``limits`` (default: the settings' ``[limits]``) is refused before it is read.
    """
    limits = limits or settings().limits
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise FileProblem("file_missing", f"{path} does not exist") from None
    except OSError as exc:
        raise FileProblem("file_unreadable", f"{path} cannot be opened: {exc.strerror}") from exc
    if not stat.S_ISREG(mode):
        # A FIFO or device would block or never end; only regular files are opened.
        raise FileProblem(
            "file_wrong_kind",
            f"{path.name} is not a regular file (a pipe, device or socket); save the data as an "
            ".xlsx or .csv file and load that",
        )
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES or (suffix in CSV_SUFFIXES and _is_zip(path)):
        # A workbook named .csv is read for what it is.
        return list(_read_workbook(path, limits))
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path, limits)]
    if suffix in XML_SUFFIXES:
        return _read_xml(path, limits)
    raise FileProblem(
        "file_wrong_kind",
        f"{path.name} is not a spreadsheet, CSV or XML file (expected .xlsx, .csv or .xml)",
    )


def _is_zip(path: Path) -> bool:
    """Whether the file starts like a zip (xlsx, xlsm, ods), whatever its name says."""
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


# --------------------------------------------------------------------------- workbooks

# Cell references and rows as openpyxl, Excel and xlsxwriter write them (``r`` first). Only
# references past column Z are matched one by one, so an ordinary sheet (A-Z) costs little.
_WIDE_COLUMN = re.compile(rb'<c r="([A-Z]{2,4})[0-9]')
_NARROW_COLUMN = re.compile(rb'<c r="([A-Z])[0-9]')
_ROW_REF = re.compile(rb'<row r="([0-9]{1,12})"')
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,4})([0-9]{1,9})"')
# Excel's built-in number formats that show a date or time.
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
# A custom format is a date when it holds d, m, y, h or s outside quotes and brackets.
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_CHUNK = 1 << 22
_OVERLAP = 1 << 12  # longer than any cell element the patterns above match
_SHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class _SheetScan:
    """What the pre-read scan found in one worksheet part."""

    rows: int = 0
    columns: int = 0
    longest_text: int = 0  # bytes of the longest text between two tags
    big_numbers: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → value


def _too_large(path: Path, what: str, limit_key: str, limit: int) -> FileProblem:
    return FileProblem(
        "file_too_large",
        f"{path.name} was not read: {what}, past the limit of {limit:,} ([limits] {limit_key} in "
        "the settings file). Delete the unused rows, columns or cells (or split the file) and "
        "save it again, or raise the limit if the file is genuine",
    )


def _scan_sheet(
    zf: zipfile.ZipFile, member: str, text_limit: int, date_styles: set[str], exact: bool = False
) -> _SheetScan:
    """Stream one worksheet's XML (never whole in memory) for its extent and hostile cells."""
    scan = _SheetScan()
    long_text = re.compile(rb">[^<]{%d}" % (text_limit + 1))
    # A number of 8 or more digits in a date-formatted cell: the reader turns any serial past
    # about 95 million (year 262,000) into a blank, so the raw value is kept to put back.
    styles = "|".join(sorted(date_styles)).encode()
    big_number = (
        re.compile(
            rb'<c r="([A-Z]{1,4})([0-9]{1,9})" s="(?:%s)"(?: t="n")?>'
            rb"(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?"
            rb"<v>(-?[0-9]{8,}(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|-?[0-9.]+[eE]\+?[0-9]+)</v>"
            % styles
        )
        if date_styles
        else None
    )
    # Every match of ``big_number`` holds a match of this, which starts at the (far rarer) style
    # rather than at every cell: a chunk without one is passed over at a third of the cost.
    maybe_big = re.compile(
        rb'" s="(?:%s)"(?: t="n")?>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>(?:-?[0-9]{8,}|-?[0-9.]+[eE])'
        % styles
    )
    tail = b""
    with zf.open(member) as handle:
        while block := handle.read(_CHUNK):
            chunk = tail + block
            if dim := _DIMENSION.search(chunk):
                scan.columns = max(scan.columns, _column_number(dim[1]))
                scan.rows = max(scan.rows, int(dim[2]))
            letters = _WIDE_COLUMN.findall(chunk)
            if letters:
                scan.columns = max(scan.columns, *map(_column_number, set(letters)))
            elif exact:
                narrow = _NARROW_COLUMN.findall(chunk)
                if narrow:
                    scan.columns = max(scan.columns, *map(_column_number, set(narrow)))
            elif scan.columns == 0 and _NARROW_COLUMN.search(chunk):
                # Columns A-Z only: the dimension tag's count, else 26 (a tag that lies hides at
                # most 26 columns a row); not worth a match per cell unless a limit is at stake.
                scan.columns = 26
            rows = _ROW_REF.findall(chunk)
            if rows:
                scan.rows = max(scan.rows, *map(int, rows))
            # A cell whose own reference lies below every row tag (the reader places it by the
            # reference): only references with more digits than the furthest row are looked at.
            further = re.findall(
                rb'<c r="[A-Z]{1,4}([0-9]{%d,9})"' % (len(str(scan.rows)) + 1), chunk
            )
            if further:
                scan.rows = max(scan.rows, *map(int, further))
            if long_text.search(chunk):
                scan.longest_text = text_limit + 1
            if big_number is not None and maybe_big.search(chunk):
                for letters, row, value in big_number.findall(chunk):
                    scan.big_numbers[(int(row), _column_number(letters))] = value.decode()
            # Keep the end of the chunk so a cell split between two reads is still seen (a match
            # inside the overlap is simply found twice).
            tail = chunk[-_OVERLAP:]
            if scan.longest_text:
                break
    return scan


def _date_styles(zf: zipfile.ZipFile) -> set[str]:
    """The cell style indices (``s="…"``) whose number format shows a date."""
    if "xl/styles.xml" not in zf.namelist():
        return set()
    root = ElementTree.fromstring(zf.read("xl/styles.xml"))
    custom: dict[str, str] = {}
    styles: set[str] = set()
    for element in root.iter():
        if element.tag.endswith("}numFmt"):
            custom[element.get("numFmtId", "")] = element.get("formatCode", "")
    for element in root.iter():
        if not element.tag.endswith("}cellXfs"):
            continue
        for index, xf in enumerate(x for x in element if x.tag.endswith("}xf")):
            number_format = xf.get("numFmtId", "0")
            code = _FORMAT_NOISE.sub("", custom.get(number_format, "")).lower()
            if (number_format.isdigit() and int(number_format) in _DATE_FORMAT_IDS) or any(
                c in code for c in "dmyhs"
            ):
                styles.add(str(index))
    return styles


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name → sheet name, from the workbook's own list (defusedxml: no entity
    expansion or external entities)."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    }
    parts: dict[str, str] = {}
    for sheet in ElementTree.fromstring(zf.read("xl/workbook.xml")).iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(f"{{{_SHEET_REL}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part in names:
            parts[part] = sheet.get("name", "")
    return parts


def _check_workbook(path: Path, limits: Limits) -> _CheckedWorkbook | None:
    """Refuse a workbook past the workbook-wide limits before the reader opens it: what it
    unpacks to, and a huge shared string. Returns the workbook with its sheet parts for
    :func:`_check_sheet`; None for a file that is not a zip (an old .xls), left to the reader.

    The xlsx reader sizes each sheet by its furthest cell: one cell at XFD1048576 in a 2 KB file
    makes it ask for hundreds of gigabytes and abort the process. So no sheet is read before its
    own scan (:func:`_check_sheet`) has passed.
    """
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return None  # not a zip at all: the reader knows the older formats
    except _ZIP_ERRORS as exc:
        raise _unreadable_zip(path, exc) from exc
    try:
        total = sum(info.file_size for info in zf.infolist())
        if total > limits.uncompressed_bytes:
            raise _too_large(
                path,
                f"it unpacks to {total:,} bytes",
                "uncompressed_bytes",
                limits.uncompressed_bytes,
            )
        try:
            parts = _sheet_parts(zf)
        except ElementTree.ParseError:
            parts = {}
        if not parts:  # not an xlsx (e.g. .ods): the size check above is what we can do
            parts = {name: name for name in zf.namelist() if name.startswith("xl/worksheets/")}
        date_styles = _date_styles(zf)
        # Text shared between cells lives in its own part: one huge string there is as
        # costly as one in a sheet.
        if "xl/sharedStrings.xml" in zf.namelist():
            shared = _scan_sheet(zf, "xl/sharedStrings.xml", limits.chars_per_cell * 6, set())
            if shared.longest_text:
                raise _too_large(
                    path,
                    f"it holds a cell longer than {limits.chars_per_cell:,} characters",
                    "chars_per_cell",
                    limits.chars_per_cell,
                )
    except BaseException as exc:
        zf.close()
        if isinstance(exc, _ZIP_ERRORS):
            raise _unreadable_zip(path, exc) from exc
        raise
    return _CheckedWorkbook(zf, parts, date_styles)


@dataclass
class _CheckedWorkbook:
    """A workbook that passed :func:`_check_workbook`: its zip, open, and its sheet parts."""

    zf: zipfile.ZipFile
    parts: dict[str, str]  # worksheet part → sheet name
    date_styles: set[str]


def _check_sheet(
    path: Path, book: _CheckedWorkbook, part: str, name: str, limits: Limits
) -> _SheetScan:
    """Scan one worksheet part and refuse the file if the sheet is past the limits."""
    try:
        scan = _scan_sheet(book.zf, part, limits.chars_per_cell * 6, book.date_styles)
        if scan.columns > limits.cells_per_row or (
            scan.rows * scan.columns > limits.cells_per_sheet
        ):
            # The quick pass may have counted A-Z as 26 columns: count them exactly
            # before refusing.
            scan = _scan_sheet(book.zf, part, limits.chars_per_cell * 6, book.date_styles, True)
    except _ZIP_ERRORS as exc:
        raise _unreadable_zip(path, exc) from exc
    where = f"sheet '{name}'"
    if scan.longest_text:
        raise _too_large(
            path,
            f"{where} has a cell longer than {limits.chars_per_cell:,} characters",
            "chars_per_cell",
            limits.chars_per_cell,
        )
    if scan.columns > limits.cells_per_row:
        raise _too_large(
            path,
            f"{where} reaches column {scan.columns:,}",
            "cells_per_row",
            limits.cells_per_row,
        )
    if scan.rows > limits.rows_per_sheet:
        raise _too_large(
            path,
            f"{where} reaches row {scan.rows:,}",
            "rows_per_sheet",
            limits.rows_per_sheet,
        )
    if scan.rows * scan.columns > limits.cells_per_sheet:
        raise _too_large(
            path,
            f"{where} spans {scan.rows:,} rows by {scan.columns:,} columns "
            f"({scan.rows * scan.columns:,} cells, counting the empty ones)",
            "cells_per_sheet",
            limits.cells_per_sheet,
        )
    return scan


# What a damaged or unusual zip raises from the standard library (found by the fuzz script).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,  # a damaged member
    NotImplementedError,  # a zip version or compression method zipfile does not know
    RuntimeError,  # an encrypted member
    ElementTree.ParseError,
    OSError,
    EOFError,
    ValueError,
)


def _unreadable_zip(path: Path, exc: BaseException) -> FileProblem:
    return FileProblem(
        "file_unreadable",
        f"{path.name} could not be opened as a spreadsheet (is it really an .xlsx file, and not "
        f"damaged? Open it in Excel and save it again): {_first_line(exc)}",
    )


def _reader_failure(exc: BaseException) -> bool:
    """Whether an exception is the reader failing on the file: any ordinary error, or a panic
    inside the Rust reader, which pyo3 raises as ``PanicException`` (a ``BaseException``, so an
    ``except Exception`` misses it)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _first_line(exc: BaseException) -> str:
    # The reader's own message is several lines of internals; the first says what is wrong.
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _SheetLoads:
    """The reader's side of :func:`_read_workbook`, on a thread of its own: it opens the
    workbook and reads each sheet once that sheet's scan has passed (:meth:`clear`), in the
    workbook's order, while the calling thread scans the next sheet's XML (issue 11: the reader
    lets go of the GIL, so on two cores the scan of the ``large`` workbook, 0.3 s, is hidden
    behind the reading, 0.35 s). It stops at its first failure, or when told to
    (:meth:`stop`); failures are handed back, to be raised in the order they were before.
    """

    def __init__(self, source: Path | bytes) -> None:
        self._source = source
        self._cleared: set[str] = set()
        self._all_cleared = False
        self._stopped = False
        self._changed = threading.Condition()
        self.opening: BaseException | None = None  # the reader could not open the workbook
        self.loaded: list[tuple[str, pa.RecordBatch | BaseException]] = []
        self._thread = threading.Thread(target=self._run, name="sheet-reader", daemon=True)
        self._thread.start()

    def clear(self, name: str | None = None) -> None:
        """Let the sheet ``name`` be read (None: every sheet)."""
        with self._changed:
            if name is None:
                self._all_cleared = True
            else:
                self._cleared.add(name)
            self._changed.notify()

    def stop(self) -> None:
        """Read no further sheet, and wait for the one being read."""
        with self._changed:
            self._stopped = True
            self._changed.notify()
        self._thread.join()

    def results(self) -> _SheetLoads:
        self.clear()
        self._thread.join()
        return self

    def _run(self) -> None:
        try:
            workbook = fastexcel.read_excel(self._source)
        except BaseException as exc:
            self.opening = exc
            return
        for name in workbook.sheet_names:
            with self._changed:
                self._changed.wait_for(
                    lambda: self._stopped or self._all_cleared or name in self._cleared  # noqa: B023
                )
                if self._stopped:
                    return
            try:
                batch = workbook.load_sheet(
                    name, header_row=None, skip_rows=0, dtypes="string"
                ).to_arrow()
            except BaseException as exc:
                self.loaded.append((name, exc))
                return
            self.loaded.append((name, batch))


def _read_workbook(path: Path, limits: Limits) -> Iterator[RawSheet]:
    book = _check_workbook(path, limits)
    # The reader picks its format by the file's name; a zip named .xls (or .csv) is handed over
    # as bytes so that it goes by the content instead.
    source: Path | bytes = path
    if path.suffix.lower() not in (".xlsx", ".xlsm") and _is_zip(path):
        source = path.read_bytes()
    # Each sheet is read once its own scan has passed (a sheet the scan does not know, once
    # every scan has), while the next one is scanned: the same refusals, in the same order.
    loads = _SheetLoads(source)
    scans: dict[str, _SheetScan] = {}
    try:
        if book is not None:
            with book.zf:
                unscanned: dict[str, int] = {}
                for name in book.parts.values():
                    unscanned[name] = unscanned.get(name, 0) + 1
                for part, name in book.parts.items():
                    scans[name] = _check_sheet(path, book, part, name, limits)
                    unscanned[name] -= 1
                    if not unscanned[name]:
                        loads.clear(name)
    except BaseException:
        loads.stop()
        raise
    loads.results()
    if loads.opening is not None:
        if not _reader_failure(loads.opening):
            raise loads.opening
        raise FileProblem(
            "file_unreadable",
            f"{path.name} could not be opened as a spreadsheet (is it really an .xlsx file, and "
            f"not open or password-protected?): {_first_line(loads.opening)}",
        ) from loads.opening
    sheets = []
    for name, batch in loads.loaded:
        if isinstance(batch, BaseException):
            if not _reader_failure(batch):
                raise batch
            raise FileProblem(
                "file_unreadable",
                f"sheet '{name}' of {path.name} could not be read: {_first_line(batch)}; open it "
                "in Excel, check the cells look right and save it again",
                name,
            ) from batch
        columns = [batch.column(i) for i in range(batch.num_columns)]
        scan = scans.get(name)
        if scan and scan.big_numbers:
            columns = _restore_big_numbers(columns, scan.big_numbers)
        for column in columns:
            longest = pc.max(pc.utf8_length(column)).as_py() if len(column) else None
            if longest is not None and longest > limits.chars_per_cell:
                raise _too_large(
                    path,
                    f"sheet '{name}' has a cell of {longest:,} characters",
                    "chars_per_cell",
                    limits.chars_per_cell,
                )
        sheets.append(RawSheet(path.name, name, columns, list(range(1, batch.num_rows + 1))))
    return iter(sheets)


def _restore_big_numbers(
    columns: list[pa.Array], big: dict[tuple[int, int], str]
) -> list[pa.Array]:
    """Put back numbers the reader blanked (a 13-digit id in a date-formatted cell), so that
    the date parser reports them instead of a silent blank."""
    restored = list(columns)
    by_column: dict[int, list[tuple[int, str]]] = {}
    for (row, col), value in big.items():
        by_column.setdefault(col - 1, []).append((row - 1, value))
    for index, cells in by_column.items():
        if index >= len(restored):
            continue
        values = restored[index].to_pylist()
        for row, value in cells:
            if row < len(values) and values[row] is None:
                values[row] = value
        restored[index] = pa.array(values, pa.string())
    return restored


# --------------------------------------------------------------------------- CSV

# A quoted cell may hold line breaks (an address, a note); one still open after this many lines
# is a stray quote, not a cell.
MAX_LINES_PER_RECORD = 50


class _RunawayQuote(Exception):
    """A quoted cell ran past MAX_LINES_PER_RECORD lines."""


class _Lines:
    """The CSV's lines, fed to ``csv.reader`` one at a time so that a record that swallows too
    many lines can be stopped and the reading restarted on the next line."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.position = 0  # index of the next line to hand out
        self.record_start = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        if self.position - self.record_start >= MAX_LINES_PER_RECORD:
            raise _RunawayQuote
        line = self.lines[self.position]
        self.position += 1
        return line


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    # cp1252 leaves five bytes undefined; latin-1 maps every byte, so nothing is refused here.
    return raw.decode("latin-1")


def _delimiter(lines: list[str]) -> str:
    """Comma, or semicolon / tab when the first lines use those instead (a European Excel
    saves "CSV" with semicolons)."""
    sample = "".join(lines[:20])
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _holds_whole_rows(feed: _Lines, delimiter: str, width: int) -> bool:
    """Whether a record spread over several lines swallowed lines that are whole rows by
    themselves (as many delimiters as a row has): two stray quotes, not a cell holding a line
    break. A note or address rarely has a row's worth of commas on one line."""
    inner = feed.lines[feed.record_start + 1 : feed.position - 1]
    return width >= 3 and any(line.count(delimiter) >= width - 1 for line in inner)


def _read_csv(path: Path, limits: Limits) -> RawSheet:
    size = path.stat().st_size
    if size > limits.uncompressed_bytes:
        raise _too_large(
            path, f"it is {size:,} bytes", "uncompressed_bytes", limits.uncompressed_bytes
        )
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise FileProblem(
            "file_unreadable",
            f"{path.name} looks like a binary file, not a CSV; save it from its program as CSV",
        )
    fast = _read_csv_duckdb(path, raw, limits)
    if fast is not None:
        return fast
    text = _decode(raw)
    lines = io.StringIO(text, newline="").readlines()
    delimiter = _delimiter(lines)
    # The csv module's cell limit is process-wide: set for this file, put back afterwards.
    previous_limit = csv.field_size_limit(max(limits.chars_per_cell, 1))
    try:
        return _split_csv(path, lines, delimiter, limits)
    finally:
        csv.field_size_limit(previous_limit)


def _line_count(raw: bytes) -> int:
    """Lines as ``io.StringIO(text, newline="").readlines()`` splits them (at LF, CRLF or a lone
    CR), counted on the bytes (the same in UTF-8)."""
    # ``in`` is a memchr; counting is slower: most files have no CR, or only CRLF endings.
    returns = raw.count(b"\r") if b"\r" in raw else 0
    breaks = raw.count(b"\n") + (returns - raw.count(b"\r\n") if returns else 0)
    return breaks + (0 if raw.endswith((b"\n", b"\r")) else 1)


def _read_csv_duckdb(path: Path, raw: bytes, limits: Limits) -> RawSheet | None:
    """The CSV read by DuckDB, or None when that reading might differ from the standard
    library's (the caller then reads it line by line).

    Taken only when it provably gives the same sheet: valid UTF-8 (DuckDB's encoding), no NUL
    byte, DuckDB reads without error as many records as the file has lines (so no record spans
    lines, no blank line was skipped, and record i is line i), and no limit is passed (the line
    by line reader names the line that passes it). Empty cells, quoted or not, are None in both.
    A file with no double quote cannot hold a quoted line break, so it is read on every core;
    one with quotes is read on one thread, where DuckDB follows quotes across lines.
    """
    if not raw or b"\x00" in raw:
        return None
    if not raw.isascii():  # ASCII is UTF-8; only other bytes need decoding to check
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    line_count = _line_count(raw)
    head = raw[: 1 << 20]
    head_lines = io.StringIO(head.decode("utf-8", "ignore"), newline="").readlines()
    if len(head_lines) <= 20 and len(raw) > len(head):
        return None  # very long lines: let the line-by-line reader choose the delimiter
    delimiter = _delimiter(head_lines[:20])
    try:
        with duckdb.connect() as con:
            con.execute("SET enable_progress_bar = false")  # it would draw on the terminal
            table = con.sql(
                # Empty cells, quoted or not, are None, as the line-by-line reader gives them.
                "SELECT NULLIF(COLUMNS(*), '') FROM read_csv(?, header = false, "
                "all_varchar = true, delim = ?, "
                "quote = '\"', escape = '\"', null_padding = true, strict_mode = true, "
                "skip = 0, comment = '', parallel = ?)",
                params=[str(path), delimiter, b'"' not in raw],
            ).to_arrow_table()
    except duckdb.Error:
        return None
    if (
        table.num_rows != line_count
        or table.num_columns > limits.cells_per_row
        or table.num_rows > limits.rows_per_sheet
    ):
        return None
    columns = [table.column(i).combine_chunks().cast(pa.string()) for i in range(table.num_columns)]
    if len(raw) > limits.chars_per_cell and any(
        # Bytes first (cheap): a cell no longer in bytes than the limit is within it in characters.
        (pc.max(pc.binary_length(c)).as_py() or 0) > limits.chars_per_cell
        and (pc.max(pc.utf8_length(c)).as_py() or 0) > limits.chars_per_cell
        for c in columns
    ):
        return None
    return RawSheet(path.name, None, columns, list(range(1, line_count + 1)))


def _split_csv(path: Path, lines: list[str], delimiter: str, limits: Limits) -> RawSheet:
    """Split the lines into rows; a line that cannot be split is rejected and reading goes on
    at the next line."""
    feed = _Lines(lines)
    rows: list[list[Any]] = []
    numbers: list[int] = []
    rejected: list[tuple[int, str, str]] = []
    width = 0  # the widest one-line row so far: what a record spread over lines must match
    while feed.position < len(lines):
        feed.record_start = feed.position
        # strict: text after a closing quote ("b"x) is an error, not glued on, so a pair of stray
        # quotes on different lines cannot merge those lines into one cell.
        reader = csv.reader(feed, delimiter=delimiter, strict=True)
        try:
            for record in reader:
                spread = feed.position - feed.record_start
                if spread > 1 and (
                    len(record) != width or _holds_whole_rows(feed, delimiter, width)
                ):
                    raise _RunawayQuote
                if len(record) > limits.cells_per_row:
                    raise _too_large(
                        path,
                        f"line {feed.record_start + 1} has {len(record):,} cells",
                        "cells_per_row",
                        limits.cells_per_row,
                    )
                if spread == 1:
                    width = max(width, len(record))
                if len(rows) + len(rejected) >= limits.rows_per_sheet:
                    raise _too_large(
                        path,
                        f"it has more than {limits.rows_per_sheet:,} rows",
                        "rows_per_sheet",
                        limits.rows_per_sheet,
                    )
                rows.append([cell if cell != "" else None for cell in record])
                numbers.append(feed.record_start + 1)
                feed.record_start = feed.position
            break
        except _RunawayQuote:
            line = feed.record_start + 1
            rejected.append(
                (
                    line,
                    "csv_row_unreadable",
                    f'{path.name} line {line}: a double quote (") opens a cell that does not '
                    "close on this line, so the line cannot be split into cells; remove the "
                    "stray quote or close it, then load the file again",
                )
            )
        except csv.Error as exc:
            line = feed.record_start + 1
            if "field larger than field limit" in str(exc):
                raise _too_large(
                    path,
                    f"line {line} has a cell longer than {limits.chars_per_cell:,} characters",
                    "chars_per_cell",
                    limits.chars_per_cell,
                ) from exc
            rejected.append(
                (
                    line,
                    "csv_row_unreadable",
                    f'{path.name} line {line} could not be split into cells: a double quote (") '
                    f"is not where CSV allows it ({exc}); remove the stray quote or put the whole "
                    "cell in quotes, then load the file again",
                )
            )
        feed.position = feed.record_start + 1  # restart on the line after the bad one
    return RawSheet.from_rows(path.name, None, rows, numbers, rejected)


# --------------------------------------------------------------------------- XML

# An XML file is read as tables of records: every element that holds other elements is one
# record of the table named by its element path ("Persons/Person/Requests"), its leaf children
# (elements holding only text) are the columns. Each record carries its own sequence number and
# its parent's, so that an input kind can rebuild the nesting. The row number a user sees is the
# line of the record's start tag (when records share lines, as in a file without line breaks,
# their position in the file instead; the sheet name then says so).
XML_ID = "_element"  # the record's sequence number in the file (1 = the root element)
XML_PARENT = "_parent"  # the sequence number of the element that holds it
MAX_XML_DEPTH = 32  # SEN2 nests 7 deep; deeper is not a return
MAX_XML_TABLES = 1_000  # distinct record paths


@dataclass
class _Element:
    tag: str
    path: str
    number: int
    line: int
    parent: int | None
    fields: dict[str, str | None] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    size: int = 0
    has_children: bool = False


@dataclass
class _XmlTable:
    numbers: list[str] = field(default_factory=list)
    parents: list[str | None] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    # tag → its value in each record so far (tags in first-seen order)
    columns: dict[str, list[str | None]] = field(default_factory=dict)


class _XmlTarget:
    """The parser's target: records by element path, checked against the limits as they come
    (nothing but the records is kept: no element tree)."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.stack: list[_Element] = []
        self.tables: dict[str, _XmlTable] = {}
        self.root: str | None = None
        self.count = 0
        self.line = lambda: 0  # set once the parser exists

    def start(self, tag: str, attrs: Any) -> None:
        local = tag.rsplit("}", 1)[-1]  # a namespace, if any, is not part of the name
        if len(self.stack) >= MAX_XML_DEPTH:
            raise FileProblem(
                "file_unreadable",
                f"{self.path.name} nests elements more than {MAX_XML_DEPTH} deep (line "
                f"{self.line()}); a SEN2 return nests 7 deep, so this file was not read",
            )
        self.count += 1
        parent = self.stack[-1] if self.stack else None
        if parent is None:
            self.root = local
        else:
            parent.has_children = True
        # The root's path is "", so its children's paths start with their own names.
        where = "" if parent is None else (f"{parent.path}/{local}" if parent.path else local)
        self.stack.append(
            _Element(local, where, self.count, self.line(), parent.number if parent else None)
        )

    def data(self, text: str) -> None:
        if not self.stack:
            return
        element = self.stack[-1]
        if element.has_children:
            return  # whitespace between child elements
        element.size += len(text)
        if element.size > self.limits.chars_per_cell:
            raise _too_large(
                self.path,
                f"element <{element.tag}> on line {element.line} holds more than "
                f"{self.limits.chars_per_cell:,} characters",
                "chars_per_cell",
                self.limits.chars_per_cell,
            )
        element.text.append(text)

    def end(self, tag: str) -> None:
        element = self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        if not element.has_children:
            if parent is not None:
                value = "".join(element.text).strip() or None
                # A leaf repeated in one record keeps its first value.
                parent.fields.setdefault(element.tag, value)
            return
        table = self.tables.get(element.path)
        if table is None:
            if len(self.tables) >= MAX_XML_TABLES:
                raise FileProblem(
                    "file_unreadable",
                    f"{self.path.name} holds more than {MAX_XML_TABLES:,} kinds of record; it "
                    "is not a SEN2 return, so it was not read",
                )
            table = self.tables[element.path] = _XmlTable()
        rows = len(table.numbers)
        if rows >= self.limits.rows_per_sheet:
            raise _too_large(
                self.path,
                f"it has more than {self.limits.rows_per_sheet:,} <{element.tag}> records",
                "rows_per_sheet",
                self.limits.rows_per_sheet,
            )
        for tag_name in element.fields:
            if tag_name not in table.columns:
                if len(table.columns) + 2 >= self.limits.cells_per_row:
                    raise _too_large(
                        self.path,
                        f"<{element.tag}> records hold more than {self.limits.cells_per_row:,} "
                        "kinds of element",
                        "cells_per_row",
                        self.limits.cells_per_row,
                    )
                table.columns[tag_name] = [None] * rows
        if (rows + 1) * (len(table.columns) + 2) > self.limits.cells_per_sheet:
            raise _too_large(
                self.path,
                f"its <{element.tag}> records hold more than "
                f"{self.limits.cells_per_sheet:,} values",
                "cells_per_sheet",
                self.limits.cells_per_sheet,
            )
        table.numbers.append(str(element.number))
        table.parents.append(None if element.parent is None else str(element.parent))
        table.lines.append(element.line)
        fields = element.fields
        for tag_name, values in table.columns.items():
            values.append(fields.get(tag_name))


def _read_xml(path: Path, limits: Limits) -> list[RawSheet]:
    """Read an XML file as tables of records (see the comment above ``XML_ID``), streamed: the
    file is fed to the parser a block at a time and no element tree is built. A DTD is refused
    outright (defusedxml), so entity expansion ("billion laughs") and external entities never
    run: a SEN2 return has no DTD."""
    from xml.parsers.expat import ExpatError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    size = path.stat().st_size
    if size > limits.uncompressed_bytes:
        raise _too_large(
            path, f"it is {size:,} bytes", "uncompressed_bytes", limits.uncompressed_bytes
        )
    target = _XmlTarget(path, limits)
    parser = DefusedXMLParser(forbid_dtd=True)
    # The expat parser underneath: defusedxml's handlers that refuse a DTD and entities stay on
    # it; the element and text handlers go straight to the target (the ElementTree wrappers
    # around them cost a third of the time), which reads the line of each start tag.
    expat = parser.parser
    expat.StartElementHandler = target.start
    expat.EndElementHandler = target.end
    expat.CharacterDataHandler = target.data
    target.line = lambda: int(expat.CurrentLineNumber)
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                expat.Parse(block, False)
        expat.Parse(b"", True)
    except DefusedXmlException as exc:
        raise FileProblem(
            "file_unreadable",
            f"{path.name} declares a document type (DTD) or entities "
            f"({type(exc).__name__}). A SEN2 return never does, and such declarations can make "
            "a reader expand text without end or open other files, so it was not read. Export "
            "the return again from your case management system",
        ) from exc
    except (ElementTree.ParseError, ExpatError) as exc:
        raise FileProblem(
            "file_unreadable",
            f"{path.name} is not well-formed XML ({exc}); export it again, or open it in a "
            "text editor at that line",
        ) from exc
    sheets = []
    for name, table in sorted(target.tables.items(), key=lambda kv: int(kv[1].numbers[0])):
        # Header row first, as a sheet has it.
        values: dict[str, list[str | None]] = {
            XML_ID: list(table.numbers),
            XML_PARENT: table.parents,
            **table.columns,
        }
        columns = [pa.array([tag, *column], pa.string()) for tag, column in values.items()]
        lines = table.lines
        sheet_name = name or target.root or ""
        if len(set(lines)) < len(lines):
            lines = list(range(1, len(lines) + 1))
            sheet_name += " (numbered by position)"
        sheet = RawSheet(path.name, sheet_name, columns, [lines[0], *lines])
        sheet.xml_root = target.root
        sheets.append(sheet)
    if target.root is None:
        raise FileProblem("file_unreadable", f"{path.name} holds no XML element")
    return sheets
