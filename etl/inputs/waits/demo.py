"""Synthetic waiting-list extracts for the demo LA (issue 12): referrals to the main children's
health services over three years, each service with its own wait profile — autism assessment and
community paediatrics long, physiotherapy short — in the shape providers send (title rows above
the header, service names spelt their own way, one workbook per provider).

Every reference, name and date is made up; the same seed and snapshot always write the same
bytes (``etl.xlsx_writer`` stamps every timestamp with the snapshot date).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from pathlib import Path

from etl.xlsx_writer import write_xlsx

APPLICATION = "SEND dashboard demo generator"
YEARS = 4  # the page's two-year trend starts well after the first referrals


@dataclass(frozen=True)
class Profile:
    """One service's demo list: its name as the provider writes it, referrals a month, the
    median and spread of the wait to first seen (weeks), and which provider runs it."""

    written: str
    per_month: int
    median_weeks: float
    spread: float  # sigma of the log-normal wait
    providers: tuple[tuple[str, float], ...]  # who runs it, and each one's share
    ages: tuple[int, int]  # age range at referral


COMMUNITY = "Demo Community Health NHS Trust (SYNTHETIC)"
CHILDREN = "Demo Children's Hospital NHS Trust (SYNTHETIC)"
CENTRE = "Demo Child Development Centre CIC (SYNTHETIC)"
MENTAL_HEALTH = "Demo Mental Health Partnership (SYNTHETIC)"

PROFILES: tuple[Profile, ...] = (
    Profile("SaLT", 38, 19.0, 0.55, ((COMMUNITY, 0.7), (CENTRE, 0.3)), (2, 12)),
    Profile("Paediatric OT", 18, 15.0, 0.5, ((COMMUNITY, 0.6), (CENTRE, 0.4)), (3, 15)),
    Profile("Physio", 20, 5.0, 0.6, ((COMMUNITY, 1.0),), (0, 17)),
    Profile("Community Paediatrics", 26, 38.0, 0.55, ((CHILDREN, 1.0),), (0, 16)),
    Profile("Audiology", 12, 7.0, 0.5, ((CHILDREN, 1.0),), (0, 17)),
    Profile("ASD assessment", 30, 58.0, 0.45, ((CHILDREN, 0.75), (CENTRE, 0.25)), (2, 17)),
    Profile("ADHD assessment", 22, 46.0, 0.5, ((CHILDREN, 1.0),), (5, 17)),
    Profile("CAMHS", 34, 14.0, 0.7, ((MENTAL_HEALTH, 1.0),), (5, 17)),
)
HEADER = [
    "Referral ID",
    "NHS Number",
    "Service",
    "Referral Received Date",
    "Date first seen",
    "Date removed",
    "DOB",
    "Provider",
    "Priority",
]


def _rows(
    profile: Profile, rng: random.Random, snapshot: dt.date, start: dt.date, factor: float
) -> list[list]:
    rows: list[list] = []
    days = (snapshot - start).days
    count = round(profile.per_month * factor * days / 30.4)
    for _ in range(count):
        referred = start + dt.timedelta(days=rng.randrange(days))
        wait = max(1, round(7 * profile.median_weeks * math.exp(rng.gauss(0, profile.spread))))
        seen: dt.date | None = referred + dt.timedelta(days=wait)
        removed: dt.date | None = None
        if rng.random() < 0.06:  # removed unseen: moved away, declined, referred elsewhere
            removed = referred + dt.timedelta(days=rng.randrange(1, wait + 1))
            seen = None
        if seen is not None and seen > snapshot:
            seen = None
        if removed is not None and removed > snapshot:
            removed = None
        draw, provider = rng.random(), profile.providers[-1][0]
        for name, share in profile.providers:
            if draw < share:
                provider = name
                break
            draw -= share
        age_days = rng.randrange(profile.ages[0] * 365, (profile.ages[1] + 1) * 365 - 1)
        rows.append(
            [
                None,
                f"DEMO{rng.randrange(10**7):07d}",
                profile.written,
                referred,
                seen,
                removed,
                referred - dt.timedelta(days=age_days),
                provider,
                "Urgent" if rng.random() < 0.08 else "Routine",
            ]
        )
    rows.sort(key=lambda r: (r[3], r[1]))
    return rows


def generate(
    out_dir: Path,
    seed: int = 1,
    snapshot: dt.date | None = None,
    *,
    factor: float = 1.0,
    years: int = YEARS,
) -> list[Path]:
    """Write one synthetic waiting-list workbook per provider into ``out_dir``; return them.

    ``factor`` multiplies the referrals a month (the benchmark's large ICB uses about 50) and
    ``years`` is how far back referrals start."""
    from etl.inputs.sen2.demo import DEFAULT_SNAPSHOT

    snapshot = snapshot or DEFAULT_SNAPSHOT
    rng = random.Random(f"waits-{seed}")
    start = dt.date(snapshot.year - years, snapshot.month, 1)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_provider: dict[str, list[list]] = {}
    for name in dict.fromkeys(p for profile in PROFILES for p, _ in profile.providers):
        by_provider[name] = []
    for profile in PROFILES:
        for row in _rows(profile, rng, snapshot, start, factor):
            by_provider[row[7]].append(row)
    for rows in by_provider.values():
        rows.sort(key=lambda r: (r[3], r[2], r[1]))
    paths = []
    for number, (provider, rows) in enumerate(by_provider.items(), start=1):
        for i, row in enumerate(rows, start=1):
            row[0] = f"REF{number}{i:06d}"
        title = f"{provider} – children's waiting list (SYNTHETIC, not real children)"
        sheet = [
            [title],
            [f"Extract date: {snapshot:%d/%m/%Y}"],
            [],
            HEADER,
            *rows,
        ]
        path = out_dir / f"waits_demo_provider_{number}.xlsx"
        write_xlsx(
            path, [("Waiting list", sheet)], title=title, application=APPLICATION, stamp=snapshot
        )
        paths.append(path)
    return paths
