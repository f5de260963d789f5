"""The one header finder: which sheet spec a sheet holds, on which row its header is, and which
column holds each field — for every sheet of every input kind.

A *spec* is any sheet description with a ``name``, the ``sheet_names`` it goes by and ``fields``
that each have a ``name`` and ``aliases`` (SEN2 modules, tracker sheet kinds, …). Matching is
tolerant (DESIGN §3): case, spaces, punctuation and underscores are ignored, "%" reads as "pct",
a trailing note in brackets ("Date received (dd/mm/yyyy)") is not part of the name, and the header
row may sit below title rows. Extra spellings come from the settings file under
``[aliases.<kind>.<sheet>]``; they are checked against the specs when the settings are read, so a
slip such as ``ReceivdDate`` is an error naming the nearest field, never silently ignored.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from etl.parse import cell_text

if TYPE_CHECKING:
    import pyarrow as pa

    from etl.readers import RawSheet

_JUNK = re.compile(r"[^0-9a-z]+")
_BRACKETS = re.compile(r"\([^)]*\)\s*$")


class FieldSpec(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


class SheetSpec(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def sheet_names(self) -> tuple[str, ...]: ...
    @property
    def fields(self) -> tuple[Any, ...]: ...


S = TypeVar("S", bound=SheetSpec)


def header_key(raw: Any) -> str:
    """Header matching key: "%" reads as "pct", then case, accents, spaces and punctuation go.

    "Date request was received" → "daterequestwasreceived"; "Received_Date" → "receiveddate";
    "% complete" → "pctcomplete".
    """
    text = (cell_text(raw) or "").replace("%", " pct ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _JUNK.sub("", text.lower())


@dataclass
class HeaderMatch(Generic[S]):
    """A sheet matched to a spec: its header row and the column of each field found."""

    spec: S
    header_index: int  # index into the sheet's rows (not the Excel row number)
    columns: dict[str, int]  # field name → column index
    headers: dict[str, str]  # field name → header as written
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (column, header) not used


# ---------------------------------------------------------------- aliases


# (id of the settings, kind, spec) → (those settings, the lookup). The settings object is kept
# in the entry so that its id cannot be reused by another while the entry exists.
_LOOKUPS: dict[tuple[int, str, str], tuple[object, dict[str, str]]] = {}


def lookup(kind: str, spec: SheetSpec) -> dict[str, str]:
    """Header key → field name for one spec: its own aliases, then the settings file's.

    Built once per spec and settings file (it is asked for every row searched in every sheet).
    """
    from etl.config import settings  # settings import this module to check their aliases

    current = settings()
    key = (id(current), kind, spec.name)
    cached = _LOOKUPS.get(key)
    if cached is not None and cached[0] is current:
        return cached[1]
    extra = _extra_aliases(current.aliases.get(kind, {}), spec)
    table: dict[str, str] = {}
    for f in spec.fields:
        for alias in (f.name, *f.aliases, *extra.get(f.name, ())):
            table.setdefault(header_key(alias), f.name)
    _LOOKUPS[key] = (current, table)
    return table


def _extra_aliases(
    by_sheet: Mapping[str, Mapping[str, tuple[str, ...]]], spec: SheetSpec
) -> dict[str, tuple[str, ...]]:
    """The settings file's spellings that apply to ``spec``: those under its own sheet, and for
    a sheet made of other sheets' fields (SEN2's case list), those under the sheets it borrows
    from."""
    own = dict(by_sheet.get(spec.name, {}))
    if getattr(spec, "borrows_aliases", False):
        for sheet, fields in by_sheet.items():
            if sheet == spec.name:
                continue
            for name, spellings in fields.items():
                own[name] = (*own.get(name, ()), *spellings)
    return own


def canonical_aliases(
    raw: Mapping[str, Mapping[str, Mapping[str, list[str]]]], file: Path
) -> dict[str, dict[str, dict[str, tuple[str, ...]]]]:
    """Check ``[aliases.<kind>.<sheet>]`` against the specs; key each spelling by field name.

    A key may be the canonical field name or any spelling the spec already knows ("ReceivedDate",
    "received_date"). An unknown kind, sheet or field raises ``SettingsError`` naming the nearest.
    """
    from etl.config import SettingsError
    from etl.inputs import sheet_specs

    specs = sheet_specs()
    out: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    for kind, sheets in raw.items():
        if kind not in specs:
            raise SettingsError(
                f"{file}: [aliases.{kind}]: no input kind '{kind}'"
                + _nearest(kind, {k: k for k in specs})
            )
        for sheet_key, fields in sheets.items():
            spec = _spec_for(sheet_key, specs[kind])
            if spec is None:
                names = {s.name: s.name for s in specs[kind]}
                raise SettingsError(
                    f"{file}: [aliases.{kind}.{sheet_key}]: {kind} has no sheet "
                    f"'{sheet_key}'{_nearest(sheet_key, names)}"
                )
            known = {header_key(a): f.name for f in spec.fields for a in (f.name, *f.aliases)}
            for key, spellings in fields.items():
                name = known.get(header_key(key))
                if name is None:
                    raise SettingsError(
                        f"{file}: [aliases.{kind}.{sheet_key}] {key}: no such field in "
                        f"{spec.title}{_nearest(key, known, by_key=True)}"
                    )
                bucket = out.setdefault(kind, {}).setdefault(spec.name, {})
                bucket[name] = (*bucket.get(name, ()), *map(str, spellings))
    return out


def _spec_for(key: str, specs: Sequence[SheetSpec]) -> SheetSpec | None:
    wanted = header_key(key)
    for spec in specs:
        if wanted in {header_key(n) for n in (spec.name, spec.title, *spec.sheet_names)}:
            return spec
    return None


def _nearest(word: str, known: Mapping[str, str], by_key: bool = False) -> str:
    """ "; did you mean received_date?" — the closest known name, if any is close."""
    candidates = {header_key(k) if by_key else k: v for k, v in known.items()}
    close = difflib.get_close_matches(
        header_key(word) if by_key else word, list(candidates), n=1, cutoff=0.6
    )
    return f"; did you mean {candidates[close[0]]}?" if close else ""


# ---------------------------------------------------------------- finding the header


def match_row(
    cells: Sequence[Any], kind: str, spec: SheetSpec
) -> tuple[dict[str, int], dict[str, str]]:
    """Which column of one row holds each field of ``spec`` (the first such column wins)."""
    return _match_keys(cells, _row_keys(cells), lookup(kind, spec))


def _row_keys(cells: Sequence[Any]) -> list[tuple[int, str, str] | None]:
    """Each cell of a row keyed once for every spec it is compared with: (column, its key, its
    key without a trailing note in brackets), None for a blank cell."""
    return [
        None
        if cell is None
        else (i, *(_cached_keys(cell) if len(str(cell)) <= _CACHED_CELL else _cell_keys(cell)))
        for i, cell in enumerate(cells)
    ]


def _cell_keys(cell: Any) -> tuple[str, str]:
    """A cell's header key, and its key without a trailing note in brackets."""
    return header_key(cell), header_key(_BRACKETS.sub("", str(cell)))


