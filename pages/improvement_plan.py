"""Improvement plan: where the WSoA / priority action plan stands — RAG by workstream, the
timeline, actions behind schedule, what changed since the last report, and the risks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from etl import config
from etl.tracker import report
from ui import components, db
from ui import tracker_components as tc
from ui import tracker_view as view
from ui.formatting import fmt_date

state = components.start_page(
    "Improvement plan",
    "Progress of the improvement plan's milestones and actions, rated Red / Amber / Green by "
    "the same rule every time, with what changed since the last report.",
)
periods = db.query("plan_periods")
if periods.empty:
    components.empty_state(
        "No improvement-plan tracker loaded yet. Load a highlight report or action log with "
        "`python -m etl load tracker.xlsx` (or run `python -m etl demo` for a synthetic one)."
    )
    st.stop()

report_dates = sorted({pd.Timestamp(d).date() for d in periods["report_date"]}, reverse=True)
as_of = st.selectbox(
    "Report (each loaded tracker is one reporting period)",
    report_dates,
    format_func=lambda d: (
        f"Report dated {fmt_date(d)}" + (" (latest)" if d == report_dates[0] else "")
    ),
    key="plan_report_date",
)
options = db.query("plan_filter_options", as_of=as_of)
ws_col, owner_col, rag_col = st.columns(3)
filters = {
    "workstreams": ws_col.multiselect(
        "Workstream / area of weakness (all if none chosen)",
        list(options.loc[options["facet"] == "workstream", "value"]),
        key="plan_workstreams",
    )
    or None,
    "owners": owner_col.multiselect(
        "Owner / lead (all if none chosen)",
        list(options.loc[options["facet"] == "owner", "value"]),
        key="plan_owners",
    )
    or None,
    "rags": rag_col.multiselect(
        "RAG (all if none chosen)",
        view.RAG_ORDER,
        format_func=lambda r: view.RAG_LABELS[r],
        key="plan_rags",
    )
    or None,
}
scope = f"Improvement plan, report dated {fmt_date(as_of)}" + (
    " (filtered as on screen)" if any(filters.values()) else ""
)
items = db.query("plan_items", as_of=as_of, **filters)
summary = db.query("plan_rag_summary", as_of=as_of, **filters)

components.section(
    f"RAG summary as at {fmt_date(as_of)}",
    "Rule (DESIGN §5): complete at 100%; red when past its end date; otherwise the gap between "
    "the time elapsed and the % complete — up to 10 points Green, up to 25 Amber, more Red. "
    "A milestone with only a due date is Amber in the 14 days before it.",
)
tc.rag_badges(items["rag"].value_counts().to_dict())
if items.empty:
    components.empty_state("No milestones or actions match these filters.")
else:
    tc.chart_with_table(
        view.rag_summary_chart(summary),
        view.rag_summary_table(summary),
        "plan_rag_by_workstream",
        state=state,
        scope=scope,
    )

    components.section(
        "Timeline",
        "Bars run from start to end date; a diamond is a milestone with only a due date. The "
        "dashed line is the report date.",
    )
    tc.chart_with_table(
        view.gantt(items, as_of),
        view.items_table(items),
        "plan_milestones",
        state=state,
        scope=scope,
    )

components.section(
    "Behind schedule",
    "Not complete, and Red, or moved to a later revised date, or with a reason for delay — with "
    "the reason and mitigation as the tracker gives them.",
)
tc.table(
    view.behind_table(db.query("plan_behind_schedule", as_of=as_of, **filters)),
    "plan_behind_schedule",
    state=state,
    scope=scope,
    empty="Nothing is behind schedule in this report.",
)

period_rows = periods[[pd.Timestamp(d).date() == as_of for d in periods["report_date"]]]
previous = period_rows["previous_report_date"].dropna()
components.section(
    "Since the last report" + (f" ({fmt_date(previous.max())})" if not previous.empty else ""),
    "Newly red, newly complete, end dates moved later, reported status and RAG changes, and "
    "items added or dropped.",
)
changes = db.query("plan_changes", as_of=as_of, **filters)
if previous.empty:
    components.empty_state("This is the first report loaded: nothing to compare with yet.")
else:
    counted = changes["change"].value_counts()
    st.markdown(
        " · ".join(
            f"**{name}: {int(counted.get(name, 0))}**"
            for name in ("Newly Red", "Newly complete", "End date slipped", "Status changed")
        )
    )
    tc.table(
        view.changes_table(changes),
        "plan_changes",
        state=state,
        scope=scope,
        empty="No changes since the last report.",
    )

components.section(
    "Reported status versus computed RAG",
    "Where the tracker's own status contradicts the rule: the board should ask why.",
)
tc.table(
    view.disagreements_table(db.query("plan_disagreements", as_of=as_of, **filters)),
    "plan_disagreements",
    state=state,
    scope=scope,
    empty="No disagreements: every reported status matches the computed RAG (or none is given).",
)

components.section(
    "Risks, issues and dependencies",
    "Risks placed on the likelihood × impact grid (5 × 5); risks with only a combined score "
    "are listed in the register below.",
)
registers = db.query("plan_registers", as_of=as_of)
if registers.empty:
    components.empty_state("No risks, issues or dependencies in this report.")
else:
    grid = db.query("plan_risk_grid", as_of=as_of)
    if int(grid["risks"].sum()):
        tc.chart_with_table(
            view.risk_grid_chart(grid),
            view.risk_grid_table(grid),
            "plan_risk_grid",
            state=state,
            scope=scope,
        )
    tc.table(view.register_table(registers), "plan_registers", state=state, scope=scope, empty="")

components.section(
    "Override a RAG",
    "When the board agrees the rule's RAG is wrong for a reason the tracker does not show. The "
    "override is kept with its reason, author and time, shown beside the computed RAG, and every "
    "change stays in the history below; the next report is rated afresh. The same as `python -m "
    "etl override NAME_OR_REF --rag … --reason … --author …`.",
)


def save_override(report_date: object) -> None:
    """Form callback: runs before the page reruns, so the save cannot be lost to a rerun."""
    state_ = st.session_state
    choice = state_.get("override_rag")
    try:
        made = report.apply_override(
            config.data_dir(),
            str(state_.get("override_target") or ""),
            None if choice == "Clear override" else choice,
            reason=str(state_.get("override_reason") or ""),
            author=str(state_.get("override_author") or ""),
            as_of=report_date,  # type: ignore[arg-type]
        )
    except report.OverrideError as problem:
        state_["plan_override_error"] = problem.message
    else:
        state_["plan_override_flash"] = (
            f"Saved: {made['name']} — "
            + ("override cleared" if choice == "Clear override" else f"shown as {choice}")
            + f", by {str(state_.get('override_author')).strip()}."
        )


flash = st.session_state.pop("plan_override_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")
error = st.session_state.pop("plan_override_error", None)
if error:
    st.error(error, icon=":material/error:")
everything = db.query("plan_items", as_of=as_of, workstreams=None, owners=None, rags=None)
if not everything.empty:

    def _given(value: object) -> str:
        return value if isinstance(value, str) else ""

    targets = {
        (_given(ref) or name): (
            f"{_given(ref) or _given(workstream) or '—'} · {name} — now {view.rag_label(rag)}"
        )
        for ref, name, workstream, rag in zip(
            everything["ref"],
            everything["name"],
            everything["workstream"],
            everything["rag"],
            strict=True,
        )
    }
    with st.form("plan_override_form", clear_on_submit=True):
        st.selectbox(
            "Milestone or action", list(targets), format_func=targets.get, key="override_target"
        )
        st.radio(
            "RAG to show",
            [*view.RAG_ORDER, "Clear override"],
            format_func=lambda r: view.RAG_LABELS.get(r, r),
            horizontal=True,
            key="override_rag",
        )
        st.text_area("Reason (required)", key="override_reason")
        st.text_input("Your name (required)", key="override_author")
        st.form_submit_button("Save override", on_click=save_override, args=(as_of,))

overrides = db.query("plan_overrides")
if not overrides.empty:
    components.section(
        "RAG overrides (history)",
        'Every override and clearing, newest first; shown above as "(override; computed …)".',
    )
    tc.table(view.overrides_table(overrides), "plan_overrides", state=state, scope=scope, empty="")
