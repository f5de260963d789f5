"""Command line: ``python -m etl COMMAND [options]`` (DESIGN §8).

Every command takes ``--data-dir DIR`` (env ``SEND_DATA_DIR``, default ``./data``) and ``--json``
(JSON and nothing else on stdout). Exit codes: 0 success (rows may still have been rejected),
1 nothing could be loaded / no data, 2 usage error, 3 (load and check) some files loaded but at
least one file was refused whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl import (
    cli_audit,
    cli_packs,
    cli_published,
    cli_review,
    cli_snapshots,
    config,
    snapshots,
)
from etl.cli_output import EXIT_NOTHING, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, emit, fail
from etl.parse import parse_date
from etl.progress import terminal_progress
from etl.store import NoDatabase, Warehouse
from etl.tracker import report as tracker_report

if TYPE_CHECKING:
    from etl.warehouse import LoadReport

# True when this module is the program (``python -m etl``), not imported (tests, the dashboard).
PROGRAM = False


def run_load(*args: Any, **kwargs: Any) -> LoadReport:
    """``etl.warehouse.run_load``, imported on first use: the readers (pyarrow, fastexcel) cost
    commands that only query (``kpis``, ``quality``) a third of a second they do not need."""
    from etl.warehouse import run_load as load

    return load(*args, **kwargs)


def _date(text: str) -> dt.date:
    parsed = parse_date(text)
    if parsed.error or parsed.value is None:
        raise argparse.ArgumentTypeError(parsed.error or "a date is required")
    value: dt.date = parsed.value
    return value


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month; write YYYY-MM") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data folder (env SEND_DATA_DIR, default ./data)")
    parser.add_argument("--json", action="store_true", help="print JSON only")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="SEND Partnership Dashboard ETL: load SEN2 files into the warehouse, check "
        "them, and print headline figures.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    load = sub.add_parser(
        "load",
        help="load SEN2 files (xlsx/csv, or a folder of Blade CSVs) or improvement-plan trackers",
    )
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load.add_argument(
        "--replace",
        action="store_true",
        help="start again from these files only (forget earlier loads)",
    )
    load.add_argument(
        "--as-of",
        type=_date,
        help="snapshot date of these files (default: the return's own reference date, else "
        "the latest date in the data)",
    )
    _common(load)

    check = sub.add_parser("check", help="report problems in files without loading them")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    _common(check)

    quality = sub.add_parser("quality", help="list every problem in the published data")
    quality.add_argument("--severity", choices=["error", "query"], help="only this severity")
    _common(quality)

    kpis = sub.add_parser(
        "kpis", help="headline figures: EHC plans, plan milestones and waiting times"
    )
    kpis.add_argument("--year", type=int, help="calendar year (default: year of --as-of)")
    kpis.add_argument("--as-of", type=_date, help="as-at date (default: the data's snapshot)")
    _common(kpis)

    lookup = sub.add_parser(
        "lookup",
        help="where a watchlist reference (R-…) came from: the "
        "file, sheet and row, to find the case in your own records",
    )
    lookup.add_argument("reference", metavar="REFERENCE")
    _common(lookup)

    plan = sub.add_parser(
        "milestones",
        help="improvement-plan milestones and actions of the latest reporting period, with RAG",
    )
    plan.add_argument(
        "--as-of", type=_date, help="the period in force at this date (default: the latest)"
    )
    _common(plan)

    override = sub.add_parser(
        "override",
        help="override the RAG of one milestone or action (kept with its reason, author and "
        "history)",
    )
    override.add_argument(
        "target", metavar="NAME_OR_REF", help="action ref, milestone name, or part of a name"
    )
    rag_choice = override.add_mutually_exclusive_group(required=True)
    rag_choice.add_argument("--rag", choices=["Complete", "Not started", "Green", "Amber", "Red"])
    rag_choice.add_argument("--clear", action="store_true", help="remove the override")
    override.add_argument("--reason", required=True, help="why (shown beside the override)")
    override.add_argument("--author", required=True, help="who decided it")
    override.add_argument(
        "--as-of", type=_date, help="the period in force at this date (default: the latest)"
    )
    _common(override)

    demo = sub.add_parser("demo", help="write synthetic SEN2 files and load them")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--scale", choices=["la", "large", "national"], default="la")
    demo.add_argument("--out", type=Path, help="where to write the files (default DATA_DIR/demo)")
    demo.add_argument(
        "--force",
        action="store_true",
        help="replace the data in DATA_DIR even if it is not synthetic",
    )
    _common(demo)
    waits = sub.add_parser(
        "waits-published",
        help="NHS England's published children's waiting lists for an ICB, provider, region, "
        "England or an LA (its ICB), beside England",
    )
    waits.add_argument("--area", required=True, metavar="CODE_OR_NAME")
    waits.add_argument("--month", type=_month, help="YYYY-MM (default: the latest loaded)")
    _common(waits)
    rules = sub.add_parser("rules", help="list every data-quality rule code with its meaning")
    rules.add_argument("--json", action="store_true", help="print JSON instead of text")
    cli_published.add_parsers(sub, _common)
    cli_review.add_parsers(sub, _common)
    cli_snapshots.add_parsers(sub, _common)
    cli_packs.add_parsers(sub, _common)
    cli_snapshots.add_snapshot_option(sub)
    cli_audit.add_parsers(sub, _common, _date)
    return parser


def _nothing_found(paths: list[Path]) -> str:
    """What to say when the paths given hold no file to read (an empty folder, say)."""
    return (
        "No spreadsheet or CSV file found in "
        + ", ".join(str(p) for p in paths)
        + ". Give .xlsx or .csv files, or a folder holding them (sub-folders are not searched)."
    )


def _report_text(report: LoadReport, verb: str, paths: list[Path]) -> str:
    if not report.files:
        return _nothing_found(paths)
    lines = []
    # Keyed by load, not by name: two files may share a name in different folders, and then
    # each is named by its path.
    by_load = {s["load_id"]: s for s in report.summary}
    names = [result.path.name for result in report.files]
    for result in report.files:
        name = str(result.path) if names.count(result.path.name) > 1 else result.path.name
        if result.status == "skipped":
            lines.append(f"{name}: {result.message}")
            continue
        if result.status == "failed":
            lines.append(f"{name}: NOT LOADED — {result.message}")
            continue
        s = by_load.get(result.load_id, {})
        lines.append(
            f"{name} ({result.shape}): {s.get('rows_read', 0)} rows read, "
            f"{s.get('rows_loaded', 0)} {verb}, {s.get('rows_rejected', 0)} rejected, "
            f"{s.get('rows_superseded', 0)} superseded by a newer file, "
            f"{s.get('queries', 0)} queries"
        )
    problems = report.new_problems
    if problems:
        counts: dict[tuple[str, str], int] = {}
        for p in problems:
            counts[(p["severity"], p["rule"])] = counts.get((p["severity"], p["rule"]), 0) + 1
        lines.append("")
        lines.append(
            f"{len(problems)} problems (error = row not loaded, query = loaded but flagged):"
        )
        for (severity, rule), count in sorted(counts.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {count:>7,} {severity:<5} {rule}")
        lines.append(f"The first {min(len(problems), 20)}:")
        for p in problems[:20]:
            where = ", ".join(
                str(x)
                for x in (
                    p["file"],
                    p["sheet"] and f"sheet {p['sheet']}",
                    p["row"] and f"row {p['row']}",
                    p["column"] and f"column {p['column']}",
                )
                if x
            )
            lines.append(f"  [{p['severity']}] {where}: {p['message']} ({p['rule']})")
        lines.append("Full list: python -m etl quality (or the dashboard's Data quality page).")
    return "\n".join(lines)


def _load_exit(report: LoadReport) -> int:
    if all(r.status == "skipped" for r in report.files) and report.files:
        return EXIT_OK
    new_ids = {r.load_id for r in report.files if r.status == "staged"}
    loaded = sum(s["rows_loaded"] for s in report.summary if s["load_id"] in new_ids)
    if not loaded:
        return EXIT_NOTHING
    # Some files loaded, but one was refused whole: not a success a script should pass over.
    return EXIT_PARTIAL if any(r.status == "failed" for r in report.files) else EXIT_OK


@contextmanager
def _loading() -> Iterator[None]:
    """What ``load`` and ``check`` do differently as the program (``python -m etl``), never when
    ``main()`` is called from Python (tests, the dashboard's process):

    - pyarrow is kept from importing pandas, which they never use and which staging's arrays
      would otherwise import: 0.15-0.25 s (``etl.arrow_rows.arrow_without_pandas``);
    - Python's cyclic garbage collector is off while the files load (issue 11), as Mercurial
      turns it off while it builds big containers. Every collection scans every object alive,
      and a load keeps many alive: collections took 0.23-0.31 s of the `large` workbook's
      load and 1.0-1.3 s of the national one, and found 600-1,900 objects to free in all.
      Everything imported so far is frozen first, so a collection after the load skips it.
    """
    if not PROGRAM:
        yield
        return
    from etl.arrow_rows import arrow_without_pandas

    arrow_without_pandas()
    collecting = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def cmd_load(args: argparse.Namespace) -> int:
    folder = config.data_dir(args.data_dir)
    with _loading(), terminal_progress(enabled=not args.json) as progress:
        report = run_load(
            args.paths, folder, replace=args.replace, as_of=args.as_of, progress=progress
        )
    emit(
        args,
        {
            "files": [_file_json(r, report) for r in report.files],
            "problems": report.new_problems,
            "published": report.published,
            **({} if report.files else {"message": _nothing_found(args.paths)}),
        },
        _report_text(report, "loaded", args.paths),
    )
    return _load_exit(report)


def _file_json(result: Any, report: LoadReport) -> dict[str, Any]:
    summary = next((s for s in report.summary if s["load_id"] == result.load_id), {})
    return {
        "file": result.path.name,
        "status": result.status,
        "message": result.message,
        "shape": result.shape,
        "rows_read": summary.get("rows_read", result.rows_read),
        "rows_loaded": summary.get("rows_loaded", 0),
        "rows_rejected": summary.get("rows_rejected", 0),
        "rows_superseded": summary.get("rows_superseded", 0),
    }


def cmd_check(args: argparse.Namespace) -> int:
    folder = config.data_dir(args.data_dir)
    with _loading():
        report = run_load(args.paths, folder, replace=True, publish=False)
    emit(
        args,
        {
            "files": [_file_json(r, report) for r in report.files],
            "problems": report.problems,
            **({} if report.files else {"message": _nothing_found(args.paths)}),
        },
        "Checked (nothing was loaded):\n" + _report_text(report, "would load", args.paths),
    )
    return _load_exit(report)


def _open(args: argparse.Namespace) -> Warehouse | None:
    """The warehouse, read-only; None (having said so) when nothing is loaded yet."""
    folder = config.data_dir(args.data_dir)
    try:
        return cli_snapshots.open_warehouse(args)
    except NoDatabase:
        message = (
            f"No data loaded yet in {folder}. Run `python -m etl load FILE` "
            "or `python -m etl demo`."
        )
        if args.json:
            json.dump({"error": message}, sys.stdout)
            sys.stdout.write("\n")
        else:
            print(message, file=sys.stderr)
        return None


def cmd_quality(args: argparse.Namespace) -> int:
    warehouse = _open(args)
    if warehouse is None:
        return EXIT_NOTHING
    with warehouse:
        problems = warehouse.problems(severities=[args.severity] if args.severity else None)
    human = (
        "\n".join(
            f"[{p['severity']}] {p['file']}"
            + (f" / {p['sheet']}" if p["sheet"] else "")
            + (f" row {p['row']}" if p["row"] else "")
            + (f" column {p['column']}" if p["column"] else "")
            + f": {p['message']} ({p['rule']})"
            for p in problems
        )
        or "No problems found."
    )
    emit(args, problems, human)
    return EXIT_OK


def cmd_kpis(args: argparse.Namespace) -> int:
    warehouse = _open(args)
    if warehouse is None:
        return EXIT_NOTHING
    with warehouse:
        has_sen2 = warehouse.has_sen2()
        ehcp = warehouse.kpis(args.year, args.as_of) if has_sen2 else None
        reviews = warehouse.annual_reviews(args.as_of) if has_sen2 else None
        meta = warehouse.meta()
        milestones = warehouse.rag_counts(args.as_of)
        waits_as_of = args.as_of or warehouse.waits_as_of()
        waits = warehouse.waits_kpis(waits_as_of)
        exclusions = warehouse.exclusion_kpis(args.as_of)
    payload = {
        # Any subset of input kinds may be loaded: a section with nothing behind it says so.
        "ehcp": ehcp
        if ehcp is not None
        else {"loaded": False, "message": "No SEN2 data loaded: no EHC plan figures."},
        "annual_reviews": reviews
        if reviews is not None
        else {"loaded": False, "message": "No SEN2 data loaded: no annual review figures."},
        "data": {
            "snapshot_date": meta["snapshot_date"].isoformat() if meta and has_sen2 else None,
            "synthetic": bool(meta["synthetic"]) if meta else None,
            "waits_as_of": waits_as_of.isoformat() if waits and waits_as_of else None,
        },
        "milestones": milestones,
        "waits": waits,
        "exclusions": exclusions,
    }
    human = _ehcp_text(ehcp, bool(payload["data"]["synthetic"]))
    if any(milestones.values()):
        human += "\nImprovement plan milestones and actions: " + ", ".join(
            f"{rag} {count}" for rag, count in milestones.items()
        )
    if reviews is not None:
        human += "\n" + _reviews_text(reviews)
    human += "\n" + _waits_text(waits, waits_as_of)
    human += _exclusions_text(exclusions)
    emit(args, payload, human)
    return EXIT_OK


def _ehcp_text(e: dict[str, Any] | None, synthetic: bool) -> str:
    if e is None:
        return "EHC plans: no SEN2 data loaded." + ("  [SYNTHETIC DEMO DATA]" if synthetic else "")

    def show(value: float | None) -> str:
        return "no plans" if value is None else f"{value:.1f}%"

    return "\n".join(
        [
            f"EHC plans, calendar year {e['year']} (as at {e['as_of']})"
            + ("  [SYNTHETIC DEMO DATA]" if synthetic else ""),
            f"  Plans issued: {e['plans_issued']} "
            f"({e['plans_issued_excl_exceptions']} without exceptions)",
            "  Within 20 weeks, excluding exceptions: "
            f"{show(e['pct_within_20_weeks_excl_exceptions'])}"
            f" ({e['within_20_weeks_excl_exceptions']} of {e['plans_issued_excl_exceptions']})",
            f"  Within 20 weeks, including exceptions: {show(e['pct_within_20_weeks'])}"
            f" ({e['within_20_weeks']} of {e['plans_issued']})",
            f"  Issued after more than 52 weeks: {e['issued_over_52_weeks']}",
            f"  Decisions to assess within 6 weeks: {show(e['pct_decisions_within_6_weeks'])}"
            f" ({e['decisions_within_6_weeks']} of {e['decisions_made']})",
            f"  Open requests: {e['open_requests']} — {e['open_breached']} past 20 weeks, "
            f"{e['open_at_risk']} at risk (weeks 14–20)",
        ]
    )


def _reviews_text(reviews: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"Annual reviews (as at {reviews['as_of']})",
            f"  Overdue: {reviews['reviews_overdue']} of {reviews['plans_due']} plans due a review"
            + ("" if reviews["pct_overdue"] is None else f" ({reviews['pct_overdue']:.1f}%)"),
            "  Review decisions within 4 weeks of the meeting: "
            + (
                "no decisions"
                if reviews["pct_decisions_within_4_weeks"] is None
                else f"{reviews['pct_decisions_within_4_weeks']:.1f}%"
            )
            + f" ({reviews['decisions_within_4_weeks']} of {reviews['decisions_made']})",
        ]
    )


def _waits_text(waits: dict[str, Any], as_of: dt.date | None) -> str:
    if not waits:
        return "Waiting times: no waiting list loaded."
    lines = [
        f"Waiting times as at {as_of}: waiting, median / 90th percentile weeks, % over 18 weeks"
    ]
    for service, w in waits.items():
        if not w["waiting"]:
            lines.append(f"  {service}: nobody waiting")
            continue
        lines.append(
            f"  {service}: {w['waiting']} waiting, median {w['median_weeks_waiting']} weeks, "
            f"90th percentile {w['p90_weeks_waiting']}, {w['pct_over_18_weeks']}% over 18 weeks, "
            f"{w['over_52_weeks']} over 52 weeks"
            + (
                f", {w['pct_over_13_weeks']}% over 13 weeks"
                if w.get("pct_over_13_weeks") is not None
                else ""
            )
        )
    return "\n".join(lines)


def _exclusions_text(exclusions: dict[str, Any]) -> str:
    """The exclusions line of ``kpis`` (empty when no events are loaded)."""
    human = ""
    groups = exclusions["by_sen"]
    if any(g["suspensions"] or g["permanent_exclusions"] for g in groups.values()):

        def rate(value: float | None) -> str:
            return "no headcount" if value is None else f"{value:.2f}"

        human += f"\nSuspensions per 100 pupils, academic year {exclusions['academic_year']}: " + (
            ", ".join(
                f"{label} {rate(groups[key]['suspension_rate'])}"
                for key, label in (
                    ("ehc_plan", "EHC plan"),
                    ("sen_support", "SEN support"),
                    ("no_sen", "no SEN"),
                )
            )
        )
    return human


def cmd_lookup(args: argparse.Namespace) -> int:
    warehouse = _open(args)
    if warehouse is None:
        return EXIT_NOTHING
    with warehouse:
        found = warehouse.lookup(args.reference)
    reference = args.reference.strip().upper()
    human = (
        "\n".join(
            f"{reference}: {f['file']}"
            + (f", sheet {f['sheet']}" if f["sheet"] else "")
            + f", row {f['row']}"
            for f in found
        )
        or f"{reference}: no such reference in this data."
    )
    emit(args, found, human)
    return EXIT_OK if found else EXIT_NOTHING


def cmd_milestones(args: argparse.Namespace) -> int:
    warehouse = _open(args)
    if warehouse is None:
        return EXIT_NOTHING
    with warehouse:
        items = warehouse.milestones(args.as_of)
        counts = warehouse.rag_counts(args.as_of)
    if not items:
        message = (
            "No improvement-plan tracker loaded"
            + (f" with a report date on or before {args.as_of:%d/%m/%Y}" if args.as_of else "")
            + ". Load one with `python -m etl load TRACKER.xlsx`."
        )
        if args.json:
            emit(args, [], "")
        else:
            print(message, file=sys.stderr)
        return EXIT_NOTHING
    lines = []
    for plan_name in dict.fromkeys(i["plan"] for i in items):
        mine = [i for i in items if i["plan"] == plan_name]
        lines.append(f"{plan_name}, report date {mine[0]['report_date']}:")
        lines.append(f"  {'RAG':<12} {'%':>5}  {'End':<10}  {'Workstream':<12} Name")
        for i in mine:
            pct = "" if i["pct_complete"] is None else f"{i['pct_complete']:g}"
            rag_text = i["rag"] + (" *" if i["override"] else "")
            notes = []
            if i["override"]:
                notes.append(f"override by {i['override']['author']}; computed {i['computed_rag']}")
            if i["disagreement"]:
                notes.append(i["disagreement"])
            lines.append(
                f"  {rag_text:<12} {pct:>5}  {i['end'] or '':<10}  "
                f"{(i['workstream'] or '')[:12]:<12} {i['ref'] + ' ' if i['ref'] else ''}"
                f"{i['name']}" + (f"  [{'; '.join(notes)}]" if notes else "")
            )
    lines.append("Totals: " + ", ".join(f"{rag} {n}" for rag, n in counts.items()))
    emit(args, items, "\n".join(lines))
    return EXIT_OK


def cmd_override(args: argparse.Namespace) -> int:
    folder = config.data_dir(args.data_dir)
    try:
        done = tracker_report.apply_override(
            folder,
            args.target,
            None if args.clear else args.rag,
            reason=args.reason,
            author=args.author,
            as_of=args.as_of,
        )
    except tracker_report.OverrideError as problem:
        if args.json:
            emit(args, {"error": problem.message}, "")
        else:
            print(problem.message, file=sys.stderr)
        return EXIT_USAGE if problem.usage else EXIT_NOTHING
    what = (
        f"override cleared (was {done['rag']}); the computed RAG applies"
        if args.clear
        else f"RAG overridden to {args.rag} (was {done['rag']})"
    )
    emit(
        args,
        {**done, "cleared": bool(args.clear), "reason": args.reason, "author": args.author},
        f"{done['name']} ({done['plan']}, report date {done['report_date']}): {what}.",
    )
    return EXIT_OK


def _holds_real_data(folder: Path) -> bool:
    """True when the published warehouse in ``folder`` holds any file not loaded by ``demo``."""
    try:
        warehouse = Warehouse.at(folder)
    except NoDatabase:
        return False
    with warehouse:
        return warehouse.holds_real_data()


def cmd_demo(args: argparse.Namespace) -> int:
    from etl import demo
    from etl.inputs.exclusions import demo as exclusions_demo
    from etl.inputs.tracker import demo as tracker_demo

    folder = config.data_dir(args.data_dir)
    if not args.force and _holds_real_data(folder):
        print(
            f"{folder} holds data that is not synthetic; the demo would replace it. Use another "
            "--data-dir, or --force to replace it.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    out = args.out or folder / "demo"
    paths = demo.generate(out, seed=args.seed, scale=args.scale)
    report = run_load(paths, folder, synthetic=True, replace=True, as_of=demo.DEFAULT_SNAPSHOT)
    # Improvement-plan trackers: their report dates come from the workbooks, so no --as-of.
    trackers = tracker_demo.generate(out, seed=args.seed, snapshot=demo.DEFAULT_SNAPSHOT)
    # Exclusion records (issue 13): their EHC plan pupils are the SEN2 workbook's children.
    workbook = next((p for p in paths if p.suffix == ".xlsx"), None)
    trackers += exclusions_demo.generate(
        out, seed=args.seed, snapshot=demo.DEFAULT_SNAPSHOT, sen2_workbook=workbook
    )
    plan_report = run_load(trackers, folder, synthetic=True)
    # Health waiting lists (issue 12): their extract dates come from the workbooks.
    waiting_lists = demo.waits_generate(out, seed=args.seed, snapshot=demo.DEFAULT_SNAPSHOT)
    waits_report = run_load(waiting_lists, folder, synthetic=True)
    emit(
        args,
        {
            "files": [_file_json(r, report) for r in report.files]
            + [_file_json(r, plan_report) for r in plan_report.files]
            + [_file_json(r, waits_report) for r in waits_report.files],
            "written": [str(p) for p in [*paths, *trackers, *waiting_lists]],
            "published": report.published and plan_report.published and waits_report.published,
        },
        f"Synthetic demo data ({args.scale}, seed {args.seed}) written to {out}\n"
        + _report_text(report, "loaded", paths)
        + "\nImprovement-plan trackers and exclusion records:\n"
        + _report_text(plan_report, "loaded", trackers)
        + "\nHealth waiting lists:\n"
        + _report_text(waits_report, "loaded", waiting_lists),
    )
    return max(_load_exit(report), _load_exit(plan_report), _load_exit(waits_report))


def cmd_waits_published(args: argparse.Namespace) -> int:
    """NHS England's published CYP waits for an area beside England's (issue 12)."""
    from etl.published import waits

    try:
        door = cli_snapshots.open_published(args)
    except NoDatabase:
        print(
            "No published figures loaded: run `python -m etl load-published FOLDER` first.",
            file=sys.stderr,
        )
        return EXIT_NOTHING
    with door:
        try:
            payload = door.waits_published(args.area, args.month)
        except waits.UnknownArea as problem:
            print(str(problem), file=sys.stderr)
            return EXIT_USAGE
        except waits.NoPublishedWaits as problem:
            print(str(problem), file=sys.stderr)
            return EXIT_NOTHING
    emit(args, payload, _waits_published_text(payload))
    return EXIT_OK


def _waits_published_text(payload: dict[str, Any]) -> str:
    area = payload["area"]

    def line(name: str, w: dict[str, Any], e: dict[str, Any]) -> str:
        def show(v: Any, unit: str = "") -> str:
            return "no submission" if v is None else f"{v:,}{unit}"

        ours = f"{show(w['waiting']):>14} waiting, {show(w['pct_over_18_weeks'], '%'):>14}"
        theirs = f"England {show(e['waiting'])}, {show(e['pct_over_18_weeks'], '%')}"
        return f"  {name:<28} {ours} over 18 weeks   ({theirs})"

    lines = [f"{area['name']} ({area['level']} {area['code']}) — {payload['source']}"]
    if area["level"] == "LA":
        lines.append(
            "  ICB(s): "
            + ", ".join(
                f"{i['name']} ({i['code']}, {i['share_of_la']:.0%} of the LA)" for i in area["icbs"]
            )
        )
    for service, w in payload["services"].items():
        lines.append(line(service, w, payload["england"][service]))
    return "\n".join(lines)


def cmd_rules(args: argparse.Namespace) -> int:
    """Every rule code the problem list can carry, from the one registry (``etl.checks``)."""
    from etl.checks import all_rules

    found = all_rules().values()
    human = "\n".join(f"{r.code:<34} {r.severity:<6} {r.meaning}" for r in found)
    emit(args, [r.as_json() for r in found], human)
    return 0


COMMANDS = {
    "load": cmd_load,
    "check": cmd_check,
    "quality": cmd_quality,
    "kpis": cmd_kpis,
    "lookup": cmd_lookup,
    "milestones": cmd_milestones,
    "override": cmd_override,
    "demo": cmd_demo,
    "rules": cmd_rules,
    "waits-published": cmd_waits_published,
    **cli_published.COMMANDS,
    **cli_review.COMMANDS,
    **cli_snapshots.COMMANDS,
    **cli_packs.COMMANDS,
    **cli_audit.COMMANDS,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config.settings()  # a mistake in the settings file stops every command, plainly
    except config.SettingsError as problem:
        print(f"Settings file problem: {problem}", file=sys.stderr)
        return 2
    try:
        code = COMMANDS[args.command](args)
        cli_audit.after(args, code)
        return code
    except snapshots.SnapshotError as problem:  # --snapshot names no snapshot
        return fail(args, str(problem), EXIT_USAGE)
    except snapshots.OlderWarehouse as problem:  # built by an older version: say how to fix it
        return fail(args, str(problem), EXIT_NOTHING)
    except BrokenPipeError:
        # The reader of our output went away (``python -m etl kpis --json | head``): stop
        # quietly, as other command-line tools do, instead of printing a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def exit_now(code: int | None) -> None:
    """End the process with ``code`` once its output is flushed, without tearing down the
    modules one by one (issue 11): pyarrow, pandas and DuckDB take 0.07-0.1 s to unload after a
    load, for nothing. Every file and database is closed by then and every thread joined."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    PROGRAM = True
    exit_now(main())
