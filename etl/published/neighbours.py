"""Reader for the statistical-neighbour lookup (data-to-insight): one column per LA, its
neighbours below it, closest first."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from etl.parse import MONTHS
from etl.published.datasets import DATASET_BY_KEY
from etl.published.records import FileLoad, PublishedError


def read_neighbours(path: Path) -> FileLoad:
    """The statistical-neighbour lookup: each column is an LA, its rows are its neighbours in
    order (closest first)."""
    dataset = DATASET_BY_KEY["stat_neighbours"]
    load = FileLoad(dataset.key, path, release="Statistical neighbours lookup (data-to-insight)")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise PublishedError(f"{path.name}: the file is empty")
    load.rows_read = len(rows)
    header = rows[0]
    load.not_used["header row (LA names)"] += 1
    for offset, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            load.not_used["blank rows"] += 1
            continue
        for index, la in enumerate(header):
            if not la.strip():
                continue
            neighbour = row[index].strip() if index < len(row) else ""
            if neighbour:
                load.neighbours.append((la.strip(), offset - 1, neighbour))
        load.rows_loaded += 1
    return load


# ---------------------------------------------------------------- DfE's own set (issue 13)

DFE_SET = "dfe"
D2I_SET = "d2i"


def dfe_set_label(path: Path) -> str:
    """ "DfE statistical neighbours, May 2025" from the file name sn_may_2025.xlsx."""
    parts = path.stem.lower().split("_")
    number = next((MONTHS[p] for p in parts if p in MONTHS), None)
    year = next((p for p in parts if p.isdigit() and len(p) == 4), "")
    full = dt.date(2000, number, 1).strftime("%B") if number else ""
    when = f", {full.capitalize()} {year}".rstrip() if full or year else ""
    return f"DfE statistical neighbours{when}"


def read_dfe_neighbours(path: Path) -> FileLoad:
    """DfE's children's services statistical neighbours workbook, as LAIT uses it: three header
    rows (column letters, numbers, then "LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, …
    SN10, SNP"), one row per LA with its ten neighbours by 3-digit LA number, closest first, and
    how close each is; then an "Old SNs:" block for LAs before a reorganisation."""
    from etl.readers import FileProblem, read_file

    dataset = DATASET_BY_KEY["dfe_neighbours"]
    load = FileLoad(dataset.key, path, release=dfe_set_label(path))
    try:
        sheets = read_file(path)
    except FileProblem as problem:
        raise PublishedError(f"{path.name}: {problem.message}") from problem
    if not sheets:
        raise PublishedError(f"{path.name}: the workbook has no sheets")
    sheet = sheets[0]
    rows = [[(c or "").strip() for c in row] for row in sheet.rows]
    header_at = next(
        (i for i, row in enumerate(rows[:10]) if row[:2] == ["LA num", "LA Name"] and "SN1" in row),
        None,
    )
    if header_at is None:
        raise PublishedError(
            f"{path.name}: no header row 'LA num, LA Name, …, SN1' in the first 10 rows, so this "
            "is not DfE's statistical-neighbour workbook"
        )
    header = rows[header_at]
    sn_columns = [
        (int(h[2:]), i) for i, h in enumerate(header) if h.startswith("SN") and h[2:].isdigit()
    ]
    load.rows_read = len([r for r in rows if any(r)])
    load.not_used["header rows"] += len([r for r in rows[: header_at + 1] if any(r)])
    block = "current"
    for row in rows[header_at + 1 :]:
        if not any(row):
            continue
        if row[1].lower().startswith("old sn"):
            load.not_used["'Old SNs' heading"] += 1
            block = "old"
            continue
        number, name = row[0], row[1]
        if not number.isdigit():
            load.not_used["rows without an LA number"] += 1
            continue
        for position, index in sn_columns:
            neighbour = row[index] if index < len(row) else ""
            closeness = row[index + 1] if index + 1 < len(row) else ""
            if neighbour.isdigit():
                load.neighbour_codes.append(
                    (number, name, position, neighbour, closeness.capitalize(), block)
                )
        load.rows_loaded += 1
    return load
