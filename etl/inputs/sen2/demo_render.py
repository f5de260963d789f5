"""Render simulated SEN2 cases as cells: workbook sheets or COLLECT Blade CSV rows.

Headers are the XML element names, the first alias in ``etl.inputs.sen2.spec`` (lower case in Blade
files). A workbook has one sheet per module (:data:`SHEETS`) with two title rows above the
Requests header; a Blade set is one CSV per module (:data:`BLADE_FILES`).

Workbooks also exercise the parsers with *valid* variants (:func:`apply_variants`): ~3% of dates
in Requests / Assessments written as UK text ("31/01/2024"), Blade text ("2024-Jan-31 00:00:00")
or an Excel serial number; ~2% of codes in lower case; some Week20 values written "Yes" / "No" /
"Y" / "N".
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

import numpy as np

from etl.inputs.sen2.demo_simulate import (
    ETH_CODES,
    NEED_CODES,
    OUTCOME_CODES,
    SEX_CODES,
    UPN_REASONS,
    LaData,
)
from etl.inputs.sen2.spec import MODULES
from etl.parse import EXCEL_EPOCH
from etl.xlsx_writer import Sheet

# Workbook sheet per module, in writing order.
SHEETS = {
    "person": "Person",
    "requests": "Requests",
    "assessment": "Assessments",
    "named_plan": "Named Plan",
    "active_plans": "Active Plan",
    "sen_need": "SEN Need",
}
# Blade file suffix per module (Blade-Export_<DD-MM-YYYY>_<suffix>.csv).
BLADE_FILES = {
    "sen2": "sen2",
    "person": "person",
    "requests": "requests",
    "assessment": "assessment",
    "named_plan": "namedplan",
    "active_plans": "activeplans",
    "sen_need": "senneed",
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UPN_MODULUS = 10**12
_UPN_MULTIPLIER = 982_451_653  # coprime to 10**12, so id -> UPN digits is one-to-one


def _blade_text(d: datetime.date) -> str:
    """A date as COLLECT Blade exports write it: "2024-Jan-31 00:00:00" (English month names)."""
    return f"{d.year:04d}-{_MONTHS[d.month - 1]}-{d.day:02d} 00:00:00"


class DateRenderer:
    """Ordinal -> cell value (datetime.date for workbooks, Blade text for CSV); 0 -> None."""

    def __init__(self, snapshot: datetime.date, blade: bool):
        self.base = datetime.date(snapshot.year - 40, 1, 1).toordinal()
        end = datetime.date(snapshot.year + 3, 12, 31).toordinal()
        values: list[Any] = [None]
        for o in range(self.base, end + 1):
            d = datetime.date.fromordinal(o)
            values.append(_blade_text(d) if blade else d)
        self.table = np.array(values, dtype=object)

    def __call__(self, ordinals: np.ndarray) -> list[Any]:
        index = np.where(ordinals > 0, ordinals - self.base + 1, 0)
        return self.table[index].tolist()

    def one(self, ordinal: int) -> Any:
        return self.table[ordinal - self.base + 1]


Tables = dict[str, dict[str, list[Any]]]


def _codes(lookup: np.ndarray, index: np.ndarray) -> list[Any]:
    """Code index -> code text (negative index -> None)."""
    table = np.concatenate([lookup, np.array([None], dtype=object)])
    return list(table[np.where(index >= 0, index, len(lookup))].tolist())


def _flags(values: np.ndarray) -> list[Any]:
    """-1 -> None, 0/1 -> int."""
    return list(np.array([None, 0, 1], dtype=object)[values.astype(np.int64) + 1].tolist())


def build_tables(data: LaData, date: DateRenderer, with_sen2: bool = False) -> Tables:
    """Turn one LA's arrays into columns of cell values, keyed by canonical field name."""
    c, p, x = data.requests, data.persons, data.extra_assessments
    tables: Tables = {}
    keep = ~p["dropped"]
    upn_digits = (p["id"] * _UPN_MULTIPLIER) % _UPN_MODULUS  # one-to-one: no duplicate UPNs
    upn = np.array([f"Z{d:012d}" for d in upn_digits.tolist()], dtype=object)
    upn[p["upn_blank"]] = None
    tables["person"] = {
        "person_id": p["id"][keep].tolist(),
        "upn": upn[keep].tolist(),
        "upn_unknown": _codes(UPN_REASONS, p["upn_reason"][keep]),
        "birth_date": date(p["birth"][keep]),
        "sex": _codes(SEX_CODES, p["sex"][keep]),
        "ethnicity": _codes(ETH_CODES, p["ethnicity"][keep]),
    }
    if with_sen2:
        tables["person"]["sen2_id"] = [data.sen2_id] * int(keep.sum())
    tables["requests"] = {
        "request_id": c["request_id"].tolist(),
        "received_date": date(c["received"]),
        "request_source": c["source"].tolist(),
        "rya": c["rya"].tolist(),
        "request_outcome_date": date(c["req_date"]),
        "request_outcome": _codes(OUTCOME_CODES, c["req_outcome"]),
        "request_mediation": c["req_mediation"].tolist(),
        "request_tribunal": c["req_tribunal"].tolist(),
        "person_id": c["person_id"].tolist(),
    }
    a = c["has_ass"]
    k = len(x["assessment_id"])
    tables["assessment"] = {
        "assessment_id": c["assessment_id"][a].tolist() + x["assessment_id"].tolist(),
        "assessment_outcome": _codes(OUTCOME_CODES, c["ass_outcome"][a]) + ["N"] * k,
        "assessment_outcome_date": date(c["ass_date"][a]) + date(x["date"]),
        "assessment_mediation": c["ass_mediation"][a].tolist() + [0] * k,
        "assessment_tribunal": c["ass_tribunal"][a].tolist() + [0] * k,
        "week20": _flags(c["week20"][a]) + [0] * k,
        "request_id": c["request_id"][a].tolist() + x["request_id"].tolist(),
    }
    plan = c["has_plan"]
    tables["named_plan"] = {
        "named_plan_id": c["named_plan_id"][plan].tolist(),
        "assessment_id": c["assessment_id"][plan].tolist(),
        "start_date": date(c["start"][plan]),
        "pb": c["pb"][plan].tolist(),
        "cease_date": date(c["cease"][plan]),
        "cease_reason": [r or None for r in c["cease_reason"][plan].tolist()],
    }
    act = c["active"]
    transfer = c["transfer"][act]
    tables["active_plans"] = {
        "active_plan_id": c["active_plan_id"][act].tolist(),
        "request_id": c["request_id"][act].tolist(),
        "transfer_la": [f"{t:03d}" if t else None for t in transfer.tolist()],
        "review_meeting": date(c["review_meeting"][act]),
        "last_review": date(c["last_review"][act]),
    }
    # SEN need: rank 1 for every active plan, rank 2 where recorded, grouped by plan.
    plan_ids = c["active_plan_id"][act]
    need1, need2 = c["need1"][act], c["need2"][act]
    has2 = need2 >= 0
    rows_per_plan = 1 + has2.astype(np.int64)
    total = int(rows_per_plan.sum())
    first = np.cumsum(rows_per_plan) - rows_per_plan
    types = np.empty(total, np.int64)
    ranks = np.ones(total, np.int64)
    owners = np.repeat(plan_ids, rows_per_plan)
    types[first] = need1
    types[first[has2] + 1] = need2[has2]
    ranks[first[has2] + 1] = 2
    tables["sen_need"] = {
        "sen_need_id": (data.first_need_id + np.arange(total)).tolist(),
        "active_plan_id": owners.tolist(),
        "sen_type": _codes(NEED_CODES, types),
        "sen_type_rank": ranks.tolist(),
    }
    return tables


