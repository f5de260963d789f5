"""Deterministic synthetic exclusion records for the demo LA (issue 13): fictional schools,
headcounts by SEN provision, and suspensions and permanent exclusions that follow the national
pattern (pupils with EHC plans and SEN support suspended at several times the no-SEN rate).

Nothing here describes a real pupil or school. Rates per 100 pupils by phase and SEN group are
set near DfE's published national figures for 2022/23 ("Suspensions and permanent exclusions in
England", by pupil characteristic): in secondary schools roughly 10 suspensions per 100 pupils
without SEN, 30–35 with SEN support or an EHC plan; far fewer in primary schools.

Where a demo SEN2 workbook is given, pupils with EHC plans are drawn from its children whose plan
was in force on the event date (same fake ``Z…`` UPNs), and a third of their events leave SEN
provision blank, so the load derives it from SEN2; a few other events leave it blank too and
cannot be derived. Same seed and snapshot → byte-identical file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from etl.inputs.exclusions.spec import academic_year, year_label
from etl.parse import parse_date
from etl.readers import read_file
from etl.xlsx_writer import write_xlsx

FILE_NAME = "exclusions_demo.xlsx"
YEARS_BACK = 3  # the current academic year and the three before it

# DfE school census exclusion reasons (Common Basic Data Set), with rough national shares.
REASONS = {
    "Persistent disruptive behaviour": 0.45,
    "Verbal abuse or threatening behaviour against an adult": 0.15,
    "Physical assault against a pupil": 0.12,
    "Physical assault against an adult": 0.07,
    "Verbal abuse or threatening behaviour against a pupil": 0.07,
    "Use or threat of use of an offensive weapon or prohibited item": 0.04,
    "Drug and alcohol related": 0.04,
    "Damage": 0.02,
    "Bullying": 0.02,
    "Inappropriate use of social media or online technology": 0.02,
}
# phase → SEN provision → (share of pupils, suspensions per 100, permanent exclusions per 100)
PATTERN = {
    "Primary": {"E": (0.025, 9.0, 0.04), "K": (0.13, 4.0, 0.04), "N": (0.845, 0.5, 0.01)},
    "Secondary": {"E": (0.025, 40.0, 0.25), "K": (0.12, 38.0, 0.45), "N": (0.855, 9.0, 0.10)},
    "Special": {"E": (0.95, 14.0, 0.03), "K": (0.05, 14.0, 0.03), "N": (0.0, 0.0, 0.0)},
}
SCHOOLS = [
    *(
        (f"{name} Primary School", "Primary", 180 + 45 * (i % 5))
        for i, name in enumerate(
            [
                "Alder",
                "Beech",
                "Cedar",
                "Damson",
                "Elm",
                "Field",
                "Gorse",
                "Hazel",
                "Ivy",
                "Juniper",
                "Kestrel",
                "Larch",
                "Maple",
                "Nettle",
                "Oak",
                "Poplar",
                "Quince",
                "Rowan",
                "Sorrel",
                "Thorn",
            ]
        )
    ),
    *(
        (f"{name} Academy", "Secondary", 850 + 150 * (i % 4))
        for i, name in enumerate(["Riverside", "Hilltop", "Northgate", "Southfields", "Westwood"])
    ),
    ("Meadow Special School", "Special", 140),
    ("Brook Special School", "Special", 110),
]
EVENT_HEADER = [
    "UPN",
    "School URN",
    "School name",
    "Phase",
    "Start date",
    "Category",
    "Sessions",
    "Reason",
    "SEN provision",
]
HEADCOUNT_HEADER = ["Academic year", "URN", "School name", "Phase", "SEN provision", "Headcount"]
# How schools' MIS exports write the same things (the loader reads them all).
CATEGORY_SPELLINGS = {"suspension": ["Suspension", "Fixed term", "FTE"], "permanent": ["Permanent"]}
SEN_SPELLINGS = {"E": ["E", "EHCP"], "K": ["K", "SEN Support"], "N": ["N", "No SEN"]}


@dataclass(frozen=True)
class PlanSpell:
    upn: str
    start: dt.date
    end: dt.date | None


def sen2_plan_spells(workbook: Path) -> list[PlanSpell]:
    """EHC plan spells of the demo SEN2 workbook's children with a UPN: named plan start to
    cease date (reads the Person, Requests, Assessments and Named Plan sheets)."""
    sheets = {s.sheet: s for s in read_file(workbook)}

    def rows(name: str, key: str) -> list[dict[str, str | None]]:
        sheet = sheets.get(name)
        if sheet is None:
            return []
        body = sheet.rows
        at = next((i for i, r in enumerate(body) if key in r), None)
        if at is None:
            return []
        header = body[at]
        return [dict(zip(header, r, strict=False)) for r in body[at + 1 :]]

    upn = {r["persontableid"]: r["UPN"] for r in rows("Person", "persontableid") if r["UPN"]}
    person = {r["requeststableid"]: r["persontableid"] for r in rows("Requests", "requeststableid")}
    request = {
        r["assessmenttableid"]: r["requeststableid"]
        for r in rows("Assessments", "assessmenttableid")
    }
    spells = []
    for r in rows("Named Plan", "namedplantableid"):
        child = upn.get(person.get(request.get(r["assessmenttableid"], ""), "") or "")
        start = parse_date(r["StartDate"]).value
        if child and start:
            spells.append(PlanSpell(child, start, parse_date(r["CeaseDate"]).value))
    return sorted(spells, key=lambda s: (s.upn, s.start))


def _school_days(rng: np.random.Generator, year: int, last: dt.date, n: int) -> list[dt.date]:
    """``n`` weekdays of academic year ``year`` up to ``last``, outside August."""
    first = dt.date(year, 9, 1)
    end = min(dt.date(year + 1, 7, 20), last)
    days = [
        first + dt.timedelta(d)
        for d in range((end - first).days + 1)
        if (first + dt.timedelta(d)).weekday() < 5
    ]
    if not days:
        return []
    return [days[i] for i in rng.integers(0, len(days), n)]


def generate(
    out: Path, *, seed: int, snapshot: dt.date, sen2_workbook: Path | None = None
) -> list[Path]:
    """Write the demo exclusions workbook (events and headcounts) into ``out``; returns it."""
    rng = np.random.default_rng(seed + 13)
    spells = sen2_plan_spells(sen2_workbook) if sen2_workbook else []
    current = academic_year(snapshot)
    years = list(range(current - YEARS_BACK, current + 1))
    heads: list[list[object]] = []
    events: list[list[object]] = []
    serial = 0
    for number, (name, phase, roll) in enumerate(SCHOOLS, start=1):
        urn = str(990_000 + number)
        for year in years:
            label = year_label(year)
            grown = int(roll * (1 + 0.02 * (year - years[0])))
            for sen, (share, susp_rate, perm_rate) in PATTERN[phase].items():
                headcount = round(grown * share)
                if headcount == 0:
                    continue
                heads.append([label, urn, name, phase, SEN_SPELLINGS[sen][0], headcount])
                # Later years a little higher, as nationally since 2020/21.
                trend = 1 + 0.08 * (year - years[0])
                part_year = 1.0 if year < current else 0.25  # autumn so far
                mean_events = headcount * susp_rate / 100 * trend * part_year
                pupils = int(rng.poisson(mean_events / 1.9))
                for _ in range(pupils):
                    serial += 1
                    count = 1 + int(rng.poisson(0.9))
                    dates = sorted(_school_days(rng, year, snapshot, count))
                    upn = _pupil_upn(rng, sen, dates, spells, serial)
                    for day in dates:
                        events.append(_event(rng, upn, urn, name, phase, day, "suspension", sen))
                perms = int(rng.poisson(headcount * perm_rate / 100 * trend * part_year))
                for _ in range(perms):
                    serial += 1
                    [day] = _school_days(rng, year, snapshot, 1) or [snapshot]
                    upn = _pupil_upn(rng, sen, [day], spells, serial)
                    events.append(_event(rng, upn, urn, name, phase, day, "permanent", sen))
    events.sort(key=lambda e: (str(e[4]), str(e[1]), str(e[0])))
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILE_NAME
    write_xlsx(
        path,
        [("Exclusions", [EVENT_HEADER, *events]), ("Headcounts", [HEADCOUNT_HEADER, *heads])],
        title="Demo Borough – SYNTHETIC exclusion records (not real pupils)",
        application="SEND dashboard demo",
        stamp=snapshot,
    )
    return [path]


def _pupil_upn(
    rng: np.random.Generator, sen: str, dates: list[dt.date], spells: list[PlanSpell], serial: int
) -> str:
    """A demo SEN2 child with a plan in force on every date, for an EHC plan pupil where one
    exists; otherwise a fake UPN that no SEN2 child has ("X" + 12 digits)."""
    if sen == "E" and spells and dates:
        fits = [s for s in spells if s.start <= dates[0] and (s.end is None or s.end > dates[-1])]
        if fits:
            return fits[int(rng.integers(0, len(fits)))].upn
    return f"X{(serial * 7_919) % 10**12:012d}"


def _event(
    rng: np.random.Generator,
    upn: str,
    urn: str,
    school: str,
    phase: str,
    day: dt.date,
    category: str,
    sen: str,
) -> list[object]:
    reasons = list(REASONS)
    weights = np.array(list(REASONS.values()))
    reason = reasons[int(rng.choice(len(reasons), p=weights / weights.sum()))]
    sessions = int(rng.choice([1, 2, 2, 2, 4, 4, 6, 10])) if category == "suspension" else None
    spellings = SEN_SPELLINGS[sen]
    written: str | None = spellings[int(rng.integers(0, len(spellings)))]
    # Blank SEN provision: a third of the SEN2 children's events (derived from SEN2 on load),
    # and one in 50 of the others (cannot be derived: SEN support is not in SEN2).
    if (upn.startswith("Z") and rng.random() < 1 / 3) or rng.random() < 0.02:
        written = None
    categories = CATEGORY_SPELLINGS[category]
    return [
        upn,
        urn,
        school,
        phase,
        day,
        categories[int(rng.integers(0, len(categories)))],
        sessions,
        reason,
        written,
    ]
