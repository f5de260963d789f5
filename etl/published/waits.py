"""NHS published waiting times in ``published.duckdb``: the tables (``waits.sql``) and the
questions the CLI (``waits-published``) and the Waiting times page ask of them (issue 12).

An area is England, an NHS region, an ICB or a provider (by code or name, as NHS England writes
them), or an LA, which resolves to its ICB — or ICBs, each with the share of the LA's
neighbourhoods (LSOAs) in it, for the 13 LAs that straddle a boundary.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from etl.metrics import pct
from etl.published import sqlfile
from etl.published.areas import ENGLAND_CODE, normalise_name
from etl.published.chs import CYP_SERVICES, SOURCE, ChsLoad, RowsLoad
from etl.published.records import FileLoad

SQL_FILE = Path(__file__).with_name("waits.sql")
SERVICES = tuple(dict.fromkeys(CYP_SERVICES.values()))
AUTISM_SOURCE = "NHS Digital, Autism Statistics (ASD19e), as prepared by DfE"

_CHS_COLUMNS = (
    "dataset",
    "month",
    "level",
    "org_code",
    "org_name",
    "service",
    "band",
    "weeks_from",
    "value",
    "sheet",
    "source_row",
)


class UnknownArea(LookupError):
    """No area, ICB, region or provider matches the text given."""


class NoPublishedWaits(LookupError):
    """No CHS waiting-list month is loaded (or not the month asked for)."""


def _run(con: duckdb.DuckDBPyConnection, section: str, **params: Any) -> None:
    sqlfile.run(con, SQL_FILE, section, **params)


def build(con: duckdb.DuckDBPyConnection, loads: list[FileLoad], previous: Path | None) -> None:
    """Create the waits tables from this load, keeping what the previous file had that this
    load did not read again (earlier months, the lookups)."""
    _run(con, "tables")
    waits = [w for load in loads if isinstance(load, ChsLoad) for w in load.waits]
    if waits:
        columns = {name: [w[i] for w in waits] for i, name in enumerate(_CHS_COLUMNS)}
        chs = pa.table(columns)  # noqa: F841 - read by DuckDB below
        con.execute("INSERT INTO pub_chs_value SELECT * FROM chs")
    for load in loads:
        if isinstance(load, RowsLoad) and load.rows and not load.message:
            names = [c[0] for c in con.execute(f"DESCRIBE {load.table}").fetchall()]
            frame = pa.table(  # noqa: F841 - read by DuckDB below
                {n: [r[i] for r in load.rows] for i, n in enumerate(names)}
            )
            # load.table is one of waits.sql's own table names, never text from a file.
            con.execute(f"INSERT INTO {load.table} SELECT * FROM frame")
    if previous is not None:
        loaded = [load.dataset for load in loads if not load.message]
        con.execute("ATTACH ? AS prev (READ_ONLY)", [str(previous)])
        try:
            have = {
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'prev'"
                ).fetchall()
            }
            if "pub_chs_value" in have:
                _run(con, "keep_previous", loaded=loaded)
        finally:
            con.execute("DETACH prev")
    _run(con, "derived")


# ---------------------------------------------------------------- questions


@dataclass(frozen=True)
class Area:
    """Where published waits are read for: an organisation of the CHS tables."""

    level: str  # "England", "Region", "ICB", "Provider"
    code: str
    name: str
    share: float | None = None  # for an LA's ICB: the share of the LA in it

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"level": self.level, "code": self.code, "name": self.name}
        if self.share is not None:
            out["share_of_la"] = self.share
        return out


@dataclass(frozen=True)
class Resolved:
    """What the text given means: the area itself, or an LA and its ICB(s)."""

    areas: tuple[Area, ...]
    la: tuple[str, str] | None = None  # (code, name) when an LA was given


def _org_key(name: str) -> str:
    text = normalise_name(name)
    text = re.sub(r"^nhs ", "", text)
    return re.sub(r" (integrated care board|icb)$", "", text).strip()


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = "
        "current_database()",
        [table],
    ).fetchone()
    return bool(row and row[0])


def available(con: duckdb.DuckDBPyConnection) -> bool:
    """True when any CHS month is loaded."""
    if not _has(con, "pub_chs_waits"):
        return False
    row = con.execute("SELECT count(*) FROM pub_chs_waits").fetchone()
    return bool(row and row[0])


def months(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """The months loaded, newest first."""
    if not available(con):
        return []
    return [
        r[0]
        for r in con.execute("SELECT DISTINCT month FROM pub_chs_waits ORDER BY 1 DESC").fetchall()
    ]


def resolve(con: duckdb.DuckDBPyConnection, text: str) -> Resolved:
    """An area from a code or name: England; an ICB, region or provider code; an LA code; an
    ICB, region or provider name; an LA name (``UnknownArea`` naming the nearest if none)."""
    wanted = text.strip()
    if wanted.lower() in ("england", "national", ENGLAND_CODE.lower()):
        return Resolved((Area("England", ENGLAND_CODE, "England"),))
    orgs = con.execute(
        "SELECT level, org_code, arg_max(org_name, month) FROM pub_chs_waits "
        "WHERE level <> 'England' GROUP BY ALL"
    ).fetchall()
    by_code = {code.upper(): Area(level, code, name) for level, code, name in orgs}
    if wanted.upper() in by_code:
        return Resolved((by_code[wanted.upper()],))
    lookup = (
        con.execute(
            "SELECT la_code, la_name, icb_code, icb_code_nhs, icb_name, share FROM pub_la_icb"
        ).fetchall()
        if _has(con, "pub_la_icb")
        else []
    )
    # An ICB's ONS code (E54…) means the same ICB.
    for _la, _name, icb, icb_nhs, _icb_name, _share in lookup:
        if wanted.upper() == icb.upper() and icb_nhs.upper() in by_code:
            return Resolved((by_code[icb_nhs.upper()],))
    la_rows = [r for r in lookup if r[0].upper() == wanted.upper()]
    if not la_rows:
        key = _org_key(wanted)
        named = [a for a in by_code.values() if _org_key(a.name) == key]
        if named:
            # A name shared by an ICB and a provider means the ICB (then region, provider).
            order = {"ICB": 0, "Region": 1, "Provider": 2}
            return Resolved((min(named, key=lambda a: order.get(a.level, 3)),))
        la_rows = [r for r in lookup if normalise_name(r[1]) == normalise_name(wanted)]
    if la_rows:
        areas = []
        for _la, _name, _icb, icb_nhs, icb_name, share in sorted(la_rows, key=lambda r: -r[5]):
            found = by_code.get(icb_nhs.upper())
            areas.append(
                Area("ICB", icb_nhs, found.name if found else icb_name, round(float(share), 3))
            )
        return Resolved(tuple(areas), (la_rows[0][0], la_rows[0][1]))
    import difflib

    names = [a.name for a in by_code.values()] + [r[1] for r in lookup]
    close = difflib.get_close_matches(wanted.upper(), [n.upper() for n in names], n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownArea(
        f"No area matches {text!r}: give England, an NHS region, an ICB or provider code or "
        f"name as NHS England writes it (e.g. QKS or 'Kent and Medway'), or an LA{hint}"
    )


def _month(con: duckdb.DuckDBPyConnection, month: dt.date | None) -> dt.date:
    loaded = months(con)
    if not loaded:
        raise NoPublishedWaits(
            "No NHS England community health services waiting lists loaded: run `python -m etl "
            "load-published FOLDER` with the monthly workbooks "
            "(Community-health-services-waiting-lists-*.xlsx)."
        )
    if month is None:
        return loaded[0]
    if month not in loaded:
        shown = ", ".join(f"{m:%Y-%m}" for m in loaded)
        raise NoPublishedWaits(f"No CHS waiting lists loaded for {month:%Y-%m} (loaded: {shown})")
    return month


def _services(con: duckdb.DuckDBPyConnection, area: Area, month: dt.date) -> dict[str, Any]:
    rows = con.execute(
        "SELECT service, waiting, over_18_weeks, over_52_weeks FROM pub_chs_waits "
        "WHERE month = ? AND level = ? AND org_code = ?",
        [month, area.level, area.code],
    ).fetchall()
    found = {r[0]: r[1:] for r in rows}
    out: dict[str, Any] = {}
    for service in SERVICES:
        waiting, over_18, over_52 = found.get(service, (None, None, None))
        out[service] = {
            "waiting": _whole(waiting),
            "over_18_weeks": _whole(over_18),
            "over_52_weeks": _whole(over_52),
            "pct_over_18_weeks": pct(_whole(over_18), _whole(waiting)),
        }
    return out


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)


def published_waits(
    con: duckdb.DuckDBPyConnection, text: str, month: dt.date | None = None
) -> dict[str, Any]:
    """The ``waits-published`` payload: the area's CYP waits for one month beside England's.
    A blank published cell (no submission) is null, never 0."""
    resolved = resolve(con, text)
    when = _month(con, month)
    main = resolved.areas[0]
    england = Area("England", ENGLAND_CODE, "England")
    payload: dict[str, Any] = {
        "area": main.as_json(),
        "month": f"{when:%Y-%m}",
        "source": f"{SOURCE}, {when:%B %Y} (children and young people's services)",
        "services": _services(con, main, when),
        "england": _services(con, england, when),
    }
    if resolved.la is not None:
        payload["area"] = {
            "level": "LA",
            "code": resolved.la[0],
            "name": resolved.la[1],
            "icbs": [a.as_json() for a in resolved.areas],
        }
        payload["icbs"] = [
            {**a.as_json(), "services": _services(con, a, when)} for a in resolved.areas
        ]
    return payload


def trend(con: duckdb.DuckDBPyConnection, level: str, code: str) -> list[dict[str, Any]]:
    """Every month loaded for one organisation: per service the list and % over 18 weeks."""
    rows = con.execute(
        "SELECT month, service, waiting, over_18_weeks, over_52_weeks FROM pub_chs_waits "
        "WHERE level = ? AND org_code = ? ORDER BY month, service",
        [level, code],
    ).fetchall()
    return [
        {
            "month": m,
            "service": s,
            "waiting": _whole(w),
            "over_18_weeks": _whole(o),
            "over_52_weeks": _whole(o52),
            "pct_over_18_weeks": pct(_whole(o), _whole(w)),
        }
        for m, s, w, o, o52 in rows
    ]


def icbs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(code, name) of every ICB in the CHS tables, by name."""
    if not available(con):
        return []
    return [
        (c, n)
        for c, n in con.execute(
            "SELECT org_code, arg_max(org_name, month) FROM pub_chs_waits WHERE level = 'ICB' "
            "GROUP BY 1 ORDER BY 2"
        ).fetchall()
    ]


