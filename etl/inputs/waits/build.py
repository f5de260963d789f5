"""Waiting-list tables in the warehouse: staging (carried from build to build) → the referrals
in force → the month-end mart (``sql/marts.sql``).

A referral is identified by its keyed record key (provider + referral id, else child + service
+ referral date). When a later extract holds the same referral, the later row is the one in
force and the earlier rows count as superseded in the load log — each monthly extract restates
the list, so the newest word on a referral wins.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.arrow_rows import create_staging_tables
from etl.inputs.waits.stage import REFERRAL_SCHEMA

SQL_FILE = Path(__file__).resolve().parent / "sql" / "marts.sql"
STAGING = {"stg_waits_referrals": REFERRAL_SCHEMA}


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty staging tables, when a build starts."""
    create_staging_tables(con, STAGING)


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the referrals in force and the month-end mart from staging."""
    create_tables(con)
    con.execute(SQL_FILE.read_text(encoding="utf-8"))
