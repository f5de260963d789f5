"""Simulate one fictional LA's SEN2 cases with numpy: requests, assessments, plans and children.

Dates are proleptic ordinals (0 = blank) and codes are indices into the code lists below, so a
whole LA is a handful of arrays; :mod:`etl.inputs.sen2.demo_render` turns them into cells.

Shape of the data (SEN2_REFERENCE §2-3): requests arrive over the three full calendar years before
the snapshot year and the snapshot year up to the snapshot date, with mild growth and seasonality.
About 65% are agreed for assessment, 25% refused, 2% withdrawn and the rest still awaiting a
decision (mostly recent). About 94% of assessments end in a plan. Days from request to issue fall
roughly half within 20 weeks (140 days), ~45% at 141-364 days and ~7% at a year or more, with a
year-to-year trend (a dip, then recovery) so the charts move. ~6% of issued plans have Week20 = 1.
Everything is censored at the snapshot, so recent cases are open: awaiting a decision, being
assessed, or decided-to-issue but not yet issued (AssessmentOutcome "Y", no date). Requests
received in the three years before the window appear only if they led to a plan: RequestOutcome
"H", AssessmentOutcome "Y" with its date when the plan was issued from the year before the window
on (so that every year shown has complete timeliness), otherwise "H". Older plans fill the caseload
up to the scale's target: mostly "H" / "H", some "Y" with dates, 3% transferred in (TransferLA).
Some plans ceased during the window (Named Plan CeaseDate and CeaseReason, no Active Plan row).
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Id ranges per table, far apart so that an id joined to the wrong table never matches by chance.
ID_BASE = {
    "sen2": 1,
    "person": 10_000_001,
    "request": 20_000_001,
    "assessment": 30_000_001,
    "named_plan": 40_000_001,
    "active_plan": 50_000_001,
    "sen_need": 60_000_001,
}

# Code lists (index = the integer stored in the simulation arrays).
REQ_Y, REQ_N, REQ_A, REQ_W, REQ_H = range(5)
OUTCOME_CODES = np.array(["Y", "N", "A", "W", "H"], dtype=object)

SEN_NEED_MIX = {  # primary need, all plans, England January 2025 (%), SEN2_REFERENCE §3.2
    "ASD": 31.5,
    "SLCN": 21.3,
    "SEMH": 20.7,
    "MLD": 10.6,
    "SLD": 3.9,
    "PD": 3.9,
    "SPLD": 2.4,
    "HI": 1.4,
    "PMLD": 1.3,
    "OTH": 1.2,
    "VI": 0.8,
    "MSI": 0.3,
}
NEED_CODES = np.array(list(SEN_NEED_MIX), dtype=object)
_NEED_P = np.array(list(SEN_NEED_MIX.values())) / sum(SEN_NEED_MIX.values())

ETHNICITY_MIX = {  # CBDS main codes; rough shares for children with EHC plans (%)
    "WBRI": 64.0,
    "WIRI": 0.4,
    "WIRT": 0.2,
    "WOTH": 5.0,
    "WROM": 0.6,
    "MWBC": 2.2,
    "MWBA": 1.0,
    "MWAS": 1.3,
    "MOTH": 2.3,
    "AIND": 2.0,
    "APKN": 3.8,
    "ABAN": 1.4,
    "AOTH": 1.6,
    "BCRB": 1.3,
    "BAFR": 4.2,
    "BOTH": 0.8,
    "CHNE": 0.3,
    "OOTH": 2.1,
    "REFU": 1.8,
    "NOBT": 1.7,
}
ETH_CODES = np.array(list(ETHNICITY_MIX), dtype=object)
_ETH_P = np.array(list(ETHNICITY_MIX.values())) / sum(ETHNICITY_MIX.values())
SEX_CODES = np.array(["M", "F"], dtype=object)
_SOURCE_P = np.array([0.36, 0.50, 0.08, 0.03, 0.03])  # RequestSource 1..5
_CEASE_P = np.array([0.10, 0.12, 0.20, 0.10, 0.06, 0.05, 0.28, 0.05, 0.04])  # CeaseReason 1..9
UPN_REASONS = np.array(["UN1", "UN2", "UN3", "UN5", "UN8", "UN9", "UN10"], dtype=object)

# Age (years) at request for new requests, and age at the snapshot for historical plans.
_REQUEST_AGES = np.arange(22)
_REQUEST_AGE_W = np.array(
    [0.5, 1.5, 5, 9, 9, 7, 6.5, 6.5, 6, 5.5, 5.5, 6, 5, 5, 5, 4.5, 3.5, 2.5, 1.5, 1, 0.6, 0.4]
)
_HISTORIC_AGES = np.arange(9, 26)
_HISTORIC_AGE_W = np.array([6, 7, 8, 8, 8, 8, 8, 7, 6, 5, 4, 2.5, 2, 1.5, 1, 0.8, 0.5])
_CEASED_AGES = np.arange(12, 26)
_CEASED_AGE_W = np.array([1, 1, 1.5, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2.5, 2])
_MONTH_WEIGHT = np.array([1.05, 1.0, 1.15, 0.95, 1.1, 1.1, 1.05, 0.55, 0.95, 1.1, 1.1, 0.9])

# Share of issued plans within 20 weeks by year of request, relative to the snapshot year
# (index 0 = five years before): a dip then a recovery.
_DEMO_WITHIN = (0.58, 0.57, 0.53, 0.43, 0.37, 0.58)

_P_AGREE, _P_REFUSE, _P_WITHDRAW = 0.685, 0.29, 0.025  # final request outcome once decided
_GROWTH = 1.08  # requests grow ~8% a year (England grew faster: 93k in 2021, 154k in 2024)
_P_FOLLOW_UP = 0.12  # refused requests followed by a new request for the same child
_P_EXCEPTION = 0.06  # Week20 = 1
_CEASED_PER_YEAR = 0.03  # plans ceased per year in the window, as a share of the target caseload


@dataclass(frozen=True)
class Scale:
    """Target volumes for one scale of demo data."""

    active_plans: int  # active EHC plans at the snapshot (all LAs)
    requests_per_year: int  # requests received per full calendar year (all LAs, middle year)
    la_count: int  # number of LAs
    blade: bool  # True: COLLECT Blade CSV set; False: one module workbook


@dataclass(frozen=True)
class LaProfile:
    """One fictional LA: size, request volume and how its timeliness moves year to year."""

    code: str
    name: str
    active_plans: int
    requests_per_year: float
    within_by_year: tuple[float, ...]  # share within 20 weeks, years snapshot-5 .. snapshot
    decision_in_6_weeks: float


@dataclass
class Window:
    """Key dates (proleptic ordinals) for one snapshot."""

    snapshot: int
    window_start: int  # 1 Jan, three years before the snapshot year
    lead_in_start: int  # 1 Jan, six years before the snapshot year
    first_year: int  # snapshot year - 5 (index 0 of within_by_year)

    @classmethod
    def of(cls, snapshot: datetime.date) -> Window:
        return cls(
            snapshot.toordinal(),
            datetime.date(snapshot.year - 3, 1, 1).toordinal(),
            datetime.date(snapshot.year - 6, 1, 1).toordinal(),
            snapshot.year - 5,
        )


Frame = dict[str, np.ndarray]


@dataclass
class LaData:
    """One LA's simulated cases, ids assigned; ``overrides``, ``faults`` and
    ``extra_assessments`` are filled in when faults are planted (``demo_faults``)."""

    profile: LaProfile
    sen2_id: int
    first_need_id: int
    requests: Frame  # one row per request (assessment, plan and need fields alongside)
    persons: Frame
    extra_assessments: Frame  # fault 5 rows
    overrides: list[tuple[str, str, int, Any]] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)


def single_la_profile(
    rng: np.random.Generator, spec: Scale, code: str, name: str, within_shift: float
) -> LaProfile:
    """The one LA of a single-LA scale: the demo trend, jittered, moved by ``within_shift``."""
    within = tuple(float(np.clip(w + rng.normal(0, 0.015), 0.05, 0.95)) for w in _DEMO_WITHIN)
    if within_shift:
        within = tuple(w + within_shift for w in within)
    return LaProfile(code, name, spec.active_plans, spec.requests_per_year, within, 0.85)


def national_profiles(seed: int, spec: Scale) -> list[LaProfile]:
    """``spec.la_count`` fictional LAs (153 at national scale): lognormal sizes (median ~3,300
    plans), varied timeliness and trends."""
    # LA codes do not depend on the seed, so repeated demos keep the same LA list.
    code_rng = np.random.default_rng(20_260_101)
    codes = sorted(
        int(c) for c in code_rng.choice(np.arange(201, 939), spec.la_count, replace=False)
    )
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    plans = rng.lognormal(math.log(3_267), 0.70, spec.la_count)
    for _ in range(5):  # rescale to the national total, keeping the largest near Kent's size
        plans = np.clip(plans * spec.active_plans / plans.sum(), 300, 21_000)
    ratio = 0.242 * rng.lognormal(0, 0.25, spec.la_count)
    for _ in range(5):  # above ~0.27 requests a plan the window alone would overshoot the caseload
        ratio = np.clip(ratio * spec.requests_per_year / (plans * ratio).sum(), 0.10, 0.27)
    requests = plans * ratio
    # Two tiny LAs (think Isles of Scilly, City of London) to exercise small-number suppression.
    order = np.argsort(plans)
    plans[order[0]], requests[order[0]] = 17, 2
    plans[order[1]], requests[order[1]] = 26, 5
    base = rng.beta(1.2, 1.1, spec.la_count) * 0.9 + 0.05
    steps = rng.normal(-0.02, 0.06, (spec.la_count, 6)).cumsum(axis=1)
    decide = np.clip(rng.normal(0.85, 0.08, spec.la_count), 0.40, 0.99)
    profiles = []
    for i, code in enumerate(codes):
        within = tuple(float(x) for x in np.clip(base[i] + steps[i] - steps[i].mean(), 0.02, 0.98))
        profiles.append(
            LaProfile(
                f"{code:03d}",
                f"Demo LA {code:03d}",
                round(plans[i]),
                float(requests[i]),
                within,
                float(decide[i]),
            )
        )
    return profiles


def _empty_requests(n: int) -> Frame:
    def ints(dtype: Any = np.int64, fill: int = 0) -> np.ndarray:
        return np.full(n, fill, dtype=dtype)

    return {
        "person": ints(),
        "received": ints(),
        "source": ints(np.int8, 1),
        "rya": ints(np.int8),
        "req_outcome": ints(np.int8),
        "req_date": ints(),
        "req_mediation": ints(np.int8),
        "req_tribunal": ints(np.int8),
        "has_ass": np.zeros(n, bool),
        "ass_outcome": ints(np.int8),
        "ass_date": ints(),
        "week20": ints(np.int8, -1),
        "ass_mediation": ints(np.int8),
        "ass_tribunal": ints(np.int8),
        "has_plan": np.zeros(n, bool),
        "start": ints(),
        "pb": ints(np.int8),
        "cease": ints(),
        "cease_reason": ints(np.int8),
        "active": np.zeros(n, bool),
        "transfer": ints(),
        "review_meeting": ints(),
        "last_review": ints(),
        "need1": ints(np.int8, -1),
        "need2": ints(np.int8, -1),
    }


def _take(frame: Frame, index: np.ndarray) -> Frame:
    return {k: v[index] for k, v in frame.items()}


def _concat(frames: list[Frame]) -> Frame:
    return {k: np.concatenate([f[k] for f in frames]) for k in frames[0]}


def _trunc_exp(rng: np.random.Generator, scale: float, upper: int, n: int) -> np.ndarray:
    """Whole days from an exponential with the given scale, truncated to [0, upper)."""
    u = rng.random(n) * (1 - math.exp(-upper / scale))
    return np.floor(-scale * np.log1p(-u)).astype(np.int64)


def _days_to_issue(rng: np.random.Generator, p_within: np.ndarray) -> np.ndarray:
    """Days from request to plan issued: within 20 weeks with probability ``p_within`` (most
    close to the deadline); otherwise 141-364 days, or a year or more for ~14% of the late ones."""
    n = len(p_within)
    p_long = 0.14 * (1 - p_within)
    band = rng.random(n)
    t_within = 140 - np.minimum(rng.gamma(2.0, 11.0, n).astype(np.int64), 80)
    t_mid = 141 + _trunc_exp(rng, 85.0, 224, n)
    t_long = 365 + _trunc_exp(rng, 110.0, 500, n)
    return np.where(band < p_within, t_within, np.where(band < p_within + p_long, t_long, t_mid))


def _sample_received(
    rng: np.random.Generator, start: int, end: int, per_year: float, middle_year: int
) -> np.ndarray:
    """Request dates in [start, end]: ~8% growth a year around middle_year, quiet Augusts."""
    if end < start or per_year <= 0:
        return np.zeros(0, np.int64)
    days = np.arange(start, end + 1)
    dates = [datetime.date.fromordinal(int(d)) for d in (days[0], days[-1])]
    years = np.arange(dates[0].year, dates[1].year + 1)
    year_of = (
        np.searchsorted(
            [datetime.date(int(y), 1, 1).toordinal() for y in years], days, side="right"
        )
        - 1
    )
    month_of = np.array([datetime.date.fromordinal(int(d)).month for d in days]) - 1
    weight = per_year / 365.25 * _GROWTH ** (years[year_of] - middle_year) * _MONTH_WEIGHT[month_of]
    total = float(weight.sum())
    n = int(rng.poisson(total))
    return np.sort(rng.choice(days, n, p=weight / total))


def _outcomes(
    rng: np.random.Generator,
    received: np.ndarray,
    profile: LaProfile,
    win: Window,
    p_agree: float = _P_AGREE,
) -> Frame:
    """Simulate each request to its end, then censor at the snapshot (open cases stay open)."""
    n = len(received)
    f = _empty_requests(n)
    snap = win.snapshot
    f["received"] = received
    f["source"] = (rng.choice(5, n, p=_SOURCE_P) + 1).astype(np.int8)
    # Decision whether to assess: most within 6 weeks (42 days), a tail to 12 weeks.
    in_6 = rng.random(n) < profile.decision_in_6_weeks
    decide = np.where(in_6, rng.integers(14, 43, n), rng.integers(43, 85, n))
    decided = received + decide <= snap
    # A few decisions are not yet recorded ("stale" A): mostly recent requests, and a handful of
    # old ones that a data-quality review would chase.
    age_years = (snap - received) / 365.25
    stale = rng.random(n) < 0.004 + 0.10 * np.exp(-age_years / 0.8)
    u = rng.random(n)
    p_refuse = (1 - p_agree) * _P_REFUSE / (_P_REFUSE + _P_WITHDRAW)
    outcome = np.where(u < p_agree, REQ_Y, np.where(u < p_agree + p_refuse, REQ_N, REQ_W))
    outcome = np.where(stale | ~decided, REQ_A, outcome).astype(np.int8)
    f["req_outcome"] = outcome
    f["req_date"] = np.where((outcome == REQ_Y) | (outcome == REQ_N), received + decide, 0)
    refused = outcome == REQ_N
    f["req_mediation"] = (refused & (rng.random(n) < 0.06)).astype(np.int8)
    f["req_tribunal"] = (refused & (rng.random(n) < 0.04)).astype(np.int8)

    # Assessment: the final decision, then censoring.
    agreed = outcome == REQ_Y
    u = rng.random(n)
    final = np.where(u < 0.94, REQ_Y, np.where(u < 0.985, REQ_N, REQ_W))
    exception = rng.random(n) < _P_EXCEPTION
    year_starts = [datetime.date(win.first_year + k, 1, 1).toordinal() for k in range(7)]
    year_index = np.clip(np.searchsorted(year_starts, received, side="right") - 1, 0, 5)
    p_within = np.asarray(profile.within_by_year)[year_index] * np.where(exception, 0.55, 1.0)
    to_issue = np.maximum(_days_to_issue(rng, p_within), decide + 42)
    issue = received + to_issue
    no_plan = received + decide + rng.integers(40, 150, n)
    withdrawn = received + decide + rng.integers(20, 120, n)

    issued = agreed & (final == REQ_Y) & (issue <= snap)
    # Decision to issue made (about five weeks before issue) but the plan not yet issued.
    drafting = agreed & (final == REQ_Y) & (issue > snap) & (issue - 35 <= snap)
    refused_plan = agreed & (final == REQ_N) & (no_plan <= snap)
    withdrew = agreed & (final == REQ_W) & (withdrawn <= snap)
    ass = np.full(n, REQ_A, np.int8)
    ass[issued | drafting] = REQ_Y
    ass[refused_plan] = REQ_N
    ass[withdrew] = REQ_W
    f["has_ass"] = agreed
    f["ass_outcome"] = np.where(agreed, ass, 0).astype(np.int8)
    f["ass_date"] = np.where(issued, issue, np.where(refused_plan, no_plan, 0))
    f["week20"] = np.where(issued, exception.astype(np.int8), np.where(refused_plan, 0, -1)).astype(
        np.int8
    )
    f["ass_mediation"] = (refused_plan & (rng.random(n) < 0.08)).astype(np.int8)
    f["ass_tribunal"] = (refused_plan & (rng.random(n) < 0.15)).astype(np.int8)

    # Plans issued; a few cease later in the window.
    f["has_plan"] = issued
    f["start"] = np.where(issued, issue, 0)
    room = snap - issue - 180
    ceases = issued & (room > 20) & (rng.random(n) < 0.025)
    f["cease"] = np.where(
        ceases, issue + 180 + (rng.random(n) * np.maximum(room, 1)).astype(np.int64), 0
    )
    f["cease_reason"] = np.where(ceases, rng.choice(9, n, p=_CEASE_P) + 1, 0).astype(np.int8)
    f["active"] = issued & ~ceases
    return f


def _births(
    rng: np.random.Generator, at: np.ndarray, ages: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Birth dates (ordinals) for people whose age on date ``at`` follows the given weights."""
    n = len(at)
    age = rng.choice(ages, n, p=weights / weights.sum())
    return at - (age * 365.25 + rng.random(n) * 365).astype(np.int64)


