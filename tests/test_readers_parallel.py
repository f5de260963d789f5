"""A big workbook's sheets read by two readers at once (issue 11): the same sheets, in the same
order, as one reader makes, and a sheet that cannot be read is reported as before, in sheet
order, whichever reader met it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from etl import readers
from etl.readers import FileProblem, read_file
from tests import sen2_builders as b

# Five sheets of different shapes: the second reader takes the 2nd and 4th (every other one).
SHEETS: dict[str, list[list[Any]]] = {
    f"Sheet {n}": [[f"h{n}", "value", None], *[[f"r{i}", i * n, None] for i in range(n * 3)]]
    for n in range(1, 6)
}


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return b.write_xlsx(tmp_path / "book.xlsx", SHEETS)


def _read(path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> list[readers.RawSheet]:
    monkeypatch.setattr(readers, "PARALLEL_READ_BYTES", 0 if parallel else 1 << 40)
    return read_file(path)


def test_two_readers_make_the_sheets_one_reader_makes(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real = readers.fastexcel.read_excel

    def counting(source: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(source)

    monkeypatch.setattr(readers.fastexcel, "read_excel", counting)
    one = _read(workbook, monkeypatch, parallel=False)
    assert threads == ["MainThread"]
    two = _read(workbook, monkeypatch, parallel=True)
    assert threads == ["MainThread", "MainThread", "sheet-reader"]  # the second reader ran
    assert [s.sheet for s in two] == list(SHEETS)
    for a, c in zip(one, two, strict=True):
        assert (a.sheet, a.rows, a.row_numbers) == (c.sheet, c.rows, c.row_numbers)
    # Sheet 4 (the second reader's): header, then 12 rows "r0".."r11" with value i × 4.
    fourth = two[3]
    assert fourth.rows[0][:2] == ["h4", "value"]
    assert [r[0] for r in fourth.rows[1:]] == [f"r{i}" for i in range(12)]
    assert fourth.rows[-1][1] == "44"  # 11 × 4
    assert fourth.row_numbers == list(range(1, 14))


@pytest.mark.parametrize(
    ("failing", "reported"),
    [
        ({"Sheet 2"}, "Sheet 2"),  # the second reader's sheet
        ({"Sheet 3"}, "Sheet 3"),  # this thread's
        ({"Sheet 4", "Sheet 3"}, "Sheet 3"),  # both readers fail: the earlier sheet is reported
        ({"Sheet 2", "Sheet 5"}, "Sheet 2"),
    ],
)
def test_a_sheet_that_cannot_be_read_is_reported_in_sheet_order(
    workbook: Path, monkeypatch: pytest.MonkeyPatch, failing: set[str], reported: str
) -> None:
    real = readers.fastexcel.read_excel

    class Breaking:
        def __init__(self, source: Any) -> None:
            self._reader = real(source)
            self.sheet_names = self._reader.sheet_names

        def load_sheet(self, name: str, **kwargs: Any) -> Any:
            if name in failing:
                raise ValueError(f"{name} is damaged\nmore internals")
            return self._reader.load_sheet(name, **kwargs)

    monkeypatch.setattr(readers.fastexcel, "read_excel", Breaking)
    for parallel in (False, True):
        with pytest.raises(FileProblem) as raised:
            _read(workbook, monkeypatch, parallel)
        assert raised.value.rule == "file_unreadable"
        assert raised.value.sheet == reported
        assert f"sheet '{reported}' of book.xlsx could not be read: {reported} is damaged;" in (
            raised.value.message
        )
