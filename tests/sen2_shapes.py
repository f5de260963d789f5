"""The golden children (``tests/golden_fixture.py``) written in every further SEN2 shape an LA
may hold (issue 10), each built here by code from the same ``REQUESTS`` and ``PEOPLE``:

- :func:`write_xml`: the COLLECT XML return, in the element order of DfE's 2024/2025 XSD
  (SocialFinanceDigitalLabs liia-tools ``SEN2_schema_2024.xsd``, liia-tools-pipeline
  ``sen2_schema_2025.xsd``), pretty-printed so each element starts a line;
- :func:`write_pre_submission`: DfE's pre-submission workbook (lower-case Blade names, every
  sheet with ``persontableid`` + ``requeststableid`` and no id of its own, MastodonC/witan.sen2
  ``blade/pre_submission.clj``), with named plans and plan details linked through the request;
- :func:`write_template_modules`: DfE's submission-template labels, one sheet per module;
- :func:`write_stacked_template`: the same labels stacked on one "Data Entry Template" sheet
  under the template's block titles (witan.sen2 ``blade/template.clj``);
- :func:`write_d2i`: Data to Insight's SEND tool module CSVs (headers from
  data-to-insight/SEND-tool-onefile ``python_app.py``), request ids numbered within each child;
- :func:`write_d2i_converter`: that tool's XML converter's tables (element names, ``child_id``,
  ``requests_id`` numbered within each child) as a workbook;
- :func:`write_blade_full`: Blade CSVs carrying every column the 2024 and 2025 specifications
  allow, including the export's own metadata columns.

No plan here carries a placement; plans (R1-R5, R7, R12) start on their issue date.
"""

from __future__ import annotations

import csv
import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from tests import golden_fixture as gf

D = dt.date
REFERENCE_DATE = D(2025, 3, 31)
LEA = "201"
URN = "100001"


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _plans() -> list[tuple[Any, ...]]:
    """Requests with a plan issued (outcome Y and a date): they get a named plan."""
    return [r for r in gf.REQUESTS if r[5] == "Y" and r[6] is not None]


# ------------------------------------------------------------------ XML


