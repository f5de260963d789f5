"""SEN2 ingestion: raw sheets → recognised modules → typed, keyed staging tables + row problems.

Three shapes are accepted (DESIGN §3): a module workbook (one sheet per module), a COLLECT
"Blade" CSV set (one file per module, a folder or its files) and a flat case list (one sheet, one
row per request). Each sheet is recognised by its name or, failing that, by its headers; the header
row may sit below title rows. Cell-level problems reject the row here; problems that need other
rows (duplicates, orphans) are found in SQL when the warehouse is built (``etl/sql/build.sql``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from etl import parse
from etl.checks import Problem, RowProblem
from etl.config import Pseudonymiser, settings
from etl.headers import (
    HeaderMatch,
    find_header,
    header_key,
    headerless_columns,
    match_row,
    repeated_header_rows,
    sheet_hint,
)
from etl.inputs.columns import convert_distinct
from etl.inputs.sen2 import checks
from etl.inputs.sen2.spec import FLAT, IGNORED_COLUMNS, IGNORED_SUFFIX, MODULES, Field, Module
from etl.readers import RawSheet

# Staging tables and their key columns: (pseudonymised key column, id field, hash namespace).
KEY_COLUMNS: dict[str, tuple[str, str]] = {
    "sen2_id": ("sen2_key", "sen2"),
    "person_id": ("person_key", "person"),
    "request_id": ("request_key", "request"),
    "assessment_id": ("assessment_key", "assessment"),
    "named_plan_id": ("named_plan_key", "named_plan"),
    "active_plan_id": ("active_plan_key", "active_plan"),
    "plan_detail_id": ("plan_detail_key", "plan_detail"),
    "placement_detail_id": ("placement_detail_key", "placement_detail"),
    "sen_need_id": ("sen_need_key", "sen_need"),
}
ARROW_TYPES = {
    "date": pa.date32(),
    "flag": pa.bool_(),
    "int": pa.int64(),
    "code": pa.string(),
    "text": pa.string(),
    "id": pa.string(),
    "upn": pa.string(),
}
# A UPN's form (a letter, 11 digits, a check digit or letter): read by Arrow's RE2, ASCII digits.
_UPN_FORMAT = r"^[A-Z][0-9]{11}[0-9A-Z]$"
_BLADE_FILE = re.compile(
    r"_(sen2|person|requests|assessment|namedplan|plandetail|activeplans|"
    r"placementdetail|senneed)$",
    re.I,
)
_BLADE_MODULE = {
    "namedplan": "named_plan",
    "plandetail": "plan_detail",
    "activeplans": "active_plans",
    "placementdetail": "placement_detail",
    "senneed": "sen_need",
}


# Request id spellings that only module files use (DfE's template, Data to Insight's SEND tool and
# converter): a lone sheet with one is the Requests module, not a case list.
MODULE_REQUEST_HEADERS = {"requestsrecordid", "requestrecordsid", "requestsid"}


@dataclass
class Recognised:
    """A sheet matched to a module: where its header is and which column holds each field."""

    module: Module
    header_index: int
    columns: dict[str, int]  # field name → column index
    headers: dict[str, str]  # field name → header as written
    unknown: list[str]
    match: HeaderMatch[Module]


@dataclass
class StagedSheet:
    """A recognised sheet turned into typed staging tables (flat lists feed several modules)."""

    sheet: RawSheet
    shape: str  # module name or "flat"
    tables: dict[str, pa.Table]
    problems: list[Problem]
    rows_read: int
    unknown_columns: list[str] = field(default_factory=list)
    per_child: bool = False  # request ids were numbers within each child
    by_request: list[str] = field(default_factory=list)  # plan ids taken from the request


def _module_hint(sheet: RawSheet) -> Module | None:
    """The module a sheet's name (or a Blade CSV's file name) says it holds, if any; a block
    of a stacked template or a record of the XML return says so itself."""
    if sheet.part is not None:
        return MODULES[sheet.part]
    if sheet.sheet is not None:
        return sheet_hint(sheet, list(MODULES.values()))
    stem = sheet.file.rsplit(".", 1)[0]
    if match := _BLADE_FILE.search(stem):
        key = match[1].lower()
        return MODULES[_BLADE_MODULE.get(key, key)]
    return None


def recognise(sheet: RawSheet) -> Recognised | None:
    """Find the header row and module of a sheet; None when nothing looks like SEN2."""
    hint = _module_hint(sheet)
    # Modules are listed before the flat list, so a tie goes to the more specific module.
    candidates = [hint] if hint else [*MODULES.values(), FLAT]
    found = find_header(
        sheet, candidates, "sen2", min_columns=2, search_rows=settings().header_search_rows
    )
    if found is None:
        return None
    if (
        hint is None
        and found.spec.name == "requests"
        and header_key(found.headers.get("request_id", "")) not in MODULE_REQUEST_HEADERS
    ):
        # A lone sheet of request columns with nothing saying it is the Requests module is a case
        # list (one row per request), not half of a module workbook.
        row = sheet.head(found.header_index + 1)[found.header_index]
        columns, written = match_row(row, "sen2", FLAT)
        if len(columns) >= len(found.columns):
            used = set(columns.values())
            unmatched = [(i, t) for i, t in found.unmatched if i not in used]
            unmatched += [(i, str(row[i])) for i in set(found.columns.values()) - used]
            found = HeaderMatch(FLAT, found.header_index, columns, written, sorted(unmatched))
    ignored = {header_key(n) for n in IGNORED_COLUMNS}
    unknown = [
        text
        for _, text in found.unmatched
        if (key := header_key(text)) not in ignored and not key.endswith(IGNORED_SUFFIX)
    ]
    unknown += [f"(column {i + 1}: data with no header)" for i in headerless_columns(sheet, found)]
    return Recognised(found.spec, found.header_index, found.columns, found.headers, unknown, found)


def required_columns(module: Module) -> list[tuple[str, ...]]:
    """Column groups of which at least one must be present (a missing group is a file error)."""
    groups: list[tuple[str, ...]] = [(f.name,) for f in module.fields if f.required]
    if module.name == "person" or module.name in ("requests", "flat"):
        groups.append(("person_id", "upn"))
    elif module.parents:
        groups.append(module.parents)
    return groups


def label_of(module: Module) -> Callable[[str], str]:
    """How messages name a field: its first spelling (the XML element name), else its name."""
    return lambda name: module.field(name).aliases[0] if module.field(name).aliases else name


def _parser(f: Field) -> Callable[[Any], parse.Parsed]:
    if f.kind == "date":
        return parse.parse_date
    if f.kind == "flag":
        return parse.parse_flag
    if f.kind == "int":
        return parse.parse_int
    if f.kind == "code":
        codes = frozenset(f.codes or ())
        return lambda raw: parse.parse_code(raw, codes)
    return parse.parse_text


def _convert(column: pa.Array, f: Field) -> tuple[pa.Array, list[tuple[int, parse.Parsed]]]:
    """Parse a text column, each distinct value once (dates and codes repeat heavily).

    Returns the typed values and the (row index, problem) of every unreadable cell.
    """
    return convert_distinct(column, _parser(f), ARROW_TYPES[f.kind])


def _clean(column: pa.Array) -> pa.Array:
    """Trim spaces; a cell holding only spaces is blank."""
    return _filled(pc.utf8_trim_whitespace(column.cast(pa.string())))


def stage(sheet: RawSheet, rec: Recognised, pseudo: Pseudonymiser) -> StagedSheet:
    """Type every mapped column, reject rows with unreadable cells, and key the rows."""
    module = rec.module
    start = rec.header_index + 1
    body = [_clean(c.slice(start)) for c in sheet.columns]
    numbers = sheet.row_numbers[start:]
    # Entirely blank rows are layout, not records.
    if body:
        filled = body[0].is_valid()
        for col in body[1:]:
            filled = pc.or_(filled, col.is_valid())
        keep = pc.indices_nonzero(filled)
        if len(keep) < len(numbers):
            body = [c.take(keep) for c in body]
            numbers = pa.array(numbers, pa.int64()).take(keep).to_pylist()
    problems: list[Problem] = []
    # A header repeated lower down is not a record: listed as rejected (counted as read), and
    # left out before the cells are cast so it raises no misleading cell errors.
    repeated = repeated_header_rows(body, rec.match)
    if repeated:
        header_row = sheet.row_numbers[rec.header_index]
        problems.extend(
            Problem(
                sheet.file,
                sheet.sheet,
                numbers[i],
                None,
                "header_repeated",
                "error",
                f"{sheet.label} row {numbers[i]} repeats the header row (row {header_row}); "
                "not loaded as a record",
            )
            for i in repeated
        )
        keep_rows = pa.array(sorted(set(range(len(numbers))) - set(repeated)), pa.int64())
        body = [c.take(keep_rows) for c in body]
        numbers = [numbers[i] for i in keep_rows.to_pylist()]
    bad_rows: set[int] = set()
    typed: dict[str, pa.Array] = {}

    def reject(found: list[RowProblem]) -> None:
        for p in found:
            bad_rows.add(p.index)
            problems.append(
                Problem(
                    sheet.file, sheet.sheet, numbers[p.index], p.column, p.rule, "error", p.message
                )
            )

    # Staging casts; the checks in etl.inputs.sen2.checks say which rows cannot be loaded.
    for name, index in rec.columns.items():
        f = module.field(name)
        header = rec.headers[name]
        raw = body[index]
        if f.kind in ("id", "upn"):
            if f.kind == "upn":
                raw = pc.replace_substring(pc.utf8_upper(raw), " ", "")
            typed[name] = raw
            continue
        values, errors = _convert(raw, f)
        typed[name] = values
        reject(
            [
                RowProblem(i, header, p.rule or "value_unreadable", f"{header}: {p.error}")
                for i, p in errors
            ]
        )
        if f.required and f.if_blank is None:  # else loaded as f.if_blank, with a query (build)
            reject(checks.check_sen2_required_blank(raw, header, f.kind))

    n = len(numbers)
    per_child = _per_child_requests(typed, rec)
    if per_child:
        # Request ids numbered within each child (1, 2, … per child): the request is the child
        # + its number, and the ids below it are read within that request.
        request = pc.binary_join_element_wise(typed["person_id"], typed["request_id"], "#")
        for name in [f for f in typed if module.field(f).kind == "id"]:
            if name not in ("person_id", "request_id"):
                # Kept as a keyed hash: the composite holds the child's id.
                within = pc.binary_join_element_wise(request, typed[name], "#")
                typed[name] = pseudo.keys("within", within)
        typed["request_id"] = request
    # Keys: the module's own id; a requests row without one is keyed by person + received date.
    person_source = "person_id" if "person_id" in typed else "upn"
    if module.name in ("person", "requests", "flat"):
        ids = typed.get(person_source, pa.nulls(n, pa.string()))
        reject(checks.check_sen2_child_id_blank(ids, rec.headers.get(person_source, person_source)))
    present = [parent for parent in module.parents if parent in typed]
    if present and module.name not in ("person", "requests"):
        reject(
            checks.check_sen2_parent_id_blank(
                [typed[p] for p in present], [rec.headers[p] for p in present], bad_rows
            )
        )
    if module.key and module.key in rec.columns and module.name not in ("flat",):
        reject(checks.check_sen2_own_id_blank(typed[module.key], rec.headers[module.key], bad_rows))

    loaded = [True] * n
    for i in bad_rows:
        loaded[i] = False
    ok_rows = pc.indices_nonzero(pa.array(loaded, pa.bool_()))
    tables: dict[str, pa.Table] = {}
    source = {
        "source_file": pa.repeat(pa.scalar(sheet.file, pa.string()), len(ok_rows)),
        "source_sheet": pa.repeat(pa.scalar(sheet.sheet, pa.string()), len(ok_rows)),
        "source_row": pa.array(numbers, pa.int64()).take(ok_rows),
    }

    def column(name: str, rows: pa.Array = ok_rows) -> pa.Array:
        values = typed.get(name)
        if values is None:
            return pa.nulls(len(rows), pa.string())
        # Every row loaded (the usual case): the column as it is, not a copy.
        return values if rows is ok_rows and not bad_rows else values.take(rows)

    def keyed(name: str, rows: pa.Array = ok_rows) -> pa.Array:
        _, kind = KEY_COLUMNS[name]
        if kind not in ("person", "request"):
            # Internal table ids (assessment, plan, need…) are system row numbers, not about a
            # person: kept as written. Person and request ids are always keyed hashes.
            return column(name, rows)
        return pseudo.keys(kind, column(name, rows))

    memo: dict[str, pa.Array] = {}
    by_request: set[str] = set()  # plan ids taken from the request (see keys_for)

    def person_keys() -> pa.Array:
        if module.name not in ("person", "requests", "flat"):
            return keyed("person_id")
        if "person" not in memo:
            memo["person"] = pseudo.keys("person", column(person_source))
        return memo["person"]

    def request_keys() -> pa.Array:
        return _request_keys(
            pseudo, column("request_id"), column(person_source), column("received_date")
        )

    def own_keys(rows: pa.Array = ok_rows) -> pa.Array:
        """The module's own key; without an id column, one per parent (and rank, if any)."""
        assert module.key is not None
        _, kind = KEY_COLUMNS[module.key]
        if module.key in typed:
            return keyed(module.key, rows)
        if module.name == "sen2":
            # A return's header with no id (the template's Header Record): its LA and date.
            return pa.array(
                [
                    pseudo(kind, f"{la or ''}|{day.isoformat() if day else ''}")
                    for la, day in zip(
                        column("la_code", rows).to_pylist(),
                        column("reference_date", rows).to_pylist(),
                        strict=True,
                    )
                ],
                pa.string(),
            )
        parent = next((p for p in module.parents if p in typed), None)
        if parent is None:
            return pa.nulls(len(rows), pa.string())
        # "{parent}:{id}|{rank}", the rank left empty when there is none (or it is 0).
        rank_field = next((f.name for f in module.fields if f.name.endswith("rank")), None)
        rank = pa.scalar("", pa.string())
        if rank_field and rank_field in typed:
            ranks = column(rank_field, rows)
            given = pc.not_equal(ranks, 0 if pa.types.is_integer(ranks.type) else "")
            rank = pc.if_else(pc.fill_null(given, False), pc.cast(ranks, pa.string()), "")
        return pseudo.keys(
            kind,
            pc.binary_join_element_wise(f"{parent}:", _filled(column(parent, rows)), "|", rank, ""),
        )

    def keys_for(target: Module, name: str) -> pa.Array:
        if name == "person_id":
            return person_keys()
        if name == "request_id" and target.name == "requests":
            return request_keys()
        if name == target.key:
            return own_keys()
        if name in BY_REQUEST and name not in typed and "request_id" in typed:
            by_request.add(name)
            # A plan detail, placement or need that names only its request (DfE's
            # pre-submission workbook and template): its plan is the one of that request, keyed
            # as a plan sheet without its own id keys it (see own_keys).
            _, kind = KEY_COLUMNS[name]
            return pseudo.keys(
                kind,
                pc.binary_join_element_wise("request_id:", _filled(column("request_id")), "|", ""),
            )
        return keyed(name)

    def build(target: Module, keys: dict[str, Any] | None = None) -> pa.Table:
        schema = staging_schema(target)
        data: dict[str, Any] = {}
        for name in schema.names:
            if name in source:
                data[name] = source[name]
            elif keys and name in keys:
                data[name] = keys[name]
            elif name == "upn_status":
                data[name] = _upn_status(column("upn"))
            elif name == "upn_key":
                # Issue 13: the UPN's keyed hash (never the UPN), so that other kinds (exclusion
                # records) can match the same pupil; "upn" namespace, UPN upper-cased, no spaces.
                data[name] = pseudo.keys("upn", _filled(column("upn")))
            elif name.endswith("_key"):
                id_name = next(i for i, (k, _) in KEY_COLUMNS.items() if k == name)
                data[name] = keys_for(target, id_name)
            elif name in typed:
                data[name] = column(name)
            else:
                data[name] = pa.nulls(len(ok_rows), schema.field(name).type)
        return pa.table(data, schema=schema)

    if module.name == "flat":
        requests = request_keys()
        # A child appears on one row per request: keep their first row as the person record.
        person = build(MODULES["person"])
        seen: set[str] = set()
        first = []
        for i, key in enumerate(person.column("person_key").to_pylist()):
            if key not in seen:
                seen.add(key)
                first.append(i)
        tables["person"] = _subset(person, first)
        tables["requests"] = build(MODULES["requests"], {"request_key": requests})
        tables["assessment"] = _subset(
            build(MODULES["assessment"], {"assessment_key": requests, "request_key": requests}),
            pc.indices_nonzero(column("assessment_outcome").is_valid()).to_pylist(),
        )
        with_need = pc.indices_nonzero(column("primary_need").is_valid()).to_pylist()
        if with_need:
            typed["sen_type"] = typed["primary_need"]
            typed["sen_type_rank"] = pa.array([1] * n, pa.int64())
            sen_need = _subset(
                build(
                    MODULES["sen_need"],
                    {
                        "request_key": requests,
                        "active_plan_key": pa.nulls(len(ok_rows), pa.string()),
                        "sen_need_key": pa.nulls(len(ok_rows), pa.string()),
                    },
                ),
                with_need,
            )
            # The primary need of a request is keyed by the request: one rank-1 need each.
            requested = _filled(sen_need.column("request_key").combine_chunks())
            tables["sen_need"] = sen_need.set_column(
                sen_need.schema.get_field_index("sen_need_key"),
                "sen_need_key",
                pseudo.keys("sen_need", pc.binary_join_element_wise(requested, "|1", "")),
            )
    else:
        tables[module.name] = build(module)
    # The key a rejected row of a module below Requests would have had (its id as written, or
    # its parent + rank), for _rejected_table to hash.
    lower = module.name not in LINKED_BY_PERSON and module.key is not None
    rejected_own = own_keys(pa.array(sorted(bad_rows), pa.int64())).to_pylist() if lower else []
    tables["sen2_rejected"] = _rejected_table(
        sheet, module, typed, person_source, numbers, bad_rows, pseudo, rejected_own
    )
    staged = StagedSheet(sheet, module.name, tables, problems, n + len(repeated), rec.unknown)
    staged.per_child = per_child
    staged.by_request = sorted(by_request)
    return staged


