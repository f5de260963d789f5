"""Column maps for the SEN2 person-level modules (DESIGN §3, SEN2_REFERENCE §1).

One :class:`Module` per SEN2 module. Each field lists the names it may appear under: the XML
element name, the COLLECT "Blade" CSV name, DfE's template label and common LA spellings. Matching
ignores case, spaces and punctuation (see ``etl.headers``); extra aliases can be added in
``send_dashboard.toml`` under ``[aliases.sen2.<module>]`` without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["id", "date", "code", "flag", "int", "text", "upn"]

REQUEST_OUTCOMES = {
    "Y": "LA proceeded with an assessment",
    "N": "LA decided not to proceed with an assessment",
    "A": "Decision yet to be made",
    "W": "Request withdrawn or ceased before decision to assess",
    "H": "Historical – decision to assess made before the collection period",
}
ASSESSMENT_OUTCOMES = {
    "Y": "It was decided an EHC plan would be issued",
    "N": "It was decided an EHC plan would not be issued",
    "A": "Decision has not yet been made",
    "W": "Withdrawn or ceased before decision whether to issue",
    "H": "Historical – decision to issue made before the collection period",
}
SEN_TYPES = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Vision impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "DS": "Down Syndrome",
    "OTH": "Other difficulty",
}
UPN_UNKNOWN_REASONS = {
    "UN1": "Aged under 6, not yet assigned a UPN",
    "UN2": "Never attended a state-funded school in England",
    "UN3": "Educated outside England",
    "UN5": "Sources reflect discrepancies preventing reliable matching",
    "UN8": "New to LA, UPN or ULN not yet known",
    "UN9": "Never attended a state-funded school or FE setting in England",
    "UN10": "Request resulted in no further action before UPN or ULN known",
}
REQUEST_SOURCES = {
    "1": "Young person or parent",
    "2": "School or other education setting",
    "3": "Health care professionals",
    "4": "Social care professionals",
    "5": "Other",
}
SEXES = {
    "M": "Male",
    "F": "Female",
    "U": "Unknown",
    "1": "Male",
    "2": "Female",
    "0": "Not stated",
    "9": "Neither",
}
CEASE_REASONS = {str(i): f"Reason {i}" for i in range(1, 10)}
PLACEMENT_RANKS = {"1": "Primary", "2": "Secondary"}


@dataclass(frozen=True)
class Field:
    """One canonical column: its type, the names it may be written as, whether it is required."""

    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    required: bool = False
    codes: dict[str, str] | None = None


@dataclass(frozen=True)
class Module:
    """A SEN2 module: canonical table, the sheet / file names it appears under, and its fields."""

    name: str
    title: str
    sheet_names: tuple[str, ...]
    fields: tuple[Field, ...]
    key: str | None  # this module's own id column, if it has one
    parents: tuple[str, ...] = ()  # id columns that may link it to its parent (first present wins)
    # A sheet made of other modules' fields (the case list) also takes their settings aliases.
    borrows_aliases: bool = False

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


# Key columns shared by several modules.
PERSON_ID = Field(
    "person_id",
    "id",
    (
        "persontableid",
        "Person ID",
        "PersonID",
        "Child ID",
        "ChildID",
        "LA Child ID",
        "Person reference",
        "Child reference",
        # DfE's submission template (its note in brackets is ignored) and Data to Insight's SEND
        # tool ("Person ID"; its converter writes ``child_id``, read as "Child ID").
        "Person ID (This must be a unique ID for each Person record)",
    ),
)
UPN = Field("upn", "upn", ("UPN", "UPN – Unique Pupil Number", "Unique Pupil Number"))
REQUEST_ID = Field(
    "request_id",
    "id",
    (
        "requeststableid",
        "Request ID",
        "RequestID",
        "Request reference",
        "Case ID",
        # DfE's submission template ("Requests record ID (This must be a unique ID …)"; source:
        # MastodonC/witan.sen2 blade/template.clj).
        "Requests record ID",
        # Data to Insight's SEND tool (data-to-insight/SEND-tool-onefile python_app.py):
        # "Requests Record ID" (modules 2-3) and "Request Records ID" (4-5); its XML converter
        # writes ``requests_id``, a number within each child (see stage.PER_CHILD_HEADERS).
        "Request Records ID",
        "requests_id",
    ),
)
ASSESSMENT_ID = Field("assessment_id", "id", ("assessmenttableid", "Assessment ID"))
NAMED_PLAN_ID = Field("named_plan_id", "id", ("namedplantableid", "Named plan ID"))
ACTIVE_PLAN_ID = Field(
    "active_plan_id", "id", ("activeplanstableid", "Active plan ID", "Active plans ID")
)

PERSON_FIELDS = (
    PERSON_ID,
    UPN,
    Field(
        "uln",
        "text",
        (
            "UniqueLearnerNumber",
            "ULN",
            "Unique Learner Number",
            "ULN - Young person unique learner number",
            # DfE's submission template and Data to Insight's SEND tool.
            "ULN - Young Persons Unique Learner Number",
        ),
    ),
    Field(
        "upn_unknown",
        "code",
        (
            "UPNunknown",
            "UPN and ULN unavailable – Reason",
            "UPN and ULN unavailable - reason",
            "UPN unknown reason",
            "UPN and ULN unavailable reason",  # Data to Insight's SEND tool
        ),
        codes=UPN_UNKNOWN_REASONS,
    ),
    Field(
        "birth_date",
        "date",
        ("PersonBirthDate", "Date of Birth", "Date of Birth (ccyy-mm-dd)", "DOB", "Birth date"),
    ),
    Field("sex", "code", ("Sex", "GenderCurrent", "Gender"), codes=SEXES),
    Field("ethnicity", "text", ("Ethnicity",)),
)

REQUEST_FIELDS = (
    REQUEST_ID,
    Field(
        "received_date",
        "date",
        (
            "ReceivedDate",
            "Date request was received",
            "Request received date",
            "Date of request",
            "Request date",
            "Date received",
        ),
        required=True,
    ),
    Field(
        "request_source",
        "code",
        (
            "RequestSource",
            "rquestsource",
            "Source of request for an EHC needs assessment",
            "Request source",
        ),
        codes=REQUEST_SOURCES,
    ),
    Field("rya", "flag", ("RYA", "Initial Request Whilst In RYA")),
    Field(
        "request_outcome_date",
        "date",
        (
            "RequestOutcomeDate",
            "Request Outcome Date",
            "Decision to assess date",
            "Date of decision to assess",
        ),
    ),
    Field(
        "request_outcome",
        "code",
        ("RequestOutcome", "Request Outcome", "Decision to assess"),
        required=True,
        codes=REQUEST_OUTCOMES,
    ),
    Field("request_mediation", "flag", ("RequestMediation", "Request Mediation")),
    Field("request_tribunal", "flag", ("RequestTribunal", "Request Tribunal")),
    Field(
        "exported",
        "text",
        (
            "Exported",
            # DfE's submission template (and Data to Insight's SEND tool, capitalised).
            "Exported - Child or young person moves out of LA before assessment is completed",
        ),
    ),
)

ASSESSMENT_FIELDS = (
    ASSESSMENT_ID,
    Field(
        "assessment_outcome",
        "code",
        (
            "AssessmentOutcome",
            "Assessment outcome",
            "Assessment outcome – decision to issue EHC plan",
            "Assessment outcome - decision to issue EHC plan",
            "Decision to issue",
            "Assessment Outcome To Issue EHCP",  # Data to Insight's SEND tool
        ),
        required=True,
        codes=ASSESSMENT_OUTCOMES,
    ),
    Field(
        "assessment_outcome_date",
        "date",
        (
            "AssessmentOutcomeDate",
            "Assessment Outcome Date",
            "Date plan issued",
            "Plan issued date",
            "EHC plan issued date",
            "Date EHC plan issued",
        ),
    ),
    Field("assessment_mediation", "flag", ("AssessmentMediation", "Assessment mediation")),
    Field("assessment_tribunal", "flag", ("AssessmentTribunal", "Assessment tribunal")),
    Field("other_mediation", "flag", ("OtherMediation", "Other mediation")),
    Field("other_tribunal", "flag", ("OtherTribunal", "Other tribunal")),
    Field(
        "week20",
        "flag",
        (
            "Week20",
            "Twenty week time limit exceptions apply",
            "20-week time limit exceptions apply",
            "20 week exception",
            "Exception applies",
            "20-week exception",
            "Twenty Weeks Time Limit Exceptions Apply",  # Data to Insight's SEND tool
        ),
    ),
)

SEN2_ID = Field("sen2_id", "id", ("sen2tableid", "SEN2 ID"))

MODULES: dict[str, Module] = {
    m.name: m
    for m in (
        Module(
            "sen2",
            "SEN2 header",
            ("SEN2", "Header", "Return details"),
            (
                SEN2_ID,
                Field("la_code", "text", ("LEA", "LA Number", "LA code", "Local authority code")),
                Field("reference_date", "date", ("ReferenceDate", "Reference Date", "Census date")),
                Field("collection_year", "int", ("Year", "Collection year")),
            ),
            key="sen2_id",
        ),
        Module(
            "person",
            "Person",
            ("Person", "Persons", "Person details"),
            (*PERSON_FIELDS, SEN2_ID),
            key="person_id",
            parents=("sen2_id",),
        ),
        Module(
            "requests",
            "Requests",
            ("Requests", "Request"),
            (*REQUEST_FIELDS, PERSON_ID, UPN),
            key="request_id",
            parents=("person_id", "upn"),
        ),
        Module(
            "assessment",
            "Assessments",
            ("Assessments", "Assessment"),
            (*ASSESSMENT_FIELDS, REQUEST_ID, PERSON_ID),
            key="assessment_id",
            parents=("request_id",),
        ),
        Module(
            "named_plan",
            "Named Plan",
            ("Named Plan", "NamedPlan", "Named Plans"),
            (
                NAMED_PLAN_ID,
                ASSESSMENT_ID,
                REQUEST_ID,
                PERSON_ID,
                Field(
                    "start_date",
                    "date",
                    ("StartDate", "EHC plan start date", "Date of current EHC plan"),
                ),
                Field("plan_res", "text", ("PlanRes", "Residential settings")),
                Field(
                    "plan_wbp",
                    "text",
                    (
                        "PlanWBP",
                        "PlanWPB",
                        "Work-based learning activity",
                        "Worked based learning activity",  # Data to Insight's SEND tool
                    ),
                ),
                Field("pb", "flag", ("PB", "Personal budget taken up")),
                Field("oa", "flag", ("OA", "Personal budget – organised arrangements")),
                Field("dp", "flag", ("DP", "Personal budget – direct payments")),
                Field("cease_date", "date", ("CeaseDate", "Date EHC plan ceased")),
                Field(
                    "cease_reason",
                    "code",
                    ("CeaseReason", "Reason EHC plan ceased"),
                    codes=CEASE_REASONS,
                ),
            ),
            key="named_plan_id",
            parents=("assessment_id", "request_id"),
        ),
        Module(
            "plan_detail",
            "Plan Detail",
            ("Plan Detail", "PlanDetail", "Plan Details"),
            (
                Field("plan_detail_id", "id", ("plandetailtableid", "Plan detail ID")),
                NAMED_PLAN_ID,
                REQUEST_ID,
                PERSON_ID,
                Field("urn", "text", ("URN", "URN – Unique Reference Number")),
                Field("ukprn", "text", ("UKPRN", "UKPRN - UK Provider Reference Number")),
                Field("sen_setting", "text", ("SENsetting", "SEN setting - establishment type")),
                Field("sen_setting_other", "text", ("SENsettingOther", "SEN setting – Other")),
                Field(
                    "placement_rank",
                    "code",
                    ("PlacementRank", "Placement rank"),
                    codes=PLACEMENT_RANKS,
                ),
                Field("sen_unit_indicator", "flag", ("SENunitIndicator", "SEN Unit indicator")),
                Field(
                    "resourced_provision_indicator",
                    "flag",
                    ("ResourcedProvisionIndicator", "Resourced provision indicator"),
                ),
            ),
            key="plan_detail_id",
            # DfE's pre-submission workbook links a plan detail through its request.
            parents=("named_plan_id", "request_id"),
        ),
        Module(
            "active_plans",
            "Active Plan",
            ("Active Plan", "Active Plans", "ActivePlans"),
            (
                ACTIVE_PLAN_ID,
                REQUEST_ID,
                PERSON_ID,
                Field(
                    "transfer_la",
                    "text",
                    (
                        "TransferLA",
                        "EHC plan transferred in from another LA during calendar year",
                        "EHC Plan (Transfer)",  # Data to Insight's SEND tool
                    ),
                ),
                Field("review_meeting", "date", ("ReviewMeeting", "Annual review meeting date")),
                Field("review_outcome", "text", ("ReviewOutcome", "Annual review decision")),
                Field(
                    "review_draft",
                    "date",
                    ("ReviewDraft", "Annual review – date draft amended EHC plan issued"),
                ),
                Field(
                    "last_review",
                    "date",
                    (
                        "LastReview",
                        "Annual review decision date",
                        # DfE's submission template and Data to Insight's SEND tool. Read as the
                        # decision date by its wording; witan.sen2's template reader maps this
                        # column to the meeting date instead (see docs/decisions.md, issue 10).
                        "EHC Plan Review Decisions Date",
                        "EHCP review decisions date",
                    ),
                ),
                Field("res", "text", ("RES", "Residential Settings")),
                # "WPB": Data to Insight's converter's spelling.
                Field("wbp", "text", ("WBP", "Worked based learning activity", "WPB")),
            ),
            key="active_plan_id",
            parents=("request_id",),
        ),
        Module(
            "placement_detail",
            "Placement Detail",
            ("Placement Detail", "PlacementDetail", "Placement Details"),
            (
                Field(
                    "placement_detail_id", "id", ("placementdetailtableid", "Placement detail ID")
                ),
                ACTIVE_PLAN_ID,
                REQUEST_ID,
                PERSON_ID,
                Field("urn", "text", ("URN", "URN – Unique Reference Number")),
                Field("ukprn", "text", ("UKPRN", "UKPRN – UK Provider Reference Number")),
                Field("sen_setting", "text", ("SENsetting", "SEN Setting - Establishment type")),
                Field("sen_setting_other", "text", ("SENsettingOther", "Not in education – Other")),
                Field(
                    "placement_rank",
                    "code",
                    ("PlacementRank", "Placement rank"),
                    codes=PLACEMENT_RANKS,
                ),
                Field("entry_date", "date", ("EntryDate", "Placement start date")),
                Field("leaving_date", "date", ("LeavingDate", "Placement leaving date")),
                Field("sen_unit_indicator", "flag", ("SENunitIndicator", "SEN Unit indicator")),
                Field(
                    "resourced_provision_indicator",
                    "flag",
                    ("ResourcedProvisionIndicator", "Resourced provision indicator"),
                ),
                Field("res", "text", ("RES", "Residential settings")),
                Field("wbp", "text", ("WBP", "Work-based learning activity")),
            ),
            key="placement_detail_id",
            parents=("active_plan_id", "request_id"),
        ),
        Module(
            "sen_need",
            "SEN Need",
            ("SEN Need", "SENNeed", "SEN Needs", "Need"),
            (
                Field("sen_need_id", "id", ("senneedtableid", "SEN need ID")),
                ACTIVE_PLAN_ID,
                REQUEST_ID,
                PERSON_ID,
                Field(
                    "sen_type",
                    "code",
                    # "SEN Type of Need": DfE's submission template (witan.sen2 template.clj).
                    ("SENtype", "SEN type", "Need type", "SEN Type of Need"),
                    required=True,
                    codes=SEN_TYPES,
                ),
                Field(
                    "sen_type_rank",
                    "int",
                    # The template's "SEN Type of Need rank (1=Primary, 2=Secondary)".
                    ("SENtypeRank", "SEN type rank", "Need rank", "SEN Type of Need rank"),
                ),
            ),
            key="sen_need_id",
            parents=("active_plan_id", "request_id"),
        ),
    )
}

# A flat case list: one sheet, one row per request, person + request + assessment columns, with an
# optional primary need and plan start date.
FLAT = Module(
    "flat",
    "Case list",
    (),
    (
        *PERSON_FIELDS,
        *REQUEST_FIELDS,
        *[f for f in ASSESSMENT_FIELDS if f.name != "assessment_id"],
        Field(
            "primary_need",
            "code",
            (
                "Primary need",
                "Primary SEN need",
                "SEN primary need",
                "Primary SEN type",
                "Main need",
            ),
            codes=SEN_TYPES,
        ),
    ),
    key="request_id",
)
# In a flat list the assessment outcome may be blank (no assessment yet); it is required only in the
# Assessments module.
FLAT = Module(
    FLAT.name,
    FLAT.title,
    FLAT.sheet_names,
    tuple(
        Field(f.name, f.kind, f.aliases, False, f.codes) if f.name == "assessment_outcome" else f
        for f in FLAT.fields
    ),
    FLAT.key,
    borrows_aliases=True,
)

# Blade export metadata columns that are known and deliberately not loaded.
IGNORED_COLUMNS = (
    "NativeId",
    "sourceid",
    "surname",
    "forename",
    "postcode",
    "Surname",
    "Forename",
    "PostCode",
    # DfE's submission template: the record type and the LA repeated from the header record
    # (witan.sen2 template.clj), and the header's transmission details.
    "Record Type",
    "LA (From Header Record)",
    "Collection Name",
    "Collection",
    "Source Level",
    "SourceLevel",
    "Software Code",
    "SoftwareCode",
    "Release",
    "Serial Number",
    "SerialNo",
    "Date & Time (ccyy-mm-ddThh:mm:ss)",
    "DateTime",
    # Data to Insight's converter: the child's name (never read) and its own row counters.
    "name",
    "FamilyName",
    "Firstname",
)
IGNORED_SUFFIX = "orderseqcolumn"
