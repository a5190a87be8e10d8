"""One use case, one transaction: who is acting, when, why, and the session they act through.

The edge (API, CLI, web) opens a `Platform` once on a database, then runs each use case in
``with platform.unit(principal, now=..., purpose=...) as ctx:``. Inside, the service asks
``ctx.authorize(...)`` before it touches a record and ``ctx.audit(...)`` for every write and
every read of protected fields; the unit commits once at the end or not at all. After the
commit the audit events written are sequenced into the transparency log and a new checkpoint
is signed (`services.auditlog.sequence`), so "it happened" and "it is in the log" cannot
disagree for longer than that step.

The clock is read at the edge only: services get `now` and derive dates from it.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, Select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from statevisa.config import Settings
from statevisa.errors import NotFoundError, problem
from statevisa.services.authz import Principal, Resource, Role, allowed, authorize
from statevisa.store.db import make_engine, session_factory, transaction
from statevisa.store.migrate import require_current
from statevisa.store.models import AuditEvent

if TYPE_CHECKING:
    from statevisa.identity.tokens import Keyring

M = TypeVar("M")
S = TypeVar("S", bound=Select[Any])
Sequencer = Callable[[sessionmaker[Session], dt.datetime, Sequence[int] | None], int]
"""What runs after a commit that wrote audit events: sequence them (these event ids, or every
pending event when None) into the log, sign a head."""


@dataclass
class Context:
    """What a service needs for one use case: the session, the caller, the time, the purpose."""

    session: Session
    principal: Principal
    now: dt.datetime
    purpose: str
    keyring: Keyring | None = None
    audited: int = field(default=0)
    written: list[AuditEvent] = field(default_factory=list)
    """The audit events added, whose ids (given at the commit) the sequencer is handed."""

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def authorize(self, action: str, resource: Resource, *, creating: bool = False) -> None:
        authorize(self.principal, action, resource, creating=creating)

    def fetch(
        self, model: type[M], ident: int, label: str, action: str, resource: Callable[[M], Resource]
    ) -> M:
        """The record `ident` of `model` if it exists and the caller may do `action` on it; else 404/403.

        A record out of the caller's reach is refused with the very problem a missing one gets,
        so the answer never tells the two apart.
        """
        row = self.session.get(model, ident)
        missing = NotFoundError(problem("not-found", f"no {label} {ident}", field=label.replace(" ", "_")))
        if row is None:
            raise missing
        try:
            self.authorize(action, resource(row))
        except NotFoundError:
            raise missing from None
        return row

    def scoped(self, query: S, owner: InstrumentedAttribute[str], state: InstrumentedAttribute[str]) -> S:
        """A listing narrowed to what the caller could see: their own records (applicants and
        employers) or their state's (officers); the policy still checks each row shown."""
        if self.principal.role in (Role.APPLICANT, Role.EMPLOYER, Role.ENFORCEMENT_LIAISON):
            return query.where(owner == self.principal.subject)
        if self.principal.jurisdiction != "US":
            return query.where(state == self.principal.jurisdiction[:2])
        return query

    def allowed(self, action: str, resource: Resource) -> bool:
        """Whether the policy allows it, without raising: for filtering what a listing shows."""
        return allowed(self.principal, action, resource)

    def audit(
        self,
        action: str,
        resource: Resource,
        *,
        fields: Sequence[str] = (),
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append one audit event: this caller did `action` to `resource`, touching `fields`."""
        row = AuditEvent(
            at=self.now,
            actor=self.principal.subject,
            role=str(self.principal.role),
            jurisdiction=self.principal.jurisdiction,
            purpose=self.purpose,
            action=action,
            resource_type=resource.type,
            resource_id=resource.id,
            fields=sorted(set(fields)),
            detail={str(key)[:64]: loggable(value) for key, value in sorted((detail or {}).items())[:32]},
        )
        self.session.add(row)
        self.written.append(row)
        self.audited += 1


def loggable(value: object) -> str | int | bool | None:
    """A detail value as the log's leaf format takes it: whole numbers from 0 up, text, booleans, null."""
    if value is None or isinstance(value, bool | str):
        return value if not isinstance(value, str) else value[:1000]
    if isinstance(value, int) and 0 <= value < 2**53:
        return value
    return str(value)[:1000]


HOLD_COMMIT = "STATEVISA_TEST_HOLD_COMMIT"
"""Crash tests only: a file to create once a unit's writes are sent, before it commits."""
HOLD_SECONDS = 120


def hold_before_commit(session: Session) -> None:
    """For the crash tests (`tests/services/test_crash.py`), never set in use: with
    STATEVISA_TEST_HOLD_COMMIT=FILE, send every pending write, create FILE and wait, so the test
    can kill the process inside an open transaction that holds all of the use case's writes."""
    marker = os.environ.get(HOLD_COMMIT)
    if marker:
        session.flush()
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(HOLD_SECONDS)


class Platform:
    """The operations platform on one database: an engine, sessions, and the log's sequencer."""

    def __init__(
        self,
        url: str,
        *,
        sequencer: Sequencer | None = None,
        keyring: Keyring | None = None,
        check_revision: bool = True,
    ) -> None:
        self.url = url
        self.keyring = keyring
        self.engine: Engine = make_engine(url)
        self.sessions = session_factory(self.engine)
        self.sequencer = sequencer
        if check_revision:
            require_current(self.engine, url)

    @contextmanager
    def unit(self, principal: Principal, *, now: dt.datetime, purpose: str) -> Iterator[Context]:
        """Run one use case in one transaction; sequence its audit events once it has committed."""
        with transaction(self.sessions) as session:
            context = Context(session, principal, now, purpose, self.keyring)
            yield context
            hold_before_commit(session)
        if context.audited and self.sequencer is not None:
            self.sequencer(self.sessions, now, [row.id for row in context.written])

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A bare transaction for the platform's own bookkeeping (seeding, the sequencer)."""
        with transaction(self.sessions) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_platform(url: str, settings: Settings, *, identity: bool = False) -> Platform:
    """The platform as a server or a command runs it: on `url`, its log signed with the configured
    key, and (required with `identity`, as a server requires it) the identity tokens' keyring."""
    from statevisa.services.auditlog import load_signer, make_sequencer
    from statevisa.services.identity import keyring_from_environment

    keyring = None
    if identity or settings.identity:
        keyring = keyring_from_environment(dict(settings.identity))
    return Platform(url, sequencer=make_sequencer(load_signer(settings)), keyring=keyring)