# Modules whose rows link by the child. Other modules' sheets may carry the child's id too (DfE's
# pre-submission workbook and template, Data to Insight's tool): it is read, to number requests
# within each child, but not kept (those rows link through their request).
LINKED_BY_PERSON = ("person", "requests", "flat")
# Ids of the plan a detail row belongs to, which may instead come from the request (at most one
# named plan and one active plan per request: the XSD's maxOccurs).
BY_REQUEST = ("named_plan_id", "active_plan_id")
# Request id headers that only ever hold a number within each child: the Data to Insight
# converter's ``requests_id`` and its SEND tool's "Request Records ID".
PER_CHILD_HEADERS = {"requestsid", "requestrecordsid"}
PER_CHILD_MAX = 50  # no child has more requests than this in one return


def _counter(value: str) -> bool:
    """Whether a request id reads as a whole number from 1 to ``PER_CHILD_MAX``."""
    try:
        number = float(value)
    except ValueError:
        return False
    return number.is_integer() and 1 <= number <= PER_CHILD_MAX


def _per_child_requests(typed: dict[str, pa.Array], rec: Recognised) -> bool:
    """Whether a sheet's request ids are numbers within each child rather than ids of their
    own: the header says so, or the ids look like per-child counters — whole numbers from 1 to
    at most ``PER_CHILD_MAX``, most rows sharing their number with another child. (One id
    repeated by mistake among real ids is a duplicate, not this: the rule needs most rows.)"""
    if "request_id" not in typed or "person_id" not in typed:
        return False
    if header_key(rec.headers.get("request_id", "")) in PER_CHILD_HEADERS:
        return True
    pairs = pa.table({"r": typed["request_id"], "p": typed["person_id"]}).filter(
        pc.and_(typed["request_id"].is_valid(), typed["person_id"].is_valid())
    )
    if pairs.num_rows < 2:
        return False
    # The first rows first: real ids fail there at once, without finding every distinct id
    # (0.7 s for a million requests).
    ids = pairs.column("r")
    if not all(map(_counter, pc.unique(ids.slice(0, 1000)).to_pylist())):
        return False
    if not all(map(_counter, pc.unique(ids).to_pylist())):
        return False
    children = pairs.group_by("r").aggregate([("p", "count_distinct")])
    shared = pc.filter(children.column("r"), pc.greater(children.column("p_count_distinct"), 1))
    in_shared = pc.sum(pc.cast(pc.is_in(pairs.column("r"), value_set=shared), "int64")).as_py()
    return bool((in_shared or 0) * 2 >= pairs.num_rows)


