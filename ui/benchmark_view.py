"""Benchmarking page parts: the tables and words built from published figures.

Pure functions (published figures in, DataFrames and text out), no Streamlit and no database, so
each is unit-tested. The figures are DfE's (and MoJ's) published statistics: shown as published,
"no value" with the publisher's reason where there is none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from etl import benchmark as bm
from etl.benchmark import LA
from etl.catalogue import POLARITY_WORDS, label
from etl.disclosure import missing
from etl.published import MEASURES, Measure
from ui.formatting import fmt_date


def shown(value: Any, measure: Measure, status: str | None = None) -> str:
    """A published value as text ("46.4%", "1,234", "no value (x)")."""
    return bm.format_value(None if missing(value) else float(value), measure, status)


def la_label(la: LA) -> str:
    """ "Wolverhampton (336)": the name users know, with the code they quote in returns."""
    return f"{la.name} ({la.old_code or la.code})"


def la_heading(la: LA) -> str:
    """ "Wolverhampton (E08000031, 336), West Midlands" """
    region = f", {la.region_name}" if la.region_name else ""
    return f"{la.name} ({la.code}, {la.old_code}){region}"


def measure_label(key: str) -> str:
    """ "Timeliness: EHC plans issued within 20 weeks (excluding exceptions)" """
    return f"{MEASURES[key].group}: {MEASURES[key].title}"


def measure_caption(measure: Measure) -> str:
    """The definition and which way is better."""
    return f"{measure.definition} {POLARITY_WORDS[measure.polarity].capitalize()}."


def years_with_values(trend: pd.DataFrame) -> list[int]:
    """Years with any published value, newest first."""
    return sorted({int(y) for y in trend.dropna(subset=["value"])["year"]}, reverse=True)


@dataclass(frozen=True)
class Tile:
    """One headline figure: a label, the value as text, and a line under it (may be blank)."""

    label: str
    value: str
    note: str = ""


def position_tiles(position: dict[str, Any], la: LA, measure: Measure) -> list[Tile]:
    """The LA, its region, England, its neighbours' median, and its rank, as five tiles."""
    counts = ""
    numerator, denominator = position.get("numerator"), position.get("denominator")
    if numerator is not None and denominator is not None and measure.unit == "%":
        counts = f"{numerator:,.0f} of {denominator:,.0f}"
    region_status = "not published for regions" if position["region"] is None else None
    tiles = [
        Tile(la.name, shown(position["la"], measure, position.get("la_status")), counts),
        Tile(
            f"{la.region_name or 'Region'} (region)",
            shown(position["region"], measure, region_status),
        ),
        Tile("England", shown(position["england"], measure)),
        Tile(
            f"Statistical neighbours' median ({position.get('neighbours_with_value', 0)} of "
            f"{position.get('neighbours_total', 0)} with a value)",
            shown(position["neighbours_median"], measure),
            position.get("neighbour_set", ""),  # which set, and its date (issue 13)
        ),
    ]
    return [*tiles, rank_tile(position, measure)]


def rank_tile(position: dict[str, Any], measure: Measure) -> Tile:
    """Rank and quartile in words, or why the LA is not ranked."""
    if position["rank"]:
        return Tile(
            f"Rank of {position['of']} LAs (1 = best)",
            str(position["rank"]),
            f"**Q{position['quartile']}: {bm.quartile_words(position['quartile'])}** "
            f"— {POLARITY_WORDS[measure.polarity]}",
        )
    if measure.polarity == "neutral":
        return Tile("Rank among LAs", "Not ranked", POLARITY_WORDS["neutral"].capitalize() + ".")
    return Tile(
        "Rank among LAs",
        "No value",
        f"{position['of']} LAs have a value; this LA does not, so it is not ranked.",
    )


def chosen_trend(
    trend: pd.DataFrame, neighbours: list[tuple[str, str]], chosen: list[str]
) -> pd.DataFrame:
    """The trend lines to draw: every series but the neighbours not chosen."""
    names = dict(neighbours)
    return trend[(trend.kind != "neighbour") | trend.series.isin([names[c] for c in chosen])]


def trend_table(trend: pd.DataFrame) -> pd.DataFrame:
    """One row per year, one column per series."""
    table = trend.pivot_table(
        index="year", columns="series", values="value", aggfunc="first"
    ).reset_index()
    table.columns.name = None
    table["year"] = table["year"].astype(int)
    return table


def trend_sources(trend: pd.DataFrame) -> str | None:
    """ "Sources: …" when the years come from more than one release."""
    if trend.release.nunique() <= 1:
        return None
    return "Sources: " + "; ".join(sorted(set(trend.release.dropna()) - {""}))


def all_las_caption(measure: Measure) -> str:
    """What the all-LA chart shows and which way is better."""
    quarters = (
        " Dotted lines split the LAs into quarters (Q1 best)."
        if measure.polarity != "neutral"
        else ""
    )
    return (
        "Each bar is one LA; ours is dark blue and named. "
        f"{POLARITY_WORDS[measure.polarity].capitalize()}.{quarters}"
    )


