"""Deterministic synthetic SEN2 data: fictional children, realistic shapes, a few planted faults.

``generate(out_dir, seed, scale, snapshot)`` writes SEN2 person-level input files that the loader
accepts (DESIGN §3) and returns the paths to load. Nothing here describes a real child: there are
no names or postcodes, UPNs are obviously fake (``Z`` + 12 digits, no check letter) and every
value comes from a seeded random generator, so the same seed, scale and snapshot give
byte-identical files.

Scales (see :data:`SCALES`):

- ``la``: "Demo Borough" (LA 999), ~3,300 active EHC plans, ~800 requests a year;
- ``large``: "Demo County" (LA 998), ~20,000 active plans, ~4,000 requests a year (Kent-sized);
- ``national``: 153 fictional LAs, ~640,000 active plans, ~155,000 requests a year.

``la`` and ``large`` are one module workbook (sheets "Person", "Requests", "Assessments",
"Named Plan", "Active Plan", "SEN Need"; headers are the XML element names, the first alias in
``etl.inputs.sen2.spec``). ``national`` is a COLLECT "Blade" CSV export in ``blade_national/``.

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

The workbook also exercises the parsers with *valid* variants: ~3% of dates in Requests /
Assessments written as UK text ("31/01/2024"), Blade text ("2024-Jan-31 00:00:00") or an Excel
serial number; ~2% of codes in lower case; some Week20 values written "Yes" / "No" / "Y" / "N".

Deliberate data-quality faults (the loader must catch each; about 0.05% of request rows per kind,
and at least one of each kind at ``la`` and ``large`` scale; the national set gets the same kinds
spread over its LAs):

1. ``bad_date``: an unreadable date: RequestOutcomeDate "tbc" (on a refused request);
   ReceivedDate "13/25/<year>" (US-order-ish, impossible; on a refused request);
   AssessmentOutcomeDate "31/02/<year>" (impossible; on an issued plan).
2. ``unknown_request_outcome``: RequestOutcome "X" on a refused request.
3. ``outcome_before_received``: an issued plan's AssessmentOutcomeDate set 10-90 days before the
   request's ReceivedDate (the Named Plan keeps the true StartDate).
4. ``duplicate_request_id``: one refused request given the requeststableid of another refused
   request (two Requests rows share an id; the overwritten id had no child rows).
5. ``assessment_without_agreed_request``: an extra Assessments row (outcome "N", dated) for a
   request whose RequestOutcome is "N".
6. ``week20_maybe``: Week20 = "maybe" on an issued plan.
7. ``upn_missing_no_reason``: a Person with UPN blank and no UPNunknown reason.
8. ``orphan_request``: a refused request whose child's Person row is left out (persontableid not
   on the Person sheet).
9. ``missing_received_date``: a refused request with ReceivedDate blank.

``fault_counts()`` reports how many of each were planted for a given seed / scale / snapshot.
"""

from __future__ import annotations

import csv
import datetime
import math
import os
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from etl.inputs.sen2.spec import MODULES

DEFAULT_SNAPSHOT = datetime.date(2026, 11, 1)


@dataclass(frozen=True)
class Scale:
    """Target volumes for one scale of demo data."""

    active_plans: int  # active EHC plans at the snapshot (all LAs)
    requests_per_year: int  # requests received per full calendar year (all LAs, middle year)
    la_count: int  # number of LAs
    blade: bool  # True: COLLECT Blade CSV set; False: one module workbook


SCALES: dict[str, Scale] = {
    "la": Scale(active_plans=3_300, requests_per_year=800, la_count=1, blade=False),
    "large": Scale(active_plans=20_000, requests_per_year=4_000, la_count=1, blade=False),
    "national": Scale(active_plans=640_000, requests_per_year=155_000, la_count=153, blade=True),
}

