"""Settings: committed defaults in ``send_dashboard.toml``, secrets only from the environment.

Environment variables:
- ``SEND_DATA_DIR``  data folder (default ``./data``); ``--data-dir`` overrides it.
- ``SEND_CONFIG``    path of the settings file (default ``send_dashboard.toml`` beside this repo).
- ``SEND_HASH_KEY``  the key for pseudonymising person and case ids. Without it a random key is
  created on first use in ``<data dir>/.hash_key`` (git-ignored). Keep that key: it is what keeps
  person keys stable between loads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from etl.access import EHC_PLANS, ROLES, Role, RoleSettings

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

REPO_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_NAME = "warehouse.duckdb"


class SettingsError(ValueError):
    """The settings file is wrong: the message names the file, the key and what to write."""


def _rules(default: Any, **rules: Any) -> Any:
    """A setting's default and the rules its value must keep (``ge``, ``le``, ``pattern``)."""
    return field(default=default, metadata=rules)


# Each table of the settings file is a frozen dataclass whose fields are its keys, read by
# :func:`_section`: an unknown key is a typing slip that would otherwise be silently ignored.
@dataclass(frozen=True, kw_only=True)
class _Thresholds:
    within_days: int = _rules(140, ge=1)
    at_risk_days: int = _rules(98, ge=1)
    decision_days: int = _rules(42, ge=1)
    over_year_days: int = _rules(365, ge=1)


