"""Screenshot every dashboard page in headless Debian Chromium, to look at what users see.

    python scripts/screenshots.py [--url http://localhost:8501] [--out screenshots] [--width 1280]

Start the dashboard first (`make run`). Writes two PNGs per page into --out: ``<page>_first.png``,
the first screen exactly as a projector of that size shows it, and ``<page>.png``, the whole page
(the window is made as tall as the page's scrolling area, since Streamlit scrolls inside it).
Pages are found from the sidebar's navigation links, so a new page is covered without editing
this script.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 60_000
# Streamlit has finished a run when neither its "running" widget nor a loading skeleton shows.
SETTLED = (
    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
)


def page_paths(page: Page, url: str) -> list[str]:
    """The url path of every page in the sidebar's navigation, in the order shown."""
    # A fresh server's first run can list the pages/ folder; the second lists st.navigation's.
    for _ in range(2):
        page.goto(url)
        page.wait_for_selector("h1", timeout=TIMEOUT_MS)
        page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stSidebarNav"] a', timeout=TIMEOUT_MS)
    hrefs = page.eval_on_selector_all(
        '[data-testid="stSidebarNav"] a', "links => links.map(a => a.href)"
    )
    return [href.rstrip("/")[len(url) :].lstrip("/") for href in hrefs]


def open_page(page: Page, url: str, path: str, settle_ms: int) -> None:
    """Open one page and wait until Streamlit has finished drawing it (charts included)."""
    page.goto(f"{url}/{path}")
    page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(settle_ms)  # let plotly finish drawing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8501")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--settle-ms", type=int, default=3_000, help="wait for charts to draw")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    url = args.url.rstrip("/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        for path in page_paths(page, url):
            name = path or "overview"
            page.set_viewport_size({"width": args.width, "height": args.height})
            open_page(page, url, path, args.settle_ms)
            first = args.out / f"{name}_first.png"
            page.screenshot(path=str(first))
            print(first)
            height = page.evaluate(
                "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
            )
            page.set_viewport_size({"width": args.width, "height": max(args.height, height)})
            page.wait_for_timeout(args.settle_ms)  # charts redraw at the new size
            whole = args.out / f"{name}.png"
            page.screenshot(path=str(whole), full_page=True)
            print(whole)
        browser.close()


if __name__ == "__main__":
    main()
