"""The audit trail's log (``etl.audit``): append and read back, concurrent writers, retention by
hand-chosen dates, unreadable lines, and what a record may never hold."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path

import pytest

from etl import audit, config
from etl.access import Viewer

ANALYST = Viewer(name="Ann Analyst", email="ann@council.gov.uk", role="analyst")
LEAD = Viewer(name="Sam Lead", email="sam@nhs.net", role="service_lead")


def _at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    monkeypatch.setattr(audit, "now", lambda: when)


def _utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts).replace(tzinfo=dt.UTC)  # type: ignore[arg-type]


def test_a_record_reads_back_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _at(monkeypatch, _utc(2026, 12, 2, 9, 30, 5))
    made = audit.record(
        tmp_path,
        ANALYST,
        "export",
        page="EHC plan timeliness",
        mode="internal",
        scope="Open requests as at 1 Nov 2026",
        file="ehcp_watchlist_2026-11-01_internal.csv",
        rows=3,
        format="csv",
        kind="local",
        snapshot="Snapshot 4 of 1 Nov 2026",
    )
    path = tmp_path / "audit" / "audit-2026-12.jsonl"
    [line] = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) == {
        "at": "2026-12-02T09:30:05+00:00",
        "who": "Ann Analyst",
        "email": "ann@council.gov.uk",
        "role": "analyst",
        "local": False,
        "action": "export",
        "detail": {
            "page": "EHC plan timeliness",
            "mode": "internal",
            "scope": "Open requests as at 1 Nov 2026",
            "file": "ehcp_watchlist_2026-11-01_internal.csv",
            "rows": 3,
            "format": "csv",
            "kind": "local",
            "snapshot": "Snapshot 4 of 1 Nov 2026",
        },
    }
    trail = audit.read(tmp_path)
    assert trail.entries == [made]
    assert trail.skipped == 0


def test_read_filters_by_date_who_and_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three records in two months: Nov (Ann, load), 1 Dec (Sam, view_rows), 2 Dec (Ann, export).
    for when, who, action in (
        (_utc(2026, 11, 30, 23, 59, 59), ANALYST, "load"),
        (_utc(2026, 12, 1, 0, 0, 0), LEAD, "view_rows"),
        (_utc(2026, 12, 2, 8, 0, 0), ANALYST, "export"),
    ):
        _at(monkeypatch, when)
        audit.record(tmp_path, who, action)
    assert sorted(p.name for p in (tmp_path / "audit").glob("*.jsonl")) == [
        "audit-2026-11.jsonl",
        "audit-2026-12.jsonl",
    ]

    def actions(**filters: object) -> list[str]:
        return [e.action for e in audit.read(tmp_path, **filters).entries]  # type: ignore[arg-type]

    assert actions() == ["load", "view_rows", "export"]
    assert actions(since=dt.date(2026, 12, 1)) == ["view_rows", "export"]
    assert actions(until=dt.date(2026, 11, 30)) == ["load"]
    assert actions(since=dt.date(2026, 12, 1), until=dt.date(2026, 12, 1)) == ["view_rows"]
    assert actions(who="ann analyst") == ["load", "export"]  # any case
    assert actions(who="SAM@nhs.net") == ["view_rows"]  # or the e-mail address
    assert actions(who="Ann") == []  # a whole name, not a part of one
    assert actions(action="export") == ["export"]


def _append_many(folder: str, writer: int, count: int) -> None:
    viewer = Viewer(name=f"writer {writer}", role="analyst")
    for n in range(count):
        audit.record(Path(folder), viewer, "export", rows=n, scope="x" * 250)


def test_concurrent_appends_from_several_processes_all_land_intact(tmp_path: Path) -> None:
    # 4 processes × 40 records = 160 lines, each about 400 bytes; every one must read back whole.
    processes = [
        multiprocessing.get_context("spawn").Process(
            target=_append_many, args=(str(tmp_path), writer, 40)
        )
        for writer in range(4)
    ]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=120)
        assert p.exitcode == 0
    trail = audit.read(tmp_path)
    assert trail.skipped == 0
    assert len(trail.entries) == 160
    for writer in range(4):
        rows = sorted(e.detail["rows"] for e in trail.entries if e.who == f"writer {writer}")
        assert rows == list(range(40))  # each writer's records all there, none twice


def test_retention_removes_whole_months_past_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "audit"
    where.mkdir()
    for month in ("2024-10", "2024-11", "2024-12", "2025-06"):
        (where / f"audit-{month}.jsonl").write_text("", encoding="utf-8")
    (where / "notes.txt").write_text("not ours", encoding="utf-8")
    # Today 2 Dec 2026, retention 730 days: cutoff = 2 Dec 2026 - 730 days = 2 Dec 2024
    # (2025 and 2026 are not leap years: 365 + 365). November 2024 ended on 30 Nov 2024, before
    # the cutoff: removed (and October). December 2024 ends 31 Dec 2024, after it: kept, although
    # its first records are already 731 days old — a record is kept at least 730 days.
    removed = audit.prune(tmp_path, 730, today=dt.date(2026, 12, 2))
    assert [p.name for p in removed] == ["audit-2024-10.jsonl", "audit-2024-11.jsonl"]
    assert sorted(p.name for p in where.iterdir()) == [
        "audit-2024-12.jsonl",
        "audit-2025-06.jsonl",
        "notes.txt",
    ]
    # On 1 Jan 2027 the cutoff is 1 Jan 2025: December 2024 (ended 31 Dec 2024) goes — at the next
    # write, which prunes with the settings' retention (730 by default).
    _at(monkeypatch, _utc(2027, 1, 1, 0, 0, 1))
    audit.record(tmp_path, ANALYST, "sign_in")
    assert sorted(p.name for p in where.iterdir() if p.name != audit.LOCK) == [
        "audit-2025-06.jsonl",
        "audit-2027-01.jsonl",
        "notes.txt",
    ]


def test_a_corrupt_line_is_skipped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, _utc(2026, 12, 2, 9, 0, 0))
    audit.record(tmp_path, ANALYST, "sign_in")
    path = tmp_path / "audit" / "audit-2026-12.jsonl"
    with path.open("ab") as handle:
        handle.write(b'{"not": "a record"}\n')  # JSON, but no record
        handle.write(b"\xff\xfe garbage\n")  # not UTF-8
        handle.write(b'{"at": "2026-12-02T09:00:00", "who": "x", "action": "export"}\n')  # naive
        handle.write(b'{"at": "2026-12-02T09:0')  # torn: a writer killed mid-line
    audit.record(tmp_path, LEAD, "view_rows", list="ehcp_watchlist")
    trail = audit.read(tmp_path)
    assert [(e.who, e.action) for e in trail.entries] == [
        ("Ann Analyst", "sign_in"),
        ("Sam Lead", "view_rows"),  # not glued onto the torn line: it starts a line of its own
    ]
    assert trail.skipped == 4


def test_a_record_never_holds_a_upn_or_a_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, _utc(2026, 12, 2, 9, 0, 0))
    made = audit.record(
        tmp_path,
        ANALYST,
        "export",
        scope="Watchlist filtered to R-3F9A2C1B7D and A123456789012",
        files=["cases.csv", "W-0123456789.csv"],
    )
    assert made is not None
    assert made.detail == {
        "scope": "Watchlist filtered to [withheld] and [withheld]",
        "files": ["cases.csv", "[withheld].csv"],
    }
    text = (tmp_path / "audit" / "audit-2026-12.jsonl").read_text(encoding="utf-8")
    assert "3F9A2C1B7D" not in text and "A123456789012" not in text


def test_unknown_actions_and_detail_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(tmp_path, ANALYST, "peek")
    with pytest.raises(ValueError, match="not allowed: rows_shown"):
        audit.record(tmp_path, ANALYST, "view_rows", rows_shown=["R-3F9A2C1B7D"])
    with pytest.raises(ValueError, match="is not recorded"):
        audit.record(tmp_path, ANALYST, "export", rows={"a": 1})
    assert not (tmp_path / "audit").exists() or not list((tmp_path / "audit").glob("*.jsonl"))


def test_disabled_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("[audit]\nenabled = false\nretention_days = 30\n", encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(settings))
    assert config.settings().audit_retention_days == 30
    assert audit.record(tmp_path, ANALYST, "sign_in") is None
    assert audit.read(tmp_path).entries == []
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("[audit]\nretention_days = 0\n", encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(wrong))
    with pytest.raises(config.SettingsError, match=r"\[audit\] retention_days"):
        config.settings()
