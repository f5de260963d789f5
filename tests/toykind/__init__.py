"""A toy input kind, registered only by tests: a sign-in sheet of visits (visitor, visit date).

It shows the whole of what a new kind needs — a spec, recognising, staging, a build that says
which rows it loaded — and proves the warehouse loads it without any change outside this package.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import duckdb
import pyarrow as pa

from etl.checks import Problem
from etl.headers import find_header
from etl.inputs import StageContext, Staged
from etl.parse import cell_text, parse_date
from etl.readers import FileProblem, RawSheet


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    sheet_names: tuple[str, ...]
    fields: tuple[Column, ...]


VISITS = Sheet(
    "visits",
    "Visits",
    ("Visits",),
    (Column("visitor", ("Visitor", "Name of visitor")), Column("visit_date", ("Visit date",))),
)
SCHEMA = pa.schema(
    [
        ("visitor_key", pa.string()),
        ("visit_date", pa.date32()),
        ("source_file", pa.string()),
        ("source_sheet", pa.string()),
        ("source_row", pa.int64()),
    ]
)


class ToyKind:
    name = "toy"
    looks_like = "a visitors' sign-in sheet (Visitor, Visit date)"
    specs: Sequence[Any] = (VISITS,)
    staging: ClassVar[dict[str, pa.Schema]] = {"stg_toy_visits": SCHEMA}
    carried: tuple[str, ...] = ()

    def create_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        """Nothing beyond staging."""

    def recognise(self, sheets: list[RawSheet], context: StageContext) -> Any:
        found = [
            (s, m)
            for s in sheets
            if (m := find_header(s, [VISITS], "toy", min_columns=2, search_rows=10))
        ]
        return found or None

    def stage(self, claim: Any, sheets: list[RawSheet], context: StageContext) -> Staged:
        rows: list[dict[str, Any]] = []
        problems: list[Problem] = []
        read = 0
        for sheet, match in claim:
            if "visit_date" not in match.columns:
                raise FileProblem("column_missing", f"{sheet.label}: no Visit date column")
            for cells, number in zip(
                sheet.rows[match.header_index + 1 :],
                sheet.row_numbers[match.header_index + 1 :],
                strict=True,
            ):
                read += 1
                parsed = parse_date(cells[match.columns["visit_date"]])
                if not parsed.ok:
                    problems.append(
                        Problem(
                            sheet.file,
                            sheet.sheet,
                            number,
                            "Visit date",
                            parsed.rule or "date_unreadable",
                            "error",
                            str(parsed.error),
                        )
                    )
                    continue
                visitor = cell_text(cells[match.columns["visitor"]]) or ""
                rows.append(
                    {
                        "visitor_key": context.pseudo("visitor", visitor),
                        "visit_date": parsed.value,
                        "source_file": sheet.file,
                        "source_sheet": sheet.sheet,
                        "source_row": number,
                    }
                )
        return Staged(
            shape="Visits sign-in sheet",
            rows_read=read,
            tables={"stg_toy_visits": pa.Table.from_pylist(rows, SCHEMA)},
            problems=problems,
            sets_snapshot=False,
        )

    def build(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("""
            CREATE OR REPLACE TABLE toy_visits AS SELECT * FROM stg_toy_visits;
            CREATE OR REPLACE TABLE toy_loaded_rows AS
            SELECT load_id, source_sheet, source_row FROM toy_visits;
        """)


KIND = ToyKind()
