"""The pack as PowerPoint (python-pptx): 16:9, large type, native editable charts.

A face slide (mode, scope, snapshot), the summary table, one slide per headline measure, then
each section's blocks: a chart is a real PowerPoint chart (its data sits in the embedded
workbook, so an officer can restyle or re-cut it) with its table beside or after it; long tables
run on over several slides. Series differ by grey and pattern, line series by marker and dash,
and RAG is always a word, so a greyscale print still reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE, MSO_PATTERN
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Length, Pt

from etl.packs.model import (
    NUMERIC_UNITS,
    ActionTable,
    Block,
    Chart,
    Column,
    HeadlineRow,
    Headlines,
    Pack,
    Section,
    Table,
    Text,
    cells_text,
    format_cell,
)

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 16:9, 13.333 x 7.5 inches
LEFT = Inches(0.5)
BODY_W = Emu(WIDTH - 2 * LEFT)
TITLE_PT, BODY_PT, TABLE_PT, SMALL_PT = 30, 18, 14, 12
ROWS_PER_SLIDE = 8
GREYS = (RGBColor(0x33, 0x33, 0x33), RGBColor(0xFF, 0xFF, 0xFF), RGBColor(0xB0, 0xB0, 0xB0))
PATTERNS = (None, MSO_PATTERN.WIDE_UPWARD_DIAGONAL, None, MSO_PATTERN.SMALL_CHECKER_BOARD)
MARKERS = (
    XL_MARKER_STYLE.CIRCLE,
    XL_MARKER_STYLE.SQUARE,
    XL_MARKER_STYLE.TRIANGLE,
    XL_MARKER_STYLE.X,
)
DASHES = (
    MSO_LINE_DASH_STYLE.SOLID,
    MSO_LINE_DASH_STYLE.DASH,
    MSO_LINE_DASH_STYLE.ROUND_DOT,
    MSO_LINE_DASH_STYLE.LONG_DASH_DOT,
)
CHART_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
RAG_SYMBOLS = {"red": "■ RED", "amber": "▲ AMBER", "green": "● GREEN"}


def render(pack: Pack, path: Path) -> None:
    """Write ``pack`` as a .pptx to ``path`` (atomically: a temporary file, then a rename)."""
    deck = build(pack)
    tmp = path.with_name(path.name + ".tmp")
    deck.save(str(tmp))
    tmp.replace(path)


def build(pack: Pack) -> PresentationType:
    """The presentation object (tests read it back from the saved file instead)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = pack.face.title
    deck.core_properties.subject = f"{pack.face.mode} - {pack.face.snapshot_words}"
    _face_slide(deck, pack)
    for number, section in enumerate(pack.sections):
        for block in section.blocks:
            # A slide per headline once, after the summary; theme sections show their table only.
            _block(deck, section, block, headline_slides=number == 0)
        if not section.blocks:
            _slide(deck, _section_title(section))
    footer = f"{pack.face.mode.upper()} | {pack.face.la} | {pack.face.snapshot_words}"
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        _footer(slide, f"{footer} | slide {number} of {total}")
    return deck


def _blank(deck: PresentationType) -> Slide:
    return deck.slides.add_slide(deck.slide_layouts[6])


def _slide(deck: PresentationType, title: str) -> Slide:
    slide = _blank(deck)
    _textbox(slide, LEFT, Inches(0.3), BODY_W, Inches(0.9), [title], TITLE_PT, bold=True)
    return slide


def _footer(slide: Slide, text: str) -> None:
    _textbox(slide, LEFT, Emu(HEIGHT - Inches(0.45)), BODY_W, Inches(0.35), [text], 10)


