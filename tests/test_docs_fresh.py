"""The generated docs (docs/metrics.md tables, the README's metric section) match the code."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_docs", REPO / "scripts" / "generate_docs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_docs", module)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_fresh() -> None:
    stale = _generator().stale_blocks()
    assert not stale, f"stale: {stale}; run python scripts/generate_docs.py"


def test_check_mode_fails_on_a_stale_block(tmp_path: Path) -> None:
    gen = _generator()
    for file in {file for file, _name, _make in gen.BLOCKS}:
        target = tmp_path / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((REPO / file).read_text(encoding="utf-8"), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(
        readme.read_text(encoding="utf-8").replace(
            "<!-- END metrics -->", "edited\n<!-- END metrics -->"
        ),
        encoding="utf-8",
    )
    assert gen.stale_blocks(tmp_path) == ["README.md: metrics"]
    assert gen.stale_blocks(tmp_path, write=True) == ["README.md: metrics"]
    assert gen.stale_blocks(tmp_path) == []


def test_missing_markers_are_an_error() -> None:
    with pytest.raises(ValueError, match="BEGIN metrics"):
        _generator().render("no markers here", "metrics", "text")
