"""A headline figure in two snapshots, and the change in words (issue 15): "up 3.2 points since
Board 12 March". No Streamlit: the Overview's tiles, the packs and meeting mode all use it.

Each snapshot's figure is the one it showed as it was published: as at its own data date, for the
calendar year of that date (what a board saw on the day). The change is described by the one rule
for changes in words (``ui.formatting.describe_trend``, a pure function): percentages in points
(to 1 dp, worked out from the rounded figures shown), counts in whole numbers, better / worse by
the catalogue's polarity, and "too few to compare" when either percentage rests on fewer than 20.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from etl import metrics
from etl.catalogue import metric
from etl.snapshots import Snapshot
from etl.store import Warehouse

# Catalogue key → (section of the figures, key in that section) for every figure compared.
_EHCP = (
    "plans_issued",
    "pct_within_20_weeks_excl_exceptions",
    "pct_within_20_weeks",
    "issued_over_52_weeks",
    "pct_decisions_within_6_weeks",
    "open_requests",
    "open_at_risk",
    "open_breached",
)
# The annual-review figures: catalogue key → (key in ``Warehouse.annual_reviews``, its base).
_REVIEWS = {
    "pct_annual_reviews_overdue": ("pct_overdue", "plans_due"),
    "annual_reviews_overdue": ("reviews_overdue", None),
    "pct_annual_review_decisions_within_4_weeks": (
        "pct_decisions_within_4_weeks",
        "decisions_made",
    ),
}
SUPPORTED = (*_EHCP, *_REVIEWS)


@dataclass(frozen=True)
class Figure:
    """One figure as a snapshot showed it: value (None: nothing to count), the base a percentage
    rests on (None for a count), and the as-at date."""

    value: float | int | None
    base: int | None
    as_of: dt.date | None


@dataclass(frozen=True)
class Comparison:
    """A headline in two snapshots: ``now`` (the one on screen) and ``then`` (compared with)."""

    key: str
    title: str
    unit: str
    now: Figure
    then: Figure
    since: str  # what "then" is called: "Board 12 March", "snapshot 12"
    arrow: str  # "▲", "▼", "▬" or "" (no comparison)
    words: str  # "up 3.2 points since Board 12 March (better)"
    judgement: str  # "better", "worse", "no change", "neutral" or "unknown"

    @property
    def text(self) -> str:
        return f"{self.arrow} {self.words}".strip()


def figure(
    warehouse: Warehouse, key: str, as_of: dt.date | None = None, year: int | None = None
) -> Figure:
    """A headline figure of one warehouse as at ``as_of`` (default: its data date), for
    calendar ``year`` (default: the year of that date). ``KeyError`` for a key this module does
    not compare."""
    if key not in SUPPORTED:
        raise KeyError(f"{key}: not a comparable headline figure ({', '.join(SUPPORTED)})")
    if not warehouse.has_sen2():
        return Figure(None, None, as_of)
    as_of = as_of or metrics.snapshot_date(warehouse.connection)
    if key in _REVIEWS:
        name, base_key = _REVIEWS[key]
        section = warehouse.annual_reviews(as_of)
        base = section[base_key] if base_key else None
        return Figure(section[name], base, as_of)
    section = warehouse.kpis(year or as_of.year, as_of)
    parts = metrics.PCT_COUNTS.get(key)
    return Figure(section[key], section[parts[1]] if parts else None, as_of)


def words(key: str, now: Figure, then: Figure, since: str) -> tuple[str, str, str]:
    """(arrow, words, judgement) for the change from ``then`` to ``now`` ("since ``since``")."""
    from ui.formatting import describe_trend  # pure (no Streamlit): the one rule for changes

    entry = metric(key)
    parts = metrics.PCT_COUNTS.get(key)
    bases = (now.base, then.base) if entry.unit == "%" else None
    trend = describe_trend(
        now.value,
        then.value,
        entry.unit,
        entry.polarity,
        since,
        bases,
        parts[2] if parts else "cases",
        since=True,
    )
    return trend.arrow, trend.words, trend.judgement


def compare_figures(key: str, now: Figure, then: Figure, since: str) -> Comparison:
    """A :class:`Comparison` of two figures already worked out (the Overview's tile value)."""
    entry = metric(key)
    arrow, text, judgement = words(key, now, then, since)
    return Comparison(key, entry.title, entry.unit, now, then, since, arrow, text, judgement)


def compare(
    now: Snapshot,
    then: Snapshot,
    key: str,
    *,
    as_of: dt.date | None = None,
    year: int | None = None,
) -> Comparison:
    """A headline in two snapshots and the change in words: each as at its own data date and
    for that date's calendar year, unless ``as_of`` / ``year`` fix them for both. Raises
    ``etl.snapshots.OlderWarehouse`` for a snapshot built by an older version."""
    with Warehouse.open(now.warehouse_path) as door:
        ours = figure(door, key, as_of, year)
    with Warehouse.open(then.warehouse_path) as door:
        theirs = figure(door, key, as_of, year)
    return compare_figures(key, ours, theirs, then.short_label)


def as_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "key": comparison.key,
        "title": comparison.title,
        "unit": comparison.unit,
        "now": vars(comparison.now),
        "then": vars(comparison.then),
        "since": comparison.since,
        "words": comparison.words,
        "judgement": comparison.judgement,
    }
