"""Disclosure control: the one engine for exports, packs and the dashboard's publish mode.

DESIGN §7 and issue 15. Two modes: ``internal`` (exact figures, for people inside the partnership)
and ``publish`` (anything that leaves it: board packs, published CSVs). In publish mode:

1. A count of 1 to 7 is shown as ``c``; any other count is rounded to the nearest 5 (0 stays 0).
2. A percentage is ``c`` when its denominator is under 20, when its numerator or denominator is
   suppressed, or when 1 to 7 cases fall outside it (denominator − numerator is 1–7: "19 of 20"
   would otherwise say "one child not"). Otherwise it is computed from the *rounded* counts, so it
   says no more than the counts beside it: 15 of 41 is shown as 15 of 40, 37.5% (never 36.6%,
   which gives away the 41).
3. A rate per 100 (or an average, or a percentile other than the median) is ``c`` when its base is
   under 20 or a count behind it is suppressed; a rate is computed from the rounded counts too.
4. A median is ``c`` when it rests on fewer than 8 cases.
5. A ratio of two rates is ``c`` when either rate would be; otherwise it is computed from the four
   rounded counts.
6. Secondary suppression (tables): where the cells of a row or column add up to a total that is
   shown (:class:`RowTotal`, :class:`ColumnTotal`), a line with exactly one suppressed cell would
   let a reader subtract their way to it. The smallest other non-zero cell of that line is
   suppressed too, repeating until no line has exactly one; the table's notes say how many.

Internal mode returns the figures unchanged. Cells are numbers (``int`` / ``float``), ``None``
(no figure, e.g. a percentage of no plans) or the string ``"c"`` — never formatted text: how a
number is written belongs to the screen or the file format (``ui.formatting``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, Literal

import pandas as pd

from etl.metrics import pct as exact_pct

Mode = Literal["internal", "publish"]
MODES: Final[tuple[Mode, ...]] = ("internal", "publish")
Cell = int | float | str | None

SUPPRESSED: Final = "c"
SMALL_COUNT_MAX: Final = 7  # counts 1..7 are suppressed
ROUNDING_BASE: Final = 5  # other counts are rounded to the nearest 5
MIN_BASE: Final = 20  # percentages, rates and averages need a base of 20 or more
MIN_MEDIAN_BASE: Final = 8  # medians need 8 or more

ColumnKind = Literal[
    "count",  # a number of children, requests, rows about children …
    "pct",  # a percentage, parts = (numerator, denominator)
    "rate",  # per 100 (or per ``per``), parts = (numerator, denominator)
    "ratio",  # one rate over another: parts and reference = the two (numerator, denominator)
    "median",  # parts = (None, base)
    "average",  # a mean or a percentile other than the median: parts = (None, base)
    "int",  # a whole number that is not a count of people (a week number, a spreadsheet row)
    "number",  # any other number shown as it is
    "text",
    "date",
    "month",
    "datetime",
]


# ---------------------------------------------------------------- cells


def missing(value: Any) -> bool:
    """None, NaN or pandas' NA / NaT: no figure. (Without pandas, so any module may use it.)"""
    if value is None:
        return True
    try:
        return bool(value != value) or str(value) in {"<NA>", "NaT"}  # NaN is not equal to itself
    except (TypeError, ValueError):  # pandas NA refuses a truth value
        return True


def is_suppressed(value: Any) -> bool:
    """True for a cell this engine suppressed (``"c"``); safe on NaN, NA and numbers."""
    return isinstance(value, str) and value == SUPPRESSED


def is_small(count: Any) -> bool:
    """True for a count of 1 to 7 (suppressed in publish mode)."""
    return not missing(count) and 1 <= int(count) <= SMALL_COUNT_MAX


