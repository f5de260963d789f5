"""The headline measures: ONE list for the board pack's summary page, meeting mode and the Overview.

Every headline is a catalogue measure (``etl.catalogue``) worked out by the store's own methods
(``etl.store.Warehouse`` / ``Published``), so a pack, the projector and the dashboard can never
disagree. In order:

1. EHC plan timeliness: % of plans issued within 20 weeks excluding exceptions (DfE's headline)
   and % of decisions to assess within 6 weeks, for the calendar year of the as-at date.
2. Open requests past the 20-week deadline (breached) and at risk (past week 14), as at the date.
3. Annual review decisions within 4 weeks, as at the date.
4. Health waits, one headline per service with a list: % waiting over 18 weeks, with the median
   weeks waiting beside it, as at the latest extract on or before the date.
5. Suspensions of pupils with an EHC plan and with SEN support: the suspension rate per 100 pupils
   with the relative risk against pupils with no SEN beside it, for the academic year of the date
   (the newest loaded year when that one has none).
6. The improvement plan: milestones and actions rated Red, with Amber / Green / Complete / Not
   started counted beside it.

A kind of data that is not loaded gives no headline. Each headline carries the counts behind its
figure (for the disclosure engine), the partnership's target and the RAG against it
(:func:`target_rag`), the change since a compared warehouse, England's figure and our neighbours
/ rank where they are published, and a short trend.

RAG against a target (the settings' ``[targets]`` and ``[target_rag]``; docs/decisions.md):
1. No target for the measure → no RAG ("no target").
2. A measure with no better direction (neutral) → the target is stated, no RAG.
3. No figure → no RAG ("no figure").
4. Target met — at or above it when higher is better, at or below it when lower is better →
   **Green**.
5. Missed by no more than the tolerance → **Amber**: the measure's own tolerance from
   ``[target_rag.tolerance]``, else ``amber_points`` percentage points for a "%" or "points"
   measure, else ``amber_fraction`` × the target for the rest (counts, weeks, ratios).
6. Missed by more → **Red**.
The figure is compared as shown (already rounded to the measure's decimals), on exact decimals,
so a boundary lands where the arithmetic says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from etl import config
from etl.catalogue import Polarity, Unit, metric
from etl.change import Trend, describe_trend

if TYPE_CHECKING:
    from etl.store import Published, Warehouse

TargetRag = Literal["Green", "Amber", "Red"]
# What the value is, for the disclosure engine: a count (suppressed itself), a percentage or a
# rate (suppressed with its numerator / denominator), a median (suppressed on a base under 8),
# a ratio of two rates (suppressed with the four counts in ``counts``).
ValueKind = Literal["count", "pct", "rate", "median", "ratio"]

# The symbol beside each RAG word, so it never relies on colour (the same as the plan's badges).
RAG_SYMBOLS: dict[str, str] = {"Green": "✓", "Amber": "!", "Red": "✗"}

THEMES = (
    "EHC plan timeliness",
    "Open requests",
    "Annual reviews",
    "Health waiting times",
    "Suspensions and exclusions",
    "Improvement plan",
)
# How far back the trends go.
TREND_YEARS = 5
TREND_MONTHS = 12
TREND_PLAN_REPORTS = 6


@dataclass(frozen=True)
class TrendPoint:
    """One point of a headline's trend: its label ("2025", "Oct 2026", "2025/26"), the date it
    is as at, the value and the counts behind it (for suppression)."""

    label: str
    as_at: dt.date
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass(frozen=True)
class Figure:
    """A figure shown beside the headline (median weeks, relative risk, RAG counts)."""

    key: str
    title: str
    value: float | int | None
    unit: Unit
    decimals: int
    kind: ValueKind
    numerator: int | None = None
    denominator: int | None = None
    base: int | None = None


@dataclass(frozen=True)
class TargetJudgement:
    """The target and the RAG against it, in words and a symbol (never colour alone)."""

    target: float | None
    rag: TargetRag | None
    words: str  # "✓ Green: target 60.0% met", "✗ Red: target 60.0% not met", "no target"


@dataclass(frozen=True)
class Comparison:
    """Where a headline stands among published figures (None = not published)."""

    england: float | None = None
    england_period: str = ""
    neighbours_median: float | None = None
    neighbour_set: str = ""
    rank: int | None = None
    of: int = 0
    published_la: float | None = None  # DfE's own figure for our LA, same period as England
    source: str = ""


@dataclass(frozen=True)
class Change:
    """The headline in the compared warehouse and the change since, in words."""

    previous: float | int | None
    previous_as_at: dt.date | None
    against: str  # "1 Oct 2026" (the compared data's as-at date) or the snapshot's name
    trend: Trend
    # The counts the compared figure rests on, so a publish-mode change can be worked out from
    # the rounded counts on both sides.
    previous_numerator: int | None = None
    previous_denominator: int | None = None

    @property
    def words(self) -> str:
        """ "▲ up 3.2 points since 1 Oct 2026 (better)"."""
        return self.trend.text


@dataclass(frozen=True)
class Headline:
    """One headline measure, everything a summary row or a projector screen needs.

    ``id`` is unique in the list ("pct_over_18_weeks:camhs"); ``key`` is the catalogue key.
    ``numerator`` / ``denominator`` are the counts a percentage or rate rests on; ``base`` is the
    number of children (or items) the figure rests on — the denominator, the list size behind a
    median, the open requests behind an at-risk count. ``counts`` holds every other count shown
    or implied (RAG counts, the no-SEN counts behind a relative risk), so the disclosure engine
    can suppress them all.
    """

    id: str
    key: str
    title: str
    theme: str
    breakdown: str  # "" or the service / SEN group ("CAMHS", "EHC plan")
    value: float | int | None
    unit: Unit
    decimals: int
    polarity: Polarity
    kind: ValueKind
    numerator: int | None
    denominator: int | None
    base: int | None
    as_at: dt.date
    period: str  # "2026 to 1 Nov", "as at 1 Nov 2026", "2026/27"
    counts: dict[str, int] = field(default_factory=dict)
    also: tuple[Figure, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    target: TargetJudgement = TargetJudgement(None, None, "no target")
    change: Change | None = None
    comparison: Comparison | None = None
    caveat: str = ""
    # False for figures that count no children (improvement-plan items): publish-mode
    # suppression of small counts (DESIGN §7) protects children, so it does not apply to them.
    about_children: bool = True

    @property
    def label(self) -> str:
        """The title with its breakdown: "Waiting over 18 weeks — CAMHS"."""
        return f"{self.title} — {self.breakdown}" if self.breakdown else self.title


# ---------------------------------------------------------------- the RAG rule


def tolerance(key: str, target: float, settings: config.Settings) -> Decimal:
    """How far a measure may miss its target and still be Amber (rule 5)."""
    if key in settings.target_tolerance:
        return Decimal(repr(float(settings.target_tolerance[key])))
    if metric(key).unit in ("%", "points"):
        return Decimal(repr(float(settings.target_amber_points)))
    fraction = Decimal(repr(float(settings.target_amber_fraction)))
    return abs(Decimal(repr(float(target)))) * fraction


def fmt_target(key: str, target: float) -> str:
    """The target as the measure is written: "60.0%", "0", "18.0 weeks"."""
    entry = metric(key)
    text = f"{target:,.{entry.decimals}f}"
    if entry.unit == "%":
        return f"{text}%"
    if entry.unit in ("weeks", "days", "points"):
        return f"{text} {entry.unit}"
    return text


def target_rag(
    key: str, value: float | int | None, target: float | None, settings: config.Settings
) -> TargetJudgement:
    """The RAG of ``value`` against ``target`` by the rules in this module's docstring."""
    if target is None:
        return TargetJudgement(None, None, "no target")
    shown = fmt_target(key, target)
    entry = metric(key)
    if entry.polarity == "neutral":
        return TargetJudgement(
            target, None, f"target {shown} (no RAG: neither higher nor lower is better)"
        )
    if value is None:
        return TargetJudgement(target, None, f"target {shown}: no figure to judge")
    # How far short of the target, in the measure's unit (<= 0: met).
    gap = Decimal(repr(float(target))) - Decimal(repr(float(value)))
    if entry.polarity == "lower_is_better":
        gap = -gap
    rag: TargetRag
    if gap <= 0:
        rag, verdict = "Green", "met"
    elif gap <= tolerance(key, target, settings):
        rag, verdict = "Amber", "just missed"
    else:
        rag, verdict = "Red", "not met"
    return TargetJudgement(target, rag, f"{RAG_SYMBOLS[rag]} {rag}: target {shown} {verdict}")


