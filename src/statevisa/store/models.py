"""The platform's records, named as the vocabulary names them.

Jurisdiction, Program, ProgramVersion, Comment, Allocation, CountyParticipation, Employer,
JobOffer, Applicant, Application, Case, Event (a case's transition), ComplianceReport,
IntegrationEnrolment, Round, RoundEntry, and the audit log (AuditEvent, AuditLeaf,
AuditCheckpoint). Histories are rows appended, not values overwritten: a county's opt-in,
a case's moves, an enrolment's progress and the audit log are read as their latest row, so
what was decided when stays on record.

Every time is UTC and tz-aware on the way out (`UTCDateTime`), on SQLite as on PostgreSQL.
Identifiers are 64-bit integers (SQLite's INTEGER PRIMARY KEY on the embedded default).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names fixed here so a migration written once means the same on both databases."""

Id = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit keys; SQLite only autoincrements a column declared INTEGER PRIMARY KEY."""
Json = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and returned tz-aware, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the platform stores UTC times only")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: Json,
        list[Any]: Json,
    }


def fips_key(nullable: bool = False) -> Mapped[Any]:
    return mapped_column(String(5), ForeignKey("jurisdictions.fips"), nullable=nullable, index=True)


class Jurisdiction(Base):
    """The nation (`US`), a state (two-digit FIPS) or a county (five digits), with its parent."""

    __tablename__ = "jurisdictions"
    fips: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8))
    parent: Mapped[str | None] = mapped_column(String(5), ForeignKey("jurisdictions.fips"))


class Program(Base):
    __tablename__ = "programs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    jurisdiction: Mapped[str] = fips_key()
    created_at: Mapped[dt.datetime]


class ProgramVersion(Base):
    """One uploaded policy file (with its section files) and where it stands in review."""

    __tablename__ = "program_versions"
    __table_args__ = (UniqueConstraint("program_id", "version"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"), index=True)
    version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, Any]]
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime]
    comment_opens: Mapped[dt.date | None] = mapped_column(Date)
    comment_closes: Mapped[dt.date | None] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_reasons: Mapped[str | None] = mapped_column(Text)


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]


class Allocation(Base):
    """A cap for a program, year and jurisdiction, and how many visas were issued against it."""

    __tablename__ = "allocations"
    __table_args__ = (UniqueConstraint("program_id", "year", "jurisdiction"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    jurisdiction: Mapped[str] = fips_key()
    cap: Mapped[int] = mapped_column(BigInteger)
    issued: Mapped[int] = mapped_column(BigInteger, default=0)
    method: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str] = mapped_column(String(300))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("program_versions.id"))
    computed_at: Mapped[dt.datetime]
    computed_by: Mapped[str] = mapped_column(String(200))


class CountyParticipation(Base):
    """A county's decision to opt in to or out of a program, as its deciding body voted it."""

    __tablename__ = "county_participation"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"), index=True)
    county: Mapped[str] = fips_key()
    decision: Mapped[str] = mapped_column(String(8))
    effective: Mapped[dt.date] = mapped_column(Date)
    deciding_body: Mapped[str] = mapped_column(String(200))
    votes_for: Mapped[int] = mapped_column(Integer)
    votes_against: Mapped[int] = mapped_column(Integer)
    votes_abstain: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime]


class Employer(Base):
    __tablename__ = "employers"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    ein: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[str] = fips_key()
    owner: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[dt.datetime]


class JobOffer(Base):
    __tablename__ = "job_offers"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    soc_code: Mapped[str] = mapped_column(String(7))
    annual_wage: Mapped[float] = mapped_column(Float)
    worksite_county: Mapped[str] = fips_key()
    wage_level: Mapped[str] = mapped_column(String(16))
    wage_source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]


class Applicant(Base):
    """A person. Identity documents, birth date, address and immigration status are protected:
    every read of them leaves an audit event."""

    __tablename__ = "applicants"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    state: Mapped[str] = fips_key()
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    country_of_birth: Mapped[str | None] = mapped_column(String(3))
    document_number: Mapped[str | None] = mapped_column(String(40))
    document_country: Mapped[str | None] = mapped_column(String(3))
    address: Mapped[str | None] = mapped_column(Text)
    immigration_status: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]


