"""The audit trail (issue 16): who did what, when — an append-only log beside the data.

One JSON object per line in ``DATA/audit/audit-YYYY-MM.jsonl`` (the month of the record, UTC):
``at`` (UTC, ISO 8601), ``who`` (a name), ``email``, ``role``, ``local`` (single-user local mode
or the command line), ``action`` and ``detail``. The actions:

- ``sign_in`` and ``denied`` (a page or a request refused): recorded by the sign-in code;
- ``view_rows``: a row-level list shown (once per session, list and snapshot);
- ``export``: every download and every pack, with its mode, scope, file name, format and kind;
- ``load``: each command that changes the data (``load``, ``demo``, ``load-published``,
  ``fetch-published``, ``rebuild``, ``snapshots name / keep / unkeep / prune``);
- ``override`` and ``commentary``: a RAG override or a comment saved, on the page or by the CLI.

What a record may hold is fixed (:data:`DETAIL_KEYS`), short, and never row contents: a UPN or a
pseudonymous reference that slips into a text (a scope quoting a filter, say) is replaced by
``[withheld]``. Nothing is ever edited or removed except whole month files past retention.

Writing: each record is one ``write`` of one line, under a lock of its own
(``DATA/audit/.audit.lock``, ``filelock`` as ``etl.records`` uses; not the load lock, which a
national load holds for minutes), flushed to disk before the call returns, so concurrent sessions
and commands never interleave. A line torn by a killed process is closed off before the next one
is written, so it costs that line only; :func:`read` skips and counts such lines.

Retention: ``[audit] retention_days`` (730). A month file is removed, at the next write, once the
whole month is older than that, so every record is kept at least ``retention_days`` and at most
a month longer. ``[audit] enabled = false`` records nothing (reading still works).

Standard library and ``filelock`` (imported when a record is written) only: the CLI records
without importing pandas or Streamlit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from etl import config
from etl.access import Viewer

Action = Literal["sign_in", "denied", "view_rows", "export", "load", "override", "commentary"]
ACTIONS: tuple[Action, ...] = get_args(Action)
FOLDER = "audit"
LOCK = ".audit.lock"
_FILE = re.compile(r"^audit-(\d{4})-(\d{2})\.jsonl$")

# Everything a record's detail may say. Names, counts and labels only: never a row's contents.
DETAIL_KEYS = frozenset(
    {
        "page",  # the page's title ("EHC plan timeliness")
        "list",  # a row-level list's name ("ehcp_watchlist")
        "mode",  # internal / publish / public
        "scope",  # what an export holds, in the words of its header
        "file",  # the file name downloaded or written
        "files",  # the file names a load read (names only, no folders)
        "rows",  # how many rows a list or an export holds
        "snapshot",  # which build of the data ("Snapshot 14 of 2 Dec 2026", or an id)
        "format",  # csv / pdf / pptx / xlsx
        "kind",  # what was exported (local / plan / public / board / review / audit), or what
        # a comment is on (measure / action)
        "command",  # the CLI command ("load", "snapshots prune")
        "via",  # "cli" for the command line; absent for the dashboard
        "subject",  # an override's milestone or action, a comment's measure or action
        "period",  # a comment's month, an override's report date
        "rag",  # an override's RAG ("cleared" for a cleared one)
        "reason",  # why a request was denied (words chosen by the code, not typed)
    }
)
MAX_TEXT = 300
MAX_ITEMS = 50
WITHHELD = "[withheld]"
# A UPN (letter, 11 digits, a digit or letter) and our pseudonymous references (R-/W- and ten
# hexadecimal digits): neither belongs in the audit trail, whatever text carried it in.
_PERSONAL = re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b|\b[RW]-[0-9A-F]{10}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One record of the trail."""

    at: dt.datetime
    who: str
    email: str
    role: str | None
    local: bool
    action: str
    detail: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(timespec="seconds"),
            "who": self.who,
            "email": self.email,
            "role": self.role,
            "local": self.local,
            "action": self.action,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Trail:
    """What :func:`read` found: the records (oldest first) and how many lines were unreadable."""

    entries: list[Entry]
    skipped: int = 0


def folder_of(data_folder: Path) -> Path:
    return data_folder / FOLDER


def month_file(data_folder: Path, when: dt.datetime) -> Path:
    return folder_of(data_folder) / f"audit-{when:%Y-%m}.jsonl"