# ---------------------------------------------------------------- the list


def headlines(
    warehouse: Warehouse,
    published: Published | None = None,
    *,
    as_of: dt.date | None = None,
    la_code: str | None = None,
    compare: Warehouse | None = None,
    compare_label: str | None = None,
    settings: config.Settings | None = None,
) -> list[Headline]:
    """Every headline of the loaded data, in the order of the module docstring.

    ``as_of`` defaults to the warehouse's snapshot date. ``published`` (with ``la_code``, our LA,
    for the neighbours and the rank) adds England's figure; without ``la_code`` only England's.
    ``compare`` is another warehouse (an earlier snapshot): each headline is worked out there at
    its own snapshot date and the change described "since" ``compare_label`` (default: that
    date). ``settings`` default to the settings file.
    """
    settings = settings or config.settings()
    found = _measure(warehouse, as_of)
    if compare is not None:
        earlier = {h.id: h for h in _measure(compare, None, with_trend=False)}
        found = [_with_change(h, earlier.get(h.id), compare_label) for h in found]
    out = []
    for h in found:
        target = settings.targets.get(h.key)
        h = replace(h, target=target_rag(h.key, h.value, target, settings))
        if published is not None:
            h = replace(h, comparison=_comparison(h, published, la_code))
        out.append(h)
    return out


