"""What every ``python -m etl`` command prints and returns (DESIGN §8): a human summary, or JSON
with ``--json``; problems on stderr (and as ``{"error": …}`` with ``--json``); the exit codes.
Standard library only, so a command that needs nothing heavy starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

# 0 success (rows may still have been rejected), 1 nothing could be done with the input,
# 2 usage, 3 some files loaded and others refused.
EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def emit(args: argparse.Namespace, payload: Any, human: str) -> None:
    """Print ``payload`` as JSON with ``--json``, else the human text."""
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(human)


def fail(args: argparse.Namespace, message: str, code: int) -> int:
    """Say what went wrong (JSON ``{"error": …}`` with ``--json``) and return the exit code."""
    if getattr(args, "json", False):
        json.dump({"error": message}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    print(message, file=sys.stderr)
    return code
