"""Column maps for the SEN2 person-level modules (DESIGN §3, SEN2_REFERENCE §1).

One :class:`Module` per SEN2 module. Each field lists the names it may appear under: the XML
element name, the COLLECT "Blade" CSV name, DfE's template label and common LA spellings. Matching
ignores case, spaces and punctuation (see ``etl.headers``); extra aliases can be added in
``send_dashboard.toml`` under ``[aliases.sen2.<module>]`` without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["id", "date", "code", "flag", "int", "text", "upn"]

# XSD 2024 ``requestoutcometype`` / ``assessmentoutcometype``.
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
# XSD 2024 ``sentype`` (12 codes) and DS, Down Syndrome, new in the SEN2 2025 guide item 5.8a
# (MastodonC witan.sen2 dictionary.clj).
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
# ---------------------------------------------------------------- code lists (issue 10)
# Where each list comes from. "XSD 2024" is DfE's SEN2 2024 XML schema as kept in Social
# Finance's liia-tools (``liiatools/spec/sen2/SEN2_schema_2024.xsd``, commit 81996262); the
# descriptions are the XSD's own where it gives them. tests/test_sen2_codes.py holds the XSD's
# enumerations and checks these lists against them.
XSD_2024 = "DfE SEN2 2024 XSD (liia-tools liiatools/spec/sen2/SEN2_schema_2024.xsd)"

# XSD 2024 ``unknownupntype``: UN1-UN10. The XSD gives no descriptions; those for UN1, 2, 3, 5, 8,
# 9, 10 are the SEN2 guide's (SEN2_REFERENCE.md §1.2, via data-to-insight ssd-data-model).
UPN_UNKNOWN_REASONS = {
    "UN1": "Aged under 6, not yet assigned a UPN",
    "UN2": "Never attended a state-funded school in England",
    "UN3": "Educated outside England",
    "UN4": "Reason code UN4 (listed in the 2024 XSD without a description)",
    "UN5": "Sources reflect discrepancies preventing reliable matching",
    "UN6": "Reason code UN6 (listed in the 2024 XSD without a description)",
    "UN7": "Reason code UN7 (listed in the 2024 XSD without a description)",
    "UN8": "New to LA, UPN or ULN not yet known",
    "UN9": "Never attended a state-funded school or FE setting in England",
    "UN10": "Request resulted in no further action before UPN or ULN known",
}
# SEN2 2026 guide (SEN2_REFERENCE.md §1.2, from a public XML reader citing it); not in XSD 2024.
REQUEST_SOURCES = {
    "1": "Young person or parent",
    "2": "School or other education setting",
    "3": "Health care professionals",
    "4": "Social care professionals",
    "5": "Other",
}
# XSD 2024 ``sextype`` (M, F, U); 1/2/0/9 are the older GenderCurrent codes (d2i SEND tool).
SEXES = {
    "M": "Male",
    "F": "Female",
    "U": "Unknown",
    "1": "Male",
    "2": "Female",
    "0": "Not stated",
    "9": "Neither",
}
# XSD 2024 ``ceasereasontype``.
CEASE_REASONS = {
    "1": "Reached maximum age",
    "2": "Ongoing educational or training needs being met without an EHC plan",
    "3": "Moved on to higher education",
    "4": "Moved on to paid employment, excluding apprenticeships",
    "5": "Transferred to another LA",
    "6": "Young person no longer wishes to engage in education",
    "7": "Child or young person has moved abroad",
    "8": "Child or young person deceased",
    "9": "Other",
}
# XSD 2024 ``ranktype``.
PLACEMENT_RANKS = {"1": "Primary", "2": "Secondary"}
# XSD 2024 ``dptype``: personal budget, direct payments. A code, not a yes/no flag.
DIRECT_PAYMENTS = {
    "E": "Education only",
    "S": "Social care only",
    "H": "Health only",
    "I": "Integrated payment for a combination of the above",
}
# XSD 2024 ``restype`` (PlanRes, RES).
RESIDENTIAL = {"A": "38 to 51 weeks", "B": "52 weeks"}
# XSD 2024 ``wbptype`` (PlanWBP, WBP).
WORK_BASED = {"A": "Apprenticeships", "T": "Traineeships", "S": "Supported internships"}
# XSD 2024 ``reviewoutcometype`` (ReviewOutcome).
REVIEW_OUTCOMES = {
    "A": "Amend the EHC plan",
    "C": "Cease the EHC plan",
    "M": "Maintain the EHC plan",
}
# XSD 2024 ``sensettingtype`` (codes only); descriptions from the SEN2 2025 guide items 4.7c / 5.7c
# (SEN2_REFERENCE.md §1.2, via MastodonC witan.sen2 dictionary.clj).
SEN_SETTINGS = {
    "OLA": "Other – arrangements made by the LA (s61, EOTAS)",
    "EHE": "Elective home education",
    "EYP": "Early years provider with no GIAS URN",
    "OPA": "Other – arrangements made by parents or young person (s42(5)), excluding EHE",
    "OTH": "Other",
    "NEET": "Not in education, employment or training (aged 16-25)",
    "NIEC": "Not in education or training – notice to cease issued",
    "NIEO": "Not in education or training – other",
}
# XSD 2024 ``ethnicitytype`` (CBDS main codes).
ETHNICITIES = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
# XSD 2024 DMO and DCO (Y, N, R); DSCO (2025 return, not in XSD 2024) assumed to share the list.
# R is "Recruiting" (EES ``sen2_dmo_dco`` notes, SEN2_REFERENCE.md §1.2).
DESIGNATED_OFFICER = {"Y": "Yes", "N": "No", "R": "Recruiting"}
# Patterns, XSD 2024: URN 6 digits, UKPRN 8, ULN 10, LA codes (LEA, TransferLA, Exported) 3.
URN_PATTERN = r"\d{6}"
UKPRN_PATTERN = r"\d{8}"
ULN_PATTERN = r"\d{10}"
LA_CODE_PATTERN = r"\d{3}"
# Exported holds the code of the LA the child moved to (XSD 2024); some LA lists hold the date the
# child left instead, which this tool also accepts (docs/decisions.md, issue 10).
EXPORTED_PATTERN = r"\d{3}|\d{4}-(\d{2}|[A-Za-z]{3})-\d{2}( 00:00:00)?|\d{1,2}/\d{1,2}/\d{4}"


@dataclass(frozen=True)
class Field:
    """One canonical column: its type, the names it may be written as, whether it is required."""

    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    required: bool = False
    codes: dict[str, str] | None = None
    # Checked after loading, not while staging (issue 10): a "text" field with ``codes`` or a
    # ``pattern`` keeps an off-list value as written, with a query, instead of rejecting the row.
    pattern: str | None = None
    # A required column whose blank cell has a meaning: loaded as this value, with a query.
    if_blank: str | None = None


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
        pattern=ULN_PATTERN,
    ),
    Field(
        "upn_unknown",
        "text",
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
    Field("ethnicity", "text", ("Ethnicity",), codes=ETHNICITIES),
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
        "text",
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
        if_blank="A",
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
        pattern=EXPORTED_PATTERN,
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
                Field(
                    "la_code",
                    "text",
                    ("LEA", "LA Number", "LA code", "Local authority code"),
                    pattern=LA_CODE_PATTERN,
                ),
                Field("reference_date", "date", ("ReferenceDate", "Reference Date", "Census date")),
                Field("collection_year", "int", ("Year", "Collection year")),
                # Designated officers (XSD 2024 DMO, DCO; DSCO from the 2025 return).
                Field(
                    "dmo",
                    "text",
                    ("DMO", "Designated Medical Officer"),
                    codes=DESIGNATED_OFFICER,
                ),
                Field(
                    "dco",
                    "text",
                    ("DCO", "Designated Clinical Officer"),
                    codes=DESIGNATED_OFFICER,
                ),
                Field(
                    "dsco",
                    "text",
                    ("DSCO", "Designated Social Care Officer"),
                    codes=DESIGNATED_OFFICER,
                ),
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
                Field("plan_res", "text", ("PlanRes", "Residential settings"), codes=RESIDENTIAL),
                Field(
                    "plan_wbp",
                    "text",
                    (
                        "PlanWBP",
                        "PlanWPB",
                        "Work-based learning activity",
                        "Worked based learning activity",  # Data to Insight's SEND tool
                    ),
                    codes=WORK_BASED,
                ),
                Field("pb", "flag", ("PB", "Personal budget taken up")),
                Field("oa", "flag", ("OA", "Personal budget – organised arrangements")),
                Field(
                    "dp",
                    "text",
                    ("DP", "Personal budget – direct payments"),
                    codes=DIRECT_PAYMENTS,
                ),
                Field("cease_date", "date", ("CeaseDate", "Date EHC plan ceased")),
                Field(
                    "cease_reason",
                    "text",
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
                Field("urn", "text", ("URN", "URN – Unique Reference Number"), pattern=URN_PATTERN),
                Field(
                    "ukprn",
                    "text",
                    ("UKPRN", "UKPRN - UK Provider Reference Number"),
                    pattern=UKPRN_PATTERN,
                ),
                Field(
                    "sen_setting",
                    "text",
                    ("SENsetting", "SEN setting - establishment type"),
                    codes=SEN_SETTINGS,
                ),
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
                    pattern=LA_CODE_PATTERN,
                ),
                Field("review_meeting", "date", ("ReviewMeeting", "Annual review meeting date")),
                Field(
                    "review_outcome",
                    "text",
                    ("ReviewOutcome", "Annual review decision"),
                    codes=REVIEW_OUTCOMES,
                ),
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
                # 2025 return (witan.sen2 marks them >= v1.3): phase-transfer review dates.
                Field(
                    "phase_transfer_due_date",
                    "date",
                    (
                        "PhaseTransferDueDate",
                        "Phase transfer review – due date for any amended plan",
                    ),
                ),
                Field(
                    "phase_transfer_final_date",
                    "date",
                    ("PhaseTransferFinalDate", "Phase transfer review – final plan date"),
                ),
                Field("res", "text", ("RES", "Residential Settings"), codes=RESIDENTIAL),
                # "WPB": Data to Insight's converter's spelling.
                Field(
                    "wbp",
                    "text",
                    ("WBP", "Worked based learning activity", "WPB"),
                    codes=WORK_BASED,
                ),
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
                Field("urn", "text", ("URN", "URN – Unique Reference Number"), pattern=URN_PATTERN),
                Field(
                    "ukprn",
                    "text",
                    ("UKPRN", "UKPRN – UK Provider Reference Number"),
                    pattern=UKPRN_PATTERN,
                ),
                Field(
                    "sen_setting",
                    "text",
                    ("SENsetting", "SEN Setting - Establishment type"),
                    codes=SEN_SETTINGS,
                ),
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
                Field("res", "text", ("RES", "Residential settings"), codes=RESIDENTIAL),
                Field("wbp", "text", ("WBP", "Work-based learning activity"), codes=WORK_BASED),
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
    tuple(replace(f, required=False) if f.name == "assessment_outcome" else f for f in FLAT.fields),
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
