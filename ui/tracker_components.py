"""Streamlit parts of the Improvement plan page: a chart with its table and download, a table
with its download, and RAG count badges. Plan data is about milestones, not children, so exports
carry the usual header (mode, scope, snapshot) but need no small-number suppression."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import components, db
from ui.formatting import export_filename, fmt_count, to_csv
from ui.tracker_view import BADGE_CLASS, RAG_LABELS, RAG_ORDER


def download(table: pd.DataFrame, name: str, *, state: db.DataState, scope: str) -> None:
    """CSV of a table as shown (formula-escaped, with the export header)."""
    context = components.export_context(state, scope, None)
    st.download_button(
        "Download CSV",
        to_csv(table, context),
        file_name=export_filename(name, context),
        mime="text/csv",
        key=f"download_{name}",
        on_click="ignore",
        icon=":material/download:",
    )


def table(shown: pd.DataFrame, name: str, *, state: db.DataState, scope: str, empty: str) -> None:
    """A table (text from the trackers goes in the data grid) with its download, or a message."""
    if shown.empty:
        components.empty_state(empty)
        return
    components.show_table(shown)
    download(shown, name, state=state, scope=scope)


def chart_with_table(
    fig: go.Figure, shown: pd.DataFrame, name: str, *, state: db.DataState, scope: str
) -> None:
    """A chart with a "Show as table" tab and the table's download."""
    chart_tab, table_tab = st.tabs(["Chart", "Show as table"])
    with chart_tab:
        st.plotly_chart(
            fig, theme=None, config=components.PLOTLY_CONFIG, key=f"chart_{name}", width="stretch"
        )
    with table_tab:
        components.show_table(shown)
    download(shown, name, state=state, scope=scope)


def rag_badges(counts: dict[str, int]) -> None:
    """ "✗ Red: 3  ! Amber: 2 …" — symbol and word on every badge, colour only as extra."""
    badges = " ".join(
        f"<span class='badge badge-{BADGE_CLASS.get(rag, 'grey')}'>"
        f"{html.escape(RAG_LABELS[rag])}: {fmt_count(counts.get(rag, 0))}</span>"
        for rag in RAG_ORDER
    )
    st.markdown(f"<div class='badges'>{badges}</div>", unsafe_allow_html=True)
