"""Fuzz the loader: mutated copies of the demo inputs and hostile files, each loaded by the CLI.

Usage::

    python scripts/fuzz_loader.py [--cases 600] [--seed 9] [--jobs 2] [--out DIR]

Each case is loaded with ``python -m etl load FILE --json`` into a fresh data folder, in a
subprocess with a time limit and a memory limit (``resource.setrlimit`` in the child), and must
hold DESIGN §6 (issue 9):

- the process exits 0 or 1 (never a signal, never 2) and prints no traceback;
- for every file: rows read = loaded + rejected + superseded;
- a file that failed (a file-level problem) has an error problem and 0 rows read;
- a file that loaded read exactly the data rows it holds: the non-blank rows below its header
  (every non-blank row of a sheet the loader did not recognise), counted here without the
  loader's code (openpyxl for workbooks, the raw lines for CSV).

The same seed gives the same cases. Prints the figures (cases tried, crashes, hangs, rows
unaccounted for) and exits 1 when any case broke a rule. ``tests/test_fuzz_loader.py`` runs a
bounded number of cases; ``docs/reliability.md`` has the figures of a larger run.

Limits in the cases' settings file are lowered (50 MB unpacked) so that a zip bomb past them is
quick to build; every other setting is the default.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from etl.inputs.sen2 import demo  # noqa: E402

ROWS_PER_SHEET = 25  # data rows kept from each demo sheet: small files, quick loads
TIMEOUT_SECONDS = 90
MEMORY_BYTES = 3 << 30
SETTINGS = "[limits]\nuncompressed_bytes = 50000000\n"

_KEY = re.compile(r"[^0-9a-z]+")


def _key(text: Any) -> str:
    return _KEY.sub("", str(text).lower()) if text is not None else ""


# ------------------------------------------------------------------------------ the base files


@dataclass
class Base:
    """The small demo files every mutation starts from, and each sheet's header texts."""

    workbook: Path
    csvs: list[Path]
    headers: dict[str, set[str]]  # sheet (or CSV stem) → header keys


def make_base(folder: Path, seed: int) -> Base:
    """The demo's SEN2 module workbook cut to ROWS_PER_SHEET data rows a sheet, and each sheet
    also as a CSV file."""
    [full] = demo.generate(folder / "full", seed=seed, scale="la")
    source = openpyxl.load_workbook(full)
    headers: dict[str, set[str]] = {}
    csvs = []
    for sheet in source.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(rows) if sum(1 for c in r if c) >= 2)
        headers[sheet.title] = {_key(c) for c in rows[header_at] if c}
        keep = header_at + 1 + ROWS_PER_SHEET
        if sheet.max_row > keep:
            sheet.delete_rows(keep + 1, sheet.max_row - keep)
        path = folder / f"{sheet.title.replace(' ', '_')}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for row in rows[:keep]:
                writer.writerow(["" if c is None else _csv_text(c) for c in row])
        headers[path.stem] = headers[sheet.title]
        csvs.append(path)
    workbook = folder / "sen2_base.xlsx"
    source.save(workbook)
    return Base(workbook, csvs, headers)


def _csv_text(value: Any) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)


# ------------------------------------------------------------------------------ cases


@dataclass
class Case:
    name: str
    paths: list[Path]
    expect_failed: bool = False  # every file must be refused at file level
    header_sheets: dict[str, set[str]] = field(default_factory=dict)
    # Files a second command then loads into the same data folder (a later extract): every
    # file's load log must still add up, and the first files keep the rows they read.
    then: list[Path] = field(default_factory=list)


Mutator = Callable[[random.Random, Base, Path], Case]

JUNK = [
    "99999999999999999999",
    "-99999999999",
    "1700000000000",
    "1.7E+308",
    "nan",
    "inf",
    "=1+1",
    '"',
    "''",
    "0x1F",
    "31/02/2024",
    "2024-13-45",
    "01/31/2024",
    "\u202e\u0000x",
    "é" * 40,
    "x" * 5000,
    "",
    " ",
    "-0",
    "1e400",
]


