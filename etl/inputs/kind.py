"""What every input kind provides, so that the warehouse can load any of them the same way.

An input kind (SEN2, improvement-plan trackers, …) is a package ``etl/inputs/<kind>/`` whose
``__init__`` exposes ``KIND``, an object with the attributes and methods of :class:`InputKind`:

- ``specs``: its sheet specs (column maps as data), for header matching and the settings' aliases;
- ``recognise(sheets, context)``: whether a file's sheets are this kind (None when not);
- ``stage(claim, sheets, context)``: typed, keyed staging tables plus row problems, or a
  ``FileProblem`` for a file-level problem (nothing is loaded from the file);
- ``staging``: the staging tables it writes (name → Arrow schema), carried from build to build;
- ``build(con)``: staging → canonical tables → checks → marts, inside the new warehouse file. It
  records rows it drops in ``build_problems`` / ``superseded`` and creates ``<name>_loaded_rows``
  (load_id, source_sheet, source_row; each loaded row once) so that the load log adds up. A row
  in ``superseded`` that no ``<name>_loaded_rows`` holds counts as superseded, and its row
  problems leave the list.
  The connection holds the pseudonymiser's key (``Pseudonymiser.bind``: a TEMP table, never in
  the file), so SQL can key values with ``Pseudonymiser.SQL`` exactly as staging does.
  Every row it adds to ``build_problems``, ``query_problems`` or ``superseded`` carries the
  load_id of one of its own files: a load that rebuilds only the kinds it changes (issue 11)
  removes a kind's rows by those load ids and keeps the rest.

Optional attributes: ``build_after`` (names of kinds whose tables its build reads; it is rebuilt
whenever they are) and ``reads_load_record`` (its build reads ``load_files``; it is rebuilt when
a load changes the latest snapshot date or the synthetic flag).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from etl.checks import Problem

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from etl.config import Pseudonymiser
    from etl.readers import RawSheet


@dataclass(frozen=True)
class StageContext:
    """What staging may need beyond the sheets: the file, the key for ids and ``--as-of``."""

    path: Path
    pseudo: Pseudonymiser
    as_of: dt.date | None = None


@dataclass
class Staged:
    """One file staged by its kind: rows per staging table, problems, and what to show."""

    shape: str  # shown in the load log ("flat case list", "Plan tracker, report date …")
    rows_read: int
    tables: dict[str, pa.Table] = field(default_factory=dict)  # staging table → rows
    problems: list[Problem] = field(default_factory=list)
    # Whether the load's --as-of becomes this file's snapshot date (a tracker's report date lives
    # with its period instead).
    sets_snapshot: bool = True
    # The snapshot date the file states itself (a SEN2 return's reference date), if any; it
    # wins over the load's --as-of (a query notes a difference).
    as_of: dt.date | None = None


class InputKind(Protocol):
    """The parts every input kind has (see the module docstring)."""

    @property
    def name(self) -> str: ...

    @property
    def looks_like(self) -> str:
        """What a file of this kind holds, for the message when no kind recognises a file: it
        follows "no sheet with" ("recognisable SEN2 headers (e.g. ReceivedDate, …)")."""
        ...

    @property
    def specs(self) -> Sequence[Any]: ...

    @property
    def staging(self) -> dict[str, pa.Schema]: ...

    @property
    def carried(self) -> tuple[str, ...]:
        """Tables besides staging that each build copies from the last (e.g. user records)."""
        ...

    def create_tables(self, con: duckdb.DuckDBPyConnection) -> None: ...

    def recognise(self, sheets: list[RawSheet], context: StageContext) -> Any | None: ...

    def stage(self, claim: Any, sheets: list[RawSheet], context: StageContext) -> Staged: ...

    def build(self, con: duckdb.DuckDBPyConnection) -> None: ...
