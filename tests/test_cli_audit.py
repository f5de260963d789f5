"""The command line and the audit trail (issue 16): each command that changes the data (or writes
a pack) leaves exactly one record naming the command and who ran it; a failed command, a listing
and a query leave none; ``python -m etl audit`` lists the trail with its filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl import audit
from etl.access import local_name
from tests import golden_fixture as gf
from tests import published_fixture as pf
from tests import tracker_builders as tb
from tests.cli_runner import REPO, run

ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "SEND_CONFIG": str(REPO / "send_dashboard.toml")}


def etl(*args: str) -> tuple[int, str, str]:
    done = run(args, ENV)
    return done.returncode, done.stdout, done.stderr


def records(data: Path) -> list[audit.Entry]:
    trail = audit.read(data)
    assert trail.skipped == 0
    return trail.entries


def test_each_command_that_changes_data_writes_one_record(tmp_path: Path) -> None:
    data = tmp_path / "data"
    d = ("--data-dir", str(data))
    sen2 = gf.write_flat(tmp_path / "cases.csv")
    tracker = tb.golden_period_1(tmp_path / "march.xlsx")
    published = tmp_path / "published"
    pf.write_neighbours(published / "stat_neighbours.csv", {"Kent": ["Essex"], "Essex": ["Kent"]})
    steps: list[tuple[tuple[str, ...], str, str, str]] = [
        # (arguments, action recorded, command named, who)
        (("load", str(sen2), str(tracker), "--by", "Ann Analyst"), "load", "load", "Ann Analyst"),
        (("load-published", str(published)), "load", "load-published", local_name()),
        (
            (
                *("override", "Audit EHC plan quality", "--rag", "Green"),
                *("--reason", "Fieldwork done", "--author", "Programme manager", "--by", "Pat"),
            ),
            "override",
            "override",
            "Pat",
        ),
        (
            (
                *("comment", "--measure", "pct_within_20_weeks", "--period", "2026-11"),
                *("--author", "Head of service", "Improving"),
            ),
            "commentary",
            "comment",
            local_name(),
        ),
        (("snapshots", "name", "1", "Board", "--by", "Ann"), "load", "snapshots name", "Ann"),
        (("snapshots", "--by", "Bo", "keep", "1"), "load", "snapshots keep", "Bo"),
        (("snapshots", "unkeep", "1"), "load", "snapshots unkeep", local_name()),
        (("snapshots", "prune"), "load", "snapshots prune", local_name()),
        (("rebuild",), "load", "rebuild", local_name()),
        (
            ("pack", "--kind", "board", "--out", str(tmp_path / "board.xlsx"), "--by", "Cy"),
            "export",
            "pack",
            "Cy",
        ),
    ]
    for args, action, command, who in steps:
        before = len(records(data))
        code, _, err = etl(*args, *d)
        assert code == 0, (args, err)
        found = records(data)
        assert len(found) == before + 1, args
        last = found[-1]
        assert (last.action, last.detail["command"], last.who) == (action, command, who)
        assert last.detail["via"] == "cli" and last.local and last.role is None

    by_command = {e.detail["command"]: e.detail for e in records(data)}
    assert by_command["load"]["files"] == ["cases.csv", "march.xlsx"]
    assert by_command["load"]["snapshot"].startswith("Snapshot 1 of ")
    assert by_command["override"]["subject"] == "Audit EHC plan quality"
    assert by_command["override"]["rag"] == "Green"
    assert by_command["comment"]["kind"] == "measure"
    assert by_command["comment"]["subject"] == "pct_within_20_weeks"
    assert by_command["snapshots name"]["snapshot"] == "1"
    pack = by_command["pack"]
    assert (pack["kind"], pack["mode"], pack["format"], pack["file"]) == (
        "board",
        "publish",
        "xlsx",
        "board.xlsx",
    )

    # Nothing changed, nothing recorded: listings, queries, and commands that failed.
    before = len(records(data))
    for args in (
        ("snapshots",),
        ("comment", "--list"),
        ("kpis",),
        ("milestones",),
        ("audit",),
        ("load", str(tmp_path / "no such file.csv")),
        ("override", "nothing like this", "--rag", "Red", "--reason", "r", "--author", "a"),
        ("snapshots", "name", "99", "Nope"),
    ):
        etl(*args, *d)
    assert len(records(data)) == before


def test_demo_is_recorded_as_a_load(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    code, _, err = etl("demo", "--data-dir", str(data), "--by", "Demo Person")
    assert code == 0, err
    [entry] = records(data)
    assert (entry.action, entry.who, entry.detail["command"]) == ("load", "Demo Person", "demo")
    assert entry.detail["scope"] == "synthetic demo data, scale la, seed 1"


@pytest.fixture
def trail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three records with hand-chosen times: 30 Nov (Ann, load), 1 Dec (Sam, view_rows),
    2 Dec (Ann, export), and one unreadable line."""
    import datetime as dt

    from etl.access import Viewer

    ann = Viewer(name="Ann Analyst", email="ann@council.gov.uk", role="analyst")
    sam = Viewer(name="Sam Lead", role="service_lead")
    for when, who, action, detail in (
        (dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC), ann, "load", {"command": "load"}),
        (dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), sam, "view_rows", {"list": "x"}),
        (dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), ann, "export", {"mode": "publish"}),
    ):
        monkeypatch.setattr(audit, "now", lambda when=when: when)
        audit.record(tmp_path, who, action, **detail)
    with (tmp_path / "audit" / "audit-2026-12.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    return tmp_path


def test_audit_command_lists_and_filters(trail: Path) -> None:
    d = ("--data-dir", str(trail))
    code, out, _ = etl("audit", "--json", *d)
    assert code == 0
    found = json.loads(out)
    assert found["skipped"] == 1
    assert [r["action"] for r in found["records"]] == ["load", "view_rows", "export"]
    assert found["records"][2] == {
        "at": "2026-12-02T09:00:00+00:00",
        "who": "Ann Analyst",
        "email": "ann@council.gov.uk",
        "role": "analyst",
        "local": False,
        "action": "export",
        "detail": {"mode": "publish"},
    }
    code, out, _ = etl("audit", "--since", "2026-12-01", "--who", "ANN@council.gov.uk", *d)
    assert code == 0
    assert out.splitlines() == [
        "2026-12-02 09:00:00  Ann Analyst <ann@council.gov.uk> (analyst)  export  mode=publish",
        "1 unreadable line skipped.",
    ]
    code, out, _ = etl("audit", "--action", "view_rows", "--json", *d)
    assert [r["who"] for r in json.loads(out)["records"]] == ["Sam Lead"]
    code, out, _ = etl("audit", "--who", "nobody", *d)
    assert code == 1 and out.strip() == "No audit records match."
    code, _, err = etl("audit", "--action", "peek", *d)
    assert code == 2 and "invalid choice" in err
