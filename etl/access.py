"""Who may see what (issue 16): the roles, what each may do, and who is looking.

One definition, used by the dashboard (which pages render, which export mode, which row-level
lists), by the audit trail (who did it) and by the tests. It imports neither Streamlit nor pandas:
the signed-in user is read in ``ui.access`` and handed here as plain values.

The five roles, as the issue sets them:

- ``analyst``: everything, row-level lists, loads, RAG overrides, the audit trail.
- ``service_lead``: internal figures; row-level lists of their own services only.
- ``board``: publish-mode figures only, and the packs.
- ``pcf`` (parent carer forum): publish-mode figures only; no row-level data and no
  pseudonymous references.
- ``adviser`` (DfE / NHS England): publish-mode figures, the plan tracker and the review pack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

Role = Literal["analyst", "service_lead", "board", "pcf", "adviser"]
ROLES: tuple[Role, ...] = get_args(Role)

# The dashboard's pages by key (``dashboard.py`` maps each key to its st.Page).
PageKey = Literal[
    "overview",
    "timeliness",
    "waiting_times",
    "exclusions",
    "benchmark",
    "improvement_plan",
    "board_pack",
    "meeting",
    "data_quality",
    "audit",
]
PAGES: tuple[PageKey, ...] = get_args(PageKey)

_FIGURES: frozenset[PageKey] = frozenset(
    {"overview", "timeliness", "waiting_times", "exclusions", "benchmark", "improvement_plan"}
)


@dataclass(frozen=True)
class Capabilities:
    """What a role may do. ``row_level`` is "all", "own" (their services) or "none"."""

    pages: frozenset[PageKey]
    internal: bool  # may see exact figures on screen and export in internal mode
    row_level: Literal["all", "own", "none"]
    pseudonymous_refs: bool  # may see R-/W- references (never a UPN: nobody may)
    overrides: bool
    commentary: bool
    loads: bool
    audit: bool
    pack_kinds: frozenset[str]


CAPABILITIES: dict[Role, Capabilities] = {
    "analyst": Capabilities(
        pages=frozenset(PAGES),
        internal=True,
        row_level="all",
        pseudonymous_refs=True,
        overrides=True,
        commentary=True,
        loads=True,
        audit=True,
        pack_kinds=frozenset({"board", "review"}),
    ),
    "service_lead": Capabilities(
        pages=_FIGURES | {"board_pack", "meeting", "data_quality"},
        internal=True,
        row_level="own",
        pseudonymous_refs=True,
        overrides=False,
        commentary=True,
        loads=False,
        audit=False,
        pack_kinds=frozenset({"board", "review"}),
    ),
    "board": Capabilities(
        pages=_FIGURES | {"board_pack", "meeting"},
        internal=False,
        row_level="none",
        pseudonymous_refs=False,
        overrides=False,
        commentary=False,
        loads=False,
        audit=False,
        pack_kinds=frozenset({"board", "review"}),
    ),
    "pcf": Capabilities(
        pages=_FIGURES | {"meeting"},
        internal=False,
        row_level="none",
        pseudonymous_refs=False,
        overrides=False,
        commentary=False,
        loads=False,
        audit=False,
        pack_kinds=frozenset(),
    ),
    "adviser": Capabilities(
        pages=_FIGURES | {"board_pack", "meeting"},
        internal=False,
        row_level="none",
        pseudonymous_refs=False,
        overrides=False,
        commentary=False,
        loads=False,
        audit=False,
        pack_kinds=frozenset({"review"}),
    ),
}


@dataclass(frozen=True)
class Viewer:
    """Who is looking. ``role`` None: signed in but not in ``[roles]`` (sees no data).

    ``local`` is the single-user local mode (no identity provider configured), where the name
    comes from the operating system and the role from the settings. ``services`` are a
    service lead's own services (keys as in ``[waits.services]``, or "ehc_plans").
    """

    name: str
    email: str = ""
    role: Role | None = None
    local: bool = False
    services: frozenset[str] = field(default_factory=frozenset)

    @property
    def can(self) -> Capabilities | None:
        """The role's capabilities; None for a user with no role."""
        return CAPABILITIES[self.role] if self.role is not None else None

    @property
    def publish_only(self) -> bool:
        """True when every figure this viewer sees, on screen or exported, is publish mode."""
        return self.can is None or not self.can.internal

    def may_see_page(self, page: PageKey) -> bool:
        return self.can is not None and page in self.can.pages

    def may_see_rows(self, service: str | None = None) -> bool:
        """Whether this viewer may see a row-level list (of ``service``, when it has one)."""
        if self.can is None or self.can.row_level == "none":
            return False
        if self.can.row_level == "all":
            return True
        return service is not None and service in self.services


# ---------------------------------------------------------------- who has which role ([roles])

EHC_PLANS = "ehc_plans"  # a service lead's "service" for the EHC plan watchlist
LocalMode = Literal["allowed", "forbidden"]


@dataclass(frozen=True)
class RoleSettings:
    """``[roles]`` and ``[access]`` of the settings file, checked (``etl.config``).

    Keys are lower case: ``addresses`` (a whole e-mail address), ``groups`` (a value of the
    identity provider's ``group_claim``) and ``domains`` (the part after "@") each map to a role;
    ``services`` maps one of those keys to a service lead's own services.
    """

    addresses: dict[str, Role] = field(default_factory=dict)
    groups: dict[str, Role] = field(default_factory=dict)
    domains: dict[str, Role] = field(default_factory=dict)
    services: dict[str, frozenset[str]] = field(default_factory=dict)
    group_claim: str = ""
    local_mode: LocalMode = "allowed"
    local_role: Role = "analyst"
    local_services: frozenset[str] = frozenset()
    contact: str = "the SEND data team who run this dashboard"


def resolve(
    email: str, groups: Sequence[str], roles: RoleSettings
) -> tuple[Role | None, frozenset[str]]:
    """The role and own services of a signed-in person, or (None, {}) when ``[roles]`` names
    neither their address, nor a group they are in, nor their domain.

    Precedence, most specific first: the exact address, then a group (the first of
    ``[roles.groups]``, in the file's order, that they are in), then the domain (exactly the part
    after the last "@": "example.nhs.uk" does not cover "trust.example.nhs.uk"). Addresses,
    groups and domains are compared ignoring case. The services come from ``[roles.services]``
    under the same key that gave the role, so a service lead by address keeps their own list.
    """
    address = email.strip().casefold()
    member = {g.strip().casefold() for g in groups}
    key: str | None = None
    role: Role | None = None
    if address in roles.addresses:
        key, role = address, roles.addresses[address]
    else:
        for group, group_role in roles.groups.items():
            if group in member:
                key, role = group, group_role
                break
        else:
            domain = address.rpartition("@")[2] if "@" in address else ""
            if domain and domain in roles.domains:
                key, role = domain, roles.domains[domain]
    if key is None or role is None:
        return None, frozenset()
    services = roles.services.get(key, frozenset()) if role == "service_lead" else frozenset()
    return role, services


ROLE_WORDS: dict[Role, str] = {
    "analyst": "Analyst: every page, exact figures, row-level lists",
    "service_lead": "Service lead: exact figures; row-level lists of your own services",
    "board": "Board member: published figures (small numbers hidden)",
    "pcf": "Parent carer forum: published figures (small numbers hidden)",
    "adviser": "Adviser: published figures, the plan tracker and the review pack",
}


def local_name() -> str:
    """The operating-system user's name: who is looking in single-user local mode, and who a
    command-line change is recorded against when ``--by`` names nobody."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name on some containers
        return "local user"
