"""A platform with records in two states, built once, for tests that ask every endpoint as every role.

California (06, Los Angeles County 06037) is "own" for the test principals: its employer and
applicant belong to ``acme-hr`` and ``maria``. Texas (48, Harris County 48201) is "other": its
records belong to people none of the principals are. Each side has the same kinds of record
(program versions in every status, an employer and its offer, an applicant, an eligible case, a
case whose holder is active, a ranked round and a committed lottery), so any request can be
asked of one side or the other. The app serves them through `Rehearsal`, whose units always roll
back: every request meets the same records, whatever the requests before it did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from sqlalchemy import select

from statevisa.identity.tokens import Keyring, TokenKey
from statevisa.selection.lottery import commitment
from statevisa.services import applicants, applications, auditlog, caps, cases, employers, rounds
from statevisa.services import cooperation_requests as requests
from statevisa.services import program_versions as versions
from statevisa.services.authz import Principal, Role
from statevisa.services.context import Context, Platform
from statevisa.store.models import Adjudication, Allocation
from tests.api.conftest import SIGNER
from tests.platform import APPLICANT, CALIFORNIA, EMPLOYER, FEDERAL, LIAISON, NOW, TEXAS, act, days
from tests.services.conftest import PILOT, W_CASE

SEED = "5eed" * 8
"""The seed both committed lotteries are drawn with (test data)."""
JUAN = "juan"
TEX_HR = "tex-hr"
SHERIFF_ASKS = {
    "requester": "ICE",
    "purpose": "civil_immigration_enforcement",
    "agency_type": "sheriff",
    "in_custody": True,
    "detainer": True,
}


@dataclass(frozen=True)
class Side:
    """One state's records, by id: what a request for "own" or "other" names."""

    state: str
    county: str
    program: str
    draft: int
    in_comment: int
    submitted: int
    approved: int
    employer: int
    offer: int
    applicant: int
    application: int
    case: int
    holder_case: int
    round: int
    lottery: int
    request: int
    adjudication: int = 0


@dataclass(frozen=True)
class World:
    own: Side
    other: Side


class Rehearsal(Platform):
    """The platform with every unit of work rolled back at its end, so no request changes the world."""

    @contextmanager
    def unit(self, principal: Principal, *, now: dt.datetime, purpose: str) -> Iterator[Context]:
        with self.sessions() as session:
            session.begin()
            try:
                yield Context(session, principal, now, purpose)
            finally:
                session.rollback()


def pilot_text(program: str, state: str, version: str) -> dict[str, str]:
    """The fixture pilot program as `program` of `state` at `version` (a test program, not law)."""
    text = PILOT.read_text(encoding="utf-8")
    text = text.replace("id: integration-pilot", f"id: {program}").replace(
        'jurisdiction: "06"', f'jurisdiction: "{state}"'
    )
    return {"program.yaml": text.replace("version: 1.0.0", f"version: {version}")}


def build(url: str) -> World:
    """Fill the database at `url` through the services, as the people named would, and sign the log."""
    platform = Platform(url, sequencer=auditlog.make_sequencer(SIGNER))
    try:
        w_visa = act(platform, FEDERAL, versions.upload, versions.shipped_files("w-visa"))
        act(platform, FEDERAL, versions.submit, w_visa.id)
        act(platform, FEDERAL, versions.decide, w_visa.id, True, "approved for the test")
        act(platform, FEDERAL, caps.compute, "w-visa", NOW.year, 2024)
        own = _side(platform, CALIFORNIA, "06", "06037", "integration-pilot", EMPLOYER, APPLICANT, LIAISON)
        texans = (Principal(TEX_HR, Role.EMPLOYER, "48"), Principal(JUAN, Role.APPLICANT, "48"))
        other_liaison = Principal("ice-liaison-2", Role.ENFORCEMENT_LIAISON, "US")
        other = _side(platform, TEXAS, "48", "48201", "tx-pilot", *texans, other_liaison)
    finally:
        platform.close()
    keyed = Platform(url, sequencer=auditlog.make_sequencer(SIGNER), keyring=KEYRING)
    try:  # one person in both states: each state's second application waits for its officer
        found = [_duplicate(keyed, state) for state in ("06", "48")]
    finally:
        keyed.close()
    return World(replace(own, adjudication=found[0]), replace(other, adjudication=found[1]))


