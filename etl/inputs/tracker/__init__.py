"""Improvement-plan trackers: highlight reports and WSoA / priority-action-plan action logs
(DESIGN §3, §5).

Parts: :mod:`.spec` (sheet kinds and their column maps), :mod:`.stage` (recognise tracker sheets,
type rows; every row loaded or in the problem list), :mod:`.build` (periods, RAG by ``etl.rag``,
overrides; SQL in ``sql/``), demo workbooks in ``demo``. The CLI's and dashboard's questions are
answered by :mod:`etl.tracker.report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from etl.inputs.kind import StageContext, Staged
from etl.inputs.tracker import build as _build
from etl.inputs.tracker import stage as _stage
from etl.inputs.tracker.spec import SHEET_KINDS
from etl.readers import RawSheet


class TrackerKind:
    """Plan trackers as an input kind (see :mod:`etl.inputs.kind`)."""

    name = "tracker"
    looks_like = (
        "improvement-plan tracker sheet (a Tasks & Milestones sheet with name, start, end and "
        "% complete, or an action log with action ref, action and due date)"
    )
    specs: Sequence[Any] = tuple(SHEET_KINDS.values())
    staging: dict[str, pa.Schema] = _build.STAGING
    carried: tuple[str, ...] = ()

    def create_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        _build.create_tables(con)

    def recognise(
        self, sheets: list[RawSheet], context: StageContext
    ) -> list[tuple[RawSheet, _stage.SheetMatch]] | None:
        return _stage.is_tracker(sheets)

    def stage(
        self,
        claim: list[tuple[RawSheet, _stage.SheetMatch]],
        sheets: list[RawSheet],
        context: StageContext,
    ) -> Staged:
        tracker = _stage.stage_workbook(sheets, claim, context.as_of)
        return Staged(
            shape=tracker.shape,
            rows_read=tracker.rows_read,
            tables={
                "stg_tracker_periods": tracker.period,
                "stg_tracker_items": tracker.items,
                "stg_tracker_registers": tracker.registers,
                "stg_tracker_kpi_links": tracker.links,
            },
            problems=tracker.problems,
            sets_snapshot=False,
        )

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        _build.build(con)


KIND = TrackerKind()