def _mutate_xlsx_cells(rng: random.Random, base: Base, out: Path) -> Case:
    workbook = openpyxl.load_workbook(base.workbook)
    for _ in range(rng.randint(1, 6)):
        sheet = rng.choice(workbook.worksheets)
        row = rng.randint(1, sheet.max_row)
        column = rng.randint(1, max(sheet.max_column, 1))
        value: Any = rng.choice(JUNK)
        if rng.random() < 0.3:
            value = rng.choice([10**19, -(10**12), 1_700_000_000_000, -99_999_999_999.0, 2958466])
        cell = sheet.cell(row=row, column=column)
        cell.value = value.replace("\u0000", "") if isinstance(value, str) else value
        if rng.random() < 0.5:
            cell.number_format = "dd/mm/yyyy"
    path = out / "cells.xlsx"
    workbook.save(path)
    return Case("xlsx cell values", [path], header_sheets=base.headers)


def _mutate_xlsx_structure(rng: random.Random, base: Base, out: Path) -> Case:
    workbook = openpyxl.load_workbook(base.workbook)
    sheet = rng.choice(workbook.worksheets)
    choice = rng.choice(["rename", "repeat_header", "blank_rows", "delete_header_cell", "extra"])
    if choice == "rename":
        sheet.title = rng.choice(["Notes", "Sheet9", "Requests (old)", "x" * 31])
    elif choice == "repeat_header":
        rows = list(sheet.iter_rows(values_only=True))
        header = next(r for r in rows if sum(1 for c in r if c) >= 2)
        sheet.append(list(header))
        sheet.append([rows[-1][0], *rows[-1][1:]])
    elif choice == "blank_rows":
        sheet.insert_rows(rng.randint(2, sheet.max_row), rng.randint(1, 4))
    elif choice == "delete_header_cell":
        rows = list(sheet.iter_rows())
        header = next(r for r in rows if sum(1 for c in r if c.value) >= 2)
        rng.choice(header).value = None
    else:
        extra = workbook.create_sheet(rng.choice(["Notes", "Lookup", "Chart data"]))
        for i in range(rng.randint(1, 5)):
            extra.append([f"note {i}", i])
    path = out / "structure.xlsx"
    workbook.save(path)
    headers = dict(base.headers)
    if choice == "rename":
        headers[sheet.title] = base.headers.get(next(iter(base.headers)), set())
    return Case(f"xlsx {choice}", [path], header_sheets=_headers_by_title(workbook, base))


def _headers_by_title(workbook: Any, base: Base) -> dict[str, set[str]]:
    """Each sheet's header keys, found from its own rows (a renamed sheet keeps its header)."""
    found = {}
    all_keys = set().union(*base.headers.values())
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            keys = {_key(c) for c in row if c}
            if len(keys & all_keys) >= 2:
                found[sheet.title] = keys & all_keys
                break
    return found


def _mutate_zip_bytes(rng: random.Random, base: Base, out: Path) -> Case:
    data = bytearray(base.workbook.read_bytes())
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if rng.random() < 0.3:
        data = data[: rng.randrange(len(data))]
    path = out / "flipped.xlsx"
    path.write_bytes(bytes(data))
    # A flipped zip usually fails its CRC (file_unreadable); one that still opens must add up.
    return Case("xlsx bytes flipped", [path], header_sheets=base.headers)


