"""`statevisa applications import`, `rounds replay` and `cases sweep`: the contracts, end to end."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from statevisa.config import settings
from statevisa.services import applications, caps, cases, rounds
from statevisa.services import program_versions as versions
from statevisa.services.applications import Submission
from statevisa.services.auditlog import load_signer, make_sequencer, write_new_key
from statevisa.services.context import Platform
from statevisa.services.database import prepare
from statevisa.store.models import AuditEvent
from tests.conftest import CliRunner
from tests.platform import CALIFORNIA, FEDERAL, act
from tests.services.conftest import PILOT, W_CASE

PAST = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.UTC)
"""When the records these tests build were made: a reporting deadline a year on has passed."""


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    key = tmp_path / "audit.pem"
    write_new_key(key)
    monkeypatch.setenv("STATEVISA_AUDIT_KEY_FILE", str(key))
    monkeypatch.delenv("STATEVISA_DATABASE_URL", raising=False)
    found = f"sqlite:///{tmp_path / 'statevisa.db'}"
    prepare(found)
    return found


@pytest.fixture
def platform(url: str) -> Iterator[Platform]:
    opened = Platform(url, sequencer=make_sequencer(load_signer(settings())))
    yield opened
    opened.close()


def approve(platform: Platform, program: str) -> None:
    files = (
        {"program.yaml": PILOT.read_text(encoding="utf-8")}
        if program == "pilot"
        else versions.shipped_files(program)
    )
    who = CALIFORNIA if program == "pilot" else FEDERAL
    made = act(platform, who, versions.upload, files, at=PAST)
    act(platform, who, versions.submit, made.id, at=PAST)
    act(platform, FEDERAL, versions.decide, made.id, True, "approved for the test", at=PAST)


def w_file(tmp_path: Path, states: list[str] | None = None) -> Path:
    rows = [{"id": f"r{n}", **{k: str(v).lower() for k, v in W_CASE.items()}} for n in range(3)]
    rows[0]["purpose"] = "none"
    frame = pl.DataFrame(rows)
    if states is not None:
        frame = frame.with_columns(pl.Series("state", states))
    path = tmp_path / "w.csv"
    frame.write_csv(path)
    return path


def test_an_import_prints_what_it_wrote_and_the_log_verifies(
    cli: CliRunner, url: str, platform: Platform, tmp_path: Path
) -> None:
    approve(platform, "w-visa")
    path = w_file(tmp_path)
    done = cli(
        "applications",
        "import",
        str(path),
        "--program",
        "w-visa",
        "--state",
        "06",
        "--on",
        "2026-03-02",
        "--db",
        url,
    )
    assert done.code == 0, done.stderr
    assert done.stdout.startswith(
        f"{path}: 3 applications imported to w-visa 0.2.0 (version 1) on 2026-03-02: "
        "2 eligible, 1 ineligible; applications 1 to 3, batch "
    )
    with platform.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "application.import")).one()
    assert (event.actor, event.role, event.jurisdiction) == (getpass.getuser(), "state_officer", "06")
    verified = cli("audit", "verify", "--db", url)
    assert verified.code == 0 and verified.stdout.startswith("ok: "), verified.stderr


def test_a_national_file_spanning_states_is_imported_by_the_federal_side(
    cli: CliRunner, url: str, platform: Platform, tmp_path: Path
) -> None:
    approve(platform, "w-visa")
    done = cli(
        "applications",
        "import",
        str(w_file(tmp_path, ["06", "48", "48"])),
        "--program",
        "w-visa",
        "--db",
        url,
    )
    assert done.code == 0, done.stderr
    with platform.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "application.import")).one()
    assert (event.role, event.jurisdiction, event.detail["states"]) == ("federal_reviewer", "US", "06,48")


def test_a_bad_cell_exits_2_naming_it_and_writes_nothing(
    cli: CliRunner, url: str, platform: Platform, tmp_path: Path
) -> None:
    approve(platform, "pilot")
    path = tmp_path / "pilot.csv"
    path.write_text("id,years_of_experience\na,3\nb,lots\n", encoding="utf-8")
    done = cli("applications", "import", str(path), "--program", "integration-pilot", "--db", url)
    assert (done.code, done.stdout) == (2, "")
    assert done.stderr == f"{path}: row 3 (id b), column years_of_experience: 'lots' is not a whole number\n"
    assert act(platform, CALIFORNIA, applications.listing, None, None, 10).items == []


def test_an_unknown_program_exits_2(cli: CliRunner, url: str, tmp_path: Path) -> None:
    done = cli("applications", "import", str(w_file(tmp_path)), "--program", "nope", "--db", url)
    assert (done.code, done.stderr) == (2, "--program: no program nope\n")


def exported(platform: Platform, tmp_path: Path) -> Path:
    approve(platform, "pilot")
    for years in (3, 9, 1, 9, 5):
        act(
            platform,
            CALIFORNIA,
            applications.submit,
            Submission("integration-pilot", "06", {"years_of_experience": years}),
        )
    done = act(platform, CALIFORNIA, rounds.run_ranked, "integration-pilot", "06", 2, None)
    path = tmp_path / "round.json"
    path.write_text(json.dumps(act(platform, CALIFORNIA, rounds.export, done.id)), encoding="utf-8")
    return path


def test_a_replay_exits_0_when_the_same_and_1_when_not(
    cli: CliRunner, platform: Platform, tmp_path: Path
) -> None:
    path = exported(platform, tmp_path)
    same = cli("rounds", "replay", str(path))
    assert (same.code, same.stdout) == (
        0,
        f"{path}: same: the same entries, in the same order (2 selected)\n",
    )
    document = json.loads(path.read_text(encoding="utf-8"))
    document["drawn"].reverse()
    path.write_text(json.dumps(document), encoding="utf-8")
    different = cli("rounds", "replay", str(path))
    first, second = document["drawn"][1], document["drawn"][0]
    assert (different.code, different.stderr) == (
        1,
        f"{path}: DIFFERENT: the published selection differs from the replay\n"
        f"first difference at place 1: replay {first}, published {second}\n",
    )


def test_an_unusable_export_exits_2_naming_what_is_wrong(
    cli: CliRunner, platform: Platform, tmp_path: Path
) -> None:
    path = exported(platform, tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["entries"].append(dict(document["entries"][0]))
    del document["round"]["parameters"]["invitations"]
    path.write_text(json.dumps(document), encoding="utf-8")
    done = cli("rounds", "replay", str(path))
    assert done.code == 2
    assert done.stderr.splitlines() == [
        f"{path}: round/parameters/invitations is not a whole number from 0 to 10,000,000",
        f"{path}: entries/4/entry_id repeats entry {document['entries'][0]['entry_id']}",
    ]
    path.write_text('{"format": 1,', encoding="utf-8")
    assert (
        cli("rounds", "replay", str(path)).stderr
        == f"{path}:1:14: Expecting property name enclosed in double quotes\n"
    )
    missing = cli("rounds", "replay", str(tmp_path / "none.json"))
    assert (missing.code, missing.stderr) == (2, f"{tmp_path / 'none.json'}: no such file\n")


def test_a_sweep_moves_holders_past_their_deadline_as_the_states_officer(
    cli: CliRunner, url: str, platform: Platform
) -> None:
    approve(platform, "w-visa")
    act(platform, FEDERAL, caps.compute, "w-visa", PAST.year, 2022, at=PAST)
    done = act(platform, CALIFORNIA, applications.submit, Submission("w-visa", "06", W_CASE), at=PAST)
    path = [(CALIFORNIA, "invited"), (CALIFORNIA, "nominated"), (FEDERAL, "approved"), (FEDERAL, "issued"),
            (CALIFORNIA, "active")]  # fmt: skip
    for who, target in path:
        act(platform, who, cases.transition, done.case_id, target, f"to {target}", at=PAST)
    swept = cli("cases", "sweep", "--jurisdiction", "06", "--db", url)
    assert (swept.code, swept.stdout) == (
        0,
        f"06: 1 case(s) past a reporting deadline moved to in_violation: {done.case_id}\n",
    )
    history = act(platform, CALIFORNIA, cases.get, done.case_id).events
    assert (history[-1].to_state, history[-1].details["run_by"]) == ("in_violation", getpass.getuser())
    again = cli("cases", "sweep", "--jurisdiction", "06", "--db", url)
    assert again.stdout == "06: 0 case(s) past a reporting deadline moved to in_violation\n"
    county = cli("cases", "sweep", "--jurisdiction", "06037", "--db", url)
    assert (county.code, county.stderr) == (
        2,
        "--jurisdiction: a state_officer acts for a state, not a county (06037)\n",
    )