SOURCE_FIELDS = [
    pa.field("source_file", pa.string()),
    pa.field("source_sheet", pa.string()),
    pa.field("source_row", pa.int64()),
]


# Rows rejected while staging, with the key their record would have had (always a keyed hash),
# so that a later file holding the same record supersedes them (issue 9).
REJECTED_SCHEMA = pa.schema(
    [pa.field("module", pa.string()), pa.field("key", pa.string()), *SOURCE_FIELDS]
)


def _request_keys(
    pseudo: Pseudonymiser, ids: pa.Array, people: pa.Array, received: pa.Array
) -> pa.Array:
    """Request keys: the request id; without one (no column, or a blank cell) the child +
    received date ("{child}|{yyyy-mm-dd}"); None when neither is known."""
    child_and_date = pc.binary_join_element_wise(
        _filled(people.cast(pa.string())), pc.cast(received, pa.string()), "|"
    )
    return pseudo.keys("request", pc.coalesce(ids.cast(pa.string()), child_and_date))


def _rejected_table(
    sheet: RawSheet,
    module: Module,
    typed: dict[str, pa.Array],
    person_source: str,
    numbers: list[int],
    bad_rows: set[int],
    pseudo: Pseudonymiser,
    own: list[str | None],
) -> pa.Table:
    """The rejected rows of a sheet that a later file's record can supersede, each with the key
    staging gives that record: a Person row its child's, a Requests row its request's, and a
    case-list row (which feeds person, request and assessment) its request's, under module
    'requests'. The other modules key rows by system ids as written (assessment, plan, need…),
    which are not stored for a row that was not loaded: such a row keeps the keyed hash of the
    key it would have had (``own``, by row; ``pseudo(kind, key)``), which the build matches
    with the same hash of a later file's keys (:attr:`Pseudonymiser.SQL`). A row with no
    usable id cannot be matched: it is left out, and stays rejected."""
    rows = sorted(bad_rows)
    taken = pa.array(rows, pa.int64())

    def column(name: str) -> pa.Array:
        values = typed.get(name)
        return values.take(taken) if values is not None else pa.nulls(len(rows), pa.string())

    keys: list[str | None]
    if module.name == "person":
        target = "person"
        keys = [
            pseudo("person", v) if v is not None else None
            for v in column(person_source).to_pylist()
        ]
    elif module.name in ("requests", "flat"):
        target = "requests"
        keys = _request_keys(
            pseudo, column("request_id"), column(person_source), column("received_date")
        ).to_pylist()
    else:
        assert module.key is not None
        _, kind = KEY_COLUMNS[module.key]
        target, keys = module.name, [pseudo(kind, k) if k else None for k in own]
    kept = [(row, key) for row, key in zip(rows, keys, strict=False) if key is not None]
    return pa.table(
        {
            "module": [target] * len(kept),
            "key": [key for _, key in kept],
            "source_file": [sheet.file] * len(kept),
            "source_sheet": [sheet.sheet] * len(kept),
            "source_row": [numbers[row] for row, _ in kept],
        },
        schema=REJECTED_SCHEMA,
    )


