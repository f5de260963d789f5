"""Reader for the MoJ / DfE SEND Tribunal appeal-rate table (a formatted table, not tidy data)."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

from etl.checks.published import BAD_NUMBER, CODE_NAME_MISMATCH, UNKNOWN_LA
from etl.published.areas import ENGLAND_CODE, normalise_name
from etl.published.datasets import DATASET_BY_KEY, find_header, release_label
from etl.published.records import FileLoad, PublishedError, Value
from etl.published.symbols import Num, as_float, parse_number, round_half_away


def read_tribunals(path: Path, directory: list[tuple[str, str, str, int]]) -> FileLoad:
    """The MoJ/DfE appeal-rate table: title rows, a year header row, a sub-header row, region
    heading rows, one row per LA (name with footnote digits, 3-digit code), an England total
    row, then notes.

    ``directory`` lists the LAs of the EES files: (3-digit code, 9-character code, name, last
    year). A row is matched by its **name** first: in the 2014–2024 table the codes of five rows
    are wrong (Northamptonshire, Nottingham and Nottinghamshire carry each other's codes;
    Cambridgeshire and Central Bedfordshire each other's), while the names agree with the sizes
    and the footnotes. A name and code that disagree are listed as a query; a row whose name
    matches no LA is matched by its code; a row matching neither is rejected.
    """
    dataset = DATASET_BY_KEY["tribunals"]
    load = FileLoad(dataset.key, path)
    names: dict[str, tuple[str, str, str]] = {}
    codes: dict[str, tuple[str, str, str]] = {}
    for old, la_code, la_name, _last in sorted(directory, key=lambda d: d[3]):
        names[normalise_name(la_name)] = (la_code, la_name, old)  # latest reporting LA wins
        if old:
            codes[old] = (la_code, la_name, old)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    load.rows_read = len(rows)
    header = find_header(rows, ["local authority"], search_rows=30)
    header_index = header.row
    if header.missing or header_index + 1 >= len(rows):
        raise PublishedError(
            f"{path.name}: no 'Local Authority' header row found in the first 30 rows, so this "
            "is not the tribunal appeal-rate table this tool knows"
        )
    years_row, sub_row = rows[header_index], rows[header_index + 1]
    blocks: list[tuple[int, int]] = []  # (year, column of "SEND Tribunal Appeal Rate")
    current_year: int | None = None
    for index, cell in enumerate(years_row):
        if re.fullmatch(r"\s*\d{4}\s*", cell or ""):
            current_year = int(cell)
        sub = (sub_row[index] if index < len(sub_row) else "").lower()
        if current_year and sub.startswith("send tribunal appeal rate"):
            blocks.append((current_year, index))
    if not blocks:
        raise PublishedError(f"{path.name}: no 'SEND Tribunal Appeal Rate' columns found")
    latest = max(year for year, _ in blocks)
    load.release = release_label(dataset, latest)
    load.not_used["title and header rows"] += header_index + 2
    for offset, row in enumerate(rows[header_index + 2 :], start=header_index + 3):
        name = (row[0] if row else "").strip()
        code = (row[1] if len(row) > 1 else "").strip()
        if not any(c.strip() for c in row):
            load.not_used["blank rows"] += 1
            continue
        if name.lower().startswith("england total") and "excluding" not in name.lower():
            area: tuple[str, str | None, str, str] = (
                ENGLAND_CODE,
                None,
                "England",
                "England",
            )
        else:
            clean = re.sub(r"\d[\d,]*$", "", name).strip()
            by_name = names.get(normalise_name(clean)) if clean else None
            by_code = codes.get(code) if re.fullmatch(r"\d{3}", code) else None
            found = by_name or by_code
            if found is None:
                if re.fullmatch(r"\d{3}", code):
                    load.problem(
                        offset,
                        "LA code",
                        UNKNOWN_LA,
                        f"{clean} ({code}) matches no LA in the EES files loaded with it, by "
                        "name or code; row not loaded",
                    )
                else:
                    load.not_used["region headings, notes and footnotes"] += 1
                continue
            if by_name and by_code and by_name != by_code:
                load.problem(
                    offset,
                    "LA code",
                    CODE_NAME_MISMATCH,
                    f"the row is named {clean} but its code {code} is {by_code[1]} in the EES "
                    f"files; matched by name to {by_name[1]} ({by_name[0]})",
                )
            # The LA's own 3-digit code from EES, not the table's (wrong for five rows).
            area = (found[0], found[2] or None, found[1], "LA")
        area_code, old_code, area_name, level = area
        for year, column in blocks:
            rate = parse_number(row[column] if column < len(row) else "")
            decisions = parse_number(row[column - 1] if column >= 1 else "")
            status = rate.status if rate.status != "blank" else "not available"
            if rate.status == "invalid" and (row[column].strip() == "-"):
                rate, status = Num(Decimal(0)), None
            elif rate.status == "invalid":
                load.problem(
                    offset,
                    f"{year} appeal rate",
                    BAD_NUMBER,
                    f"appeal rate {row[column]!r} is not a number; shown as no value",
                )
            load.values.append(
                Value(
                    dataset=dataset.key,
                    measure="tribunal_appeal_rate",
                    year=year,
                    period=f"Calendar year {year}",
                    level=level,
                    area_code=area_code,
                    old_la_code=old_code,
                    area_name=area_name,
                    region_code=None,
                    region_name=None,
                    breakdown="All",
                    value=round_half_away(rate.value, 2),
                    numerator=_count(row[column - 2] if column >= 2 else ""),
                    denominator=as_float(decisions.value),
                    status=None if rate.value is not None else status,
                    source_file=path.name,
                    release=load.release,
                    release_rank=dataset.release_rank,
                    source_row=offset,
                )
            )
        load.rows_loaded += 1
    return load


def _count(text: str) -> float | None:
    """Appeals registered: '-' means none in MoJ tables."""
    if text.strip() == "-":
        return 0.0
    return as_float(parse_number(text).value)
