"""Data-quality rules: one named check per rule, one problem type, one registry.

Every problem a load can report — a bad cell, a duplicate id, a missing column, a file that cannot
be read — is a :class:`Problem` carrying a rule code from :data:`RULES`. Each rule is declared
once with :func:`rule` (code, severity, meaning, example) in the module of its area
(``etl/checks/<area>.py``, or an input kind's ``checks.py``); the README's rule table and
``python -m etl rules`` are generated from the registry, so a rule cannot go undocumented.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "query"]

# The modules that declare rules, imported on first use of :func:`all_rules` (keeps `load` lean).
RULE_MODULES: tuple[str, ...] = (
    "etl.checks.files",
    "etl.checks.cells",
    "etl.inputs.sen2.checks",
    "etl.inputs.tracker.checks",
    "etl.inputs.waits.checks",
    "etl.inputs.exclusions.checks",
    "etl.checks.published",
)


@dataclass
class Problem:
    """One row in the problem list (DESIGN §6): where, which rule, how bad, in plain English."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    rule: str
    severity: str  # "error" = not loaded, "query" = loaded but flagged
    message: str


@dataclass(frozen=True)
class RowProblem:
    """A problem a row check found, by row position; staging turns it into a :class:`Problem`
    with the file, sheet and the row number the user sees."""

    index: int  # position among the sheet's data rows
    column: str | None  # the header as written
    rule: str
    message: str
    severity: str = "error"  # "error" rejects the row; "query" flags it


@dataclass(frozen=True)
class Rule:
    """A rule code as users see it in the problem list."""

    code: str
    severity: Severity
    meaning: str
    example: str
    area: str  # "file", "SEN2", "tracker", "published"

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "area"}


RULES: dict[str, Rule] = {}


def rule(code: str, severity: Severity, meaning: str, example: str, area: str) -> Rule:
    """Declare a rule (once: a second declaration of the same code is a programming error)."""
    if code in RULES:
        raise ValueError(f"rule {code!r} is declared twice")
    RULES[code] = found = Rule(code, severity, meaning, example, area)
    return found


# The order of areas in the rule table (a rule module declares one area).
AREAS = ("file", "cell", "SEN2", "tracker", "waits", "exclusions", "published")


def all_rules() -> dict[str, Rule]:
    """Every declared rule, by area then in declaration order (imports the rule modules on first
    call; the order does not depend on which module happened to be imported first)."""
    for name in RULE_MODULES:
        importlib.import_module(name)
    ranked = sorted(
        enumerate(RULES.values()),
        key=lambda item: (
            AREAS.index(item[1].area) if item[1].area in AREAS else len(AREAS),
            item[0],
        ),
    )
    return {r.code: r for _, r in ranked}


def rules_markdown() -> str:
    """The README's rule table: code, area, severity, meaning, example — one row per rule."""
    lines = [
        "| rule | area | severity | what it means | example message |",
        "|---|---|---|---|---|",
    ]
    for r in all_rules().values():
        cells = [c.replace("|", "\\|") for c in (r.meaning, r.example)]
        lines.append(f"| `{r.code}` | {r.area} | {r.severity} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)
