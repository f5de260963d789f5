"""Questions the CLI asks of the exclusion tables (through :class:`etl.store.Warehouse`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

from etl.inputs.exclusions.spec import academic_year, year_label
from etl.kpi_links import EXCLUSION_KEYS
from etl.store import query_sql

SEN_GROUPS = ("ehc_plan", "sen_support", "no_sen")
# The by-SEN figures a summary carries: the same keys a plan action may be judged by.
BY_SEN_KEYS = EXCLUSION_KEYS


def has_exclusions(con: duckdb.DuckDBPyConnection) -> bool:
    """True when exclusion events or headcounts are loaded."""
    try:
        row = con.execute(
            "SELECT (SELECT count(*) FROM exclusion_events) "
            "+ (SELECT count(*) FROM exclusion_headcounts)"
        ).fetchone()
    except duckdb.CatalogException:  # a warehouse built before exclusions existed
        return False
    return bool(row and row[0])


def _plain(value: Any) -> Any:
    """A JSON value: NaN / NA → None, numpy numbers → int / float."""
    if value is None:
        return None
    if isinstance(value, Decimal):  # a DECIMAL column read without pandas
        return float(value)
    try:
        if value != value:  # NaN
            return None
    except TypeError:  # pandas NA
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def kpis(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, Any]:
    """The ``exclusions`` KPI section: the academic year of ``as_of``, by SEN group."""
    year = academic_year(as_of)
    by_sen: dict[str, dict[str, Any]] = {
        g: dict.fromkeys(BY_SEN_KEYS) | {"suspensions": 0, "permanent_exclusions": 0}
        for g in SEN_GROUPS
    }
    for g in SEN_GROUPS:
        by_sen[g]["pupils_suspended"] = 0
    if has_exclusions(con):
        # The named query's SQL, read without pandas (``kpis`` starts without it).
        cursor = con.execute(query_sql("exclusions_by_sen"), {"academic_year": year, "term": None})
        names = [d[0] for d in cursor.description or []]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            if row["sen_group"] in by_sen:
                by_sen[row["sen_group"]] = {k: _plain(row[k]) for k in BY_SEN_KEYS}
    return {"academic_year": year_label(year), "by_sen": by_sen}
