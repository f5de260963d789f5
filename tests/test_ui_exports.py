"""CSV and XLSX exports (issue 15): numbers as numbers with the unit in the label, the about rows
(mode, scope, snapshot, notes), formulas escaped, and the tables' disclosure in publish mode."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd

from ui.formatting import (
    TABLE_COLUMNS,
    ExportContext,
    display_table,
    export_table,
    numbers_from_text,
    to_csv,
    to_xlsx,
)

SNAPSHOT = dt.date(2026, 11, 1)
CONTEXT = ExportContext(
    "publish",
    "EHC plans issued in 2026 by time band",
    SNAPSHOT,
    SNAPSHOT,
    synthetic=True,
    snapshot="warehouse built 2026-11-02 06:00:00",
)


def _monthly() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "issue_month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "plans_issued": [41, 20],
            "within_20_weeks": [15, 19],
            "pct_within_20_weeks": [36.6, 95.0],
            "plans_issued_excl_exceptions": [41, 20],
            "within_20_weeks_excl_exceptions": [15, 19],
            "pct_within_20_weeks_excl_exceptions": [36.6, 95.0],
            "rolling_plans_issued": [412, 420],
            "rolling_within_20_weeks": [203, 210],
            "rolling_pct_within_20_weeks": [49.3, 50.0],
            "rolling_plans_issued_excl_exceptions": [388, 400],
            "rolling_within_20_weeks_excl_exceptions": [199, 205],
            "rolling_pct_within_20_weeks_excl_exceptions": [51.3, 51.3],
        }
    )


def test_export_table_holds_numbers_and_dates_not_text() -> None:
    out = export_table(_monthly(), "publish", TABLE_COLUMNS["issued_monthly"], "issued_monthly")
    first = out.frame.iloc[0].tolist()
    # Issue 9's "Jan 2024, 40, 15, 36.6%": 41 → 40, 15 → 15, 15 / 40 = 37.5 (a number; "%" is in
    # the label). Rolling: 412 → 410, 203 → 205, 205 / 410 = 50.0; 388 → 390, 199 → 200,
    # 200 / 390 = 51.28… → 51.3.
    assert first == [
        dt.date(2024, 1, 1),
        40,
        15,
        37.5,
        40,
        15,
        37.5,
        410,
        205,
        50.0,
        390,
        200,
        51.3,
    ]
    # February: 19 of 20 leaves 1 outside: the percentages are c; 19 and 20 both show as 20.
    assert out.frame.iloc[1].tolist()[1:7] == [20, 20, "c", 20, 20, "c"]
    assert any("2 percentages suppressed" in n for n in out.notes)
    labels = list(out.frame.columns)
    assert all("%" in label for label in labels if "pct" in label.lower() or "%" in label)
    assert labels[3] == "% within 20 weeks (including exceptions)"


def test_every_percentage_and_rate_label_carries_its_unit() -> None:
    from ui.formatting import COLUMNS

    for name, column in COLUMNS.items():
        if column.kind == "pct":
            assert "%" in column.label, name
        if column.kind == "rate":
            assert "per 100" in column.label or "%" in column.label, name
        if column.kind in ("median", "average"):
            assert "days" in column.label, name


def test_internal_export_is_exact() -> None:
    out = export_table(_monthly(), "internal", TABLE_COLUMNS["issued_monthly"], "issued_monthly")
    assert out.frame.iloc[1].tolist()[1:4] == [20, 19, 95.0]
    assert out.notes == []


def test_load_log_in_publish_mode_protects_rows_and_drops_file_text() -> None:
    frame = pd.DataFrame(
        {
            "file": ["a.csv", "b.csv"],
            "shape": ["Exclusion records (2910 events)", "SEN2"],
            "message": ["", "3 rows had a bad date"],
            "rows_read": [42, 100],
            "rows_loaded": [39, 100],
            "rows_rejected": [3, 0],
            "rows_superseded": [0, 0],
        }
    )
    out = export_table(frame, "publish", TABLE_COLUMNS["load_log"], "load_log")
    assert list(out.frame.columns) == [
        "File",
        "Rows read",
        "Rows loaded",
        "Rows rejected",
        "Rows superseded",
    ]
    # a.csv: rejected 3 is c; read 42 (→ 40) − loaded 39 − superseded 0 would give it back, so
    # the smallest other non-zero cell of the row, loaded (39 < 42), is suppressed too.
    assert out.frame.iloc[0].tolist() == ["a.csv", 40, "c", "c", 0]
    assert out.frame.iloc[1].tolist() == ["b.csv", 100, 100, 0, 0]
    assert len(out.notes) == 3  # one further cell; Shape and Message left out
    # Internal keeps everything, exact.
    inside = display_table(frame, "internal", TABLE_COLUMNS["load_log"], "load_log")
    assert inside.iloc[0].tolist()[-5:-1] == ["42", "39", "3", "0"]
    assert "Message" in inside.columns and "Shape" in inside.columns


def test_csv_states_mode_scope_snapshot_and_notes_then_numbers() -> None:
    out = export_table(_monthly(), "publish", TABLE_COLUMNS["issued_monthly"], "issued_monthly")
    data = to_csv(out.frame, CONTEXT, out.notes)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    about = {row[0]: row[1:] for row in rows[: rows.index([])]}
    assert about["Mode"][0].startswith("Publish")
    assert about["Scope"] == ["EHC plans issued in 2026 by time band"]
    assert about["Data snapshot"] == ["1 Nov 2026"]
    assert about["Snapshot"] == ["warehouse built 2026-11-02 06:00:00"]
    assert about["Note"][0].startswith("2 percentages suppressed")
    table = rows[rows.index([]) + 1 :]
    assert table[1][:4] == ["2024-01-01", "40", "15", "37.5"]


def test_xlsx_has_an_about_sheet_and_numeric_cells(tmp_path: object) -> None:
    out = export_table(_monthly(), "publish", TABLE_COLUMNS["issued_monthly"], "issued_monthly")
    hostile = pd.DataFrame({"Rule": ["=cmd|' /C calc'!A0"], "Rate per 100": [2.5]})
    data = to_xlsx([("Plans issued by month", out.frame), ("Rules", hostile)], CONTEXT, out.notes)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["About", "Plans issued by month", "Rules"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Mode"].startswith("Publish")
    assert about["Snapshot"] == "warehouse built 2026-11-02 06:00:00"
    assert about["Scope"] == "EHC plans issued in 2026 by time band"
    sheet = list(book["Plans issued by month"].iter_rows(values_only=True))
    assert sheet[0][3] == "% within 20 weeks (including exceptions)"
    assert sheet[1][:4] == (dt.datetime(2024, 1, 1), 40, 15, 37.5)
    assert sheet[2][3] == "c"
    rules = list(book["Rules"].iter_rows(values_only=True))
    assert rules[1] == ("'=cmd|' /C calc'!A0", 2.5)


def test_numbers_from_text_turns_written_percentages_back_into_numbers() -> None:
    table = pd.DataFrame(
        {
            "Ref": ["1.10", "2.3"],
            "% complete": ["60%", "0%"],
            "Expected": ["100%", ""],
            "Published rate per 100": ["3.456", "–"],
            "Note": ["12 of 40", "x"],
        }
    )
    out = numbers_from_text(table)
    assert list(out.columns) == [
        "Ref",
        "% complete",
        "Expected (%)",
        "Published rate per 100",
        "Note",
    ]
    assert out["Ref"].tolist() == ["1.10", "2.3"]  # a reference is not a number
    assert out["% complete"].tolist() == [60, 0]
    assert out["Expected (%)"].tolist() == [100, None]
    assert out["Published rate per 100"].tolist() == [3.456, None]
    assert out["Note"].tolist() == ["12 of 40", "x"]
