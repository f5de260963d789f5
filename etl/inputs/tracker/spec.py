"""Column maps for improvement-plan trackers (DESIGN §3 "Plan trackers").

Two kinds of workbook: a highlight report ("Tasks & Milestones", "Risks", "Issues",
"Dependencies" and a summary sheet with the report date) and a WSoA / priority-action-plan
action log. Either may hold a "KPIs" sheet linking actions or areas to measures (issue 15).
Each sheet kind lists its fields and the names each may be written under; matching
ignores case, spaces and punctuation ("%" counts as "pct", so "% complete" and "Pct complete"
match). Risks, issues and dependencies may be a table (one row each) or the "card" layout of
highlight-report exports (a label in one cell, its value in the next, one block per record).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldKind = Literal["text", "date", "pct", "int"]


@dataclass(frozen=True)
class TrackerField:
    """One canonical column of a tracker sheet and the headers it may appear under."""

    name: str
    kind: FieldKind
    aliases: tuple[str, ...]
    label: str  # how messages name it when the sheet has no header for it


@dataclass(frozen=True)
class SheetKind:
    """A kind of tracker sheet: names it goes by, its fields, and what it cannot do without."""

    name: str  # "milestones", "actions", "risks", "issues", "dependencies"
    title: str
    sheet_names: tuple[str, ...]
    fields: tuple[TrackerField, ...]
    required: tuple[tuple[str, ...], ...]  # groups: at least one field of each must be present

    def field(self, name: str) -> TrackerField:
        return next(f for f in self.fields if f.name == name)

    def label(self, name: str) -> str:
        """How messages name a field when the sheet has no header for it."""
        return self.field(name).label


OWNER_ALIASES = ("Owner", "Lead", "Responsible", "Responsible officer", "Lead officer")

MILESTONES = SheetKind(
    "milestones",
    "Tasks & Milestones",
    (
        "Tasks & Milestones",
        "Tasks and Milestones",
        "Milestones",
        "Tasks",
        "Project plan",
        "Plan",
        "Timeline",
    ),
    (
        TrackerField(
            "name",
            "text",
            (
                "Task / Milestone Name",
                "Task/Milestone",
                "Milestone name",
                "Task name",
                "Milestone",
                "Task",
                "Name",
                "Activity",
                "Deliverable",
            ),
            "Task / Milestone Name",
        ),
        TrackerField("ref", "text", ("ID", "Ref", "Reference", "Milestone ID", "Task ID"), "ID"),
        TrackerField(
            "start_date",
            "date",
            ("Start Date", "Start", "Planned start", "Baseline start", "Start date (planned)"),
            "Start Date",
        ),
        TrackerField(
            "end_date",
            "date",
            (
                "End Date",
                "End",
                "Finish",
                "Finish date",
                "Planned end",
                "Due date",
                "Target date",
                "Deadline",
                "Completion date",
            ),
            "End Date",
        ),
        TrackerField(
            "pct_complete",
            "pct",
            ("%", "% complete", "Percent complete", "Percentage complete", "Progress", "Complete"),
            "% complete",
        ),
        TrackerField(
            "reported_status",
            "text",
            ("Status", "RAG", "RAG status", "Reported status", "Current status", "Reported RAG"),
            "Status",
        ),
        TrackerField("owner", "text", (*OWNER_ALIASES, "Task owner", "Milestone owner"), "Owner"),
        TrackerField(
            "workstream",
            "text",
            ("Workstream", "Work stream", "WS", "Theme", "Strand"),
            "Workstream",
        ),
    ),
    (("name",), ("end_date",), ("start_date", "pct_complete")),
)

ACTIONS = SheetKind(
    "actions",
    "Action log",
    (
        "Actions",
        "Action log",
        "Action plan",
        "Action tracker",
        "WSoA",
        "WSoA actions",
        "Priority action plan",
        "PAP",
    ),
    (
        TrackerField(
            "action_ref",
            "text",
            ("Action ref", "Action reference", "Ref", "Action no", "Action number", "No", "ID"),
            "Action ref",
        ),
        TrackerField(
            "area",
            "text",
            (
                "Area of weakness",
                "Area",
                "Weakness",
                "WSoA area",
                "Area for improvement",
                "Priority",
                "Workstream",
                "Theme",
            ),
            "Area of weakness",
        ),
        TrackerField(
            "action",
            "text",
            ("Action", "Action description", "Actions", "What we will do", "Description"),
            "Action",
        ),
        TrackerField("lead", "text", (*OWNER_ALIASES, "Action lead", "Lead person"), "Lead"),
        TrackerField(
            "due_date",
            "date",
            (
                "Due date",
                "Due",
                "Target date",
                "Deadline",
                "Completion date",
                "By when",
                "Original due date",
                "Original date",
            ),
            "Due date",
        ),
        TrackerField(
            "status",
            "text",
            ("Status", "RAG", "RAG status", "Progress status", "Current status"),
            "Status",
        ),
        TrackerField(
            "reason",
            "text",
            (
                "Reason if behind schedule",
                "Reason",
                "Reason for delay",
                "Reason behind schedule",
                "Why behind schedule",
            ),
            "Reason if behind schedule",
        ),
        TrackerField(
            "mitigation",
            "text",
            ("Mitigation", "Mitigation/remedial action", "Remedial action", "Mitigating action"),
            "Mitigation",
        ),
        TrackerField(
            "revised_date",
            "date",
            (
                "Revised date",
                "Revised due date",
                "Revised deadline",
                "Revised completion date",
                "New date",
                "New due date",
            ),
            "Revised date",
        ),
        TrackerField(
            "pct_complete", "pct", ("%", "% complete", "Percent complete", "Progress"), "% complete"
        ),
    ),
    (("action",), ("action_ref", "area"), ("due_date",)),
)

_REGISTER_COMMON = (
    TrackerField("ref", "text", ("ID", "Ref", "Reference", "No"), "ID"),
    TrackerField(
        "impact_description",
        "text",
        ("Impact Description", "Impact of risk", "Consequence", "Impact details"),
        "Impact Description",
    ),
    TrackerField(
        "target_date",
        "date",
        (
            "Target Date for Resolution",
            "Target date",
            "Target resolution date",
            "Absolute resolution date",
            "Resolution date",
            "Due date",
            "Review date",
        ),
        "Target date",
    ),
    TrackerField(
        "mitigation",
        "text",
        ("Mitigating Action", "Mitigating actions", "Mitigation", "Mitigation/remedial action"),
        "Mitigating Action",
    ),
)


def _register(name: str, title: str, noun: str, extra: tuple[TrackerField, ...]) -> SheetKind:
    cap = noun.capitalize()
    return SheetKind(
        name,
        title,
        (title, f"{cap} register", f"{cap} log", f"{title} log"),
        (
            *_REGISTER_COMMON,
            TrackerField(
                "description",
                "text",
                (
                    f"{cap} Description",
                    f"Description of {cap}",
                    "Description",
                    cap,
                    f"{cap} title",
                ),
                f"{cap} Description",
            ),
            TrackerField(
                "status", "text", (f"{cap} Status", "Status", "RAG", "RAG status"), "Status"
            ),
            TrackerField("owner", "text", (f"{cap} Owner", *OWNER_ALIASES), "Owner"),
            *extra,
        ),
        (("description",),),
    )


RISKS = _register(
    "risks",
    "Risks",
    "risk",
    (
        TrackerField("likelihood", "int", ("Likelihood", "Probability", "L"), "Likelihood"),
        TrackerField("impact", "int", ("Impact", "Severity", "I", "Impact score"), "Impact"),
        TrackerField(
            "score",
            "int",
            ("Score", "Risk score", "Rating", "Likelihood & Impact", "Likelihood x Impact", "LxI"),
            "Score",
        ),
    ),
)
# Issues and dependencies have happened already: one "impact score", no likelihood.
ISSUES = _register(
    "issues",
    "Issues",
    "issue",
    (
        TrackerField(
            "impact", "int", ("Impact Score", "Impact", "Severity", "Score"), "Impact Score"
        ),
    ),
)
DEPENDENCIES = _register(
    "dependencies",
    "Dependencies",
    "dependency",
    (
        TrackerField(
            "impact", "int", ("Impact Score", "Impact", "Severity", "Score"), "Impact Score"
        ),
    ),
)

# Issue 15: the measures each action or area of weakness is judged by (``etl.kpi_links``).
KPIS = SheetKind(
    "kpis",
    "KPIs",
    (
        "KPIs",
        "KPI",
        "KPI links",
        "Linked KPIs",
        "Key performance indicators",
        "Impact measures",
        "Measures of impact",
    ),
    (
        TrackerField(
            "action_ref",
            "text",
            ("Action ref", "Action reference", "Action no", "Action number", "Linked action"),
            "Action ref",
        ),
        TrackerField(
            "area",
            "text",
            ("Area of weakness", "Area", "Weakness", "WSoA area", "Priority", "Workstream"),
            "Area of weakness",
        ),
        TrackerField(
            "kpi",
            "text",
            ("KPI", "KPI key", "Measure", "Measure key", "Indicator", "Metric"),
            "KPI",
        ),
        TrackerField(
            "breakdown", "text", ("Breakdown", "Service", "SEN group", "Group"), "Breakdown"
        ),
        TrackerField(
            "baseline_date",
            "date",
            ("Baseline date", "Baseline as at", "Date of baseline"),
            "Baseline date",
        ),
        TrackerField(
            "baseline_value", "text", ("Baseline", "Baseline value", "Baseline figure"), "Baseline"
        ),
        TrackerField("target", "text", ("Target", "Target value", "Target figure"), "Target"),
        TrackerField(
            "target_date",
            "date",
            ("Target date", "Target by", "Target to be met by"),
            "Target date",
        ),
    ),
    (("kpi",), ("action_ref", "area"), ("baseline_date",)),
)

SHEET_KINDS: dict[str, SheetKind] = {
    k.name: k for k in (MILESTONES, ACTIONS, RISKS, ISSUES, DEPENDENCIES, KPIS)
}
REGISTERS = ("risks", "issues", "dependencies")

# Cells that name the report date (the value is in the next filled cell to the right, or below).
REPORT_DATE_LABELS = (
    "Report Period",
    "Report date",
    "Reporting date",
    "Reporting period",
    "Date of report",
    "Period ending",
    "As at",
    "As at date",
)
PLAN_NAME_LABELS = ("Project Name", "Programme name", "Plan name")
OVERALL_STATUS_LABELS = ("Overall Project Status", "Overall status", "Overall RAG")
SUMMARY_SHEET_NAMES = ("Overall Summary", "Summary", "Highlight Report", "Cover", "Report")
# Sheets of a highlight report that this tool knows and does not use (no message for them).
NOT_USED_SHEET_NAMES = ("Costs", "Cashable Benefits", "Non-Cashable Benefits", "Benefits")
# Gantt columns of a tasks sheet: month names and years, drawn from the dates instead.
GANTT_HEADERS = [
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "sept",
]
