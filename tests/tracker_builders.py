"""Tracker workbooks for tests, written with openpyxl in the shape of a real highlight report:
a merged title above everything, an "Overall Summary" sheet with a "Report Period" cell, a
"Tasks & Milestones" sheet with a title row and Gantt month columns above/beside the header,
"WSx - " workstream prefixes, point milestones with no start date, and risks, issues and
dependencies written as cards (label in one cell, value in the next). All names are made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

Row = Sequence[Any]
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def d(text: str) -> dt.date:
    """'31/03/2026' → date (fixtures read like the spreadsheets)."""
    day, month, year = (int(x) for x in text.split("/"))
    return dt.date(year, month, day)


def write_highlight_report(
    path: Path,
    milestones: Sequence[Row],
    *,
    report_period: Any,
    project: str | None = "Inclusion Programme",
    risks: Sequence[dict[str, Any]] = (),
    issues: Sequence[dict[str, Any]] = (),
    dependencies: Sequence[dict[str, Any]] = (),
    header: Row = ("Task / Milestone Name", "Start Date", "End Date", "%"),
    pct_format: str | None = None,
) -> Path:
    """A highlight-report workbook. ``milestones`` rows follow ``header`` (cells as written)."""
    wb = openpyxl.Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Overall Summary"
    summary["A1"] = "Highlight Report"
    summary.merge_cells("A1:D1")
    summary.append(["Overall Summary"])
    if report_period is not None:
        summary.append(["Report Period", report_period])
    if project:
        summary.append(["Project Name", project])
    summary.append(["Overall Project Status", "On Target", "Previous Project Status", "On Target"])

    tasks = wb.create_sheet("Tasks & Milestones")
    tasks.append(["Tasks & Milestones", None, None, None, "2025", *[None] * 8, "2026"])
    tasks.merge_cells("A1:D1")
    tasks.append([*header, *MONTHS])
    for row in milestones:
        cells = list(row)
        tasks.append(cells)
        if pct_format and len(cells) > 3:
            tasks.cell(tasks.max_row, 4).number_format = pct_format

    for title, cards in (("Risks", risks), ("Issues", issues), ("Dependencies", dependencies)):
        sheet = wb.create_sheet(title)
        sheet.append([title])
        for card in cards:
            for label, value in card.items():
                if isinstance(value, tuple):  # "Likelihood & Impact | 2 | Risk Status | Open"
                    sheet.append([label, value[0], value[1], value[2]])
                else:
                    sheet.append([label, value])
            sheet.append([])
    wb.create_sheet("Costs").append(["Spend to Date (£)", "Forecast Spend (£)"])
    wb.save(path)
    return path


ACTION_HEADER = (
    "Action ref",
    "Area of weakness",
    "Action",
    "Lead",
    "Due date",
    "Status",
    "Reason if behind schedule",
    "Mitigation",
    "Revised date",
)


def write_action_log(
    path: Path, actions: Sequence[Row], *, report_date: Any, title: str = "WSoA action log"
) -> Path:
    """An action log: a title, a "Report date" line, a blank row, then the table."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Actions"
    sheet.append([title])
    sheet.merge_cells("A1:I1")
    sheet.append(["Report date", report_date])
    sheet.append([])
    sheet.append(list(ACTION_HEADER))
    for row in actions:
        sheet.append(list(row))
    wb.save(path)
    return path


# ---------------------------------------------------------------- the golden highlight report
#
# Period 1, report date D = 31/03/2026. RAG by DESIGN §5, worked by hand (excel rows: the header
# is row 2 of "Tasks & Milestones", so the first milestone is row 3):
#
# row name (prefix → workstream)                    S          E          P    → RAG
#  3  WSA - Publish the short-breaks offer           01/01/2026 30/06/2026 100  → Complete (rule 1)
#  4  WSA - Map provision gaps with families         01/04/2026 30/09/2026 0    → Not started
#                                                   (S after D, P = 0: rule 2)
#  5  WSB - Refresh the graduated approach toolkit   01/09/2025 28/02/2026 80   → Red (E before D)
#  6  WSB - Launch the SENCO network (point)         —          14/04/2026 50   → Amber
#                                                   (E − D = 14 days exactly: within 14)
#  7  WSC - Agree the health advice template (point) —         15/04/2026 0    → Green (15 days)
#  8  WSC - Recruit a quality assurance officer      01/01/2026 31/05/2026 50   → Green
#                                                   X = 100 × 89 / 150 = 59.33; gap 9.33 ≤ 10
#  9  WSD - Co-produce the annual review pathway     01/01/2026 11/04/2026 79   → Green
#                                                   X = 100 × 89 / 100 = 89; gap 10 exactly
# 10  WSD - Audit EHC plan quality                   01/01/2026 11/04/2026 64   → Amber
#                                                   gap 89 − 64 = 25 exactly
# 11  WSE - Launch the preparing-for-adulthood protocol 01/01/2026 11/04/2026 63 → Red
#                                                   gap 26; reported "On Target" → disagreement
# 12  Start a family newsletter (no prefix)          31/03/2026 30/09/2026 "0%" → Green
#                                                   S == D: X = 0, gap 0 (rule 2 needs S after D)
# 13  WSE - Hold a careers fair                       02/04/2026 30/06/2026 10  → Green
#                                                   S after D but P > 0: X clamped to 0, gap −10
# Rejected (errors): row 14 no end date; row 15 % = 120; row 16 end before start;
# row 17 repeats row 8's name (duplicate in the period); row 18 start 31/02/2026 (no such date).
# Counts: Complete 1, Not started 1, Green 5 (rows 7, 8, 9, 12, 13), Amber 2 (6, 10), Red 2 (5, 11).

