"""Role gating on the dashboard (issue 16, AppTest).

Most tests patch ``ui.access.viewer`` (the one place pages ask who is looking) to each role; the
last ones go through the real path: ``[auth]`` in the secrets, ``st.user`` as AppTest seeds it,
and ``[roles]`` in a settings file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl.access import CAPABILITIES, ROLES, Role, Viewer
from tests import sen2_builders as b
from tests.test_pages import DASHBOARD, TIMEOUT, all_text, open_page, registered_pages
from tests.test_waits_measures import EXTRACT, ROWS
from tests.ui_fixtures import AS_OF, build_warehouse
from tests.waits_builders import write_extract
from ui import access

EHC_REF = re.compile(r"R-[0-9A-F]{10}")
WAITS_REF = re.compile(r"W-[0-9A-F]{10}")
PAGE_FILES = {Path(p).stem: p for p in registered_pages()}


@pytest.fixture(scope="module")
def golden_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("access_golden"), as_of=AS_OF)


@pytest.fixture(scope="module")
def waits_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("access_waits")
    data = folder / "data"
    b.load(write_extract(folder / "waits.csv", ROWS, extract_date=EXTRACT), data)
    return data


def _use(folder: Path, monkeypatch: pytest.MonkeyPatch, settings: str = "") -> None:
    monkeypatch.setenv("SEND_DATA_DIR", str(folder))
    path = folder.parent / f"settings_{abs(hash(settings))}.toml"
    path.write_text(settings, encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(path))


def _as(monkeypatch: pytest.MonkeyPatch, role: Role | None, *services: str) -> Viewer:
    who = Viewer(
        name="Pat Example", email=f"{role}@example.gov.uk", role=role, services=frozenset(services)
    )
    monkeypatch.setattr("ui.access.viewer", lambda: who)
    return who


def menu(at: AppTest) -> set[str]:
    """The pages the navigation lists, by page file name."""
    return {
        Path(str(info["script_path"])).stem
        for info in at._registered_pages.values()
        if info.get("script_path")
    }


def sidebar_text(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.sidebar.markdown)


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_lists_only_the_pages_the_role_may_see(
    role: Role, golden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(golden_dir, monkeypatch)
    _as(monkeypatch, role, "ehc_plans")
    at = open_page(PAGE_FILES["overview"])
    expected = {key for key in CAPABILITIES[role].pages if key in PAGE_FILES}
    assert menu(at) == expected
    hidden = set(PAGE_FILES) - expected
    assert ("data_quality" in hidden) == (role not in ("analyst", "service_lead"))
    assert ("board_pack" in hidden) == (role == "pcf")
    for page in hidden:  # not reachable by its address either
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(PAGE_FILES[page])
    # The export choice: a radio for roles with exact figures, a fixed line for the rest.
    radios = [r for r in at.sidebar.radio if r.key == "export_mode"]
    if CAPABILITIES[role].internal:
        assert len(radios) == 1 and access.PUBLISH_LINE not in sidebar_text(at)
    else:
        assert not radios and access.PUBLISH_LINE in sidebar_text(at)
    assert "**Signed in:** Pat Example" in sidebar_text(at)


@pytest.mark.parametrize(
    ("role", "services", "sees_watchlist"),
    [
        ("analyst", (), True),
        ("service_lead", ("ehc_plans",), True),
        ("service_lead", ("camhs",), False),
        ("board", (), False),
        ("pcf", (), False),
        ("adviser", (), False),
    ],
)
def test_the_watchlist_shows_only_for_analysts_and_the_ehc_plans_lead(
    role: Role,
    services: tuple[str, ...],
    sees_watchlist: bool,
    golden_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use(golden_dir, monkeypatch)
    _as(monkeypatch, role, *services)
    at = open_page(PAGE_FILES["timeliness"])
    text = all_text(at)
    # The golden fixture has two open requests on the lists as at 1 Nov 2026 (tests/test_pages:
    # one at risk, one breached), each shown by its R- reference.
    assert len(set(EHC_REF.findall(text))) == (2 if sees_watchlist else 0)
    assert ("Not shown to you: the watchlist" in text) != sees_watchlist
    # The counts by status are aggregates: everybody with the page sees them.
    assert any("Breached" in str(m.value) for m in at.markdown)


@pytest.mark.parametrize(
    ("services", "shown"),
    [
        # SLT's longest: 400 days = 57.1 weeks first (tests/test_waits_page.py).
        (("speech_and_language_therapy",), {"speech_and_language_therapy"}),
        (("autism_assessment",), {"autism_assessment"}),
        (("camhs",), set()),
    ],
)
def test_a_service_lead_sees_the_longest_waits_of_their_own_services_only(
    services: tuple[str, ...], shown: set[str], waits_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(waits_dir, monkeypatch)
    _as(monkeypatch, "service_lead", *services)
    at = open_page(PAGE_FILES["waiting_times"])
    for service in ("speech_and_language_therapy", "autism_assessment"):
        at.selectbox(key="waits_service").set_value(service).run()
        assert not at.exception, [e.value for e in at.exception]
        text = all_text(at)
        assert bool(WAITS_REF.search(text)) == (service in shown), service
        assert ("Not shown to you: the longest waits" in text) == (service not in shown)


@pytest.mark.parametrize("role", ["board", "pcf", "adviser"])
def test_publish_only_roles_see_no_reference_anywhere(
    role: Role, waits_dir: Path, golden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder, page, pattern in (
        (waits_dir, "waiting_times", WAITS_REF),
        (golden_dir, "timeliness", EHC_REF),
    ):
        _use(folder, monkeypatch)
        _as(monkeypatch, role)
        at = open_page(PAGE_FILES[page])
        assert not pattern.search(all_text(at)), (role, page)


@pytest.mark.parametrize(("role", "kinds"), [("analyst", 2), ("board", 2), ("adviser", 1)])
def test_the_pack_kinds_and_mode_follow_the_role(
    role: Role, kinds: int, golden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(golden_dir, monkeypatch)
    _as(monkeypatch, role)
    at = open_page(PAGE_FILES["board_pack"])
    options = at.radio(key="pack_kind").options
    assert len(options) == kinds
    assert ("12-month review pack" in options) and (("Board pack" in options) == (kinds == 2))
    line = at.markdown[[m.value.startswith("**Mode:") for m in at.markdown].index(True)].value
    assert line.startswith("**Mode: internal**" if role == "analyst" else "**Mode: publish**")


def test_forms_need_the_capability_and_use_the_signed_in_name(
    golden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(golden_dir, monkeypatch)
    _as(monkeypatch, "board")
    at = open_page(PAGE_FILES["overview"])
    assert "Save comment" not in [x.label for x in at.button], "board cannot add commentary"
    _as(monkeypatch, "service_lead", "camhs")
    at = open_page(PAGE_FILES["overview"])
    assert "Save comment" in [x.label for x in at.button]
    assert not [t for t in at.text_input if "name" in t.label.lower()]
    assert any(m.value == "Saved as **Pat Example** (signed in)." for m in at.markdown)


# ---------------------------------------------------------------- the real path: st.user


AUTH = {
    "redirect_uri": "http://localhost:8611/oauth2callback",
    "cookie_secret": "test-only-" + "x" * 40,
    "client_id": "dashboard",
    "client_secret": "test-only",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ROLES_TOML = """
