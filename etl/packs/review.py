"""The 12-month review pack's content (issue 15): "what is different now?", per area of weakness.

It follows the DfE / NHS England adviser's review note (``shared/domain/002_*``): the actions
behind schedule with their reason, mitigation, revised date and lead first, then each area of
weakness (or priority) in turn with its actions completed, in progress and behind schedule, the
KPIs linked to it — baseline (date, value), target and the current value — and the owner's
commentary, then the plan's open risks and issues.

Rules (docs/decisions.md, "Issue 15 — the 12-month review pack"):

1. The actions are those of each plan's latest report in the warehouse (a snapshot's, for a
   pack that can be rebuilt). A plan with an action log is reported by its actions, grouped by
   their area of weakness; a plan with only a highlight report by its milestones, grouped by
   workstream.
2. An action is **Completed** when its RAG (with any override) is Complete; **Behind schedule**
   when it is not complete and its due date has passed, it has been given a later revised date,
   or it is rated Red; **Not started** when rated Not started; otherwise **In progress**.
3. KPI links come from the trackers' "KPIs" sheets (:mod:`etl.kpi_links`) and ``[[kpi_links]]``
   in the settings; a sheet's link wins over the settings' for the same action / area, measure
   and breakdown. A link names an action (its area is the action's) or an area ("Area 2"
   matches "Area 2: timeliness …").
4. The current value is the measure as the dashboard works it out as at the as-at date
   (``Warehouse.kpis`` / ``annual_reviews`` / the waiting-list summary / ``exclusion_kpis``); a
   blank baseline value is worked out the same way as at the baseline date. The target is the
   link's, else the settings' ``[targets]``. The RAG against the target is
   :func:`etl.headlines.target_rag`'s.
5. Every figure about children passes through the disclosure engine (:mod:`etl.disclosure`) in
   the pack's mode before it is placed; the change since the baseline is worked out from the
   figures as shown. Plan items, risks and KPI targets are not about children and are shown as
   written.
6. Commentary (:mod:`etl.commentary`): an action's for the month of its plan's report date, a
   measure's for the month of the as-at date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from etl import config, disclosure
from etl.catalogue import metric
from etl.commentary import period_of
from etl.headlines import day_words, target_rag, year_label
from etl.inputs.tracker.stage import name_key
from etl.kpi_links import (
    ANNUAL_REVIEW_KEYS,
    EHCP_KEYS,
    EXCLUSION_KEYS,
    WAITS_KEYS,
)
from etl.packs.model import (
    ActionRow,
    ActionTable,
    Cell,
    Column,
    Face,
    Pack,
    Section,
    Table,
    Text,
)

if TYPE_CHECKING:
    from etl.store import Published, Warehouse

Status = Literal["Behind schedule", "In progress", "Not started", "Completed"]
STATUSES: tuple[Status, ...] = ("Behind schedule", "In progress", "Not started", "Completed")
ValueKind = Literal["count", "pct", "rate", "median", "average", "ratio"]
UNMATCHED_AREA = "KPIs not matched to an action or area of the plan"

# How each linkable measure is disclosed and the counts it rests on (DESIGN §7; etl.disclosure).
_PCT_PARTS: dict[str, tuple[str, str]] = {
    "pct_within_20_weeks_excl_exceptions": (
        "within_20_weeks_excl_exceptions",
        "plans_issued_excl_exceptions",
    ),
    "pct_within_20_weeks": ("within_20_weeks", "plans_issued"),
    "pct_decisions_within_6_weeks": ("decisions_within_6_weeks", "decisions_made"),
    "pct_annual_reviews_overdue": ("annual_reviews_overdue", "annual_review_plans_due"),
    "pct_annual_review_decisions_within_4_weeks": (
        "annual_review_decisions_within_4_weeks",
        "annual_review_decisions",
    ),
    "pct_over_18_weeks": ("over_18_weeks", "waiting"),
    "pct_over_13_weeks": ("over_13_weeks", "waiting"),
}
_RATE_PARTS: dict[str, tuple[str, str]] = {
    "suspension_rate": ("suspensions", "headcount"),
    "permanent_exclusion_rate": ("permanent_exclusions", "headcount"),
    "one_plus_suspension_rate": ("pupils_suspended", "headcount"),
}


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class RawFigure:
    """A measure's exact value with the counts behind it, before disclosure."""

    value: float | int | None
    kind: ValueKind
    numerator: int | None = None
    denominator: int | None = None
    reference: tuple[int | None, int | None] = (None, None)  # the no-SEN counts of a ratio
    period: str = ""  # what the figure covers, in words

    def disclosed(self, mode: disclosure.Mode, decimals: int) -> Cell:
        """The figure as a reader in ``mode`` may see it (etl.disclosure)."""
        if self.kind == "count":
            return disclosure.count_cell(self.value, mode)
        if self.kind == "pct":
            return disclosure.pct_cell(self.numerator, self.denominator, mode, value=self.value)
        if self.kind == "rate":
            return disclosure.rate_cell(
                self.numerator, self.denominator, mode, value=self.value, places=decimals
            )
        if self.kind == "ratio":
            return disclosure.ratio_cell(
                self.numerator,
                self.denominator,
                *self.reference,
                mode,
                value=self.value,
                places=decimals,
            )
        if self.kind == "median":
            return disclosure.median_cell(self.value, self.denominator, mode)
        return disclosure.average_cell(self.value, self.denominator, mode)


