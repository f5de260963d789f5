"""Tracker tables in the warehouse: staging, the build (periods, RAG, overrides) and overrides.

Staging tables (``stg_tracker_*``) and the override log (``tracker_overrides``) are carried from
each published warehouse into the next build, like the SEN2 staging tables, so periods accumulate
and overrides survive every later load. Everything else here is rebuilt from them each time:

- ``plan_periods``: one row per (plan, report date); a later file for the same plan and date
  supersedes the earlier one (its rows count as superseded in the load log).
- ``plan_items``: every milestone and action of every period, with the RAG computed by
  ``etl.rag`` as at its period's report date, the tracker's own status beside it, and the override
  in force for that period, if any.
- ``plan_registers``: risks, issues and dependencies.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from etl import rag
from etl.config import settings
from etl.tracker.stage import ITEM_SCHEMA, PERIOD_SCHEMA, REGISTER_SCHEMA, StagedTracker

SQL_FILE = Path(__file__).resolve().parent.parent / "sql" / "tracker.sql"
STAGING = {
    "stg_tracker_periods": PERIOD_SCHEMA,
    "stg_tracker_items": ITEM_SCHEMA,
    "stg_tracker_registers": REGISTER_SCHEMA,
}
# Tables copied from the published warehouse into each new build.
CARRIED_TABLES = (*STAGING, "tracker_overrides")

PLAN_ITEM_FIELDS = [
    pa.field("computed_rag", pa.string()),
    pa.field("expected_pct", pa.float64()),
    pa.field("reported_rag", pa.string()),
    pa.field("disagreement", pa.string()),
    pa.field("override_rag", pa.string()),
    pa.field("override_reason", pa.string()),
    pa.field("override_author", pa.string()),
    pa.field("override_at", pa.timestamp("us")),
    pa.field("rag", pa.string()),
]


def thresholds() -> rag.Thresholds:
    """The RAG thresholds from the settings file (``[rag]``)."""
    s = settings()
    return rag.Thresholds(s.rag_green_max_gap, s.rag_amber_max_gap, s.rag_point_amber_days)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty staging tables and the override log, when a build starts."""
    for name, schema in STAGING.items():
        empty = schema.append(pa.field("load_id", pa.int32())).empty_table()  # noqa: F841
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} AS SELECT * FROM empty LIMIT 0")
    con.execute("""
        CREATE TABLE IF NOT EXISTS tracker_overrides (
            override_id INTEGER, plan VARCHAR, report_date DATE, item_key VARCHAR,
            item_name VARCHAR, rag VARCHAR, reason VARCHAR, author VARCHAR,
            created_at TIMESTAMP)
    """)


def insert(con: duckdb.DuckDBPyConnection, staged: StagedTracker, load_id: int | None) -> None:
    """Add one staged workbook's rows under its load id."""
    for name, table in (
        ("stg_tracker_periods", staged.period),
        ("stg_tracker_items", staged.items),
        ("stg_tracker_registers", staged.registers),
    ):
        incoming = table.append_column(  # noqa: F841 - referenced by name in SQL
            "load_id", pa.array([load_id] * table.num_rows, pa.int32())
        )
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM incoming")


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild periods, rated items and registers from staging (runs after the SEN2 build)."""
    create_tables(con)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE tracker_versions AS
        SELECT *, row_number() OVER (PARTITION BY plan, report_date ORDER BY load_id DESC)
                  AS version_rank
        FROM stg_tracker_periods;
        INSERT INTO superseded
        SELECT 'tracker', s.load_id, s.source_sheet, s.source_row
        FROM (SELECT load_id, source_sheet, source_row FROM stg_tracker_items
              UNION ALL SELECT load_id, source_sheet, source_row FROM stg_tracker_registers) s
        JOIN tracker_versions v USING (load_id) WHERE v.version_rank > 1;
        CREATE OR REPLACE TABLE plan_periods AS
        SELECT plan, report_date, load_id, source_file, report_date_source, overall_status,
               lag(report_date) OVER (PARTITION BY plan ORDER BY report_date)
                   AS previous_report_date,
               row_number() OVER (PARTITION BY plan ORDER BY report_date)::INTEGER
                   AS period_number
        FROM tracker_versions WHERE version_rank = 1;
    """)
    items = con.sql("""
        SELECT i.* FROM stg_tracker_items i JOIN plan_periods p USING (load_id)
        ORDER BY i.plan, i.report_date, i.source_sheet, i.source_row
    """).to_arrow_table()
    overrides = _overrides_in_force(con)
    con.register("rated", _rate(items, overrides))
    con.execute("CREATE OR REPLACE TABLE plan_items AS SELECT * FROM rated")
    con.unregister("rated")
    # The RAG words in their order (worst first) for SQL that sorts or lists them: etl.rag's.
    con.execute(
        "CREATE OR REPLACE TABLE rag_scale AS "
        "SELECT unnest($rags) AS rag, unnest(range(1, len($rags) + 1))::INTEGER AS rag_order",
        {"rags": list(rag.RAG_VALUES)},
    )
    con.execute(SQL_FILE.read_text())