class Application(Base):
    """A submission to one approved program version, evaluated once, on the date it records."""

    __tablename__ = "applications"
    __table_args__ = (Index("ix_applications_version_eligible", "version_id", "eligible"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = fips_key()
    county: Mapped[str | None] = fips_key(nullable=True)
    job_offer_id: Mapped[int | None] = mapped_column(ForeignKey("job_offers.id"))
    owner: Mapped[str] = mapped_column(String(200), index=True)
    inputs: Mapped[dict[str, Any]]
    outputs: Mapped[dict[str, Any]]
    explanation: Mapped[dict[str, Any] | None]
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    score: Mapped[float | None] = mapped_column(Float)
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime]
    import_batch: Mapped[str | None] = mapped_column(String(64))


class Case(Base):
    """Where an application stands in the one transition table (`statevisa.cases.states`)."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    jurisdiction: Mapped[str] = fips_key()
    county: Mapped[str | None] = fips_key(nullable=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"))
    opened_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    reporting_due: Mapped[dt.date | None] = mapped_column(Date)


class Event(Base):
    """One move of a case: from, to, who, why, when."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]]
    at: Mapped[dt.datetime]


class ComplianceReport(Base):
    __tablename__ = "compliance_reports"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    period_end: Mapped[dt.date] = mapped_column(Date)
    details: Mapped[dict[str, Any]]
    reported_by: Mapped[str] = mapped_column(String(200))
    reported_at: Mapped[dt.datetime]


class IntegrationEnrolment(Base):
    """A step of a case in an integration service its program offers or requires."""

    __tablename__ = "integration_enrolments"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    service: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    recorded_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime]


class Round(Base):
    """A selection over one program version: what went in, the commitment, the seed, what came out."""

    __tablename__ = "rounds"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("program_versions.id"), index=True)
    jurisdiction: Mapped[str] = fips_key()
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    parameters: Mapped[dict[str, Any]]
    commitment: Mapped[str | None] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(128))
    result: Mapped[dict[str, Any] | None]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    drawn_at: Mapped[dt.datetime | None]


class RoundEntry(Base):
    """One application in a round: its place in the input order, and its outcome once drawn."""

    __tablename__ = "round_entries"
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    score: Mapped[float | None] = mapped_column(Float)
    submitted_at: Mapped[dt.datetime]
    selected: Mapped[bool | None] = mapped_column(Boolean)
    rank: Mapped[int | None] = mapped_column(Integer)


class IdempotencyKey(Base):
    """The first answer to a POST carrying an Idempotency-Key, replayed for the same caller and key."""

    __tablename__ = "idempotency_keys"
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    route: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]


class AuditEvent(Base):
    """Something done or read, as it happened; it enters the log when sequenced into a leaf."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    jurisdiction: Mapped[str] = mapped_column(String(5))
    purpose: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(128))
    fields: Mapped[list[Any]]
    detail: Mapped[dict[str, Any]]


class AuditLeaf(Base):
    """Position `idx` of the transparency log: the exact bytes hashed, and their leaf hash."""

    __tablename__ = "audit_leaves"
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), unique=True)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditCheckpoint(Base):
    """A signed tree head (a C2SP checkpoint in a signed note) and the frontier that extends it."""

    __tablename__ = "audit_checkpoints"
    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    frontier: Mapped[list[Any]]
    signed_at: Mapped[dt.datetime]


class CooperationRequest(Base):
    """A federal enforcement request to a state agency, the gate's decision, and what was released.

    The facts about the person are kept only as a SHA-256 of their canonical JSON; the decision
    keeps its basis (rules, citations, the facts each rule read), which is what a court asks for.
    """

    __tablename__ = "cooperation_requests"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    requested_by: Mapped[str] = mapped_column(String(200), index=True)
    jurisdiction: Mapped[str] = fips_key()
    action: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    facts_sha256: Mapped[str] = mapped_column(String(64))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicants.id"))
    fields_asked: Mapped[list[Any]]
    fields_released: Mapped[list[Any]]
    basis: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]


class HubToken(Base):
    """The federal hub's entry for one holding: a keyed token, never the identity behind it.

    A state sends, for every active visa and every lottery entry it holds, the holder's tokens
    (`statevisa.identity.tokens`), its state, what is held, and an opaque reference of its own;
    the hub compares tokens across states. An entry stops counting (`active` false) when its
    case ends.
    """

    __tablename__ = "hub_tokens"
    __table_args__ = (Index("ix_hub_tokens_lookup", "kind", "key_id", "token"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(2))
    holding: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[str] = mapped_column(String(32))
    token: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime]


class Adjudication(Base):
    """A possible second holding of one person: open until an authorised officer decides."""

    __tablename__ = "adjudications"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    state: Mapped[str] = fips_key()
    reference: Mapped[str] = mapped_column(String(64))
    other_state: Mapped[str] = mapped_column(String(2))
    holding: Mapped[str] = mapped_column(String(16))
    matched: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    opened_at: Mapped[dt.datetime]
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[dt.datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
