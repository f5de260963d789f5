"""Benchmark (issue 11): seconds from navigation to each page's first chart in headless Chromium.

Prints figures; asserts nothing (DESIGN §9). Quote the load average it prints: on a shared
machine the ratios to the baseline hold better than the seconds.

    python scripts/benchmark_browser.py --data-dir DIR [--rounds 3] [--pages overview …]
    python scripts/benchmark_browser.py --url http://localhost:8501 [--rounds 3]

Without ``--url`` it starts ``streamlit run dashboard.py`` on DIR (a loaded data folder, e.g.
``python -m etl demo --data-dir DIR`` then ``load-published``) and stops it at the end. Every page
in the sidebar's navigation is opened once to warm the server and the browser's cache, then
``--rounds`` times in turn. Each round times, from ``page.goto`` (navigation start):

- ``title``: the page's heading (``h1``) visible: the baseline, the same Streamlit start-up with
  no chart to draw;
- ``chart``: the first ``.js-plotly-plot`` with a drawn plot area (``.main-svg``) visible, for
  pages that draw charts (found in the warm-up); the title for pages that draw none;
- ``settled``: the script run finished (no running widget, no skeleton).

Three modes: ``warm`` reuses one browser context (plotly.js and Streamlit's bundles cached) and
loads each page's address afresh; ``cold`` opens a new context for every page (an empty cache: the
first visit of the day); ``click`` opens a page without charts, then times a click on the target's
link in the sidebar (no page reload: how a reader moves between pages; the title is then the
target's heading replacing the first page's, and no websocket bytes are counted). Also printed
per page: the number of charts, the plotly figure JSON (``data`` + ``layout`` of every chart, as
drawn in the DOM) and the bytes received on Streamlit's websocket during the load.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402
from screenshots import CHROMIUM_ARGS, SETTLED, TIMEOUT_MS, page_paths  # noqa: E402

CHART = ".js-plotly-plot .main-svg"
# Sum of the JSON of every drawn chart's figure (what Streamlit hands plotly.js), in bytes.
FIGURE_BYTES = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
    gd => new TextEncoder().encode(JSON.stringify({data: gd.data, layout: gd.layout})).length)"""


@dataclass
class Timing:
    title: list[float] = field(default_factory=list)
    chart: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    charts: int = 0
    figure_bytes: list[int] = field(default_factory=list)
    socket_bytes: int = 0


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


@contextlib.contextmanager
def _server(data_dir: Path) -> Iterator[str]:
    from tests.ui_fixtures import streamlit_server

    with streamlit_server(data_dir, timeout=120) as url:
        yield url


def _click(
    page: Page, url: str, start_path: str, link: int, has_chart: bool
) -> tuple[float, float, float]:
    """From ``start_path`` (a page without charts) click the sidebar's ``link``-th link: seconds
    to the new heading, to the first chart, to settled."""
    page.goto(f"{url}/{start_path}")
    page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)
    old = page.inner_text("h1")
    start = time.perf_counter()
    page.locator('[data-testid="stSidebarNav"] a').nth(link).click()
    page.wait_for_function(
        "old => { const h = document.querySelector('h1'); return h && h.innerText !== old; }",
        arg=old,
        timeout=TIMEOUT_MS,
    )
    return _timed(page, start, has_chart)


def _timed(page: Page, start: float, has_chart: bool) -> tuple[float, float, float]:
    """Seconds from ``start`` to the title (already visible), the first chart, and settled."""
    title = time.perf_counter() - start
    chart = title
    if has_chart:
        page.wait_for_selector(CHART, state="visible", timeout=TIMEOUT_MS)
        chart = time.perf_counter() - start
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    return title, chart, time.perf_counter() - start


def _visit(page: Page, url: str, path: str, has_chart: bool) -> tuple[float, float, float, int]:
    """One timed visit: seconds to the title, to the first chart, to settled; websocket bytes."""
    received = [0]

    def on_socket(ws: object) -> None:
        ws.on("framereceived", lambda frame: received.__setitem__(0, received[0] + len(frame)))  # type: ignore[attr-defined]

    page.on("websocket", on_socket)
    start = time.perf_counter()
    page.goto(f"{url}/{path}", wait_until="commit")
    page.wait_for_selector("h1", state="visible", timeout=TIMEOUT_MS)
    title, chart, settled = _timed(page, start, has_chart)
    page.remove_listener("websocket", on_socket)
    return title, chart, settled, received[0]