def round_count(count: int) -> int:
    """A count rounded to the nearest 5 (a whole number is never exactly half-way)."""
    return ROUNDING_BASE * ((2 * int(count) + ROUNDING_BASE) // (2 * ROUNDING_BASE))


def count_cell(value: Any, mode: Mode) -> Cell:
    """A count: exact (internal); 0, ``c`` for 1–7, or rounded to the nearest 5 (publish)."""
    if missing(value):
        return None
    number = int(value)
    if mode == "internal":
        return number
    return SUPPRESSED if is_small(number) else round_count(number)


def _base_ok(denominator: Any, minimum: int = MIN_BASE) -> bool:
    return not missing(denominator) and int(denominator) >= minimum


def _half_away(value: Decimal, places: int) -> float:
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def pct_cell(
    numerator: Any,
    denominator: Any,
    mode: Mode,
    *,
    value: Any = None,
    suppressed: bool = False,
) -> Cell:
    """A percentage (1 dp, half away from zero), or ``None`` when there is no denominator.

    Internal: ``value`` (the figure already computed, e.g. in SQL) or, when not given, the exact
    percentage. Publish: rules 2 of the module docstring; ``suppressed`` says a count behind it
    was suppressed by the table (secondary suppression).
    """
    if missing(denominator) or int(denominator) == 0:
        return None
    if mode == "internal":
        if not missing(value):
            return float(value)
        return None if missing(numerator) else exact_pct(int(numerator), int(denominator))
    if suppressed or missing(numerator) or not _base_ok(denominator):
        return SUPPRESSED
    num, den = int(numerator), int(denominator)
    if is_small(num) or is_small(den - num):
        return SUPPRESSED
    return exact_pct(round_count(num), round_count(den))


def complement_small(numerator: Any, denominator: Any) -> bool:
    """True when 1–7 cases fall outside a percentage ("19 of 20"): suppressed in publish mode."""
    if missing(numerator) or missing(denominator):
        return False
    return is_small(int(denominator) - int(numerator))


def rate_cell(
    numerator: Any,
    denominator: Any,
    mode: Mode,
    *,
    value: Any = None,
    per: int = 100,
    places: int = 2,
    suppressed: bool = False,
) -> Cell:
    """A rate per ``per`` (e.g. suspensions per 100 pupils), ``places`` dp half away from zero;
    ``None`` when there is no denominator. Publish: ``c`` when the base is under 20 or a count is
    suppressed, else computed from the rounded counts."""
    if missing(denominator) or int(denominator) == 0:
        return None
    if mode == "internal":
        if not missing(value):
            return float(value)
        if missing(numerator):
            return None
        return _half_away(Decimal(int(numerator) * per) / Decimal(int(denominator)), places)
    if suppressed or not _publishable(numerator, denominator):
        return SUPPRESSED
    rounded = Decimal(round_count(int(numerator)) * per) / Decimal(round_count(int(denominator)))
    return _half_away(rounded, places)


def _publishable(numerator: Any, denominator: Any) -> bool:
    """Both counts known, the base 20 or more and the numerator not 1–7."""
    return not missing(numerator) and _base_ok(denominator) and not is_small(numerator)


def ratio_cell(
    numerator: Any,
    denominator: Any,
    ref_numerator: Any,
    ref_denominator: Any,
    mode: Mode,
    *,
    value: Any = None,
    places: int = 2,
    suppressed: bool = False,
) -> Cell:
    """One rate over a reference rate (relative risk). Publish: ``c`` when either rate could not
    be published, else from the four rounded counts; ``None`` when the reference rate is 0."""
    if mode == "internal":
        if not missing(value):
            return float(value)
        if any(missing(v) for v in (numerator, denominator, ref_numerator, ref_denominator)):
            return None
        n, d, n0, d0 = (int(v) for v in (numerator, denominator, ref_numerator, ref_denominator))
    else:
        if suppressed or not (
            _publishable(numerator, denominator) and _publishable(ref_numerator, ref_denominator)
        ):
            return SUPPRESSED
        n, d, n0, d0 = (
            round_count(int(v)) for v in (numerator, denominator, ref_numerator, ref_denominator)
        )
    if n0 == 0 or d == 0:
        return None
    return _half_away(Decimal(n) * d0 / (Decimal(d) * n0), places)


def median_cell(value: Any, base: Any, mode: Mode, *, suppressed: bool = False) -> Cell:
    """A median: publish mode needs 8 or more cases behind it (``c`` otherwise)."""
    return _summary(value, base, mode, MIN_MEDIAN_BASE, suppressed)


def average_cell(value: Any, base: Any, mode: Mode, *, suppressed: bool = False) -> Cell:
    """A mean (or a percentile other than the median): publish mode needs a base of 20."""
    return _summary(value, base, mode, MIN_BASE, suppressed)


def _summary(value: Any, base: Any, mode: Mode, minimum: int, suppressed: bool) -> Cell:
    if mode == "publish" and (suppressed or not _base_ok(base, minimum)):
        return None if missing(value) and not missing(base) and int(base) == 0 else SUPPRESSED
    return None if missing(value) else float(value)


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class ColumnSpec:
    """What a column holds and the counts it rests on.

    ``parts``: for "pct" / "rate" / "ratio" the (numerator, denominator) columns; for "median" /
    "average" (None, base). ``reference``: for "ratio", the (numerator, denominator) of the rate
    it is compared with. ``per`` / ``places``: for "rate" and "ratio".
    """

    kind: ColumnKind
    parts: tuple[str | None, str] | None = None
    reference: tuple[str, str] | None = None
    per: int = 100
    places: int = 2


@dataclass(frozen=True)
class RowTotal:
    """In every row, the count columns ``parts`` add up to the count column ``total``
    (within 20 weeks + after 20 weeks = plans issued)."""

    parts: tuple[str, ...]
    total: str


@dataclass(frozen=True)
class ColumnTotal:
    """Down the count column ``column``, the rows add up to a total that is shown: the row whose
    index label is ``total_row``; or the value of ``total_column`` (the same on every row, e.g.
    ``all_plans_issued`` behind "% of plans issued"); or, with neither, a total shown elsewhere
    (the year's plans issued on a tile), which is the column's sum."""

    column: str
    total_row: Hashable | None = None
    total_column: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """The columns of a table to disclose (in output order) and how its counts add up.

    ``row_level``: one row per child, request or problem (a watchlist). No suppression makes
    such a list safe, so :func:`disclose` refuses it in publish mode.
    """

    columns: Mapping[str, ColumnSpec]
    row_totals: Sequence[RowTotal] = ()
    column_totals: Sequence[ColumnTotal] = ()
    row_level: bool = False


class RowLevelRefused(ValueError):
    """A row-level table was asked for in publish mode (DESIGN §7: nothing row-level published)."""


@dataclass(frozen=True)
class Disclosed:
    """A table after disclosure control.

    ``frame``: the spec's columns, same index; numbers, ``None`` or ``"c"``. ``notes``: what the
    reader must be told (further cells suppressed …). ``secondary``: the count cells suppressed
    only so that others cannot be worked out, as (index label, column).
    """

    frame: pd.DataFrame
    notes: list[str]
    mode: Mode
    secondary: frozenset[tuple[Hashable, str]] = field(default_factory=frozenset)


Position = tuple[Hashable, str]


def disclose(frame: pd.DataFrame, spec: TableSpec, mode: Mode) -> Disclosed:
    """Apply the rules of the module docstring to ``frame`` (figures from a query, exact).

    Columns named in ``parts`` / ``reference`` / totals but not in ``spec.columns`` are read (they
    are the counts a figure rests on) but not returned. A ``row_level`` spec in publish mode
    raises :class:`RowLevelRefused`.
    """
    if mode == "publish" and spec.row_level:
        raise RowLevelRefused("row-level lists are not published: use internal mode")
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the table: {', '.join(missing)}")
    counts = _count_columns(frame, spec)
    suppressed: set[Position] = set()
    secondary: set[Position] = set()
    if mode == "publish":
        suppressed = {
            (index, column)
            for column in counts
            for index, value in zip(frame.index, frame[column].tolist(), strict=True)
            if is_small(value)
        }
        secondary = _secondary(frame, spec, suppressed)
        suppressed |= secondary
    out: dict[str, list[Cell]] = {}
    complements = 0
    for name, column in spec.columns.items():
        out[name], hidden = _column(frame, name, column, mode, suppressed)
        complements += hidden
    notes = []
    if secondary:
        notes.append(
            f"{_further(len(secondary))} suppressed (c) so that the suppressed "
            "numbers cannot be worked out from the totals or the other cells of their row or "
            "column."
        )
    if complements:
        notes.append(
            f"{_cells(complements, 'percentage')} suppressed (c) because 1 to 7 cases fall "
            "outside them (such as 19 of 20), which would reveal a small number."
        )
    return Disclosed(
        pd.DataFrame(out, index=frame.index, columns=list(spec.columns), dtype=object),
        notes,
        mode,
        frozenset(secondary),
    )


def _further(n: int) -> str:
    return "1 further cell" if n == 1 else f"{n} further cells"


def _cells(n: int, noun: str = "cell") -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _count_columns(frame: pd.DataFrame, spec: TableSpec) -> list[str]:
    """Every column holding counts: the spec's counts, the parts behind figures, the totals."""
    names = [n for n, c in spec.columns.items() if c.kind == "count"]
    for column in spec.columns.values():
        names += [p for p in (*(column.parts or ()), *(column.reference or ())) if p]
    for row in spec.row_totals:
        names += [*row.parts, row.total]
    for col in spec.column_totals:
        names += [c for c in (col.column, col.total_column) if c]
    unknown = [n for n in names if n not in frame.columns]
    if unknown:
        raise KeyError(f"count columns not in the table: {', '.join(sorted(set(unknown)))}")
    return list(dict.fromkeys(names))


def _lines(frame: pd.DataFrame, spec: TableSpec) -> list[tuple[list[Position], list[Position]]]:
    """Every set of cells that adds up (its cells, and those of them that may be suppressed).

    A cell outside the table (a ``total_column`` shown elsewhere) is in the line but may not be
    chosen; it counts as suppressed if it is itself 1–7.
    """
    lines: list[tuple[list[Position], list[Position]]] = []
    for row in spec.row_totals:
        for index in frame.index:
            cells = [(index, c) for c in (*row.parts, row.total)]
            lines.append((cells, [c for c in cells if c[1] in spec.columns]))
    for col in spec.column_totals:
        body = [i for i in frame.index if i != col.total_row]
        cells = [(i, col.column) for i in body]
        if col.total_row is not None:
            cells.append((col.total_row, col.column))
        choosable = list(cells) if col.column in spec.columns else []
        if col.total_column is not None and len(frame):
            cells.append((frame.index[0], col.total_column))
        lines.append((cells, choosable))
    return lines


def _secondary(frame: pd.DataFrame, spec: TableSpec, primary: set[Position]) -> set[Position]:
    """Suppress the smallest other non-zero cell of any line with exactly one suppressed cell,
    until none is left (a cell suppressed for a row may expose its column, so repeat)."""
    lines = _lines(frame, spec)
    suppressed = set(primary)
    added: set[Position] = set()
    changed = True
    while changed:
        changed = False
        for cells, choosable in lines:
            hidden = [c for c in cells if c in suppressed]
            if len(hidden) != 1:
                continue
            candidates = [c for c in choosable if c not in suppressed]
            values = {c: frame.at[c] for c in candidates}
            known = [c for c in candidates if not missing(values[c])]
            # Smallest non-zero first (suppressing a 0 hides nothing a reader could not guess);
            # the order of the line breaks ties, so the result is the same on every run.
            nonzero = [c for c in known if int(values[c]) != 0]
            pool = nonzero or known
            if not pool:
                continue
            chosen = min(pool, key=lambda c: int(values[c]))
            suppressed.add(chosen)
            added.add(chosen)
            changed = True
    return added


def _column(
    frame: pd.DataFrame, name: str, column: ColumnSpec, mode: Mode, suppressed: set[Position]
) -> tuple[list[Cell], int]:
    """One output column, and how many of its percentages the complement rule hid."""
    index = list(frame.index)
    values = frame[name].tolist()
    blank: list[Any] = [None] * len(frame)

    def parts(pair: tuple[str | None, str] | None) -> tuple[list[Any], list[Any], list[bool]]:
        if pair is None:
            return blank, blank, [False] * len(frame)
        num = frame[pair[0]].tolist() if pair[0] else blank
        den = frame[pair[1]].tolist()
        hit = [
            (i, pair[1]) in suppressed or (pair[0] is not None and (i, pair[0]) in suppressed)
            for i in index
        ]
        return num, den, hit

    kind = column.kind
    if kind == "count":
        return [
            SUPPRESSED if (i, name) in suppressed else count_cell(v, mode)
            for i, v in zip(index, values, strict=True)
        ], 0
    nums, dens, hits = parts(column.parts)
    if kind == "pct":
        cells = [
            pct_cell(n, d, mode, value=v, suppressed=h)
            for v, n, d, h in zip(values, nums, dens, hits, strict=True)
        ]
        hidden = 0
        if mode == "publish":
            hidden = sum(
                1
                for n, d, h, c in zip(nums, dens, hits, cells, strict=True)
                if c == SUPPRESSED
                and not h
                and _base_ok(d)
                and not is_small(n)
                and complement_small(n, d)
            )
        return cells, hidden
    if kind == "rate":
        return [
            rate_cell(n, d, mode, value=v, per=column.per, places=column.places, suppressed=h)
            for v, n, d, h in zip(values, nums, dens, hits, strict=True)
        ], 0
    if kind == "ratio":
        refs, ref_dens, ref_hits = parts(column.reference)
        return [
            ratio_cell(n, d, n0, d0, mode, value=v, places=column.places, suppressed=h or h0)
            for v, n, d, h, n0, d0, h0 in zip(
                values, nums, dens, hits, refs, ref_dens, ref_hits, strict=True
            )
        ], 0
    if kind in ("median", "average"):
        cell = median_cell if kind == "median" else average_cell
        return [
            cell(v, d, mode, suppressed=h) for v, d, h in zip(values, dens, hits, strict=True)
        ], 0
    if kind == "int":
        return [None if missing(v) else int(v) for v in values], 0
    if kind == "number":
        return [None if missing(v) else float(v) for v in values], 0
    return [None if missing(v) else v for v in values], 0
