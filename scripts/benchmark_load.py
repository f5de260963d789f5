"""Benchmark: load a `large` SEN2 workbook end to end, against a plain pandas + openpyxl read.

Prints figures; asserts nothing (DESIGN §9: targets live in benchmarks, not timed tests).

    python scripts/benchmark_load.py [--scale large] [--seed 1] [--repeat 3] [--pages]
    python scripts/benchmark_load.py --pages --data-dir DIR [--repeat 3] [--profile PAGE]

1. Writes the synthetic `large` workbook (about 20,000 plans, 4,000 requests a year).
2. Times `python -m etl load FILE --replace` end to end, as a user runs it (a new process: import,
   read, validate, build, publish).
3. Times `pandas.read_excel(FILE, sheet_name=None, engine="openpyxl")` — reading alone, the
   baseline most council analysts would reach for — in the same run on the same file.
   Also times the bare floor issue 11 names, in a new process like the load, alternating with
   it: Python start-up, fastexcel reading every sheet as text, one DuckDB table made from each
   sheet and a checkpoint (no checks, keys, build or snapshot).
4. With --pages, times each dashboard page (AppTest through dashboard.py), first render and warm,
   beside a bare AppTest run as the baseline; with --data-dir, on that folder instead (no load);
   --profile PAGE prints a cProfile of that page (PROFILE_SORT=tottime to sort by own time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _time(fn: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


# The floor (issue 11): a new process reads every sheet with fastexcel, as text, makes one DuckDB
# table from each and checkpoints. Arguments: the workbook, the database file to write.
FLOOR = """
import sys, duckdb, fastexcel
con = duckdb.connect(sys.argv[2])
book = fastexcel.read_excel(sys.argv[1])
for i, name in enumerate(book.sheet_names):
    sheet = book.load_sheet(name, header_row=None, dtypes="string").to_arrow()
    con.execute(f"CREATE OR REPLACE TABLE sheet_{i} AS SELECT * FROM sheet")
con.execute("CHECKPOINT")
con.close()
"""


def _load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def _profile_run(at: Any) -> None:
    """Print a cProfile of one AppTest run: the script runs in AppTest's script thread, so
    that thread's run is what is profiled."""
    import cProfile
    import pstats

    from streamlit.runtime.scriptrunner import script_runner

    profiler = cProfile.Profile()
    original = script_runner.ScriptRunner._run_script

    def profiled(self: Any, rerun_data: Any) -> None:
        profiler.runcall(original, self, rerun_data)

    script_runner.ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    try:
        at.run()
    finally:
        script_runner.ScriptRunner._run_script = original  # type: ignore[method-assign]
    pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(60)


