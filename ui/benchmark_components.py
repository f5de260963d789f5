"""Streamlit parts of the Benchmarking page: the home-LA picker, the headline tiles, the
export of published figures (public statistics: exported as published, with their source) and
the reconciliation of our figures with DfE's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from etl import benchmark as bm
from etl import config
from etl.access import EHC_PLANS
from etl.benchmark import LA
from etl.config import settings
from ui import access, audit, components, db
from ui import benchmark_view as view

LA_KEY = "benchmark_la"  # the sidebar's "Home LA" box (its state goes when the page is left)
HOME_KEY = "home_la_code"  # the LA chosen this session: not a widget key, so it survives pages


def home_la_sources() -> list[tuple[str, Callable[[], str | None]]]:
    """Where our LA can come from, most trusted first: (where, how to read it).

    Add a source here — e.g. the LA code in the loaded SEN2 return — and the page uses the first
    that names an LA in the published figures, and says which one it used. The user's own choice
    in this session comes before all of them; with none, the page asks.
    """
    return [
        ("the settings file", lambda: settings().home_la or None),
        ("the loaded SEN2 return", db.sen2_la_code),
    ]


def known_home_la() -> str | None:
    """Our LA as far as it is known without asking (no widget drawn): the session's choice,
    else the first source of :func:`home_la_sources` that names one; None when none does. For
    pages that only start from our LA (e.g. the ICB compared on Waiting times)."""
    chosen = st.session_state.get(HOME_KEY)
    if chosen:
        return str(chosen)
    return next((text for _, read in home_la_sources() if (text := read())), None)


def _from_sources(by_code: dict[str, LA]) -> tuple[str, str] | None:
    """(LA code, where it came from) from the first source that names a known LA."""
    for where, read in home_la_sources():
        text = read()
        if not text:
            continue
        try:
            code = db.resolve_la(text).code
        except bm.UnknownLA:
            code = None
        if code in by_code:
            return code, where
        st.warning(
            f"The home LA in {where} ({text!r}) is not in the published figures; choose "
            "ours in the sidebar."
        )
    return None


SAVED_KEY = "home_la_saved"  # what the last save said, shown once


def _save(code: str) -> None:
    """Button callback (runs before the page reruns, so a rerun cannot lose the click)."""
    try:
        path = config.save_home_la(code)
    except (config.SettingsError, OSError) as problem:
        st.session_state[SAVED_KEY] = ("error", f"Not saved: {problem}")
    else:
        st.session_state[SAVED_KEY] = ("success", f"Saved as home_la in {path.name}.")


def _save_button(la: LA) -> None:
    """Offer to keep the session's choice in the settings file (home_la under [benchmark])."""
    st.sidebar.button(
        f"Save {la.name} as our LA in the settings file",
        key="save_home_la",
        on_click=_save,
        args=(la.code,),
        help="Writes home_la under [benchmark] in the settings file; nothing else in the file "
        "changes. Every user of this copy of the dashboard then starts with this LA.",
    )


def _show_saved() -> None:
    said = st.session_state.pop(SAVED_KEY, None)
    if said:
        kind, text = said
        (st.sidebar.error if kind == "error" else st.sidebar.success)(text)


@dataclass(frozen=True)
class HomeLA:
    """Our LA and where it came from, so the page can say so."""

    la: LA
    source: str  # "set in the settings file", or "chosen for this session (not saved)"


def home_la() -> HomeLA | None:
    """Our LA, never chosen silently: the session's choice, else the first source in
    :func:`home_la_sources`; with neither, None — the page then asks and shows no figures.

    The choice is kept for the session (it survives moving between pages), and the sidebar
    offers to save it to the settings file.
    """
    by_code = {la.code: la for la in db.list_las(current_only=True)}
    found = _from_sources(by_code)
    if st.session_state.get(HOME_KEY) not in by_code:
        st.session_state.pop(HOME_KEY, None)
    if LA_KEY not in st.session_state:  # the box was not drawn on the last page: restore it
        st.session_state[LA_KEY] = st.session_state.get(HOME_KEY) or (found[0] if found else None)
    with st.sidebar:
        code = st.selectbox(
            "Our LA (benchmarking)",
            list(by_code),
            key=LA_KEY,
            index=None,
            placeholder="Choose our local authority",
            format_func=lambda c: view.la_label(by_code[c]),
            help="The LA compared on the Benchmarking page. It is kept while you use the "
            "dashboard; save it to make it everyone's starting point.",
        )
    _show_saved()
    if code is None:
        return None
    la = by_code[code]
    if found is not None and code == found[0]:
        return HomeLA(la, f"set in {found[1]}")
    st.session_state[HOME_KEY] = code  # chosen by the user: kept for the session
    _save_button(la)
    return HomeLA(la, "chosen for this session (not saved)")


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
    if components.publish_screen():  # issue 16: exact case counts and references
        st.caption(
            "Not shown: the reconciliation compares exact case counts and lists cases by "
            "reference, so it is for analysts; your role sees published figures only."
        )
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
    if not access.viewer().may_see_rows(EHC_PLANS):  # issue 16: before the row-level query
        access.rows_hidden("The case list", rows="cases by pseudonymous reference")
        return
    pick = st.selectbox(
        "List the cases in a group (pseudonymous references only; your data analyst can find "
        "each case's file and row from its reference)",
        list(reasons),
        format_func=reasons.__getitem__,
        key="recon_reason",
    )
    # Row-level, so never cached (ui.db.explanation_cases); references only, never a UPN.
    cases = db.explanation_cases(year, pick)
    st.caption(f"{len(cases):,} cases")
    # Issue 11: a long list (thousands at national scale) is formatted and sent a page at a time.
    shown = components.page_of(cases, f"recon_cases_{year}_{pick}", components.GRID_PAGE_ROWS)
    components.show_table(view.cases_table(shown))
    if not cases.empty:
        audit.rows_shown(
            f"reconcile_cases_{year}_{pick}",
            rows=len(cases),
            snapshot=components.snapshot_text(state),
            scope=f"Cases that can explain a difference from DfE, {year}: {reasons[pick]}",
        )
