"""Benchmark: record a RAG override on a warehouse at `large` scale, against what an override
cost before the record store (a rebuild of the whole warehouse, timed as loading one small file).

Prints figures; asserts nothing (DESIGN §9: targets live in benchmarks, not timed tests).

    python scripts/benchmark_override.py [--scale large] [--repeat 5]

1. Builds the demo data (SEN2 at the scale given, plus the demo trackers) in a temporary folder.
2. Times `etl.tracker.report.apply_override` (find the item, append one record) — in-process,
   as the dashboard's form does it — and `python -m etl override …` end to end, as a user runs it.
3. Baseline, same run: `run_load` of a one-case CSV, i.e. copy every staging table, rebuild and
   publish — what every override cost when it rebuilt the warehouse.
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _median(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", choices=["la", "large"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from etl import demo
    from etl.inputs.tracker import demo as tracker_demo
    from etl.tracker import report
    from etl.warehouse import run_load

    work = Path(tempfile.mkdtemp(prefix="send-bench-override-"))
    os.environ.setdefault("SEND_HASH_KEY", "benchmark-key-not-secret")
    data = work / "data"
    sen2 = demo.generate(work / "inputs", seed=1, scale=args.scale)
    trackers = tracker_demo.generate(work / "trackers", seed=1, snapshot=demo.DEFAULT_SNAPSHOT)
    run_load(sen2, data, synthetic=True, replace=True, as_of=demo.DEFAULT_SNAPSHOT)
    run_load(trackers[:-1], data, synthetic=True)
    size = (data / "warehouse.duckdb").stat().st_size / 1e6
    print(f"Warehouse: {args.scale} demo + trackers, {size:.1f} MB")

    target = "2.1"
    in_process = []
    for i in range(args.repeat):
        start = time.perf_counter()
        report.apply_override(data, target, "Amber", reason=f"benchmark {i}", author="bench")
        in_process.append(time.perf_counter() - start)
    print(f"Override, in process (the dashboard's form): {_median(in_process)}")

    cli = []
    for i in range(args.repeat):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "etl",
                "override",
                target,
                "--rag",
                "Green",
                "--reason",
                f"benchmark {i}",
                "--author",
                "bench",
                "--data-dir",
                str(data),
            ],
            check=True,
            capture_output=True,
            cwd=REPO,
        )
        cli.append(time.perf_counter() - start)
    print(f"Override, `python -m etl override` end to end: {_median(cli)}")

    rebuilds = []
    for i in range(args.repeat):
        # One new case each time (a new file, so it is not skipped as already loaded).
        extra = work / f"one-case-{i}.csv"
        extra.write_text(
            "Person ID,Request ID,ReceivedDate,RequestOutcome\n"
            f"BENCH-P{i},BENCH-R{i},2026-10-01,A\n"
        )
        start = time.perf_counter()
        run_load([extra], data, synthetic=True)
        rebuilds.append(time.perf_counter() - start)
    print(f"Baseline, a rebuild (load of a one-case CSV): {_median(rebuilds)}")
    ratio = statistics.median(rebuilds) / statistics.median(in_process)
    print(f"The override is {ratio:.0f}x faster than a rebuild.")


if __name__ == "__main__":
    main()
