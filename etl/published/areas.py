"""Areas in published tables: England's code, LA name matching and boundary changes."""

from __future__ import annotations

import re

ENGLAND_CODE = "E92000001"

# Successor LA (9-character code) -> the areas it replaced, with the year it started reporting.
PREDECESSORS: dict[str, tuple[int, tuple[str, ...]]] = {
    "E06000058": (2019, ("E06000028", "E06000029")),  # BCP <- Bournemouth, Poole (+ part of Dorset)
    "E06000059": (2019, ("E10000009",)),  # Dorset (unitary) <- Dorset county council
    "E06000061": (2021, ("E10000021",)),  # North Northamptonshire <- Northamptonshire
    "E06000062": (2021, ("E10000021",)),  # West Northamptonshire <- Northamptonshire
    "E06000063": (2023, ("E10000006",)),  # Cumberland <- Cumbria
    "E06000064": (2023, ("E10000006",)),  # Westmorland and Furness <- Cumbria
}

# Names in the statistical-neighbour lookup that are spelt differently in the EES files.
NAME_ALIASES = {
    "bedford borough": "bedford",
    "durham": "county durham",
    "herefordshire": "herefordshire, county of",
}

_NOT_NAME = re.compile(r"[^a-z0-9, ]+")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Case-, space- and punctuation-insensitive LA name for matching ("&" reads "and"), with the
    neighbour lookup's other spellings mapped onto the EES name. The only LA-name matcher: the
    warehouse build calls it from SQL too."""
    text = _NOT_NAME.sub(" ", name.lower().replace("&", " and "))
    text = _SPACES.sub(" ", text).strip()
    return NAME_ALIASES.get(text, text)