D1 = d("31/03/2026")
D2 = d("30/04/2026")
HEADER_WITH_STATUS = ("Task / Milestone Name", "Start Date", "End Date", "%", "Status")
PERIOD_1 = [
    ("WSA - Publish the short-breaks offer", d("01/01/2026"), d("30/06/2026"), 100, "Complete"),
    ("WSA - Map provision gaps with families", d("01/04/2026"), d("30/09/2026"), 0, None),
    ("WSB - Refresh the graduated approach toolkit", d("01/09/2025"), d("28/02/2026"), 80, None),
    ("WSB - Launch the SENCO network", None, d("14/04/2026"), 50, None),
    ("WSC - Agree the health advice template", None, d("15/04/2026"), 0, None),
    ("WSC - Recruit a quality assurance officer", d("01/01/2026"), d("31/05/2026"), 50, None),
    ("WSD - Co-produce the annual review pathway", d("01/01/2026"), d("11/04/2026"), 79, None),
    ("WSD - Audit EHC plan quality", d("01/01/2026"), d("11/04/2026"), 64, None),
    (
        "WSE - Launch the preparing-for-adulthood protocol",
        d("01/01/2026"),
        d("11/04/2026"),
        63,
        "On Target",
    ),
    ("Start a family newsletter", d("31/03/2026"), d("30/09/2026"), "0%", None),
    ("WSE - Hold a careers fair", d("02/04/2026"), d("30/06/2026"), 10, None),
    ("WSB - Train school governors", d("01/01/2026"), None, 20, None),
    ("WSC - Publish the sufficiency plan", d("01/01/2026"), d("30/06/2026"), 120, None),
    ("WSA - Review the commissioning plan", d("01/03/2026"), d("01/02/2026"), 10, None),
    ("WSC - Recruit a quality assurance officer", d("01/01/2026"), d("31/05/2026"), 55, None),
    ("WSD - Run a practice week", "31/02/2026", d("30/06/2026"), 10, None),
]

# Period 2, report date D = 30/04/2026 (changes worked by hand):
#  - Launch the SENCO network: 100% → Complete            (newly complete; was Amber)
#  - Agree the health advice template: E 15/04 passed, 0% → Red   (newly red; was Green)
#  - Recruit a QA officer: end 31/05 → 30/06/2026 (+30 days), still 50%:
#        X = 100 × 119 / 180 = 66.1, gap 16.1 → Amber       (slipped; RAG changed Green → Amber)
#  - Launch the PfA protocol: status "On Target" → "At Risk"; 11/04 passed at 63% → Red (was Red)
#  - Hold a careers fair: S 02/04, E 30/06 (89 days): X = 100 × 28 / 89 = 31.5, P 10,
#        gap 21.5 → Amber                                      (RAG changed Green → Amber)
#  - Map provision gaps: S 01/04, E 30/09 (182 days): X = 100 × 29 / 182 = 15.9, P 0,
#        gap 15.9 → Amber                                      (RAG changed Not started → Amber)
#  - Co-produce the pathway and Audit EHC plan quality: 100% → Complete (newly complete)
#  - Start a family newsletter: not in this report           (no longer reported)
#  - every other row as in period 1.
PERIOD_2 = [
    ("WSA - Publish the short-breaks offer", d("01/01/2026"), d("30/06/2026"), 100, "Complete"),
    ("WSA - Map provision gaps with families", d("01/04/2026"), d("30/09/2026"), 0, None),
    ("WSB - Refresh the graduated approach toolkit", d("01/09/2025"), d("28/02/2026"), 80, None),
    ("WSB - Launch the SENCO network", None, d("14/04/2026"), 100, None),
    ("WSC - Agree the health advice template", None, d("15/04/2026"), 0, None),
    ("WSC - Recruit a quality assurance officer", d("01/01/2026"), d("30/06/2026"), 50, None),
    ("WSD - Co-produce the annual review pathway", d("01/01/2026"), d("11/04/2026"), 100, None),
    ("WSD - Audit EHC plan quality", d("01/01/2026"), d("11/04/2026"), 100, None),
    (
        "WSE - Launch the preparing-for-adulthood protocol",
        d("01/01/2026"),
        d("11/04/2026"),
        63,
        "At Risk",
    ),
    ("WSE - Hold a careers fair", d("02/04/2026"), d("30/06/2026"), 10, None),
]