def _warm_up(page: Page, url: str, path: str) -> tuple[int, list[int]]:
    """Open the page and wait for everything to draw; its chart count and figure sizes."""
    page.goto(f"{url}/{path}")
    page.wait_for_selector("h1", timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1_500)  # plotly draws after the run settles
    sizes: list[int] = page.evaluate(FIGURE_BYTES)
    return len(sizes), sizes


def bench(
    browser: Browser, url: str, nav: list[str], paths: list[str], rounds: int, mode: str
) -> dict[str, Timing]:
    """Time ``paths`` (url paths, in ``nav``: every page in the sidebar's order)."""
    viewport = {"width": 1280, "height": 720}
    shared: BrowserContext = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = shared.new_page()
    results = {path: Timing() for path in paths}
    for path in paths:
        results[path].charts, results[path].figure_bytes = _warm_up(page, url, path)
    start_path = ""
    if mode == "click":
        # Start from a timed page without charts (the Overview): every chart seen is new.
        chartless = [p for p in paths if not results[p].charts]
        if not chartless:
            print("click mode needs a page without charts among --pages (e.g. overview)")
            return {}
        start_path = chartless[0]
        paths = [p for p in paths if p != start_path]
        results = {p: results[p] for p in paths}
    for _ in range(rounds):
        for path in paths:
            timing = results[path]
            if mode == "click":
                link = nav.index(path)
                title, chart, settled = _click(page, url, start_path, link, timing.charts > 0)
                timing.title.append(title)
                timing.chart.append(chart)
                timing.settled.append(settled)
                continue
            if mode == "cold":
                context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
                visit_page = context.new_page()
            else:
                visit_page = page
            title, chart, settled, received = _visit(visit_page, url, path, timing.charts > 0)
            if mode == "cold":
                visit_page.context.close()
            timing.title.append(title)
            timing.chart.append(chart)
            timing.settled.append(settled)
            timing.socket_bytes = max(timing.socket_bytes, received)
    shared.close()
    return results


def _ms(values: list[float]) -> str:
    return f"{min(values):5.2f} / {statistics.median(values):5.2f}"


def report(mode: str, results: dict[str, Timing], target: float) -> None:
    print(f"\n{mode} browser cache: seconds from navigation, min / median")
    print(
        f"  {'page':<18} {'title (base)':>14} {'first chart':>14} {'settled':>14}"
        f" {'charts':>6} {'figure JSON':>12} {'websocket':>10}"
    )
    for path, t in results.items():
        over = " > target" if t.charts and statistics.median(t.chart) > target else ""
        print(
            f"  {path or 'overview':<18} {_ms(t.title):>14} {_ms(t.chart):>14} {_ms(t.settled):>14}"
            f" {t.charts:>6} {sum(t.figure_bytes) / 1024:>9.0f} KB"
            f" {t.socket_bytes / 1024:>7.0f} KB{over}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running dashboard (else one is started on --data-dir)")
    parser.add_argument("--data-dir", type=Path, help="a loaded data folder to serve")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds after one warm-up")
    parser.add_argument("--pages", nargs="*", help="url paths to time (default: every page)")
    parser.add_argument(
        "--modes", nargs="*", default=["warm", "cold", "click"], choices=["warm", "cold", "click"]
    )
    parser.add_argument("--target", type=float, default=2.5, help="seconds to the first chart")
    parser.add_argument("--json", type=Path, help="also write the raw timings here")
    args = parser.parse_args()
    if not args.url and not args.data_dir:
        parser.error("give --url of a running dashboard or --data-dir to serve")
    print(f"load average at start: {_loadavg()}; {os.cpu_count()} cores", flush=True)
    server = contextlib.nullcontext(args.url.rstrip("/")) if args.url else _server(args.data_dir)
    raw: dict[str, dict[str, dict[str, object]]] = {}
    with server as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            nav = browser.new_page()
            nav_paths = paths = page_paths(nav, url)
            nav.close()
            if args.pages:
                wanted = {"" if p == "overview" else p for p in args.pages}
                paths = [p for p in paths if p in wanted]
            for mode in args.modes:
                results = bench(browser, url, nav_paths, paths, args.rounds, mode)
                report(mode, results, args.target)
                raw[mode] = {p or "overview": vars(t) for p, t in results.items()}
        finally:
            browser.close()
    print(f"\nload average at end: {_loadavg()}; {args.rounds} rounds after one warm-up")
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))


if __name__ == "__main__":
    main()
