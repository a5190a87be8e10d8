"""Applications: one submission evaluated by the program's approved version, and its case opened.

A submission names a program, the state it applies in, the program's inputs, and optionally
an applicant record and a job offer. The rules engine evaluates that one case on the day of
submission with the version in force; the outputs, the explanation tree, the version and
its content hash are stored with the application, so the decision can be read and re-derived
later. A program decides applications through a true/false output named `eligible`, and may
rank them by a number output named `score` (or `points`).

Facts the platform already holds are not typed twice: when the program declares an input
named like a job-offer fact (`soc_code`, `annual_wage`, `wage_level`, `worksite_county`), the
offer fills it unless the submission gives it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, insert, select, update
from sqlalchemy.orm import aliased, defer

from statevisa.cases.states import Actor, CaseState, check
from statevisa.errors import ConflictError, InputError, NotFoundError, problem, renamed_fields
from statevisa.rules.explain import json_value
from statevisa.rules.model import Kind
from statevisa.rules.model import Program as Policy
from statevisa.rules.resolve import Resolved
from statevisa.services import applicants, employers, hub
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.pages import Page, keyset
from statevisa.services.program_versions import (
    VersionStatus,
    not_approved,
    require_runs_in,
    resolved_of,
    resolved_on,
)
from statevisa.store.models import (
    Applicant,
    Application,
    Case,
    Event,
    JobOffer,
    Jurisdiction,
    Program,
    ProgramVersion,
)

SCORE_OUTPUTS = ("score", "points")
MAX_INPUTS = 500


@dataclass(frozen=True)
class Submission:
    program_id: str
    state: str
    inputs: Mapping[str, object]
    applicant_id: int | None = None
    job_offer_id: int | None = None
    external_id: str | None = None
    mrz: tuple[str, ...] = ()
    """The machine-readable zone of the applicant's travel document (two or three lines), if read."""
    national_ids: Mapping[str, str] = field(default_factory=dict)
    """National or tax numbers by kind (``us-ssn``, ``br-cpf`` ...), checked by python-stdnum."""


@dataclass(frozen=True)
class ApplicationView:
    id: int
    case_id: int
    program_id: str
    version_id: int
    version: str
    content_hash: str
    state: str
    county: str | None
    applicant_id: int | None
    job_offer_id: int | None
    eligible: bool | None
    score: float | None
    case_state: str
    evaluated_on: dt.date
    submitted_at: dt.datetime
    outputs: dict[str, Any]
    explanation: dict[str, Any] | None


def resource(row: Application) -> Resource:
    return Resource("Application", str(row.id), row.county or row.state, row.owner)


def decision_outputs(policy: Policy) -> tuple[str, str | None]:
    """The output that decides eligibility and the one that ranks, refused if the program has none."""
    kinds = {name: policy.types[name].kind for name in policy.outputs if name in policy.types}
    if kinds.get("eligible") is not Kind.BOOL:
        raise ConflictError(
            problem(
                "cannot-decide",
                f"program {policy.id} has no true/false output named 'eligible': "
                "it cannot decide applications",
                field="program",
            )
        )
    numeric = (Kind.INT, Kind.FLOAT)
    return "eligible", next((name for name in SCORE_OUTPUTS if kinds.get(name) in numeric), None)


def offer_facts(policy: Policy, offer: JobOffer) -> dict[str, object]:
    facts = {
        "soc_code": offer.soc_code,
        "annual_wage": offer.annual_wage,
        "wage_level": offer.wage_level,
        "worksite_county": offer.worksite_county,
    }
    return {name: value for name, value in facts.items() if name in policy.inputs}


