"""Streamlit parts of the Improvement plan page: the report and filter pickers, RAG count
badges, and the override form. Plan data is about milestones, not children, so its exports
carry the usual header (mode, scope, snapshot) but need no small-number suppression."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pandas as pd
import streamlit as st

from etl import config
from etl.tracker import report
from ui import access, audit, components, db, review_view
from ui import tracker_view as view
from ui.formatting import fmt_count, fmt_date


def export(name: str, *, state: db.DataState, scope: str) -> components.Export:
    """The export of a plan table: exactly as shown, with the usual header."""
    return components.Export(name, scope, state, kind="plan")


def choose_plan(periods: pd.DataFrame) -> str:
    """The plan shown, chosen by its name (a tracker names its plan; two plans are never mixed).
    With one plan loaded there is nothing to choose: its name is shown."""
    plans = view.plan_names(periods)
    if len(plans) == 1:
        st.markdown(f"**Plan:** {html.escape(plans[0])}")
        return plans[0]
    chosen: str = st.selectbox("Plan", plans, key="plan_name")
    return chosen


def report_date(periods: pd.DataFrame) -> dt.date:
    """The reporting period chosen (each loaded tracker is one); the latest by default."""
    dates = view.report_dates(periods)
    if st.session_state.get("plan_report_date") not in dates:  # another plan's date
        st.session_state.pop("plan_report_date", None)
    chosen: dt.date = st.selectbox(
        "Report date",
        dates,
        format_func=lambda day: view.report_date_label(day, dates[0]),
        key="plan_report_date",
    )
    return chosen


def filters(options: pd.DataFrame) -> dict[str, list[str] | None]:
    """Workstream, owner and RAG filters; None for each left empty (= everything). They sit in
    a closed "Filter" box, so the first screen shows the RAG summary, not three empty boxes."""
    chosen = any(st.session_state.get(k) for k in ("plan_workstreams", "plan_owners", "plan_rags"))
    box = st.expander("Filter by workstream, owner or RAG", expanded=chosen)
    ws_col, owner_col, rag_col = box.columns(3)
    facets = {
        facet: list(options.loc[options["facet"] == facet, "value"])
        for facet in ("workstream", "owner")
    }
    return {
        "workstreams": ws_col.multiselect(
            "Workstream / area of weakness (all if none chosen)",
            facets["workstream"],
            key="plan_workstreams",
        )
        or None,
        "owners": owner_col.multiselect(
            "Owner / lead (all if none chosen)", facets["owner"], key="plan_owners"
        )
        or None,
        "rags": rag_col.multiselect(
            "RAG (all if none chosen)",
            view.RAG_ORDER,
            format_func=view.override_choice_label,
            key="plan_rags",
        )
        or None,
    }


def rag_badges(counts: dict[str, int]) -> None:
    """ "✗ Red: 3  ! Amber: 2 …" — symbol and word on every badge, colour only as extra."""
    badges = " ".join(
        f"<span class='badge badge-{view.BADGE_CLASS.get(rag, 'grey')}'>"
        f"{html.escape(view.RAG_LABELS[rag])}: {fmt_count(counts.get(rag, 0))}</span>"
        for rag in view.RAG_ORDER
    )
    st.markdown(f"<div class='badges'>{badges}</div>", unsafe_allow_html=True)


def _save_override(report_day: dt.date) -> None:
    """Form callback: runs before the page reruns, so the save cannot be lost to a rerun.

    The save goes through ``etl.tracker.report.apply_override``, the same as the CLI's
    ``override`` (one appended record in ``etl.records``); a spinner says it is working.
    """
    state: Any = st.session_state
    choice = state.get("override_rag")
    viewer = access.viewer()
    if viewer.can is None or not viewer.can.overrides:  # issue 16: the form is not shown to them
        state["plan_override_error"] = "Your role cannot override a RAG."
        return
    # Signed in: the signed-in name, never a typed one (issue 16); local mode: the typed name.
    author = access.author_name() or str(state.get("override_author") or "")
    try:
        with st.spinner("Saving the override…"):
            made = report.apply_override(
                config.data_dir(),
                str(state.get("override_target") or ""),
                None if choice == view.CLEAR_OVERRIDE else choice,
                reason=str(state.get("override_reason") or ""),
                author=author,
                as_of=report_day,
            )
    except report.OverrideError as problem:
        state["plan_override_error"] = problem.message
    else:
        audit.record(
            "override",
            subject=made["name"],
            period=made["report_date"],
            rag="cleared" if choice == view.CLEAR_OVERRIDE else choice,
        )
        state["plan_override_flash"] = view.override_saved_text(made["name"], choice, author)


def override_form(report_day: dt.date, items: pd.DataFrame) -> None:
    """What the last save did (saved, or why not), then the override form for ``items``."""
    flash = st.session_state.pop("plan_override_flash", None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    error = st.session_state.pop("plan_override_error", None)
    if error:
        st.error(error, icon=":material/error:")
    viewer = access.viewer()
    if items.empty or viewer.can is None or not viewer.can.overrides:
        return
    if (shot := db.chosen_snapshot()) is not None:  # a snapshot is frozen (issue 15)
        st.info(
            f"{shot.label} is shown: its figures are frozen, so a RAG cannot be overridden in "
            "it. Choose the latest data in the sidebar to override one.",
            icon=":material/lock:",
        )
        return
    targets = view.override_targets(items)
    with st.form("plan_override_form", clear_on_submit=True):
        st.selectbox(
            "Milestone or action",
            list(targets),
            format_func=targets.__getitem__,
            key="override_target",
        )
        st.radio(
            "RAG to show",
            [*view.RAG_ORDER, view.CLEAR_OVERRIDE],
            format_func=view.override_choice_label,
            horizontal=True,
            key="override_rag",
        )
        st.text_area("Reason (required)", key="override_reason")
        access.author_field("override_author")
        st.form_submit_button("Save override", on_click=_save_override, args=(report_day,))


def linked_kpis(state: db.DataState, plan: str) -> None:
    """ "What is different now": the measures linked to the plan's actions and areas, with
    baseline, target and the value now — the 12-month review pack's own figures."""
    figures_at = components.as_at_date(state)
    components.section(
        "What is different now",
        "The measures linked to this plan's actions and areas (a KPIs sheet in the tracker, or "
        "[[kpi_links]] in the settings): baseline, target and the value as at "
        f"{fmt_date(figures_at)} — the 12-month review pack's figures, small numbers suppressed in "
        "publish mode.",
    )
    linked = review_view.kpi_table(db.review_kpis(components.export_mode(), figures_at), plan)
    if linked.empty:
        components.empty_state(
            "No measure is linked to this plan's actions or areas yet: add a KPIs sheet to the "
            "tracker (action ref or area, KPI key, baseline date and value, target) or "
            "[[kpi_links]] to the settings file."
        )
    else:
        components.show_table(linked)
