"""The board pack (issue 15) from a hand-made warehouse, in both modes and all three formats.

The data: the golden case list of tests/ui_fixtures.py (as at 1 Nov 2026), then the golden
improvement-plan tracker (period 1), then the waiting-list extract of tests/test_waits_measures.py,
each load a snapshot (1, 2, 3). Figures worked by hand (from tests/ui_fixtures.py's docstring):

- EHC plans issued in 2026 excluding exceptions: R01, R02, R03, R05, R06 = 5, within 20 weeks
  R01, R02, R05 = 3 → 3 / 5 = 60.0%. Target 60 → met → Green.
- Decisions to assess in 2026: 6 of 7 within 6 weeks = 85.714… → 85.7%. No target.
- Open requests as at 1 Nov 2026: 3 open, 1 past 20 weeks (R13), 1 at risk (R14). Target for
  past 20 weeks 0, lower is better: missed by 1; the Amber tolerance is 0.1 × 0 = 0 → Red.

Publish mode: 5 plans is a base under 20 → the percentage is "c"; 1 and 3 are counts of 1-7 → "c";
a figure shown as "c" gets no RAG (a RAG would hint at the hidden figure), so nothing is Red.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from etl import config
from etl.packs import pdf, pptx, xlsx
from etl.packs.build import make_pack
from etl.packs.model import Chart, HeadlineRow, Headlines, Pack, Table, format_cell
from etl.warehouse import run_load
from tests import sen2_builders as b
from tests.cli_runner import run
from tests.test_waits_measures import EXTRACT, ROWS
from tests.tracker_builders import golden_period_1
from tests.ui_fixtures import build_warehouse
from tests.waits_builders import write_extract

NOW = dt.datetime(2026, 12, 2, 9, 0)
# A watchlist reference (etl.config.Pseudonymiser: "R-" and 10 characters) or a UPN-shaped id.
PSEUDONYMOUS = re.compile(r"\bR-[0-9A-Za-z]{10}\b|\b[A-Z]\d{12}\b")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("packs")
    with pytest.MonkeyPatch.context() as patch:
        b.isolate_settings(patch, folder)
        data = build_warehouse(folder)  # snapshot 1: SEN2 only
        run_load([golden_period_1(folder / "plan.xlsx")], data)  # snapshot 2
        run_load([write_extract(folder / "waits.csv", ROWS, extract_date=EXTRACT)], data)  # 3
        yield data


@pytest.fixture(autouse=True)
def settings_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def settings() -> config.Settings:
    return dataclasses.replace(
        config.settings(),
        targets={"pct_within_20_weeks_excl_exceptions": 60.0, "open_breached": 0.0},
        home_la="Exampleshire",
    )


def board(data: Path, mode: str, **kwargs: object) -> Pack:
    return make_pack(data, mode=mode, settings=settings(), now=NOW, **kwargs)  # type: ignore[arg-type]


def summary_rows(pack: Pack) -> dict[str, HeadlineRow]:
    [block] = [b for b in pack.sections[0].blocks if isinstance(b, Headlines)]
    return {row.key: row for row in block.rows}


def count_cells(pack: Pack) -> list[object]:
    """Every cell in a column of counts of children, in every table and every summary row."""
    found: list[object] = []
    for table in pack.tables():
        for i, column in enumerate(table.columns):
            if column.unit == "count":
                found += [row[i] for row in table.rows]
    for section in pack.sections:
        for block in section.blocks:
            if isinstance(block, Headlines):
                found += [r.value for r in block.rows if r.unit == "count"]
    return found


def publishable_count(value: object) -> bool:
    """0, "c", or a multiple of 5 from 10 up (8 rounds to 10; 1-7 are "c")."""
    if value == "c" or value == 0 or value is None:
        return True
    return isinstance(value, int) and value >= 10 and value % 5 == 0


# ---------------------------------------------------------------- content


def test_internal_summary_has_the_hand_worked_figures_targets_and_rag(data: Path) -> None:
    pack = board(data, "internal")
    rows = summary_rows(pack)
    timely = rows["pct_within_20_weeks_excl_exceptions"]
    assert (timely.value, timely.base, timely.target, timely.rag) == (
        60.0,
        "3 of 5",
        "60.0%",
        "Green",
    )
    decisions = rows["pct_decisions_within_6_weeks"]
    assert (decisions.value, decisions.target, decisions.rag) == (85.7, "no target", "no target")
    breached = rows["open_breached"]
    assert (breached.value, breached.base, breached.target, breached.rag) == (1, "of 3", "0", "Red")
    assert rows["open_at_risk"].value == 1


def test_red_items_come_first(data: Path) -> None:
    titles = [s.title for s in board(data, "internal").sections]
    assert titles[:2] == ["Summary of headline measures", "Red items first"]
    # Open requests holds the only Red headline, so it comes before EHC plan timeliness (Green).
    assert titles.index("Open requests") < titles.index("EHC plan timeliness")
    assert titles[-1] == "Data notes, definitions and sources"
    [red] = [s for s in board(data, "internal").sections if s.title == "Red items first"]
    [table] = red.blocks
    assert isinstance(table, Table)
    assert [row[1] for row in table.rows] == ["Open requests past 20 weeks"]
    assert table.rows[0][-1] == "No commentary recorded for this period."


def test_publish_summary_suppresses_small_figures_and_their_rag(data: Path) -> None:
    pack = board(data, "publish")
    rows = summary_rows(pack)
    assert rows["pct_within_20_weeks_excl_exceptions"].value == "c"  # base 5 < 20
    assert rows["pct_within_20_weeks_excl_exceptions"].base == "c of c"  # 3 and 5 are 1-7
    assert rows["pct_within_20_weeks_excl_exceptions"].rag == "no figure"
    assert rows["open_breached"].value == "c"
    assert rows["open_breached"].rag == "no figure"  # no RAG for a hidden figure
    assert "Red items first" not in [s.title for s in pack.sections]


def test_publish_pack_holds_no_count_of_1_to_7(data: Path) -> None:
    pack = board(data, "publish")
    cells = count_cells(pack)
    assert cells, "the pack has count columns to check"
    assert [c for c in cells if not publishable_count(c)] == []
    internal = count_cells(board(data, "internal"))
    assert any(isinstance(c, int) and 1 <= c <= 7 for c in internal)  # the check can fail


def test_every_chart_matches_its_table_view(data: Path) -> None:
    for section in board(data, "publish").sections:
        for block in section.blocks:
            if isinstance(block, Chart):
                for series in block.series:
                    assert len(series.values) == len(block.table.rows) == len(block.categories)


def test_face_states_mode_area_and_snapshot(data: Path) -> None:
    face = board(data, "publish", compare="1").face
    assert face.mode == "publish"
    assert face.la == "Exampleshire"
    assert face.snapshot_id == "3"
    assert face.snapshot_words.startswith("Snapshot 3 of ")
    assert face.compared.startswith("Snapshot 1 of ")
    assert [s.name for s in face.sources] == ["cases.csv", "plan.xlsx", "waits.csv"]
    assert all(len(s.sha256) == 64 for s in face.sources)


def test_change_since_the_compared_snapshot(data: Path) -> None:
    # Snapshot 1 held the same case list: 1 past 20 weeks then and now; the percentage rests on
    # 5 plans, under the 20 a change needs; snapshot 1 had no waiting list.
    rows = summary_rows(board(data, "internal", compare="1"))
    # etl.change words it "same as" or "no change since", depending on the branch merged.
    assert re.fullmatch(r"▬ (same as|no change since) snapshot 1", rows["open_breached"].direction)
    assert rows["pct_within_20_weeks_excl_exceptions"].direction == (
        "too few to compare with snapshot 1 (fewer than 20 cases)"
    )
    waits = [r for k, r in rows.items() if k == "pct_over_18_weeks"]
    assert waits and waits[0].direction == "no figure to compare"


def test_an_older_snapshot_gives_its_own_figures(data: Path) -> None:
    # Snapshot 1 has no tracker and no waits: no improvement-plan or waits sections.
    titles = [s.title for s in board(data, "internal", snapshot="1").sections]
    assert "Improvement plan" not in titles and "Health waiting times" not in titles
    assert "Improvement plan" in [s.title for s in board(data, "internal").sections]


def test_rebuilt_pack_has_identical_figures(data: Path) -> None:
    first = board(data, "publish", compare="1")
    again = make_pack(data, mode="publish", compare="1", settings=settings())  # another time
    assert first.sections == again.sections
    assert first.face.generated_at != again.face.generated_at


# ---------------------------------------------------------------- formats, read back


def pdf_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as document:
        return [page.extract_text() or "" for page in document.pages]


def test_pdf_states_mode_and_snapshot_on_face_and_every_page(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "board.pdf"
    pdf.render(board(data, "publish"), out)
    pages = pdf_text(out)
    assert "Publish - counts 1 to 7 shown as c" in pages[0].replace("\n", " ")
    assert "Snapshot 3 of" in pages[0]
    assert all("Publish | Snapshot 3 of" in page for page in pages)
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    text = "\n".join(pages)
    assert not PSEUDONYMOUS.search(text)


def test_pdf_tables_hold_no_small_count(data: Path, tmp_path: Path) -> None:
    pack = board(data, "publish")
    out = tmp_path / "board.pdf"
    pdf.render(pack, out)
    count_headings = {c.heading for t in pack.tables() for c in t.columns if c.unit == "count"}
    checked = 0
    with pdfplumber.open(out) as document:
        for page in document.pages:
            for table in page.extract_tables():
                heads = [" ".join((h or "").split()) for h in table[0]]
                for i, head in enumerate(heads):
                    if head in count_headings:
                        for row in table[1:]:
                            cell = (row[i] or "").replace(",", "")
                            checked += 1
                            assert not re.fullmatch(r"[1-7]", cell), (head, row)
    assert checked > 0


def test_pdf_internal_shows_rag_in_words(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "board.pdf"
    pdf.render(board(data, "internal"), out)
    summary = pdf_text(out)[1]
    assert "RED (square)" in summary and "GREEN (circle)" in summary
    assert "60.0%" in summary and "85.7%" in summary


def test_pptx_charts_are_native_and_figures_match(data: Path, tmp_path: Path) -> None:
    pack = board(data, "publish")
    out = tmp_path / "board.pptx"
    pptx.render(pack, out)
    deck = Presentation(str(out))
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 16:9, 13.333 x 7.5 in
    charts = [s.chart for slide in deck.slides for s in slide.shapes if s.has_chart]
    model = [b for s in pack.sections for b in s.blocks if isinstance(b, Chart)]
    assert len(charts) == len(model) > 0
    kinds = {
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
        "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
        "line": XL_CHART_TYPE.LINE_MARKERS,
    }
    for native, chart in zip(charts, model, strict=True):
        assert native.chart_type == kinds[chart.type]
        assert [tuple(s.values) for s in native.plots[0].series] == [s.values for s in chart.series]
        assert list(native.plots[0].categories) == list(chart.categories)
    texts = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any("Publish - counts 1 to 7" in t for t in texts[:4])  # the face slide
    assert all(
        any(
            "PUBLISH | Exampleshire | Snapshot 3 of" in shape.text_frame.text
            for shape in slide.shapes
            if shape.has_text_frame
        )
        for slide in deck.slides
    )
    cells = [
        cell.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert not PSEUDONYMOUS.search("\n".join(texts + cells))


def test_xlsx_has_about_sheet_numbers_as_numbers_and_no_small_count(
    data: Path, tmp_path: Path
) -> None:
    pack = board(data, "publish")
    out = tmp_path / "board.xlsx"
    xlsx.render(pack, out)
    book = openpyxl.load_workbook(out)
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if r[0]}
    assert about["Mode"].startswith("Publish - counts 1 to 7")
    assert about["Snapshot"].startswith("Snapshot 3 of")
    assert about["Local area"] == "Exampleshire"
    tables = pack.tables()
    assert book.sheetnames == ["About", *xlsx.sheet_names(tables)]
    for name, table in zip(book.sheetnames[1:], tables, strict=True):
        sheet = book[name]
        assert sheet["A2"].value.startswith("Publish | Exampleshire | Snapshot 3 of")
        rows = list(sheet.iter_rows(min_row=5, max_row=4 + len(table.rows), values_only=True))
        for got, want in zip(rows, table.rows, strict=True):
            assert list(got[: len(want)]) == [_as_read(v) for v in want]
        for i, column in enumerate(table.columns):
            if column.unit == "count":
                assert all(publishable_count(r[i]) for r in rows)
    everything = "\n".join(
        str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r if v
    )
    assert not PSEUDONYMOUS.search(everything)


def _as_read(value: object) -> object:
    """How openpyxl reads a cell back: dates as datetimes, empty text as an empty cell."""
    if value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def test_cli_pack_writes_each_format(data: Path, tmp_path: Path) -> None:
    env = {"SEND_DATA_DIR": str(data), "SEND_CONFIG": str(tmp_path / "none.toml")}
    for fmt in ("pdf", "pptx", "xlsx"):
        out = tmp_path / f"board.{fmt}"
        done = run(("pack", "--out", str(out), "--compare", "previous", "--json"), env)
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 0
        assert f'"format": "{fmt}"' in done.stdout and '"mode": "publish"' in done.stdout


def test_cli_pack_usage_errors(data: Path, tmp_path: Path) -> None:
    env = {"SEND_DATA_DIR": str(data), "SEND_CONFIG": str(tmp_path / "none.toml")}
    done = run(("pack", "--out", str(tmp_path / "board.docx")), env)
    assert done.returncode == 2 and "--format" in done.stderr
    done = run(("pack", "--out", str(tmp_path / "b.pdf"), "--snapshot", "Nope"), env)
    assert done.returncode == 2
    empty = {"SEND_DATA_DIR": str(tmp_path / "empty"), "SEND_CONFIG": env["SEND_CONFIG"]}
    done = run(("pack", "--out", str(tmp_path / "b.pdf")), empty)
    assert done.returncode == 1


def test_format_cell_units() -> None:
    assert format_cell(60.0, "%", 1) == "60.0%"
    assert format_cell(1234, "count") == "1,234"
    assert format_cell("c", "%") == "c"
    assert format_cell(None, "%") == "–"
    assert format_cell(2.345, "per 100") == "2.35"  # 2 dp, half away from zero
    assert format_cell(11.44, "weeks") == "11.4 weeks"
    assert format_cell(dt.date(2026, 10, 1), "month") == "Oct 2026"


def test_owner_commentary_is_shown_beside_the_red_item(tmp_path: Path) -> None:
    from etl import commentary

    data = build_warehouse(tmp_path)
    commentary.record(
        data,
        kind="measure",
        subject="open_breached",
        period="2026-11",  # the month of the pack's as-at date, 1 Nov 2026
        author="Head of SEND",
        text="Two panels added in December.",
    )
    pack = make_pack(data, mode="internal", settings=settings(), now=NOW)
    [red] = [s for s in pack.sections if s.title == "Red items first"]
    [table] = red.blocks
    assert isinstance(table, Table)
    [row] = table.rows
    assert row[1] == "Open requests past 20 weeks"
    assert str(row[-1]).startswith("Two panels added in December. (Head of SEND, 20")


def test_cli_review_pack_uses_the_same_renderers(data: Path, tmp_path: Path) -> None:
    env = {"SEND_DATA_DIR": str(data), "SEND_CONFIG": str(tmp_path / "none.toml")}
    out = tmp_path / "review.xlsx"
    done = run(("pack", "--kind", "review", "--out", str(out)), env)
    assert done.returncode == 0, done.stderr
    about = {r[0]: r[1] for r in openpyxl.load_workbook(out)["About"].iter_rows(values_only=True)}
    assert about["Pack"] == "SEND improvement plan: 12-month review pack"
    assert str(about["Mode"]).startswith("Publish")
    assert str(about["Snapshot"]).startswith("Snapshot 3 of")
