"""CLI commands for snapshots (issue 15): ``snapshots`` (list, name, keep, unkeep, prune) and
``rebuild``, plus the ``--snapshot REF`` option of every command that reads the warehouse.
Registered by ``etl.__main__``; same conventions (DESIGN §8): ``--data-dir``, ``--json``, exit 0
success, 1 nothing there, 2 usage error.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from etl import config, snapshots
from etl.cli_output import EXIT_NOTHING, EXIT_OK, EXIT_USAGE, emit, fail
from etl.store import NoDatabase, Published, Warehouse

# Commands that read the warehouse or the published figures: each takes --snapshot REF.
READING = ("quality", "kpis", "lookup", "milestones", "benchmark", "reconcile", "waits-published")


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    shots = sub.add_parser(
        "snapshots",
        help="list the snapshots (one per publish), or name, keep, unkeep or prune them",
        description="Without an action: list every snapshot (id, name, kept, data date, built "
        "at, files). A snapshot is referred to by its id, its name, 'latest' or 'previous'.",
    )
    common(shots)
    actions = shots.add_subparsers(dest="action", metavar="ACTION")
    named = actions.add_parser("name", help='name a snapshot ("Board 12 March"); never pruned')
    named.add_argument("ref", metavar="ID")
    named.add_argument("name", metavar="NAME", help='the name; "" removes it')
    # The options again after the action, without defaults that would hide those given before it.
    _after_action(named)
    for action, words in (
        ("keep", "keep a snapshot (never pruned)"),
        ("unkeep", "let retention prune a kept snapshot again"),
    ):
        parser = actions.add_parser(action, help=words)
        parser.add_argument("ref", metavar="ID")
        _after_action(parser)
    prune = actions.add_parser(
        "prune", help="apply the retention setting ([snapshots] keep_last) now"
    )
    _after_action(prune)

    rebuild = sub.add_parser(
        "rebuild",
        help="rebuild the warehouse from the files already loaded with today's definitions "
        "(after an upgrade; no input files needed)",
    )
    common(rebuild)


def _after_action(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, help="data folder")
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS)


def add_snapshot_option(sub: Any) -> None:
    """``--snapshot REF`` on every command in :data:`READING` (one place for all of them)."""
    for name in READING:
        sub.choices[name].add_argument(
            "--snapshot",
            metavar="REF",
            help="read this snapshot instead of the latest data: an id, a name, 'latest' or "
            "'previous' (see `python -m etl snapshots`)",
        )


def snapshot_of(args: argparse.Namespace) -> snapshots.Snapshot | None:
    """The snapshot ``--snapshot`` names, or None for the current data;
    :class:`etl.snapshots.SnapshotError` when it names none."""
    ref = getattr(args, "snapshot", None)
    if not ref:
        return None
    return snapshots.resolve(config.data_dir(args.data_dir), ref)


def open_warehouse(args: argparse.Namespace) -> Warehouse:
    """The warehouse a reading command should use: ``--snapshot``'s, else the current one."""
    shot = snapshot_of(args)
    if shot is None:
        return Warehouse.at(config.data_dir(args.data_dir))
    return Warehouse.open(shot.warehouse_path)


def open_published(args: argparse.Namespace) -> Published:
    """The published figures a reading command should use: ``--snapshot``'s, else today's."""
    shot = snapshot_of(args)
    if shot is None:
        return Published.at(config.data_dir(args.data_dir))
    if shot.published_path is None:
        raise snapshots.SnapshotError(
            f"{shot.label} has no published figures: none were loaded when it was taken."
        )
    return Published.open(shot.published_path)


def listing(shots: list[snapshots.Snapshot]) -> str:
    """The human table of ``python -m etl snapshots``."""
    if not shots:
        return "No snapshots yet: one is taken each time data is loaded."
    lines = [f"{'Id':>4}  {'Name':<24} {'Kept':<4}  {'Data date':<11} {'Built at':<16}  Files"]
    for s in reversed(shots):  # newest first, as people look for the latest
        data = [x for x in s.sources if x.kind == "data"]
        published = len(s.sources) - len(data)
        files = data[0].file if data else "no data files"
        files += f" +{len(data) - 1} more" if len(data) > 1 else ""
        files += f"; {published} published" if published else ""
        status = "  [built by an older version: not opened]" if s.older else ""
        lines.append(
            f"{s.id:>4}  {s.name[:24]:<24} {'yes' if s.kept else '':<4}  "
            f"{s.data_date.isoformat() if s.data_date else '–':<11} "
            f"{s.built_at:%Y-%m-%d %H:%M}  {files}{status}"
        )
    return "\n".join(lines)


def cmd_snapshots(args: argparse.Namespace) -> int:
    folder = config.data_dir(args.data_dir)
    try:
        if args.action == "name":
            shot = snapshots.name(folder, args.ref, args.name)
            done = f"named {shot.name!r}" if shot.name else "name removed"
        elif args.action in ("keep", "unkeep"):
            shot = snapshots.keep(folder, args.ref, args.action == "keep")
            done = "kept (never pruned)" if shot.kept else "no longer kept"
        elif args.action == "prune":
            removed = snapshots.prune(folder)
            emit(
                args,
                {"removed": removed},
                f"Removed snapshots {', '.join(map(str, removed))}."
                if removed
                else "Nothing to remove.",
            )
            return EXIT_OK
        else:
            shots = snapshots.list_snapshots(folder)
            emit(args, [s.as_json() for s in shots], listing(shots))
            return EXIT_OK if shots else EXIT_NOTHING
    except snapshots.SnapshotError as problem:
        return fail(args, str(problem), EXIT_USAGE)
    emit(args, shot.as_json(), f"{shot.label}: {done}.")
    return EXIT_OK


def cmd_rebuild(args: argparse.Namespace) -> int:
    from etl.warehouse import rebuild

    folder = config.data_dir(args.data_dir)
    try:
        report = rebuild(folder)
    except NoDatabase:
        return fail(args, f"No data loaded yet in {folder}: nothing to rebuild.", EXIT_NOTHING)
    shot = snapshots.resolve(folder, "latest")
    files = len(report.summary)
    emit(
        args,
        {"rebuilt": True, "files": files, "snapshot": shot.as_json()},
        f"Rebuilt {config.warehouse_path(folder)} from the {files} files already loaded with "
        f"today's definitions ({shot.label}).",
    )
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "snapshots": cmd_snapshots,
    "rebuild": cmd_rebuild,
}