def _int(value: Any) -> int | None:
    if value is None or value != value:  # None or NaN
        return None
    return int(value)


def _number(value: Any) -> float | None:
    if value is None or value != value:
        return None
    return float(value)


def measure_figures(
    warehouse: Warehouse, as_of: dt.date
) -> dict[tuple[str, str | None], RawFigure]:
    """Every linkable measure (``etl.kpi_links.LINKABLE``) as at ``as_of``, keyed by (catalogue
    key, breakdown): the EHC plan figures for the calendar year to ``as_of`` and the open
    requests at it; annual reviews at it; waits per service at the latest extract on or before
    it; exclusions by SEN group for its academic year. Kinds of data not loaded give nothing."""
    found: dict[tuple[str, str | None], RawFigure] = {}
    if warehouse.has_sen2():
        k = warehouse.kpis(as_of.year, as_of)
        year_words = year_label(as_of.year, as_of)
        for key in EHCP_KEYS:
            period = f"as at {day_words(as_of)}" if key.startswith("open_") else year_words
            found[(key, None)] = _from_counts(key, k, period)
        reviews = warehouse.annual_reviews(as_of)
        by_key = {v: reviews[k] for k, v in warehouse.ANNUAL_REVIEW_METRICS.items()}
        for key in ANNUAL_REVIEW_KEYS:
            found[(key, None)] = _from_counts(key, by_key, f"as at {day_words(as_of)}")
    latest = warehouse.waits_as_of()
    if latest is not None:
        when = min(as_of, latest)
        summary = warehouse.query("waits_summary", as_of=when)
        for row in summary.to_dict("records"):
            counts = {
                "waiting": _int(row["waiting"]),
                "over_18_weeks": _int(row["over_18_weeks"]),
                "over_13_weeks": _int(row["over_13_weeks"]),
                "over_52_weeks": _int(row["over_52_weeks"]),
                "median_weeks_waiting": _number(row["median_weeks_waiting"]),
                "p90_weeks_waiting": _number(row["p90_weeks_waiting"]),
                "pct_over_18_weeks": _number(row["pct_over_18_weeks"]),
                "pct_over_13_weeks": _number(row.get("pct_over_13_weeks")),
            }
            for key in WAITS_KEYS:
                found[(key, str(row["service"]))] = _from_counts(
                    key, counts, f"as at {day_words(when)}"
                )
    if warehouse.has_exclusions():
        section = warehouse.exclusion_kpis(as_of)
        by_sen = section["by_sen"]
        no_sen = by_sen.get("no_sen", {})
        for group, counts in by_sen.items():
            for key in EXCLUSION_KEYS:
                figure = _from_counts(key, counts, f"academic year {section['academic_year']}")
                if key == "relative_risk_suspension":
                    figure = RawFigure(
                        counts.get(key),
                        "ratio",
                        _int(counts.get("suspensions")),
                        _int(counts.get("headcount")),
                        (_int(no_sen.get("suspensions")), _int(no_sen.get("headcount"))),
                        figure.period,
                    )
                found[(key, group)] = figure
    return found


