"""Benchmark: the board pack at the ``large`` demo scale, each format, baselines in the same run.

Prints figures; asserts nothing (DESIGN §9: targets live in benchmarks, not timed tests). Target:
a board pack builds in under 20 s (issue 15).

    python scripts/benchmark_pack.py [--data-dir DIR] [--repeat 3]

Without --data-dir it first makes the large demo (``python -m etl demo --scale large``, a few
minutes) in a temporary folder; with it, it uses that folder's data as it is.

1. Content: ``etl.packs.build.make_pack`` (snapshot resolved, every headline and theme query,
   the disclosure engine) in publish mode, compared with the previous snapshot.
2. Each renderer (PDF, PowerPoint, XLSX) on that content; the whole pack = content + render.
3. The whole command in a new process, cold (``python -m etl pack --format pdf``): imports,
   snapshot, content, render — what a user waits for.
4. Baselines in the same run: (a) the figures alone — ``etl.headlines.headlines`` for the same
   warehouse, the list the Overview and meeting mode show — so the pack's own overhead is
   visible; (b) the pack's tables written the obvious way, pandas ``DataFrame.to_excel``
   (openpyxl), one sheet per table, against our XLSX renderer.
Medians of --repeat runs (the first run is included: a board pack is built once, cold).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="use this data folder (else make one)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("SEND_HASH_KEY", "benchmark-key")

    data = args.data_dir
    if data is None:
        data = Path(tempfile.mkdtemp(prefix="pack-bench-")) / "data"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "etl", "demo", "--scale", "large", "--data-dir", str(data)],
            check=True,
            cwd=REPO,
            env={**os.environ, "SEND_DATA_DIR": str(data)},
            stdout=subprocess.DEVNULL,
        )
        print(f"made the large demo in {time.perf_counter() - start:.0f} s: {data}")

    import pandas as pd

    from etl import headlines, snapshots
    from etl.packs.build import make_pack, renderer
    from etl.store import Warehouse

    shots = snapshots.list_snapshots(data)
    compare = "previous" if len(shots) > 1 else None
    with Warehouse.at(data) as warehouse:
        meta = warehouse.meta() or {}
        waiting = warehouse.query("waits_meta")
        plans = warehouse.kpis()
    print(
        f"data: {meta.get('requests_loaded', 0):,} SEN2 requests; "
        f"{int(waiting['referrals'].sum()) if 'referrals' in waiting else 0:,} waiting-list "
        f"referrals; {plans.get('plans_issued', 0):,} plans issued in {plans.get('year')}; "
        f"{len(shots)} snapshots (compared with: {compare or 'none'})"
    )

    content, pack = timed(lambda: make_pack(data, mode="publish", compare=compare), args.repeat)
    tables = pack.tables()
    rows = sum(len(t.rows) for t in tables)
    print(
        f"content (make_pack, publish): {content:6.2f} s  ({len(pack.sections)} sections, "
        f"{len(tables)} tables, {rows} rows)"
    )

    def figures_only() -> list[Any]:
        with Warehouse.at(data) as warehouse:
            return headlines.headlines(warehouse)

    baseline, found = timed(figures_only, args.repeat)
    print(
        f"baseline: headline figures alone: {baseline:6.2f} s  ({len(found)} headlines) — "
        f"the pack costs {content / baseline:.1f}x the figures it summarises"
    )

    out = Path(tempfile.mkdtemp(prefix="pack-bench-out-"))
    totals = {}
    for name in ("pdf", "pptx", "xlsx"):
        path = out / f"board.{name}"
        render, _ = timed(partial(renderer(name), pack, path), args.repeat)
        totals[name] = content + render
        print(
            f"render {name:<4}: {render:6.2f} s  → whole pack {totals[name]:6.2f} s  "
            f"({path.stat().st_size / 1024:.0f} KB)  target < 20 s: "
            f"{'met' if totals[name] < 20 else 'NOT met'}"
        )

    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "etl", "pack", "--out", str(out / "cli.pdf")]
        + (["--compare", compare] if compare else []),
        check=True,
        cwd=REPO,
        env={**os.environ, "SEND_DATA_DIR": str(data)},
        stdout=subprocess.DEVNULL,
    )
    print(f"python -m etl pack (PDF) in a new process, cold: {time.perf_counter() - start:6.2f} s")

    def pandas_xlsx() -> None:
        with pd.ExcelWriter(out / "baseline.xlsx", engine="openpyxl") as writer:
            for number, table in enumerate(tables):
                frame = pd.DataFrame(list(table.rows), columns=[c.heading for c in table.columns])
                frame.to_excel(writer, sheet_name=f"T{number}", index=False)

    plain, _ = timed(pandas_xlsx, args.repeat)
    ours = totals["xlsx"] - content
    print(
        f"baseline: pandas to_excel (openpyxl) of the same tables: {plain:6.2f} s; "
        f"our XLSX renderer {ours:6.2f} s ({ours / plain:.1f}x, with About sheet, units, "
        "formats and frozen headings)"
    )


if __name__ == "__main__":
    main()
