"""SEN2 data-quality checks on loaded rows, one named function per rule (severity ``query``:
the row is loaded and flagged), and the declaration of every SEN2 rule code.

Two families:

- row checks, ``check_sen2_<what>(columns…) -> list[RowProblem]``, on the typed columns of one
  sheet while it is staged (Arrow arrays): a blank required value, a row that cannot be linked;
  an error here rejects the row;
- loaded-row checks, ``check_sen2_<what>(con)``, reading the canonical tables by name
  (``requests``, ``assessment``, ``person``, ``sen2``) and returning a relation with the
  problem-list columns; the build runs every one in :data:`CHECKS` against the new warehouse.

The tests run each on a few rows held in memory. Cell rules (unreadable dates, unknown codes, …)
are found as staging casts the cells (``etl.parse``); duplicates and orphans, which need other
files' rows, when the canonical tables are built (``build.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl.checks import RowProblem, rule
from etl.config import settings
from etl.inputs.sen2.spec import MODULES

# ---------------------------------------------------------------- rules found while building

rule(
    "key_missing",
    "error",
    "A row has no id of its own or no id linking it to its parent (the child, the request), so "
    "it cannot be linked",
    "Person ID is blank, so the row cannot be linked to a child",
    "SEN2",
)
rule(
    "duplicate_key",
    "error",
    "The same id appears twice on one sheet; only the first row is loaded",
    "Two Requests rows have the same record ID: it is already on row 7 of this sheet",
    "SEN2",
)
rule(
    "orphan_row",
    "error",
    "A row points to a parent record that was not loaded (missing, or rejected for its own "
    "problem). As a query: a person points to a SEN2 header row that was not loaded",
    "This Assessments row points to a request (Request ID / requeststableid) that was not loaded",
    "SEN2",
)

# ---------------------------------------------------------------- row checks while staging


def _blank(values: pa.Array) -> list[int]:
    return list(pc.indices_nonzero(values.is_null()).to_pylist())


def check_sen2_required_blank(values: pa.Array, header: str, kind: str) -> list[RowProblem]:
    """A blank cell in a required column (``date_missing`` for a date, else ``value_missing``)."""
    rule_code = "date_missing" if kind == "date" else "value_missing"
    return [
        RowProblem(i, header, rule_code, f"{header} is blank; it is required")
        for i in _blank(values)
    ]


def check_sen2_child_id_blank(ids: pa.Array, header: str) -> list[RowProblem]:
    """A person, request or case-list row with no child id (nor UPN, when that is the key)."""
    return [
        RowProblem(
            i, header, "key_missing", f"{header} is blank, so the row cannot be linked to a child"
        )
        for i in _blank(ids)
    ]


def check_sen2_parent_id_blank(
    parents: list[pa.Array], headers: list[str], skip: set[int]
) -> list[RowProblem]:
    """A row whose every parent id column is blank (rows in ``skip`` are already rejected)."""
    if not parents:
        return []
    unlinked = parents[0].is_null()
    for parent in parents[1:]:
        unlinked = pc.and_(unlinked, parent.is_null())
    written = " / ".join(headers)
    return [
        RowProblem(
            i,
            written,
            "key_missing",
            f"{written} is blank, so this row cannot be linked to its parent record",
        )
        for i in pc.indices_nonzero(unlinked).to_pylist()
        if i not in skip
    ]


def check_sen2_own_id_blank(ids: pa.Array, header: str, skip: set[int]) -> list[RowProblem]:
    """A module row with a blank id of its own (rows in ``skip`` are already rejected)."""
    return [
        RowProblem(i, header, "key_missing", f"{header} is blank; every row needs its id")
        for i in _blank(ids)
        if i not in skip
    ]


# ---------------------------------------------------------------- checks on loaded rows

rule(
    "outcome_before_received",
    "query",
    "A plan was issued before the request was received; the case is left out of the "
    "timeliness figures, as DfE marks it not available",
    "Assessment outcome date 01/02/2024 is before the request was received (01/03/2024)",
    "SEN2",
)
rule(
    "decision_before_received",
    "query",
    "The decision whether to assess is dated before the request was received; left out of the "
    "6-week decision figures",
    "Request outcome date 01/02/2024 is before the request was received (01/03/2024)",
    "SEN2",
)
rule(
    "outcome_date_missing",
    "query",
    "A decision (request outcome Y or N, or assessment outcome N) has no date",
    "Request outcome is Y but there is no request outcome date",
    "SEN2",
)
rule(
    "plan_agreed_not_issued",
    "query",
    "An assessment outcome is Y (plan to be issued) with no outcome date: the plan was agreed but "
    "not yet issued, as DfE's guide says to record it; the request stays open on the watchlist",
    "Assessment outcome is Y with no outcome date: plan agreed, not yet issued — check it is "
    "still being drafted (request received 01/03/2024, 20-week date 19/07/2024)",
    "SEN2",
)
rule(
    "week20_missing",
    "query",
    "A plan was issued but the 20-week exception flag is blank; it counts in the "
    "including-exceptions figure only",
    "A plan was issued but the 20-week exception flag (Week20) is blank",
    "SEN2",
)
rule(
    "assessment_without_agreed_request",
    "query",
    "There is an assessment for a request whose outcome is not Y (agreed) or H (historical)",
    "There is an assessment for a request whose outcome is N",
    "SEN2",
)
rule(
    "upn_missing_no_reason",
    "query",
    "A child has no UPN or ULN and no reason code (UPNunknown) for it",
    "No UPN or ULN, and no reason code (UPNunknown, e.g. UN1) is given",
    "SEN2",
)
rule(
    "upn_malformed",
    "query",
    "The UPN is not a letter, 11 digits and a letter or digit (13 characters)",
    "The UPN is not 13 characters of the form letter + 11 digits + letter or digit",
    "SEN2",
)
rule(
    "date_in_future",
    "query",
    "A request received date or assessment outcome date is after today",
    "Request received date 01/03/2031 is in the future",
    "SEN2",
)

rule(
    "outcome_blank_pending",
    "query",
    "A request's outcome is blank: loaded as A (decision yet to be made), so the case stays open "
    "and on the watchlist until an outcome is recorded",
    "RequestOutcome is blank; loaded as A (decision yet to be made)",
    "SEN2",
)
rule(
    "code_not_in_list",
    "query",
    "A descriptive code (one no figure here depends on: ethnicity, UPNunknown, request source, "
    "DP, PlanRes, PlanWBP, SEN setting, review outcome, cease reason, DMO / DCO / DSCO) is not in "
    "DfE's list; the row is loaded and the value kept as written",
    "DP: 'Y' is not one of DfE's codes (E, H, I, S)",
    "SEN2",
)
rule(
    "format_unexpected",
    "query",
    "A reference number is not in DfE's format (URN 6 digits, UKPRN 8, ULN 10, LA codes 3); the "
    "row is loaded and the value kept as written",
    "URN: '12345' is not 6 digits",
    "SEN2",
)

Check = Callable[[duckdb.DuckDBPyConnection], duckdb.DuckDBPyRelation]

# The SEN2 table and field of every text field checked after loading (issue 10).
_CHECKED = [
    (table, f)
    for table, module in MODULES.items()
    for f in module.fields
    if f.kind == "text" and (f.codes or f.pattern)
]
_PATTERN_WORDS = {
    "urn": "6 digits",
    "ukprn": "8 digits",
    "uln": "10 digits",
    "la_code": "a 3-digit LA code",
    "transfer_la": "a 3-digit LA code",
    "exported": "a 3-digit LA code (or the date the child moved out)",
}


def check_sen2_outcome_before_received(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """Assessment outcome date before the request's received date."""
    return con.sql("""
        SELECT a.load_id, a.source_file AS file, a.source_sheet AS sheet, a.source_row AS "row",
               'AssessmentOutcomeDate' AS "column", 'outcome_before_received' AS rule,
               'query' AS severity,
               'Assessment outcome date ' || strftime(a.assessment_outcome_date, '%d/%m/%Y') ||
               ' is before the request was received (' || strftime(r.received_date, '%d/%m/%Y')
               || '); this case is left out of the timeliness figures' AS message
        FROM assessment a JOIN requests r USING (request_key)
        WHERE a.assessment_outcome_date < r.received_date
    """)


