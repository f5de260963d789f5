"""Suspensions and permanent exclusions of pupils, with their SEN provision (issue 13).

Parts: :mod:`.spec` (sheets, column maps, category and SEN spellings), :mod:`.stage` (recognise
events and headcounts sheets, type rows; every row loaded or in the problem list), :mod:`.checks`
(its rules), :mod:`.build` with ``sql/build.sql`` (events with SEN provision derived from SEN2
where blank, headcounts, marts), synthetic files in :mod:`.demo`. The measures are named queries
(``etl/sql/queries/exclusions_*.sql``) described in :mod:`etl.catalogue`.

It is asked before SEN2 whether it recognises a file, and built after SEN2 (it reads SEN2's plan
dates to derive a missing SEN provision).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb

from etl.inputs.exclusions.spec import SHEETS, Sheet
from etl.inputs.kind import StageContext, Staged

if TYPE_CHECKING:
    import pyarrow as pa

    from etl.headers import HeaderMatch
    from etl.readers import RawSheet

    Claim = list[tuple[RawSheet, HeaderMatch[Sheet]]]


class ExclusionsKind:
    """Exclusion events and headcounts as an input kind (see :mod:`etl.inputs.kind`)."""

    name = "exclusions"
    looks_like = (
        "exclusion records (an events sheet with UPN or pupil reference, start date and "
        "category; or a headcounts sheet with academic year, SEN provision and headcount)"
    )
    specs: Sequence[Any] = tuple(SHEETS.values())

    @property
    def staging(self) -> dict[str, pa.Schema]:
        from etl.inputs.exclusions import build

        return build.STAGING

    carried: tuple[str, ...] = ()
    # Built after these kinds: a missing SEN provision is derived from SEN2's plan dates.
    build_after: tuple[str, ...] = ("sen2",)

    def create_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        from etl.inputs.exclusions import build

        build.create_tables(con)

    def recognise(self, sheets: list[RawSheet], context: StageContext) -> Claim | None:
        from etl.inputs.exclusions import stage

        return stage.recognise(sheets)

    def stage(self, claim: Claim, sheets: list[RawSheet], context: StageContext) -> Staged:
        from etl.inputs.exclusions import stage as _stage

        staged = _stage.stage_file(claim, sheets, context.pseudo)
        parts = []
        if staged.events or any(m.spec.name == "events" for _, m in claim):
            parts.append(f"{len(staged.events)} events")
        if staged.headcounts or any(m.spec.name == "headcounts" for _, m in claim):
            parts.append(f"{len(staged.headcounts)} headcounts")
        return Staged(
            shape=f"Exclusion records ({', '.join(parts)}; {', '.join(staged.sheets)})",
            rows_read=staged.rows_read,
            tables=_stage.tables(staged),
            problems=staged.problems,
            sets_snapshot=False,
        )

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        from etl.inputs.exclusions import build

        build.build(con)


KIND = ExclusionsKind()
