"""The owner's commentary on a measure or an action for a month (issue 15; ``etl.commentary``):
the comments in force, and a small form to add, replace or withdraw one.

Used on the Improvement plan page (actions, for the month of the report shown) and the Overview
(measures, for the month of the as-at date). A comment is one appended record: the page shows it
at once, with no rebuild, and the packs print it beside the item.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from etl import commentary, config
from etl.commentary import SubjectKind
from ui import access, audit, components, db
from ui.formatting import fmt_datetime

_NOUN: dict[SubjectKind, str] = {"measure": "Measure", "action": "Action"}


def month_words(period: str) -> str:
    """ "2026-11" → "November 2026"."""
    return f"{dt.datetime.strptime(period, '%Y-%m'):%B %Y}"


def comments_frame(
    rows: list[dict[str, Any]], kind: SubjectKind, names: dict[str, str]
) -> pd.DataFrame:
    """The comments in force of one kind as a table: what it is on, the comment, who, when.
    ``names`` gives the words for a subject (an action's ref and name, a measure's title)."""
    chosen = [r for r in rows if r["subject_kind"] == kind]
    return pd.DataFrame(
        {
            _NOUN[kind]: [names.get(r["subject"], r["title"] or r["subject"]) for r in chosen],
            "Comment": [r["text"] for r in chosen],
            "By": [r["author"] for r in chosen],
            "Written": [fmt_datetime(r["created_at"]) for r in chosen],
        }
    )


def _save(kind: SubjectKind, period: str, key: str) -> None:
    state = st.session_state
    subject = str(state.get(f"{key}_subject") or "")
    viewer = access.viewer()
    if viewer.can is None or not viewer.can.commentary:  # issue 16: the form is not shown to them
        state[f"{key}_error"] = "Your role cannot add commentary."
        return
    try:
        with st.spinner("Saving the comment…"):
            made = commentary.record(
                config.data_dir(),
                kind=kind,
                subject=subject,
                period=period,
                # Signed in: the signed-in name, never a typed one (issue 16).
                author=access.author_name() or str(state.get(f"{key}_author") or ""),
                text=str(state.get(f"{key}_text") or ""),
            )
    except commentary.CommentError as problem:
        state[f"{key}_error"] = problem.message
    else:
        audit.record("commentary", kind=kind, subject=made["subject"], period=period)
        what = "withdrawn" if not made["text"] else "saved"
        state[f"{key}_flash"] = f"Comment {what}: {made['title']}, {month_words(period)}."


def commentary_block(kind: SubjectKind, period: str, subjects: dict[str, str], *, key: str) -> None:
    """The comments in force for ``period`` on ``subjects`` ({subject: how it reads}), then the
    form. Saving an empty comment withdraws the one in force (history keeps both)."""
    flash = st.session_state.pop(f"{key}_flash", None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    error = st.session_state.pop(f"{key}_error", None)
    if error:
        st.error(error, icon=":material/error:")
    rows = [r for r in db.commentary(period) if r["subject"] in subjects]
    table = comments_frame(rows, kind, subjects)
    if table.empty:
        st.caption(f"No commentary recorded for {month_words(period)} yet.")
    else:
        components.show_table(table)
    viewer = access.viewer()
    if not subjects or viewer.can is None or not viewer.can.commentary:
        return
    with (
        st.expander(f"Add or replace a comment for {month_words(period)}"),
        st.form(f"{key}_form", clear_on_submit=True),
    ):
        st.selectbox(
            _NOUN[kind], list(subjects), format_func=subjects.__getitem__, key=f"{key}_subject"
        )
        st.text_area("Comment (leave empty to withdraw the one in force)", key=f"{key}_text")
        access.author_field(f"{key}_author")
        st.form_submit_button("Save comment", on_click=_save, args=(kind, period, key))