def check_sen2_decision_before_received(
    con: duckdb.DuckDBPyConnection,
) -> duckdb.DuckDBPyRelation:
    """Request outcome (decision to assess) date before the received date."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'RequestOutcomeDate',
               'decision_before_received', 'query',
               'Request outcome date ' || strftime(request_outcome_date, '%d/%m/%Y') ||
               ' is before the request was received (' || strftime(received_date, '%d/%m/%Y') ||
               '); left out of the 6-week decision figures'
        FROM requests WHERE request_outcome_date < received_date
    """)


def check_sen2_outcome_date_missing(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A request decided Y or N without a date, or an assessment outcome N without a date.

    (An assessment outcome Y without a date is left to the timeliness figures, which need it.)
    """
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'RequestOutcomeDate',
               'outcome_date_missing', 'query',
               'Request outcome is ' || request_outcome ||
               ' but there is no request outcome date; left out of the 6-week decision figures'
        FROM requests WHERE request_outcome IN ('Y', 'N') AND request_outcome_date IS NULL
        UNION ALL
        SELECT load_id, source_file, source_sheet, source_row, 'AssessmentOutcomeDate',
               'outcome_date_missing', 'query',
               'Assessment outcome is N (no plan) but there is no outcome date'
        FROM assessment WHERE assessment_outcome = 'N' AND assessment_outcome_date IS NULL
    """)


