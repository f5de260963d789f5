"""SEN2 code lists and formats against DfE's 2024 XML schema (issue 10).

``XSD_2024`` is the enumerations and patterns of DfE's SEN2 2024 XSD, as kept in Social Finance's
liia-tools (``liiatools/spec/sen2/SEN2_schema_2024.xsd``), listed by ``scripts/sen2_xsd_codes.py``
and copied here so that the tests need neither the repository nor a network. The spec's lists
must match them; every code of every list must load quietly (in any case, or written by a
spreadsheet as a number), and anything else must be listed as a query with its row kept.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.checks import all_rules
from etl.inputs.sen2 import spec
from etl.inputs.sen2.build import normalised_columns
from etl.inputs.sen2.checks import _CHECKED, check_sen2_code_not_in_list

# simpleType (or element) name → enumeration values, in the XSD's order.
XSD_2024: dict[str, list[str]] = {
    "unknownupntype": [f"UN{i}" for i in range(1, 11)],
    "sextype": ["M", "F", "U"],
    "ethnicitytype": [
        "WBRI",
        "WIRI",
        "WIRT",
        "WOTH",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    ],
    "requestoutcometype": ["Y", "N", "A", "W", "H"],
    "assessmentoutcometype": ["Y", "N", "A", "W", "H"],
    "reviewoutcometype": ["A", "C", "M"],
    "sentype": [
        "SPLD",
        "MLD",
        "SLD",
        "PMLD",
        "SEMH",
        "SLCN",
        "HI",
        "VI",
        "MSI",
        "PD",
        "ASD",
        "OTH",
    ],
    "sensettingtype": ["OLA", "EHE", "EYP", "OPA", "OTH", "NEET", "NIEC", "NIEO"],
    "restype": ["A", "B"],
    "wbptype": ["A", "T", "S"],
    "dptype": ["E", "S", "H", "I"],
    "ceasereasontype": [str(i) for i in range(1, 10)],
    "ranktype": ["1", "2"],
    "element DMO": ["Y", "N", "R"],
    "element DCO": ["Y", "N", "R"],
}
PATTERNS_2024 = {
    "element URN": r"\d{6}",
    "element UKPRN": r"\d{8}",
    "ulntype": r"\d{10}",
    "element LEA": r"\d{3}",
    "element TransferLA": r"\d{3}",
    "element Exported": r"\d{3}",
}

# Each checked spec field → the XSD type its codes come from.
FIELD_TYPES = {
    "ethnicity": "ethnicitytype",
    "upn_unknown": "unknownupntype",
    "dp": "dptype",
    "plan_res": "restype",
    "res": "restype",
    "plan_wbp": "wbptype",
    "wbp": "wbptype",
    "sen_setting": "sensettingtype",
    "review_outcome": "reviewoutcometype",
    "cease_reason": "ceasereasontype",
    "dmo": "element DMO",
    "dco": "element DCO",
}


def test_spec_lists_are_the_xsd_lists() -> None:
    assert list(spec.UPN_UNKNOWN_REASONS) == XSD_2024["unknownupntype"]
    assert list(spec.ETHNICITIES) == XSD_2024["ethnicitytype"]
    assert list(spec.REQUEST_OUTCOMES) == XSD_2024["requestoutcometype"]
    assert list(spec.ASSESSMENT_OUTCOMES) == XSD_2024["assessmentoutcometype"]
    assert list(spec.REVIEW_OUTCOMES) == XSD_2024["reviewoutcometype"]
    assert list(spec.SEN_SETTINGS) == XSD_2024["sensettingtype"]
    assert list(spec.RESIDENTIAL) == XSD_2024["restype"]
    assert list(spec.WORK_BASED) == XSD_2024["wbptype"]
    assert list(spec.DIRECT_PAYMENTS) == XSD_2024["dptype"]
    assert list(spec.CEASE_REASONS) == XSD_2024["ceasereasontype"]
    assert list(spec.PLACEMENT_RANKS) == XSD_2024["ranktype"]
    assert list(spec.DESIGNATED_OFFICER) == XSD_2024["element DMO"]
    # The 2025 guide adds DS (Down Syndrome) to the XSD's twelve needs; sex keeps the older
    # GenderCurrent codes beside M / F / U.
    assert list(spec.SEN_TYPES) == [*XSD_2024["sentype"][:-1], "DS", "OTH"]
    assert set(XSD_2024["sextype"]) <= set(spec.SEXES)


def test_spec_patterns_are_the_xsd_patterns() -> None:
    ours = {
        "element URN": spec.URN_PATTERN,
        "element UKPRN": spec.UKPRN_PATTERN,
        "ulntype": spec.ULN_PATTERN,
        "element LEA": spec.LA_CODE_PATTERN,
        "element TransferLA": spec.LA_CODE_PATTERN,
        # Exported: the XSD's LA code, or a date some LA lists hold instead.
        "element Exported": spec.EXPORTED_PATTERN.split("|")[0],
    }
    assert ours == PATTERNS_2024


def test_every_checked_field_uses_its_xsd_list() -> None:
    for _table, f in _CHECKED:
        if f.codes is None:
            continue
        if f.name == "request_source":  # 2026 guide; not in the 2024 XSD
            assert list(f.codes) == ["1", "2", "3", "4", "5"]
            continue
        assert f.name == "dsco" or list(f.codes) == XSD_2024[FIELD_TYPES[f.name]], f.name


def test_the_two_new_rules_are_declared_queries() -> None:
    rules = all_rules()
    assert rules["code_not_in_list"].severity == "query"
    assert rules["format_unexpected"].severity == "query"


def _con_with(values: dict[tuple[str, str], list[str | None]]) -> duckdb.DuckDBPyConnection:
    """Every SEN2 table with the checked columns, holding ``values`` (others empty)."""
    con = duckdb.connect()
    columns: dict[str, list[str]] = {}
    for table, f in _CHECKED:
        columns.setdefault(table, []).append(f.name)
    for table, names in columns.items():
        cols = ", ".join(f"{n} VARCHAR" for n in names)
        con.execute(
            f"CREATE TABLE {table} (load_id INTEGER, source_file VARCHAR, source_sheet VARCHAR, "
            f"source_row INTEGER, {cols})"
        )
    for (table, name), cells in values.items():
        for i, cell in enumerate(cells):
            con.execute(
                f"INSERT INTO {table} (load_id, source_file, source_sheet, source_row, {name}) "
                "VALUES (1, 'f.xlsx', $sheet, $row, $cell)",
                {"sheet": table, "row": i + 2, "cell": cell},
            )
    return con


def _normalise(con: duckdb.DuckDBPyConnection) -> None:
    """Each table's checked cells in normal form, by the select list the build inserts with."""
    for table in sorted({t for t, _ in _CHECKED}):
        select, params = normalised_columns(table)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {select} FROM {table}", params)


