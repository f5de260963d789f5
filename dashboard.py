"""SEND Partnership Dashboard — entry point: page config, the page list, shared sidebar, run.

Run with ``streamlit run dashboard.py`` (or ``make run``). Data comes from the warehouse in
``SEND_DATA_DIR`` (default ``./data``), opened read-only by ``ui.db``.
"""

from __future__ import annotations

import streamlit as st

from etl import config
from ui import components, db

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

page = st.navigation(
    [
        OVERVIEW,
        TIMELINESS,
        WAITING_TIMES,
        EXCLUSIONS,
        BENCHMARK,
        IMPROVEMENT_PLAN,
        BOARD_PACK,
        MEETING,
        DATA_QUALITY,
        AUDIT,
    ]
)
components.apply_style()
components.sidebar(db.data_state())
try:
    page.run()
except db.WarehouseError as problem:
    # The file vanished or was unreadable mid-run: say so plainly, never show a traceback.
    components.empty_state(str(problem))