def submit(ctx: Context, given: Submission, *, receipt: bool = False) -> ApplicationView:
    """Evaluate one application with the program's approved version and open its case.

    With `receipt`, the view returned carries the decision and the identity findings but not the
    explanation tree (stored all the same; `get` returns it): what a submitter's answer needs,
    without encoding tens of kilobytes per submission.

    The busiest write of the platform, so it is written for few round trips: the program, its
    approved version (without its files: the rules are cached by content hash) and the state
    are read in one query, and the application, its case and the case's two events are
    inserted as Core statements, not through the ORM's unit of work (``bench/api.py``).
    """
    version, program = _submittable(ctx, given)
    if len(given.inputs) > MAX_INPUTS:
        raise InputError(problem("too-many-inputs", f"at most {MAX_INPUTS} inputs", field="inputs"))
    owner, person = ctx.principal.subject, None
    if given.applicant_id is not None:
        person = applicants.load(ctx, given.applicant_id)
        owner = person.owner
        if person.state != given.state:
            raise InputError(
                problem(
                    "wrong-state",
                    f"applicant {person.id} is recorded in {person.state}",
                    field="applicant_id",
                )
            )
    county, facts, employer_id = None, {}, None
    resolved = resolved_of(ctx.session, version, ctx.today)
    policy = resolved.program
    eligible_name, score_name = decision_outputs(policy)
    if given.job_offer_id is not None:
        offer, _ = employers.load_job_offer(ctx, given.job_offer_id)
        if offer.worksite_county[:2] != given.state:
            raise InputError(
                problem(
                    "wrong-state",
                    f"job offer {offer.id} is in county {offer.worksite_county}",
                    field="job_offer_id",
                )
            )
        county, facts, employer_id = offer.worksite_county, offer_facts(policy, offer), offer.employer_id
    row = Application(
        version_id=version.id,
        applicant_id=given.applicant_id,
        external_id=given.external_id,
        state=given.state,
        county=county,
        job_offer_id=given.job_offer_id,
        owner=owner,
        evaluated_on=ctx.today,
        submitted_at=ctx.now,
        import_batch=None,
    )
    ctx.authorize("application.submit", resource(row), creating=True)
    values = {**facts, **given.inputs, "id": given.external_id or "application"}
    outputs, explanation = evaluate(resolved, version, values)
    row.inputs = {name: value for name, value in values.items() if name != "id"}
    row.outputs, row.explanation = outputs, explanation
    row.eligible = bool(outputs[eligible_name])
    row.score = None if score_name is None else float(outputs[score_name])
    identity = identity_checks(given, person, ctx.today)
    if identity:
        row.explanation = {**explanation, "identity": identity}
    _insert(ctx, row)
    case = open_case(ctx, row, program, version, employer_id)
    if person is not None and ctx.keyring is not None:
        matches = hub.check_in(ctx, row, case, person, ctx.keyring)
        identity["possible_duplicates"] = [
            {"state": m.state, "holding": m.holding, "matched": list(m.matched)} for m in matches
        ]
        row.explanation = {**explanation, "identity": identity}
        ctx.session.execute(
            update(Application).where(Application.id == row.id).values(explanation=row.explanation)
        )
    ctx.audit("application.submit", resource(row), detail={"version": version.id, "eligible": row.eligible})
    found = view(row, case, program, version)
    if receipt and row.explanation is not None:
        kept = {key: value for key, value in row.explanation.items() if key != "explanation"}
        found = replace(found, explanation=kept)
    return found


def _insert(ctx: Context, row: Application | Case) -> None:
    """Insert a new record with one Core statement and give it its id (RETURNING, on both databases)."""
    table = cast(Table, type(row).__table__)
    values = {column.key: getattr(row, column.key) for column in table.columns if column.key != "id"}
    row.id = ctx.session.execute(insert(table).returning(table.c.id), values).scalar_one()


@cache
def _submittable_query() -> Select[Program, ProgramVersion, str]:
    """Built once: making this statement (an aliased subquery, two outer joins) cost more CPU
    than running it."""
    approved = aliased(ProgramVersion)
    newest = (
        select(approved.id)
        .where(approved.program_id == Program.id, approved.status == VersionStatus.APPROVED)
        .order_by(approved.id.desc())
        .limit(1)
        .correlate(Program)
        .scalar_subquery()
    )
    return (
        select(Program, ProgramVersion, Jurisdiction.kind)
        .select_from(Program)
        .outerjoin(ProgramVersion, ProgramVersion.id == newest)
        .outerjoin(Jurisdiction, Jurisdiction.fips == bindparam("state"))
        .where(Program.id == bindparam("program_id"))
        .options(defer(ProgramVersion.files))
    )


