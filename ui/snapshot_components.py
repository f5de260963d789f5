"""The snapshot pieces of the dashboard (issue 15): the sidebar's "Snapshot shown" and "Compare
with" choices, the line every page shows saying which snapshot is on screen, and the
"since Board 12 March" line of a headline tile (worked out by ``etl.compare``)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from etl import compare, metrics, snapshots
from etl.catalogue import metric
from ui import db
from ui.formatting import escape_markdown, fmt_count, fmt_date, fmt_pct

# The sidebar's boxes show about 25 characters at 1280 pixels: longer names are shortened
# there ("…"); the page line under every title gives the full label.
WIDE = 24


def _short(text: str) -> str:
    return text if len(text) <= WIDE else text[: WIDE - 1].rstrip() + "…"


def _option_label(shot: snapshots.Snapshot, latest: bool = False) -> str:
    if latest:
        return f"Latest (snapshot {shot.id})"
    if shot.older:
        return f"Snapshot {shot.id} · old version"
    if shot.name:
        return _short(shot.name)
    return f"Snapshot {shot.id} · {shot.built_at.day} {shot.built_at:%b %H:%M}"


def sidebar_choice() -> None:
    """The sidebar's snapshot choices (call inside ``st.sidebar``); nothing when no snapshot was
    taken yet. Named snapshots are listed first, by name; the latest data is the default."""
    shots = db.list_snapshots()
    if not shots:
        return
    latest, earlier = shots[-1], list(reversed(shots[:-1]))
    ordered = [s for s in earlier if s.name] + [s for s in earlier if not s.name]
    labels = {"latest": _option_label(latest, latest=True)}
    labels.update({str(s.id): _option_label(s) for s in ordered})
    if st.session_state.get(db.SNAPSHOT_KEY) not in labels:  # first visit, or pruned since
        st.session_state[db.SNAPSHOT_KEY] = "latest"
    st.selectbox(
        "Snapshot shown",
        list(labels),
        key=db.SNAPSHOT_KEY,
        format_func=labels.__getitem__,
        help="Each load of data is kept as a numbered snapshot, so the figures a board saw can "
        'be shown again. Name one with `python -m etl snapshots name ID "Board 12 March"`.',
    )
    compared = {"none": "Nothing", "previous": "The previous snapshot"}
    compared.update({str(s.id): _short(s.name) for s in reversed(shots) if s.name})
    if st.session_state.get(db.COMPARE_KEY) not in compared:
        st.session_state[db.COMPARE_KEY] = "none"
    st.selectbox(
        "Compare with",
        list(compared),
        key=db.COMPARE_KEY,
        format_func=compared.__getitem__,
        help="The Overview's headline figures then say how each has changed since that "
        "snapshot (as it stood on its own data date).",
    )


def snapshot_line() -> str:
    """Which snapshot is on screen, and what it is compared with: "Latest data: Snapshot 14 of 2
    Dec 2026" / "Showing Snapshot 3 of 1 Nov 2026, 'Board 12 March' (not the latest data)";
    empty when no snapshot was taken yet."""
    chosen, latest = db.chosen_snapshot(), db.latest_snapshot()
    if latest is None:
        return ""
    if chosen is None or chosen.id == latest.id:
        text = f"Latest data: {latest.label}"
    else:
        built = f"{fmt_date(chosen.built_at)} {chosen.built_at:%H:%M}"
        text = f"Showing {chosen.label}, built {built}: not the latest data"
    then = db.compared_snapshot()
    if then is not None:
        text += f" · compared with {then.label}"
    return text


def show_snapshot_line() -> None:
    """The snapshot line under a page's title (every page, through ``start_page``)."""
    text = snapshot_line()
    if text:
        st.caption(escape_markdown(text))  # a name is typed by a user: shown as typed


def _shown(key: str, value: Any) -> str:
    return fmt_pct(value) if metric(key).unit == "%" else fmt_count(value)


def since_lines(current: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """For each headline key, "▲ up 3.2 points since Board 12 March (better); then 45.0%" against
    the compared snapshot, from ``current`` (an ``ehcp_kpis`` result as on screen); empty when
    no comparison is chosen."""
    then = db.compared_snapshot()
    if then is None:
        return {}
    figures = db.compared_figures(keys)
    if not figures:
        return {key: f"{then.short_label}: cannot be read" for key in keys}
    lines = {}
    for key in keys:
        parts = metrics.PCT_COUNTS.get(key)
        now = compare.Figure(current.get(key), current.get(parts[1]) if parts else None, None)
        found = compare.compare_figures(key, now, figures[key], then.short_label)
        lines[key] = f"{found.text}; then {_shown(key, figures[key].value)}"
    return lines
