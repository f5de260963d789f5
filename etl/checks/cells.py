"""Rules about single cells, found while staging casts each column (``etl.parse``): an error
rejects the row, naming the cell's file, sheet, row and column."""

from __future__ import annotations

from etl.checks import rule

rule(
    "date_unreadable",
    "error",
    "A date cell cannot be read as a date (accepted: Excel dates and serials 1950–2100, ISO, "
    "dd/mm/yyyy, Blade 2022-Sep-28, 31 Jan 2024)",
    "ReceivedDate: 'next week' is not a date this tool can read",
    "cell",
)
rule(
    "date_impossible",
    "error",
    "A date that does not exist, or a year outside 1900–2100",
    "ReceivedDate: '31/02/2024' is not a real date",
    "cell",
)
rule(
    "date_us_order",
    "error",
    "A date written month first (US order)",
    "ReceivedDate: '01/31/2024' looks like a US-style month/day date",
    "cell",
)
rule(
    "date_missing",
    "error",
    "A required date is blank",
    "ReceivedDate is blank; it is required",
    "cell",
)
rule(
    "value_missing",
    "error",
    "A required value other than a date is blank",
    "RequestOutcome is blank; it is required",
    "cell",
)
rule(
    "code_unknown",
    "error",
    "A value is not one of its field's codes (compared ignoring case)",
    "RequestOutcome: 'Q' is not a known code (expected one of A, H, N, W, Y)",
    "cell",
)
rule(
    "flag_not_yes_no",
    "error",
    "A yes/no field holds something else (accepted: 1/0, Y/N, Yes/No, True/False)",
    "Week20: 'maybe' is not a yes/no value",
    "cell",
)
rule(
    "number_unreadable",
    "error",
    "A whole number cannot be read",
    "SENtypeRank: 'first' is not a whole number",
    "cell",
)
rule(
    "value_unreadable",
    "error",
    "A value cannot be read as its field's type",
    "Column: the value cannot be read",
    "cell",
)
