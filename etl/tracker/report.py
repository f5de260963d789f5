"""What the CLI and the dashboard ask of the tracker tables: the milestones in force at a date,
counts by RAG, and the named queries the Improvement plan page runs (registered in
``etl.queries``). Overrides are recorded here too, in the append-only store ``etl.records``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from etl.rag import RAG_VALUES

# JSON field order of `python -m etl milestones --json`.
MILESTONE_FIELDS = (
    "plan",
    "report_date",
    "kind",
    "ref",
    "name",
    "workstream",
    "owner",
    "start",
    "end",
    "pct_complete",
    "rag",
    "computed_rag",
    "reported_status",
    "disagreement",
    "override",
    "revised_date",
    "reason",
    "mitigation",
    "source",
)


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
    from etl import records
    from etl.config import warehouse_path

    if rag_value is not None and rag_value not in RAG_VALUES:
        raise OverrideError(f"RAG must be one of {', '.join(RAG_VALUES)}", usage=True)
    if not reason.strip() or not author.strip():
        raise OverrideError("An override needs a reason and an author.", usage=True)
    path = warehouse_path(folder)
    if not path.exists():
        raise OverrideError(f"No data loaded yet in {folder}.")
    con = duckdb.connect(str(path), read_only=True)
    try:
        if not has_trackers(con):
            raise OverrideError("No improvement-plan tracker is loaded.")
        item = resolve(con, target, as_of)
    finally:
        con.close()

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
    return {**item, "report_date": _iso(item["report_date"]), "override_rag": rag_value}


# ---------------------------------------------------------------- named queries for the page
# (sql, description, row_level). Registered in etl.queries.QUERIES. $as_of is a report date or
# NULL (latest); list parameters filter, NULL = no filter.

_FILTER = """
    ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream, 'Not given')))
    AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
    AND ($rags IS NULL OR list_contains($rags, rag))
"""

QUERY_SPECS: dict[str, tuple[str, str, bool]] = {
    "plan_periods": (
        """
        SELECT plan, report_date, period_number, previous_report_date, source_file,
               report_date_source, overall_status,
               (SELECT count(*) FROM plan_items i
                WHERE i.plan = p.plan AND i.report_date = p.report_date) AS items
        FROM plan_periods p ORDER BY report_date DESC, plan
        """,
        "Every reporting period loaded, per plan, newest first.",
        False,
    ),
    "plan_filter_options": (
        """
        SELECT DISTINCT 'workstream' AS facet, coalesce(workstream, 'Not given') AS value
        FROM plan_items_at($as_of::DATE)
        UNION SELECT DISTINCT 'owner', coalesce(owner, 'Not given') FROM plan_items_at($as_of::DATE)
        ORDER BY facet, value
        """,
        "Workstreams / areas and owners of the items in force, for the filters.",
        False,
    ),
    "plan_rag_summary": (
        f"""
        WITH rags AS (SELECT rag, rag_order FROM rag_scale),
        items AS (SELECT coalesce(workstream, 'Not given') AS workstream, rag
                  FROM plan_items_at($as_of::DATE) WHERE {_FILTER})
        SELECT w.workstream, r.rag, r.rag_order,
               count(i.rag) AS items
        FROM (SELECT DISTINCT workstream FROM items) w CROSS JOIN rags r
        LEFT JOIN items i ON i.workstream = w.workstream AND i.rag = r.rag
        GROUP BY ALL ORDER BY w.workstream, r.rag_order
        """,
        "Milestones and actions in force by workstream / area of weakness and RAG (every RAG "
        "listed, zeros kept).",
        False,
    ),
    "plan_items": (
        f"""
        SELECT plan, report_date, item_kind, ref, name, coalesce(workstream, 'Not given')
                   AS workstream, owner, start_date, end_date, pct_complete, expected_pct, rag,
               computed_rag, reported_status, disagreement, override_rag, override_reason,
               override_author, override_at, revised_date, reason, mitigation
        FROM plan_items_at($as_of::DATE) i WHERE {_FILTER}
        ORDER BY (SELECT s.rag_order FROM rag_scale s WHERE s.rag = i.rag), end_date, name
        """,
        "Every milestone and action in force, worst RAG first, soonest end first.",
        False,
    ),
    "plan_behind_schedule": (
        f"""
        SELECT ref, name, coalesce(workstream, 'Not given') AS workstream, rag, end_date,
               revised_date, reason, mitigation, owner
        FROM plan_items_at($as_of::DATE)
        WHERE rag <> 'Complete'
          AND (rag = 'Red' OR revised_date > end_date OR reason IS NOT NULL)
          AND {_FILTER}
        ORDER BY ref NULLS LAST, end_date, name
        """,
        "Actions and milestones behind schedule: not complete and Red, or given a later "
        "revised date, or with a reason for delay.",
        False,
    ),
    "plan_disagreements": (
        f"""
        SELECT ref, name, coalesce(workstream, 'Not given') AS workstream, owner,
               reported_status, computed_rag, disagreement
        FROM plan_items_at($as_of::DATE)
        WHERE disagreement IS NOT NULL AND {_FILTER}
        ORDER BY name
        """,
        "Items whose own reported status contradicts the computed RAG.",
        False,
    ),
    "plan_changes": (
        """
        SELECT change, change_order, ref, name, coalesce(workstream, 'Not given') AS workstream,
               owner, rag_now AS rag, rag_before, detail
        FROM plan_changes_at($as_of::DATE)
        WHERE ($workstreams IS NULL OR list_contains($workstreams, coalesce(workstream,
               'Not given')))
          AND ($owners IS NULL OR list_contains($owners, coalesce(owner, 'Not given')))
          AND ($rags IS NULL OR list_contains($rags, rag_now))
        ORDER BY change_order, name
        """,
        "What changed since each plan's previous report: newly red, newly complete, slipped end "
        "dates, status and RAG changes, items added or dropped.",
        False,
    ),
    "plan_registers": (
        """
        SELECT register, ref, description, impact_description, likelihood, impact, score,
               status, owner, target_date, mitigation
        FROM plan_registers_at($as_of::DATE)
        ORDER BY CASE register WHEN 'Risk' THEN 1 WHEN 'Issue' THEN 2 ELSE 3 END,
                 score DESC NULLS LAST, impact DESC NULLS LAST, ref
        """,
        "Risks, issues and dependencies of the periods in force, highest score first.",
        False,
    ),
    "plan_risk_grid": (
        """
        WITH levels(level) AS (VALUES (1), (2), (3), (4), (5))
        SELECT l.level AS likelihood, i.level AS impact,
               count(r.ref) + count(r.description) FILTER (WHERE r.ref IS NULL) AS risks,
               string_agg(coalesce(r.ref, left(r.description, 30)), ', ' ORDER BY r.ref)
                   AS refs
        FROM levels l CROSS JOIN levels i
        LEFT JOIN (SELECT * FROM plan_registers_at($as_of::DATE) WHERE register = 'Risk') r
               ON r.likelihood = l.level AND r.impact = i.level
        GROUP BY ALL ORDER BY likelihood DESC, impact
        """,
        "Risks in force counted on the 5 × 5 likelihood × impact grid (risks with only a "
        "combined score are not on the grid).",
        False,
    ),
    "plan_overrides": (
        """
        SELECT o.created_at, o.plan, o.report_date, o.item_name, o.rag, o.reason, o.author
        FROM tracker_overrides o ORDER BY o.override_id DESC
        """,
        "Every RAG override ever made, newest first (a blank RAG clears an override).",
        False,
    ),
}