# Single-LA scales: fictional name and LA code.
_SINGLE_LA = {"la": ("Demo Borough", "999"), "large": ("Demo County", "998")}
SYNTHETIC_TITLE = "{name} – SYNTHETIC SEN2 extract (not real children)"

FAULT_KINDS = (
    "bad_date",
    "unknown_request_outcome",
    "outcome_before_received",
    "duplicate_request_id",
    "assessment_without_agreed_request",
    "week20_maybe",
    "upn_missing_no_reason",
    "orphan_request",
    "missing_received_date",
)
# Expected faults per kind as a share of request rows (at least one each in a single-LA file).
FAULT_RATE = 0.0005

# Workbook sheet per module, in writing order.
SHEETS = {
    "person": "Person",
    "requests": "Requests",
    "assessment": "Assessments",
    "named_plan": "Named Plan",
    "active_plans": "Active Plan",
    "sen_need": "SEN Need",
}
# Blade file suffix per module (Blade-Export_<DD-MM-YYYY>_<suffix>.csv).
BLADE_FILES = {
    "sen2": "sen2",
    "person": "person",
    "requests": "requests",
    "assessment": "assessment",
    "named_plan": "namedplan",
    "active_plans": "activeplans",
    "sen_need": "senneed",
}
BLADE_FOLDER = "blade_national"

# Id ranges per table, far apart so that an id joined to the wrong table never matches by chance.
_ID_BASE = {
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
_OUTCOME_CODES = np.array(["Y", "N", "A", "W", "H"], dtype=object)

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
_NEED_CODES = np.array(list(SEN_NEED_MIX), dtype=object)
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
_ETH_CODES = np.array(list(ETHNICITY_MIX), dtype=object)
_ETH_P = np.array(list(ETHNICITY_MIX.values())) / sum(ETHNICITY_MIX.values())
_SEX_CODES = np.array(["M", "F"], dtype=object)
_SOURCE_P = np.array([0.36, 0.50, 0.08, 0.03, 0.03])  # RequestSource 1..5
_CEASE_P = np.array([0.10, 0.12, 0.20, 0.10, 0.06, 0.05, 0.28, 0.05, 0.04])  # CeaseReason 1..9
_UPN_REASONS = np.array(["UN1", "UN2", "UN3", "UN5", "UN8", "UN9", "UN10"], dtype=object)

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

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_UPN_MODULUS = 10**12
_UPN_MULTIPLIER = 982_451_653  # coprime to 10**12, so id -> UPN digits is one-to-one


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
class _Window:
    """Key dates (proleptic ordinals) for one snapshot."""

    snapshot: int
    window_start: int  # 1 Jan, three years before the snapshot year
    lead_in_start: int  # 1 Jan, six years before the snapshot year
    first_year: int  # snapshot year - 5 (index 0 of within_by_year)

    @classmethod
    def of(cls, snapshot: datetime.date) -> _Window:
        return cls(
            snapshot.toordinal(),
            datetime.date(snapshot.year - 3, 1, 1).toordinal(),
            datetime.date(snapshot.year - 6, 1, 1).toordinal(),
            snapshot.year - 5,
        )


Frame = dict[str, np.ndarray]


@dataclass
class _LaData:
    """One LA's simulated cases, ids assigned, faults planted, ready to render."""

    profile: LaProfile
    sen2_id: int
    first_need_id: int
    requests: Frame  # one row per request (assessment, plan and need fields alongside)
    persons: Frame
    extra_assessments: Frame  # fault 5 rows
    overrides: list[tuple[str, str, int, Any]] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)


# --------------------------------------------------------------------------------------------
# Public API


def generate(
    out_dir: Path, seed: int = 1, scale: str = "la", snapshot: datetime.date = DEFAULT_SNAPSHOT
) -> list[Path]:
    """Write synthetic SEN2 input files into out_dir (created if needed; previous demo files there
    are overwritten) and return the paths to load.

    ``la`` / ``large`` write ``sen2_demo_<scale>.xlsx``; ``national`` writes a Blade CSV set into
    ``out_dir/blade_national`` and returns that folder.
    """
    paths, _ = _generate(Path(out_dir), seed, scale, snapshot)
    return paths