def _textbox(
    slide: Slide,
    left: Length,
    top: Length,
    width: Length,
    height: Length,
    lines: Sequence[str],
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic


def _face_slide(deck: PresentationType, pack: Pack) -> None:
    face = pack.face
    slide = _blank(deck)
    _textbox(slide, LEFT, Inches(0.5), BODY_W, Inches(1.2), [face.title], 40, bold=True)
    box = slide.shapes.add_textbox(LEFT, Inches(1.8), BODY_W, Inches(0.9))
    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor(0xE0, 0xE0, 0xE0)
    box.line.color.rgb = RGBColor(0, 0, 0)
    box.line.width = Pt(2)
    box.text_frame.word_wrap = True
    run = box.text_frame.paragraphs[0].add_run()
    run.text = face.mode_words
    run.font.size = Pt(18)
    run.font.bold = True
    lines = [
        f"{label}: {value}" for label, value in face.scope_lines() if label not in ("Mode", "Pack")
    ]
    _textbox(slide, LEFT, Inches(3.0), BODY_W, Inches(4.0), lines, BODY_PT)


def _section_title(section: Section) -> str:
    return section.title + (
        f" — {RAG_SYMBOLS.get(section.rag.lower(), section.rag)}" if section.rag else ""
    )


def _block(
    deck: PresentationType, section: Section, block: Block, *, headline_slides: bool = False
) -> None:
    if isinstance(block, Headlines):
        _table_slides(
            deck, section.title, block.table().title, _headline_table(block), ROWS_PER_SLIDE - 2
        )
        for row in block.rows if headline_slides else ():
            _headline_slide(deck, row)
    elif isinstance(block, Chart):
        _chart_slide(deck, section, block)
    elif isinstance(block, ActionTable):
        _table_slides(deck, _section_title(section), block.title, block.table(), 4)
    elif isinstance(block, Table):
        _table_slides(deck, _section_title(section), block.title, block, ROWS_PER_SLIDE)
    elif isinstance(block, Text):
        size = BODY_PT if block.kind in ("body", "commentary") else SMALL_PT
        pages = text_pages(list(block.paragraphs), size)
        for number, paragraphs in enumerate(pages, start=1):
            slide = _slide(deck, _section_title(section))
            title = block.title + (f" ({number} of {len(pages)})" if len(pages) > 1 else "")
            lines = [title, *paragraphs] if block.title else paragraphs
            _textbox(
                slide,
                LEFT,
                Inches(1.3),
                BODY_W,
                Inches(5.6),
                lines,
                size,
                italic=block.kind == "commentary",
            )


def text_pages(paragraphs: list[str], size: float) -> list[list[str]]:
    """Paragraphs split into slides that hold them: ~5.2 inches of lines at ``size`` points,
    about 0.5 × size wide a character across the 12.3-inch text box."""
    per_line = int(BODY_W / 12700 / (size * 0.5))  # EMU → points, then characters a line
    room = int(5.2 * 72 / (size * 1.25)) - 1  # lines a slide holds, less the title
    pages: list[list[str]] = [[]]
    used = 0
    for paragraph in paragraphs:
        lines = max(1, -(-len(paragraph) // per_line))
        if used + lines > room and pages[-1]:
            pages.append([])
            used = 0
        pages[-1].append(paragraph)
        used += lines
    return pages


def _headline_table(block: Headlines) -> Table:
    """The summary in fewer, wider columns than the XLSX one: a slide is read from the back."""
    rows = tuple(
        (
            r.title,
            format_cell(r.value, r.unit, r.decimals),
            r.target or "no target",
            RAG_SYMBOLS.get(r.rag.lower(), r.rag or "no target"),
            r.direction or "no comparison",
        )
        for r in block.rows
    )
    columns = (
        Column("Measure"),
        Column("Value"),
        Column("Target"),
        Column("RAG vs target"),
        Column("Change since compared"),
    )
    return Table(block.title, columns, rows, block.notes)


def _headline_slide(deck: PresentationType, row: HeadlineRow) -> None:
    slide = _slide(deck, f"{row.theme}: {row.title}")
    value = format_cell(row.value, row.unit, row.decimals)
    _textbox(slide, LEFT, Inches(1.5), Inches(5.5), Inches(1.6), [value], 66, bold=True)
    rag = RAG_SYMBOLS.get(row.rag.lower(), row.rag or "no target")
    lines = [
        f"RAG against target: {rag}",
        f"Target: {row.target or 'no target'}",
        f"Period: {row.as_at}" if row.as_at else "",
        f"Based on: {row.base}" if row.base else "",
        f"Change: {row.direction or 'no comparison'}",
        f"England: {row.england or 'not published'}",
        f"Neighbours: {row.neighbours or 'not published'}",
    ]
    _textbox(slide, Inches(6.3), Inches(1.5), Inches(6.5), Inches(5.0), [x for x in lines if x], 22)


def _table_slides(
    deck: PresentationType, heading: str, title: str, table: Table, per_slide: int
) -> None:
    chunks = [table.rows[i : i + per_slide] for i in range(0, len(table.rows), per_slide)] or [()]
    for number, rows in enumerate(chunks, start=1):
        suffix = f" ({number} of {len(chunks)})" if len(chunks) > 1 else ""
        slide = _slide(deck, heading)
        _textbox(
            slide, LEFT, Inches(1.1), BODY_W, Inches(0.5), [title + suffix], BODY_PT, bold=True
        )
        # A title of two lines (about 95 characters of 18 pt a line) pushes the table down.
        top = Inches(1.7) if len(title + suffix) <= 90 else Inches(2.1)
        _add_table(slide, table.columns, rows, LEFT, top, BODY_W, TABLE_PT)
        if number == len(chunks) and table.notes:
            _textbox(
                slide, LEFT, Inches(6.4), BODY_W, Inches(0.6), list(table.notes), 11, italic=True
            )


def _add_table(
    slide: Slide,
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    left: Length,
    top: Length,
    width: Length,
    size: float,
) -> None:
    if not rows:
        _textbox(slide, left, top, width, Inches(0.5), ["No rows."], size, italic=True)
        return
    shape = slide.shapes.add_table(
        len(rows) + 1, len(columns), left, top, width, Emu(Inches(0.4) * (len(rows) + 1))
    )
    grid = shape.table
    texts = [cells_text(row, columns) for row in rows]  # type: ignore[arg-type]
    # In proportion to each column's longest text (capped), but never narrower than its longest
    # word, so that "Value" or "Nov 2024" is not broken across lines.
    weights = []
    for i, column in enumerate(columns):
        cells = [t[i] for t in texts]
        word = max(len(w) for text in [column.heading, *cells] for w in (text.split() or [""]))
        weights.append(
            max(word * 1.3 + 3, len(column.heading) * 0.45, *(min(len(c), 45) for c in cells))
        )
    for i, weight in enumerate(weights):
        grid.columns[i].width = Emu(int(width * weight / sum(weights)))
    for j, column in enumerate(columns):
        _cell(grid.cell(0, j), column.heading, size, bold=True, right=column.unit in NUMERIC_UNITS)
    for i, row_text in enumerate(texts, start=1):
        for j, text in enumerate(row_text):
            _cell(grid.cell(i, j), text, size, right=columns[j].unit in NUMERIC_UNITS)


def _cell(cell: object, text: str, size: float, *, bold: bool = False, right: bool = False) -> None:
    frame = cell.text_frame  # type: ignore[attr-defined]
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold


def _chart_slide(deck: PresentationType, section: Section, chart: Chart) -> None:
    slide = _slide(deck, _section_title(section))
    _textbox(slide, LEFT, Inches(1.0), BODY_W, Inches(0.5), [chart.title], BODY_PT, bold=True)
    data = CategoryChartData(number_format=_number_format(chart.unit))
    data.categories = list(chart.categories)
    for series in chart.series:
        data.add_series(series.name, list(series.values))
    side_table = len(chart.table.rows) <= 8 and len(chart.table.columns) <= 4
    chart_w = Inches(7.6) if side_table else BODY_W
    frame = slide.shapes.add_chart(
        CHART_TYPES[chart.type],
        LEFT,
        Inches(1.6),
        chart_w,
        Inches(5.3),
        data,  # type: ignore[arg-type]
    )
    native = frame.chart  # type: ignore[attr-defined]
    native.font.size = Pt(SMALL_PT)
    native.has_legend = len(chart.series) > 1
    if native.has_legend:
        native.legend.position = XL_LEGEND_POSITION.TOP
        native.legend.include_in_layout = False
    plot = native.plots[0]
    native.value_axis.minimum_scale = 0  # bars and lines from zero, as on the dashboard
    native.value_axis.has_major_gridlines = True
    if chart.type != "line" or len(chart.categories) <= 8:
        plot.has_data_labels = True
        plot.data_labels.number_format = _number_format(chart.unit)
        plot.data_labels.number_format_is_linked = False
    if chart.type != "line":
        native.category_axis.reverse_order = True  # first category at the top, as on the page
        plot.gap_width = 60
        if chart.type == "stacked_bar":
            plot.overlap = 100
    for index, series in enumerate(plot.series):
        if chart.type == "line":
            series.marker.style = MARKERS[index % len(MARKERS)]
            series.marker.size = 9
            series.format.line.color.rgb = RGBColor(0x20, 0x20, 0x20)
            series.format.line.dash_style = DASHES[index % len(DASHES)]
            series.format.line.width = Pt(2.5)
            series.smooth = False
            if len(chart.categories) > 8:  # a long line: label its latest value only
                last = max(
                    (i for i, v in enumerate(chart.series[index].values) if v is not None),
                    default=None,
                )
                if last is not None:
                    label = series.points[last].data_label
                    label.has_text_frame = False
                    label.number_format = _number_format(chart.unit)
                    label.number_format_is_linked = False
                    label.show_value = True
        else:
            rag = all(s.name in RAG_LOOKS for s in chart.series)
            _series_fill(series, index, chart.series[index].name if rag else None)
    if side_table:
        _add_table(
            slide,
            chart.table.columns,
            chart.table.rows,
            Inches(8.4),
            Inches(1.7),
            Inches(4.4),
            SMALL_PT,
        )
    else:
        _table_slides(
            deck,
            _section_title(section),
            f"Table: {chart.table.title}",
            chart.table,
            ROWS_PER_SLIDE,
        )
    if chart.notes or chart.table.notes:
        _textbox(
            slide,
            LEFT,
            Inches(6.9),
            BODY_W,
            Inches(0.5),
            [*chart.notes, *chart.table.notes],
            11,
            italic=True,
        )


# RAG series keep one look wherever they are drawn (as in the PDF): dark Red, hatched Amber,
# light Green, checked Not started, white Complete.
RAG_LOOKS: dict[str, tuple[RGBColor, MSO_PATTERN | None]] = {
    "Red": (RGBColor(0x33, 0x33, 0x33), None),
    "Amber": (RGBColor(0x33, 0x33, 0x33), MSO_PATTERN.WIDE_UPWARD_DIAGONAL),
    "Green": (RGBColor(0xC8, 0xC8, 0xC8), None),
    "Not started": (RGBColor(0x33, 0x33, 0x33), MSO_PATTERN.SMALL_CHECKER_BOARD),
    "Complete": (RGBColor(0xFF, 0xFF, 0xFF), None),
}


def _series_fill(series: object, index: int, name: str | None = None) -> None:
    fill = series.format.fill  # type: ignore[attr-defined]
    grey, pattern = GREYS[index % len(GREYS)], PATTERNS[index % len(PATTERNS)]
    if name is not None and name in RAG_LOOKS:
        grey, pattern = RAG_LOOKS[name]
    if pattern is None:
        fill.solid()
        fill.fore_color.rgb = grey
    else:
        fill.patterned()
        fill.pattern = pattern
        fill.fore_color.rgb = RGBColor(0x33, 0x33, 0x33)
        fill.back_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    line = series.format.line  # type: ignore[attr-defined]
    line.color.rgb = RGBColor(0, 0, 0)
    line.width = Pt(0.75)


def _number_format(unit: str) -> str:
    if unit in ("%", "points"):
        return '0.0"%"' if unit == "%" else "0.0"
    if unit in ("ratio", "per 100"):
        return "0.00"
    if unit == "items":
        return "#,##0;-#,##0;;"  # a stacked segment of none is not labelled "0"
    if unit in ("weeks", "days"):
        return "0.0"
    return "#,##0"