def _with_change(now: Headline, then: Headline | None, label: str | None) -> Headline:
    if then is None:
        previous, previous_as_at = None, None
        against = label or "the compared data"
    else:
        previous, previous_as_at = then.value, then.as_at
        against = label or f"{then.as_at.day} {then.as_at:%b %Y}"
    bases = (now.base, then.base if then else None) if now.kind != "count" else None
    trend = describe_trend(
        now.value,
        previous,
        now.unit,
        now.polarity,
        against,
        bases,
        decimals=now.decimals,
        since=True,
    )
    change = Change(
        previous,
        previous_as_at,
        against,
        trend,
        then.numerator if then else None,
        then.denominator if then else None,
    )
    return replace(now, change=change)


def _measure(
    warehouse: Warehouse, as_of: dt.date | None, *, with_trend: bool = True
) -> list[Headline]:
    """The headlines of one warehouse, without targets or comparisons."""
    meta = warehouse.meta()
    if meta is None:
        return []
    as_at = as_of or meta["snapshot_date"]
    out: list[Headline] = []
    if warehouse.has_sen2():
        out += _timeliness(warehouse, as_at, with_trend)
        out += _open_requests(warehouse, as_at, with_trend)
        out += _annual_reviews(warehouse, as_at, with_trend)
    out += _waits(warehouse, as_at, with_trend)
    if warehouse.has_exclusions():
        out += _exclusions(warehouse, as_at, with_trend)
    if warehouse.has_trackers():
        out += _plan(warehouse, as_at, with_trend)
    return out


def _headline(key: str, theme: str, **fields: Any) -> Headline:
    entry = metric(key)
    return Headline(
        id=fields.pop("id", key),
        key=key,
        title=entry.title,
        theme=theme,
        unit=entry.unit,
        decimals=entry.decimals,
        polarity=entry.polarity,
        caveat=entry.caveat,
        **fields,
    )


def _figure(key: str, kind: ValueKind, value: Any, **counts: int | None) -> Figure:
    entry = metric(key)
    return Figure(key, entry.title, value, entry.unit, entry.decimals, kind, **counts)


