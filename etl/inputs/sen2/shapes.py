"""SEN2 files whose sheets are not one module each: DfE's stacked "Data Entry Template" and the
COLLECT XML return. Both are cut here into one :class:`RawSheet` per module (``part`` names the
module), which then go through the same header matching, staging and checks as every other shape.

**The stacked template.** DfE's submission template puts every module on one sheet, "Data Entry
Template": a title row ("Header Record", "Person Record", "Requests Records", …; source: the
template reader in MastodonC/witan.sen2, ``blade/template.clj``), the module's header row below
it, its records, a gap, the next title. Each titled block becomes one module sheet, keeping the
Excel row numbers. A sheet of that name in which no block can be found is refused whole: read as a
case list it would give wrong figures.

**The XML return** (``Message/Header`` + ``Message/Persons/Person/Requests/…``; the 2024 and 2025
XSDs in SocialFinanceDigitalLabs' liia-tools and liia-tools-pipeline). It has no table ids, so the
keys come from the nesting: a child by UPN, else ULN, else name and date of birth (read only to
make the keyed hash, never stored); a request by its child and received date; everything below
by its parent and position, each a keyed hash (so nothing written in the warehouse says who the
child is). Sheets are named by element path and rows are the line of each element's start tag.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from etl.config import Pseudonymiser
from etl.headers import cell_keys, cells_keyed_as, header_key
from etl.readers import XML_ID, XML_PARENT, FileProblem, RawSheet

# ------------------------------------------------------------------ the stacked template

TEMPLATE_SHEET = "Data Entry Template"
# A block's title, with "Record(s)" taken off and lower-cased without spaces → module.
_TITLES = {
    "header": "sen2",
    "person": "person",
    "persons": "person",
    "request": "requests",
    "requests": "requests",
    "assessment": "assessment",
    "assessments": "assessment",
    "namedplan": "named_plan",
    "namedplans": "named_plan",
    "plandetail": "plan_detail",
    "plandetails": "plan_detail",
    "activeplan": "active_plans",
    "activeplans": "active_plans",
    "placementdetail": "placement_detail",
    "placementdetails": "placement_detail",
    "senneed": "sen_need",
    "senneeds": "sen_need",
}
TITLE_KEYS = {
    f"{base}{suffix}": m for base, m in _TITLES.items() for suffix in ("record", "records")
}


def _title_rows(sheet: RawSheet) -> list[tuple[int, str]]:
    """(row index, module) of every block title in the first three columns, in row order."""
    found: dict[int, str] = {}
    keys = pa.array(sorted(TITLE_KEYS), pa.string())
    for column in sheet.columns[:3]:
        hits = pc.indices_nonzero(cells_keyed_as(column, keys))
        titles = cell_keys(column.take(hits).cast(pa.string())).to_pylist()
        for index, title in zip(hits.to_pylist(), titles, strict=True):
            found.setdefault(index, TITLE_KEYS[title])
    return sorted(found.items())


def split_stacked(sheet: RawSheet) -> list[RawSheet] | None:
    """The module blocks of a stacked template sheet, each as its own sheet; None when the
    sheet is not stacked. Raises FileProblem for a "Data Entry Template" sheet with no blocks."""
    if sheet.sheet is None or sheet.part is not None or sheet.xml_root is not None:
        return None
    titles = _title_rows(sheet)
    if not titles:
        if header_key(sheet.sheet) == header_key(TEMPLATE_SHEET) and sheet.filled_row_numbers():
            raise FileProblem(
                "column_missing",
                f"{sheet.label}: this looks like DfE's SEN2 submission template, but none of its "
                "module titles ('Header Record', 'Person Record', 'Requests Records', …) were "
                "found in the first columns, so the modules cannot be told apart and nothing was "
                "loaded. Keep each module's title row above its header row, or save each module "
                "on its own sheet (Person, Requests, Assessments, …)",
                sheet.sheet,
            )
        return None
    parts = []
    bounds = [index for index, _ in titles] + [sheet.height]
    for (start, module), end in zip(titles, bounds[1:], strict=False):
        columns = [c.slice(start + 1, end - start - 1) for c in sheet.columns]
        parts.append(
            replace(
                sheet,
                columns=columns,
                row_numbers=sheet.row_numbers[start + 1 : end],
                rejected=[],
                part=module,
            )
        )
    return parts


def title_row(sheet: RawSheet) -> int:
    """The Excel row of the title above a block cut by :func:`split_stacked`."""
    return sheet.row_numbers[0] - 1 if sheet.row_numbers else 0


# ------------------------------------------------------------------ the XML return

XML_ROOT = "Message"
_P = "Persons/Person"
# Element path → module.
XML_MODULES = {
    _P: "person",
    f"{_P}/Requests": "requests",
    f"{_P}/Requests/Assessment": "assessment",
    f"{_P}/Requests/Assessment/NamedPlan": "named_plan",
    f"{_P}/Requests/Assessment/NamedPlan/PlanDetail": "plan_detail",
    f"{_P}/Requests/ActivePlans": "active_plans",
    f"{_P}/Requests/ActivePlans/PlacementDetail": "placement_detail",
    f"{_P}/Requests/ActivePlans/SENneed": "sen_need",
}
XML_HEADER = ("Header/CollectionDetails", "Header/Source")
XML_CONTAINERS = {XML_ROOT, "Header", "Persons"}
# Elements read only to key the child, then dropped; and record names met as empty leaves.
_DROPPED = {"surname", "forename", "postcode"}
_RECORDS = {header_key(p.rsplit("/", 1)[-1]) for p in XML_MODULES} | {"header", "persons"}
# The id columns written for each module (Blade names, which the specs know).
_OWN_ID = {
    "sen2": "sen2tableid",
    "person": "persontableid",
    "requests": "requeststableid",
    "assessment": "assessmenttableid",
    "named_plan": "namedplantableid",
    "plan_detail": "plandetailtableid",
    "active_plans": "activeplanstableid",
    "placement_detail": "placementdetailtableid",
    "sen_need": "senneedtableid",
}
_PARENT_MODULE = {
    "person": "sen2",
    "requests": "person",
    "assessment": "requests",
    "named_plan": "assessment",
    "plan_detail": "named_plan",
    "active_plans": "requests",
    "placement_detail": "active_plans",
    "sen_need": "active_plans",
}


def _path(sheet: RawSheet) -> str:
    return (sheet.sheet or "").removesuffix(" (numbered by position)")


def _records(sheet: RawSheet) -> tuple[list[str], list[list[Any]]]:
    rows = sheet.rows
    return [str(c) for c in rows[0]], rows[1:]


def xml_modules(sheets: list[RawSheet], pseudo: Pseudonymiser) -> list[RawSheet]:
    """The module sheets of a SEN2 XML return, with ids made from the nesting. Raises
    FileProblem for XML that is not a SEN2 return or holds records it cannot place."""
    root = sheets[0].xml_root if sheets else None
    name = sheets[0].file if sheets else ""
    if root != XML_ROOT:
        raise FileProblem(
            "file_no_sheet",
            f"{name}: an XML file whose root element is <{root}>, not <{XML_ROOT}>. The only XML "
            "this tool reads is DfE's SEN2 COLLECT return (<Message> holding <Header> and "
            "<Persons>); nothing was loaded",
        )
    by_path = {_path(s): s for s in sheets}
    unknown = sorted(p for p in by_path if p not in XML_MODULES and p not in XML_HEADER)
    unknown = [p for p in unknown if p not in XML_CONTAINERS and p != ""]
    if unknown:
        raise FileProblem(
            "file_no_sheet",
            f"{name}: holds <{unknown[0].rsplit('/', 1)[-1]}> records at {unknown[0]}"
            + (f" (and {len(unknown) - 1} other unknown kinds)" if len(unknown) > 1 else "")
            + ", which the SEN2 return does not have, so the file cannot be read with "
            "confidence and nothing was loaded. Check it is the SEN2 return as sent to COLLECT",
        )
    if _P not in by_path:
        raise FileProblem(
            "file_no_sheet",
            f"{name}: a <{XML_ROOT}> with no <Persons><Person> records; nothing was loaded",
        )
    out: list[RawSheet] = []
    # element number → the raw id given to its record (persons and requests: the text the
    # staging hashes; others: already a keyed hash)
    ids: dict[str, str] = {}
    sen2_id = _header_sheet(by_path, pseudo, out)
    for path, module in XML_MODULES.items():
        sheet = by_path.get(path)
        if sheet is None:
            continue
        header, rows = _records(sheet)
        keep = [
            i
            for i, h in enumerate(header)
            if h not in (XML_ID, XML_PARENT)
            and header_key(h) not in _DROPPED
            and header_key(h) not in _RECORDS
        ]
        parent_column = _OWN_ID[_PARENT_MODULE[module]]
        seen: dict[str, int] = {}
        body = []
        for row in rows:
            number, parent = str(row[0]), str(row[1])
            values = dict(zip(header, row, strict=False))
            parent_id = sen2_id if module == "person" else ids.get(parent)
            if module == "person":
                raw = _person_id(values, number)
            elif module == "requests":
                raw = f"{parent_id}|{values.get('ReceivedDate') or ''}"
            else:
                raw = pseudo(module, f"xml|{parent_id}")
            # The second record with the same id under one parent is numbered. Not a child: two
            # <Person> records with one UPN are the same child written twice, which the build
            # lists as a duplicate (their requests stay with that child).
            seen[raw] = seen.get(raw, 0) + 1
            if seen[raw] > 1 and module != "person":
                count = seen[raw]
                raw = f"{raw}#{count}" if module == "requests" else pseudo(module, f"{raw}#{count}")
            ids[number] = raw
            body.append([raw, parent_id, *(row[i] for i in keep)])
        columns = [_OWN_ID[module], parent_column, *(header[i] for i in keep)]
        out.append(
            replace(
                RawSheet.from_rows(sheet.file, sheet.sheet, [columns, *body], sheet.row_numbers),
                xml_root=root,
                part=module,
            )
        )
    return out


def _person_id(values: dict[str, Any], number: str) -> str:
    """The text a child's key is made from: UPN, else ULN, else name and date of birth, else
    the element's position (then it is not stable from one return to the next)."""
    if values.get("UPN"):
        return f"upn:{str(values['UPN']).strip().upper()}"
    if values.get("UniqueLearnerNumber"):
        return f"uln:{str(values['UniqueLearnerNumber']).strip()}"
    parts = [str(values.get(k) or "").strip().lower() for k in ("Surname", "Forename")]
    birth = str(values.get("PersonBirthDate") or "").strip()
    if any(parts) and birth:
        return f"name:{'|'.join(parts)}|{birth}"
    return f"element:{number}"


def _header_sheet(
    by_path: dict[str, RawSheet], pseudo: Pseudonymiser, out: list[RawSheet]
) -> str | None:
    """The return's header (CollectionDetails + Source) as one SEN2 header row; its id."""
    found = [by_path[p] for p in XML_HEADER if p in by_path]
    if not found:
        return None
    values: dict[str, Any] = {}
    for sheet in found:
        header, rows = _records(sheet)
        if rows:
            for h, v in zip(header, rows[0], strict=False):
                if h not in (XML_ID, XML_PARENT):
                    values.setdefault(h, v)
    sen2_id = pseudo("sen2", f"xml|{values.get('LEA') or ''}|{values.get('ReferenceDate') or ''}")
    tags = list(values)
    first = found[0]
    out.append(
        replace(
            RawSheet.from_rows(
                first.file,
                "Header",
                [["sen2tableid", *tags], [sen2_id, *(values[t] for t in tags)]],
                [first.row_numbers[0], first.row_numbers[1] if first.height > 1 else 1],
            ),
            xml_root=first.xml_root,
            part="sen2",
        )
    )
    return sen2_id