def fault_counts(
    seed: int = 1, scale: str = "la", snapshot: datetime.date = DEFAULT_SNAPSHOT
) -> dict[str, int]:
    """How many faults of each kind (module docstring) ``generate`` plants, without writing files.

    Only for the single-LA scales (the national set is too big to simulate twice casually).
    """
    if scale not in _SINGLE_LA:
        raise ValueError("fault_counts is available for the 'la' and 'large' scales only")
    data = _simulate_single(seed, scale, snapshot)
    return {kind: data.faults[kind] for kind in FAULT_KINDS}


# --------------------------------------------------------------------------------------------
# Orchestration


def _generate(
    out_dir: Path, seed: int, scale: str, snapshot: datetime.date
) -> tuple[list[Path], Counter[str]]:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    if not datetime.date(2010, 1, 1) <= snapshot <= datetime.date(2090, 12, 31):
        raise ValueError(f"snapshot {snapshot} is outside 2010-2090")
    out_dir.mkdir(parents=True, exist_ok=True)
    if SCALES[scale].blade:
        folder = out_dir / BLADE_FOLDER
        faults = _write_national(folder, seed, snapshot)
        return [folder], faults
    data = _simulate_single(seed, scale, snapshot)
    path = out_dir / f"sen2_demo_{scale}.xlsx"
    renderer = _DateRenderer(snapshot, blade=False)
    tables = _build_tables(data, renderer)
    _apply_overrides(tables, data.overrides)
    _apply_variants(tables, np.random.default_rng(np.random.SeedSequence([seed, 7, 1])))
    _write_workbook(path, tables, SYNTHETIC_TITLE.format(name=data.profile.name), snapshot)
    return [path], data.faults


def _simulate_single(seed: int, scale: str, snapshot: datetime.date) -> _LaData:
    spec = SCALES[scale]
    name, code = _SINGLE_LA[scale]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    within = tuple(float(np.clip(w + rng.normal(0, 0.015), 0.05, 0.95)) for w in _DEMO_WITHIN)
    if scale == "large":
        within = tuple(w - 0.05 for w in within)
    profile = LaProfile(code, name, spec.active_plans, spec.requests_per_year, within, 0.85)
    ids = dict(_ID_BASE)
    return _simulate_la(
        profile,
        rng,
        _Window.of(snapshot),
        ids,
        sen2_id=1,
        other_las=[f"{c}" for c in range(201, 939)],
        min_one_fault=True,
    )


def _national_profiles(seed: int) -> list[LaProfile]:
    """153 fictional LAs: lognormal sizes (median ~3,300 plans), varied timeliness and trends."""
    spec = SCALES["national"]
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


# --------------------------------------------------------------------------------------------
# Simulation (numpy, one LA at a time; dates are proleptic ordinals, 0 = blank)


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
    win: _Window,
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
    rng: np.random.Generator, n: int, win: _Window, ceased: bool, other_las: list[str]
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
    k = len(_NEED_CODES)
    need1 = rng.choice(k, n, p=_NEED_P)
    need2 = rng.choice(k, n, p=_NEED_P)
    clash = need2 == need1
    need2[clash] = (need1[clash] + rng.integers(1, k, int(clash.sum()))) % k
    f["need1"] = np.where(active, need1, -1).astype(np.int8)
    f["need2"] = np.where(active & (rng.random(n) < 0.40), need2, -1).astype(np.int8)


def _simulate_la(
    profile: LaProfile,
    rng: np.random.Generator,
    win: _Window,
    ids: dict[str, int],
    sen2_id: int,
    other_las: list[str],
    min_one_fault: bool,
) -> _LaData:
    """Simulate one LA's requests, plans and children; assign ids (advancing ``ids``); plant
    faults."""
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

    data = _LaData(profile, sen2_id, first_need, cases, persons, _empty_extra())
    _plant_faults(rng, data, win, ids, min_one_fault)
    return data


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
        "ethnicity": rng.choice(len(_ETH_CODES), n, p=_ETH_P).astype(np.int8),
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


