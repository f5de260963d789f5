"""Shared fixtures for the dashboard tests: a tiny hand-made case list with hand-worked answers,
a few-hundred-row synthetic case list, and a Streamlit server runner for browser tests.

The hand-made list (:data:`CASES`) is the golden fixture for page tests. As at 1 Nov 2026:

2026 plans issued (to 1 Nov 2026)             days to issue  Week20  within?
  R01 received 5 Jan 2026, issued +133 days        133          0      yes
  R02 received 2 Feb 2026, issued +140 days        140          0      yes (exactly 20 weeks)
  R03 received 12 Jan 2026, issued +141 days       141          0      no  (one day over)
  R04 received 19 Jan 2026, issued +200 days       200          1      no  (exception)
  R05 received 2 Mar 2026, issued +100 days        100          0      yes
  R06 received 2 Jun 2025, issued +400 days        400          0      no  (over 52 weeks)
  → including exceptions: within R01, R02, R05 = 3 of 6 = 50.0%
  → excluding exceptions (Week20 = 0): R01, R02, R03, R05, R06 = 5; within 3 → 3/5 = 60.0%
2025 plans issued (whole year)
  R09 +120 W20 0 yes; R10 +160 W20 0 no; R11 +150 W20 1 no; R12 +130 W20 0 yes
  → including: 2 of 4 = 50.0%;  excluding: R09, R10, R12 = 3, within 2 → 66.7%
  → so 2026 vs 2025: excl 60.0 - 66.7 = down 6.7 points (worse); incl 50.0 - 50.0 = same.
Decisions to assess (outcome Y/N, within ⇔ ≤ 42 days)
  2026: R01 28, R02 35, R03 42, R04 30, R05 40, R14 35 (all within), R07 N 60 (not)
        → 6 of 7 = 85.714… → 85.7%
  2025: R06 50 (no), R09 30, R10 45 (no), R11 40, R12 20, R17 N 195 (no) → 3 of 6 = 50.0%
        → up 35.7 points (better)
Open requests as at 1 Nov 2026
  R13 received 1 May 2026, no decision: 184 days → Breached (breach date 18 Sep 2026)
  R14 received 1 Jul 2026, agreed 5 Aug 2026, not issued: 123 days → At risk
  R15 received 1 Oct 2026, no decision: 31 days → On track
  R16 received 15 Jun 2026, withdrawn → not open;  R07 refused → not open
  → open 3, past 20 weeks 1, at risk 1
Open requests as at 1 Nov 2025 (a year earlier)
  R06 received 2 Jun 2025 (issued Jul 2026): 152 days → Breached
  R17 received 20 May 2025 (refused 1 Dec 2025): 165 days → Breached
  → open 2, past 20 weeks 2, at risk 0
  → now vs a year earlier: breached down 1 (better); at risk up 1 (worse); open up 1.
Row R99 has an impossible date (31/02/2026): an error, the row is not loaded.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 1)
HEADERS = [
    "Child ID",
    "UPN",
    "Date of Birth",
    "Request ID",
    "Date request was received",
    "Request Outcome",
    "Request Outcome Date",
    "Assessment outcome",
    "Assessment Outcome Date",
    "Week20",
    "Primary need",
]


def _d(text: str, days: int = 0) -> str:
    return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()


def _case(
    n: int,
    received: str,
    decision: tuple[str, int] | None,
    issued: int | str | None,
    week20: str,
    need: str,
    dob: str = "2016-04-01",
) -> list[str]:
    """One case-list row: decision = (outcome, days after received); issued = days or a code."""
    # No decision yet is outcome "A" (awaiting) with no date; a blank outcome is an error.
    outcome, outcome_date = (
        ("A", "") if decision is None else (decision[0], _d(received, decision[1]))
    )
    if issued is None:
        assessment, assessment_date = "", ""
    elif isinstance(issued, str):
        assessment, assessment_date = issued, ""
    else:
        assessment, assessment_date = "Y", _d(received, issued)
    upn = f"A{800000000000 + n:012d}"[:13]
    return [
        f"C{n:02d}",
        upn,
        dob,
        f"R{n:02d}",
        received,
        outcome,
        outcome_date,
        assessment,
        assessment_date,
        week20,
        need,
    ]


CASES: list[list[str]] = [
    _case(1, "2026-01-05", ("Y", 28), 133, "0", "ASD", dob="2018-03-01"),
    _case(2, "2026-02-02", ("Y", 35), 140, "0", "ASD", dob="2012-05-01"),
    _case(3, "2026-01-12", ("Y", 42), 141, "0", "SEMH", dob="2012-06-01"),
    _case(4, "2026-01-19", ("Y", 30), 200, "1", "SEMH", dob="2015-01-01"),
    _case(5, "2026-03-02", ("Y", 40), 100, "0", "SLCN", dob="2022-01-01"),
    _case(6, "2025-06-02", ("Y", 50), 400, "0", "ASD"),
    _case(7, "2026-04-01", ("N", 60), None, "", ""),
    _case(9, "2025-01-06", ("Y", 30), 120, "0", "ASD"),
    _case(10, "2025-02-03", ("Y", 45), 160, "0", "SEMH"),
    _case(11, "2025-03-03", ("Y", 40), 150, "1", "SLCN"),
    _case(12, "2025-04-07", ("Y", 20), 130, "0", "ASD"),
    _case(13, "2026-05-01", None, None, "", ""),
    _case(14, "2026-07-01", ("Y", 35), None, "", "SEMH"),
    _case(15, "2026-10-01", None, None, "", ""),
    _case(16, "2026-06-15", ("W", 10), None, "", ""),
    _case(17, "2025-05-20", ("N", 195), None, "", ""),
    # An impossible date: an error, so this row is rejected and counted nowhere.
    [
        "C99",
        "A899999999999",
        "2016-04-01",
        "R99",
        "31/02/2026",
        "Y",
        "2026-03-10",
        "Y",
        "2026-06-01",
        "0",
        "ASD",
    ],
]
UPNS = [row[1] for row in CASES]


def write_case_list(path: Path, rows: list[list[str]] | None = None) -> Path:
    """Write a flat case list CSV (DfE template labels as headers)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows if rows is not None else CASES)
    return path


