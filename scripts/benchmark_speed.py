"""Benchmark (issue 11): each figure of this tree beside its baseline, measured in the same run.

Prints figures; asserts nothing (DESIGN §9). Quote the load average it prints: on a shared
machine the ratios hold better than the seconds.

    python scripts/benchmark_speed.py --data-dir DIR [--baseline ../main] [--csv FOLDER]
        [--rounds 3] [--load FOLDER] [--add FILE… [--skip-full]]

- ``kpis``: ``python -m etl kpis --json --data-dir DIR`` in a new process, this tree against the
  baseline tree (a checkout of the code before the change, e.g. the main worktree), the share
  of it that ``import etl.__main__`` takes, and the modules each imported (pandas, pyarrow,
  fastexcel). Use a warehouse rebuilt by this tree: one built before the stored default figures
  (``mart_headline_kpis``) is answered by the live queries, and the script says which.
- ``--csv FOLDER``: every CSV in FOLDER read by ``etl.readers.read_file`` (DuckDB when it can)
  against the standard library's line-by-line reading of the same file (the reader before this
  change, kept as the fallback), and DuckDB's bare ``read_csv`` (the floor); then the keyed hashes
  of the first column: ``Pseudonymiser.keys`` (DuckDB) against one Python HMAC call per row.
- ``--add FILE… --data-dir DIR [--baseline TREE] [--skip-full]``: the files loaded onto a copy
  of DIR's warehouse by this tree, rebuilding only the kinds they change, against the baseline
  tree's same load and the same load rebuilding every kind (the warehouse's build fingerprint
  removed, which is what every load did before), alternating; with the floors of start-up and
  imports and of the bare copy of the warehouse file, measured in the same rounds.
- ``--load FOLDER``: ``python -m etl load FOLDER --replace`` into a new data folder, this tree
  against the baseline tree, with each process's peak memory (``ru_maxrss`` of the child).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

HEAVY = ("pandas", "pyarrow", "fastexcel", "numpy")


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()
    except OSError:
        return "unknown"


def _rounds(fn: Callable[[], object], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _show(label: str, times: list[float], base: list[float] | None = None) -> None:
    line = f"  {label:<58} min {min(times):6.2f} s  median {statistics.median(times):6.2f} s"
    if base:
        line += f"  ({statistics.median(base) / statistics.median(times):.1f}x faster)"
    print(line, flush=True)


def _python(tree: Path) -> str:
    venv = tree / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _cli(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_python(tree), "-m", "etl", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )


def _modules(tree: Path, data: Path) -> list[str]:
    probe = (
        "import contextlib, io, sys; from etl.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['kpis', '--json', '--data-dir', {str(data)!r}])\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [_python(tree), "-c", probe], cwd=tree, capture_output=True, text=True, check=True
    )
    return [m for m in done.stdout.strip().split(",") if m]


def _import_seconds(tree: Path) -> float:
    """Seconds ``import etl.__main__`` takes in a new process of ``tree`` (start-up's share)."""
    probe = (
        "import time; t = time.perf_counter(); import etl.__main__; print(time.perf_counter() - t)"
    )
    done = subprocess.run(
        [_python(tree), "-c", probe], cwd=tree, capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip())


def _stores_headlines(data: Path) -> bool:
    """Whether the warehouse holds the build's stored default figures (built since issue 11's
    kpis work); one built before answers ``kpis`` from the live queries."""
    import duckdb

    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        found = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'mart_headline_kpis'"
        ).fetchall()
    return bool(found[0][0])


def bench_kpis(data: Path, baseline: Path | None, rounds: int) -> None:
    stored = (
        "holds the build's stored figures"
        if _stores_headlines(data)
        else "was built before the stored figures: live queries"
    )
    print(f"kpis --json on {data} ({rounds} rounds, alternating); the warehouse {stored}")
    ours: list[float] = []
    base: list[float] = []
    ours_import: list[float] = []
    base_import: list[float] = []
    for _ in range(rounds):
        ours += _rounds(lambda: _cli(REPO, "kpis", "--json", "--data-dir", str(data)), 1)
        ours_import.append(_import_seconds(REPO))
        if baseline:
            base += _rounds(lambda: _cli(baseline, "kpis", "--json", "--data-dir", str(data)), 1)
            base_import.append(_import_seconds(baseline))
    if baseline:
        _show(f"baseline ({baseline})", base)
    _show("this tree", ours, base or None)
    if baseline:
        _show("  of which import etl.__main__, baseline", base_import)
    _show("  of which import etl.__main__, this tree", ours_import, base_import or None)
    print(f"  modules imported, this tree: {_modules(REPO, data) or 'none of ' + str(HEAVY)}")
    if baseline:
        print(f"  modules imported, baseline: {_modules(baseline, data)}")


