"""End to end: the CLI as a user runs it on fixtures of each SEN2 shape (in this process, and as
a new process where it matters: see tests/cli_runner.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import cli_runner
from tests import golden_fixture as gf
from tests.test_golden import EXPECTED_2024, SHAPES

REPO = Path(__file__).resolve().parent.parent


def etl(
    *args: str, env: dict[str, str] | None = None, as_process: bool = False
) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it: exit code, stdout, stderr (see tests/cli_runner.py)."""
    return cli_runner.run(args, {**os.environ, **(env or {})}, as_process=as_process, timeout=120)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_load_then_kpis(shape: str, tmp_path: Path) -> None:
    source = SHAPES[shape](tmp_path)
    data = tmp_path / "data"
    loaded = etl("load", str(source), "--data-dir", str(data), "--json")
    assert loaded.returncode == 0, loaded.stderr
    report = json.loads(loaded.stdout)  # JSON and nothing else on stdout
    assert all(f["status"] == "staged" for f in report["files"])
    kpis = etl("kpis", "--json", "--year", "2024", "--as-of", "2025-03-31", "--data-dir", str(data))
    assert kpis.returncode == 0, kpis.stderr
    assert json.loads(kpis.stdout)["ehcp"] == EXPECTED_2024


def test_data_dir_from_environment(tmp_path: Path) -> None:
    source = gf.write_flat(tmp_path / "cases.csv")
    env = {"SEND_DATA_DIR": str(tmp_path / "envdata")}
    # A real process: the environment is read at start-up as a user's shell would give it.
    assert etl("load", str(source), env=env, as_process=True).returncode == 0
    assert (tmp_path / "envdata" / "warehouse.duckdb").exists()


def test_quality_json_has_the_contract_keys(tmp_path: Path) -> None:
    data = tmp_path / "data"
    etl("load", str(gf.write_flat(tmp_path / "cases.csv")), "--data-dir", str(data))
    out = etl("quality", "--json", "--data-dir", str(data))
    problems = json.loads(out.stdout)
    assert problems, "the fixture has three queries"
    for p in problems:
        assert set(p) == {"file", "sheet", "row", "column", "rule", "severity", "message"}
    # CSV line numbers: header is line 1, R2 is line 3, R10 line 11, R12 line 13.
    assert {(p["row"], p["rule"]) for p in problems} == {
        (3, "week20_missing"),
        (11, "plan_agreed_not_issued"),
        (13, "outcome_before_received"),
    }