def time_pages(data: Path, repeat: int, profile: str | None = None) -> None:
    """Time every page through dashboard.py (AppTest, server side): its first render in this
    process, then ``repeat`` warm renders; the baseline is a bare script's AppTest run in the
    same session (AppTest's own cost, which every page pays)."""
    from streamlit.testing.v1 import AppTest

    os.environ["SEND_DATA_DIR"] = str(data)
    print(f"\npages on {data}, {repeat} warm rounds each; {_load_average()}")

    bare = AppTest.from_string('import streamlit as st\nst.title("baseline")')
    bare.run()
    base = []
    for _ in range(repeat):
        start = time.perf_counter()
        bare.run()
        base.append(time.perf_counter() - start)
    print(
        f"{'baseline: a bare AppTest run':<34} warm min {min(base):5.3f} s, median "
        f"{statistics.median(base):5.3f} s"
    )
    # Pages run through dashboard.py (st.navigation), as in the app; one session throughout,
    # as one user moving between pages (process-wide caches warm once, per-page ones per page).
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    start = time.perf_counter()
    at.run()
    print(f"{'dashboard.py start (Overview)':<34} first {time.perf_counter() - start:5.2f} s")
    for page in sorted((REPO / "pages").glob("*.py")):
        at.switch_page(f"pages/{page.name}")
        start = time.perf_counter()
        at.run()
        first = time.perf_counter() - start
        assert not at.exception, at.exception
        warm = []
        for _ in range(repeat):
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
            assert not at.exception, at.exception
        flag = "  OVER 0.3 s" if statistics.median(warm) > 0.3 else ""
        print(
            f"page {page.stem:<29} first {first:5.2f} s, warm min {min(warm):5.3f} s, "
            f"median {statistics.median(warm):5.3f} s{flag}"
        )
        if profile == page.stem:
            _profile_run(at)
    print(_load_average())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", choices=["la", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", action="store_true", help="also time page renders")
    parser.add_argument(
        "--published",
        type=Path,
        metavar="DIR",
        help="also time load-published DIR (e.g. ../shared/reference-data) against pandas",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="with --pages: time the pages on this data folder (e.g. a national one) and skip "
        "writing and loading the workbook",
    )
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="with --pages: print a cProfile of PAGE's (e.g. timeliness) last warm render",
    )
    args = parser.parse_args()
    if args.data_dir is not None:
        if not args.pages:
            parser.error("--data-dir is for --pages")
        time_pages(args.data_dir, args.repeat, args.profile)
        return

    import fastexcel
    import pandas as pd

    from etl import demo

    sys.path.insert(0, str(REPO / "scripts"))
    from benchmark_speed import compile_tree

    compile_tree(REPO)  # every round runs as a user's second run does (see there)
    work = Path(tempfile.mkdtemp(prefix="send-bench-"))
    paths = demo.generate(work / "inputs", seed=args.seed, scale=args.scale)
    workbook = paths[0]
    book = fastexcel.read_excel(workbook)
    sizes = {name: book.load_sheet(name, header_row=None).height - 1 for name in book.sheet_names}
    print(f"Workbook: {workbook.name}, {workbook.stat().st_size / 1e6:.1f} MB")
    for name, rows in sizes.items():
        print(f"  {name:<18} {rows:>8,} rows")
    print(f"  {'total':<18} {sum(sizes.values()):>8,} rows (each sheet less its header row)")

    data = work / "data"
    env = {**os.environ, "SEND_DATA_DIR": str(data)}

    def load() -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "etl",
                "load",
                str(workbook),
                "--replace",
                "--data-dir",
                str(data),
            ],
            cwd=REPO,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def baseline() -> None:
        pd.read_excel(workbook, sheet_name=None, engine="openpyxl")

    floor_db = work / "floor.duckdb"

    def floor() -> None:
        floor_db.unlink(missing_ok=True)
        subprocess.run(
            [sys.executable, "-c", FLOOR, str(workbook), str(floor_db)], cwd=REPO, check=True
        )

    load_times: list[float] = []
    floor_times: list[float] = []
    print(f"\n{args.repeat} rounds, the load and the floor alternating; {_load_average()}")
    for _ in range(args.repeat):
        load_times += _time(load, 1)
        floor_times += _time(floor, 1)
    base_times = _time(baseline, max(1, min(args.repeat, 2)))
    load_s, base_s = statistics.median(load_times), statistics.median(base_times)
    floor_s = statistics.median(floor_times)
    print(
        f"etl load, end to end: min {min(load_times):5.2f} s, median {load_s:5.2f} s   "
        f"{[round(t, 2) for t in load_times]}"
    )
    print(
        f"floor (fastexcel + one table a sheet + checkpoint, new process): min "
        f"{min(floor_times):5.2f} s, median {floor_s:5.2f} s   {[round(t, 2) for t in floor_times]}"
    )
    print(
        f"pandas.read_excel + openpyxl, read only (median of {len(base_times)}): "
        f"{base_s:6.2f} s   {[round(t, 2) for t in base_times]}"
    )
    print(
        f"ratio: load is {base_s / load_s:.1f}x faster than the openpyxl read alone "
        f"(target ≥ 10x); the floor is {base_s / floor_s:.1f}x"
    )
    print(
        f"ratio: load takes {load_s / floor_s:.2f}x the floor's time (target ≤ 1.5x); "
        f"{_load_average()}"
    )

    if args.published:
        from etl.published import find_files

        found, _notes = find_files(args.published)
        rows = 0
        for path in found.values():
            with path.open(encoding="utf-8-sig") as handle:
                rows += sum(1 for _ in handle) - 1

        def load_published() -> None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "etl",
                    "load-published",
                    str(args.published),
                    "--replace",
                    "--data-dir",
                    str(data),
                ],
                cwd=REPO,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )

        def read_with_pandas() -> None:
            for path in found.values():
                pd.read_csv(path, dtype=str, encoding="utf-8-sig", on_bad_lines="skip")

        pub_times = _time(load_published, args.repeat)
        csv_times = _time(read_with_pandas, args.repeat)
        pub_s, csv_s = statistics.median(pub_times), statistics.median(csv_times)
        print()
        print(f"published files: {len(found)} files, {rows:,} rows")
        print(f"etl load-published, end to end (median of {len(pub_times)}): {pub_s:6.2f} s")
        print(f"pandas.read_csv of the same files, read only: {csv_s:6.2f} s")
        print(f"ratio: load-published takes {pub_s / csv_s:.1f}x the time of a bare pandas read")

    if args.pages:
        time_pages(data, args.repeat, args.profile)


if __name__ == "__main__":
    main()