def check_sen2_plan_agreed_not_issued(
    con: duckdb.DuckDBPyConnection,
) -> duckdb.DuckDBPyRelation:
    """An assessment outcome Y with no outcome date: a plan agreed but not yet issued. Not an
    error (DfE's guide says to leave the date blank until the plan is issued), but listed so an
    analyst can check the plan is still being drafted; the request stays open (watchlist)."""
    return con.sql(
        """
        SELECT a.load_id, a.source_file, a.source_sheet, a.source_row, 'AssessmentOutcomeDate',
               'plan_agreed_not_issued', 'query',
               'Assessment outcome is Y with no outcome date: plan agreed, not yet issued — '
               || 'check it is still being drafted'
               || coalesce(' (request received ' || strftime(r.received_date, '%d/%m/%Y')
                           || ', 20-week date '
                           || strftime(r.received_date + $within_days::INTEGER, '%d/%m/%Y')
                           || ')', '')
        FROM assessment a LEFT JOIN requests r USING (request_key)
        WHERE a.assessment_outcome = 'Y' AND a.assessment_outcome_date IS NULL
        """,
        params={"within_days": settings().within_days},
    )


def check_sen2_week20_missing(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """An issued plan whose 20-week exception flag is blank."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'Week20', 'week20_missing',
               'query',
               'A plan was issued but the 20-week exception flag (Week20) is blank; counted in '
               || 'the including-exceptions figure only'
        FROM assessment
        WHERE assessment_outcome = 'Y' AND assessment_outcome_date IS NOT NULL
          AND week20 IS NULL
    """)


