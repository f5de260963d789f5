"""The Board pack page (AppTest) on the golden case list: build a pack in the sidebar's mode
and offer it for download; and the renderers' own rules on a hand-made pack."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from etl.packs import pdf, xlsx
from etl.packs.model import Column, Pack, Section, Table
from tests import pack_fixture
from tests import sen2_builders as b
from tests.test_pages import open_page
from tests.ui_fixtures import AS_OF, build_warehouse
from ui import pack_view

PAGE = "pages/board_pack.py"


@pytest.fixture(scope="module")
def golden_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack-page")
    with pytest.MonkeyPatch.context() as patch:
        b.isolate_settings(patch, folder)
        return build_warehouse(folder, as_of=AS_OF)


@pytest.fixture
def golden(golden_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    b.isolate_settings(monkeypatch, tmp_path)
    monkeypatch.setenv("SEND_DATA_DIR", str(golden_dir))
    yield golden_dir


def test_page_offers_the_pack_in_the_sidebar_mode(golden: Path) -> None:
    at = open_page(PAGE)
    at.sidebar.radio(key="export_mode").set_value("Publish").run()
    assert not at.exception
    assert "Mode: publish" in " ".join(m.value for m in at.markdown)
    # One snapshot was taken by the golden load: offered by its label, newest first.
    assert at.selectbox(key="pack_snapshot").options == [
        pack_view.LATEST,
        "Snapshot 1 of 1 Nov 2026",
    ]
    assert at.selectbox(key="pack_compare").options == [
        pack_view.NO_COMPARISON,
        "Snapshot 1 of 1 Nov 2026",
    ]
    [button] = at.get("download_button")
    assert "Build and download the board pack (PDF)" in str(button.proto)
    assert "python -m etl pack --kind board --mode publish" in " ".join(c.value for c in at.caption)


def test_choice_builds_the_publish_pdf(golden: Path) -> None:
    choice = pack_view.Choice(golden, "board", "publish", "1", None, "pdf")
    assert choice.filename == "board_pack_snapshot-1_publish.pdf"
    with pdfplumber.open(io.BytesIO(choice.build_bytes())) as document:
        face = document.pages[0].extract_text()
    assert "Publish - counts 1 to 7" in face.replace("\n", " ")
    assert "Snapshot 1 of 1 Nov 2026" in face


def test_choice_says_why_a_pack_cannot_be_made(golden: Path) -> None:
    choice = pack_view.Choice(golden, "board", "publish", "99", None, "xlsx")
    with pytest.raises(pack_view.PackProblem, match="The pack could not be made"):
        choice.build_bytes()


# ---------------------------------------------------------------- renderers, hand-made pack


def test_xlsx_escapes_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    table = Table(
        "Hostile =cells",
        (Column("Name"), Column("Count", "count"), Column("Share", "%")),
        (('=HYPERLINK("x")', 10, 37.5), ("+1", "c", "c"), ("@SUM(A1)", 0, None)),
    )
    pack = Pack(pack_fixture.face(), (Section("S", (table,)),))
    out = tmp_path / "p.xlsx"
    xlsx.render(pack, out)
    sheet = openpyxl.load_workbook(out)["Hostile =cells"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows[0] == ("Name", "Count", "Share (%)")
    assert rows[1:4] == [('\'=HYPERLINK("x")', 10, 37.5), ("'+1", "c", "c"), ("'@SUM(A1)", 0, None)]


def test_sheet_names_are_unique_legal_and_short() -> None:
    long = "A very long table title: with [brackets] and / slashes that Excel refuses"
    tables = [Table(long, (), ()), Table(long, (), ()), Table("About", (), ())]
    names = xlsx.sheet_names(tables)
    # ": [ ] /" become spaces, runs of spaces one: "A very long table title with brackets and
    # slashes …" cut to 31 characters; the repeat cut to 27 + " (2)"; "About" is the About sheet's.
    assert names == [
        "A very long table title with br",
        "A very long table title wit (2)",
        "About (2)",
    ]
    assert all(len(n) <= 31 for n in names)


def test_pdf_of_the_hand_made_pack(tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    pdf.render(pack_fixture.pack("publish"), out)
    with pdfplumber.open(out) as document:
        pages = [p.extract_text() for p in document.pages]
    assert "Publish - counts 1 to 7" in pages[0].replace("\n", " ")
    assert "Snapshot 2026-12-01-003, 'Board 12 March'" in pages[0]
    summary = pages[1]
    assert "GREEN (circle)" in summary and "RED (square)" in summary
    assert ">= 60.0%" in summary  # "≥" written in the core font's characters
    assert "Caseload doubled after the tribunal." in "\n".join(pages)


@pytest.mark.parametrize(
    ("rough", "step"),
    [(12.3, 20), (20, 20), (0.3, 0.5), (7, 10), (0.12, 0.2), (41, 50), (0, 1)],
)
def test_nice_axis_steps(rough: float, step: float) -> None:
    # The smallest of 1, 2, 2.5, 5 x 10^k at least the rough step: 12.3 -> 20 (10 < 12.3 <= 20).
    assert pdf.nice_step(rough) == pytest.approx(step)


def test_latin1_keeps_meaning() -> None:
    assert pdf.latin1("≥ 60% – ▲ up ‘c’") == ">= 60% - ^ up 'c'"


def test_long_text_runs_over_several_slides() -> None:
    from etl.packs.pptx import text_pages

    # At 12 pt a line of the 12.333-inch box holds 12.333 x 72 / 6 = 888 / 6 = 148 characters,
    # and a slide int(5.2 x 72 / 15) - 1 = int(24.96) - 1 = 23 lines: 40 one-line sources need
    # two slides (23 + 17).
    pages = text_pages([f"file{i}.csv sha256 abcdef" for i in range(40)], 12)
    assert [len(p) for p in pages] == [23, 17]
    # A paragraph of 300 characters takes 3 lines (148, 148, 4): 7 fill 21 lines, the 8th would
    # make 24 > 23, so it starts a second slide.
    assert [len(p) for p in text_pages(["x" * 300] * 8, 12)] == [7, 1]
