"""Improvement-plan tracker rules. The row checks run while a workbook is staged
(``stage.py``: one reporting period at a time); this module declares their codes."""

from __future__ import annotations

from etl.checks import rule

rule(
    "pct_unreadable",
    "error",
    "% complete cannot be read (write 50, 50% or 0.5)",
    "% complete: 'half' is not a percentage (write 50, 50% or 0.5)",
    "tracker",
)
rule(
    "pct_out_of_range",
    "error",
    "% complete is outside 0–100%",
    "% complete: '150' is outside 0–100%",
    "tracker",
)
rule(
    "pct_missing",
    "query",
    "% complete is blank; the milestone is rated as 0% complete",
    "% complete is blank; taken as 0% when rating",
    "tracker",
)
rule(
    "end_before_start",
    "error",
    "A milestone ends before it starts",
    "End date 01/03/2024 is before the start date 01/04/2024",
    "tracker",
)
rule(
    "duplicate_name",
    "error",
    "The same milestone, action ref or risk ID twice in one reporting period; the first is loaded",
    "Duplicate action ref in this reporting period: the same one is already on row 5",
    "tracker",
)
rule(
    "score_out_of_range",
    "error",
    "A risk likelihood or impact outside 1–5 (or a score outside 1–25)",
    "Likelihood '7' is outside the 1–5 scale (or 1–25 for a score)",
    "tracker",
)
rule(
    "report_date_differs",
    "query",
    "The workbook's report date differs from --as-of; the workbook's date is used",
    "The workbook's report date 18/11/2022 differs from --as-of 30/11/2022",
    "tracker",
)
rule(
    "report_date_missing",
    "error",
    "A tracker workbook has no report date and none was given with --as-of (file level)",
    "highlight.xlsx: no report date found. Add a 'Report date' cell or load it with --as-of",
    "tracker",
)
