"""The viewer of this session (issue 16): who is signed in, their role, and what follows.

Two ways to run, chosen by ``.streamlit/secrets.toml`` (docs/deployment.md):

- **Sign-in**: an ``[auth]`` section there (an OpenID Connect provider) makes ``st.login`` the
  way in. The viewer is ``st.user`` (e-mail, name, and the ``[roles] group_claim``), given a
  role by ``etl.access.resolve`` from ``[roles]`` in the settings file. Not signed in, or
  signed in with no role: no role here, and :func:`require_access` shows only the sign-in
  screen or a message.
- **Local mode** (no ``[auth]``): one user, no sign-in, the role ``[access] local_role``; a
  server forbids it with ``[access] local_mode = "forbidden"`` (then nobody has a role).

``ui.access`` is the only place pages ask "who is looking?": always ``access.viewer()`` through
the module, so a test's patch of ``ui.access.viewer`` reaches every caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from etl import config
from etl.access import ROLE_WORDS, Viewer, local_name, resolve
from etl.disclosure import Mode
from ui.formatting import escape_markdown

LOCAL_LABEL = "Local mode: one user, no sign-in"
PUBLISH_LINE = "**Publish mode:** small numbers hidden (c), others rounded to 5"


def _auth_section() -> Mapping[str, Any] | None:
    """The ``[auth]`` section of the secrets; {} when there is none (local mode); None when a
    secrets file is there but cannot be read (then nobody gets a role: fail closed)."""
    if not st.secrets.load_if_toml_exists():
        files = [Path(f) for f in st.get_option("secrets.files") or []]
        return None if any(f.is_file() for f in files) else {}
    section = st.secrets.get("auth")
    return section if isinstance(section, Mapping) else {}


def sign_in_configured() -> bool:
    """True when an identity provider is configured (``[auth]`` in the secrets)."""
    return bool(_auth_section())


def _groups(value: object) -> list[str]:
    # A group claim is a list of names (Entra ID, Okta, Keycloak) or, from some providers, one
    # name or a space-separated string.
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def viewer() -> Viewer:
    """The person using this session (no role: not signed in, unknown, or local mode forbidden)."""
    roles = config.settings().roles
    section = _auth_section()
    if section is None:  # a broken secrets file: neither sign-in nor local mode
        return Viewer(name=local_name(), local=True)
    if section:
        if not st.user.is_logged_in:
            return Viewer(name="")
        claims = st.user.to_dict()
        email = str(claims.get("email") or "")
        name = str(claims.get("name") or email)
        if claims.get("email_verified") is False:
            # The provider says the address is not proven theirs: it cannot give a role.
            return Viewer(name=name, email=email)
        groups = _groups(claims.get(roles.group_claim)) if roles.group_claim else []
        role, services = resolve(email, groups, roles)
        return Viewer(name=name, email=email, role=role, services=services)
    if roles.local_mode == "forbidden":
        return Viewer(name=local_name(), local=True)
    return Viewer(
        name=local_name(), role=roles.local_role, local=True, services=roles.local_services
    )


def screen_mode() -> Mode:
    """How figures are shown on screen: exact ("internal"), or, for a viewer who may only see
    publish-mode figures, as DESIGN §7 publishes them ("publish")."""
    return "publish" if viewer().publish_only else "internal"


def author_name() -> str | None:
    """The name a RAG override or a comment is saved under: the signed-in person's, or None in
    local mode (where one computer may serve a team, so the form asks for a name)."""
    current = viewer()
    if current.local:
        return None
    return current.name or current.email


def author_field(key: str) -> None:
    """Inside a form: who the record is saved as. Signed in, that is the signed-in name (shown,
    not typed); in local mode, a required typed name (``key`` in the session)."""
    name = author_name()
    if name is None:
        st.text_input("Your name (required)", key=key)
    else:
        st.markdown(f"Saved as **{escape_markdown(name)}** (signed in).")


# ---------------------------------------------------------------- screens with no data


def _providers() -> list[str | None]:
    """Providers to offer: the default one (``client_id`` in ``[auth]`` itself) and each named
    ``[auth.<name>]`` section."""
    section = _auth_section() or {}
    named = [k for k, v in section.items() if isinstance(v, Mapping) and "client_id" in v]
    default: list[str | None] = [None] if "client_id" in section else []
    return [*default, *named]


def _sign_out_button() -> None:
    st.button("Sign out", on_click=st.logout, key="sign_out", icon=":material/logout:")


def no_access_page() -> None:
    """The only page a viewer with no role gets: sign in, or why there is nothing to see."""
    current = viewer()
    contact = config.settings().roles.contact
    st.title("SEND Partnership Dashboard")
    if current.local:
        st.error(
            "This dashboard is set up for a server, where everyone signs in, but sign-in is not "
            "configured (no readable [auth] section in .streamlit/secrets.toml), so nothing is "
            f"shown. Tell {contact}.",
            icon=":material/lock:",
        )
    elif not st.user.is_logged_in:
        st.markdown(
            "Sign in with your organisation's account to see the partnership's figures. What you "
            "see depends on your role (for example, board members and the parent carer forum "
            "see published figures, with small numbers hidden)."
        )
        for provider in _providers():
            label = "Sign in" if provider is None else f"Sign in with {provider}"
            if st.button(label, type="primary", key=f"sign_in_{provider or 'default'}"):
                if provider is None:
                    st.login()
                else:
                    st.login(provider)
    else:
        st.error(
            f"You are signed in as {current.email or current.name}, but that address has not "
            "been given a role on this dashboard, so no data is shown. To be given access, ask "
            f"{contact} (they add you to [roles] in the dashboard's settings).",
            icon=":material/person_off:",
        )
        _sign_out_button()


def sidebar_user() -> None:
    """Who is signed in, their role in words, and Sign out (or the local-mode label)."""
    current = viewer()
    st.divider()
    words = ROLE_WORDS[current.role] if current.role else "No role"
    if current.local:
        st.markdown(f"**{LOCAL_LABEL}**  \nRole: {words}")
        return
    name, email = escape_markdown(current.name), escape_markdown(current.email)
    st.markdown(f"**Signed in:** {name}  \n{email}  \nRole: {words}")
    _sign_out_button()


def rows_hidden(what: str, *, rows: str = "children one row each", to: str = "") -> None:
    """Said where a row-level list is not shown to this viewer (``what``: "The watchlist")."""
    to = to or "analysts and to the lead for this service"
    st.caption(
        f"Not shown to you: {what.lower()} lists {rows}, so it is shown only to {to}. The "
        "counts above are everything else there is to see."
    )