def _historic(
    rng: np.random.Generator, n: int, win: Window, ceased: bool, other_las: list[str]
) -> tuple[Frame, np.ndarray]:
    """Plans issued before the lead-in years: active at the snapshot, or ceased in the window."""
    snap = np.full(n, win.snapshot, np.int64)
    if ceased:
        birth = _births(rng, snap, _CEASED_AGES, _CEASED_AGE_W)
    else:
        birth = _births(rng, snap, _HISTORIC_AGES, _HISTORIC_AGE_W)
    hi = win.lead_in_start - 1
    lo = np.minimum(birth + 730, hi - 30)
    # Skewed towards recent years: caseloads have grown.
    start = lo + ((hi - lo) * np.sqrt(rng.random(n))).astype(np.int64)
    f = _empty_requests(n)
    decide = rng.integers(14, 70, n)
    to_issue = np.maximum(_days_to_issue(rng, np.full(n, 0.6)), decide + 42)
    f["received"] = start - to_issue
    f["source"] = (rng.choice(5, n, p=_SOURCE_P) + 1).astype(np.int8)
    transfer = ~ceased & (rng.random(n) < 0.03)  # transfers-in are always historical
    req_y = (rng.random(n) < 0.20) & ~transfer
    f["req_outcome"] = np.where(req_y, REQ_Y, REQ_H).astype(np.int8)
    f["req_date"] = np.where(req_y, f["received"] + decide, 0)
    ass_y = (rng.random(n) < 0.15) & ~transfer
    f["has_ass"] = np.ones(n, bool)
    f["ass_outcome"] = np.where(ass_y, REQ_Y, REQ_H).astype(np.int8)
    f["ass_date"] = np.where(ass_y, start, 0)
    f["week20"] = np.where(ass_y, (rng.random(n) < _P_EXCEPTION).astype(np.int8), -1).astype(
        np.int8
    )
    f["has_plan"] = np.ones(n, bool)
    f["start"] = start
    if ceased:
        first = np.maximum(win.window_start, start + 365)
        f["cease"] = first + (rng.random(n) * np.maximum(win.snapshot - first, 1)).astype(np.int64)
        f["cease_reason"] = (rng.choice(9, n, p=_CEASE_P) + 1).astype(np.int8)
    else:
        f["active"] = np.ones(n, bool)
        codes = np.array([int(c) for c in other_las])
        f["transfer"] = np.where(transfer, rng.choice(codes, n), 0)
    return f, birth


