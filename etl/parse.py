"""Pure cell parsers: one spreadsheet cell in, a typed value or a plain-English problem out.

Every parser returns a :class:`Parsed` — ``value`` is ``None`` for a blank cell, and ``error``
names what is wrong when the cell cannot be read. A bad value is never turned silently into a blank.
These functions do no IO; the readers hand them whatever the spreadsheet held (str, float, int,
bool, date or datetime).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

# Excel's day zero for serial dates (1900 system, allowing for the fictitious 29 Feb 1900).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Dates outside this window are treated as impossible for this domain (children and requests).
MIN_YEAR, MAX_YEAR = 1900, 2100
# A bare number is read as an Excel serial only inside 1950–2100: a number like 2024 or 7 in a date
# column is far more likely a typing slip than a date in 1905 (and serials before 1 March 1900 are
# off by one in Excel itself).
MIN_SERIAL = (dt.date(1950, 1, 1) - EXCEL_EPOCH).days
MAX_SERIAL = (dt.date(MAX_YEAR, 12, 31) - EXCEL_EPOCH).days

# Month names and their common short forms → month number (also read by etl.published).
MONTHS: dict[str, int] = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_BLADE = re.compile(r"^(\d{4})-([A-Za-z]{3,9})-(\d{1,2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_DMY_NAME = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})[ -](\d{4})$")
_SERIAL = re.compile(r"^\d{1,6}(?:\.0+)?$")


@dataclass(frozen=True)
class Parsed:
    """A parsed cell: ``value`` (None when blank or bad) and ``error`` (None when fine)."""

    value: Any = None
    error: str | None = None
    rule: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


BLANK = Parsed()


def cell_text(raw: Any) -> str | None:
    """Return a cell as trimmed text, or None when blank.

    Whole-number floats (Excel stores 1 as 1.0) become "1"; dates become ISO strings.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float):
        if raw != raw:  # NaN
            return None
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = str(raw).strip()
    return text or None


def _make_date(year: int, month: int, day: int, raw: str) -> Parsed:
    if not (MIN_YEAR <= year <= MAX_YEAR):
        return Parsed(
            error=f"'{raw}' has year {year}, outside {MIN_YEAR}–{MAX_YEAR}", rule="date_impossible"
        )
    try:
        return Parsed(dt.date(year, month, day))
    except ValueError:
        return Parsed(error=f"'{raw}' is not a real date", rule="date_impossible")


def parse_date(raw: Any) -> Parsed:
    """Parse a date cell as DESIGN §6 allows.

    Accepted: Excel date cells, Excel serial numbers, ISO ``2024-01-31`` (with or without a time),
    UK ``31/01/2024`` (also ``.`` or ``-`` separators), Blade ``2022-Sep-28 00:00:00`` and
    ``31 Jan 2024``. US order (``01/31/2024``) and impossible dates are errors.
    """
    if isinstance(raw, dt.datetime):
        return _make_date(raw.year, raw.month, raw.day, raw.isoformat())
    if isinstance(raw, dt.date):
        return _make_date(raw.year, raw.month, raw.day, raw.isoformat())
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if raw != raw:
            return BLANK
        return _from_serial(float(raw), cell_text(raw) or "")
    text = cell_text(raw)
    if text is None:
        return BLANK
    text = unicodedata.normalize("NFKC", text)
    if m := _ISO.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _UK.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if month > 12 and day <= 12:
            return Parsed(
                error=f"'{text}' looks like a US-style month/day date; write it as day/month/year",
                rule="date_us_order",
            )
        return _make_date(year, month, day, text)
    if m := _BLADE.match(text):
        named = MONTHS.get(m[2].lower())
        if named is None:
            return Parsed(error=f"'{text}' has an unknown month name", rule="date_unreadable")
        return _make_date(int(m[1]), named, int(m[3]), text)
    if m := _DMY_NAME.match(text):
        named = MONTHS.get(m[2].lower())
        if named is None:
            return Parsed(error=f"'{text}' has an unknown month name", rule="date_unreadable")
        return _make_date(int(m[3]), named, int(m[1]), text)
    if _SERIAL.match(text):
        return _from_serial(float(text), text)
    return Parsed(error=f"'{text}' is not a date this tool can read", rule="date_unreadable")


def _from_serial(serial: float, raw: str) -> Parsed:
    if not serial.is_integer() or not (MIN_SERIAL <= serial <= MAX_SERIAL):
        return Parsed(
            error=f"'{raw}' is a number, not a date (read as an Excel date serial it would fall "
            "outside 1950–2100)",
            rule="date_unreadable",
        )
    return Parsed(EXCEL_EPOCH + dt.timedelta(days=int(serial)))


# Whole numbers are exact in a float up to 2**53; no count or rank here comes near it.
MAX_WHOLE = 2**53

_YES = {"1", "y", "yes", "true", "t"}
_NO = {"0", "n", "no", "false", "f"}


_WHOLE = re.compile(r"^[+-]?\d+\.0+$")


def _whole_number_text(text: str) -> str:
    """'1.0' → '1': CSVs written by pandas or a database often carry whole numbers as floats."""
    return text.split(".")[0].lstrip("+") if _WHOLE.match(text) else text


def parse_flag(raw: Any) -> Parsed:
    """Parse a yes/no flag: 1/0 (also 1.0/0.0), Y/N, Yes/No, True/False (any case)."""
    text = cell_text(raw)
    if text is None:
        return BLANK
    key = _whole_number_text(text).lower()
    if key in _YES:
        return Parsed(True)
    if key in _NO:
        return Parsed(False)
    return Parsed(
        error=f"'{text}' is not a yes/no value (use 1/0, Y/N, Yes/No or True/False)",
        rule="flag_not_yes_no",
    )


def parse_code(raw: Any, allowed: dict[str, str] | frozenset[str] | set[str]) -> Parsed:
    """Parse a code against its allowed list, ignoring case and surrounding spaces."""
    text = cell_text(raw)
    if text is None:
        return BLANK
    code = _whole_number_text(text).upper()
    if code in allowed:
        return Parsed(code)
    shown = ", ".join(sorted(allowed))
    return Parsed(
        error=f"'{text}' is not a known code (expected one of {shown})", rule="code_unknown"
    )


def parse_int(raw: Any) -> Parsed:
    """Parse a whole number; '2.0' is 2, '2.5' or 'two' is an error."""
    text = cell_text(raw)
    if text is None:
        return BLANK
    try:
        number = float(text)
    except ValueError:
        return Parsed(error=f"'{text}' is not a whole number", rule="number_unreadable")
    if not number.is_integer():
        return Parsed(error=f"'{text}' is not a whole number", rule="number_unreadable")
    if abs(number) > MAX_WHOLE:
        # Stored as a 64-bit integer; beyond 2**53 a float is not even exact.
        return Parsed(
            error=f"'{text}' is too large a number (at most {MAX_WHOLE:,})",
            rule="number_unreadable",
        )
    return Parsed(int(number))


def parse_text(raw: Any) -> Parsed:
    """Trimmed text; blank stays blank."""
    return Parsed(cell_text(raw))


_HEADER_JUNK = re.compile(r"[^0-9a-z]+")


def normalise_header(raw: Any) -> str:
    """Header key used for matching: lower case with spaces, punctuation and underscores removed.

    "Date request was received" → "daterequestwasreceived"; "Received_Date" → "receiveddate".
    """
    text = cell_text(raw) or ""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _HEADER_JUNK.sub("", text.lower())
