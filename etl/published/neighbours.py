"""Reader for the statistical-neighbour lookup (data-to-insight): one column per LA, its
neighbours below it, closest first."""

from __future__ import annotations

import csv
from pathlib import Path

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
