"""Overview: the few headline numbers a SEND partnership board needs, with the trend in words."""

from __future__ import annotations

import streamlit as st

from ui import components, db
from ui.formatting import comparison_text, fmt_date, one_year_earlier, year_label

state = components.start_page(
    "Overview",
    "Headline EHC plan figures for the partnership board: how quickly plans are issued and how "
    "many open requests have passed, or are close to, the 20-week deadline.",
)
as_at = components.as_at_date(state)
year = as_at.year
year_ago = one_year_earlier(as_at)
now = db.kpis(year, as_at)

components.section(f"Timeliness: {year_label(year, as_at)}", comparison_text(year, as_at))
components.kpi_row(
    now,
    db.kpis(year - 1, as_at),  # the whole previous calendar year
    ["pct_within_20_weeks_excl_exceptions", "pct_within_20_weeks", "pct_decisions_within_6_weeks"],
    against=str(year - 1),
)

components.section(
    f"Open requests as at {fmt_date(as_at)}",
    f"Compared with the same date a year earlier ({fmt_date(year_ago)}).",
)
components.kpi_row(
    now,
    db.kpis(year - 1, year_ago),  # open requests on the same date a year earlier
    ["open_breached", "open_at_risk", "open_requests"],
    against=fmt_date(year_ago),
)

st.page_link(
    "pages/timeliness.py",
    label="See the monthly trend, stages and the watchlist of open requests",
    icon=":material/arrow_forward:",
)
