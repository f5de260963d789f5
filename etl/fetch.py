"""``python -m etl fetch-published``: download the published files, then load them.

Sources are ``[published.sources]`` in the settings file (name = URL), or ``--source NAME=URL``.
Each file is downloaded into ``<data dir>/published-files/`` (a ``.zip`` is unpacked there, CSV
members only, flattened so no member can write outside the folder) and then loaded exactly as
``load-published`` would. A download that fails stops everything before anything is loaded, with
a message saying which source, which URL and what to do — never a traceback.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from etl.published import PublishedError

USER_AGENT = "send-partnership-dashboard (python urllib)"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # NHS England's monthly CHS workbooks (issue 12)
MAX_BYTES = 200 * 1024 * 1024  # a release zip is ~20 MB; refuse anything absurd


@dataclass
class Downloaded:
    name: str
    url: str
    files: list[Path]
    bytes: int


def download_folder(data_dir: Path) -> Path:
    return data_dir / "published-files"


def fetch(sources: dict[str, str], data_dir: Path, timeout: float = 60.0) -> list[Downloaded]:
    """Download every source into the data folder; raise :class:`PublishedError` on the first
    failure (files already in the folder from an earlier fetch are left as they were)."""
    if not sources:
        raise PublishedError(
            "No sources configured: add [published.sources] to the settings file or pass "
            "--source NAME=URL."
        )
    target = download_folder(data_dir)
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=_ensure(data_dir)))
    try:
        results = [_download(name, url, staging, timeout) for name, url in sources.items()]
        target.mkdir(parents=True, exist_ok=True)
        for result in results:
            moved = []
            for path in result.files:
                final = target / path.relative_to(staging)
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, final)
                moved.append(final)
            result.files = moved
        return results
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _download(name: str, url: str, staging: Path, timeout: float) -> Downloaded:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https", "file"):
        raise PublishedError(f"source {name!r}: {url!r} is not an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise PublishedError(
            f"Could not download {name!r} from {url}: the server answered {error.code} "
            f"{error.reason}. Check the URL in [published.sources]; nothing was loaded."
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PublishedError(
            f"Could not download {name!r} from {url}: {reason}. This machine may be offline "
            "or behind a proxy. Nothing was loaded and the figures already loaded are "
            "unchanged. Download the files another way and run `python -m etl load-published "
            "FOLDER`."
        ) from None
    if len(data) > MAX_BYTES:
        raise PublishedError(f"{name!r} from {url} is larger than {MAX_BYTES // 2**20} MB")
    filename = Path(urllib.parse.unquote(parsed.path)).name or name
    suffix = Path(filename).suffix.lower()
    # A workbook is a zip too: only a .zip (or a zip with no workbook suffix) is unpacked.
    if suffix == ".zip" or (data[:4] == b"PK\x03\x04" and suffix not in WORKBOOK_SUFFIXES):
        return Downloaded(name, url, _unzip(name, url, data, staging / name), len(data))
    out = staging / f"{name}{suffix or '.csv'}"
    out.write_bytes(data)
    return Downloaded(name, url, [out], len(data))


def _unzip(name: str, url: str, data: bytes, folder: Path) -> list[Path]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PublishedError(
            f"{name!r} from {url} is not a readable zip file (was the download cut short, or "
            "is the URL a web page rather than the file?)"
        ) from None
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    with archive:
        for member in archive.infolist():
            base = Path(member.filename).name
            if member.is_dir() or not base.lower().endswith(".csv"):
                continue
            out = folder / base  # flattened: no path from the archive is trusted
            out.write_bytes(archive.read(member))
            files.append(out)
    if not files:
        raise PublishedError(f"{name!r} from {url}: the zip holds no CSV files")
    return files