# --------------------------------------------------------------------------------------------
# Faults


def _fault_count(rng: np.random.Generator, rows: int, min_one: bool) -> int:
    expected = FAULT_RATE * rows
    if min_one:
        return max(1, round(expected))
    return int(expected + rng.random())  # stochastic rounding: right on average over many LAs


def _plant_faults(
    rng: np.random.Generator, data: _LaData, win: _Window, ids: dict[str, int], min_one: bool
) -> None:
    """Plant the module docstring's nine fault kinds on distinct, otherwise quiet rows."""
    cases, persons = data.requests, data.persons
    n_rows = len(cases["received"])
    per_person = np.bincount(cases["person"], minlength=len(persons["birth"]))
    in_window = cases["received"] >= win.window_start
    # Refused requests of children with no other request: changing them touches nothing else.
    refused = np.flatnonzero(
        in_window
        & (cases["req_outcome"] == REQ_N)
        & (per_person[cases["person"]] == 1)
        & (cases["received"] + 160 <= win.snapshot)
    )
    issued = np.flatnonzero(
        in_window & cases["has_plan"] & (cases["ass_outcome"] == REQ_Y) & (cases["ass_date"] > 0)
    )
    refused = rng.permutation(refused)
    issued = rng.permutation(issued)
    pools = (refused, issued)

    def count() -> int:
        return _fault_count(rng, n_rows, min_one)

    def take(pool: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return pool[:k], pool[k:]

    ass_row = np.cumsum(cases["has_ass"]) - 1  # row of each request's assessment
    k_bad = count()
    k_parts = [k_bad // 3 + (1 if i < k_bad % 3 else 0) for i in range(3)]
    if min_one:
        k_parts = [max(1, k) for k in k_parts]
    faults = data.faults

    # 1. Unreadable dates.
    victims, refused = take(refused, k_parts[0])
    for i in victims:
        data.overrides.append(("requests", "request_outcome_date", int(i), "tbc"))
    faults["bad_date"] += len(victims)
    victims, refused = take(refused, k_parts[1])
    for i in victims:
        year = datetime.date.fromordinal(int(cases["received"][i])).year
        data.overrides.append(("requests", "received_date", int(i), f"13/25/{year}"))
    faults["bad_date"] += len(victims)
    victims, issued = take(issued, k_parts[2])
    for i in victims:
        year = datetime.date.fromordinal(int(cases["ass_date"][i])).year
        data.overrides.append(
            ("assessment", "assessment_outcome_date", int(ass_row[i]), f"31/02/{year}")
        )
    faults["bad_date"] += len(victims)

    # 2. Unknown RequestOutcome.
    victims, refused = take(refused, count())
    for i in victims:
        data.overrides.append(("requests", "request_outcome", int(i), "X"))
    faults["unknown_request_outcome"] += len(victims)

    # 3. Plan issued before the request was received.
    victims, issued = take(issued, count())
    cases["ass_date"][victims] = cases["received"][victims] - rng.integers(10, 91, len(victims))
    faults["outcome_before_received"] += len(victims)

    # 4. Duplicate requeststableid: pairs of refused requests, the second takes the first's id.
    pairs, refused = take(refused, 2 * count())
    pairs = pairs[: len(pairs) // 2 * 2].reshape(-1, 2)
    cases["request_id"][pairs[:, 1]] = cases["request_id"][pairs[:, 0]]
    faults["duplicate_request_id"] += len(pairs)

    # 5. An assessment for a refused request.
    victims, refused = take(refused, count())
    k = len(victims)
    data.extra_assessments = {
        "assessment_id": ids["assessment"] + np.arange(k),
        "request_id": cases["request_id"][victims],
        "date": cases["received"][victims] + rng.integers(90, 150, k),
    }
    ids["assessment"] += k
    faults["assessment_without_agreed_request"] += k

    # 6. Week20 "maybe".
    victims, issued = take(issued, count())
    for i in victims:
        data.overrides.append(("assessment", "week20", int(ass_row[i]), "maybe"))
    faults["week20_maybe"] += len(victims)

    # 8. Orphan request: the child's Person row is left out.
    victims, refused = take(refused, count())
    persons["dropped"][cases["person"][victims]] = True
    faults["orphan_request"] += len(victims)

    # 9. Missing ReceivedDate.
    victims, refused = take(refused, count())
    cases["received"][victims] = 0
    faults["missing_received_date"] += len(victims)

    # 7. UPN blank and no reason, on children not touched above.
    used = np.concatenate(
        [pools[0][: len(pools[0]) - len(refused)], pools[1][: len(pools[1]) - len(issued)]]
    )
    touched = persons["dropped"].copy()
    touched[cases["person"][used]] = True
    candidates = np.flatnonzero(~persons["upn_blank"] & ~touched)
    victims = rng.permutation(candidates)[: count()]
    persons["upn_blank"][victims] = True
    persons["upn_reason"][victims] = -1
    faults["upn_missing_no_reason"] += len(victims)


# --------------------------------------------------------------------------------------------
# Rendering: simulation arrays -> columns of cell values


class _DateRenderer:
    """Ordinal -> cell value (datetime.date for workbooks, Blade text for CSV); 0 -> None."""

    def __init__(self, snapshot: datetime.date, blade: bool):
        self.base = datetime.date(snapshot.year - 40, 1, 1).toordinal()
        end = datetime.date(snapshot.year + 3, 12, 31).toordinal()
        values: list[Any] = [None]
        for o in range(self.base, end + 1):
            d = datetime.date.fromordinal(o)
            values.append(
                f"{d.year:04d}-{_MONTHS[d.month - 1]}-{d.day:02d} 00:00:00" if blade else d
            )
        self.table = np.array(values, dtype=object)

    def __call__(self, ordinals: np.ndarray) -> list[Any]:
        index = np.where(ordinals > 0, ordinals - self.base + 1, 0)
        return self.table[index].tolist()

    def one(self, ordinal: int) -> Any:
        return self.table[ordinal - self.base + 1]


Tables = dict[str, dict[str, list[Any]]]


def _codes(lookup: np.ndarray, index: np.ndarray) -> list[Any]:
    """Code index -> code text (negative index -> None)."""
    table = np.concatenate([lookup, np.array([None], dtype=object)])
    return list(table[np.where(index >= 0, index, len(lookup))].tolist())


def _flags(values: np.ndarray) -> list[Any]:
    """-1 -> None, 0/1 -> int."""
    return list(np.array([None, 0, 1], dtype=object)[values.astype(np.int64) + 1].tolist())


def _build_tables(data: _LaData, date: _DateRenderer, with_sen2: bool = False) -> Tables:
    """Turn one LA's arrays into columns of cell values, keyed by canonical field name."""
    c, p, x = data.requests, data.persons, data.extra_assessments
    tables: Tables = {}
    keep = ~p["dropped"]
    upn_digits = (p["id"] * _UPN_MULTIPLIER) % _UPN_MODULUS  # one-to-one: no duplicate UPNs
    upn = np.array([f"Z{d:012d}" for d in upn_digits.tolist()], dtype=object)
    upn[p["upn_blank"]] = None
    tables["person"] = {
        "person_id": p["id"][keep].tolist(),
        "upn": upn[keep].tolist(),
        "upn_unknown": _codes(_UPN_REASONS, p["upn_reason"][keep]),
        "birth_date": date(p["birth"][keep]),
        "sex": _codes(_SEX_CODES, p["sex"][keep]),
        "ethnicity": _codes(_ETH_CODES, p["ethnicity"][keep]),
    }
    if with_sen2:
        tables["person"]["sen2_id"] = [data.sen2_id] * int(keep.sum())
    tables["requests"] = {
        "request_id": c["request_id"].tolist(),
        "received_date": date(c["received"]),
        "request_source": c["source"].tolist(),
        "rya": c["rya"].tolist(),
        "request_outcome_date": date(c["req_date"]),
        "request_outcome": _codes(_OUTCOME_CODES, c["req_outcome"]),
        "request_mediation": c["req_mediation"].tolist(),
        "request_tribunal": c["req_tribunal"].tolist(),
        "person_id": c["person_id"].tolist(),
    }
    a = c["has_ass"]
    k = len(x["assessment_id"])
    tables["assessment"] = {
        "assessment_id": c["assessment_id"][a].tolist() + x["assessment_id"].tolist(),
        "assessment_outcome": _codes(_OUTCOME_CODES, c["ass_outcome"][a]) + ["N"] * k,
        "assessment_outcome_date": date(c["ass_date"][a]) + date(x["date"]),
        "assessment_mediation": c["ass_mediation"][a].tolist() + [0] * k,
        "assessment_tribunal": c["ass_tribunal"][a].tolist() + [0] * k,
        "week20": _flags(c["week20"][a]) + [0] * k,
        "request_id": c["request_id"][a].tolist() + x["request_id"].tolist(),
    }
    plan = c["has_plan"]
    tables["named_plan"] = {
        "named_plan_id": c["named_plan_id"][plan].tolist(),
        "assessment_id": c["assessment_id"][plan].tolist(),
        "start_date": date(c["start"][plan]),
        "pb": c["pb"][plan].tolist(),
        "cease_date": date(c["cease"][plan]),
        "cease_reason": [r or None for r in c["cease_reason"][plan].tolist()],
    }
    act = c["active"]
    transfer = c["transfer"][act]
    tables["active_plans"] = {
        "active_plan_id": c["active_plan_id"][act].tolist(),
        "request_id": c["request_id"][act].tolist(),
        "transfer_la": [f"{t:03d}" if t else None for t in transfer.tolist()],
        "review_meeting": date(c["review_meeting"][act]),
        "last_review": date(c["last_review"][act]),
    }
    # SEN need: rank 1 for every active plan, rank 2 where recorded, grouped by plan.
    plan_ids = c["active_plan_id"][act]
    need1, need2 = c["need1"][act], c["need2"][act]
    has2 = need2 >= 0
    rows_per_plan = 1 + has2.astype(np.int64)
    total = int(rows_per_plan.sum())
    first = np.cumsum(rows_per_plan) - rows_per_plan
    types = np.empty(total, np.int64)
    ranks = np.ones(total, np.int64)
    owners = np.repeat(plan_ids, rows_per_plan)
    types[first] = need1
    types[first[has2] + 1] = need2[has2]
    ranks[first[has2] + 1] = 2
    tables["sen_need"] = {
        "sen_need_id": (data.first_need_id + np.arange(total)).tolist(),
        "active_plan_id": owners.tolist(),
        "sen_type": _codes(_NEED_CODES, types),
        "sen_type_rank": ranks.tolist(),
    }
    return tables


def _apply_overrides(tables: Tables, overrides: list[tuple[str, str, int, Any]]) -> None:
    for table, column, row, value in overrides:
        tables[table][column][row] = value


_LOWER_CASE = {
    "requests": ("request_outcome",),
    "assessment": ("assessment_outcome",),
    "sen_need": ("sen_type",),
    "person": ("upn_unknown",),
}
_DATE_VARIANTS = {
    "requests": ("received_date", "request_outcome_date"),
    "assessment": ("assessment_outcome_date",),
}


def _apply_variants(tables: Tables, rng: np.random.Generator) -> None:
    """Valid but untidy cells, as LA spreadsheets have: text and serial dates, lower-case codes,
    Week20 as Yes/No."""
    for table, columns in _DATE_VARIANTS.items():
        for column in columns:
            values = tables[table][column]
            for i in np.flatnonzero(rng.random(len(values)) < 0.03).tolist():
                d = values[i]
                if not isinstance(d, datetime.date):
                    continue
                form = int(rng.integers(3))
                if form == 0:
                    values[i] = d.strftime("%d/%m/%Y")
                elif form == 1:
                    values[i] = f"{d.year:04d}-{_MONTHS[d.month - 1]}-{d.day:02d} 00:00:00"
                else:
                    values[i] = (d - _EXCEL_EPOCH).days
    for table, columns in _LOWER_CASE.items():
        for column in columns:
            values = tables[table][column]
            for i in np.flatnonzero(rng.random(len(values)) < 0.02).tolist():
                if isinstance(values[i], str) and values[i] != "X":
                    values[i] = values[i].lower()
    week20 = tables["assessment"]["week20"]
    words = {1: ("Yes", "Y"), 0: ("No", "N")}
    for i in np.flatnonzero(rng.random(len(week20)) < 0.03).tolist():
        if week20[i] in words:
            week20[i] = words[week20[i]][int(rng.integers(2))]


def _header(module: str, column: str, blade: bool) -> str:
    alias = MODULES[module].field(column).aliases[0]
    return alias.lower() if blade else alias


def _ordered(module: str, columns: dict[str, list[Any]]) -> list[str]:
    """The columns present, in the module's field order."""
    return [f.name for f in MODULES[module].fields if f.name in columns]


# --------------------------------------------------------------------------------------------
# Writers


def _write_workbook(path: Path, tables: Tables, title: str, snapshot: datetime.date) -> None:
    """One sheet per module, title rows above the Requests header, byte-identical on rerun.

    openpyxl (without lxml) spends ~25 µs a cell, 25 s for the ``large`` workbook; this writes the
    few SpreadsheetML parts directly (~1 µs a cell). Text is written as inline strings and dates as
    serial numbers with a date format, exactly what Excel, openpyxl and calamine expect.
    """
    sheets: list[tuple[str, list[list[Any]]]] = []
    for module, sheet_name in SHEETS.items():
        columns = tables[module]
        names = _ordered(module, columns)
        rows: list[Any] = [[title], []] if module == "requests" else []
        rows.append([_header(module, n, blade=False) for n in names])
        rows.extend(zip(*(columns[n] for n in names), strict=True))
        sheets.append((sheet_name, rows))
    stamp = f"{snapshot.isoformat()}T00:00:00Z"
    parts: list[tuple[str, str]] = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/app.xml", _APP),
        ("docProps/core.xml", _CORE.format(title=_xml_text(title), stamp=stamp)),
        ("xl/workbook.xml", _workbook_xml([name for name, _ in sheets])),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        ("xl/styles.xml", _STYLES),
    ]
    parts += [
        (f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows))
        for i, (_, rows) in enumerate(sheets, start=1)
    ]
    date_time = (snapshot.year, snapshot.month, snapshot.day, 0, 0, 0)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            entry = zipfile.ZipInfo(name, date_time=date_time)  # fixed stamp: same bytes each run
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, text.encode("utf-8"))
    os.replace(tmp, path)


