"""The metric catalogue: every measure the dashboard, the CLI, the exports and the docs show, once.

One :class:`Metric` per key — its title, short label, unit, decimals, polarity, numerator,
denominator, definition, caveat and source — for our own figures (from the SEN2 data) and the
published ones (DfE Explore Education Statistics, MoJ tribunal statistics) alike. Where we compute
the same measure DfE publishes, both share one key, so the benchmark compares like with like; the
published wording is kept beside ours (``published_title`` / ``published_definition``) where DfE
words it differently.

The counts themselves come from SQL (``etl/sql/marts.sql``) and the published files
(``etl/published``); the definitions here follow DESIGN §4. ``docs/metrics.md`` and the README's
metric section are generated from this module (``scripts/generate_docs.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]
# "ratio": one rate divided by another (relative risk); "points": a difference of percentages.
Unit = Literal["%", "count", "days", "weeks", "ratio", "points"]

# How a polarity reads in a sentence ("Higher is better.") on screen and in the docs.
POLARITY_WORDS: Final[dict[Polarity, str]] = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neutral": "neither higher nor lower is better, so LAs are not ranked",
}

# Where figures come from; a fact from a public source names it.
SEN2 = "Our SEN2 data (DESIGN §4)"
DFE_EHCP = "DfE Explore Education Statistics, 'Education, health and care plans' (annual, June)"
DFE_SEN2_MI = "DfE Explore Education Statistics, 'Education, health and care plans', sen2_mi series"
MOJ_TRIBUNAL = "MoJ / DfE SEND Tribunal appeal rate by local authority (tribunal statistics)"
BOTH = f"{SEN2}; published: {DFE_EHCP}"
WAITS_LOCAL = "Our providers' waiting-list extracts (issue 12)"
NHS_CHS = "NHS England, 'Community Health Services Waiting Lists' (monthly), CYP services"
NHS_AUTISM = "NHS Digital, 'Autism Statistics' (ASD19e), as prepared by DfE"
WAITS_BOTH = f"{WAITS_LOCAL}; published: {NHS_CHS}"


@dataclass(frozen=True)
class Metric:
    """A catalogue entry: what the number is called, its unit and exactly what it counts.

    ``numerator`` and ``denominator`` say in words what is counted (empty for a plain count).
    ``published_title`` / ``published_definition`` are DfE's wording for the published figure of
    the same measure, where it differs from ours (empty: the same words apply).
    """

    key: str
    title: str
    short_label: str
    unit: Unit
    decimals: int
    polarity: Polarity
    definition: str
    source: str
    numerator: str = ""
    denominator: str = ""
    caveat: str = ""
    published_title: str = ""
    published_definition: str = ""

    @property
    def shown_published_title(self) -> str:
        """The title the published figure is shown under (DfE's wording, else ours)."""
        return self.published_title or self.title

    @property
    def shown_published_definition(self) -> str:
        """The definition shown beside the published figure (DfE's wording, else ours)."""
        return self.published_definition or self.definition


_PLANS_IN_YEAR = "new EHC plans issued in the year"
_PLANS_EXCL = "new EHC plans issued in the year whose 20-week exception flag is 0"

_METRICS: Final[tuple[Metric, ...]] = (
    # ------------------------------------------------------------ EHC plan timeliness (SEN2)
    Metric(
        "pct_within_20_weeks_excl_exceptions",
        "EHC plans issued within 20 weeks (excluding exceptions)",
        "% within 20 weeks (excluding exceptions)",
        "%",
        1,
        "higher_is_better",
        "Of plans issued in the year whose 20-week exception flag is 0, the share issued "
        "within 140 days of the request being received. DfE's headline measure.",
        BOTH,
        numerator="those issued within 140 days of the request being received",
        denominator=_PLANS_EXCL,
        caveat="Plans with a blank exception flag are left out of this figure.",
        published_definition="DfE's headline timeliness measure: of new plans issued in the "
        "calendar year, excluding those where an exception to the 20-week limit applied, the "
        "share issued within 20 weeks of the request.",
    ),
    Metric(
        "pct_within_20_weeks",
        "EHC plans issued within 20 weeks (including exceptions)",
        "% within 20 weeks (including exceptions)",
        "%",
        1,
        "higher_is_better",
        "Of all plans issued in the year, the share issued within 140 days of the "
        "request being received.",
        BOTH,
        numerator="those issued within 140 days of the request being received",
        denominator=_PLANS_IN_YEAR,
        published_definition="Of all new plans issued in the calendar year, the share issued "
        "within 20 weeks.",
    ),
    Metric(
        "plans_issued",
        "EHC plans issued",
        "Plans issued",
        "count",
        0,
        "neutral",
        "New EHC plans issued in the year (assessment outcome Y, outcome date in the year). "
        "Transfers-in and historical plans are not counted.",
        BOTH,
        published_title="New EHC plans issued",
        published_definition="New EHC plans issued in the calendar year (the timeliness "
        "denominator).",
    ),
    Metric(
        "within_20_weeks",
        "Number of EHC plans issued within 20 weeks",
        "Within 20 weeks",
        "count",
        0,
        "higher_is_better",
        "Plans issued in the year within 140 days of the request being received.",
        SEN2,
    ),
    Metric(
        "plans_issued_excl_exceptions",
        "EHC plans issued (excluding exceptions)",
        "Plans issued (excluding exceptions)",
        "count",
        0,
        "neutral",
        "Plans issued in the year whose 20-week exception flag is 0: the denominator of the "
        "excluding-exceptions figure.",
        SEN2,
    ),
    Metric(
        "within_20_weeks_excl_exceptions",
        "Number of EHC plans issued within 20 weeks (excluding exceptions)",
        "Within 20 weeks (excluding exceptions)",
        "count",
        0,
        "higher_is_better",
        "Plans issued in the year whose 20-week exception flag is 0, issued within 140 days of "
        "the request being received.",
        SEN2,
    ),
    Metric(
        "issued_over_52_weeks",
        "Plans issued after more than a year",
        "Issued after more than a year",
        "count",
        0,
        "lower_is_better",
        "Plans issued in the year 365 days or more after the request was received.",
        SEN2,
    ),
    Metric(
        "days_to_issue",
        "Time from request to plan issued",
        "Days to issue",
        "weeks",
        1,
        "lower_is_better",
        "Outcome date minus request received date; 20 weeks = 140 days.",
        SEN2,
    ),
    # ------------------------------------------------------------ decisions and open requests
    Metric(
        "pct_decisions_within_6_weeks",
        "Decisions to assess within 6 weeks",
        "% decisions within 6 weeks",
        "%",
        1,
        "higher_is_better",
        "Of decisions whether to assess (request outcome Y or N) made in the year, the "
        "share made within 42 days of the request.",
        BOTH,
        numerator="those made within 42 days of the request being received",
        denominator="decisions whether to assess (request outcome Y or N) made in the year",
        published_title="Decisions whether to assess made within 6 weeks",
        published_definition="Of decisions whether to assess made in the year, the share made "
        "within 6 weeks of the request.",
    ),
    Metric(
        "decisions_made",
        "Decisions whether to assess",
        "Decisions made",
        "count",
        0,
        "neutral",
        "Decisions whether to assess (request outcome Y or N) made in the year.",
        SEN2,
    ),
    Metric(
        "decisions_within_6_weeks",
        "Decisions to assess made within 6 weeks",
        "Decisions within 6 weeks",
        "count",
        0,
        "higher_is_better",
        "Decisions whether to assess made in the year within 42 days of the request.",
        SEN2,
    ),
    Metric(
        "open_breached",
        "Open requests past 20 weeks",
        "Breached",
        "count",
        0,
        "lower_is_better",
        "Requests still open on the as-at date more than 140 days after they were "
        "received: the 20-week deadline has passed.",
        SEN2,
    ),
    Metric(
        "open_at_risk",
        "Open requests at risk (weeks 14–20)",
        "At risk",
        "count",
        0,
        "lower_is_better",
        "Requests still open on the as-at date more than 98 days (14 weeks) but no more "
        "than 140 days after they were received.",
        SEN2,
    ),
    Metric(
        "open_requests",
        "Open requests",
        "Open requests",
        "count",
        0,
        "neutral",
        "Requests received by the as-at date with no plan issued, no decision not to "
        "assess or not to issue, not withdrawn and not exported (moved out of the LA).",
        SEN2,
    ),
    # ------------------------------------------------------------ published only (DfE, MoJ)
    Metric(
        "pct_20_weeks_to_1_year",
        "Plans issued after 20 weeks but within a year (including exceptions)",
        "% after 20 weeks, within a year",
        "%",
        1,
        "lower_is_better",
        "Of all new plans issued in the year, the share issued after more than 20 weeks "
        "but in under a year.",
        DFE_EHCP,
        numerator="plans issued after more than 20 weeks but in under a year",
        denominator="all new plans issued in the calendar year",
    ),
    Metric(
        "pct_over_1_year",
        "Plans issued after more than a year (including exceptions)",
        "% after more than a year",
        "%",
        1,
        "lower_is_better",
        "Of all new plans issued in the year, the share issued a year or more after the request.",
        DFE_EHCP,
        numerator="plans issued a year or more after the request",
        denominator="all new plans issued in the calendar year",
    ),
    Metric(
        "pct_20_weeks_to_1_year_excl_exceptions",
        "Plans issued after 20 weeks but within a year (excluding exceptions)",
        "% after 20 weeks, within a year (excluding exceptions)",
        "%",
        1,
        "lower_is_better",
        "As above, over plans where no exception applied.",
        DFE_EHCP,
        numerator="plans issued after more than 20 weeks but in under a year",
        denominator="new plans issued in the calendar year where no exception applied",
    ),
    Metric(
        "pct_over_1_year_excl_exceptions",
        "Plans issued after more than a year (excluding exceptions)",
        "% after more than a year (excluding exceptions)",
        "%",
        1,
        "lower_is_better",
        "As above, over plans where no exception applied.",
        DFE_EHCP,
        numerator="plans issued a year or more after the request",
        denominator="new plans issued in the calendar year where no exception applied",
    ),
    Metric(
        "requests_received",
        "Requests for an EHC needs assessment received",
        "Requests received",
        "count",
        0,
        "neutral",
        "Initial requests for an EHC needs assessment received in the calendar year.",
        f"{DFE_EHCP}; 2014–2022: {DFE_SEN2_MI}",
    ),
    Metric(
        "pct_agreed_to_assess",
        "Requests agreed for assessment",
        "% agreed to assess",
        "%",
        1,
        "neutral",
        "Of requests received in the year, the share where the LA decided to assess.",
        DFE_EHCP,
        numerator="requests where the LA decided to assess",
        denominator="requests received in the calendar year",
    ),
    Metric(
        "pct_assessments_plan_issued",
        "Assessments that led to a plan",
        "% assessments leading to a plan",
        "%",
        1,
        "neutral",
        "Of EHC needs assessments completed in the year, the share where a plan was issued.",
        DFE_EHCP,
        numerator="assessments after which a plan was issued",
        denominator="EHC needs assessments completed in the calendar year",
    ),
    Metric(
        "plans_in_place",
        "EHC plans in place (January caseload)",
        "Plans in place",
        "count",
        0,
        "neutral",
        "Children and young people with an EHC plan maintained by the LA in January.",
        DFE_EHCP,
    ),
    Metric(
        "new_plans",
        "New EHC plans (by placement file)",
        "New plans",
        "count",
        0,
        "neutral",
        "New EHC plans made in the calendar year, from the placements file.",
        DFE_EHCP,
    ),
    Metric(
        "plans_ceased",
        "EHC plans ceased",
        "Plans ceased",
        "count",
        0,
        "neutral",
        "EHC plans ceased in the calendar year, for any reason.",
        DFE_EHCP,
    ),
    Metric(
        "pct_annual_review_decisions_within_4_weeks",
        "Annual review decisions within 4 weeks",
        "% review decisions within 4 weeks",
        "%",
        1,
        "higher_is_better",
        "Of plans due a review (active at the as-at date and started at least 12 months "
        "before it) whose annual review meeting and decision (LastReview) are both recorded on "
        "or before the as-at date, the decision not before the meeting: the share whose decision "
        "came at most 28 days after the meeting.",
        BOTH,
        numerator="review decisions made at most 28 days (4 weeks) after the review meeting",
        denominator="review decisions recorded for plans due a review, as at the date",
        caveat="SEN2 holds each plan's latest review only: most reliable at the return's "
        "reference date, the date DfE's figure is taken at.",
        published_definition="Of annual review decisions made in the year, the share made "
        "within 4 weeks of the review meeting.",
    ),
    # ------------------------------------------------------------ annual reviews (issue 10)
    Metric(
        "annual_review_plans_due",
        "Plans due an annual review",
        "Plans due a review",
        "count",
        0,
        "neutral",
        "EHC plans active at the as-at date (Named plan start date on or before it, no cease "
        "date on or before it, with an Active plans record) that started at least 12 months "
        "before it, so should have had an annual review by then. Without a Named plan the date "
        "the plan was issued stands in for its start; a plan with neither is left out.",
        SEN2,
    ),
    Metric(
        "annual_reviews_overdue",
        "Annual reviews overdue",
        "Reviews overdue",
        "count",
        0,
        "lower_is_better",
        "Plans due a review whose last review (the ReviewMeeting date, else the review "
        "decision date) on or before the as-at date is more than 12 months before it, or, with "
        "no review recorded, whose start is more than 12 months before it.",
        SEN2,
        caveat="SEN2 holds each plan's latest review only: at an earlier as-at date a review "
        "recorded after that date hides any earlier one, so the plan may show as overdue.",
    ),
    Metric(
        "pct_annual_reviews_overdue",
        "Annual reviews overdue (% of plans due)",
        "% reviews overdue",
        "%",
        1,
        "lower_is_better",
        "Annual reviews overdue as a share of plans due an annual review, as at the date.",
        SEN2,
        numerator="plans due a review with no review in the last 12 months",
        denominator="plans active at the date that started at least 12 months before it",
    ),
    Metric(
        "annual_review_decisions",
        "Annual review decisions recorded",
        "Review decisions",
        "count",
        0,
        "neutral",
        "Plans due a review whose annual review meeting and decision (LastReview) are both "
        "recorded on or before the as-at date, the decision not before the meeting (a decision "
        "dated before its meeting is listed as `review_decision_before_meeting`).",
        SEN2,
    ),
    Metric(
        "annual_review_decisions_within_4_weeks",
        "Annual review decisions within 4 weeks",
        "Decisions within 4 weeks",
        "count",
        0,
        "higher_is_better",
        "Annual review decisions recorded whose decision date is at most 28 days after the "
        "review meeting (the 4 weeks the SEND Regulations 2014 allow for notifying the decision).",
        SEN2,
    ),
    Metric(
        "tribunal_appeal_rate",
        "SEND Tribunal appeal rate",
        "Appeal rate",
        "%",
        2,
        "lower_is_better",
        "Appeals registered with the SEND Tribunal as a share of all appealable decisions "
        "the LA made in the year (MoJ / DfE).",
        MOJ_TRIBUNAL,
        numerator="appeals registered with the SEND Tribunal",
        denominator="appealable decisions the LA made in the calendar year",
    ),
    # ------------------------------------------------------------ Waiting times (issue 12)
    # Ours from providers' waiting-list extracts (etl/inputs/waits); published from NHS England's
    # Community Health Services waiting lists (etl/published/chs.py), same key where the same
    # measure. As at a date D: waiting = referred on or before D, not seen and not removed on or
    # before D.
    Metric(
        "waiting",
        "Children waiting",
        "Waiting",
        "count",
        0,
        "lower_is_better",
        "Referrals waiting at D: referred on or before D, not first seen and not removed from "
        "the list on or before D. Published: the total waiting list at the month end (Table 4).",
        WAITS_BOTH,
        caveat="Published lists are by provider and count every child the provider serves, "
        "wherever they live; ours count the referrals in the extracts loaded.",
    ),
    Metric(
        "median_weeks_waiting",
        "Median weeks waiting",
        "Median weeks",
        "weeks",
        1,
        "lower_is_better",
        "The median of (D − referral date) / 7 over the referrals waiting at D (Excel "
        "PERCENTILE.INC: linear interpolation between closest ranks), 1 dp.",
        WAITS_LOCAL,
    ),
    Metric(
        "p90_weeks_waiting",
        "90th percentile weeks waiting",
        "90th percentile weeks",
        "weeks",
        1,
        "lower_is_better",
        "The 90th percentile of weeks waiting at D (PERCENTILE.INC), 1 dp: nine in ten waiting "
        "have waited no longer.",
        WAITS_LOCAL,
    ),
    Metric(
        "pct_over_18_weeks",
        "Waiting more than 18 weeks",
        "% over 18 weeks",
        "%",
        1,
        "lower_is_better",
        "Of the referrals waiting at D, the share waiting more than 18 weeks (more than 126 days).",
        WAITS_BOTH,
        numerator="referrals waiting more than 126 days at D",
        denominator="referrals waiting at D",
        published_definition="NHS England CHS: waiting more than 18 weeks (Tables 4f to 4h, "
        "or 4f and 4g in workbooks before January 2025) ÷ the total waiting list (Table 4), as "
        "DfE derives it; the bands may not add up to the total.",
    ),
    Metric(
        "over_18_weeks",
        "Children waiting more than 18 weeks",
        "Over 18 weeks",
        "count",
        0,
        "lower_is_better",
        "Referrals waiting more than 126 days at D (published: the bands over 18 weeks).",
        WAITS_BOTH,
    ),
    Metric(
        "over_52_weeks",
        "Children waiting more than 52 weeks",
        "Over 52 weeks",
        "count",
        0,
        "lower_is_better",
        "Referrals waiting more than 364 days at D (published: the bands over 52 weeks, Tables "
        "4g and 4h).",
        WAITS_BOTH,
    ),
    Metric(
        "pct_over_13_weeks",
        "Autism assessment: waiting more than 13 weeks",
        "% over 13 weeks",
        "%",
        1,
        "lower_is_better",
        "Autism assessment only: of the referrals waiting at D, the share waiting more than 13 "
        "weeks (more than 91 days), the NICE standard for starting an assessment.",
        WAITS_LOCAL,
        numerator="autism assessment referrals waiting more than 91 days at D",
        denominator="autism assessment referrals waiting at D",
    ),
    Metric(
        "seen_in_period",
        "First seen in the period",
        "Seen",
        "count",
        0,
        "neutral",
        "Referrals whose date first seen falls in the period.",
        WAITS_LOCAL,
    ),
    Metric(
        "median_weeks_to_first_seen",
        "Median weeks from referral to first seen",
        "Median weeks to first seen",
        "weeks",
        1,
        "lower_is_better",
        "Over referrals first seen in the period, the median of (date first seen − referral "
        "date) / 7 (PERCENTILE.INC), 1 dp.",
        WAITS_LOCAL,
    ),
    Metric(
        "pct_autism_first_appointment_over_13_weeks",
        "Autism referrals with a first appointment after more than 13 weeks",
        "% first appointment after 13 weeks",
        "%",
        1,
        "lower_is_better",
        "NHS Digital autism statistics (ASD19e): of children (0 to 17) with a suspected-autism "
        "referral open at least 13 weeks in the month, the share whose first appointment came "
        "after more than 13 weeks, by age group.",
        NHS_AUTISM,
        numerator="referrals open 13+ weeks whose first appointment came after 13 weeks",
        denominator="suspected-autism referrals open at least 13 weeks in the month",
        caveat="Published to June 2023 only; by sub-ICB location, region and England.",
    ),
)

# ------------------------------------------------------------ Suspensions and exclusions (issue 13)
# Per SEN group (EHC plan, SEN support, no SEN) for an academic year (1 September – 31 August) or
# a term; rates per 100 pupils to 2 dp, half away from zero, computed in SQL
# (etl/inputs/exclusions/sql/build.sql, etl/sql/queries/exclusions_*.sql). DfE publishes the same
# rates by pupil characteristic, so the published figures share these keys.
EXCLUSIONS = (
    "Our exclusion records (school or LA MIS export: one row per suspension or permanent "
    "exclusion, with headcounts by SEN provision)"
)
DFE_EXCLUSIONS = (
    "DfE Explore Education Statistics, 'Suspensions and permanent exclusions in England', by "
    "pupil characteristic (LA by term via Data to Insight; national 2011/12–2016/17)"
)
_EXCL_GROUP = "pupils in the SEN group (EHC plan, SEN support or no SEN) on the headcount"
_EXCLUSION_METRICS: Final[tuple[Metric, ...]] = (
    Metric(
        "suspensions",
        "Suspensions",
        "Suspensions",
        "count",
        0,
        "lower_is_better",
        "Suspensions (fixed-period exclusions) starting in the academic year, each counted once, "
        "under the pupil's SEN provision at the time (recorded, else derived from SEN2).",
        EXCLUSIONS,
    ),
    Metric(
        "permanent_exclusions",
        "Permanent exclusions",
        "Permanent exclusions",
        "count",
        0,
        "lower_is_better",
        "Permanent exclusions starting in the academic year, under the pupil's SEN provision "
        "at the time.",
        EXCLUSIONS,
    ),
    Metric(
        "pupils_suspended",
        "Pupils suspended",
        "Pupils suspended",
        "count",
        0,
        "lower_is_better",
        "Distinct pupils with one or more suspensions in the academic year (a pupil suspended "
        "under two SEN provisions counts once in each).",
        EXCLUSIONS,
    ),
    Metric(
        "headcount",
        "Headcount",
        "Headcount",
        "count",
        0,
        "neutral",
        "Pupils on roll in the SEN group: the LA-total row, else the sum of the schools' rows; a "
        "year without its own row takes its spring term's (DfE uses the spring census).",
        EXCLUSIONS,
    ),
    Metric(
        "suspension_rate",
        "Suspension rate",
        "Suspensions per 100 pupils",
        "%",
        2,
        "lower_is_better",
        "Suspensions ÷ headcount × 100, per SEN group.",
        EXCLUSIONS,
        numerator="suspensions in the academic year (or term)",
        denominator=_EXCL_GROUP,
        caveat="2 decimal places, half away from zero; no value without a headcount.",
        published_title="Suspension rate (susp_rate)",
    ),
    Metric(
        "permanent_exclusion_rate",
        "Permanent exclusion rate",
        "Permanent exclusions per 100 pupils",
        "%",
        2,
        "lower_is_better",
        "Permanent exclusions ÷ headcount × 100, per SEN group.",
        EXCLUSIONS,
        numerator="permanent exclusions in the academic year (or term)",
        denominator=_EXCL_GROUP,
        caveat="2 decimal places, half away from zero; no value without a headcount.",
        published_title="Permanent exclusion rate (perm_excl_rate)",
    ),
    Metric(
        "one_plus_suspension_rate",
        "Pupils with one or more suspensions",
        "% with 1+ suspension",
        "%",
        2,
        "lower_is_better",
        "Pupils suspended at least once ÷ headcount × 100, per SEN group.",
        EXCLUSIONS,
        numerator="distinct pupils with one or more suspensions",
        denominator=_EXCL_GROUP,
        caveat="2 decimal places, half away from zero; no value without a headcount.",
        published_title="One or more suspensions rate (one_plus_susp_rate)",
    ),
    Metric(
        "repeat_suspension_rate",
        "Pupils suspended more than once",
        "% with 2+ suspensions",
        "%",
        2,
        "lower_is_better",
        "Pupils with two or more suspensions in the academic year ÷ headcount × 100.",
        EXCLUSIONS,
        numerator="distinct pupils with two or more suspensions",
        denominator=_EXCL_GROUP,
    ),
    Metric(
        "relative_risk_suspension",
        "Relative risk of suspension",
        "Relative risk (vs no SEN)",
        "ratio",
        2,
        "lower_is_better",
        "The group's suspension rate ÷ the no-SEN suspension rate, from the unrounded rates; "
        "1.00 for no SEN. 3.00 means three times as likely to be suspended.",
        EXCLUSIONS,
        caveat="2 decimal places, half away from zero; no value when the no-SEN rate is 0.",
    ),
    Metric(
        "suspension_rate_gap",
        "Gap to no-SEN suspension rate",
        "Gap (points)",
        "points",
        2,
        "lower_is_better",
        "The group's suspension rate minus the no-SEN rate, in percentage points, from the "
        "unrounded rates.",
        EXCLUSIONS,
    ),
)
# ------------------------------------------------------------ Improvement plan (issue 15)
TRACKER = "Our improvement-plan trackers (milestones and actions, RAG as DESIGN §5)"
_PLAN_METRICS: Final[tuple[Metric, ...]] = (
    Metric(
        "plan_items_red",
        "Improvement plan milestones and actions rated Red",
        "Items rated Red",
        "count",
        0,
        "lower_is_better",
        "Milestones and actions of each plan's reporting period in force at the as-at date whose "
        "RAG is Red: overdue, or further behind the expected progress than the Amber gap allows "
        "(the RAG rule, with any override in force). Amber, Green, Complete and Not started are "
        "counted beside it.",
        TRACKER,
    ),
)
CATALOGUE: Final[dict[str, Metric]] = {
    m.key: m for m in (*_METRICS, *_EXCLUSION_METRICS, *_PLAN_METRICS)
}


def metric(key: str) -> Metric:
    """The catalogue entry for ``key`` (a KeyError names the unknown key)."""
    return CATALOGUE[key]


def nearest_key(text: str) -> str | None:
    """The catalogue key nearest to ``text`` (a typing slip in a key or a metric's title), or
    None when nothing is close: for messages that refuse an unknown key."""
    import difflib

    wanted = text.strip().lower()
    for m in CATALOGUE.values():  # a title or short label written out in full
        if wanted in (m.title.lower(), m.short_label.lower()):
            return m.key
    near = difflib.get_close_matches(wanted, list(CATALOGUE), n=1, cutoff=0.5)
    if near:
        return near[0]
    titles = {m.title.lower(): m.key for m in CATALOGUE.values()}
    near = difflib.get_close_matches(wanted, list(titles), n=1, cutoff=0.5)
    return titles[near[0]] if near else None


def title(key: str) -> str:
    """The metric's full title, as on a KPI tile."""
    return CATALOGUE[key].title


def label(key: str) -> str:
    """The metric's short label, as a table column heading."""
    return CATALOGUE[key].short_label


@dataclass(frozen=True)
class Term:
    """A building block of the definitions (DESIGN §4): what "issued", "open" or "at risk" mean."""

    key: str
    name: str
    definition: str


# DESIGN §4 in the words docs/metrics.md and the README use; thresholds are the defaults of
# ``[thresholds]`` in send_dashboard.toml.
TERMS: Final[tuple[Term, ...]] = (
    Term(
        "plan_issued",
        "Plan issued in year Y",
        'SEN2 assessment outcome `Y` ("it was decided an EHC plan would be issued") with an '
        "assessment outcome date in calendar year Y, and a request received date present and not "
        "after the outcome date. Transfers-in and historical plans (`H`) are outside. An outcome "
        "date before the received date is left out and listed as the query "
        '`outcome_before_received`, as DfE marks such cases "not available".',
    ),
    Term(
        "days_to_issue",
        "Days to issue",
        "assessment outcome date − request received date. 20 weeks = 140 days.",
    ),
    Term("within_20_weeks", "Within 20 weeks", "days to issue ≤ 140."),
    Term(
        "pct_within_20_weeks",
        "% within 20 weeks, including exceptions",
        "within 20 weeks ÷ all plans issued in the year.",
    ),
    Term(
        "pct_within_20_weeks_excl_exceptions",
        "% within 20 weeks, excluding exceptions (DfE's headline)",
        "the same over plans whose 20-week exception flag (`Week20`) is 0. A blank flag is not "
        "0: such plans count only in the including-exceptions figure and are listed as "
        "`week20_missing`.",
    ),
    Term(
        "bands",
        "Bands",
        "within 20 weeks (≤ 140 days); 20 to 52 weeks (141–364); over 52 weeks (≥ 365). "
        "`issued_over_52_weeks` counts the last band.",
    ),
    Term(
        "decision_within_6_weeks",
        "Decision to assess within 6 weeks",
        "requests with request outcome `Y` or `N` whose outcome date falls in the year (and is "
        "not before the received date); within ⇔ outcome date − received date ≤ 42 days.",
    ),
    Term(
        "open_request",
        "Open request as at D",
        "received on or before D; not withdrawn (`W`) or historical (`H`); no decision not to "
        "assess (`N`) dated on or before D; no plan issued and no decision not to issue dated on "
        "or before D; not exported (moved out of the LA before the assessment finished) on or "
        "before D. A decision recorded with no date is treated as already made; a blank request "
        "outcome is pending (`A`, listed as `outcome_blank_pending`); an `Exported` holding the LA "
        "moved to rather than a date closes the request at every date.",
    ),
    Term("at_risk", "At risk", "open and D − received > 98 days (past week 14) but ≤ 140."),
    Term(
        "breached",
        "Breached",
        "open and D − received > 140 days. **Breach date** = received + 140 days.",
    ),
    Term(
        "stage",
        "Stage of an open request",
        "*Awaiting decision to assess* (request outcome `A`, or decided after D); *Plan being "
        "finalised* (decision to issue made, no issue date yet); otherwise *Assessment under "
        "way*.",
    ),
    Term(
        "year_as_at",
        "Year and as-at date",
        "`--as-of` defaults to the data's snapshot date; a year's counts run to the as-at date "
        "when it falls inside that year, else to 31 December.",
    ),
    Term(
        "percentages",
        "Percentages",
        'one decimal place, rounding half away from zero; no value (`null`, "no plans") when '
        "the denominator is 0.",
    ),
    Term(
        "age_group",
        "Age group",
        "age in whole years on the date the request was received: under 5, 5 to 10, 11 to 15, "
        "16 to 19, 20 to 25.",
    ),
    Term(
        "primary_need",
        "Primary need",
        "the rank-1 SEN need on the request's active plan (or on the request, for a flat case "
        'list); "Not recorded" when there is none.',
    ),
)
