"""CLI commands for published benchmarks (issue 3): ``load-published``, ``fetch-published``,
``benchmark`` and ``reconcile``. Registered by ``etl.__main__``; same conventions (DESIGN §8):
``--data-dir``, ``--json``, exit 0 success, 1 nothing loaded / no data, 2 usage error.
``etl.benchmark`` (and so pandas) is imported only inside the commands that use it, so every other
``python -m etl`` command starts without it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl import cli_snapshots, config
from etl import published as pub
from etl.cli_output import EXIT_NOTHING, EXIT_OK, EXIT_USAGE, emit, fail
from etl.store import NoDatabase, Published

if TYPE_CHECKING:
    from etl import benchmark as bm


def add_parsers(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    load = sub.add_parser(
        "load-published",
        help="load DfE published EHC plan statistics, the tribunal appeal rate and the "
        "statistical-neighbour lookup from a folder (searched by file name)",
    )
    load.add_argument("folder", type=Path, metavar="DIR")
    load.add_argument(
        "--replace", action="store_true", help="forget published files loaded earlier"
    )
    common(load)

    fetch_parser = sub.add_parser(
        "fetch-published",
        help="download the published files from [published.sources] and load them",
    )
    fetch_parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="download this instead of the configured sources (repeatable)",
    )
    fetch_parser.add_argument("--timeout", type=float, default=60.0, help="seconds per file")
    common(fetch_parser)

    bench = sub.add_parser(
        "benchmark",
        help="an LA's published figures beside region, England, statistical neighbours; rank",
    )
    bench.add_argument(
        "--la",
        help="LA code (E08000031 or 336) or name; default: home_la in the settings file",
    )
    bench.add_argument("--year", type=int, help="calendar year (default: latest published)")
    bench.add_argument(
        "--measure",
        action="append",
        choices=sorted(pub.MEASURES),
        help="only these measures (repeatable; default: all)",
    )
    common(bench)

    rec = sub.add_parser(
        "reconcile",
        help="our 20-week figures from the loaded SEN2 data beside DfE's for the same year",
    )
    rec.add_argument("--la", help="LA code or name (default: home_la in the settings file)")
    rec.add_argument("--year", type=int, required=True, help="calendar year")
    common(rec)


def _report_payload(report: pub.PublishedReport) -> dict[str, Any]:
    return {
        "published": report.published,
        "path": str(report.path),
        "files": [
            {
                "dataset": load.dataset,
                "file": str(load.path),
                "release": load.release,
                "status": "failed" if load.message else "loaded",
                "message": load.message,
                "rows_read": load.rows_read,
                "rows_loaded": load.rows_loaded,
                "rows_not_used": sum(load.not_used.values()),
                "rows_rejected": load.rows_rejected,
                "not_used": dict(load.not_used),
            }
            for load in report.files
        ],
        "problems": [p for load in report.files for p in load.problems],
        "notes": report.notes,
    }


def summary_lines(report: pub.PublishedReport) -> list[str]:
    """Human summary of a published load, one line per file."""
    lines = []
    for load in report.files:
        if load.message:
            lines.append(f"{load.path.name}: NOT LOADED — {load.message}")
            continue
        not_used = sum(load.not_used.values())
        lines.append(
            f"{load.path.name} ({load.dataset}; {load.release}): {load.rows_read:,} rows read, "
            f"{load.rows_loaded:,} loaded, {not_used:,} not used, {load.rows_rejected:,} "
            "rejected"
        )
    lines.extend(f"Note: {note}" for note in report.notes)
    return lines


def _load_exit(report: pub.PublishedReport) -> int:
    return EXIT_OK if report.rows_loaded else EXIT_NOTHING


def cmd_load_published(args: argparse.Namespace) -> int:
    folder = config.data_dir(args.data_dir)
    try:
        report = pub.load_published(args.folder, folder, replace=args.replace)
    except pub.PublishedError as error:
        return fail(args, str(error), EXIT_NOTHING)
    emit(args, _report_payload(report), "\n".join(summary_lines(report)))
    return _load_exit(report)


def _parse_sources(values: list[str]) -> dict[str, str]:
    sources = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not name or not url:
            raise ValueError(f"--source {value!r}: expected NAME=URL")
        sources[name.strip()] = url.strip()
    return sources


def cmd_fetch_published(args: argparse.Namespace) -> int:
    folder = config.data_dir(args.data_dir)
    try:
        sources = _parse_sources(args.source) or config.settings().published_sources
    except ValueError as error:
        return fail(args, str(error), EXIT_USAGE)
    try:
        from etl import fetch  # urllib and the download code, on use

        downloads = fetch.fetch(sources, folder, timeout=args.timeout)
        report = pub.load_published(fetch.download_folder(folder), folder)
    except pub.PublishedError as error:
        return fail(args, str(error), EXIT_NOTHING)
    payload = _report_payload(report)
    payload["downloads"] = [
        {"name": d.name, "url": d.url, "bytes": d.bytes, "files": [str(f) for f in d.files]}
        for d in downloads
    ]
    human = [f"Downloaded {d.name} ({d.bytes:,} bytes) from {d.url}" for d in downloads]
    emit(args, payload, "\n".join(human + summary_lines(report)))
    return _load_exit(report)


def _no_published(folder: Path) -> str:
    return (
        f"No published figures loaded in {folder}. Load them with `python -m etl "
        "load-published FOLDER` (e.g. ../shared/reference-data) or `python -m etl "
        "fetch-published`."
    )


def _home(args: argparse.Namespace, published: Published) -> bm.LA:
    from etl import benchmark as bm

    text = args.la or config.settings().home_la
    if not text:
        raise bm.UnknownLA(
            "Which LA? Pass --la CODE_OR_NAME or set home_la under [benchmark] in the settings "
            "file."
        )
    return published.resolve_la(text)


def _fmt(value: Any, measure: pub.Measure) -> str:
    from etl import benchmark as bm

    return bm.format_value(value, measure) if value is not None else "—"


def cmd_benchmark(args: argparse.Namespace) -> int:
    from etl import benchmark as bm

    folder = config.data_dir(args.data_dir)
    try:
        published = cli_snapshots.open_published(args)
    except NoDatabase:
        return fail(args, _no_published(folder), EXIT_NOTHING)
    try:
        la = _home(args, published)
        result = published.benchmark(
            la.code, args.year, tuple(args.measure) if args.measure else None
        )
    except bm.UnknownLA as error:
        return fail(args, str(error), EXIT_USAGE)
    finally:
        published.close()
    lines = [
        f"{result['la_name']} ({result['la_code']}, {result['old_la_code']}), "
        f"{result['region']} — {result['year']}",
        f"{'Measure':<62} {'LA':>9} {'Region':>9} {'England':>9} {'Nbr med':>9}  Rank",
    ]
    for key in args.measure or pub.MEASURES:
        row = result[key]
        measure = pub.MEASURES[key]
        rank = (
            f"{row['rank']} of {row['of']} (Q{row['quartile']})"
            if row["rank"]
            else ("not ranked" if measure.polarity == "neutral" else "no value")
        )
        lines.append(
            f"{measure.title[:61]:<62} {_fmt(row['la'], measure):>9} "
            f"{_fmt(row['region'], measure):>9} {_fmt(row['england'], measure):>9} "
            f"{_fmt(row['neighbours_median'], measure):>9}  {rank}  [{row.get('period', '')}]"
        )
    lines.append(
        "Rank 1 is the best; Q1 is the best quarter. Sources: python -m etl benchmark --json"
    )
    emit(args, result, "\n".join(lines))
    return EXIT_OK


def cmd_reconcile(args: argparse.Namespace) -> int:
    from etl import benchmark as bm

    folder = config.data_dir(args.data_dir)
    try:
        warehouse = cli_snapshots.open_warehouse(args)
    except NoDatabase:
        return fail(args, f"No SEN2 data loaded in {folder}.", EXIT_NOTHING)
    try:
        published = cli_snapshots.open_published(args)
    except NoDatabase:
        warehouse.close()
        return fail(args, _no_published(folder), EXIT_NOTHING)
    try:
        la = _home(args, published)
        result = published.reconcile(warehouse, la.code, args.year)
    except bm.UnknownLA as error:
        return fail(args, str(error), EXIT_USAGE)
    finally:
        published.close()
        warehouse.close()
    lines = [f"{la.name}, calendar year {args.year}: our SEN2 data against DfE's published figure"]
    if not result["year_complete_in_our_data"]:
        lines.append(
            f"Our data ends {result['snapshot_date']}: the year is not complete, so our "
            "figures cover part of it."
        )
    for line in result["lines"]:
        lines.append(
            f"  {line['title']}: ours {line['ours_pct']}% ({line['ours_within']} of "
            f"{line['ours_plans']}), DfE {line['dfe_pct']}% ({line['dfe_within']} of "
            f"{line['dfe_plans']}); difference {line['difference_plans']} plans, "
            f"{line['difference_pp']} percentage points"
        )
    lines.append("Cases that can explain a difference:")
    for item in result["explanations"]:
        lines.append(f"  {item['cases']:>6}  {item['title']}")
    emit(args, result, "\n".join(lines))
    return EXIT_OK


COMMANDS = {
    "load-published": cmd_load_published,
    "fetch-published": cmd_fetch_published,
    "benchmark": cmd_benchmark,
    "reconcile": cmd_reconcile,
}
