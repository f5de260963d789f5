"""What the CLI and the dashboard ask of the tracker tables: the milestones in force at a date
and counts by RAG (the Improvement plan page's named queries are in ``etl.queries``).
Overrides are recorded here too, in the append-only store ``etl.records``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from etl.rag import RAG_VALUES


def has_trackers(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse has tracker tables with at least one period."""
    try:
        row = con.execute("SELECT count(*) FROM plan_periods").fetchone()
    except duckdb.CatalogException:  # a warehouse built before trackers existed
        return False
    return bool(row and row[0])


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def milestones(
    con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """Milestones and actions of each plan's period in force at ``as_of`` (default: latest)."""
    if not has_trackers(con):
        return []
    cursor = con.execute(
        """
        SELECT plan, report_date, item_kind, ref, name, workstream, owner, start_date, end_date,
               pct_complete, rag, computed_rag, reported_status, disagreement, override_rag,
               override_reason, override_author, override_at, revised_date, reason, mitigation,
               source_file, source_sheet, source_row
        FROM plan_items_at(?::DATE)
        ORDER BY plan, end_date, source_sheet, source_row
        """,
        [as_of],
    )
    names = [c[0] for c in cursor.description]
    out = []
    for values in cursor.fetchall():
        r = dict(zip(names, values, strict=True))
        override = (
            {
                "rag": r["override_rag"],
                "reason": r["override_reason"],
                "author": r["override_author"],
                "at": _iso(r["override_at"]),
            }
            if r["override_rag"]
            else None
        )
        out.append(
            {
                "plan": r["plan"],
                "report_date": _iso(r["report_date"]),
                "kind": r["item_kind"],
                "ref": r["ref"],
                "name": r["name"],
                "workstream": r["workstream"],
                "owner": r["owner"],
                "start": _iso(r["start_date"]),
                "end": _iso(r["end_date"]),
                "pct_complete": r["pct_complete"],
                "rag": r["rag"],
                "computed_rag": r["computed_rag"],
                "reported_status": r["reported_status"],
                "disagreement": r["disagreement"],
                "override": override,
                "revised_date": _iso(r["revised_date"]),
                "reason": r["reason"],
                "mitigation": r["mitigation"],
                "source": {
                    "file": r["source_file"],
                    "sheet": r["source_sheet"],
                    "row": r["source_row"],
                },
            }
        )
    return out


def rag_counts(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> dict[str, int]:
    """How many milestones and actions in force are at each RAG (all five keys, zeros kept)."""
    # Best first: the key order of the CLI JSON payload since it was first published.
    counts: dict[str, int] = dict.fromkeys(reversed(RAG_VALUES), 0)
    for item in milestones(con, as_of):
        counts[item["rag"]] += 1
    return counts


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [c[0] for c in cursor.description or []]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def kpi_links(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """The KPI links of each plan's period in force at ``as_of`` (issue 15), dates as dates."""
    if not has_trackers(con):
        return []
    try:
        cursor = con.execute(
            "SELECT * EXCLUDE (load_id) FROM plan_kpi_links_at(?::DATE) "
            "ORDER BY plan, source_file, source_row",
            [as_of],
        )
    except duckdb.CatalogException:  # a warehouse built before KPI links existed
        return []
    return _dicts(cursor)


def registers(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Risks, issues and dependencies of each plan's period in force at ``as_of``, highest
    score first (then impact), dates as dates."""
    if not has_trackers(con):
        return []
    cursor = con.execute(
        "SELECT * EXCLUDE (load_id) FROM plan_registers_at(?::DATE) "
        "ORDER BY plan, score DESC NULLS LAST, impact DESC NULLS LAST, source_row",
        [as_of],
    )
    return _dicts(cursor)


class OverrideError(Exception):
    """The override could not be made; ``usage`` when the request itself was wrong."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.message = message
        self.usage = usage


def resolve(
    con: duckdb.DuckDBPyConnection, target: str, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The one milestone or action in force that ``target`` names: its ref, its name (any case),
    or a piece of its name that only it contains."""
    rows = con.execute(
        "SELECT plan, report_date, item_key, ref, name, workstream, rag "
        "FROM plan_items_at(?::DATE)",
        [as_of],
    ).fetchall()
    keys = ("plan", "report_date", "item_key", "ref", "name", "workstream", "rag")
    items = [dict(zip(keys, r, strict=True)) for r in rows]
    wanted = " ".join(target.lower().split())
    for test in (
        lambda i: (i["ref"] or "").lower() == wanted,
        lambda i: (i["name"] or "").lower() == wanted,
        lambda i: wanted in (i["name"] or "").lower(),
    ):
        found = [i for i in items if test(i)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listed = "; ".join(
                f"{i['ref'] or i['workstream'] or '-'}: {i['name']}" for i in found[:10]
            )
            raise OverrideError(
                f"'{target}' matches {len(found)} milestones or actions ({listed}). Give the "
                "action ref or the full name.",
                usage=True,
            )
    raise OverrideError(f"No milestone or action in the period in force matches '{target}'.")


def apply_override(
    folder: Path,
    target: str,
    rag_value: str | None,
    *,
    reason: str,
    author: str,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Record an override (``rag_value`` None clears one): one appended record, no rebuild.

    The override belongs to the item in its period in force at ``as_of`` (default: latest); a
    later report is rated afresh. Every override, and every clearing, is kept in history.
    """
    # Imported here: the store reads milestones through this module.
    from etl import records, snapshots
    from etl.store import NoDatabase, Warehouse

    if rag_value is not None and rag_value not in RAG_VALUES:
        raise OverrideError(f"RAG must be one of {', '.join(RAG_VALUES)}", usage=True)
    if not reason.strip() or not author.strip():
        raise OverrideError("An override needs a reason and an author.", usage=True)
    try:
        warehouse = Warehouse.at(folder)
    except NoDatabase:
        raise OverrideError(f"No data loaded yet in {folder}.") from None
    with warehouse:
        if not warehouse.has_trackers():
            raise OverrideError("No improvement-plan tracker is loaded.")
        item = resolve(warehouse.connection, target, as_of)

    records.append(
        folder,
        records.TRACKER_OVERRIDES,
        {
            "plan": item["plan"],
            "report_date": item["report_date"],
            "item_key": item["item_key"],
            "item_name": item["name"],
            "rag": rag_value,
            "reason": reason.strip(),
            "author": author.strip(),
            "created_at": dt.datetime.now().replace(microsecond=0),
        },
    )
    snapshots.take_now(folder, "override")  # the figures on screen changed: a new snapshot
    return {**item, "report_date": _iso(item["report_date"]), "override_rag": rag_value}
