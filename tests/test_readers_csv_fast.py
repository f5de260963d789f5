"""CSV files read by DuckDB give exactly the sheet the line-by-line reader gives (issue 11).

``etl.readers`` reads a CSV with DuckDB's ``read_csv`` only when that provably matches the
standard library's reading, and otherwise falls back to it. Every case here is read both ways:
either the fast reading is taken and equals the line-by-line one cell for cell and line number for
line number, or it is declined. The cases the fast path must decline (a quoted line break, a blank
line, cp1252) are asserted to be declined, so a change that widens the fast path wrongly fails.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from etl import readers
from etl.config import Limits

TAKEN = {
    "plain": b"a,b,c\n1,2,3\n4,5,6\n",
    "crlf": b"a,b\r\n1,2\r\n",
    "no final newline": b"a,b\n1,2",
    "bom": b"\xef\xbb\xbfa,b\n1,2\n",
    "blanks and quoted blanks": b'a,b,c\n1,,x y \n"q,1","",\n',
    "short rows": b"a,b,c\n1,2,3\n4,5\n",
    "spaces kept": b"a,b\n  x, y\n",
    "doubled quotes": b'a,b\n"a""b",c\n',
    "semicolons": b"a;b;c\n1;2;3\n4;5;6\n",
    "tabs": b"a\tb\tc\n1\t2\t3\n",
    "unicode": "name,town\nZoë,Bournemouth\nŁukasz,Hove\n".encode(),
    "all blank row": b"a,b,c\n,,\n1,2,3\n",
}
DECLINED = {
    "quoted line break": b'a,b\n"line one\nline two",x\n1,2\n',
    "blank line": b"a,b\n1,2\n\n3,4\n",
    "cp1252": "a,b\ncaf\xe9,1\n".encode("cp1252"),
    "title line above the header": b"Report of plans\na,b,c\n1,2,3\n",
    "lone CR in a cell": b"a,b\nx\ry,1\n",
    "stray quote": b'a,b\n"oops,1\n2,3\n',
}


def _fast(path: Path, raw: bytes, limits: Limits) -> readers.RawSheet | None:
    path.write_bytes(raw)
    return readers._read_csv_duckdb(path, raw, limits)


def _both(
    path: Path, raw: bytes, limits: Limits
) -> tuple[readers.RawSheet | None, readers.RawSheet]:
    path.write_bytes(raw)
    fast = readers._read_csv_duckdb(path, raw, limits)
    lines = io.StringIO(readers._decode(raw), newline="").readlines()
    slow = readers._split_csv(path, lines, readers._delimiter(lines), limits)
    return fast, slow


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_fast_reading_equals_the_line_by_line_reading(name: str, tmp_path: Path) -> None:
    fast, slow = _both(tmp_path / "f.csv", TAKEN[name], Limits())
    assert fast is not None, "the fast path should take this file"
    assert fast.rows == slow.rows
    assert fast.row_numbers == slow.row_numbers
    assert fast.rejected == slow.rejected == []


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_files_duckdb_might_read_differently_fall_back(name: str, tmp_path: Path) -> None:
    fast, _ = _both(tmp_path / "f.csv", DECLINED[name], Limits())
    assert fast is None


def test_the_public_reader_gives_the_same_either_way(tmp_path: Path) -> None:
    # A quoted line break (line by line): the record starts on line 2 and line 4 follows it.
    path = tmp_path / "mixed.csv"
    path.write_bytes(DECLINED["quoted line break"])
    [sheet] = readers.read_file(path)
    assert sheet.row_numbers == [1, 2, 4]
    assert sheet.rows[1] == ["line one\nline two", "x"]
    path.write_bytes(TAKEN["blanks and quoted blanks"])
    [sheet] = readers.read_file(path)
    assert sheet.row_numbers == [1, 2, 3]
    assert sheet.rows == [["a", "b", "c"], ["1", None, "x y "], ["q,1", None, None]]


def test_limits_are_left_to_the_line_by_line_reader(tmp_path: Path) -> None:
    """A file past a limit is not taken by the fast path, so the refusal names the line."""
    raw = b"a,b,c\n1,2,3\n4,5,6\n"
    path = tmp_path / "f.csv"
    assert _fast(path, raw, Limits(rows_per_sheet=2)) is None
    assert _fast(path, raw, Limits(rows_per_sheet=3)) is not None
    assert _fast(path, raw, Limits(cells_per_row=2)) is None
    long = b"a,b\n" + b"x" * 40 + b",1\n"
    assert _fast(path, long, Limits(chars_per_cell=39)) is None
    assert _fast(path, long, Limits(chars_per_cell=40)) is not None
    path.write_bytes(raw)
    with pytest.raises(readers.FileProblem, match="rows_per_sheet"):
        readers.read_file(path, Limits(rows_per_sheet=2))