def now() -> dt.datetime:
    """The time a record is stamped with (UTC, whole seconds); tests replace it."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _clean(value: Any, key: str) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _PERSONAL.sub(WITHHELD, value)[:MAX_TEXT]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        items = [_clean(v, key) for v in value]
        if any(isinstance(v, list | dict) for v in items):
            raise ValueError(f"audit detail {key!r}: a list of plain values only")
        return items[:MAX_ITEMS]
    raise ValueError(f"audit detail {key!r}: {type(value).__name__} is not recorded")


def entry_line(viewer: Viewer, action: str, detail: Mapping[str, Any], at: dt.datetime) -> str:
    """The JSON line for one record; ``ValueError`` for an unknown action or detail key (a
    mistake in the calling code, caught by the tests, never a user's doing)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; known: {', '.join(ACTIONS)}")
    unknown = sorted(set(detail) - DETAIL_KEYS)
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {', '.join(unknown)}")
    record = Entry(
        at=at,
        who=_clean(viewer.name, "who"),
        email=_clean(viewer.email, "email"),
        role=viewer.role,
        local=viewer.local,
        action=action,
        detail={k: _clean(v, k) for k, v in detail.items() if v is not None and v != ""},
    )
    return json.dumps(record.as_json(), ensure_ascii=False, separators=(",", ":")) + "\n"


def record(folder: Path, viewer: Viewer, action: str, **detail: Any) -> Entry | None:
    """Append one record to the trail of the data folder ``folder``; None when ``[audit]
    enabled`` is false. Month files past retention are removed first."""
    settings = config.settings()
    if not settings.audit_enabled:
        return None
    at = now()
    line = entry_line(viewer, action, detail, at)
    where = folder_of(folder)
    where.mkdir(parents=True, exist_ok=True)
    from filelock import FileLock  # on use: 15 ms that commands which only read need not pay

    with FileLock(where / LOCK):
        prune(folder, settings.audit_retention_days, today=at.date())
        path = month_file(folder, at)
        with path.open("ab") as handle:
            if handle.tell() and not _ends_with_newline(path):
                handle.write(b"\n")  # a line torn by a killed writer stays one bad line
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    return _entry(json.loads(line))


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def prune(folder: Path, retention_days: int, *, today: dt.date) -> list[Path]:
    """Remove the month files whose last day is more than ``retention_days`` before ``today``
    (called under the audit lock by :func:`record`); returns what was removed."""
    where = folder_of(folder)
    if not where.exists():
        return []
    cutoff = today - dt.timedelta(days=retention_days)
    removed = []
    for path in sorted(where.iterdir()):
        m = _FILE.match(path.name)
        if m and _month_end(int(m[1]), int(m[2])) < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _entry(data: Any) -> Entry:
    """A parsed line as an :class:`Entry`; ``ValueError`` / ``KeyError`` / ``TypeError`` when it
    is not a record."""
    if not isinstance(data, dict) or not isinstance(data.get("detail", {}), dict):
        raise ValueError("not a record")
    at = dt.datetime.fromisoformat(data["at"])
    if at.tzinfo is None:
        raise ValueError("no time zone")
    if data["action"] not in ACTIONS:
        raise ValueError("unknown action")
    return Entry(
        at=at,
        who=str(data["who"]),
        email=str(data.get("email") or ""),
        role=data.get("role"),
        local=bool(data.get("local")),
        action=data["action"],
        detail=dict(data.get("detail") or {}),
    )


def read(
    folder: Path,
    since: dt.date | None = None,
    who: str | None = None,
    action: str | None = None,
    until: dt.date | None = None,
) -> Trail:
    """The records of ``folder``'s trail, oldest first: from ``since`` to ``until`` (UTC dates,
    both included), by ``who`` (a name or e-mail address, any case), of ``action``. A line that
    is not a record (torn, edited by hand) is skipped and counted in ``Trail.skipped``."""
    where = folder_of(folder)
    if not where.exists():
        return Trail([])
    wanted = who.strip().casefold() if who else None
    found: list[Entry] = []
    skipped = 0
    for path in sorted(where.iterdir()):
        m = _FILE.match(path.name)
        if not m:
            continue
        year, month = int(m[1]), int(m[2])
        if since and _month_end(year, month) < since:
            continue
        if until and dt.date(year, month, 1) > until:
            continue
        with path.open("rb") as handle:
            for raw in handle:
                if not raw.strip():
                    continue
                try:
                    item = _entry(json.loads(raw))
                except (ValueError, KeyError, TypeError):
                    skipped += 1
                    continue
                day = item.at.astimezone(dt.UTC).date()
                if (since and day < since) or (until and day > until):
                    continue
                if wanted and wanted not in (item.who.casefold(), item.email.casefold()):
                    continue
                if action and item.action != action:
                    continue
                found.append(item)
    found.sort(key=lambda e: e.at)
    return Trail(found, skipped)
