"""Keyed hashes are stored uncompressed; every other column as DuckDB chooses (issue 11)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.key_storage import column_ddl, run_script

SCRIPT = """
CREATE OR REPLACE TEMP TABLE numbers AS SELECT range AS n FROM range(3000);
-- A table of keyed hashes, as the marts make them, with a comment line first.
CREATE OR REPLACE TABLE made AS
WITH keyed AS (SELECT n, md5(n::VARCHAR) AS request_key FROM numbers)
SELECT request_key, 'Kent' AS la_name, n::INTEGER AS source_row FROM keyed;
CREATE OR REPLACE MACRO made_count() AS TABLE SELECT count(*) AS n FROM made;
"""


def _storage(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for column, compression in con.execute(
        "SELECT column_name, compression FROM pragma_storage_info(?) "
        "WHERE segment_type <> 'VALIDITY'",
        [table],
    ).fetchall():
        found.setdefault(column, set()).add(compression)
    return found


def test_a_script_table_holds_what_create_table_as_holds_with_its_keys_uncompressed(
    tmp_path: Path,
) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    run_script(con, SCRIPT)
    con.execute(
        SCRIPT.replace("TABLE made AS", "TABLE plain AS").replace("FROM made", "FROM plain")
    )
    con.execute("CHECKPOINT")
    assert con.execute("DESCRIBE made").fetchall() == con.execute("DESCRIBE plain").fetchall()
    assert con.execute("SELECT * FROM made EXCEPT ALL SELECT * FROM plain").fetchall() == []
    assert con.execute("SELECT * FROM plain EXCEPT ALL SELECT * FROM made").fetchall() == []
    assert con.execute("SELECT n FROM made_count()").fetchone() == (3000,)
    made, plain = _storage(con, "made"), _storage(con, "plain")
    assert made["request_key"] == {"Uncompressed"}
    assert plain["request_key"] != {"Uncompressed"}  # DuckDB compresses it when left to choose
    # Only the keys: a repeated name is compressed as DuckDB chooses, in both tables.
    assert made["la_name"] == plain["la_name"] != {"Uncompressed"}
    # The TEMP table is made as written (in memory, not in the file).
    assert con.execute(
        "SELECT temporary FROM duckdb_tables() WHERE table_name = 'numbers'"
    ).fetchone() == (True,)


def test_only_text_keys_are_stored_uncompressed() -> None:
    assert (
        column_ddl("request_key", "VARCHAR")
        == '"request_key" VARCHAR USING COMPRESSION uncompressed'
    )
    assert column_ddl("la_code", "VARCHAR") == '"la_code" VARCHAR'
    assert column_ddl("rank_key", "INTEGER") == '"rank_key" INTEGER'
