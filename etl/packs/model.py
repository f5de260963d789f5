"""The pack document model: what a board or review pack says, independent of its format.

Content builders (``etl.packs.board``, ``etl.packs.review``) gather figures, pass every one
through the disclosure engine in the pack's mode and build a :class:`Pack`; the renderers
(``etl.packs.pdf``, ``etl.packs.pptx``, ``etl.packs.xlsx``) lay it out. Renderers never compute
or suppress a figure: a cell reaching them is already what the reader may see.

Cells are data, not formatted text: an ``int`` or ``float`` (a figure, in its column's unit), the
suppression symbol ``"c"`` (or another short text), a ``datetime.date``, or ``None`` (no value).
The renderers format numbers the same way (:func:`format_cell`), and XLSX keeps them as numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from ui.formatting import MODE_TEXT, round_half_away

Mode = Literal["internal", "publish"]
PackKind = Literal["board", "review"]
ChartType = Literal["bar", "line", "stacked_bar"]
TextKind = Literal["body", "commentary", "notes", "definitions", "sources"]
Cell = int | float | str | dt.date | None

# Units a column may carry; "%" and "points" are shown with one decimal place unless a column says
# otherwise. "" means plain text (a label, a status word).
Unit = str
# Units written after a column's name ("Over 18 weeks (%)"); counts, dates and labels need none.
HEADING_UNITS = ("%", "weeks", "days", "ratio", "points")
# Units whose cells are figures (right-aligned in tables).
NUMERIC_UNITS = frozenset(
    {"%", "count", "weeks", "days", "ratio", "points", "per 100", "items", "actions", "measures"}
)
# Decimal places when a column does not say: DESIGN §4 (1 dp percentages, 2 dp rates per 100).
DEFAULT_PLACES = {"%": 1, "points": 1, "weeks": 1, "ratio": 2, "per 100": 2}


@dataclass(frozen=True)
class Source:
    """An input file the snapshot was built from."""

    name: str
    sha256: str
    rows: int | None = None
    loaded_at: str = ""


@dataclass(frozen=True)
class Face:
    """What every pack states on its face: kind, mode, scope and snapshot (DESIGN §7)."""

    kind: PackKind
    title: str
    mode: Mode
    la: str  # the local area the pack is about, e.g. "Kent (886)"
    period: str  # e.g. "as at 30 Nov 2026" or "2025 calendar year"
    snapshot_id: str
    snapshot_date: dt.date | None
    generated_at: dt.datetime
    snapshot_name: str = ""
    compared: str = ""  # the compared snapshot in words ("14, 'Board 12 March', 1 Oct 2026"), or ""
    filters: tuple[tuple[str, str], ...] = ()  # (what, value) pairs, e.g. ("Services", "all")
    sources: tuple[Source, ...] = ()
    subtitle: str = ""
    snapshot_label: str = ""  # etl.snapshots.Snapshot.label when there is one (one wording)

    @property
    def mode_words(self) -> str:
        """The mode as a sentence for the face of the pack."""
        return MODE_TEXT[self.mode]

    @property
    def snapshot_words(self) -> str:
        """The snapshot as one line: id, name and data date."""
        if self.snapshot_label:
            return self.snapshot_label
        parts = [f"Snapshot {self.snapshot_id}"]
        if self.snapshot_name:
            parts.append(f"'{self.snapshot_name}'")
        if self.snapshot_date is not None:
            parts.append(f"data as at {self.snapshot_date:%d %b %Y}")
        return ", ".join(parts)

    def scope_lines(self) -> list[tuple[str, str]]:
        """(label, value) lines for the face and the XLSX About sheet, in a fixed order."""
        lines = [
            ("Pack", self.title),
            ("Mode", self.mode_words),
            ("Local area", self.la),
            ("Period", self.period),
            ("Snapshot", self.snapshot_words),
            ("Compared with", self.compared or "no comparison"),
        ]
        lines += [(what, value) for what, value in self.filters]
        lines.append(("Generated", f"{self.generated_at:%d %b %Y %H:%M} UTC"))
        return lines


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its unit ("%", "count", "weeks", "" for text…) and decimals."""

    name: str
    unit: Unit = ""
    decimals: int | None = None

    @property
    def heading(self) -> str:
        """The heading with its unit, as in CSV/XLSX exports ("Within 20 weeks (%)")."""
        if self.unit not in HEADING_UNITS or self.unit in self.name:
            return self.name
        return f"{self.name} ({self.unit})"