def _data_line_positions(text: str) -> tuple[int, int]:
    """(offset of the first data line, end): mutations stay below the header line."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if sum(1 for c in line.split(",") if c) >= 2:
            start = sum(len(x) + 1 for x in lines[: i + 1])
            return min(start, len(text)), len(text)
    return 0, len(text)


def _mutate_csv(rng: random.Random, base: Base, out: Path) -> Case:
    source = rng.choice(base.csvs)
    text = source.read_text(encoding="utf-8")
    start, end = _data_line_positions(text)
    choice = rng.choice(
        ["quote", "quotes", "flip", "cells", "semicolon", "cp1252", "truncate", "header", "crlf"]
    )
    if choice in ("quote", "quotes") and end > start:
        for _ in range(1 if choice == "quote" else rng.randint(2, 4)):
            at = rng.randrange(start, end)
            text = text[:at] + '"' + text[at:]
    elif choice == "flip" and end > start:
        chars = list(text)
        for _ in range(rng.randint(1, 5)):
            chars[rng.randrange(start, end)] = chr(rng.choice([0x22, 0x2C, 0x0A, 0x3B, 0xE9, 0x41]))
        text = "".join(chars)
    elif choice == "cells":
        lines = text.split("\n")
        index = rng.randrange(1, max(len(lines) - 1, 2))
        if index < len(lines):
            cells = lines[index].split(",")
            cells[rng.randrange(len(cells))] = (
                rng.choice(JUNK).replace(",", "").replace("\u0000", "").replace('"', "")
            )
            lines[index] = ",".join(cells)
        text = "\n".join(lines)
    elif choice == "semicolon":
        text = text.replace(",", ";")
    elif choice == "truncate" and end > start:
        text = text[: rng.randrange(start, end)]
    elif choice == "header":
        lines = text.split("\n")
        header_at = next(
            (i for i, line in enumerate(lines) if sum(1 for c in line.split(",") if c) >= 2), 0
        )
        lines.insert(rng.randint(header_at + 1, len(lines) - 1), lines[header_at])
        text = "\n".join(lines)
    elif choice == "crlf":
        text = text.replace("\n", "\r\n")
    path = out / source.name
    if choice == "cp1252":
        at = rng.randrange(start, end) if end > start else 0
        path.write_bytes(text[:at].encode() + b"\xe9\x93" + text[at:].encode())
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return Case(f"csv {choice}", [path], header_sheets={path.stem: base.headers[source.stem]})


def _minimal_xlsx(path: Path, sheet_xml: str, dimension: str = "") -> Path:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "http://schemas.openxmlformats.org/package/2006/content-types"
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types xmlns="{ct}"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override '
            f'PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/><Override '
            f'PartName="/xl/worksheets/sheet1.xml" ContentType="{office}.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet '
            'name="Requests" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{ns}">'.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            sheet.write(sheet_xml.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def _hostile(base: Base, out: Path) -> list[Case]:
    """The shapes issue 9 names, built directly; each must be refused or read whole."""
    cases = []
    cell = '<c r="{}" t="inlineStr"><is><t>{}</t></is></c>'
    cases.append(
        Case(
            "xlsx A1 + XFD1048576",
            [
                _minimal_xlsx(
                    out / "xfd.xlsx",
                    f'<row r="1">{cell.format("A1", "ReceivedDate")}</row><row r="1048576">'
                    f"{cell.format('XFD1048576', 'x')}</row>",
                    "A1:XFD1048576",
                )
            ],
            expect_failed=True,
        )
    )
    cases.append(
        Case(
            "xlsx 200,000-character cell",
            [
                _minimal_xlsx(
                    out / "long.xlsx", f'<row r="1">{cell.format("A1", "x" * 200_000)}</row>'
                )
            ],
            expect_failed=True,
        )
    )
    cases.append(
        Case(
            "xlsx zip bomb (60 MB of spaces)",
            [_minimal_xlsx(out / "bomb.xlsx", " " * 60_000_000)],
            expect_failed=True,
        )
    )
    wide = out / "wide.csv"
    wide.write_text("ReceivedDate,RequestOutcome\n" + ",".join(["1"] * 200_000) + "\n")
    cases.append(Case("csv 200,000-cell row", [wide], expect_failed=True))
    long_cell = out / "longcell.csv"
    long_cell.write_text("ReceivedDate,RequestOutcome\n" + "x" * 200_000 + ",Y\n")
    cases.append(Case("csv 200,000-character cell", [long_cell], expect_failed=True))
    binary = out / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02" * 1000)
    cases.append(Case("csv binary", [binary], expect_failed=True))
    random_xlsx = out / "random.xlsx"
    random_xlsx.write_bytes(bytes(range(256)) * 40)
    cases.append(Case("xlsx random bytes", [random_xlsx], expect_failed=True))
    named_xls = out / "renamed.xls"
    shutil.copy(base.workbook, named_xls)
    cases.append(Case("xlsx named .xls", [named_xls], header_sheets=base.headers))
    if hasattr(os, "mkfifo"):
        fifo = out / "pipe.csv"
        os.mkfifo(fifo)
        cases.append(Case("FIFO", [fifo], expect_failed=True))
    serial = _minimal_xlsx(
        out / "serial.xlsx",
        f'<row r="1">{cell.format("A1", "requeststableid")}{cell.format("B1", "ReceivedDate")}'
        f"{cell.format('C1', 'RequestOutcome')}</row>"
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>-99999999999999</v></c>'
        f"{cell.format('C2', 'Y')}</row>",
    )
    cases.append(Case("xlsx huge negative serial", [serial], header_sheets=base.headers))
    return cases


def _mutate_then_base(rng: random.Random, base: Base, out: Path) -> Case:
    """A mutated workbook or CSV, then the base workbook loaded over it by a second command: the
    base's rows supersede the mutated file's rows of the same records, rejected ones included
    (issue 9 item 9), and every file's load log must still add up."""
    case = (_mutate_xlsx_cells if rng.random() < 0.5 else _mutate_csv)(rng, base, out)
    return Case(
        f"{case.name}, then the base workbook",
        case.paths,
        header_sheets=case.header_sheets,
        then=[base.workbook],
    )