def day_words(date: dt.date) -> str:
    """ "1 Nov 2026": a date as the headlines and packs write it."""
    return f"{date.day} {date:%b %Y}"


def _months_back(date: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    import calendar

    index = date.year * 12 + date.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(date.day, last))


def year_label(year: int, as_at: dt.date) -> str:
    """A calendar year's figures in words: "2025" for a whole year; "1 Jan to 1 Nov 2026" for
    the year still running at the date."""
    return str(year) if as_at >= dt.date(year, 12, 31) else f"1 Jan to {day_words(as_at)}"


# ---------------------------------------------------------------- each theme

# (headline key, numerator key, denominator key) in the ``ehcp`` KPI section.
_TIMELINESS = (
    (
        "pct_within_20_weeks_excl_exceptions",
        "within_20_weeks_excl_exceptions",
        "plans_issued_excl_exceptions",
    ),
    ("pct_decisions_within_6_weeks", "decisions_within_6_weeks", "decisions_made"),
)


def _timeliness(warehouse: Warehouse, as_at: dt.date, with_trend: bool) -> list[Headline]:
    years = range(as_at.year - TREND_YEARS + 1, as_at.year + 1) if with_trend else [as_at.year]
    kpis = {year: warehouse.kpis(year, as_at) for year in years}
    now = kpis[as_at.year]
    out = []
    for key, numerator, denominator in _TIMELINESS:
        trend = tuple(
            TrendPoint(
                year_label(year, as_at),
                min(as_at, dt.date(year, 12, 31)),
                k[key],
                k[numerator],
                k[denominator],
            )
            for year, k in kpis.items()
            if k[denominator]  # years before the data began have nothing to show
        )
        out.append(
            _headline(
                key,
                THEMES[0],
                breakdown="",
                value=now[key],
                kind="pct",
                numerator=now[numerator],
                denominator=now[denominator],
                base=now[denominator],
                as_at=as_at,
                period=year_label(as_at.year, as_at),
                trend=trend,
            )
        )
    return out


def _open_requests(warehouse: Warehouse, as_at: dt.date, with_trend: bool) -> list[Headline]:
    from etl.metrics import open_counts

    dates = [_months_back(as_at, m) for m in range(TREND_MONTHS, -1, -1)] if with_trend else []
    series = [(d, open_counts(warehouse.connection, d)) for d in dates]
    now = open_counts(warehouse.connection, as_at)
    out = []
    for key in ("open_breached", "open_at_risk"):
        out.append(
            _headline(
                key,
                THEMES[1],
                breakdown="",
                value=now[key],
                kind="count",
                numerator=now[key],
                denominator=now["open_requests"],
                base=now["open_requests"],
                as_at=as_at,
                period=f"as at {day_words(as_at)}",
                counts={"open_requests": now["open_requests"]},
                also=(_figure("open_requests", "count", now["open_requests"]),),
                trend=tuple(
                    TrendPoint(f"{d:%b %Y}", d, c[key], c[key], c["open_requests"])
                    for d, c in series
                ),
            )
        )
    return out


def _annual_reviews(warehouse: Warehouse, as_at: dt.date, with_trend: bool) -> list[Headline]:
    key = "pct_annual_review_decisions_within_4_weeks"
    dates = (
        [_months_back(as_at, 12 * y) for y in range(TREND_YEARS - 1, -1, -1)] if with_trend else []
    )
    series = [(d, warehouse.annual_reviews(d)) for d in dates]
    now = warehouse.annual_reviews(as_at)
    if not now["plans_due"]:
        return []
    return [
        _headline(
            key,
            THEMES[2],
            breakdown="",
            value=now["pct_decisions_within_4_weeks"],
            kind="pct",
            numerator=now["decisions_within_4_weeks"],
            denominator=now["decisions_made"],
            base=now["decisions_made"],
            as_at=as_at,
            period=f"as at {day_words(as_at)}",
            trend=tuple(
                TrendPoint(
                    day_words(d),
                    d,
                    r["pct_decisions_within_4_weeks"],
                    r["decisions_within_4_weeks"],
                    r["decisions_made"],
                )
                for d, r in series
                if r["decisions_made"]
            ),
        )
    ]


