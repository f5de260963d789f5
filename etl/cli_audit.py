"""The audit trail on the command line (issue 16): ``python -m etl audit`` lists it, and every
command that changes the data — or writes a pack — leaves one record when it succeeds.

Who: ``--by NAME`` on those commands, else the operating-system user (the command line has no
sign-in; its records say ``local`` and ``via: cli``). Registered by ``etl.__main__``: the parser
(``add_parsers``, after the other commands so ``--by`` reaches them), the command, and
:func:`after`, called with each command's exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

from etl import audit, config
from etl.access import Viewer, local_name
from etl.cli_output import EXIT_NOTHING, EXIT_OK, EXIT_PARTIAL, emit

# Each command that changes the data (or writes a pack), and the action its success records.
CHANGES: dict[str, audit.Action] = {
    "load": "load",
    "demo": "load",
    "load-published": "load",
    "fetch-published": "load",
    "rebuild": "load",
    "snapshots": "load",  # name / keep / unkeep / prune; a listing records nothing
    "override": "override",
    "comment": "commentary",  # a comment recorded or cleared; --list records nothing
    "pack": "export",
}
_BY_HELP = "who to name in the audit trail (default: your user name)"


def add_parsers(
    sub: Any,
    common: Callable[[argparse.ArgumentParser], None],
    date: Callable[[str], dt.date],
) -> None:
    trail = sub.add_parser(
        "audit",
        help="the audit trail: sign-ins, refusals, row-level lists shown, downloads and packs, "
        "loads, overrides and commentary, oldest first",
    )
    trail.add_argument("--since", type=date, metavar="DATE", help="from this date (UTC)")
    trail.add_argument("--until", type=date, metavar="DATE", help="to this date (UTC), included")
    trail.add_argument("--who", metavar="NAME_OR_EMAIL", help="one person's records (any case)")
    trail.add_argument("--action", choices=audit.ACTIONS)
    common(trail)
    for name in CHANGES:
        parser = sub.choices[name]
        parser.add_argument("--by", metavar="NAME", help=_BY_HELP)
        for action in parser._actions:  # snapshots' own actions (name, keep…): --by after them
            if isinstance(action, argparse._SubParsersAction):
                for inner in action.choices.values():
                    inner.add_argument("--by", default=argparse.SUPPRESS, help=_BY_HELP)


def _detail(args: argparse.Namespace) -> dict[str, Any] | None:
    """What the record of a successful ``args.command`` says; None when it changed nothing."""
    command = args.command
    if command == "load":
        return {"files": [p.name for p in args.paths]}
    if command == "demo":
        return {"scope": f"synthetic demo data, scale {args.scale}, seed {args.seed}"}
    if command in ("load-published", "fetch-published"):
        folder = getattr(args, "folder", None)
        return {"files": [folder.name]} if folder else {}
    if command == "rebuild":
        return {}
    if command == "snapshots":
        if args.action not in ("name", "keep", "unkeep", "prune"):
            return None
        return {"command": f"snapshots {args.action}", "snapshot": getattr(args, "ref", None)}
    if command == "override":
        return {
            "subject": args.target,
            "rag": "cleared" if args.clear else args.rag,
            "period": args.as_of,
        }
    if command == "comment":
        if args.list:
            return None
        return {
            "kind": "measure" if args.measure else "action",
            "subject": args.measure or args.action,
            "period": args.period,
        }
    if command == "pack":
        fmt = args.format or args.out.suffix.lower().lstrip(".")
        return {
            "kind": args.kind,
            "mode": args.mode,
            "format": fmt,
            "file": args.out.name,
            "snapshot": args.snapshot or "latest",
        }
    return None


def after(args: argparse.Namespace, code: int) -> None:
    """Record a command that changed the data, once it has succeeded (exit 0, or 3: some files
    loaded). A trail that cannot be written is said on stderr; the exit code stands (the data
    has already changed)."""
    action = CHANGES.get(args.command)
    if action is None or code not in (EXIT_OK, EXIT_PARTIAL):
        return
    detail = _detail(args)
    if detail is None:
        return
    folder = config.data_dir(args.data_dir)
    detail.setdefault("command", args.command)
    if action == "load" and "snapshot" not in detail:
        from etl import snapshots

        shots = snapshots.list_snapshots(folder)
        detail["snapshot"] = shots[-1].label if shots else None
    viewer = Viewer(name=getattr(args, "by", None) or local_name(), local=True)
    try:
        audit.record(folder, viewer, action, via="cli", **detail)
    except OSError as problem:
        print(f"Warning: the audit trail could not be written: {problem}", file=sys.stderr)


def _line(entry: audit.Entry) -> str:
    who = entry.who + (f" <{entry.email}>" if entry.email else "")
    role = entry.role or ("command line" if entry.detail.get("via") == "cli" else "no role")
    detail = ", ".join(
        f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in entry.detail.items()
        if k != "via"
    )
    return f"{entry.at:%Y-%m-%d %H:%M:%S}  {who} ({role})  {entry.action}  {detail}"


def cmd_audit(args: argparse.Namespace) -> int:
    trail = audit.read(
        config.data_dir(args.data_dir),
        since=args.since,
        who=args.who,
        action=args.action,
        until=args.until,
    )
    note = (
        f"{trail.skipped} unreadable line{'s' if trail.skipped != 1 else ''} skipped."
        if trail.skipped
        else ""
    )
    if not trail.entries and not args.json:
        filtered = args.since or args.until or args.who or args.action
        print("No audit records" + (" match." if filtered else "."))
        if note:
            print(note, file=sys.stderr)
        return EXIT_NOTHING
    human = "\n".join([*(_line(e) for e in trail.entries), *([note] if note else [])])
    emit(args, {"records": [e.as_json() for e in trail.entries], "skipped": trail.skipped}, human)
    return EXIT_OK if trail.entries else EXIT_NOTHING


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"audit": cmd_audit}