def _overrides_in_force(con: duckdb.DuckDBPyConnection) -> dict[tuple[Any, ...], dict[str, Any]]:
    """The latest override per (plan, report date, item); a cleared one (no RAG) is none."""
    rows = con.execute("""
        SELECT plan, report_date, item_key, rag, reason, author, created_at
        FROM tracker_overrides
        QUALIFY row_number() OVER (PARTITION BY plan, report_date, item_key
                                   ORDER BY override_id DESC) = 1
    """).fetchall()
    return {
        (p, d, k): {"rag": r, "reason": why, "author": who, "at": at}
        for p, d, k, r, why, who, at in rows
        if r is not None
    }


def _rate(items: pa.Table, overrides: dict[tuple[Any, ...], dict[str, Any]]) -> pa.Table:
    """Add the computed RAG, the reported one, any disagreement and the override in force."""
    t = thresholds()
    extra: dict[str, list[Any]] = {f.name: [] for f in PLAN_ITEM_FIELDS}
    for row in items.to_pylist():
        start, end, pct, when = (
            row["start_date"],
            row["end_date"],
            row["pct_complete"],
            row["report_date"],
        )
        computed = rag.compute_rag(start, end, pct, when, t)
        override = overrides.get((row["plan"], when, row["item_key"]), {})
        extra["computed_rag"].append(computed)
        extra["expected_pct"].append(
            float(rag.expected_pct(start, end, when)) if start is not None else None
        )
        extra["reported_rag"].append(rag.reported_rag(row["reported_status"]))
        extra["disagreement"].append(rag.disagreement(row["reported_status"], computed))
        extra["override_rag"].append(override.get("rag"))
        extra["override_reason"].append(override.get("reason"))
        extra["override_author"].append(override.get("author"))
        extra["override_at"].append(override.get("at"))
        extra["rag"].append(override.get("rag") or computed)
    for f in PLAN_ITEM_FIELDS:
        items = items.append_column(f, pa.array(extra[f.name], f.type))
    return items


def record_override(
    con: duckdb.DuckDBPyConnection,
    target: dict[str, Any],
    rag_value: str | None,
    reason: str,
    author: str,
    at: dt.datetime | None = None,
) -> int:
    """Append an override (``rag_value`` None clears it) for one item in one period."""
    row = con.execute("SELECT coalesce(max(override_id), 0) + 1 FROM tracker_overrides").fetchone()
    override_id = int(row[0]) if row else 1
    con.execute(
        "INSERT INTO tracker_overrides VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            override_id,
            target["plan"],
            target["report_date"],
            target["item_key"],
            target["name"],
            rag_value,
            reason,
            author,
            at or dt.datetime.now().replace(microsecond=0),
        ],
    )
    return override_id
