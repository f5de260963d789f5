"""CLI command for commentary (issue 15): ``comment``. Registered by ``etl.__main__``; same
conventions (DESIGN §8): ``--data-dir``, ``--json``, exit 0 success, 1 no data, 2 usage error.

    python -m etl comment --measure KEY --period YYYY-MM --author NAME "text"
    python -m etl comment --action REF --period YYYY-MM --author NAME "text"
    python -m etl comment --action REF --period YYYY-MM --author NAME --clear
    python -m etl comment --list [--period YYYY-MM] [--history]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from etl import commentary, config
from etl.cli_output import EXIT_NOTHING, EXIT_OK, EXIT_USAGE, emit, fail
from etl.store import NoDatabase, Warehouse


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    comment = sub.add_parser(
        "comment",
        help="record the owner's commentary on a measure or an action for a month (kept with "
        "author, date and history), or list it",
    )
    subject = comment.add_mutually_exclusive_group()
    subject.add_argument("--measure", metavar="KEY", help="a measure's key (docs/metrics.md)")
    subject.add_argument("--action", metavar="REF", help="an action's ref (or milestone name)")
    subject.add_argument("--list", action="store_true", help="list the commentary in force")
    comment.add_argument("--period", metavar="YYYY-MM", help="the reporting month")
    comment.add_argument("--author", help="who wrote it")
    comment.add_argument("--clear", action="store_true", help="withdraw the comment in force")
    comment.add_argument(
        "--history", action="store_true", help="with --list: every version, cleared ones too"
    )
    comment.add_argument("text", nargs="?", help="the comment")
    common(comment)


def cmd_comment(args: argparse.Namespace) -> int:
    folder = config.data_dir(args.data_dir)
    if args.list:
        return _list(args, folder)
    if not (args.measure or args.action):
        return fail(args, "Give --measure KEY or --action REF (or --list).", EXIT_USAGE)
    if not args.period or not args.author:
        return fail(args, "A comment needs --period YYYY-MM and --author NAME.", EXIT_USAGE)
    if bool(args.text) == bool(args.clear):
        return fail(args, "Give the comment's text, or --clear to withdraw one.", EXIT_USAGE)
    try:
        done = commentary.record(
            folder,
            kind="measure" if args.measure else "action",
            subject=args.measure or args.action,
            period=args.period,
            author=args.author,
            text="" if args.clear else args.text,
        )
    except commentary.CommentError as problem:
        return fail(args, problem.message, EXIT_USAGE if problem.usage else EXIT_NOTHING)
    what = "cleared" if args.clear else "recorded"
    emit(
        args,
        done,
        f"Comment {what} on {done['subject_kind']} {done['subject']} ({done['title']}) for "
        f"{done['period']} by {done['author']}.",
    )
    return EXIT_OK


def _list(args: argparse.Namespace, folder: Any) -> int:
    try:
        warehouse = Warehouse.at(folder)
    except NoDatabase:
        return fail(args, f"No data loaded yet in {folder}.", EXIT_NOTHING)
    try:
        with warehouse:
            found = (
                warehouse.commentary_history(args.period)
                if args.history
                else warehouse.commentary(args.period)
            )
    except commentary.CommentError as problem:
        return fail(args, problem.message, EXIT_USAGE)
    lines = [
        f"{c['period']}  {c['subject_kind']:<7} {c['subject']}: {c['text'] or '(cleared)'} "
        f"— {c['author']}, {c['created_at']}"
        for c in found
    ]
    emit(args, found, "\n".join(lines) if lines else "No commentary recorded.")
    return EXIT_OK


COMMANDS = {"comment": cmd_comment}
