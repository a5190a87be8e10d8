"""Employers and their job offers: who sponsors, for what work, where, at what wage level.

A job offer's wage level is not typed in: it is computed from the vendored OEWS wages of
the worksite's state and the offer's SOC code, as ``statevisa wages level`` does (DOL's 2009
four-level guidance), and stored with the data it came from, so a program rule that asks for
"Level II or above" reads a number anyone can re-derive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from statevisa.errors import InputError, NotFoundError, problem, renamed_fields
from statevisa.services.authz import Resource, Role
from statevisa.services.context import Context
from statevisa.services.pages import Page, keyset
from statevisa.services.reference import wage_level
from statevisa.store.models import Employer, JobOffer, Jurisdiction

OPTION_FIELDS = {"--wage": "annual_wage", "--soc": "soc_code", "--state": "worksite_county"}


def require_jurisdiction(ctx: Context, fips: str, kind: str, field: str) -> Jurisdiction:
    """A known state or county, else a 422 naming the field."""
    found = ctx.session.get(Jurisdiction, fips)
    if found is None or found.kind != kind:
        raise unknown_jurisdiction(fips, kind, field)
    return found


def unknown_jurisdiction(fips: str, kind: str, field: str) -> InputError:
    """The refusal of a code that is no known `kind` (state or county)."""
    return InputError(problem(f"unknown-{kind}", f"'{fips}' is not a {kind} FIPS code", field=field))


@dataclass(frozen=True)
class EmployerView:
    id: int
    name: str
    ein: str | None
    state: str
    owner: str
    created_at: dt.datetime


def _employer_resource(row: Employer) -> Resource:
    return Resource("Employer", str(row.id), row.state, row.owner)


def _employer_view(row: Employer) -> EmployerView:
    return EmployerView(row.id, row.name, row.ein, row.state, row.owner, row.created_at)


def create_employer(ctx: Context, name: str, state: str, ein: str | None, owner: str | None) -> EmployerView:
    """Register an employer; an employer registers itself, a state office may register one for it."""
    from stdnum.us import ein as ein_number

    require_jurisdiction(ctx, state, "state", "state")
    if ein is not None and not ein_number.is_valid(ein):
        raise InputError(problem("bad-ein", f"'{ein}' is not a valid US EIN", field="ein"))
    holder = ctx.principal.subject if ctx.principal.role is Role.EMPLOYER or owner is None else owner
    row = Employer(
        name=name.strip(),
        ein=None if ein is None else ein_number.format(ein),
        state=state,
        owner=holder,
        created_at=ctx.now,
    )
    ctx.authorize("employer.create", _employer_resource(row), creating=True)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("employer.create", _employer_resource(row))
    return _employer_view(row)


def load_employer(ctx: Context, employer_id: int, action: str = "employer.read") -> Employer:
    return ctx.fetch(Employer, employer_id, "employer", action, _employer_resource)


def get_employer(ctx: Context, employer_id: int) -> EmployerView:
    return _employer_view(load_employer(ctx, employer_id))


def list_employers(ctx: Context, cursor: str | None, limit: int) -> Page[EmployerView]:
    query = ctx.scoped(select(Employer), Employer.owner, Employer.state)
    rows, next_cursor = keyset(ctx.session, query, Employer.id, cursor, limit)
    seen = [row for row in rows if ctx.allowed("employer.read", _employer_resource(row))]
    return Page([_employer_view(row) for row in seen], next_cursor)


@dataclass(frozen=True)
class JobOfferView:
    id: int
    employer_id: int
    title: str
    soc_code: str
    annual_wage: float
    worksite_county: str
    wage_level: str
    wage_source: str
    created_at: dt.datetime


def _offer_resource(row: JobOffer, employer: Employer) -> Resource:
    return Resource("JobOffer", str(row.id), row.worksite_county, employer.owner)


def _offer_view(row: JobOffer) -> JobOfferView:
    return JobOfferView(
        row.id,
        row.employer_id,
        row.title,
        row.soc_code,
        row.annual_wage,
        row.worksite_county,
        row.wage_level,
        row.wage_source,
        row.created_at,
    )


def create_job_offer(
    ctx: Context, employer_id: int, title: str, soc_code: str, annual_wage: float, worksite_county: str
) -> JobOfferView:
    """A job offer, with its OEWS wage level computed for the worksite's state and the SOC code.

    The employer is loaded as a read first: one the caller may not see is "no employer", as a
    missing one is, so posting an offer cannot probe which employers exist elsewhere.
    """
    employer = load_employer(ctx, employer_id)
    require_jurisdiction(ctx, worksite_county, "county", "worksite_county")
    try:
        level = wage_level(worksite_county[:2], soc_code, annual_wage)
    except InputError as error:
        raise renamed_fields(error, OPTION_FIELDS) from None
    row = JobOffer(
        employer_id=employer.id,
        title=title.strip(),
        soc_code=soc_code,
        annual_wage=annual_wage,
        worksite_county=worksite_county,
        wage_level=level.name,
        wage_source=f"OEWS May 2025, state {worksite_county[:2]}, SOC {soc_code}",
        created_at=ctx.now,
    )
    ctx.authorize("joboffer.create", _offer_resource(row, employer), creating=True)
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("joboffer.create", _offer_resource(row, employer), detail={"wage_level": level.name})
    return _offer_view(row)


def load_job_offer(ctx: Context, offer_id: int) -> tuple[JobOffer, Employer]:
    row = ctx.session.get(JobOffer, offer_id)
    if row is None:
        raise NotFoundError(problem("not-found", f"no job offer {offer_id}", field="job_offer"))
    employer = ctx.session.get(Employer, row.employer_id)
    assert employer is not None  # a foreign key
    ctx.authorize("joboffer.read", _offer_resource(row, employer))
    return row, employer


def get_job_offer(ctx: Context, offer_id: int) -> JobOfferView:
    return _offer_view(load_job_offer(ctx, offer_id)[0])


def list_job_offers(ctx: Context, employer_id: int, cursor: str | None, limit: int) -> Page[JobOfferView]:
    employer = load_employer(ctx, employer_id)
    rows, next_cursor = keyset(
        ctx.session, select(JobOffer).where(JobOffer.employer_id == employer.id), JobOffer.id, cursor, limit
    )
    return Page([_offer_view(row) for row in rows], next_cursor)
