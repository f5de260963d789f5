"""The bounded fuzz run (issue 9): 150 seeded cases through the CLI, each holding DESIGN §6 — no
crash, no hang, no traceback, every row read loaded or rejected, and exactly the rows the file
holds read. ``scripts/fuzz_loader.py`` is the fuzzer; a larger run's figures are in
``docs/reliability.md``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz_loader.py"


@pytest.mark.slow
def test_fuzz_150_cases(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("fuzz_loader", SCRIPT)
    assert spec is not None and spec.loader is not None
    fuzz_loader = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_loader"] = fuzz_loader
    spec.loader.exec_module(fuzz_loader)
    outcomes = fuzz_loader.fuzz(150, seed=9, jobs=2, out=tmp_path)
    figures = fuzz_loader.summary(outcomes, 0.0)
    assert figures["cases"] == 150
    assert figures["failures"] == [], figures["failures"]
