"""Programs as the public sees them: where each stands, what it says over time, a case evaluated.

The programs page lists every program on the platform with the status of its latest version
(draft, in comment, submitted, approved, rejected; *active* once an approved program has
issued a visa under its caps), and the shipped programs not yet uploaded. A program's page
shows the version in question (the latest on the platform, or the shipped file), its rules,
every parameter as dated values with their citations, its comment thread, and evaluates one
case with the same engine and the same version that decides applications. All of it is a
public record (``version.read``); nothing here is personal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from statevisa.errors import InputError, NotFoundError, problem
from statevisa.rules.model import Program as Policy
from statevisa.services import program_versions as versions
from statevisa.services.context import Context
from statevisa.services.programs import Explanation, Opened, describe_shape, explain_values, warnings_for
from statevisa.store.models import Allocation, ProgramVersion

PAGE = 500
MAX_CASE_FIELDS = 200


@dataclass(frozen=True)
class ProgramRow:
    """One program in the listing: its latest version and where that version stands."""

    id: str
    title: str
    jurisdiction: str
    status: str
    version: str | None
    version_id: int | None
    versions: int
    comments: int
    comment_closes: dt.date | None
    cap: int
    issued: int


@dataclass(frozen=True)
class Listing:
    on_platform: tuple[ProgramRow, ...]
    shipped_only: tuple[ProgramRow, ...]


def all_versions(ctx: Context, program_id: str | None = None) -> list[versions.VersionView]:
    """Every version the caller may read, page after page, in upload order."""
    found: list[versions.VersionView] = []
    cursor: str | None = None
    while True:
        page = versions.list_versions(ctx, program_id, cursor, PAGE)
        found.extend(page.items)
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


def _use(ctx: Context, program_id: str) -> tuple[int, int]:
    """The program's caps and visas issued, over every year and jurisdiction on record."""
    rows = ctx.session.scalars(select(Allocation).where(Allocation.program_id == program_id)).all()
    return sum(r.cap for r in rows), sum(r.issued for r in rows)


def listing(ctx: Context) -> Listing:
    """Every program on the platform with its latest version's status, and the shipped rest."""
    from statevisa.services.programs import list_programs

    latest: dict[str, versions.VersionView] = {}
    counts: dict[str, int] = {}
    for view in all_versions(ctx):
        latest[view.program_id] = view
        counts[view.program_id] = counts.get(view.program_id, 0) + 1
    rows = []
    for program_id, view in sorted(latest.items()):
        cap, issued = _use(ctx, program_id)
        status = "active" if view.status == versions.VersionStatus.APPROVED and issued else view.status
        rows.append(
            ProgramRow(
                program_id,
                view.title,
                view.jurisdiction,
                status,
                view.version,
                view.id,
                counts[program_id],
                view.comments,
                view.comment_closes,
                cap,
                issued,
            )
        )
    shipped = tuple(
        ProgramRow(s.id, s.title, s.jurisdiction, f"shipped ({s.status})", s.version, None, 0, 0, None, 0, 0)
        for s in list_programs()
        if s.id not in latest
    )
    return Listing(tuple(rows), shipped)


@dataclass(frozen=True)
class ValueRow:
    """One dated value of a parameter, with its citation: a row of the page's history."""

    parameter: str
    start: dt.date
    end: dt.date | None
    value: str | None
    number: float | None
    status: str
    cite: str
    note: str | None


@dataclass(frozen=True)
class RuleRow:
    name: str
    formula: str
    cite: str
    description: str


@dataclass(frozen=True)
class Field:
    """One input of the evaluate-a-case form."""

    name: str
    kind: str
    choices: tuple[str, ...]
    description: str
    optional: bool
    default: str | None


@dataclass(frozen=True)
class ProgramPage:
    """What a program's page shows: the version, its history, rules, values, form, comments."""

    id: str
    title: str
    jurisdiction: str
    law_status: str
    description: str
    version: str
    version_view: versions.VersionView | None
    history: tuple[versions.VersionView, ...]
    rules: tuple[RuleRow, ...]
    values: tuple[ValueRow, ...]
    fields: tuple[Field, ...]
    outputs: tuple[str, ...]
    comments: tuple[versions.CommentView, ...]
    commenting_open: bool


