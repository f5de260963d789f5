"""Audit trail page parts (pure: no Streamlit): the records as a table, the counts by action, the
download's words. The trail itself is ``etl.audit``; the page is ``pages/audit.py``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from etl import audit
from ui.formatting import fmt_date

# What each action means, in the words an analyst reading the trail would use.
ACTION_LABELS: dict[str, str] = {
    "sign_in": "Visit (signed in)",
    "denied": "Refused",
    "view_rows": "Row-level list shown",
    "export": "Download or pack",
    "load": "Data changed",
    "override": "RAG override",
    "commentary": "Commentary",
}
ROLE_LABELS = {
    "analyst": "Analyst",
    "service_lead": "Service lead",
    "board": "Board member",
    "pcf": "Parent carer forum",
    "adviser": "Adviser",
}
# The detail keys shown in the "What" column, in this order, each with its words.
_WHAT = (
    ("mode", "mode"),
    ("command", "command"),
    ("list", "list"),
    ("kind", "kind"),
    ("subject", "on"),
    ("rag", "RAG"),
    ("period", "period"),
    ("scope", "scope"),
    ("file", "file"),
    ("files", "files"),
    ("format", "format"),
    ("rows", "rows"),
    ("snapshot", "snapshot"),
    ("reason", "reason"),
)
COLUMNS = ["When (UTC)", "Who", "Role", "Action", "Page", "What"]


def role_text(entry: audit.Entry) -> str:
    """The role in words; the command line and the single-user local mode say so."""
    if entry.detail.get("via") == "cli":
        return "Command line"
    words = ROLE_LABELS.get(entry.role or "", "No role")
    return f"{words} (local mode)" if entry.local else words


def what_text(detail: dict[str, object]) -> str:
    """The rest of a record's detail in one line: "list ehcp_watchlist; rows 3; snapshot …"."""
    parts = []
    for key, words in _WHAT:
        value = detail.get(key)
        if value is None or value == "":
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        # A snapshot's label names itself ("Snapshot 4 of 1 Nov 2026"); an id does not ("4").
        parts.append(shown if shown.startswith(words.capitalize()) else f"{words} {shown}")
    return "; ".join(parts)


def table(entries: Sequence[audit.Entry]) -> pd.DataFrame:
    """The records, newest first, as the page shows and exports them."""
    rows = [
        {
            "When (UTC)": f"{fmt_date(e.at.astimezone(dt.UTC))} {e.at.astimezone(dt.UTC):%H:%M:%S}",
            "Who": e.who + (f" ({e.email})" if e.email else ""),
            "Role": role_text(e),
            "Action": ACTION_LABELS.get(e.action, e.action),
            "Page": str(e.detail.get("page") or ("–" if e.detail.get("via") != "cli" else "")),
            "What": what_text(e.detail),
        }
        for e in reversed(entries)
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def counts(entries: Sequence[audit.Entry]) -> pd.DataFrame:
    """How many records of each action: one row, a column per action in a fixed order, zeros
    included (one row keeps the filters and the records in sight at 1280 × 720)."""
    found = Counter(e.action for e in entries)
    return pd.DataFrame({ACTION_LABELS[a]: [found.get(a, 0)] for a in audit.ACTIONS})


def people(entries: Sequence[audit.Entry]) -> list[str]:
    """Everyone in ``entries`` (their e-mail address when they have one, else their name),
    sorted, for the "Who" filter."""
    return sorted({e.email or e.who for e in entries}, key=str.casefold)


def scope_text(start: dt.date, end: dt.date, who: str | None, action: str | None) -> str:
    """The download's scope: the dates and filters as chosen on the page."""
    text = f"Audit trail, {start:%d %b %Y} to {end:%d %b %Y} (UTC)"
    if who:
        text += f", {who}"
    if action:
        text += f", {ACTION_LABELS[action].lower()}"
    return text
