"""The registry of input kinds: the one list the warehouse loops over.

Adding a kind is a new package ``etl/inputs/<kind>/`` exposing ``KIND`` (see
:mod:`etl.inputs.kind`) and one line in :data:`KIND_MODULES`. The order is the order in which
kinds are asked whether they recognise a file: trackers before SEN2, because a tracker's
"Start Date" / "End Date" could otherwise half-match a SEN2 module.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from etl.inputs.kind import InputKind, StageContext, Staged

__all__ = [
    "KIND_MODULES",
    "InputKind",
    "StageContext",
    "Staged",
    "build_order",
    "kinds",
    "registered",
]

KIND_MODULES: list[str] = [
    "etl.inputs.tracker",
    "etl.inputs.waits",
    # Before SEN2: an events sheet's "UPN" and "Start date" would otherwise half-match SEN2.
    "etl.inputs.exclusions",
    "etl.inputs.sen2",
]


def kinds() -> list[InputKind]:
    """Every registered input kind, in recognition order."""
    return [importlib.import_module(name).KIND for name in KIND_MODULES]


def sheet_specs() -> dict[str, list[Any]]:
    """Kind name → its sheet specs (for the settings file's ``[aliases.<kind>.<sheet>]``)."""
    return {kind.name: list(kind.specs) for kind in kinds()}


@contextmanager
def registered(module: str) -> Iterator[None]:
    """Register a kind for the duration of a block (tests and plug-ins): ``module`` must expose
    ``KIND``. It is asked first, before the built-in kinds."""
    KIND_MODULES.insert(0, module)
    try:
        yield
    finally:
        KIND_MODULES.remove(module)


def build_order(kinds: list[InputKind]) -> list[InputKind]:
    """The kinds in the order their builds run: registry order, except that a kind naming others
    in an optional ``build_after`` attribute runs after them (exclusions reads SEN2's tables)."""
    done: list[InputKind] = []
    waiting = list(kinds)
    while waiting:
        names = {k.name for k in done}
        ready = next(
            (
                k
                for k in waiting
                if all(n in names or n not in {w.name for w in kinds} for n in _after(k))
            ),
            waiting[0],  # a cycle: registry order
        )
        waiting.remove(ready)
        done.append(ready)
    return done


def _after(kind: InputKind) -> tuple[str, ...]:
    return tuple(getattr(kind, "build_after", ()))
