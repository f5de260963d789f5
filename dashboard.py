"""SEND Partnership Dashboard — entry point: page config, the page list, shared sidebar, run.

Run with ``streamlit run dashboard.py`` (or ``make run``). Data comes from the warehouse in
``SEND_DATA_DIR`` (default ``./data``), opened read-only by ``ui.db``.
"""

from __future__ import annotations

import streamlit as st

from etl import config
from etl.access import PageKey
from ui import access, audit, components, db

# An emoji favicon is drawn locally; a ":material/..." one is fetched from fonts.gstatic.com,
# which council networks often block.
st.set_page_config(layout="wide", page_title="SEND Partnership Dashboard", page_icon="📊")
components.mark_entrypoint()

OVERVIEW = st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True)
TIMELINESS = st.Page("pages/timeliness.py", title="EHC plan timeliness", icon=":material/schedule:")
DATA_QUALITY = st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:")
BENCHMARK = st.Page("pages/benchmark.py", title="Benchmarking", icon=":material/leaderboard:")
WAITING_TIMES = st.Page("pages/waiting_times.py", title="Waiting times", icon=":material/timer:")
IMPROVEMENT_PLAN = st.Page(
    "pages/improvement_plan.py", title="Improvement plan", icon=":material/flag:"
)
# A short menu name: the full one ("Suspensions and exclusions") is cut off in the sidebar.
MEETING = st.Page("pages/meeting.py", title="Meeting mode", icon=":material/co_present:")
EXCLUSIONS = st.Page("pages/exclusions.py", title="Exclusions", icon=":material/do_not_disturb_on:")
BOARD_PACK = st.Page("pages/board_pack.py", title="Board pack", icon=":material/description:")
AUDIT = st.Page("pages/audit.py", title="Audit trail", icon=":material/history:")

try:
    config.settings()
except config.SettingsError as problem:
    # Every figure depends on the settings (thresholds, aliases): show none until they are right.
    st.error(
        f"The settings file has a mistake, so no figures are shown until it is fixed. {problem}"
    )
    st.stop()

# The menu, in order, by page key (etl.access.PAGES): a viewer's role decides which are listed.
MENU: dict[PageKey, st.Page] = {
    "overview": OVERVIEW,
    "timeliness": TIMELINESS,
    "waiting_times": WAITING_TIMES,
    "exclusions": EXCLUSIONS,
    "benchmark": BENCHMARK,
    "improvement_plan": IMPROVEMENT_PLAN,
    "board_pack": BOARD_PACK,
    "meeting": MEETING,
    "data_quality": DATA_QUALITY,
    "audit": AUDIT,
}

viewer = access.viewer()
if viewer.can is None and viewer.email:  # signed in, but [roles] gives them no role
    audit.denied("Sign in", "not in [roles]")
elif viewer.can is not None and not viewer.local:
    audit.signed_in()
if viewer.can is None:
    # Not signed in, signed in with no role, or local mode forbidden: one page, no data. (Calling
    # st.navigation also switches off Streamlit's legacy pages/ route, so no page file runs.)
    components.apply_style()
    st.navigation(
        [st.Page(access.no_access_page, title="Sign in", url_path="sign-in", default=True)],
        position="hidden",
    ).run()
    st.stop()

page = st.navigation([shown for key, shown in MENU.items() if viewer.may_see_page(key)])
components.apply_style()
components.sidebar(db.data_state())
with st.sidebar:
    access.sidebar_user()
try:
    page.run()
except db.WarehouseError as problem:
    # The file vanished or was unreadable mid-run: say so plainly, never show a traceback.
    components.empty_state(str(problem))