def _from_counts(key: str, counts: dict[str, Any], period: str) -> RawFigure:
    value = counts.get(key)
    if key in _PCT_PARTS:
        num, den = _PCT_PARTS[key]
        return RawFigure(
            _number(value), "pct", _int(counts.get(num)), _int(counts.get(den)), period=period
        )
    if key in _RATE_PARTS:
        num, den = _RATE_PARTS[key]
        return RawFigure(
            _number(value), "rate", _int(counts.get(num)), _int(counts.get(den)), period=period
        )
    if key == "median_weeks_waiting":
        return RawFigure(
            _number(value), "median", denominator=_int(counts.get("waiting")), period=period
        )
    if key == "p90_weeks_waiting":
        return RawFigure(
            _number(value), "average", denominator=_int(counts.get("waiting")), period=period
        )
    return RawFigure(_int(value), "count", period=period)


# ---------------------------------------------------------------- actions


@dataclass(frozen=True)
class ReviewAction:
    """One action (or milestone) of the plan in force, with its review status."""

    plan: str
    area: str
    ref: str
    action: str
    status: Status
    rag: str
    lead: str
    due: dt.date | None
    reason: str
    mitigation: str
    revised: dt.date | None
    report_date: dt.date
    kind: str = "action"  # or "milestone" (a plan with no action log)
    commentary: str = ""

    def row(self) -> ActionRow:
        return ActionRow(
            self.ref,
            self.action,
            self.status,
            self.lead,
            self.due,
            self.reason,
            self.mitigation,
            self.revised,
            self.area,
        )


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def action_status(
    rag: str, due: dt.date | None, revised: dt.date | None, report_date: dt.date
) -> Status:
    """Rule 2 of the module docstring."""
    if rag == "Complete":
        return "Completed"
    overdue = due is not None and due < report_date
    re_dated = revised is not None and due is not None and revised > due
    if overdue or re_dated or rag == "Red":
        return "Behind schedule"
    if rag == "Not started":
        return "Not started"
    return "In progress"


def plan_actions(warehouse: Warehouse, as_of: dt.date | None = None) -> list[ReviewAction]:
    """The actions of each plan in force at ``as_of`` (rule 1), in plan, area and ref order."""
    items = warehouse.milestones(as_of)
    with_actions = {i["plan"] for i in items if i["kind"] == "action"}
    out = []
    for i in items:
        if i["plan"] in with_actions and i["kind"] != "action":
            continue
        report_date = _date(i["report_date"])
        assert report_date is not None
        due, revised = _date(i["end"]), _date(i["revised_date"])
        out.append(
            ReviewAction(
                plan=i["plan"],
                area=i["workstream"] or "No area given",
                ref=i["ref"] or "",
                action=i["name"] or "",
                status=action_status(i["rag"], due, revised, report_date),
                rag=i["rag"],
                lead=i["owner"] or "",
                due=due,
                reason=i["reason"] or "",
                mitigation=i["mitigation"] or "",
                revised=revised,
                report_date=report_date,
                kind=i["kind"],
            )
        )
    return sorted(out, key=lambda a: (a.plan, _area_order(a.area), _ref_order(a.ref), a.action))


