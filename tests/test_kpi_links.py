"""KPI links (issue 15): the "KPIs" sheet of a tracker workbook and ``[[kpi_links]]`` in the
settings file — good rows loaded, every bad row a problem naming file / sheet / row / column,
rows read = loaded + rejected, an unknown key naming the nearest one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from etl import config
from etl.kpi_links import KpiLink
from etl.warehouse import run_load
from tests import sen2_builders as b
from tests import tracker_builders as tb

KEY = "pct_within_20_weeks_excl_exceptions"


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _workbook(tmp_path: Path, rows: Sequence[tb.Row], header: tb.Row = tb.KPI_HEADER) -> Path:
    path = tb.write_action_log(tmp_path / "plan.xlsx", tb.ACTIONS, report_date=tb.D1)
    return tb.add_kpis_sheet(path, rows, header=header)


# The KPIs sheet: title on row 1, header on row 2, so the rows below are Excel rows 3, 4, …
ROWS = [
    # row 3: good, by key, baseline "48.5%" read as 48.5
    ("2.1", None, KEY, None, tb.d("31/03/2025"), "48.5%", 60, tb.d("31/03/2027")),
    # row 4: good, the measure's title written out, linked to an area, no baseline value
    (
        None,
        "Area 2: accuracy and timeliness of EHC plans",
        "Open requests past 20 weeks",
        None,
        "31/03/2025",
        None,
        0,
        None,
    ),
    # row 5: good, a waiting-time measure with its service
    ("3.2", None, "pct_over_18_weeks", "SALT", "2025-03-31", 40, 25, None),
    # row 6: unknown key → error naming the nearest
    ("2.2", None, "pct_within_20_week", None, "31/03/2025", 50, 60, None),
    # row 7: impossible baseline date
    ("2.2", None, KEY, None, "31/02/2025", 50, 60, None),
    # row 8: a waiting-time measure with no service
    ("3.1", None, "pct_over_18_weeks", None, "31/03/2025", 50, 60, None),
    # row 9: no baseline date
    ("3.1", None, KEY, None, None, 50, 60, None),
    # row 10: neither an action nor an area
    (None, None, KEY, None, "31/03/2025", 50, 60, None),
    # row 11: a target that is not a number
    ("3.1", None, "open_at_risk", None, "31/03/2025", 5, "fewer", None),
    # row 12: the same link as row 3 → duplicate
    ("2.1", None, KEY, None, "31/03/2025", 40, 70, None),
    # row 13: an action ref not on this workbook's action log → loaded, flagged (query)
    ("9.1", None, "open_requests", None, "31/03/2025", 300, 250, None),
]


def test_kpis_sheet_rows_loaded_or_listed_with_where_and_why(tmp_path: Path) -> None:
    path = _workbook(tmp_path, ROWS)
    run_load([path], tmp_path / "data")
    problems = b.query(
        tmp_path / "data",
        'SELECT file, sheet, row, "column", rule, severity, message FROM problems '
        "WHERE sheet = 'KPIs' ORDER BY row, rule",
    )
    where = [p[:6] for p in problems]
    assert where == [
        ("plan.xlsx", "KPIs", 6, "KPI", "kpi_unknown", "error"),
        ("plan.xlsx", "KPIs", 7, "Baseline date", "date_impossible", "error"),
        ("plan.xlsx", "KPIs", 8, "Breakdown", "kpi_breakdown", "error"),
        ("plan.xlsx", "KPIs", 9, "Baseline date", "date_missing", "error"),
        ("plan.xlsx", "KPIs", 10, "Action ref", "value_missing", "error"),
        ("plan.xlsx", "KPIs", 11, "Target", "value_unreadable", "error"),
        ("plan.xlsx", "KPIs", 12, None, "duplicate_name", "error"),
        ("plan.xlsx", "KPIs", 13, None, "kpi_link_unmatched", "query"),
    ]
    messages = {p[2]: p[6] for p in problems}
    assert "did you mean pct_within_20_weeks?" in messages[6]
    assert "needs a service" in messages[8]
    assert "row 3" in messages[12]
    links = b.query(
        tmp_path / "data",
        "SELECT source_row, action_ref, area, kpi, breakdown, baseline_date, baseline_value, "
        "target, target_date FROM plan_kpi_links ORDER BY source_row",
    )
    assert links == [
        (3, "2.1", None, KEY, None, dt.date(2025, 3, 31), 48.5, 60.0, dt.date(2027, 3, 31)),
        (
            4,
            None,
            "Area 2: accuracy and timeliness of EHC plans",
            "open_breached",
            None,
            dt.date(2025, 3, 31),
            None,
            0.0,
            None,
        ),
        (
            5,
            "3.2",
            None,
            "pct_over_18_weeks",
            "speech_and_language_therapy",
            dt.date(2025, 3, 31),
            40.0,
            25.0,
            None,
        ),
        (13, "9.1", None, "open_requests", None, dt.date(2025, 3, 31), 300.0, 250.0, None),
    ]
    # Nothing lost: 4 actions + 11 links read = 8 loaded (4 + 4) + 7 rejected.
    [(read, loaded, rejected)] = b.query(
        tmp_path / "data", "SELECT rows_read, rows_loaded, rows_rejected FROM load_log"
    )
    assert (read, loaded, rejected) == (15, 8, 7)
    assert read == loaded + rejected


def test_a_kpis_sheet_without_its_kpi_column_loads_nothing_from_the_file(tmp_path: Path) -> None:
    header = ("Action ref", "Area of weakness", "Indicator name", "Baseline date", "Baseline")
    path = _workbook(tmp_path, [("2.1", None, KEY, "31/03/2025", 40)], header=header)
    # With the sheet named "KPIs" it is read as one, and the missing column is file-level.
    problems = b.staged_problems(path)
    assert [(p[1], p[4], p[5]) for p in problems] == [("KPIs", "column_missing", "error")]
    [result] = run_load([path], tmp_path / "data").files
    assert result.status == "failed"
    assert "required column 'KPI' is missing" in result.message


def test_settings_links_are_checked_like_sheet_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "settings.toml"
    toml.write_text(
        "[[kpi_links]]\n"
        'action = "2.1"\n'
        f'kpi = "{KEY}"\n'
        "baseline_date = 2025-03-31\n"
        "baseline_value = 48.5\n"
        "target = 60\n"
        "\n[[kpi_links]]\n"
        'area = "Area 1"\n'
        'kpi = "suspension_rate"\n'
        'breakdown = "EHC plan"\n'
        "baseline_date = 2024-08-31\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SEND_CONFIG", str(toml))
    assert config.settings().kpi_links == (
        KpiLink(KEY, None, "2.1", None, dt.date(2025, 3, 31), 48.5, 60.0, None),
        KpiLink(
            "suspension_rate", "ehc_plan", None, "Area 1", dt.date(2024, 8, 31), None, None, None
        ),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            'kpi = "open_breachd"\naction = "1"\nbaseline_date = 2025-03-31\n',
            r"\[\[kpi_links\]\] number 1 \(kpi = 'open_breachd'\): .*did you mean open_breached\?",
        ),
        ('kpi = "waiting"\naction = "1"\nbaseline_date = 2025-03-31\n', "needs a service"),
        ('kpi = "open_breached"\nbaseline_date = 2025-03-31\n', "action ref or the area"),
        ('kpi = "open_breached"\naction = "1"\n', "Baseline date is blank"),
        (
            'kpi = "tribunal_appeal_rate"\naction = "1"\nbaseline_date = 2025-03-31\n',
            "published figure only",
        ),
        (
            'kpi = "open_breached"\naction = "1"\nbaseline_date = 2025-03-31\nbaselin = 3\n',
            "baselin: unknown setting",
        ),
    ],
)
def test_settings_link_mistakes_stop_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, expected: str
) -> None:
    toml = tmp_path / "settings.toml"
    toml.write_text("[[kpi_links]]\n" + body, encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(toml))
    with pytest.raises(config.SettingsError, match=expected):
        config.settings()
