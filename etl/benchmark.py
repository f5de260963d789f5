"""Benchmarking: the home LA's published figures beside its region, England and its statistical
neighbours, with its rank and quartile among all LAs; and reconciliation of our own SEN2
calculation with DfE's published figure for the same year.

Definitions (docs/metrics.md "Benchmarks"):
- **rank**: 1 is the best; LAs with no value that year (``x``, ``z``, no plans) are not ranked.
  Ties share the better rank (1, 2, 2, 4). ``of`` counts the LAs with a value.
- **quartile**: ``ceil(4 × rank ÷ of)``; 1 is the best quarter.
- Polarity comes from the measure: for timeliness higher is better, for waits, late plans and
  tribunal appeals lower is better. Measures with no better direction (counts, the share agreed
  for assessment) are not ranked.
- **neighbours' median**: median of the values the LA's statistical neighbours have that year,
  to the measure's decimal places (half away from zero).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import statistics
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from etl.catalogue import Polarity
from etl.published import MEASURES, NEEDS, Measure, normalise_name, round_half_away

HEADLINE_MEASURES = ("pct_within_20_weeks_excl_exceptions", "pct_within_20_weeks")


class UnknownLA(ValueError):
    """The text names no LA; the message lists close matches."""


@dataclass(frozen=True)
class LA:
    code: str
    old_code: str | None
    name: str
    region_code: str | None
    region_name: str | None
    first_year: int
    last_year: int


def list_las(con: duckdb.DuckDBPyConnection, current_only: bool = False) -> list[LA]:
    """Every LA in the published files (current ones: those reporting in the latest year)."""
    rows = con.execute(
        "SELECT la_code, old_la_code, la_name, region_code, region_name, first_year, last_year "
        "FROM pub_la ORDER BY la_name, last_year DESC"
    ).fetchall()
    las = [LA(*row) for row in rows]
    if current_only and las:
        latest = max(la.last_year for la in las)
        las = [la for la in las if la.last_year >= latest - 1]
    return las


def resolve_la(con: duckdb.DuckDBPyConnection, text: str) -> LA:
    """An LA from its 9-character code (E08000031), 3-digit code (336) or name (any case).

    A name or old code shared by two LAs over time (Dorset) means the one reporting most
    recently. Unknown text raises :class:`UnknownLA` listing close matches.
    """
    wanted = text.strip()
    las = list_las(con)
    if not las:
        raise UnknownLA("No published figures are loaded, so no LA can be looked up.")
    by_recency = sorted(las, key=lambda la: -la.last_year)
    upper = wanted.upper()
    for la in by_recency:
        if la.code.upper() == upper or (la.old_code and la.old_code == wanted):
            return la
    norm = normalise_name(wanted)
    for la in by_recency:
        if normalise_name(la.name) == norm:
            return la
    names = sorted({la.name for la in las})
    close = difflib.get_close_matches(wanted, names, n=5, cutoff=0.5)
    close += [
        n
        for n in names
        if norm
        and (norm in normalise_name(n) or normalise_name(n).startswith(norm[:4]))
        and n not in close
    ][:5]
    hint = f" Did you mean: {', '.join(close[:6])}?" if close else ""
    raise UnknownLA(
        f"No LA called or coded {wanted!r} in the published figures.{hint} Use the 9-character "
        "code (E08000031), the 3-digit code (336) or the name."
    )


def position(
    values: dict[str, float], polarity: Polarity, code: str
) -> tuple[int | None, int, int | None]:
    """(rank, of, quartile) of ``code`` among ``values`` (LA code -> value, no Nones).

    Rank 1 is the best; ties share the better rank; quartile = ceil(4 × rank / of). Neutral
    measures and LAs without a value get no rank.
    """
    of = len(values)
    if polarity == "neutral" or code not in values or of == 0:
        return None, of, None
    mine = values[code]
    if polarity == "higher_is_better":
        better = sum(1 for v in values.values() if v > mine)
    else:
        better = sum(1 for v in values.values() if v < mine)
    rank = better + 1
    return rank, of, math.ceil(4 * rank / of)


def latest_year(con: duckdb.DuckDBPyConnection, measure: str) -> int | None:
    row = con.execute(
        "SELECT max(year) FROM pub_value WHERE measure = ? AND value IS NOT NULL", [measure]
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def neighbour_set(con: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    """(key, label) of the statistical-neighbour set in use (issue 13): the settings' choice
    (``[benchmark] neighbours``, DfE's own set by default) when it is loaded, else the other
    one; the label names the set and its date, to show beside every neighbours figure."""
    from etl.config import settings

    loaded = dict(
        con.execute(
            "SELECT dataset, release FROM pub_file WHERE message = '' "
            "AND dataset IN ('dfe_neighbours', 'stat_neighbours')"
        ).fetchall()
    )
    labels = {
        "dfe": loaded.get("dfe_neighbours"),
        "d2i": "Older statistical-neighbour lookup (data-to-insight, undated)"
        if "stat_neighbours" in loaded
        else None,
    }
    wanted = settings().neighbour_set
    key = wanted if labels.get(wanted) else next((k for k, v in labels.items() if v), wanted)
    return key, labels.get(key) or "No statistical neighbours loaded"


def neighbours(con: duckdb.DuckDBPyConnection, la_code: str) -> list[tuple[str, str]]:
    """The LA's statistical neighbours in the set in use, closest first: (code, name)."""
    key, _label = neighbour_set(con)
    sql = (
        "SELECT n.neighbour_code, coalesce(l.la_name, n.neighbour_code) FROM pub_neighbour_dfe n "
        "LEFT JOIN pub_la l ON l.la_code = n.neighbour_code "
        "WHERE n.la_code = $la AND n.block = "
        "(SELECT min(block) FROM pub_neighbour_dfe WHERE la_code = $la) ORDER BY n.position"
        if key == "dfe"
        else "SELECT n.neighbour_code, coalesce(l.la_name, n.neighbour_name) FROM pub_neighbour n "
        "LEFT JOIN pub_la l ON l.la_code = n.neighbour_code "
        "WHERE n.la_code = $la ORDER BY n.position"
    )
    try:
        return [(code, name) for code, name in con.execute(sql, {"la": la_code}).fetchall()]
    except duckdb.CatalogException:  # a published file built before DfE's set was read
        return []


def _values(con: duckdb.DuckDBPyConnection, measure: str, year: int) -> pd.DataFrame:
    return con.execute(
        "SELECT level, area_code, area_name, region_code, value, numerator, denominator, "
        "status, period, release, source_file FROM pub_value "
        "WHERE measure = ? AND year = ? AND breakdown = 'All'",
        [measure, year],
    ).df()


STATUS_WORDS = {
    "x": "not available",
    "z": "not applicable",
    "c": "suppressed",
    "low": "suppressed (low)",
    "no plans": "no plans in the denominator",
    "blank": "not published",
    "not available": "not available",
    "invalid": "unreadable in the file",
}


def measure_position(
    con: duckdb.DuckDBPyConnection,
    la: LA,
    measure_key: str,
    year: int | None = None,
    neighbour_codes: list[str] | None = None,
) -> dict[str, Any]:
    """The LA's figure for one measure and year beside region, England and neighbours."""
    measure = MEASURES[measure_key]
    year = year or latest_year(con, measure_key)
    result: dict[str, Any] = {
        "measure": measure_key,
        "title": measure.title,
        "unit": measure.unit,
        "polarity": measure.polarity,
        "year": year,
        "la": None,
        "region": None,
        "england": None,
        "neighbours_median": None,
        # Issue 13: which statistical-neighbour set the median is over (name and date).
        "neighbour_set": neighbour_set(con)[1],
        "rank": None,
        "of": 0,
        "quartile": None,
    }
    if year is None:
        result["note"] = "not in the published files loaded"
        return result
    frame = _values(con, measure_key, year)
    la_rows = frame[frame.level == "LA"]
    ranked = {str(r.area_code): float(r.value) for r in la_rows.itertuples() if pd.notna(r.value)}
    mine = la_rows[la_rows.area_code == la.code]
    if not mine.empty:
        row = mine.iloc[0]
        result["la"] = None if pd.isna(row.value) else float(row.value)
        result["la_status"] = (
            None if pd.isna(row.status) else STATUS_WORDS.get(row.status, row.status)
        )
        result["numerator"] = None if pd.isna(row.numerator) else float(row.numerator)
        result["denominator"] = None if pd.isna(row.denominator) else float(row.denominator)
        result["period"] = row.period
        result["source"] = f"{row.release}, {row.source_file}"
    else:
        result["la_status"] = "no row for this LA in this year"
        any_row = frame.iloc[0] if not frame.empty else None
        if any_row is not None:
            result["period"] = any_row.period
            result["source"] = f"{any_row.release}, {any_row.source_file}"
    region_code = la.region_code
    england = frame[frame.level == "England"]
    if not england.empty and pd.notna(england.iloc[0].value):
        result["england"] = float(england.iloc[0].value)
    region = frame[(frame.level == "Region") & (frame.area_code == region_code)]
    if not region.empty and pd.notna(region.iloc[0].value):
        result["region"] = float(region.iloc[0].value)
    codes = (
        neighbour_codes if neighbour_codes is not None else [c for c, _ in neighbours(con, la.code)]
    )
    with_value = [ranked[c] for c in codes if c in ranked]
    result["neighbours_median"] = (
        round_half_away(statistics.median(with_value), measure.decimals) if with_value else None
    )
    result["neighbours_with_value"] = len(with_value)
    result["neighbours_total"] = len(codes)
    rank, of, quartile = position(ranked, measure.polarity, la.code)
    result.update(rank=rank, of=of, quartile=quartile)
    return result


def benchmark(
    con: duckdb.DuckDBPyConnection,
    la: LA,
    year: int | None = None,
    measures: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """The ``benchmark --json`` document (keys fixed by the CLI contract in issue 3)."""
    year = year or latest_year(con, HEADLINE_MEASURES[0])
    out: dict[str, Any] = {
        "la_code": la.code,
        "old_la_code": la.old_code,
        "la_name": la.name,
        "region": la.region_name,
        "region_code": la.region_code,
        "year": year,
        "neighbours": [name for _code, name in neighbours(con, la.code)],
    }
    for key in measures or tuple(MEASURES):
        # The January caseload that follows a calendar year is the one compared with it.
        wanted = None if year is None else year + (1 if key == "plans_in_place" else 0)
        found = con.execute(
            "SELECT max(year) FROM pub_value WHERE measure = ? AND year <= ?",
            [key, wanted if wanted is not None else 9999],
        ).fetchone()
        measure_year = int(found[0]) if found and found[0] is not None else None
        out[key] = measure_position(con, la, key, measure_year)
    return out


def trend(
    con: duckdb.DuckDBPyConnection,
    la: LA,
    measure_key: str,
    neighbour_codes: list[str] | None = None,
) -> pd.DataFrame:
    """Long table (year, series, value, status, period, source) for the trend chart: the LA,
    its region, England, each chosen neighbour, the neighbours' median, and any predecessor
    areas (boundary changes) labelled as such."""
    measure = MEASURES[measure_key]
    frame = con.execute(
        "SELECT year, level, area_code, area_name, value, status, period, release, source_file "
        "FROM pub_value WHERE measure = ? AND breakdown = 'All' ORDER BY year",
        [measure_key],
    ).df()
    codes = (
        neighbour_codes if neighbour_codes is not None else [c for c, _ in neighbours(con, la.code)]
    )
    names = dict(neighbours(con, la.code))
    parts: list[pd.DataFrame] = []

    def add(mask: pd.Series, series: str, kind: str) -> None:
        part = frame[mask].copy()
        part["series"] = series
        part["kind"] = kind
        parts.append(part)

    add((frame.level == "LA") & (frame.area_code == la.code), la.name, "la")
    if la.region_code:
        add(
            (frame.level == "Region") & (frame.area_code == la.region_code),
            f"{la.region_name} (region)",
            "region",
        )
    add(frame.level == "England", "England", "england")
    for pred_code, pred_name, until in predecessors(con, la.code):
        add(
            (frame.level == "LA") & (frame.area_code == pred_code) & (frame.year < until),
            f"{pred_name} (predecessor area, to {until - 1})",
            "predecessor",
        )
    la_frame = frame[frame.level == "LA"]
    chosen = la_frame[la_frame.area_code.isin(codes)]
    for code in codes:
        if code in names:
            add((frame.level == "LA") & (frame.area_code == code), names[code], "neighbour")
    if not chosen.empty:
        med = (
            chosen.dropna(subset=["value"])
            .groupby("year")["value"]
            .agg(lambda s: round_half_away(statistics.median(s), measure.decimals))
            .reset_index()
        )
        med["series"] = f"Statistical neighbours (median; {neighbour_set(con)[1]})"
        med["kind"] = "median"
        med["status"] = None
        med["period"] = med["year"].map(lambda y: f"Calendar year {y}")
        med["release"] = "Computed from the published LA figures"
        med["source_file"] = ""
        parts.append(med)
    if not parts:
        return pd.DataFrame(columns=["year", "series", "kind", "value", "status", "period"])
    out = pd.concat(parts, ignore_index=True)
    out["status"] = out["status"].map(lambda s: None if pd.isna(s) else STATUS_WORDS.get(s, s))
    return out[
        ["year", "series", "kind", "value", "status", "period", "release", "source_file"]
    ].sort_values(["kind", "series", "year"], ignore_index=True)


def predecessors(con: duckdb.DuckDBPyConnection, la_code: str) -> list[tuple[str, str, int]]:
    """Areas this LA replaced: (code, name, first year of the new LA)."""
    return [
        (code, name, int(since))
        for code, name, since in con.execute(
            "SELECT p.predecessor_code, coalesce(l.la_name, p.predecessor_code), p.since_year "
            "FROM pub_predecessor p LEFT JOIN pub_la l ON l.la_code = p.predecessor_code "
            "WHERE p.la_code = ?",
            [la_code],
        ).fetchall()
    ]


def all_las(con: duckdb.DuckDBPyConnection, measure_key: str, year: int) -> pd.DataFrame:
    """Every LA's value for the year, best first, with rank and quartile (no value: last)."""
    measure = MEASURES[measure_key]
    frame = con.execute(
        "SELECT v.area_code AS la_code, v.area_name AS la_name, "
        "coalesce(l.region_name, v.region_name) AS region, v.value, v.status "
        "FROM pub_value v LEFT JOIN pub_la l ON l.la_code = v.area_code "
        "WHERE v.measure = ? AND v.year = ? AND v.level = 'LA' AND v.breakdown = 'All'",
        [measure_key, year],
    ).df()
    values = {str(r.la_code): float(r.value) for r in frame.itertuples() if pd.notna(r.value)}
    ranks = [position(values, measure.polarity, str(code)) for code in frame.la_code]
    frame["rank"] = [r[0] for r in ranks]
    frame["quartile"] = [r[2] for r in ranks]
    frame["status"] = frame["status"].map(lambda s: None if pd.isna(s) else STATUS_WORDS.get(s, s))
    ascending = measure.polarity != "higher_is_better"
    return frame.sort_values(
        ["value", "la_name"], ascending=[ascending, True], na_position="last", ignore_index=True
    )


def need_mix(
    con: duckdb.DuckDBPyConnection, la: LA, measure_key: str = "need_mix_all_plans"
) -> pd.DataFrame:
    """Primary-need mix (%) of the LA beside its region and England, latest year."""
    row = con.execute(
        "SELECT max(year) FROM pub_value WHERE measure = ? AND value IS NOT NULL", [measure_key]
    ).fetchone()
    if not row or row[0] is None:
        return pd.DataFrame(columns=["need", "code", "la", "region", "england", "period"])
    year = int(row[0])
    frame = con.execute(
        "SELECT breakdown AS code, level, area_code, value, period, release FROM pub_value "
        "WHERE measure = ? AND year = ? AND (area_code = ? OR level = 'England' "
        "OR (level = 'Region' AND area_code = ?))",
        [measure_key, year, la.code, la.region_code or ""],
    ).df()
    if frame.empty:
        return pd.DataFrame(columns=["need", "code", "la", "region", "england", "period"])
    frame["who"] = frame.level.map({"LA": "la", "Region": "region", "England": "england"})
    wide = frame.pivot_table(index="code", columns="who", values="value", aggfunc="first")
    wide = wide.reindex(columns=["la", "region", "england"])
    wide = wide.reset_index()
    wide["need"] = wide["code"].map(lambda c: NEEDS.get(c.lower(), c))
    wide["period"] = frame.period.iloc[0]
    wide["release"] = frame.release.iloc[0]
    return wide.sort_values("england", ascending=False, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Reconciliation: our SEN2 calculation beside DfE's published figure for the same year


def reconcile(
    warehouse: duckdb.DuckDBPyConnection,
    published: duckdb.DuckDBPyConnection,
    la: LA,
    year: int,
) -> dict[str, Any]:
    """Our 20-week figures for calendar ``year`` beside DfE's, with the difference in plans and
    percentage points, and the groups of cases that can explain it."""
    from etl.metrics import ehcp_kpis, snapshot_date

    snapshot = snapshot_date(warehouse)
    ours = ehcp_kpis(warehouse, year, dt.date(year, 12, 31))
    complete = snapshot >= dt.date(year, 12, 31)
    lines = []
    for key, within, den in (
        (
            "pct_within_20_weeks_excl_exceptions",
            "within_20_weeks_excl_exceptions",
            "plans_issued_excl_exceptions",
        ),
        ("pct_within_20_weeks", "within_20_weeks", "plans_issued"),
    ):
        theirs = published.execute(
            "SELECT value, numerator, denominator, status, release, source_file FROM pub_value "
            "WHERE measure = ? AND year = ? AND level = 'LA' AND area_code = ? "
            "AND breakdown = 'All'",
            [key, year, la.code],
        ).fetchone()
        dfe_value, dfe_num, dfe_den, status, release, source = theirs or (None,) * 6
        lines.append(
            {
                "measure": key,
                "title": MEASURES[key].title,
                "ours_pct": ours[key],
                "ours_within": ours[within],
                "ours_plans": ours[den],
                "dfe_pct": dfe_value,
                "dfe_within": None if dfe_num is None else int(dfe_num),
                "dfe_plans": None if dfe_den is None else int(dfe_den),
                "dfe_status": STATUS_WORDS.get(status, status) if status else None,
                "difference_plans": None if dfe_den is None else ours[den] - int(dfe_den),
                "difference_within": None if dfe_num is None else ours[within] - int(dfe_num),
                "difference_pp": None
                if dfe_value is None or ours[key] is None
                else round_half_away(ours[key] - dfe_value, 1),
                "source": f"{release}, {source}" if release else None,
            }
        )
    return {
        "la_code": la.code,
        "la_name": la.name,
        "year": year,
        "snapshot_date": snapshot.isoformat(),
        "year_complete_in_our_data": complete,
        "lines": lines,
        "explanations": explanations(warehouse, year),
    }


EXPLANATION_SQL = """
WITH base AS (
    SELECT * FROM fact_request
)
SELECT 'exception' AS reason, count(*) AS cases FROM mart_plans_issued
 WHERE issue_year = $y AND exception_applies
UNION ALL
SELECT 'exception_blank', count(*) FROM mart_plans_issued
 WHERE issue_year = $y AND exception_applies IS NULL
UNION ALL
SELECT 'outcome_before_received', count(*) FROM base
 WHERE assessment_outcome = 'Y' AND year(assessment_outcome_date) = $y
   AND received_date > assessment_outcome_date
UNION ALL
SELECT 'no_received_date', count(*) FROM base
 WHERE assessment_outcome = 'Y' AND year(assessment_outcome_date) = $y AND received_date IS NULL
UNION ALL
SELECT 'no_outcome_date', count(*) FROM base
 WHERE assessment_outcome = 'Y' AND assessment_outcome_date IS NULL
   AND year(received_date) IN ($y, $y - 1)
UNION ALL
SELECT 'transfer_or_historical', count(*) FROM base
 WHERE (request_outcome = 'H' OR assessment_outcome = 'H')
   AND year(coalesce(assessment_outcome_date, request_outcome_date, received_date)) = $y
"""

EXPLANATIONS = {
    "exception": (
        "Plans where an exception to the 20-week limit applied",
        "Counted in 'including exceptions' but not in DfE's headline 'excluding exceptions'. "
        "If your return records the exception differently, the two headline figures differ.",
    ),
    "exception_blank": (
        "Plans with the 20-week exception flag left blank",
        "We leave these out of 'excluding exceptions' (blank is not 0); DfE's validation may "
        "have made them 0 or 1.",
    ),
    "outcome_before_received": (
        "Plans dated before the request was received",
        "A data error: we count neither; the return would fail validation.",
    ),
    "no_received_date": (
        "Plans with no request received date",
        "We cannot time these, so they are not counted.",
    ),
    "no_outcome_date": (
        "Plans agreed (outcome Y) with no issue date, requested this year or last",
        "Not counted as issued until a date is recorded; if they were issued in the year, "
        "DfE's count includes them.",
    ),
    "transfer_or_historical": (
        "Transfers-in and historical plans (code H) dated in the year",
        "Outside the 20-week measure for both us and DfE; listed in case the return coded "
        "them as new plans.",
    ),
}


def explanations(warehouse: duckdb.DuckDBPyConnection, year: int) -> list[dict[str, Any]]:
    """Groups of cases that can explain a difference from DfE's figure (counts only)."""
    rows = warehouse.execute(EXPLANATION_SQL, {"y": year}).fetchall()
    rejected = warehouse.execute(
        "SELECT count(*) FROM problems WHERE severity = 'error'"
    ).fetchone()
    out = [
        {"reason": key, "title": EXPLANATIONS[key][0], "why": EXPLANATIONS[key][1], "cases": n}
        for key, n in rows
    ]
    out.append(
        {
            "reason": "rejected_rows",
            "title": "Rows rejected when loading (all years)",
            "why": "Rows with errors are not in our figures; see the Data quality page.",
            "cases": int(rejected[0]) if rejected else 0,
        }
    )
    return out


def explanation_cases(warehouse: duckdb.DuckDBPyConnection, year: int, reason: str) -> pd.DataFrame:
    """The cases behind one explanation, by watchlist reference (no child identifiers)."""
    if reason not in EXPLANATIONS:
        raise ValueError(f"unknown reason {reason!r}")
    filters = {
        "exception": "m.request_key IN (SELECT request_key FROM mart_plans_issued "
        "WHERE issue_year = $y AND exception_applies)",
        "exception_blank": "m.request_key IN (SELECT request_key FROM mart_plans_issued "
        "WHERE issue_year = $y AND exception_applies IS NULL)",
        "outcome_before_received": "assessment_outcome = 'Y' AND year(assessment_outcome_date) "
        "= $y AND received_date > assessment_outcome_date",
        "no_received_date": "assessment_outcome = 'Y' AND year(assessment_outcome_date) = $y "
        "AND received_date IS NULL",
        "no_outcome_date": "assessment_outcome = 'Y' AND assessment_outcome_date IS NULL "
        "AND year(received_date) IN ($y, $y - 1)",
        "transfer_or_historical": "(request_outcome = 'H' OR assessment_outcome = 'H') AND "
        "year(coalesce(assessment_outcome_date, request_outcome_date, received_date)) = $y",
    }
    sql = (
        "SELECT 'R-' || upper(substr(m.request_key, 1, 10)) AS reference, m.received_date, "
        "m.request_outcome, m.assessment_outcome, m.assessment_outcome_date AS outcome_date, "
        "datediff('day', m.received_date, m.assessment_outcome_date) AS days, "
        "m.exception_applies, m.source_file, m.source_row "
        f"FROM fact_request m WHERE {filters[reason]} ORDER BY m.received_date NULLS FIRST"
    )
    return warehouse.execute(sql, {"y": year}).df()


def reconcilable_years(
    warehouse: duckdb.DuckDBPyConnection, published: duckdb.DuckDBPyConnection, la: LA
) -> list[int]:
    """Calendar years our SEN2 data covers in full that DfE has also published for the LA."""
    row = warehouse.execute(
        "SELECT min(received_date), (SELECT snapshot_date FROM warehouse_meta) FROM fact_request"
    ).fetchone()
    if not row or row[0] is None:
        return []
    first, snapshot = row
    years = published.execute(
        "SELECT DISTINCT year FROM pub_value WHERE measure = 'pct_within_20_weeks' "
        "AND level = 'LA' AND area_code = ? ORDER BY year",
        [la.code],
    ).fetchall()
    return [
        int(y) for (y,) in years if dt.date(int(y), 12, 31) <= snapshot and first.year <= int(y)
    ]


def format_value(value: float | None, measure: Measure, status: str | None = None) -> str:
    """A published value as shown: 46.4%, 1,234, or the reason there is none."""
    if value is None:
        return f"no value ({status})" if status else "no value"
    if measure.unit == "%":
        return f"{value:.{measure.decimals}f}%"
    return f"{value:,.0f}"


def quartile_words(quartile: int | None) -> str:
    return {
        1: "top quarter (best 25% of LAs)",
        2: "second quarter",
        3: "third quarter",
        4: "bottom quarter (weakest 25% of LAs)",
    }.get(quartile or 0, "not ranked")


def england_latest(con: duckdb.DuckDBPyConnection, measure_key: str) -> dict[str, Any] | None:
    """England's latest published value of a measure: value, period and release."""
    row = con.execute(
        "SELECT value, year, period, release FROM pub_value WHERE measure = ? "
        "AND level = 'England' AND breakdown = 'All' AND value IS NOT NULL "
        "ORDER BY year DESC LIMIT 1",
        [measure_key],
    ).fetchone()
    if row is None:
        return None
    value, year, period, release = row
    return {"value": float(value), "year": int(year), "period": period, "release": release}
