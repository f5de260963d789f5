"""Typing a staged text column, shared by the input kinds: each distinct value is parsed once
(dates, codes and services repeat heavily), then joined back to every row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from etl import parse


def convert_distinct(
    column: pa.Array, parser: Callable[[Any], parse.Parsed], kind: pa.DataType
) -> tuple[pa.Array, list[tuple[int, parse.Parsed]]]:
    """The typed values of a text column, and the (row index, problem) of every unreadable cell."""
    uniques = pc.unique(column).drop_null()
    parsed = [parser(u) for u in uniques.to_pylist()]
    typed = pa.array([p.value for p in parsed], kind)
    positions = pc.index_in(column, value_set=uniques)
    values = typed.take(positions)
    bad = [i for i, p in enumerate(parsed) if p.error]
    errors: list[tuple[int, parse.Parsed]] = []
    if bad:
        hit = pc.is_in(positions, value_set=pa.array(bad, positions.type))
        for i in pc.indices_nonzero(pc.fill_null(hit, False)).to_pylist():
            errors.append((i, parsed[positions[i].as_py()]))
    return values, errors