MUTATORS: list[tuple[Mutator, float]] = [
    (_mutate_xlsx_cells, 0.3),
    (_mutate_xlsx_structure, 0.2),
    (_mutate_zip_bytes, 0.1),
    (_mutate_csv, 0.4),
    (_mutate_then_base, 0.1),
]


# ------------------------------------------------------------------------------ the oracle


def _blank_line(line: str) -> bool:
    return not line.strip().strip(',;\t"').strip()


def data_rows(path: Path, failed_sheets: set[str | None], headers: dict[str, set[str]]) -> int:
    """The data rows a file holds, counted without the loader: non-blank rows below the first
    row holding two or more of the sheet's header texts; every non-blank row of a sheet the
    loader reported as not recognised (``failed_sheets``)."""
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        keys = headers.get(path.stem, set())
        return _count(
            [
                [c for c in re.split("[,;]", line)] if not _blank_line(line) else []
                for line in lines
            ],
            keys,
            None in failed_sheets,
        )
    with warnings.catch_warnings():  # openpyxl warns of the very cells the cases plant
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=True)
        return _count_workbook(workbook, failed_sheets, headers)


def _count_workbook(
    workbook: Any, failed_sheets: set[str | None], headers: dict[str, set[str]]
) -> int:
    total = 0
    for sheet in workbook.worksheets:
        rows = [
            [c for c in row if c is not None and str(c).strip()]
            for row in sheet.iter_rows(values_only=True)
        ]
        total += _count(rows, headers.get(sheet.title, set()), sheet.title in failed_sheets)
    workbook.close()
    return total


def _count(rows: list[list[Any]], keys: set[str], not_recognised: bool) -> int:
    filled = [i for i, row in enumerate(rows) if row]
    if not_recognised:
        return len(filled)
    header = next((i for i in filled if len({_key(c) for c in rows[i]} & keys) >= 2), None)
    if header is None:
        return 0
    return sum(1 for i in filled if i > header)


# ------------------------------------------------------------------------------ running