# Cached (issue 11): every input kind searches the same top rows of every sheet. Only cells of
# a header's length, so the cache stays small whatever a file's top rows hold (16,384 cells of
# up to 200 characters at most).
_CACHED_CELL = 200
_cached_keys = functools.lru_cache(maxsize=1 << 14)(_cell_keys)


def _match_keys(
    cells: Sequence[Any], keys: list[tuple[int, str, str] | None], table: dict[str, str]
) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for keyed in keys:
        if keyed is None:
            continue
        index, key, bare = keyed
        name = table.get(key) or table.get(bare)
        if name and name not in columns:
            columns[name] = index
            headers[name] = cell_text(cells[index]) or name
    return columns, headers


def sheet_hint(sheet: RawSheet, specs: Sequence[S]) -> S | None:
    """The spec a sheet's name says it holds ("Requests", "Tasks & Milestones"), if any."""
    if sheet.sheet is None:
        return None
    name = header_key(sheet.sheet)
    return next(
        (s for s in specs if name in {header_key(n) for n in s.sheet_names}),
        None,
    )


def find_header(
    sheet: RawSheet,
    candidates: Sequence[S],
    kind: str,
    *,
    min_columns: int,
    search_rows: int,
    accept: Callable[[S, dict[str, int]], bool] | None = None,
) -> HeaderMatch[S] | None:
    """The first row among the first ``search_rows`` that is a header, with its spec, or None.

    The first row wins (issue 9): a header repeated lower down is data gone wrong, not the real
    header, and taking it would lose every row above it. On that row the spec with most fields
    matched wins; on a tie the earlier candidate (more specific specs are listed first).
    ``accept`` may refuse a match (say, one lacking required columns) before it is compared.
    """
    top = sheet.head(search_rows)
    tables = [lookup(kind, spec) for spec in candidates]
    best: tuple[int, int, int, dict[str, int], dict[str, str]] | None = None
    for index, cells in enumerate(top):
        if not any(c is not None for c in cells):
            continue
        keys = _row_keys(cells)
        for order, spec in enumerate(candidates):
            columns, headers = _match_keys(cells, keys, tables[order])
            if len(columns) < min_columns or (accept is not None and not accept(spec, columns)):
                continue
            if best is None or (len(columns), -order) > (best[0], -best[1]):
                best = (len(columns), order, index, columns, headers)
        if best is not None:
            break
    if best is None:
        return None
    _, order, index, columns, headers = best
    used = set(columns.values())
    unmatched = [
        (i, text)
        for i, cell in enumerate(top[index])
        if i not in used and (text := cell_text(cell))
    ]
    return HeaderMatch(candidates[order], index, columns, headers, unmatched)