def check_sen2_assessment_without_agreed_request(
    con: duckdb.DuckDBPyConnection,
) -> duckdb.DuckDBPyRelation:
    """An assessment for a request that was not agreed (Y) or historical (H)."""
    return con.sql("""
        SELECT a.load_id, a.source_file, a.source_sheet, a.source_row, 'AssessmentOutcome',
               'assessment_without_agreed_request', 'query',
               'There is an assessment for a request whose outcome is '
               || coalesce(r.request_outcome, 'blank')
               || ', not Y (agreed to assess) or H (historical)'
        FROM assessment a JOIN requests r USING (request_key)
        WHERE coalesce(r.request_outcome, '') NOT IN ('Y', 'H')
    """)


def check_sen2_upn_missing_no_reason(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """No UPN, no ULN and no UPNunknown reason code."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'UPN', 'upn_missing_no_reason',
               'query', 'No UPN or ULN, and no reason code (UPNunknown, e.g. UN1) is given'
        FROM person WHERE upn_status IS NULL AND uln IS NULL AND upn_unknown IS NULL
    """)


def check_sen2_upn_malformed(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A UPN that is not letter + 11 digits + letter or digit (staging keeps only its status)."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'UPN', 'upn_malformed', 'query',
               'The UPN is not 13 characters of the form letter + 11 digits + letter or digit'
        FROM person WHERE upn_status = 'malformed'
    """)


def check_sen2_date_in_future(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A received date or assessment outcome date after today."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'ReceivedDate', 'date_in_future',
               'query',
               'Request received date ' || strftime(received_date, '%d/%m/%Y')
               || ' is in the future'
        FROM requests WHERE received_date > current_date
        UNION ALL
        SELECT load_id, source_file, source_sheet, source_row, 'AssessmentOutcomeDate',
               'date_in_future', 'query',
               'Assessment outcome date ' || strftime(assessment_outcome_date, '%d/%m/%Y')
               || ' is in the future'
        FROM assessment WHERE assessment_outcome_date > current_date
    """)


def check_sen2_person_without_header(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A person pointing to a SEN2 header row that was not loaded (the LA code is unknown)."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'sen2tableid', 'orphan_row',
               'query',
               'This person points to a SEN2 header row (sen2tableid) that was not loaded; LA '
               || 'code unknown'
        FROM person WHERE sen2_key IS NOT NULL AND sen2_key NOT IN (SELECT sen2_key FROM sen2)
    """)


def check_sen2_outcome_blank_pending(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A blank request outcome: loaded as A (pending), listed so the LA can fill it in."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'RequestOutcome',
               'outcome_blank_pending', 'query',
               'RequestOutcome is blank; loaded as A (decision yet to be made), so the request '
               || 'counts as open until an outcome is recorded'
        FROM requests WHERE request_outcome IS NULL
    """)


