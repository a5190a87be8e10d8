"""Applicants: the people behind applications, and the one place their protected fields are read.

Date of birth, identity document, address and immigration status are protected: reading them
requires `applicant.read_protected` and leaves an audit event naming the fields, every time.
A listing shows names and ids only, so browsing never reads protected data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from statevisa.errors import InputError, problem
from statevisa.services.authz import Resource, Role
from statevisa.services.context import Context
from statevisa.services.employers import require_jurisdiction
from statevisa.services.pages import Page, keyset
from statevisa.store.models import Applicant

PROTECTED = ("date_of_birth", "document_number", "document_country", "address", "immigration_status")


@dataclass(frozen=True)
class NewApplicant:
    state: str
    given_name: str
    family_name: str
    date_of_birth: dt.date | None = None
    country_of_birth: str | None = None
    document_number: str | None = None
    document_country: str | None = None
    address: str | None = None
    immigration_status: str | None = None
    owner: str | None = None


@dataclass(frozen=True)
class ApplicantSummary:
    id: int
    state: str
    given_name: str
    family_name: str
    owner: str


@dataclass(frozen=True)
class ApplicantView:
    id: int
    state: str
    given_name: str
    family_name: str
    owner: str
    country_of_birth: str | None
    date_of_birth: dt.date | None
    document_number: str | None
    document_country: str | None
    address: str | None
    immigration_status: str | None
    created_at: dt.datetime


def resource(row: Applicant) -> Resource:
    return Resource("Applicant", str(row.id), row.state, row.owner)


def _country(code: str | None, field: str) -> str | None:
    """An ISO 3166-1 alpha-3 code, or one of ICAO Doc 9303's own (``UNO``, ``XXA``, a document's
    ``D``), as the document or the record gives it; refused otherwise."""
    if code is None:
        return None
    from statevisa.identity import codes

    allowed = codes.is_issuer(code) if field == "document_country" else codes.is_nationality(code)
    if not allowed:
        raise InputError(
            problem(
                "unknown-country", f"'{code}' is not an ISO 3166-1 alpha-3 or ICAO 9303 code", field=field
            )
        )
    return code


def create(ctx: Context, new: NewApplicant) -> ApplicantView:
    """Record a person: an applicant records themself; a state office may record someone it serves."""
    require_jurisdiction(ctx, new.state, "state", "state")
    if new.date_of_birth is not None and new.date_of_birth > ctx.today:
        raise InputError(
            problem("birth-in-future", f"{new.date_of_birth} is after today", field="date_of_birth")
        )
    if not new.given_name.strip() and not new.family_name.strip():
        raise InputError(problem("no-name", "a person needs a given or a family name", field="family_name"))
    owner = ctx.principal.subject if ctx.principal.role is Role.APPLICANT or new.owner is None else new.owner
    row = Applicant(
        owner=owner,
        state=new.state,
        given_name=new.given_name.strip(),
        family_name=new.family_name.strip(),
        date_of_birth=new.date_of_birth,
        country_of_birth=_country(new.country_of_birth, "country_of_birth"),
        document_number=new.document_number,
        document_country=_country(new.document_country, "document_country"),
        address=new.address,
        immigration_status=new.immigration_status,
        created_at=ctx.now,
    )
    ctx.authorize("applicant.create", resource(row), creating=True)
    ctx.session.add(row)
    ctx.session.flush()
    written = [name for name in PROTECTED if getattr(row, name) is not None]
    ctx.audit("applicant.create", resource(row), fields=written)
    return _view(row)


def load(ctx: Context, applicant_id: int, action: str = "applicant.read") -> Applicant:
    return ctx.fetch(Applicant, applicant_id, "applicant", action, resource)


def _view(row: Applicant) -> ApplicantView:
    return ApplicantView(
        row.id,
        row.state,
        row.given_name,
        row.family_name,
        row.owner,
        row.country_of_birth,
        row.date_of_birth,
        row.document_number,
        row.document_country,
        row.address,
        row.immigration_status,
        row.created_at,
    )


def get(ctx: Context, applicant_id: int, purpose: str | None = None) -> ApplicantView:
    """One applicant with protected fields: authorised, and audited with the fields read."""
    row = load(ctx, applicant_id, "applicant.read_protected")
    ctx.audit(
        "applicant.read_protected",
        resource(row),
        fields=PROTECTED,
        detail={"purpose": purpose or ctx.purpose},
    )
    return _view(row)


def listing(ctx: Context, cursor: str | None, limit: int) -> Page[ApplicantSummary]:
    """Applicants the caller may see, names only (no protected field is read)."""
    query = ctx.scoped(select(Applicant), Applicant.owner, Applicant.state)
    rows, next_cursor = keyset(ctx.session, query, Applicant.id, cursor, limit)
    seen = [row for row in rows if ctx.allowed("applicant.read", resource(row))]
    return Page(
        [ApplicantSummary(r.id, r.state, r.given_name, r.family_name, r.owner) for r in seen], next_cursor
    )
