"""A change between two figures of the same measure, in words that never rely on colour.

One rule for every place that says "up 3.2 points on 2025 (better)": the dashboard's KPI tiles
(``ui.formatting`` re-exports these names), the headline list (``etl.headlines``: change since a
compared warehouse) and the packs built on it.

- A percentage changes in percentage points, worked out on exact decimals (45.15 − 45.0 is 0.15,
  not 0.1499…) and rounded half away from zero to the measure's decimal places (1 by default).
- A count changes by a whole number; weeks, days, ratios and points by the measure's decimals.
- "Better" or "worse" follows the measure's polarity; a neutral measure only says up or down.
- A change resting on fewer than :data:`MIN_BASE` cases on either side is "too few to compare":
  one case would move a percentage by five points or more. It is the same 20 as publish-mode
  suppression (DESIGN §7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from etl.catalogue import Polarity
from etl.disclosure import MIN_BASE, missing

Judgement = Literal["better", "worse", "no change", "neutral", "unknown"]

# How a change in each catalogue unit is written after its size ("3.2 points", "2.5 weeks").
_UNIT_WORDS = {"%": " points", "points": " points", "weeks": " weeks", "days": " days"}


def small_base(denominator: Any) -> bool:
    """True when a figure rests on fewer than 20 cases (1 to 19): shown, but marked, and no
    change is worked out from it. The same line as publish mode's suppression (DESIGN §7)."""
    return not missing(denominator) and 0 < int(denominator) < MIN_BASE


@dataclass(frozen=True)
class Trend:
    """A change against a comparison period, written so it never relies on colour."""

    arrow: str  # "▲", "▼" or "▬"
    words: str  # "up 3.2 points on 2025 (better)"
    judgement: Judgement
    # The change in the measure's unit (percentage points for "%"), None when not compared.
    change: float | None = None

    @property
    def text(self) -> str:
        """Arrow and words together, e.g. "▲ up 3.2 points on 2025 (better)"."""
        return f"{self.arrow} {self.words}" if self.arrow else self.words


def _decimal(value: float | int) -> Decimal:
    return Decimal(repr(float(value))) if isinstance(value, float) else Decimal(int(value))


def describe_trend(
    current: float | int | None,
    previous: float | int | None,
    unit: str,
    polarity: Polarity,
    against: str,
    bases: tuple[Any, Any] | None = None,
    noun: str = "cases",
    decimals: int | None = None,
    since: bool = False,
) -> Trend:
    """Describe the change from ``previous`` to ``current`` in words.

    ``unit`` is the catalogue unit: "%" changes are in percentage points (1 dp unless
    ``decimals`` says otherwise), counts in whole numbers, other units to ``decimals`` (default
    1). ``against`` names the comparison ("2025", "1 Nov 2025") and ``preposition`` joins it
    ("up 3 on 2025", "up 3 since 1 Oct 2026"). ``bases`` are the counts each figure rests on:
    when either is under 20 the change is "too few to compare".
    """
    if missing(current) or missing(previous):
        return Trend(
            "", f"no comparison with {against} (no figure for one of the periods)", "unknown"
        )
    if bases is not None and any(small_base(b) for b in bases):
        return Trend(
            "", f"too few to compare with {against} (fewer than {MIN_BASE} {noun})", "unknown"
        )
    assert current is not None and previous is not None
    exact = _decimal(current) - _decimal(previous)
    places = 0 if unit == "count" else (1 if decimals is None else decimals)
    change = float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    size = (
        f"{abs(int(change)):,}"
        if places == 0 and unit == "count"
        else f"{abs(change):,.{places}f}{_UNIT_WORDS.get(unit, '')}"
    )
    preposition = "since" if since else "on"
    if change == 0 or math.isclose(change, 0.0):
        words = f"no change since {against}" if since else f"same as {against}"
        return Trend("▬", words, "no change", 0.0)
    up = change > 0
    arrow, direction = ("▲", "up") if up else ("▼", "down")
    if polarity == "neutral":
        return Trend(arrow, f"{direction} {size} {preposition} {against}", "neutral", change)
    better = up == (polarity == "higher_is_better")
    judgement: Literal["better", "worse"] = "better" if better else "worse"
    return Trend(
        arrow, f"{direction} {size} {preposition} {against} ({judgement})", judgement, change
    )
