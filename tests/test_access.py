"""Who has which role (issue 16): ``etl.access.resolve`` and ``[roles]`` / ``[access]``."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import config
from etl.access import RoleSettings, Viewer, resolve

ROLES = RoleSettings(
    addresses={
        "camhs.lead@example.nhs.uk": "service_lead",
        "chair@example.gov.uk": "analyst",
    },
    groups={"send-board": "board", "pcf-members": "pcf"},
    domains={"example.gov.uk": "board", "example.nhs.uk": "adviser"},
    services={"camhs.lead@example.nhs.uk": frozenset({"camhs", "autism_assessment"})},
    group_claim="groups",
)


def test_an_exact_address_beats_a_group_and_the_domain() -> None:
    # chair@ is in the board group and the board domain, but named as an analyst.
    assert resolve("chair@example.gov.uk", ["send-board"], ROLES) == ("analyst", frozenset())


def test_a_group_beats_the_domain_and_the_first_group_in_the_file_wins() -> None:
    # example.nhs.uk is "adviser", but the group says pcf.
    assert resolve("someone@example.nhs.uk", ["pcf-members"], ROLES)[0] == "pcf"
    # In both groups: send-board comes first in [roles.groups].
    assert resolve("x@elsewhere.org", ["pcf-members", "send-board"], ROLES)[0] == "board"


def test_the_domain_is_the_last_resort_and_only_the_exact_domain() -> None:
    assert resolve("clerk@example.gov.uk", [], ROLES) == ("board", frozenset())
    assert resolve("nurse@trust.example.nhs.uk", [], ROLES) == (None, frozenset())
    # "example.gov.uk" at the end of the local part is not the domain.
    assert resolve("example.gov.uk@evil.test", [], ROLES) == (None, frozenset())


def test_case_and_spaces_are_ignored() -> None:
    role, services = resolve("  CAMHS.Lead@Example.NHS.uk ", ["SEND-Board"], ROLES)
    assert role == "service_lead"
    assert services == {"camhs", "autism_assessment"}
    assert resolve("a@b.c", ["Send-Board"], ROLES)[0] == "board"


def test_nobody_named_has_no_role_and_no_services() -> None:
    assert resolve("stranger@example.com", ["other"], ROLES) == (None, frozenset())
    assert resolve("", [], ROLES) == (None, frozenset())
    viewer = Viewer(name="Stranger", email="stranger@example.com")
    assert viewer.publish_only and not viewer.may_see_page("overview")
    assert not viewer.may_see_rows()


def test_a_service_lead_sees_rows_of_their_own_services_only() -> None:
    role, services = resolve("camhs.lead@example.nhs.uk", [], ROLES)
    lead = Viewer(name="Lead", role=role, services=services)
    assert lead.may_see_rows("camhs") and lead.may_see_rows("autism_assessment")
    assert not lead.may_see_rows("audiology")
    assert not lead.may_see_rows("ehc_plans")
    assert not lead.may_see_rows()  # a list of no one service (e.g. every problem)


# ---------------------------------------------------------------- the settings file


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> config.Settings:
    # A new file each time: settings are cached per path.
    path = tmp_path / f"settings_{len(list(tmp_path.glob('settings_*')))}.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(path))
    return config.settings()


GOOD = """
[roles]
group_claim = "groups"
[roles.addresses]
"Data.Team@Example.gov.uk" = "analyst"
"lead@example.nhs.uk" = "service_lead"
[roles.groups]
"SEND-Board" = "board"
[roles.domains]
"Example.gov.uk" = "pcf"
[roles.services]
"LEAD@example.nhs.uk" = ["camhs", "ehc_plans"]

[access]
local_mode = "forbidden"
local_role = "board"
"""


def test_the_settings_are_read_in_lower_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roles = _settings(tmp_path, monkeypatch, GOOD).roles
    assert roles.addresses == {
        "data.team@example.gov.uk": "analyst",
        "lead@example.nhs.uk": "service_lead",
    }
    assert roles.groups == {"send-board": "board"}
    assert roles.domains == {"example.gov.uk": "pcf"}
    assert roles.services == {"lead@example.nhs.uk": {"camhs", "ehc_plans"}}
    assert (roles.group_claim, roles.local_mode, roles.local_role) == (
        "groups",
        "forbidden",
        "board",
    )
    assert resolve("lead@EXAMPLE.nhs.uk", [], roles) == ("service_lead", {"camhs", "ehc_plans"})


def test_no_roles_section_means_local_analyst_and_nobody_signed_in_has_a_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roles = _settings(tmp_path, monkeypatch, "").roles
    assert (roles.local_mode, roles.local_role) == ("allowed", "analyst")
    assert resolve("anyone@example.gov.uk", ["x"], roles) == (None, frozenset())


def test_the_committed_settings_give_nobody_a_role() -> None:
    # The repository's own file holds examples as comments only: a deployment names its people.
    roles = config._read_settings(str(config.REPO_ROOT / "send_dashboard.toml")).roles
    assert not (roles.addresses or roles.groups or roles.domains)
    assert (roles.local_mode, roles.local_role) == ("allowed", "analyst")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            '[roles.addresses]\n"a@example.gov.uk" = "boss"',
            ["[roles.addresses] 'a@example.gov.uk'", "boss"],
        ),
        (
            '[roles.domains]\n"example.gov.uk" = "Board"',
            ["[roles.domains] 'example.gov.uk'", "Board"],
        ),
        ('[roles.domains]\n"x@example.gov.uk" = "board"', ["[roles.domains]", "without '@'"]),
        ('[roles.addresses]\n"example.gov.uk" = "board"', ["[roles.addresses]", "e-mail address"]),
        (
            '[roles.addresses]\n"l@example.nhs.uk" = "service_lead"\n'
            '[roles.services]\n"l@example.nhs.uk" = ["camhs", "cahms"]',
            ["[roles.services] 'l@example.nhs.uk'", "cahms"],
        ),
        (
            '[roles.addresses]\n"l@example.nhs.uk" = "service_lead"',
            ["[roles.addresses] 'l@example.nhs.uk'", "needs their services"],
        ),
        (
            '[roles.addresses]\n"b@example.nhs.uk" = "board"\n'
            '[roles.services]\n"b@example.nhs.uk" = ["camhs"]',
            ["[roles.services] 'b@example.nhs.uk'", "not a service_lead"],
        ),
        ('[roles.groups]\n"board" = "board"', ["[roles] group_claim"]),
        (
            '[roles.addresses]\n"a@example.gov.uk" = "board"\n"A@example.gov.uk" = "analyst"',
            ["'A@example.gov.uk'", "given twice"],
        ),
        ('[access]\nlocal_mode = "off"', ["[access] local_mode"]),
        ('[access]\nlocal_role = "admin"', ["[access] local_role", "admin"]),
        ('[access]\nlocal_role = "service_lead"', ["[access] local_services"]),
        ('[roles]\ngroup_claims = "groups"', ["[roles] group_claims", "unknown setting"]),
    ],
)
def test_a_slip_is_refused_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, names: list[str]
) -> None:
    with pytest.raises(config.SettingsError) as problem:
        _settings(tmp_path, monkeypatch, text)
    for name in names:
        assert name in str(problem.value)
