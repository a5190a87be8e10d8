"""The demo database: the shipped programs through review, real caps, counties opted in, a
synthetic applicant pool drawn from the vendored Census populations, and one lottery run.

Every record goes in through the same services a state office, a county and the federal side
use (one unit of work each, every step in the audit log), acting at dates in the recent past,
so the demo shows the platform's real paths, not fixtures. People are synthetic: states and
counties are drawn in proportion to the July 1, 2024 Census estimates; names come from a short
list of common given and family names in several traditions; inputs are the W visa's, mostly
admissible, some not, so that both decisions appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import polars as pl
from sqlalchemy import func, select

from statevisa.errors import ConflictError, problem
from statevisa.selection.lottery import commitment
from statevisa.services import applicants, applications, caps, cases, employers, rounds
from statevisa.services import program_versions as versions
from statevisa.services.authz import Principal, Role
from statevisa.services.context import Platform
from statevisa.store.models import ProgramVersion

DEMO_SEED = "5eed0f5eed0f5eed0f5eed0f5eed0f5e"
"""The lottery seed the demo commits to, then reveals (a demo value, published here on purpose)."""
FEDERAL = Principal("demo-federal-reviewer", Role.FEDERAL_REVIEWER, "US")
GIVEN = (
    "María",
    "José",
    "Wei",
    "Fatima",
    "Olena",
    "Kwame",
    "Priya",
    "Hiroshi",
    "Amara",
    "Lucas",
    "Sofia",
    "Ahmed",
    "Nguyen",
    "Ana",
    "Dmitri",
    "Chloé",
    "Ji-woo",
    "Mateo",
    "Zainab",
    "Tomás",
)
FAMILY = (
    "García",
    "Nguyen",
    "Okafor",
    "Kowalski",
    "Haddad",
    "Tanaka",
    "Shevchenko",
    "Mensah",
    "Patel",
    "Silva",
    "Chen",
    "Kim",
    "Hernández",
    "Ivanova",
    "Dubois",
    "Rahman",
    "Cohen",
    "Santos",
    "Mwangi",
    "Müller",
)
COUNTRIES = ("MEX", "IND", "CHN", "PHL", "VNM", "NGA", "UKR", "BRA", "GHA", "KOR", "COL", "EGY")
OFFERS = (
    ("15-1252", "Software developer", 1.25),
    ("29-1141", "Registered nurse", 1.1),
    ("47-2061", "Construction laborer", 1.0),
    ("45-2092", "Farmworker", 1.0),
    ("35-2014", "Restaurant cook", 1.0),
)
W_CASE: dict[str, object] = {
    "stage": "application",
    "role": "principal",
    "sponsored_by_state": True,
    "will_live_in_sponsoring_state": True,
    "purpose": "perform_services",
    "state_law_enacted": True,
    "program_legislature_approved": True,
    "program_regulates_employment": True,
    "program_regulates_residence": True,
    "program_reports_noncompliance": True,
    "program_allows_employer_change": True,
    "program_reports_annually": True,
}
INADMISSIBLE = ({"purpose": "none"}, {"will_live_in_sponsoring_state": False}, {"sponsored_by_state": False})


@dataclass
class Seeded:
    programs: dict[str, str] = field(default_factory=dict)
    caps: int = 0
    counties: list[str] = field(default_factory=list)
    employers: int = 0
    applications: int = 0
    eligible: int = 0
    round_id: int | None = None
    invited: int = 0
    issued: int = 0
    adjudications: int = 0


def officer(state: str) -> Principal:
    return Principal(f"demo-officer-{state}", Role.STATE_OFFICER, state)


T = TypeVar("T")


class Act:
    """Run one service call as someone at some moment, in its own unit of work."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def __call__(self, who: Principal, at: dt.datetime, service: Callable[..., T], *args: Any) -> T:
        with self.platform.unit(who, now=at, purpose="demo seed") as ctx:
            return service(ctx, *args)