def _ref_order(ref: str) -> tuple[Any, ...]:
    """ "2.10" after "2.9": numbers compare as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in ref.split("."))


def _area_order(area: str) -> tuple[Any, ...]:
    return (area == UNMATCHED_AREA, _ref_order(" ".join(area.split()[:2])), area)


# ---------------------------------------------------------------- KPI links


@dataclass(frozen=True)
class ReviewKpi:
    """One linked KPI: baseline, target and the value now, as the pack shows them."""

    plan: str
    area: str
    linked_to: str  # "2.1" or the area
    key: str
    breakdown: str | None
    breakdown_words: str  # the service or SEN group in words, "" for none
    title: str
    unit: str
    decimals: int
    baseline_date: dt.date
    baseline: Cell
    baseline_source: str  # "the plan", "our data", "not recorded"
    baseline_period: str  # what a baseline from our data covers ("2025 to 31 Mar 2025"), or ""
    target: float | None
    target_source: str  # "the plan", "settings", ""
    target_date: dt.date | None
    now: Cell
    now_period: str
    change: Cell  # now − baseline, in the unit ("points" for a percentage)
    against_target: str
    source: str  # where the link was written
    commentary: str = ""


def area_matches(written: str, area: str) -> bool:
    """Does a link's area ("Area 2", "2") name this area ("Area 2: timeliness of plans")?"""
    a, b = name_key(written), name_key(area)
    if not a:
        return False
    if a.isdigit():
        a = f"area {a}"
    return b == a or (b.startswith(a) and not b[len(a)].isalnum())


def _links(
    warehouse: Warehouse, as_of: dt.date | None, settings: config.Settings
) -> list[dict[str, Any]]:
    """Links from the sheets, then the settings' not already made by a sheet (rule 3)."""
    links = [
        {
            **link,
            "source": f"{link['source_file']} [{link['source_sheet']}] row {link['source_row']}",
        }
        for link in warehouse.kpi_links(as_of)
    ]
    made = {
        (name_key(link["action_ref"] or link["area"]), link["kpi"], link["breakdown"])
        for link in links
    }
    for number, link in enumerate(settings.kpi_links, start=1):
        same = (name_key(link.action_ref or link.area), link.kpi, link.breakdown)
        if same in made:
            continue
        links.append(
            {
                "plan": None,
                "action_ref": link.action_ref,
                "area": link.area,
                "kpi": link.kpi,
                "breakdown": link.breakdown,
                "baseline_date": link.baseline_date,
                "baseline_value": link.baseline_value,
                "target": link.target,
                "target_date": link.target_date,
                "source": f"settings [[kpi_links]] number {number}",
            }
        )
    return links


def _place(link: dict[str, Any], actions: Sequence[ReviewAction]) -> tuple[str, str, str]:
    """(plan, area, linked to) of a link: its action's, else the area it names (rule 3)."""
    in_plan = [a for a in actions if link["plan"] in (None, a.plan)]
    if link["action_ref"]:
        for a in in_plan:
            if name_key(a.ref) == name_key(link["action_ref"]):
                return a.plan, a.area, a.ref
    if link["area"]:
        for a in in_plan:
            if area_matches(link["area"], a.area):
                return a.plan, a.area, link["area"]
    return link["plan"] or "", UNMATCHED_AREA, link["action_ref"] or link["area"]


def _round(value: float, places: int) -> float:
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return float(exact)


