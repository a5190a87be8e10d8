"""Caps: computed from a program's own file, re-split as counties opt in, and never exceeded.

A cap is a row per program, year and jurisdiction. Programs that share a national number by
population (the W visa's 5,000 per state plus a population pool) are computed by the same
allocation core and parameters as ``statevisa allocate --program``, read from the program's
approved version; the Heartland cap is shared among the counties whose officers opted in, as
``statevisa heartland allocate`` does, and shared again whenever one opts in or out.

Issuing a visa takes one unit of a cap in a single conditional UPDATE
(``issued = issued + 1 WHERE issued < cap``): the database decides, under any concurrency,
and a cap of 10 yields exactly 10 issuances whoever races for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from statevisa.errors import ConflictError, InputError, NotFoundError, problem, renamed_fields
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.employers import require_jurisdiction
from statevisa.services.program_versions import approved_version, resolved_on
from statevisa.store.models import Allocation, CountyParticipation, Program

HEARTLAND = "heartland"
DECISIONS = ("opt_in", "opt_out")
MAX_VOTES = 100_000


@dataclass(frozen=True)
class CapView:
    id: int
    program_id: str
    year: int
    jurisdiction: str
    cap: int
    issued: int
    method: str
    basis: str
    version_id: int | None
    computed_at: dt.datetime


def _view(row: Allocation) -> CapView:
    return CapView(
        row.id,
        row.program_id,
        row.year,
        row.jurisdiction,
        row.cap,
        row.issued,
        row.method,
        row.basis,
        row.version_id,
        row.computed_at,
    )


@dataclass(frozen=True)
class Computed:
    """Caps to store, how they were shared, and from what."""

    caps: dict[str, int]
    method: str
    basis: str


def _store(
    ctx: Context, program_id: str, year: int, computed: Computed, version_id: int | None
) -> list[CapView]:
    """Write the caps of one program and year; a jurisdiction no longer listed keeps its history at cap 0."""
    existing = {
        row.jurisdiction: row
        for row in ctx.session.scalars(
            select(Allocation).where(Allocation.program_id == program_id, Allocation.year == year)
        )
    }
    caps, method, basis = computed.caps, computed.method, computed.basis
    for fips, dropped in existing.items():
        if fips not in caps:
            dropped.cap = 0
    for fips, cap in caps.items():
        found = existing.get(fips)
        if found is None:
            ctx.session.add(
                Allocation(
                    program_id=program_id,
                    year=year,
                    jurisdiction=fips,
                    cap=cap,
                    issued=0,
                    method=method,
                    basis=basis,
                    version_id=version_id,
                    computed_at=ctx.now,
                    computed_by=ctx.principal.subject,
                )
            )
        else:
            found.cap, found.method, found.basis, found.version_id = cap, method, basis, version_id
            found.computed_at, found.computed_by = ctx.now, ctx.principal.subject
    ctx.session.flush()
    rows = ctx.session.scalars(
        select(Allocation)
        .where(Allocation.program_id == program_id, Allocation.year == year)
        .order_by(Allocation.jurisdiction)
    )
    return [_view(row) for row in rows]


def latest_population_year(year: int) -> int:
    """The newest July 1 estimate year of the vendored state vintages that is not after `year`."""
    from statevisa.reference.population import state_vintage

    newest = state_vintage([2020]).last_year
    return min(year, newest)


def compute(ctx: Context, program_id: str, year: int, population_year: int | None = None) -> list[CapView]:
    """Compute and store a program's caps for a year from its approved version's own parameters.

    Shares by population use the Census July 1 estimates of `population_year` (default: the
    newest vendored year not after the program year); the year used is stored in each cap's basis.
    """
    from statevisa.services.allocation import allocation_of
    from statevisa.services.programs import Opened, warnings_for

    if not 1900 <= year <= 2200:
        raise InputError(problem("out-of-range", f"{year} is not a plausible program year", field="year"))
    version, program = approved_version(ctx, program_id)
    target = Resource("Allocation", f"{program_id}/{year}", program.jurisdiction)
    ctx.authorize("allocation.compute", target)
    if program_id == HEARTLAND:
        return _heartland(ctx, program, year, version.id)
    resolved = resolved_on(version, ctx.today)
    counted = latest_population_year(year) if population_year is None else population_year
    try:
        done = allocation_of(Opened(resolved, warnings_for(resolved)), counted)
    except InputError as error:
        fields = {"--program": "program", "--year": "population_year"}
        raise renamed_fields(error, fields) from None
    caps = dict(zip(done.table["fips"].to_list(), done.table["allocation"].to_list(), strict=True))
    computed = Computed(caps, str(done.request.method), done.request.source[:300])
    views = _store(ctx, program_id, year, computed, version.id)
    ctx.audit(
        "allocation.compute",
        target,
        detail={
            "total": sum(caps.values()),
            "units": len(caps),
            "version": version.id,
            "population_year": counted,
        },
    )
    return views


def participating(ctx: Context, program_id: str, on: dt.date) -> list[str]:
    """The counties whose latest decision in force on `on` is to opt in."""
    rows = ctx.session.scalars(
        select(CountyParticipation)
        .where(CountyParticipation.program_id == program_id, CountyParticipation.effective <= on)
        .order_by(CountyParticipation.effective, CountyParticipation.id)
    )
    latest: dict[str, str] = {}
    for row in rows:
        latest[row.county] = row.decision
    return sorted(county for county, decision in latest.items() if decision == "opt_in")


def _heartland(ctx: Context, program: Program, year: int, version_id: int | None) -> list[CapView]:
    from statevisa.services.heartland import CapOptions, Options, share_cap

    counties = participating(ctx, program.id, ctx.today)
    if not counties:
        return _store(ctx, program.id, year, Computed({}, "none", "no county has opted in"), version_id)
    shared = share_cap(counties, CapOptions(), Options(), ctx.today, "the opt-in register")
    caps = {share.fips: share.allocation or 0 for share in shared.result.shares}
    basis = f"{len(caps)} participating counties; {shared.result.basis}"[:300]
    views = _store(ctx, program.id, year, Computed(caps, shared.result.method, basis), version_id)
    ctx.audit(
        "allocation.compute",
        Resource("Allocation", f"{program.id}/{year}", program.jurisdiction),
        detail={"counties": len(caps), "cap": shared.result.cap},
    )
    return views


@dataclass(frozen=True)
class ParticipationView:
    id: int
    program_id: str
    county: str
    decision: str
    effective: dt.date
    deciding_body: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    recorded_by: str
    recorded_at: dt.datetime
    participating: list[str]


@dataclass(frozen=True)
class Vote:
    deciding_body: str
    votes_for: int
    votes_against: int
    votes_abstain: int = 0


def record_participation(
    ctx: Context,
    program_id: str,
    county: str,
    decision: str,
    effective: dt.date,
    vote: Vote,
    year: int | None = None,
) -> ParticipationView:
    """A county officer records the county's opt-in or opt-out; the program's cap is shared again."""
    if decision not in DECISIONS:
        raise InputError(
            problem("not-a-choice", f"'{decision}' is not {' or '.join(DECISIONS)}", field="decision")
        )
    for name, number in (
        ("votes_for", vote.votes_for),
        ("votes_against", vote.votes_against),
        ("votes_abstain", vote.votes_abstain),
    ):
        if not 0 <= number <= MAX_VOTES:
            raise InputError(problem("out-of-range", f"must be between 0 and {MAX_VOTES:,}", field=name))
    if not vote.deciding_body.strip():
        raise InputError(problem("no-deciding-body", "name the body that voted", field="deciding_body"))
    passed = vote.votes_for > vote.votes_against
    if not passed:
        raise InputError(
            problem(
                "motion-failed",
                f"{vote.votes_for} for and {vote.votes_against} against: the motion did not pass",
                field="votes_for",
            )
        )
    require_jurisdiction(ctx, county, "county", "county")
    program = ctx.session.get(Program, program_id)
    if program is None:
        raise NotFoundError(problem("not-found", f"no program {program_id}", field="program"))
    target = Resource("Participation", f"{program_id}/{county}", county)
    ctx.authorize("participation.record", target, creating=True)
    row = CountyParticipation(
        program_id=program_id,
        county=county,
        decision=decision,
        effective=effective,
        deciding_body=vote.deciding_body.strip(),
        votes_for=vote.votes_for,
        votes_against=vote.votes_against,
        votes_abstain=vote.votes_abstain,
        recorded_by=ctx.principal.subject,
        recorded_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("participation.record", target, detail={"decision": decision, "effective": str(effective)})
    now_in = participating(ctx, program_id, ctx.today)
    if program_id == HEARTLAND and effective <= ctx.today:
        try:
            version, _ = approved_version(ctx, program_id)
        except ConflictError:
            version = None
        if version is not None:
            _heartland(ctx, program, year or ctx.today.year, version.id)
    return ParticipationView(
        row.id,
        program_id,
        county,
        decision,
        effective,
        row.deciding_body,
        row.votes_for,
        row.votes_against,
        row.votes_abstain,
        row.recorded_by,
        row.recorded_at,
        now_in,
    )


def listing(ctx: Context, program_id: str, year: int) -> list[CapView]:
    program = ctx.session.get(Program, program_id)
    if program is None:
        raise NotFoundError(problem("not-found", f"no program {program_id}", field="program"))
    ctx.authorize("allocation.read", Resource("Allocation", f"{program_id}/{year}", program.jurisdiction))
    rows = ctx.session.scalars(
        select(Allocation)
        .where(Allocation.program_id == program_id, Allocation.year == year)
        .order_by(Allocation.jurisdiction)
    )
    return [_view(row) for row in rows]


def cap_for(ctx: Context, program_id: str, year: int, county: str | None, state: str) -> Allocation:
    """The most specific cap that covers a case: its county's, else its state's, else the nation's."""
    for fips in (county, state, "US"):
        if fips is None:
            continue
        row = ctx.session.scalar(
            select(Allocation).where(
                Allocation.program_id == program_id, Allocation.year == year, Allocation.jurisdiction == fips
            )
        )
        if row is not None:
            return row
    raise ConflictError(
        problem(
            "no-cap",
            f"no cap is recorded for {program_id} in {year} covering {county or state}: "
            "compute the program's caps first",
            field="cap",
        )
    )


def take_one(ctx: Context, allocation: Allocation) -> None:
    """Use one unit of a cap, or refuse: one conditional UPDATE, exact under any concurrency."""
    taken = ctx.session.execute(
        update(Allocation)
        .where(Allocation.id == allocation.id, Allocation.issued < Allocation.cap)
        .values(issued=Allocation.issued + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            problem(
                "cap-reached",
                f"the {allocation.year} cap of {allocation.program_id} in {allocation.jurisdiction} "
                f"({allocation.cap:,}) is used up",
                field="cap",
            )
        )
    ctx.session.expire(allocation)
