"""Board pack: make the board pack or the 12-month review pack as PDF, PowerPoint or Excel, from
a snapshot, in the sidebar's export mode — the same pack as ``python -m etl pack``."""

from __future__ import annotations

import streamlit as st

from etl import config
from ui import access, audit, components
from ui import pack_view as view

state = components.start_page(
    "Board pack",
    "Make the paper for the partnership board (every headline against its target, red items "
    "first, a page per theme) or the 12-month review pack (per area of weakness: actions "
    "behind schedule, what is different now). The pack is built from a frozen snapshot, so the "
    "same snapshot always gives the same figures, and it states its mode and snapshot on its face.",
)
folder = config.data_dir()
shots = view.snapshot_choices(folder)
viewer = access.viewer()
# Issue 16: a publish-only viewer's pack is publish mode (export_mode says so for them too).
mode = "publish" if viewer.publish_only else view.pack_mode(components.export_mode())
allowed = viewer.can.pack_kinds if viewer.can else frozenset()
kinds = [label for label, kind in view.KINDS.items() if kind in allowed]

if viewer.publish_only:
    st.markdown(
        "**Mode: publish** — small numbers suppressed (c), other counts rounded to the nearest "
        "5. Your role receives packs in publish mode only."
    )
else:
    st.markdown(view.mode_line(mode))
left, right = st.columns(2)
with left:
    kind = st.radio("Pack", kinds, horizontal=True, key="pack_kind")
    fmt = st.radio("Format", list(view.FORMATS), horizontal=True, key="pack_format")
with right:
    snapshot = st.selectbox(
        "Snapshot", list(shots), key="pack_snapshot", help="The frozen data the pack is built from."
    )
    compare = st.selectbox(
        "Compare with",
        [view.NO_COMPARISON, *list(shots)[1:]],
        key="pack_compare",
        help="Each headline's change since this snapshot (e.g. the last board's).",
    )
choice = view.Choice(
    folder, view.KINDS[kind], mode, shots[snapshot], shots.get(compare), view.FORMATS[fmt]
)
# Built only when the button is pressed (a callable), never on every rerun of the page.
st.download_button(
    f"Build and download the {kind.lower()} ({fmt})",
    data=audit.recording(
        choice.build_bytes,
        mode=mode,
        scope=f"{kind}, {snapshot}"
        + ("" if compare == view.NO_COMPARISON else f", compared with {compare}"),
        file=choice.filename,
        format=choice.fmt,
        kind=choice.kind,
        snapshot=snapshot,
    ),
    file_name=choice.filename,
    mime=choice.mime,
    type="primary",
    key="pack_download",
)
st.caption(f"Building takes a few seconds. The same pack from the command line: `{choice.command}`")