def review_kpis(
    warehouse: Warehouse,
    actions: Sequence[ReviewAction],
    mode: disclosure.Mode,
    *,
    as_of: dt.date | None = None,
    plan_as_of: dt.date | None = None,
    settings: config.Settings | None = None,
) -> list[ReviewKpi]:
    """Every KPI link (of the plan periods in force at ``plan_as_of``, default latest) with its
    baseline, target and current value as at ``as_of`` as shown in ``mode``."""
    settings = settings or config.settings()
    links = _links(warehouse, plan_as_of, settings)
    if not links:
        return []
    meta = warehouse.meta()
    now_at = as_of or (meta["snapshot_date"] if meta else dt.date.today())
    figures: dict[dt.date, dict[tuple[str, str | None], RawFigure]] = {}

    def figure(key: str, breakdown: str | None, when: dt.date) -> RawFigure | None:
        if when not in figures:
            figures[when] = measure_figures(warehouse, when)
        return figures[when].get((key, breakdown))

    out = []
    for link in links:
        key, part = link["kpi"], link["breakdown"]
        entry = metric(key)
        plan, area, linked_to = _place(link, actions)
        now_figure = figure(key, part, now_at)
        now = now_figure.disclosed(mode, entry.decimals) if now_figure else None
        baseline: Cell
        baseline_period = ""
        if link["baseline_value"] is not None:
            baseline, baseline_source = float(link["baseline_value"]), "the plan"
            if entry.unit == "count":  # a count of children, typed in: disclosed like ours
                baseline = disclosure.count_cell(int(link["baseline_value"]), mode)
        else:
            then = figure(key, part, link["baseline_date"])
            baseline = then.disclosed(mode, entry.decimals) if then else None
            baseline_source = "our data" if baseline is not None else "not recorded"
            baseline_period = then.period if then else ""
        target, target_source = link["target"], "the plan"
        if target is None and key in settings.targets:
            target, target_source = settings.targets[key], "settings"
        elif target is None:
            target_source = ""
        numbers = isinstance(now, int | float) and isinstance(baseline, int | float)
        change: Cell = (
            _round(float(now) - float(baseline), entry.decimals)  # type: ignore[arg-type]
            if numbers
            else (disclosure.SUPPRESSED if disclosure.SUPPRESSED in (now, baseline) else None)
        )
        if now == disclosure.SUPPRESSED:
            judged = "figure suppressed (small numbers)" if target is not None else "no target"
        else:
            value = now if isinstance(now, int | float) else None
            judged = target_rag(key, value, target, settings).words
        out.append(
            ReviewKpi(
                plan=plan,
                area=area,
                linked_to=linked_to,
                key=key,
                breakdown=part,
                breakdown_words=breakdown_words(part),
                title=entry.title,
                unit=entry.unit,
                decimals=entry.decimals,
                baseline_date=link["baseline_date"],
                baseline=baseline,
                baseline_source=baseline_source,
                baseline_period=baseline_period,
                target=target,
                target_source=target_source,
                target_date=link["target_date"],
                now=now,
                now_period=now_figure.period if now_figure else "not in the data loaded",
                change=change,
                against_target=judged,
                source=link["source"],
            )
        )
    return out


# ---------------------------------------------------------------- commentary


def _with_commentary(
    warehouse: Warehouse,
    actions: list[ReviewAction],
    kpis: list[ReviewKpi],
    measures_month: str,
) -> tuple[list[ReviewAction], list[ReviewKpi]]:
    """Rule 6: each action's comment for its report month, each measure's for the as-at month."""

    months = {period_of(a.report_date) for a in actions} | {measures_month}
    said: dict[tuple[str, str, str], str] = {}
    for month in months:
        for c in warehouse.commentary(month):
            said[(c["subject_kind"], name_key(c["subject"]), c["period"])] = (
                f"{c['text']} ({c['author']}, {str(c['created_at'])[:10]})"
            )
    actions = [
        replace(a, commentary=said.get(("action", name_key(a.ref), period_of(a.report_date)), ""))
        for a in actions
    ]
    kpis = [
        replace(k, commentary=said.get(("measure", name_key(k.key), measures_month), ""))
        for k in kpis
    ]
    return actions, kpis


# ---------------------------------------------------------------- the content


@dataclass(frozen=True)
class Area:
    """One area of weakness (or priority, or workstream) of a plan."""

    plan: str
    name: str
    actions: tuple[ReviewAction, ...]
    kpis: tuple[ReviewKpi, ...]

    def by_status(self, status: Status) -> tuple[ReviewAction, ...]:
        return tuple(a for a in self.actions if a.status == status)