def _finish_plans(rng: np.random.Generator, f: Frame, snap: int) -> None:
    """Personal budgets, annual reviews and SEN needs for plans (needs only on active plans)."""
    n = len(f["start"])
    f["pb"] = (f["has_plan"] & (rng.random(n) < 0.06)).astype(np.int8)
    active = f["active"]
    age = snap - f["start"]
    reviewed = active & (age >= 365) & (rng.random(n) < 0.88)
    anniversary = f["start"] + (age // 365) * 365
    meeting = anniversary - rng.integers(0, 40, n)
    f["review_meeting"] = np.where(reviewed, meeting, 0)
    decided = meeting + rng.integers(5, 70, n)
    f["last_review"] = np.where(reviewed & (decided <= snap), decided, 0)
    k = len(NEED_CODES)
    need1 = rng.choice(k, n, p=_NEED_P)
    need2 = rng.choice(k, n, p=_NEED_P)
    clash = need2 == need1
    need2[clash] = (need1[clash] + rng.integers(1, k, int(clash.sum()))) % k
    f["need1"] = np.where(active, need1, -1).astype(np.int8)
    f["need2"] = np.where(active & (rng.random(n) < 0.40), need2, -1).astype(np.int8)


def simulate_la(
    profile: LaProfile,
    rng: np.random.Generator,
    win: Window,
    ids: dict[str, int],
    sen2_id: int,
    other_las: list[str],
) -> LaData:
    """Simulate one LA's requests, plans and children; assign ids (advancing ``ids``)."""
    snap = win.snapshot
    middle_year = datetime.date.fromordinal(snap).year - 2
    others = [c for c in other_las if c != profile.code] or ["201"]
    # Requests over the lead-in years and the window; the base rate leaves room for the
    # follow-up requests of refused children (~3% of all requests).
    base_rate = profile.requests_per_year / (1 + _P_FOLLOW_UP * 0.27)
    received = _sample_received(rng, win.lead_in_start, snap, base_rate, middle_year)
    cases = _outcomes(rng, received, profile, win)
    cases["person"] = np.arange(len(received))
    # Nobody older than 25 at the snapshot (SEN2 covers ages 0-25).
    births = np.maximum(
        _births(rng, received, _REQUEST_AGES, _REQUEST_AGE_W), snap - int(25.9 * 365.25)
    )
    # Lead-in years (before the window) only matter for plans still issued from them; their
    # decisions to assess are historical, and plans issued before the year before the window too.
    lead_in = received < win.window_start
    keep = ~lead_in | cases["has_plan"]
    cases = _take(cases, np.flatnonzero(keep))
    old = cases["received"] < win.window_start
    cases["req_outcome"][old] = REQ_H
    cases["req_date"][old] = 0
    very_old = old & (cases["start"] < datetime.date(win.first_year + 1, 1, 1).toordinal())
    cases["ass_outcome"][very_old] = REQ_H
    cases["ass_date"][very_old] = 0
    cases["week20"][very_old] = -1
    # Some refused children come back with a new request.
    refused = np.flatnonzero(
        (cases["req_outcome"] == REQ_N) & (rng.random(len(cases["received"])) < _P_FOLLOW_UP)
    )
    again = cases["received"][refused] + rng.integers(150, 450, len(refused))
    ok = again <= snap
    follow = _outcomes(rng, again[ok], profile, win, p_agree=0.78)
    follow["person"] = cases["person"][refused[ok]]
    cases = _concat([cases, follow])
    person_ids, cases["person"] = np.unique(cases["person"], return_inverse=True)
    births = births[person_ids]

    # Historical plans fill the caseload up to the target; some plans ceased in the window.
    window_active = int(cases["active"].sum())
    historic, historic_births = _historic(
        rng, max(profile.active_plans - window_active, 0), win, False, others
    )
    window_years = (snap - win.window_start) / 365.25
    n_ceased = round(_CEASED_PER_YEAR * profile.active_plans * window_years)
    ceased, ceased_births = _historic(rng, n_ceased, win, True, others)
    offset = len(births)
    historic["person"] = offset + np.arange(len(historic_births))
    ceased["person"] = offset + len(historic_births) + np.arange(len(ceased_births))
    cases = _concat([cases, historic, ceased])
    births = np.concatenate([births, historic_births, ceased_births])
    _finish_plans(rng, cases, snap)

    # Order requests by date received, people by their first request; then number them.
    cases = _take(cases, np.argsort(cases["received"], kind="stable"))
    n_people = len(births)
    first_seen = np.full(n_people, np.iinfo(np.int64).max)
    np.minimum.at(first_seen, cases["person"], cases["received"])
    person_order = np.argsort(first_seen, kind="stable")
    rank = np.empty(n_people, np.int64)
    rank[person_order] = np.arange(n_people)
    cases["person"] = rank[cases["person"]]
    births = births[person_order]
    persons = _people(rng, births, cases, snap, n_people)
    persons["id"] = ids["person"] + np.arange(n_people)
    cases["person_id"] = persons["id"][cases["person"]]
    first_need = _number(cases, ids)
    ids["person"] += n_people

    return LaData(profile, sen2_id, first_need, cases, persons, _empty_extra())


def _people(rng: np.random.Generator, births: np.ndarray, cases: Frame, snap: int, n: int) -> Frame:
    """Sex, ethnicity, UPN and UPN-unknown reason for each child."""
    has_plan = np.zeros(n, bool)
    has_plan[cases["person"][cases["has_plan"]]] = True
    age = (snap - births) / 365.25
    p_blank = np.where(age < 4, 0.75, np.where(age < 6, 0.35, 0.015)) + np.where(has_plan, 0, 0.03)
    blank = rng.random(n) < p_blank
    reason = rng.choice(6, n, p=[0, 0.30, 0.15, 0.15, 0.25, 0.15])  # UN2..UN9
    reason = np.where(~has_plan & (rng.random(n) < 0.6), 6, reason)  # UN10: no further action
    reason = np.where(age < 6, 0, reason)  # UN1: under 6
    return {
        "birth": births,
        "sex": (rng.random(n) < 0.29).astype(np.int8),  # 71% boys
        "ethnicity": rng.choice(len(ETH_CODES), n, p=_ETH_P).astype(np.int8),
        "upn_blank": blank,
        "upn_reason": np.where(blank, reason, -1).astype(np.int8),
        "dropped": np.zeros(n, bool),  # fault 8: left off the Person sheet
    }


def _number(cases: Frame, ids: dict[str, int]) -> int:
    """Assign table ids in row order and advance the counters; return the first SEN need id."""
    n = len(cases["received"])
    cases["request_id"] = ids["request"] + np.arange(n)
    ids["request"] += n
    for flag, key, column in (
        ("has_ass", "assessment", "assessment_id"),
        ("has_plan", "named_plan", "named_plan_id"),
        ("active", "active_plan", "active_plan_id"),
    ):
        mask = cases[flag]
        values = np.zeros(n, np.int64)
        values[mask] = ids[key] + np.arange(int(mask.sum()))
        ids[key] += int(mask.sum())
        cases[column] = values
    first_need = ids["sen_need"]
    ids["sen_need"] += int((cases["need1"] >= 0).sum() + (cases["need2"] >= 0).sum())
    return first_need


def _empty_extra() -> Frame:
    return {
        "assessment_id": np.zeros(0, np.int64),
        "request_id": np.zeros(0, np.int64),
        "date": np.zeros(0, np.int64),
    }
