"""The owner's commentary on a measure or an action for a reporting month (issue 15).

A comment is one appended record (``etl.records.COMMENTARY``): its subject (a measure's catalogue
key, or an improvement-plan action's ref), the reporting month (``YYYY-MM``), the text, the author
and when it was written. Nothing is edited or removed: the latest record for a (subject, month)
is the one in force, the earlier ones are its history, and a record with no text clears it.

Recording checks the subject first — an unknown measure key is refused naming the nearest key,
an action must be one in force in a loaded tracker — so a comment never silently attaches to
nothing. The packs and the dashboard read comments through :meth:`etl.store.Warehouse.commentary`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

import duckdb

from etl import records
from etl.catalogue import CATALOGUE, nearest_key

SubjectKind = Literal["measure", "action"]
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


class CommentError(Exception):
    """The comment could not be recorded; ``usage`` when the request itself was wrong."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.message = message
        self.usage = usage


def period_of(value: str | dt.date) -> str:
    """The reporting month ``YYYY-MM`` of a date, or a ``YYYY-MM`` text checked and returned."""
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    m = _PERIOD.match(value.strip())
    if not m or not 1 <= int(m[2]) <= 12 or not 1900 <= int(m[1]) <= 2100:
        raise CommentError(f"'{value}' is not a month; write YYYY-MM (e.g. 2026-11)", usage=True)
    return value.strip()


def _measure(key: str) -> str:
    wanted = key.strip()
    if wanted in CATALOGUE:
        return wanted
    near = nearest_key(wanted)
    hint = f"; did you mean {near}?" if near else ""
    raise CommentError(
        f"'{key}' is not a measure the dashboard knows{hint} (the measures are listed in "
        "docs/metrics.md)",
        usage=True,
    )


def _action(folder: Path, target: str) -> dict[str, Any]:
    """The action in force that ``target`` names (its ref, else its name)."""
    from etl.store import NoDatabase, Warehouse
    from etl.tracker import report

    try:
        warehouse = Warehouse.at(folder)
    except NoDatabase:
        raise CommentError(f"No data loaded yet in {folder}.") from None
    with warehouse:
        if not warehouse.has_trackers():
            raise CommentError("No improvement-plan tracker is loaded, so there is no action.")
        try:
            return report.resolve(warehouse.connection, target)
        except report.OverrideError as problem:
            raise CommentError(problem.message, problem.usage) from None


def record(
    folder: Path,
    *,
    kind: SubjectKind,
    subject: str,
    period: str | dt.date,
    author: str,
    text: str,
) -> dict[str, Any]:
    """Record a comment (``text`` blank clears the one in force) and return what was recorded.

    ``subject`` is a catalogue key for a measure, an action's ref (or name) for an action.
    """
    month = period_of(period)
    if not author.strip():
        raise CommentError("A comment needs an author.", usage=True)
    plan = None
    if kind == "measure":
        key = _measure(subject)
        title = CATALOGUE[key].title
    else:
        item = _action(folder, subject)
        key, plan, title = item["ref"] or item["name"], item["plan"], item["name"]
    values = {
        "subject_kind": kind,
        "subject": key,
        "plan": plan,
        "period": month,
        "text": text.strip() or None,
        "author": author.strip(),
        "created_at": dt.datetime.now().replace(microsecond=0),
    }
    number = records.append(folder, records.COMMENTARY, values)
    return {**values, "comment_id": number, "title": title, "created_at": values["created_at"]}


_IN_FORCE = """
SELECT comment_id, subject_kind, subject, plan, period, text, author, created_at,
       count(*) OVER w - 1 AS earlier_versions
FROM commentary
WHERE ($period IS NULL OR period = $period)
WINDOW w AS (PARTITION BY subject_kind, subject, coalesce(plan, ''), period)
QUALIFY row_number() OVER (PARTITION BY subject_kind, subject, coalesce(plan, ''), period
                           ORDER BY comment_id DESC) = 1
ORDER BY period, subject_kind DESC, subject
"""
_HISTORY = """
SELECT comment_id, subject_kind, subject, plan, period, text, author, created_at
FROM commentary
WHERE ($period IS NULL OR period = $period)
  AND ($kind IS NULL OR subject_kind = $kind) AND ($subject IS NULL OR subject = $subject)
ORDER BY period, subject_kind DESC, subject, comment_id
"""


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [
        {
            n: v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v
            for n, v in zip(names, row, strict=True)
        }
        for row in cursor.fetchall()
    ]


def in_force(con: duckdb.DuckDBPyConnection, period: str | None = None) -> list[dict[str, Any]]:
    """The comment in force for each subject in ``period`` (every month when None): measures
    first, then actions; a cleared comment is left out. ``title`` is the measure's catalogue
    title (actions: None — the action's own name is in the tracker)."""
    con.execute(_IN_FORCE, {"period": period_of(period) if period else None})
    found = [r for r in _dicts(con) if r["text"]]
    for r in found:
        r["title"] = CATALOGUE[r["subject"]].title if r["subject_kind"] == "measure" else None
    return found


def history(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    kind: SubjectKind | None = None,
    subject: str | None = None,
) -> list[dict[str, Any]]:
    """Every comment recorded (cleared ones included), oldest first within each subject."""
    con.execute(
        _HISTORY,
        {"period": period_of(period) if period else None, "kind": kind, "subject": subject},
    )
    return _dicts(con)
