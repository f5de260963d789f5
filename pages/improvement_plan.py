"""Improvement plan: where the WSoA / priority action plan stands — RAG by workstream, the
timeline, actions behind schedule, what changed since the last report, and the risks."""

from __future__ import annotations

import streamlit as st

from etl.config import settings
from ui import components, db
from ui import tracker_components as tc
from ui import tracker_view as view
from ui.commentary_components import commentary_block
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

plan_col, date_col = st.columns([3, 2])
with plan_col:
    plan = tc.choose_plan(periods)
periods = periods[periods["plan"] == plan]
with date_col:
    as_of = tc.report_date(periods)
filters: dict[str, object] = {
    "plan": plan,
    **tc.filters(db.query("plan_filter_options", as_of=as_of, plan=plan)),
}
scope = f"{plan}, report dated {fmt_date(as_of)}" + (
    " (filtered as on screen)" if any(v for k, v in filters.items() if k != "plan") else ""
)
items = db.query("plan_items", as_of=as_of, **filters)
summary = db.query("plan_rag_summary", as_of=as_of, **filters)

components.section(f"RAG summary as at {fmt_date(as_of)}")
tc.rag_badges(view.rag_counts(items))
st.caption(view.rag_rule_text(settings()))
components.trust_note("tracker")
if items.empty:
    components.empty_state("No milestones or actions match these filters.")
else:
    components.chart_with_table(
        view.rag_summary_chart(summary),
        view.rag_summary_table(summary),
        tc.export("plan_rag_by_workstream", state=state, scope=scope),
    )
    components.section(
        "Timeline",
        "Bars run from start to end date; a diamond is a milestone with only a due date. The "
        "dashed line is the report date.",
    )
    components.chart_with_table(
        view.gantt(items, as_of),
        view.items_table(items),
        tc.export("plan_milestones", state=state, scope=scope),
    )

components.section(
    "Behind schedule",
    "Not complete, and Red (by the rule, even when the board has overridden it), or moved to a "
    "later revised date, or with a reason for delay — with the reason and mitigation as the "
    "tracker gives them.",
)
components.table_with_download(
    view.behind_table(db.query("plan_behind_schedule", as_of=as_of, **filters)),
    tc.export("plan_behind_schedule", state=state, scope=scope),
    empty="Nothing is behind schedule in this report.",
)

tc.linked_kpis(state, plan)

previous = view.previous_report(periods, as_of)
components.section(
    "Since the last report" + (f" ({fmt_date(previous)})" if previous else ""),
    "Newly red, newly complete, end dates moved later, reported status and RAG changes, and "
    "items added or dropped.",
)
if previous is None:
    components.empty_state("This is the first report loaded: nothing to compare with yet.")
else:
    changes = db.query("plan_changes", as_of=as_of, **filters)
    st.markdown(view.change_counts(changes))
    components.table_with_download(
        view.changes_table(changes),
        tc.export("plan_changes", state=state, scope=scope),
        empty="No changes since the last report.",
    )

components.section(
    "Reported status versus computed RAG",
    "The tracker's own statuses (overall, and on each milestone or action) beside the rule's "
    "RAG. Where they contradict, the board should ask why; an item with no status given is "
    "counted as such, not as agreeing. The rule's overall RAG is the plan's worst item.",
)
every_item = db.query(
    "plan_items", as_of=as_of, plan=plan, workstreams=None, owners=None, rags=None
)
components.show_table(view.status_comparison_table(every_item, view.overall_status(periods, as_of)))
components.table_with_download(
    view.disagreements_table(db.query("plan_disagreements", as_of=as_of, **filters)),
    tc.export("plan_disagreements", state=state, scope=scope),
    empty="No disagreements: every reported status matches the computed RAG (or none is given).",
)

components.section(
    "Risks, issues and dependencies",
    "Risks placed on the likelihood × impact grid (5 × 5); risks with only a combined score "
    "are listed in the register below.",
)
registers = db.query("plan_registers", as_of=as_of, plan=plan)
if registers.empty:
    components.empty_state("No risks, issues or dependencies in this report.")
else:
    grid = db.query("plan_risk_grid", as_of=as_of, plan=plan)
    if view.risks_on_grid(grid):
        components.chart_with_table(
            view.risk_grid_chart(grid),
            view.risk_grid_table(grid),
            tc.export("plan_risk_grid", state=state, scope=scope),
        )
    components.table_with_download(
        view.register_table(registers), tc.export("plan_registers", state=state, scope=scope)
    )

components.section(
    "Override a RAG",
    "When the board agrees the rule's RAG is wrong for a reason the tracker does not show. The "
    "override is kept with its reason, author and time, shown beside the computed RAG, and every "
    "change stays in the history below; the next report is rated afresh.",
)
tc.override_form(as_of, every_item)

components.section(
    "Owner's commentary",
    f"What the action's owner says about it for {as_of:%B %Y}, kept with their name and the "
    "time; the board and review packs print it beside the action. A new comment replaces the "
    "one shown; every version is kept.",
)
commentary_block("action", f"{as_of:%Y-%m}", view.override_targets(every_item), key="plan_comment")

overrides = db.query("plan_overrides")
if not overrides.empty:
    components.section(
        "RAG overrides (history)",
        'Every override and clearing, newest first; shown above as "(override; computed …)".',
    )
    components.table_with_download(
        view.overrides_table(overrides), tc.export("plan_overrides", state=state, scope=scope)
    )
