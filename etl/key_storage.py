"""How the warehouse stores keyed hashes (issue 11).

A keyed hash (a ``…_key`` text column: 32 hexadecimal characters of HMAC-SHA256) is random, so
DuckDB's string compression gains little on it (the national warehouse is 376 MB with it and
685 MB without) but is the costliest part of writing a table: on the national load it took more
CPU time than any query of the build. Staging, canonical and SEN2 mart tables therefore store
their keys uncompressed; every other column keeps the compression DuckDB chooses.
``docs/benchmarks.md`` has the measurements and ``docs/decisions.md`` the trade-off.
"""

from __future__ import annotations

import re

import duckdb

KEY_STORAGE = "USING COMPRESSION uncompressed"

# A script's "CREATE OR REPLACE TABLE name AS query" (after any comment lines): a table on disk.
# TEMP tables live in memory and are left as they are.
_CREATE_AS = re.compile(r"\s*(?:--[^\n]*\n\s*)*CREATE OR REPLACE TABLE (\w+) AS\s", re.IGNORECASE)


def column_ddl(name: str, duckdb_type: str) -> str:
    """A column's definition in ``CREATE TABLE``: a keyed hash stored as :data:`KEY_STORAGE`."""
    keyed = name.endswith("_key") and duckdb_type == "VARCHAR"
    return f'"{name}" {duckdb_type}' + (f" {KEY_STORAGE}" if keyed else "")


def run_script(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run a SQL script statement by statement, making each ``CREATE OR REPLACE TABLE … AS``
    table from its query's columns (:func:`column_ddl`) and then inserting the query's rows:
    ``CREATE TABLE … AS`` chooses every column's storage itself. The script is the code's own
    SQL (table names from it, never from a file); the result is the same table."""
    for statement in con.extract_statements(sql):
        text = statement.query
        found = _CREATE_AS.match(text)
        if found is None:
            con.execute(text)
            continue
        name, query = found[1], text[found.end() :]
        columns = con.execute(f"DESCRIBE {query}").fetchall()
        definition = ", ".join(column_ddl(column[0], column[1]) for column in columns)
        con.execute(f"CREATE OR REPLACE TABLE {name} ({definition})")
        con.execute(f"INSERT INTO {name} {query}")
