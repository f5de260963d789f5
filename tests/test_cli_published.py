"""End to end: ``load-published``, ``fetch-published``, ``benchmark`` and ``reconcile`` as a
user runs them (in this process: see tests/cli_runner.py), against the real shared files.

Expected figures were read by hand from ``../shared/reference-data`` (comments say where).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import cli_runner
from tests import published_fixture as pf
from tests.published_fixture import real_published  # noqa: F401  (session fixture)

REPO = Path(__file__).resolve().parent.parent
EXCL, INCL = "pct_within_20_weeks_excl_exceptions", "pct_within_20_weeks"
CONTRACT = {"la", "region", "england", "neighbours_median", "rank", "of", "quartile"}


def etl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # No proxy for the local test server; no settings file, so no home LA or sources leak in.
    base = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    base.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    base["SEND_CONFIG"] = str(REPO / "tests" / "no-such-settings.toml")
    return cli_runner.run(args, {**base, **(env or {})})


def clean_failure(out: subprocess.CompletedProcess[str], code: int) -> str:
    """A failure with the exit code asked for and a message, never a traceback."""
    assert out.returncode == code, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    assert "Traceback" not in out.stdout
    assert out.stderr.strip()
    return out.stderr


# --------------------------------------------------------------------------------------------
# load-published


@pf.needs_reference
def test_load_published_json_per_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = etl("load-published", str(pf.REFERENCE), "--data-dir", str(data), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)  # JSON and nothing else on stdout
    assert (data / "published.duckdb").exists()
    files = {Path(f["file"]).name: f for f in report["files"]}
    assert set(files) == {
        "annual_reviews.csv",
        "assessments.csv",
        "caseload.csv",
        "ceased_plans.csv",
        "newplans.csv",
        "requests.csv",
        "sen_need_newplans.csv",
        "sen_needs_all_plans.csv",
        "timeliness_20_week.csv",
        "sen2_mi_2014_2022.csv",
        "stat_neighbours.csv",
        "send_tribunals_appeal_rate_2014_2024.csv",
        # NHS waiting times (issue 12)
        "autism.csv",
        "la_to_icb24_lsoa_share.csv",
        "la_subicb_icb_lookup_2022.csv",
        # Exclusions and DfE's statistical neighbours (issue 13)
        "la_exclusions_by_sen_termly_201920_202425.csv",
        "exclusions_national_characteristics_201112_201617.csv",
        "sn_may_2025.xlsx",
    } | {p.name for p in (pf.REFERENCE / "nhs_community_health").rglob("Community-health-*.xlsx")}
    for name, f in files.items():
        assert f["status"] == "loaded", name
        assert f["rows_read"] == f["rows_loaded"] + f["rows_not_used"] + f["rows_rejected"], name
        assert sum(f["not_used"].values()) == f["rows_not_used"], name
    # timeliness_20_week.csv has 12,212 lines: a header and 12,211 rows.
    assert files["timeliness_20_week.csv"]["rows_read"] == 12211
    # sen2_mi: 1,457 lines, every row a headline row.
    sen2 = files["sen2_mi_2014_2022.csv"]
    assert (sen2["rows_read"], sen2["rows_loaded"]) == (1456, 1456)
    assert files["timeliness_20_week.csv"]["release"] == (
        "DfE EES 'Education, health and care plans' 2025 release"
    )


def test_load_published_nothing_found(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.csv").write_text("a,b\n1,2\n")
    out = etl("load-published", str(tmp_path / "in"), "--data-dir", str(tmp_path / "data"))
    assert "no published files found" in clean_failure(out, 1)
    assert not (tmp_path / "data" / "published.duckdb").exists()


# --------------------------------------------------------------------------------------------
# benchmark


def benchmark(data: Path, la: str, *extra: str) -> dict[str, Any]:
    out = etl("benchmark", "--la", la, "--json", "--data-dir", str(data), *extra)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _hand_rank(year: str, column: str, la_code: str) -> tuple[int, int, int]:
    """Rank, of and quartile straight from the file (an independent re-count, not the code
    under test): LAs with a number in ``column``, higher is better, ties share the better rank."""
    with pf.TIMELINESS_FILE.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["time_period"] == year
            and r["geographic_level"] == "Local authority"
            and r["breakdown"] == "All EHC plans issued"
        ]
    values = {}
    for r in rows:
        try:
            values[r["new_la_code"]] = float(r[column])
        except ValueError:
            continue
    mine = values[la_code]
    rank = 1 + sum(v > mine for v in values.values())
    of = len(values)
    return rank, of, -(-4 * rank // of)


@pf.needs_reference
def test_benchmark_contract_for_wolverhampton(real_published: Path) -> None:  # noqa: F811
    got = benchmark(real_published, "336", "--year", "2024")
    assert {"la_code", "la_name", "region", "year", EXCL, INCL} <= set(got)
    assert (got["la_code"], got["la_name"], got["region"], got["year"]) == (
        "E08000031",
        "Wolverhampton",
        "West Midlands",
        2024,
    )
    assert set(got[EXCL]) >= CONTRACT
    assert set(got[INCL]) >= CONTRACT
    # timeliness_20_week.csv, 2024, incl / excl:
    #   Wolverhampton 52.2 / 55.8; West Midlands (E12000005) 41 / 42.3; England 45.9 / 46.4.
    # Neighbours (stat_neighbours.csv column "Wolverhampton"), 2024 excl:
    #   Sandwell 27.2, Stoke-on-Trent 32.8, Walsall 87.1, Hull 5.8, Rochdale 42.2, Coventry 63.4,
    #   Doncaster 84.9, Derby 16.4, Middlesbrough 98, North East Lincolnshire 36.8
    #   sorted: 5.8 16.4 27.2 32.8 [36.8 42.2] 63.4 84.9 87.1 98 → (36.8 + 42.2) / 2 = 39.5
    # incl: 22.8 32.9 84.2 5.8 40.7 61.8 84.9 14 98 37.4
    #   sorted: 5.8 14 22.8 32.9 [37.4 40.7] 61.8 84.2 84.9 98 → 78.1 / 2 = 39.05 → 39.1
    # Rank: 70 of the 151 LAs with an excl value are above 55.8 (another LA ties at 55.8) →
    # 71 of 151, quartile ceil(284/151 = 1.88) = 2; incl: 72 above 52.2 → 73 of 153,
    # ceil(292/153 = 1.91) = 2.
    excl = {k: got[EXCL][k] for k in CONTRACT}
    incl = {k: got[INCL][k] for k in CONTRACT}
    assert excl == {
        "la": 55.8,
        "region": 42.3,
        "england": 46.4,
        "neighbours_median": 39.5,
        "rank": 71,
        "of": 151,
        "quartile": 2,
    }
    assert incl == {
        "la": 52.2,
        "region": 41.0,
        "england": 45.9,
        "neighbours_median": 39.1,
        "rank": 73,
        "of": 153,
        "quartile": 2,
    }
    # The ranks above, re-counted from the file itself.
    assert _hand_rank("2024", "PC_plans_issued_20_weeks_ex", "E08000031") == (71, 151, 2)
    assert _hand_rank("2024", "pc_plans_issued_within_20_weeks", "E08000031") == (73, 153, 2)
    assert got[EXCL]["period"] == "Calendar year 2024"
    assert "timeliness_20_week.csv" in got[EXCL]["source"]


@pf.needs_reference
def test_benchmark_same_for_code_old_code_and_name(real_published: Path) -> None:  # noqa: F811
    args = ("--year", "2024", "--measure", EXCL, "--measure", INCL)
    by_old = benchmark(real_published, "336", *args)
    assert benchmark(real_published, "E08000031", *args) == by_old
    assert benchmark(real_published, "wolverhampton", *args) == by_old


@pf.needs_reference
def test_benchmark_zero_denominator_la(real_published: Path) -> None:  # noqa: F811
    # timeliness 2024 Dorset: plans_issued_den_ex 0, PC_plans_issued_20_weeks_ex "x"; incl 49.1
    got = benchmark(real_published, "Dorset", "--year", "2024")
    assert got["la_code"] == "E06000059"
    assert (got[EXCL]["la"], got[EXCL]["rank"], got[EXCL]["quartile"]) == (None, None, None)
    assert got[EXCL]["of"] == 151
    assert got[INCL]["la"] == 49.1


@pf.needs_reference
def test_benchmark_human_output(real_published: Path) -> None:  # noqa: F811
    out = etl("benchmark", "--la", "Kent", "--year", "2023", "--data-dir", str(real_published))
    assert out.returncode == 0, out.stderr
    assert "Kent (E10000016, 886), South East — 2023" in out.stdout
    # 2023 Kent excl 18 (timeliness_20_week.csv), shown to one decimal place.
    assert "18.0%" in out.stdout


@pf.needs_reference
def test_benchmark_unknown_la(real_published: Path) -> None:  # noqa: F811
    out = etl("benchmark", "--la", "Wolverhamton", "--data-dir", str(real_published))
    message = clean_failure(out, 2)
    assert "Wolverhampton" in message
    assert "Wolverhamton" in message


def test_benchmark_before_any_load(tmp_path: Path) -> None:
    out = etl("benchmark", "--la", "336", "--data-dir", str(tmp_path / "empty"))
    message = clean_failure(out, 1)
    assert "No published figures loaded" in message
    assert "load-published" in message
    as_json = etl("benchmark", "--la", "336", "--json", "--data-dir", str(tmp_path / "empty"))
    clean_failure(as_json, 1)
    assert "No published figures loaded" in json.loads(as_json.stdout)["error"]


@pf.needs_reference
def test_benchmark_without_an_la(real_published: Path) -> None:  # noqa: F811
    out = etl("benchmark", "--data-dir", str(real_published))
    assert "--la" in clean_failure(out, 2)


# --------------------------------------------------------------------------------------------
# fetch-published, against a local HTTP server


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 serving a temporary folder: (base URL, folder)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pf.needs_reference
def test_fetch_published_from_a_local_server(server: tuple[str, Path], tmp_path: Path) -> None:
    base, served = server
    # Copies made now, in a temporary folder (never in the repository).
    shutil.copy(pf.TIMELINESS_FILE, served / "timeliness_20_week.csv")
    with zipfile.ZipFile(served / "release.zip", "w") as archive:
        archive.write(pf.NEIGHBOURS_FILE, "lookups/stat_neighbours.csv")
        archive.writestr("data-guidance.txt", "not a CSV: left out")
    data = tmp_path / "data"
    out = etl(
        "fetch-published",
        "--source",
        f"timeliness_20_week={base}/timeliness_20_week.csv",
        "--source",
        f"release={base}/release.zip",
        "--data-dir",
        str(data),
        "--json",
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    downloads = {d["name"]: d for d in report["downloads"]}
    assert set(downloads) == {"timeliness_20_week", "release"}
    assert downloads["timeliness_20_week"]["bytes"] == pf.TIMELINESS_FILE.stat().st_size
    # The zip's CSV member is unpacked (flattened); the text file is not.
    assert [Path(f).name for f in downloads["release"]["files"]] == ["stat_neighbours.csv"]
    assert {f["dataset"] for f in report["files"]} == {"timeliness_20_week", "stat_neighbours"}
    assert all(f["status"] == "loaded" for f in report["files"])
    fetched = data / "published-files" / "timeliness_20_week.csv"
    assert _sha(fetched) == _sha(pf.TIMELINESS_FILE)

    # Then benchmark works from the fetched files (same figures as in the contract test).
    got = benchmark(data, "Wolverhampton", "--year", "2024", "--measure", EXCL)
    assert {k: got[EXCL][k] for k in ("la", "england", "neighbours_median", "rank", "of")} == {
        "la": 55.8,
        "england": 46.4,
        "neighbours_median": 39.5,
        "rank": 71,
        "of": 151,
    }
    published = data / "published.duckdb"
    before = _sha(published)

    # Offline (nothing listens on port 1): a clear message naming the source; nothing changed.
    offline = etl(
        "fetch-published", "--source", "x=http://127.0.0.1:1/none.csv", "--data-dir", str(data)
    )
    message = clean_failure(offline, 1)
    assert "'x'" in message
    assert "http://127.0.0.1:1/none.csv" in message
    assert "unchanged" in message
    assert _sha(published) == before
    assert benchmark(data, "336", "--year", "2024", "--measure", EXCL)[EXCL] == got[EXCL]

    # HTTP 404: the server's answer in words, nothing changed.
    missing = etl(
        "fetch-published",
        "--source",
        f"sen2_mi={base}/no-such-file.csv",
        "--data-dir",
        str(data),
    )
    message = clean_failure(missing, 1)
    assert "404" in message
    assert "'sen2_mi'" in message
    assert _sha(published) == before


def test_fetch_published_bad_zip_and_bad_source(server: tuple[str, Path], tmp_path: Path) -> None:
    base, served = server
    (served / "broken.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    out = etl(
        "fetch-published", "--source", f"r={base}/broken.zip", "--data-dir", str(tmp_path / "d")
    )
    assert "not a readable zip" in clean_failure(out, 1)
    bad = etl("fetch-published", "--source", "no-equals-sign", "--data-dir", str(tmp_path / "d"))
    assert "NAME=URL" in clean_failure(bad, 2)
    ftp = etl(
        "fetch-published", "--source", "f=ftp://example.org/x.csv", "--data-dir", str(tmp_path)
    )
    assert "not an http(s) URL" in clean_failure(ftp, 1)


# --------------------------------------------------------------------------------------------
# reconcile: our SEN2 figures (the synthetic demo) beside DfE's


def _kpis(data: Path, year: int) -> dict[str, Any]:
    out = etl("kpis", "--json", "--year", str(year), "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["ehcp"]


@pf.needs_reference
def test_reconcile_against_the_demo(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert etl("demo", "--data-dir", str(data)).returncode == 0
    # The demo's snapshot is 1 Nov 2026; its data covers 2022–2026 (checked with `kpis`), so
    # 2024 is a complete calendar year that DfE also published (2025 release).
    assert (
        json.loads(etl("kpis", "--json", "--data-dir", str(data)).stdout)["data"]["snapshot_date"]
        == "2026-11-01"
    )
    # Only the timeliness file is needed for the reconciliation.
    source = tmp_path / "published"
    source.mkdir()
    shutil.copy(pf.TIMELINESS_FILE, source / "timeliness_20_week.csv")
    assert etl("load-published", str(source), "--data-dir", str(data)).returncode == 0

    out = etl("reconcile", "--la", "336", "--year", "2024", "--json", "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert (got["la_code"], got["year"], got["year_complete_in_our_data"]) == (
        "E08000031",
        2024,
        True,
    )
    ours = _kpis(data, 2024)
    lines = {line["measure"]: line for line in got["lines"]}
    assert set(lines) == {EXCL, INCL}
    # DfE's side, from timeliness_20_week.csv 2024 Wolverhampton:
    #   plans_issued_den 395, plans_issued_den_ex 355, within 206, within_ex 198, 52.2 / 55.8
    dfe = {EXCL: (55.8, 198, 355), INCL: (52.2, 206, 395)}
    ours_keys = {
        EXCL: ("within_20_weeks_excl_exceptions", "plans_issued_excl_exceptions"),
        INCL: ("within_20_weeks", "plans_issued"),
    }
    for key, line in lines.items():
        within, plans = ours_keys[key]
        assert (line["ours_pct"], line["ours_within"], line["ours_plans"]) == (
            ours[key],
            ours[within],
            ours[plans],
        ), key
        assert (line["dfe_pct"], line["dfe_within"], line["dfe_plans"]) == dfe[key], key
        assert line["difference_plans"] == ours[plans] - dfe[key][2], key
        assert line["difference_within"] == ours[within] - dfe[key][1], key
        expected_pp = round(ours[key] - dfe[key][0], 1)  # both 1 dp: the difference is exact
        assert line["difference_pp"] == pytest.approx(expected_pp, abs=1e-9), key
    reasons = {e["reason"] for e in got["explanations"]}
    assert {"exception", "exception_blank", "transfer_or_historical", "rejected_rows"} <= reasons
    # Exceptions (flag 1, or left blank) explain the gap between our two denominators exactly.
    cases = {e["reason"]: e["cases"] for e in got["explanations"]}
    assert cases["exception"] + cases["exception_blank"] == (
        ours["plans_issued"] - ours["plans_issued_excl_exceptions"]
    )


def test_reconcile_without_sen2_data(tmp_path: Path) -> None:
    out = etl("reconcile", "--la", "336", "--year", "2024", "--data-dir", str(tmp_path / "nothing"))
    assert "No SEN2 data loaded" in clean_failure(out, 1)