def _policy(
    ctx: Context, program_id: str, version_id: int | None
) -> tuple[Policy, versions.VersionView | None]:
    """The stored version asked for (default: the latest on the platform), else the shipped file."""
    from statevisa.programs import shipped_ids
    from statevisa.services.programs import shipped_program

    view: versions.VersionView | None
    if version_id is not None:
        view = versions.get(ctx, version_id)
        if view.program_id != program_id:
            raise NotFoundError(
                problem("not-found", f"no version {version_id} of {program_id}", field="version")
            )
    else:
        found = all_versions(ctx, program_id)
        view = found[-1] if found else None
    if view is None:
        if program_id not in shipped_ids():  # an id only: never a path on this server
            raise NotFoundError(problem("not-found", f"no program {program_id}", field="program"))
        return shipped_program(program_id), None
    row = ctx.session.get(ProgramVersion, view.id)
    assert row is not None  # the view was just read
    return versions.policy_of(row), view


def _values(policy: Policy) -> tuple[ValueRow, ...]:
    from statevisa.rules.model import Scalar

    rows = []
    for spec in policy.parameters.values():
        for period in spec.periods:
            shape = period.shape
            number = None
            if (
                isinstance(shape, Scalar)
                and isinstance(shape.value, int | float)
                and not isinstance(shape.value, bool)
            ):
                number = float(shape.value)
            rows.append(
                ValueRow(
                    spec.name,
                    period.start,
                    period.end,
                    None if shape is None else describe_shape(shape, 80),
                    number,
                    period.status.value,
                    period.citation.short(),
                    period.note,
                )
            )
    return tuple(rows)


def _fields(policy: Policy) -> tuple[Field, ...]:
    from statevisa.rules.explain import show

    return tuple(
        Field(
            spec.name,
            spec.type.kind.value,
            spec.type.values,
            spec.description,
            spec.optional_when is not None,
            None if spec.default is None else show(spec.default),
        )
        for spec in policy.inputs.values()
        if spec.source is None
    )


def page(ctx: Context, program_id: str, version_id: int | None = None) -> ProgramPage:
    """A program's page: the version in question, with its rules, dated values, form and comments."""
    policy, view = _policy(ctx, program_id, version_id)
    thread: tuple[versions.CommentView, ...] = ()
    open_now = False
    if view is not None:
        thread = tuple(versions.comments(ctx, view.id, None, PAGE).items)
        opens, closes = view.comment_opens, view.comment_closes
        open_now = (
            view.status == versions.VersionStatus.IN_COMMENT
            and opens is not None
            and closes is not None
            and opens <= ctx.today <= closes
        )
    return ProgramPage(
        policy.id,
        policy.title,
        policy.jurisdiction,
        policy.status.value,
        " ".join(policy.description.split()),
        policy.version,
        view,
        tuple(all_versions(ctx, program_id)) if view is not None else (),
        tuple(
            RuleRow(rule.name, rule.formula, rule.citation.short(), rule.description)
            for rule in policy.rules.values()
        ),
        _values(policy),
        _fields(policy),
        policy.outputs,
        thread,
        open_now,
    )


def evaluate(
    ctx: Context, program_id: str, version_id: int | None, values: Mapping[str, str], on: dt.date
) -> Explanation:
    """One case evaluated by the version in question on `on`, with its explanation tree.

    Blank fields are left out, so an optional input takes its declared default, exactly as a
    blank cell of `statevisa evaluate` does; nothing is stored.
    """
    from statevisa.rules.resolve import resolve

    if len(values) > MAX_CASE_FIELDS:
        raise InputError(problem("too-many-fields", f"at most {MAX_CASE_FIELDS} inputs", field="case"))
    policy, _ = _policy(ctx, program_id, version_id)
    resolved = resolve(policy, on)
    case: dict[str, object] = {"id": "form"}
    case.update({name: text for name, text in values.items() if text.strip() and name in policy.inputs})
    return explain_values(Opened(resolved, warnings_for(resolved)), case, "case")
