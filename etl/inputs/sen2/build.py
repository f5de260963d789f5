"""SEN2 staging → canonical tables → checks → marts, inside a new warehouse file.

Each module's staging rows are ranked: a repeated id on one sheet is a duplicate (error), the
same record in a later file or on another sheet supersedes the earlier one (the latest load wins),
and a row whose parent was not kept is an orphan (error). Modules are built parent first, so a
rejected request takes its assessments with it, each pointing back to it. A later load also
supersedes an earlier one's duplicates, and the rows staging rejected (``stg_sen2_rejected``) of a
record it holds, so that their problems are not listed twice.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.arrow_rows import table_ddl
from etl.config import Pseudonymiser, settings
from etl.inputs.sen2.checks import run_checks
from etl.inputs.sen2.spec import MODULES
from etl.inputs.sen2.stage import KEY_COLUMNS, staging_schema
from etl.key_storage import run_script

SQL_DIR = Path(__file__).parent / "sql"
# Hierarchy order: each module's rows need their parent's rows to have been kept.
MODULE_ORDER = [
    "sen2",
    "person",
    "requests",
    "assessment",
    "named_plan",
    "plan_detail",
    "active_plans",
    "placement_detail",
    "sen_need",
]
# (parent module, child key column, parent key column) for each module; several = any may match.
PARENT_LINKS: dict[str, list[tuple[str, str]]] = {
    "sen2": [],
    "person": [],
    "requests": [("person", "person_key")],
    "assessment": [("requests", "request_key")],
    "named_plan": [("assessment", "assessment_key"), ("requests", "request_key")],
    "plan_detail": [("named_plan", "named_plan_key")],
    "active_plans": [("requests", "request_key")],
    "placement_detail": [("active_plans", "active_plan_key")],
    "sen_need": [("active_plans", "active_plan_key"), ("requests", "request_key")],
}
OWN_KEY = {name: KEY_COLUMNS[MODULES[name].key or ""][0] for name in MODULE_ORDER}
PARENT_LABEL = {
    "person": "child (Person ID / persontableid)",
    "requests": "request (Request ID / requeststableid)",
    "assessment": "assessment (assessmenttableid)",
    "named_plan": "named plan (namedplantableid)",
    "active_plans": "active plan (activeplanstableid)",
}
# "a child", "an assessment": the article for each parent in messages.
ARTICLE = {
    "person": "a",
    "requests": "a",
    "assessment": "an",
    "named_plan": "a",
    "active_plans": "an",
}


# A step of the canonical build: SQL, its bound parameters, and a query that says whether the
# step has anything to do (None: always run).
Step = tuple[str, dict[str, object], str | None]


def canonical_steps() -> list[Step]:
    """SQL that turns staging rows into canonical tables + build problems (generated per module),
    as (statements, bound parameters) steps: each canonical row is inserted with its checked
    codes in normal form (:func:`normalised_columns`, whose lists and patterns are bound).

    Only names from the specs above are put into the SQL; no value from a file ever is.

    Ranking needs window functions only where a key repeats (issue 11): the keys held by more
    than one staging row are found first (one hash aggregate), and only their rows are ranked,
    carrying just their row id and position. A row whose key no other row holds is its own
    first and latest version. A blank key counts as one key here, as in the ranking.
    """
    parts: list[Step] = []
    for name in MODULE_ORDER:
        key = OWN_KEY[name]
        title = MODULES[name].title
        parts.append(
            (
                f"""
        CREATE OR REPLACE TEMP TABLE ranked_{name} AS
        -- A repeated id on one sheet is a duplicate (error); the same record in a later file, or
        -- on another sheet, supersedes the earlier one (the latest load wins), duplicates and all.
        WITH repeated AS (SELECT {key} FROM stg_{name} GROUP BY ALL HAVING count(*) > 1)
        SELECT *, row_number() OVER (PARTITION BY {key}, dup_rank = 1
                                     ORDER BY load_id DESC, source_sheet DESC, source_row)
                      AS version_rank
        FROM (SELECT s.rowid AS rid, s.load_id, s.source_file, s.source_sheet, s.source_row,
                     s.{key},
                     row_number() OVER (PARTITION BY s.load_id, s.source_sheet, s.{key}
                                        ORDER BY s.source_row) AS dup_rank,
                     min(s.source_row) OVER (PARTITION BY s.load_id, s.source_sheet, s.{key})
                         AS first_row,
                     max(s.load_id) OVER (PARTITION BY s.{key}) AS latest_load
              FROM stg_{name} s SEMI JOIN repeated r ON s.{key} IS NOT DISTINCT FROM r.{key});
        INSERT INTO build_problems
        SELECT load_id, source_file, source_sheet, source_row, NULL, 'key_missing', 'error',
               'This {title} row has no id and no parent id, so it cannot be linked'
        FROM stg_{name} WHERE {key} IS NULL;
        INSERT INTO build_problems
        SELECT load_id, source_file, source_sheet, source_row, NULL, 'duplicate_key', 'error',
               'Two {title} rows have the same record ID: it is already on row ' || first_row ||
               ' of this sheet; only that first row was loaded'
        FROM ranked_{name} WHERE dup_rank > 1 AND {key} IS NOT NULL AND load_id = latest_load;
        INSERT INTO superseded
        SELECT '{name}', load_id, source_sheet, source_row FROM ranked_{name}
        WHERE (version_rank > 1 AND dup_rank = 1)
           OR (dup_rank > 1 AND {key} IS NOT NULL AND load_id < latest_load);
        {table_ddl(name, staging_schema(MODULES[name]), replace=True)};""",
                {},
                None,
            )
        )
        links = PARENT_LINKS[name]
        select, params = normalised_columns(name)
        # Kept: a row with its id that is the first on its sheet and the latest version.
        keep = (
            f"{key} IS NOT NULL AND rowid NOT IN "
            f"(SELECT rid FROM ranked_{name} WHERE dup_rank > 1 OR version_rank > 1)"
        )
        if links:
            # Linked: its parent was kept. A parent's own key is never blank once kept, so IN
            # is TRUE or FALSE here (never NULL) and each row is either kept or an orphan.
            conditions = " OR ".join(
                f"({col} IS NOT NULL AND {col} IN (SELECT {col} FROM {parent}))"
                if parent != "assessment" or col != "assessment_key"
                else f"({col} IS NOT NULL AND {col} IN (SELECT assessment_key FROM assessment))"
                for parent, col in links
            )
            parent_names = " or ".join(f"{ARTICLE[p]} {PARENT_LABEL[p]}" for p, _ in links)
            parts.append(
                (
                    f"INSERT INTO {name} SELECT {select} FROM stg_{name} "
                    f"WHERE {keep} AND ({conditions})",
                    params,
                    None,
                )
            )
            parts.append(
                (
                    f"""
            INSERT INTO build_problems
            SELECT load_id, source_file, source_sheet, source_row, NULL, 'orphan_row', 'error',
                   'This {title} row points to {parent_names} that was not loaded (missing, '
                   || 'or rejected: see that row''s own problem)'
            FROM stg_{name} WHERE {keep} AND NOT ({conditions});""",
                    {},
                    # Orphans are rare: looked for only when fewer rows were kept than linked
                    # (two counts, where the search is a second join with the parent: issue 11).
                    f"SELECT (SELECT count(*) FROM stg_{name} WHERE {keep}) > "
                    f"(SELECT count(*) FROM {name})",
                )
            )
        else:
            parts.append(
                (f"INSERT INTO {name} SELECT {select} FROM stg_{name} WHERE {keep}", params, None)
            )
    return parts


def build_canonical(con: duckdb.DuckDBPyConnection) -> None:
    """Run :func:`canonical_steps`: the canonical tables and their build problems."""
    for sql, params, needed in canonical_steps():
        if needed is not None and not con.execute(needed).fetchone()[0]:  # type: ignore[index]
            continue
        if params:
            con.execute(sql, params)
        else:  # a script of several statements, which DuckDB cannot prepare with parameters
            con.execute(sql)


# Modules whose staging keys are keyed hashes already, with the staging table and key column a
# later file's rows of that module are matched on (a rejected row's key is the same hash).
REJECTED_KEYS = {"person": "person_key", "requests": "request_key"}


def superseded_rejected_sql() -> str:
    """SQL that adds to ``superseded`` each row rejected while staging whose record a later load
    holds (loaded, or rejected again): the later file's version, and its problems, stand."""
    later = " UNION ALL ".join(
        f"SELECT '{module}' AS module, {key} AS key, load_id FROM stg_{module}"
        for module, key in REJECTED_KEYS.items()
    )
    return f"""
    INSERT INTO superseded
    SELECT r.module, r.load_id, r.source_sheet, r.source_row
    FROM stg_sen2_rejected r
    WHERE EXISTS (
        SELECT 1 FROM ({later} UNION ALL SELECT module, key, load_id FROM stg_sen2_rejected) l
        WHERE l.module = r.module AND l.key = r.key AND l.load_id > r.load_id);"""


