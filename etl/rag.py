"""RAG rating of plan milestones and actions (DESIGN §5), and how a tracker's own status words
compare with it.

Pure functions, no IO. The thresholds come from ``[rag]`` in ``send_dashboard.toml``
(:class:`etl.config.Settings`); the rules are, as at report date D for a milestone with start S
(may be blank), end E and % complete P:

1. P ≥ 100 → Complete.
2. S after D and P = 0 → Not started.
3. E before D and P < 100 → Red (overdue).
4. S blank (a point milestone): E within 14 days after D and P < 100 → Amber, else Green.
5. Otherwise expected X = 100 × (D − S) / (E − S), clamped to 0–100; gap = X − P.
   gap ≤ 10 → Green; ≤ 25 → Amber; else Red.

Arithmetic is exact (fractions), so a gap of exactly 10 or 25 lands on the boundary as written,
never a hair over it through floating-point error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal, get_args

# The RAG words, worst first: the order of every RAG list, filter and chart. Written only here.
Rag = Literal["Red", "Amber", "Green", "Not started", "Complete"]
RAG_VALUES: Final[tuple[Rag, ...]] = get_args(Rag)
# A symbol beside each word, so a RAG never depends on colour (washed-out projectors, print).
RAG_SYMBOLS: Final[dict[Rag, str]] = {
    "Red": "✗",
    "Amber": "!",
    "Green": "✓",
    "Not started": "○",
    "Complete": "★",
}
RAG_LABELS: Final[dict[str, str]] = {rag: f"{RAG_SYMBOLS[rag]} {rag}" for rag in RAG_VALUES}


@dataclass(frozen=True)
class Thresholds:
    """Where Green and Amber end (gap in percentage points); the point-milestone window."""

    green_max_gap: float = 10
    amber_max_gap: float = 25
    point_amber_days: int = 14


def _fraction(value: float | int | str) -> Fraction:
    # Through the shortest decimal text: 33.3 is 333/10, not the binary float nearest it.
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def expected_pct(start: dt.date, end: dt.date, report_date: dt.date) -> Fraction:
    """Share of the time from start to end that has passed at the report date, clamped to 0–100.

    A milestone whose end is on (or before) its start is expected complete from its end date.
    """
    span = (end - start).days
    if span <= 0:
        return Fraction(100) if report_date >= end else Fraction(0)
    value = Fraction(100 * (report_date - start).days, span)
    return min(Fraction(100), max(Fraction(0), value))


def compute_rag(
    start: dt.date | None,
    end: dt.date,
    pct_complete: float | None,
    report_date: dt.date,
    thresholds: Thresholds | None = None,
) -> Rag:
    """The RAG of one milestone as at ``report_date`` (DESIGN §5). A blank % counts as 0."""
    t = thresholds or Thresholds()
    p = _fraction(pct_complete) if pct_complete is not None else Fraction(0)
    if p >= 100:
        return "Complete"
    if start is not None and start > report_date and p == 0:
        return "Not started"
    if end < report_date:
        return "Red"
    if start is None:
        return "Amber" if (end - report_date).days <= t.point_amber_days else "Green"
    gap = expected_pct(start, end, report_date) - p
    if gap <= _fraction(t.green_max_gap):
        return "Green"
    if gap <= _fraction(t.amber_max_gap):
        return "Amber"
    return "Red"


# What trackers write in their status column, mapped onto the RAG words. Anything else (say
# "Amber/Green") is kept as written and simply not compared.
_STATUS_WORDS: dict[str, Rag] = {
    **dict.fromkeys(
        ["complete", "completed", "done", "closed", "achieved", "delivered", "blue", "b", "c"],
        "Complete",
    ),
    **dict.fromkeys(
        ["notstarted", "notyetstarted", "notdue", "notyetdue", "planned"], "Not started"
    ),
    **dict.fromkeys(["ontarget", "ontrack", "green", "g", "ontime"], "Green"),
    **dict.fromkeys(["atrisk", "amber", "a", "slipping", "minordelay"], "Amber"),
    **dict.fromkeys(
        ["offtarget", "offtrack", "red", "r", "behind", "behindschedule", "overdue", "delayed"],
        "Red",
    ),
}
_JUNK = re.compile(r"[^0-9a-z]+")


def reported_rag(status: str | None) -> Rag | None:
    """The RAG a tracker's own status words mean ("On Target" → Green), or None if unclear."""
    if not status:
        return None
    return _STATUS_WORDS.get(_JUNK.sub("", status.lower()))


# A reported Green beside a computed Complete or Not started is not a contradiction: the tracker
# says "on target", and so it is.
_COMPATIBLE: Final = {("Green", "Complete"), ("Green", "Not started")}


def disagreement(reported_status: str | None, computed: Rag) -> str | None:
    """'reported On Target, computed Red' when the tracker's own status contradicts the rule."""
    said = reported_rag(reported_status)
    if said is None or said == computed or (said, computed) in _COMPATIBLE:
        return None
    return f"reported {reported_status}, computed {computed}"
