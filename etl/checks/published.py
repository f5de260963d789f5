"""Rules of the published-figures load (``python -m etl load-published``), each declared once.

The readers in :mod:`etl.published` report problems under these codes; a file-level rule stops
the whole file, a row-level ``error`` rejects the row, a ``query`` loads it and flags it.
"""

from __future__ import annotations

from etl.checks import rule

# The file-level rule every kind shares, declared with the file rules; re-exported for readers.
from etl.checks.files import COLUMN_MISSING as COLUMN_MISSING

FILE_UNREADABLE = rule(
    "published_file_unreadable",
    "error",
    "A published file could not be read as the table this tool expects (not a CSV, empty, no "
    "header row, no rows with a year); nothing is loaded from it.",
    "tribunal_appeal_rate.csv: no 'Local Authority' header row found in the first 30 rows",
    area="published",
)
BAD_PERIOD = rule(
    "published_bad_period",
    "error",
    "time_period is neither a calendar year (2024) nor an academic year (202425); the row is "
    "not loaded.",
    "time_period '2024/25' is not a year (2024) or an academic year (202425)",
    area="published",
)
BAD_LEVEL = rule(
    "published_bad_level",
    "error",
    "geographic_level is not National, Regional or Local authority; the row is not loaded.",
    "geographic_level 'Parliamentary constituency' is not National, Regional or Local authority",
    area="published",
)
NO_AREA_CODE = rule(
    "published_no_area_code",
    "error",
    "A regional or LA row has no area code (region_code, new_la_code or old_la_code); the row "
    "is not loaded.",
    "LA row with no area code (new_la_code / old_la_code / region_code)",
    area="published",
)
DUPLICATE_ROW = rule(
    "published_duplicate_row",
    "error",
    "The same area and period appear twice in one file; the first is used and the repeat is "
    "not loaded.",
    "Leeds Calendar year 2024 appears twice in this file (first on line 12)",
    area="published",
)
BAD_NUMBER = rule(
    "published_bad_number",
    "query",
    "A value is neither a number nor a known symbol (x, z, c, low, ~, ..); it is shown as no "
    "value, never 0.",
    "pc_plans_issued_20_weeks_ex = 'n/a' is not a number or a known symbol",
    area="published",
)
UNKNOWN_LA = rule(
    "published_unknown_la",
    "error",
    "A tribunal-table row names an LA that matches no LA in the EES files by name or code (the "
    "row is not loaded); a statistical-neighbour name that matches none is listed with "
    "severity query and left out of neighbour comparisons.",
    "Anytown (999) matches no LA in the EES files loaded with it, by name or code",
    area="published",
)
CODE_NAME_MISMATCH = rule(
    "published_code_name_mismatch",
    "query",
    "A tribunal-table row's name and 3-digit code point at different LAs; it is matched by name "
    "(the codes of five rows in the 2014–2024 table are wrong).",
    "the row is named Nottingham but its code 891 is Nottinghamshire in the EES files",
    area="published",
)