KEYRING = Keyring((TokenKey("world", b"w" * 32),), "world")


def _duplicate(platform: Platform, state: str) -> int:
    """A passport entered in another state before, applied with again here: its adjudication's id."""
    elsewhere = "48" if state == "06" else "06"
    for where in (elsewhere, state):
        new = applicants.NewApplicant(
            where, "Dana", "Twice", document_number=f"D{state}00001", document_country="USA"
        )
        who = CALIFORNIA if where == "06" else TEXAS
        person = act(platform, who, applicants.create, new)
        act(platform, who, applications.submit, applications.Submission("w-visa", where, W_CASE, person.id))
    with platform.session() as session:
        found = session.scalar(
            select(Adjudication.id).where(Adjudication.state == state).order_by(Adjudication.id.desc())
        )
    assert found is not None
    return found


def _side(
    platform: Platform,
    officer: Principal,
    state: str,
    county: str,
    program: str,
    employer: Principal,
    person: Principal,
    liaison: Principal,
) -> Side:
    version_ids = []
    for number in ("1.0.0", "1.1.0", "1.2.0", "1.3.0"):
        made = act(platform, officer, versions.upload, pilot_text(program, state, number))
        version_ids.append(made.id)
    approved, draft, in_comment, submitted = version_ids
    act(platform, officer, versions.submit, approved)
    act(platform, FEDERAL, versions.decide, approved, True, "approved for the test")
    act(platform, officer, versions.publish, in_comment, NOW.date() - days(1), NOW.date() + days(30))
    act(platform, officer, versions.submit, submitted)
    with platform.session() as session:  # the pilot declares no cap formula: a fixed cap, as a test sets
        session.add(
            Allocation(
                program_id=program,
                year=NOW.year,
                jurisdiction=state,
                cap=5,
                issued=0,
                method="fixed",
                basis="test",
                computed_at=NOW,
                computed_by="test",
            )
        )
    firm = act(platform, employer, employers.create_employer, f"Firm of {state}", state, None, None)
    offer = act(
        platform, employer, employers.create_job_offer, firm.id, "Developer", "15-1252", 150_000.0, county
    )
    new = applicants.NewApplicant(state, "Test", f"Person of {state}", document_number="X1234567")
    applicant = act(platform, person, applicants.create, new)
    w_case = applications.Submission("w-visa", state, W_CASE, applicant.id, offer.id)
    eligible = act(platform, person, applications.submit, w_case)
    pilot_case = applications.Submission(program, state, {"years_of_experience": 5}, applicant.id, offer.id)
    holder = act(platform, person, applications.submit, pilot_case)
    for who, target in (
        (officer, "invited"),
        (officer, "nominated"),
        (FEDERAL, "approved"),
        (FEDERAL, "issued"),
        (officer, "active"),
    ):
        act(platform, who, cases.transition, holder.case_id, target, f"to {target}")
    ranked = act(platform, officer, rounds.run_ranked, program, state, 1, None)
    lottery = act(platform, officer, rounds.open_lottery, "w-visa", state, 1, commitment(bytes.fromhex(SEED)))
    fields = ["immigration_status"]
    asked = act(platform, liaison, requests.file, state, "honor_detainer", SHERIFF_ASKS, fields, applicant.id)
    return Side(
        state,
        county,
        program,
        draft,
        in_comment,
        submitted,
        approved,
        firm.id,
        offer.id,
        applicant.id,
        eligible.id,
        eligible.case_id,
        holder.case_id,
        ranked.id,
        lottery.id,
        asked.id,
    )
