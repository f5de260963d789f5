"""The viewer of this session (issue 16): who is signed in, their role, and what follows.

Until sign-in is configured this is the single-user local mode: the operating-system user, with
the analyst role. ``ui.access`` is the only place pages ask "who is looking?".
"""

from __future__ import annotations

import getpass

from etl.access import Viewer
from etl.disclosure import Mode


def viewer() -> Viewer:
    """The person using this session."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name on some containers
        name = "local user"
    return Viewer(name=name, role="analyst", local=True)


def screen_mode() -> Mode:
    """How figures are shown on screen: exact ("internal"), or, for a viewer who may only see
    publish-mode figures, as DESIGN §7 publishes them ("publish")."""
    return "publish" if viewer().publish_only else "internal"
