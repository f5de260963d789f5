"""A hand-made exclusions fixture (issue 13): events, headcounts and a SEN2 case list whose UPNs
match some pupils, with every figure worked out by hand in the comments of the tests that use it.

Academic year 2023/24 (1 Sep 2023 – 31 Aug 2024); Easter Sunday 2024 is 31 March, so spring runs
1 Jan – 31 Mar 2024 and summer from 1 Apr 2024. Every date is a weekday.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests import sen2_builders as b

D = dt.date
EVENT_HEADER = [
    "UPN",
    "School URN",
    "School name",
    "Start date",
    "Category",
    "Sessions",
    "Reason",
    "SEN provision",
]
# (pupil reference, URN, school, start date, category, sessions, reason, SEN provision)
EVENTS = [
    # E1: EHC plan as recorded ("EHCP"), one suspension, autumn.
    (
        "A000000000001",
        "100001",
        "Hill Primary",
        D(2023, 10, 2),
        "FTE",
        2,
        "Physical assault",
        "EHCP",
    ),
    # E2: blank SEN provision; SEN2 has an EHC plan issued 2024-05-20 → derived EHC plan.
    (
        "A000000000002",
        "100002",
        "Vale Academy",
        D(2024, 6, 3),
        "Suspension",
        1,
        "Verbal abuse",
        None,
    ),
    # E3: EHC plan ("E"), permanently excluded, spring.
    (
        "a 000000000003",
        "100002",
        "Vale Academy",
        D(2024, 1, 15),
        "permanent exclusion",
        None,
        "Persistent disruption",
        "E",
    ),
    # K1: SEN support, suspended twice (a repeat): "fixed term" and "fixed-term exclusion".
    (
        "A000000000004",
        "100002",
        "Vale Academy",
        D(2023, 11, 6),
        "fixed term",
        4,
        "Persistent disruption",
        "SEN Support",
    ),
    (
        "A000000000004",
        "100002",
        "Vale Academy",
        D(2024, 2, 5),
        "fixed-term exclusion",
        2,
        "Persistent disruption",
        "K",
    ),
    # K2: SEN support ("sen support"), "FPE", summer.
    (
        "A000000000005",
        "100001",
        "Hill Primary",
        D(2024, 4, 22),
        "FPE",
        1,
        "Verbal abuse",
        "sen support",
    ),
    # N1: no SEN ("No SEN"), "suspension", autumn.
    (
        "A000000000006",
        "100002",
        "Vale Academy",
        D(2023, 12, 4),
        "suspension",
        2,
        "Verbal abuse",
        "No SEN",
    ),
    # N2: no SEN ("none"), "PEX", spring.
    (
        "A000000000007",
        "100002",
        "Vale Academy",
        D(2024, 3, 11),
        "PEX",
        None,
        "Physical assault",
        "none",
    ),
    # U1: blank; in SEN2 but the plan was issued after the event → cannot be derived.
    ("A000000000008", "100001", "Hill Primary", D(2024, 3, 4), "FTE", 1, "Verbal abuse", None),
    # U2: blank; a local reference, which never matches SEN2 → cannot be derived.
    ("L-0042", "100002", "Vale Academy", D(2024, 3, 5), "FTE", 1, "Verbal abuse", None),
    # N3: next academic year (2024/25): "permanent", "N"; outside every 2023/24 figure.
    ("A000000000009", "100002", "Vale Academy", D(2024, 9, 10), "permanent", None, "Drugs", "N"),
]
HEADCOUNT_HEADER = ["Academic year", "URN", "School name", "Phase", "SEN provision", "Headcount"]
HEADCOUNTS = [
    # LA totals: EHC plan 40, SEN support 200, no SEN 800.
    ("2023/24", "LA total", None, None, "EHC plan", 40),
    ("2023/24", None, None, None, "SEN support", 200),
    ("2023/24", "Total", None, None, "No SEN", 800),
    # The two schools (they add up to the LA totals).
    ("2023/24", "100001", "Hill Primary", "Primary", "E", 10),
    ("2023/24", "100001", "Hill Primary", "Primary", "K", 60),
    ("2023/24", "100001", "Hill Primary", "Primary", "N", 300),
    ("2023/24", "100002", "Vale Academy", "Secondary", "E", 30),
    ("2023/24", "100002", "Vale Academy", "Secondary", "K", 140),
    ("2023/24", "100002", "Vale Academy", "Secondary", "N", 500),
]


def write(folder: Path) -> list[Path]:
    """The events CSV, the headcounts CSV and a SEN2 case list (plans issued 2024-05-20)."""
    events = b.write_csv(folder / "exclusions.csv", [EVENT_HEADER, *EVENTS], "%d/%m/%Y")
    heads = b.write_csv(folder / "headcounts.csv", [HEADCOUNT_HEADER, *HEADCOUNTS])
    sen2 = b.write_flat_csv(
        folder / "cases.csv",
        [
            # E2 and U1 by UPN (different person ids: matching is by the UPN's keyed hash).
            b.case("P1", "R1", upn="A000000000002", upn_unknown=None),
            b.case("P2", "R2", upn="A000000000008", upn_unknown=None),
        ],
    )
    return [sen2, events, heads]