def staging_schema(module: Module) -> pa.Schema:
    """Columns of a staging table: typed fields, pseudonymous keys (never raw ids), source row."""
    fields = [
        pa.field(f.name, ARROW_TYPES[f.kind]) for f in module.fields if f.kind not in ("id", "upn")
    ]
    fields += [
        pa.field(KEY_COLUMNS[f.name][0], pa.string())
        for f in module.fields
        if f.kind == "id" and (f.name != "person_id" or module.name in LINKED_BY_PERSON)
    ]
    if module.name == "person":
        fields.append(pa.field("upn_status", pa.string()))
        fields.append(pa.field("upn_key", pa.string()))
    return pa.schema(fields + SOURCE_FIELDS)


def _subset(table: pa.Table, rows: list[int]) -> pa.Table:
    return table.take(pa.array(rows, pa.int64()))


def _upn_status(upns: pa.Array) -> pa.Array:
    """'present', 'malformed' or None (blank) — the UPN itself is never stored."""
    formed = pc.match_substring_regex(upns, _UPN_FORMAT)
    return pc.if_else(formed, "present", "malformed")  # a null UPN stays null


def _filled(values: pa.Array) -> pa.Array:
    """A text column with empty strings as nulls: a key is made only from a value."""
    empty = pc.equal(values, "")
    if not pc.any(empty).as_py():  # the usual case: no copy
        return values
    return pc.if_else(empty, pa.scalar(None, pa.string()), values)
