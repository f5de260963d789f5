"""The published files this tool knows, as data: which file holds which measure in which column.

A :class:`Dataset` says how to recognise a file by its name and which :class:`Column` holds each
measure (value, and the numerator / denominator where published). What a measure means — title,
unit, decimals, polarity, definition — is its :mod:`etl.catalogue` entry of the same key.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from etl.catalogue import CATALOGUE, Metric, Polarity


@dataclass(frozen=True)
class Measure:
    """A published measure as the Benchmarking page groups it; what it means is the catalogue's
    entry of the same key (:mod:`etl.catalogue`)."""

    key: str
    group: str

    # Read from the catalogue, never stored here, so a title or definition has one home.
    @property
    def metric(self) -> Metric:
        """The catalogue entry of this measure."""
        return CATALOGUE[self.key]

    @property
    def title(self) -> str:
        """The title the published figure is shown under (DfE's wording)."""
        return self.metric.shown_published_title

    @property
    def definition(self) -> str:
        """What the published figure counts (DfE's wording)."""
        return self.metric.shown_published_definition

    @property
    def unit(self) -> str:
        """The unit: "%" or "count"."""
        return self.metric.unit

    @property
    def polarity(self) -> Polarity:
        """Which direction is better; neutral measures are not ranked."""
        return self.metric.polarity

    @property
    def decimals(self) -> int:
        """Decimal places the figure is published and compared to."""
        return self.metric.decimals


# The published measures in the order the page, the CLI and the JSON list them, by group.
MEASURES: dict[str, Measure] = {
    key: Measure(key, group)
    for group, keys in (
        (
            "Timeliness",
            (
                "pct_within_20_weeks_excl_exceptions",
                "pct_within_20_weeks",
                "pct_20_weeks_to_1_year",
                "pct_over_1_year",
                "pct_20_weeks_to_1_year_excl_exceptions",
                "pct_over_1_year_excl_exceptions",
                "plans_issued",
            ),
        ),
        (
            "Requests and assessments",
            (
                "requests_received",
                "pct_agreed_to_assess",
                "pct_decisions_within_6_weeks",
                "pct_assessments_plan_issued",
            ),
        ),
        (
            "Caseload",
            (
                "plans_in_place",
                "new_plans",
                "plans_ceased",
            ),
        ),
        (
            "Annual reviews",
            ("pct_annual_review_decisions_within_4_weeks",),
        ),
        (
            "Tribunals",
            ("tribunal_appeal_rate",),
        ),
    )
    for key in keys
}

# Primary need codes in the need-mix files, with DfE's labels.
NEEDS = {
    "asd": "Autistic spectrum disorder",
    "hi": "Hearing impairment",
    "mld": "Moderate learning difficulty",
    "msi": "Multi-sensory impairment",
    "oth": "Other difficulty or disability",
    "pd": "Physical disability",
    "pmld": "Profound and multiple learning difficulty",
    "semh": "Social, emotional and mental health",
    "slcn": "Speech, language and communication needs",
    "sld": "Severe learning difficulty",
    "spld": "Specific learning difficulty",
    "vi": "Visual impairment",
    "unknown": "Need not yet assessed or unknown",
}
NEED_MEASURES = {
    "sen_needs_all_plans": "need_mix_all_plans",
    "sen_need_newplans": "need_mix_new_plans",
}


@dataclass(frozen=True)
class Column:
    """A measure taken from one EES file: value column and, if published, its counts."""

    measure: str
    value: str
    numerator: str | None = None
    denominator: str | tuple[str, ...] | None = None  # a tuple is summed


@dataclass(frozen=True)
class Dataset:
    """A published file we know, how to find it and what it holds."""

    key: str
    pattern: str  # regex on the normalised file stem
    title: str
    kind: str  # "ees", "tribunals", "neighbours", "neighbours_dfe", "exclusions_la", …
    columns: tuple[Column, ...] = ()
    headline_topic: bool = True  # only rows whose breakdown_topic is "All …" (or = breakdown)
    release_rank: int = 2  # which wins when two files give the same figure (higher wins)
    suffix: str = ".csv"  # the file type (DfE's statistical neighbours come as a workbook)


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "timeliness_20_week",
        r"timeliness_20_week",
        "EHC plans issued within 20 weeks",
        "ees",
        (
            Column(
                "pct_within_20_weeks_excl_exceptions",
                "pc_plans_issued_20_weeks_ex",
                "plans_issued_20_weeks_ex",
                "plans_issued_den_ex",
            ),
            Column(
                "pct_within_20_weeks",
                "pc_plans_issued_within_20_weeks",
                "plans_issued_within_20_weeks",
                "plans_issued_den",
            ),
            Column(
                "pct_20_weeks_to_1_year",
                "pc_plans_issued_gt20weeks_ltyear",
                "plans_issued_gt20weeks_ltyear",
                "plans_issued_den",
            ),
            Column(
                "pct_over_1_year",
                "pc_plans_issued_gt_1_year",
                "plans_issued_gt_1_year",
                "plans_issued_den",
            ),
            Column(
                "pct_20_weeks_to_1_year_excl_exceptions",
                "pc_plans_issued_gt20weeks_ltyear_ex",
                "plans_issued_gt20weeks_ltyear_ex",
                "plans_issued_den_ex",
            ),
            Column(
                "pct_over_1_year_excl_exceptions",
                "pc_plans_issued_gt_1_year_ex",
                "plans_issued_gt_1_year_ex",
                "plans_issued_den_ex",
            ),
            Column("plans_issued", "plans_issued_den"),
        ),
    ),
    Dataset(
        "requests",
        r"requests",
        "Requests for EHC needs assessment",
        "ees",
        (
            Column("requests_received", "requests_received_in_year"),
            Column(
                "pct_agreed_to_assess",
                "request_assess_pc",
                "requests_decided_to_assess",
                "requests_received_in_year",
            ),
            Column(
                "pct_decisions_within_6_weeks",
                "request_outcome_six_weeks_pc",
                "request_outcome_six_weeks",
                ("request_outcome_six_weeks", "request_outcome_over_6_weeks"),
            ),
        ),
    ),
    Dataset(
        "assessments",
        r"assessments",
        "EHC needs assessments",
        "ees",
        (
            Column(
                "pct_assessments_plan_issued", "assess_issued_pc", "assess_issued", "assess_in_year"
            ),
        ),
    ),
    Dataset(
        "caseload",
        r"caseload",
        "EHC plans in place (January)",
        "ees",
        (Column("plans_in_place", "ehcplans"),),
    ),
    Dataset(
        "sen_needs_all_plans",
        r"sen_needs?_all_plans",
        "Primary need of all EHC plans",
        "ees",
    ),
    Dataset(
        "sen_need_newplans",
        r"sen_needs?_new_?plans",
        "Primary need of new EHC plans",
        "ees",
    ),
    Dataset(
        "annual_reviews",
        r"annual_reviews",
        "Annual reviews",
        "ees",
        (
            Column(
                "pct_annual_review_decisions_within_4_weeks",
                "pc_decsion_4weeks",
                "number_decsion_4weeks",
                ("number_decsion_4weeks", "number_decision_gt_4weeks"),
            ),
        ),
    ),
    Dataset(
        "newplans",
        r"newplans",
        "New EHC plans by placement",
        "ees",
        (Column("new_plans", "new_ehc_plans"),),
    ),
    Dataset(
        "ceased_plans",
        r"ceased_plans",
        "EHC plans ceased",
        "ees",
        (Column("plans_ceased", "total_ceased"),),
    ),
    Dataset(
        "sen2_mi",
        r"sen2_mi(_\d{4}_\d{4})?",
        "SEN2 historic series 2014–2022",
        "ees",
        (
            Column(
                "pct_within_20_weeks_excl_exceptions",
                "no_exc_20week_rate",
                "no_exc_20week_ehc",
                "tot_no_exc_ehc",
            ),
            Column(
                "pct_within_20_weeks",
                "inc_exc_20week_rate",
                "inc_exc_20week_ehc",
                "tot_inc_exc_ehc",
            ),
            Column("plans_issued", "tot_inc_exc_ehc"),
            Column("requests_received", "inreq_ehc"),
        ),
        headline_topic=False,
        release_rank=1,
    ),
    Dataset(
        "tribunals",
        r".*tribunal.*appeal.*rate.*",
        "SEND Tribunal appeal rate",
        "tribunals",
    ),
    Dataset("stat_neighbours", r".*stat.*neighbou?rs?.*", "Statistical neighbours", "neighbours"),
    # Issue 13: DfE's own statistical-neighbour set as LAIT uses it (sn_may_2025.xlsx).
    Dataset(
        "dfe_neighbours",
        r"sn_[a-z]+_\d{4}",
        "DfE statistical neighbours",
        "neighbours_dfe",
        suffix=".xlsx",
    ),
    # Issue 13: exclusion rates by SEN provision (etl.published.exclusions).
    Dataset(
        "la_exclusions_by_sen",
        r"la_exclusions_by_sen_termly(_\d{6}_\d{6})?",
        "Suspensions and permanent exclusions by SEN provision, LA by term",
        "exclusions_la",
    ),
    Dataset(
        "exclusions_national",
        r"exclusions_national_characteristics(_\d{6}_\d{6})?",
        "Exclusions by pupil characteristic, England 2011/12–2016/17",
        "exclusions_national",
    ),
)
DATASET_BY_KEY = {d.key: d for d in DATASETS}


