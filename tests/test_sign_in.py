"""Sign-in end to end, offline (issue 16): a mock OpenID provider (``oidc-provider-mock``) on a
free local port, the dashboard under ``streamlit run`` with a temporary secrets file (never the
repository's) and ``[roles]`` settings, and Chromium going through the real redirect.

A board member, a parent carer forum member (by the identity provider's group claim) and an
unknown address each sign in; the test checks the menu each gets, what each page shows, that the
board member's download is publish mode, and that the forum member's pages hold none of the
warehouse's pseudonymous references. Skipped when /usr/bin/chromium is not installed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from etl import audit, config
from etl.store import Warehouse
from tests.test_browser_smoke import CHROMIUM, CHROMIUM_ARGS, RENDER_TIMEOUT_MS
from tests.ui_fixtures import AS_OF, build_warehouse, free_port, streamlit_server, synthetic_rows

ROLES = """
[roles]
group_claim = "groups"
[roles.addresses]
"board.member@example.gov.uk" = "board"
[roles.groups]
"parent-carer-forum" = "pcf"

[access]
local_mode = "forbidden"
contact = "the SEND data team (send.data@example.gov.uk)"
"""
ALL_PAGES = {
    "Overview",
    "EHC plan timeliness",
    "Waiting times",
    "Exclusions",
    "Benchmarking",
    "Improvement plan",
    "Board pack",
    "Meeting mode",
    "Data quality",
}
REFERENCE = re.compile(r"\b[RW]-[0-9A-F]{10}\b")


def _shot(page: Any, name: str) -> None:
    """A screenshot for a person to look at, when SEND_SCREENSHOTS names a folder."""
    if os.environ.get("SEND_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["SEND_SCREENSHOTS"]) / f"sign_in_{name}.png"))


def _settle(page: Any) -> None:
    """Wait until the script run has finished and nothing is still loading: no status widget or
    skeleton, and the page's text the same twice half a second apart (on a busy machine the
    run may not have started, or drawn its last element, when the first check passes)."""
    idle = (
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
    )
    deadline = time.monotonic() + RENDER_TIMEOUT_MS / 1000
    previous = None
    while time.monotonic() < deadline:
        page.wait_for_function(idle, timeout=RENDER_TIMEOUT_MS)
        text = page.inner_text("body")
        if text == previous:
            return
        previous = text
        page.wait_for_timeout(500)
    raise AssertionError("the page never settled")


def _sign_in(browser: Any, url: str, sub: str, ready: str) -> Any:
    """A fresh browser (no cookies) through the sign-in redirect as ``sub``; returns the page."""
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").click(timeout=RENDER_TIMEOUT_MS)
    # The mock provider's form: who to be, then Authorize; it redirects back to /oauth2callback.
    page.get_by_placeholder("sub").fill(sub, timeout=RENDER_TIMEOUT_MS)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(url) + r"/?(\?.*)?$"), timeout=RENDER_TIMEOUT_MS)
    # Ready when the run has drawn the person's name or address (sidebar, or the message).
    page.get_by_text(ready).first.wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    return page


def _menu(page: Any) -> set[str]:
    nav = page.locator('[data-testid="stSidebarNav"]')
    if not nav.count():
        return set()
    # Each link reads "<icon name>\n<title>": the icon is a font ligature.
    return {t.strip().splitlines()[-1].strip() for t in nav.locator("a").all_inner_texts()}


def _open(page: Any, url: str, path: str, heading: str) -> str:
    page.goto(f"{url}/{path}")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=RENDER_TIMEOUT_MS)
    _settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, path
    return str(page.content())


@pytest.mark.browser
@pytest.mark.slow
def test_sign_in_as_board_pcf_and_an_unknown_user(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (run `make chromium`)")
    sync_api = pytest.importorskip("playwright.sync_api")
    mock = pytest.importorskip("oidc_provider_mock")

    data = build_warehouse(tmp_path, synthetic_rows(), synthetic=True)
    with Warehouse.open(config.warehouse_path(data)) as warehouse:
        references = set(
            warehouse.query("watchlist", as_of=AS_OF, statuses=None, stages=None)["reference"]
        )
    assert references, "the synthetic data should have open requests on the watchlist"
    settings = tmp_path / "send_dashboard.toml"
    settings.write_text(ROLES, encoding="utf-8")

    users = [
        mock.User(
            sub="board.member@example.gov.uk",
            claims={"email": "board.member@example.gov.uk", "name": "Bea Board"},
        ),
        mock.User(
            sub="forum.member@example.nhs.uk",
            claims={
                "email": "forum.member@example.nhs.uk",
                "name": "Pat Forum",
                "groups": ["Parent-Carer-Forum"],
            },
        ),
    ]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with mock.run_server_in_thread(user_claims=users) as provider:
        secrets = tmp_path / "secrets" / "secrets.toml"
        secrets.parent.mkdir()
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{url}/oauth2callback"\n'
            'cookie_secret = "test-only-cookie-secret-0123456789abcdef0123456789"\n'
            'client_id = "send-dashboard"\n'
            'client_secret = "test-only"\n'
            "server_metadata_url = "
            f'"http://localhost:{provider.server_port}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        with (
            streamlit_server(
                data,
                port=port,
                args=["--secrets.files", str(secrets)],
                env={"SEND_CONFIG": str(settings)},
            ),
            sync_api.sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                # Not signed in: the sign-in button and nothing else.
                page = browser.new_page()
                page.goto(url)
                page.get_by_role("button", name="Sign in").wait_for(timeout=RENDER_TIMEOUT_MS)
                _settle(page)
                assert _menu(page) == set()
                assert not REFERENCE.search(page.content())
                assert "Requests loaded" not in page.content()
                _shot(page, "signed_out")

                # A board member (by address): figures, but publish mode only, no watchlist.
                board = _sign_in(browser, url, "board.member@example.gov.uk", "Bea Board")
                assert _menu(board) == ALL_PAGES - {"Data quality"}
                sidebar = board.locator('[data-testid="stSidebar"]').inner_text()
                assert "Bea Board" in sidebar and "Board member" in sidebar
                assert "Publish mode:" in sidebar and "Export mode" not in sidebar
                _open(board, url, "timeliness", "EHC plan timeliness")
                # The note is drawn below the charts: waited for, as a busy machine can show the
                # heading (and no status widget yet) before the run reaches it.
                board.get_by_text("Not shown to you: the watchlist").first.wait_for(
                    timeout=RENDER_TIMEOUT_MS
                )
                _settle(board)
                _shot(board, "board_timeliness")
                assert not REFERENCE.search(str(board.content()))
                with board.expect_download(timeout=RENDER_TIMEOUT_MS) as download:
                    board.get_by_role("button", name=re.compile("Download CSV")).first.click()
                rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
                mode = dict(r[:2] for r in rows if len(r) >= 2)["Mode"]
                assert mode.startswith("Publish"), mode
                # The audit trail names the signed-in member, the export and its mode.
                [export] = [
                    e
                    for e in audit.read(data).entries
                    if e.action == "export" and e.email == "board.member@example.gov.uk"
                ]
                assert (export.who, export.role, export.detail["mode"]) == (
                    "Bea Board",
                    "board",
                    "publish",
                )
                # Data quality is not in the menu and not reachable by its address.
                board.goto(f"{url}/data_quality")
                _settle(board)
                assert board.get_by_role("heading", name="Data quality").count() == 0

                # A parent carer forum member (by the provider's group claim): no references.
                forum = _sign_in(browser, url, "forum.member@example.nhs.uk", "Pat Forum")
                assert _menu(forum) == ALL_PAGES - {"Data quality", "Board pack"}
                assert (
                    "Parent carer forum" in forum.locator('[data-testid="stSidebar"]').inner_text()
                )
                for path, heading in (
                    ("", "Overview"),
                    ("timeliness", "EHC plan timeliness"),
                    ("waiting_times", "Waiting times"),
                    ("benchmark", "Benchmarking"),
                ):
                    html = _open(forum, url, path, heading)
                    assert not REFERENCE.search(html), path
                    assert not [r for r in references if r in html], path

                # Signed in but not in [roles]: no data, their address, who to ask, Sign out.
                stranger = _sign_in(browser, url, "stranger@example.com", "You are signed in as")
                stranger.get_by_role("button", name="Sign out").wait_for(timeout=RENDER_TIMEOUT_MS)
                body = stranger.inner_text("body")
                _shot(stranger, "unknown")
                assert "stranger@example.com" in body and "send.data@example.gov.uk" in body
                assert stranger.get_by_role("button", name="Sign out").count() == 1
                assert _menu(stranger) == set()
                assert "Requests loaded" not in body and "SYNTHETIC" not in body
                # Sign out: the provider's end-session page (Streamlit sends the browser there),
                # then the dashboard is back to the sign-in screen: its cookie is gone.
                stranger.get_by_role("button", name="Sign out").click()
                stranger.get_by_role("button", name="End session").click(timeout=RENDER_TIMEOUT_MS)
                stranger.goto(url)
                stranger.get_by_role("button", name="Sign in").wait_for(timeout=RENDER_TIMEOUT_MS)
                # Each signed-in visit (one per page opened by its address here) and the
                # refusal are in the trail; nobody else is.
                trail = [(e.action, e.email) for e in audit.read(data).entries]
                assert ("sign_in", "board.member@example.gov.uk") in trail
                assert ("sign_in", "forum.member@example.nhs.uk") in trail
                assert ("denied", "stranger@example.com") in trail
                assert {email for _, email in trail} == {
                    "board.member@example.gov.uk",
                    "forum.member@example.nhs.uk",
                    "stranger@example.com",
                }
            finally:
                browser.close()