def autism(con: duckdb.DuckDBPyConnection, la_name: str | None) -> list[dict[str, Any]]:
    """The latest autism figures (% first appointment after 13 weeks, by age group) for
    England, the LA's NHS region and its sub-ICB location (when an LA is given)."""
    if not _has(con, "pub_autism"):
        return []
    latest = con.execute("SELECT max(period_start) FROM pub_autism").fetchone()
    if not latest or latest[0] is None:
        return []
    wanted: list[tuple[str, str]] = [("England", ENGLAND_CODE)]
    if la_name and _has(con, "pub_la_subicb"):
        matches = [
            (code, region)
            for name, code, region in con.execute(
                "SELECT la_name, subicb_code, region FROM pub_la_subicb"
            ).fetchall()
            if normalise_name(name) == normalise_name(la_name)
        ]
        for code, region in matches:
            wanted.append(("Sub-ICB", code))
            reg = con.execute(
                "SELECT DISTINCT code FROM pub_autism WHERE level = 'Region' "
                "AND upper(name) LIKE upper(?) || '%'",
                [region],
            ).fetchall()
            wanted += [("Region", r[0]) for r in reg]
    out = []
    for level, code in dict.fromkeys(wanted):
        for row in con.execute(
            "SELECT period_start, period_end, level, code, name, age_group, value FROM "
            "pub_autism WHERE period_start = ? AND level = ? AND code = ? ORDER BY age_group",
            [latest[0], level, code],
        ).fetchall():
            out.append(
                dict(
                    zip(
                        (
                            "period_start",
                            "period_end",
                            "level",
                            "code",
                            "name",
                            "age_group",
                            "pct_first_appointment_over_13_weeks",
                        ),
                        row,
                        strict=True,
                    )
                )
            )
    return out
