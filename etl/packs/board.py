"""The board pack's content: what a SEND partnership board reads before it meets.

1. A one-page summary of every headline measure (``etl.headlines``, the list meeting mode and
   the Overview show): value, target, RAG against the target, change since the compared snapshot,
   England / neighbours position.
2. A section per theme (EHC plan timeliness, open requests, annual reviews, health waits,
   suspensions by SEN group, the improvement plan) with the dashboard's own queries and catalogue
   wording, ordered red first: a theme with a headline rated Red against its target comes before
   Amber, then the rest, in the headline order. Each theme opens with its red items and the
   owner's commentary where one is recorded.
3. Data notes, definitions (the catalogue's) and the snapshot's sources.

Every figure passes through the disclosure engine (``etl.disclosure``) in the pack's mode, so a
publish-mode pack holds no count of 1 to 7 and nothing row-level or pseudonymous. The RAG against
the target and the change since the compared snapshot are worked out from the figures as shown
(in publish mode, the disclosed ones), so they never say more than the figure beside them.

Improvement-plan items (milestones, actions) are the partnership's own tasks, not children: their
counts are shown exactly in both modes (docs/decisions.md, "Issue 15 — board pack").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd

from etl import config, disclosure
from etl.catalogue import label, metric
from etl.change import describe_trend
from etl.disclosure import ColumnSpec, ColumnTotal, TableSpec
from etl.headlines import THEMES, Headline, fmt_target, headlines, target_rag
from etl.packs.model import (
    ActionRow,
    ActionTable,
    Block,
    Cell,
    Chart,
    Column,
    Face,
    HeadlineRow,
    Headlines,
    Pack,
    Section,
    Series,
    Table,
    Text,
    format_cell,
    plain_cell,
)
from etl.store import Published, Warehouse
from ui import exclusions_view, waits_view
from ui.formatting import COLUMNS, fmt_date, fmt_month

Mode = disclosure.Mode
# Headlines that count the plan's own items (not children): shown exactly in both modes.
NOT_ABOUT_CHILDREN = frozenset({"plan_items_red"})
RAG_ORDER = {"Red": 0, "Amber": 1, "Green": 2}
TREND_MONTHS = 24  # the monthly timeliness chart: two years, as on the dashboard's page
# Commentary looked up by headline id, then catalogue key, then theme (owner's words).
Commentary = Mapping[str, str]
# The comments in force for a month (``etl.store.Warehouse.commentary``): read from the data
# folder's current records, so a comment written after the snapshot is in the pack.
Comments = Callable[[dt.date], list[dict[str, Any]]]


@dataclass(frozen=True)
class Shown:
    """A headline as the pack shows it: disclosed value, base in words, RAG and change."""

    headline: Headline
    value: Cell
    base: str
    rag: str  # "Red" / "Amber" / "Green" / "" (no target or no figure)
    target: str
    direction: str


def build(
    warehouse: Warehouse,
    face: Face,
    *,
    published: Published | None = None,
    compared: Warehouse | None = None,
    compare_label: str | None = None,
    la_code: str | None = None,
    settings: config.Settings | None = None,
    comments: Comments | None = None,
) -> Pack:
    """The board pack of ``warehouse`` (a snapshot's) in ``face.mode``; ``compared`` is the
    snapshot the changes are measured against, called ``compare_label`` ("Board October")."""
    settings = settings or config.settings()
    mode = face.mode
    if compared is None:
        compare_label = None
    elif not compare_label:
        compare_label = face.compared or "the compared snapshot"
    found = headlines(
        warehouse,
        published,
        la_code=la_code,
        compare=compared if mode == "internal" else None,
        compare_label=compare_label,
        settings=settings,
    )
    earlier = {}
    if compared is not None and mode == "publish":
        # The change in publish mode is between the two disclosed figures, so it cannot give
        # away the exact ones: work the compared snapshot's headlines out and disclose them too.
        earlier = {h.id: h for h in headlines(compared, None, settings=settings)}
    shown = [_shown(h, mode, settings, earlier.get(h.id), compare_label) for h in found]
    comments = comments or (lambda month: [])
    as_at = found[0].as_at if found else None
    commentary = measure_commentary(comments(as_at)) if as_at else {}
    summary = Section("Summary of headline measures", (_summary(shown, face),))
    red = Section("Red items first", (_red_first(shown, commentary),))
    themes = [
        _theme_section(
            theme,
            [s for s in shown if s.headline.theme == theme],
            warehouse,
            mode,
            commentary,
            comments,
        )
        for theme in THEMES
        if any(s.headline.theme == theme for s in shown)
    ]
    themes.sort(key=lambda s: RAG_ORDER.get(s.rag, 3))  # stable: headline order within a RAG
    red_items = (red,) if any(s.rag == "Red" for s in shown) else ()
    return Pack(face, (summary, *red_items, *themes, _notes_section(shown, face, warehouse)))


# ---------------------------------------------------------------- headlines, disclosed


def disclosed_value(h: Headline, mode: Mode) -> Cell:
    """The headline's figure as the mode may show it (``etl.disclosure`` cell rules)."""
    if h.key in NOT_ABOUT_CHILDREN or mode == "internal":
        return h.value
    if h.kind == "count":
        return disclosure.count_cell(h.value, mode)
    if h.kind == "pct":
        return disclosure.pct_cell(h.numerator, h.denominator, mode, value=h.value)
    if h.kind == "rate":
        return disclosure.rate_cell(
            h.numerator, h.denominator, mode, value=h.value, places=h.decimals
        )
    if h.kind == "median":
        return disclosure.median_cell(h.value, h.base, mode)
    return disclosure.ratio_cell(
        h.counts.get("suspensions"),
        h.counts.get("headcount"),
        h.counts.get("no_sen_suspensions"),
        h.counts.get("no_sen_headcount"),
        mode,
        value=h.value,
    )


def _count_words(value: Any, mode: Mode, about_children: bool = True) -> str:
    shown = disclosure.count_cell(value, mode) if about_children else value
    return shown if isinstance(shown, str) else f"{shown:,}"


def _base_words(h: Headline, mode: Mode) -> str:
    """The counts behind the figure, disclosed: "245 of 481", "of 375 open", "1,057 waiting"."""
    children = h.key not in NOT_ABOUT_CHILDREN
    if h.key == "plan_items_red":
        return "; ".join(f"{rag} {n}" for rag, n in h.counts.items())
    if h.kind == "pct" and h.numerator is not None and h.denominator is not None:
        return f"{_count_words(h.numerator, mode)} of {_count_words(h.denominator, mode)}"
    if h.kind == "rate" and h.numerator is not None and h.denominator is not None:
        return (
            f"{_count_words(h.numerator, mode)} suspensions, "
            f"{_count_words(h.denominator, mode)} pupils"
        )
    if h.kind == "count" and h.denominator is not None:
        return f"of {_count_words(h.denominator, mode, children)}"
    return ""


def _shown(
    h: Headline,
    mode: Mode,
    settings: config.Settings,
    earlier: Headline | None,
    compare_label: str | None,
) -> Shown:
    value = disclosed_value(h, mode)
    number = value if isinstance(value, int | float) else None
    target = settings.targets.get(h.key)
    judgement = target_rag(h.key, number, target, settings)
    if mode == "internal":
        direction = _short_change(h.change.words) if h.change is not None else ""
    elif compare_label is None:
        direction = ""
    else:
        before = disclosed_value(earlier, mode) if earlier is not None else None
        bases = None
        if h.kind != "count" and earlier is not None:
            bases = (h.base, earlier.base)
        direction = describe_trend(
            number,
            before if isinstance(before, int | float) else None,
            h.unit,
            h.polarity,
            compare_label,
            bases,
            decimals=h.decimals,
            since=True,
        ).text
        direction = _short_change(direction)
    return Shown(
        h,
        value,
        _base_words(h, mode),
        judgement.rag or "",
        fmt_target(h.key, target) if target is not None else "no target",
        direction,
    )


def _short_change(words: str) -> str:
    """The change in a summary cell's few words: "no figure to compare" for etl.change's
    "no comparison with … (no figure for one of the periods)"."""
    return "no figure to compare" if words.startswith("no comparison with") else words


def _position(h: Headline) -> tuple[str, str]:
    """England and neighbours in words (published statistics: public, not disclosed again)."""
    c = h.comparison
    if c is None:
        return "", ""
    england = ""
    if c.england is not None:
        england = f"England {_number(c.england, h.unit, h.decimals)}"
        if c.england_period:
            england += f" ({c.england_period})"
    neighbours = ""
    if c.neighbours_median is not None:
        neighbours = f"neighbours' median {_number(c.neighbours_median, h.unit, h.decimals)}"
    if c.rank is not None and c.of:
        neighbours += ("; " if neighbours else "") + f"rank {c.rank} of {c.of}"
    return england, neighbours


def _number(value: float, unit: str, decimals: int) -> str:
    return format_cell(value, unit, decimals)


def _row(s: Shown) -> HeadlineRow:
    h = s.headline
    england, neighbours = _position(h)
    return HeadlineRow(
        key=h.key,
        theme=h.theme,
        title=h.title + (f" — {h.breakdown}" if h.breakdown else ""),
        value=s.value,
        # Plan items are the partnership's tasks, not children: not a count to disclose.
        unit="items" if h.key in NOT_ABOUT_CHILDREN else h.unit,
        decimals=h.decimals,
        as_at=h.period,
        target=s.target,
        rag=s.rag or ("no target" if s.target == "no target" else "no figure"),
        direction=s.direction,
        england=england,
        neighbours=neighbours,
        base=s.base,
    )


def _summary(shown: Sequence[Shown], face: Face) -> Headlines:
    notes = ["RAG against the partnership's targets (settings file). Red items follow this page."]
    if face.mode == "publish":
        notes[0] += " Publish mode: c = suppressed; counts rounded to the nearest 5."
    return Headlines("Headline measures", tuple(_row(s) for s in shown), tuple(notes))


def _comment(h: Headline, commentary: Commentary) -> str:
    for key in (h.id, h.key, h.theme):
        if commentary.get(key):
            return commentary[key]
    return ""


def _red_first(shown: Sequence[Shown], commentary: Commentary) -> Table:
    """Every headline rated Red against its target, with the owner's commentary when recorded."""
    rows = []
    for s in shown:
        if s.rag != "Red":
            continue
        row = _row(s)
        comment = _comment(s.headline, commentary) or "No commentary recorded for this period."
        value = format_cell(row.value, row.unit, row.decimals)
        rows.append((row.theme, row.title, value, row.target, row.direction or "", comment))
    columns = (
        Column("Theme"),
        Column("Measure"),
        Column("Value"),
        Column("Target"),
        Column("Change since compared"),
        Column("Owner's commentary"),
    )
    return Table("Headline measures rated Red against their target", columns, tuple(rows))


# ---------------------------------------------------------------- theme sections


def _theme_section(
    theme: str,
    shown: Sequence[Shown],
    warehouse: Warehouse,
    mode: Mode,
    commentary: Commentary,
    comments: Comments,
) -> Section:
    worst = min((s.rag for s in shown if s.rag in RAG_ORDER), key=RAG_ORDER.__getitem__, default="")
    blocks: list[Block] = []
    said = [(s, _comment(s.headline, commentary)) for s in shown]
    if any(c for _, c in said) or worst == "Red":
        blocks.append(
            Text(
                "Red items and the owner's commentary",
                tuple(
                    f"{s.rag.upper() or 'NO RAG'}: {_row(s).title}. "
                    + (c or "No commentary recorded for this period.")
                    for s, c in said
                    if c or s.rag == "Red"
                ),
                "commentary",
            )
        )
    blocks.append(Headlines(f"{theme}: headline figures", tuple(_row(s) for s in shown)))
    as_at = shown[0].headline.as_at
    builder = _THEME_BLOCKS.get(theme)
    if builder is not None:
        blocks += builder(warehouse, as_at, mode, shown, comments)
    else:
        blocks += [_trend_chart(s, mode) for s in shown if len(s.headline.trend) > 1]
    return Section(theme, tuple(blocks), theme=theme, rag=worst)


def _trend_chart(s: Shown, mode: Mode) -> Chart:
    """A headline's own trend (its points disclosed one by one, in the headline's rule)."""
    h = s.headline
    points = [
        disclosed_value(
            replace(
                h,
                value=p.value,
                numerator=p.numerator,
                denominator=p.denominator,
                base=p.denominator,
            ),
            mode,
        )
        for p in h.trend
    ]
    title = f"{_row(s).title}: trend"
    table = Table(
        title,
        (Column("Period"), Column(_row(s).title, h.unit, h.decimals)),
        tuple((p.label, v) for p, v in zip(h.trend, points, strict=True)),
    )
    return Chart(
        title,
        "line",
        tuple(p.label for p in h.trend),
        (Series(_row(s).title, tuple(_number_or_none(v) for v in points)),),
        h.unit,
        table,
    )


def _one_series(
    title: str,
    kind: Literal["line", "bar"],
    categories: Iterable[Any],
    name: str,
    cells: Iterable[Cell],
    unit: str,
    table: Table,
) -> Chart:
    """A chart of one series drawn from a table's disclosed cells (a suppressed cell is a gap)."""
    points = tuple(_number_or_none(plain_cell(v)) for v in cells)
    return Chart(
        title, kind, tuple(str(c) for c in categories), (Series(name, points),), unit, table
    )


def _number_or_none(value: Cell) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _table(
    title: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    mode: Mode,
    *,
    labels: Mapping[str, str] | None = None,
    totals: Sequence[ColumnTotal] = (),
    extra: Mapping[str, ColumnSpec] | None = None,
) -> tuple[Table, pd.DataFrame]:
    """A query's frame through the engine: the dashboard's column labels and kinds
    (``ui.formatting.COLUMNS``), disclosed in ``mode``; returns the pack table and the disclosed
    frame (query column names) for the chart."""
    extra = extra or {}
    labels = labels or {}
    specs = {name: extra.get(name) or _column_spec(name) for name in columns}
    out = disclosure.disclose(frame, TableSpec(specs, column_totals=list(totals)), mode)
    units = {labels.get(n) or COLUMNS[n].label: _unit_of(specs[n].kind) for n in columns}
    renamed = out.frame.rename(columns={n: labels.get(n) or COLUMNS[n].label for n in columns})
    table = Table.from_frame(title, renamed, units, out.notes)
    return table, out.frame


def _column_spec(name: str) -> ColumnSpec:
    column = COLUMNS[name]
    kind = {"days": "median"}.get(column.kind, column.kind)
    return ColumnSpec(kind, column.parts, column.reference)  # type: ignore[arg-type]


def _unit_of(kind: str) -> str:
    return {
        "count": "count",
        "pct": "%",
        "rate": "per 100",
        "ratio": "ratio",
        "median": "days",
        "average": "days",
        "date": "date",
        "month": "month",
    }.get(kind, "")


def _timeliness(
    warehouse: Warehouse,
    as_at: dt.date,
    mode: Mode,
    shown: Sequence[Shown],
    comments: Comments,
) -> list[Block]:
    first = _months_before(dt.date(as_at.year, as_at.month, 1), TREND_MONTHS)
    last = _months_before(dt.date(as_at.year, as_at.month, 1), 1)  # complete months only
    monthly = warehouse.query("issued_monthly", as_of=as_at, from_month=first, to_month=last)
    monthly = monthly[monthly["rolling_months"] >= 12] if "rolling_months" in monthly else monthly
    columns = [
        "issue_month",
        "rolling_plans_issued_excl_exceptions",
        "rolling_within_20_weeks_excl_exceptions",
        "rolling_pct_within_20_weeks_excl_exceptions",
    ]
    title = f"{label('pct_within_20_weeks_excl_exceptions')}: rolling 12 months by month of issue"
    table, cells = _table(title, monthly.reset_index(drop=True), columns, mode)
    months = tuple(fmt_month(m) for m in monthly["issue_month"])
    chart = _one_series(
        title,
        "line",
        months,
        "Rolling 12 months",
        cells[columns[-1]],
        "%",
        table,
    )
    bands = warehouse.query("bands", year=as_at.year, as_of=as_at)
    band_columns = ["band", "plans_issued_excl_exceptions", "pct_of_plans_issued_excl_exceptions"]
    band_title = (
        f"EHC plans issued in {shown[0].headline.period} by time band (excluding exceptions)"
    )
    band_table, band_cells = _table(
        band_title,
        bands,
        band_columns,
        mode,
        totals=[
            ColumnTotal(
                "plans_issued_excl_exceptions", total_column="all_plans_issued_excl_exceptions"
            )
        ],
    )
    band_chart = _one_series(
        band_title,
        "bar",
        bands["band"],
        "% of plans issued",
        band_cells[band_columns[-1]],
        "%",
        band_table,
    )
    return [chart, band_chart]


def _months_before(first_of_month: dt.date, months: int) -> dt.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _open_requests(
    warehouse: Warehouse,
    as_at: dt.date,
    mode: Mode,
    shown: Sequence[Shown],
    comments: Comments,
) -> list[Block]:
    frame = warehouse.query("open_by_status", as_of=as_at)
    title = f"Open requests by status as at {fmt_date(as_at)}"
    # The total of open requests is on the summary page: a suppressed status must not be
    # recoverable from it (secondary suppression over the column).
    table, cells = _table(
        title,
        frame,
        ["status", "open_requests"],
        mode,
        totals=[ColumnTotal("open_requests")],
    )
    chart = _one_series(
        title,
        "bar",
        frame["status"],
        label("open_requests"),
        cells["open_requests"],
        "count",
        table,
    )
    return [chart]


def _waits(
    warehouse: Warehouse,
    as_at: dt.date,
    mode: Mode,
    shown: Sequence[Shown],
    comments: Comments,
) -> list[Block]:
    when = shown[0].headline.as_at
    summary = waits_view.ordered(warehouse.query("waits_summary", as_of=when))
    if summary.empty:
        return []
    summary = waits_view.with_titles(summary) if "service_title" not in summary else summary
    extra = {
        "service_title": ColumnSpec("text"),
        "waiting": ColumnSpec("count"),
        "median_weeks_waiting": ColumnSpec("median", (None, "waiting")),
        "p90_weeks_waiting": ColumnSpec("average", (None, "waiting")),
        "pct_over_18_weeks": ColumnSpec("pct", ("over_18_weeks", "waiting")),
        "over_52_weeks": ColumnSpec("count"),
    }
    labels = {n: "Service" if n == "service_title" else label(n) for n in extra}
    title = f"Children waiting per service as at {fmt_date(when)}"
    out = disclosure.disclose(summary, TableSpec(extra), mode)
    units = {
        labels["waiting"]: "count",
        labels["median_weeks_waiting"]: "weeks",
        labels["p90_weeks_waiting"]: "weeks",
        labels["pct_over_18_weeks"]: "%",
        labels["over_52_weeks"]: "count",
    }
    table = Table.from_frame(title, out.frame.rename(columns=labels), units, out.notes)
    chart_title = f"{label('pct_over_18_weeks')} per service as at {fmt_date(when)}"
    chart = _one_series(
        chart_title,
        "bar",
        summary["service_title"],
        label("pct_over_18_weeks"),
        out.frame["pct_over_18_weeks"],
        "%",
        table,
    )
    return [chart]


def _exclusions(
    warehouse: Warehouse,
    as_at: dt.date,
    mode: Mode,
    shown: Sequence[Shown],
    comments: Comments,
) -> list[Block]:
    from etl.inputs.exclusions.stage import year_shown

    years = warehouse.query("exclusions_years")
    # The same year as the headline list and the Overview: the as-at date's, else the newest.
    year = year_shown(years["academic_year"], as_at)
    by_sen = exclusions_view.with_labels(warehouse.query("exclusions_by_sen", academic_year=year))
    by_sen = by_sen[by_sen["headcount"].notna()].reset_index(drop=True)
    columns = [
        "sen_group_label",
        "suspensions",
        "headcount",
        "suspension_rate",
        "permanent_exclusions",
        "permanent_exclusion_rate",
        "relative_risk_suspension",
    ]
    title = f"Suspensions and permanent exclusions by SEN provision, {shown[0].headline.period}"
    table, cells = _table(title, by_sen, columns, mode)
    chart = _one_series(
        f"{label('suspension_rate')} by SEN provision, {shown[0].headline.period}",
        "bar",
        by_sen["sen_group_label"],
        label("suspension_rate"),
        cells["suspension_rate"],
        "per 100",
        table,
    )
    return [chart]


def _plan(
    warehouse: Warehouse,
    as_at: dt.date,
    mode: Mode,
    shown: Sequence[Shown],
    comments: Comments,
) -> list[Block]:
    from ui import tracker_view

    periods = warehouse.query("plan_periods")
    blocks: list[Block] = []
    for plan, report_date in tracker_view.latest_reports(periods):
        if report_date > as_at:
            continue
        params = {
            "as_of": report_date,
            "plan": plan,
            "workstreams": None,
            "owners": None,
            "rags": None,
        }
        summary = warehouse.query("plan_rag_summary", **params)
        rags = [r for r in tracker_view.RAG_ORDER if r in set(summary["rag"])]
        groups = list(dict.fromkeys(str(w) for w in summary["workstream"]))
        counts = {(str(r.workstream), str(r.rag)): int(r.items) for r in summary.itertuples()}
        title = f"{plan}: milestones and actions by RAG, report of {fmt_date(report_date)}"
        table = Table(
            title,
            (Column("Workstream"), *(Column(r, "items") for r in rags)),
            tuple((g, *(counts.get((g, r), 0) for r in rags)) for g in groups),
        )
        blocks.append(
            Chart(
                title,
                "stacked_bar",
                tuple(groups),
                tuple(Series(r, tuple(float(counts.get((g, r), 0)) for g in groups)) for r in rags),
                "items",
                table,
            )
        )
        behind = warehouse.query("plan_behind_schedule", **params)
        blocks.append(
            ActionTable(
                f"{plan}: behind schedule (red first), with reason, mitigation and revised date",
                tuple(_action(r) for r in behind.to_dict("records")),
            )
        )
        # Owners' commentary on this plan's actions for the month of its report (the month the
        # Improvement plan page records it for).
        on_actions = [
            c
            for c in comments(report_date)
            if c["subject_kind"] == "action" and c.get("plan") in (plan, None) and c.get("text")
        ]
        if on_actions:
            blocks.append(
                Text(
                    f"{plan}: owners' commentary on actions, {report_date:%B %Y}",
                    tuple(f"{c['subject']}: {attributed(c)}" for c in on_actions),
                    "commentary",
                )
            )
    return blocks


def measure_commentary(found: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """{catalogue key: "text (author, date)"} of the comments on measures."""
    return {
        str(c["subject"]): attributed(c)
        for c in found
        if c["subject_kind"] == "measure" and c.get("text")
    }


def attributed(comment: Mapping[str, Any]) -> str:
    """ "Text (author, date)": commentary is kept with its author and date (issue 15)."""
    by = ", ".join(
        p
        for p in (str(comment.get("author") or ""), str(comment.get("created_at") or "")[:10])
        if p
    )
    return f"{comment['text']} ({by})" if by else str(comment["text"])


def _action(row: Mapping[str, Any]) -> ActionRow:
    def text(key: str) -> str:
        value = row.get(key)
        return "" if value is None or (isinstance(value, float) and value != value) else str(value)

    def day(key: str) -> dt.date | None:
        value = plain_cell(row.get(key))
        return value if isinstance(value, dt.date) else None

    return ActionRow(
        ref=text("ref"),
        action=text("name"),
        status=text("rag"),
        lead=text("owner"),
        due=day("end_date"),
        reason=text("reason"),
        mitigation=text("mitigation"),
        revised=day("revised_date"),
        area=text("workstream"),
    )


_THEME_BLOCKS: dict[
    str, Callable[[Warehouse, dt.date, Mode, Sequence[Shown], Comments], list[Block]]
] = {
    THEMES[0]: _timeliness,
    THEMES[1]: _open_requests,
    THEMES[3]: _waits,
    THEMES[4]: _exclusions,
    THEMES[5]: _plan,
}


# ---------------------------------------------------------------- notes, definitions, sources


def _notes_section(shown: Sequence[Shown], face: Face, warehouse: Warehouse) -> Section:
    meta = warehouse.meta() or {}
    notes = [
        f"Mode: {face.mode_words}.",
        f"Figures are from {face.snapshot_words}; the pack rebuilt from the same snapshot gives "
        "the same figures.",
    ]
    if meta.get("synthetic"):
        notes.append("SYNTHETIC DATA: made-up demonstration data, not real children.")
    caveats = dict.fromkeys(s.headline.caveat for s in shown if s.headline.caveat)
    notes += list(caveats)
    keys = list(dict.fromkeys(s.headline.key for s in shown))
    definitions = tuple(f"{metric(k).title}: {metric(k).definition}" for k in keys)
    sources = tuple(
        f"{s.name} — sha256 {s.sha256[:16]}…"
        + (f", {s.rows:,} rows" if s.rows is not None else "")
        + (f", loaded {s.loaded_at}" if s.loaded_at else "")
        for s in face.sources
    ) or ("No source files are recorded for this snapshot.",)
    return Section(
        "Data notes, definitions and sources",
        (
            Text("Data notes", tuple(notes), "notes"),
            Text("Definitions", definitions, "definitions"),
            Text("Sources", sources, "sources"),
        ),
    )
