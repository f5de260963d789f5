"""Lists fetched a page at a time (issue 11): only the chosen page is fetched and drawn, the
picker counts the whole list, a page past the end starts again, and the download fetches every
row only when clicked."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app() -> None:
    import pandas as pd
    import streamlit as st

    from ui import components

    total = int(st.session_state.get("total", 70))
    fetched = st.session_state.setdefault("fetched", [])

    def fetch(first: list[int]) -> list[pd.DataFrame]:
        (start,) = first
        fetched.append(start)
        return [pd.DataFrame({"n": range(start + 1, min(start + 25, total) + 1)})]

    (page,) = components.fetch_pages(fetch, ["numbers"], 25)
    start, end = components.page_picker(total, "numbers", 25)
    st.write(f"shown={page['n'].iloc[0]}..{page['n'].iloc[-1]} rows={start}..{end}")


def _run(total: int, page: int | None = None) -> AppTest:
    at = AppTest.from_function(_app, default_timeout=60)
    at.session_state["total"] = total
    at.run()
    if page is not None:
        at.number_input(key="page_numbers").set_value(page).run()
    assert not at.exception
    return at


def test_the_first_page_is_fetched_and_the_picker_counts_the_whole_list() -> None:
    at = _run(70)
    # 70 rows at 25 a page: 3 pages (25 + 25 + 20); only rows 1-25 fetched.
    assert at.number_input(key="page_numbers").max == 3
    assert at.caption[0].value == "Rows 1 to 25 of 70. The download has every row."
    assert at.markdown[-1].value == "shown=1..25 rows=0..25"
    assert at.session_state["fetched"] == [0]


def test_the_chosen_page_is_fetched_from_its_first_row() -> None:
    at = _run(70, page=3)
    # Page 3 starts at row 51 (offset 50) and holds the last 20 rows.
    assert at.caption[0].value == "Rows 51 to 70 of 70. The download has every row."
    assert at.markdown[-1].value == "shown=51..70 rows=50..70"


def test_a_page_past_the_end_of_a_shorter_list_starts_again() -> None:
    at = _run(70, page=3)
    at.session_state["total"] = 30  # the list got shorter: 2 pages, page 3 fetches nothing
    at.session_state["fetched"] = []
    at.run()
    assert not at.exception
    assert at.session_state["fetched"] == [50, 0]  # empty page 3, then page 1 again
    assert at.number_input(key="page_numbers").value == 1
    assert at.markdown[-1].value == "shown=1..25 rows=0..25"
