"""One real-browser smoke test: start the dashboard with `streamlit run`, open every registered
page in Debian's Chromium (Playwright), and check it renders its title with no error element.

Skipped only when /usr/bin/chromium is not installed (`make chromium` installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_pages import registered_pages
from tests.ui_fixtures import build_warehouse, streamlit_server, synthetic_rows

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# url path → heading the page must show (url paths follow the page file names).
TITLES = {
    "overview": "Overview",
    "timeliness": "EHC plan timeliness",
    "waiting_times": "Waiting times",
    "exclusions": "Suspensions and exclusions",
    "benchmark": "Benchmarking",
    "improvement_plan": "Improvement plan",
    "board_pack": "Board pack",
    "meeting": "Meeting mode",
    "data_quality": "Data quality",
    "audit": "Audit trail",
}
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference-data"
RENDER_TIMEOUT_MS = 60_000


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_renders_in_a_real_browser(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (run `make chromium`)")
    sync_api = pytest.importorskip("playwright.sync_api")

    pages = [Path(p).stem for p in registered_pages()]
    assert set(pages) == set(TITLES), "add the new page's title to TITLES"
    data = build_warehouse(tmp_path, synthetic_rows(), synthetic=True)
    if SHARED.exists():  # real published figures, so the Benchmarking page draws its charts
        from etl.published import load_published

        load_published(SHARED, data)
    # Open a sub-page first: a fresh server's first run is the one most likely to go wrong.
    order = [*pages[1:], pages[0]]

    with streamlit_server(data) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            for name in order:
                path = "" if name == pages[0] else name
                page.goto(f"{url}/{path}")
                page.get_by_role("heading", name=TITLES[name]).first.wait_for(
                    timeout=RENDER_TIMEOUT_MS
                )
                # Wait until the script run has finished and nothing is still loading.
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                    " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
                    timeout=RENDER_TIMEOUT_MS,
                )
                assert page.locator('[data-testid="stException"]').count() == 0, name
                body = page.locator('[data-testid="stMain"]').inner_text()
                for word in ("Traceback", "Exception", "Error:"):
                    assert word not in body, f"{name}: {word!r} on the page"
                assert "SYNTHETIC DATA" in body, name
                # The shared sidebar is there on every page (as-at date and export mode).
                sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
                assert "As-at date" in sidebar and "Export mode" in sidebar, name
                if os.environ.get("SEND_SCREENSHOTS"):
                    page.screenshot(path=str(Path(os.environ["SEND_SCREENSHOTS"]) / f"{name}.png"))
        finally:
            browser.close()
