"""Waiting times page parts: service names, tiles, labelled tables (with publish-mode
suppression from :mod:`etl.disclosure`) and the charts.

Pure functions (DataFrame in, DataFrame or figure out) apart from :class:`WaitsExport`, which
plugs the tables into ``ui.components``' chart-with-table and download. Every chart marks its
threshold with a labelled line (18 weeks; 13 for autism assessment), and series differ by marker
and dash as well as colour.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go

from etl import disclosure
from etl.catalogue import label
from etl.disclosure import (
    SUPPRESSED,
    ColumnSpec,
    ColumnTotal,
    Disclosed,
    TableSpec,
    is_suppressed,
    missing,
)
from etl.inputs.waits.spec import SERVICES
from ui.charts import DARK_BLUE, DARK_PINK, ORANGE, TURQUOISE, _base, add_threshold
from ui.components import Export, overlay, screen_floor
from ui.formatting import Mode, fmt_count, fmt_date, fmt_month

AUTISM = "autism_assessment"
# "median": median weeks (published from 8 waiting); "average": another percentile of weeks
# (the 90th: published from 20, as DESIGN §7's averages); "public_*": NHS published figures.
Kind = Literal[
    "count", "pct", "median", "average", "text", "date", "month", "public_count", "public_pct"
]


def service_title(service: str) -> str:
    """ "speech_and_language_therapy" → "Speech and language therapy"; an unmapped name as
    written, marked so nobody mistakes it for a standard service."""
    return SERVICES.get(service) or f"{service} (not a standard service)"


_SMALL_WORDS = {"and", "of", "the", "for", "in", "on"}


def org_title(name: str) -> str:
    """NHS England's capitals made readable: "KENT AND MEDWAY" → "Kent and Medway"."""
    words = name.lower().split()
    return " ".join(
        w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def threshold_weeks(service: str) -> int:
    """The line on the distribution: 13 weeks for autism assessment (NICE), else 18."""
    return 13 if service == AUTISM else 18


def service_order(services: Sequence[str]) -> list[str]:
    """Standard services in their usual order, then unmapped names alphabetically."""
    known = [s for s in SERVICES if s in services]
    return known + sorted(s for s in services if s not in SERVICES)


def previous_month_end(as_of: dt.date) -> dt.date:
    """The month end before ``as_of`` (the comparison for "change since last month")."""
    first = as_of.replace(day=1)
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        first = (first - dt.timedelta(days=1)).replace(day=1)
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first - dt.timedelta(days=1)


# ---------------------------------------------------------------- tiles


@dataclass(frozen=True)
class Tile:
    title: str
    waiting: str
    change: str | None
    lines: list[str]


def _pct_or_c(value: Any) -> str:
    return SUPPRESSED if is_suppressed(value) else _pct(value)


def _weeks(value: Any) -> str:
    return SUPPRESSED if is_suppressed(value) else f"{float(value):.1f}"


def tiles(
    summary: pd.DataFrame, trend: pd.DataFrame, as_of: dt.date, mode: Mode = "internal"
) -> list[Tile]:
    """One tile per service with referrals: list size, median weeks, % over 18 weeks and the
    change in list size since the last month end, in words.

    In publish mode (issue 16: a publish-only viewer's screen) every figure is the disclosed one
    (:mod:`etl.disclosure`): the list size rounded or "c", the median "c" under 8 waiting, the
    shares from the rounded counts, and the change between the two disclosed list sizes."""
    how: disclosure.Mode = "publish" if mode == "publish" else "internal"
    before = previous_month_end(as_of)
    earlier = trend[pd.to_datetime(trend["month_end"]).dt.date == before].set_index("service")
    out = []
    for row in summary.to_dict("records"):
        service = row["service"]
        exact = int(row["waiting"])
        waiting = disclosure.count_cell(exact, how)
        lines = []
        if exact:
            median = disclosure.median_cell(row["median_weeks_waiting"], exact, how)
            lines.append(f"Median {_weeks(median)} weeks waiting")
            over_18 = disclosure.pct_cell(
                row.get("over_18_weeks"), exact, how, value=row["pct_over_18_weeks"]
            )
            lines.append(f"{_pct_or_c(over_18)} over 18 weeks")
            if service == AUTISM and row["pct_over_13_weeks"] is not None:
                over_13 = disclosure.pct_cell(
                    row.get("over_13_weeks"), exact, how, value=row["pct_over_13_weeks"]
                )
                lines.append(f"{_pct_or_c(over_13)} over 13 weeks (NICE)")
        else:
            lines.append("Nobody waiting")
        change = None
        if service in earlier.index:
            was = disclosure.count_cell(int(earlier.loc[service, "waiting"]), how)
            if is_suppressed(was) or is_suppressed(waiting):
                change = f"Since {fmt_date(before)}: not compared (was {fmt_count(was)})"
            else:
                diff = int(waiting) - int(was)  # type: ignore[arg-type]
                word = "up" if diff > 0 else "down" if diff < 0 else "no change"
                amount = f" {abs(diff):,}" if diff else ""
                change = f"Since {fmt_date(before)}: {word}{amount} (was {fmt_count(was)})"
        out.append(Tile(service_title(service), fmt_count(waiting), change, lines))
    return out


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Col:
    label: str
    kind: Kind
    parts: tuple[str | None, str] | None = None  # (numerator, denominator) behind a % or median


def _pct(value: Any) -> str:
    return "–" if missing(value) else f"{float(value):.1f}%"


# Published NHS figures are already public (suppressed at source): passed through as numbers.
def _engine_kind(kind: Kind) -> disclosure.ColumnKind:
    if kind == "public_count":
        return "int"
    return "number" if kind == "public_pct" else kind


def waits_disclosed(
    frame: pd.DataFrame,
    mode: Mode,
    specs: dict[str, Col],
    totals: Sequence[ColumnTotal] = (),
) -> Disclosed:
    """The table through the disclosure engine (query column names, numeric cells)."""
    names = [n for n in specs if n in frame.columns]
    spec = TableSpec(
        {n: ColumnSpec(_engine_kind(specs[n].kind), specs[n].parts) for n in names},
        column_totals=[t for t in totals if t.column in frame.columns],
    )
    needed = {p for n in names for p in (specs[n].parts or ()) if p and p not in frame.columns}
    frame = frame.assign(**{p: None for p in sorted(needed)}) if needed else frame
    return disclosure.disclose(frame, spec, "publish" if mode == "publish" else "internal")


def _cell(spec: Col, value: Any) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED
    if spec.kind == "count":
        return "–" if missing(value) else fmt_count(value)
    if spec.kind in ("pct", "public_pct"):
        return _pct(value)
    if spec.kind in ("median", "average"):
        return "–" if missing(value) else f"{float(value):.1f}"
    if spec.kind == "public_count":
        return "no submission" if missing(value) else f"{int(value):,}"
    if spec.kind == "date":
        return "" if missing(value) else fmt_date(value)
    if spec.kind == "month":
        return "" if missing(value) else fmt_month(value)
    return "" if missing(value) else str(value)


def waits_table(
    frame: pd.DataFrame, mode: Mode, specs: dict[str, Col], totals: Sequence[ColumnTotal] = ()
) -> pd.DataFrame:
    """Labelled, written columns; in publish mode counts 1–7 are "c", others rounded to 5, and
    percentages and medians follow DESIGN §7 (:mod:`etl.disclosure`)."""
    out = waits_disclosed(frame, mode, specs, totals).frame
    return pd.DataFrame(
        {specs[n].label: [_cell(specs[n], v) for v in out[n].tolist()] for n in out.columns}
    )


def _export_value(spec: Col, value: Any) -> Any:
    if missing(value):
        return None
    if spec.kind in ("date", "month"):
        return pd.Timestamp(value).date()
    return value


@dataclass(frozen=True)
class WaitsExport(Export):
    """An export of a waits table: our figures suppressed in publish mode, published ones not.
    ``totals``: the count columns whose sum is shown elsewhere (a service's list size on its
    tile), protected by secondary suppression."""

    specs: tuple[tuple[str, Col], ...] = ()
    totals: tuple[ColumnTotal, ...] = ()

    def table(self, frame: pd.DataFrame, mode: Mode) -> pd.DataFrame:
        return waits_table(frame, screen_floor(mode), dict(self.specs), self.totals)

    def screen_frame(self, frame: pd.DataFrame, mode: Mode) -> tuple[pd.DataFrame, list[str]]:
        """The rows a chart is drawn from: in publish mode the table's figures disclosed (and
        other numeric columns dropped), as :meth:`ui.components.Export.screen_frame`."""
        if mode != "publish":
            return frame, []
        out = waits_disclosed(frame, mode, dict(self.specs), self.totals)
        return overlay(frame, out.frame), out.notes

    def export(self, frame: pd.DataFrame, mode: Mode) -> tuple[pd.DataFrame, list[str]]:
        specs = dict(self.specs)
        out = waits_disclosed(frame, mode, specs, self.totals)
        table = pd.DataFrame(
            {specs[n].label: [_export_value(specs[n], v) for v in out.frame[n]] for n in out.frame},
            dtype=object,
        )
        return table, out.notes


WAITING = Col(label("waiting"), "count")
OVER_18 = Col(label("over_18_weeks"), "count")
PCT_18 = Col(label("pct_over_18_weeks"), "pct", ("over_18_weeks", "waiting"))

# Short headings and six columns: the by-service table must fit 1280 pixels without scrolling
# sideways (autism's % over 13 weeks is on its tile; the catalogue's titles are in the docs).
SUMMARY_COLUMNS = (
    ("service_title", Col("Service", "text")),
    ("waiting", WAITING),
    ("median_weeks_waiting", Col("Median wks", "median", (None, "waiting"))),
    ("p90_weeks_waiting", Col("90th pct wks", "average", (None, "waiting"))),
    ("pct_over_18_weeks", Col("% over 18 wks", "pct", ("over_18_weeks", "waiting"))),
    ("over_52_weeks", Col("Over 52 wks", "count")),
)
TREND_COLUMNS = (
    ("month_end", Col("Month end", "date")),
    ("waiting", WAITING),
    ("over_18_weeks", OVER_18),
    ("pct_over_18_weeks", PCT_18),
)
DISTRIBUTION_COLUMNS = (
    ("weeks_waiting", Col("Weeks waited (whole weeks)", "text")),
    ("waiting", WAITING),
)
# A service's list is on its tile: the weeks and the groups of one service add up to it.
SERVICE_TOTALS = (ColumnTotal("waiting"), ColumnTotal("over_18_weeks"))
BREAKDOWN_COLUMNS = (
    ("group", Col("Group", "text")),
    ("waiting", WAITING),
    ("median_weeks_waiting", Col(label("median_weeks_waiting"), "median", (None, "waiting"))),
    ("over_18_weeks", OVER_18),
    ("pct_over_18_weeks", PCT_18),
)
LONGEST_COLUMNS = (
    ("reference", Col("Reference", "text")),
    ("weeks_waiting", Col("Weeks waiting", "text")),
    ("referral_date", Col("Referred", "date")),
    ("age_band", Col("Age at referral", "text")),
    ("priority", Col("Priority", "text")),
    ("source_file", Col("File", "text")),
    ("source_row", Col("Row", "text")),
)
COMPARE_COLUMNS = (
    ("service_title", Col("Service", "text")),
    ("waiting", Col("Ours: waiting", "count")),
    ("pct_over_18_weeks", Col("Ours: % >18 wks", "pct", ("over_18_weeks", "waiting"))),
    ("icb_waiting", Col("ICB: waiting", "public_count")),
    ("icb_pct", Col("ICB: % >18 wks", "public_pct")),
    ("england_waiting", Col("England: waiting", "public_count")),
    ("england_pct", Col("England: % >18 wks", "public_pct")),
)


def compare_columns(with_icb: bool) -> tuple[tuple[str, Col], ...]:
    """The comparison's columns: the ICB's only when one is chosen."""
    return tuple(c for c in COMPARE_COLUMNS if with_icb or not c[0].startswith("icb_"))


PUBLISHED_TREND_COLUMNS = (
    ("month", Col("Month", "month")),
    ("area", Col("Area", "text")),
    ("waiting", Col("Waiting", "public_count")),
    ("over_18_weeks", Col("Over 18 weeks", "public_count")),
    ("pct_over_18_weeks", Col("% over 18 weeks", "public_pct")),
)
AUTISM_COLUMNS = (
    ("name", Col("Area", "text")),
    ("age_group", Col("Age group", "text")),
    (
        "pct_first_appointment_over_13_weeks",
        Col("% first appointment after 13 weeks", "public_pct"),
    ),
)


def with_titles(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["service_title"] = [service_title(s) for s in out["service"]]
    return out


def comparison(
    summary: pd.DataFrame, icb: dict[str, Any] | None, england: dict[str, Any]
) -> pd.DataFrame:
    """Our list beside the ICB's and England's published lists, service by service (the
    services NHS England publishes for children)."""
    rows = []
    for service, eng in england.items():
        ours = summary[summary["service"] == service]
        mine = ours.iloc[0] if not ours.empty else None
        theirs = (icb or {}).get(service, {})
        rows.append(
            {
                "service": service,
                "service_title": service_title(service),
                "waiting": None if mine is None else int(mine["waiting"]),
                "over_18_weeks": None if mine is None else int(mine["over_18_weeks"]),
                "pct_over_18_weeks": None if mine is None else mine["pct_over_18_weeks"],
                "icb_waiting": theirs.get("waiting"),
                "icb_pct": theirs.get("pct_over_18_weeks"),
                "england_waiting": eng["waiting"],
                "england_pct": eng["pct_over_18_weeks"],
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- charts


def _numbers(column: Any) -> list[float | None]:
    """A column as a chart draws it: a gap (None) for no figure or a suppressed one ("c")."""
    return [None if missing(v) or is_suppressed(v) else float(v) for v in column]


def trend_chart(frame: pd.DataFrame) -> go.Figure:
    """List size at each month end (bars) and % over 18 weeks (line, right-hand axis)."""
    fig = _base(
        420,
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "title": {"text": "% over 18 weeks"},
            "showgrid": False,
            "ticksuffix": "%",
        },
    )
    fig.add_bar(
        x=frame["month_end"],
        y=_numbers(frame["waiting"]),
        name="Waiting",
        marker_color=DARK_BLUE,
        hovertemplate="%{x|%d %b %Y}: %{y:,} waiting<extra></extra>",
    )
    pct = _numbers(frame["pct_over_18_weeks"])
    fig.add_scatter(
        x=frame["month_end"],
        y=pct,
        name="% over 18 weeks",
        yaxis="y2",
        mode="lines+markers",
        line={"color": ORANGE, "width": 4, "dash": "dash"},
        marker={"symbol": "diamond", "size": 9},
        hovertemplate="%{x|%d %b %Y}: %{y:.1f}% over 18 weeks<extra></extra>",
    )
    fig.update_yaxes(title_text="Children waiting", rangemode="tozero", selector={"anchor": "x"})
    # The share on a fixed 0–100% scale, in round steps (plotly's own choice gave 8%, 17%…).
    fig.update_layout(yaxis2={"range": [0, 100], "dtick": 25, "tickformat": ".0f"})
    return fig


def distribution_chart(frame: pd.DataFrame, service: str) -> go.Figure:
    """How long the children now waiting have waited, in whole weeks, with the threshold."""
    fig = _base(400)
    limit = threshold_weeks(service)
    over = [w >= limit for w in frame["weeks_waiting"]]
    fig.add_bar(
        x=frame["weeks_waiting"],
        y=_numbers(frame["waiting"]),
        marker={
            "color": [DARK_PINK if o else TURQUOISE for o in over],
            "pattern": {"shape": ["/" if o else "" for o in over], "fgcolor": "#FFFFFF"},
        },
        hovertemplate="%{x} weeks: %{y:,} waiting<extra></extra>",
        showlegend=False,
    )
    add_threshold(fig, x=limit, text=f"{limit} weeks", behind_bars=True)
    fig.update_xaxes(title_text="Weeks waited so far", rangemode="tozero")
    fig.update_yaxes(title_text="Children waiting")
    return fig


def breakdown_chart(frame: pd.DataFrame) -> go.Figure:
    """Children waiting per group (horizontal bars, the value written on each)."""
    height = max(260, 70 + 48 * len(frame))
    fig = _base(height)
    fig.update_layout(margin={"l": 10, "r": 60, "t": 50, "b": 10})
    fig.add_bar(
        y=frame["group"],
        x=_numbers(frame["waiting"]),
        orientation="h",
        marker_color=DARK_BLUE,
        text=[fmt_count(v) for v in frame["waiting"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:,} waiting<extra></extra>",
        showlegend=False,
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text="Children waiting", rangemode="tozero")
    return fig


def published_trend_chart(frame: pd.DataFrame) -> go.Figure:
    """% over 18 weeks each month: the ICB and England, with the 18-week share line labels."""
    fig = _base(400)
    styles = [(DARK_BLUE, "solid", "circle"), (ORANGE, "dash", "square")]
    for (area, part), (colour, dash, symbol) in zip(
        frame.groupby("area", sort=False), styles, strict=False
    ):
        fig.add_scatter(
            x=part["month"],
            y=[None if missing(v) else float(v) for v in part["pct_over_18_weeks"]],
            name=area,
            mode="lines+markers",
            line={"color": colour, "width": 4, "dash": dash},
            marker={"symbol": symbol, "size": 10},
            hovertemplate=f"{area}, %{{x|%b %Y}}: %{{y:.1f}}%<extra></extra>",
        )
    fig.update_layout(showlegend=True)
    fig.update_yaxes(title_text="% waiting over 18 weeks", ticksuffix="%", rangemode="tozero")
    fig.update_xaxes(tickformat="%b %Y")
    return fig


# ---------------------------------------------------------------- page helpers (pure)


@dataclass(frozen=True)
class Loaded:
    """What waiting lists are loaded (the ``waits_meta`` query, as plain values)."""

    referrals: int
    extracts: int
    latest: dt.date | None


def loaded(meta: pd.DataFrame) -> Loaded:
    if meta.empty or not int(meta.iloc[0]["referrals"]):
        return Loaded(0, 0, None)
    row = meta.iloc[0]
    return Loaded(
        int(row["referrals"]), int(row["extracts"]), pd.Timestamp(row["latest_extract_date"]).date()
    )


def last_two_years(trend: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Month ends in the two years to ``as_of``: enough to see a trend, and clear of an
    extract's first months, whose list is short only because earlier referrals are not in it."""
    ends = pd.to_datetime(trend["month_end"])
    return trend[ends > pd.Timestamp(as_of) - pd.DateOffset(years=2)]


def ordered(summary: pd.DataFrame) -> pd.DataFrame:
    """The per-service summary with titles, standard services first in their usual order."""
    order = service_order(list(summary["service"]))
    return with_titles(summary.set_index("service").loc[order].reset_index())


def for_service(frame: pd.DataFrame, service: str) -> pd.DataFrame:
    return frame[frame["service"] == service]


def published_series(parts: Sequence[tuple[str, pd.DataFrame]], service: str) -> pd.DataFrame:
    """One service's last 12 published months for each named area, stacked for the chart."""
    frames = [
        for_service(frame, service).sort_values("month").tail(12).assign(area=name)
        for name, frame in parts
        if not frame.empty
    ]
    return pd.concat(frames) if frames else pd.DataFrame()


def home_icb(area: dict[str, Any], icbs: Sequence[tuple[str, str]]) -> int:
    """The position (after "England only") of the home LA's ICB among ``icbs``; 0 if none."""
    code = (area.get("icbs") or [area])[0].get("code")
    codes = [c for c, _ in icbs]
    return codes.index(code) + 1 if code in codes else 0


def period_text(autism: pd.DataFrame) -> str:
    return f"{pd.Timestamp(autism.iloc[0]['period_start']):%B %Y}"
