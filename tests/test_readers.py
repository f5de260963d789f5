"""Readers (``etl/readers.py``): row numbers are the ones the user sees, and files that cannot be
read are file-level problems with a rule (DESIGN §6)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from etl.inputs.sen2 import stage as sen2
from etl.readers import FileProblem, expand_paths, read_file
from tests import sen2_builders as b


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


# --- xlsx: Excel row numbers ---------------------------------------------------------------------


def test_xlsx_row_numbers_are_excel_rows(tmp_path: Path) -> None:
    # Title "SEN2 case list" in A1, "Produced by the SEND team" in A2, row 3 blank, the header on
    # row 4 starting in column B, records on rows 5 and 6.
    path = b.write_flat_xlsx(tmp_path / "cases.xlsx", [b.case("C1", "R1"), b.case("C2", "R2")])
    [sheet] = read_file(path)
    assert sheet.sheet == "Cases"
    by_row = dict(zip(sheet.row_numbers, sheet.rows, strict=True))
    assert by_row[1][0] == "SEN2 case list"
    assert by_row[4][0] in ("", None)  # column A is empty beside the header
    assert by_row[4][1] == "PersonID"
    assert by_row[5][1] == "C1"
    assert by_row[6][1] == "C2"
    rec = sen2.recognise(sheet)
    assert rec is not None
    assert sheet.row_numbers[rec.header_index] == 4


def test_xlsx_problem_on_second_data_row_says_row_6(tmp_path: Path) -> None:
    # Header on row 4, so data rows are 5 and 6; the second has 31 February.
    path = b.write_flat_xlsx(
        tmp_path / "cases.xlsx",
        [
            b.case("C1", "R1"),
            b.case("C2", "R2", received_date="31/02/2024"),
        ],
    )
    report = b.load(path, tmp_path / "data")
    assert b.problems(report, "date_impossible") == [
        ("cases.xlsx", "Cases", 6, "ReceivedDate", "date_impossible", "error")
    ]
    assert b.loaded_rows(tmp_path / "data", "requests") == [("cases.xlsx", "Cases", 5)]
    b.assert_nothing_lost(tmp_path / "data")


def test_xlsx_blank_rows_keep_the_numbering(tmp_path: Path) -> None:
    # Header row 1; records on rows 2, 4 and 7 (rows 3, 5 and 6 left empty). The bad date is on
    # the last record, Excel row 7.
    rows = b.table(
        [b.case("C1", "R1"), b.case("C2", "R2"), b.case("C3", "R3", received_date="2024-02-30")]
    )
    spaced = [rows[0], rows[1], [], rows[2], [], [], rows[3]]
    path = b.write_xlsx(tmp_path / "spaced.xlsx", {"Cases": spaced})
    report = b.load(path, tmp_path / "data")
    assert b.problems(report, "date_impossible") == [
        ("spaced.xlsx", "Cases", 7, "ReceivedDate", "date_impossible", "error")
    ]
    assert b.loaded_rows(tmp_path / "data", "requests") == [
        ("spaced.xlsx", "Cases", 2),
        ("spaced.xlsx", "Cases", 4),
    ]


def test_xlsx_with_empty_a1_is_still_anchored_at_a1(tmp_path: Path) -> None:
    # No title at all: rows 1-2 empty, header on row 3 from column C. Calamine could report the
    # used range only (starting at C3); the reader must still number rows as Excel does.
    path = b.write_flat_xlsx(
        tmp_path / "late.xlsx",
        [b.case("C1", "R1", received_date="x")],
        title_rows=(),
        header_row=3,
        first_col=3,
    )
    [sheet] = read_file(path)
    data_row = next(n for n, r in zip(sheet.row_numbers, sheet.rows, strict=True) if "C1" in r)
    assert data_row == 4
    # Leading empty columns may be dropped (columns are matched by header, not position).
    assert "C1" in sheet.rows[data_row - 1]
    report = b.load(path, tmp_path / "data")
    assert b.problems(report, "date_unreadable") == [
        ("late.xlsx", "Cases", 4, "ReceivedDate", "date_unreadable", "error")
    ]


# --- CSV: line numbers ---------------------------------------------------------------------------


def test_csv_quoted_newline_keeps_later_line_numbers(tmp_path: Path) -> None:
    # Line 1 header; the first record spans lines 2-3 (a note with a line break); the second
    # record starts on line 4 and has an impossible date, so the problem must say row 4.
    path = tmp_path / "cases.csv"
    path.write_text(
        "PersonID,UPNunknown,RequestID,ReceivedDate,RequestOutcome,Notes\n"
        'C1,UN1,R1,2024-01-10,A,"first line\nsecond line"\n'
        "C2,UN1,R2,31/02/2024,A,plain\n",
        encoding="utf-8",
    )
    [sheet] = read_file(path)
    assert sheet.sheet is None
    assert sheet.row_numbers == [1, 2, 4]
    assert sheet.rows[1][5] == "first line\nsecond line"
    report = b.load(path, tmp_path / "data")
    assert b.problems(report, "date_impossible") == [
        ("cases.csv", None, 4, "ReceivedDate", "date_impossible", "error")
    ]
    assert b.loaded_rows(tmp_path / "data", "requests") == [("cases.csv", None, 2)]


def test_csv_crlf_and_blank_lines(tmp_path: Path) -> None:
    # Windows line ends, a quoted CRLF inside a cell (lines 2-4), a blank line 5, and a record
    # on line 6.
    path = tmp_path / "win.csv"
    path.write_bytes(
        b"PersonID,UPNunknown,RequestID,ReceivedDate,RequestOutcome,Notes\r\n"
        b'C1,UN1,R1,2024-01-10,A,"a\r\nb\r\nc"\r\n'
        b"\r\n"
        b"C2,UN1,R2,2024-13-45,A,\r\n"
    )
    [sheet] = read_file(path)
    numbered = {n: r for n, r in zip(sheet.row_numbers, sheet.rows, strict=True) if any(r)}
    assert sorted(numbered) == [1, 2, 6]
    report = b.load(path, tmp_path / "data")
    assert b.problems(report, "date_impossible") == [
        ("win.csv", None, 6, "ReceivedDate", "date_impossible", "error")
    ]


def test_csv_in_windows_1252_is_read(tmp_path: Path) -> None:
    # Excel's "CSV" save on Windows writes cp1252: "é" is the single byte 0xE9.
    path = tmp_path / "latin.csv"
    path.write_bytes(
        "PersonID,RequestID,ReceivedDate,RequestOutcome,Ethnicity\n"
        "C1,R1,2024-01-10,A,Réunion\n".encode("cp1252")
    )
    [sheet] = read_file(path)
    assert sheet.rows[1][4] == "Réunion"


def test_csv_byte_order_mark_is_not_part_of_the_first_header(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        "\ufeffPersonID,RequestID,ReceivedDate,RequestOutcome\nC1,R1,2024-01-10,A\n".encode()
    )
    [sheet] = read_file(path)
    assert sheet.rows[0][0] == "PersonID"


# --- files that cannot be read ---------------------------------------------------------------


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return path


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("letter.docx", None, "file_wrong_kind"),
        ("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "file_wrong_kind"),
        ("garbage.xlsx", bytes(range(256)) * 8, "file_unreadable"),
        ("empty.xlsx", b"", "file_unreadable"),
        ("word_renamed.xlsx", None, "file_unreadable"),  # a .docx zip saved as .xlsx
        ("binary.csv", b"PK\x03\x04\x00\x00\x00\x00binary\x00\x00data", "file_unreadable"),
    ],
)
def test_unreadable_files_are_file_problems(
    tmp_path: Path, name: str, content: bytes | None, rule: str
) -> None:
    path = tmp_path / name
    if content is None:
        _docx(path)
    else:
        path.write_bytes(content)
    with pytest.raises(FileProblem) as raised:
        read_file(path)
    assert raised.value.rule == rule
    assert name in raised.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileProblem) as raised:
        read_file(tmp_path / "not-there.xlsx")
    assert raised.value.rule == "file_missing"
    assert "not-there.xlsx" in raised.value.message


def test_folder_expansion_skips_office_lock_files_and_other_kinds(tmp_path: Path) -> None:
    # "~$cases.xlsx" is the lock file Excel leaves while the workbook is open.
    for name in ("b.csv", "a.xlsx", "~$a.xlsx", "notes.docx", ".hidden.csv"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.xlsx", "b.csv"]
