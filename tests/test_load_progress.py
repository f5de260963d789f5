"""The load's progress steps say how many rows have been read and how fast (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

from etl.warehouse import run_load
from tests import golden_fixture as gf


def test_progress_steps_count_the_rows_read_and_their_rate(tmp_path: Path) -> None:
    cases = gf.write_flat(tmp_path / "cases.csv")
    # Rows read are the data rows: every line but the header.
    rows = len(cases.read_text(encoding="utf-8").splitlines()) - 1
    steps: list[tuple[str, int, int]] = []
    run_load([cases], tmp_path / "data", progress=lambda *step: steps.append(step))
    assert steps[0] == ("Reading cases.csv", 0, 2)  # nothing read yet: no rate
    step, done, total = steps[-1]
    assert (done, total) == (1, 2)
    found = re.fullmatch(r"Building the warehouse \(([\d,]+) rows read, [\d,]+ a second\)", step)
    assert found and int(found.group(1).replace(",", "")) == rows
