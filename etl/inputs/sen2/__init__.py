"""SEN2 person-level data: DfE's module workbook, COLLECT "Blade" CSVs, or an LA's case list.

Parts: :mod:`.spec` (column maps and code lists), :mod:`.stage` (recognise sheets, type and key
rows), :mod:`.build` (canonical tables, checks, marts; SQL in ``sql/``), demo data in ``demo``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from etl.checks import Problem
from etl.config import settings
from etl.headers import missing_required
from etl.inputs.kind import StageContext, Staged
from etl.inputs.sen2 import build as _build
from etl.inputs.sen2 import stage as _stage
from etl.inputs.sen2.spec import FLAT, MODULES
from etl.readers import FileProblem, RawSheet


class Sen2Kind:
    """SEN2 as an input kind (see :mod:`etl.inputs.kind`)."""

    name = "sen2"
    looks_like = "recognisable SEN2 headers (e.g. ReceivedDate, RequestOutcome, persontableid)"
    specs: Sequence[Any] = (*MODULES.values(), FLAT)
    carried: tuple[str, ...] = ()

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
        """Each sheet with its module (None for a sheet that is not SEN2); None when none is."""
        found = [(sheet, _stage.recognise(sheet)) for sheet in sheets]
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
        for sheet, rec in recognised:
            result = _stage.stage(sheet, rec, context.pseudo)
            shapes.add(result.shape)
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
        if shapes == {"flat"}:
            staged.shape = "flat case list"
        elif len(shapes) == 1:
            staged.shape = f"SEN2 module: {MODULES[shapes.pop()].title}"
        else:
            staged.shape = f"SEN2 module workbook ({len(recognised)} sheets)"
        return staged

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        _build.build(con)


KIND = Sen2Kind()
