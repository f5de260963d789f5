"""What a published-file reader returns: one :class:`FileLoad` per file, holding its
:class:`Value` rows and its problems, and the one error type that stops a file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.checks import Rule, Severity
from etl.checks.published import FILE_UNREADABLE


class PublishedError(RuntimeError):
    """A problem that stops a published load, in words a user can act on."""

    def __init__(self, message: str, rule: Rule = FILE_UNREADABLE):
        super().__init__(message)
        self.rule = rule


@dataclass
class Value:
    """One published figure: a measure for one area and period, with where it came from."""

    dataset: str
    measure: str
    year: int
    period: str
    level: str  # "England", "Region", "LA"
    area_code: str
    old_la_code: str | None
    area_name: str
    region_code: str | None
    region_name: str | None
    breakdown: str
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str | None
    source_file: str
    release: str
    release_rank: int
    source_row: int


VALUE_FIELDS = list(Value.__dataclass_fields__)


@dataclass
class FileLoad:
    """What happened to one file's rows."""

    dataset: str
    path: Path
    release: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    not_used: Counter[str] = field(default_factory=Counter)
    problems: list[dict[str, Any]] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    neighbours: list[tuple[str, int, str]] = field(default_factory=list)  # (la name, pos, name)
    # DfE's own set (issue 13), by 3-digit LA number: (LA number, LA name, position, neighbour
    # number, closeness, "current" or "old" for the "Old SNs" block of pre-reorganisation LAs).
    neighbour_codes: list[tuple[str, str, int, str, str, str]] = field(default_factory=list)
    message: str = ""

    @property
    def rows_rejected(self) -> int:
        return len({p["row"] for p in self.problems if p["severity"] == "error" and p["row"]})

    def problem(
        self,
        row: int | None,
        column: str | None,
        rule: Rule,
        message: str,
        severity: Severity | None = None,
    ) -> None:
        """Record a problem under a declared rule (its own severity unless told otherwise)."""
        self.problems.append(
            {
                "dataset": self.dataset,
                "file": self.path.name,
                "row": row,
                "column": column,
                "rule": rule.code,
                "severity": severity or rule.severity,
                "message": message,
            }
        )


def rows_accounted(load: FileLoad) -> bool:
    """Every row read is loaded, not used or rejected (the nothing-lost rule)."""
    return load.rows_read == load.rows_loaded + sum(load.not_used.values()) + load.rows_rejected


def any_failed(loads: Iterable[FileLoad]) -> bool:
    """True when any file stopped with a file-level problem."""
    return any(load.message for load in loads)