@dataclass(frozen=True)
class StatusChange:
    """An action whose review status is not what it was in the compared snapshot."""

    plan: str
    area: str
    ref: str
    action: str
    before: str  # the status then, or "not in the plan then"
    now: str


def status_changes(
    now: Sequence[ReviewAction], before: Sequence[ReviewAction]
) -> tuple[StatusChange, ...]:
    """Actions whose status changed since an earlier snapshot (matched by plan and ref, else
    name), newly behind schedule first, then newly completed, then the rest."""

    def key(a: ReviewAction) -> tuple[str, str]:
        return a.plan, name_key(a.ref or a.action)

    then = {key(a): a for a in before}
    found = [
        StatusChange(
            a.plan,
            a.area,
            a.ref,
            a.action,
            then[key(a)].status if key(a) in then else "not in the plan then",
            a.status,
        )
        for a in now
        if key(a) not in then or then[key(a)].status != a.status
    ]
    first = {"Behind schedule": 0, "Completed": 1}
    return tuple(sorted(found, key=lambda c: first.get(c.now, 2)))


@dataclass(frozen=True)
class ReviewContent:
    """Everything the review pack says, before layout."""

    as_of: dt.date
    mode: disclosure.Mode
    areas: tuple[Area, ...]
    risks: tuple[dict[str, Any], ...]
    report_dates: dict[str, dt.date] = field(default_factory=dict)
    # Actions whose status differs from the compared snapshot's (see :func:`status_changes`).
    changes: tuple[StatusChange, ...] = ()
    compared_label: str = ""

    @property
    def behind(self) -> tuple[ReviewAction, ...]:
        return tuple(a for area in self.areas for a in area.by_status("Behind schedule"))


def gather(
    warehouse: Warehouse,
    mode: disclosure.Mode,
    *,
    as_of: dt.date | None = None,
    plan_as_of: dt.date | None = None,
    settings: config.Settings | None = None,
) -> ReviewContent:
    """The review's content from one warehouse (a snapshot's, for a reproducible pack).

    ``as_of``: the date of the figures (default: the warehouse's snapshot date). ``plan_as_of``:
    the tracker period in force at that date (default: each plan's latest report in the
    warehouse, which a tracker dated after the data's snapshot date would otherwise hide).
    """
    meta = warehouse.meta()
    at = as_of or (meta["snapshot_date"] if meta else dt.date.today())
    actions = plan_actions(warehouse, plan_as_of)
    kpis = review_kpis(warehouse, actions, mode, as_of=at, plan_as_of=plan_as_of, settings=settings)
    actions, kpis = _with_commentary(warehouse, actions, kpis, period_of(at))
    names: list[tuple[str, str]] = []
    for place in [(a.plan, a.area) for a in actions] + [(k.plan, k.area) for k in kpis]:
        if place not in names:
            names.append(place)
    # Plans with an action log (areas of weakness) first, then those reported by milestones.
    by_actions = {a.plan for a in actions if a.kind == "action"}
    names.sort(key=lambda pa: (pa[0] not in by_actions, pa[0], _area_order(pa[1])))
    areas = tuple(
        Area(
            plan,
            name,
            tuple(a for a in actions if (a.plan, a.area) == (plan, name)),
            tuple(k for k in kpis if (k.plan, k.area) == (plan, name)),
        )
        for plan, name in names
    )
    risks = tuple(
        r
        for r in warehouse.plan_registers(plan_as_of)
        if r["register"] in ("Risk", "Issue") and name_key(r["status"]) not in _CLOSED
    )
    return ReviewContent(at, mode, areas, risks, {a.plan: a.report_date for a in actions})


_CLOSED = {"closed", "resolved", "complete", "completed", "done"}


# ---------------------------------------------------------------- the pack