def check_sen2_code_not_in_list(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A descriptive code outside DfE's list, or a reference number not in DfE's format.

    Only table and column names from the spec are put into the SQL; the lists, patterns and
    message words are bound as parameters.
    """
    parts: list[str] = []
    params: dict[str, object] = {}
    present = _columns(con)
    for i, (table, f) in enumerate(_CHECKED):
        if f.name not in present.get(table, set()):
            continue  # a table held in part (the unit tests): nothing of this field to check
        params[f"label{i}"] = f.aliases[0] if f.aliases else f.name
        if f.codes:
            params[f"codes{i}"] = list(f.codes)
            params[f"shown{i}"] = ", ".join(sorted(f.codes))
            parts.append(f"""
                SELECT load_id, source_file, source_sheet, source_row, $label{i},
                       'code_not_in_list', 'query',
                       $label{i} || ': ''' || {f.name} || ''' is not one of DfE''s codes ('
                       || $shown{i} || '); loaded as written'
                FROM {table}
                WHERE {f.name} IS NOT NULL AND NOT list_contains($codes{i}, {f.name})""")
        else:
            params[f"pattern{i}"] = f.pattern
            params[f"words{i}"] = _PATTERN_WORDS.get(f.name, "in DfE's format")
            parts.append(f"""
                SELECT load_id, source_file, source_sheet, source_row, $label{i},
                       'format_unexpected', 'query',
                       $label{i} || ': ''' || {f.name} || ''' is not ' || $words{i}
                       || '; loaded as written'
                FROM {table}
                WHERE {f.name} IS NOT NULL AND NOT regexp_full_match({f.name}, $pattern{i})""")
    if not parts:
        return con.sql(_NO_PROBLEMS)
    return con.sql(" UNION ALL ".join(parts), params=params)


_NO_PROBLEMS = """
    SELECT NULL::INTEGER AS load_id, NULL AS file, NULL AS sheet, NULL::INTEGER AS "row",
           NULL AS "column", NULL AS rule, NULL AS severity, NULL AS message WHERE FALSE"""


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """The SEN2 tables the connection holds with at least one row, each with its column names
    (an empty table has nothing to check, and skipping it keeps every load quick)."""
    found: dict[str, set[str]] = {}
    for table in MODULES:
        try:
            found[table] = set(con.table(table).columns)
        except duckdb.CatalogException:
            continue
    return {t: found[t] for t in filled(con, list(found))}


def filled(con: duckdb.DuckDBPyConnection, tables: list[str]) -> set[str]:
    """Which of ``tables`` (names from the spec) hold at least one row, in one statement."""
    if not tables:
        return set()
    sql = " UNION ALL ".join(f"SELECT '{t}' AS t FROM (SELECT 1 FROM {t} LIMIT 1)" for t in tables)
    return {row[0] for row in con.sql(sql).fetchall()}


# ---------------------------------------------------------------- cross-row rules (issue 10)
# All queries: the rows are loaded. DfE's COLLECT makes most of these errors to clear before the
# return is authorised, but here an error means "row not loaded", and none of these makes a row
# unusable for the figures; rejecting would lose plans (docs/decisions.md, issue 10).

rule(
    "rank1_need_count",
    "query",
    "An active plan does not have exactly one SEN need of rank 1 (SENtypeRank 1)",
    "This active plan has 2 SEN needs of rank 1; it should have exactly one",
    "SEN2",
)
rule(
    "too_many_details",
    "query",
    "More than two Plan Detail rows for one named plan, or more than two Placement Detail rows "
    "or SEN needs for one active plan (DfE allows at most two of each)",
    "This is Plan Detail row 3 of its named plan; DfE allows at most two",
    "SEN2",
)
rule(
    "cease_reason_missing",
    "query",
    "A plan has a cease date but no reason it ceased (CeaseReason)",
    "The plan ceased on 31/08/2024 but CeaseReason is blank",
    "SEN2",
)
rule(
    "date_after_reference",
    "query",
    "A date is after the return's reference date (the census day on its SEN2 header)",
    "ReviewMeeting 20/01/2025 is after the return's reference date 16/01/2025",
    "SEN2",
)
rule(
    "age_over_25",
    "query",
    "The child or young person was over 25 at the start of the academic year (1 September) of "
    "the return's reference date",
    "Aged 26 on 1 September 2024, the start of the academic year of the reference date",
    "SEN2",
)
rule(
    "review_decision_before_meeting",
    "query",
    "The annual review decision date (LastReview) is before the review meeting; the review is "
    "left out of the 4-week decision figure",
    "Review decision date 01/06/2023 is before the review meeting (15/06/2023)",
    "SEN2",
)


def check_sen2_rank1_need_count(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """An active plan with no rank-1 SEN need, or more than one.

    A need belongs to the active plan it names, or, naming none, to its request's active plans.
    The two are counted apart and added (a need names a plan or it does not, so none is counted
    twice): two equality joins, where one join on "this OR that" compared every plan with every
    need (1 s at ``large`` scale, most of the national build).
    """
    return con.sql("""
        WITH by_plan AS (
            SELECT active_plan_key, count(*) AS n FROM sen_need
            WHERE sen_type_rank = 1 AND active_plan_key IS NOT NULL GROUP BY ALL),
        by_request AS (
            SELECT request_key, count(*) AS n FROM sen_need
            WHERE sen_type_rank = 1 AND active_plan_key IS NULL AND request_key IS NOT NULL
            GROUP BY ALL),
        ranks AS (
            SELECT ap.load_id, ap.source_file, ap.source_sheet, ap.source_row,
                   sum(coalesce(p.n, 0) + coalesce(r.n, 0))::BIGINT AS rank1
            FROM active_plans ap
            LEFT JOIN by_plan p ON p.active_plan_key = ap.active_plan_key
            LEFT JOIN by_request r ON r.request_key = ap.request_key
            GROUP BY ALL)
        SELECT load_id, source_file, source_sheet, source_row, 'SENtypeRank', 'rank1_need_count',
               'query',
               'This active plan has ' || CASE WHEN rank1 = 0 THEN 'no SEN need' ELSE rank1 ||
               ' SEN needs' END || ' of rank 1; it should have exactly one'
        FROM ranks WHERE rank1 <> 1
    """)


def check_sen2_too_many_details(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """The third and later Plan Detail / Placement Detail / SEN need rows of one plan."""
    parts = []
    for table, parent, what, whose in (
        ("plan_detail", "named_plan_key", "Plan Detail", "named plan"),
        ("placement_detail", "active_plan_key", "Placement Detail", "active plan"),
        ("sen_need", "active_plan_key", "SEN need", "active plan"),
    ):
        parts.append(f"""
            SELECT load_id, source_file, source_sheet, source_row, NULL, 'too_many_details',
                   'query',
                   'This is {what} row ' || n || ' of its {whose}; DfE allows at most two'
            FROM (SELECT *, row_number() OVER (PARTITION BY {parent}
                                              ORDER BY load_id, source_sheet, source_row) AS n
                  FROM {table} WHERE {parent} IS NOT NULL)
            WHERE n > 2""")
    return con.sql(" UNION ALL ".join(parts))


def check_sen2_cease_reason_missing(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A named plan with a cease date and no cease reason."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'CeaseReason',
               'cease_reason_missing', 'query',
               'The plan ceased on ' || strftime(cease_date, '%d/%m/%Y')
               || ' but CeaseReason is blank'
        FROM named_plan WHERE cease_date IS NOT NULL AND cease_reason IS NULL
    """)


# Each request's reference date: its child's SEN2 header (none without one: not checked).
_REFERENCE = """
    reference AS (
        SELECT r.request_key, s.reference_date
        FROM requests r JOIN person p USING (person_key) JOIN sen2 s ON s.sen2_key = p.sen2_key
        WHERE s.reference_date IS NOT NULL),
    plan_request AS (
        SELECT np.*, coalesce(np.request_key, a.request_key) AS via_request
        FROM named_plan np LEFT JOIN assessment a USING (assessment_key))"""


def check_sen2_date_after_reference(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A request, decision, plan or review date after the return's reference date."""
    dates = (
        ("requests", "request_key", "received_date", "ReceivedDate"),
        ("requests", "request_key", "request_outcome_date", "RequestOutcomeDate"),
        ("assessment", "request_key", "assessment_outcome_date", "AssessmentOutcomeDate"),
        ("plan_request", "via_request", "start_date", "StartDate"),
        ("plan_request", "via_request", "cease_date", "CeaseDate"),
        ("active_plans", "request_key", "review_meeting", "ReviewMeeting"),
        ("active_plans", "request_key", "last_review", "LastReview"),
    )
    parts = [
        f"""
        SELECT t.load_id, t.source_file, t.source_sheet, t.source_row, '{label}',
               'date_after_reference', 'query',
               '{label} ' || strftime(t.{column}, '%d/%m/%Y') || ' is after the return''s '
               || 'reference date ' || strftime(ref.reference_date, '%d/%m/%Y')
        FROM {table} t JOIN reference ref ON ref.request_key = t.{link}
        WHERE t.{column} > ref.reference_date"""
        for table, link, column, label in dates
    ]
    return con.sql(f"WITH {_REFERENCE} " + " UNION ALL ".join(parts))


def check_sen2_age_over_25(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
    """A child over 25 on 1 September of the academic year of the return's reference date."""
    return con.sql("""
        WITH aged AS (
            SELECT p.*,
                   make_date(year(s.reference_date) - CASE WHEN month(s.reference_date) < 9
                                                           THEN 1 ELSE 0 END, 9, 1) AS year_start
            FROM person p JOIN sen2 s ON s.sen2_key = p.sen2_key
            WHERE s.reference_date IS NOT NULL AND p.birth_date IS NOT NULL)
        SELECT load_id, source_file, source_sheet, source_row, 'PersonBirthDate', 'age_over_25',
               'query',
               'Aged ' || date_sub('year', birth_date, year_start) || ' on 1 September '
               || year(year_start) || ', the start of the academic year of the reference date; '
               || 'EHC plans run to the end of the academic year in which the young person turns 25'
        FROM aged WHERE date_sub('year', birth_date, year_start) > 25
    """)


def check_sen2_review_decision_before_meeting(
    con: duckdb.DuckDBPyConnection,
) -> duckdb.DuckDBPyRelation:
    """An annual review decision dated before its meeting."""
    return con.sql("""
        SELECT load_id, source_file, source_sheet, source_row, 'LastReview',
               'review_decision_before_meeting', 'query',
               'Review decision date ' || strftime(last_review, '%d/%m/%Y')
               || ' is before the review meeting (' || strftime(review_meeting, '%d/%m/%Y')
               || '); left out of the 4-week decision figure'
        FROM active_plans WHERE last_review < review_meeting
    """)


# In the order their problems are listed.
CHECKS: tuple[Check, ...] = (
    check_sen2_outcome_before_received,
    check_sen2_decision_before_received,
    check_sen2_outcome_date_missing,
    check_sen2_plan_agreed_not_issued,
    check_sen2_week20_missing,
    check_sen2_assessment_without_agreed_request,
    check_sen2_upn_missing_no_reason,
    check_sen2_upn_malformed,
    check_sen2_date_in_future,
    check_sen2_person_without_header,
    check_sen2_outcome_blank_pending,
    check_sen2_code_not_in_list,
    check_sen2_rank1_need_count,
    check_sen2_too_many_details,
    check_sen2_cease_reason_missing,
    check_sen2_date_after_reference,
    check_sen2_age_over_25,
    check_sen2_review_decision_before_meeting,
)


# The tables a check finds its problems in: when all of them are empty (a case list has no plan
# modules; a Blade set may have no SEN2 header) the check is skipped.
NEEDS: dict[Check, tuple[str, ...]] = {
    check_sen2_rank1_need_count: ("active_plans",),
    check_sen2_too_many_details: ("plan_detail", "placement_detail", "sen_need"),
    check_sen2_cease_reason_missing: ("named_plan",),
    check_sen2_date_after_reference: ("sen2",),
    check_sen2_age_over_25: ("sen2",),
    check_sen2_review_decision_before_meeting: ("active_plans",),
}


def run_checks(con: duckdb.DuckDBPyConnection) -> None:
    """Add every check's problems to ``query_problems`` in the warehouse being built, in one
    statement (UNION ALL: one insert costs far less than one per check). A check whose tables
    are all empty is skipped (``NEEDS``)."""
    has_rows = filled(con, sorted({t for tables in NEEDS.values() for t in tables}))
    combined: duckdb.DuckDBPyRelation | None = None
    for check in CHECKS:
        if check in NEEDS and not has_rows & set(NEEDS[check]):
            continue
        found = check(con)
        combined = found if combined is None else combined.union(found)
    if combined is not None:
        combined.insert_into("query_problems")
