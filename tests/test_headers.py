"""The one header finder (etl.headers) and the settings file's aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import headers
from etl.config import SettingsError, settings
from etl.inputs.sen2.spec import FLAT, MODULES
from etl.inputs.tracker.spec import SHEET_KINDS
from etl.readers import RawSheet
from tests import sen2_builders as b


@pytest.fixture(autouse=True)
def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b.isolate_settings(monkeypatch, tmp_path)


def _sheet(*rows: list[str | None], name: str | None = "Sheet1") -> RawSheet:
    return RawSheet.from_rows(
        "f.xlsx", name, [list(r) for r in rows], list(range(1, len(rows) + 1))
    )


def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SEND_CONFIG", str(path))


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Date request was received", "daterequestwasreceived"),
        ("Received_Date", "receiveddate"),
        ("% complete", "pctcomplete"),
        ("  Café  ", "cafe"),
        (None, ""),
    ],
)
def test_header_key(raw: str | None, key: str) -> None:
    assert headers.header_key(raw) == key


def test_header_below_titles_and_bracket_notes() -> None:
    sheet = _sheet(
        ["Requests for assessment", None, None],
        [None, None, None],
        ["Request ID", "Date request was received (dd/mm/yyyy)", "RequestOutcome"],
        ["R1", "01/02/2024", "Y"],
    )
    found = headers.find_header(sheet, [MODULES["requests"]], "sen2", min_columns=2, search_rows=30)
    assert found is not None
    assert found.header_index == 2
    assert found.columns == {"request_id": 0, "received_date": 1, "request_outcome": 2}
    assert found.headers["received_date"] == "Date request was received (dd/mm/yyyy)"


def test_more_fields_win_and_ties_go_to_the_earlier_spec() -> None:
    sheet = _sheet(["ReceivedDate", "RequestOutcome", "persontableid", "requeststableid"])
    found = headers.find_header(
        sheet, [*MODULES.values(), FLAT], "sen2", min_columns=2, search_rows=30
    )
    # Requests matches all four (person id is its parent link); so does the flat list, listed
    # later, so the module wins the tie.
    assert found is not None and found.spec.name == "requests"


def test_too_few_columns_is_no_match() -> None:
    sheet = _sheet(["Name", "Amount"], ["x", "1"])
    assert headers.find_header(sheet, [FLAT], "sen2", min_columns=2, search_rows=30) is None


def test_sheet_hint_by_name() -> None:
    kinds = list(SHEET_KINDS.values())
    hinted = headers.sheet_hint(_sheet(["x"], name="Tasks and Milestones"), kinds)
    assert hinted is not None and hinted.name == "milestones"
    assert headers.sheet_hint(_sheet(["x"], name="Budget"), kinds) is None
    assert headers.sheet_hint(_sheet(["x"], name=None), kinds) is None


def test_missing_column_message_suggests_the_nearest_field() -> None:
    sheet = _sheet(["Request ID", "Date Request Received", "RequestOutcome", "Person ID"])
    found = headers.find_header(sheet, [MODULES["requests"]], "sen2", min_columns=2, search_rows=9)
    assert found is not None
    missing = headers.missing_required(
        found, [("received_date",)], lambda n: MODULES["requests"].field(n).aliases[0], "sen2"
    )
    assert missing == (
        "required column 'ReceivedDate' is missing",
        ". Headers found: 'Request ID', 'Date Request Received', 'RequestOutcome', 'Person ID'. "
        "'Date Request Received' may be ReceivedDate; add it under [aliases.sen2.requests] in "
        "the settings file",
    )


def test_missing_columns_are_named_all_at_once_each_with_its_nearest_header() -> None:
    sheet = _sheet(["Request ID", "Date Request Received", "Req Outcome", "Person ID"])
    found = headers.find_header(sheet, [MODULES["requests"]], "sen2", min_columns=2, search_rows=9)
    assert found is not None
    missing = headers.missing_required(
        found,
        [("received_date",), ("request_outcome",)],
        lambda n: MODULES["requests"].field(n).aliases[0],
        "sen2",
    )
    assert missing is not None
    message, detail = missing
    assert message == "required columns 'ReceivedDate' and 'RequestOutcome' are missing"
    assert "'Date Request Received' may be ReceivedDate" in detail
    assert "'Req Outcome' may be RequestOutcome" in detail


def test_alias_keyed_by_any_known_spelling(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(tmp_path, monkeypatch, '[aliases.sen2.requests]\nReceivedDate = ["Referral date"]\n')
    assert settings().aliases == {"sen2": {"requests": {"received_date": ("Referral date",)}}}
    sheet = _sheet(["Request ID", "Referral date", "RequestOutcome"])
    found = headers.find_header(sheet, [MODULES["requests"]], "sen2", min_columns=2, search_rows=9)
    assert found is not None and found.columns["received_date"] == 1


def test_aliases_of_a_module_apply_to_the_case_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(tmp_path, monkeypatch, '[aliases.sen2.person]\nperson_id = ["Mosaic ID"]\n')
    columns, _ = headers.match_row(["Mosaic ID", "ReceivedDate"], "sen2", FLAT)
    assert columns == {"person_id": 0, "received_date": 1}
    # …but not to another module.
    columns, _ = headers.match_row(["Mosaic ID"], "sen2", MODULES["sen2"])
    assert columns == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[aliases.sen2.requests]\nReceivdDate = ["x"]\n',
            "[aliases.sen2.requests] ReceivdDate: no such field in Requests; did you mean "
            "received_date?",
        ),
        (
            '[aliases.sen3.requests]\nx = ["y"]\n',
            "[aliases.sen3]: no input kind 'sen3'; did you mean sen2?",
        ),
        (
            '[aliases.sen2.requets]\nx = ["y"]\n',
            "[aliases.sen2.requets]: sen2 has no sheet 'requets'; did you mean requests?",
        ),
        (
            '[aliases]\nreceived_date = ["Date of referral"]\n',
            "[aliases] received_date: aliases now sit under their input kind and sheet",
        ),
        ("[thresholds]\nwithin_dayz = 140\n", "[thresholds] within_dayz: unknown setting"),
        ("[threshold]\nwithin_days = 140\n", "threshold: unknown setting"),
        ("[thresholds]\nwithin_days = -1\n", "[thresholds] within_days: Input should be greater"),
    ],
)
def test_settings_mistakes_are_errors_that_say_what_to_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    _config(tmp_path, monkeypatch, text)
    with pytest.raises(SettingsError) as raised:
        settings()
    assert expected in str(raised.value)
    assert str(tmp_path / "settings.toml") in str(raised.value)


def test_tracker_aliases_under_their_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(tmp_path, monkeypatch, '[aliases.tracker.milestones]\nname = ["Key deliverable"]\n')
    columns, _ = headers.match_row(
        ["Key deliverable", "Start Date", "End Date"], "tracker", SHEET_KINDS["milestones"]
    )
    assert columns == {"name": 0, "start_date": 1, "end_date": 2}


def test_a_repeated_header_is_found_in_any_half_of_its_columns() -> None:
    import pyarrow as pa

    # Four header cells: a row repeats the header when it spells at least two of them again in
    # their own columns. Ids and dates hold no words, so they are keyed first; the check must
    # still find a repeat that is only in the two columns of words (Name, Need).
    header = {"person_id": "Person ID", "name": "Name", "received": "Received", "need": "Need"}
    match = headers.HeaderMatch(FLAT, 0, {f: i for i, f in enumerate(header)}, header)
    rows = [
        ["1", "Ada Lovelace", "2024-01-05", "ASD"],
        ["2", "name", "2024-01-06", "NEED"],  # 1: Name and Need only: a repeat
        ["3", "Name", "2024-01-07", "SLD"],  # 2: one cell only: a record
        ["Person ID", "Grace Hopper", "2024-01-08", "MLD"],  # 3: one cell only: a record
        ["person id", "NAME", "received", "need"],  # 4: the whole header again
        ["6", "Alan Turing", "2024-01-09", "VI"],
    ]
    body = [pa.array([row[i] for row in rows], pa.string()) for i in range(4)]
    assert headers.repeated_header_rows(body, match) == [1, 4]


def test_header_search_caches_short_cells_only() -> None:
    """Cells are keyed once for every input kind's search (a cache), but only cells of a
    header's length go in it: a file's long cells cannot fill the memory (issue 11)."""
    headers._cached_keys.cache_clear()
    long_text = "note " * 1000
    keys = headers._row_keys(["Date received (dd/mm/yyyy)", None, long_text])
    assert keys == [
        (0, "datereceivedddmmyyyy", "datereceived"),
        None,
        (2, "note" * 1000, "note" * 1000),
    ]
    assert headers._cached_keys.cache_info().currsize == 1
