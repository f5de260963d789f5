"""Column maps and code lists for exclusion records (issue 13), as data.

Two sheets, in one workbook or in two files: **events** (one row per suspension or permanent
exclusion) and **headcounts** (pupils on roll by academic year or term, school or LA total, and
SEN provision). Matching ignores case, spaces and punctuation (``etl.headers``); more spellings
go under ``[aliases.exclusions.events]`` / ``[aliases.exclusions.headcounts]`` in the settings.

SEN provision uses the school census codes (DfE Common Basic Data Set: ``E`` EHC plan, ``K`` SEN
support, ``N`` no SEN) with the word forms schools' MIS exports write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from etl.headers import header_key


def academic_year(day: dt.date) -> int:
    """The year an academic year starts (1 September – 31 August): 2023 for 2023/24."""
    return day.year if day.month >= 9 else day.year - 1


def year_label(start: int) -> str:
    """2023 → "2023/24"."""
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class Column:
    """One canonical column and the headers it may appear under."""

    name: str
    aliases: tuple[str, ...]
    label: str  # how messages name it when the sheet has no header for it


@dataclass(frozen=True)
class Sheet:
    """A sheet of exclusion records: its names, fields and required field groups."""

    name: str
    title: str
    sheet_names: tuple[str, ...]
    fields: tuple[Column, ...]
    required: tuple[tuple[str, ...], ...]  # at least one field of each group must be present

    def label(self, name: str) -> str:
        return next(f.label for f in self.fields if f.name == name)


_URN = Column(
    "school_urn", ("URN", "School URN", "Establishment URN", "Unique reference number"), "URN"
)
_SCHOOL = Column(
    "school_name",
    ("School", "School name", "Establishment", "Establishment name", "Setting"),
    "School",
)
_SEN = Column(
    "sen_provision",
    (
        "SEN provision",
        "SEN status",
        "SEN",
        "SEN stage",
        "SEN provision at the time",
        "SEN provision at time of exclusion",
        "SENprovision",
        "SEN code",
    ),
    "SEN provision",
)
_PHASE = Column("phase", ("Phase", "School phase", "Education phase", "School type"), "Phase")

EVENTS = Sheet(
    "events",
    "Exclusion events",
    (
        "Exclusions",
        "Exclusion events",
        "Suspensions",
        "Suspensions and exclusions",
        "Suspensions and permanent exclusions",
        "Events",
    ),
    (
        Column(
            "pupil_ref",
            (
                "UPN",
                "Unique Pupil Number",
                "Pupil reference",
                "Pupil ref",
                "Pupil ID",
                "Local pupil ID",
                "Student ID",
                "Pupil",
            ),
            "UPN / pupil reference",
        ),
        _URN,
        _SCHOOL,
        Column(
            "start_date",
            (
                "Start date",
                "Exclusion start date",
                "Suspension start date",
                "Date of exclusion",
                "Exclusion date",
                "Date excluded",
            ),
            "Start date",
        ),
        Column(
            "category",
            (
                "Category",
                "Exclusion category",
                "Exclusion type",
                "Type of exclusion",
                "Suspension or permanent",
            ),
            "Category",
        ),
        Column(
            "sessions",
            (
                "Sessions",
                "Number of sessions",
                "Sessions lost",
                "Length (sessions)",
                "Sessions missed",
            ),
            "Sessions",
        ),
        Column(
            "days",
            ("Days", "Number of days", "Length (days)", "Duration (days)", "School days", "Length"),
            "Days",
        ),
        Column(
            "reason",
            ("Reason", "Exclusion reason", "Reason for exclusion", "Reason for suspension"),
            "Reason",
        ),
        _SEN,
        _PHASE,
    ),
    (("pupil_ref",), ("start_date",), ("category",)),
)

HEADCOUNTS = Sheet(
    "headcounts",
    "Headcounts",
    (
        "Headcounts",
        "Headcount",
        "Pupil numbers",
        "Pupils on roll",
        "Number on roll",
        "Denominators",
    ),
    (
        Column(
            "period", ("Academic year", "Year", "Term", "Period", "Time period"), "Academic year"
        ),
        _URN,
        _SCHOOL,
        _SEN,
        Column(
            "headcount",
            ("Headcount", "Pupils", "Number of pupils", "Number on roll", "NOR", "Pupil headcount"),
            "Headcount",
        ),
        _PHASE,
    ),
    (("period",), ("sen_provision",), ("headcount",)),
)

SHEETS: dict[str, Sheet] = {s.name: s for s in (EVENTS, HEADCOUNTS)}

# Category spellings (compared as header keys: case, spaces and punctuation ignored). DfE calls a
# fixed-period exclusion a suspension since 2020/21.
CATEGORIES: dict[str, str] = {
    header_key(k): v
    for k, v in {
        "suspension": "suspension",
        "suspended": "suspension",
        "fixed term": "suspension",
        "fixed-term": "suspension",
        "fixed term exclusion": "suspension",
        "fixed-term exclusion": "suspension",
        "fixed period": "suspension",
        "fixed period exclusion": "suspension",
        "FTE": "suspension",
        "FPE": "suspension",
        "permanent": "permanent",
        "permanent exclusion": "permanent",
        "permanently excluded": "permanent",
        "PEX": "permanent",
        "PERM": "permanent",
    }.items()
}

# SEN provision: school census codes and the word forms MIS exports use → E / K / N.
SEN_PROVISION: dict[str, str] = {
    header_key(k): v
    for k, v in {
        "E": "E",
        "EHCP": "E",
        "EHC plan": "E",
        "EHC": "E",
        "Education, health and care plan": "E",
        "Statement": "E",
        "Statement or EHC plan": "E",
        "K": "K",
        "SEN support": "K",
        "SEN Support": "K",
        "SENS": "K",
        "Support": "K",
        "N": "N",
        "No SEN": "N",
        "None": "N",
        "Not SEN": "N",
        "No": "N",
        "No special educational needs": "N",
    }.items()
}
SEN_GROUPS = {"E": "ehc_plan", "K": "sen_support", "N": "no_sen"}
SEN_GROUP_LABELS = {
    "ehc_plan": "EHC plan",
    "sen_support": "SEN support",
    "no_sen": "No SEN",
    "unknown": "SEN provision unknown",
}
# A headcount row for the whole LA writes one of these (or nothing) where a school's URN goes.
LA_TOTAL_WORDS = {header_key(w) for w in ("LA total", "Total", "All", "All schools", "LA")}
TERMS = ("Autumn", "Spring", "Summer")
