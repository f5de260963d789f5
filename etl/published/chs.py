"""Readers for NHS published waiting times (issue 12): NHS England's monthly "Community Health
Services Waiting Lists" workbooks, NHS Digital's autism statistics (as DfE prepared them) and the
two lookups that place an LA in the NHS geography.

CHS workbooks: Table 4 is the total waiting list by service, Tables 4a–4h the list by
weeks-waiting band, one row per organisation (England, NHS region, ICB, provider) and one column
per service ("(A) …" adults, "(CYP) …" children and young people). Their quirks:

- the header row moves (row 5 or 6, and not always the same row in every table of a workbook):
  it is found per sheet with the published header matcher (:func:`.datasets.find_header`);
- the bands changed: until December 2024 Table 4g is "over 52 weeks" and there is no 4h; from
  January 2025 4g is "52–104 weeks" and 4h "over 104 weeks". A band is read from its title
  ("Number waiting >18-52 weeks …"), never from the sheet's letter, and the weeks it starts at
  decide whether it counts as over 18 / over 52 weeks;
- a blank cell means no organisation submitted for the service: no value, never 0;
- the bands need not add up to the total: the total is Table 4's, as published.

Only the CYP columns of the standard services are loaded (:data:`CYP_SERVICES`); the other
columns are counted as not used, per file. Every row under each table's header is loaded
(an organisation) or not used (notes), so the counts add up.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.checks.published import BAD_NUMBER
from etl.parse import MONTHS
from etl.published.areas import ENGLAND_CODE
from etl.published.datasets import find_header
from etl.published.records import FileLoad, PublishedError
from etl.published.symbols import as_float, parse_number
from etl.readers import FileProblem, RawSheet, read_file

# NHS England's own file names, or a fetch source named chs_… in [published.sources].
CHS_NAME = re.compile(r"community[-_ ]health[-_ ]services[-_ ]waiting[-_ ]lists?|^chs[-_]", re.I)
SOURCE = "NHS England, Community Health Services Waiting Lists"
# The CYP columns (as NHS England heads them) of the standard services (etl.inputs.waits.spec).
CYP_SERVICES = {
    "(cyp) therapy interventions: speech and language": "speech_and_language_therapy",
    "(cyp) therapy interventions: occupational therapy": "occupational_therapy",
    "(cyp) therapy interventions: physiotherapy": "physiotherapy",
    "(cyp) community paediatric service": "community_paediatrics",
    "(cyp) audiology": "audiology",
    "(cyp) therapy interventions: dietetics": "dietetics",
    "(cyp) wheelchair, orthotics, prosthetics and equipment": "wheelchair_services",
}
LEVELS = {"national": "England", "region": "Region", "icb": "ICB", "provider": "Provider"}
ORG_COLUMNS = ("organisation type", "organisation code", "organisation name")
_MONTH = re.compile(r"\b([A-Za-z]+)\s+(\d{4})\s*$")
_BAND = re.compile(r"number waiting\s+(.*?)\s+by service", re.I)
_BAND_START = re.compile(r"(?:>|over\s+)(\d+)|^(\d+)-")


@dataclass
class ChsLoad(FileLoad):
    """A CHS workbook: the FileLoad record plus its (organisation, service, table) values."""

    month: dt.date | None = None
    waits: list[Any] = field(default_factory=list)


@dataclass
class RowsLoad(FileLoad):
    """A CSV read whole into one of the waits tables (autism statistics, the lookups)."""

    table: str = ""
    rows: list[tuple[Any, ...]] = field(default_factory=list)


def is_chs(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx" and bool(CHS_NAME.search(path.stem))


def find_files(folder: Path) -> dict[str, list[Path]]:
    """The waits publications under ``folder`` by kind: CHS workbooks, the autism statistics,
    the LA→ICB and LA→sub-ICB lookups."""
    found: dict[str, list[Path]] = {"chs": [], "autism": [], "la_icb": [], "la_subicb": []}
    paths = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
    for path in paths:
        kind = kind_of(path)
        if kind:
            found[kind].append(path)
    return {k: v for k, v in found.items() if v}


def kind_of(path: Path) -> str | None:
    """Which waits publication a file is, by its name."""
    if is_chs(path):
        return "chs"
    stem = re.sub(r"[^a-z0-9]+", "_", path.stem.lower())
    if path.suffix.lower() != ".csv":
        return None
    if stem == "autism":
        return "autism"
    if stem.startswith("la_to_icb"):
        return "la_icb"
    if stem.startswith("la_subicb"):
        return "la_subicb"
    return None


def month_of(title: str) -> dt.date | None:
    """ "Total waiting list by service, July 2025" → 1 July 2025."""
    m = _MONTH.search(title.strip())
    if not m or m[1].lower() not in MONTHS:
        return None
    return dt.date(int(m[2]), MONTHS[m[1].lower()], 1)


def band_of(title: str) -> tuple[str, int] | None:
    """ "Number waiting >18-52 weeks (127-364 days) by service, …" → (">18-52 weeks", 18): the
    band as published and the weeks it starts after."""
    m = _BAND.search(title)
    if not m:
        return None
    label = m[1].split("(")[0].strip()
    start = _BAND_START.search(label)
    if not start:
        return None
    return label, int(start[1] or start[2])


def _text(cells: Iterable[Any]) -> list[str]:
    return ["" if c is None else str(c) for c in cells]


def read_chs(path: Path) -> ChsLoad:
    """One monthly CHS workbook → one value per (organisation, CYP service, table)."""
    load = ChsLoad("chs_waits", path)
    try:
        sheets = read_file(path)
    except FileProblem as problem:
        raise PublishedError(f"{path.name}: {problem.message}") from None
    tables = {s.sheet: s for s in sheets if s.sheet and re.fullmatch(r"Table 4[a-z]?", s.sheet)}
    if "Table 4" not in tables:
        raise PublishedError(
            f"{path.name}: no 'Table 4' sheet, so this is not the CHS waiting-list workbook this "
            "tool knows (Table 4 and Tables 4a–4h, by service)"
        )
    for name in sorted(tables):
        _read_table(load, tables[name])
    if load.month is None:
        raise PublishedError(f"{path.name}: no month found in Table 4's title")
    load.dataset = f"chs_waits_{load.month:%Y_%m}"
    load.release = f"{SOURCE}, {load.month:%B %Y}"
    load.waits = [(load.dataset, *w[1:]) for w in load.waits]
    return load


def _read_table(load: ChsLoad, sheet: RawSheet) -> None:
    top = [_text(r) for r in sheet.head(20)]
    title = next((c for row in top for c in row if c.strip()), "")
    if sheet.sheet == "Table 4":
        table, weeks_from = "total", None
        load.month = month_of(title)
    else:
        band = band_of(title)
        if band is None:
            raise PublishedError(
                f"{load.path.name} [{sheet.sheet}]: the title {title!r} names no weeks-waiting "
                "band (expected e.g. 'Number waiting >18-52 weeks … by service')"
            )
        table, weeks_from = band
    header = find_header(top, ORG_COLUMNS, search_rows=20)
    if header.missing:
        raise PublishedError(
            f"{load.path.name} [{sheet.sheet}]: no header row with "
            + ", ".join(f"'{c}'" for c in ORG_COLUMNS)
            + " in the first 20 rows"
        )
    columns = header.columns
    services = {
        index: CYP_SERVICES[text] for text, index in columns.items() if text in CYP_SERVICES
    }
    if not services:
        raise PublishedError(f"{load.path.name} [{sheet.sheet}]: no CYP service columns found")
    rows = sheet.rows[header.row + 1 :]
    numbers = sheet.row_numbers[header.row + 1 :]
    load.not_used["title and header rows"] += header.row + 1
    load.rows_read += header.row + 1
    kind_at, code_at, name_at = (columns[c] for c in ORG_COLUMNS)
    for cells, number in zip(rows, numbers, strict=True):
        load.rows_read += 1
        text = _text(cells)
        level = LEVELS.get(text[kind_at].strip().lower()) if kind_at < len(text) else None
        if level is None:
            load.not_used["notes and blank rows below the table"] += 1
            continue
        load.rows_loaded += 1
        code = text[code_at].strip() or (ENGLAND_CODE if level == "England" else "")
        name = text[name_at].strip()
        for index, service in services.items():
            raw = text[index] if index < len(text) else ""
            num = parse_number(raw)
            if num.status == "invalid":
                load.problem(
                    number,
                    header_text(columns, index),
                    BAD_NUMBER,
                    f"{sheet.sheet} row {number}: {raw!r} is not a number; shown as no value",
                )
            load.waits.append(
                [
                    "",  # the dataset, named by the month once the workbook is read
                    load.month,  # Table 4 (with the month in its title) is read first
                    level,
                    code,
                    name,
                    service,
                    table,
                    weeks_from,
                    as_float(num.value),
                    sheet.sheet,
                    number,
                ]
            )


def header_text(columns: dict[str, int], index: int) -> str:
    return next((t for t, i in columns.items() if i == index), "")


# ---------------------------------------------------------------- CSVs


AUTISM_LEVELS = {"National": "England", "NHS Region": "Region", "CCG or Sub ICB": "Sub-ICB"}


def read_autism(path: Path) -> RowsLoad:
    """NHS Digital autism statistics as DfE prepared them (``autism.csv``): ASD19e (children
    0–17) by age group for England, NHS regions and sub-ICB locations. Adults (ASD19g) and
    provider rows are counted as not used."""
    load = RowsLoad("nhs_autism", path, table="pub_autism")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = {"REPORTING_PERIOD_START", "METRIC", "METRIC_VALUE", "data_level"}
        if not needed <= set(reader.fieldnames or ()):
            raise PublishedError(
                f"{path.name}: not the autism statistics file this tool knows (needs columns "
                + ", ".join(sorted(needed))
                + ")"
            )
        latest = ""
        for number, row in enumerate(reader, start=2):
            load.rows_read += 1
            if row["METRIC"] != "ASD19e":
                load.not_used["adults (ASD19g): not shown"] += 1
                continue
            level = AUTISM_LEVELS.get(row["data_level"])
            if level is None:
                load.not_used["provider rows: not shown"] += 1
                continue
            num = parse_number(row["METRIC_VALUE"])
            code = row["PRIMARY_LEVEL"] if level != "England" else ENGLAND_CODE
            name = row["nhs_name"] if level == "Sub-ICB" else row["PRIMARY_LEVEL_DESCRIPTION"]
            age = row["SECONDARY_LEVEL"] if level != "England" else row["PRIMARY_LEVEL"]
            if level == "England":
                name = "England"
            load.rows.append(
                (
                    dt.date.fromisoformat(row["REPORTING_PERIOD_START"]),
                    dt.date.fromisoformat(row["REPORTING_PERIOD_END"]),
                    level,
                    code,
                    name,
                    row.get("nhs_region") or None,
                    age,
                    as_float(num.value),
                    number,
                )
            )
            load.rows_loaded += 1
            latest = max(latest, row["REPORTING_PERIOD_START"])
    load.release = f"NHS Digital Autism Statistics (ASD19e), to {latest[:7]}"
    return load


def read_lookup(path: Path, kind: str) -> RowsLoad:
    """LA → ICB (2024, with each LA's share of LSOAs) or LA → sub-ICB location (2022)."""
    if kind == "la_icb":
        load = RowsLoad("la_to_icb", path, table="pub_la_icb")
        wanted = ("utla23_code", "utla23_name", "icb24_code", "icb24_code_nhs", "icb24_name")
        share = "share_of_la_lsoas"
    else:
        load = RowsLoad("la_to_subicb", path, table="pub_la_subicb")
        wanted = ("la_name", "nhs_code", "nhs_name", "icb_name", "nhs_region")
        share = ""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(wanted) - set(reader.fieldnames or ())
        if missing:
            raise PublishedError(f"{path.name}: columns missing: {', '.join(sorted(missing))}")
        for row in reader:
            load.rows_read += 1
            values: list[Any] = [row[c].strip() for c in wanted]
            if share:
                values.append(float(row[share]))
            load.rows.append(tuple(values))
            load.rows_loaded += 1
    load.release = (
        "ONS LSOA21 → ICB24 and LAD → UTLA lookups (derived)"
        if kind == "la_icb"
        else "DfE LA → sub-ICB location lookup (2022)"
    )
    return load


def read(path: Path, kind: str) -> FileLoad:
    """One waits publication through its reader."""
    if kind == "chs":
        return read_chs(path)
    if kind == "autism":
        return read_autism(path)
    return read_lookup(path, kind)
