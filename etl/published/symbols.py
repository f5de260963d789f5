"""Published cells: numbers stored as text, and the GSS symbols used instead of a number.

EES and MoJ tables print ``" 47.665"``, ``"1,071"``, ``"0.70%"`` and, where there is no figure,
a symbol saying why: ``x`` (not available), ``z`` (not applicable), ``c`` / ``low`` / ``~``
(suppressed), ``..`` and blanks. The symbol is kept as the value's status — never turned into 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Symbols EES and MoJ tables use instead of a number (GSS guidance on symbols in tables).
SYMBOLS = {
    "x": "not available",
    "z": "not applicable",
    "c": "suppressed",
    "low": "suppressed (low)",
    "~": "suppressed",
    "..": "not available",
    ":": "not available",
    "u": "low reliability",
}


@dataclass(frozen=True)
class Num:
    """A published cell: a number, or a status saying why there is none."""

    value: Decimal | None
    status: str | None = None  # "x", "z", "c", "low", "blank", "invalid", "no plans"


def parse_number(raw: str | None) -> Num:
    """Parse a published cell: ``" 47.665"``, ``"1,071"``, ``"0.70%"``, ``"x"``, ``""``."""
    text = (raw or "").strip()
    if not text:
        return Num(None, "blank")
    lowered = text.lower()
    if lowered in SYMBOLS:
        return Num(None, lowered)
    cleaned = text.replace(",", "").replace("%", "").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return Num(None, "invalid")
    if not number.is_finite():
        return Num(None, "invalid")
    return Num(number)


def as_float(value: Decimal | None) -> float | None:
    """A parsed number as stored in the warehouse (None stays None)."""
    return None if value is None else float(value)


def round_half_away(value: Decimal | float | None, decimals: int) -> float | None:
    """Round half away from zero (DESIGN §4) — Python's round() rounds half to even."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    step = Decimal(1).scaleb(-decimals)
    return float(number.quantize(step, rounding=ROUND_HALF_UP))