# Modules below Requests: staging keeps their keys as written (system ids) or as keyed hashes of
# their parent, and a rejected row of theirs is kept as the keyed hash of that key.
HASHED_REJECTED = [name for name in MODULE_ORDER if name not in REJECTED_KEYS]


def superseded_rejected_hashed_sql() -> str:
    """As :func:`superseded_rejected_sql`, for the modules below Requests: a later load's keys are
    hashed with the pseudonymiser (:attr:`etl.config.Pseudonymiser.SQL`, its key bound to the
    connection) to match the rejected rows' hashes. Only loads after a module's first rejected
    row are hashed, so a build with none of them hashes nothing."""
    later = " UNION ALL ".join(
        f"""SELECT '{module}' AS module, {Pseudonymiser.SQL.format(token=f"'{kind}:' || {key}")}
                   AS key, load_id
            FROM stg_{module}, pseudonymiser_key
            WHERE {key} IS NOT NULL AND load_id > (
                SELECT min(load_id) FROM stg_sen2_rejected WHERE module = '{module}')"""
        for module in HASHED_REJECTED
        for key, kind in [KEY_COLUMNS[MODULES[module].key or ""]]
    )
    return f"""
    INSERT INTO superseded
    SELECT r.module, r.load_id, r.source_sheet, r.source_row
    FROM stg_sen2_rejected r
    WHERE r.module IN ({", ".join(f"'{m}'" for m in HASHED_REJECTED)}) AND EXISTS (
        SELECT 1 FROM ({later}) l
        WHERE l.module = r.module AND l.key = r.key AND l.load_id > r.load_id);"""


