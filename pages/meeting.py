"""Meeting mode: the headline measures on a projector, one per screen — the figure, its target
and RAG in words, its trend (chart and table), England / neighbours and the change since the
compared data. Publish-mode suppression is always on; no child-level data; no sidebar."""

from __future__ import annotations

import streamlit as st

from ui import benchmark_components, components, db
from ui import meeting_view as view
from ui.charts import headline_trend
from ui.formatting import fmt_date

POSITION = "meeting_position"  # which headline is on screen (kept while the page is open)

state = components.start_page(
    "Meeting mode",
    "One headline measure per screen for a board meeting on a projector: the figure, its "
    "target and RAG, its trend and how it compares with England. Small numbers are always "
    "hidden (c) and other counts rounded to 5, as in anything published. Use Next and "
    "Previous to move between the measures.",
)
# A projector needs the whole width: the sidebar (filters, export settings) is hidden here.
st.markdown(view.MEETING_CSS, unsafe_allow_html=True)

as_at = components.as_at_date(state)
# The snapshot chosen in the sidebar's "Compare with" (none: no change is shown).
compared = db.compared_snapshot()
items = db.headline_list(
    as_at,
    benchmark_components.known_home_la(),
    None if compared is None else (compared.warehouse_path, compared.short_label),
)
if not items:
    components.empty_state("No headline measures can be worked out from the data loaded.")
    st.stop()

position = min(int(st.session_state.get(POSITION, 0)), len(items) - 1)
st.session_state[POSITION] = position


def move(step: int) -> None:
    """Next / Previous: runs before the rerun, so the buttons are drawn for the new position."""
    st.session_state[POSITION] = max(0, min(len(items) - 1, position + step))


back, where, forward, leave = st.columns([1, 2, 1, 1.4], vertical_alignment="center")
back.button("◀ Previous", disabled=position == 0, width="stretch", on_click=move, args=(-1,))
forward.button(
    "Next ▶", disabled=position == len(items) - 1, width="stretch", on_click=move, args=(1,)
)
h = items[position]
where.markdown(
    f"<p class='meeting-position'>{position + 1} of {len(items)} · {h.theme}</p>",
    unsafe_allow_html=True,
)
leave.page_link("pages/overview.py", label="Leave meeting mode", icon=":material/close:")

figure_side, trend_side = st.columns([2, 3], gap="medium")
with figure_side:
    st.markdown(f"<h2 class='meeting-title'>{h.label}</h2>", unsafe_allow_html=True)
    st.markdown(
        f"<p class='meeting-figure'>{view.figure_text(h)}</p>"
        f"<p class='meeting-basis'>{view.basis_text(h)} · {h.period}</p>",
        unsafe_allow_html=True,
    )
    judged = view.rag_text(h)
    st.markdown(
        f"<p class='meeting-rag meeting-rag-{(judged.rag or 'none').lower()}'>"
        f"{judged.words.capitalize() if judged.rag is None else judged.words}</p>",
        unsafe_allow_html=True,
    )
    # Counts beside the figure are already in the line under it.
    lines = [
        f"{f.title}: {view.with_unit(view.also_value(f, h).text, f.unit, f.kind)}"
        for f in h.also
        if f.kind != "count"
    ]
    lines += view.comparison_lines(h)
    if (change := view.change_text(h)) is not None:
        lines.append(change)
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
with trend_side:
    if h.trend:
        chart_tab, table_tab = st.tabs(["Trend", "Show as table"])
        with chart_tab:
            st.plotly_chart(
                headline_trend(
                    view.trend_points(h),
                    view.trend_label(h),
                    "" if h.kind == "rate" else h.unit,
                    h.decimals,
                ),
                theme=None,
                config=components.PLOTLY_CONFIG,
                key=f"meeting_trend_{h.id}",
                width="stretch",
            )
        with table_tab:
            components.show_table(view.trend_table(h), our_own_text=True)
    else:
        components.empty_state("No earlier figures to show a trend.")
st.caption(f"Data as at {fmt_date(as_at)}. Publish mode: 1 to 7 shown as c; counts rounded to 5.")