KPI_NOTES = (
    "Now: the measure as the dashboard works it out at the pack's as-at date. Baseline from "
    "'our data': the same measure as at the baseline date (the plan gave no value).",
    "Change since baseline: now minus baseline, in the measure's unit (percentage points for a "
    "percentage).",
)


def kpi_tables(kpis: Sequence[ReviewKpi]) -> list[Table]:
    """The linked KPIs as "What is different now" tables, one per unit and decimal places (so
    every figure column carries them: a renderer formats it, XLSX keeps it a number)."""
    groups: dict[tuple[str, int], list[ReviewKpi]] = {}
    for k in kpis:
        groups.setdefault((k.unit, k.decimals), []).append(k)
    return [
        _kpi_table(rows, "What is different now" + (" (continued)" if n else ""), unit, places)
        for n, ((unit, places), rows) in enumerate(groups.items())
    ]


def _kpi_table(kpis: Sequence[ReviewKpi], title: str, unit: str, places: int) -> Table:
    change_unit = "points" if unit == "%" else unit
    columns = (
        Column("Measure"),
        Column("Linked to"),
        Column("Baseline date", "date"),
        Column("Baseline", unit, places),
        Column("Baseline from"),
        Column("Baseline covers"),
        Column("Target", unit, places),
        Column("Target date", "date"),
        Column("Now", unit, places),
        Column("Now covers"),
        Column("Change since baseline", change_unit, places),
        Column("Against target"),
    )
    rows = tuple(
        (
            f"{k.title} — {k.breakdown_words}" if k.breakdown else k.title,
            k.linked_to,
            k.baseline_date,
            k.baseline,
            k.baseline_source,
            k.baseline_period,
            k.target,
            k.target_date,
            k.now,
            k.now_period,
            k.change,
            k.against_target,
        )
        for k in kpis
    )
    return Table(title, columns, rows, KPI_NOTES, "KPIs")


def breakdown_words(code: str | None) -> str:
    """A service or SEN group key in words ("speech_and_language_therapy" → "Speech and
    language therapy"); "" for none."""
    from etl.inputs.exclusions.spec import SEN_GROUP_LABELS
    from etl.inputs.waits.spec import SERVICES

    if not code:
        return ""
    return SERVICES.get(code) or SEN_GROUP_LABELS.get(code) or code


def _commentary(area: Area) -> Text | None:
    lines = [f"{a.ref or a.action}: {a.commentary}" for a in area.actions if a.commentary]
    lines += [f"{k.title}: {k.commentary}" for k in area.kpis if k.commentary]
    return Text("Owner's commentary", tuple(lines), "commentary") if lines else None


def _risk_table(risks: Sequence[dict[str, Any]]) -> Table:
    columns = (
        Column("Plan"),
        Column("Type"),
        Column("ID"),
        Column("Description"),
        Column("Likelihood"),
        Column("Impact"),
        Column("Score"),
        Column("Owner"),
        Column("Mitigation"),
        Column("Target date", "date"),
        Column("Status"),
    )
    rows = tuple(
        (
            r["plan"],
            r["register"],
            r["ref"],
            r["description"],
            r["likelihood"],
            r["impact"],
            r["score"],
            r["owner"],
            r["mitigation"],
            r["target_date"],
            r["status"],
        )
        for r in risks
    )
    return Table(
        "Open risks and issues",
        columns,
        rows,
        (
            "From the trackers' Risks and Issues registers (the period in force), highest score "
            "first; closed ones are left out. Registers do not name an area of weakness, so they "
            "are shown for the whole plan.",
        ),
        "Risks",
    )


def _summary_table(content: ReviewContent) -> Table:
    columns = (
        Column("Plan"),
        Column("Area"),
        # Numbers of plan actions, not of children: never suppressed.
        *(Column(s, "actions") for s in STATUSES),
        Column("Linked KPIs", "measures"),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (a.plan, a.name, *(len(a.by_status(s)) for s in STATUSES), len(a.kpis))
        for a in content.areas
    )
    return Table("Progress by area", columns, rows, (), "Summary")