# A cell that could key as a word: it has a letter, or a non-ASCII character that may lower-case
# to one.
_MAY_SPELL = "[A-Za-z]|[^\\x00-\\x7F]"


def cells_keyed_as(column: pa.Array, keys: pa.Array) -> pa.Array:
    """For each cell of a column, whether its text keyed as a header is one of ``keys`` (lower
    case, only 0-9 and a-z; False for a blank). Vectorised, and keyed over the distinct values
    that could spell a word only: a value with no letter (ids, dates, numbers: most cells)
    cannot, unless a non-ASCII character lower-cases to one."""
    import pyarrow as pa  # only when reading a sheet: settings and specs start without it
    import pyarrow.compute as pc

    text = column.cast(pa.string())
    lettered = pc.unique(text.filter(pc.match_substring_regex(text, _MAY_SPELL)))
    spelt = lettered.filter(pc.is_in(cell_keys(lettered), value_set=keys))
    return pc.fill_null(pc.is_in(text, value_set=spelt), False)


def cell_keys(text: pa.Array) -> pa.Array:
    """Cells keyed as :func:`header_key` keys a header, in Arrow: lower case, only 0-9 and a-z."""
    import pyarrow.compute as pc

    return pc.replace_substring_regex(pc.utf8_lower(text), "[^0-9a-z]+", "")


