"""Waiting-list rules (issue 12), and the checks that apply them to one sheet's typed columns.

Staging casts each cell (an unreadable, impossible or blank referral date is reported there with
the shared cell rules ``date_unreadable`` / ``date_impossible`` / ``date_missing``); these checks
then run over the sheet's typed columns as Arrow arrays — vectorised, so a 500,000-row extract
costs little — and return :class:`~etl.checks.RowProblem`s for the rows that fail only. An
error rejects its row; a query flags it. The tests run each on a few values held in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from etl.checks import RowProblem, rule

AREA = "waits"

rule(
    "date_before_referral",
    "error",
    "A referral's date first seen or discharge / removal date is before its referral date",
    "Date first seen 01/03/2025 is before the referral date 14/03/2025",
    AREA,
)
rule(
    "date_after_extract",
    "error",
    "A date after the extract's own date (the extract cannot know it yet)",
    "Referral date 02/04/2026 is after the extract date 31/03/2026",
    AREA,
)
rule(
    "duplicate_referral_id",
    "error",
    "The same referral id twice for one provider in one extract; the first is loaded",
    "Referral ID 'R1234' is already on row 7 for this provider; only the first was loaded",
    AREA,
)
rule(
    "age_out_of_range",
    "query",
    "The child's age at referral is outside 0–25 (loaded; check the date of birth or age)",
    "Age at referral 31 is outside 0–25",
    AREA,
)
rule(
    "seen_after_removal",
    "query",
    "Date first seen is after the discharge / removal date (loaded; seen on that date)",
    "Date first seen 10/05/2025 is after the discharge date 01/05/2025",
    AREA,
)
rule(
    "service_unmapped",
    "query",
    "A service name matches no standard service; its rows are kept under the name as written "
    "(add it under [waits.services] in the settings file)",
    "Service 'Sensory clinic' (12 rows) matches no standard service",
    AREA,
)
rule(
    "extract_date_missing",
    "query",
    "The extract states no extract date and none was given with --as-of: the day of the load "
    "is used to find dates in the future",
    "No extract date found; dates after the load date 01/12/2026 are rejected",
    AREA,
)


def _indices(mask: pa.Array) -> list[int]:
    return list(pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist())


def _d(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


def check_waits_before_referral(
    referral: pa.Array, other: pa.Array, header: str, referral_header: str, skip: set[int]
) -> list[RowProblem]:
    """A seen or removal date before the referral date (rows already rejected are skipped)."""
    found = []
    for i in _indices(pc.less(other, referral)):
        if i in skip:
            continue
        found.append(
            RowProblem(
                i,
                header,
                "date_before_referral",
                f"{header} {_d(other[i].as_py())} is before the {referral_header.lower()} "
                f"{_d(referral[i].as_py())}",
            )
        )
    return found


def check_waits_after_extract(
    values: pa.Array, header: str, extract: dt.date, skip: set[int]
) -> list[RowProblem]:
    """A date after the extract date."""
    return [
        RowProblem(
            i,
            header,
            "date_after_extract",
            f"{header} {_d(values[i].as_py())} is after the extract date {_d(extract)}",
        )
        for i in _indices(pc.greater(values, pa.scalar(extract, pa.date32())))
        if i not in skip
    ]


def check_waits_duplicate_referral(
    ids: pa.Array,
    providers: pa.Array,
    header: str,
    skip: set[int],
    row_number: Sequence[int],
) -> list[RowProblem]:
    """The same referral id twice for one provider in one extract: the first loaded row wins."""
    keyed = pc.binary_join_element_wise(pc.fill_null(providers, ""), pc.utf8_upper(ids), "\x1f")
    counts = pc.value_counts(keyed.drop_null())
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated) == 0:
        return []
    first: dict[str, int] = {}
    found = []
    for i in _indices(pc.is_in(keyed, value_set=repeated)):
        if i in skip:
            continue
        key = keyed[i].as_py()
        if key in first:
            found.append(
                RowProblem(
                    i,
                    header,
                    "duplicate_referral_id",
                    f"{header} '{ids[i].as_py()}' is already on row {row_number[first[key]]} "
                    "for this provider; only the first was loaded",
                )
            )
        else:
            first[key] = i
    return found


def check_waits_age(ages: pa.Array, header: str, skip: set[int]) -> list[RowProblem]:
    """An age at referral outside 0–25 (a query: the row is loaded)."""
    bad = pc.or_(pc.less(ages, 0), pc.greater(ages, 25))
    return [
        RowProblem(
            i,
            header,
            "age_out_of_range",
            f"Age at referral {ages[i].as_py()} is outside 0–25",
            "query",
        )
        for i in _indices(bad)
        if i not in skip
    ]


def check_waits_seen_after_removal(
    seen: pa.Array, removed: pa.Array, header: str, removed_header: str, skip: set[int]
) -> list[RowProblem]:
    """Seen after the discharge / removal date (a query: counted as seen on its date)."""
    return [
        RowProblem(
            i,
            header,
            "seen_after_removal",
            f"{header} {_d(seen[i].as_py())} is after the {removed_header.lower()} "
            f"{_d(removed[i].as_py())}",
            "query",
        )
        for i in _indices(pc.greater(seen, removed))
        if i not in skip
    ]