@dataclass(frozen=True)
class Table:
    """A disclosed table: columns with units, rows of cells, and the notes that go with it."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()
    sheet: str = ""  # XLSX sheet name (short); derived from the title when empty

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"table {self.title!r}: a row has {len(row)} cells, not {width}")

    @classmethod
    def from_frame(
        cls,
        title: str,
        frame: pd.DataFrame,
        units: dict[str, str] | None = None,
        notes: Iterable[str] = (),
        *,
        decimals: dict[str, int] | None = None,
        sheet: str = "",
    ) -> Table:
        """A table from a (disclosed) frame: NaN/NaT become ``None``, numpy scalars plain Python."""
        units = units or {}
        decimals = decimals or {}
        columns = tuple(
            Column(str(name), units.get(str(name), ""), decimals.get(str(name)))
            for name in frame.columns
        )
        rows = tuple(
            tuple(plain_cell(value) for value in record)
            for record in frame.itertuples(index=False, name=None)
        )
        return cls(title, columns, rows, tuple(notes), sheet)


@dataclass(frozen=True)
class HeadlineRow:
    """One line of the one-page summary: a headline measure, already disclosed."""

    key: str  # catalogue key
    theme: str
    title: str
    value: Cell
    unit: Unit
    decimals: int
    as_at: str = ""  # e.g. "2025" or "30 Nov 2026"
    target: str = ""  # in words, e.g. "≥ 60.0%" or "no target"
    rag: str = ""  # "Red" / "Amber" / "Green" / "no target": words, never colour alone
    direction: str = ""  # since the compared snapshot, e.g. "up 3.2 points (better)"
    england: str = ""  # England value / position in words
    neighbours: str = ""  # neighbours position in words ("4th of 11")
    base: str = ""  # the counts behind it in words, e.g. "40 of 65 plans" (disclosed)


@dataclass(frozen=True)
class Headlines:
    """The one-page summary table of headline measures."""

    title: str
    rows: tuple[HeadlineRow, ...]
    notes: tuple[str, ...] = ()

    def table(self) -> Table:
        """The same rows as a plain table (for XLSX and any renderer without a special layout)."""
        columns = (
            Column("Theme"),
            Column("Measure"),
            Column("Value"),
            Column("Unit"),
            Column("As at"),
            Column("Target"),
            Column("RAG vs target"),
            Column("Change since compared snapshot"),
            Column("England"),
            Column("Neighbours"),
            Column("Based on"),
        )
        rows = tuple(
            (
                r.theme,
                r.title,
                r.value,
                r.unit,
                r.as_at,
                r.target,
                r.rag,
                r.direction,
                r.england,
                r.neighbours,
                r.base,
            )
            for r in self.rows
        )
        return Table(self.title, columns, rows, self.notes)


@dataclass(frozen=True)
class Series:
    """One series of a chart; ``None`` where the value is missing or suppressed."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """Chart DATA (not a picture): PowerPoint makes a native chart of it, PDF draws it.

    ``table`` is the chart's table view: the same figures as the reader may see them (with "c").
    """

    title: str
    type: ChartType
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: Unit
    table: Table
    y_title: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"chart {self.title!r}: series {series.name!r} has {len(series.values)} "
                    f"values for {len(self.categories)} categories"
                )


@dataclass(frozen=True)
class Text:
    """Paragraphs of text: body, owner's commentary, data notes, definitions or sources."""

    title: str
    paragraphs: tuple[str, ...]
    kind: TextKind = "body"


@dataclass(frozen=True)
class ActionRow:
    """One improvement-plan action, in the adviser note's table shape."""

    ref: str
    action: str
    status: str  # e.g. "Completed", "In progress", "Behind schedule"
    lead: str = ""
    due: dt.date | None = None
    reason: str = ""  # why behind schedule
    mitigation: str = ""
    revised: dt.date | None = None  # revised completion date
    area: str = ""  # area of weakness / priority


ACTION_COLUMNS: tuple[Column, ...] = (
    Column("Ref"),
    Column("Action"),
    Column("Status"),
    Column("Lead"),
    Column("Due", "date"),
    Column("Reason if behind schedule"),
    Column("Mitigation"),
    Column("Revised date", "date"),
)


@dataclass(frozen=True)
class ActionTable:
    """Actions of an area of weakness with status, reason, mitigation, revised date and lead."""

    title: str
    rows: tuple[ActionRow, ...]
    notes: tuple[str, ...] = ()

    def table(self) -> Table:
        """The same rows as a plain table."""
        rows = tuple(
            (r.ref, r.action, r.status, r.lead, r.due, r.reason, r.mitigation, r.revised)
            for r in self.rows
        )
        return Table(self.title, ACTION_COLUMNS, rows, self.notes)


Block = Headlines | Table | Chart | Text | ActionTable


@dataclass(frozen=True)
class Section:
    """A page (PDF), a slide or more (PowerPoint), one or more sheets (XLSX)."""

    title: str
    blocks: tuple[Block, ...]
    theme: str = ""  # a theme key ("timeliness", "waits"…) where the section is one theme
    rag: str = ""  # the section's worst RAG in words, used to put red items first


@dataclass(frozen=True)
class Pack:
    """A whole pack: its face and its sections in reading order."""

    face: Face
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def tables(self) -> list[Table]:
        """Every table in the pack, in order, including charts' tables (for XLSX and tests)."""
        found: list[Table] = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    found.append(block)
                elif isinstance(block, Chart):
                    found.append(block.table)
                elif isinstance(block, Headlines | ActionTable):
                    found.append(block.table())
        return found


def plain_cell(value: Any) -> Cell:
    """A frame value as a model cell: numpy scalars → int/float, NaN/NaT/NA → None, Timestamp →
    date; text kept."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date | str):
        return value
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return str(value)


def format_cell(
    value: Cell, unit: Unit = "", decimals: int | None = None, *, unit_words: bool = True
) -> str:
    """A cell as text for PDF and PowerPoint: counts with thousands separators, "%" one decimal
    place (unless ``decimals`` says), dates as "2 Dec 2026", ``None`` as "–", text as it is."""
    if value is None:
        return "–"
    if isinstance(value, dt.date) and unit == "month":
        return f"{value:%b %Y}"
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, int) and decimals in (None, 0):
        text = f"{value:,}"
    else:
        places = decimals if decimals is not None else DEFAULT_PLACES.get(unit, 0)
        text = f"{round_half_away(float(value), places):,.{places}f}"
    if unit == "%":
        return f"{text}%"
    if unit in ("weeks", "days") and unit_words:
        return f"{text} {unit}"
    return text


def cells_text(values: Sequence[Cell], columns: Sequence[Column]) -> list[str]:
    """A row's cells as text, each in its column's unit (named in the heading, not each cell)."""
    return [
        format_cell(v, c.unit, c.decimals, unit_words=False)
        for v, c in zip(values, columns, strict=True)
    ]
