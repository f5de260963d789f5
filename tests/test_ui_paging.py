"""Long tables are shown a page at a time (issue 11); the download still holds every row."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app() -> None:
    import pandas as pd
    import streamlit as st

    from ui.components import page_of

    rows = int(st.session_state.get("rows", 700))
    page_rows = int(st.session_state.get("page_rows", 300))
    shown = page_of(pd.DataFrame({"n": range(1, rows + 1)}), "numbers", page_rows)
    st.write(f"first={shown['n'].iloc[0]} last={shown['n'].iloc[-1]} count={len(shown)}")


def _run(rows: int, page: int | None = None, page_rows: int = 300) -> AppTest:
    at = AppTest.from_function(_app, default_timeout=60)
    at.session_state["rows"] = rows
    at.session_state["page_rows"] = page_rows
    at.run()
    if page is not None:
        at.number_input(key="page_numbers").set_value(page).run()
    assert not at.exception
    return at


def test_a_long_table_shows_its_first_page_and_says_which_rows() -> None:
    at = _run(700)
    # 700 rows at 300 a page: 3 pages (300 + 300 + 100).
    assert at.number_input(key="page_numbers").max == 3
    assert at.caption[0].value == "Rows 1 to 300 of 700. The download has every row."
    assert at.markdown[-1].value == "first=1 last=300 count=300"


def test_the_last_page_holds_the_remainder() -> None:
    at = _run(700, page=3)
    assert at.caption[0].value == "Rows 601 to 700 of 700. The download has every row."
    assert at.markdown[-1].value == "first=601 last=700 count=100"


def test_a_table_of_one_page_has_no_picker() -> None:
    at = _run(300)
    assert not at.number_input
    assert at.markdown[-1].value == "first=1 last=300 count=300"


def test_a_list_in_the_data_grid_is_paged_at_its_own_size() -> None:
    # The problem list (data grid) is paged at GRID_PAGE_ROWS = 1,000: 2,500 rows make 3
    # pages (1,000 + 1,000 + 500); page 2 holds rows 1,001 to 2,000.
    at = _run(2500, page=2, page_rows=1000)
    assert at.number_input(key="page_numbers").max == 3
    assert at.caption[0].value == "Rows 1,001 to 2,000 of 2,500. The download has every row."
    assert at.markdown[-1].value == "first=1001 last=2000 count=1000"
