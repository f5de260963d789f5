"""Board pack page parts (pure: no Streamlit): the choices offered and the pack built on click.

The pack itself is made by ``etl.packs.build`` — the same code as ``python -m etl pack`` — so the
page and the command give the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etl import snapshots
from etl.packs.build import MEDIA_TYPES, PackError, filename, make_pack, render_bytes
from etl.packs.model import Mode, Pack
from etl.store import NoDatabase

KINDS = {"Board pack": "board", "12-month review pack": "review"}
FORMATS = {"PDF": "pdf", "PowerPoint": "pptx", "Excel": "xlsx"}
NO_COMPARISON = "No comparison"
LATEST = "Latest data"


class PackProblem(ValueError):
    """The pack could not be made; the message says why."""


@dataclass(frozen=True)
class Choice:
    """What the page asks for: the pack, its mode, snapshot, comparison and format."""

    folder: Path
    kind: str
    mode: Mode
    snapshot: str | None  # a snapshot id; None for the latest data
    compare: str | None
    fmt: str

    @property
    def filename(self) -> str:
        """ "board_pack_snapshot-14_publish.pdf" ("latest" for the latest data)."""
        return filename(self.kind, self.snapshot or "latest", self.mode, self.fmt)

    @property
    def mime(self) -> str:
        return MEDIA_TYPES[self.fmt]

    @property
    def command(self) -> str:
        """The same pack from the command line."""
        parts = ["python -m etl pack", f"--kind {self.kind}", f"--mode {self.mode}"]
        if self.snapshot:
            parts.append(f"--snapshot {self.snapshot}")
        if self.compare:
            parts.append(f"--compare {self.compare}")
        parts.append(f"--out {self.filename}")
        return " ".join(parts)

    def build(self) -> Pack:
        """The pack; :class:`PackProblem` when it cannot be made."""
        try:
            return make_pack(
                self.folder,
                kind=self.kind,  # type: ignore[arg-type]
                mode=self.mode,
                snapshot=self.snapshot,
                compare=self.compare,
            )
        except (PackError, NoDatabase, snapshots.SnapshotError) as problem:
            raise PackProblem(f"The pack could not be made: {problem}") from problem

    def build_bytes(self) -> bytes:
        """The rendered file, for the download button (called only when it is pressed)."""
        return render_bytes(self.build(), self.fmt)


def snapshot_choices(folder: Path) -> dict[str, str | None]:
    """{label: snapshot reference}, newest first: the latest data, then each snapshot."""
    choices: dict[str, str | None] = {LATEST: None}
    for shot in reversed(snapshots.list_snapshots(folder)):
        if not shot.older:
            choices[shot.label] = str(shot.id)
    return choices


def pack_mode(export_mode: str) -> Mode:
    """The sidebar's export mode as a pack mode (anything but "publish" is internal)."""
    return "publish" if export_mode == "publish" else "internal"


def mode_line(mode: Mode) -> str:
    """The mode the pack will be made in, in words (set by the sidebar's export mode)."""
    if mode == "publish":
        return (
            "**Mode: publish** — small numbers suppressed (c), other counts rounded to the "
            "nearest 5. Change the export mode in the sidebar for exact figures."
        )
    return (
        "**Mode: internal** — exact figures, not for publication. Choose *Publish* as the "
        "export mode in the sidebar for a pack to circulate."
    )
