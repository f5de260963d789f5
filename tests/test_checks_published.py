"""The published-load rules (etl/checks/published.py): declared once in the shared registry, and
a reader's problem carries its rule's code and severity."""

from __future__ import annotations

from pathlib import Path

from etl.checks import all_rules
from etl.checks import published as rules
from etl.published import FileLoad, PublishedError

CODES = {
    "published_file_unreadable",
    "column_missing",
    "published_bad_period",
    "published_bad_level",
    "published_no_area_code",
    "published_duplicate_row",
    "published_bad_number",
    "published_unknown_la",
    "published_code_name_mismatch",
}


def test_every_published_rule_is_registered_with_a_meaning_and_example() -> None:
    registered = {code: r for code, r in all_rules().items() if r.area == "published"}
    # column_missing is the file-level rule every kind shares, declared with the file rules.
    assert set(registered) == CODES - {"column_missing"}
    assert all_rules()["column_missing"].area == "file"
    for found in registered.values():
        assert found.meaning and found.example and found.severity in ("error", "query")


def test_no_rule_code_is_written_as_text_in_the_readers() -> None:
    # Readers use the declared rules, so a code cannot drift from its declaration.
    package = Path(__file__).resolve().parent.parent / "etl" / "published"
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not any(f'"{code}"' in text for code in CODES), path.name


def test_a_problem_takes_its_rules_code_and_severity() -> None:
    load = FileLoad("timeliness_20_week", Path("timeliness_20_week.csv"))
    load.problem(3, "time_period", rules.BAD_PERIOD, "time_period '24' is not a year")
    load.problem(4, "pc", rules.BAD_NUMBER, "pc = 'n/a' is not a number")
    assert [(p["row"], p["rule"], p["severity"]) for p in load.problems] == [
        (3, "published_bad_period", "error"),
        (4, "published_bad_number", "query"),
    ]
    assert load.rows_rejected == 1  # only the error rejects its row


def test_a_file_level_error_names_its_rule() -> None:
    assert PublishedError("unreadable").rule is rules.FILE_UNREADABLE
    assert PublishedError("no column", rules.COLUMN_MISSING).rule.code == "column_missing"
