"""Shared page parts: header, synthetic-data banner, empty state, KPI tiles, chart + table +
download, status badges and the shared sidebar.

Every visual signal is also written in words or symbols (▲/▼, "better"/"worse", "⚠ Breached"),
because colour alone fails on a washed-out projector and for colour-blind readers.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from etl import disclosure, metrics
from etl.benchmark import UnknownLA
from etl.catalogue import metric
from etl.config import settings
from ui import access, audit, db, drawn, snapshot_components
from ui.formatting import (
    TABLE_COLUMNS,
    ExportContext,
    Mode,
    Trend,
    describe_trend,
    disclosed,
    display_table,
    escape_markdown,
    export_filename,
    export_table,
    fmt_count,
    fmt_date,
    fmt_pct,
    fmt_x_of_y,
    kpi_cells,
    numbers_from_text,
    rows_not_loaded_text,
    small_base_note,
    target_text,
    to_csv,
)

EXPORT_MODES: dict[str, Mode] = {"Internal": "internal", "Publish": "publish"}
# Tables are plain (wrapping, every column in sight); a longer one scrolls in a box, and only a
# very long one goes in the data grid.
PLAIN_TABLE_MAX_ROWS = 300
PLAIN_TABLE_MAX_COLUMNS = 8  # more than this will not fit 1280 wide: shown as several tables
GRID_NATURAL_ROWS = 12
# A table longer than this is shown a page at a time (issue 11: the national watchlist has 76,000
# rows; formatting and sending them all took most of the page's time). Downloads hold every row.
PAGE_ROWS = 300
# A list long enough for the data grid (more than PLAIN_TABLE_MAX_ROWS) is paged at this many
# rows: the grid scrolls, so a bigger page costs the reader nothing, only the formatting.
GRID_PAGE_ROWS = 1000
DeltaColour = Literal["green", "red", "gray", "off"]
JUDGEMENT_COLOUR: dict[str, DeltaColour] = {"better": "green", "worse": "red"}
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "zoom2d",
        "pan2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
    ],
}


# ---------------------------------------------------------------- page frame

_ENTRYPOINT_RAN = "_entrypoint_ran"
_ENTRYPOINT_RETRIED = "_entrypoint_retried"


def mark_entrypoint() -> None:
    """Called by dashboard.py on every run, so a page can tell it was reached through it."""
    st.session_state[_ENTRYPOINT_RAN] = True


def _ensure_entrypoint() -> None:
    """Rerun once through dashboard.py if this page script was run on its own.

    Why: before ``st.navigation`` has been called in a server process, Streamlit treats a
    folder named ``pages/`` beside the entry point as a legacy multipage app. So the very first
    run of a fresh server (and every AppTest run after ``switch_page``) on a URL like
    ``/timeliness`` runs the page file directly: no page config, no sidebar, no as-at date.
    ``st.navigation`` switches that legacy route off by clearing
    ``PagesManager.uses_pages_directory``; we do the same and rerun, so the rerun goes through
    dashboard.py as intended. (Renaming ``pages/`` would remove the need for this.)
    """
    if st.session_state.pop(_ENTRYPOINT_RAN, False):
        st.session_state.pop(_ENTRYPOINT_RETRIED, None)
        return
    if st.session_state.get(_ENTRYPOINT_RETRIED):
        return  # tried once already (e.g. a page run on its own): render without the sidebar
    st.session_state[_ENTRYPOINT_RETRIED] = True
    try:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except (ImportError, AttributeError):  # a future Streamlit without the legacy route
        return
    st.rerun()


def start_page(title: str, purpose: str, *, needs_data: bool = True) -> db.DataState:
    """Banner (if synthetic), title and one-line purpose; stops the page with a helpful message
    when there is no data, so nothing below it ever runs against a missing warehouse.

    A page that can show something without our own data (published figures) passes
    ``needs_data=False`` and checks ``state.available`` itself.
    """
    _ensure_entrypoint()
    if access.viewer().can is None:  # issue 16: reached some other way than the menu; no data
        st.stop()
    audit.remember_page()
    state = db.data_state()
    if state.available and state.synthetic:
        synthetic_banner()
    st.title(title)
    snapshot_components.show_snapshot_line()
    # The first screen on a projector is for the headline: what the page is for is one click
    # away, not a paragraph above the figures.
    with st.expander("About this page"):
        st.markdown(f"<p class='page-purpose'>{purpose}</p>", unsafe_allow_html=True)
    if needs_data and not state.available:
        empty_state(state.message)
        st.stop()
    return state


def synthetic_banner() -> None:
    """A banner nobody can miss: the figures on this page are made up."""
    st.markdown(
        "<div class='synthetic-banner' role='alert'>⚠ SYNTHETIC DATA — made-up figures, not "
        "real children. Do not use for decisions.</div>",
        unsafe_allow_html=True,
    )


def empty_state(message: str) -> None:
    """What to do when there is nothing to show yet."""
    st.info(message, icon="ℹ️")


def section(title: str, explanation: str | None = None) -> None:
    """A section heading with an optional one-line explanation."""
    st.subheader(title)
    if explanation:
        st.caption(explanation)


# ---------------------------------------------------------------- sidebar state


def as_at_date(state: db.DataState) -> dt.date:
    """The as-at date chosen in the sidebar (default: the data's snapshot date)."""
    chosen = st.session_state.get("as_at")
    if isinstance(chosen, dt.date) and state.snapshot_date and chosen <= state.snapshot_date:
        return chosen
    assert state.snapshot_date is not None
    return state.snapshot_date


def export_mode() -> Mode:
    """The export mode chosen in the sidebar: "internal" (default) or "publish"; always
    "publish" for a viewer who may only see publish-mode figures (issue 16)."""
    if access.viewer().publish_only:
        return "publish"
    return EXPORT_MODES.get(st.session_state.get("export_mode", "Internal"), "internal")


def sidebar(state: db.DataState) -> None:
    """The shared sidebar: what data this is, the as-at date and the export mode. (Data quality
    is in the page menu above it: one link to the page, not two.)"""
    with st.sidebar:
        snapshot_components.sidebar_choice()  # first: an unreadable snapshot can be left
        if not state.available:
            # A file that cannot be shown (built by an older version, unreadable) is not "no data".
            st.markdown("**No data to show**" if state.path.exists() else "**No data loaded yet**")
            return
        assert state.snapshot_date is not None
        st.markdown(
            f"**Data snapshot:** {fmt_date(state.snapshot_date)}  \n"
            f"**Requests loaded:** {screen_count(state.requests_loaded)}"
        )
        if state.synthetic:
            st.markdown("**⚠ SYNTHETIC DATA**")
        # A newly published file may have a new snapshot: start again from its date.
        if st.session_state.get("_snapshot_seen") != state.snapshot_date:
            st.session_state["as_at"] = state.snapshot_date
            st.session_state["_snapshot_seen"] = state.snapshot_date
        st.date_input(
            "As-at date",
            key="as_at",
            max_value=state.snapshot_date,
            min_value=dt.date(2014, 9, 1),
            format="DD/MM/YYYY",
            help="Open requests, at-risk and breached cases are counted as at this "
            "date. It cannot be later than the data snapshot.",
        )
        if access.viewer().publish_only:
            # Issue 16: a board, pcf or adviser viewer has no choice to make (export_mode).
            st.markdown(access.PUBLISH_LINE)
            return
        st.radio(
            "Export mode",
            list(EXPORT_MODES),
            key="export_mode",
            captions=[
                "Exact figures, for people inside the partnership.",
                "Small numbers hidden (c), others rounded to 5, for board packs and "
                "anything published.",
            ],
            help="Applies to downloads. The screen always shows exact figures.",
        )


# ---------------------------------------------------------------- KPI tiles


def kpi_tile(
    metric_key: str,
    value: Any,
    *,
    previous: Any,
    against: str | None,
    detail: str | None = None,
    bases: tuple[Any, Any] | None = None,
    noun: str = "cases",
) -> Trend | None:
    """A KPI tile: big number, catalogue title and definition, and the trend in words.

    ``value`` / ``previous`` are in the catalogue unit ("%" values already rounded by
    ``etl.metrics.pct``; None means no plans). ``against`` names the comparison ("2025"); None
    shows no trend (e.g. a part-year count, which a full year would always beat). ``bases`` are
    the counts a percentage rests on (now, then): a percentage on fewer than 20 is marked, and a
    change on fewer than 20 says "too few to compare".
    """
    entry = metric(metric_key)
    shown = fmt_pct(value) if entry.unit == "%" else fmt_count(value)
    suppressed = any(disclosure.is_suppressed(v) for v in (value, previous, *(bases or ())))
    if against is None:
        trend = None
    elif suppressed:  # publish mode (issue 16): no change worked out from a hidden figure
        trend = Trend("", f"no comparison with {against} (a figure is suppressed: c)", "unknown")
    else:
        trend = describe_trend(value, previous, entry.unit, entry.polarity, against, bases, noun)
    if bases is not None and not suppressed and (note := small_base_note(bases[0], noun)):
        shown = f"{shown} ⚠"
        detail = f"{detail} — ⚠ {note}" if detail else f"⚠ {note.capitalize()}"
    with st.container(border=True):
        st.metric(
            entry.title,
            shown,
            delta=trend.text if trend else None,
            delta_color=JUDGEMENT_COLOUR.get(trend.judgement, "gray") if trend else "off",
            delta_arrow="off",
        )
        lines = [detail] if detail else []
        lines.append(entry.definition)
        if entry.caveat:
            lines.append(entry.caveat)
        st.caption("  \n".join(lines))
    return trend


# For a percentage KPI: the counts behind it, as (numerator key, denominator key, noun).
KPI_COUNTS = metrics.PCT_COUNTS  # one definition (etl.metrics), also used by etl.compare


def kpi_row(
    current: dict[str, Any],
    previous: dict[str, Any],
    keys: Sequence[str],
    *,
    against: str,
    untrended: Sequence[str] = (),
    england: dict[str, dict[str, Any] | None] | None = None,
    since: dict[str, str] | None = None,
) -> None:
    """KPI tiles side by side from two ``ehcp_kpis`` results (this period and the comparison).

    Percentages show the counts behind them ("3 of 5 plans"). Keys in ``untrended`` get no trend
    (a part-year count is always "down" on a whole year, which would mislead). ``england`` gives
    DfE's latest published England figure for a key (``db.england_latest``), shown in its tile,
    and the partnership's target where ``[targets]`` in the settings file sets one. ``since``
    gives a key's change since the snapshot compared with (``snapshot_components.since_lines``).

    On a publish-mode screen (``ui.access.screen_mode``) every figure, its counts and its
    change are the disclosed ones (:func:`ui.formatting.kpi_cells`); a change against another
    snapshot, worked out from exact figures, is not shown.
    """
    mode = access.screen_mode()
    current, previous = kpi_cells(current, mode), kpi_cells(previous, mode)
    if mode == "publish":
        since = None
    for column, key in zip(st.columns(len(keys)), keys, strict=True):
        with column:
            parts = KPI_COUNTS.get(key)
            detail = (
                f"{fmt_x_of_y(current[parts[0]], current[parts[1]])} {parts[2]}" if parts else None
            )
            if england and (published := england.get(key)):
                words = f"England {published['year']}: {published['value']:.1f}% (DfE published)"
                detail = f"{detail}  \n{words}" if detail else words
            if (target := settings().targets.get(key)) is not None:
                words = target_text(key, current[key], target)
                detail = f"{detail}  \n{words}" if detail else words
            if since and (change := since.get(key)):  # against a compared snapshot (issue 15)
                detail = f"{detail}  \n{change}" if detail else change
            kpi_tile(
                key,
                current[key],
                previous=previous.get(key),
                against=None if key in untrended else against,
                detail=detail,
                bases=(current.get(parts[1]), previous.get(parts[1])) if parts else None,
                noun=parts[2] if parts else "cases",
            )


# What each input kind's files are called beside a figure drawn from them.
KIND_WORDS = {
    "sen2": "the case files",
    "tracker": "the plan trackers",
    "waits": "the waiting lists",
    "exclusions": "the exclusion records",
}


def trust_note(kind: str) -> None:
    """Beside a figure: how many rows of the files behind it were not loaded, and where to see
    why ("22 of 25,827 rows in the case files not loaded (errors) — see Data quality")."""
    counts: dict[str, Any] = dict(db.rows_not_loaded(kind))
    if access.screen_mode() == "publish":  # rows are records about children: disclosed
        counts = {k: disclosure.count_cell(v, "publish") for k, v in counts.items()}
    text = rows_not_loaded_text(counts, KIND_WORDS.get(kind, "the files"))
    if text:
        # Only a role with the Data quality page in its menu is pointed to it (issue 16).
        where = (
            " — see <b>Data quality</b> in the menu for which rows and why"
            if access.viewer().may_see_page("data_quality")
            else ""
        )
        st.markdown(
            f"<p class='trust-note'>⚠ {html.escape(text)}{where}.</p>", unsafe_allow_html=True
        )


# ---------------------------------------------------------------- charts with table and download

# What a table holds, which decides how it is shown and exported:
# - "local": our figures about children, from a named query: labelled and written by
#   ``display_table``; exported in the sidebar's mode (publish = DESIGN §7 suppression).
# - "plan": improvement-plan tables, already written for display; about milestones, not
#   children, so exported exactly as shown (the header still states the mode).
# - "public": published statistics (DfE, MoJ): already public and suppressed at source, so
#   exported as published with their source, never suppressed again.
TableKind = Literal["local", "plan", "public"]


@dataclass(frozen=True)
class Export:
    """How a table is shown and downloaded: file name, scope, and what kind of figures it holds.

    ``columns`` picks the query columns of a "local" table and ``query`` names its query (whose
    totals publish mode protects, ``ui.formatting.TABLE_TOTALS``); ``row_level`` marks one row
    per child's request or per problem (never exported in publish mode); ``source`` names where
    "public" figures come from; ``snapshot`` is the data snapshot's id (default: the
    warehouse's build, :func:`snapshot_text`).
    """

    name: str
    scope: str
    state: db.DataState
    kind: TableKind = "local"
    as_of: dt.date | None = None
    columns: Sequence[str] | None = None
    row_level: bool = False
    source: str | None = None
    # A local table holding text from the input files (school names, reasons: issue 13) is shown
    # in the data grid, which shows text exactly as it is, never rendered as Markdown.
    file_text: bool = False
    query: str | None = None
    snapshot: str | None = None
    area: str | None = None

    def context(self) -> ExportContext:
        """Everything the file has to say about itself, from the sidebar and the data."""
        mode: Mode = "public" if self.kind == "public" else export_mode()
        # Published figures can be exported with no local data loaded: date the file today.
        snapshot = self.state.snapshot_date or dt.date.today()
        synthetic = self.state.synthetic and self.kind != "public"
        return ExportContext(
            mode,
            self.scope,
            snapshot,
            self.as_of,
            synthetic,
            self.source,
            self.snapshot if self.snapshot is not None else snapshot_text(self.state),
            self.area if self.area is not None else area_text(),
        )

    def table(self, frame: pd.DataFrame, mode: Mode) -> pd.DataFrame:
        """The table as shown on screen in ``mode``, as text; never exact for a publish-only
        viewer (:func:`screen_floor`), whatever the caller asks."""
        if self.kind != "local":
            return frame
        return display_table(frame, screen_floor(mode), self.columns, self.query)

    def screen_frame(self, frame: pd.DataFrame, mode: Mode) -> tuple[pd.DataFrame, list[str]]:
        """The query's rows a chart is drawn from in ``mode``, and the notes that go with them.

        Internal, or a "plan" / "public" table: the rows as they are. Publish (issue 16): every
        known figure column replaced by its disclosed cell (``etl.disclosure``: a number or
        "c", which a chart draws as a gap); columns the engine does not know are dropped unless
        they are labels (text, dates), so no exact count reaches a chart's data or hover."""
        if self.kind != "local":
            return frame, []
        return screen_rows(frame, self.query, mode)

    def export(self, frame: pd.DataFrame, mode: Mode) -> tuple[pd.DataFrame, list[str]]:
        """The table as a CSV / XLSX export holds it in ``mode`` (numbers as numbers), and the
        notes the file must carry (cells suppressed beyond the small numbers)."""
        if self.kind != "local":
            return numbers_from_text(frame), []
        out = export_table(
            frame, "publish" if mode == "publish" else "internal", self.columns, self.query
        )
        return out.frame, out.notes


def publish_screen() -> bool:
    """True when this screen shows publish-mode figures only (:func:`ui.access.screen_mode`)."""
    return access.screen_mode() == "publish"


def screen_floor(mode: Mode) -> Mode:
    """``mode`` as a screen may use it: "internal" becomes "publish" for a viewer who may only
    see publish-mode figures (issue 16); "publish" and "public" are left as they are."""
    return "publish" if mode == "internal" and access.screen_mode() == "publish" else mode


def screen_rows(
    frame: pd.DataFrame, query: str | None = None, mode: Mode | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """A query's rows as this screen may show them, and the notes that go with them.

    ``mode`` defaults to :func:`ui.access.screen_mode`. Internal: the rows as they are. Publish
    (issue 16): every column :data:`ui.formatting.COLUMNS` knows replaced by its disclosed cell
    (``etl.disclosure``, with ``query``'s totals protected: a number or "c"), other numeric
    columns left out — so a tile, a sentence or a chart drawn from them never shows an exact
    count."""
    mode = mode or access.screen_mode()
    if mode != "publish":
        return frame, []
    out = disclosed(frame, "publish", None, query)
    return overlay(frame, out.frame), out.notes


def screen_cell(value: Any) -> Any:
    """A count of children (or of records about them) as this screen may show it: exact, or on
    a publish-mode screen (``etl.disclosure.count_cell``) "c" for 1–7, else rounded to 5."""
    mode: disclosure.Mode = "publish" if access.screen_mode() == "publish" else "internal"
    return disclosure.count_cell(value, mode)


def screen_count(value: Any) -> str:
    """:func:`screen_cell` written for a sentence ("5,085", "c")."""
    return fmt_count(screen_cell(value))


def overlay(frame: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the columns of ``shown`` (disclosed cells) in place of its own, and its
    other numeric columns left out (an unknown count must not reach a chart in publish mode)."""
    keep = [c for c in frame.columns if c in shown.columns or _label_column(frame, c)]
    out = frame[keep].astype(object).copy()
    for column in shown.columns:
        out[column] = shown[column].tolist()
    return out


# Numeric columns that label or order rows rather than count anyone: kept in publish mode.
LABEL_NUMBERS = frozenset({"year", "academic_year", "rank"})


def _label_column(frame: pd.DataFrame, column: str) -> bool:
    """True for a column that is not a figure: text, dates, flags, or a label number."""
    if column in LABEL_NUMBERS or str(column).endswith("_order"):
        return True
    series = frame[column]
    return pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series)


def gaps_note(frame: pd.DataFrame, notes: Sequence[str] = ()) -> None:
    """Under a publish-mode chart: what a "c" (drawn as a gap) means, and the engine's notes."""
    if (frame == disclosure.SUPPRESSED).to_numpy().any():
        st.caption(
            "Publish mode: small numbers are hidden (c) and other counts rounded to the nearest "
            "5; a hidden figure is a gap in the chart."
        )
    for note in notes:
        st.caption(note)


def area_text() -> str:
    """Our LA as an export names it ("Kent (886)"), from the same sources as the Benchmarking
    page (this session's choice, the settings file, the loaded SEN2 return); "" when none."""
    # Imported here: ui.benchmark_components imports this module.
    from ui.benchmark_components import known_home_la
    from ui.benchmark_view import la_label

    text = known_home_la()
    if not text:
        return ""
    try:
        la = db.resolve_la(text)
    except (UnknownLA, db.WarehouseError):  # not in the published figures, or none loaded
        return text
    return la_label(la)


def snapshot_text(state: db.DataState) -> str:
    """Which build of the data an export comes from: the snapshot on screen ("Snapshot 14 of 2 Dec
    2026, 'Board 12 March'"), else — data published before snapshots were kept — "warehouse
    built 2026-12-02 00:10:05"; "" with no data loaded."""
    if state.built_at is None:
        return ""
    shown = db.shown_snapshot()
    if shown is not None:
        return shown.label
    return f"warehouse built {state.built_at:%Y-%m-%d %H:%M:%S}"


def export_context(state: db.DataState, scope: str, as_of: dt.date | None) -> ExportContext:
    """Everything an export of local figures has to say about itself."""
    return Export("", scope, state, as_of=as_of).context()


Draw = Callable[[pd.DataFrame], go.Figure]


def chart_with_table(draw: Draw | go.Figure, table: pd.DataFrame, export: Export) -> None:
    """A chart with a "Show as table" tab and the table's download, in the export's terms.

    Every chart on every page goes through here, so each keeps a table view (for screen readers
    and for reading exact values) and a CSV download that states its mode, scope and source.

    ``draw`` draws the chart from the rows as the screen may show them
    (:meth:`Export.screen_frame`): exact for internal viewers, disclosed for a publish-only
    viewer (issue 16). A figure already drawn is accepted for "plan" and "public" tables only;
    one of local figures on a publish-mode screen is not shown (its numbers are exact).
    """
    mode = access.screen_mode()
    rows, notes = export.screen_frame(table, mode)
    figure: go.Figure | None
    if isinstance(draw, go.Figure):
        figure = None if export.kind == "local" and mode == "publish" else draw
    else:
        figure = drawn.figure(draw, rows)
    # The table is drawn only when its tab is chosen (a rerun): hidden tables cost the browser
    # more than the charts and held back the first chart past 2.5 s (issue 11).
    # A local chart a publish-mode screen does not draw opens on its table.
    chart_tab, table_tab = st.tabs(
        ["Chart", "Show as table"],
        default="Show as table" if figure is None else "Chart",
        key=f"view_{export.name}",
        on_change="rerun",
    )
    with chart_tab:
        if figure is None:
            st.caption("This chart is not drawn in publish mode: see the table.")
        else:
            st.plotly_chart(
                figure,
                theme=None,
                config=PLOTLY_CONFIG,
                key=f"chart_{export.name}",
                width="stretch",
            )
        if mode == "publish" and export.kind == "local":
            gaps_note(rows, notes)
    if table_tab.open is False:
        offer_download(table, export)
        return
    with table_tab:
        # Local tables are written by us (labels, numbers); plan and public tables hold text
        # from files (names, reasons), which only the data grid shows exactly as it is.
        show_table(
            export.table(table, mode),
            our_own_text=export.kind == "local" and not export.file_text,
        )
    offer_download(table, export)


def row_level_hidden(what: str = "This list") -> bool:
    """True (and the one-line note why, :func:`ui.access.rows_hidden`) when the viewer's role
    sees no row-level list at all (issue 16: board, pcf, adviser). Which service's lists a
    service lead sees is decided by the page before its query (``Viewer.may_see_rows``)."""
    viewer = access.viewer()
    if viewer.can is not None and viewer.can.row_level != "none":
        return False
    access.rows_hidden(what)
    return True


def table_with_download(
    table: pd.DataFrame,
    export: Export,
    *,
    empty: str | None = None,
    our_own_text: bool = False,
    paged: Paged | None = None,
) -> None:
    """A table with its download. With ``empty`` given, an empty table is that message instead
    (nothing at all for ""); ``our_own_text`` as for :func:`show_table`. A long ``table`` is
    shown a page at a time (:func:`page_of`); with ``paged``, ``table`` is already the page
    chosen (fetched a page at a time, :class:`Paged`) and the download fetches every row."""
    if export.row_level and row_level_hidden():
        return
    if table.empty and empty is not None and (paged is None or not paged.total):
        if empty:
            empty_state(empty)
        return
    if access.screen_mode() == "publish" and export.kind == "local":
        for note in export.screen_frame(table, "publish")[1]:  # cells suppressed for totals …
            st.caption(note)
    if paged is None:
        shown, rows, whole = page_of(table, export.name), len(table), table
    else:
        shown, rows, whole = table, paged.total, paged.every_row
        page_picker(paged.total, export.name, paged.page_rows)
    show_table(export.table(shown, "internal"), our_own_text=our_own_text)
    rows_shown(rows, export)
    offer_download(whole, export, rows=rows)


@dataclass(frozen=True)
class Paged:
    """A list fetched a page at a time (issue 11: the national watchlist has 76,000 rows; only
    the page on screen is fetched and drawn): how many rows the whole list has, how many a page
    shows, and how to fetch every row (called only when the download is clicked)."""

    total: int
    page_rows: int
    every_row: Callable[[], pd.DataFrame]


def rows_shown(rows: int, export: Export) -> None:
    """Record (issue 16, once per session) that a row-level list of ``rows`` rows is on screen;
    nothing for an aggregate table. Every row-level list is shown with its download, which
    calls this."""
    if export.row_level:
        snapshot = export.snapshot if export.snapshot is not None else snapshot_text(export.state)
        audit.rows_shown(export.name, rows=rows, snapshot=snapshot, scope=export.scope)


def page_of(table: pd.DataFrame, key: str, page_rows: int = PAGE_ROWS) -> pd.DataFrame:
    """The rows of ``table`` on the page the user chose (all of them up to ``page_rows``),
    with the page picker and a caption saying which rows these are of how many."""
    start, end = page_picker(len(table), key, page_rows)
    return table.iloc[start:end]


def page_start(key: str, page_rows: int = PAGE_ROWS) -> int:
    """The first row (from 0) of the page of list ``key`` the user chose, before the list is
    fetched (the first page until a page is chosen); for a list fetched a page at a time."""
    page = st.session_state.get(f"page_{key}", 1)
    return (max(int(page), 1) - 1) * page_rows


def fetch_pages(
    fetch: Callable[[list[int]], Sequence[pd.DataFrame]], keys: Sequence[str], page_rows: int
) -> list[pd.DataFrame]:
    """Lists fetched together a page at a time: ``fetch(first rows)`` returns the page chosen of
    each list ``keys`` names, given the first row of each (:func:`page_start`). A list whose
    chosen page comes back empty (it has got shorter) goes back to its first page, and all are
    fetched again. Draw each with :func:`table_with_download` and a :class:`Paged`."""

    def once() -> list[pd.DataFrame]:
        return list(fetch([page_start(key, page_rows) for key in keys]))

    lists = once()
    restarted = False
    for key, rows in zip(keys, lists, strict=True):
        if rows.empty and page_start(key, page_rows) > 0:
            st.session_state[f"page_{key}"] = 1
            restarted = True
    return once() if restarted else lists


def page_picker(total: int, key: str, page_rows: int = PAGE_ROWS) -> tuple[int, int]:
    """For a list of ``total`` rows shown ``page_rows`` at a time: the page picker and a caption
    saying which rows are shown of how many (nothing up to one page); returns the rows shown,
    (start, end) from 0. A page past the end (the list got shorter) is taken as the last."""
    if total <= page_rows:
        return 0, total
    pages = -(-total // page_rows)
    state_key = f"page_{key}"
    if int(st.session_state.get(state_key, 1)) > pages:
        st.session_state[state_key] = pages
    picker, _ = st.columns([1, 3])  # a page number needs no full-width box
    page = picker.number_input(
        f"Page (1 to {pages:,}, {page_rows} rows each)",
        min_value=1,
        max_value=pages,
        value=1,
        step=1,
        key=state_key,
    )
    start = (int(page) - 1) * page_rows
    end = min(start + page_rows, total)
    st.caption(f"Rows {start + 1:,} to {end:,} of {total:,}. The download has every row.")
    return start, end


def _has_values(frame: pd.DataFrame, columns: Sequence[str] | None) -> bool:
    """False when every count in the table is zero (a chart of zeros would mislead)."""
    counts = [
        c
        for c in (columns or frame.columns)
        if c in frame.columns and c in ("plans_issued", "within_20_weeks")
    ]
    return not counts or bool((frame[counts].fillna(0) != 0).to_numpy().any())


@dataclass(frozen=True)
class ChartSpec:
    """A chart drawn from a named query: the query, how to draw it, and the words around it."""

    query: str
    draw: Callable[[pd.DataFrame], go.Figure]
    title: str
    scope: str
    explanation: str | None = None


def query_chart(spec: ChartSpec, *, state: db.DataState, **params: Any) -> None:
    """Run the spec's query, draw it, and show it under a heading with its table and download.

    The table shows ``TABLE_COLUMNS[query]``; the export is named after the query.
    """
    frame = db.query(spec.query, **params)
    section(spec.title, spec.explanation)
    columns = TABLE_COLUMNS.get(spec.query)
    if frame.empty or not _has_values(frame, columns):
        empty_state("Nothing to show for this period.")
        return
    # The file name carries the period viewed, not only the snapshot date.
    period = (
        f"_{params['year']}"
        if "year" in params
        else f"_{params['from_month']:%Y-%m}_to_{params['to_month']:%Y-%m}"
        if "from_month" in params and "to_month" in params
        else ""
    )
    export = Export(
        f"ehcp_{spec.query}{period}",
        spec.scope,
        state,
        as_of=params.get("as_of"),
        columns=columns,
        query=spec.query,
    )
    chart_with_table(spec.draw, frame, export)


def show_table(table: pd.DataFrame, *, height: int = 480, our_own_text: bool = False) -> None:
    """A readable table: plain, large type, every column in sight, long text wrapped.

    ``st.table`` is used for every table up to :data:`PLAIN_TABLE_MAX_ROWS` rows: its cells
    wrap, so on a 1280-wide projector no column is scrolled out of sight and no message is cut
    off (the data grid keeps each row one line high and pushes columns off to the right).
    ``st.table`` reads its cells as Markdown, so text from the input files (file names,
    messages quoting a typed value such as ``=HYPERLINK("http://…")``) is escaped with
    :func:`escape_markdown` and shows exactly as typed; ``our_own_text`` tables, written by us,
    may use Markdown. A longer list scrolls inside a box ``height`` pixels tall; only a very long
    one goes in the data grid (its download has every row either way).
    """
    if table.empty:
        st.markdown("_No rows._")
    elif len(table) <= PLAIN_TABLE_MAX_ROWS:
        shown = table if our_own_text else table.map(escape_markdown)
        # A table too wide for a projector is shown as several, each repeating the first
        # (identifying) column, rather than with columns off to the right.
        first, rest = shown.columns[:1], list(shown.columns[1:])
        parts = [
            rest[i : i + PLAIN_TABLE_MAX_COLUMNS - 1]
            for i in range(0, len(rest), PLAIN_TABLE_MAX_COLUMNS - 1)
        ]
        for part in parts or [[]]:
            st.table(
                shown[[*first, *part]],
                hide_index=True,
                height=height if len(table) > GRID_NATURAL_ROWS else "content",
            )
    else:
        # Messages are the point of a problem list: give them room rather than truncating.
        config = {
            label: st.column_config.TextColumn(width="large")
            for label in ("Message",)
            if label in table.columns
        }
        st.dataframe(table, hide_index=True, width="stretch", height=height, column_config=config)


DOWNLOAD_LABELS: dict[tuple[TableKind, Mode], str] = {
    ("local", "internal"): "Download CSV (internal: exact figures)",
    ("local", "publish"): "Download CSV (publish: small numbers suppressed)",
    ("plan", "internal"): "Download CSV",
    ("plan", "publish"): "Download CSV",
    ("public", "public"): "Download CSV (published statistics)",
}


def offer_download(
    frame: pd.DataFrame | Callable[[], pd.DataFrame], export: Export, *, rows: int | None = None
) -> None:
    """The CSV download button for a table, in the export's mode. ``frame`` may be a callable
    that fetches the rows when the button is clicked (a list fetched a page at a time,
    :class:`Paged`), with ``rows`` saying how many it holds.

    Row-level lists (one row per request or problem) cannot be made safe by suppression, so in
    publish mode they are not offered; the user is told why.
    """
    context = export.context()
    if export.row_level and context.mode == "publish":
        st.caption(
            "Row-level lists are not exported in Publish mode. Choose Internal in the "
            "sidebar to download this list for use inside the partnership."
        )
        return

    def build() -> bytes:
        table, notes = export.export(frame() if callable(frame) else frame, context.mode)
        return to_csv(table, context, notes)

    file_name = export_filename(export.name, context)
    st.download_button(
        DOWNLOAD_LABELS[(export.kind, context.mode)],
        # Built when clicked, not on every rerun (issue 11: the national watchlist's CSV took
        # 1.65 s of each render). The frame and mode are fixed now, so the file is what the
        # screen showed when the button was drawn. Each file built is an audit record (issue 16).
        audit.recording(
            build,
            mode=context.mode,
            scope=export.scope,
            file=file_name,
            format="csv",
            kind=export.kind,
            rows=rows if rows is not None or callable(frame) else len(frame),
            snapshot=context.snapshot,
        ),
        file_name=file_name,
        mime="text/csv",
        key=f"download_{export.name}",
        on_click="ignore",
        icon=":material/download:",
    )


def download(
    frame: pd.DataFrame,
    export_name: str,
    *,
    state: db.DataState,
    scope: str,
    as_of: dt.date | None = None,
    columns: Sequence[str] | None = None,
    row_level: bool = False,
    query: str | None = None,
) -> None:
    """The CSV download of a local query's rows (see :func:`offer_download`)."""
    offer_download(
        frame,
        Export(
            export_name,
            scope,
            state,
            as_of=as_of,
            columns=columns,
            row_level=row_level,
            query=query,
        ),
    )


# ---------------------------------------------------------------- badges

# GOV.UK tag colours: dark text on a pale fill, each at least 7:1 contrast, and every badge says
# what it means in words with a symbol, so the colour is only a second cue.
BADGE_CLASSES = {
    "Breached": "red",
    "At risk": "orange",
    "On track": "green",
    "error": "red",
    "query": "orange",
}


def count_badges(badges: Sequence[tuple[str, str]]) -> None:
    """Badges already written in words, each (status for its colour, text)."""
    spans = " ".join(
        f"<span class='badge badge-{BADGE_CLASSES.get(status, 'grey')}'>{html.escape(text)}</span>"
        for status, text in badges
    )
    st.markdown(f"<div class='badges'>{spans}</div>", unsafe_allow_html=True)


def status_counts(
    counts: pd.DataFrame, label_column: str, count_column: str, symbols: dict[str, str]
) -> None:
    """A row of text badges such as "⚠ Breached: 12" — symbol and words, colour only as extra."""
    badges = " ".join(
        f"<span class='badge badge-{BADGE_CLASSES.get(label, 'grey')}'>"
        f"{html.escape(symbols.get(label, label))}: {screen_count(count)}</span>"
        for label, count in zip(counts[label_column], counts[count_column], strict=True)
    )
    st.markdown(f"<div class='badges'>{badges}</div>", unsafe_allow_html=True)


# ---------------------------------------------------------------- style

PROJECTOR_CSS = """
<style>
  /* A 1280x720 projector: a compact header, so the first screen is the page's headline, and
     room for the content (Streamlit's default side padding is 5rem each side). */
  [data-testid="stMainBlockContainer"] {
    padding-top: 3rem; padding-left: 2rem; padding-right: 2rem; padding-bottom: 3rem;
  }
  [data-testid="stHeader"] { height: 2.5rem; min-height: 2.5rem; }
  [data-testid="stSidebarHeader"] { height: 2.5rem; margin-bottom: 0; }
  section[data-testid="stSidebar"] { width: 16.5rem !important; min-width: 16.5rem !important; }
  [data-testid="stMain"] h1 { font-size: 2.1rem; padding: 0.25rem 0 0.25rem; }
  /* Streamlit writes labels, captions and widget text at 0.875rem; on a projector everything
     should be at least 18px, near-black on white. */
  [data-testid="stWidgetLabel"] p, [data-testid="stCaptionContainer"], [data-testid="stTab"] p,
  [data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"], [data-baseweb="select"] div,
  [data-baseweb="tag"] span, [data-testid="stSidebar"] p,
  [data-testid="stPageLink"] p,
  [data-testid="stDownloadButton"] p, [data-testid="stAlertContentInfo"] p,
  [data-testid="stExpander"] summary p {
    font-size: 18px !important;
  }
  /* Captions are faded with opacity by default: too faint on a projector. */
  [data-testid="stCaptionContainer"] { opacity: 1 !important; color: #383F43 !important; }
  [data-testid="stMetricLabel"] p { font-weight: 700; white-space: normal; }
  [data-testid="stMetricLabel"] * { overflow: visible !important; }
  /* Nothing in a tile is cut off with "…": the words of a change ("(better)") are the point,
     and a figure that does not fit wraps its tile onto the next row instead. */
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
  [data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
    white-space: normal !important; overflow: visible !important;
    text-overflow: clip !important; height: auto !important;
  }
  [data-testid="stMetricValue"] { font-size: 2.4rem; line-height: 1.2; }
  [data-testid="stMetricDelta"] { font-weight: 700; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) { flex-wrap: wrap; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] {
    min-width: 12.5rem !important; flex: 1 1 12.5rem !important;
  }
  /* Table cells wrap between words, never inside one ("Wolverhamp ton"). */
  [data-testid="stTable"] td, [data-testid="stTable"] th {
    word-break: normal !important; overflow-wrap: normal !important; hyphens: manual;
    font-size: 16px !important; padding: 0.3rem 0.45rem !important;
  }
  .page-purpose { font-size: 1.2rem; color: #0B0C0C; }
  .badges { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 0.25rem 0 0.75rem; }
  .badge { font-size: 1.1rem; font-weight: 700; padding: 0.2rem 0.7rem; border: 2px solid; }
  .badge-red { color: #2A0B06; background: #F4CDC6; border-color: #942514; }
  .badge-orange { color: #2E1608; background: #FCD6C3; border-color: #6E3619; }
  .badge-green { color: #002D18; background: #CCE2D8; border-color: #005A30; }
  .badge-grey { color: #0B0C0C; background: #E5E6E7; border-color: #505A5F; }
  .synthetic-banner {
    background: #FFDD00; color: #0B0C0C; border: 3px solid #0B0C0C; padding: 0.2rem 0.75rem;
    font-size: 1.05rem; font-weight: 700; margin-bottom: 0;
  }
  .trust-note { font-size: 18px; color: #383F43; margin: -0.25rem 0 0.75rem; }
</style>
"""


def apply_style() -> None:
    """Projector-readable type: 18px base, near-black text, bigger metric labels and captions."""
    st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