def apply_overrides(tables: Tables, overrides: list[tuple[str, str, int, Any]]) -> None:
    """Write the planted faults' cell values (table, column, row, value) over the rendered ones."""
    for table, column, row, value in overrides:
        tables[table][column][row] = value


_LOWER_CASE = {
    "requests": ("request_outcome",),
    "assessment": ("assessment_outcome",),
    "sen_need": ("sen_type",),
    "person": ("upn_unknown",),
}
_DATE_VARIANTS = {
    "requests": ("received_date", "request_outcome_date"),
    "assessment": ("assessment_outcome_date",),
}


def apply_variants(tables: Tables, rng: np.random.Generator) -> None:
    """Valid but untidy cells, as LA spreadsheets have: text and serial dates, lower-case codes,
    Week20 as Yes/No."""
    for table, columns in _DATE_VARIANTS.items():
        for column in columns:
            values = tables[table][column]
            for i in np.flatnonzero(rng.random(len(values)) < 0.03).tolist():
                d = values[i]
                if not isinstance(d, datetime.date):
                    continue
                form = int(rng.integers(3))
                if form == 0:
                    values[i] = d.strftime("%d/%m/%Y")
                elif form == 1:
                    values[i] = _blade_text(d)
                else:
                    values[i] = (d - EXCEL_EPOCH).days
    for table, columns in _LOWER_CASE.items():
        for column in columns:
            values = tables[table][column]
            for i in np.flatnonzero(rng.random(len(values)) < 0.02).tolist():
                if isinstance(values[i], str) and values[i] != "X":
                    values[i] = values[i].lower()
    week20 = tables["assessment"]["week20"]
    words = {1: ("Yes", "Y"), 0: ("No", "N")}
    for i in np.flatnonzero(rng.random(len(week20)) < 0.03).tolist():
        if week20[i] in words:
            week20[i] = words[week20[i]][int(rng.integers(2))]


