"""KPI links (issue 15): which measures an improvement-plan action or area of weakness is judged
by, with a baseline (date, value) and a target — "what is different now" in the review pack.

A link comes from a "KPIs" sheet of a tracker workbook (``etl.inputs.tracker``: staged with its
file / sheet / row like every other sheet) or from ``[[kpi_links]]`` in the settings file. Both
go through :func:`check_link` here, so the same key is refused the same way wherever it is
written. A measure may be linked when the dashboard computes it from our own data; the waiting
time measures need a service and the exclusion measures an SEN group (the ``breakdown``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from etl.catalogue import CATALOGUE, nearest_key

BreakdownKind = Literal["service", "sen_group"]

# Measures of the EHC plan KPIs (``Warehouse.kpis``): the calendar year to the as-at date, and
# the open requests as at that date.
EHCP_KEYS = (
    "pct_within_20_weeks_excl_exceptions",
    "pct_within_20_weeks",
    "plans_issued",
    "plans_issued_excl_exceptions",
    "within_20_weeks",
    "within_20_weeks_excl_exceptions",
    "issued_over_52_weeks",
    "pct_decisions_within_6_weeks",
    "decisions_made",
    "decisions_within_6_weeks",
    "open_requests",
    "open_at_risk",
    "open_breached",
)
# ``Warehouse.annual_reviews`` as at the date.
ANNUAL_REVIEW_KEYS = (
    "annual_review_plans_due",
    "annual_reviews_overdue",
    "pct_annual_reviews_overdue",
    "annual_review_decisions",
    "annual_review_decisions_within_4_weeks",
    "pct_annual_review_decisions_within_4_weeks",
)
# The waiting-list summary per service as at the date (``waits_summary``).
WAITS_KEYS = (
    "waiting",
    "median_weeks_waiting",
    "p90_weeks_waiting",
    "pct_over_18_weeks",
    "over_18_weeks",
    "over_52_weeks",
    "pct_over_13_weeks",
)
# Exclusions by SEN group for the academic year of the date (``exclusions_by_sen``).
EXCLUSION_KEYS = (
    "suspensions",
    "permanent_exclusions",
    "pupils_suspended",
    "headcount",
    "suspension_rate",
    "permanent_exclusion_rate",
    "one_plus_suspension_rate",
    "relative_risk_suspension",
)
LINKABLE = (*EHCP_KEYS, *ANNUAL_REVIEW_KEYS, *WAITS_KEYS, *EXCLUSION_KEYS)


def breakdown_kind(key: str) -> BreakdownKind | None:
    """What a measure is broken down by, if anything: a service (waits) or SEN group."""
    if key in WAITS_KEYS:
        return "service"
    if key in EXCLUSION_KEYS:
        return "sen_group"
    return None


@dataclass(frozen=True)
class KpiLink:
    """One link, checked: ``action_ref`` and / or ``area`` say what it belongs to."""

    kpi: str
    breakdown: str | None
    action_ref: str | None
    area: str | None
    baseline_date: dt.date
    baseline_value: float | None
    target: float | None
    target_date: dt.date | None


class LinkError(ValueError):
    """A link that cannot be used: ``field`` names the field at fault, ``rule`` the rule code."""

    def __init__(self, field: str, rule: str, message: str):
        super().__init__(message)
        self.field, self.rule, self.message = field, rule, message


def measure_key(text: str) -> str:
    """The catalogue key a KPI cell names (its key, or its title / short label written out);
    :class:`LinkError` naming the nearest key when it names none, or one we cannot compute."""
    wanted = text.strip()
    key = wanted if wanted in CATALOGUE else nearest_key(wanted)
    exact = key is not None and (
        wanted == key
        or wanted.lower() in (CATALOGUE[key].title.lower(), CATALOGUE[key].short_label.lower())
    )
    if not exact:
        hint = f"; did you mean {key}?" if key else ""
        raise LinkError(
            "kpi",
            "kpi_unknown",
            f"'{wanted}' is not a measure the dashboard knows{hint} (keys are listed in "
            "docs/metrics.md)",
        )
    assert key is not None
    if key not in LINKABLE:
        raise LinkError(
            "kpi",
            "kpi_unknown",
            f"'{wanted}' is a published figure only, so there is no current value of ours to "
            "set against a baseline; link a measure computed from our data",
        )
    return key


def _sen_groups() -> dict[str, str]:
    from etl.headers import header_key
    from etl.inputs.exclusions.spec import SEN_GROUP_LABELS

    table = {header_key(k): k for k in SEN_GROUP_LABELS}
    table.update({header_key(v): k for k, v in SEN_GROUP_LABELS.items()})
    return table


def breakdown_key(
    key: str, text: str | None, services: Mapping[str, tuple[str, ...]] | None = None
) -> str | None:
    """The service or SEN group a measure's link is for (its standard key); None when the
    measure has no breakdown. :class:`LinkError` when one is needed and missing or unknown.
    ``services``: extra service names (``[waits.services]``; default: the settings file's)."""
    kind = breakdown_kind(key)
    if kind is None:
        if text:
            raise LinkError(
                "breakdown",
                "kpi_breakdown",
                f"{key} is not broken down by service or SEN group; leave the breakdown blank",
            )
        return None
    if kind == "service":
        from etl.config import settings
        from etl.inputs.waits.spec import SERVICES, service_key, service_lookup

        extra = settings().waits_services if services is None else services
        table, choices = service_lookup(extra), SERVICES
        found = table.get(service_key(text or ""))
        noun = "service"
    else:
        from etl.headers import header_key
        from etl.inputs.exclusions.spec import SEN_GROUP_LABELS

        found = _sen_groups().get(header_key(text or ""))
        choices, noun = SEN_GROUP_LABELS, "SEN group"
    if found is None:
        written = f"'{text}' is not a {noun} this tool knows" if text else f"no {noun} given"
        raise LinkError(
            "breakdown",
            "kpi_breakdown",
            f"{key} needs a {noun}: {written} (one of {', '.join(choices.values())})",
        )
    return found


_NUMBER = re.compile(r"^([+-]?\d[\d,]*(?:\.\d+)?)\s*%?$")


def parse_number(raw: Any) -> float | None:
    """A baseline or target: 48.5, "48.5%", "1,234"; None when blank; ValueError otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(f"'{raw}' is not a number")
    if isinstance(raw, (int, float)):
        return float(raw)
    m = _NUMBER.match(str(raw).strip())
    if not m:
        raise ValueError(f"'{raw}' is not a number (write 48.5 or 48.5%)")
    return float(m[1].replace(",", ""))


def check_link(
    *,
    kpi: str,
    breakdown: str | None,
    action_ref: str | None,
    area: str | None,
    baseline_date: dt.date | None,
    baseline_value: Any,
    target: Any,
    target_date: dt.date | None,
    services: Mapping[str, tuple[str, ...]] | None = None,
) -> KpiLink:
    """A link checked field by field (the first fault raises :class:`LinkError`)."""
    if not (action_ref or area):
        raise LinkError(
            "action_ref",
            "value_missing",
            "a KPI link needs the action ref or the area of weakness it belongs to",
        )
    key = measure_key(kpi)
    part = breakdown_key(key, breakdown, services)
    if baseline_date is None:
        raise LinkError(
            "baseline_date", "date_missing", "Baseline date is blank; a KPI link needs one"
        )
    numbers: dict[str, float | None] = {}
    for name, raw in (("baseline_value", baseline_value), ("target", target)):
        try:
            numbers[name] = parse_number(raw)
        except ValueError as problem:
            raise LinkError(name, "value_unreadable", str(problem)) from None
    return KpiLink(
        key,
        part,
        action_ref,
        area,
        baseline_date,
        numbers["baseline_value"],
        numbers["target"],
        target_date,
    )
