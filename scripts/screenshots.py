"""Screenshot every dashboard page in headless Debian Chromium, to look at what users see.

    python scripts/screenshots.py [--url http://localhost:8501] [--out screenshots] [--width 1600]

Start the dashboard first (`make run`). Writes one full-page PNG per page into --out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {
    "overview": "",
    "timeliness": "timeliness",
    "waiting_times": "waiting_times",
    "exclusions": "exclusions",
    "benchmark": "benchmark",
    "improvement_plan": "improvement_plan",
    "data_quality": "data_quality",
}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8501")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--settle-ms", type=int, default=6_000, help="wait for charts to draw")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        for name, path in PAGES.items():
            page.goto(f"{args.url.rstrip('/')}/{path}")
            page.wait_for_selector("h1", timeout=60_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(args.settle_ms)  # let plotly finish drawing
            target = args.out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
