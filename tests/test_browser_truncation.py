"""Nothing is cut off at 1280x720: every page, in Debian's Chromium, with the demo data.

The pages are found from the sidebar's navigation, so a page added later is checked without
editing this test. On each page every tab ("Chart" / "Show as table") and every expander is
opened, and ``tests/truncation.js`` lists any text that does not fit:

- a box narrower than its text that cuts it off (hidden overflow, "…" ellipsis) or scrolls it
  sideways out of sight;
- text clipped at the bottom of its box;
- a word broken across two lines ("Wolverhamp / ton");
- chart text (labels, legends, annotations) outside the chart's own box;
- a data grid with columns scrolled out of sight to the right.

Skipped only when /usr/bin/chromium is not installed (`make chromium` installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl import config
from tests.cli_runner import run
from tests.test_browser_smoke import CHROMIUM, CHROMIUM_ARGS, SHARED
from tests.test_pages import registered_pages
from tests.ui_fixtures import REPO, streamlit_server

DETECTOR = (Path(__file__).parent / "truncation.js").read_text(encoding="utf-8")
PROJECTOR = {"width": 1280, "height": 720}
TIMEOUT_MS = 60_000
SETTLED = (
    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
)


def nav_paths(page: object, url: str) -> list[str]:
    """The url path of every page in the sidebar navigation ("" for the default page)."""
    # A fresh server's first run can list the pages/ folder; the second lists st.navigation's.
    for _ in range(2):
        page.goto(url)  # type: ignore[attr-defined]
        page.wait_for_selector("h1", timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
        settle(page, 0)
    page.wait_for_selector('[data-testid="stSidebarNav"] a', timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    hrefs: list[str] = page.eval_on_selector_all(  # type: ignore[attr-defined]
        '[data-testid="stSidebarNav"] a', "links => links.map(a => a.href)"
    )
    return [href.rstrip("/")[len(url) :].lstrip("/") for href in hrefs]


def settle(page: object, ms: int = 1_500) -> None:
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)  # type: ignore[attr-defined]
    page.wait_for_timeout(ms)  # type: ignore[attr-defined]


def problems_on(page: object) -> list[dict[str, object]]:
    """Everything cut off on the page as it stands, then with each tab and expander opened."""
    found: list[dict[str, object]] = list(page.evaluate(DETECTOR))  # type: ignore[attr-defined]
    # Handles, not locators: a locator's nth would shift as each expander opens.
    closed = '[data-testid="stExpander"] details:not([open]) > summary'
    for expander in page.query_selector_all(closed):  # type: ignore[attr-defined]
        if expander.is_visible():
            expander.click()
    tabs = page.locator('[data-testid="stTab"]')  # type: ignore[attr-defined]
    opened: set[str | None] = set()
    for _ in range(3):  # a tab inside a tab shows only once its outer tab is open
        for index in range(tabs.count()):
            tab = tabs.nth(index)
            key = tab.get_attribute("id")
            if key in opened or not tab.is_visible():
                continue
            opened.add(key)
            if tab.get_attribute("aria-selected") != "true":
                tab.click()
                # A chart's "Show as table" reruns the page to draw its table (issue 11).
                page.wait_for_timeout(300)  # type: ignore[attr-defined]
                settle(page, 500)
                found.extend(page.evaluate(DETECTOR))  # type: ignore[attr-defined]
    unique = {repr(sorted(p.items())): p for p in found}
    return list(unique.values())


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set (case list, trackers, action logs) and, where present, the real
    published statistics: the same data a new user sees first."""
    data = tmp_path_factory.mktemp("truncation") / "data"
    env = {**os.environ, "SEND_DATA_DIR": str(data)}
    assert run(("demo", "--data-dir", str(data)), env).returncode == 0
    if SHARED.exists():
        assert run(("load-published", str(SHARED), "--data-dir", str(data)), env).returncode == 0
    return data


@pytest.mark.browser
@pytest.mark.slow
def test_no_text_is_cut_off_at_1280x720(
    demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (run `make chromium`)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Our LA set, so Benchmarking shows its figures (unset, it only asks): Wolverhampton, the
    # long name once broken mid-word ("Wolverhamp ton").
    settings_file = tmp_path / "send_dashboard.toml"
    settings_file.write_text((REPO / "send_dashboard.toml").read_text(encoding="utf-8"))
    monkeypatch.setenv("SEND_CONFIG", str(settings_file))
    config.save_home_la("E08000031")
    report: dict[str, list[dict[str, object]]] = {}
    with streamlit_server(demo_data) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=PROJECTOR)
            paths = nav_paths(page, url)
            # Every registered page is in the navigation, so every page is checked.
            assert len(paths) == len(registered_pages()), paths
            for path in paths:
                page.goto(f"{url}/{path}")
                page.wait_for_selector("h1", timeout=TIMEOUT_MS)
                settle(page)
                assert page.locator('[data-testid="stException"]').count() == 0, path
                if problems := problems_on(page):
                    report[path or "(default page)"] = problems
        finally:
            browser.close()
    assert not report, "Text cut off at 1280x720:\n" + "\n".join(
        f"{name}: {problem}" for name, problems in report.items() for problem in problems
    )
