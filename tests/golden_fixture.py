"""A hand-made SEN2 fixture written in all three accepted shapes, with golden figures by hand.

Fourteen requests for fourteen children. The same records are written as a module workbook, a
Blade CSV set and a flat case list, so every shape must give the same figures. Expected values are
worked out by hand in ``tests/test_golden.py``; the day counts are in the comments below.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

D = dt.date

# request id, person id, received, request outcome, request outcome date,
# assessment outcome, assessment outcome date, week20 (None = blank), primary need
REQUESTS = [
    # 2024-01-08 → 2024-02-12 = 35 days (decision ✓ ≤42); → 2024-05-20: 23+29+31+30+20 = 133 ✓
    ("R1", "P1", D(2024, 1, 8), "Y", D(2024, 2, 12), "Y", D(2024, 5, 20), False, "ASD"),
    # decision 2024-02-01 → 03-20: 28+20 = 48 ✗; issued 06-19: 28+31+30+31+19 = 139 ✓;
    # Week20 blank: in the including-exceptions figure only.
    ("R2", "P2", D(2024, 2, 1), "Y", D(2024, 3, 20), "Y", D(2024, 6, 19), None, "ASD"),
    # decision 36 ✓; issued 2024-06-04: 16+29+31+30+31+4 = 141 ✗ (one day over)
    ("R3", "P3", D(2024, 1, 15), "Y", D(2024, 2, 20), "Y", D(2024, 6, 4), False, "SEMH"),
    # decided in 2023 (not a 2024 decision); issued 2024-03-20: 29+31+31+29+20 = 140 ✓ exactly;
    # exception applies
    ("R4", "P4", D(2023, 11, 1), "Y", D(2023, 12, 10), "Y", D(2024, 3, 20), True, "SLCN"),
    # issued 2024-06-10: 366 (to 2024-06-01, leap year) + 9 = 375 days → over 52 weeks
    ("R5", "P5", D(2023, 6, 1), "Y", D(2023, 7, 10), "Y", D(2024, 6, 10), False, "ASD"),
    # refused to assess: 2024-03-01 → 04-05 = 30+5 = 35 ✓
    ("R6", "P6", D(2024, 3, 1), "N", D(2024, 4, 5), None, None, None, None),
    # decision 20+30 = 50 ✗; issued 2024-12-02: 20+31+30+31+31+30+31+30+2 = 236 ✗; exception
    ("R7", "P7", D(2024, 4, 10), "Y", D(2024, 5, 30), "Y", D(2024, 12, 2), True, "SEMH"),
    # decision 28+10 = 38 ✓; assessment still under way (A)
    ("R8", "P8", D(2024, 9, 2), "Y", D(2024, 10, 10), "A", None, None, None),
    # awaiting the decision to assess
    ("R9", "P9", D(2024, 12, 2), "A", None, None, None, None, None),
    # 2025: decision 2025-02-03 → 03-10 = 25+10 = 35 ✓; decision to issue made, plan not yet issued
    ("R10", "P10", D(2025, 2, 3), "Y", D(2025, 3, 10), "Y", None, None, None),
    # withdrawn before a decision
    ("R11", "P11", D(2024, 5, 1), "W", None, None, None, None, None),
    # decision 29 ✓; plan "issued" 2024-07-15, before the request: left out of timeliness (query)
    ("R12", "P12", D(2024, 8, 1), "Y", D(2024, 8, 30), "Y", D(2024, 7, 15), False, "MLD"),
    # decision 30+5 = 35 ✓; decided not to issue on 2025-01-20
    ("R13", "P13", D(2024, 10, 1), "Y", D(2024, 11, 5), "N", D(2025, 1, 20), None, None),
    # historical transfer-in: outside every measure
    ("R14", "P14", D(2022, 5, 1), "H", None, "H", None, None, "PD"),
]

# person id → (UPN or None, UPNunknown reason or None, date of birth)
PEOPLE: dict[str, tuple[str | None, str | None, dt.date]] = {
    f"P{i}": (f"Z{i:012d}", None, D(2012, 1, 1) + dt.timedelta(days=200 * i)) for i in range(1, 15)
}
PEOPLE["P10"] = (None, "UN1", D(2021, 6, 1))


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def write_workbook(path: Path) -> Path:
    """The module-workbook shape, with a title row above the Requests header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Person"
    ws.append(["persontableid", "UPN", "UPNunknown", "PersonBirthDate"])
    for pid, (upn, reason, dob) in PEOPLE.items():
        ws.append([pid, upn, reason, dob])
    ws = wb.create_sheet("Requests")
    ws.append(["Golden fixture – synthetic"])
    ws.append([])
    ws.append(
        ["requeststableid", "persontableid", "ReceivedDate", "RequestOutcome", "RequestOutcomeDate"]
    )
    for r in REQUESTS:
        ws.append([r[0], r[1], r[2], r[3], r[4]])
    ws = wb.create_sheet("Assessments")
    ws.append(
        [
            "assessmenttableid",
            "requeststableid",
            "AssessmentOutcome",
            "AssessmentOutcomeDate",
            "Week20",
        ]
    )
    for r in REQUESTS:
        if r[5]:
            ws.append([f"A{r[0]}", r[0], r[5], r[6], _flag(r[7])])
    ws = wb.create_sheet("Active Plan")
    ws.append(["activeplanstableid", "requeststableid"])
    for r in REQUESTS:
        if r[8]:
            ws.append([f"AP{r[0]}", r[0]])
    ws = wb.create_sheet("SEN Need")
    ws.append(["senneedtableid", "activeplanstableid", "SENtype", "SENtypeRank"])
    for r in REQUESTS:
        if r[8]:
            ws.append([f"N{r[0]}", f"AP{r[0]}", r[8], 1])
    wb.save(path)
    return path


