"""Commentary (issue 15): one appended record per comment, latest per (subject, month) in force,
history kept, a blank text clears; unknown subjects refused; the ``comment`` CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from etl import commentary, records
from etl.store import Warehouse
from etl.warehouse import run_load
from tests import sen2_builders as b
from tests import tracker_builders as tb
from tests.cli_runner import run

KEY = "pct_within_20_weeks_excl_exceptions"


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    log = tb.write_action_log(tmp_path / "actions.xlsx", tb.ACTIONS, report_date=tb.D1)
    run_load([log], folder)
    return folder


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "SEND_DATA_DIR": str(folder)}


def test_latest_per_subject_and_month_wins_and_history_is_kept(data: Path) -> None:
    before = os.stat(data / "warehouse.duckdb")
    commentary.record(data, kind="measure", subject=KEY, period="2026-03", author="A", text="first")
    commentary.record(
        data, kind="measure", subject=KEY, period="2026-03", author="B", text="second"
    )
    commentary.record(data, kind="measure", subject=KEY, period="2026-02", author="C", text="feb")
    commentary.record(data, kind="action", subject="2.1", period="2026-03", author="D", text="x")
    after = os.stat(data / "warehouse.duckdb")
    assert after.st_mtime_ns == before.st_mtime_ns  # a record, never a rebuild
    with Warehouse.at(data) as w:
        march = w.commentary("2026-03")
        every = w.commentary_history()
    # Measures first, then actions; the measure's second comment replaced the first.
    assert [(c["subject_kind"], c["subject"], c["text"], c["author"]) for c in march] == [
        ("measure", KEY, "second", "B"),
        ("action", "2.1", "x", "D"),
    ]
    assert march[0]["earlier_versions"] == 1
    assert march[0]["title"] == "EHC plans issued within 20 weeks (excluding exceptions)"
    # The action's plan is the tracker's plan name (the builder's default for an action log).
    assert march[1]["plan"] is not None
    assert [c["text"] for c in every] == ["feb", "first", "second", "x"]
    # Month given as a date: the same month.
    with Warehouse.at(data) as w:
        assert [c["text"] for c in w.commentary(tb.D1)] == ["second", "x"]


def test_a_blank_text_clears_the_comment_but_history_keeps_it(data: Path) -> None:
    commentary.record(data, kind="measure", subject=KEY, period="2026-03", author="A", text="hi")
    commentary.record(data, kind="measure", subject=KEY, period="2026-03", author="A", text=" ")
    with Warehouse.at(data) as w:
        assert w.commentary("2026-03") == []
        assert [c["text"] for c in w.commentary_history("2026-03")] == ["hi", None]
    assert records.read(data, records.COMMENTARY).num_rows == 2


def test_unknown_measure_names_the_nearest_key(data: Path) -> None:
    with pytest.raises(commentary.CommentError, match="did you mean pct_within_20_weeks"):
        commentary.record(
            data,
            kind="measure",
            subject="pct_within_20_week",
            period="2026-03",
            author="A",
            text="t",
        )


def test_unknown_action_and_bad_month_are_refused(data: Path) -> None:
    with pytest.raises(commentary.CommentError, match="No milestone or action"):
        commentary.record(
            data, kind="action", subject="9.9", period="2026-03", author="A", text="t"
        )
    with pytest.raises(commentary.CommentError, match="not a month"):
        commentary.record(data, kind="measure", subject=KEY, period="2026-13", author="A", text="t")
    assert records.read(data, records.COMMENTARY).num_rows == 0


def test_cli_records_lists_and_clears(data: Path) -> None:
    env = _env(data)
    done = run(
        (
            "comment",
            "--action",
            "2.1",
            "--period",
            "2026-03",
            "--author",
            "Head of SEND",
            "Pathway live in June",
            "--json",
        ),
        env,
    )
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert (payload["subject"], payload["title"]) == (
        "2.1",
        "Review the statutory assessment pathway",
    )
    listed = run(("comment", "--list", "--period", "2026-03"), env)
    assert listed.returncode == 0
    assert "action  2.1: Pathway live in June — Head of SEND" in listed.stdout
    cleared = run(
        ("comment", "--action", "2.1", "--period", "2026-03", "--author", "Chair", "--clear"), env
    )
    assert cleared.returncode == 0 and "cleared" in cleared.stdout
    assert run(("comment", "--list"), env).stdout.strip() == "No commentary recorded."
    history = json.loads(run(("comment", "--list", "--history", "--json"), env).stdout)
    assert [h["text"] for h in history] == ["Pathway live in June", None]


def test_cli_usage_errors_exit_2(data: Path) -> None:
    env = _env(data)
    assert run(("comment", "--measure", KEY, "--author", "A", "t"), env).returncode == 2
    assert run(("comment", "--measure", KEY, "--period", "2026-03", "t"), env).returncode == 2
    assert (
        run(("comment", "--measure", KEY, "--period", "2026-03", "--author", "A"), env).returncode
        == 2
    )
    bad = run(
        ("comment", "--measure", "nope_key", "--period", "2026-03", "--author", "A", "t"), env
    )
    assert bad.returncode == 2 and "not a measure" in bad.stderr