RISKS = [
    {
        "ID": "R-01",
        "Risk Description": "Families may not hear about the new offer in time",
        "Impact Description": "Low take-up and loss of trust",
        "Target Date for Resolution": d("30/06/2026"),
        "Likelihood & Impact": (None, "Risk Status", "Open"),
        "Likelihood": 3,
        "Impact": 4,
        "Mitigating Action": "Newsletter and school briefings",
        "Risk Owner": "Programme lead",
    },
    {
        "ID": "R-02",
        "Risk Description": "Recruitment to the QA post may slip",
        "Impact Description": "Audit programme delayed",
        "Target Date for Resolution": d("31/05/2026"),
        "Likelihood & Impact": (6, "Risk Status", "Open"),
        "Mitigating Action": "Interim cover from the strategy team",
        "Risk Owner": "Head of service",
    },
]
ISSUES = [
    {
        "ID": "I-01",
        "Issue Description": "Case system upgrade is late",
        "Mitigating Action": "Weekly call with the supplier",
        "Impact Description": "Assessment pathway changes wait for the upgrade",
        "Impact Score": (4, "Issue Status", "Open"),
        "Absolute Resolution Date": d("30/06/2026"),
        "Issue Owner": "Systems lead",
    }
]
DEPENDENCIES = [
    {
        "ID": "D-01",
        "Description of Dependency": "Regional data-sharing agreement",
        "Mitigating Action": "Escalated to the partnership board",
        "Impact Score": (3, "Dependency Status", "Escalated"),
        "Target Resolution Date": d("31/07/2026"),
        "Dependency Owner": "Data lead",
    }
]


def golden_period_1(path: Path) -> Path:
    """Period 1 of the golden highlight report (report period written "31/03/26", as exports do)."""
    return write_highlight_report(
        path,
        PERIOD_1,
        report_period="31/03/26",
        header=HEADER_WITH_STATUS,
        risks=RISKS,
        issues=ISSUES,
        dependencies=DEPENDENCIES,
    )


def golden_period_2(path: Path) -> Path:
    """Period 2: a real date cell as the report period."""
    return write_highlight_report(
        path,
        PERIOD_2,
        report_period=D2,
        header=HEADER_WITH_STATUS,
        risks=RISKS[:1],
        issues=ISSUES,
        dependencies=DEPENDENCIES,
    )


# An action log as at 31/03/2026 (D):
#  2.1 due 28/02/2026, 40%, reason + mitigation + revised 30/06/2026 → Red (overdue), behind
#  2.2 due 10/04/2026 (10 days after D), "In progress"            → Amber (point, within 14)
#  3.1 due 30/06/2026, status "Complete"                           → Complete
#  3.2 due 30/09/2026, "On track"                                  → Green
ACTIONS = [
    (
        "2.1",
        "Area 2: accuracy and timeliness of EHC plans",
        "Review the statutory assessment pathway",
        "Head of SEND",
        d("28/02/2026"),
        "Behind schedule",
        "The case system change took the team's time",
        "Supplier days bought; pathway goes live in June",
        d("30/06/2026"),
    ),
    (
        "2.2",
        "Area 2: accuracy and timeliness of EHC plans",
        "Co-produce a new plan template",
        "Practice lead",
        d("10/04/2026"),
        "In progress",
        None,
        None,
        None,
    ),
    (
        "3.1",
        "Area 3: joint commissioning",
        "Publish the joint commissioning strategy",
        "Commissioning lead",
        d("30/06/2026"),
        "Complete",
        None,
        None,
        None,
    ),
    (
        "3.2",
        "Area 3: joint commissioning",
        "Map budgets that could be pooled",
        "Finance partner",
        d("30/09/2026"),
        "On track",
        None,
        None,
        None,
    ),
]


KPI_HEADER = (
    "Action ref",
    "Area of weakness",
    "KPI",
    "Breakdown",
    "Baseline date",
    "Baseline",
    "Target",
    "Target date",
)


def add_kpis_sheet(
    path: Path, rows: Sequence[Row], *, header: Row = KPI_HEADER, title: str | None = "KPIs"
) -> Path:
    """Add a "KPIs" sheet (issue 15) to a tracker workbook: an optional title row, the header,
    then ``rows`` (cells as written). The header is on row 2 with a title, else row 1."""
    wb = openpyxl.load_workbook(path)
    sheet = wb.create_sheet("KPIs")
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    wb.save(path)
    return path