def test_check_reports_without_loading(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = etl(
        "check", str(gf.write_flat(tmp_path / "cases.csv")), "--data-dir", str(data), "--json"
    )
    assert out.returncode == 0
    # R2's blank Week20, R10's plan agreed but not issued, R12's plan dated before its request.
    assert len(json.loads(out.stdout)["problems"]) == 3
    assert not (data / "warehouse.duckdb").exists()


def test_exit_codes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    junk = tmp_path / "notes.csv"
    junk.write_text("hello,world\n1,2\n")
    # Real processes: exit codes as a shell sees them.
    nothing = etl("load", str(junk), "--data-dir", str(data), as_process=True)
    assert nothing.returncode == 1
    assert "no sheet with recognisable SEN2 headers" in nothing.stdout
    assert etl("load", "--data-dir", str(data), as_process=True).returncode == 2  # no PATH
    assert etl("kpis", "--year", "twenty", "--data-dir", str(data)).returncode == 2
    # No data yet: a clear message, not a traceback.
    empty = etl("kpis", "--data-dir", str(tmp_path / "empty"), as_process=True)
    assert empty.returncode == 1
    assert "No data loaded yet" in empty.stderr
    assert "Traceback" not in empty.stderr


def test_lookup_names_the_source_row(tmp_path: Path) -> None:
    data = tmp_path / "data"
    etl("load", str(gf.write_workbook(tmp_path / "sen2.xlsx")), "--data-dir", str(data))
    # R9 is open on the watchlist; take its reference from the dashboard's own macro.
    import duckdb

    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    refs = con.execute(
        "SELECT reference FROM open_requests(DATE '2025-03-31') ORDER BY received_date"
    ).fetchall()
    con.close()
    out = etl("lookup", refs[1][0].lower(), "--json", "--data-dir", str(data))
    assert out.returncode == 0
    # Open requests by received date: R8 (2 Sep 2024), R9 (2 Dec 2024), R10. The Requests sheet
    # has two title rows and a header on row 3, so R9 (the ninth request) is on row 12.
    assert json.loads(out.stdout) == [
        {"reference": refs[1][0], "file": "sen2.xlsx", "sheet": "Requests", "row": 12}
    ]
    assert etl("lookup", "R-0000000000", "--data-dir", str(data)).returncode == 1


def test_help_for_every_command() -> None:
    for command in ("load", "check", "quality", "kpis", "lookup", "demo"):
        out = etl(command, "--help")
        assert out.returncode == 0
        assert "--data-dir" in out.stdout


def test_demo_will_not_replace_real_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    etl("load", str(gf.write_flat(tmp_path / "cases.csv")), "--data-dir", str(data))
    refused = etl("demo", "--data-dir", str(data))
    assert refused.returncode == 2
    assert "not synthetic" in refused.stderr
    # The real data is untouched: still the 14 golden requests.
    out = etl("kpis", "--json", "--year", "2024", "--as-of", "2025-03-31", "--data-dir", str(data))
    assert json.loads(out.stdout)["data"]["synthetic"] is False


def test_an_empty_folder_says_what_to_give(tmp_path: Path) -> None:
    # Issue 9, item 10: it used to print nothing.
    empty = tmp_path / "inbox"
    empty.mkdir()
    out = etl("load", str(empty), "--data-dir", str(tmp_path / "data"))
    assert out.returncode == 1
    assert "No spreadsheet or CSV file found in" in out.stdout
    assert "Give .xlsx or .csv files" in out.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_does_not_block_the_load(tmp_path: Path) -> None:
    fifo = tmp_path / "cases.csv"
    os.mkfifo(fifo)
    good = gf.write_flat(tmp_path / "good.csv")
    out = etl("load", str(fifo), str(good), "--data-dir", str(tmp_path / "data"), "--json")
    assert out.returncode == 3, out.stderr  # one file loaded, one refused
    files = {f["file"]: f for f in json.loads(out.stdout)["files"]}
    assert files["cases.csv"]["status"] == "failed"
    assert "not a regular file" in files["cases.csv"]["message"]
    assert files["good.csv"]["status"] == "staged"


def test_files_that_share_a_name_are_reported_apart(tmp_path: Path) -> None:
    # Two extracts called cases.csv in different folders, in one command: two rows and three.
    header = "Person ID,Request ID,ReceivedDate,RequestOutcome\n"
    for folder, rows in (("march", 2), ("april", 3)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "cases.csv").write_text(
            header + "".join(f"P{folder}{i},R{folder}{i},2025-0{i + 1}-01,A\n" for i in range(rows))
        )
    paths = [str(tmp_path / f / "cases.csv") for f in ("march", "april")]
    text = etl("load", *paths, "--data-dir", str(tmp_path / "data")).stdout
    # Each named by its path, as the names alone would not say which is which.
    assert f"{paths[0]} (flat case list): 2 rows read, 2 loaded" in text
    assert f"{paths[1]} (flat case list): 3 rows read, 3 loaded" in text
    # A later load reports only its own file's problems, not an earlier file's of the same name.
    bad = tmp_path / "may" / "cases.csv"
    bad.parent.mkdir()
    bad.write_text(header + "Pmay0,Rmay0,31/02/2025,A\n")
    out = json.loads(etl("load", str(bad), "--data-dir", str(tmp_path / "data"), "--json").stdout)
    assert [p["rule"] for p in out["problems"] if p["severity"] == "error"] == ["date_impossible"]
    later = tmp_path / "june" / "cases.csv"
    later.parent.mkdir()
    later.write_text(header + "Pjune0,Rjune0,2025-06-01,A\n")
    out = json.loads(etl("load", str(later), "--data-dir", str(tmp_path / "data"), "--json").stdout)
    assert [p for p in out["problems"] if p["severity"] == "error"] == []


def test_output_closed_early_stops_quietly(tmp_path: Path) -> None:
    """``python -m etl rules --json | head -1``: the reader leaves; no traceback, exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "rules", "--json"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # go away before it writes, like `head` would after one line
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in error


def test_a_real_process_ends_with_all_its_output(tmp_path: Path) -> None:
    # Issue 11: `python -m etl` ends with os._exit once it has flushed its output (unloading
    # pyarrow, pandas and DuckDB is skipped). A pipe's buffered JSON must still arrive whole,
    # and the exit code is the command's. Buffered as a user's shell leaves it (not -u).
    source = gf.write_flat(tmp_path / "cases.csv")
    data = tmp_path / "data"
    buffered = {"PYTHONUNBUFFERED": ""}
    loaded = etl(
        "load", str(source), "--data-dir", str(data), "--json", env=buffered, as_process=True
    )
    assert loaded.returncode == 0, loaded.stderr
    report = json.loads(loaded.stdout)
    assert [f["status"] for f in report["files"]] == ["staged"]
    assert report["problems"] is not None