def render(sql_file: str) -> str:
    """A SQL file of this kind with the thresholds from the settings (validated whole numbers)."""
    s = settings()
    return (
        (SQL_DIR / sql_file)
        .read_text()
        .format(
            within_days=s.within_days,
            at_risk_days=s.at_risk_days,
            decision_days=s.decision_days,
            over_year_days=s.over_year_days,
        )
    )


# How a code or pattern-checked text cell is compared: trimmed, upper case, and a whole number
# written by a spreadsheet as "1.0" read as "1".
NORMAL = "regexp_replace(upper(trim({column})), '\\.0+$', '')"


def normalised_columns(name: str) -> tuple[str, dict[str, object]]:
    """The select list that writes each checked text cell of module ``name`` (a code list or a
    pattern, issue 10) in its normal form when that form is valid: ``un1`` → ``UN1``, ``1.0`` →
    ``1``, ``123456.0`` → ``123456``; a value still not valid is kept as written, and the checks
    list it as a query. ``*`` for a module with none. Applied as the canonical rows are inserted
    (an UPDATE of whole columns afterwards made the commit write those tables again: issue 11).
    Only names from the spec go into the SQL; the lists and patterns are bound (the returned
    parameters)."""
    replaced: list[str] = []
    params: dict[str, object] = {}
    for i, f in enumerate(MODULES[name].fields):
        if f.kind != "text" or not (f.codes or f.pattern):
            continue
        normal = NORMAL.format(column=f.name)
        if f.codes:
            params[f"v{i}"] = list(f.codes)
            valid = f"list_contains($v{i}, {normal})"
        else:
            params[f"v{i}"] = f.pattern
            valid = f"regexp_full_match({normal}, $v{i})"
        replaced.append(f"CASE WHEN {valid} THEN {normal} ELSE {f.name} END AS {f.name}")
    return (f"* REPLACE ({', '.join(replaced)})" if replaced else "*"), params


def fill_blanks(con: duckdb.DuckDBPyConnection) -> None:
    """A blank cell in a required column with a meaning (``Field.if_blank``: a blank request
    outcome is pending, A) takes that value once the checks have listed it as a query."""
    for name in MODULE_ORDER:
        for f in MODULES[name].fields:
            if f.if_blank is not None:
                con.execute(
                    f"UPDATE {name} SET {f.name} = $v WHERE {f.name} IS NULL", {"v": f.if_blank}
                )


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Canonical tables, the SEN2 data-quality queries and the marts, from the staging tables."""
    build_canonical(con)
    con.execute(superseded_rejected_sql())
    con.execute(superseded_rejected_hashed_sql())
    con.execute(render("loaded_rows.sql"))
    run_checks(con)
    fill_blanks(con)
    run_script(con, render("marts.sql"))  # keyed hashes stored uncompressed
