"""Waiting lists for health assessments and therapies (DESIGN §3 "Health waiting lists", issue
12): provider extracts, one row per referral.

Parts: :mod:`.spec` (the column map, standard services and their synonyms), :mod:`.stage`
(recognise waiting-list sheets, cast cells, run :mod:`.checks`; every row loaded or in the
problem list), :mod:`.build` (staging → ``waits_referrals`` and the month-end mart; SQL in
``sql/``), synthetic extracts in :mod:`.demo`. The measures as at a date are named queries
(``etl/sql/queries/waits_*.sql``) read through ``etl.store``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb

from etl.inputs.kind import StageContext, Staged
from etl.inputs.waits.spec import SPECS, WaitsSheet

if TYPE_CHECKING:
    import pyarrow as pa

    from etl.headers import HeaderMatch
    from etl.readers import RawSheet

    Claim = list[tuple[RawSheet, HeaderMatch[WaitsSheet]]]


class WaitsKind:
    """Waiting-list extracts as an input kind (see :mod:`etl.inputs.kind`)."""

    name = "waits"
    looks_like = (
        "health waiting list (one row per referral with a child reference, service and "
        "referral date)"
    )
    specs: Sequence[Any] = SPECS

    @property
    def staging(self) -> dict[str, pa.Schema]:
        from etl.inputs.waits import build

        return build.STAGING

    carried: tuple[str, ...] = ()

    def create_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        from etl.inputs.waits import build

        build.create_tables(con)

    def recognise(self, sheets: list[RawSheet], context: StageContext) -> Claim | None:
        from etl.inputs.waits import stage

        return stage.recognise(sheets)

    def stage(self, claim: Claim, sheets: list[RawSheet], context: StageContext) -> Staged:
        from etl.inputs.waits import stage as _stage

        staged = _stage.stage_file(sheets, claim, context.pseudo, context.as_of)
        return Staged(
            shape=f"Waiting list, extract date {staged.extract_date:%d/%m/%Y} "
            f"({staged.extract_source})",
            rows_read=staged.rows_read,
            tables={"stg_waits_referrals": staged.rows},
            problems=staged.problems,
            sets_snapshot=False,
        )

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        from etl.inputs.waits import build

        build.build(con)


KIND = WaitsKind()
