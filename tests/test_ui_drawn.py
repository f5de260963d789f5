"""ui.drawn: a chart is drawn once for the same rows (issue 11), and never handed to a caller
whose rows, drawing function or settings differ."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from ui import charts, drawn

CALLS: list[tuple[str, object]] = []


def counted(rows: pd.DataFrame, colour: str = "blue") -> go.Figure:
    """A module-level drawing function that records each drawing."""
    CALLS.append(("counted", colour))
    return go.Figure(go.Bar(x=list(rows["month"]), y=list(rows["n"]), marker={"color": colour}))


@pytest.fixture(autouse=True)
def empty() -> Iterator[None]:
    drawn.clear()
    CALLS.clear()
    yield
    drawn.clear()


def _rows(*counts: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"month": [f"2026-{m:02d}" for m in range(1, len(counts) + 1)], "n": list(counts)}
    )


def test_the_same_rows_are_drawn_once_and_the_figure_reused() -> None:
    first = drawn.figure(counted, _rows(3, 4))
    again = drawn.figure(counted, _rows(3, 4))  # equal rows, a new frame
    assert again is first
    assert CALLS == [("counted", "blue")]


@pytest.mark.parametrize(
    "other",
    [
        _rows(3, 5),  # a value
        _rows(3, 4, 0),  # a row more
        _rows(3, 4).rename(columns={"n": "plans"}).assign(n=[3, 4]),  # a column more
        _rows(3, 4).astype({"n": "float64"}),  # a type
        _rows(3, 4).set_axis([5, 6]),  # the index
        pd.DataFrame({"month": ["2026-01", "2026-02"], "n": ["c", 4]}, dtype=object),  # publish
    ],
)
def test_different_rows_are_drawn_again(other: pd.DataFrame) -> None:
    drawn.figure(counted, _rows(3, 4))
    figure = drawn.figure(counted, other)
    assert len(CALLS) == 2
    assert list(figure.data[0].y) == list(other["n"])


def test_partials_are_kept_by_their_arguments() -> None:
    rows = _rows(1, 2)
    red = drawn.figure(functools.partial(counted, colour="red"), rows)
    assert drawn.figure(functools.partial(counted, colour="red"), rows) is red
    green = drawn.figure(functools.partial(counted, colour="green"), rows)
    assert green.data[0].marker.color == "green"
    assert CALLS == [("counted", "red"), ("counted", "green")]


def test_lambdas_nested_functions_and_unhashable_arguments_are_drawn_every_time() -> None:
    rows = _rows(1, 2)

    def nested(frame: pd.DataFrame) -> go.Figure:
        return counted(frame, "purple")

    for draw in (
        lambda frame: counted(frame, "orange"),
        nested,
        functools.partial(counted, colour=["red", "red"]),  # type: ignore[arg-type]
    ):
        drawn.figure(draw, rows)
        drawn.figure(draw, rows)
    assert [colour for _, colour in CALLS] == ["orange"] * 2 + ["purple"] * 2 + [["red", "red"]] * 2


def test_rows_that_cannot_be_pickled_are_drawn_every_time() -> None:
    rows = _rows(1, 2).assign(extra=[lambda: 1, lambda: 2])
    drawn.figure(counted, rows)
    drawn.figure(counted, rows)
    assert len(CALLS) == 2


def test_a_figure_drawn_under_other_settings_is_drawn_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = pd.DataFrame(
        {
            "weeks_to_issue": [10, 21],
            "plans_issued": [4, 2],
            "within_20_weeks": [4, 0],
            "after_20_weeks": [0, 2],
        }
    )
    default = drawn.figure(charts.weeks_to_issue, rows)
    config = tmp_path / "settings.toml"
    config.write_text("[thresholds]\nwithin_days = 70\n", encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(config))
    shorter = drawn.figure(charts.weeks_to_issue, rows)
    assert shorter is not default
    assert shorter.to_json() == charts.weeks_to_issue(rows).to_json()
    assert shorter.to_json() != default.to_json()


def test_only_the_latest_figures_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawn, "MAX_FIGURES", 2)
    for n in (1, 2, 3):
        drawn.figure(counted, _rows(n))
    drawn.figure(counted, _rows(3))  # kept
    drawn.figure(counted, _rows(1))  # the oldest, gone: drawn again
    assert len(CALLS) == 4