def test_every_code_and_well_formed_number_loads_quietly() -> None:
    values: dict[tuple[str, str], list[str | None]] = {}
    for table, f in _CHECKED:
        if f.codes:
            codes = list(f.codes)
            # As written, in lower case, and as a spreadsheet writes a whole number ("1.0").
            cells = codes + [c.lower() for c in codes] + [f"{c}.0" for c in codes if c.isdigit()]
        else:
            cells = {
                "urn": ["100001", "100001.0"],
                "ukprn": ["10012345"],
                "uln": ["1234567890"],
                "la_code": ["202"],
                "transfer_la": ["938"],
                "exported": ["202", "2024-12-02", "2/12/2024", "2024-Dec-02 00:00:00"],
            }[f.name]
        values[(table, f.name)] = [*cells, None]
    con = _con_with(values)
    _normalise(con)
    assert check_sen2_code_not_in_list(con).fetchall() == []
    # Stored in normal form: "un1" → "UN1", "1.0" → "1".
    assert con.execute(
        "SELECT DISTINCT upn_unknown FROM person WHERE upn_unknown ILIKE 'un1'"
    ).fetchall() == [("UN1",)]
    assert sorted(
        con.execute(
            "SELECT DISTINCT cease_reason FROM named_plan WHERE cease_reason IS NOT NULL"
        ).fetchall()
    ) == [(str(i),) for i in range(1, 10)]


@pytest.mark.parametrize(
    ("table", "field", "bad", "rule", "message"),
    [
        ("named_plan", "dp", "Y", "code_not_in_list",
         "DP: 'Y' is not one of DfE's codes (E, H, I, S); loaded as written"),
        ("person", "upn_unknown", "UN11", "code_not_in_list",
         "UPNunknown: 'UN11' is not one of DfE's codes (UN1, UN10, UN2, UN3, UN4, UN5, UN6, UN7, "
         "UN8, UN9); loaded as written"),
        ("person", "ethnicity", "WHITE", "code_not_in_list", None),
        ("active_plans", "review_outcome", "X", "code_not_in_list", None),
        ("plan_detail", "sen_setting", "SCH", "code_not_in_list", None),
        ("sen2", "dsco", "Maybe", "code_not_in_list", None),
        ("plan_detail", "urn", "12345", "format_unexpected",
         "URN: '12345' is not 6 digits; loaded as written"),
        ("placement_detail", "ukprn", "1001234", "format_unexpected", None),
        ("person", "uln", "12345678901", "format_unexpected", None),
        ("sen2", "la_code", "20", "format_unexpected", None),
        ("requests", "exported", "Camden", "format_unexpected",
         "Exported: 'Camden' is not a 3-digit LA code (or the date the child moved out); "
         "loaded as written"),
    ],
)  # fmt: skip
def test_off_list_value_is_one_query(
    table: str, field: str, bad: str, rule: str, message: str | None
) -> None:
    con = _con_with({(table, field): [bad]})
    _normalise(con)
    found = check_sen2_code_not_in_list(con).fetchall()
    assert len(found) == 1
    load_id, file, sheet, row, _column, got_rule, severity, got_message = found[0]
    assert (load_id, file, sheet, row, got_rule, severity) == (1, "f.xlsx", table, 2, rule, "query")
    if message is not None:
        assert got_message == message
    # The value is kept as written.
    assert con.execute(f"SELECT {field} FROM {table}").fetchall() == [(bad,)]


def _script() -> Any:
    """scripts/sen2_xsd_codes.py, loaded from its path (scripts/ is not a package)."""
    path = Path(__file__).resolve().parent.parent / "scripts" / "sen2_xsd_codes.py"
    loaded = importlib.util.spec_from_file_location("sen2_xsd_codes", path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def test_script_lists_an_xsd(tmp_path: Path) -> None:
    # A tiny schema of our own in the XSD's style: a named type and an inline pattern.
    xsd = tmp_path / "tiny.xsd"
    xsd.write_text(
        '<?xml version="1.0"?>\n'
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">\n'
        '  <xs:simpleType name="dptype"><xs:restriction base="xs:string">\n'
        '    <xs:enumeration value="E"/><xs:enumeration value="S"/>\n'
        "  </xs:restriction></xs:simpleType>\n"
        '  <xs:element name="LEA"><xs:simpleType><xs:restriction base="xs:string">\n'
        '    <xs:pattern value="\\d{3}"/></xs:restriction></xs:simpleType></xs:element>\n'
        "</xs:schema>\n"
    )
    expected = {"dptype": (["E", "S"], []), "element LEA": ([], [r"\d{3}"])}
    assert _script().code_lists(xsd) == expected
