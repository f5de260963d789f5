"""SEN2 person-level data: DfE's module workbook, COLLECT "Blade" CSVs, or an LA's case list.

Parts: :mod:`.spec` (column maps and code lists), :mod:`.stage` (recognise sheets, type and key
rows), :mod:`.build` (canonical tables, checks, marts; SQL in ``sql/``), demo data in ``demo``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from etl.checks import Problem
from etl.config import settings
from etl.headers import HeaderMatch, match_row, missing_required
from etl.inputs.kind import StageContext, Staged
from etl.inputs.sen2 import build as _build
from etl.inputs.sen2 import shapes as _shapes
from etl.inputs.sen2 import stage as _stage
from etl.inputs.sen2.spec import FLAT, MODULES
from etl.parse import parse_date
from etl.readers import FileProblem, RawSheet


def _stage_sheets(
    recognised: list[tuple[RawSheet, _stage.Recognised]], context: StageContext
) -> list[_stage.StagedSheet]:
    """Each recognised sheet staged, in order. Two sheets at a time (issue 11): much of staging
    lets go of the GIL (the keyed hashes in DuckDB, Arrow's compute), so one sheet's Python
    runs meanwhile; the six sheets of the ``large`` workbook take 0.26 s instead of 0.33-0.36 s
    warm. Files are staged on threads already (``etl.warehouse.STAGED_AHEAD``), so staging is
    safe to run concurrently; the first failure in sheet order is raised, as one by one."""
    if len(recognised) < 2:
        return [_stage.stage(sheet, rec, context.pseudo) for sheet, rec in recognised]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="sen2-sheet") as pool:
        return list(
            pool.map(lambda item: _stage.stage(item[0], item[1], context.pseudo), recognised)
        )


class Sen2Kind:
    """SEN2 as an input kind (see :mod:`etl.inputs.kind`)."""

    name = "sen2"
    looks_like = "recognisable SEN2 headers (e.g. ReceivedDate, RequestOutcome, persontableid)"
    specs: Sequence[Any] = (*MODULES.values(), FLAT)
    carried: tuple[str, ...] = ()
    # warehouse_meta reads the load record (the snapshot date, synthetic): a load of another
    # kind that changes those rebuilds SEN2 too (issue 11, etl.warehouse.stale_kinds).
    reads_load_record = True

    @property
    def staging(self) -> dict[str, pa.Schema]:
        tables = {
            f"stg_{name}": _stage.staging_schema(MODULES[name]) for name in _build.MODULE_ORDER
        }
        # Rows rejected while staging, keyed, so that a later file's record supersedes them.
        return {**tables, "stg_sen2_rejected": _stage.REJECTED_SCHEMA}

    def create_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        """No tables beyond staging."""

    def recognise(
        self, sheets: list[RawSheet], context: StageContext
    ) -> list[tuple[RawSheet, _stage.Recognised | None]] | None:
        """Each sheet with its module (None for a sheet that is not SEN2); None when none is.

        The XML return and a stacked template sheet are first cut into one sheet per module
        (:mod:`.shapes`); a block of either that cannot be matched refuses the whole file."""
        if sheets and sheets[0].xml_root is not None:
            parts = _shapes.xml_modules(sheets, context.pseudo)
            found = [(sheet, _stage.recognise(sheet)) for sheet in parts]
            for sheet, rec in found:
                if rec is None:
                    raise FileProblem(
                        "column_missing",
                        f"{sheet.file}: the <{(sheet.sheet or '').rsplit('/', 1)[-1]}> records "
                        f"(line {sheet.row_numbers[0]}) hold no SEN2 elements this tool knows; "
                        "nothing was loaded",
                        sheet.sheet,
                    )
            return found
        found = []
        for sheet in sheets:
            blocks = _shapes.split_stacked(sheet)
            if blocks is None:
                found.append((sheet, _stage.recognise(sheet)))
                continue
            for block in blocks:
                rec = _stage.recognise(block)
                if rec is None:
                    raise FileProblem(
                        "column_missing",
                        f"{sheet.label}: DfE's stacked submission template, but the block titled "
                        f"on row {_shapes.title_row(block)} ({MODULES[block.part or ''].title}) "
                        "has no header row of SEN2 column labels below its title, so the file "
                        "cannot be read correctly and nothing was loaded. Put the module's "
                        "column labels on the row under its title, or save each module on its "
                        "own sheet",
                        sheet.sheet,
                    )
                found.append((block, rec))
        return found if any(rec for _, rec in found) else None

    def stage(
        self,
        claim: list[tuple[RawSheet, _stage.Recognised | None]],
        sheets: list[RawSheet],
        context: StageContext,
    ) -> Staged:
        """Type and key every recognised sheet; a missing required column fails the file."""
        problems: list[Problem] = []
        recognised = []
        for sheet, rec in claim:
            if rec is None:
                if any(c not in (None, "") for row in sheet.rows for c in row):
                    problems.append(
                        Problem(
                            sheet.file,
                            sheet.sheet,
                            None,
                            None,
                            "sheet_not_recognised",
                            "query",
                            f"{sheet.label}: no SEN2 column headers found in the first "
                            f"{settings().header_search_rows} rows, so this sheet was not loaded",
                        )
                    )
                continue
            missing = missing_required(
                rec.match, _stage.required_columns(rec.module), _stage.label_of(rec.module), "sen2"
            )
            if missing:
                main, detail = missing
                raise FileProblem(
                    "column_missing",
                    f"{sheet.label}: {main} (header found on row "
                    f"{sheet.row_numbers[rec.header_index]}); nothing was loaded from this "
                    f"file{detail}",
                    sheet.sheet,
                )
            recognised.append((sheet, rec))
        staged = Staged(shape="", rows_read=0, problems=problems)
        shapes = set()
        per_child = False
        # A sheet holding a plan and its details on one row each (Data to Insight's converter)
        # is staged once per module it holds; its rows are counted once.
        shared: list[bool] = [False] * len(recognised)
        for index in range(len(recognised)):
            sheet, rec = recognised[index]
            extras = _flattened(sheet, rec)
            if extras:
                used = {h for extra in extras for h in extra.headers.values()}
                rec.unknown = [u for u in rec.unknown if u not in used]
                shared[index] = True
                recognised.extend((sheet, extra) for extra in extras)
                shared.extend([True] * len(extras))
        results = _stage_sheets(recognised, context)
        first = {id(sheet): i for i, (sheet, _) in reversed(list(enumerate(recognised)))}
        seen_problems: set[tuple[Any, ...]] = set()
        for index, ((sheet, _), result) in enumerate(zip(recognised, results, strict=True)):
            if not shared[index]:
                continue
            if first[id(sheet)] != index:
                result.rows_read = 0
            if result.shape in _ONE_PER_REQUEST:
                table = result.tables[result.shape]
                seen: set[str] = set()
                keep = []
                for i, key in enumerate(table.column(_build.OWN_KEY[result.shape]).to_pylist()):
                    if key is None or key not in seen:
                        keep.append(i)
                        seen.add(key)
                result.tables[result.shape] = table.take(pa.array(keep, pa.int64()))
            unique = []
            for p in result.problems:
                mark = (p.sheet, p.row, p.column, p.rule)
                if mark not in seen_problems:
                    seen_problems.add(mark)
                    unique.append(p)
            result.problems = unique
        _link_through_requests(results)
        for (sheet, rec), result in zip(recognised, results, strict=True):
            shapes.add(result.shape)
            per_child = per_child or result.per_child
            staged.problems.extend(result.problems)
            staged.rows_read += result.rows_read
            for module, table in result.tables.items():
                name = f"stg_{module}"
                previous = staged.tables.get(name)
                staged.tables[name] = (
                    table if previous is None else pa.concat_tables([previous, table])
                )
            if result.unknown_columns:
                staged.problems.append(
                    Problem(
                        sheet.file,
                        sheet.sheet,
                        sheet.row_numbers[rec.header_index],
                        None,
                        "column_not_used",
                        "query",
                        f"{sheet.label}: columns not used by this tool (not stored): "
                        + ", ".join(result.unknown_columns),
                    )
                )
        xml = any(sheet.xml_root for sheet, _ in recognised)
        stacked = any(sheet.part and not sheet.xml_root for sheet, _ in recognised)
        if xml:
            staged.shape = "SEN2 XML return"
        elif stacked:
            staged.shape = "SEN2 submission template (stacked modules)"
        elif shapes == {"flat"}:
            staged.shape = "flat case list"
        elif len(shapes) == 1:
            staged.shape = f"SEN2 module: {MODULES[shapes.pop()].title}"
        else:
            staged.shape = f"SEN2 module workbook ({len(recognised)} sheets)"
        if per_child:
            staged.shape += "; request ids numbered within each child"
        _link_return(staged)
        if staged.as_of is None:
            staged.as_of = _title_date([sheet.head(rec.header_index) for sheet, rec in recognised])
        return staged

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        _build.build(con)


# Modules that appear on one row with their details in a flattened table, and those of them
# that hold one record per request (repeated on each detail row; the first row is kept).
_FAMILIES = {
    "named_plan": ("named_plan", "plan_detail"),
    "plan_detail": ("named_plan", "plan_detail"),
    "active_plans": ("active_plans", "placement_detail", "sen_need"),
    "placement_detail": ("active_plans", "placement_detail", "sen_need"),
    "sen_need": ("active_plans", "placement_detail", "sen_need"),
}
_ONE_PER_REQUEST = ("named_plan", "active_plans", "sen_need")


def _flattened(sheet: RawSheet, rec: _stage.Recognised) -> list[_stage.Recognised]:
    """The other modules of a plan's family whose own columns (two or more that no other
    module of the family has) are on this sheet's header row too: Data to Insight's converter
    writes a named plan with its plan details, an active plan with its placements and first
    need, one row per detail. Only when each can be linked (its required columns are there)."""
    family = _FAMILIES.get(rec.module.name)
    if family is None or sheet.xml_root is not None:
        return []
    row = sheet.head(rec.header_index + 1)[rec.header_index]
    extras = []
    for name in family:
        if name == rec.module.name:
            continue
        module = MODULES[name]
        others = {f.name for m in family if m != name for f in MODULES[m].fields}
        columns, headers = match_row(row, "sen2", module)
        own = [f for f in columns if module.field(f).kind != "id" and f not in others]
        if len(own) < 2:
            continue
        match = HeaderMatch(module, rec.header_index, columns, headers, [])
        required = _stage.required_columns(module)
        if missing_required(match, required, _stage.label_of(module), "sen2"):
            continue
        extras.append(_stage.Recognised(module, rec.header_index, columns, headers, [], match))
    return extras


# A detail sheet that names only its request: the plan module it belongs to, and its key column.
_PLAN_OF = {
    "named_plan_id": ("named_plan", "named_plan_key"),
    "active_plan_id": ("active_plans", "active_plan_key"),
}


def _link_through_requests(results: list[_stage.StagedSheet]) -> None:
    """Point detail rows that name only their request (DfE's pre-submission workbook) at the
    plan of that request in the same file, when the plan sheet has ids of its own; without one,
    staging already keyed both alike from the request."""
    if not any(result.by_request for result in results):
        return  # the usual case: nothing to point (the plan lookup below is Python per row)
    plans: dict[str, dict[str, str]] = {}
    for result in results:
        for module, key in _PLAN_OF.values():
            table = result.tables.get(module)
            if table is None or "request_key" not in table.schema.names:
                continue
            found = plans.setdefault(key, {})
            for request, plan in zip(
                table.column("request_key").to_pylist(), table.column(key).to_pylist(), strict=True
            ):
                if request is not None and plan is not None:
                    found.setdefault(request, plan)
    for result in results:
        for id_name in result.by_request:
            _, key = _PLAN_OF[id_name]
            found = plans.get(key, {})
            table = result.tables[result.shape]
            index = table.schema.get_field_index(key)
            linked = [
                found.get(request, plan) if request is not None else plan
                for request, plan in zip(
                    table.column("request_key").to_pylist(),
                    table.column(index).to_pylist(),
                    strict=True,
                )
            ]
            result.tables[result.shape] = table.set_column(
                index, key, pa.array(linked, pa.string())
            )


# "SEN2 case list as at 31/03/2025", "Reference date: 2025-01-16" in a title row above a header.
_TITLE_DATE = re.compile(r"\b(?:as at|as of|reference date|census date)\b[:\s-]*(.+)$", re.I)


def _title_date(titles: list[list[list[Any]]]) -> dt.date | None:
    """The snapshot date a title row above a header states ("… as at 31/03/2025"), if any."""
    found = set()
    for rows in titles:
        for row in rows:
            for cell in row:
                match = _TITLE_DATE.search(str(cell)) if cell is not None else None
                if match:
                    parsed = parse_date(match[1].strip().rstrip("."))
                    if parsed.value is not None and parsed.error is None:
                        found.add(parsed.value)
    return max(found) if len(found) == 1 else None


def _link_return(staged: Staged) -> None:
    """What a file's own header record says about the rest of it: the reference date is the
    file's snapshot date, and a file with one header record (the XML return, the template) has
    its children belong to it, so their LA is known."""
    header = staged.tables.get("stg_sen2")
    if header is None or header.num_rows == 0:
        return
    dates = [d for d in header.column("reference_date").to_pylist() if d is not None]
    if dates:
        staged.as_of = max(dates)
    keys = {k for k in header.column("sen2_key").to_pylist() if k is not None}
    person = staged.tables.get("stg_person")
    if len(keys) == 1 and person is not None and person.num_rows:
        key = next(iter(keys))
        index = person.schema.get_field_index("sen2_key")
        filled = pc.fill_null(person.column(index), pa.scalar(key, pa.string()))
        staged.tables["stg_person"] = person.set_column(index, "sen2_key", filled)


KIND = Sen2Kind()