def repeated_header_rows(body: Sequence[pa.Array], match: HeaderMatch[Any]) -> list[int]:
    """Indices of body rows that repeat the header (a second export pasted below the first, a
    page header): at least half the matched header cells, and two or more, spelt again in
    their own columns (compared as header keys). Vectorised, so a big sheet costs little."""
    import pyarrow as pa
    import pyarrow.compute as pc

    needed = max(2, (len(match.columns) + 1) // 2)
    present = [(name, index) for name, index in match.columns.items() if index < len(body)]
    if len(present) < needed:
        return []
    wanted = {name: pa.array([header_key(match.headers[name])], pa.string()) for name, _ in present}
    # Such a row spells the header in `needed` of these columns, so in at least one of any
    # len(present) - needed + 1 of them. The columns whose first cells hold the fewest words
    # (cheapest to key: a column of UPNs or names costs a second a million rows) find the
    # candidate rows; every column is then read on those rows only (issue 11).
    present.sort(key=lambda column: _words_near_top(body[column[1]]))
    candidates: pa.Array | None = None
    for name, index in present[: len(present) - needed + 1]:
        hit = cells_keyed_as(body[index], wanted[name])
        candidates = hit if candidates is None else pc.or_(candidates, hit)
    assert candidates is not None
    rows = pc.indices_nonzero(candidates)
    if len(rows) == 0:
        return []
    hits: pa.Array | None = None
    for name, index in present:
        same = pc.cast(cells_keyed_as(body[index].take(rows), wanted[name]), "int8")
        hits = same if hits is None else pc.add(hits, same)
    return list(rows.filter(pc.greater_equal(hits, needed)).to_pylist())


def _words_near_top(column: pa.Array, cells: int = 1000) -> int:
    """How many distinct cells that could spell a word the first ``cells`` of a column hold."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = column.slice(0, cells).cast(pa.string())
    return len(pc.unique(text.filter(pc.match_substring_regex(text, _MAY_SPELL))))


def headerless_columns(sheet: RawSheet, match: HeaderMatch[Any]) -> list[int]:
    """Columns with data below the header row but no header of their own."""
    row = sheet.head(match.header_index + 1)[match.header_index]
    out = []
    for i, column in enumerate(sheet.columns):
        if i < len(row) and cell_text(row[i]):
            continue
        below = column.slice(match.header_index + 1)
        if below.null_count < len(below):
            out.append(i)
    return out


def missing_required(
    match: HeaderMatch[Any],
    required: Sequence[Sequence[str]],
    label: Callable[[str], str],
    kind: str,
) -> tuple[str, str] | None:
    """(what is missing, what may help) for required columns the header lacks; None if all there.

    Only the groups in ``required`` are asked for: each input kind passes the columns its sheet's
    own shape needs (issue 10). The message names every missing column at once, then every
    header found on the row, then, for each missing column, the unmatched header nearest to any
    of its spellings, so the user can add the right alias: "'Date Request Received' may be
    ReceivedDate; add it under [aliases.sen2.requests]".
    """
    missing = [group for group in required if not any(n in match.columns for n in group)]
    if not missing:
        return None
    names = " and ".join(" or ".join(f"'{label(n)}'" for n in group) for group in missing)
    plural = "s" if len(missing) > 1 else ""
    message = f"required column{plural} {names} {'are' if plural else 'is'} missing"
    found = sorted(
        [(i, match.headers[name]) for name, i in match.columns.items()] + list(match.unmatched)
    )
    detail = ""
    if found:
        shown = ", ".join(f"'{t}'" for _, t in found[:30])
        more = f" and {len(found) - 30} more" if len(found) > 30 else ""
        detail += f". Headers found: {shown}{more}"
    spellings = {f.name: (f.name, *f.aliases) for f in match.spec.fields}
    unmatched = {header_key(text): text for _, text in match.unmatched}
    hints = []
    for group in missing:
        for name in group:
            wanted = {header_key(a) for a in (label(name), *spellings.get(name, (name,)))}
            best: tuple[float, str] | None = None
            for key, text in unmatched.items():
                score = max(difflib.SequenceMatcher(None, key, w).ratio() for w in wanted)
                if score >= 0.5 and (best is None or score > best[0]):
                    best = (score, text)
            if best is not None:
                hints.append(
                    f"'{best[1]}' may be {label(name)}; add it under "
                    f"[aliases.{kind}.{match.spec.name}] in the settings file"
                )
    if hints:
        detail += ". " + "; ".join(hints)
    return message, detail