@dataclass
class Outcome:
    case: str
    ok: bool
    kind: str = ""  # "crash", "hang", "unaccounted", "contract"
    detail: str = ""
    rows: int = 0


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def _load(case: Case, paths: list[Path], work: Path) -> dict[str, Any] | Outcome:
    """``python -m etl load PATHS --json`` into the case's data folder: its report, or the
    Outcome of a crash, hang or unreadable answer."""
    env = {
        **os.environ,
        "SEND_CONFIG": str(work / "fuzz.toml"),
        "SEND_HASH_KEY": "fuzz-key-not-secret",
        "PYTHONPATH": str(REPO),
    }
    (work / "fuzz.toml").write_text(SETTINGS)
    command = [sys.executable, "-m", "etl", "load", *map(str, paths)]
    command += ["--data-dir", str(work / "data"), "--json"]
    try:
        done = subprocess.run(
            command,
            cwd=REPO,
            capture_output=True,
            text=True,
            env=env,
            timeout=TIMEOUT_SECONDS,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        return Outcome(case.name, False, "hang", f"no answer in {TIMEOUT_SECONDS} s")
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        return Outcome(case.name, False, "crash", f"exit {done.returncode}: {done.stderr[-800:]}")
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        return Outcome(case.name, False, "contract", f"stdout is not JSON: {done.stdout[:300]}")
    return report


def run_case(case: Case, work: Path) -> Outcome:
    report = _load(case, case.paths, work)
    if isinstance(report, Outcome):
        return report
    outcome = _check(case, report)
    if not outcome.ok or not case.then:
        return outcome
    return _check_then(case, report, work, outcome.rows)


def _check_then(case: Case, first: dict[str, Any], work: Path, rows: int) -> Outcome:
    """Load ``case.then`` over the first load and check the whole load log: every file adds up
    (rows read = loaded + rejected + superseded) and the first load's files read what they did."""
    import duckdb

    report = _load(case, case.then, work)
    if isinstance(report, Outcome):
        return report
    warehouse = work / "data" / "warehouse.duckdb"
    if not warehouse.exists():  # nothing was ever loaded (both refused): nothing to add up
        return Outcome(case.name, True, rows=rows)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        log = con.execute(
            "SELECT load_id, file, rows_read, rows_loaded, rows_rejected, rows_superseded "
            "FROM load_log ORDER BY load_id"
        ).fetchall()
    for load_id, name, read, loaded, rejected, superseded in log:
        if read != loaded + rejected + superseded:
            return Outcome(
                case.name,
                False,
                "unaccounted",
                f"after the second load, {name} (load {load_id}): read {read} != "
                f"{loaded} + {rejected} + {superseded}",
            )
    before = sorted(e["rows_read"] for e in first["files"] if e["status"] == "staged")
    first_ids = {e["file"] for e in first["files"] if e["status"] == "staged"}
    after = sorted(r[2] for r in log if r[1] in first_ids and r[1] not in _names(case.then))
    if before != after:
        return Outcome(
            case.name, False, "unaccounted", f"first load read {before}, the log now says {after}"
        )
    return Outcome(case.name, True, rows=rows + sum(r[2] for r in log) - sum(before))


def _names(paths: list[Path]) -> set[str]:
    return {p.name for p in paths}


def _check(case: Case, report: dict[str, Any]) -> Outcome:
    """The first command's report: exit codes done, every file adds up and read its data rows."""
    rows = 0
    for entry in report["files"]:
        read = entry["rows_read"]
        parts = entry["rows_loaded"] + entry["rows_rejected"] + entry["rows_superseded"]
        if read != parts:
            return Outcome(case.name, False, "unaccounted", f"{entry}: read {read} != {parts}")
        problems = [p for p in report["problems"] if p["file"] == entry["file"]]
        if entry["status"] == "failed":
            if read != 0 or not any(p["severity"] == "error" for p in problems):
                return Outcome(case.name, False, "contract", f"failed without an error: {entry}")
            continue
        if case.expect_failed:
            return Outcome(case.name, False, "contract", f"should have been refused: {entry}")
        path = next(p for p in case.paths if p.name == entry["file"])
        unrecognised = {p["sheet"] for p in problems if p["rule"] == "sheet_not_recognised"}
        try:
            expected = data_rows(path, unrecognised, case.header_sheets)
        except Exception as exc:  # the oracle's own reader refused the file: skip the count
            expected = read
            del exc
        if read != expected:
            return Outcome(
                case.name,
                False,
                "unaccounted",
                f"{entry['file']}: {expected} data rows in the file, {read} read",
            )
        rows += read
    return Outcome(case.name, True, rows=rows)


def build_cases(count: int, seed: int, base: Base, out: Path) -> list[Case]:
    """``count`` cases: the hostile shapes first, then seeded mutations."""
    rng = random.Random(seed)
    cases = _hostile(base, out / "hostile")
    mutators = [m for m, _ in MUTATORS]
    weights = [w for _, w in MUTATORS]
    for number in range(max(count - len(cases), 0)):
        folder = out / f"case{number:05d}"
        folder.mkdir(parents=True)
        mutator = rng.choices(mutators, weights)[0]
        cases.append(mutator(random.Random(rng.random()), base, folder))
    return cases[:count]


def fuzz(count: int, seed: int, jobs: int, out: Path) -> list[Outcome]:
    (out / "hostile").mkdir(parents=True, exist_ok=True)
    base = make_base(out / "base", seed)
    cases = build_cases(count, seed, base, out)

    def one(item: tuple[int, Case]) -> Outcome:
        number, case = item
        work = out / "runs" / f"{number:05d}"
        work.mkdir(parents=True, exist_ok=True)
        return run_case(case, work)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, enumerate(cases)))


def summary(outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    """The figures docs/reliability.md quotes."""
    failed = [o for o in outcomes if not o.ok]
    return {
        "cases": len(outcomes),
        "crashes": sum(o.kind == "crash" for o in failed),
        "hangs": sum(o.kind == "hang" for o in failed),
        "unaccounted": sum(o.kind == "unaccounted" for o in failed),
        "contract": sum(o.kind == "contract" for o in failed),
        "rows_checked": sum(o.rows for o in outcomes),
        "seconds": round(seconds, 1),
        "by_case": _by_case(outcomes),
        "failures": [o.__dict__ for o in failed[:20]],
    }


def _by_case(outcomes: list[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.case] = counts.get(o.case, 0) + 1
    return dict(sorted(counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, help="keep the cases here (default: a temp folder)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.out:
        shutil.rmtree(args.out, ignore_errors=True)
        outcomes = fuzz(args.cases, args.seed, args.jobs, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
            outcomes = fuzz(args.cases, args.seed, args.jobs, Path(folder))
    figures = summary(outcomes, time.perf_counter() - started)
    json.dump(figures, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0 if not figures["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
