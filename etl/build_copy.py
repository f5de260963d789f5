"""The copy of the published warehouse that an incremental load builds in (issue 11), and other
work a load does in a thread while it imports its readers.

A load that rebuilds only the kinds it changes starts from a byte copy of the published file
(DESIGN §2: the published file is never written to). On the national warehouse (400 MB) the copy
and the flush of those bytes to disk took 0.3 s quiet and up to 0.8 s under load, a third of the
load. :class:`BackgroundCopy` makes it in a thread while the load imports its readers and stages
its files (the kernel does the copying and the flushing, outside Python's GIL), so by the time
the build needs the file it is usually there.

The copy uses ``os.copy_file_range`` where the system has it (Linux: inside the kernel, and a
reflink, nearly free, on filesystems that share blocks such as XFS or Btrfs), else
``shutil.copyfile``. The copy is flushed to disk before the build opens it, so that the build's
own checkpoint only has the pages it changed left to write.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

CHUNK = 64 * 1024 * 1024  # bytes per copy_file_range call: a stop request waits for one chunk


def new_build_path(folder: Path) -> Path:
    """A new, unused ``.build-*.duckdb`` name in ``folder`` (the load lock removes stale ones);
    the file itself does not exist (DuckDB wants to create it)."""
    fd, name = tempfile.mkstemp(prefix=".build-", suffix=".duckdb", dir=folder)
    os.close(fd)
    os.unlink(name)
    return Path(name)


def copy_file(source: Path, target: Path, stop: threading.Event | None = None) -> bool:
    """Copy ``source`` to ``target`` and flush ``target`` to disk. False when ``stop`` was set
    before the copy finished (``target`` is then incomplete: the caller removes it)."""
    copied = _copy_range(source, target, stop)
    if copied is None:
        return False
    if not copied:
        shutil.copyfile(source, target)
    with open(target, "rb+") as written:
        os.fsync(written.fileno())
    return True


def _copy_range(source: Path, target: Path, stop: threading.Event | None) -> bool | None:
    """The copy by ``os.copy_file_range``: True when done, False when the system cannot (the
    caller copies another way), None when stopped."""
    copy_range = getattr(os, "copy_file_range", None)
    if copy_range is None:
        return False
    with open(source, "rb") as src, open(target, "wb") as dst:
        left = os.fstat(src.fileno()).st_size
        try:
            while left > 0:
                if stop is not None and stop.is_set():
                    return None
                done = copy_range(src.fileno(), dst.fileno(), min(CHUNK, left))
                if done == 0:  # the source shrank: nobody writes it under the lock
                    return False
                left -= done
        except OSError:  # e.g. EXDEV or ENOSYS on an old kernel, EINVAL on some filesystems
            return False
    return True


def in_background(function: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start ``function(*args)`` in a thread; the function returned waits for its result (or
    raises what it raised). For work that releases the GIL (DuckDB, file IO) while the calling
    thread imports or reads: a load reads the published warehouse's facts this way."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as error:  # handed to the waiting thread
            outcome.append((False, error))

    thread = threading.Thread(target=run, name=getattr(function, "__name__", "background"))
    thread.start()

    def result() -> T:
        thread.join()
        ok, value = outcome[0]
        if not ok:
            raise value
        return value

    return result


class BackgroundCopy:
    """A copy of ``source`` into a new build file of ``folder``, made in a thread.

    :meth:`wait` returns the file once it is complete (raising what the copy raised);
    :meth:`discard` stops the copy and removes the file. Use it as a context manager: leaving the
    block discards whatever was not published (a file moved into place is not touched).
    """

    def __init__(self, source: Path, folder: Path) -> None:
        self.path = new_build_path(folder)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(source,), name="warehouse-copy", daemon=True
        )
        self._thread.start()

    def _run(self, source: Path) -> None:
        try:
            copy_file(source, self.path, self._stop)
        except BaseException as error:  # handed to the waiting thread (wait raises it)
            self._error = error

    def wait(self) -> Path:
        """The complete copy (the path of the build file)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.path

    def discard(self) -> None:
        """Stop the copy if it is still running and remove the build file, if any is left."""
        self._stop.set()
        self._thread.join()
        for leftover in (self.path, self.path.with_name(self.path.name + ".wal")):
            leftover.unlink(missing_ok=True)

    def __enter__(self) -> BackgroundCopy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