def _stem(path: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_")


def dataset_for(path: Path) -> Dataset | None:
    """Which dataset a file is, by its name (``timeliness_20_week.csv``, ``…_2025.csv``)."""
    stem = _stem(path)
    for dataset in DATASETS:
        if path.suffix.lower() != dataset.suffix:
            continue
        if re.fullmatch(rf"{dataset.pattern}(_\d{{4}})?", stem):
            return dataset
    return None


def find_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Known published files anywhere under ``folder``; when one dataset is found twice, the
    copy covering the latest period wins, and a note says which was used."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            dataset = dataset_for(path)
            if dataset:
                found[dataset.key].append(path)
    chosen: dict[str, Path] = {}
    notes: list[str] = []
    for key, paths in found.items():
        best = (
            paths[0]
            if len(paths) == 1
            else max(paths, key=lambda p: (_latest_period_text(p), p.stat().st_mtime))
        )
        chosen[key] = best
        if len(paths) > 1:
            others = ", ".join(str(p) for p in paths if p != best)
            notes.append(f"{key}: {len(paths)} copies found; used {best} (not {others})")
    return chosen, notes


def _latest_period_text(path: Path) -> str:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = find_header([next(reader, [])], ["time_period"])
            if header.missing:
                return ""
            index = header.columns["time_period"]
            return max((row[index] for row in reader if len(row) > index), default="")
    except (OSError, UnicodeDecodeError, csv.Error):
        return ""


def release_label(dataset: Dataset, release_year: int) -> str:
    """The release a file belongs to. EHC plan statistics are published each June, covering
    the previous calendar year and the January caseload of the same year."""
    if dataset.key == "sen2_mi":
        return f"DfE EES 'Education, health and care plans' {release_year} release (sen2_mi)"
    if dataset.key == "tribunals":
        return f"MoJ / DfE SEND Tribunal appeal rate 2014–{release_year}"
    return f"DfE EES 'Education, health and care plans' {release_year} release"


@dataclass(frozen=True)
class HeaderMatch:
    """Where a table's header row is and which position each wanted column has."""

    row: int  # index of the header row among the rows searched
    columns: dict[str, int]  # matched header text (lower case) -> position
    missing: list[str]


def find_header(
    rows: Sequence[Sequence[str]], required: Collection[str], search_rows: int = 1
) -> HeaderMatch:
    """The published header matcher (one for every publication): cells are compared in lower
    case with spaces and a byte-order mark stripped, since header case changes between
    releases. The first of ``search_rows`` rows holding every ``required`` column is the
    header; if none does, the first row, with what it lacks in ``missing``."""
    first: HeaderMatch | None = None
    for index, row in enumerate(rows[:search_rows]):
        columns = {cell.strip().lstrip("\ufeff").strip().lower(): i for i, cell in enumerate(row)}
        match = HeaderMatch(index, columns, sorted(set(required) - set(columns)))
        if not match.missing:
            return match
        first = first or match
    return first or HeaderMatch(0, {}, sorted(required))