def _waits(warehouse: Warehouse, as_at: dt.date, with_trend: bool) -> list[Headline]:
    from etl.inputs.waits.spec import SERVICES

    latest = warehouse.waits_as_of()
    if latest is None:
        return []
    when = min(as_at, latest)
    # The one summary query (etl.inputs.waits.measures.finish_summary), as the CLI's kpis.
    summary = {
        str(r["service"]): r
        for r in warehouse.query("waits_summary", as_of=when).to_dict("records")
    }
    month_ends = warehouse.query("waits_month_end", as_of=when) if with_trend else None
    out = []
    for service, title in SERVICES.items():  # the standard order of services
        row = summary.get(service)
        if not row or not row["waiting"]:
            continue
        trend: tuple[TrendPoint, ...] = ()
        if month_ends is not None:
            mine = month_ends[month_ends["service"] == service].tail(TREND_MONTHS)
            trend = tuple(
                TrendPoint(
                    f"{r.month_end:%b %Y}",
                    _date(r.month_end),
                    _number(r.pct_over_18_weeks),
                    int(r.over_18_weeks),
                    int(r.waiting),
                )
                for r in mine.itertuples()
            )
        waiting, over_18 = int(row["waiting"]), int(row["over_18_weeks"])
        out.append(
            _headline(
                "pct_over_18_weeks",
                THEMES[3],
                id=f"pct_over_18_weeks:{service}",
                breakdown=title,
                value=_number(row["pct_over_18_weeks"]),
                kind="pct",
                numerator=over_18,
                denominator=waiting,
                base=waiting,
                as_at=when,
                period=f"as at {day_words(when)}",
                also=(
                    _figure(
                        "median_weeks_waiting",
                        "median",
                        _number(row["median_weeks_waiting"]),
                        base=waiting,
                    ),
                    _figure("waiting", "count", waiting),
                ),
                counts={"waiting": waiting, "over_18_weeks": over_18},
                trend=trend,
            )
        )
    return out


_SEN_GROUPS = {"ehc_plan": "EHC plan", "sen_support": "SEN support"}


def _exclusions(warehouse: Warehouse, as_at: dt.date, with_trend: bool) -> list[Headline]:
    from etl.inputs.exclusions.stage import year_shown

    years = warehouse.query("exclusions_years")
    if years.empty:
        return []
    labels = dict(zip(years["academic_year"], years["academic_year_label"], strict=True))
    shown = year_shown(labels, as_at)  # as the Overview
    wanted = [y for y in labels if y <= shown][:TREND_YEARS] if with_trend else [shown]
    by_year = {int(y): _by_sen(warehouse, int(y)) for y in wanted}
    now = by_year[shown]
    no_sen = now.get("no_sen", {})
    out = []
    for group, name in _SEN_GROUPS.items():
        row = now.get(group)
        if not row or not row.get("headcount"):
            continue
        out.append(
            _headline(
                "suspension_rate",
                THEMES[4],
                id=f"suspension_rate:{group}",
                breakdown=name,
                value=_number(row["suspension_rate"]),
                kind="rate",
                numerator=int(row["suspensions"]),
                denominator=int(row["headcount"]),
                base=int(row["headcount"]),
                as_at=as_at,
                period=_academic_label(str(labels[shown]), shown, as_at),
                also=(
                    _figure(
                        "relative_risk_suspension",
                        "ratio",
                        _number(row["relative_risk_suspension"]),
                        numerator=int(row["suspensions"]),
                        denominator=int(row["headcount"]),
                    ),
                ),
                counts={
                    "suspensions": int(row["suspensions"]),
                    "headcount": int(row["headcount"]),
                    "no_sen_suspensions": int(no_sen.get("suspensions") or 0),
                    "no_sen_headcount": int(no_sen.get("headcount") or 0),
                },
                trend=tuple(
                    TrendPoint(
                        str(labels[y]),
                        as_at,
                        _number(rows[group]["suspension_rate"]),
                        int(rows[group]["suspensions"]),
                        int(rows[group]["headcount"]),
                    )
                    for y, rows in sorted(by_year.items())
                    if rows.get(group, {}).get("headcount")
                ),
            )
        )
    return out


