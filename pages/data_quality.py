"""Data quality: what was loaded from each file, and every problem found, so the figures on the
other pages can be trusted (or their limits understood)."""

from __future__ import annotations

import streamlit as st

from ui import access, components, db
from ui.formatting import (
    SEVERITY_BADGES,
    TABLE_COLUMNS,
    fmt_date,
    problem_counts_text,
    screen_load_log,
    screen_problems,
)

state = components.start_page(
    "Data quality",
    "What was loaded from each file, what was not, and why — so you know how far to trust the "
    "figures.",
)

load_log = db.query("load_log")
# The headline first: counts that say what they count (problems, the rows they are on, the rows
# not loaded).
not_loaded = int(load_log["rows_rejected"].fillna(0).sum())
counts = db.query("problems_by_severity")
components.count_badges(
    [
        (
            str(c.severity),
            problem_counts_text(  # counts disclosed for a publish-only viewer (issue 16)
                str(c.severity),
                *map(components.screen_cell, (c.problems, c.rows, c.file_problems, not_loaded)),
            ),
        )
        for c in counts.itertuples()
    ]
)

components.section(
    "Load log",
    "One row per file. Every row read is loaded, rejected (an error on the row), or superseded "
    "(the same record in a later file; a superseded row's problems leave the list).",
)
log_export = components.Export(
    "load_log",
    "Files loaded into the warehouse",
    state,
    columns=TABLE_COLUMNS["load_log"],
    query="load_log",
)
# On screen the file's name and what it holds share a cell, so every column fits at 1280 wide;
# the download keeps them apart.
components.show_table(screen_load_log(log_export.table(load_log, "internal")))
components.offer_download(load_log, log_export)

components.section("Problems found")
st.markdown(
    "- **✗ Error — row not loaded.** The row broke a rule (an impossible date, an unknown code, "
    "a duplicate id) and is left out of every figure until the file is corrected and reloaded.\n"
    "- **? Query — loaded but flagged.** The row is in the figures, but something looks wrong or "
    "is missing (for example a blank 20-week exception flag). Check it at source."
)

options = db.query("problem_options")
if options.empty:
    st.success("✓ No problems found in the loaded files.")
    st.stop()
# Issue 16: the problem list names files, rows and the values found (row-level): analysts only.
if access.viewer().may_see_rows():
    severity_col, rule_col, file_col = st.columns(3)
    severities = severity_col.multiselect(
        "Severity (all if none chosen)",
        sorted(set(options["severity"])),
        format_func=lambda s: SEVERITY_BADGES.get(s, s),
        key="problem_severity",
    )
    rules = rule_col.multiselect(
        "Rule (all if none chosen)", sorted(set(options["rule"])), key="problem_rule"
    )
    files = file_col.multiselect(
        "File (all if none chosen)", sorted(set(options["file"])), key="problem_file"
    )
    problems = db.query(
        "problems", severities=severities or None, rules=rules or None, files=files or None
    )
    st.caption(
        f"{len(problems):,} problems shown. Row numbers are the spreadsheet's own row numbers."
    )
    problem_export = components.Export(
        "problems",
        f"Problem list (filtered as on screen), data snapshot {fmt_date(state.snapshot_date)}",
        state,
        columns=TABLE_COLUMNS["problems"],
        row_level=True,
    )
    # On screen: where the problem is (file, sheet, row, column) in one cell, so the message, the
    # place and the rule are all in sight at 1280 wide; the download keeps them in their columns.
    # A long list is shown a page at a time, in the data grid (issue 11: the national problem
    # list has 15,000 rows, all formatted on every rerun before); the download has every row.
    shown = components.page_of(problems, "problems", components.GRID_PAGE_ROWS)
    components.show_table(screen_problems(problem_export.table(shown, "internal")))
    components.rows_shown(len(problems), problem_export)
    components.offer_download(problems, problem_export)
else:
    access.rows_hidden(
        "The problem list", rows="files, rows and the values found there", to="analysts"
    )
