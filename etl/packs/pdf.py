"""The pack as a PDF (fpdf2): a face page, then one page (or more) per section, page numbers.

Printed in greyscale it still reads: RAG is a word (RED / AMBER / GREEN) with a shape beside it
(square, triangle, circle), never a colour alone; chart series differ by fill pattern (solid,
hatched, light, cross-hatched) or, on line charts, by marker shape and dash, and every bar carries
its value.
Charts are drawn with fpdf2's own vector shapes: no browser, no network, the same bytes for the
same pack (docs/decisions.md, "Issue 15 — pack charts").

Text uses the PDF core font (Helvetica), so characters outside Latin-1 are replaced by plain
equivalents ("≥" → ">=") rather than lost.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from etl.packs.model import (
    NUMERIC_UNITS,
    ActionTable,
    Block,
    Chart,
    Face,
    Headlines,
    Pack,
    Section,
    Table,
    Text,
    cells_text,
    format_cell,
)

FONT = "Helvetica"
PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
MARGIN = 12.0
BODY_W = PAGE_W - 2 * MARGIN
# Greys for series 0..3 (0 = black, 255 = white) and whether each is hatched, so four series
# still differ on a greyscale print.
SERIES_FILLS: tuple[tuple[int, str], ...] = (
    (60, ""),
    (255, "/"),
    (190, ""),
    (255, "x"),
    (125, ""),
)
# RAG series keep the same look wherever they are drawn (dark Red, hatched Amber, light Green).
RAG_FILLS: dict[str, tuple[int, str]] = {
    "Red": (60, ""),
    "Amber": (255, "/"),
    "Green": (200, ""),
    "Not started": (255, "x"),
    "Complete": (255, ""),
}
RAG_SHADE = {"red": 90, "amber": 170, "green": 235}
_LATIN1 = str.maketrans(
    {
        "≥": ">=",
        "≤": "<=",
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "▲": "^",
        "▼": "v",
        "→": "->",
        "•": "-",
        "⚠": "!",
        "▬": "=",
        "✓": "",
        "✗": "x",
        "\u00a0": " ",
    }
)


def latin1(text: str) -> str:
    """``text`` in the core font's Latin-1, common typography mapped to plain equivalents."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    def __init__(self, face: Face) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.face = face
        self.set_margins(MARGIN, MARGIN + 6, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.set_title(latin1(face.title))
        self.set_creator("SEND Partnership Dashboard")
        self.set_creation_date(face.generated_at.replace(tzinfo=dt.UTC))

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(60)
        self.set_xy(MARGIN, 6)
        self.cell(BODY_W / 2, 5, latin1(self.face.title))
        self.cell(BODY_W / 2, 5, latin1(f"{self.face.mode.upper()} - {self.face.la}"), align="R")
        self.set_text_color(0)
        self.set_xy(MARGIN, MARGIN + 6)

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FONT, "", 8)
        self.set_text_color(60)
        left = f"{self.face.mode_words.split(' - ')[0]} | {self.face.snapshot_words}"
        self.cell(BODY_W * 0.8, 5, latin1(left))
        self.cell(BODY_W * 0.2, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)


def render(pack: Pack, path: Path) -> None:
    """Write ``pack`` as a PDF to ``path`` (atomically: a temporary file, then a rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(render_bytes(pack))
    tmp.replace(path)


def render_bytes(pack: Pack) -> bytes:
    """The PDF's bytes."""
    pdf = _Document(pack.face)
    _face_page(pdf, pack)
    for section in pack.sections:
        _section(pdf, section)
    return bytes(pdf.output())


