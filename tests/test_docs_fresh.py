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


def test_every_rule_code_raised_in_the_code_is_declared() -> None:
    """A rule code written in etl/ (a Problem, RowProblem, FileProblem or a parser's rule=, or a
    check's SQL) must be in the registry, so the README table and `python -m etl rules` cannot
    miss one."""
    import ast
    import re

    from etl.checks import all_rules

    rule_position = {"Problem": 4, "RowProblem": 2, "FileProblem": 0, "PublishedError": 1}
    found: dict[str, str] = {}

    def note(node: ast.expr | None, where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.setdefault(node.value, where)

    for path in (REPO / "etl").rglob("*.py"):
        where = str(path.relative_to(REPO))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            for keyword in node.keywords:
                if keyword.arg == "rule":
                    note(keyword.value, where)
            if name in rule_position and len(node.args) > rule_position[name]:
                note(node.args[rule_position[name]], where)
    sql_rule = re.compile(r"'([a-z_]+)',\s*'(?:error|query)'")
    for path in [*(REPO / "etl").rglob("*.sql"), *(REPO / "etl").rglob("checks.py")]:
        for code in sql_rule.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, str(path.relative_to(REPO)))
    assert len(found) > 20  # the scan still finds the codes
    undeclared = {code: where for code, where in found.items() if code not in all_rules()}
    assert undeclared == {}
