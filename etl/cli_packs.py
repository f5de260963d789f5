"""CLI command ``pack`` (issue 15): the board pack or the 12-month review pack as PDF,
PowerPoint or XLSX, from a snapshot. Registered by ``etl.__main__``; same conventions
(DESIGN §8): ``--data-dir``, ``--json``, exit 0 success, 1 no data, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from etl import config
from etl.cli_output import EXIT_NOTHING, EXIT_OK, EXIT_USAGE, fail
from etl.store import NoDatabase

FORMATS = ("pdf", "pptx", "xlsx")


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    pack = sub.add_parser(
        "pack",
        help="build the board pack (or the 12-month review pack) as PDF, PowerPoint or XLSX",
        description="Build a pack from a snapshot (default: the latest). Publish mode (the "
        "default) suppresses small numbers as every document leaving the partnership must; "
        "internal mode shows exact figures. The mode, area and snapshot are stated on its face.",
    )
    pack.add_argument("--kind", choices=["board", "review"], default="board")
    pack.add_argument("--snapshot", metavar="REF", help="id, name, 'latest' (default), 'previous'")
    pack.add_argument(
        "--compare", metavar="REF", help="snapshot to show the change since (e.g. 'previous')"
    )
    pack.add_argument("--mode", choices=["internal", "publish"], default="publish")
    pack.add_argument(
        "--format", choices=FORMATS, help="pdf, pptx or xlsx (default: from --out's extension)"
    )
    pack.add_argument("--out", type=Path, required=True, metavar="FILE")
    common(pack)


def cmd_pack(args: argparse.Namespace) -> int:
    fmt = args.format or args.out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        return fail(
            args, f"say --format pdf, pptx or xlsx (cannot tell from {args.out.name!r})", EXIT_USAGE
        )
    if not args.out.parent.is_dir():
        return fail(args, f"folder {args.out.parent} does not exist", EXIT_USAGE)
    started = time.perf_counter()
    # The pack reuses the dashboard's pure view helpers, one of which imports Streamlit; outside
    # a running app Streamlit warns about its cache at import. Quiet that here, and import the
    # pack code only for this command so other commands stay light.
    from streamlit import logger as streamlit_logger

    streamlit_logger.get_logger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    from etl.packs.build import PackError, make_pack, renderer

    try:
        pack = make_pack(
            config.data_dir(args.data_dir),
            kind=args.kind,
            mode=args.mode,
            snapshot=args.snapshot,
            compare=args.compare,
        )
    except PackError as problem:
        return fail(args, str(problem), EXIT_USAGE)
    except NoDatabase as problem:
        return fail(args, f"no data to make a pack from: {problem}", EXIT_NOTHING)
    renderer(fmt)(pack, args.out)
    seconds = time.perf_counter() - started
    summary = {
        "file": str(args.out),
        "kind": args.kind,
        "format": fmt,
        "mode": pack.face.mode,
        "snapshot": pack.face.snapshot_words,
        "compared": pack.face.compared or None,
        "sections": [s.title for s in pack.sections],
        "seconds": round(seconds, 2),
    }
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(
            f"Wrote {args.out} ({fmt}, {pack.face.mode} mode, {pack.face.snapshot_words}; "
            f"{len(pack.sections)} sections) in {seconds:.1f} s"
        )
    return EXIT_OK


COMMANDS = {"pack": cmd_pack}
