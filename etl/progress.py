"""A progress bar on the terminal for loads that take more than a few seconds.

Shown only on an interactive terminal (never in ``--json`` output, pipes or CI logs), on stderr,
and only once a load has run for :data:`SHOW_AFTER` seconds, so quick loads print nothing extra.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SHOW_AFTER = 2.0  # seconds

Report = Callable[[str, int, int], None]


@contextmanager
def terminal_progress(enabled: bool = True) -> Iterator[Report | None]:
    """A ``progress(step, done, total)`` callback drawing a bar on stderr, or None when off."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    state: dict[str, Any] = {}

    def report(step: str, done: int, total: int) -> None:
        if "bar" not in state:
            if time.monotonic() - started < SHOW_AFTER:
                return
            from rich.progress import Progress  # imported only when a bar is drawn

            state["bar"] = Progress(transient=True)
            state["bar"].start()
            state["task"] = state["bar"].add_task(step, total=total)
        state["bar"].update(state["task"], description=step, completed=done, total=total)

    try:
        yield report
    finally:
        if "bar" in state:
            state["bar"].stop()
