"""The copy of the published warehouse an incremental load builds in (issue 11): byte for byte,
by ``os.copy_file_range`` or the fallback, stoppable, made in a thread, and never left behind."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from etl import build_copy
from etl.build_copy import BackgroundCopy, copy_file
from etl.warehouse import run_load
from tests import tracker_builders as tb

# 1,000 bytes of every byte value: a copy that drops, repeats or reorders any chunk differs.
CONTENT = bytes(range(256)) * 3 + bytes(range(232))


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(CONTENT)
    return path


def test_a_copy_is_the_same_bytes_in_chunks(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1,000 bytes in chunks of 64: 15 full chunks and one of 40 (15 × 64 + 40 = 1,000).
    monkeypatch.setattr(build_copy, "CHUNK", 64)
    calls: list[int] = []
    real = os.copy_file_range

    def counting(src: int, dst: int, count: int) -> int:
        calls.append(count)
        return real(src, dst, count)

    monkeypatch.setattr(os, "copy_file_range", counting)
    assert copy_file(source, tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == CONTENT
    assert calls == [64] * 15 + [40]


@pytest.mark.parametrize("how", ["refused", "missing"])
def test_a_system_without_copy_file_range_copies_another_way(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "missing":  # Windows and macOS have no os.copy_file_range
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    else:  # an old kernel, or a filesystem that refuses it, after part of the file

        def refusing(src: int, dst: int, count: int) -> int:
            if os.lseek(src, 0, os.SEEK_CUR) > 0:
                raise OSError(38, "Function not implemented")
            return os.write(dst, os.read(src, min(count, 100)))

        monkeypatch.setattr(os, "copy_file_range", refusing)
    assert copy_file(source, tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == CONTENT


def test_a_stop_ends_the_copy_between_chunks(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_copy, "CHUNK", 100)
    stop = threading.Event()
    real = os.copy_file_range

    def then_stop(src: int, dst: int, count: int) -> int:
        stop.set()  # asked to stop while the first chunk is copied
        return real(src, dst, count)

    monkeypatch.setattr(os, "copy_file_range", then_stop)
    assert not copy_file(source, tmp_path / "copy", stop)
    assert (tmp_path / "copy").read_bytes() == CONTENT[:100]


def test_a_background_copy_is_waited_for_and_then_removed(source: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with BackgroundCopy(source, folder) as copy:
        path = copy.wait()
        assert path.parent == folder
        assert path.name.startswith(".build-")
        assert path.read_bytes() == CONTENT
    assert list(folder.iterdir()) == []


def test_a_failed_copy_raises_where_it_is_waited_for(tmp_path: Path) -> None:
    with (
        BackgroundCopy(tmp_path / "no such file", tmp_path) as copy,
        pytest.raises(FileNotFoundError),
    ):
        copy.wait()
    assert list(tmp_path.glob(".build-*")) == []


def test_a_load_leaves_no_copy_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Published, already loaded, or failed while reading: only the warehouse is left."""
    data = tmp_path / "data"
    first = tb.golden_period_1(tmp_path / "p1.xlsx")
    run_load([first], data)
    published = (data / "warehouse.duckdb").read_bytes()

    def leftovers() -> list[str]:
        return sorted(p.name for p in data.glob(".build-*"))

    report = run_load([first], data)  # the same content: nothing new, the copy is thrown away
    assert [f.status for f in report.files] == ["skipped"]
    assert leftovers() == []
    assert (data / "warehouse.duckdb").read_bytes() == published

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug while reading")

    monkeypatch.setattr("etl.warehouse.stage_file", broken)
    with pytest.raises(RuntimeError, match="a bug while reading"):
        run_load([tb.golden_period_2(tmp_path / "p2.xlsx")], data)
    assert leftovers() == []
    assert (data / "warehouse.duckdb").read_bytes() == published
    monkeypatch.undo()

    report = run_load([tb.golden_period_2(tmp_path / "p2.xlsx")], data)
    assert report.published
    assert leftovers() == []


def test_work_in_background_hands_back_its_result_or_its_error() -> None:
    threads: list[str] = []

    def add(a: int, b: int) -> int:
        threads.append(threading.current_thread().name)
        return a + b

    assert build_copy.in_background(add, 2, 3)() == 5
    assert threads == ["add"]  # it ran in its own thread, not the caller's

    def fail() -> int:
        raise KeyError("no such table")

    waiting = build_copy.in_background(fail)
    with pytest.raises(KeyError, match="no such table"):
        waiting()
