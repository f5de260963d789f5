"""The dashboard's side of the audit trail (issue 16; the log itself is ``etl.audit``).

Every record names the viewer of this session (``ui.access.viewer()``, asked through the module
so a test's patch reaches it) and goes into the trail of the data folder the dashboard reads
(``etl.config.data_dir()``, whichever snapshot is on screen; the snapshot is in the detail).

- :func:`record`: one record now (an override or a comment saved, a sign-in, a refusal).
- :func:`recording`: wraps a download's build callable. Streamlit calls it when the button is
  pressed, on a server thread with no session, so the viewer, folder and page are taken when
  the button is drawn; the record is written once the file is built, before it is handed over
  (a file that cannot be recorded is not handed over).
- :func:`rows_shown`: a row-level list on screen, recorded once per session for each list and
  snapshot — not on every rerun (a filter changed, a page turned).
- :func:`signed_in` and :func:`denied`: for the sign-in code — once per session, and once per
  session for each page refused, however often the page reruns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from etl import audit, config
from ui import access

T = TypeVar("T")
_SEEN = "_audit_rows_seen"
_PAGE = "_audit_page"
_ONCE = "_audit_once"


def _current_title() -> str:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is None:
            return ""
        manager = ctx.pages_manager
        info = manager.get_pages().get(manager.current_page_script_hash)
        return str(info.get("page_name", "")) if info else ""
    except (ImportError, AttributeError):  # a future Streamlit without these internals
        return ""


def remember_page() -> None:
    """Note the page being drawn (``components.start_page``), for records made by a form's
    callback: it runs before the page is chosen again, so Streamlit cannot name it then."""
    st.session_state[_PAGE] = _current_title()


def page_title() -> str:
    """The title of the page this run shows ("EHC plan timeliness"), else the page last drawn
    in this session; "" outside a session."""
    return _current_title() or str(st.session_state.get(_PAGE, ""))


def record(action: str, **detail: Any) -> None:
    """Record ``action`` by this session's viewer in the shown data folder's trail; the page is
    added when the caller does not name one."""
    detail.setdefault("page", page_title())
    audit.record(config.data_dir(), access.viewer(), action, **detail)


def recording(build: Callable[[], T], **detail: Any) -> Callable[[], T]:
    """``build`` for a download button, recording an ``export`` (with ``detail``: mode, scope,
    file, format, kind, rows, snapshot) each time a file is built for the viewer."""
    folder = config.data_dir()
    viewer = access.viewer()
    detail.setdefault("page", page_title())

    def built() -> T:
        made = build()
        audit.record(folder, viewer, "export", **detail)
        return made

    return built


def rows_shown(name: str, *, rows: int, snapshot: str, **detail: Any) -> None:
    """A row-level list ``name`` is on screen: recorded (``view_rows``) the first time this
    session shows it from ``snapshot``."""
    seen: set[tuple[str, str]] = st.session_state.setdefault(_SEEN, set())
    if (name, snapshot) in seen:
        return
    record("view_rows", list=name, rows=rows, snapshot=snapshot, **detail)
    seen.add((name, snapshot))


def _once(key: tuple[str, ...]) -> bool:
    """True the first time this session asks about ``key``."""
    seen: set[tuple[str, ...]] = st.session_state.setdefault(_ONCE, set())
    if key in seen:
        return False
    seen.add(key)
    return True


def signed_in() -> None:
    """Record a signed-in visit, once per browser session (call on every run once signed in).

    Streamlit starts a session for each tab and each time the address is opened again, and the
    sign-in cookie carries over, so one sign-in can give several visits: the trail counts visits
    (who opened the dashboard, when), not password prompts."""
    if _once(("sign_in",)):
        record("sign_in")


def denied(page: str, reason: str) -> None:
    """Record that ``page`` (its title) was refused to the viewer for ``reason`` (words chosen
    by the code: "not in [roles]", "not for this role"), once per session and page."""
    if _once(("denied", page, reason)):
        record("denied", page=page, reason=reason)
