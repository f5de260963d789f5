"""The 12-month review pack's content (etl/packs/review.py) on a hand-made tracker and the golden
SEN2 fixture (tests/golden_fixture.py), with every expected figure worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl import commentary
from etl.packs import review
from etl.packs.model import ActionTable, Face, Table, Text
from etl.store import Warehouse
from etl.warehouse import run_load
from tests import golden_fixture as g
from tests import sen2_builders as b
from tests import tracker_builders as tb

AREA_2 = "Area 2: accuracy and timeliness of EHC plans"
AREA_3 = "Area 3: joint commissioning"
NOW = dt.date(2024, 12, 31)  # the figures' as-at date
BASELINE = "30/06/2024"

# The action log (tests/tracker_builders.py ACTIONS, report date D = 31/03/2026) plus 3.3: due
# 30/09/2026, "On track", but given a revised date of 31/12/2026 → re-dated → behind schedule.
#   2.1 due 28/02/2026, 40%        → due date passed              → Behind schedule
#   2.2 due 10/04/2026 In progress → Amber                        → In progress
#   3.1 "Complete"                 → Complete                     → Completed
#   3.2 due 30/09/2026 On track    → Green                        → In progress
#   3.3 due 30/09/2026, revised 31/12/2026                        → Behind schedule
ACTIONS = [
    *tb.ACTIONS,
    (
        "3.3",
        AREA_3,
        "Agree a pooled budget",
        "Finance partner",
        tb.d("30/09/2026"),
        "On track",
        "Awaiting the ICB's budget round",
        "Interim agreement",
        tb.d("31/12/2026"),
    ),
]
# KPI links (the KPIs sheet; Excel rows 3, 4, 5):
LINKS = [
    # 2.1 → % within 20 weeks (including exceptions); no baseline value: from our data at
    # 30/06/2024; target 70.
    ("2.1", None, "pct_within_20_weeks", None, BASELINE, None, 70, None),
    # "Area 3" → open requests at risk; baseline 4 typed in; no target here ([targets] gives 0).
    (None, "Area 3", "open_at_risk", None, BASELINE, 4, None, None),
    # an action the plan does not have → listed apart
    ("9.1", None, "open_requests", None, BASELINE, 5, 2, None),
]


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)
    toml = tmp_path / "settings.toml"
    toml.write_text("[targets]\nopen_at_risk = 0\n", encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(toml))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    plan = tb.write_action_log(tmp_path / "actions.xlsx", ACTIONS, report_date=tb.D1)
    tb.add_kpis_sheet(plan, LINKS)
    run_load(
        [g.write_workbook(tmp_path / "sen2.xlsx"), plan, tb.golden_period_1(tmp_path / "hr.xlsx")],
        folder,
    )
    return folder


def _content(folder: Path, mode: str = "internal") -> review.ReviewContent:
    with Warehouse.at(folder) as w:
        return review.gather(w, mode, as_of=NOW)  # type: ignore[arg-type]


def _area(content: review.ReviewContent, name: str) -> review.Area:
    [area] = [a for a in content.areas if a.name == name]
    return area


def test_actions_land_in_completed_in_progress_and_behind(data: Path) -> None:
    content = _content(data)
    area2, area3 = _area(content, AREA_2), _area(content, AREA_3)
    refs = {s: [a.ref for a in area2.by_status(s)] for s in review.STATUSES}
    assert refs == {
        "Behind schedule": ["2.1"],
        "In progress": ["2.2"],
        "Not started": [],
        "Completed": [],
    }
    refs = {s: [a.ref for a in area3.by_status(s)] for s in review.STATUSES}
    assert refs == {
        "Behind schedule": ["3.3"],
        "In progress": ["3.2"],
        "Not started": [],
        "Completed": ["3.1"],
    }
    [behind_21] = area2.by_status("Behind schedule")
    assert (behind_21.reason, behind_21.mitigation, behind_21.revised, behind_21.lead) == (
        "The case system change took the team's time",
        "Supplier days bought; pathway goes live in June",
        tb.d("30/06/2026"),
        "Head of SEND",
    )
    # The action-log plan is reported by its actions only; the highlight report (no action
    # log) by its milestones, grouped by workstream.
    assert {a.plan for a in content.areas} == {"Improvement plan", "Inclusion Programme"}


def test_what_is_different_now_internal(data: Path) -> None:
    content = _content(data)
    [k] = _area(content, AREA_2).kpis
    # Baseline from our data, 2024 to 30 Jun 2024: issued R4 (140 ✓), R1 (133 ✓), R3 (141 ✗),
    # R5 (375 ✗), R2 (139 ✓) → 3 of 5 = 60.0%. Now, 2024 to 31 Dec: R7 too (236 ✗) → 3 of 6
    # = 50.0%. Change 50.0 − 60.0 = −10.0 points; target 70: missed by 20 > 5 points → Red.
    assert (k.linked_to, k.baseline, k.baseline_source, k.now, k.change) == (
        "2.1",
        60.0,
        "our data",
        50.0,
        -10.0,
    )
    assert (k.baseline_period, k.now_period) == ("1 Jan to 30 Jun 2024", "2024")
    assert (k.target, k.target_source) == (70.0, "the plan")
    assert k.against_target == "✗ Red: target 70.0% not met"
    [k] = _area(content, AREA_3).kpis
    # Open at 31/12/2024: R8 (received 02/09: 28+31+30+31 = 120 days, at risk: > 98, ≤ 140),
    # R9 (29 days), R13 (91 days) → 1 at risk. Baseline 4 (the plan); change 1 − 4 = −3.
    # Target 0 from [targets]; lower is better, missed by 1 > 0.1 × 0 → Red.
    assert (k.linked_to, k.baseline, k.baseline_source, k.now, k.change) == (
        "Area 3",
        4,
        "the plan",
        1,
        -3.0,
    )
    assert (k.target, k.target_source, k.against_target) == (
        0.0,
        "settings",
        "✗ Red: target 0 not met",
    )
    [k] = _area(content, review.UNMATCHED_AREA).kpis
    # Open at 31/12/2024: R8, R9, R13 → 3; 3 − 5 = −2. Open requests are neutral (neither
    # higher nor lower is better): the target is stated with no RAG.
    assert (k.linked_to, k.now, k.change, k.against_target) == (
        "9.1",
        3,
        -2.0,
        "target 2 (no RAG: neither higher nor lower is better)",
    )


def test_publish_mode_suppresses_the_small_figures(data: Path) -> None:
    content = _content(data, "publish")
    [k] = _area(content, AREA_2).kpis
    # 3 of 5 and 3 of 6: bases under 20 → "c"; the change and the RAG cannot be shown either.
    assert (k.baseline, k.now, k.change) == ("c", "c", "c")
    assert k.against_target == "figure suppressed (small numbers)"
    [k] = _area(content, AREA_3).kpis
    # 1 child at risk → "c"; the typed baseline 4 is a count of children too → "c".
    assert (k.baseline, k.now, k.change) == ("c", "c", "c")


def test_commentary_for_the_months_of_the_report_and_the_figures(data: Path) -> None:
    commentary.record(
        data,
        kind="action",
        subject="2.1",
        period="2026-03",
        author="HoS",
        text="Pathway live in June",
    )
    commentary.record(
        data,
        kind="action",
        subject="2.2",
        period="2026-02",
        author="HoS",
        text="an earlier month: not this review's",
    )
    commentary.record(
        data,
        kind="measure",
        subject="pct_within_20_weeks",
        period="2024-12",
        author="PM",
        text="Two plans late",
    )
    area = _area(_content(data), AREA_2)
    assert [(a.ref, a.commentary[:20]) for a in area.actions] == [
        ("2.1", "Pathway live in June"),
        ("2.2", ""),
    ]
    assert area.kpis[0].commentary.startswith("Two plans late (PM, ")


def test_risks_open_highest_score_first(data: Path) -> None:
    content = _content(data)
    # 3 × 4 = 12; R-02: "Likelihood & Impact" 6; I-01: no score. Dependencies left out.
    assert [(r["ref"], r["score"]) for r in content.risks] == [
        ("R-01", 12),
        ("R-02", 6),
        ("I-01", None),
    ]


def test_pack_sections_and_blocks(data: Path) -> None:
    with Warehouse.at(data) as w:
        face = Face(
            "review",
            "12-month review",
            "publish",
            "Test LA",
            "as at 31 Dec 2024",
            "1",
            NOW,
            dt.datetime(2026, 4, 1, 9, 0),
        )
        pack = review.build(w, face)
    titles = [s.title for s in pack.sections]
    assert titles[:2] == ["Summary", "Actions behind schedule"]
    assert titles[-1] == "Risks and issues"
    assert f"Improvement plan: {AREA_2}" in titles  # two plans: the plan names its areas
    behind = pack.sections[1]
    assert behind.rag == "Red"
    [table] = behind.blocks
    assert isinstance(table, ActionTable)
    # Milestones of the highlight report behind schedule come with the WSoA's actions.
    assert {"2.1", "3.3"} <= {r.ref for r in table.rows}
    section = pack.sections[titles.index(f"Improvement plan: {AREA_2}")]
    kinds = [(type(block).__name__, block.title) for block in section.blocks]
    assert kinds == [
        ("ActionTable", "Behind schedule"),
        ("ActionTable", "In progress"),
        ("Table", "What is different now"),
    ]
    kpi_table = section.blocks[2]
    assert isinstance(kpi_table, Table)
    assert kpi_table.rows[0][:4] == (
        "EHC plans issued within 20 weeks (including exceptions)",
        "2.1",
        dt.date(2024, 6, 30),
        "c",
    )
    # Each figure column carries the measure's unit and decimal places.
    units = {c.name: (c.unit, c.decimals) for c in kpi_table.columns}
    assert units["Now"] == ("%", 1) and units["Change since baseline"] == ("points", 1)
    # Plans with an action log (areas of weakness) come before plans reported by milestones.
    assert titles[2] == "Improvement plan: Area 2: accuracy and timeliness of EHC plans"
    # No figure about children in a publish pack is a count 1–7.
    checked = 0
    for t in pack.tables():
        if t.title == "What is different now":
            names = [c.name for c in t.columns]
            for row in t.rows:
                for column in ("Baseline", "Now", "Change since baseline"):
                    cell = row[names.index(column)]
                    assert not (isinstance(cell, int | float) and 1 <= cell <= 7)
                    checked += 1
    assert checked == 9  # three links × three figures
    summary = pack.sections[0].blocks
    assert isinstance(summary[0], Text)


def test_publish_review_pack_read_back_from_xlsx_and_pdf(data: Path, tmp_path: Path) -> None:
    """The pack command's review pack (etl.packs.build.make_pack → renderers), read back: the
    face states the mode; no baseline, value now or change of a KPI is a count 1–7."""
    import openpyxl
    import pdfplumber

    from etl.packs import build, pdf, xlsx

    pack = build.make_pack(data, kind="review", mode="publish")
    out = tmp_path / "review.xlsx"
    xlsx.render(pack, out)
    book = openpyxl.load_workbook(out)
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True) if r[0]}
    assert about["Mode"].startswith("Publish")
    figures = 0
    for sheet in book.worksheets[1:]:
        rows = list(sheet.iter_rows(values_only=True))
        header = next((r for r in rows if r and r[0] == "Measure"), None)
        if header is None:
            continue
        names = [str(h).split(" (")[0] for h in header]  # "Now (%)" → "Now"
        wanted = [
            i for i, n in enumerate(names) if n in ("Baseline", "Now", "Change since baseline")
        ]
        for row in rows[rows.index(header) + 1 :]:
            for i in wanted:
                value = row[i]
                figures += value is not None
                assert not (isinstance(value, int | float) and 1 <= value <= 7), (sheet.title, row)
    # The pack's as-at date is the data's snapshot date, 10 Mar 2025. 2.1: baseline "c" (3 of
    # 5), now none (no plan issued in 2025 yet), change "c". Area 3: baseline "c" (4 typed), now
    # 0 at risk (R9 is at day 98, not past it), change "c". 9.1: "c" three times (5 typed; 3
    # open: R8, R9, R10). 9 cells, 8 with something in them.
    assert figures == 8
    out = tmp_path / "review.pdf"
    pdf.render(pack, out)
    with pdfplumber.open(out) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert "Are there any actions behind schedule?" in text
    assert "What is different now" in text
    assert "Review the statutory assessment pathway" in text


def test_waiting_time_kpis_per_service(tmp_path: Path) -> None:
    """A waits measure linked with its service: the value now from the waiting list summary,
    disclosed per mode. Extract date 31/03/2026; speech and language therapy:
      W1 referred 01/01/2025, waiting: 365 + 31 + 28 + 30 = 454 days (over 18 and 52 weeks)
      W2 referred 01/10/2025, waiting: 31 + 30 + 31 + 31 + 28 + 30 = 181 days (over 18 weeks)
      W3 referred 01/03/2026, waiting 30 days; W4 referred 01/02/2026, waiting 28 + 30 = 58 days
      W5 referred 01/01/2026, seen 01/02/2026: not waiting.
    → 4 waiting, 2 over 18 weeks = 50.0%; median of 30, 58, 181, 454 days = (58 + 181) / 2 =
    119.5 days = 17.07 → 17.1 weeks; 1 over 52 weeks."""
    from tests.waits_builders import write_extract

    day = dt.date
    rows = [
        ("W1", "C1", "SALT", day(2025, 1, 1), None, None, day(2018, 5, 1), "Trust A"),
        ("W2", "C2", "SALT", day(2025, 10, 1), None, None, day(2019, 5, 1), "Trust A"),
        ("W3", "C3", "SALT", day(2026, 3, 1), None, None, day(2020, 5, 1), "Trust A"),
        ("W4", "C4", "SALT", day(2026, 2, 1), None, None, day(2017, 5, 1), "Trust A"),
        ("W5", "C5", "SALT", day(2026, 1, 1), day(2026, 2, 1), None, day(2016, 5, 1), "Trust A"),
    ]
    folder = tmp_path / "data"
    run_load([write_extract(tmp_path / "w.csv", rows, extract_date=day(2026, 3, 31))], folder)
    salt = "speech_and_language_therapy"
    with Warehouse.at(folder) as w:
        found = review.measure_figures(w, day(2026, 3, 31))
    pct = found[("pct_over_18_weeks", salt)]
    assert (pct.value, pct.numerator, pct.denominator) == (50.0, 2, 4)
    assert pct.period == "as at 31 Mar 2026"
    assert found[("median_weeks_waiting", salt)].value == 17.1
    assert found[("over_52_weeks", salt)].value == 1
    assert ("pct_within_20_weeks", None) not in found  # no SEN2 loaded: no EHC plan figures
    assert pct.disclosed("internal", 1) == 50.0
    assert pct.disclosed("publish", 1) == "c"  # 4 waiting: a base under 20
    assert found[("median_weeks_waiting", salt)].disclosed("publish", 1) == "c"  # under 8


def test_settings_links_join_the_sheets_and_the_sheet_wins(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[[kpi_links]] in the settings add to the KPIs sheets; for the same action, measure and
    breakdown the sheet's link is used (rule 3)."""
    toml = tmp_path / "links.toml"
    toml.write_text(
        "[[kpi_links]]\n"  # the same as the sheet's 2.1 link: the sheet's (target 70) wins
        'action = "2.1"\nkpi = "pct_within_20_weeks"\nbaseline_date = 2024-06-30\ntarget = 99\n'
        "\n[[kpi_links]]\n"  # a new one, by area: "Area 2" matches "Area 2: accuracy and …"
        'area = "Area 2"\nkpi = "decisions_made"\nbaseline_date = 2024-06-30\n'
        "baseline_value = 5\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SEND_CONFIG", str(toml))
    area = _area(_content(data), AREA_2)
    got = [(k.key, k.target, k.source) for k in area.kpis]
    assert got == [
        ("pct_within_20_weeks", 70.0, "actions.xlsx [KPIs] row 3"),
        ("decisions_made", None, "settings [[kpi_links]] number 2"),
    ]
    # Decisions made in 2024 to 31 Dec: R1, R2, R3, R6, R7, R8, R12, R13 = 8; 8 − 5 = 3.
    assert (area.kpis[1].now, area.kpis[1].change) == (8, 3.0)