def build(
    warehouse: Warehouse,
    face: Face,
    *,
    published: Published | None = None,
    compared: Warehouse | None = None,
    as_of: dt.date | None = None,
    settings: config.Settings | None = None,
) -> Pack:
    """The 12-month review pack for ``face`` (its mode decides the disclosure).

    ``as_of`` defaults to the face's snapshot date, else the warehouse's. ``compared`` (an
    earlier snapshot's warehouse, e.g. the 8-month review's) adds the actions whose status has
    changed since, under ``face.compared``. ``published`` is accepted for the same call as the
    board pack and not used.
    """
    del published
    content = gather(warehouse, face.mode, as_of=as_of or face.snapshot_date, settings=settings)
    if compared is not None:
        changes = status_changes(plan_actions(warehouse), plan_actions(compared))
        content = replace(
            content, changes=changes, compared_label=face.compared or "the compared snapshot"
        )
    return Pack(face, tuple(sections(content)))


def _changes_section(content: ReviewContent) -> Section:
    columns = (
        Column("Plan"),
        Column("Area"),
        Column("Ref"),
        Column("Action"),
        Column("Then"),
        Column("Now"),
    )
    rows = tuple((c.plan, c.area, c.ref, c.action, c.before, c.now) for c in content.changes)
    notes = () if rows else ("No action has changed status since then.",)
    title = f"Since {content.compared_label}"
    table = Table(
        f"Actions whose status has changed since {content.compared_label}",
        columns,
        rows,
        notes,
        "Changes",
    )
    return Section(
        title,
        (table,),
        rag="Red" if any(c.now == "Behind schedule" for c in content.changes) else "",
    )


def sections(content: ReviewContent) -> list[Section]:
    """The pack's sections in reading order: summary, behind schedule, what changed since the
    compared snapshot (when one is given), each area, risks."""
    dates = "; ".join(
        f"{plan}: report dated {day_words(d)}" for plan, d in content.report_dates.items()
    )
    intro = Text(
        "About this review",
        (
            "Progress of the improvement plan by area of weakness, and what is different now: "
            "each area's linked measures against their baseline, as at "
            f"{day_words(content.as_of)}.",
            f"Plan reports used: {dates}." if dates else "No improvement-plan tracker is loaded.",
            "An action is behind schedule when it is not complete and its due date has passed, "
            "it has a later revised date, or it is rated Red.",
        ),
    )
    out = [Section("Summary", (intro, _summary_table(content)))]
    behind = content.behind
    out.append(
        Section(
            "Actions behind schedule",
            (
                ActionTable(
                    "Are there any actions behind schedule?",
                    tuple(a.row() for a in behind),
                    () if behind else ("No action is behind schedule.",),
                ),
            ),
            rag="Red" if behind else "",
        )
    )
    several_plans = len({area.plan for area in content.areas}) > 1
    if content.compared_label:
        out.append(_changes_section(content))
    for area in content.areas:
        blocks: list[Any] = []
        for status, title in (
            ("Behind schedule", "Behind schedule"),
            ("In progress", "In progress"),
            ("Not started", "Not started"),
            ("Completed", "Completed"),
        ):
            rows = area.by_status(status)  # type: ignore[arg-type]
            if rows:
                blocks.append(ActionTable(title, tuple(a.row() for a in rows)))
        if area.kpis:
            blocks += kpi_tables(area.kpis)
        else:
            blocks.append(Text("What is different now", ("No KPI is linked to this area.",)))
        if (said := _commentary(area)) is not None:
            blocks.append(said)
        out.append(
            Section(
                f"{area.plan}: {area.name}" if several_plans and area.plan else area.name,
                tuple(blocks),
                rag="Red" if area.by_status("Behind schedule") else "",
            )
        )
    if content.risks:
        out.append(Section("Risks and issues", (_risk_table(content.risks),)))
    return out