def _academic_label(label: str, year: int, as_at: dt.date) -> str:
    """ "2025/26"; "2026/27 to 1 Nov 2026" while the year is still running at the date."""
    return label if as_at >= dt.date(year + 1, 8, 31) else f"{label} to {day_words(as_at)}"


def _by_sen(warehouse: Warehouse, year: int) -> dict[str, dict[str, Any]]:
    frame = warehouse.query("exclusions_by_sen", academic_year=year)
    return {str(r["sen_group"]): r for r in frame.to_dict("records")}


def _date(value: Any) -> dt.date:
    """A date from DuckDB via pandas (a Timestamp) or as it is."""
    import pandas as pd

    return pd.Timestamp(value).date()


def _number(value: Any) -> float | None:
    if value is None or value != value:  # NaN
        return None
    return float(value)


_PLAN_ORDER = ("Red", "Amber", "Green", "Complete", "Not started")


def _plan(warehouse: Warehouse, as_at: dt.date, with_trend: bool) -> list[Headline]:
    counts = warehouse.rag_counts(as_at)
    total = sum(counts.values())
    if not total:
        return []
    reports: list[dt.date] = []
    if with_trend:
        periods = warehouse.query("plan_periods")
        dates = sorted({_date(d) for d in periods["report_date"] if _date(d) <= as_at})
        reports = dates[-TREND_PLAN_REPORTS:]
    series = [(d, warehouse.rag_counts(d)) for d in reports]
    return [
        _headline(
            "plan_items_red",
            THEMES[5],
            breakdown="",
            value=counts["Red"],
            kind="count",
            numerator=counts["Red"],
            denominator=total,
            base=total,
            as_at=as_at,
            period=f"as at {day_words(as_at)}",
            counts={rag: counts[rag] for rag in _PLAN_ORDER},
            about_children=False,
            trend=tuple(
                TrendPoint(day_words(d), d, c["Red"], c["Red"], sum(c.values())) for d, c in series
            ),
        )
    ]


# ---------------------------------------------------------------- published comparisons


# Headlines DfE publishes for every LA (etl.published.MEASURES): England, neighbours, rank.
_DFE_PUBLISHED = (
    "pct_within_20_weeks_excl_exceptions",
    "pct_decisions_within_6_weeks",
    "pct_annual_review_decisions_within_4_weeks",
)


def _comparison(h: Headline, published: Published, la_code: str | None) -> Comparison | None:
    if h.key in _DFE_PUBLISHED:
        return _published_position(h.key, published, la_code)
    if h.theme == THEMES[3]:
        return _waits_comparison(h, published)
    return None


def _published_position(key: str, published: Published, la_code: str | None) -> Comparison | None:
    from etl.benchmark import UnknownLA

    england = published.england_latest(key)
    if england is None:
        return None
    base = Comparison(
        england=england["value"], england_period=england["period"], source=england["release"]
    )
    if not la_code:
        return base
    try:
        position = published.measure_position(la_code, key, england["year"])
    except UnknownLA:
        return base
    return replace(
        base,
        neighbours_median=position.get("neighbours_median"),
        neighbour_set=position.get("neighbour_set") or "",
        rank=position.get("rank"),
        of=position.get("of") or 0,
        published_la=position.get("la"),
    )


def _waits_comparison(h: Headline, published: Published) -> Comparison | None:
    import duckdb

    service = h.id.split(":", 1)[1]
    try:
        payload = published.waits_published("England")
    except (LookupError, ValueError, duckdb.Error):  # no NHS waiting lists loaded
        return None
    row = payload.get("england", {}).get(service)
    if not row or row.get("pct_over_18_weeks") is None:
        return None
    month = dt.date.fromisoformat(f"{payload['month']}-01")
    return Comparison(
        england=row["pct_over_18_weeks"],
        england_period=f"{month:%B %Y}",
        source=str(payload.get("source", "")),
    )
