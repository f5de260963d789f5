"""Streamlit parts of the Benchmarking page: the home-LA picker, the headline tiles, the
export of published figures (public statistics: exported as published, with their source) and
the reconciliation of our figures with DfE's."""

from __future__ import annotations

import streamlit as st

from etl import benchmark as bm
from etl.benchmark import LA
from etl.config import settings
from ui import benchmark_view as view
from ui import components, db

LA_KEY = "benchmark_la"


def _default_la(by_code: dict[str, LA]) -> str:
    """The home LA from the settings file if it is in the figures, else the first LA."""
    configured = settings().home_la
    if configured:
        try:
            code = db.resolve_la(configured).code
        except bm.UnknownLA:
            st.warning(
                f"The home LA in the settings file ({configured!r}) is not in the published "
                "figures; choose one in the sidebar."
            )
        else:
            if code in by_code:
                return code
    return next(iter(by_code))


def home_la() -> LA:
    """The LA being compared, chosen in the sidebar (default: ``home_la`` in the settings)."""
    by_code = {la.code: la for la in db.list_las(current_only=True)}
    if st.session_state.get(LA_KEY) not in by_code:
        st.session_state[LA_KEY] = _default_la(by_code)
    with st.sidebar:
        st.selectbox(
            "Home LA (benchmarking)",
            list(by_code),
            key=LA_KEY,
            format_func=lambda code: view.la_label(by_code[code]),
            help="The LA compared on the Benchmark page. Set a default with home_la under "
            "[benchmark] in send_dashboard.toml.",
        )
    return by_code[st.session_state[LA_KEY]]


def tiles(row: list[view.Tile]) -> None:
    """Headline figures side by side, each in a bordered box with its note under it."""
    for column, tile in zip(st.columns(len(row)), row, strict=True):
        with column, st.container(border=True):
            st.metric(tile.label, tile.value)
            if tile.note:
                st.caption(tile.note)


def public_export(name: str, scope: str, source: str, state: db.DataState) -> components.Export:
    """The export of a published-figures table: public statistics, with their source."""
    return components.Export(name, scope, state, kind="public", source=source)


def reconciliation(la: LA, state: db.DataState) -> None:
    """Our 20-week figures beside DfE's for a year we can both answer, the groups of cases
    that can explain a difference, and (by reference only) the cases in one group."""
    if not state.available:
        components.empty_state("Load your SEN2 data to reconcile it with DfE's figures.")
        return
    years = db.reconcilable_years(la.code)
    if not years:
        components.empty_state(
            f"Our SEN2 data (to {state.snapshot_date}) covers no whole calendar year that DfE "
            f"has published for {la.name}."
        )
        return
    year = st.selectbox("Calendar year to reconcile", years[::-1], key="recon_year")
    result = db.reconcile(la.code, year)
    components.show_table(view.reconciliation_table(result), our_own_text=True)
    st.caption(f"DfE: {result['lines'][0]['source'] or 'not published'}")
    st.markdown("**Cases that can explain a difference**")
    components.show_table(view.explanations_table(result), our_own_text=True)
    reasons = view.listable_reasons(result)
    if not reasons:
        return
    pick = st.selectbox(
        "List the cases in a group (references only; `python -m etl lookup REF` finds the row)",
        list(reasons),
        format_func=reasons.__getitem__,
        key="recon_reason",
    )
    # Row-level, so never cached (ui.db.explanation_cases); references only, never a UPN.
    cases = view.cases_table(db.explanation_cases(year, pick))
    st.caption(f"{len(cases):,} cases")
    components.show_table(cases)