def write_xml(path: Path, reference_date: dt.date = REFERENCE_DATE) -> Path:
    """The COLLECT XML return for the golden children."""
    message = ET.Element("Message")
    header = ET.SubElement(message, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    for tag, value in (("Collection", "SEN2"), ("Year", str(reference_date.year))):
        ET.SubElement(details, tag).text = value
    ET.SubElement(details, "ReferenceDate").text = reference_date.isoformat()
    source = ET.SubElement(header, "Source")
    for tag, value in (
        ("SourceLevel", "L"),
        ("LEA", LEA),
        ("SoftwareCode", "Test"),
        ("Release", "1"),
        ("SerialNo", "001"),
        ("DateTime", f"{reference_date.isoformat()}T09:00:00"),
        ("DMO", "Y"),
        ("DCO", "Y"),
    ):
        ET.SubElement(source, tag).text = value
    persons = ET.SubElement(message, "Persons")
    for request in gf.REQUESTS:
        _rid, pid, received, r_out, r_date, a_out, a_date, week20, need = request
        upn, reason, dob = gf.PEOPLE[pid]
        person = ET.SubElement(persons, "Person")
        ET.SubElement(person, "Surname").text = f"Surname{pid}"
        ET.SubElement(person, "Forename").text = f"Forename{pid}"
        ET.SubElement(person, "PersonBirthDate").text = dob.isoformat()
        ET.SubElement(person, "Sex").text = "U"
        ET.SubElement(person, "Ethnicity").text = "NOBT"
        if upn:
            ET.SubElement(person, "UPN").text = upn
        if reason:
            ET.SubElement(person, "UPNunknown").text = reason
        requests = ET.SubElement(person, "Requests")
        ET.SubElement(requests, "ReceivedDate").text = received.isoformat()
        if r_date:
            ET.SubElement(requests, "RequestOutcomeDate").text = r_date.isoformat()
        ET.SubElement(requests, "RequestOutcome").text = r_out
        if a_out:
            assessment = ET.SubElement(requests, "Assessment")
            ET.SubElement(assessment, "AssessmentOutcome").text = a_out
            if a_date:
                ET.SubElement(assessment, "AssessmentOutcomeDate").text = a_date.isoformat()
            if week20 is not None:
                ET.SubElement(assessment, "Week20").text = str(int(week20))
            if a_out == "Y" and a_date:
                plan = ET.SubElement(assessment, "NamedPlan")
                ET.SubElement(plan, "StartDate").text = a_date.isoformat()
                detail = ET.SubElement(plan, "PlanDetail")
                ET.SubElement(detail, "URN").text = URN
                ET.SubElement(detail, "PlacementRank").text = "1"
        if need:
            active = ET.SubElement(requests, "ActivePlans")
            sen = ET.SubElement(active, "SENneed")
            ET.SubElement(sen, "SENtype").text = need
            ET.SubElement(sen, "SENtypeRank").text = "1"
    ET.indent(message)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(message).write(path, encoding="utf-8", xml_declaration=True)
    return path


# ------------------------------------------------------------------ workbooks by module

# Module → [(column label, value of a golden request row)], for the template and pre-submission.
Column = tuple[str, Callable[[tuple[Any, ...]], Any]]


def _person_row(r: tuple[Any, ...], key: int) -> Any:
    return gf.PEOPLE[r[1]][key]


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _modules(labels: dict[str, str]) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Each module's header (in the given labels) and rows, from the golden children."""
    people = [(pid, *gf.PEOPLE[pid]) for pid in gf.PEOPLE]
    plans = _plans()
    needs = [r for r in gf.REQUESTS if r[8]]
    out: dict[str, tuple[list[str], list[list[Any]]]] = {
        "person": (
            [labels[k] for k in ("person_id", "upn", "upn_unknown", "birth_date")],
            [[pid, upn, reason, dob] for pid, upn, reason, dob in people],
        ),
        "requests": (
            [
                labels[k]
                for k in (
                    "request_id",
                    "person_id",
                    "received_date",
                    "request_outcome_date",
                    "request_outcome",
                )
            ],
            [[r[0], r[1], r[2], r[4], r[3]] for r in gf.REQUESTS],
        ),
        "assessment": (
            [
                labels[k]
                for k in (
                    "person_id",
                    "request_id",
                    "assessment_outcome",
                    "assessment_outcome_date",
                    "week20",
                )
            ],
            [[r[1], r[0], r[5], r[6], _flag(r[7])] for r in gf.REQUESTS if r[5]],
        ),
        "named_plan": (
            [labels[k] for k in ("person_id", "request_id", "start_date")],
            [[r[1], r[0], r[6]] for r in plans],
        ),
        "plan_detail": (
            [labels[k] for k in ("person_id", "request_id", "urn", "placement_rank")],
            [[r[1], r[0], URN, 1] for r in plans],
        ),
        "active_plans": (
            [labels[k] for k in ("person_id", "request_id")],
            [[r[1], r[0]] for r in needs],
        ),
        "sen_need": (
            [labels[k] for k in ("person_id", "request_id", "sen_type", "sen_type_rank")],
            [[r[1], r[0], r[8], 1] for r in needs],
        ),
    }
    return out


PRE_SUBMISSION = {
    "person_id": "persontableid",
    "upn": "upn",
    "upn_unknown": "upnunknown",
    "birth_date": "personbirthdate",
    "request_id": "requeststableid",
    "received_date": "receiveddate",
    "request_outcome_date": "requestoutcomedate",
    "request_outcome": "requestoutcome",
    "assessment_outcome": "assessmentoutcome",
    "assessment_outcome_date": "assessmentoutcomedate",
    "week20": "week20",
    "start_date": "startdate",
    "urn": "urn",
    "placement_rank": "placementrank",
    "sen_type": "sentype",
    "sen_type_rank": "sentyperank",
}
# DfE's submission template labels, as witan.sen2's template reader lists them (with the notes
# and line breaks the template's header cells carry).
TEMPLATE = {
    "person_id": "Person ID\n\n(This must be a unique ID for each Person record)",
    "upn": "UPN - Unique Pupil Number",
    "upn_unknown": "UPN and ULN unavailable – Reason",
    "birth_date": "Date of Birth \n(ccyy-mm-dd)",
    "request_id": "Requests record ID\n\n(This must be a unique ID for each Requests record)",
    "received_date": "Date request was received",
    "request_outcome_date": "Request Outcome Date",
    "request_outcome": "Request Outcome",
    "assessment_outcome": "Assessment Outcome - Decision to issue EHC plan",
    "assessment_outcome_date": "Assessment Outcome Date",
    "week20": "Twenty week time limit exceptions apply",
    "start_date": "EHC Plan Start Date",
    "urn": "URN - Unique Reference Number",
    "placement_rank": "Placement Rank (1=Primary, 2=Secondary)",
    "sen_type": "SEN Type of Need",
    "sen_type_rank": "SEN Type of Need rank  (1=Primary, 2=Secondary)",
}
SHEETS = {
    "person": "Person",
    "requests": "Requests",
    "assessment": "Assessments",
    "named_plan": "Named Plan",
    "plan_detail": "Plan Detail",
    "active_plans": "Active Plan",
    "sen_need": "SEN Need",
}
# Template labels that differ by module: the person and request ids below the Person sheet
# "must match" rather than "be unique".
_MATCH = {
    "person_id": "Person ID\n\n(This must match the relevant ID in the Person record table)",
    "request_id": "Requests record ID\n\n(This must match the relevant ID in the Requests table)",
}


def _template_labels(module: str) -> dict[str, str]:
    labels = dict(TEMPLATE)
    if module != "person":
        labels["person_id"] = _MATCH["person_id"]
    if module not in ("person", "requests"):
        labels["request_id"] = _MATCH["request_id"]
    return labels


def _save(workbook: openpyxl.Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


OWN_IDS = {"named_plan": ("namedplantableid", "NP"), "active_plans": ("activeplanstableid", "AP")}


def write_pre_submission(path: Path, own_ids: bool = False) -> Path:
    """DfE's pre-submission workbook: one sheet per module, Blade names, no own ids (with
    ``own_ids``, the Named Plan and Active Plan sheets carry theirs, ``NP<request>`` and
    ``AP<request>``, while Plan Detail and SEN Need still name only the request)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for module, (header, rows) in _modules(PRE_SUBMISSION).items():
        sheet = workbook.create_sheet(SHEETS[module])
        own = OWN_IDS.get(module) if own_ids else None
        sheet.append([own[0], *header] if own else header)
        for row in rows:
            sheet.append([f"{own[1]}{row[1]}", *row] if own else row)
    return _save(workbook, path)


def write_template_modules(path: Path) -> Path:
    """DfE's submission-template labels, one sheet per module (each with "Record Type")."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for module in SHEETS:
        header, rows = _modules(_template_labels(module))[module]
        sheet = workbook.create_sheet(SHEETS[module])
        sheet.append(["Record Type", *header])
        for row in rows:
            sheet.append([SHEETS[module], *row])
    return _save(workbook, path)


# The block titles of the stacked template (witan.sen2 template.clj).
TITLES = {
    "sen2": "Header Record",
    "person": "Person Record",
    "requests": "Requests Records",
    "assessment": "Assessments Records",
    "named_plan": "Named Plan Records",
    "plan_detail": "Plan Detail Records",
    "active_plans": "Active Plan Records",
    "sen_need": "SEN Need Records",
}


def write_stacked_template(path: Path, reference_date: dt.date = REFERENCE_DATE) -> Path:
    """Every module stacked on one "Data Entry Template" sheet: a title row, the module's
    labels, its records, two blank rows (the template's layout)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data Entry Template"
    sheet.append(["SEN2 person level return – data entry template"])
    sheet.append([])
    sheet.append([TITLES["sen2"]])
    sheet.append(["Record Type", "Collection Name", "Year", "Reference Date", "LA Number"])
    sheet.append(["Header", "SEN2", reference_date.year, reference_date, LEA])
    for module in SHEETS:
        sheet.append([])
        sheet.append([])
        sheet.append([TITLES[module]])
        header, rows = _modules(_template_labels(module))[module]
        sheet.append(["Record Type", *header])
        for row in rows:
            sheet.append([module, *row])
    return _save(workbook, path)


# ------------------------------------------------------------------ Data to Insight

D2I_HEADERS = {
    "m1": [
        "Person ID",
        "Surname",
        "Forename",
        "Dob (ccyy-mm-dd)",
        "Gender",
        "Ethnicity",
        "Postcode",
        "UPN - Unique Pupil Number",
        "ULN - Young Persons Unique Learner Number",
        "UPN and ULN unavailable reason",
    ],
    "m2": [
        "Person ID",
        "Requests Record ID",
        "Date Request Was Received",
        "Initial Request Whilst In RYA",
        "Request Outcome Date",
        "Request Outcome",
        "Request Mediation",
        "Request Tribunal",
        "Exported - Child Or Young Person Moves Out Of LA Before Assessment Is Completed",
        "New start date",
    ],
    "m3": [
        "Person ID",
        "Requests Record ID",
        "Assessment Outcome To Issue EHCP",
        "Assessment Outcome Date",
        "Assessment Mediation",
        "Assessment Tribunal",
        "Other Mediation",
        "Other Tribunal",
        "Twenty Weeks Time Limit Exceptions Apply",
    ],
    "m4": [
        "Person ID",
        "Request Records ID",
        "EHC Plan Start Date",
        "Residential Settings",
        "Worked based learning activity",
        "Personal budget taken up",
        "Personal budget - organised arrangements",
        "Personal budget - direct payments",
        "Date EHC Plan Ceased",
        "Reason EHC Plan Ceased",
    ],
    "m5": [
        "Person ID",
        "Request Records ID",
        "EHC Plan (Transfer)",
        "Residential Settings",
        "Worked based learning activity",
        "EHCP review decisions date",
    ],
}


def _uk(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def write_d2i(folder: Path) -> Path:
    """Data to Insight's SEND tool CSVs m1-m5, UK dates, each child's request numbered 1."""
    folder.mkdir(parents=True, exist_ok=True)
    number = {pid: i for i, pid in enumerate(gf.PEOPLE, start=1)}
    rows: dict[str, list[list[Any]]] = {
        "m1": [
            [number[pid], "", "", _uk(dob), "U", "NOBT", "", upn or "", "", reason or ""]
            for pid, (upn, reason, dob) in gf.PEOPLE.items()
        ],
        "m2": [[number[r[1]], 1, _uk(r[2]), 0, _uk(r[4]), r[3], 0, 0, "", ""] for r in gf.REQUESTS],
        "m3": [
            [number[r[1]], 1, r[5], _uk(r[6]), 0, 0, 0, 0, "" if r[7] is None else int(r[7])]
            for r in gf.REQUESTS
            if r[5]
        ],
        "m4": [[number[r[1]], 1, _uk(r[6]), "", "", "", "", "", "", ""] for r in _plans()],
        "m5": [[number[r[1]], 1, "", "", "", ""] for r in gf.REQUESTS if r[8]],
    }
    for name, header in D2I_HEADERS.items():
        with (folder / f"{name}.csv").open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            out.writerows(rows[name])
    return folder


def write_d2i_converter(path: Path) -> Path:
    """The tables Data to Insight's XML converter makes (element names, ``child_id``,
    ``requests_id`` within each child, ``assessment_id`` within each request, and the child's
    name, which must never be read), as a workbook with sheets "1" to "5" as its zip names its
    files. Sheet 4 is a named plan flattened with its plan details, sheet 5 an active plan with
    its placements and first need, one row per detail: R1 has two of each (ranks 1 and 2), every
    other plan one, so R1's plan and need are written twice."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    number = {pid: i for i, pid in enumerate(gf.PEOPLE, start=1)}
    persons = workbook.create_sheet("1")
    persons.append(["FamilyName", "Firstname", "PersonBirthDate", "UPN", "UPNunknown", "child_id"])
    for pid, (upn, reason, dob) in gf.PEOPLE.items():
        persons.append([f"Surname{pid}", f"Forename{pid}", _iso(dob), upn, reason, number[pid]])
    requests = workbook.create_sheet("2")
    requests.append(
        ["ReceivedDate", "RequestOutcomeDate", "RequestOutcome", "child_id", "requests_id"]
    )
    for r in gf.REQUESTS:
        requests.append([_iso(r[2]), _iso(r[4]), r[3], number[r[1]], 1])
    assessments = workbook.create_sheet("3")
    assessments.append(
        [
            "AssessmentOutcome",
            "AssessmentOutcomeDate",
            "Week20",
            "name",
            "child_id",
            "requests_id",
            "assessment_id",
        ]
    )
    for r in gf.REQUESTS:
        if r[5]:
            assessments.append(
                [r[5], _iso(r[6]), _flag(r[7]), f"Forename{r[1]}", number[r[1]], 1, 1]
            )
    ranks = {"R1": (1, 2)}
    plans = workbook.create_sheet("4")
    plans.append(
        [
            "StartDate",
            "URN",
            "PlacementRank",
            "SENunitIndicator",
            "ResourcedProvisionIndicator",
            "PlanRes",
            "PlanWPB",
            "PB",
            "CeaseDate",
            "name",
            "child_id",
            "requests_id",
            "assessment_id",
        ]
    )
    for r in _plans():
        for rank in ranks.get(r[0], (1,)):
            plans.append(
                [_iso(r[6]), URN, rank, 0, 0, None, None, 0, None, "x", number[r[1]], 1, 1]
            )
    active = workbook.create_sheet("5")
    active.append(
        [
            "TransferLA",
            "URN",
            "SENSetting",
            "PlacementRank",
            "EntryDate",
            "SENunitIndicator",
            "ResourcedProvisionIndicator",
            "RES",
            "WPB",
            "SENtype",
            "SENtypeRank",
            "ReviewMeeting",
            "ReviewOutcome",
            "LastReview",
            "name",
            "child_id",
            "requests_id",
        ]
    )
    for r in gf.REQUESTS:
        if r[8]:
            for rank in ranks.get(r[0], (1,)):
                active.append(
                    [
                        None,
                        URN,
                        None,
                        rank,
                        _iso(r[6] or r[2]),
                        0,
                        0,
                        None,
                        None,
                        r[8],
                        1,
                        None,
                        None,
                        None,
                        "x",
                        number[r[1]],
                        1,
                    ]
                )
    return _save(workbook, path)


# ------------------------------------------------------------------ Blade, every column

BLADE_COLUMNS = {
    "sen2": "sen2tableid NativeId sen2orderseqcolumn sourceid collection year referencedate "
    "sourcelevel lea softwarecode release serialno datetime dmo dco dsco",
    "person": "persontableid NativeId personorderseqcolumn sourceid sen2tableid surname forename "
    "personbirthdate sex ethnicity postcode upn uniquelearnernumber upnunknown",
    "requests": "requeststableid NativeId requestsorderseqcolumn sourceid persontableid "
    "receiveddate requestsource rya requestoutcomedate requestoutcome requestmediation "
    "requesttribunal exported",
    "assessment": "assessmenttableid NativeId assessmentorderseqcolumn sourceid requeststableid "
    "assessmentoutcome assessmentoutcomedate assessmentmediation assessmenttribunal "
    "othermediation othertribunal week20",
    "namedplan": "namedplantableid NativeId namedplanorderseqcolumn sourceid assessmenttableid "
    "startdate planres planwbp pb oa dp ceasedate ceasereason",
    "plandetail": "plandetailtableid NativeId plandetailorderseqcolumn sourceid namedplantableid "
    "urn ukprn sensetting sensettingother placementrank senunitindicator "
    "resourcedprovisionindicator",
    "activeplans": "activeplanstableid NativeId activeplansorderseqcolumn sourceid "
    "requeststableid transferla res wbp reviewmeeting reviewoutcome lastreview reviewdraft "
    "phasetransferduedate phasetransferfinaldate",
    "placementdetail": "placementdetailtableid NativeId placementdetailorderseqcolumn sourceid "
    "activeplanstableid urn ukprn sensetting sensettingother placementrank entrydate "
    "leavingdate senunitindicator resourcedprovisionindicator res wbp",
    "senneed": "senneedtableid NativeId senneedorderseqcolumn sourceid activeplanstableid "
    "sentype sentyperank",
}


def _blade(value: dt.date | None) -> str:
    return value.strftime("%Y-%b-%d 00:00:00") if value else ""


def write_blade_full(folder: Path, reference_date: dt.date = REFERENCE_DATE) -> Path:
    """Blade CSVs with every column of the 2024 and 2025 exports (most left blank)."""
    folder.mkdir(parents=True, exist_ok=True)
    plans = _plans()
    values: dict[str, list[dict[str, Any]]] = {
        "sen2": [
            {
                "sen2tableid": "S1",
                "collection": "SEN2",
                "year": reference_date.year,
                "referencedate": _blade(reference_date),
                "lea": LEA,
            }
        ],
        "person": [
            {
                "persontableid": pid,
                "sen2tableid": "S1",
                "personbirthdate": _blade(dob),
                "upn": upn or "",
                "upnunknown": reason or "",
            }
            for pid, (upn, reason, dob) in gf.PEOPLE.items()
        ],
        "requests": [
            {
                "requeststableid": r[0],
                "persontableid": r[1],
                "receiveddate": _blade(r[2]),
                "requestoutcomedate": _blade(r[4]),
                "requestoutcome": r[3],
            }
            for r in gf.REQUESTS
        ],
        "assessment": [
            {
                "assessmenttableid": f"A{r[0]}",
                "requeststableid": r[0],
                "assessmentoutcome": r[5],
                "assessmentoutcomedate": _blade(r[6]),
                "week20": "" if r[7] is None else int(r[7]),
            }
            for r in gf.REQUESTS
            if r[5]
        ],
        "namedplan": [
            {
                "namedplantableid": f"NP{r[0]}",
                "assessmenttableid": f"A{r[0]}",
                "startdate": _blade(r[6]),
            }
            for r in plans
        ],
        "plandetail": [
            {
                "plandetailtableid": f"PD{r[0]}",
                "namedplantableid": f"NP{r[0]}",
                "urn": URN,
                "placementrank": 1,
            }
            for r in plans
        ],
        "activeplans": [
            {"activeplanstableid": f"AP{r[0]}", "requeststableid": r[0]}
            for r in gf.REQUESTS
            if r[8]
        ],
        "placementdetail": [],
        "senneed": [
            {
                "senneedtableid": f"N{r[0]}",
                "activeplanstableid": f"AP{r[0]}",
                "sentype": r[8],
                "sentyperank": 1,
            }
            for r in gf.REQUESTS
            if r[8]
        ],
    }
    for module, spaced in BLADE_COLUMNS.items():
        header = spaced.split()
        with (folder / f"Blade-Export_31-03-2025_{module}.csv").open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(header)
            for i, row in enumerate(values[module], start=1):
                row = {"NativeId": f"N{i}", "sourceid": "1", **row}
                out.writerow([row.get(h, "") for h in header])
    return folder
