"""Exclusion tables in the warehouse: staging tables (carried from build to build) and the build.

Rebuilt each time from staging (``sql/build.sql``): ``exclusion_events`` (one row per event,
with the SEN provision recorded or derived from SEN2 and where it came from),
``exclusion_headcounts``, ``exclusion_la_headcount``, and the marts ``mart_exclusions_by_sen``
and ``mart_exclusions_by_school`` that every exclusions measure is computed from.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.arrow_rows import create_staging_tables
from etl.inputs.exclusions.stage import EVENT_SCHEMA, HEADCOUNT_SCHEMA

SQL_FILE = Path(__file__).resolve().parent / "sql" / "build.sql"
STAGING = {
    "stg_exclusion_events": EVENT_SCHEMA,
    "stg_exclusion_headcounts": HEADCOUNT_SCHEMA,
}


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty staging tables, when a build starts."""
    create_staging_tables(con, STAGING)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Events, headcounts, checks and marts from staging (after the SEN2 build).

    With no exclusion records loaded only the (empty) loaded-rows table the load log needs is
    made: the rest would cost every SEN2 or tracker load ~0.4 s for nothing, and readers ask
    :func:`etl.inputs.exclusions.report.has_exclusions` first."""
    create_tables(con)
    row = con.execute(
        "SELECT (SELECT count(*) FROM stg_exclusion_events) "
        "+ (SELECT count(*) FROM stg_exclusion_headcounts)"
    ).fetchone()
    if not row or not row[0]:
        con.execute(
            "CREATE OR REPLACE TABLE exclusions_loaded_rows (load_id INTEGER, "
            "source_sheet VARCHAR, source_row BIGINT)"
        )
        return
    con.execute(SQL_FILE.read_text(encoding="utf-8"))
