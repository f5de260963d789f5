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

``la`` and ``large`` are one module workbook; ``national`` is a COLLECT "Blade" CSV export in
``blade_national/``. The parts: :mod:`~etl.inputs.sen2.demo_simulate` (the cases, as arrays),
:mod:`~etl.inputs.sen2.demo_faults` (the faults the loader must catch, and
:func:`fault_counts`), :mod:`~etl.inputs.sen2.demo_render` (arrays to cells), and
:mod:`etl.xlsx_writer`.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np

from etl.inputs.sen2.demo_faults import FAULT_KINDS, plant_faults
from etl.inputs.sen2.demo_render import (
    BladeSet,
    DateRenderer,
    apply_overrides,
    apply_variants,
    build_tables,
    workbook_sheets,
)
from etl.inputs.sen2.demo_simulate import (
    ID_BASE,
    LaData,
    Scale,
    Window,
    national_profiles,
    simulate_la,
    single_la_profile,
)
from etl.xlsx_writer import write_xlsx

DEFAULT_SNAPSHOT = datetime.date(2026, 11, 1)

SCALES: dict[str, Scale] = {
    "la": Scale(active_plans=3_300, requests_per_year=800, la_count=1, blade=False),
    "large": Scale(active_plans=20_000, requests_per_year=4_000, la_count=1, blade=False),
    "national": Scale(active_plans=640_000, requests_per_year=155_000, la_count=153, blade=True),
}

# Single-LA scales: fictional name, LA code, and a shift of the share within 20 weeks.
_SINGLE_LA = {"la": ("Demo Borough", "999", 0.0), "large": ("Demo County", "998", -0.05)}
SYNTHETIC_TITLE = "{name} – SYNTHETIC SEN2 extract (not real children)"
BLADE_FOLDER = "blade_national"
_APPLICATION = "SEND dashboard demo generator"  # in the workbook's document properties


def generate(
    out_dir: Path, seed: int = 1, scale: str = "la", snapshot: datetime.date = DEFAULT_SNAPSHOT
) -> list[Path]:
    """Write synthetic SEN2 input files into out_dir (created if needed; previous demo files there
    are overwritten) and return the paths to load.

    ``la`` / ``large`` write ``sen2_demo_<scale>.xlsx``; ``national`` writes a Blade CSV set into
    ``out_dir/blade_national`` and returns that folder.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    if not datetime.date(2010, 1, 1) <= snapshot <= datetime.date(2090, 12, 31):
        raise ValueError(f"snapshot {snapshot} is outside 2010-2090")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if SCALES[scale].blade:
        folder = out_dir / BLADE_FOLDER
        _write_national(folder, seed, snapshot)
        return [folder]
    data = _simulate_single(seed, scale, snapshot)
    path = out_dir / f"sen2_demo_{scale}.xlsx"
    tables = build_tables(data, DateRenderer(snapshot, blade=False))
    apply_overrides(tables, data.overrides)
    apply_variants(tables, np.random.default_rng(np.random.SeedSequence([seed, 7, 1])))
    title = SYNTHETIC_TITLE.format(name=data.profile.name)
    sheets = workbook_sheets(tables, title)
    write_xlsx(path, sheets, title=title, application=_APPLICATION, stamp=snapshot)
    return [path]


def fault_counts(
    seed: int = 1, scale: str = "la", snapshot: datetime.date = DEFAULT_SNAPSHOT
) -> dict[str, int]:
    """How many faults of each kind (:mod:`~etl.inputs.sen2.demo_faults`) ``generate`` plants,
    without writing files.

    Only for the single-LA scales (the national set is too big to simulate twice casually).
    """
    if scale not in _SINGLE_LA:
        raise ValueError("fault_counts is available for the 'la' and 'large' scales only")
    data = _simulate_single(seed, scale, snapshot)
    return {kind: data.faults[kind] for kind in FAULT_KINDS}


def _simulate_single(seed: int, scale: str, snapshot: datetime.date) -> LaData:
    """The one LA of a single-LA scale, simulated with its faults planted."""
    name, code, within_shift = _SINGLE_LA[scale]
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    profile = single_la_profile(rng, SCALES[scale], code, name, within_shift)
    win, ids = Window.of(snapshot), dict(ID_BASE)
    data = simulate_la(
        profile, rng, win, ids, sen2_id=1, other_las=[f"{c}" for c in range(201, 939)]
    )
    plant_faults(rng, data, win, ids, min_one=True)  # after the simulation, on the same rng
    return data


def _write_national(folder: Path, seed: int, snapshot: datetime.date) -> None:
    """The Blade CSV set for every LA of the national scale, streamed one LA at a time."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("Blade-Export_*.csv"):
        old.unlink()
    profiles = national_profiles(seed, SCALES["national"])
    codes = [p.code for p in profiles]
    win = Window.of(snapshot)
    renderer = DateRenderer(snapshot, blade=True)
    ids = dict(ID_BASE)
    with BladeSet(folder, snapshot.strftime("%d-%m-%Y")) as out:
        for index, profile in enumerate(profiles):
            rng = np.random.default_rng(np.random.SeedSequence([seed, 3, index]))
            sen2_id = ID_BASE["sen2"] + index
            data = simulate_la(profile, rng, win, ids, sen2_id, codes)
            plant_faults(rng, data, win, ids, min_one=False)
            tables = build_tables(data, renderer, with_sen2=True)
            tables["sen2"] = {
                "sen2_id": [sen2_id],
                "la_code": [profile.code],
                "reference_date": [renderer.one(win.snapshot)],
                "collection_year": [snapshot.year],
            }
            apply_overrides(tables, data.overrides)
            out.write(tables)
