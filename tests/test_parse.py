"""Property tests for the pure cell parsers in ``etl/parse.py`` (DESIGN §6, STYLE "Parsers").

The invariants: every accepted way of writing a date gives the same date; an impossible, US-order,
unreadable or non-integer-serial date is an error with a rule, never a blank and never a wrong
date; a blank cell is a blank value with no error. Excel serials are checked against openpyxl's
own Excel-date conversion, not against the code under test.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import to_excel

from etl.inputs.sen2.spec import (
    ASSESSMENT_OUTCOMES,
    REQUEST_OUTCOMES,
    SEN_TYPES,
    UPN_UNKNOWN_REASONS,
)
from etl.parse import cell_text, normalise_header, parse_code, parse_date, parse_flag

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# 1 March 1900 onwards: before it Excel counts a 29 February 1900 that never existed (see the
# xfail below), so the serial of an earlier date is off by one in Excel itself.
domain_dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31))
# A bare number is read as an Excel serial only for 1950–2100 (see etl/parse.py MIN_SERIAL).
serial_dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))


def written(day: dt.date, style: str) -> str:
    """A date written the way one kind of input file writes it (built by hand, not strftime)."""
    y, m, d = day.year, day.month, day.day
    return {
        "iso": f"{y:04d}-{m:02d}-{d:02d}",
        "iso_short": f"{y}-{m}-{d}",
        "iso_time": f"{y:04d}-{m:02d}-{d:02d}T13:45:00",
        "iso_space_time": f"{y:04d}-{m:02d}-{d:02d} 00:00",
        "uk": f"{d:02d}/{m:02d}/{y:04d}",
        "uk_short": f"{d}/{m}/{y}",
        "uk_dots": f"{d:02d}.{m:02d}.{y:04d}",
        "uk_dashes": f"{d:02d}-{m:02d}-{y:04d}",
        "uk_time": f"{d:02d}/{m:02d}/{y:04d} 09:30:00",
        "blade": f"{y:04d}-{MONTHS[m - 1]}-{d:02d} 00:00:00",
        "blade_upper": f"{y:04d}-{MONTHS[m - 1].upper()}-{d:02d} 00:00:00",
        "day_month_name": f"{d} {MONTHS[m - 1]} {y}",
    }[style]


TEXT_STYLES = [
    "iso",
    "iso_short",
    "iso_time",
    "iso_space_time",
    "uk",
    "uk_short",
    "uk_dots",
    "uk_dashes",
    "uk_time",
    "blade",
    "blade_upper",
    "day_month_name",
]


# --- dates: every accepted form round-trips -----------------------------------------------------


@settings(deadline=None)  # no timing flakes on a busy machine
@given(day=domain_dates, style=st.sampled_from(TEXT_STYLES), pad=st.sampled_from(["", " ", "  "]))
@example(day=dt.date(2022, 9, 28), style="blade", pad="")  # the form SEN2 Blade exports use
@example(day=dt.date(2024, 2, 29), style="uk", pad="")  # a real leap day
def test_text_dates_round_trip(day: dt.date, style: str, pad: str) -> None:
    parsed = parse_date(pad + written(day, style) + pad)
    assert parsed.error is None and parsed.rule is None
    assert parsed.value == day


@settings(deadline=None)
@given(day=serial_dates)
def test_excel_serials_round_trip_as_int_float_and_text(day: dt.date) -> None:
    # openpyxl's to_excel is an independent oracle for Excel's 1900 date system.
    serial = to_excel(day)
    assert float(serial).is_integer()
    n = int(serial)
    for raw in (n, float(n), str(n), f"{n}.0", f" {n} "):
        parsed = parse_date(raw)
        assert (parsed.value, parsed.error) == (day, None), raw


@settings(deadline=None)
@given(
    moment=st.datetimes(
        min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31, 23, 59, 59)
    )
)
def test_date_and_datetime_cells_give_their_date(moment: dt.datetime) -> None:
    # An Excel date cell arrives as a datetime (or a date); the time of day is dropped.
    assert parse_date(moment) == parse_date(moment.date())
    assert parse_date(moment).value == moment.date()
    assert parse_date(moment).error is None


@settings(deadline=None)
@given(day=serial_dates)
def test_every_form_of_one_date_agrees(day: dt.date) -> None:
    forms = [written(day, s) for s in TEXT_STYLES] + [
        day,
        int(to_excel(day)),
        str(int(to_excel(day))),
    ]
    assert {parse_date(f).value for f in forms} == {day}


# --- dates: bad values are errors, never blanks --------------------------------------------------


def _impossible_days() -> st.SearchStrategy[tuple[int, int, int]]:
    """(year, month, day) that is not a real date: 30/31 Feb, 31 of a 30-day month, 29 Feb in a
    year that is not a leap year (1900 and 2100 are not leap years; 2000 is)."""
    thirty_one = st.tuples(st.integers(1900, 2100), st.sampled_from([2, 4, 6, 9, 11]), st.just(31))
    thirtieth_feb = st.tuples(st.integers(1900, 2100), st.just(2), st.just(30))
    leap_day = st.tuples(
        st.integers(1900, 2100).filter(lambda y: not calendar.isleap(y)), st.just(2), st.just(29)
    )
    return st.one_of(thirty_one, thirtieth_feb, leap_day)


@settings(deadline=None)
@given(
    ymd=_impossible_days(),
    style=st.sampled_from(["iso", "uk", "uk_dots", "blade", "day_month_name"]),
)
@example(ymd=(2024, 2, 31), style="uk")
@example(ymd=(2023, 2, 29), style="uk")
@example(ymd=(1900, 2, 29), style="iso")
@example(ymd=(2100, 2, 29), style="blade")
def test_impossible_dates_are_errors_not_blanks(ymd: tuple[int, int, int], style: str) -> None:
    y, m, d = ymd
    # written() needs a real date, so build the text for an impossible one by hand.
    text = {
        "iso": f"{y:04d}-{m:02d}-{d:02d}",
        "uk": f"{d:02d}/{m:02d}/{y:04d}",
        "uk_dots": f"{d:02d}.{m:02d}.{y:04d}",
        "blade": f"{y:04d}-{MONTHS[m - 1]}-{d:02d} 00:00:00",
        "day_month_name": f"{d} {MONTHS[m - 1]} {y}",
    }[style]
    parsed = parse_date(text)
    assert parsed.value is None
    assert parsed.rule == "date_impossible"
    assert parsed.error and text in parsed.error


def test_29_february_in_a_leap_year_is_fine() -> None:
    assert parse_date("29/02/2024").value == dt.date(2024, 2, 29)
    assert parse_date("2000-02-29").value == dt.date(2000, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "00/01/2024",
        "32/01/2024",
        "15/00/2024",
        "13/13/2024",
        "2024-13-01",
        "2024-00-10",
        "01/01/1899",
        "01/01/2101",
    ],
)
def test_out_of_range_parts_are_impossible(text: str) -> None:
    # Day 0 or 32, month 0 or 13 (with a day over 12, so it cannot be US order), and years
    # outside the 1900-2100 window all name no real date in this domain.
    parsed = parse_date(text)
    assert (parsed.value, parsed.rule) == (None, "date_impossible")


@settings(deadline=None)
@given(day=domain_dates.filter(lambda d: d.day > 12))
@example(day=dt.date(2024, 12, 31))
def test_us_month_day_order_is_an_error(day: dt.date) -> None:
    # With the day above 12, month/day/year has a "month" above 12: clearly US order.
    text = f"{day.month:02d}/{day.day:02d}/{day.year}"
    parsed = parse_date(text)
    assert (parsed.value, parsed.rule) == (None, "date_us_order")
    assert "day/month/year" in (parsed.error or "")


def test_us_order_example_from_the_brief() -> None:
    assert parse_date("12/31/2024").rule == "date_us_order"


def test_ambiguous_day_month_is_read_the_uk_way() -> None:
    # 03/04/2024 could be US 4 March; the design says UK order, so it is 3 April.
    assert parse_date("03/04/2024").value == dt.date(2024, 4, 3)


def _no_digits(text: str) -> bool:
    return not any(ch.isdigit() for ch in unicodedata.normalize("NFKC", text))


@settings(deadline=None)
@given(
    text=st.text(st.characters(exclude_categories=("Nd", "No", "Nl", "Cs")), max_size=30).filter(
        _no_digits
    )
)
@example(text="not known")
@example(text="TBC")
@example(text="Sept")
def test_text_without_digits_is_unreadable_or_blank(text: str) -> None:
    parsed = parse_date(text)
    if text.strip() == "":
        assert parsed == parse_date(None)
    else:
        assert (parsed.value, parsed.rule) == (None, "date_unreadable")
        assert parsed.error


@pytest.mark.parametrize(
    "text",
    [
        "31st Jan 2024",
        "2024-01",
        "01/2024",
        "24/01/24",
        "2024/01/31",
        "31 Foo 2024",
        "2024-Foo-31 00:00:00",
        "20240131",
        "45,000",
        "45000.5",
        "-45000",
        "1e5",
        "0",
        "31/01/2024 afternoon",
    ],
)
def test_garbage_with_digits_is_unreadable(text: str) -> None:
    parsed = parse_date(text)
    assert (parsed.value, parsed.rule) == (None, "date_unreadable")
    assert parsed.error


@settings(deadline=None)
@given(raw=st.sampled_from([None, "", " ", "   ", "\t", "\n", "\u00a0", float("nan")]))
def test_blank_is_no_value_and_no_error(raw: object) -> None:
    parsed = parse_date(raw)
    assert (parsed.value, parsed.error, parsed.rule) == (None, None, None)


@settings(deadline=None)
@given(
    x=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False).filter(lambda f: not f.is_integer())
)
@example(x=45000.5)
@example(x=45000.000001)
def test_non_integer_serial_is_an_error(x: float) -> None:
    # A fractional serial would be a date and a time; as a float cell, or as text, it is
    # refused (a number in a date column is more likely a mistake than a time stamp).
    for raw in (x, repr(x)):
        parsed = parse_date(raw)
        assert parsed.value is None
        assert parsed.rule == "date_unreadable", raw


@settings(deadline=None)
@given(
    n=st.one_of(
        st.integers(-(10**9), int(to_excel(dt.date(1949, 12, 31)))),
        st.integers(int(to_excel(dt.date(2101, 1, 1))), 10**9),
    )
)
def test_serial_outside_1950_to_2100_is_an_error(n: int) -> None:
    # "2024" or "7" typed into a date column is a slip, not 16 July 1905 or 6 January 1900.
    for raw in (n, float(n)):
        parsed = parse_date(raw)
        assert (parsed.value, parsed.rule) == (None, "date_unreadable")


def test_booleans_are_not_dates() -> None:
    # True would otherwise be serial 1.
    assert parse_date(True).rule == "date_unreadable"
    assert parse_date(False).rule == "date_unreadable"


# --- dates: only digits that mean the same number can change nothing ----------------------------

# Every non-ASCII character carrying a decimal digit value 0-9: Arabic-Indic, Devanagari,
# full-width, mathematical, superscript and circled digits, "⒈" (digit + full stop), ...
UNICODE_DIGITS: dict[int, list[str]] = {}
for _cp in range(0x80, 0x110000):
    _ch = chr(_cp)
    _value = unicodedata.digit(_ch, None)
    if _value is not None:
        UNICODE_DIGITS.setdefault(_value, []).append(_ch)


@st.composite
def foreign_digits(draw: st.DrawFn) -> tuple[dt.date, str, str]:
    day = draw(domain_dates)
    style = draw(st.sampled_from(["iso", "uk", "uk_dots", "blade", "day_month_name", "serial"]))
    text = str(int(to_excel(day))) if style == "serial" else written(day, style)
    swapped = "".join(
        draw(st.sampled_from(UNICODE_DIGITS[int(ch)]))
        if ch.isascii() and ch.isdigit() and draw(st.booleans())
        else ch
        for ch in text
    )
    return day, text, swapped


@settings(deadline=None)
@given(case=foreign_digits())
@example(case=(dt.date(2024, 1, 31), "2024-01-31", "٢٠٢٤-٠١-٣١"))  # Arabic-Indic digits
@example(case=(dt.date(2024, 1, 31), "31/01/2024", "３１/０１/２０２４"))  # full-width digits
@example(case=(dt.date(2024, 1, 11), "11/01/2024", "1⒈01/2024"))  # "⒈" is "1." once normalised
def test_non_ascii_digits_give_the_right_date_or_an_error(case: tuple[dt.date, str, str]) -> None:
    # The code reads Unicode decimal digits (regex \d and int()) and NFKC-normalises text, so
    # Arabic-Indic or full-width digits are read as the digits they are. What must never happen
    # is a *different* date: the result is either the written date or an error.
    day, _, swapped = case
    parsed = parse_date(swapped)
    if parsed.error is None:
        assert parsed.value == day, swapped
    else:
        assert parsed.value is None and parsed.rule in {
            "date_unreadable",
            "date_impossible",
            "date_us_order",
        }


def test_arabic_indic_and_full_width_digits_are_read_as_digits() -> None:
    # What the code decides today (documented here so a change is deliberate).
    assert parse_date("٢٠٢٤-٠١-٣١").value == dt.date(2024, 1, 31)
    assert parse_date("３１/０１/２０２４").value == dt.date(2024, 1, 31)


@pytest.mark.parametrize("serial", [1, 32, 59, 60, 2024])
def test_small_numbers_are_not_dates(serial: int) -> None:
    # Serials before 1 March 1900 are off by one in Excel itself (it counts a 29 February 1900
    # that never existed); small numbers in a date column are refused with a message instead.
    parsed = parse_date(serial)
    assert (parsed.value, parsed.rule) == (None, "date_unreadable")
    assert "is a number, not a date" in (parsed.error or "")


# --- flags ----------------------------------------------------------------------------------------


def _cased(word: str) -> st.SearchStrategy[str]:
    """The word in any mix of upper and lower case."""
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda ups: "".join(c.upper() if u else c.lower() for c, u in zip(word, ups, strict=True))
    )


@settings(deadline=None)
@given(
    data=st.data(),
    word=st.sampled_from(["1", "y", "yes", "true", "0", "n", "no", "false"]),
    left=st.sampled_from(["", " ", "  ", "\t"]),
    right=st.sampled_from(["", " ", "  "]),
)
def test_flags_in_any_case_and_padding(
    data: st.DataObject, word: str, left: str, right: str
) -> None:
    text = left + data.draw(_cased(word)) + right
    parsed = parse_flag(text)
    assert parsed.error is None
    assert parsed.value is (word in {"1", "y", "yes", "true"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, True), (0, False), (1.0, True), (0.0, False), (True, True), (False, False)],
)
def test_numeric_and_boolean_flag_cells(raw: object, expected: bool) -> None:
    assert parse_flag(raw).value is expected


ACCEPTED_FLAGS = {"1", "y", "yes", "true", "0", "n", "no", "false", "t", "f"}


@settings(deadline=None)
@given(text=st.text(max_size=12))
@example(text="maybe")
@example(text="2")
@example(text="Yes.")
@example(text="y e s")
@example(text="1.5")
def test_anything_else_is_not_a_flag(text: str) -> None:
    # The code also accepts "t" / "f" (True/False abbreviated), so those are excluded here.
    assume(text.strip() != "" and text.strip().lower() not in ACCEPTED_FLAGS)
    # Whole numbers written as floats ("1.0", "0.00") are accepted: CSVs from pandas carry them.
    assume(not re.fullmatch(r"\s*[+]?[01]\.0+\s*", text))
    parsed = parse_flag(text)
    assert (parsed.value, parsed.rule) == (None, "flag_not_yes_no")
    assert "yes/no" in (parsed.error or "")


@pytest.mark.parametrize(("raw", "expected"), [("1.0", True), ("0.0", False), ("+1.00", True)])
def test_whole_numbers_written_as_floats_are_flags(raw: str, expected: bool) -> None:
    assert parse_flag(raw).value is expected


@pytest.mark.parametrize("raw", [2, -1, 0.5, 1.5, "2.0", "1.5"])
def test_other_numbers_are_not_flags(raw: object) -> None:
    assert parse_flag(raw).rule == "flag_not_yes_no"


@pytest.mark.parametrize("raw", [None, "", "  ", float("nan")])
def test_blank_flag_is_blank(raw: object) -> None:
    assert parse_flag(raw) == parse_flag(None)
    assert (parse_flag(raw).value, parse_flag(raw).error) == (None, None)


# --- codes ----------------------------------------------------------------------------------------

CODE_LISTS = {
    "request outcome": REQUEST_OUTCOMES,
    "assessment outcome": ASSESSMENT_OUTCOMES,
    "UPN unknown": UPN_UNKNOWN_REASONS,
    "SEN type": SEN_TYPES,
}


@settings(deadline=None)
@given(
    data=st.data(), name=st.sampled_from(sorted(CODE_LISTS)), pad=st.sampled_from(["", " ", "  "])
)
def test_codes_are_case_insensitive(data: st.DataObject, name: str, pad: str) -> None:
    allowed = CODE_LISTS[name]
    code = data.draw(st.sampled_from(sorted(allowed)))
    parsed = parse_code(pad + data.draw(_cased(code)) + pad, allowed)
    assert (parsed.value, parsed.error) == (code, None)


@settings(deadline=None)
@given(
    name=st.sampled_from(sorted(CODE_LISTS)), text=st.text(st.characters(codec="ascii"), max_size=8)
)
@example(name="request outcome", text="X")
@example(name="request outcome", text="Yes")
@example(name="request outcome", text="1")
@example(name="UPN unknown", text="UN4")
@example(name="UPN unknown", text="UN 1")
def test_unknown_code_lists_what_is_allowed(name: str, text: str) -> None:
    allowed = CODE_LISTS[name]
    # ASCII text so that "unknown" can be judged independently of Unicode case mapping.
    assume(text.isascii() and text.strip() != "" and text.strip().upper() not in allowed)
    parsed = parse_code(text, allowed)
    assert (parsed.value, parsed.rule) == (None, "code_unknown")
    for code in allowed:
        assert code in (parsed.error or "")


def test_code_message_example() -> None:
    parsed = parse_code("Q", REQUEST_OUTCOMES)
    assert parsed.error == "'Q' is not a known code (expected one of A, H, N, W, Y)"


def test_blank_code_is_blank() -> None:
    assert parse_code(" ", REQUEST_OUTCOMES) == parse_code(None, REQUEST_OUTCOMES)
    assert parse_code(None, REQUEST_OUTCOMES).error is None


# --- cell_text and normalise_header --------------------------------------------------------------


def test_cell_text_examples() -> None:
    assert cell_text(1.0) == "1"
    assert cell_text(float("nan")) is None
    assert cell_text(None) is None
    assert cell_text("  ") is None
    assert cell_text(" P1 ") == "P1"
    assert cell_text(2.5) == "2.5"
    assert cell_text(dt.datetime(2024, 1, 31)) == "2024-01-31"


@settings(deadline=None)
@given(n=st.integers(-(2**53), 2**53))
def test_whole_number_floats_read_as_integers(n: int) -> None:
    # Excel stores every number as a float: id 12345 arrives as 12345.0 and must match "12345".
    assert cell_text(float(n)) == str(n)
    assert cell_text(n) == str(n)


@settings(deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()))
def test_fractional_floats_keep_their_value(x: float) -> None:
    assert float(cell_text(x) or "nan") == x


def test_normalise_header_examples() -> None:
    a = normalise_header("Date request was received")
    assert a == normalise_header("date_request_was_received")
    assert a == normalise_header("DATE-REQUEST WAS RECEIVED")
    assert a == "daterequestwasreceived"
    assert normalise_header("ReceivedDate") == normalise_header("receiveddate")
    # En dashes and accents vanish rather than breaking the match.
    assert normalise_header("UPN – Unique Pupil Number") == "upnuniquepupilnumber"


@settings(deadline=None)
@given(
    text=st.text(st.characters(codec="ascii"), max_size=40),
    sep=st.sampled_from(["_", "-", " ", ".", "/", "  "]),
)
def test_normalise_header_ignores_case_spacing_and_punctuation(text: str, sep: str) -> None:
    key = normalise_header(text)
    assert key == normalise_header(text.upper())
    assert key == normalise_header(text.lower())
    assert key == normalise_header(f"  {text}  ")
    assert key == normalise_header(text.replace(" ", sep))
    assert normalise_header(key) == key  # idempotent
    assert all(c.isascii() and (c.isdigit() or c.islower()) for c in key)
