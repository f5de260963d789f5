"""Tracker tables in the warehouse: staging, the build (periods, RAG, overrides) and overrides.

Staging tables (``stg_tracker_*``) are carried from each published warehouse into the next build,
like the SEN2 staging tables, so periods accumulate. Overrides live in the append-only record
store (``etl.records``): recording one never rebuilds anything. Rebuilt each time:

- ``plan_periods``: one row per (plan, report date); a later file for the same plan and date
  supersedes the earlier one (its rows count as superseded in the load log).
- ``plan_items_rated``: every milestone and action of every period, with the RAG computed by
  ``etl.rag`` as at its period's report date and the tracker's own status beside it;
- ``plan_items`` (a view, ``sql/marts.sql``): the same with the override in force, if any, read
  from ``tracker_overrides`` when queried — so a new override shows at once.
- ``plan_registers``: risks, issues and dependencies.
- ``plan_kpi_links``: the KPIs each action or area of weakness is judged by (issue 15).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from etl import rag
from etl.arrow_rows import create_staging_tables, table_from_columns
from etl.config import settings
from etl.inputs.tracker.stage import ITEM_SCHEMA, LINK_SCHEMA, PERIOD_SCHEMA, REGISTER_SCHEMA

SQL_FILE = Path(__file__).resolve().parent / "sql" / "marts.sql"
STAGING = {
    "stg_tracker_periods": PERIOD_SCHEMA,
    "stg_tracker_items": ITEM_SCHEMA,
    "stg_tracker_registers": REGISTER_SCHEMA,
    "stg_tracker_kpi_links": LINK_SCHEMA,
}

PLAN_ITEM_FIELDS = [
    pa.field("computed_rag", pa.string()),
    pa.field("expected_pct", pa.float64()),
    pa.field("reported_rag", pa.string()),
    pa.field("disagreement", pa.string()),
]


def thresholds() -> rag.Thresholds:
    """The RAG thresholds from the settings file (``[rag]``)."""
    s = settings()
    return rag.Thresholds(s.rag_green_max_gap, s.rag_amber_max_gap, s.rag_point_amber_days)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty staging tables, when a build starts."""
    create_staging_tables(con, STAGING)


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
              UNION ALL SELECT load_id, source_sheet, source_row FROM stg_tracker_registers
              UNION ALL SELECT load_id, source_sheet, source_row FROM stg_tracker_kpi_links) s
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
    rated = _rate(items)  # noqa: F841 - referenced by name in SQL
    con.execute("CREATE OR REPLACE TABLE plan_items_rated AS SELECT * FROM rated")
    # The RAG words in their order (worst first) for SQL that sorts or lists them: etl.rag's.
    con.execute(
        "CREATE OR REPLACE TABLE rag_scale AS "
        "SELECT unnest($rags) AS rag, unnest(range(1, len($rags) + 1))::INTEGER AS rag_order",
        {"rags": list(rag.RAG_VALUES)},
    )
    con.execute(SQL_FILE.read_text())


def _rate(items: pa.Table) -> pa.Table:
    """Add the computed RAG, the reported one and any disagreement between them."""
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
        extra["computed_rag"].append(computed)
        extra["expected_pct"].append(
            float(rag.expected_pct(start, end, when)) if start is not None else None
        )
        extra["reported_rag"].append(rag.reported_rag(row["reported_status"]))
        extra["disagreement"].append(rag.disagreement(row["reported_status"], computed))
    rated = table_from_columns(extra, pa.schema(PLAN_ITEM_FIELDS))
    for f in PLAN_ITEM_FIELDS:
        items = items.append_column(f, rated.column(f.name))
    return items