def _submittable(ctx: Context, given: Submission) -> tuple[ProgramVersion, Program]:
    """The program and its approved version, refused as `approved_version` and
    `employers.require_jurisdiction` refuse them (in that order), read in one query with the
    state; the version comes without its files (`resolved_of` reads them once per content)."""
    found = ctx.session.execute(
        _submittable_query(), {"program_id": given.program_id, "state": given.state}
    ).first()
    if found is None:
        raise NotFoundError(problem("not-found", f"no program {given.program_id}", field="program"))
    program, version, kind = found
    if version is None:
        raise not_approved(given.program_id)
    if kind != "state":
        raise employers.unknown_jurisdiction(given.state, "state", "state")
    require_runs_in(program, given.state, "state")
    return version, program


def identity_checks(given: Submission, person: Applicant | None, on: dt.date) -> dict[str, Any]:
    """The document and number checks of a submission: refused at the first unusable or failed
    check (a typo is the applicant's to fix), recorded with the case when they pass."""
    from statevisa.services.identity import check_document, check_numbers

    found: dict[str, Any] = {}
    if given.mrz:
        try:
            report = check_document(given.mrz, on)
        except InputError as error:
            raise InputError(
                [replace(p, location=replace(p.location, field="identity/mrz")) for p in error.problems]
            ) from None
        failed = [problem(c.code, c.message, field="identity/mrz") for c in report.failures]
        if report.fields.specimen:
            failed.append(
                problem("specimen", "this is an ICAO specimen document, not a real one", field="identity/mrz")
            )
        number = report.fields.document_number
        if (
            person is not None
            and person.document_number
            and number.replace(" ", "") != person.document_number
        ):
            failed.append(
                problem(
                    "mrz-mismatch",
                    f"the zone's document number {number} is not the applicant's",
                    field="identity/mrz",
                )
            )
        if failed:
            raise InputError(failed)
        found["mrz"] = report.to_json()
    if given.national_ids:
        checks = check_numbers(given.national_ids)
        wrong = [
            problem(c.code or "invalid", c.reason or "invalid", field=f"identity/national_ids/{c.kind}")
            for c in checks
            if not c.valid
        ]
        if wrong:
            raise InputError(wrong)
        found["national_ids"] = [{"kind": c.kind, "valid": c.valid} for c in checks]
    return found


