"""Helpers for the published-benchmark tests (issue 3).

Two kinds of fixture:

- the REAL DfE / MoJ / statistical-neighbour files in ``../shared/reference-data`` (read where
  they are, never copied into the repository). :func:`real_published` loads them once per test
  session into a temporary data folder; tests that need them skip with :data:`REASON` when the
  folder is absent (it is always present in CI, so there they run);
- SMALL SYNTHETIC EES-shaped files written by code (:func:`write_timeliness`,
  :func:`write_neighbours`): made-up LAs and values for hand-worked tests of quirks the real
  files do not show (``c``, ``low``, blanks, thousands commas, bad levels, missing columns).
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import pytest

from etl import published as pub
from etl.store import Published

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference-data"
REASON = f"the shared reference data is not at {REFERENCE}"
needs_reference = pytest.mark.skipif(not REFERENCE.exists(), reason=REASON)

TIMELINESS_FILE = REFERENCE / "ees_ehcp_2025" / "data" / "timeliness_20_week.csv"
SEN2_MI_FILE = REFERENCE / "ees_ehcp_historic" / "sen2_mi_2014_2022.csv"
TRIBUNALS_FILE = (
    REFERENCE / "ees_ehcp_2025" / "supporting-files" / "send_tribunals_appeal_rate_2014_2024.csv"
)
NEIGHBOURS_FILE = REFERENCE / "lookups" / "stat_neighbours.csv"


@pytest.fixture(scope="session")
def real_published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data folder holding ``published.duckdb`` built from the real shared files, loaded once
    per test run: under xdist the workers share it (the first to take the lock loads it; the
    others wait, then read it). Tests only read it."""
    if not REFERENCE.exists():
        pytest.skip(REASON)
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by all workers of this run
    folder = root / "published-real"
    with _exclusive(root / "published-real.lock"):
        if not pub.published_path(folder).exists():
            folder.mkdir(parents=True, exist_ok=True)
            report = pub.load_published(REFERENCE, folder)
            assert not pub.any_failed(report.files), pub.summary_lines(report)
    yield folder


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: each worker waits on nothing; loads are atomic anyway
        yield
        return
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_published(folder: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a data folder's published.duckdb (tables unqualified), through
    the one door (``etl.store``)."""
    return Published.at(folder).connection


# --------------------------------------------------------------------------------------------
# Synthetic EES timeliness file

# The 2025 release's header, with its real case quirk (PC_… in upper case for the
# excluding-exceptions columns).
TIMELINESS_COLUMNS = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "breakdown_topic",
    "breakdown",
    "plans_issued_den",
    "plans_issued_den_ex",
    "plans_issued_within_20_weeks",
    "plans_issued_20_weeks_ex",
    "pc_plans_issued_within_20_weeks",
    "PC_plans_issued_20_weeks_ex",
    "plans_issued_gt20weeks_ltYear",
    "plans_issued_gt20weeks_ltYear_ex",
    "pc_plans_issued_gt20weeks_ltYear",
    "PC_plans_issued_gt20weeks_ltYear_ex",
    "plans_issued_gt_1_year",
    "plans_issued_gt_1_year_ex",
    "pc_plans_issued_gt_1_year",
    "PC_plans_issued_gt_1_year_ex",
]

ENGLAND = ("E92000001", "England")
# Made-up regions and LAs (codes in ranges no real area uses).
REGION_N = ("E12900001", "North Testland")
REGION_S = ("E12900002", "South Testland")
LAS = {
    "A": ("E06900001", "901", "Applebury", REGION_N),
    "B": ("E06900002", "902", "Brookfield", REGION_N),
    "C": ("E06900003", "903", "Cinderford", REGION_N),
    "D": ("E06900004", "904", "Dunmere", REGION_N),
    "E": ("E06900005", "905", "Eastwick", REGION_S),
    "F": ("E06900006", "906", "Fallowfield", REGION_S),
    "G": ("E06900007", "907", "Greystone", REGION_S),
    "H": ("E06900008", "908", "Hallam Vale", REGION_S),
    "I": ("E06900009", "909", "Ivybridge", REGION_S),
    "J": ("E06900010", "910", "Juniper Cross", REGION_S),
}

HEADLINE = "All EHC plans issued"


def row(
    year: int | str,
    area: str,
    *,
    excl: str = "",
    incl: str = "",
    den: str = "",
    den_ex: str = "",
    within: str = "",
    within_ex: str = "",
    level: str | None = None,
    topic: str = HEADLINE,
    breakdown: str = HEADLINE,
    **other: str,
) -> dict[str, str]:
    """One row of a synthetic timeliness file. ``area`` is "England", a region code from
    :data:`REGION_N` / :data:`REGION_S`, or a key of :data:`LAS`. Cells are text, written
    exactly as given (so a test can put any quirk in any cell)."""
    cells: dict[str, str] = {
        "time_period": str(year),
        "time_identifier": "Calendar year",
        "country_code": ENGLAND[0],
        "country_name": ENGLAND[1],
        "breakdown_topic": topic,
        "breakdown": breakdown,
        "plans_issued_den": den,
        "plans_issued_den_ex": den_ex,
        "plans_issued_within_20_weeks": within,
        "plans_issued_20_weeks_ex": within_ex,
        "pc_plans_issued_within_20_weeks": incl,
        "PC_plans_issued_20_weeks_ex": excl,
    }
    if area == "England":
        cells["geographic_level"] = "National"
    elif area in (REGION_N[0], REGION_S[0]):
        region = REGION_N if area == REGION_N[0] else REGION_S
        cells.update(geographic_level="Regional", region_code=region[0], region_name=region[1])
    else:
        code, old, name, region = LAS[area]
        cells.update(
            geographic_level="Local authority",
            region_code=region[0],
            region_name=region[1],
            new_la_code=code,
            old_la_code=old,
            la_name=name,
        )
    if level is not None:
        cells["geographic_level"] = level
    cells.update(other)
    return cells


def write_timeliness(
    path: Path,
    rows: Iterable[Mapping[str, str]],
    *,
    columns: Sequence[str] = TIMELINESS_COLUMNS,
    drop: Iterable[str] = (),
) -> Path:
    """Write a synthetic ``timeliness_20_week.csv``-shaped file (UTF-8 with BOM, like EES).
    ``columns`` may be re-cased; ``drop`` leaves columns out (matched case-insensitively)."""
    dropped = {d.lower() for d in drop}
    header = [c for c in columns if c.lower() not in dropped]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for cells in rows:
            lowered = {k.lower(): v for k, v in cells.items()}
            writer.writerow([lowered.get(c.lower(), "") for c in header])
    return path


def write_neighbours(path: Path, lookup: Mapping[str, Sequence[str]]) -> Path:
    """Write a statistical-neighbour lookup shaped like the real one: one column per LA
    (header = its name), its neighbours below, closest first, then a blank row."""
    names = list(lookup)
    depth = max((len(v) for v in lookup.values()), default=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for index in range(depth):
            writer.writerow([lookup[n][index] if index < len(lookup[n]) else "" for n in names])
        writer.writerow([""] * len(names))
    return path


def name(key: str) -> str:
    return LAS[key][2]


def code(key: str) -> str:
    return LAS[key][0]
