"""Audit trail: who signed in, was refused, saw a row-level list, downloaded a file or a pack,
changed the data, overrode a RAG or wrote commentary — for analysts only (issue 16)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from etl import audit as log
from etl import config
from ui import access, audit, components
from ui import audit_view as view
from ui.formatting import ExportContext, export_filename, to_csv

state = components.start_page(
    "Audit trail",
    "Every sign-in and refusal, every row-level list shown (once per session), every download "
    "and pack with its mode and scope, every load, RAG override and comment: who, when and what. "
    "Never a child's details. Kept for the retention period in the settings ([audit]).",
    needs_data=False,
)
viewer = access.viewer()
if viewer.can is None or not viewer.can.audit:
    # The navigation hides this page from other roles; a direct address must not reach it either.
    components.empty_state("The audit trail is for analysts.")
    st.stop()

folder = config.data_dir()
if not state.available and not log.read(folder).entries:
    components.empty_state(state.message)  # a new installation: say how to load data first
    st.stop()

today = log.now().date()
dates_col, who_col, action_col = st.columns([2, 2, 2])
chosen = dates_col.date_input(
    "Dates (UTC)",
    value=(today - dt.timedelta(days=30), today),
    max_value=today,
    format="DD/MM/YYYY",
    key="audit_dates",
)
# While a range is being picked the widget holds one date: show that day alone meanwhile.
start, end = (chosen[0], chosen[-1]) if isinstance(chosen, tuple) and chosen else (today, today)
in_dates = log.read(folder, since=start, until=end)
everyone = "Everyone"
who = who_col.selectbox("Who", [everyone, *view.people(in_dates.entries)], key="audit_who")
every_action = "Every action"
action = action_col.selectbox(
    "Action",
    [every_action, *log.ACTIONS],
    format_func=lambda a: view.ACTION_LABELS.get(a, a),
    key="audit_action",
)
chosen_who = None if who == everyone else who
chosen_action = None if action == every_action else action
trail = log.read(folder, since=start, until=end, who=chosen_who, action=chosen_action)

if in_dates.skipped:
    st.warning(
        f"{in_dates.skipped:,} unreadable line(s) in the audit files for these dates were "
        "skipped (a line cut short by a stopped process, or edited by hand).",
        icon=":material/warning:",
    )
components.section("Records by action", "How many records of each kind match the filters.")
components.show_table(view.counts(trail.entries), our_own_text=True)

components.section("Records", "Newest first. Times are UTC.")
if not trail.entries:
    components.empty_state("No audit records match these dates and filters.")
    st.stop()
table = view.table(trail.entries)
components.show_table(components.page_of(table, "audit_trail"))

# About staff, not children: exported exactly as shown whatever the sidebar's export mode (no
# small-number suppression applies), and labelled internal — it is not for publication.
context = ExportContext(
    "internal", view.scope_text(start, end, chosen_who, chosen_action), snapshot_date=today
)
file_name = export_filename("audit_trail", context)
st.download_button(
    "Download CSV (internal: the audit trail)",
    audit.recording(
        lambda: to_csv(table, context),
        mode="internal",
        scope=context.scope,
        file=file_name,
        format="csv",
        kind="audit",
        rows=len(table),
    ),
    file_name=file_name,
    mime="text/csv",
    key="download_audit_trail",
    on_click="ignore",
    icon=":material/download:",
)
