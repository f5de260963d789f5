"""Benchmark: 500,000 waiting-list referrals (a large ICB's children's lists over three years)
loaded end to end, the Waiting times page's queries warm, against a plain openpyxl read.

Prints figures; asserts nothing (DESIGN §9: targets live in benchmarks, not timed tests).

    python scripts/benchmark_waits.py [--referrals 500000] [--seed 1] [--skip-openpyxl]

1. Writes synthetic extracts (``etl.inputs.waits.demo``, scaled) of about --referrals rows.
2. Times ``python -m etl load FILES --replace`` in a new process (start-up, read, validate,
   pseudonymise, build, publish).
3. Times the page's named queries (summary, month-end trend, distribution, age band and provider
   breakdowns, longest waits) on a read-only door: first run, then warm (median of 5).
4. Times the Waiting times page's server-side render through AppTest, first and warm.
5. Times ``openpyxl.load_workbook(read_only=True)`` reading every row of the same files — the
   plain baseline — in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BASE_PER_MONTH = 200  # referrals a month in the demo LA's profiles (etl.inputs.waits.demo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-openpyxl", action="store_true")
    args = parser.parse_args()

    import openpyxl

    from etl.inputs.waits import demo
    from etl.store import Warehouse

    work = Path(tempfile.mkdtemp(prefix="waits-bench-"))
    snapshot = dt.date(2026, 11, 1)
    factor = args.referrals / (BASE_PER_MONTH * 36)
    start = time.perf_counter()
    paths = demo.generate(
        work / "inputs", seed=args.seed, snapshot=snapshot, factor=factor, years=3
    )
    size = sum(p.stat().st_size for p in paths)
    took = time.perf_counter() - start
    print(f"wrote {len(paths)} extracts, {size / 2**20:.1f} MB, in {took:.1f} s")

    data = work / "data"
    env = {**os.environ, "SEND_DATA_DIR": str(data), "SEND_HASH_KEY": "benchmark-key"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "etl", "load", *map(str, paths), "--replace", "--json"],
        check=True,
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    load_s = time.perf_counter() - start
    with Warehouse.at(data) as warehouse:
        rows = warehouse.connection.execute("SELECT count(*) FROM waits_referrals").fetchone()
        loaded = int(rows[0]) if rows else 0
    print(f"python -m etl load (new process, end to end): {load_s:.2f} s for {loaded:,} referrals")

    queries: list[tuple[str, dict[str, object]]] = [
        ("waits_meta", {}),
        ("waits_summary", {"as_of": snapshot}),
        ("waits_month_end", {"as_of": snapshot}),
        ("waits_distribution", {"as_of": snapshot}),
        ("waits_breakdown", {"as_of": snapshot, "by": "age_band"}),
        ("waits_breakdown", {"as_of": snapshot, "by": "provider"}),
        ("waits_longest", {"as_of": snapshot, "service": "autism_assessment", "limit": 20}),
    ]
    with Warehouse.at(data) as warehouse:
        runs = []
        for _ in range(6):
            start = time.perf_counter()
            for name, params in queries:
                warehouse.query(name, **params)
            runs.append(time.perf_counter() - start)
    print(
        f"the page's {len(queries)} queries, one door: first {runs[0]:.3f} s, "
        f"warm {statistics.median(runs[1:]):.3f} s (median of 5; no Streamlit cache)"
    )

    os.environ["SEND_DATA_DIR"] = str(data)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=300)
    at.run()
    start = time.perf_counter()
    at.switch_page("pages/waiting_times.py").run()
    first = time.perf_counter() - start
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    print(
        f"Waiting times page (AppTest, server side): first {first:.2f} s, "
        f"warm {statistics.median(warm):.2f} s (median of 3)"
    )

    if args.skip_openpyxl:
        return
    start = time.perf_counter()
    cells = 0
    for path in paths:
        wb = openpyxl.load_workbook(path, read_only=True)
        for sheet in wb.worksheets:
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
        wb.close()
    base_s = time.perf_counter() - start
    print(f"openpyxl read_only, every row of the same files: {base_s:.2f} s ({cells:,} cells)")
    print(f"ratio: the whole load is {base_s / load_s:.1f}x faster than openpyxl reading alone")


if __name__ == "__main__":
    main()
