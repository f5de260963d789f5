"""Run ``python -m etl`` for the CLI tests: in this process by default, or as a new process.

In-process runs call ``etl.__main__.main`` with the arguments, the environment the command would
see and stdout / stderr captured, and return what ``subprocess.run`` would: exit code, output and
errors. They skip only Python's start-up and imports (about half a second a call), which is most
of what the CLI tests cost. A few tests (``as_process=True``) still start a real process, so that
``python -m etl`` itself stays covered. An exception escaping ``main`` fails the test (a user
would have seen a traceback).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(
    args: tuple[str, ...],
    env: Mapping[str, str],
    *,
    as_process: bool = False,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``python -m etl ARGS`` with exactly the environment ``env``."""
    if as_process:
        return subprocess.run(
            [sys.executable, "-m", "etl", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            env=dict(env),
            timeout=timeout,
        )
    from etl.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with _environment(env), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse: --help, usage errors
            code = stop.code if isinstance(stop.code, int) else 1
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())
