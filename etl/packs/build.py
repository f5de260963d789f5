"""Make a pack from a data folder: choose the snapshot (and the one to compare with), state the
face, gather the content, render it. Used by ``python -m etl pack`` and the dashboard's button,
so both give the same pack.
"""

from __future__ import annotations

import datetime as dt
import importlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Literal

from etl import config, snapshots
from etl.packs import board
from etl.packs.model import Face, Mode, Pack, PackKind, Source
from etl.store import NoDatabase, Published, Warehouse

Format = Literal["pdf", "pptx", "xlsx"]
FORMATS: tuple[Format, ...] = ("pdf", "pptx", "xlsx")  # etl.cli_packs repeats them (kept light)
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TITLES: dict[str, str] = {
    "board": "SEND Partnership Board pack",
    "review": "SEND improvement plan: 12-month review pack",
}


class PackError(ValueError):
    """The pack cannot be made as asked; the message says why and what to do."""


def renderer(fmt: str) -> Callable[[Pack, Path], None]:
    """The ``render(pack, path)`` of a format ("pdf", "pptx", "xlsx")."""
    if fmt not in FORMATS:
        raise PackError(f"unknown format {fmt!r}: choose pdf, pptx or xlsx")
    module = importlib.import_module(f"etl.packs.{fmt}")
    render: Callable[[Pack, Path], None] = module.render
    return render


def render_bytes(pack: Pack, fmt: str) -> bytes:
    """The pack rendered to bytes (for a download button)."""
    with tempfile.TemporaryDirectory(prefix="send-pack-") as folder:
        path = Path(folder) / f"pack.{fmt}"
        renderer(fmt)(pack, path)
        return path.read_bytes()


def filename(kind: str, snapshot: str, mode: str, fmt: str) -> str:
    """ "board_pack_snapshot-14_publish.pdf": kind, snapshot and mode in the file name too."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in snapshot)
    return f"{kind}_pack_snapshot-{safe}_{mode}.{fmt}"


@contextmanager
def _doors(
    folder: Path, ref: str | None
) -> Iterator[tuple[Warehouse, Published | None, snapshots.Snapshot | None]]:
    """The warehouse and published figures of snapshot ``ref`` (default: the latest one, else the
    current files when no snapshot was ever taken)."""
    shot = (
        snapshots.resolve(folder, ref or "latest")
        if (ref or snapshots.list_snapshots(folder))
        else None
    )
    with ExitStack() as stack:
        if shot is None:
            warehouse = stack.enter_context(Warehouse.at(folder))
            try:
                published: Published | None = stack.enter_context(Published.at(folder))
            except NoDatabase:
                published = None
        else:
            warehouse = stack.enter_context(Warehouse.open(shot.warehouse_path))
            published = (
                stack.enter_context(Published.open(shot.published_path))
                if shot.published_path is not None
                else None
            )
        yield warehouse, published, shot


def face_for(
    kind: PackKind,
    mode: Mode,
    warehouse: Warehouse,
    shot: snapshots.Snapshot | None,
    compared: snapshots.Snapshot | None,
    settings: config.Settings,
    now: dt.datetime | None = None,
) -> Face:
    """What the pack states on its face: kind, mode, area, period, snapshot and its sources."""
    meta = warehouse.meta() or {}
    data_date: dt.date | None = meta.get("snapshot_date")
    sources = tuple(
        Source(s.file, s.content_hash, s.rows, s.loaded_at) for s in (shot.sources if shot else ())
    )
    subtitle = (
        "SYNTHETIC DATA - made-up demonstration data, not real children"
        if meta.get("synthetic")
        else ""
    )
    return Face(
        kind=kind,
        title=TITLES[kind],
        mode=mode,
        la=settings.home_la or "our local area (set home_la under [benchmark] in the settings)",
        period=f"as at {data_date.day} {data_date:%b %Y}" if data_date else "no data date",
        snapshot_id=str(shot.id) if shot else "current",
        snapshot_date=data_date,
        generated_at=(now or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0),
        snapshot_name=shot.name if shot else "",
        snapshot_label=shot.label if shot else "the current data (no snapshot taken yet)",
        compared=compared.label if compared else "",
        sources=sources,
        subtitle=subtitle,
    )


def make_pack(
    folder: Path,
    *,
    kind: PackKind = "board",
    mode: Mode = "publish",
    snapshot: str | None = None,
    compare: str | None = None,
    settings: config.Settings | None = None,
    now: dt.datetime | None = None,
) -> Pack:
    """The pack of the data folder's snapshot ``snapshot`` (default latest) in ``mode``."""
    settings = settings or config.settings()
    with _doors(folder, snapshot) as (warehouse, published, shot):
        compared_shot = snapshots.resolve(folder, compare) if compare else None
        face = face_for(kind, mode, warehouse, shot, compared_shot, settings, now)
        with ExitStack() as stack:
            compared = (
                stack.enter_context(Warehouse.open(compared_shot.warehouse_path))
                if compared_shot is not None
                else None
            )
            # Commentary comes from the folder's current records (a comment written after the
            # snapshot was taken belongs in the pack); the figures come from the snapshot.
            live = stack.enter_context(Warehouse.at(folder))
            if kind == "board":
                return board.build(
                    warehouse,
                    face,
                    published=published,
                    compared=compared,
                    compare_label=compared_shot.short_label if compared_shot else None,
                    la_code=settings.home_la or None,
                    settings=settings,
                    comments=live.commentary,
                )
            return _review(warehouse, face, published, compared, settings)


def _review(
    warehouse: Warehouse,
    face: Face,
    published: Published | None,
    compared: Warehouse | None,
    settings: config.Settings,
) -> Pack:
    try:
        review: Any = importlib.import_module("etl.packs.review")
    except ModuleNotFoundError:
        raise PackError(
            "the 12-month review pack is not in this version yet (etl/packs/review.py)"
        ) from None
    pack: Pack = review.build(
        warehouse, face, published=published, compared=compared, settings=settings
    )
    return pack
