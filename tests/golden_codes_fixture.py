"""A second hand-made SEN2 fixture (issue 10): the code-list fixes, Exported, pending requests and
annual reviews, written as a full module workbook (all nine modules) and as a Blade CSV set.

Twelve children, one request each, as at the 2025 census day, **16 January 2025** (the
reference date). The expected figures are worked out by hand in the comments below and asserted
in ``tests/test_golden_codes.py``.

Requests (open as at a date: DESIGN §4, and issue 10 for blank outcomes and Exported):

- Q1  (C1, UPNunknown UN4): received 2024-06-03, RequestOutcome **blank** → loaded as A (pending)
  with the query ``outcome_blank_pending``. Open on 2025-01-16: 27 (3→30 Jun) + 31 + 31 + 30 + 31
  + 30 + 31 + 16 = 227 days → breached.
- Q2  (C2, UN6): received 2024-10-01, agreed 2024-11-05, assessment A, **Exported 202** (the LA
  the child moved to; no date) → open at no date.
- Q3  (C3, UN7): received 2024-05-01, agreed 2024-06-10, assessment A, **Exported 2024-12-02** (a
  date) → open up to 1 Dec 2024, closed from 2 Dec. On 2024-11-29: 30 (1→31 May) + 30 + 31 + 31 +
  30 + 31 + 29 = 212 days → breached.
- Q4  (C4): received 2024-11-04, RequestOutcome A. On 2025-01-16: 26 + 31 + 16 = 73 days → on
  track. On 2024-11-29: 25 days.
- Q5-Q7, Q9-Q12: historical (H / H) plans; Q8 a plan issued 2024-06-20: none of them open.

So open on 2025-01-16: Q1 (breached), Q4 (on track) → 2 open, 1 breached, 0 at risk.
Open on 2024-11-29: Q1 (179 days: 27 + 31 + 31 + 30 + 31 + 29, breached), Q3 (212, breached),
Q4 (25) → 3 open, 2 breached.

Annual reviews as at 2025-01-16 (definitions: etl/catalogue.py). Plan start = Named plan
StartDate. Due ⇔ start + 12 months ≤ as-at date. Overdue ⇔ due and (last review, else start) +
12 months < as-at date. A decision counts when meeting and decision are both on or before the
date, the decision not before the meeting; within 4 weeks ⇔ at most 28 days.

- Q5  start 2020-03-01; meeting 2024-03-10, decision 2024-03-25 (21 + 4 → 15 days ✓); due; next
  review by 2025-03-10 → not overdue. PlanWBP "X" is not a DfE code → query, plan still loaded.
- Q6  start 2021-09-01; meeting 2023-11-20, decision 2023-12-29 (10 + 29 = 39 days ✗); due;
  deadline 2024-11-20 < 2025-01-16 → overdue (by under 3 months: 2024-11-20 + 3 months =
  2025-02-20 ≥ 2025-01-16). Plan detail URN "12345" is not 6 digits → query.
- Q7  start 2022-05-01, no review recorded; due; deadline 2023-05-01 → overdue, "No review
  recorded". Its Named plan has **DP = E** (direct payments, education only): before issue 10
  this rejected the plan and orphaned its Plan Detail row.
- Q8  issued 2024-06-20 (received 2024-02-01, agreed 2024-03-01), start 2024-06-20: first review
  due by 2025-06-20 → not yet due.
- Q9  start 2023-01-16 (12 months exactly before the as-at date → due); meeting 2024-01-10,
  decision 2024-02-07 (21 + 7 = 28 days ✓, the boundary); deadline 2025-01-10 < 2025-01-16 →
  overdue by 6 days, "up to 3 months".
- Q10 start 2019-01-01, **ceased 2024-08-31** (reason 2) → not active on 2025-01-16: left out.
- Q11 start 2020-09-01; meeting 2024-12-20, no decision yet (outstanding) → due, not overdue, no
  decision counted.
- Q12 start 2018-04-01; meeting 2023-06-15, decision "2023-06-01" (before the meeting → not a
  decision counted; query ``review_decision_before_meeting``); deadline 2024-06-15 + 6 months =
  2024-12-15 < 2025-01-16 → overdue more than 6 months.

Active on 2025-01-16: Q5, Q6, Q7, Q8, Q9, Q11, Q12 → 7. Due: all but Q8 → 6. Overdue: Q6, Q7, Q9,
Q12 → 4; 4 / 6 = 66.67 → 66.7%. Decisions: Q5, Q6, Q9 → 3; within 4 weeks Q5, Q9 → 2; 2 / 3 =
66.67 → 66.7%. By status: no review recorded 1 (Q7), overdue > 6 months 1 (Q12), 3-6 months 0, up
to 3 months 2 (Q6, Q9), reviewed in the last 12 months 2 (Q5, Q11), not yet due 1 (Q8).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

D = dt.date
AS_OF = D(2025, 1, 16)

# person id → (UPN, UPNunknown, birth date)
PEOPLE: dict[str, tuple[str | None, str | None, dt.date]] = {
    f"C{i}": (f"Z{i + 100:012d}", None, D(2010, 1, 1) + dt.timedelta(days=150 * i))
    for i in range(1, 13)
}
PEOPLE["C1"] = (None, "UN4", D(2019, 5, 1))
PEOPLE["C2"] = (None, "UN6", D(2012, 2, 1))
PEOPLE["C3"] = (None, "UN7", D(2013, 3, 1))

# request id, person id, received, outcome (None = blank), outcome date, exported
REQUESTS: list[tuple[str, str, dt.date, str | None, dt.date | None, str | None]] = [
    ("Q1", "C1", D(2024, 6, 3), None, None, None),
    ("Q2", "C2", D(2024, 10, 1), "Y", D(2024, 11, 5), "202"),
    ("Q3", "C3", D(2024, 5, 1), "Y", D(2024, 6, 10), "2024-12-02"),
    ("Q4", "C4", D(2024, 11, 4), "A", None, None),
    ("Q5", "C5", D(2019, 10, 1), "H", None, None),
    ("Q6", "C6", D(2021, 3, 1), "H", None, None),
    ("Q7", "C7", D(2021, 12, 1), "H", None, None),
    ("Q8", "C8", D(2024, 2, 1), "Y", D(2024, 3, 1), None),
    ("Q9", "C9", D(2022, 9, 1), "H", None, None),
    ("Q10", "C10", D(2018, 7, 1), "H", None, None),
    ("Q11", "C11", D(2020, 4, 1), "H", None, None),
    ("Q12", "C12", D(2017, 10, 1), "H", None, None),
]

# request id → (assessment outcome, outcome date, week20)
ASSESSMENTS: dict[str, tuple[str, dt.date | None, int | None]] = {
    "Q2": ("A", None, None),
    "Q3": ("A", None, None),
    "Q8": ("Y", D(2024, 6, 20), 0),
    **{q: ("H", None, None) for q in ("Q5", "Q6", "Q7", "Q9", "Q10", "Q11", "Q12")},
}

# request id → named plan: start, cease date, cease reason, PlanWBP, DP
PLANS: dict[str, tuple[dt.date, dt.date | None, str | None, str | None, str | None]] = {
    "Q5": (D(2020, 3, 1), None, None, "X", None),
    "Q6": (D(2021, 9, 1), None, None, None, None),
    "Q7": (D(2022, 5, 1), None, None, None, "E"),
    "Q8": (D(2024, 6, 20), None, None, None, None),
    "Q9": (D(2023, 1, 16), None, None, None, None),
    "Q10": (D(2019, 1, 1), D(2024, 8, 31), "2", None, None),
    "Q11": (D(2020, 9, 1), None, None, None, None),
    "Q12": (D(2018, 4, 1), None, None, None, None),
}

# request id → active plan: review meeting, review outcome, review decision date (LastReview)
ACTIVE: dict[str, tuple[dt.date | None, str | None, dt.date | None]] = {
    "Q5": (D(2024, 3, 10), "M", D(2024, 3, 25)),
    "Q6": (D(2023, 11, 20), "A", D(2023, 12, 29)),
    "Q7": (None, None, None),
    "Q8": (None, None, None),
    "Q9": (D(2024, 1, 10), "M", D(2024, 2, 7)),
    "Q10": (D(2023, 6, 1), "C", D(2023, 6, 20)),
    "Q11": (D(2024, 12, 20), None, None),
    "Q12": (D(2023, 6, 15), "M", D(2023, 6, 1)),
}
# 2025 items: request source (1-5) and phase-transfer review dates (due, final).
SOURCES = {"Q1": 1, "Q4": 2, "Q8": 3}
PHASE: dict[str, tuple[dt.date | None, dt.date | None]] = {
    "Q8": (D(2025, 2, 15), None),
    "Q9": (D(2024, 2, 15), D(2024, 3, 1)),
}
NEEDS = {"Q5": "ASD", "Q6": "SEMH", "Q7": "SLCN", "Q8": "ASD", "Q9": "MLD"}


Tables = dict[str, tuple[list[str], list[list[Any]]]]


def tables() -> Tables:
    """Each module: header (XML element names) and rows, dates as ``datetime.date``."""
    urn = {"Q6": "12345"}
    return {
        "SEN2": (
            ["sen2tableid", "LEA", "ReferenceDate", "Year", "DMO", "DCO", "DSCO"],
            [["S1", "202", AS_OF, 2025, "Y", "R", "N"]],
        ),
        "Person": (
            ["persontableid", "sen2tableid", "UPN", "UPNunknown", "PersonBirthDate", "Sex"],
            [[p, "S1", upn, why, dob, "F"] for p, (upn, why, dob) in PEOPLE.items()],
        ),
        "Requests": (
            [
                "requeststableid",
                "persontableid",
                "ReceivedDate",
                "RequestOutcome",
                "RequestOutcomeDate",
                "Exported",
                "RequestSource",
            ],
            [[*r, SOURCES.get(r[0])] for r in REQUESTS],
        ),
        "Assessments": (
            [
                "assessmenttableid",
                "requeststableid",
                "AssessmentOutcome",
                "AssessmentOutcomeDate",
                "Week20",
            ],
            [[f"A{q}", q, o, d, w] for q, (o, d, w) in ASSESSMENTS.items()],
        ),
        "Named Plan": (
            [
                "namedplantableid",
                "assessmenttableid",
                "StartDate",
                "PlanWBP",
                "DP",
                "CeaseDate",
                "CeaseReason",
            ],
            [[f"NP{q}", f"A{q}", s, wbp, dp, c, why] for q, (s, c, why, wbp, dp) in PLANS.items()],
        ),
        "Plan Detail": (
            ["plandetailtableid", "namedplantableid", "URN", "PlacementRank"],
            [[f"PD{q}", f"NP{q}", urn.get(q, "100001"), 1] for q in PLANS],
        ),
        "Active Plan": (
            [
                "activeplanstableid",
                "requeststableid",
                "ReviewMeeting",
                "ReviewOutcome",
                "LastReview",
                "PhaseTransferDueDate",
                "PhaseTransferFinalDate",
            ],
            [
                [f"AP{q}", q, m, o, d, *PHASE.get(q, (None, None))]
                for q, (m, o, d) in ACTIVE.items()
            ],
        ),
        "Placement Detail": (
            ["placementdetailtableid", "activeplanstableid", "URN", "PlacementRank", "EntryDate"],
            [[f"PL{q}", f"AP{q}", "100001", 1, PLANS[q][0]] for q in ACTIVE],
        ),
        "SEN Need": (
            ["senneedtableid", "activeplanstableid", "SENtype", "SENtypeRank"],
            [[f"N{q}", f"AP{q}", NEEDS.get(q, "PD"), 1] for q in ACTIVE],
        ),
    }


def write_workbook(path: Path, sheets: Tables | None = None) -> Path:
    """The DfE module-workbook shape: one sheet per module, header on row 1 (so a sheet's first
    record is Excel row 2). ``sheets`` defaults to :func:`tables`."""
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for sheet, (header, rows) in (sheets or tables()).items():
        ws = wb.create_sheet(sheet)
        ws.append(header)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


BLADE_FILES = {
    "SEN2": "sen2",
    "Person": "person",
    "Requests": "requests",
    "Assessments": "assessment",
    "Named Plan": "namedplan",
    "Plan Detail": "plandetail",
    "Active Plan": "activeplans",
    "Placement Detail": "placementdetail",
    "SEN Need": "senneed",
}


def _blade_cell(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.strftime("%Y-%b-%d 00:00:00")
    return "" if value is None else value


def write_blade(folder: Path) -> Path:
    """The COLLECT Blade CSV shape: one file per module, lower-case headers, Blade dates."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, (header, rows) in tables().items():
        with (folder / f"Blade-Export_16-01-2025_{BLADE_FILES[sheet]}.csv").open(
            "w", newline=""
        ) as handle:
            out = csv.writer(handle)
            out.writerow([h.lower() for h in header])
            out.writerows([[_blade_cell(v) for v in row] for row in rows])
    return folder
