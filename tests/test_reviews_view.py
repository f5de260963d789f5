"""The annual reviews section of the EHC plan timeliness page (``ui/reviews_view.py``), on the
hand-made children of ``tests/golden_codes_fixture.py`` (figures worked out there), and its pure
parts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.warehouse import run_load
from tests import golden_codes_fixture as g
from tests.test_pages import metrics, open_page, table_with
from ui import reviews_view


@pytest.fixture(scope="module")
def reviews_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reviews")
    report = run_load([g.write_workbook(folder / "sen2.xlsx")], folder / "data", as_of=g.AS_OF)
    assert report.published
    return folder / "data"


@pytest.fixture
def reviews(reviews_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SEND_DATA_DIR", str(reviews_dir))
    yield reviews_dir


def _page() -> AppTest:
    at = open_page("pages/timeliness.py")
    assert at.sidebar.date_input(key="as_at").value == g.AS_OF
    return at


def test_section_shows_hand_worked_figures(reviews: Path) -> None:
    at = _page()
    shown = metrics(at)
    # 4 of 6 due plans overdue; 2 of 3 decisions within 4 weeks (fixture docstring).
    assert shown["Annual reviews overdue (% of plans due)"][0] == "66.7%"
    assert shown["Annual review decisions within 4 weeks"][0] == "66.7%"
    captions = " ".join(c.value for c in at.caption)
    assert "4 of 6 plans due a review" in captions
    assert "2 of 3 review decisions" in captions
    table = table_with(at, "Annual review position")
    assert table.to_dict("list") == {
        "Annual review position": [
            "No review recorded",
            "Overdue more than 6 months",
            "Overdue 3 to 6 months",
            "Overdue up to 3 months",
            "Reviewed in the last 12 months",
            "Not yet due",
        ],
        "EHC plans": ["1", "1", "0", "2", "2", "1"],
    }


def test_publish_mode_suppresses_the_review_table_export(reviews: Path) -> None:
    at = _page()
    at.sidebar.radio(key="export_mode").set_value("Publish").run()
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert any("publish" in label for label in labels)
    export = reviews_view.REVIEW_COLUMNS
    frame = pd.DataFrame(
        {"review_status": ["Not yet due", "Overdue up to 3 months"], "plans": [1, 0]}
    )
    from ui.formatting import display_table

    # Counts 1-7 are "c" in publish mode; 0 stays 0 (DESIGN §7).
    assert display_table(frame, "publish", export)["EHC plans"].tolist() == ["c", "0"]


def test_status_chart_draws_every_position_with_its_count() -> None:
    frame = pd.DataFrame(
        {"review_status": list(reviews_view.STATUS_COLOURS), "plans": [3, 0, 0, 12, 40, 9]}
    )
    fig = reviews_view.status_chart(frame)
    bar = fig.data[0]
    assert list(bar.y) == list(reviews_view.STATUS_COLOURS)
    assert list(bar.text) == ["3", "0", "0", "12", "40", "9"]


def test_words_beside_dfe() -> None:
    assert reviews_view.england_text(None) is None
    england = {"value": 44.4, "year": 2024, "release": "DfE EES 2025"}
    assert reviews_view.england_text(england) == (
        "For comparison, England in 2024 (DfE published): 44.4% of annual review decisions "
        "within 4 weeks of the meeting (DfE EES 2025). Region, neighbours and rank: "
        "Benchmarking page."
    )
    figures = {
        "decisions_made": 3,
        "decisions_within_4_weeks": 2,
        "pct_decisions_within_4_weeks": 66.7,
    }
    text = reviews_view.comparison_text(figures, dt.date(2025, 1, 16))
    assert text is not None and text.startswith(
        "Our SEN2 data as at 16 Jan 2025: 66.7% of annual review decisions within 4 weeks of "
        "the meeting (2 of 3)."
    )
    assert reviews_view.comparison_text({**figures, "decisions_made": 0}, g.AS_OF) is None
    # Our figure shares DfE's catalogue key, so the published measure is the one it sits beside.
    from etl.published import MEASURES

    assert reviews_view.FOUR_WEEKS in MEASURES
