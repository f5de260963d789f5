"""Synthetic improvement-plan trackers for the demo: a highlight report for three monthly
reporting periods and an action log for the last two, in the shapes the loader reads (title rows,
"WSx - " prefixes, point milestones, Gantt columns, risk / issue / dependency cards).

Every name and number is made up; the same seed always writes the same files.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

PLAN_NAME = "Demo Borough SEND Improvement Programme (SYNTHETIC)"
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]

# (workstream, milestone) — invented for the demo.
MILESTONES = [
    ("WSA", "Agree a joint commissioning framework with health partners"),
    ("WSA", "Publish a refreshed short-breaks statement"),
    ("WSA", "Set up a quarterly placement sufficiency review"),
    ("WSA", "Co-produce a family feedback survey with the parent carer forum"),
    ("WSB", "Launch the ordinarily available provision guide for schools"),
    ("WSB", "Run SENCO induction sessions for new coordinators"),
    ("WSB", "Pilot early language screening in nurseries"),
    ("WSB", "Agree an inclusion funding model with the schools forum"),
    ("WSB", "Publish guidance on emotionally based school avoidance"),
    ("WSC", "Clear the backlog of annual review amendments"),
    ("WSC", "Introduce a weekly 20-week tracking meeting"),
    ("WSC", "Launch the EHC plan quality audit cycle"),
    ("WSC", "Move assessment records onto the new case system"),
    ("WSC", "Train caseworkers in outcome writing"),
    ("WSD", "Relaunch the local offer website"),
    ("WSD", "Publish a termly SEND newsletter"),
    ("WSD", "Run a local offer accessibility review with young people"),
    ("WSE", "Agree a preparing-for-adulthood protocol"),
    ("WSE", "Hold a supported-employment fair"),
    ("WSE", "Map transition pathways into adult health services"),
]
AREAS = [
    ("1", "Area 1: identifying needs early"),
    ("2", "Area 2: timeliness and quality of EHC plans"),
    ("3", "Area 3: joint commissioning"),
    ("4", "Area 4: the local offer and communication"),
]
ACTIONS = [
    ("1", "Audit the graduated approach in a sample of schools"),
    ("1", "Agree a single referral route for speech and language"),
    ("2", "Recruit additional educational psychologists"),
    ("2", "Introduce multi-agency panel decision logs"),
    ("2", "Quality assure a sample of plans every month"),
    ("3", "Publish the joint commissioning strategy"),
    ("3", "Identify budgets that could be pooled"),
    ("4", "Co-produce the local offer branding"),
    ("4", "Publish 'you said, we did' updates each term"),
]
LEADS = [
    "Head of SEND",
    "Designated clinical officer",
    "Commissioning lead",
    "Principal educational psychologist",
    "Inclusion lead",
    "Participation officer",
]
REASONS = [
    "Recruitment took longer than planned",
    "Waiting on the case system upgrade",
    "Partner capacity over the summer",
    "Consultation extended at the forum's request",
]
MITIGATIONS = [
    "Interim cover agreed; new date set with the board",
    "Weekly supplier call; manual workaround in place",
    "Extra sessions booked for the autumn term",
    "Revised plan agreed with the parent carer forum",
]


# The KPIs sheet of the action log (issue 15): (action ref or "", area number or "", measure,
# breakdown, baseline value or None = taken from the data at the baseline date, target).
KPI_LINKS = [
    ("2.1", "", "pct_within_20_weeks_excl_exceptions", "", None, 60),
    ("2.2", "", "pct_decisions_within_6_weeks", "", None, 90),
    ("", "2", "open_breached", "", None, 0),
    ("1.2", "", "pct_over_18_weeks", "Speech and language therapy", None, 25),
    ("", "1", "suspension_rate", "EHC plan", None, 8),
    ("3.1", "", "median_weeks_waiting", "Autism assessment", 40, 26),
]


@dataclass
class _Milestone:
    workstream: str
    name: str
    start: dt.date | None
    end: dt.date
    pace: float  # actual progress as a share of the time elapsed
    owner: str


def report_dates(snapshot: dt.date) -> list[dt.date]:
    """Three month-end report dates before the snapshot (e.g. 31 Aug, 30 Sep, 31 Oct 2026)."""
    first_of_month = snapshot.replace(day=1)
    dates = []
    for _ in range(3):
        last = first_of_month - dt.timedelta(days=1)
        dates.append(last)
        first_of_month = last.replace(day=1)
    return sorted(dates)


def _plan(rng: random.Random, first: dt.date) -> list[_Milestone]:
    plan = []
    for index, (workstream, name) in enumerate(MILESTONES):
        end = first + dt.timedelta(days=rng.randint(-60, 240))
        point = index % 5 == 3  # every fifth milestone is a point milestone (no start date)
        start = None if point else end - dt.timedelta(days=rng.randint(120, 420))
        pace = rng.choice([0.6, 0.75, 0.9, 1.0, 1.0, 1.05, 1.15])
        plan.append(_Milestone(workstream, name, start, end, pace, rng.choice(LEADS)))
    return plan


def _progress(m: _Milestone, when: dt.date) -> int:
    if m.start is None:
        return 100 if when > m.end and m.pace >= 0.9 else 0
    span = max((m.end - m.start).days, 1)
    elapsed = min(max((when - m.start).days / span, 0), 1.0)
    value = min(100.0, 100 * elapsed * m.pace)
    return int(5 * round(value / 5))


def _status(pct: int, m: _Milestone, when: dt.date, rng: random.Random) -> str:
    if pct >= 100:
        return "Complete"
    if m.start is not None and m.start > when:
        return "Not started"
    # Trackers lean optimistic: slow milestones are often still called "On Target".
    if m.pace < 0.8:
        return rng.choice(["At Risk", "On Target"])
    return "On Target"


def _new_workbook(sheet_title: str, banner: str, banner_cells: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose first sheet, ``sheet_title``, opens with ``banner`` merged across
    ``banner_cells`` (as LA trackers do)."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = sheet_title
    sheet.append([banner])
    sheet.merge_cells(banner_cells)
    return wb, sheet


def _write_highlight_report(
    path: Path, plan: list[_Milestone], when: dt.date, period: int, rng: random.Random
) -> None:
    wb, summary = _new_workbook(
        "Overall Summary", "Highlight Report — SYNTHETIC DEMONSTRATION DATA", "A1:D1"
    )
    summary.append(["Overall Summary"])
    summary.append(["Report Period", when])
    summary.cell(3, 2).number_format = "dd/mm/yy"
    summary.append(["Project Name", PLAN_NAME])
    summary.append(["Report Author", "Programme manager (synthetic)"])
    summary.append(["Overall Project Status", "On Target", "Previous Project Status", "On Target"])

    tasks = wb.create_sheet("Tasks & Milestones")
    tasks.append(["Tasks & Milestones", None, None, None, str(when.year), *[None] * 11])
    tasks.merge_cells("A1:D1")
    tasks.append(
        ["Task / Milestone Name", "Start Date", "End Date", "%", "Status", "Owner", *MONTHS]
    )
    for m in plan:
        pct = _progress(m, when)
        status = _status(pct, m, when, rng)
        row = [f"{m.workstream} - {m.name}", m.start, m.end, pct, status, m.owner]
        # The Gantt drawing: a diamond in the month of a point milestone.
        row += ["◆" if m.start is None and m.end.strftime("%b") == mon else None for mon in MONTHS]
        tasks.append(row)
        for column in (2, 3):
            tasks.cell(tasks.max_row, column).number_format = "dd/mm/yy"

    risks = wb.create_sheet("Risks")
    risks.append(["Risks"])
    for number in range(1, 6):
        likelihood = rng.randint(1, 5)
        impact = rng.randint(2, 5)
        for label, value in (
            ("ID", f"R{number:03d}"),
            ("Risk Description", f"Synthetic risk {number}: delivery may slip"),
            ("Impact Description", "Families wait longer for support"),
            ("Target Date for Resolution", when + dt.timedelta(days=30 * number)),
            ("Likelihood", likelihood),
            ("Impact", impact),
            ("Mitigating Action", rng.choice(MITIGATIONS)),
            ("Risk Owner", rng.choice(LEADS)),
        ):
            risks.append([label, value])
        risks.append(["Risk Status", "Open" if number != 5 or period < 3 else "Closed"])
        risks.append([])
    for title, noun, count in (("Issues", "Issue", 2), ("Dependencies", "Dependency", 2)):
        sheet = wb.create_sheet(title)
        sheet.append([title])
        for number in range(1, count + 1):
            description = "Issue Description" if noun == "Issue" else "Description of Dependency"
            sheet.append(["ID", f"{noun[0]}{number:03d}"])
            sheet.append([description, f"Synthetic {noun.lower()} {number}"])
            sheet.append(["Mitigating Action", rng.choice(MITIGATIONS)])
            sheet.append(["Impact Score", rng.randint(2, 5), f"{noun} Status", "Open"])
            sheet.append(["Target Resolution Date", when + dt.timedelta(days=45 * number)])
            sheet.append([f"{noun} Owner", rng.choice(LEADS)])
            sheet.append([])
    wb.create_sheet("Costs").append(["Spend to Date (£)", "Forecast Spend (£)"])
    wb.save(path)


@dataclass
class _Action:
    ref: str
    area: str
    action: str
    lead: str
    due: dt.date
    slow: bool
    reason: str
    mitigation: str


def _actions(rng: random.Random, first: dt.date) -> list[_Action]:
    counters: dict[str, int] = {}
    areas = dict(AREAS)
    out = []
    for area, action in ACTIONS:
        counters[area] = counters.get(area, 0) + 1
        out.append(
            _Action(
                f"{area}.{counters[area]}",
                areas[area],
                action,
                rng.choice(LEADS),
                first + dt.timedelta(days=rng.randint(-45, 150)),
                rng.random() < 0.4,
                rng.choice(REASONS),
                rng.choice(MITIGATIONS),
            )
        )
    return out


def _write_action_log(path: Path, actions: list[_Action], when: dt.date) -> None:
    wb, sheet = _new_workbook(
        "Actions",
        "Written Statement of Action — action log (SYNTHETIC DEMONSTRATION DATA)",
        "A1:I1",
    )
    sheet.append(["Report date", when])
    sheet.cell(2, 2).number_format = "dd/mm/yyyy"
    sheet.append(["Plan name", "Demo Borough Written Statement of Action (SYNTHETIC)"])
    sheet.append([])
    sheet.append(
        [
            "Action ref",
            "Area of weakness",
            "Action",
            "Lead",
            "Due date",
            "Status",
            "Reason if behind schedule",
            "Mitigation",
            "Revised date",
        ]
    )
    for a in actions:
        behind = a.slow and a.due < when
        done = not a.slow and a.due < when
        status = "Complete" if done else ("Behind schedule" if behind else "On track")
        sheet.append(
            [
                a.ref,
                a.area,
                a.action,
                a.lead,
                a.due,
                status,
                a.reason if behind else None,
                a.mitigation if behind else None,
                a.due + dt.timedelta(days=90) if behind else None,
            ]
        )
        for column in (5, 9):
            sheet.cell(sheet.max_row, column).number_format = "dd/mm/yyyy"
    _write_kpis(wb, actions, when)
    wb.save(path)


def _write_kpis(wb: Workbook, actions: list[_Action], when: dt.date) -> None:
    """The KPIs sheet: baselines a year before the first action's due date, targets a year on."""
    areas = dict(AREAS)
    baseline = min(a.due for a in actions).replace(day=1) - dt.timedelta(days=365)
    sheet = wb.create_sheet("KPIs")
    sheet.append(["Measures of impact (SYNTHETIC)"])
    sheet.append(
        [
            "Action ref",
            "Area of weakness",
            "KPI",
            "Breakdown",
            "Baseline date",
            "Baseline",
            "Target",
            "Target date",
        ]
    )
    for ref, area, kpi, breakdown, value, target in KPI_LINKS:
        sheet.append(
            [
                ref or None,
                areas[area] if area else None,
                kpi,
                breakdown or None,
                baseline,
                value,
                target,
                when.replace(day=1) + dt.timedelta(days=365),
            ]
        )
        for column in (5, 8):
            sheet.cell(sheet.max_row, column).number_format = "dd/mm/yyyy"


def generate(out: Path, *, seed: int, snapshot: dt.date) -> list[Path]:
    """Write three highlight reports and two action logs into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    dates = report_dates(snapshot)
    plan = _plan(random.Random(seed), dates[0])
    rng = random.Random(seed + 1)
    paths = []
    for period, when in enumerate(dates, start=1):
        if period == 3:
            # Two milestones slip: their end dates move two months later in the last report.
            for m in plan[9:11]:
                m.end += dt.timedelta(days=61)
        path = out / f"demo_highlight_report_{when:%Y_%m}.xlsx"
        _write_highlight_report(path, plan, when, period, rng)
        paths.append(path)
    actions = _actions(random.Random(seed + 2), dates[1])
    for when in dates[1:]:
        path = out / f"demo_action_log_{when:%Y_%m}.xlsx"
        _write_action_log(path, actions, when)
        paths.append(path)
    return paths