@dataclass(frozen=True, kw_only=True)
class _Reading:
    header_search_rows: int = _rules(30, ge=1, le=1000)


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Sizes past which an input file is refused at once ([limits] in the settings file).

    Issue 9: a file past these is refused before the reader allocates for it. Excel's own
    limits, except the uncompressed size and the cells per sheet, which bound memory."""

    cells_per_row: int = _rules(16_384, ge=1)
    chars_per_cell: int = _rules(32_767, ge=1)
    rows_per_sheet: int = _rules(1_048_576, ge=1)
    cells_per_sheet: int = _rules(25_000_000, ge=1)
    uncompressed_bytes: int = _rules(3_000_000_000, ge=1)


@dataclass(frozen=True, kw_only=True)
class _Rag:
    green_max_gap: float = _rules(10.0, ge=0)
    amber_max_gap: float = _rules(25.0, ge=0)
    point_amber_days: int = _rules(14, ge=0)


@dataclass(frozen=True, kw_only=True)
class _Benchmark:
    home_la: str = ""
    # Issue 13: which statistical neighbours: DfE's own set ("dfe", sn_<month>_<year>.xlsx, as
    # LAIT uses it) or the older data-to-insight lookup ("d2i", stat_neighbours.csv).
    neighbours: Literal["dfe", "d2i"] = "dfe"


@dataclass(frozen=True, kw_only=True)
class _Published:
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class _WaitsServices:
    # Issue 12: extra names for each standard service of a waiting-list extract (the keys are
    # etl.inputs.waits.spec.SERVICES; an unknown key is refused like any other slip).
    speech_and_language_therapy: list[str] = field(default_factory=list)
    occupational_therapy: list[str] = field(default_factory=list)
    physiotherapy: list[str] = field(default_factory=list)
    community_paediatrics: list[str] = field(default_factory=list)
    camhs: list[str] = field(default_factory=list)
    autism_assessment: list[str] = field(default_factory=list)
    adhd_assessment: list[str] = field(default_factory=list)
    audiology: list[str] = field(default_factory=list)
    dietetics: list[str] = field(default_factory=list)
    wheelchair_services: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class _Waits:
    services: _WaitsServices = field(default_factory=_WaitsServices)


@dataclass(frozen=True, kw_only=True)
class _KpiLink:
    # Issue 15: one [[kpi_links]] table (etl.kpi_links): what it belongs to, the measure, the
    # baseline and the target.
    action: str = ""
    area: str = ""
    kpi: str
    breakdown: str = ""
    baseline_date: dt.date | None = None
    baseline_value: float | None = None
    target: float | None = None
    target_date: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class _TargetRag:
    # Issue 15: RAG of a headline against its [targets] entry (etl.headlines.target_rag).
    amber_points: float = _rules(5.0, ge=0)
    amber_fraction: float = _rules(0.1, ge=0, le=1)
    tolerance: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class _Snapshots:
    # Issue 15: how many unnamed, unkept snapshots to keep (named / kept ones are never pruned).
    keep_last: int = _rules(20, ge=1)


@dataclass(frozen=True, kw_only=True)
class Performance:
    """DuckDB's memory cap and threads for builds ([performance] in the settings file).

    Issue 11: past the cap DuckDB spills to a temporary folder beside the file being built
    instead of failing. "" = DuckDB's default (80% of the machine's memory); threads 0 = every
    core."""

    memory_limit: str = _rules("", pattern=r"^\s*(\d+(\.\d+)?\s*(K|M|G|T)?i?B)?\s*$")
    threads: int = _rules(0, ge=0, le=256)

    def duckdb_config(self) -> dict[str, str | bool | int | float | list[str]]:
        """The ``config`` for ``duckdb.connect``: only what the settings set."""
        config: dict[str, str | bool | int | float | list[str]] = {}
        if self.memory_limit.strip():
            config["memory_limit"] = self.memory_limit.strip()
        if self.threads:
            config["threads"] = self.threads
        return config


@dataclass(frozen=True, kw_only=True)
class _Roles:
    # Issue 16: who has which role (etl.access.resolve): e-mail addresses, identity-provider
    # groups and domains to roles, and a service lead's own services.
    group_claim: str = ""
    addresses: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    services: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class _Access:
    # Issue 16: the single-user local mode (no identity provider configured).
    local_mode: Literal["allowed", "forbidden"] = "allowed"
    local_role: str = "analyst"
    local_services: list[str] = field(default_factory=list)
    contact: str = "the SEND data team who run this dashboard"


@dataclass(frozen=True, kw_only=True)
class _Audit:
    # Issue 16: the audit trail (etl.audit). Month files older than retention_days are removed at
    # the next write; enabled = false records nothing.
    retention_days: int = _rules(730, ge=1)
    enabled: bool = True


@dataclass(frozen=True, kw_only=True)
class _SettingsFile:
    """The shape of ``send_dashboard.toml``: every section and key it may hold."""

    thresholds: _Thresholds = field(default_factory=_Thresholds)
    reading: _Reading = field(default_factory=_Reading)
    limits: Limits = field(default_factory=Limits)
    rag: _Rag = field(default_factory=_Rag)
    benchmark: _Benchmark = field(default_factory=_Benchmark)
    published: _Published = field(default_factory=_Published)
    waits: _Waits = field(default_factory=_Waits)
    snapshots: _Snapshots = field(default_factory=_Snapshots)
    performance: Performance = field(default_factory=Performance)
    audit: _Audit = field(default_factory=_Audit)
    # [targets] metric key = the partnership's target (checked against etl.catalogue below).
    targets: dict[str, float] = field(default_factory=dict)
    target_rag: _TargetRag = field(default_factory=_TargetRag)
    # [aliases.<kind>.<sheet>] field = ["spelling", ...]; checked against the specs in etl.headers.
    aliases: dict[str, dict[str, dict[str, list[str]]]] = field(default_factory=dict)
    # [[kpi_links]]: measures linked to plan actions / areas (checked by etl.kpi_links below).
    kpi_links: list[_KpiLink] = field(default_factory=list)
    roles: _Roles = field(default_factory=_Roles)
    access: _Access = field(default_factory=_Access)


# The settings file's defaults, which are the defaults of :class:`Settings` too.
_DEFAULT = _SettingsFile()


@dataclass(frozen=True)
class Settings:
    """Settings read from the TOML file (see ``send_dashboard.toml`` for the meaning of each)."""

    # kind → sheet → canonical field name → extra header spellings (validated, see etl.headers)
    aliases: dict[str, dict[str, dict[str, tuple[str, ...]]]] = field(default_factory=dict)
    within_days: int = _DEFAULT.thresholds.within_days
    at_risk_days: int = _DEFAULT.thresholds.at_risk_days
    decision_days: int = _DEFAULT.thresholds.decision_days
    over_year_days: int = _DEFAULT.thresholds.over_year_days
    header_search_rows: int = _DEFAULT.reading.header_search_rows
    # Issue 3: the home LA for benchmarking (code or name; blank = choose on the page) and where
    # `fetch-published` downloads the published files from ([published.sources]).
    home_la: str = _DEFAULT.benchmark.home_la
    published_sources: dict[str, str] = field(default_factory=dict)
    # Issue 13: "dfe" (DfE's statistical neighbours) or "d2i" (the older lookup).
    neighbour_set: str = _DEFAULT.benchmark.neighbours
    # DESIGN §5 RAG thresholds for plan milestones ([rag] in the settings file).
    rag_green_max_gap: float = _DEFAULT.rag.green_max_gap
    rag_amber_max_gap: float = _DEFAULT.rag.amber_max_gap
    rag_point_amber_days: int = _DEFAULT.rag.point_amber_days
    limits: Limits = field(default_factory=Limits)
    # Issue 12: [waits.services] standard service key → extra names providers use for it.
    waits_services: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Issue 14: [targets] catalogue metric key → the partnership's own target for it.
    targets: dict[str, float] = field(default_factory=dict)
    # Issue 15: [[kpi_links]], checked (etl.kpi_links.KpiLink); the review pack adds them to the
    # tracker workbooks' "KPIs" sheets.
    kpi_links: tuple[Any, ...] = ()
    # Issue 15: [target_rag] how far off its target a headline may be and still be Amber:
    # percentage points for "%" and "points" measures, a fraction of the target for the rest,
    # or a measure's own tolerance (in its unit) from [target_rag.tolerance].
    target_amber_points: float = _DEFAULT.target_rag.amber_points
    target_amber_fraction: float = _DEFAULT.target_rag.amber_fraction
    target_tolerance: dict[str, float] = field(default_factory=dict)
    # Issue 15: [snapshots] keep_last — unnamed, unkept snapshots kept by retention.
    snapshots_keep_last: int = _DEFAULT.snapshots.keep_last
    # Issue 11: [performance] DuckDB memory cap and threads for builds.
    performance: Performance = field(default_factory=Performance)
    # Issue 16: [roles] and [access], checked (etl.access.resolve reads them).
    roles: RoleSettings = field(default_factory=RoleSettings)
    # Issue 16: [audit] how long the audit trail is kept, and whether it is written at all.
    audit_retention_days: int = _DEFAULT.audit.retention_days
    audit_enabled: bool = _DEFAULT.audit.enabled


# A setting that breaks a rule: where it is (table names, then the key), what is wrong, and
# whether it is a key the table does not have.
_Problem = tuple[tuple[str, ...], str, bool]


@cache
def _keys(section: type) -> dict[str, tuple[Any, Any]]:
    """A table's keys: each one's type (from the dataclass's annotations) and field."""
    hints = typing.get_type_hints(section)
    return {f.name: (hints[f.name], f) for f in fields(section)}


def _section(section: type, data: object, where: tuple[str, ...], problems: list[_Problem]) -> Any:
    """``data`` (a TOML table) as ``section``, every key checked; None when it has problems
    (added to ``problems``)."""
    if not isinstance(data, dict):
        problems.append((where, "Input should be a table (a [section] or { key = value })", False))
        return None
    keys = _keys(section)
    found = len(problems)
    problems.extend(((*where, str(key)), "", True) for key in data if key not in keys)
    values: dict[str, Any] = {}
    for name, (kind, spec) in keys.items():
        if name in data:
            values[name] = _value(kind, data[name], (*where, name), problems, spec.metadata)
        elif spec.default is MISSING and spec.default_factory is MISSING:
            problems.append(((*where, name), "Field required", False))
    return section(**values) if len(problems) == found else None


_TYPE_NAMES = {
    int: "a valid integer",
    float: "a valid number",
    str: "a valid string",
    bool: "a valid boolean (true or false)",
    dt.date: "a valid date (YYYY-MM-DD)",
}


def _value(
    kind: Any,
    value: Any,
    where: tuple[str, ...],
    problems: list[_Problem],
    rules: typing.Mapping[str, Any],
) -> Any:
    """``value`` checked as ``kind`` (the annotation) and ``rules`` (``ge``, ``le``,
    ``pattern``), in the words pydantic used before (issue 11); a problem is added and None
    returned."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is types.UnionType or origin is typing.Union:  # X | None: TOML has no null
        (kind,) = [a for a in args if a is not type(None)]
        origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is Literal:
        if value in args:
            return value
        words = " or ".join(repr(a) for a in args)
        problems.append((where, f"Input should be {words}", False))
        return None
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(
                (where, "Input should be a table (a [section] or { key = value })", False)
            )
            return None
        return {
            str(k): _value(args[1], v, (*where, str(k)), problems, {}) for k, v in value.items()
        }
    if origin is list:
        if not isinstance(value, list):
            problems.append((where, 'Input should be a list (["…", "…"])', False))
            return None
        return [_value(args[0], v, (*where, str(i)), problems, {}) for i, v in enumerate(value)]
    if is_dataclass(kind):
        return _section(kind, value, where, problems)  # type: ignore[arg-type]
    fits = (
        isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
        if kind is not float
        else isinstance(value, int | float) and not isinstance(value, bool)
    )
    if kind is dt.date:
        if isinstance(value, str):  # "2025-03-31" in quotes, as pydantic took it
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value.strip())
        fits = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if not fits:
        problems.append((where, f"Input should be {_TYPE_NAMES[kind]}", False))
        return None
    if kind is float:
        value = float(value)
    if "ge" in rules and value < rules["ge"]:
        problems.append((where, f"Input should be greater than or equal to {rules['ge']}", False))
    elif "le" in rules and value > rules["le"]:
        problems.append((where, f"Input should be less than or equal to {rules['le']}", False))
    elif "pattern" in rules and not re.match(rules["pattern"], value):
        problems.append((where, f"String should match pattern '{rules['pattern']}'", False))
    return value


def _describe(problems: list[_Problem], file: Path) -> str:
    """One line per problem, in the settings file's own terms ([section] key)."""
    lines = []
    for where, message, unknown in problems:
        key = where[-1] if where else ""
        section = f"[{'.'.join(where[:-1])}] " if len(where) > 1 else ""
        if unknown:
            lines.append(f"{section}{key}: unknown setting (a typing slip?); remove or rename it")
        else:
            lines.append(f"{section}{key}: {message}")
    return f"{file}: " + "; ".join(lines)


@lru_cache(maxsize=8)
def _read_settings(path: str) -> Settings:
    file = Path(path)
    if not file.exists():
        return Settings()
    try:
        data: dict[str, Any] = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{file} is not valid TOML: {exc}") from exc
    legacy = [k for k, v in data.get("aliases", {}).items() if not isinstance(v, dict)]
    if legacy:
        raise SettingsError(
            f"{file}: [aliases] {legacy[0]}: aliases now sit under their input kind and sheet, "
            f'e.g. [aliases.sen2.requests] then received_date = ["Date of referral"]; '
            "see the README (Loading your own files)"
        )
    problems: list[_Problem] = []
    parsed = _section(_SettingsFile, data, (), problems)
    if problems:
        raise SettingsError(_describe(problems, file))
    aliases: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    if parsed.aliases:
        # The specs know which fields exist; asking them imports every input kind (and pyarrow),
        # so a settings file without aliases does not pay for it on every command.
        from etl.headers import canonical_aliases

        aliases = canonical_aliases(parsed.aliases, file)

    _check_targets(parsed.targets, file)
    services = parsed.waits.services
    waits_services = {
        f.name: tuple(getattr(services, f.name))
        for f in fields(services)
        if getattr(services, f.name)
    }
    links = _check_kpi_links(parsed.kpi_links, waits_services, file)
    _check_targets(parsed.target_rag.tolerance, file, "[target_rag.tolerance]")

    t, r = parsed.thresholds, parsed.rag
    return Settings(
        aliases=aliases,
        within_days=t.within_days,
        at_risk_days=t.at_risk_days,
        decision_days=t.decision_days,
        over_year_days=t.over_year_days,
        header_search_rows=parsed.reading.header_search_rows,
        home_la=parsed.benchmark.home_la,
        neighbour_set=parsed.benchmark.neighbours,
        published_sources=dict(parsed.published.sources),
        rag_green_max_gap=r.green_max_gap,
        rag_amber_max_gap=r.amber_max_gap,
        rag_point_amber_days=r.point_amber_days,
        limits=parsed.limits,
        performance=parsed.performance,
        waits_services=waits_services,
        targets=dict(parsed.targets),
        kpi_links=links,
        target_amber_points=parsed.target_rag.amber_points,
        target_amber_fraction=parsed.target_rag.amber_fraction,
        target_tolerance=dict(parsed.target_rag.tolerance),
        snapshots_keep_last=parsed.snapshots.keep_last,
        roles=_check_roles(parsed.roles, parsed.access, file),
        audit_retention_days=parsed.audit.retention_days,
        audit_enabled=parsed.audit.enabled,
    )


def _check_targets(targets: dict[str, float], file: Path, table: str = "[targets]") -> None:
    """Every [targets] key is a metric of the catalogue, so a typing slip is refused (naming the
    nearest key) instead of a target silently never showing."""
    from etl.catalogue import CATALOGUE, nearest_key

    for key in targets:
        if key not in CATALOGUE:
            near = nearest_key(key)
            hint = f"; did you mean {near}?" if near else ""
            raise SettingsError(
                f"{file}: {table} {key}: not a measure the dashboard knows{hint} (the "
                "measures are listed in docs/metrics.md)"
            )


def _check_kpi_links(
    links: list[_KpiLink], services: dict[str, tuple[str, ...]], file: Path
) -> tuple[Any, ...]:
    """Each [[kpi_links]] table checked as a KPIs sheet row is (``etl.kpi_links.check_link``):
    an unknown measure is refused naming the nearest key."""
    from etl import kpi_links

    checked = []
    for number, link in enumerate(links, start=1):
        try:
            checked.append(
                kpi_links.check_link(
                    kpi=link.kpi,
                    breakdown=link.breakdown or None,
                    action_ref=link.action or None,
                    area=link.area or None,
                    baseline_date=link.baseline_date,
                    baseline_value=link.baseline_value,
                    target=link.target,
                    target_date=link.target_date,
                    services=services,
                )
            )
        except kpi_links.LinkError as problem:
            raise SettingsError(
                f"{file}: [[kpi_links]] number {number} (kpi = {link.kpi!r}): {problem.message}"
            ) from None
    return tuple(checked)


def _role(value: str, where: str, file: Path) -> Role:
    if value in ROLES:
        return cast(Role, value)
    raise SettingsError(
        f"{file}: {where}: unknown role {value!r}; the roles are {', '.join(ROLES)}"
    )


def _services(values: list[str], where: str, file: Path) -> frozenset[str]:
    known = (*_keys(_WaitsServices), EHC_PLANS)
    for value in values:
        if value not in known:
            raise SettingsError(
                f"{file}: {where}: unknown service {value!r}; a service is one of "
                f"{', '.join(known)}"
            )
    return frozenset(values)


def _check_roles(roles: _Roles, access: _Access, file: Path) -> RoleSettings:
    """[roles] and [access] as etl.access.resolve reads them: keys in lower case, every role
    and service known, and every service lead with their services (a typing slip is refused,
    naming the key, rather than someone silently getting no role or the wrong lists)."""
    tables: dict[str, dict[str, Role]] = {}
    for table, entries in (
        ("addresses", roles.addresses),
        ("groups", roles.groups),
        ("domains", roles.domains),
    ):
        checked: dict[str, Role] = {}
        for key, value in entries.items():
            where = f"[roles.{table}] {key!r}"
            folded = key.strip().casefold()
            if not folded or (table == "addresses") != ("@" in folded):
                what = "an e-mail address" if table == "addresses" else "a name without '@'"
                raise SettingsError(f"{file}: {where}: each key here is {what}")
            if folded in checked and checked[folded] != value:
                raise SettingsError(f"{file}: {where}: given twice (in different case)")
            checked[folded] = _role(value, where, file)
        tables[table] = checked
    services: dict[str, frozenset[str]] = {}
    for key, values in roles.services.items():
        where = f"[roles.services] {key!r}"
        folded = key.strip().casefold()
        if not any(t.get(folded) == "service_lead" for t in tables.values()):
            raise SettingsError(
                f"{file}: {where}: not a service_lead in [roles.addresses], [roles.groups] "
                "or [roles.domains]; services belong to a service lead"
            )
        services[folded] = _services(values, where, file)
    for table, checked in tables.items():
        for key, value in checked.items():
            if value == "service_lead" and not services.get(key):
                raise SettingsError(
                    f"{file}: [roles.{table}] {key!r}: a service_lead needs their services, "
                    f'e.g. [roles.services] "{key}" = ["camhs"]'
                )
    if roles.groups and not roles.group_claim.strip():
        raise SettingsError(
            f"{file}: [roles] group_claim: [roles.groups] needs the claim that holds the "
            'groups, e.g. group_claim = "groups"'
        )
    local_role = _role(access.local_role, "[access] local_role", file)
    if local_role == "service_lead" and not access.local_services:
        raise SettingsError(
            f'{file}: [access] local_services: local_role = "service_lead" needs the services, '
            'e.g. local_services = ["camhs"]'
        )
    return RoleSettings(
        addresses=tables["addresses"],
        groups=tables["groups"],
        domains=tables["domains"],
        services=services,
        group_claim=roles.group_claim.strip(),
        local_mode=access.local_mode,
        local_role=local_role,
        local_services=_services(access.local_services, "[access] local_services", file),
        contact=access.contact.strip() or _Access().contact,
    )


def settings_path() -> Path:
    """The settings file in use: ``SEND_CONFIG``, else send_dashboard.toml beside the code."""
    return Path(os.environ.get("SEND_CONFIG", str(REPO_ROOT / "send_dashboard.toml")))


def settings() -> Settings:
    """The current settings (cached per settings-file path)."""
    return _read_settings(str(settings_path()))


_TABLE_HEADER = re.compile(r"^\s*\[")


def _with_key(text: str, table: str, key: str, value: str) -> str:
    """``text`` with ``key = "value"`` set in ``[table]``: the key's line replaced if it is there,
    else added under the table's header, else the table added at the end. Every other line —
    comments, order, spacing — is kept exactly."""
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    lines = text.splitlines(keepends=True)
    header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]\s*(#.*)?$")
    own = re.compile(rf"^\s*{re.escape(key)}\s*=")
    starts = [i for i, ln in enumerate(lines) if header.match(ln.rstrip("\r\n"))]
    if not starts:
        tail = "" if not text or text.endswith("\n") else "\n"
        return f"{text}{tail}\n[{table}]\n{line}\n"
    start = starts[0]
    end = next(
        (i for i in range(start + 1, len(lines)) if _TABLE_HEADER.match(lines[i])), len(lines)
    )
    for i in range(start + 1, end):
        if own.match(lines[i]):
            ending = "\r\n" if lines[i].endswith("\r\n") else "\n"
            lines[i] = line + ending
            return "".join(lines)
    lines.insert(start + 1, line + "\n")
    return "".join(lines)


def save_home_la(value: str) -> Path:
    """Write ``home_la`` under ``[benchmark]`` in the settings file, keeping the rest of the
    file exactly as it was (comments included); returns the file written.

    The new text is checked before it replaces the old: it must read as TOML, hold the same
    settings as before but for this one key, and pass the settings checks. It is written to a
    temporary file beside the settings file and moved into place, so a crash part-way leaves the
    old file whole. :class:`SettingsError` (nothing written) if any check fails.
    """
    path = settings_path()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    new = _with_key(text, "benchmark", "home_la", value)
    try:
        before = tomllib.loads(text)
        after = tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML, so it was not changed: {exc}") from exc
    expected = {**before, "benchmark": {**before.get("benchmark", {}), "home_la": value}}
    if after != expected:
        raise SettingsError(f"{path} could not be changed safely; set home_la there by hand.")
    problems: list[_Problem] = []
    _section(_SettingsFile, after, (), problems)
    if problems:
        raise SettingsError(_describe(problems, path))
    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_text(new, encoding="utf-8")
    os.replace(temporary, path)
    _read_settings.cache_clear()
    return path


def data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``SEND_DATA_DIR``, else ``./data``."""
    return Path(cli_value or os.environ.get("SEND_DATA_DIR") or "data")


def warehouse_path(folder: Path) -> Path:
    """The published warehouse file inside a data folder."""
    return folder / WAREHOUSE_NAME


def hash_key(folder: Path) -> bytes:
    """The pseudonymisation key: ``SEND_HASH_KEY``, else a key file created on first use."""
    env = os.environ.get("SEND_HASH_KEY")
    if env:
        return env.encode()
    key_file = folder / ".hash_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()


class Pseudonymiser:
    """Keyed hash (HMAC-SHA256) of ids; the same id and key always give the same reference."""

    def __init__(self, key: bytes):
        self._key = key
        self._cache: dict[str, str] = {}
        self._con: duckdb.DuckDBPyConnection | None = None  # keys(): one in-memory database
        self._con_lock = threading.Lock()

    def __call__(self, kind: str, value: str) -> str:
        token = f"{kind}:{value}"
        found = self._cache.get(token)
        if found is None:
            # hmac.digest is the one-shot C implementation: ~10x faster than hmac.new per call.
            found = hmac.digest(self._key, token.encode(), "sha256").hex()[:32]
            self._cache[token] = found
        return found

    # ``self(kind, value)`` in DuckDB's SQL, for a SQL text expression ``{token}`` that gives
    # ``kind + ":" + value``: HMAC-SHA256 written out with DuckDB's ``sha256`` (RFC 2104:
    # ``H((K ^ opad) || H((K ^ ipad) || message))``), the padded key read from the TEMP table
    # that :meth:`bind` creates. Identical to the Python keys (tests/test_pseudonymiser.py).
    SQL = (
        "left(sha256(pseudonymiser_key.outer_pad || unhex(sha256(pseudonymiser_key.inner_pad"
        " || encode({token})))), 32)"
    )

    def bind(self, con: duckdb.DuckDBPyConnection) -> None:
        """Give ``con`` the TEMP table ``pseudonymiser_key`` (one row: the key padded for the
        inner and outer hash) that :attr:`SQL` reads. A TEMP table lives with the connection
        only, so the key is never written to a database file."""
        block = 64  # SHA-256's block size
        key = hashlib.sha256(self._key).digest() if len(self._key) > block else self._key
        key = key.ljust(block, b"\0")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE pseudonymiser_key AS "
            "SELECT ?::BLOB AS inner_pad, ?::BLOB AS outer_pad",
            [bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)],
        )

    def keys(self, kind: str, values: pa.Array) -> pa.Array:
        """``self(kind, v)`` for every value of an Arrow string array, as an Arrow string array
        (a null stays null), computed in DuckDB (:attr:`SQL`) on both cores with no Python per
        row. Every row is keyed, repeats too: finding the distinct values and joining their keys
        back cost more than the hashing they saved (issue 11, docs/benchmarks.md)."""
        import duckdb
        import pyarrow as pa

        ids = pa.table({"v": values.cast(pa.string())})
        with self._con_lock:
            if self._con is None:  # made once: a new database costs more than a small file
                self._con = duckdb.connect()
            # A cursor of its own for each call (issue 11): two threads staging at once then
            # hash on both cores, where one shared connection took them in turn (six sheets'
            # keys of 30,000 ids each: 0.45 s on two threads sharing it, 0.23-0.29 s with a
            # cursor each). A cursor is a connection: the key's TEMP table and the settings
            # are its own.
            cursor = self._con.cursor()
        try:
            cursor.execute("SET enable_progress_bar = false")  # it draws on the terminal
            # A projection keeps the rows in order while insertion order is preserved (the
            # default); said here so that no setting elsewhere can change it.
            cursor.execute("SET preserve_insertion_order = true")
            self.bind(cursor)
            found = cursor.sql(
                f"SELECT v, {self.SQL.format(token='? || v')} AS k FROM ids, pseudonymiser_key",
                params=[f"{kind}:"],
            ).to_arrow_table()
        finally:
            cursor.close()
        if not found.column("v").equals(ids.column("v")):  # never seen; a key must not move
            raise RuntimeError("keyed hashes came back out of order")
        return found.column("k").combine_chunks().cast(pa.string())