_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ROOT_RELS = (
    f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_NS_PKG_REL}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_NS_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{_XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>SEND dashboard demo generator</Application>'
    "</Properties>"
)
_CORE = (
    f'{_XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator>SEND dashboard demo generator</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
    "</cp:coreProperties>"
)
# Style 0: general; style 1: dates (custom format 164, as openpyxl writes them).
_STYLES = (
    f'{_XML_DECL}<styleSheet xmlns="{_NS_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)


def _content_types(n_sheets: int) -> str:
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{sml}.worksheet+xml"/>'
        for i in range(1, n_sheets + 1)
    )
    return (
        f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{sml}.styles+xml"/>{sheets}'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _workbook_xml(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    return (
        f'{_XML_DECL}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(n_sheets: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_NS_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n_sheets + 1)
    )
    return (
        f'{_XML_DECL}<Relationships xmlns="{_NS_PKG_REL}">{rels}'
        f'<Relationship Id="rId{n_sheets + 1}" Type="{_NS_REL}/styles" '
        'Target="styles.xml"/></Relationships>'
    )


def _xml_text(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(rows: list[Any]) -> str:
    """A worksheet part: ints as numbers, dates as serials with the date style, text inline."""
    width = max((len(r) for r in rows), default=1)
    letters = [_column_letter(i) for i in range(width)]
    epoch = _EXCEL_EPOCH.toordinal()
    out = [
        f'{_XML_DECL}<worksheet xmlns="{_NS_MAIN}">'
        f'<dimension ref="A1:{letters[-1]}{max(len(rows), 1)}"/><sheetData>'
    ]
    for number, row in enumerate(rows, start=1):
        cells = []
        for letter, value in zip(letters, row, strict=False):
            if value is None:
                continue
            kind = type(value)
            if kind is int:
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            elif kind is datetime.date:
                serial = value.toordinal() - epoch
                cells.append(f'<c r="{letter}{number}" s="1"><v>{serial}</v></c>')
            else:
                cells.append(
                    f'<c r="{letter}{number}" t="inlineStr"><is><t>'
                    f"{_xml_text(str(value))}</t></is></c>"
                )
        out.append(f'<row r="{number}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def _write_national(folder: Path, seed: int, snapshot: datetime.date) -> Counter[str]:
    """The Blade CSV set for 153 LAs, streamed one LA at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("Blade-Export_*.csv"):
        old.unlink()
    stamp = snapshot.strftime("%d-%m-%Y")
    profiles = _national_profiles(seed)
    codes = [p.code for p in profiles]
    win = _Window.of(snapshot)
    renderer = _DateRenderer(snapshot, blade=True)
    ids = dict(_ID_BASE)
    faults: Counter[str] = Counter()
    with _BladeSet(folder, stamp) as out:
        for index, profile in enumerate(profiles):
            rng = np.random.default_rng(np.random.SeedSequence([seed, 3, index]))
            sen2_id = _ID_BASE["sen2"] + index
            data = _simulate_la(profile, rng, win, ids, sen2_id, codes, min_one_fault=False)
            tables = _build_tables(data, renderer, with_sen2=True)
            tables["sen2"] = {
                "sen2_id": [sen2_id],
                "la_code": [profile.code],
                "reference_date": [renderer.one(win.snapshot)],
                "collection_year": [snapshot.year],
            }
            _apply_overrides(tables, data.overrides)
            out.write(tables)
            faults.update(data.faults)
    return faults


class _BladeSet:
    """Seven open Blade CSV files, headers written once, rows appended per LA."""

    def __init__(self, folder: Path, stamp: str):
        self.folder, self.stamp = folder, stamp
        self.files: dict[str, Any] = {}
        self.writers: dict[str, Any] = {}
        self.columns: dict[str, list[str]] = {}

    def __enter__(self) -> _BladeSet:
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self.files.values():
            handle.close()

    def write(self, tables: Tables) -> None:
        for module, columns in tables.items():
            if module not in self.writers:
                path = self.folder / f"Blade-Export_{self.stamp}_{BLADE_FILES[module]}.csv"
                handle = path.open("w", encoding="utf-8", newline="")
                self.files[module] = handle
                self.writers[module] = csv.writer(handle)
                self.columns[module] = _ordered(module, columns)
                self.writers[module].writerow(
                    [_header(module, n, blade=True) for n in self.columns[module]]
                )
            self.writers[module].writerows(
                zip(*(columns[n] for n in self.columns[module]), strict=True)
            )
