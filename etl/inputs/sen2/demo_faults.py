"""Plant deliberate data-quality faults in one simulated LA, for the loader to catch.

About 0.05% of request rows per kind (:data:`FAULT_RATE`), and at least one of each kind at
``la`` and ``large`` scale; the national set gets the same kinds spread over its LAs. Each fault
sits on a row that is otherwise quiet, so the loader's count of each can be checked exactly.

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
"""

from __future__ import annotations

import datetime

import numpy as np

from etl.inputs.sen2.demo_simulate import REQ_N, REQ_Y, LaData, Window

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


def _fault_count(rng: np.random.Generator, rows: int, min_one: bool) -> int:
    expected = FAULT_RATE * rows
    if min_one:
        return max(1, round(expected))
    return int(expected + rng.random())  # stochastic rounding: right on average over many LAs


def plant_faults(
    rng: np.random.Generator, data: LaData, win: Window, ids: dict[str, int], min_one: bool
) -> None:
    """Plant the nine fault kinds (module docstring) on distinct, otherwise quiet rows; count them
    in ``data.faults`` and note cell overrides in ``data.overrides``."""
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
