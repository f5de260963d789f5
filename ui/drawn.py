"""Figures drawn once for the same rows (issue 11): a chart is redrawn only when its rows change.

Plotly checks every property a figure is given, so drawing a chart costs 30-90 ms on the build
machine, and the EHC plan timeliness page draws six on every rerun (a filter, a tab, a page of
the watchlist) though their rows come from the query cache unchanged. :func:`figure` keeps the
figures last drawn, keyed by the drawing function and a digest of the rows drawn.

What may be kept: the key is the rows' own content, so a figure is only ever handed to a caller
that already holds exactly the rows it was drawn from (after ``Export.screen_frame`` in
:mod:`ui.components`, so a publish-mode screen's suppressed rows and an internal screen's exact
rows are different keys). Charts draw aggregates; the figure holds nothing the caller's rows do not.

A kept figure is shared: nothing may change it after it is drawn (``st.plotly_chart`` copies a
figure before it sends it). Only drawing functions whose identity lasts between reruns are kept:
functions of imported modules and :func:`functools.partial` of them with hashable arguments.
A lambda or a function defined inside another is a new object on every rerun, so it is drawn
every time.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from etl.config import Settings, settings

# Figures kept: a page draws up to seven, for a few periods, modes and filters each.
MAX_FIGURES = 256

_lock = threading.Lock()
# (drawing function, digest of the rows) → (the settings it was drawn under, the figure)
_figures: OrderedDict[tuple[Hashable, str], tuple[Settings, go.Figure]] = OrderedDict()


def figure(draw: Callable[[pd.DataFrame], go.Figure], rows: pd.DataFrame) -> go.Figure:
    """``draw(rows)``, or the figure it drew last time for the same rows under the same
    settings (a chart may draw the time limit from them; see the module)."""
    key = _key(draw, rows)
    if key is None:
        return draw(rows)
    current = settings()
    with _lock:
        kept = _figures.get(key)
        if kept is not None and kept[0] is current:
            _figures.move_to_end(key)
            return kept[1]
    drawn = draw(rows)
    with _lock:
        _figures[key] = (current, drawn)
        _figures.move_to_end(key)
        while len(_figures) > MAX_FIGURES:
            _figures.popitem(last=False)
    return drawn


def clear() -> None:
    """Forget every figure kept (tests)."""
    with _lock:
        _figures.clear()


def _key(draw: Callable[..., Any], rows: pd.DataFrame) -> tuple[Hashable, str] | None:
    """(the drawing function, a digest of the rows), or None when either cannot be a key."""
    function = _lasting(draw)
    if function is None:
        return None
    digest = _digest(rows)
    return None if digest is None else (function, digest)


def _lasting(draw: Callable[..., Any]) -> Hashable | None:
    """A key for ``draw`` that is the same on the next rerun, or None (see the module)."""
    if isinstance(draw, functools.partial):
        inner = _lasting(draw.func)
        key = (inner, draw.args, tuple(sorted(draw.keywords.items())))
        try:
            hash(key)
        except TypeError:  # an argument that is a list, a frame …
            return None
        return None if inner is None else key
    qualified = getattr(draw, "__qualname__", "<")
    if getattr(draw, "__closure__", None) is not None or "<" in qualified:
        return None  # a lambda or a nested function: new on every rerun
    return draw


def _digest(rows: pd.DataFrame) -> str | None:
    """A digest of the frame as pickled: every value, the index, the column names and their
    types (0.2 ms for a chart's rows, where ``pandas.util.hash_pandas_object`` took 2 ms). Equal
    frames may pickle differently (a string shared or repeated), which only costs a redraw;
    frames that differ never pickle the same. None when the frame cannot be pickled."""
    try:
        pickled = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, AttributeError, TypeError):  # a cell pickle refuses: draw it
        return None
    return hashlib.blake2b(pickled, digest_size=16).hexdigest()