[roles]
group_claim = "groups"
[roles.addresses]
"board.member@example.gov.uk" = "board"
[roles.groups]
"send-analysts" = "analyst"
[access]
local_mode = "forbidden"
contact = "the SEND data team (send.data@example.gov.uk)"
"""


def _signed_in(user: dict[str, object]) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _no_figures(at: AppTest) -> None:
    assert not at.metric and not at.table and not at.dataframe
    assert not at.get("plotly_chart")
    assert not [d for d in at.sidebar.date_input]  # no sidebar: no as-at date
    assert menu(at) == set()  # only the sign-in page


@pytest.fixture
def with_roles(golden_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _use(golden_dir, monkeypatch, ROLES_TOML)
    yield


def test_not_signed_in_sees_only_the_sign_in_button(with_roles: None) -> None:
    at = _signed_in({"is_logged_in": False})
    assert [x.label for x in at.button] == ["Sign in"]
    _no_figures(at)


def test_an_unknown_user_sees_no_data_and_is_told_who_to_ask(with_roles: None) -> None:
    at = _signed_in({"is_logged_in": True, "email": "Stranger@Example.com", "name": "S"})
    message = at.error[0].value
    assert "Stranger@Example.com" in message and "send.data@example.gov.uk" in message
    assert [x.label for x in at.button] == ["Sign out"]
    _no_figures(at)


def test_an_unverified_address_gives_no_role(with_roles: None) -> None:
    at = _signed_in(
        {"is_logged_in": True, "email": "board.member@example.gov.uk", "email_verified": False}
    )
    _no_figures(at)


def test_a_role_by_address_and_by_group(with_roles: None) -> None:
    at = _signed_in(
        {"is_logged_in": True, "email": "BOARD.member@example.gov.uk", "name": "Bea Board"}
    )
    assert "Data quality" not in menu(at) and "data_quality" not in menu(at)
    assert menu(at) == {k for k in CAPABILITIES["board"].pages if k in PAGE_FILES}
    side = sidebar_text(at)
    assert "**Signed in:** Bea Board" in side and "Board member" in side
    assert access.PUBLISH_LINE in side and "Sign out" in [x.label for x in at.sidebar.button]
    at = _signed_in(
        {
            "is_logged_in": True,
            "email": "ann@example.nhs.uk",
            "name": "Ann",
            "groups": ["SEND-Analysts"],
        }
    )
    assert menu(at) == set(PAGE_FILES)


def test_local_mode_is_labelled_and_a_server_can_forbid_it(
    golden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(golden_dir, monkeypatch)
    at = open_page(PAGE_FILES["overview"])
    assert access.LOCAL_LABEL in sidebar_text(at)
    assert menu(at) == set(PAGE_FILES)
    _use(golden_dir, monkeypatch, '[access]\nlocal_mode = "forbidden"\n')
    at = AppTest.from_file(str(DASHBOARD), default_timeout=TIMEOUT).run()
    assert "sign-in is not configured" in at.error[0].value
    assert not at.button
    _no_figures(at)
