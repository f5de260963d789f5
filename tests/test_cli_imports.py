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


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in a new interpreter in the repository; it must succeed."""
    done = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done


def _probe(*args: str, script: str = PROBE) -> dict[str, object]:
    """Run ``script`` (by default :data:`PROBE`) with ``args``; the JSON it prints last."""
    result: dict[str, object] = json.loads(
        _python("-c", script, *args).stdout.strip().splitlines()[-1]
    )
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
    done = _python(
        "-c",
        "import sys, etl.__main__, etl.store, etl.published, etl.records; "
        f"print([m for m in {HEAVY!r} if m in sys.modules])",
    )
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


# As ``python -m etl`` runs it: ``load`` and ``check`` then keep pyarrow from importing pandas.
AS_PROGRAM = PROBE.replace(
    "from etl.__main__ import main",
    "import etl.__main__\netl.__main__.PROGRAM = True\nmain = etl.__main__.main",
)


@pytest.fixture(scope="module")
def every_kind(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Files of every input kind: the demo's (a SEN2 workbook, highlight reports and action
    logs, exclusion records, waiting lists), and SEN2 as COLLECT XML, Blade CSVs and a case list."""
    from etl import demo
    from etl.inputs.exclusions import demo as exclusions_demo
    from etl.inputs.tracker import demo as tracker_demo
    from tests import sen2_shapes

    root = tmp_path_factory.mktemp("every_kind")
    sen2 = demo.generate(root / "demo", seed=1, scale="la")
    others = tracker_demo.generate(root / "demo", seed=1, snapshot=demo.DEFAULT_SNAPSHOT)
    others += exclusions_demo.generate(
        root / "demo", seed=1, snapshot=demo.DEFAULT_SNAPSHOT, sen2_workbook=sen2[0]
    )
    others += demo.waits_generate(root / "demo", seed=1, snapshot=demo.DEFAULT_SNAPSHOT)
    shapes = [
        sen2_shapes.write_xml(root / "shapes" / "return.xml"),
        gf.write_blade(root / "shapes" / "blade"),
        gf.write_flat(root / "shapes" / "cases.csv"),
    ]
    return {"demo": [*sen2, *others], "shapes": shapes}


def _loaded(folder: Path) -> list[tuple[object, ...]]:
    import duckdb

    con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT file, rows_read, rows_loaded, rows_rejected, rows_superseded FROM load_log "
            "ORDER BY file"
        ).fetchall()
    finally:
        con.close()


def test_load_as_the_program_reads_every_kind_without_pandas(
    every_kind: dict[str, list[Path]], tmp_path: Path
) -> None:
    """``python -m etl load`` keeps pyarrow from importing pandas (``etl.arrow_rows.
    arrow_without_pandas``): every input kind still loads, to the same rows as a load that lets
    pyarrow import it (the control, which does import it: so the probe can fail)."""
    for name, files in every_kind.items():
        paths = [str(p) for p in files]
        program = _probe(
            "load", *paths, "--data-dir", str(tmp_path / name / "program"), script=AS_PROGRAM
        )
        control = _probe("load", *paths, "--data-dir", str(tmp_path / name / "control"))
        assert program["code"] == control["code"] == 0, name
        assert "pyarrow" in program["loaded"]  # type: ignore[operator]
        assert "pandas" not in program["loaded"], name  # type: ignore[operator]
        assert "pandas" in control["loaded"], name  # type: ignore[operator]
        rows = _loaded(tmp_path / name / "program")
        assert len(rows) >= len(files) and all(r[1] for r in rows)
        assert rows == _loaded(tmp_path / name / "control")


def test_check_as_the_program_does_not_import_pandas(
    every_kind: dict[str, list[Path]], tmp_path: Path
) -> None:
    result = _probe(
        "check", *map(str, every_kind["demo"]), "--data-dir", str(tmp_path), script=AS_PROGRAM
    )
    assert result["code"] == 0
    assert "pandas" not in result["loaded"]  # type: ignore[operator]


def test_python_m_etl_is_the_program(every_kind: dict[str, list[Path]], tmp_path: Path) -> None:
    """``python -m etl load`` sets ``PROGRAM`` itself: pandas' modules never appear in Python's
    own import log (``-X importtime``), while pyarrow's do (the control)."""
    done = _python(
        *("-X", "importtime", "-m", "etl", "load", str(every_kind["shapes"][2])),
        *("--data-dir", str(tmp_path)),
    )
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert "pyarrow.lib" in imported
    assert not [m for m in imported if m.startswith("pandas.")]


def test_arrow_without_pandas_lets_python_import_pandas() -> None:
    """After the hook, pyarrow builds arrays without pandas, yet ``import pandas`` and
    ``importlib.import_module`` still work, and so does pyarrow's own conversion to pandas."""
    probe = (
        "import importlib, sys, pyarrow as pa, pyarrow.compute as pc\n"
        "from etl.arrow_rows import arrow_without_pandas\n"
        "arrow_without_pandas(); arrow_without_pandas()\n"
        "pa.array([1, None]); pa.scalar('x'); pc.equal(pa.array(['a']), 'a')\n"
        "print('pandas' in sys.modules)\n"
        "import pandas\n"
        "print('pandas' in sys.modules, importlib.import_module('pandas') is pandas)\n"
        "print(pa.table({'n': [1, 2]}).to_pandas()['n'].sum())\n"
    )
    assert _python("-c", probe).stdout.split() == ["False", "True", "True", "3"]


GC_PROBE = """
import contextlib, gc, io, json, sys
import etl.__main__, etl.warehouse
etl.__main__.PROGRAM = sys.argv.pop(1) == "program"
seen = []
load = etl.warehouse.run_load
def watched(*args, **kwargs):
    seen.append(gc.isenabled())
    return load(*args, **kwargs)
etl.warehouse.run_load = watched
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = etl.__main__.main(sys.argv[1:])
print(json.dumps({"code": code, "during": seen, "after": gc.isenabled()}))
"""


@pytest.mark.parametrize("program", [True, False], ids=["program", "called from Python"])
def test_the_collector_is_off_while_the_program_loads(
    every_kind: dict[str, list[Path]], tmp_path: Path, program: bool
) -> None:
    """As the program, ``load`` turns Python's cyclic garbage collector off for the load and
    back on after it (issue 11); called from Python (tests, the dashboard) it leaves it be."""
    result = _probe(
        *("program" if program else "python", "load", str(every_kind["shapes"][2])),
        *("--data-dir", str(tmp_path)),
        script=GC_PROBE,
    )
    assert result == {"code": 0, "during": [not program], "after": True}
