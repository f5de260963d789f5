"""Column map and service names for provider waiting-list extracts (DESIGN §3 "Health waiting
lists", issue 12).

One row per referral: child reference, service, referral date, date first seen (blank while
waiting), optional discharge / removal date, date of birth or age, provider, optional referral
id and priority. Headers are matched as every kind's are (``etl.headers``: case, spaces and
punctuation ignored, titles above the header row); extra spellings go under
``[aliases.waits.referrals]`` in the settings file.

Service names vary between providers ("SaLT", "Speech & Language Therapy"). They are matched
ignoring case, spaces and punctuation ("&" reads as "and") against the standard keys below, the
default synonyms and the settings file's ``[waits.services]``; a name that matches none is kept
as written and listed as a query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class WaitsField:
    """One canonical column of a waiting-list extract and the headers it may appear under."""

    name: str
    aliases: tuple[str, ...]
    label: str  # how messages name it when the sheet has no header for it


@dataclass(frozen=True)
class WaitsSheet:
    """The one sheet kind of this input (the shape every kind's spec has)."""

    name: str
    title: str
    sheet_names: tuple[str, ...]
    fields: tuple[WaitsField, ...]
    required: tuple[tuple[str, ...], ...]

    def field(self, name: str) -> WaitsField:
        return next(f for f in self.fields if f.name == name)

    def label(self, name: str) -> str:
        return self.field(name).label


REFERRALS = WaitsSheet(
    "referrals",
    "Waiting list (one row per referral)",
    ("Waiting list", "Waiting lists", "Referrals", "Waits", "Waiting times", "Data"),
    (
        WaitsField(
            "child_ref",
            (
                "Child reference",
                "Child ref",
                "Child ID",
                "NHS number",
                "NHS No",
                "NHS no.",
                "Local ID",
                "Local identifier",
                "Patient ID",
                "Patient identifier",
                "Client ID",
                "UPN",
                "Unique pupil number",
            ),
            "Child reference",
        ),
        WaitsField(
            "service",
            ("Service", "Service name", "Service line", "Clinical service", "Pathway"),
            "Service",
        ),
        WaitsField(
            "referral_date",
            (
                "Referral date",
                "Referral Received Date",
                "Date of referral",
                "Date referral received",
                "Referral received",
                "Date referred",
                "Referred on",
            ),
            "Referral date",
        ),
        WaitsField(
            "seen_date",
            (
                "Date first seen",
                "First appointment date",
                "First contact date",
                "Date of first appointment",
                "Date of first contact",
                "First seen",
                "First seen date",
                "Date seen",
            ),
            "Date first seen",
        ),
        WaitsField(
            "removed_date",
            (
                "Discharge date",
                "Date removed",
                "Date discharged",
                "Removal date",
                "Date removed from list",
                "Date removed from waiting list",
            ),
            "Discharge date",
        ),
        WaitsField("birth_date", ("DOB", "Date of birth", "Birth date"), "Date of birth"),
        WaitsField("age", ("Age", "Age at referral", "Age (years)", "Age in years"), "Age"),
        WaitsField(
            "provider",
            ("Provider", "Provider name", "Provider organisation", "Organisation", "Trust"),
            "Provider",
        ),
        WaitsField(
            "referral_id",
            ("Referral ID", "Referral reference", "Referral ref", "Referral number", "Referral no"),
            "Referral ID",
        ),
        WaitsField("priority", ("Priority", "Urgency", "Referral priority"), "Priority"),
    ),
    (("child_ref",), ("service",), ("referral_date",)),
)
SPECS = (REFERRALS,)

# Labels of the extract date in the title rows above the header ("Extract date: 31/03/2026").
EXTRACT_DATE_LABELS = (
    "Extract date",
    "Date of extract",
    "Data as at",
    "As at",
    "Report date",
    "Snapshot date",
    "Extracted",
    "Extracted on",
)

# The standard services (issue 12) and how a board paper names them.
SERVICES: dict[str, str] = {
    "speech_and_language_therapy": "Speech and language therapy",
    "occupational_therapy": "Occupational therapy",
    "physiotherapy": "Physiotherapy",
    "community_paediatrics": "Community paediatrics",
    "camhs": "CAMHS",
    "autism_assessment": "Autism assessment",
    "adhd_assessment": "ADHD assessment",
    "audiology": "Audiology",
    "dietetics": "Dietetics",
    "wheelchair_services": "Wheelchair services",
}

# Common spellings recognised without any setting (more under [waits.services]).
DEFAULT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "speech_and_language_therapy": (
        "Speech and language therapy",
        "Speech & Language Therapy",
        "Speech and language",
        "SaLT",
        "SLT",
        "SALT service",
        "Children's SLT",
        "Paediatric speech and language therapy",
    ),
    "occupational_therapy": (
        "Occupational therapy",
        "OT",
        "Paediatric OT",
        "Children's OT",
        "Paediatric occupational therapy",
    ),
    "physiotherapy": (
        "Physiotherapy",
        "Physio",
        "Paediatric physiotherapy",
        "Children's physiotherapy",
        "Paediatric physio",
    ),
    "community_paediatrics": (
        "Community paediatrics",
        "Community paediatric service",
        "Paeds",
        "Community paeds",
        "Paediatrics",
    ),
    "camhs": ("CAMHS", "CYPMHS", "Child and adolescent mental health services", "CAMHS core"),
    "autism_assessment": (
        "Autism assessment",
        "ASD assessment",
        "ASD",
        "Autism",
        "Autism diagnostic assessment",
        "Neurodevelopmental autism assessment",
    ),
    "adhd_assessment": ("ADHD assessment", "ADHD", "ADHD diagnostic assessment"),
    "audiology": ("Audiology", "Paediatric audiology", "Children's audiology", "Hearing"),
    "dietetics": ("Dietetics", "Dietitian", "Paediatric dietetics", "Nutrition and dietetics"),
    "wheelchair_services": ("Wheelchair services", "Wheelchair service", "Wheelchairs"),
}

_JUNK = re.compile(r"[^0-9a-z]+")


def service_key(name: str) -> str:
    """Matching key of a service name: "&" reads as "and", then case, accents, spaces and
    punctuation go ("Speech & Language Therapy" → "speechandlanguagetherapy")."""
    text = unicodedata.normalize("NFKD", name.replace("&", " and ").replace("+", " and "))
    return _JUNK.sub("", text.encode("ascii", "ignore").decode().lower())


def service_lookup(extra: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Matching key → standard service: the keys themselves, their titles, the defaults, then
    the settings file's synonyms (``extra``: standard key → names)."""
    table: dict[str, str] = {}
    for key, title in SERVICES.items():
        for name in (key, title, *DEFAULT_SYNONYMS.get(key, ())):
            table[service_key(name)] = key
    for key, names in (extra or {}).items():
        for name in names:
            table[service_key(name)] = key
    return table
