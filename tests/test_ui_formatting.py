"""ui.formatting: number and date formats, trend wording, disclosure rules, CSV export.

Expected values are worked out by hand (DESIGN §4 and §7), never copied from the code's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math

import pandas as pd
import pytest

from ui.formatting import (
    ExportContext,
    describe_trend,
    display_table,
    escape_formula,
    export_filename,
    fmt_count,
    fmt_date,
    fmt_days,
    fmt_pct,
    one_year_earlier,
    round_half_away,
    status_badge,
    suppress_count,
    suppress_pct,
    to_csv,
    trend_months,
    year_label,
)

SNAPSHOT = dt.date(2026, 11, 1)


# ---------------------------------------------------------------- numbers and dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, "1,000"),
        (20600, "20,600"),
        (640000, "640,000"),
        (None, "–"),
        (float("nan"), "–"),
        (pd.NA, "–"),
    ],
)
def test_fmt_count(value: object, expected: str) -> None:
    assert fmt_count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45.9, "45.9%"),
        (100.0, "100.0%"),
        (0.0, "0.0%"),
        (60, "60.0%"),
        # A missing percentage (denominator 0) is "no plans" — never 0% or nan.
        (None, "no plans"),
        (float("nan"), "no plans"),
        (pd.NA, "no plans"),
    ],
)
def test_fmt_pct(value: object, expected: str) -> None:
    assert fmt_pct(value) == expected


def test_fmt_pct_never_shows_nan_or_none() -> None:
    for missing in (None, math.nan, pd.NA):
        text = fmt_pct(missing)
        assert "nan" not in text.lower() and "none" not in text.lower() and "0%" not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (37.5, "37.5 days"),
        (140.0, "140 days"),
        (1, "1 day"),
        (185.666, "185.7 days"),
        (0.05, "0.1 days"),  # half away from zero, not to even
        (None, "–"),
    ],
)
def test_fmt_days(value: object, expected: str) -> None:
    assert fmt_days(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.05, 0.1),
        (0.15, 0.2),
        (0.25, 0.3),
        (2.675, 2.7),
        (-0.05, -0.1),
        (66.66666, 66.7),
    ],
)
def test_round_half_away_from_zero(value: float, expected: float) -> None:
    # Python's round(0.25, 1) is 0.2 (banker's rounding); DESIGN §4 wants 0.3.
    assert round_half_away(value, 1) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 11, 1), "1 Nov 2026"),
        (dt.date(2025, 3, 31), "31 Mar 2025"),
        (pd.Timestamp("2026-01-09"), "9 Jan 2026"),
        (dt.datetime(2026, 11, 1, 13, 5), "1 Nov 2026"),
        ("2026-02-28", "28 Feb 2026"),
        (None, "–"),
        (pd.NaT, "–"),
    ],
)
def test_fmt_date(value: object, expected: str) -> None:
    assert fmt_date(value) == expected


def test_year_label_says_so_far_for_an_unfinished_year() -> None:
    assert year_label(2026, SNAPSHOT) == "2026 so far (to 1 Nov 2026)"
    assert year_label(2025, SNAPSHOT) == "2025"
    assert year_label(2026, dt.date(2026, 12, 31)) == "2026"


def test_one_year_earlier_handles_leap_day() -> None:
    assert one_year_earlier(dt.date(2026, 11, 1)) == dt.date(2025, 11, 1)
    assert one_year_earlier(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


def test_trend_months_cover_three_years_and_stop_at_the_as_at_month() -> None:
    assert trend_months(2026, SNAPSHOT) == (dt.date(2024, 1, 1), dt.date(2026, 11, 1))
    assert trend_months(2025, SNAPSHOT) == (dt.date(2023, 1, 1), dt.date(2025, 12, 1))


# ---------------------------------------------------------------- trend in words


def test_trend_percentage_up_and_better() -> None:
    # 48.9 - 45.7 = 3.2 points; higher is better.
    trend = describe_trend(48.9, 45.7, "%", "higher_is_better", "2025")
    assert trend.text == "▲ up 3.2 points on 2025 (better)"
    assert trend.judgement == "better"


def test_trend_percentage_down_and_worse() -> None:
    # 60.0 - 66.7 = -6.7 points.
    trend = describe_trend(60.0, 66.7, "%", "higher_is_better", "2025")
    assert trend.text == "▼ down 6.7 points on 2025 (worse)"


def test_trend_count_lower_is_better() -> None:
    # Breached cases 1 now against 2 a year earlier: down 1, which is better.
    trend = describe_trend(1, 2, "count", "lower_is_better", "1 Nov 2025")
    assert trend.text == "▼ down 1 on 1 Nov 2025 (better)"
    assert describe_trend(1, 0, "count", "lower_is_better", "1 Nov 2025").text == (
        "▲ up 1 on 1 Nov 2025 (worse)"
    )


def test_trend_no_change_and_neutral_and_missing() -> None:
    assert describe_trend(50.0, 50.0, "%", "higher_is_better", "2025").text == ("▬ same as 2025")
    assert describe_trend(3, 2, "count", "neutral", "1 Nov 2025").text == "▲ up 1 on 1 Nov 2025"
    missing = describe_trend(50.0, None, "%", "higher_is_better", "2025")
    assert missing.judgement == "unknown" and "no comparison" in missing.words


def test_trend_rounds_the_difference_half_away_from_zero() -> None:
    # 45.15 - 45.0 = 0.15 (in floating point 0.14999…); shown to 1 dp as 0.2, not 0.1.
    assert describe_trend(45.15, 45.0, "%", "higher_is_better", "2025").words.startswith(
        "up 0.2 points"
    )


def test_status_badges_use_symbol_and_words() -> None:
    assert status_badge("Breached") == "⚠ Breached"
    assert status_badge("At risk") == "◐ At risk"
    assert status_badge("On track") == "✓ On track"


# ---------------------------------------------------------------- disclosure


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0"),
        (1, "c"),
        (5, "c"),
        (7, "c"),
        (8, "10"),
        (12, "10"),
        (13, "15"),
        (17, "15"),
        (18, "20"),
        (22, "20"),
        (23, "25"),
        (1234, "1,235"),
        (1232, "1,230"),
    ],
)
def test_suppress_count(count: int, expected: str) -> None:
    assert suppress_count(count) == expected


@pytest.mark.parametrize(
    ("pct", "numerator", "denominator", "expected"),
    [
        # From the rounded counts (issue 9): 9 → 10 of 20 → 50.0%, not the exact 45.0%.
        (45.0, 9, 20, "50.0%"),
        (47.4, 9, 19, "c"),  # denominator under 20
        (30.0, 6, 20, "c"),  # numerator 1–7 is suppressed, so the % would reveal it
        (0.0, 0, 25, "0.0%"),  # zero is not a small number to hide
        (None, 0, 0, "no plans"),  # nothing to disclose
        (100.0, 40, 40, "100.0%"),
        # The cases: 15 of 41 shows as 15 of 40 = 37.5% (36.6% would give away 41);
        # 19 of 20 is suppressed: the one child outside it is a count of 1–7 (95.0% beside
        # 20 / 20 would reveal it, and 100.0% would say "all").
        (36.6, 15, 41, "37.5%"),
        (95.0, 19, 20, "c"),
        # 1,234 of 2,468 → 1,235 of 2,470 = 50.0%.
        (50.0, 1234, 2468, "50.0%"),
        (12.0, None, 50, "c"),  # a % whose count is unknown cannot be checked: suppressed
    ],
)
def test_suppress_pct(
    pct: float | None, numerator: int | None, denominator: int, expected: str
) -> None:
    assert suppress_pct(pct, numerator, denominator) == expected


def _bands_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "band": ["Within 20 weeks", "20 to 52 weeks", "Over 52 weeks"],
            "plans_issued": [23, 12, 3],
            "plans_issued_excl_exceptions": [20, 11, 3],
            "all_plans_issued": [38, 38, 38],
            "all_plans_issued_excl_exceptions": [34, 34, 34],
            "pct_of_plans_issued": [60.5, 31.6, 7.9],
            "pct_of_plans_issued_excl_exceptions": [58.8, 32.4, 8.8],
        }
    )


def test_display_table_publish_mode_applies_every_rule() -> None:
    table = display_table(
        _bands_frame(), "publish", ["band", "plans_issued", "pct_of_plans_issued"]
    )
    assert list(table.columns) == ["Time to issue", "Plans issued", "% of plans issued"]
    # 23 → 25, 12 → 10, 3 → c; percentages from the rounded counts over 38 → 40 plans:
    # 25 / 40 = 62.5%, 10 / 40 = 25.0%; 7.9% suppressed because its numerator (3) is.
    assert list(table["Plans issued"]) == ["25", "10", "c"]
    assert list(table["% of plans issued"]) == ["62.5%", "25.0%", "c"]


def test_display_table_internal_mode_is_exact() -> None:
    table = display_table(
        _bands_frame(), "internal", ["band", "plans_issued", "pct_of_plans_issued"]
    )
    assert list(table["Plans issued"]) == ["23", "12", "3"]
    assert list(table["% of plans issued"]) == ["60.5%", "31.6%", "7.9%"]


def test_display_table_publish_suppresses_averages_over_few_plans() -> None:
    frame = pd.DataFrame(
        {
            "stage": ["A", "B"],
            "plans_issued": [25, 19],
            "median_days": [37.5, 140.0],
            "mean_days": [40.25, 150.0],
        }
    )
    table = display_table(frame, "publish")
    # A median needs 8 plans behind it (19 is enough); a mean needs 20 (19 is not).
    assert list(table["Median days"]) == ["37.5 days", "140 days"]
    assert list(table["Mean days"]) == ["40.3 days", "c"]  # 40.25 → 40.3 (half away)
    assert list(table["Plans issued"]) == ["25", "20"]  # 19 rounds to 20


def test_display_table_leaves_unknown_helper_columns_out() -> None:
    frame = pd.DataFrame({"band": ["x"], "request_key": ["abc"], "person_key": ["def"]})
    assert list(display_table(frame).columns) == ["Time to issue"]


# ---------------------------------------------------------------- CSV export


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1234", "'+44 1234"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("\ncmd", "'\ncmd"),
        ("Week20: 'maybe'", "Week20: 'maybe'"),
        ("a=b", "a=b"),
        ("", ""),
        (-3, -3),
        (12.5, 12.5),  # numbers are data, not formulas
    ],
)
def test_escape_formula(cell: object, expected: object) -> None:
    assert escape_formula(cell) == expected


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_to_csv_writes_header_lines_then_escaped_table() -> None:
    context = ExportContext(
        "publish", "EHC plans issued in 2026 by time band", SNAPSHOT, SNAPSHOT, synthetic=True
    )
    table = pd.DataFrame({"Rule": ["=cmd|' /C calc'!A0", "date_impossible"], "Count": ["c", "10"]})
    rows = _read_csv(to_csv(table, context))
    assert rows[0] == ["SEND Partnership Dashboard export"]
    assert rows[1][0] == "Mode" and rows[1][1].startswith("Publish")
    assert rows[2] == ["Scope", "EHC plans issued in 2026 by time band"]
    assert rows[3] == ["Data snapshot", "1 Nov 2026"]
    assert rows[4] == ["As at", "1 Nov 2026"]
    assert rows[5][0] == "SYNTHETIC DATA"
    assert rows[6] == []
    assert rows[7] == ["Rule", "Count"]
    assert rows[8] == ["'=cmd|' /C calc'!A0", "c"]
    assert rows[9] == ["date_impossible", "10"]


def test_to_csv_internal_real_data_has_no_synthetic_line() -> None:
    context = ExportContext("internal", "Problem list", SNAPSHOT)
    rows = _read_csv(to_csv(pd.DataFrame({"A": [1]}), context))
    assert rows[1][1].startswith("Internal")
    assert not any(row and row[0] == "SYNTHETIC DATA" for row in rows)
    assert not any(row and row[0] == "As at" for row in rows)


def test_export_filename_states_snapshot_and_mode() -> None:
    context = ExportContext("publish", "x", SNAPSHOT)
    assert export_filename("ehcp bands/2026", context) == "ehcp_bands_2026_2026-11-01_publish.csv"


def test_rolling_percentages_are_shown_with_the_counts_they_rest_on() -> None:
    from ui.formatting import TABLE_COLUMNS

    frame = pd.DataFrame(
        {
            "issue_month": [dt.date(2026, 9, 1)],
            "plans_issued": [41],
            "within_20_weeks": [15],
            "pct_within_20_weeks": [36.6],
            "plans_issued_excl_exceptions": [41],
            "within_20_weeks_excl_exceptions": [15],
            "pct_within_20_weeks_excl_exceptions": [36.6],
            "rolling_plans_issued": [412],
            "rolling_within_20_weeks": [203],
            "rolling_pct_within_20_weeks": [49.3],
            "rolling_plans_issued_excl_exceptions": [388],
            "rolling_within_20_weeks_excl_exceptions": [199],
            "rolling_pct_within_20_weeks_excl_exceptions": [51.3],
        }
    )
    table = display_table(frame, "publish", TABLE_COLUMNS["issued_monthly"])
    row = dict(zip(table.columns, table.iloc[0], strict=True))
    # 412 → 410, 203 → 205: 205 / 410 = 50.0%; 388 → 390, 199 → 200: 200 / 390 = 51.28… → 51.3%.
    rolling = [v for k, v in row.items() if "last 12 months" in k or "Rolling" in k]
    assert rolling == ["410", "205", "50.0%", "390", "200", "51.3%"]
    # The month itself: 15 of 41 → 15 of 40, 37.5%.
    assert [row["Plans issued"], row[table.columns[2]], row[table.columns[3]]] == [
        "40",
        "15",
        "37.5%",
    ]


def test_load_log_row_counts_follow_publish_rules() -> None:
    frame = pd.DataFrame(
        {"file": ["a.csv"], "rows_read": [42], "rows_loaded": [39], "rows_rejected": [3]}
    )
    table = display_table(frame, "publish")
    assert list(table.iloc[0]) == ["a.csv", "40", "40", "c"]
    assert list(display_table(frame, "internal").iloc[0]) == ["a.csv", "42", "39", "3"]