def test_changes_since_the_compared_snapshot(tmp_path: Path) -> None:
    """The same action log reported on 31/03/2026 (the compared snapshot) and 30/04/2026: 2.2,
    due 10/04/2026, was in progress (Amber, due within 14 days) and is now past its due date →
    behind schedule. Every other action kept its status."""
    before, now = tmp_path / "before", tmp_path / "now"
    run_load([tb.write_action_log(tmp_path / "a1.xlsx", ACTIONS, report_date=tb.D1)], before)
    run_load([tb.write_action_log(tmp_path / "a2.xlsx", ACTIONS, report_date=tb.D2)], now)
    face = Face(
        "review",
        "12-month review",
        "internal",
        "Test LA",
        "as at 30 Apr 2026",
        "2",
        tb.D2,
        dt.datetime(2026, 5, 1, 9, 0),
        compared="1, '8-month review', 31 Mar 2026",
    )
    with Warehouse.at(now) as w, Warehouse.at(before) as b:
        pack = review.build(w, face, compared=b)
    section = next(s for s in pack.sections if s.title.startswith("Since "))
    assert section.title == "Since 1, '8-month review', 31 Mar 2026"
    assert section.rag == "Red"
    [table] = section.blocks
    assert isinstance(table, Table)
    assert table.rows == (
        (
            "Improvement plan",
            AREA_2,
            "2.2",
            "Co-produce a new plan template",
            "In progress",
            "Behind schedule",
        ),
    )
