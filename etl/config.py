"""Settings: committed defaults in ``send_dashboard.toml``, secrets only from the environment.

Environment variables:
- ``SEND_DATA_DIR``  data folder (default ``./data``); ``--data-dir`` overrides it.
- ``SEND_CONFIG``    path of the settings file (default ``send_dashboard.toml`` beside this repo).
- ``SEND_HASH_KEY``  the key for pseudonymising person and case ids. Without it a random key is
  created on first use in ``<data dir>/.hash_key`` (git-ignored). Keep that key: it is what keeps
  person keys stable between loads.
"""

from __future__ import annotations

import hmac
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_NAME = "warehouse.duckdb"


@dataclass(frozen=True)
class Settings:
    """Settings read from the TOML file (see ``send_dashboard.toml`` for the meaning of each)."""

    extra_aliases: dict[str, list[str]] = field(default_factory=dict)
    within_days: int = 140
    at_risk_days: int = 98
    decision_days: int = 42
    over_year_days: int = 365
    header_search_rows: int = 30
    # Issue 3: the home LA for benchmarking (code or name; blank = choose on the page) and where
    # `fetch-published` downloads the published files from ([published.sources]).
    home_la: str = ""
    published_sources: dict[str, str] = field(default_factory=dict)
    # DESIGN §5 RAG thresholds for plan milestones ([rag] in the settings file).
    rag_green_max_gap: float = 10
    rag_amber_max_gap: float = 25
    rag_point_amber_days: int = 14


@lru_cache(maxsize=8)
def _read_settings(path: str) -> Settings:
    file = Path(path)
    if not file.exists():
        return Settings()
    data: dict[str, Any] = tomllib.loads(file.read_text(encoding="utf-8"))
    thresholds = data.get("thresholds", {})
    return Settings(
        extra_aliases={k: list(v) for k, v in data.get("aliases", {}).items()},
        within_days=int(thresholds.get("within_days", 140)),
        at_risk_days=int(thresholds.get("at_risk_days", 98)),
        decision_days=int(thresholds.get("decision_days", 42)),
        over_year_days=int(thresholds.get("over_year_days", 365)),
        header_search_rows=int(data.get("reading", {}).get("header_search_rows", 30)),
        home_la=str(data.get("benchmark", {}).get("home_la", "")),
        published_sources={
            str(k): str(v) for k, v in data.get("published", {}).get("sources", {}).items()
        },
        rag_green_max_gap=float(data.get("rag", {}).get("green_max_gap", 10)),
        rag_amber_max_gap=float(data.get("rag", {}).get("amber_max_gap", 25)),
        rag_point_amber_days=int(data.get("rag", {}).get("point_amber_days", 14)),
    )


def settings() -> Settings:
    """The current settings (cached per settings-file path)."""
    return _read_settings(os.environ.get("SEND_CONFIG", str(REPO_ROOT / "send_dashboard.toml")))


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

    def __call__(self, kind: str, value: str) -> str:
        token = f"{kind}:{value}"
        found = self._cache.get(token)
        if found is None:
            # hmac.digest is the one-shot C implementation: ~10x faster than hmac.new per call.
            found = hmac.digest(self._key, token.encode(), "sha256").hex()[:32]
            self._cache[token] = found
        return found