def seed(platform: Platform, now: dt.datetime, people: int = 400, seed_value: int = 1) -> Seeded:
    """Fill an empty platform database with the demo; refuse one that already has programs."""
    with platform.session() as session:
        if session.scalar(select(func.count()).select_from(ProgramVersion)):
            raise ConflictError(
                problem("not-empty", "the database already holds programs: seed an empty one", field="--db")
            )
    rng = np.random.default_rng(seed_value)
    done = Seeded()
    start = now - dt.timedelta(days=90)
    act = Act(platform)
    _programs(act, start, done)
    year = (start + dt.timedelta(days=86)).year  # the year the demo's visas are issued in
    done.caps = len(act(FEDERAL, start + dt.timedelta(days=40), caps.compute, "w-visa", year, None))
    done.counties = _counties(act, start + dt.timedelta(days=41))
    act(FEDERAL, start + dt.timedelta(days=42), caps.compute, "heartland", year, None)
    offers = _employers(act, start + dt.timedelta(days=43), _largest_states(12), done)
    _applicants(act, start + dt.timedelta(days=45), rng, people, offers, done)
    _round(act, start + dt.timedelta(days=70), done)
    if platform.keyring is not None:
        _twice(act, start + dt.timedelta(days=75), done)
    return done


def _programs(act: Act, start: dt.datetime, done: Seeded) -> None:
    day = dt.timedelta(days=1)
    w = act(FEDERAL, start, versions.upload, versions.shipped_files("w-visa"))
    act(FEDERAL, start, versions.publish, w.id, start.date(), (start + 20 * day).date())
    act(
        officer("06"),
        start + 3 * day,
        versions.comment,
        w.id,
        "California's program office supports the pilot.",
    )
    act(officer("49"), start + 5 * day, versions.comment, w.id, "Please confirm the annual report's format.")
    act(FEDERAL, start + 21 * day, versions.submit, w.id)
    act(
        FEDERAL,
        start + 30 * day,
        versions.decide,
        w.id,
        True,
        "The pilot's five State-program conditions are met.",
    )
    heartland = act(FEDERAL, start, versions.upload, versions.shipped_files("heartland"))
    act(FEDERAL, start + day, versions.submit, heartland.id)
    act(
        FEDERAL,
        start + 30 * day,
        versions.decide,
        heartland.id,
        True,
        "County eligibility per the default encoding.",
    )
    utah = act(officer("49"), start + 60 * day, versions.upload, versions.shipped_files("utah-hb116"))
    act(
        officer("49"),
        start + 60 * day,
        versions.publish,
        utah.id,
        (start + 60 * day).date(),
        (start + 120 * day).date(),
    )
    california = act(
        officer("06"), start + 61 * day, versions.upload, versions.shipped_files("california-ab20")
    )
    done.programs = {
        "w-visa": "approved",
        "heartland": "approved",
        "utah-hb116": "in_comment",
        "california-ab20": f"draft (version {california.id})",
    }


def _counties(act: Act, at: dt.datetime) -> list[str]:
    """Opt in the ten most populous eligible counties, each by its own county board's vote."""
    from statevisa.services.heartland import Options, evaluate

    frame = evaluate(Options(universe="opt-in"), at.date()).frame
    chosen = frame.filter(pl.col("eligible")).sort("population", descending=True).head(10)["fips"].to_list()
    for county in chosen:
        who = Principal(f"demo-county-{county}", Role.COUNTY_OFFICER, county)
        act(
            who,
            at,
            caps.record_participation,
            "heartland",
            county,
            "opt_in",
            at.date(),
            caps.Vote("Board of Supervisors", 4, 1),
        )
    return chosen


def _largest_states(count: int) -> list[str]:
    from statevisa.reference.population import state_population

    return state_population(2024).sort("population", descending=True)["fips"].head(count).to_list()


def _states(rng: np.random.Generator) -> pl.Series:
    from statevisa.reference.population import state_population

    frame = state_population(2024)
    weights = frame["population"].to_numpy().astype(np.float64)
    return pl.Series(rng.choice(frame["fips"].to_numpy(), size=1000, p=weights / weights.sum()))


