"""Published benchmarks: DfE EHC plan statistics, the tribunal appeal rate, statistical neighbours.

``python -m etl load-published DIR`` finds the files by name anywhere under DIR, reads them into a
long table of (measure, year, area) values and publishes ``published.duckdb`` beside the warehouse
the same way the warehouse is published: a new file, then ``os.replace``, under the load lock.

The files are public data (Open Government Licence). The repository holds none of them; users get
them with ``python -m etl fetch-published`` or from their own download.

Quirks handled (DESIGN §3 "Published benchmarks", issue 3):
- every number is text, sometimes with spaces, thousands commas or a trailing ``%``;
- ``x`` (not available), ``z`` (not applicable), ``c`` / ``low`` / ``~`` (suppressed), ``..`` and
  blanks are kept as a status with no value — never 0 (:mod:`.symbols`);
- header case changes between releases (``PC_plans_issued_20_weeks_ex``): headers are matched in
  lower case (:func:`.datasets.find_header`);
- national, regional and LA rows share a file; LAs carry a 9-character and a 3-digit code;
- boundary changes (BCP 2019, Dorset 2019, Northamptonshire 2021, Cumbria 2023): each LA keeps its
  own code; :data:`PREDECESSORS` links successors to the areas they replaced;
- an LA whose excluding-exceptions denominator is zero (Dorset, City of London in 2024) has no
  value ("no plans"), never 0%.

Every row read ends in one place: loaded, "not used" (a breakdown this tool does not show, such
as by sex or ethnicity, counted per file and reason) or rejected with file, row, column and rule
(:mod:`etl.checks.published`).

The parts: :mod:`.symbols` (cells), :mod:`.datasets` (which file holds what, as data),
:mod:`.areas` (LA names, boundary changes), one reader per publication (:mod:`.ees`,
:mod:`.tribunals`, :mod:`.neighbours`), :mod:`.build` with ``build.sql`` (the database). This
module re-exports the public API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from etl.published.areas import ENGLAND_CODE, NAME_ALIASES, PREDECESSORS, normalise_name
    from etl.published.build import PublishedReport, load_published
    from etl.published.datasets import (
        DATASET_BY_KEY,
        DATASETS,
        MEASURES,
        NEED_MEASURES,
        NEEDS,
        Column,
        Dataset,
        Measure,
        dataset_for,
        find_files,
        find_header,
    )
    from etl.published.ees import LEVELS, read_ees, year_of
    from etl.published.neighbours import read_neighbours
    from etl.published.paths import PUBLISHED_NAME, published_path
    from etl.published.records import (
        FileLoad,
        PublishedError,
        Value,
        any_failed,
        rows_accounted,
    )
    from etl.published.symbols import SYMBOLS, Num, parse_number, round_half_away
    from etl.published.tribunals import read_tribunals

# Each name's home module, imported on first use (PEP 562): the readers pull in pyarrow and
# fastexcel, which commands that only need a path or a measure list (``kpis``, the pages'
# imports) should not pay for.
_HOMES = {
    "areas": ("ENGLAND_CODE", "NAME_ALIASES", "PREDECESSORS", "normalise_name"),
    "build": ("PublishedReport", "load_published"),
    "paths": ("PUBLISHED_NAME", "published_path"),
    "datasets": (
        "DATASET_BY_KEY",
        "DATASETS",
        "MEASURES",
        "NEED_MEASURES",
        "NEEDS",
        "Column",
        "Dataset",
        "Measure",
        "dataset_for",
        "find_files",
        "find_header",
    ),
    "ees": ("LEVELS", "read_ees", "year_of"),
    "neighbours": ("read_neighbours",),
    "records": ("FileLoad", "PublishedError", "Value", "any_failed", "rows_accounted"),
    "symbols": ("SYMBOLS", "Num", "parse_number", "round_half_away"),
    "tribunals": ("read_tribunals",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "DATASETS",
    "DATASET_BY_KEY",
    "ENGLAND_CODE",
    "LEVELS",
    "MEASURES",
    "NAME_ALIASES",
    "NEEDS",
    "NEED_MEASURES",
    "PREDECESSORS",
    "PUBLISHED_NAME",
    "SYMBOLS",
    "Column",
    "Dataset",
    "FileLoad",
    "Measure",
    "Num",
    "PublishedError",
    "PublishedReport",
    "Value",
    "any_failed",
    "dataset_for",
    "find_files",
    "find_header",
    "load_published",
    "normalise_name",
    "parse_number",
    "published_path",
    "read_ees",
    "read_neighbours",
    "read_tribunals",
    "round_half_away",
    "rows_accounted",
    "summary_lines",
    "year_of",
]


def __getattr__(name: str) -> Any:
    # summary_lines is CLI text and lives in etl.cli_published, which imports this package:
    # resolved on first use so the old import path keeps working without an import cycle.
    if name == "summary_lines":
        from etl.cli_published import summary_lines

        return summary_lines
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value