def bench_csv(folder: Path, rounds: int) -> None:
    import duckdb

    from etl import readers
    from etl.config import Limits, Pseudonymiser

    files = sorted(p for p in folder.glob("*.csv") if p.stat().st_size > 100_000)
    size = sum(p.stat().st_size for p in files)
    print(f"CSV reading: {len(files)} files, {size / 1e6:.0f} MB in {folder} ({rounds} rounds)")
    limits = Limits()

    def line_by_line() -> None:
        for path in files:
            raw = path.read_bytes()
            lines = io.StringIO(readers._decode(raw), newline="").readlines()
            readers._split_csv(path, lines, readers._delimiter(lines), limits)

    def read_file() -> None:
        for path in files:
            readers.read_file(path, limits)

    def floor() -> None:
        with duckdb.connect() as con:
            for path in files:
                con.sql("SELECT * FROM read_csv(?, all_varchar = true)", params=[str(path)]).arrow()

    base = _rounds(line_by_line, rounds)
    _show("standard library, line by line (before)", base)
    _show("etl.readers.read_file (DuckDB when it can)", _rounds(read_file, rounds), base)
    _show("bare DuckDB read_csv to Arrow (floor)", _rounds(floor, rounds))

    [sheet] = readers.read_file(files[0], limits)
    ids = sheet.columns[0].slice(1)
    pseudo = Pseudonymiser(b"benchmark key")
    print(f"Keyed hashes of {len(ids):,} ids ({files[0].name}, first column)")

    def per_row() -> None:
        fresh = Pseudonymiser(b"benchmark key")
        [fresh("person", v) if v is not None else None for v in ids.to_pylist()]

    base = _rounds(per_row, rounds)
    _show("one Python HMAC per row (before)", base)
    _show(
        "Pseudonymiser.keys (DuckDB, distinct values)",
        _rounds(lambda: pseudo.keys("person", ids), rounds),
        base,
    )


def bench_load(folder: Path, baseline: Path | None, rounds: int) -> None:
    print(f"load {folder} --replace into a new data folder ({rounds} rounds, alternating)")

    def run(tree: Path) -> tuple[float, float]:
        with tempfile.TemporaryDirectory(prefix="send-speed-") as data:
            start = time.perf_counter()
            command = ["load", str(folder), "--replace", "--json", "--data-dir", data]
            done = subprocess.run(
                ["/usr/bin/time", "-f", "%M", _python(tree), "-m", "etl", *command],
                cwd=tree,
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONPATH": str(tree)},
            )
            seconds = time.perf_counter() - start
            peak_kb = int(done.stderr.strip().splitlines()[-1])  # GNU time: max resident KB
            return seconds, peak_kb / 1024 / 1024

    # The trees take turns, round by round: on a shared machine the speed drifts over minutes.
    trees = [(label, tree) for label, tree in (("baseline", baseline), ("this tree", REPO)) if tree]
    results: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in trees}
    for _ in range(rounds):
        for label, tree in trees:
            results[label].append(run(tree))
    for label, tree in trees:
        _show(f"{label} ({tree})", [r[0] for r in results[label]])
        print(f"  peak memory (max resident): {max(r[1] for r in results[label]):.2f} GB")


def _timed_cli(tree: Path, *args: str) -> tuple[float, float]:
    """Seconds and peak memory (GB, the child's max resident set) of one ``python -m etl``."""
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", _python(tree), "-m", "etl", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )
    return time.perf_counter() - start, int(done.stderr.strip().splitlines()[-1]) / 1024 / 1024


def _seed(data: Path, tree: Path, into: Path) -> None:
    """A copy of DATA's warehouse and key, rebuilt once by ``tree`` so that it carries that
    tree's build fingerprint (an incremental load of that tree then starts from a copy of it)."""
    into.mkdir()
    for name in ("warehouse.duckdb", ".hash_key"):
        if (data / name).exists():
            shutil.copy2(data / name, into / name)
    seconds, peak = _timed_cli(tree, "rebuild", "--json", "--data-dir", str(into))
    print(f"  rebuild of the whole warehouse by {tree}: {seconds:.2f} s, peak {peak:.2f} GB")


def _bare_copy(source: Path, tmp: Path) -> float:
    """Seconds to copy the warehouse file and flush it to disk (the floor of any load that
    starts from a copy of it on a filesystem without reflinks)."""
    target = tmp / "bare-copy.duckdb"
    start = time.perf_counter()
    shutil.copyfile(source, target)
    with open(target, "rb+") as written:
        os.fsync(written.fileno())
    seconds = time.perf_counter() - start
    target.unlink()
    return seconds


def _startup(tree: Path) -> float:
    """Seconds for a new process of ``tree`` to start and import what a tracker load imports
    (the CLI, the loader, the readers and the tracker kind), doing nothing else."""
    probe = "import etl.__main__, etl.warehouse, etl.readers, etl.inputs.tracker"
    start = time.perf_counter()
    subprocess.run(
        [_python(tree), "-c", probe],
        cwd=tree,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )
    return time.perf_counter() - start