def _header(module: str, column: str, blade: bool) -> str:
    alias = MODULES[module].field(column).aliases[0]
    return alias.lower() if blade else alias


def _ordered(module: str, columns: dict[str, list[Any]]) -> list[str]:
    """The columns present, in the module's field order."""
    return [f.name for f in MODULES[module].fields if f.name in columns]


def workbook_sheets(tables: Tables, title: str) -> list[Sheet]:
    """One sheet per module, in :data:`SHEETS` order, with title rows above the Requests header."""
    sheets: list[Sheet] = []
    for module, sheet_name in SHEETS.items():
        columns = tables[module]
        names = _ordered(module, columns)
        rows: list[Any] = [[title], []] if module == "requests" else []
        rows.append([_header(module, n, blade=False) for n in names])
        rows.extend(zip(*(columns[n] for n in names), strict=True))
        sheets.append((sheet_name, rows))
    return sheets


class BladeSet:
    """Seven open Blade CSV files, headers written once, rows appended per LA."""

    def __init__(self, folder: Path, stamp: str):
        self.folder, self.stamp = folder, stamp
        self.files: dict[str, Any] = {}
        self.writers: dict[str, Any] = {}
        self.columns: dict[str, list[str]] = {}

    def __enter__(self) -> BladeSet:
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self.files.values():
            handle.close()

    def write(self, tables: Tables) -> None:
        for module, columns in tables.items():
            if module not in self.writers:
                path = self.folder / f"Blade-Export_{self.stamp}_{BLADE_FILES[module]}.csv"
                handle = path.open("w", encoding="utf-8", newline="")
                self.files[module] = handle
                self.writers[module] = csv.writer(handle)
                self.columns[module] = _ordered(module, columns)
                self.writers[module].writerow(
                    [_header(module, n, blade=True) for n in self.columns[module]]
                )
            self.writers[module].writerows(
                zip(*(columns[n] for n in self.columns[module]), strict=True)
            )
