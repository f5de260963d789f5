"""A small hand-made pack for the renderer tests: every block kind, a suppressed cell, a red
section with commentary, and figures whose text the tests look for in each format."""

from __future__ import annotations

import datetime as dt

from etl.packs.model import (
    ActionRow,
    ActionTable,
    Chart,
    Column,
    Face,
    HeadlineRow,
    Headlines,
    Pack,
    Section,
    Series,
    Source,
    Table,
    Text,
)


def face(mode: str = "publish") -> Face:
    return Face(
        kind="board",
        title="SEND Partnership Board pack",
        mode=mode,  # type: ignore[arg-type]
        la="Exampleshire (999)",
        period="as at 30 Nov 2026",
        snapshot_id="2026-12-01-003",
        snapshot_date=dt.date(2026, 11, 30),
        generated_at=dt.datetime(2026, 12, 2, 9, 30),
        snapshot_name="Board 12 March",
        compared="2026-10-01-001 'Board October', data as at 30 Sep 2026",
        sources=(Source("sen2_2026.xlsx", "ab" * 32, 1200),),
    )


def pack(mode: str = "publish") -> Pack:
    headlines = Headlines(
        "Summary of headline measures",
        (
            HeadlineRow(
                "ehcp_timeliness_excl",
                "EHC plan timeliness",
                "New EHC plans issued within 20 weeks (excluding exceptions)",
                61.5,
                "%",
                1,
                as_at="2026",
                target=">= 60.0%",
                rag="Green",
                direction="up 3.2 points since 'Board October' (better)",
                england="England 46.4%",
                neighbours="4th of 11",
                base="40 of 65 plans",
            ),
            HeadlineRow(
                "open_breached",
                "Open cases at risk",
                "Open requests past 20 weeks",
                "c",
                "count",
                0,
                as_at="30 Nov 2026",
                target="<= 10",
                rag="Red",
            ),
        ),
    )
    waits = Table(
        "Waits per service",
        (Column("Service"), Column("Waiting", "count"), Column("Over 18 weeks", "%")),
        (("SALT", 145, 37.9), ("OT", "c", "c")),
        ("1 cell suppressed because the total would reveal it.",),
    )
    chart = Chart(
        "Waiting over 18 weeks by service",
        "bar",
        ("SALT", "OT"),
        (Series("Over 18 weeks", (37.9, None)),),
        "%",
        waits,
    )
    trend = Chart(
        "Plans issued within 20 weeks by month",
        "line",
        ("Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"),
        (Series("Ours", (55.0, 58.5, None, 61.5)), Series("England", (46.0, 46.2, 46.3, 46.4))),
        "%",
        Table(
            "Plans issued within 20 weeks by month",
            (Column("Month"), Column("Ours", "%"), Column("England", "%")),
            (
                ("Jan 2026", 55.0, 46.0),
                ("Feb 2026", 58.5, 46.2),
                ("Mar 2026", "c", 46.3),
                ("Apr 2026", 61.5, 46.4),
            ),
        ),
    )
    rag = Chart(
        "Milestones by RAG",
        "stacked_bar",
        ("Workstream A", "Workstream B"),
        (Series("Red", (2.0, 0.0)), Series("Amber", (3.0, 1.0)), Series("Green", (5.0, 4.0))),
        "count",
        Table(
            "Milestones by RAG",
            (
                Column("Workstream"),
                Column("Red", "count"),
                Column("Amber", "count"),
                Column("Green", "count"),
            ),
            (("Workstream A", 2, 3, 5), ("Workstream B", 0, 1, 4)),
        ),
    )
    actions = ActionTable(
        "Actions behind schedule",
        (
            ActionRow(
                "2.1",
                "Recruit two educational psychologists",
                "Behind schedule",
                lead="Head of SEN",
                due=dt.date(2026, 9, 30),
                reason="No suitable applicants",
                mitigation="Agency cover from October",
                revised=dt.date(2027, 1, 31),
            ),
        ),
    )
    return Pack(
        face(mode),
        (
            Section("Summary", (headlines,)),
            Section(
                "Open cases at risk",
                (
                    Text(
                        "Owner's commentary",
                        ("Caseload doubled after the tribunal.",),
                        "commentary",
                    ),
                ),
                theme="at_risk",
                rag="Red",
            ),
            Section("Waits per service", (chart, trend), theme="waits"),
            Section("Improvement plan", (rag, actions), theme="plan"),
            Section(
                "Definitions and sources",
                (
                    Text("Definitions", ("Within 20 weeks: days to issue <= 140.",), "definitions"),
                    Text("Sources", ("sen2_2026.xlsx sha256 abab...",), "sources"),
                ),
            ),
        ),
    )