def evaluate(
    resolved: Resolved, version: ProgramVersion, values: Mapping[str, object]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Outputs and explanation of one case; input problems come back at `inputs/<name>`."""
    from statevisa.rules.cases import evaluate_one

    policy = resolved.program
    try:
        result = evaluate_one(resolved, values, "inputs")
    except InputError as error:
        names = {name: f"inputs/{name}" for name in [*policy.inputs, "id"]}
        raise renamed_fields(error, names) from None
    outputs = {name: json_value(value) for name, value in result.outputs.items()}
    explanation = {
        "program": {
            "id": policy.id,
            "version": policy.version,
            "version_id": version.id,
            "content_hash": version.content_hash,
        },
        "on": resolved.on.isoformat(),
        "outputs": outputs,
        "explanation": [trace.to_json() for trace in result.traces.values()],
    }
    return outputs, explanation


def decision_reason(program: Program, version: ProgramVersion, on: dt.date, eligible: bool) -> str:
    """Why the engine moved a new case out of `submitted`: the program, version, date and verdict."""
    return f"{program.id} {version.version} on {on}: eligible is {str(eligible).lower()}"


def open_case(
    ctx: Context, row: Application, program: Program, version: ProgramVersion, employer_id: int | None
) -> Case:
    """The case of a new application: submitted, then decided by the engine in the same breath."""
    target = CaseState.ELIGIBLE if row.eligible else CaseState.INELIGIBLE
    check(CaseState.SUBMITTED, target, Actor.SYSTEM)
    case = Case(
        application_id=row.id,
        state=target,
        jurisdiction=row.state,
        county=row.county,
        employer_id=employer_id,
        allocation_id=None,
        opened_at=ctx.now,
        updated_at=ctx.now,
        reporting_due=None,
    )
    _insert(ctx, case)
    actor, role = ctx.principal.subject, str(ctx.principal.role)
    why = decision_reason(program, version, row.evaluated_on, bool(row.eligible))
    ctx.session.execute(
        insert(cast(Table, Event.__table__)),
        [
            {
                "case_id": case.id,
                "from_state": None,
                "to_state": CaseState.SUBMITTED,
                "actor": actor,
                "role": role,
                "reason": "submitted",
                "details": {},
                "at": ctx.now,
            },
            {
                "case_id": case.id,
                "from_state": CaseState.SUBMITTED,
                "to_state": target,
                "actor": "statevisa",
                "role": Actor.SYSTEM,
                "reason": why,
                "details": {"version_id": version.id},
                "at": ctx.now,
            },
        ],
    )
    return case


def view(
    row: Application, case: Case, program: Program, version: ProgramVersion, *, full: bool = True
) -> ApplicationView:
    return ApplicationView(
        row.id,
        case.id,
        program.id,
        version.id,
        version.version,
        version.content_hash,
        row.state,
        row.county,
        row.applicant_id,
        row.job_offer_id,
        row.eligible,
        row.score,
        case.state,
        row.evaluated_on,
        row.submitted_at,
        row.outputs,
        row.explanation if full else None,
    )


def load(ctx: Context, application_id: int) -> tuple[Application, Case, Program, ProgramVersion]:
    row = ctx.session.get(Application, application_id)
    if row is None:
        raise NotFoundError(problem("not-found", f"no application {application_id}", field="application"))
    ctx.authorize("application.read", resource(row))
    case = ctx.session.scalar(select(Case).where(Case.application_id == row.id))
    version = ctx.session.get(ProgramVersion, row.version_id)
    assert case is not None and version is not None  # written together, foreign keys
    program = ctx.session.get(Program, version.program_id)
    assert program is not None
    return row, case, program, version


def get(ctx: Context, application_id: int) -> ApplicationView:
    """One application with its inputs and explanation; the read is audited (inputs may hold a
    person's immigration facts). A bulk-imported row is explained now, from its stored inputs,
    by the version and date that decided it, and nothing is written back."""
    row, case, program, version = load(ctx, application_id)
    found = view(row, case, program, version)
    if row.explanation is None:
        resolved = resolved_on(version, row.evaluated_on)
        _, explanation = evaluate(resolved, version, {**row.inputs, "id": row.external_id or "application"})
        found = replace(found, explanation=explanation)
    ctx.audit("application.read", resource(row), fields=["explanation", "inputs"])
    return found


def listing(ctx: Context, program_id: str | None, cursor: str | None, limit: int) -> Page[ApplicationView]:
    """Applications the caller may see, newest last, without explanation trees."""
    query = select(Application)
    if program_id is not None:
        query = query.join(ProgramVersion, ProgramVersion.id == Application.version_id).where(
            ProgramVersion.program_id == program_id
        )
    query = ctx.scoped(query, Application.owner, Application.state)
    rows, next_cursor = keyset(ctx.session, query, Application.id, cursor, limit)
    seen = [row for row in rows if ctx.allowed("application.read", resource(row))]
    cases = {
        c.application_id: c
        for c in ctx.session.scalars(select(Case).where(Case.application_id.in_([r.id for r in seen])))
    }
    versions = {
        v.id: v
        for v in ctx.session.scalars(
            select(ProgramVersion).where(ProgramVersion.id.in_({r.version_id for r in seen}))
        )
    }
    programs = {
        p.id: p
        for p in ctx.session.scalars(
            select(Program).where(Program.id.in_({v.program_id for v in versions.values()}))
        )
    }
    return Page(
        [
            view(
                r,
                cases[r.id],
                programs[versions[r.version_id].program_id],
                versions[r.version_id],
                full=False,
            )
            for r in seen
        ],
        next_cursor,
    )