def _face_page(pdf: _Document, pack: Pack) -> None:
    face = pack.face
    pdf.add_page()
    pdf.set_y(28)
    pdf.set_font(FONT, "B", 26)
    pdf.multi_cell(BODY_W, 11, latin1(face.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if face.subtitle:
        pdf.set_font(FONT, "", 14)
        pdf.multi_cell(BODY_W, 7, latin1(face.subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    # The mode in a box that cannot be missed, in words.
    pdf.set_font(FONT, "B", 14)
    pdf.set_fill_color(225)
    pdf.set_line_width(0.6)
    pdf.multi_cell(
        BODY_W, 9, latin1(face.mode_words), border=1, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_line_width(0.2)
    pdf.ln(4)
    rows = [(label, value) for label, value in face.scope_lines() if label != "Mode"]
    with pdf.table(
        col_widths=(45, BODY_W - 45),
        width=BODY_W,
        first_row_as_headings=False,
        text_align=("LEFT", "LEFT"),
        borders_layout="HORIZONTAL_LINES",
        line_height=6.5,
    ) as table:
        for label, value in rows:
            pdf.set_font(FONT, "", 11)
            row = table.row()
            row.cell(latin1(label), style=FontFace(emphasis="BOLD"))
            row.cell(latin1(value))
    pdf.ln(5)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(BODY_W, 7, "Contents", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    # The contents stay on the face page: two columns, then smaller lines, when there are many.
    room = PAGE_H - MARGIN - 6 - pdf.get_y()
    columns = 1 if len(pack.sections) * 4.5 <= room else 2
    per_column = -(-len(pack.sections) // columns)
    height = min(6.0, room / max(1, per_column))
    pdf.set_font(FONT, "", min(11.0, height * 1.8))
    top = pdf.get_y()
    width = BODY_W / columns
    for number, section in enumerate(pack.sections, start=1):
        column, line = divmod(number - 1, per_column)
        pdf.set_xy(MARGIN + column * width, top + line * height)
        pdf.cell(width, height, fitted(pdf, latin1(f"{number}. {section.title}"), width - 3))


def fitted(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with "..." so that it fits ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _section(pdf: _Document, section: Section) -> None:
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    title = section.title + (f"  [{section.rag.upper()}]" if section.rag else "")
    pdf.multi_cell(BODY_W, 9, latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for block in section.blocks:
        _block(pdf, block)


def _block(pdf: _Document, block: Block) -> None:
    if isinstance(block, Headlines):
        _headlines(pdf, block)
    elif isinstance(block, Chart):
        _chart(pdf, block)
        _table(pdf, block.table, font_size=8, title_prefix="Table: ")
    elif isinstance(block, ActionTable):
        _table(pdf, block.table())
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Text):
        _text(pdf, block)
    pdf.ln(3)


def _heading(pdf: _Document, text: str, size: float = 12) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(BODY_W, size * 0.5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _notes(pdf: _Document, notes: Sequence[str]) -> None:
    if not notes:
        return
    pdf.set_font(FONT, "I", 8)
    for note in notes:
        pdf.multi_cell(BODY_W, 4, latin1(f"Note: {note}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def rag_marker(pdf: FPDF, rag: str, x: float, y: float, size: float = 3.2) -> None:
    """A shape for the RAG word so it survives greyscale: red ■, amber ▲, green ●, else none."""
    word = rag.strip().lower()
    if word not in RAG_SHADE:
        return
    pdf.set_fill_color(RAG_SHADE[word])
    pdf.set_draw_color(0)
    if word == "red":
        pdf.rect(x, y, size, size, style="DF")
    elif word == "amber":
        pdf.polygon([(x, y + size), (x + size / 2, y), (x + size, y + size)], style="DF")
    else:
        pdf.circle(x + size / 2, y + size / 2, size / 2, style="DF")


def _headlines(pdf: _Document, block: Headlines) -> None:
    """The summary: one row per headline under a row per theme, sized to fit one page."""
    _heading(pdf, block.title)
    widths = (84, 20, 22, 30, 25, 44, 48)
    headings = (
        "Measure (and the counts behind it)",
        "Value",
        "Target",
        "RAG vs target",
        "As at",
        "Change since compared",
        "England / neighbours",
    )
    # Sized to keep the summary on one page: smaller type when there are many headlines.
    size = 7.8 if len(block.rows) <= 12 else 7.0
    pdf.set_font(FONT, "", size)
    pdf.set_fill_color(255)
    pdf.set_draw_color(0)
    with pdf.table(
        col_widths=widths,
        width=BODY_W,
        text_align=("LEFT", "RIGHT", "LEFT", "LEFT", "LEFT", "LEFT", "LEFT"),
        line_height=size * 0.46,
        headings_style=FontFace(emphasis="BOLD", fill_color=(215, 215, 215)),
        repeat_headings=1,
        padding=0.8,
    ) as table:
        head = table.row()
        for text in headings:
            head.cell(text)
        theme = None
        for row in block.rows:
            if row.theme != theme:
                theme = row.theme
                table.row().cell(
                    latin1(theme),
                    colspan=len(widths),
                    style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
                )
            line = table.row()
            measure = row.title + (f" ({row.base})" if row.base else "")
            line.cell(latin1(measure))
            line.cell(
                latin1(format_cell(row.value, row.unit, row.decimals)),
                style=FontFace(emphasis="BOLD"),
            )
            line.cell(latin1(row.target or "no target"))
            shade = RAG_SHADE.get(row.rag.strip().lower())
            rag_style = FontFace(
                emphasis="BOLD", fill_color=(shade, shade, shade) if shade else None
            )
            if shade is not None and shade < 128:
                rag_style = FontFace(
                    emphasis="BOLD", color=(255, 255, 255), fill_color=(shade,) * 3
                )
            line.cell(latin1(_rag_word(row.rag)), style=rag_style)
            line.cell(latin1(row.as_at))
            line.cell(latin1(row.direction or "no comparison"))
            position = "; ".join(p for p in (row.england, row.neighbours) if p)
            line.cell(latin1(position or "not published"))
    _notes(pdf, block.notes)


def _rag_word(rag: str) -> str:
    """RAG in capitals with its shape named, so a greyscale print and a screen reader agree."""
    shapes = {"red": "RED (square)", "amber": "AMBER (triangle)", "green": "GREEN (circle)"}
    return shapes.get(rag.strip().lower(), rag or "no target")


def _table(pdf: _Document, table: Table, font_size: float = 9, title_prefix: str = "") -> None:
    # Keep a table that fits on one page together with its heading: start a new page rather
    # than leave the heading, or a few rows, at the foot of this one.
    needed = 12 + (len(table.rows) + 2) * font_size * 0.5 * 1.25
    room = PAGE_H - MARGIN - 4 - pdf.get_y()
    if needed > room and needed < PAGE_H - 2 * MARGIN - 20:
        pdf.add_page()
    _heading(pdf, title_prefix + table.title, 11 if not title_prefix else 9.5)
    if not table.rows:
        pdf.set_font(FONT, "I", 9)
        pdf.cell(BODY_W, 5, "No rows.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _notes(pdf, table.notes)
        return
    pdf.set_fill_color(255)
    pdf.set_draw_color(0)
    texts = [cells_text(row, table.columns) for row in table.rows]
    widths = _column_widths([c.heading for c in table.columns], texts)
    aligns = tuple("RIGHT" if c.unit in NUMERIC_UNITS else "LEFT" for c in table.columns)
    pdf.set_font(FONT, "", font_size)
    with pdf.table(
        col_widths=widths,
        width=min(BODY_W, sum(widths)),
        align="LEFT",
        text_align=aligns,
        line_height=font_size * 0.5,
        headings_style=FontFace(emphasis="BOLD", fill_color=(215, 215, 215)),
        repeat_headings=1,
    ) as out:
        head = out.row()
        for column in table.columns:
            head.cell(latin1(column.heading))
        for row_text in texts:
            line = out.row()
            for text in row_text:
                line.cell(latin1(text))
    _notes(pdf, table.notes)


def _column_widths(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[float, ...]:
    """Widths in mm in proportion to each column's longest text (capped), at most the page."""
    char = 1.9  # mm a character at 9 pt, roughly
    lengths, words = [], []
    for i, heading in enumerate(headings):
        texts = [heading, *(r[i] for r in rows)]
        # Text wraps between words, so a column needs its longest word at least.
        words.append(max(len(w) for t in texts for w in (t.split() or [""])) + 1.5)
        longest = max([len(heading) * 0.55] + [len(r[i]) + 1.5 for r in rows])
        lengths.append(min(max(longest, words[-1], 5.0), 60.0))
    floor = [w * char for w in words]
    spare = BODY_W - sum(floor)
    if spare <= 0:
        return tuple(f * BODY_W / sum(floor) for f in floor)
    wanted = [max(length * char - f, 0.0) for length, f in zip(lengths, floor, strict=True)]
    share = min(1.0, spare / sum(wanted)) if sum(wanted) else 0.0
    return tuple(f + w * share for f, w in zip(floor, wanted, strict=True))


def _text(pdf: _Document, block: Text) -> None:
    if block.title:
        _heading(pdf, block.title, 11)
    size = 9 if block.kind in ("notes", "definitions", "sources") else 10.5
    for paragraph in block.paragraphs:
        pdf.set_font(FONT, "I" if block.kind == "commentary" else "", size)
        pdf.multi_cell(BODY_W, size * 0.48, latin1(paragraph), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.2)


# --- charts, drawn with vector shapes -----------------------------------------------------------


def _chart(pdf: _Document, chart: Chart) -> None:
    height = (
        78.0
        if chart.type == "line"
        else min(20 + 9.0 * len(chart.categories) * _bar_rows(chart), 110)
    )
    if pdf.get_y() + height + 12 > PAGE_H - MARGIN - 4:
        pdf.add_page()
    _heading(pdf, chart.title, 11)
    top = pdf.get_y()
    _legend(pdf, chart, top)
    top += 6
    if chart.type == "line":
        _line_chart(pdf, chart, MARGIN, top, BODY_W, height - 6)
    else:
        _bar_chart(pdf, chart, MARGIN, top, BODY_W, height - 6)
    pdf.set_xy(MARGIN, top + height)
    _notes(pdf, chart.notes)


def _bar_rows(chart: Chart) -> int:
    return 1 if chart.type == "stacked_bar" else max(1, len(chart.series)) // 2 + 1


def _values(chart: Chart) -> list[float]:
    return [v for s in chart.series for v in s.values if v is not None]


def _series_fill(chart: Chart, index: int) -> tuple[int, str]:
    name = chart.series[index].name
    if all(s.name in RAG_FILLS for s in chart.series):
        return RAG_FILLS[name]
    return SERIES_FILLS[index % len(SERIES_FILLS)]


def _fill(pdf: FPDF, look: tuple[int, str], x: float, y: float, w: float, h: float) -> None:
    """A bar segment in a greyscale fill, hatched where the look says so."""
    grey, hatch = look
    pdf.set_fill_color(grey)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h, style="DF")
    if hatch and w > 0.5 and h > 0.5:
        with pdf.rect_clip(x, y, w, h):
            step = 1.6
            offset = -h
            while offset < w:
                pdf.line(x + offset, y + h, x + offset + h, y)
                if hatch == "x":
                    pdf.line(x + offset, y, x + offset + h, y + h)
                offset += step


def _legend(pdf: _Document, chart: Chart, top: float) -> None:
    if len(chart.series) < 2:
        return
    x = MARGIN
    pdf.set_font(FONT, "", 8)
    for index, series in enumerate(chart.series):
        if chart.type == "line":
            _marker(pdf, index, x + 2, top + 2.2)
        else:
            _fill(pdf, _series_fill(chart, index), x, top + 0.5, 4, 3.4)
        pdf.set_xy(x + 5, top)
        label = latin1(series.name)
        pdf.cell(pdf.get_string_width(label) + 2, 4.5, label)
        x += pdf.get_string_width(label) + 10


def _bar_chart(pdf: _Document, chart: Chart, x: float, y: float, w: float, h: float) -> None:
    """Horizontal bars (labels stay readable): grouped per category, or stacked."""
    pdf.set_font(FONT, "", 8)
    label_w = min(
        max([pdf.get_string_width(latin1(c)) for c in chart.categories] + [10]) + 3, w * 0.35
    )
    plot_x, plot_w = x + label_w, w - label_w - 22
    stacked = chart.type == "stacked_bar"
    if stacked:
        totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))]
        top_value = max([*totals, 0])
    else:
        top_value = max([*_values(chart), 0])
    top_value = top_value or 1.0
    band = h / max(1, len(chart.categories))
    bars = 1 if stacked else max(1, len(chart.series))
    bar_h = min(band * 0.75 / bars, 7)
    for i, category in enumerate(chart.categories):
        band_y = y + i * band
        pdf.set_xy(x, band_y + band / 2 - 2.5)
        pdf.cell(label_w - 2, 5, latin1(category), align="R")
        start = plot_x
        for index, series in enumerate(chart.series):
            value = series.values[i]
            bar_y = band_y + (band - bar_h * bars) / 2 + (0 if stacked else index * bar_h)
            if value is None:
                if not stacked:
                    pdf.set_xy(plot_x + 1, bar_y)
                    pdf.cell(20, bar_h, "- (no value / c)")
                continue
            length = plot_w * max(value, 0) / top_value
            bar_x = start if stacked else plot_x
            look = _series_fill(chart, index)
            _fill(pdf, look, bar_x, bar_y, length, bar_h)
            text = format_cell(value, chart.unit)
            if stacked:
                start += length
                if length > pdf.get_string_width(text) + 2:
                    pdf.set_text_color(0 if look[0] > 128 else 255)
                    pdf.set_xy(bar_x, bar_y)
                    pdf.cell(length, bar_h, latin1(text), align="C")
                    pdf.set_text_color(0)
            else:
                pdf.set_xy(bar_x + length + 1, bar_y)
                pdf.cell(20, bar_h, latin1(text))
        if stacked:
            total = sum(s.values[i] or 0 for s in chart.series)
            pdf.set_xy(start + 1, band_y + (band - bar_h) / 2)
            pdf.cell(20, bar_h, latin1(format_cell(total, chart.unit)))
    pdf.set_draw_color(0)
    pdf.line(plot_x, y, plot_x, y + h)


def nice_step(rough: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at least ``rough`` (axis ticks that read easily)."""
    if rough <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= rough:
            return factor * power
    return 10 * power


def _marker(pdf: FPDF, index: int, cx: float, cy: float, r: float = 1.1) -> None:
    pdf.set_draw_color(0)
    pdf.set_fill_color(0 if index % 2 == 0 else 255)
    shape = index % 4
    if shape == 0:
        pdf.circle(cx, cy, r, style="DF")
    elif shape == 1:
        pdf.rect(cx - r, cy - r, 2 * r, 2 * r, style="DF")
    elif shape == 2:
        pdf.polygon([(cx - r, cy + r), (cx, cy - r), (cx + r, cy + r)], style="DF")
    else:
        pdf.line(cx - r, cy - r, cx + r, cy + r)
        pdf.line(cx - r, cy + r, cx + r, cy - r)


def _line_chart(pdf: _Document, chart: Chart, x: float, y: float, w: float, h: float) -> None:
    """A line per series over the categories (months), distinct markers and dashes, y from 0."""
    pdf.set_font(FONT, "", 7.5)
    step = nice_step(max([*_values(chart), 0]) / 4)
    top_value = step * 4
    axis_w = 16.0
    plot_x, plot_y, plot_w, plot_h = x + axis_w, y, w - axis_w - 4, h - 10
    pdf.set_draw_color(180)
    pdf.set_line_width(0.15)
    for step in range(5):
        level = top_value * step / 4
        line_y = plot_y + plot_h - plot_h * step / 4
        pdf.line(plot_x, line_y, plot_x + plot_w, line_y)
        pdf.set_xy(x, line_y - 2)
        places = 0 if float(step).is_integer() else 1
        pdf.cell(axis_w - 1, 4, latin1(format_cell(level, chart.unit, places)), align="R")
    n = len(chart.categories)
    gap = plot_w / max(1, n - 1) if n > 1 else 0.0
    every = max(1, n // 12)
    for i, category in enumerate(chart.categories):
        if i % every == 0 or i == n - 1:
            pdf.set_xy(plot_x + i * gap - 10, plot_y + plot_h + 1)
            pdf.cell(20, 4, latin1(category), align="C")
    dashes = (
        (0, 0),
        (2.0, 1.2),
        (0.6, 0.8),
        (
            3.0,
            1.0,
        ),
    )
    for index, series in enumerate(chart.series):
        points = [
            (plot_x + i * gap, plot_y + plot_h - plot_h * v / top_value)
            for i, v in enumerate(series.values)
            if v is not None
        ]
        pdf.set_draw_color(0)
        pdf.set_line_width(0.5)
        dash = dashes[index % len(dashes)]
        pdf.set_dash_pattern(dash[0], dash[1])
        # Join consecutive points only: a missing value leaves a gap, not a false straight line.
        for i in range(len(series.values) - 1):
            a, b = series.values[i], series.values[i + 1]
            if a is not None and b is not None:
                pdf.line(
                    plot_x + i * gap,
                    plot_y + plot_h - plot_h * a / top_value,
                    plot_x + (i + 1) * gap,
                    plot_y + plot_h - plot_h * b / top_value,
                )
        pdf.set_dash_pattern()
        pdf.set_line_width(0.2)
        for px, py in points:
            _marker(pdf, index, px, py)
        last = next(
            ((i, v) for i, v in reversed(list(enumerate(series.values))) if v is not None), None
        )
        if last is not None:
            pdf.set_xy(
                plot_x + last[0] * gap - 14, plot_y + plot_h - plot_h * last[1] / top_value - 6
            )
            pdf.set_font(FONT, "B", 8)
            pdf.cell(16, 4, latin1(format_cell(last[1], chart.unit)), align="R")
            pdf.set_font(FONT, "", 7.5)
    pdf.set_draw_color(0)
    pdf.line(plot_x, plot_y + plot_h, plot_x + plot_w, plot_y + plot_h)
