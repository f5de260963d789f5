"""Commands that only query the warehouse start without the heavy libraries (issue 11).

Each command runs in a new Python process (the test process has long since imported everything)
on a small warehouse holding every input kind's tables; the process then reports which of the
heavy modules it imported. Re-adding ``import pandas`` (or pyarrow, fastexcel, plotly) on the
path of ``kpis`` and friends fails here. ``load`` is the control: it reads files, so it must show
up as importing pyarrow, which proves the probe sees imports at all. A tracker load reads and
builds without pandas.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import golden_fixture as gf
from tests import tracker_builders as tb
from tests.cli_runner import REPO

# filelock (15 ms) too: only commands that write records or the audit trail take a lock.
HEAVY = ("pandas", "pyarrow", "numpy", "fastexcel", "openpyxl", "plotly", "streamlit", "filelock")

# Run a command in a fresh interpreter, output swallowed, then print the heavy modules it loaded.
PROBE = """
import contextlib, io, json, sys
from etl.__main__ import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}))
""".replace("HEAVY", repr(HEAVY))


def _probe(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with SEN2 cases and a tracker, and an override recorded beside it."""
    root = tmp_path_factory.mktemp("imports")
    cases = gf.write_flat(root / "cases.csv")
    tracker = tb.golden_period_1(root / "tracker.xlsx")
    folder = root / "data"
    loaded = _probe("load", str(cases), str(tracker), "--data-dir", str(folder))
    assert loaded["code"] == 0
    # The control: loading reads files, so the probe must see pyarrow arrive.
    assert "pyarrow" in loaded["loaded"]  # type: ignore[operator]
    return folder


@pytest.mark.parametrize(
    "command",
    [
        ("kpis", "--json"),
        ("kpis",),
        ("kpis", "--json", "--year", "2024", "--as-of", "2025-03-31"),
        ("quality", "--json"),
        ("milestones", "--json"),
    ],
    ids=" ".join,
)
def test_query_commands_do_not_import_heavy_libraries(data: Path, command: tuple[str, ...]) -> None:
    result = _probe(*command, "--data-dir", str(data))
    assert result["code"] == 0
    assert result["loaded"] == []


def test_the_package_import_alone_is_light() -> None:
    """``import etl.__main__`` (what every command pays before it starts) loads none of them."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, etl.__main__, etl.store, etl.published, etl.records; "
            f"print([m for m in {HEAVY!r} if m in sys.modules])",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_tracker_load_onto_a_warehouse_does_not_import_pandas(data: Path, tmp_path: Path) -> None:
    """A highlight report loaded onto the warehouse (a copy of it: the fixture stays as it is)
    reads, stages and builds without pandas, which pyarrow would import for the first Arrow
    array it built from a Python list (0.5 s under load: issue 11). pyarrow is the control."""
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    period_2 = tb.golden_period_2(tmp_path / "tracker_2.xlsx")
    result = _probe("load", str(period_2), "--json", "--data-dir", str(folder))
    assert result["code"] == 0
    assert "pyarrow" in result["loaded"]  # type: ignore[operator]
    assert "pandas" not in result["loaded"]  # type: ignore[operator]