def higher_is_better(measure: Measure) -> bool | None:
    """True / False for the ranking direction; None for a measure that is not ranked."""
    return None if measure.polarity == "neutral" else measure.polarity == "higher_is_better"


def all_las_table(every: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Every LA's rank, quartile, region and value as shown."""
    values = [shown(v, measure, s) for v, s in zip(every.value, every.status, strict=True)]
    return every.assign(value=values)[["rank", "quartile", "la_name", "region", "value"]].rename(
        columns={
            "rank": "Rank",
            "quartile": "Quartile",
            "la_name": "LA",
            "region": "Region",
            "value": measure.title,
        }
    )


def short_period(period: str | None) -> str:
    """ "Calendar year 2024" -> "2024"; "January 2025 (2024/25, …)" -> "Jan 2025"."""
    if not period:
        return "—"
    if period.startswith("Calendar year "):
        return period.removeprefix("Calendar year ")
    return "Jan " + period.split()[1] if period.startswith("January") else period


def _or_dash(value: Any, measure: Measure) -> str:
    return "—" if value is None else bm.format_value(value, measure)


def glance_table(summary: dict[str, Any], la: LA) -> pd.DataFrame:
    """Every measure's latest year for the LA beside region, England and neighbours, ranked."""
    rows = []
    for key, m in MEASURES.items():
        item = summary[key]
        rows.append(
            {
                "Measure": m.title,
                "Period": short_period(item.get("period")),
                la.name: bm.format_value(item["la"], m, item.get("la_status")),
                "Region": _or_dash(item["region"], m),
                "England": _or_dash(item["england"], m),
                "Neighbours' median": _or_dash(item["neighbours_median"], m),
                "Rank (1 = best)": f"{item['rank']} of {item['of']} · Q{item['quartile']}"
                if item["rank"]
                else ("not ranked" if m.polarity == "neutral" else "no value"),
            }
        )
    return pd.DataFrame(rows)


def need_mix_table(mix: pd.DataFrame, la: LA) -> pd.DataFrame:
    """The share of plans by primary need: the LA, region and England, in %."""
    return mix[["need", "la", "region", "england"]].rename(
        columns={
            "need": "Primary need",
            "la": f"{la.name} %",
            "region": "Region %",
            "england": "England %",
        }
    )


def need_mix_source(mix: pd.DataFrame) -> str:
    """ "<period> · <release>" of the need-mix figures."""
    return f"{mix['period'].iloc[0]} · {mix['release'].iloc[0]}"


WITHIN = label("within_20_weeks")  # "Within 20 weeks"


def _signed(value: Any, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


def _pct_or(value: Any, missing: str) -> str:
    return missing if value is None else f"{value:.1f}%"


def reconciliation_table(result: dict[str, Any]) -> pd.DataFrame:
    """Our 20-week figures beside DfE's, and the differences, one row per measure."""
    return pd.DataFrame(
        [
            {
                "Measure": line["title"],
                "Ours: plans": line["ours_plans"],
                f"Ours: {WITHIN.lower()}": line["ours_within"],
                "Ours: %": _pct_or(line["ours_pct"], "no plans"),
                "DfE: plans": line["dfe_plans"],
                f"DfE: {WITHIN.lower()}": line["dfe_within"],
                "DfE: %": line["dfe_status"] or _pct_or(line["dfe_pct"], "—"),
                "Difference: plans": _signed(line["difference_plans"], "{:+,d}"),
                "Difference: percentage points": _signed(line["difference_pp"], "{:+.1f}"),
            }
            for line in result["lines"]
        ]
    )


def explanations_table(result: dict[str, Any]) -> pd.DataFrame:
    """The groups of cases that can explain a difference, with why each matters."""
    return pd.DataFrame(result["explanations"])[["title", "cases", "why"]].rename(
        columns={"title": "Group", "cases": "Cases", "why": "Why it matters"}
    )


def listable_reasons(result: dict[str, Any]) -> dict[str, str]:
    """{reason: title} of the explanation groups whose cases can be listed (not rejected rows,
    which never reached the warehouse)."""
    return {
        e["reason"]: e["title"]
        for e in result["explanations"]
        if e["cases"] and e["reason"] != "rejected_rows"
    }


def cases_table(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases behind one explanation, by pseudonymous reference, in words."""
    return pd.DataFrame(
        {
            "Reference": cases["reference"],
            "Request received": cases["received_date"].map(fmt_date),
            "Request outcome": cases["request_outcome"],
            "Assessment outcome": cases["assessment_outcome"],
            "Plan issued": cases["outcome_date"].map(fmt_date),
            "Days": cases["days"],
            "Exception applies": cases["exception_applies"].map(
                {True: "Yes", False: "No"}, na_action="ignore"
            ),
        }
    )
