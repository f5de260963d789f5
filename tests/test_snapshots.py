"""Snapshots (issue 15): one per publish, frozen, retained by the setting, resolved by id or name,
never a dangling index entry; the build version stamp, the older-version message and rebuild;
``--snapshot`` on the reading commands; the headline compare in words."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from etl import compare, snapshots
from etl import published as pub
from etl.store import Warehouse
from etl.tracker import report
from etl.warehouse import rebuild, run_load
from tests import cli_runner
from tests import golden_fixture as gf
from tests import published_fixture as pf
from tests import sen2_builders as b
from tests import tracker_builders as tb
from tests.test_golden import EXPECTED_2024

AS_OF = dt.date(2025, 3, 31)
ITEM = "Launch the preparing-for-adulthood protocol"  # computed Red (tests/tracker_builders.py)


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _keep_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text(f"[snapshots]\nkeep_last = {n}\n", encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(settings))


def _extra_case(tmp_path: Path, n: int = 99) -> Path:
    # One more child: received 2024-01-10, decided 2024-02-05 (26 days ✓), plan issued 2024-05-20
    # (21+29+31+30+20 = 131 days ✓ within 140), no exception (sen2_builders defaults).
    return b.write_flat_csv(tmp_path / f"extra_{n}.csv", [b.case(f"P{n}", f"R{n}")])


@pytest.fixture
def two_loads(tmp_path: Path) -> Path:
    """The golden workbook (snapshot 1), then one more case (snapshot 2)."""
    data = tmp_path / "data"
    run_load([gf.write_workbook(tmp_path / "golden.xlsx")], data)
    run_load([_extra_case(tmp_path)], data)
    return data


def _kpis(shot: snapshots.Snapshot) -> dict[str, object]:
    with Warehouse.open(shot.warehouse_path) as door:
        return door.kpis(2024, AS_OF)


def _etl(*args: str) -> tuple[int, str, str]:
    done = cli_runner.run(args, dict(os.environ))
    return done.returncode, done.stdout, done.stderr


# ---------------------------------------------------------------- one per publish, frozen


def test_a_snapshot_per_publish_load_override_and_published(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert snapshots.list_snapshots(data) == []
    run_load([tb.golden_period_1(tmp_path / "highlight_march.xlsx")], data)
    report.apply_override(data, ITEM, "Amber", reason="New date agreed", author="J Smith")
    timeliness = pf.write_timeliness(
        tmp_path / "pub" / "timeliness_20_week.csv",
        [pf.row(2024, "England", den="100", den_ex="80", within="50", within_ex="40")],
    )
    pub.load_published(timeliness.parent, data)
    shots = snapshots.list_snapshots(data)
    assert [(s.id, s.trigger) for s in shots] == [(1, "load"), (2, "override"), (3, "published")]
    assert shots[0].published_path is None
    assert shots[2].published_path is not None and shots[2].published_path.exists()
    # Where the figures came from, with their content hashes (SHA-256: 64 hex characters).
    kinds = [(s.kind, s.file) for s in shots[2].sources]
    assert kinds == [("data", "highlight_march.xlsx"), ("published", "timeliness_20_week.csv")]
    assert all(len(s.content_hash) == 64 for s in shots[2].sources)
    # The tracker's snapshot date is not a SEN2 one: no data date, so the build date labels it.
    assert shots[0].label.startswith("Snapshot 1 of ")


def test_a_snapshot_is_frozen_after_later_loads(two_loads: Path) -> None:
    first, second = snapshots.list_snapshots(two_loads)
    assert _kpis(first) == EXPECTED_2024
    # The latest has the extra case: excluding exceptions 1 of 3 → 2 of 4 = 50.0%; decisions
    # within 6 weeks 6 of 8 → 7 of 9 = 77.8%.
    latest = _kpis(second)
    assert latest["pct_within_20_weeks_excl_exceptions"] == 50.0
    assert latest["pct_decisions_within_6_weeks"] == 77.8
    # The snapshot shares the file: a hard link, no copy (where the file system allows it).
    assert os.path.samefile(second.warehouse_path, two_loads / "warehouse.duckdb")
    assert [s.file for s in second.sources] == ["golden.xlsx", "extra_99.csv"]


def test_an_override_after_a_snapshot_does_not_change_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_load([tb.golden_period_1(tmp_path / "highlight_march.xlsx")], data)
    report.apply_override(data, ITEM, "Amber", reason="New date agreed", author="J Smith")
    before, after = snapshots.list_snapshots(data)

    def rag(shot: snapshots.Snapshot) -> str:
        with Warehouse.open(shot.warehouse_path) as door:
            return {i["name"]: i["rag"] for i in door.milestones()}[ITEM]

    assert (rag(before), rag(after)) == ("Red", "Amber")
    report.apply_override(data, ITEM, "Green", reason="Done early", author="Chair")
    assert (rag(before), rag(after)) == ("Red", "Amber")  # still as they were


def test_a_replacing_load_snapshots_without_the_forgotten_overrides(tmp_path: Path) -> None:
    data = tmp_path / "data"
    workbook = tb.golden_period_1(tmp_path / "highlight_march.xlsx")
    run_load([workbook], data)
    report.apply_override(data, ITEM, "Amber", reason="New date agreed", author="J Smith")
    run_load([workbook], data, replace=True)  # starts again: the override is forgotten
    overridden, replaced = snapshots.list_snapshots(data)[1:]

    def rag(shot: snapshots.Snapshot) -> str:
        with Warehouse.open(shot.warehouse_path) as door:
            return {i["name"]: i["rag"] for i in door.milestones()}[ITEM]

    assert (rag(overridden), rag(replaced)) == ("Amber", "Red")


# ---------------------------------------------------------------- names, retention, resolve


def test_retention_prunes_only_unnamed_unkept_snapshots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _keep_last(tmp_path, monkeypatch, 2)
    data = tmp_path / "data"
    run_load([gf.write_workbook(tmp_path / "golden.xlsx")], data)  # 1
    snapshots.name(data, 1, "Baseline")
    run_load([_extra_case(tmp_path, 2)], data)  # 2
    snapshots.keep(data, 2)
    for n in (3, 4, 5):
        run_load([_extra_case(tmp_path, n)], data)
    # Unprotected: 3, 4, 5; keep_last = 2 keeps the newest two (4, 5); 1 is named, 2 kept.
    assert [s.id for s in snapshots.list_snapshots(data)] == [1, 2, 4, 5]
    assert not (snapshots.root(data) / "3").exists()
    snapshots.keep(data, 2, kept=False)
    assert snapshots.prune(data) == [2]  # now unprotected and older than 4 and 5
    assert [s.id for s in snapshots.list_snapshots(data)] == [1, 4, 5]
    run_load([_extra_case(tmp_path, 6)], data)  # ids are never reused
    assert [s.id for s in snapshots.list_snapshots(data)] == [1, 5, 6]
    # The named one still opens, with the first load's figures.
    assert _kpis(snapshots.resolve(data, "baseline")) == EXPECTED_2024


def test_resolve_by_id_name_latest_and_previous(two_loads: Path) -> None:
    snapshots.name(two_loads, "1", "Board 12 March")
    assert snapshots.resolve(two_loads, "1").id == 1
    assert snapshots.resolve(two_loads, 2).id == 2
    assert snapshots.resolve(two_loads, " board 12 MARCH ").id == 1
    assert snapshots.resolve(two_loads, "latest").id == 2
    assert snapshots.resolve(two_loads, "previous").id == 1
    with pytest.raises(snapshots.SnapshotError, match="no snapshot before Snapshot 1"):
        snapshots.resolve(two_loads, "previous", before=snapshots.resolve(two_loads, 1))
    with pytest.raises(snapshots.SnapshotError, match=r"No snapshot 7\..*named: 1 \('Board 12"):
        snapshots.resolve(two_loads, "7")
    with pytest.raises(snapshots.SnapshotError, match="No snapshot named 'Board 9 May'"):
        snapshots.resolve(two_loads, "Board 9 May")
    assert snapshots.resolve(two_loads, 1).label == "Snapshot 1 of 10 Mar 2025, 'Board 12 March'"


@pytest.mark.parametrize("bad", ["12", "latest", "Previous"])
def test_a_name_cannot_be_read_as_an_id_or_a_keyword(two_loads: Path, bad: str) -> None:
    with pytest.raises(snapshots.SnapshotError, match="cannot be a name"):
        snapshots.name(two_loads, 1, bad)


def test_names_are_unique(two_loads: Path) -> None:
    snapshots.name(two_loads, 1, "Board")
    with pytest.raises(snapshots.SnapshotError, match="already named 'Board'"):
        snapshots.name(two_loads, 2, "BOARD")
    assert snapshots.name(two_loads, 1, "").name == ""  # a name can be removed


# ---------------------------------------------------------------- killed processes


def test_a_killed_snapshot_leaves_no_dangling_index_entry(
    two_loads: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the process dies after linking the files, before the index

    monkeypatch.setattr(snapshots, "_describe", killed)
    with pytest.raises(KeyboardInterrupt):
        run_load([_extra_case(tmp_path, 3)], two_loads)
    monkeypatch.undo()
    b.isolate_settings(monkeypatch, tmp_path)
    index = json.loads((snapshots.root(two_loads) / "index.json").read_text())
    assert [e["id"] for e in index["snapshots"]] == [1, 2]
    assert (snapshots.root(two_loads) / ".new-3").exists()  # the half-made folder
    assert [s.id for s in snapshots.list_snapshots(two_loads)] == [1, 2]
    # A folder no entry names (a prune killed before removing it) goes at the next publish too.
    (snapshots.root(two_loads) / "9").mkdir()
    run_load([_extra_case(tmp_path, 4)], two_loads)
    assert [s.id for s in snapshots.list_snapshots(two_loads)] == [1, 2, 3]
    left = sorted(p.name for p in snapshots.root(two_loads).iterdir())
    assert left == ["1", "2", "3", "index.json"]


def test_a_load_that_fails_takes_no_snapshot(two_loads: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    run_load([broken], two_loads)
    assert [s.id for s in snapshots.list_snapshots(two_loads)] == [1, 2, 3]
    check = run_load([_extra_case(tmp_path, 5)], two_loads, publish=False)
    assert not check.published
    assert [s.id for s in snapshots.list_snapshots(two_loads)] == [1, 2, 3]


# ---------------------------------------------------------------- older versions and rebuild


def _make_older(data: Path) -> None:
    """Turn a published warehouse into one "built by an older version": no build stamp, a macro
    today's queries need missing, and a staging column today's build does not make."""
    older = data / "older.duckdb"
    shutil.copy(data / "warehouse.duckdb", older)  # published files are replaced, never edited
    con = duckdb.connect(str(older))
    try:
        con.execute("DROP TABLE build_info")
        con.execute("DROP MACRO TABLE annual_review_counts")
        con.execute("ALTER TABLE stg_requests ADD COLUMN dropped_long_ago VARCHAR")
    finally:
        con.close()
    os.replace(older, data / "warehouse.duckdb")


def test_an_older_warehouse_says_so_and_rebuild_fixes_it(two_loads: Path) -> None:
    _make_older(two_loads)
    code, out, err = _etl("kpis", "--data-dir", str(two_loads))
    assert code == 1 and out == ""
    assert "built by an older version of this dashboard (build version 0" in err
    assert "python -m etl rebuild" in err
    code, out, err = _etl("rebuild", "--data-dir", str(two_loads), "--json")
    assert code == 0, err
    assert json.loads(out)["snapshot"]["trigger"] == "rebuild"
    code, out, err = _etl("rebuild", "--data-dir", str(two_loads))  # again, in words
    assert code == 0, err
    assert "from the 2 files already loaded with today's definitions (Snapshot 4 of" in out
    code, out, err = _etl(
        "kpis", "--data-dir", str(two_loads), "--json", "--year", "2024", "--as-of", "2025-03-31"
    )
    assert code == 0, err
    figures = json.loads(out)
    assert figures["ehcp"]["pct_within_20_weeks_excl_exceptions"] == 50.0  # both loads kept
    assert figures["annual_reviews"]["plans_due"] >= 0  # the macro is back


def test_an_older_snapshot_is_listed_as_such_and_not_opened(two_loads: Path) -> None:
    _make_older(two_loads)
    older = snapshots.take_now(two_loads, "load")
    assert older is not None and older.older
    code, out, _ = _etl("snapshots", "--data-dir", str(two_loads))
    assert code == 0
    assert "3" in out.splitlines()[1] and "built by an older version: not opened" in out
    with pytest.raises(snapshots.OlderWarehouse, match="Choose a newer snapshot"):
        Warehouse.open(older.warehouse_path)
    with Warehouse.open(snapshots.resolve(two_loads, 2).warehouse_path) as door:
        assert door.kpis(2024, AS_OF)["pct_within_20_weeks_excl_exceptions"] == 50.0
    code, _, err = _etl("kpis", "--snapshot", "3", "--data-dir", str(two_loads))
    assert code == 1 and "Choose a newer snapshot" in err


def test_rebuild_with_nothing_loaded(tmp_path: Path) -> None:
    code, _, err = _etl("rebuild", "--data-dir", str(tmp_path / "empty"))
    assert code == 1 and "nothing to rebuild" in err


def test_the_warehouse_built_before_stamps_is_rebuilt(tmp_path: Path) -> None:
    # A warehouse as builds before the stamp left it: no build_info table. (The real one crashed
    # `kpis` with "Table Function ... annual_review_counts does not exist".)
    data = tmp_path / "data"
    run_load([gf.write_workbook(tmp_path / "golden.xlsx")], data)
    with duckdb.connect(str(data / "warehouse.duckdb")) as con:
        con.execute("DROP TABLE build_info")
    with pytest.raises(snapshots.OlderWarehouse):
        Warehouse.at(data)
    rebuild(data)
    with Warehouse.at(data) as door:
        assert door.has_sen2()
        door.annual_reviews()


# ---------------------------------------------------------------- the CLI


def test_cli_lists_names_keeps_and_reads_a_snapshot(two_loads: Path) -> None:
    folder = str(two_loads)
    code, out, err = _etl("snapshots", "name", "1", "Board 12 March", "--data-dir", folder)
    assert code == 0, err
    assert out.strip() == "Snapshot 1 of 10 Mar 2025, 'Board 12 March': named 'Board 12 March'."
    assert _etl("snapshots", "--data-dir", folder, "keep", "2")[0] == 0
    code, out, _ = _etl("snapshots", "--json", "--data-dir", folder)
    listed = json.loads(out)
    assert [(s["id"], s["name"], s["kept"]) for s in listed] == [
        (1, "Board 12 March", False),
        (2, "", True),
    ]
    assert listed[0]["data_date"] == "2025-03-10"  # the latest date in the golden data
    code, out, _ = _etl("snapshots", "--data-dir", folder)
    assert out.splitlines()[2].split()[:3] == ["1", "Board", "12"]  # newest first
    # --snapshot gives the older figures; without it, the latest.
    args = ("kpis", "--json", "--year", "2024", "--as-of", "2025-03-31", "--data-dir", folder)
    code, out, _ = _etl(*args, "--snapshot", "board 12 march")
    assert json.loads(out)["ehcp"] == EXPECTED_2024
    code, out, _ = _etl(*args)
    assert json.loads(out)["ehcp"]["pct_within_20_weeks_excl_exceptions"] == 50.0
    code, _, err = _etl(*args, "--snapshot", "12")
    assert code == 2 and "No snapshot 12" in err
    assert _etl("snapshots", "unkeep", "2", "--data-dir", folder)[0] == 0
    code, out, _ = _etl("snapshots", "prune", "--data-dir", folder)
    assert (code, out.strip()) == (0, "Nothing to remove.")


def test_every_reading_command_takes_snapshot() -> None:
    from etl.__main__ import build_parser
    from etl.cli_snapshots import READING

    parser = build_parser()
    for command in READING:
        extra = {"lookup": ["R-X"], "reconcile": ["--year", "2024"]}.get(command, [])
        extra += ["--area", "England"] if command == "waits-published" else []
        args = parser.parse_args([command, *extra, "--snapshot", "previous"])
        assert args.snapshot == "previous", command


# ---------------------------------------------------------------- compare in words


def test_compare_two_snapshots_in_words(two_loads: Path) -> None:
    snapshots.name(two_loads, 1, "Board 12 March")
    now, then = snapshots.resolve(two_loads, "latest"), snapshots.resolve(two_loads, 1)
    # Plans issued in 2024 as at 31 Mar 2025: 6 → 7 (the extra case).
    issued = compare.compare(now, then, "plans_issued", as_of=AS_OF, year=2024)
    assert (issued.now.value, issued.then.value) == (7, 6)
    assert issued.text == "▲ up 1 since Board 12 March"  # plans issued: neutral polarity
    # 1 of 3 → 2 of 4: fewer than 20 plans behind each, so no change is worked out.
    pct = compare.compare(now, then, "pct_within_20_weeks_excl_exceptions", as_of=AS_OF, year=2024)
    assert (pct.now.value, pct.then.value, pct.now.base, pct.then.base) == (50.0, 33.3, 4, 3)
    assert pct.words == "too few to compare with Board 12 March (fewer than 20 plans)"
    # By default each as at its own data date (both 10 Mar 2025): the extra case is closed, so
    # the open requests past 20 weeks are the golden ones on that date in both.
    same = compare.compare(now, then, "open_breached")
    assert (same.now.as_of, same.then.as_of) == (dt.date(2025, 3, 10),) * 2
    assert same.now.value == same.then.value
    assert same.text == "▬ no change since Board 12 March"
    with pytest.raises(KeyError, match="not a comparable headline"):
        compare.compare(now, then, "median_weeks_waiting")


def test_change_words_with_hand_worked_numbers() -> None:
    key = "pct_within_20_weeks_excl_exceptions"  # higher is better
    # 45.0% of 40 plans (18) → 48.2% of 56 plans (27): 48.2 - 45.0 = 3.2 points.
    now, then = compare.Figure(48.2, 56, None), compare.Figure(45.0, 40, None)
    found = compare.compare_figures(key, now, then, "Board 12 March")
    assert found.text == "▲ up 3.2 points since Board 12 March (better)"
    # Open requests past 20 weeks (lower is better): 12 → 9 is down 3, better.
    down = compare.compare_figures(
        "open_breached", compare.Figure(9, None, None), compare.Figure(12, None, None), "snapshot 4"
    )
    assert (down.words, down.judgement) == ("down 3 since snapshot 4 (better)", "better")
    missing = compare.compare_figures(key, compare.Figure(None, 0, None), then, "snapshot 4")
    assert missing.judgement == "unknown"


def test_keep_last_below_one_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from etl import config

    _keep_last(tmp_path, monkeypatch, 0)
    with pytest.raises(config.SettingsError, match=r"\[snapshots\] keep_last"):
        config.settings()


def test_a_snapshot_without_published_figures_says_so(two_loads: Path) -> None:
    code, _, err = _etl("benchmark", "--la", "336", "--snapshot", "1", "--data-dir", str(two_loads))
    assert code == 2
    assert "Snapshot 1 of 10 Mar 2025 has no published figures" in err
