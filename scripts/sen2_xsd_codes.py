"""Print the code lists and patterns of a SEN2 XML schema (XSD), to compare with the spec.

Usage: python scripts/sen2_xsd_codes.py SEN2_schema_2025.xsd

DfE publishes a new XSD with each year's SEN2 technical specification. This lists, for every named
``simpleType`` and every element with an inline restriction, its enumeration values (or patterns),
so that the lists in ``etl/inputs/sen2/spec.py`` (and the expected lists in
``tests/test_sen2_codes.py``) can be checked against a new year's schema by eye or by diff. It was
first used on the 2024 XSD (issue 10). The file is parsed with defusedxml: no entities, no
external references.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

XS = "{http://www.w3.org/2001/XMLSchema}"


def _restriction(node: Element) -> tuple[list[str], list[str]]:
    """The enumeration values and patterns under a simpleType's restriction."""
    values = [e.get("value", "") for e in node.iter(f"{XS}enumeration")]
    patterns = [e.get("value", "") for e in node.iter(f"{XS}pattern")]
    return values, patterns


def code_lists(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """{type or element name: (enumeration values, patterns)} for every restricted type."""
    root = ElementTree.parse(str(path)).getroot()
    found: dict[str, tuple[list[str], list[str]]] = {}
    for simple in root.iter(f"{XS}simpleType"):
        values, patterns = _restriction(simple)
        if not (values or patterns):
            continue
        name = simple.get("name")
        if name is None:  # an inline type: named after its element
            parent = next((e for e in root.iter(f"{XS}element") if simple in list(e)), None)
            name = f"element {parent.get('name')}" if parent is not None else "(anonymous)"
        found.setdefault(name, (values, patterns))
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    for name, (values, patterns) in sorted(code_lists(Path(argv[0])).items()):
        print(f"{name}: {', '.join(values) if values else 'pattern ' + ' | '.join(patterns)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