def bench_add(
    data: Path, files: list[Path], rounds: int, baseline: Path | None, full: bool
) -> None:
    """A small file loaded onto a big warehouse, in alternating rounds, each load on a fresh
    copy of the same warehouse: this tree's load, which rebuilds only the kinds the file changes;
    the baseline tree's (``--baseline``: the code before the change, on a copy rebuilt by it);
    this tree rebuilding every kind (the build fingerprint removed: what every load did before
    incremental loads; ``--skip-full`` leaves it out); and two floors measured in the same
    rounds: a new process importing what the load imports, and the bare copy of the warehouse
    file with its flush to disk."""
    import duckdb

    names = " ".join(p.name for p in files)
    size = (data / "warehouse.duckdb").stat().st_size
    print(f"load {names} onto a copy of {data} ({size / 1e6:.0f} MB; {rounds} rounds, alternating)")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        compiled = [str(t) for t in (REPO, baseline) if t and (t / "etl" / "__pycache__").is_dir()]
        print(
            "  PYTHONDONTWRITEBYTECODE is set: a tree's modules compile at every start unless "
            f"compiled beforehand (python -m compileall etl); compiled: {compiled or 'none'}"
        )
    with tempfile.TemporaryDirectory(prefix="send-speed-add-", dir=data.parent) as tmp:
        trees = {"this tree": REPO, **({"baseline": baseline} if baseline else {})}
        seeds = {label: Path(tmp) / f"seed-{i}" for i, label in enumerate(trees)}
        for label, tree in trees.items():
            _seed(data, tree, seeds[label])
        modes = [*trees, *(["every kind rebuilt"] if full else [])]
        timings: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
        floors: dict[str, list[float]] = {"start-up and imports": [], "bare copy + flush": []}
        loads: list[str] = []
        for _ in range(rounds):
            loads.append(_loadavg())
            for mode in modes:
                tree = trees.get(mode, REPO)
                folder = Path(tmp) / "run"
                shutil.rmtree(folder, ignore_errors=True)
                seed = seeds.get(mode, seeds["this tree"])
                shutil.copytree(seed, folder, ignore=shutil.ignore_patterns("snapshots"))
                if mode == "every kind rebuilt":  # no fingerprint: every kind is rebuilt
                    with duckdb.connect(str(folder / "warehouse.duckdb")) as con:
                        con.execute("DROP TABLE build_fingerprint")
                command = ["load", *map(str, files), "--json", "--data-dir", str(folder)]
                timings[mode].append(_timed_cli(tree, *command))
            floors["start-up and imports"].append(_startup(REPO))
            floors["bare copy + flush"].append(
                _bare_copy(seeds["this tree"] / "warehouse.duckdb", Path(tmp))
            )
        loads.append(_loadavg())
        print(f"  load average at each round's start, then at the end: {' → '.join(loads)}")
        ours = [t for t, _ in timings["this tree"]]
        for mode in modes:
            mine = [t for t, _ in timings[mode]]
            label = {"this tree": "this tree, only the kinds the file changes"}.get(mode, mode)
            if mode == "baseline":
                label = f"baseline ({baseline}), only the kinds the file changes"
            _show(label, mine)
        for mode in modes:
            if mode != "this tree":
                base = [t for t, _ in timings[mode]]
                print(
                    f"  this tree against {mode}: "
                    f"{statistics.median(base) / statistics.median(ours):.1f}x faster (medians)"
                )
        for label, times in floors.items():
            _show(f"floor: {label}, this tree", times)
        for mode, results in timings.items():
            print(f"  peak memory, {mode}: {max(m for _, m in results):.2f} GB")


def compile_tree(tree: Path) -> None:
    """Compile a tree's modules first, so that every round runs as a user's second run does.
    Python writes them on a first run, unless PYTHONDONTWRITEBYTECODE is set (as on some
    machines here): each process would then compile every module it imports, 0.2-0.3 s a load."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "etl", "ui", "pages", "dashboard.py"],
        cwd=tree,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="a loaded data folder for kpis")
    parser.add_argument("--baseline", type=Path, help="the code before the change")
    parser.add_argument("--csv", type=Path, metavar="FOLDER", help="CSV files to read")
    parser.add_argument("--load", type=Path, metavar="FOLDER", help="files to load")
    parser.add_argument(
        "--add",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="files to load onto a copy of --data-dir's warehouse, incremental against full",
    )
    parser.add_argument(
        "--skip-full", action="store_true", help="--add: leave out the load rebuilding every kind"
    )
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load average at start: {_loadavg()}; {os.cpu_count()} cores", flush=True)
    for tree in (REPO, args.baseline):
        if tree is not None:
            compile_tree(tree)
    if args.data_dir and not args.add:
        bench_kpis(args.data_dir, args.baseline, args.rounds)
    if args.add:
        if not args.data_dir:
            parser.error("--add needs --data-dir (the warehouse to load onto)")
        bench_add(args.data_dir, args.add, args.rounds, args.baseline, not args.skip_full)
    if args.csv:
        bench_csv(args.csv, args.rounds)
    if args.load:
        bench_load(args.load, args.baseline, args.rounds)
    print(f"load average at end: {_loadavg()}")


if __name__ == "__main__":
    main()