def synthetic_rows(count: int = 400, seed: int = 7, as_of: dt.date = AS_OF) -> list[list[str]]:
    """A few hundred plausible made-up requests over three years to ``as_of`` (for screenshots
    and the browser test; not for hand-worked numbers)."""
    rng = random.Random(seed)
    needs = ["ASD", "SEMH", "SLCN", "MLD", "SPLD", "PD", "SLD"]
    start = dt.date(as_of.year - 3, 1, 1)
    span = (as_of - start).days
    rows = []
    for n in range(1, count + 1):
        received = start + dt.timedelta(days=rng.randrange(span))
        dob = received - dt.timedelta(days=rng.randrange(365 * 2, 365 * 18))
        decision_days = rng.randint(20, 60)
        issue_days = int(rng.triangular(70, 420, 150))
        outcome = rng.choices(["Y", "N", "W"], [70, 25, 5])[0]
        decided = received + dt.timedelta(days=decision_days)
        row = [
            f"S{n:04d}",
            f"B{rng.randrange(10**11, 10**12):011d}X",
            dob.isoformat(),
            f"Q{n:04d}",
            received.isoformat(),
            "A",
            "",
            "",
            "",
            "",
            rng.choice(needs),
        ]
        if decided <= as_of:
            row[5], row[6] = outcome, decided.isoformat()
            issued = received + dt.timedelta(days=issue_days)
            if outcome == "Y" and issued <= as_of:
                row[7], row[8] = "Y", issued.isoformat()
                row[9] = "1" if rng.random() < 0.08 else "0"
        rows.append(row)
    return rows


def build_warehouse(
    folder: Path,
    rows: list[list[str]] | None = None,
    *,
    synthetic: bool = False,
    as_of: dt.date = AS_OF,
) -> Path:
    """Write a case list into ``folder`` and load it into ``folder/data``; returns the data dir."""
    from etl.warehouse import run_load

    csv_path = write_case_list(folder / "cases.csv", rows)
    data = folder / "data"
    run_load([csv_path], data, synthetic=synthetic, as_of=as_of)
    return data


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def streamlit_server(
    data_dir: Path,
    timeout: float = 60,
    *,
    port: int | None = None,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Run ``streamlit run dashboard.py`` headless against ``data_dir``; yield its base URL.
    ``port``, extra command-line ``args`` and ``env`` are for the sign-in test (issue 16)."""
    port = port or free_port()
    env = {**os.environ, **(env or {}), "SEND_DATA_DIR": str(data_dir)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO / "dashboard.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *args,
    ]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"Streamlit did not start:\n{output}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