def _employers(act: Act, at: dt.datetime, states: list[str], done: Seeded) -> dict[str, list[int]]:
    """Two employers per state, each with offers in its most populous county."""
    from statevisa.reference.population import county_population

    counties = county_population(2024)
    found: dict[str, list[int]] = {}
    for state in states:
        biggest = counties.filter(pl.col("fips").str.starts_with(state)).sort("population", descending=True)
        county = biggest["fips"][0]
        for n in range(2):
            who = Principal(f"demo-employer-{state}-{n}", Role.EMPLOYER, state)
            firm = act(
                who, at, employers.create_employer, f"Demo Employer {state}-{n + 1}", state, None, None
            )
            done.employers += 1
            for soc, title, factor in OFFERS[n::2]:
                offer = act(
                    who, at, employers.create_job_offer, firm.id, title, soc, 60_000.0 * factor, county
                )
                found.setdefault(state, []).append(offer.id)
    return found


def _applicants(
    act: Act,
    at: dt.datetime,
    rng: np.random.Generator,
    people: int,
    offers: dict[str, list[int]],
    done: Seeded,
) -> None:
    places = [state for state in _states(rng).to_list() if state in offers][:people]
    for n, state in enumerate(places):
        who = Principal(f"demo-applicant-{n:04d}", Role.APPLICANT, state)
        new = applicants.NewApplicant(
            state=state,
            given_name=str(rng.choice(GIVEN)),
            family_name=str(rng.choice(FAMILY)),
            date_of_birth=dt.date(1975, 1, 1) + dt.timedelta(days=int(rng.integers(0, 9000))),
            country_of_birth=str(rng.choice(COUNTRIES)),
            document_number=f"P{rng.integers(10**7, 10**8)}",
            document_country=str(rng.choice(COUNTRIES)),
            address=f"{n + 1} Demo Street",
        )
        person = act(who, at, applicants.create, new)
        inputs = dict(W_CASE)
        if rng.random() < 0.12:
            inputs.update(INADMISSIBLE[int(rng.integers(0, len(INADMISSIBLE)))])
        offer = int(rng.choice(offers[state]))
        made = act(
            who,
            at + dt.timedelta(minutes=n),
            applications.submit,
            applications.Submission("w-visa", state, inputs, person.id, offer),
        )
        done.applications += 1
        done.eligible += bool(made.eligible)


def _twice(act: Act, at: dt.datetime, done: Seeded) -> None:
    """One person applying in California and then in Texas with the same passport: the hub's match
    waits in Texas's adjudication queue."""
    for state in ("06", "48"):
        who = Principal(f"demo-applicant-twice-{state}", Role.APPLICANT, state)
        new = applicants.NewApplicant(
            state=state,
            given_name="Olena",
            family_name="Shevchenko",
            date_of_birth=dt.date(1990, 5, 17),
            country_of_birth="UKR",
            document_number="FX123456",
            document_country="UKR",
            address="Demo Street",
        )
        person = act(who, at, applicants.create, new)
        made = act(who, at, applications.submit, applications.Submission("w-visa", state, W_CASE, person.id))
        done.applications += 1
        done.eligible += bool(made.eligible)
    done.adjudications += 1


def _round(act: Act, at: dt.datetime, done: Seeded) -> None:
    """California's lottery: committed, drawn a week later; the first winners moved on to issuance."""
    california = officer("06")
    opened = act(
        california, at, rounds.open_lottery, "w-visa", "06", 25, commitment(bytes.fromhex(DEMO_SEED))
    )
    drawn = act(california, at + dt.timedelta(days=7), rounds.draw, opened.id, DEMO_SEED)
    done.round_id, done.invited = drawn.id, len(drawn.selected)
    later = at + dt.timedelta(days=10)
    for n, application_id in enumerate(drawn.selected[:10]):
        case_id = act(california, later, applications.get, application_id).case_id
        act(
            california, later, cases.transition, case_id, "nominated", "nominated by the state program office"
        )
        if n < 8:
            act(
                FEDERAL,
                later + dt.timedelta(days=5),
                cases.transition,
                case_id,
                "approved",
                "nomination approved",
            )
        if n < 5:
            act(FEDERAL, later + dt.timedelta(days=6), cases.transition, case_id, "issued", "W visa issued")
            done.issued += 1
