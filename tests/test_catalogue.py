"""The metric catalogue (etl/catalogue.py): every key the code uses exists, units and decimals are
sane, and a published measure shares its key and meaning with our own figure of it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from etl import catalogue, published
from etl.catalogue import CATALOGUE, TERMS, Polarity, Unit
from ui.formatting import COLUMNS

REPO = Path(__file__).resolve().parent.parent


def test_keys_are_unique_and_match_entries() -> None:
    assert all(key == m.key for key, m in CATALOGUE.items())
    assert len({t.key for t in TERMS}) == len(TERMS)


@pytest.mark.parametrize("metric", list(CATALOGUE.values()), ids=list(CATALOGUE))
def test_every_entry_is_complete_and_sane(metric: catalogue.Metric) -> None:
    assert metric.title and metric.short_label and metric.definition and metric.source
    assert metric.unit in get_args(Unit) and metric.polarity in get_args(Polarity)
    # Counts are whole numbers; percentages 1 dp (DESIGN §4) except where a source publishes 2.
    assert 0 <= metric.decimals <= 2
    if metric.unit == "count":
        assert metric.decimals == 0
    if metric.unit == "%":
        assert metric.numerator and metric.denominator, "a percentage says what it divides"
    else:
        assert not metric.numerator and not metric.denominator


def test_ehcp_kpi_keys_are_all_in_the_catalogue() -> None:
    # The CLI / dashboard KPI payload keys (besides year and as-at date) are catalogue keys. The
    # keys are read from the source so a new KPI without an entry fails here.
    source = (REPO / "etl" / "metrics.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'^\s+"([a-z0-9_]+)": ', source, re.MULTILINE)) - {"year", "as_of"}
    assert keys and keys <= set(CATALOGUE), keys - set(CATALOGUE)


def test_published_measures_are_catalogue_metrics() -> None:
    for key, measure in published.MEASURES.items():
        metric = CATALOGUE[key]
        assert (measure.unit, measure.polarity, measure.decimals) == (
            metric.unit,
            metric.polarity,
            metric.decimals,
        )
        assert measure.title == metric.shown_published_title
        assert measure.definition == metric.shown_published_definition
    for dataset in published.DATASETS:
        for column in dataset.columns:
            assert column.measure in CATALOGUE, (dataset.key, column.measure)


def test_shared_keys_agree_between_local_and_published() -> None:
    # Our figure and DfE's of the same measure share a key, unit, polarity and decimals, and the
    # catalogue says where each comes from.
    shared = {"pct_within_20_weeks_excl_exceptions", "pct_within_20_weeks", "plans_issued"}
    assert shared <= set(published.MEASURES)
    for key in shared | {"pct_decisions_within_6_weeks"}:
        assert catalogue.SEN2 in CATALOGUE[key].source and "DfE" in CATALOGUE[key].source


def test_benchmark_headline_and_table_columns_use_catalogue_keys() -> None:
    from etl import benchmark

    assert set(benchmark.HEADLINE_MEASURES) <= set(CATALOGUE)
    for key in ("pct_within_20_weeks", "pct_within_20_weeks_excl_exceptions", "plans_issued"):
        assert COLUMNS[key].label == CATALOGUE[key].short_label


def test_accessors() -> None:
    assert catalogue.title("plans_issued") == "EHC plans issued"
    assert catalogue.label("pct_within_20_weeks") == "% within 20 weeks (including exceptions)"
    assert catalogue.metric("tribunal_appeal_rate").decimals == 2
    with pytest.raises(KeyError):
        catalogue.metric("no_such_metric")


def test_definitions_carry_the_design_thresholds() -> None:
    # DESIGN §4: 20 weeks = 140 days, week 14 = 98 days, 6 weeks = 42 days, a year = 365 days.
    text = " ".join(m.definition for m in CATALOGUE.values())
    for days in ("140 days", "98 days", "42 days", "365 days"):
        assert days in text


def test_every_polarity_reads_in_words() -> None:
    assert set(catalogue.POLARITY_WORDS) == set(get_args(Polarity))


def test_kpi_tiles_and_their_counts_are_catalogue_metrics() -> None:
    from ui.components import KPI_COUNTS

    for key, (numerator, denominator, _noun) in KPI_COUNTS.items():
        assert {key, numerator, denominator} <= set(CATALOGUE)