def _blade_date(value: dt.date | None) -> str:
    return value.strftime("%Y-%b-%d 00:00:00") if value else ""


def write_blade(folder: Path) -> Path:
    """The COLLECT Blade CSV shape: one file per module, lower-case headers, Blade dates."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = "Blade-Export_31-03-2025_"

    def write(module: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / f"{stem}{module}.csv").open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            out.writerows(rows)

    write(
        "person",
        ["persontableid", "upn", "upnunknown", "personbirthdate"],
        [
            [pid, upn or "", reason or "", _blade_date(dob)]
            for pid, (upn, reason, dob) in PEOPLE.items()
        ],
    )
    write(
        "requests",
        [
            "requeststableid",
            "persontableid",
            "receiveddate",
            "requestoutcome",
            "requestoutcomedate",
        ],
        [[r[0], r[1], _blade_date(r[2]), r[3], _blade_date(r[4])] for r in REQUESTS],
    )
    write(
        "assessment",
        [
            "assessmenttableid",
            "requeststableid",
            "assessmentoutcome",
            "assessmentoutcomedate",
            "week20",
        ],
        [
            [f"A{r[0]}", r[0], r[5], _blade_date(r[6]), "" if r[7] is None else int(r[7])]
            for r in REQUESTS
            if r[5]
        ],
    )
    write(
        "activeplans",
        ["activeplanstableid", "requeststableid"],
        [[f"AP{r[0]}", r[0]] for r in REQUESTS if r[8]],
    )
    write(
        "senneed",
        ["senneedtableid", "activeplanstableid", "sentype", "sentyperank"],
        [[f"N{r[0]}", f"AP{r[0]}", r[8], 1] for r in REQUESTS if r[8]],
    )
    return folder


def write_flat(path: Path) -> Path:
    """The flat case-list shape: DfE template labels, UK text dates, Y/N flags."""
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Child ID",
                "UPN",
                "UPN and ULN unavailable - reason",
                "Date of Birth",
                "Request ID",
                "Date request was received",
                "Request Outcome",
                "Request Outcome Date",
                "Assessment outcome",
                "Assessment Outcome Date",
                "20-week time limit exceptions apply",
                "Primary need",
            ]
        )
        for r in REQUESTS:
            upn, reason, dob = PEOPLE[r[1]]
            out.writerow(
                [
                    r[1],
                    upn or "",
                    reason or "",
                    dob.strftime("%d/%m/%Y"),
                    r[0],
                    r[2].strftime("%d/%m/%Y"),
                    r[3],
                    r[4].strftime("%d/%m/%Y") if r[4] else "",
                    r[5] or "",
                    r[6].strftime("%d/%m/%Y") if r[6] else "",
                    "" if r[7] is None else ("Y" if r[7] else "N"),
                    r[8] or "",
                ]
            )
    return path
